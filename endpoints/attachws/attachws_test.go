package attachws_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/endpoints/attachws"
	"github.com/dockwire/dockwire/internal/leakcheck"
	"github.com/dockwire/dockwire/internal/testnet"
	"github.com/dockwire/dockwire/wire"
)

// server starts a WebSocket attach endpoint on a unix socket; handle runs
// on the upgraded connection. It returns a wire client pinned to version,
// and a count of dials.
func server(t *testing.T, version string, handle func(t *testing.T, r *http.Request, ws *websocket.Conn)) (*wire.Client, *atomic.Int32) {
	t.Helper()
	open := testnet.UnixHTTP(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v"+version+"/containers/gone/attach/ws" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(404)
			io.WriteString(w, `{"message":"No such container: gone"}`)
			return
		}
		up := websocket.Upgrader{}
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		handle(t, r, ws)
	}))
	ver, _ := wire.ParseVersion(version)
	var dials atomic.Int32
	d := func(ctx context.Context) (net.Conn, error) {
		dials.Add(1)
		return open(ctx)
	}
	w := wire.NewClient(d, wire.Options{Version: ver})
	t.Cleanup(func() { w.Close() })
	return w, &dials
}

func TestAttachEchoAndEOF(t *testing.T) {
	leakcheck.Check(t)
	var query atomic.Value
	w, _ := server(t, "1.44", func(t *testing.T, r *http.Request, ws *websocket.Conn) {
		query.Store(r.URL.RawQuery)
		ws.WriteMessage(websocket.BinaryMessage, []byte("hello "))
		ws.WriteMessage(websocket.BinaryMessage, []byte("world\n"))
		_, msg, err := ws.ReadMessage()
		if err != nil {
			return
		}
		ws.WriteMessage(websocket.BinaryMessage, append([]byte("echo:"), msg...))
		ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	})
	c, err := attachws.Attach(context.Background(), w, "abc", attachws.Options{Stdin: true, Stdout: true, Logs: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	buf := make([]byte, 12)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "hello world\n" {
		t.Fatalf("read %q %v", buf, err)
	}
	if _, err := c.Write([]byte("in")); err != nil {
		t.Fatal(err)
	}
	rest, err := io.ReadAll(c)
	if err != nil || string(rest) != "echo:in" {
		t.Errorf("rest %q %v (want io.EOF at close)", rest, err)
	}
	if q := query.Load(); q != "logs=1&stderr=0&stdin=1&stdout=1&stream=1" {
		t.Errorf("query %v", q)
	}
}

func TestAttachVersionGate(t *testing.T) {
	w, dials := server(t, "1.41", func(*testing.T, *http.Request, *websocket.Conn) {})
	_, err := attachws.Attach(context.Background(), w, "abc", attachws.Options{Stdout: true})
	var ve *wire.VersionError
	if !errors.As(err, &ve) || ve.Need.String() != "1.42" || ve.Have.String() != "1.41" {
		t.Fatalf("err %v, want a VersionError 1.42/1.41", err)
	}
	if dials.Load() != 0 {
		t.Errorf("dialled before refusing")
	}
	// Without stream selection, 1.41 attaches and sends no such params.
	var query atomic.Value
	w, _ = server(t, "1.41", func(t *testing.T, r *http.Request, ws *websocket.Conn) { query.Store(r.URL.RawQuery) })
	c, err := attachws.Attach(context.Background(), w, "abc", attachws.Options{})
	if err != nil {
		t.Fatal(err)
	}
	io.ReadAll(c)
	c.Close()
	if q := query.Load(); q != "stream=1" {
		t.Errorf("query %v", q)
	}
}

// From API 1.42 dockerd takes a missing stdin/stdout/stderr as false
// (moby's wsContainersAttach): no selection must ask for all three, or
// the attach carries nothing.
func TestAttachNoSelectionAsksForAllFrom142(t *testing.T) {
	for _, tt := range []struct{ version, want string }{
		{"1.41", "stream=1"},
		{"1.42", "stderr=1&stdin=1&stdout=1&stream=1"},
		{"1.56", "stderr=1&stdin=1&stdout=1&stream=1"},
	} {
		t.Run(tt.version, func(t *testing.T) {
			var query atomic.Value
			w, _ := server(t, tt.version, func(t *testing.T, r *http.Request, ws *websocket.Conn) { query.Store(r.URL.RawQuery) })
			c, err := attachws.Attach(context.Background(), w, "abc", attachws.Options{})
			if err != nil {
				t.Fatal(err)
			}
			io.ReadAll(c)
			c.Close()
			if q := query.Load(); q != tt.want {
				t.Errorf("query %v, want %s", q, tt.want)
			}
		})
	}
}

func TestAttachErrors(t *testing.T) {
	w, _ := server(t, "1.44", func(*testing.T, *http.Request, *websocket.Conn) {})
	_, err := attachws.Attach(context.Background(), w, "gone", attachws.Options{})
	var werr *wire.Error
	if !errors.As(err, &werr) || !errors.Is(err, wire.ErrNotFound) || werr.Message != "No such container: gone" {
		t.Errorf("404: %v", err)
	}
	for _, id := range []string{"", " ", ".."} {
		if _, err := attachws.Attach(context.Background(), w, id, attachws.Options{}); !errors.Is(err, wire.ErrInvalidArgument) {
			t.Errorf("id %q: %v, want ErrInvalidArgument", id, err)
		}
	}
}

func TestAttachCancel(t *testing.T) {
	leakcheck.Check(t)
	release := make(chan struct{})
	defer close(release)
	w, _ := server(t, "1.44", func(t *testing.T, r *http.Request, ws *websocket.Conn) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	c, err := attachws.Attach(ctx, w, "abc", attachws.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err = c.Read(make([]byte, 1))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("read after cancel: %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("cancel took %v", time.Since(start))
	}
}

// TestAttachLeadingSlashName: a name as the API reports it ("/web")
// attaches to the container, as in the docker CLI (issue 14).
func TestAttachLeadingSlashName(t *testing.T) {
	var uri atomic.Value
	w, _ := server(t, "1.41", func(t *testing.T, r *http.Request, ws *websocket.Conn) {
		uri.Store(r.RequestURI)
	})
	c, err := attachws.Attach(t.Context(), w, "/web", attachws.Options{})
	require.NoError(t, err)
	c.Close()
	got, _ := uri.Load().(string)
	assert.True(t, strings.HasPrefix(got, "/v1.41/containers/web/attach/ws?"), "request %q", got)
}
