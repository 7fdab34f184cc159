package mockdaemon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strings"
)

// handler serves one operation. It writes the answer and returns nil, or
// returns the error dockerd answers with (an *apiError, else a 500)
// before it has written anything: serveOp writes it. A handler that
// streams returns nil once its head is out; an error after that could not
// reach the client and is dropped.
type handler func(w http.ResponseWriter, r *http.Request) error

// route is one operation of the Engine API: method, path template as the
// API reference writes it, operation id and handler. The template is the
// route's ServeMux pattern, but where it writes {var...} before its end: a
// name that may hold '/' (a container's link name /parent/alias, an image,
// a plugin, a distribution reference), served by registerNamed.
type route struct {
	method string
	path   string
	op     string
	h      handler
}

// routes is the daemon's route table, one resource after the other.
func (d *Daemon) routes() []route {
	return slices.Concat(
		d.systemRoutes(),
		d.containerRoutes(),
		d.execRoutes(),
		d.imageRoutes(),
		d.buildRoutes(),
		d.networkRoutes(),
		d.volumeRoutes(),
		d.swarmRoutes(),
		d.nodeRoutes(),
		d.serviceRoutes(),
		d.taskRoutes(),
		d.secretRoutes(),
		d.configRoutes(),
		d.pluginRoutes(),
		d.sessionRoutes(),
		d.distributionRoutes(),
	)
}

// namedRoute is a route whose name may hold '/': the path before the
// name, the variable the handler reads it from, and the path after it.
type namedRoute struct {
	route
	prefix, name, suffix string
}

// cutNamed splits a template at its {var...} element, if it has one.
func cutNamed(rt route) (namedRoute, bool) {
	end := strings.Index(rt.path, "...}")
	if end < 0 {
		return namedRoute{}, false
	}
	start := strings.LastIndex(rt.path[:end], "{")
	if start < 0 {
		return namedRoute{}, false
	}
	nr := namedRoute{route: rt, prefix: rt.path[:start], name: rt.path[start+1 : end], suffix: rt.path[end+len("...}"):]}
	nr.path = nr.prefix + "{" + nr.name + "}" + nr.suffix // as the request log shows it
	return nr, true
}

// register serves rs on d.mux, and "page not found" for anything else.
func (d *Daemon) register(rs []route) {
	named := map[string][]namedRoute{} // by the path before the name
	var prefixes []string
	for _, rt := range rs {
		if nr, ok := cutNamed(rt); ok {
			if named[nr.prefix] == nil {
				prefixes = append(prefixes, nr.prefix)
			}
			named[nr.prefix] = append(named[nr.prefix], nr)
			continue
		}
		d.mux.HandleFunc(rt.method+" "+rt.path, func(w http.ResponseWriter, r *http.Request) {
			if r.Method != rt.method { // a GET pattern takes HEAD too; dockerd's routes do not
				notFound(w, r)
				return
			}
			d.serveOp(w, r, rt)
		})
	}
	for _, prefix := range prefixes {
		d.registerNamed(prefix, named[prefix])
	}
	d.mux.HandleFunc("/", notFound)
}

// registerNamed serves the named routes under prefix as dockerd's router
// (gorilla/mux) serves its {name:.*} routes: the first route in table
// order whose method matches and whose path ends in the route's suffix
// serves the request, the name being all between the prefix and that
// suffix (so GET /containers/app/db/json inspects the container linked
// as /app/db, and GET /containers/a/json/logs the logs of "a/json").
// Anything else is "page not found". A path the mux serves by a pattern
// of its own (GET /containers/json) never reaches here.
func (d *Daemon) registerNamed(prefix string, rs []namedRoute) {
	d.mux.HandleFunc(prefix+"{rest...}", func(w http.ResponseWriter, r *http.Request) {
		rest := strings.TrimPrefix(r.URL.Path, prefix)
		for _, rt := range rs {
			name, ok := strings.CutSuffix(rest, rt.suffix)
			if r.Method != rt.method || !ok {
				continue
			}
			r.SetPathValue(rt.name, name)
			d.serveOp(w, r, rt.route)
			return
		}
		notFound(w, r)
	})
}

