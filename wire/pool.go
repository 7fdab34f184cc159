package wire

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"
)

// The pool: connections, the slots that cap the short calls holding them,
// and the checks a connection passes before it carries another request.

// conn is one connection of the pool.
type conn struct {
	nc   net.Conn  // as dialled: a *tls.Conn under TLS
	raw  net.Conn  // the transport beneath any TLS layer: what close closes
	peek *sockPeek // raw's socket; nil when raw is none
	cr   countReader
	dw   deadlineWriter
	br   *bufio.Reader
	bw   *bufio.Writer

	reused   bool      // it carried a request before this one
	slot     bool      // the call holding it holds a slot
	idleAt   time.Time // when it went back to the pool
	deadline time.Time // bounds the body being read; zero: none
	stop     func() bool
}

func newConn(nc net.Conn) *conn {
	pc := &conn{nc: nc, raw: nc}
	// Matching the method set rather than *tls.Conn keeps crypto/tls out of
	// programs that do not use TLS.
	if l, ok := nc.(interface{ NetConn() net.Conn }); ok {
		if raw := l.NetConn(); raw != nil {
			pc.raw = raw
		}
	}
	pc.peek = newSockPeek(pc.raw)
	pc.cr.r = nc
	pc.br = bufio.NewReaderSize(&pc.cr, 32<<10)
	pc.dw.nc = nc
	pc.bw = bufio.NewWriterSize(&pc.dw, 4<<10)
	return pc
}

// close closes the transport beneath any TLS layer, a past deadline first
// so that every blocked read or write returns at once however long the
// close takes, and no close_notify goes out. A close_notify tells dockerd
// the client has finished, and dockerd answers by ending the stream
// cleanly: a cancelled logs or attach stream would then read as one that
// ended (issue 13, defect 1). Closing a *tls.Conn may also block on that
// alert when the daemon does not read.
func (pc *conn) close() {
	pc.raw.SetDeadline(aLongTimeAgo)
	pc.raw.Close()
}

// watch closes the connection when ctx ends, until unwatch. There is one
// watch per exchange; an upgraded connection leaves with none.
func (pc *conn) watch(ctx context.Context) {
	pc.stop = nil
	if ctx.Done() != nil {
		pc.stop = context.AfterFunc(ctx, pc.close)
	}
}

// unwatch removes the watch; it reports false when the watch has fired
// (ctx ended and the connection is closed or closing).
func (pc *conn) unwatch() bool {
	if pc.stop == nil {
		return true
	}
	ok := pc.stop()
	pc.stop = nil
	return ok
}

// aLongTimeAgo is a deadline in the past: a read with it never waits.
var aLongTimeAgo = time.Unix(1, 0)

// alive reports whether an idle connection can carry another request: its
// reader holds no byte, and the daemon has neither sent anything since (an
// answer to nothing, which would become the next request's answer) nor
// closed it (a restart, its keep-alive timeout), so that a request is not
// written into a dead connection (issue 13, defect 6).
func (pc *conn) alive() bool {
	if pc.br.Buffered() > 0 {
		return false
	}
	if pc.nc != pc.raw || pc.peek == nil {
		// A layer above the socket (TLS) may hold bytes the socket no
		// longer shows, and a connection without a socket (net.Pipe, a
		// tunnel) can only be asked with a read that cannot wait.
		if pc.nc.SetReadDeadline(aLongTimeAgo) == nil {
			_, err := pc.br.Peek(1)
			pc.nc.SetReadDeadline(time.Time{})
			if !errors.Is(err, os.ErrDeadlineExceeded) {
				return false
			}
		}
	}
	return pc.peek == nil || pc.peek.idle()
}

// deadlineWriter counts what reaches the connection, and pushes the write
// deadline forward before each write when idle is set: an upload that
// keeps moving is never cut by Options.Timeout, a stalled one is.
type deadlineWriter struct {
	nc   net.Conn
	idle time.Duration
	n    int64 // bytes written in the current exchange
}

