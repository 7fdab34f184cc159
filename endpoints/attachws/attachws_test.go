package attachws_test

import (
	"context"
	"io"
	"net"
	"net/http"
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
	c, err := attachws.Attach(t.Context(), w, "abc", attachws.Options{Stdin: true, Stdout: true, Logs: true})
	require.NoError(t, err)
	defer c.Close()
	buf := make([]byte, 12)
	_, err = io.ReadFull(c, buf)
	require.NoError(t, err)
	require.Equal(t, "hello world\n", string(buf))
	_, err = c.Write([]byte("in"))
	require.NoError(t, err)
	rest, err := io.ReadAll(c)
	assert.NoError(t, err, "want io.EOF at close")
	assert.Equal(t, "echo:in", string(rest))
	assert.Equal(t, "logs=1&stderr=0&stdin=1&stdout=1&stream=1", query.Load(), "query")
}

func TestAttachVersionGate(t *testing.T) {
	w, dials := server(t, "1.41", func(*testing.T, *http.Request, *websocket.Conn) {})
	_, err := attachws.Attach(t.Context(), w, "abc", attachws.Options{Stdout: true})
	var ve *wire.VersionError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "1.42", ve.Need.String(), "Need")
	assert.Equal(t, "1.41", ve.Have.String(), "Have")
	assert.Zero(t, dials.Load(), "dialled before refusing")
	// Without stream selection, 1.41 attaches and sends no such params.
	var query atomic.Value
	w, _ = server(t, "1.41", func(t *testing.T, r *http.Request, ws *websocket.Conn) { query.Store(r.URL.RawQuery) })
	c, err := attachws.Attach(t.Context(), w, "abc", attachws.Options{})
	require.NoError(t, err)
	io.ReadAll(c)
	c.Close()
	assert.Equal(t, "stream=1", query.Load(), "query")
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
			c, err := attachws.Attach(t.Context(), w, "abc", attachws.Options{})
			require.NoError(t, err)
			io.ReadAll(c)
			c.Close()
			assert.Equal(t, tt.want, query.Load(), "query")
		})
	}
}

func TestAttachErrors(t *testing.T) {
	w, _ := server(t, "1.44", func(*testing.T, *http.Request, *websocket.Conn) {})
	_, err := attachws.Attach(t.Context(), w, "gone", attachws.Options{})
	var werr *wire.Error
	if assert.ErrorAs(t, err, &werr, "404") {
		assert.Equal(t, "No such container: gone", werr.Message)
	}
	assert.ErrorIs(t, err, wire.ErrNotFound)
	for _, id := range []string{"", " ", ".."} {
		_, err := attachws.Attach(t.Context(), w, id, attachws.Options{})
		assert.ErrorIs(t, err, wire.ErrInvalidArgument, "id %q", id)
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
	ctx, cancel := context.WithCancel(t.Context())
	c, err := attachws.Attach(ctx, w, "abc", attachws.Options{})
	require.NoError(t, err)
	defer c.Close()
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err = c.Read(make([]byte, 1))
	assert.ErrorIs(t, err, context.Canceled, "read after cancel")
	assert.LessOrEqual(t, time.Since(start), 2*time.Second, "time for cancel to end the read")
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
	// The handler stores the URI after the upgrade, maybe after Attach returned.
	assert.EventuallyWithT(t, func(c *assert.CollectT) {
		got, _ := uri.Load().(string)
		assert.Regexp(c, `^/v1\.41/containers/web/attach/ws\?`, got, "request")
	}, 5*time.Second, 5*time.Millisecond)
}
