package wire

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/dial"
	"github.com/dockwire/dockwire/internal/testnet"
)

// fakeDaemon is an httptest server on loopback with a dial.Func that
// counts its dials.
type fakeDaemon struct {
	srv   *httptest.Server
	dials atomic.Int32
}

func newFakeDaemon(t *testing.T, h http.Handler) *fakeDaemon {
	t.Helper()
	f := &fakeDaemon{srv: httptest.NewServer(h)}
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeDaemon) dial() dial.Func {
	addr := f.srv.Listener.Addr().String()
	return func(ctx context.Context) (net.Conn, error) {
		f.dials.Add(1)
		var d net.Dialer
		return d.DialContext(ctx, "tcp", addr)
	}
}

// pingHandler answers /_ping like dockerd with version v, and delegates
// the rest to next.
func pingHandler(v string, next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/_ping" {
			if v != "" {
				w.Header().Set("Api-Version", v)
			}
			w.Header().Set("Ostype", "linux")
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			if r.Method == "GET" {
				w.Write([]byte("OK"))
			}
			return
		}
		next(w, r)
	})
}

// rawServer accepts loopback connections and runs handle on each.
type rawServer struct {
	ln       net.Listener
	accepted atomic.Int32
}

// newRawServer listens on tcp 127.0.0.1.
func newRawServer(t *testing.T, handle func(c net.Conn, n int)) *rawServer {
	t.Helper()
	return listenRaw(t, "tcp", handle)
}

// listenRaw listens on loopback tcp or on a unix socket in a short temp
// dir; handle gets each connection and its 1-based accept order.
func listenRaw(t *testing.T, network string, handle func(c net.Conn, n int)) *rawServer {
	t.Helper()
	var ln net.Listener
	var err error
	if network == "unix" {
		ln, _ = testnet.Unix(t)
	} else {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	require.NoError(t, err)
	s := &rawServer{ln: ln}
	testnet.Serve(t, ln, func(c net.Conn) { handle(c, int(s.accepted.Add(1))) })
	return s
}

func (s *rawServer) dial() dial.Func {
	addr := s.ln.Addr()
	return func(ctx context.Context) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, addr.Network(), addr.String())
	}
}