// notFound answers a path no route serves, as dockerd's router does:
// before any middleware, so without the daemon's headers.
func notFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, r, errNotFound("page not found"))
}

// serveOp runs rt for a request, applying any injected fault first, and
// answers the handler's error: the one place an error becomes a status
// and a body.
func (d *Daemon) serveOp(w http.ResponseWriter, r *http.Request, rt route) {
	d.setHeaders(w)
	ri := infoOf(r)
	ri.rec.Operation = rt.op
	ri.rec.Template = rt.path
	answered, err := d.injectFault(w, r, rt.op)
	if !answered && err == nil {
		err = rt.h(w, r)
	}
	if err != nil && ri.rec.Status == 0 {
		writeError(w, r, err)
	}
}

// ServeHTTP serves one Engine API request.
func (d *Daemon) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &Request{Method: r.Method, Path: r.URL.Path}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	sw := &statusWriter{ResponseWriter: w, rec: rec, srv: d.srv, cancel: cancel}
	defer d.srv.logRequest(rec)
	defer d.srv.done(sw)

	if p := cleanPath(r.URL.Path); p != r.URL.Path {
		// dockerd's router answers a path to clean with a bare redirect
		u := *r.URL
		u.Path, u.RawPath = p, ""
		sw.Header().Set("Location", u.String())
		sw.WriteHeader(http.StatusMovedPermanently)
		return
	}
	path, version, err := d.versionOf(r.URL.Path)
	if err != nil {
		rec.Operation = "VersionCheck"
		d.setHeaders(sw)
		writeError(sw, r, err)
		return
	}

	r2 := r.Clone(withReqInfo(ctx, &reqInfo{version: version, rec: rec}))
	r2.URL.Path = path
	r2.URL.RawPath = ""
	if raw := r.URL.RawPath; raw != "" {
		if rest, _, ok := splitVersion(raw); ok {
			r2.URL.RawPath = rest
		} else {
			r2.URL.RawPath = raw
		}
	}
	d.mux.ServeHTTP(sw, r2)
}

// setHeaders sets the headers of every answer of a route (dockerd's
// middlewares set them).
func (d *Daemon) setHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Server", "Docker/"+d.cfg.ServerVersion+" (linux)")
	h.Set("Api-Version", d.maxVersion.String())
	h.Set("Docker-Experimental", "false")
	h.Set("Ostype", "linux")
}

// cleanPath is p as dockerd's router cleans it: rooted, without "//",
// "." and ".." elements, its trailing slash kept.
func cleanPath(p string) string {
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	np := path.Clean(p)
	if p[len(p)-1] == '/' && np != "/" {
		np += "/"
	}
	return np
}

// versionOf splits the API version off path: the path without it and the
// version (the newest for an unversioned path), or dockerd's error for a
// version outside the window or one that does not parse.
func (d *Daemon) versionOf(path string) (string, apiVersion, error) {
	rest, v, ok := splitVersion(path)
	if !ok {
		if bad, ok := badVersionPrefix(path); ok {
			return "", apiVersion{}, errInvalid(fmt.Sprintf("invalid API version: %q", bad))
		}
		return path, d.maxVersion, nil
	}
	if v.Less(d.minVersion) {
		return "", apiVersion{}, errInvalid(fmt.Sprintf("client version %s is too old. Minimum supported API version is %s, please upgrade your client to a newer version", v, d.minVersion))
	}
	if d.maxVersion.Less(v) {
		return "", apiVersion{}, errInvalid(fmt.Sprintf("client version %s is too new. Maximum supported API version is %s", v, d.maxVersion))
	}
	return rest, v, nil
}

// statusWriter records the status of a response and passes Flush and
// Hijack through.
type statusWriter struct {
	http.ResponseWriter
	rec    *Request
	wrote  bool
	limit  *faultLimit
	srv    *server
	cancel context.CancelFunc // ends the request's context: Shutdown ends a stream so
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		w.rec.Status = code
		w.srv.headOut(w)
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if w.limit != nil {
		return w.limit.write(w.ResponseWriter, p)
	}
	return w.ResponseWriter.Write(p)
}

