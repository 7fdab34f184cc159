package testnet

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// ShortTempDir returns a new temp dir with a short path, removed when the
// test ends, so that a unix socket path inside it fits in sun_path (108
// bytes on Linux, 104 on macOS) whatever the test's name; t.TempDir's
// paths hold the test name and can be too long.
func ShortTempDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "dw")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// Serve accepts on l until l is closed, running handle on each connection
// in its own goroutine and closing the connection when handle returns.
// When the test ends, Serve's cleanup closes l and waits for every
// goroutine it started.
func Serve(t testing.TB, l net.Listener, handle func(net.Conn)) {
	t.Helper()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				handle(c)
			}()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		wg.Wait()
	})
}

// Unix listens on a fresh unix socket in a ShortTempDir and returns the
// listener and the socket's path. The caller serves and closes l (Serve
// does both).
func Unix(t testing.TB) (l net.Listener, sock string) {
	t.Helper()
	sock = filepath.Join(ShortTempDir(t), "d.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	return l, sock
}

// UnixHTTP serves h over HTTP on a fresh unix socket until the test ends
// and returns a function that dials the socket (a dial.Func).
func UnixHTTP(t testing.TB, h http.Handler) func(context.Context) (net.Conn, error) {
	t.Helper()
	l, sock := Unix(t)
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return func(ctx context.Context) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", sock)
	}
}
