package mockdaemon

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
)

// Default version window and identity of the mock.
const (
	DefaultMaxAPIVersion = "1.56"
	DefaultMinAPIVersion = "1.24"
	DefaultServerVersion = "29.0.0-mock"
	DefaultImage         = "busybox:latest"
)

// Config configures a Daemon. The zero value is a daemon with the default
// version window, the wall clock, random ids and busybox:latest present.
type Config struct {
	// MaxAPIVersion is the newest API version served ("1.56" when empty);
	// unversioned paths are served as this version.
	MaxAPIVersion string
	// MinAPIVersion is the oldest API version accepted ("1.24" when empty).
	MinAPIVersion string
	// ServerVersion is the engine version reported by /version and the
	// Server header.
	ServerVersion string
	// Hostname is the daemon's host name in /info (default "mockdaemon").
	Hostname string
	// Clock gives the current time (default time.Now).
	Clock func() time.Time
	// IDs is the source of bytes for every generated id (container, exec,
	// network, volume and image ids). Default crypto/rand. Reads are
	// serialised by the daemon.
	IDs io.Reader
	// Images lists the image references present at start. Nil means
	// just busybox:latest; an empty non-nil slice means none.
	Images []string
	// HostBinds seeds a bind mount's directory with a copy of the host
	// directory of the same path the first time it is bound (cmd/mockdockerd
	// sets it). Otherwise a bind is an empty in-memory directory shared by
	// every container that binds the same host path.
	HostBinds bool
	// Registries are the credentials the emulated registries ask for, by
	// registry host ("127.0.0.1:5000", "docker.io"); any other host is an
	// open in-memory registry (see registry.go).
	Registries map[string]Credentials
}

// Daemon is a mock Docker Engine. Use New to make one.
type Daemon struct {
	cfg        Config
	maxVersion apiVersion
	minVersion apiVersion
	mux        *http.ServeMux
	started    time.Time

	idMu sync.Mutex

	mu         sync.Mutex
	closed     bool
	listeners  map[net.Listener]struct{}
	conns      map[net.Conn]struct{}
	hijacked   map[net.Conn]struct{}
	servers    []*http.Server
	containers map[string]*container // by full id
	ordered    []*container          // d.containers newest first (list order), kept incrementally
	names      map[string]string     // "/name" -> id
	execs      map[string]*execInst
	images     *imageStore
	networks   map[string]*network
	volumes    map[string]*volume
	faults     []*Fault
	log        []Request
	binds      map[string]*memfs.FS
	nextPID    int
	nextPort   int
	nextSubnet int
	order      int

	events *eventLog
	x      extState // swarm, plugins, registry (swarm.go, plugins.go, registry.go)

	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup // processes and streams
}

// New makes a Daemon from cfg.
func New(cfg Config) *Daemon {
	if cfg.MaxAPIVersion == "" {
		cfg.MaxAPIVersion = DefaultMaxAPIVersion
	}
	if cfg.MinAPIVersion == "" {
		cfg.MinAPIVersion = DefaultMinAPIVersion
	}
	if cfg.ServerVersion == "" {
		cfg.ServerVersion = DefaultServerVersion
	}
	if cfg.Hostname == "" {
		cfg.Hostname = "mockdaemon"
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.IDs == nil {
		cfg.IDs = rand.Reader
	}
	if cfg.Images == nil {
		cfg.Images = []string{DefaultImage}
	}
	d := &Daemon{
		cfg:        cfg,
		listeners:  map[net.Listener]struct{}{},
		conns:      map[net.Conn]struct{}{},
		hijacked:   map[net.Conn]struct{}{},
		containers: map[string]*container{},
		names:      map[string]string{},
		execs:      map[string]*execInst{},
		networks:   map[string]*network{},
		volumes:    map[string]*volume{},
	}
	var err error
	if d.maxVersion, err = parseAPIVersion(cfg.MaxAPIVersion); err != nil {
		d.maxVersion, _ = parseAPIVersion(DefaultMaxAPIVersion)
	}
	if d.minVersion, err = parseAPIVersion(cfg.MinAPIVersion); err != nil {
		d.minVersion, _ = parseAPIVersion(DefaultMinAPIVersion)
	}
	d.ctx, d.cancel = context.WithCancel(context.Background())
	d.started = d.now()
	d.events = newEventLog(d)
	d.images = newImageStore(d)
	for _, ref := range cfg.Images {
		d.images.addBase(ref)
	}
	d.initNetworks()
	d.mux = http.NewServeMux()
	d.routes()
	return d
}

func (d *Daemon) now() time.Time { return d.cfg.Clock().UTC() }

// newID returns 64 hex digits read from the id source.
func (d *Daemon) newID() string {
	var b [32]byte
	d.idMu.Lock()
	_, err := io.ReadFull(d.cfg.IDs, b[:])
	d.idMu.Unlock()
	if err != nil {
		// An exhausted deterministic source falls back to crypto/rand
		// rather than handing out duplicate ids.
		_, _ = rand.Read(b[:])
	}
	return hex.EncodeToString(b[:])
}

// Serve accepts connections on l and serves them until l fails or the
// daemon is closed. It returns nil after Close.
func (d *Daemon) Serve(l net.Listener) error {
	srv := &http.Server{
		Handler:           d,
		ReadHeaderTimeout: 30 * time.Second,
		ConnState:         d.connState,
		BaseContext:       func(net.Listener) context.Context { return d.ctx },
	}
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		l.Close()
		return ErrClosed
	}
	d.listeners[l] = struct{}{}
	d.servers = append(d.servers, srv)
	d.mu.Unlock()
	err := srv.Serve(l)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

func (d *Daemon) connState(c net.Conn, s http.ConnState) {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch s {
	case http.StateNew:
		d.conns[c] = struct{}{}
	case http.StateClosed:
		delete(d.conns, c)
	case http.StateHijacked:
		delete(d.conns, c)
		d.hijacked[c] = struct{}{}
	}
}

// ErrClosed is returned by Serve on a closed daemon.
var ErrClosed = errors.New("mockdaemon: daemon closed")

// Close stops every container process and stream, closes every listener
// and connection the daemon serves, and waits for its goroutines.
func (d *Daemon) Close() error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil
	}
	d.closed = true
	servers := d.servers
	var hij []net.Conn
	for c := range d.hijacked {
		hij = append(hij, c)
	}
	var cs []*container
	for _, c := range d.containers {
		cs = append(cs, c)
	}
	d.mu.Unlock()
	d.cancel()
	for _, s := range servers {
		s.Close()
	}
	for _, c := range hij {
		c.Close()
	}
	for _, c := range cs {
		c.killForClose()
	}
	d.events.close()
	d.wg.Wait()
	return nil
}