func (w *statusWriter) Flush() {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// reqInfo travels with a request through the handlers.
type reqInfo struct {
	version apiVersion
	rec     *Request
}

type reqInfoKey struct{}

func withReqInfo(ctx context.Context, ri *reqInfo) context.Context {
	return context.WithValue(ctx, reqInfoKey{}, ri)
}

func infoOf(r *http.Request) *reqInfo {
	if ri, ok := r.Context().Value(reqInfoKey{}).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{rec: &Request{}}
}

// writeError answers err as dockerd does: a JSON body {"message": ...}
// with the status of the error (500 when it has none). 304 has no body.
// Only the dispatch (serveOp, ServeHTTP, notFound) calls it.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	err = refError(infoOf(r).version, err) // a reference error in the words of the request's version
	status := http.StatusInternalServerError
	var ae *apiError
	if errors.As(err, &ae) {
		status = ae.status
	}
	if status == http.StatusNotModified {
		w.WriteHeader(status)
		return
	}
	_ = writeJSON(w, status, map[string]string{"message": err.Error()})
}

// respond writes as the JSON body, with status, the value f computes with
// the engine lock held; f's error is returned unwritten, for serveOp to
// answer. It is the decode → call → encode of most handlers.
func (d *Daemon) respond(w http.ResponseWriter, status int, f func() (any, error)) error {
	// the answer is encoded with the lock held: what f gives may share
	// slices and maps with the engine's state, which the next writer
	// changes once the lock is let go
	b, err := lockedValue(d, func() ([]byte, error) {
		v, err := f()
		if err != nil {
			return nil, err
		}
		return marshalAnswer(v)
	})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, err = w.Write(append(b, '\n'))
	return err
}

// respondEmpty runs f with the engine lock held and answers status with
// no body, or returns f's error unwritten.
func (d *Daemon) respondEmpty(w http.ResponseWriter, status int, f func() error) error {
	if err := d.locked(f); err != nil {
		return err
	}
	w.WriteHeader(status)
	return nil
}

// marshalAnswer is the JSON of an answer or error body as dockerd's
// httputils.WriteJSON writes it: without Go's HTML escaping (a '<', '>'
// or '&' stays itself, not \u003c...). The streams (progress messages,
// events, stats, wait) keep the escaping, as dockerd's encoders do. The
// escapes are undone on the JSON (any MarshalJSON below has escaped its
// strings already), each escape sequence read whole so that an escaped
// backslash is never taken for the start of one.
func marshalAnswer(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || !bytes.Contains(b, []byte(`\u00`)) {
		return b, err
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 >= len(b) {
			out = append(out, b[i])
			continue
		}
		if i+5 < len(b) && b[i+1] == 'u' {
			switch string(b[i+2 : i+6]) {
			case "003c":
				out, i = append(out, '<'), i+5
				continue
			case "003e":
				out, i = append(out, '>'), i+5
				continue
			case "0026":
				out, i = append(out, '&'), i+5
				continue
			}
		}
		out, i = append(out, b[i], b[i+1]), i+1
	}
	return out, nil
}

// writeJSON writes v as the JSON body with status. Its error is the
// write's: a handler may return it, and serveOp drops it (the head is
// out).
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := marshalAnswer(v)
	if err != nil {
		status = http.StatusInternalServerError
		b, _ = marshalAnswer(map[string]string{"message": "mockdaemon: " + err.Error()})
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, err = w.Write(append(b, '\n'))
	return err
}

// streamHead writes a stream's head (set by head, status 200) at its
// first byte, so that an error found before it is still answered with
// its status by serveOp, as dockerd's handlers answer one found before
// their first flush. After the first byte an error can only end the
// stream.
type streamHead struct {
	w       http.ResponseWriter
	head    func(http.Header)
	started bool
}

func (s *streamHead) Write(p []byte) (int, error) {
	s.start()
	return s.w.Write(p)
}

// start writes the head if it is not out yet.
func (s *streamHead) start() {
	if !s.started {
		s.started = true
		s.head(s.w.Header())
		s.w.WriteHeader(http.StatusOK)
	}
}

func flush(w http.ResponseWriter) {
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}

func writeJSONBody(w http.ResponseWriter, v any) {
	b, _ := json.Marshal(v)
	_, _ = w.Write(append(b, '\n'))
	flush(w)
}
