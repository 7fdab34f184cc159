package attachws

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/dockwire/dockwire/wire"
)

// Options select what [Attach] attaches to.
type Options struct {
	// Stdin, Stdout and Stderr restrict the streams (API 1.42: older
	// daemons ignore them and attach all three, so setting any of them on
	// an older API is refused with a *wire.VersionError). None set means
	// all three: sent as stdin=1&stdout=1&stderr=1 from API 1.42, where
	// dockerd takes a missing parameter as false and would attach nothing.
	Stdin, Stdout, Stderr bool
	// Logs replays the container's past output first.
	Logs bool
	// DetachKeys overrides the key sequence that detaches.
	DetachKeys string
}

// Conn is an attached WebSocket: Read the container's output, Write its
// stdin, Close to detach.
//
// # Concurrency
//
// One goroutine may Read while another Writes; Close may be called from any
// goroutine, any number of times.
type Conn struct {
	ws   *websocket.Conn
	ctx  context.Context
	stop func() bool

	rmu sync.Mutex
	cur io.Reader
	err error

	wmu       sync.Mutex
	closeOnce sync.Once
	closeErr  error
}

// Attach opens GET /containers/{id}/attach/ws over a new connection from
// w's dialer, with w's Host header, at the API version w negotiated. The connection lives until Close or until
// ctx is cancelled. A refused attach (no such container: 404) is a
// *wire.Error.
//
// API: GET /containers/{id}/attach/ws
func Attach(ctx context.Context, w *wire.Client, id string, opts Options) (*Conn, error) {
	const op = "ContainerAttachWebsocket"
	// A name with the API's leading "/" (Names[0]) loses it, as in the
	// docker CLI: dockerd redirects /containers//web/... instead of
	// serving it.
	id = strings.TrimPrefix(id, "/")
	if strings.TrimSpace(id) == "" {
		return nil, fmt.Errorf("attachws: %s: empty container id: %w", op, wire.ErrInvalidArgument)
	}
	seg, err := wire.Segment(id)
	if err != nil {
		return nil, fmt.Errorf("attachws: %s: %w", op, err)
	}
	ver, err := w.Version(ctx)
	if err != nil {
		return nil, err
	}
	q := url.Values{"stream": {"1"}}
	need := wire.Version{Major: 1, Minor: 42}
	if opts.Stdin || opts.Stdout || opts.Stderr {
		if ver.Less(need) {
			return nil, &wire.VersionError{Op: op + ": Stdin/Stdout/Stderr", Need: need, Have: ver}
		}
		for k, b := range map[string]bool{"stdin": opts.Stdin, "stdout": opts.Stdout, "stderr": opts.Stderr} {
			if b {
				q.Set(k, "1")
			} else {
				q.Set(k, "0")
			}
		}
	} else if !ver.Less(need) {
		// From 1.42 dockerd reads the three parameters and a missing one
		// is false: none set would attach nothing. Ask for all three, as
		// older daemons give.
		q.Set("stdin", "1")
		q.Set("stdout", "1")
		q.Set("stderr", "1")
	}
	if opts.Logs {
		q.Set("logs", "1")
	}
	if opts.DetachKeys != "" {
		q.Set("detachKeys", opts.DetachKeys)
	}
	d := w.Dialer()
	u := "ws://" + w.Host() + "/v" + ver.String() + "/containers/" + seg + "/attach/ws?" + q.Encode()
	dialer := websocket.Dialer{
		NetDialContext: func(ctx context.Context, _, _ string) (net.Conn, error) { return d(ctx) },
		Proxy:          nil,
	}
	if deadline, ok := ctx.Deadline(); ok {
		dialer.HandshakeTimeout = time.Until(deadline)
	}
	ws, resp, err := dialer.DialContext(ctx, u, nil)
	if err != nil {
		if resp != nil && resp.StatusCode >= 300 {
			werr := &wire.Error{StatusCode: resp.StatusCode, Method: "GET", Path: "/containers/" + seg + "/attach/ws"}
			if resp.Body != nil {
				b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
				resp.Body.Close()
				werr.Message = message(b)
			}
			if werr.Message == "" {
				werr.Message = http.StatusText(resp.StatusCode)
			}
			return nil, werr
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("attachws: %s: %w", op, ctx.Err())
		}
		return nil, fmt.Errorf("attachws: %s: %w", op, err)
	}
	c := &Conn{ws: ws, ctx: ctx}
	c.stop = context.AfterFunc(ctx, func() { ws.NetConn().Close() })
	return c, nil
}

// message extracts the daemon's {"message": "..."} or the trimmed text.
func message(b []byte) string {
	s := strings.TrimSpace(string(b))
	const key = `"message":"`
	if i := strings.Index(s, key); i >= 0 && strings.HasPrefix(s, "{") {
		rest := s[i+len(key):]
		if j := strings.Index(rest, `"`); j >= 0 {
			return rest[:j]
		}
	}
	return s
}

// normalClose reports whether err is the WebSocket ending between messages.
func normalClose(err error) bool {
	return websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway, websocket.CloseNoStatusReceived, websocket.CloseAbnormalClosure)
}

// Read reads the output: the payloads of the daemon's messages, joined.
// The WebSocket closing is io.EOF.
func (c *Conn) Read(p []byte) (int, error) {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	for {
		if c.err != nil {
			return 0, c.err
		}
		if c.cur == nil {
			_, r, err := c.ws.NextReader()
			if err != nil {
				c.err = c.readErr(err, true)
				return 0, c.err
			}
			c.cur = r
		}
		n, err := c.cur.Read(p)
		if err == io.EOF {
			c.cur = nil
			if n > 0 {
				return n, nil
			}
			continue
		}
		if err != nil {
			c.err = c.readErr(err, false)
			return n, c.err
		}
		return n, nil
	}
}

func (c *Conn) readErr(err error, boundary bool) error {
	if c.ctx.Err() != nil {
		return fmt.Errorf("attachws: %w", c.ctx.Err())
	}
	if boundary && normalClose(err) {
		return io.EOF
	}
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("attachws: read: %w", err)
}

// Write sends p to the container's stdin as one binary message.
func (c *Conn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.ws.WriteMessage(websocket.BinaryMessage, p); err != nil {
		if c.ctx.Err() != nil {
			return 0, fmt.Errorf("attachws: %w", c.ctx.Err())
		}
		return 0, fmt.Errorf("attachws: write: %w", err)
	}
	return len(p), nil
}

// Close sends a close message (best effort) and closes the connection.
func (c *Conn) Close() error {
	c.closeOnce.Do(func() {
		c.stop()
		c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
		c.closeErr = c.ws.Close()
	})
	return c.closeErr
}