// go runs f as a goroutine that Close waits for.
func (d *Daemon) goTracked(f func()) {
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		f()
	}()
}

// ServeHTTP serves one Engine API request.
func (d *Daemon) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &Request{Method: r.Method, Path: r.URL.Path}
	sw := &statusWriter{ResponseWriter: w, rec: rec}
	defer d.logRequest(rec)

	h := w.Header()
	h.Set("Server", "Docker/"+d.cfg.ServerVersion+" (linux)")
	h.Set("Api-Version", d.maxVersion.String())
	h.Set("Docker-Experimental", "false")
	h.Set("Ostype", "linux")

	path := r.URL.Path
	version := d.maxVersion
	if rest, v, ok := splitVersion(path); ok {
		path = rest
		if v.Less(d.minVersion) {
			rec.Operation = "VersionCheck"
			writeError(sw, r, errInvalid(fmt.Sprintf("client version %s is too old. Minimum supported API version is %s, please upgrade your client to a newer version", v, d.minVersion)))
			return
		}
		if d.maxVersion.Less(v) {
			rec.Operation = "VersionCheck"
			writeError(sw, r, errInvalid(fmt.Sprintf("client version %s is too new. Maximum supported API version is %s", v, d.maxVersion)))
			return
		}
		version = v
	} else if bad, ok := badVersionPrefix(path); ok {
		rec.Operation = "VersionCheck"
		writeError(sw, r, errInvalid(fmt.Sprintf("invalid API version: %q", bad)))
		return
	}

	r2 := r.Clone(withReqInfo(r.Context(), &reqInfo{version: version, rec: rec}))
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

// statusWriter records the status of a response and passes Flush and
// Hijack through.
type statusWriter struct {
	http.ResponseWriter
	rec   *Request
	wrote bool
	limit *faultLimit
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		w.rec.Status = code
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

// route registers a handler for a ServeMux pattern under an operation name.
func (d *Daemon) route(pattern, op string, h func(http.ResponseWriter, *http.Request)) {
	method, tmpl, _ := strings.Cut(pattern, " ")
	_ = method
	d.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		d.serveOp(w, r, op, tmpl, h)
	})
}

// serveOp runs h as operation op, applying any injected fault first.
func (d *Daemon) serveOp(w http.ResponseWriter, r *http.Request, op, tmpl string, h func(http.ResponseWriter, *http.Request)) {
	ri := infoOf(r)
	ri.rec.Operation = op
	ri.rec.Template = tmpl
	if d.injectFault(w, r, op) {
		return
	}
	h(w, r)
}

