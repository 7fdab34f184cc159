package mux

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// Conn is a hijacked connection: what POST /containers/{id}/attach and
// POST /exec/{id}/start leave after the daemon's 101 (or 200) response.
// Reads come from the process's output, raw (TTY) or multiplexed; writes go
// to its stdin; CloseWrite ends stdin.
//
// The context given to NewConn bounds the connection's life: when it is
// cancelled, the connection is closed (under TLS, the connection beneath,
// so that no close_notify tells the daemon to end the stream cleanly), and
// from then on every read and write, blocked or not, returns an error that
// wraps the context's error, never io.EOF: a cancelled stream never looks
// like one that ended. The Conn's watch on the context is the only one the
// connection needs (wire.Client.Upgrade leaves none behind).
//
// # Concurrency
//
// One goroutine may read (Read or Demux) while another writes (Write,
// CloseWrite); Close may be called from any goroutine, any number of times.
type Conn struct {
	conn        net.Conn
	rd          io.Reader // the HTTP layer's *bufio.Reader, or conn
	ctx         context.Context
	stop        func() bool
	multiplexed bool
	closeOnce   sync.Once
	closeErr    error
}

// NewConn takes over conn once the HTTP layer has read the response headers.
// br is the reader the HTTP layer read them with (nil when it read none
// ahead): every read goes through it, so bytes it already buffered come
// first. multiplexed says whether the output is in the stdcopy format (see
// Multiplexed).
//
// On TCP (plain or under TLS), NewConn turns on keep-alive probes every 30
// seconds, as moby's client does, so that a command that is silent for long
// does not lose its connection to an idle timeout on the way (NAT, load
// balancers) without either end knowing.
func NewConn(ctx context.Context, conn net.Conn, br *bufio.Reader, multiplexed bool) *Conn {
	raw := conn
	if tc, ok := raw.(layered); ok {
		raw = tc.NetConn()
	}
	if tc, ok := raw.(*net.TCPConn); ok {
		_ = tc.SetKeepAliveConfig(net.KeepAliveConfig{Enable: true, Idle: keepAlive, Interval: keepAlive, Count: -1})
	}
	c := &Conn{conn: conn, rd: conn, ctx: ctx, multiplexed: multiplexed}
	if br != nil {
		c.rd = br
	}
	c.stop = context.AfterFunc(ctx, c.abort)
	return c
}

// Multiplexed reports whether the output is in the stdcopy format.
func (c *Conn) Multiplexed() bool { return c.multiplexed }

// Read reads the raw output: for a TTY stream, the terminal's bytes; for a
// multiplexed one, the frames themselves (use Demux to split them).
func (c *Conn) Read(p []byte) (int, error) {
	n, err := c.rd.Read(p)
	return n, c.err("read", err)
}

// Demux copies the output until it ends: a multiplexed stream is split as
// Copy does (stdout and stdin frames to stdout, stderr frames to stderr, a
// nil writer discards), a raw one goes to stdout as is. It returns the
// number of bytes delivered and nil when the stream ended cleanly.
func (c *Conn) Demux(stdout, stderr io.Writer) (int64, error) {
	if c.multiplexed {
		return Copy(stdout, stderr, c)
	}
	return copyRaw(stdout, c)
}

// Write writes p to the process's stdin (raw bytes: stdin is never framed).
func (c *Conn) Write(p []byte) (int, error) {
	n, err := c.conn.Write(p)
	return n, c.err("write", err)
}

// CloseWrite ends the process's stdin and leaves the output open:
//
//   - *net.TCPConn, *net.UnixConn, and any conn with a CloseWrite() error
//     method: a half-close (TCP FIN, shutdown(SHUT_WR)).
//   - *tls.Conn: a TLS close_notify alert, which dockerd's Go TLS stack reads
//     as io.EOF on stdin, and then a half-close of the TCP connection under
//     it, for peers that wait for the FIN. The daemon can still write back.
//
// On any other conn (net.Pipe, a wrapper without CloseWrite) it returns
// ErrCloseWriteUnsupported: close the connection instead.
func (c *Conn) CloseWrite() error {
	var err error
	switch cc := c.conn.(type) {
	case layeredCloseWriter:
		err = cc.CloseWrite()
		if cw, ok := cc.NetConn().(closeWriter); ok && err == nil {
			err = cw.CloseWrite()
		}
	case closeWriter:
		err = cc.CloseWrite()
	default:
		return ErrCloseWriteUnsupported
	}
	return c.err("close write", err)
}

// keepAlive is the TCP keep-alive period of hijacked connections.
const keepAlive = 30 * time.Second

type closeWriter interface{ CloseWrite() error }

// layered is a connection over another one, such as *tls.Conn. Matching the
// method set rather than the type keeps crypto/tls out of programs that do
// not use TLS.
type layered interface{ NetConn() net.Conn }

// layeredCloseWriter is a *tls.Conn: CloseWrite sends close_notify, and the
// connection under it can be half-closed too.
type layeredCloseWriter interface {
	closeWriter
	layered
}

// Close closes the connection and releases the context watch. It returns the
// first Close's result on every call.
func (c *Conn) Close() error {
	c.closeOnce.Do(func() {
		c.stop()
		if err := c.conn.Close(); err != nil {
			c.closeErr = &muxErr{op: "close", err: err}
		}
	})
	return c.closeErr
}

// abort runs when the context is done: a past deadline unblocks reads and
// writes at once, and the connection is closed under any TLS layer so that
// no close_notify write can block.
func (c *Conn) abort() {
	_ = c.conn.SetDeadline(time.Unix(1, 0))
	raw := c.conn
	if tc, ok := raw.(layered); ok {
		raw = tc.NetConn()
	}
	_ = raw.Close()
}

// err wraps a connection error. Once the context is done, every error,
// io.EOF included, becomes one wrapping the context's error (and its cause,
// when one was given) instead of the deadline or closed-connection error the
// abort produced: a peer may end the stream cleanly when it sees the
// client go (dockerd does on a TLS close_notify), and a cancelled call must
// not pass that for success.
func (c *Conn) err(op string, err error) error {
	if err == nil {
		return nil
	}
	if cerr := c.ctx.Err(); cerr != nil {
		if cause := context.Cause(c.ctx); cause != cerr {
			cerr = fmt.Errorf("%w: %w", cerr, cause)
		}
		return &muxErr{op: op, err: cerr}
	}
	if err == io.EOF {
		return err
	}
	return &muxErr{op: op, err: err}
}

// muxErr is a wrapped connection error: "mux: read: ...".
type muxErr struct {
	op  string
	err error
}

func (e *muxErr) Error() string { return "mux: " + e.op + ": " + e.err.Error() }
func (e *muxErr) Unwrap() error { return e.err }
