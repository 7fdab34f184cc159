package endpoints

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dockwire/dockwire/internal/apispec"
	"github.com/dockwire/dockwire/wire"
)

// Every operation builds its request the same way:
//
//	r, err := newRequest("ContainerStop", id) // method, route, minimum version from the list
//	setString(r.Query, "signal", opts.Signal) // the query: setString, setBool, setFilters
//	need(r, "Signal", 42)                     // a field newer than the operation
//	err = setJSON(r, body)                    // the body: setJSON, or setStream for a tar
//
// and sends it with one of decode (a JSON answer), callNoContent (none),
// send (a stream the caller reads) or upgrade (a hijacked connection).
// Adding an operation is a line in internal/apispec/operations.txt and a
// method of that shape.

// newRequest starts the request of the operation id: its method, its route
// with each {id} or {name} filled in by the next of args (checked and
// escaped: an *ArgError when empty or unsafe), its minimum API version,
// all from the module's operations list (internal/apispec). A container
// name's leading "/", as the API reports names (Names[0],
// ContainerInspectResult.Name), is dropped, as moby's client and the
// docker CLI do: dockerd redirects /containers//web/json and its escaped
// form instead of serving them. Other "/" stay, escaped: "web/db" is the
// link db of the container web.
func newRequest(id string, args ...string) (*wire.Request, error) {
	o, ok := apispec.Lookup(id)
	if !ok {
		return nil, fmt.Errorf("endpoints: unknown operation %q", id)
	}
	params := o.Params()
	if len(params) != len(args) {
		return nil, fmt.Errorf("endpoints: %s: route %s takes %d arguments, got %d", id, o.Route, len(params), len(args))
	}
	var b strings.Builder
	rest := o.Route
	for i, p := range params {
		j := strings.Index(rest, "{"+p+"}")
		arg := args[i]
		if strings.HasPrefix(o.Route, "/containers/{") && strings.HasPrefix(arg, "/") {
			arg = arg[1:] // "/" alone is then empty: refused below
		}
		seg, err := segment(id, p, arg)
		if err != nil {
			return nil, err
		}
		b.WriteString(rest[:j])
		b.WriteString(seg)
		rest = rest[j+len(p)+2:]
	}
	b.WriteString(rest)
	r := &wire.Request{Method: o.Method, Path: b.String(), Op: id, Query: url.Values{}}
	if o.MinMinor > 0 {
		r.MinVersion = v(o.MinMinor)
	}
	return r, nil
}

// need records that the caller set what, a field or parameter of r that
// needs API 1.minor: the client refuses r below that version, before any
// I/O.
func need(r *wire.Request, what string, minor int) {
	r.Requires = append(r.Requires, wire.Requirement{What: r.Op + ": " + what, Version: v(minor)})
}

// setString sets a query parameter when s is not empty.
func setString(q url.Values, key, s string) {
	if s != "" {
		q.Set(key, s)
	}
}

// setBool sets a query parameter to "1" when b is true.
func setBool(q url.Values, key string, b bool) {
	if b {
		q.Set(key, "1")
	}
}

// setFilters sets the filters parameter when f selects anything.
func setFilters(q url.Values, f wire.Filters) {
	setString(q, "filters", f.Encode())
}

// setJSON makes body, encoded as JSON, r's body.
func setJSON(r *wire.Request, body any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("endpoints: %s: encoding the body: %w", r.Op, err)
	}
	if r.Header == nil {
		r.Header = wire.Header{}
	}
	r.Header.Set("Content-Type", "application/json")
	r.Body, r.ContentLength = bytes.NewReader(b), int64(len(b))
	return nil
}

// setStream makes rd, of unknown length and the given Content-Type, r's
// body: it is sent chunked, as it is read.
func setStream(r *wire.Request, contentType string, rd io.Reader) {
	if r.Header == nil {
		r.Header = wire.Header{}
	}
	r.Header.Set("Content-Type", contentType)
	r.Body, r.ContentLength = rd, -1
}

func v(minor int) wire.Version { return wire.Version{Major: 1, Minor: minor} }

// Every operation reaches the daemon through send, call, callNoContent or
// upgrade, which give the daemon's answers their meaning for the caller.

// send runs r and returns the response, whose body the caller reads and
// closes (streams, archives).
func send(ctx context.Context, w *wire.Client, r *wire.Request) (*wire.Response, error) {
	resp, err := w.Do(ctx, r)
	return resp, answerErr(r, err)
}

// call runs r and decodes the JSON answer into out (nil: read and drop it).
// 304 Not Modified is success, out left as it is (see notModified).
func call(ctx context.Context, w *wire.Client, r *wire.Request, out any) error {
	_, err := notModified(call0(ctx, w, r, out))
	return err
}

// decode runs r and decodes its JSON answer into a T.
func decode[T any](ctx context.Context, w *wire.Client, r *wire.Request) (T, error) {
	var out T
	err := call(ctx, w, r, &out)
	return out, err
}

// callNoContent runs r, an operation whose success has no body, and reports
// whether the daemon answered 304 Not Modified (start of a running
// container, stop of a stopped one).
func callNoContent(ctx context.Context, w *wire.Client, r *wire.Request) (notMod bool, err error) {
	return notModified(call0(ctx, w, r, nil))
}

func call0(ctx context.Context, w *wire.Client, r *wire.Request, out any) error {
	return answerErr(r, w.DoJSON(ctx, r, out))
}

// notModified turns the daemon's 304 into success, as docker-py and moby's
// client do: the daemon sends it when the object is already in the state
// asked for.
func notModified(err error) (bool, error) {
	var werr *wire.Error
	if errors.As(err, &werr) && werr.StatusCode == 304 {
		return true, nil
	}
	return false, err
}

// upgrade runs r and takes over its connection (attach, exec start,
// session).
func upgrade(ctx context.Context, w *wire.Client, r *wire.Request) (*wire.Upgraded, error) {
	up, err := w.Upgrade(ctx, r)
	return up, answerErr(r, err)
}

// answerErr explains the answers a caller cannot act on as they come: a
// redirect (see ErrRedirect).
func answerErr(r *wire.Request, err error) error {
	var werr *wire.Error
	if !errors.As(err, &werr) {
		return err
	}
	if c := werr.StatusCode; c >= 300 && c < 400 && c != 304 {
		return fmt.Errorf("endpoints: %s: %w: dockerd sends one for a path it cleans (an empty, \".\" or \"..\" segment): %w", opName(r), ErrRedirect, err)
	}
	return err
}

func opName(r *wire.Request) string {
	if r.Op != "" {
		return r.Op
	}
	return r.Method + " " + r.Path
}

// segment validates and escapes a caller's id or name for a path.
func segment(op, field, s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", argErr(op, field, s, "must not be empty")
	}
	if strings.ContainsAny(s, "\x00\r\n") {
		return "", argErr(op, field, s, "contains a control character")
	}
	seg, err := wire.Segment(s)
	if err != nil {
		return "", &ArgError{Op: op, Field: field, Value: s, Reason: "not a valid path segment", Err: err}
	}
	return seg, nil
}

// unixTimestamp formats t as dockerd's "seconds.nanoseconds" timestamp.
func unixTimestamp(t time.Time) string {
	ns := t.UnixNano()
	sec, frac := ns/1e9, ns%1e9
	if frac < 0 {
		sec, frac = sec-1, frac+1e9
	}
	s := strconv.FormatInt(frac, 10)
	for len(s) < 9 {
		s = "0" + s
	}
	return strconv.FormatInt(sec, 10) + "." + s
}
