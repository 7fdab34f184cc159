package endpoints_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/dial"
	"github.com/dockwire/dockwire/internal/testnet"
	"github.com/dockwire/dockwire/mux"
	"github.com/dockwire/dockwire/wire"
)

// recorded is one request the fake daemon received.
type recorded struct {
	Method string
	Path   string // without the /vX.Y prefix
	URI    string // the request target as sent, /vX.Y prefix and escapes included
	Query  map[string][]string
	Header http.Header
	Body   []byte
}

// fake is a scriptable Engine API server on a unix socket.
type fake struct {
	t        testing.TB
	noRecord bool
	mu       sync.Mutex
	reqs     []recorded
	routes   map[string]func(w http.ResponseWriter, r *http.Request, body []byte)
	version  string
}

// newFake starts a fake daemon and returns a wire client pinned to version
// ("" for 1.41; no negotiation) over its socket.
func newFake(t testing.TB, version string) (*fake, *wire.Client) {
	t.Helper()
	f, d, ver := startFake(t, version)
	w := wire.NewClient(d, wire.Options{Version: ver})
	t.Cleanup(func() { w.Close() })
	return f, w
}

// newFakeClient starts a fake daemon and returns a client pinned to
// version ("" for 1.41) over its socket.
func newFakeClient(t testing.TB, version string) (*fake, *dockwire.Client) {
	t.Helper()
	f, d, ver := startFake(t, version)
	cli, err := dockwire.New(dial.Config{Dial: d}, &dockwire.Options{APIVersion: ver})
	require.NoError(t, err)
	t.Cleanup(func() { cli.Close() })
	return f, cli
}

// startFake serves a fake daemon speaking version ("" for 1.41) on a unix
// socket.
func startFake(t testing.TB, version string) (*fake, dial.Func, wire.Version) {
	t.Helper()
	if version == "" {
		version = "1.41"
	}
	ver, err := wire.ParseVersion(version)
	require.NoError(t, err)
	f := &fake{t: t, routes: map[string]func(http.ResponseWriter, *http.Request, []byte){}, version: version}
	return f, testnet.UnixHTTP(t, http.HandlerFunc(f.serve)), ver
}

// on sets the handler of "METHOD /path" (unversioned).
func (f *fake) on(key string, h func(w http.ResponseWriter, r *http.Request, body []byte)) {
	f.mu.Lock()
	f.routes[key] = h
	f.mu.Unlock()
}

// json answers v as JSON with status.
func onJSON(status int, v any) func(http.ResponseWriter, *http.Request, []byte) {
	return func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
}

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if strings.HasPrefix(path, "/v") {
		if i := strings.Index(path[1:], "/"); i > 0 {
			path = path[i+1:]
		}
	}
	body, _ := io.ReadAll(r.Body) // framed by Content-Length: it ends before any stdin
	f.mu.Lock()
	if !f.noRecord {
		f.reqs = append(f.reqs, recorded{Method: r.Method, Path: path, URI: r.RequestURI, Query: r.URL.Query(), Header: r.Header.Clone(), Body: body})
	}
	h := f.routes[r.Method+" "+path]
	f.mu.Unlock()
	w.Header().Set("Api-Version", f.version)
	if h != nil {
		h(w, r, body)
		return
	}
	// Defaults good enough for request-building tests.
	switch {
	case r.Method == "GET" && (path == "/containers/json" || strings.HasSuffix(path, "/changes")):
		onJSON(200, []any{})(w, r, body)
	case r.Method == "HEAD" || (r.Method == "GET" && strings.HasSuffix(path, "/archive")):
		w.Header().Set("X-Docker-Container-Path-Stat", "eyJuYW1lIjoiZXRjIiwic2l6ZSI6NDA5NiwibW9kZSI6MjE0NzQ4NDE0OSwibXRpbWUiOiIyMDI0LTAxLTAyVDAzOjA0OjA1WiIsImxpbmtUYXJnZXQiOiIifQ==")
		w.Header().Set("Content-Type", "application/x-tar")
		w.WriteHeader(200)
		if r.Method == "GET" {
			w.Write(make([]byte, 1024))
		}
	case strings.HasSuffix(path, "/export"):
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write([]byte("tarbytes"))
	case strings.HasSuffix(path, "/wait"):
		onJSON(200, map[string]any{"StatusCode": 0})(w, r, body)
	case r.Method == "POST" && (strings.HasSuffix(path, "/start") || strings.HasSuffix(path, "/stop") || strings.HasSuffix(path, "/kill") ||
		strings.HasSuffix(path, "/restart") || strings.HasSuffix(path, "/pause") || strings.HasSuffix(path, "/unpause") ||
		strings.HasSuffix(path, "/rename") || strings.HasSuffix(path, "/resize")):
		w.WriteHeader(204)
	case r.Method == "DELETE":
		w.WriteHeader(204)
	case r.Method == "PUT":
		w.WriteHeader(200)
	default:
		onJSON(200, map[string]any{})(w, r, body)
	}
}

// requests returns what the daemon received so far.
func (f *fake) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

// hijack answers an attach or exec start: a 101 with contentType, then
// run(conn, reader) owns the connection.
func hijack(contentType string, run func(c net.Conn, br *bufio.Reader)) func(http.ResponseWriter, *http.Request, []byte) {
	return func(w http.ResponseWriter, r *http.Request, _ []byte) {
		conn, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		hdr := "HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
		if contentType != "" {
			hdr += "Content-Type: " + contentType + "\r\n"
		}
		conn.Write([]byte(hdr + "\r\n"))
		run(conn, brw.Reader)
	}
}

// frames writes stdout and stderr payloads as stdcopy frames.
func frames(w io.Writer, stdout, stderr string) {
	m := mux.NewMuxer(w)
	if stdout != "" {
		m.Stream(mux.Stdout).Write([]byte(stdout))
	}
	if stderr != "" {
		m.Stream(mux.Stderr).Write([]byte(stderr))
	}
}