func (d *Daemon) routes() {
	// system
	d.route("GET /_ping", "SystemPing", d.ping)
	d.route("HEAD /_ping", "SystemPingHead", d.ping)
	d.route("GET /version", "SystemVersion", d.version)
	d.route("GET /info", "SystemInfo", d.info)
	d.route("GET /system/df", "SystemDataUsage", d.systemDF)
	d.route("GET /events", "SystemEvents", d.eventsHandler)
	d.route("POST /auth", "SystemAuth", d.auth)

	// containers
	d.route("GET /containers/json", "ContainerList", d.containerList)
	d.route("POST /containers/create", "ContainerCreate", d.containerCreate)
	d.route("POST /containers/prune", "ContainerPrune", d.containerPrune)
	d.route("GET /containers/{id}/json", "ContainerInspect", d.containerInspect)
	d.route("GET /containers/{id}/top", "ContainerTop", d.containerTop)
	d.route("GET /containers/{id}/logs", "ContainerLogs", d.containerLogs)
	d.route("GET /containers/{id}/changes", "ContainerChanges", d.containerChanges)
	d.route("GET /containers/{id}/export", "ContainerExport", d.containerExport)
	d.route("GET /containers/{id}/stats", "ContainerStats", d.containerStats)
	d.route("POST /containers/{id}/resize", "ContainerResize", d.containerResize)
	d.route("POST /containers/{id}/start", "ContainerStart", d.containerStart)
	d.route("POST /containers/{id}/stop", "ContainerStop", d.containerStop)
	d.route("POST /containers/{id}/restart", "ContainerRestart", d.containerRestart)
	d.route("POST /containers/{id}/kill", "ContainerKill", d.containerKill)
	d.route("POST /containers/{id}/update", "ContainerUpdate", d.containerUpdate)
	d.route("POST /containers/{id}/rename", "ContainerRename", d.containerRename)
	d.route("POST /containers/{id}/pause", "ContainerPause", d.containerPause)
	d.route("POST /containers/{id}/unpause", "ContainerUnpause", d.containerUnpause)
	d.route("POST /containers/{id}/attach", "ContainerAttach", d.containerAttach)
	d.route("POST /containers/{id}/wait", "ContainerWait", d.containerWait)
	d.route("DELETE /containers/{id}", "ContainerDelete", d.containerDelete)
	d.route("HEAD /containers/{id}/archive", "ContainerArchiveInfo", d.archiveHead)
	d.route("GET /containers/{id}/archive", "ContainerArchive", d.archiveGet)
	d.route("PUT /containers/{id}/archive", "PutContainerArchive", d.archivePut)
	d.route("POST /containers/{id}/exec", "ContainerExec", d.execCreate)
	d.route("POST /exec/{id}/start", "ExecStart", d.execStart)
	d.route("POST /exec/{id}/resize", "ExecResize", d.execResize)
	d.route("GET /exec/{id}/json", "ExecInspect", d.execInspect)

	// images
	d.route("GET /images/json", "ImageList", d.imageList)
	d.route("POST /images/create", "ImageCreate", d.imageCreate)
	d.route("POST /images/prune", "ImagePrune", d.imagePrune)
	d.route("GET /images/get", "ImageGetAll", d.imageGetAll)
	d.route("POST /images/load", "ImageLoad", d.imageLoad)
	d.route("GET /images/search", "ImageSearch", d.imageSearch)
	d.route("POST /commit", "ImageCommit", d.commit)
	d.route("POST /build", "ImageBuild", d.imageBuild)
	d.route("POST /build/prune", "BuildPrune", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"CachesDeleted": []string{}, "SpaceReclaimed": 0})
	})
	d.mux.HandleFunc("/images/{rest...}", d.imageByName)

	// networks
	d.route("GET /networks", "NetworkList", d.networkList)
	d.route("POST /networks/create", "NetworkCreate", d.networkCreate)
	d.route("POST /networks/prune", "NetworkPrune", d.networkPrune)
	d.route("GET /networks/{id}", "NetworkInspect", d.networkInspect)
	d.route("DELETE /networks/{id}", "NetworkDelete", d.networkDelete)
	d.route("POST /networks/{id}/connect", "NetworkConnect", d.networkConnect)
	d.route("POST /networks/{id}/disconnect", "NetworkDisconnect", d.networkDisconnect)

	// volumes
	d.route("GET /volumes", "VolumeList", d.volumeList)
	d.route("POST /volumes/create", "VolumeCreate", d.volumeCreate)
	d.route("POST /volumes/prune", "VolumePrune", d.volumePrune)
	d.route("GET /volumes/{name}", "VolumeInspect", d.volumeInspect)
	d.route("DELETE /volumes/{name}", "VolumeDelete", d.volumeDelete)

	// attach/ws, swarm, plugins, distribution, session (routes_more.go)
	d.routesMore()

	// anything else
	d.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, errNotFound("page not found"))
	})
}