func (w *deadlineWriter) Write(p []byte) (int, error) {
	if w.idle > 0 {
		w.nc.SetWriteDeadline(time.Now().Add(w.idle))
	}
	n, err := w.nc.Write(p)
	w.n += int64(n)
	return n, err
}

// countReader counts what was read from the connection.
type countReader struct {
	r net.Conn
	n int64
}

func (r *countReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.n += int64(n)
	return n, err
}

// acquire takes a slot for a short call, waiting at most Timeout: a full
// pool fails the call with a *TimeoutError of phase "queue" and touches no
// connection (issue 13, defects 2 and 3).
func (c *Client) acquire(ctx context.Context) error {
	select {
	case c.slots <- struct{}{}:
		return nil
	default:
	}
	var expired <-chan time.Time
	if c.timeout > 0 {
		t := time.NewTimer(c.timeout)
		defer t.Stop()
		expired = t.C
	}
	select {
	case c.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for a free connection: %w", ctx.Err())
	case <-expired:
		return &TimeoutError{Phase: "queue", Timeout: c.timeout}
	}
}

// release gives back the slot of a call that holds one.
func (c *Client) release(pc *conn) {
	if pc.slot {
		pc.slot = false
		<-c.slots
	}
}

// getConn returns an idle connection that passes alive, else a new one
// dialled within deadline. fresh skips the idle ones (a retry).
func (c *Client) getConn(ctx context.Context, deadline time.Time, fresh bool) (*conn, error) {
	for !fresh {
		pc, err := c.takeIdle()
		if err != nil {
			return nil, err
		}
		if pc == nil {
			break
		}
		if pc.alive() {
			pc.reused = true
			return pc, nil
		}
		pc.close()
	}
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return nil, errClientClosed
	}
	dctx := ctx
	if !deadline.IsZero() {
		var cancel context.CancelFunc
		dctx, cancel = context.WithDeadline(ctx, deadline)
		defer cancel()
	}
	nc, err := c.dial(dctx)
	if err != nil {
		if ctx.Err() == nil && dctx.Err() != nil {
			return nil, &TimeoutError{Phase: "dial", Timeout: c.timeout, Err: err}
		}
		// dial's errors name their transport and host already.
		return nil, err
	}
	if nc == nil {
		return nil, errors.New("the dial.Func returned no connection and no error")
	}
	return newConn(nc), nil
}

var errClientClosed = fmt.Errorf("client closed: %w", net.ErrClosed)

// takeIdle pops the most recently used idle connection, closing those idle
// for longer than IdleTimeout on the way; nil when there is none.
func (c *Client) takeIdle() (*conn, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, errClientClosed
	}
	for len(c.idle) > 0 {
		pc := c.idle[len(c.idle)-1]
		c.idle = c.idle[:len(c.idle)-1]
		if c.idleTimeout > 0 && time.Since(pc.idleAt) > c.idleTimeout {
			pc.close()
			continue
		}
		return pc, nil
	}
	return nil, nil
}

// putIdle keeps pc for reuse, unless the client is closed or PoolSize
// connections are idle already.
func (c *Client) putIdle(pc *conn) {
	pc.nc.SetDeadline(time.Time{})
	pc.deadline = time.Time{}
	now := time.Now()
	pc.idleAt = now
	c.mu.Lock()
	defer c.mu.Unlock()
	// Drop connections idle for too long (the oldest come first).
	i := 0
	for i < len(c.idle) && c.idleTimeout > 0 && now.Sub(c.idle[i].idleAt) > c.idleTimeout {
		c.idle[i].close()
		i++
	}
	if i > 0 {
		c.idle = append(c.idle[:0], c.idle[i:]...)
	}
	if c.closed || len(c.idle) >= cap(c.slots) {
		pc.close()
		return
	}
	c.idle = append(c.idle, pc)
}
