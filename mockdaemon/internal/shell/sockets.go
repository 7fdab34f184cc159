package shell

import (
	"context"
	"errors"
	"io"
	"net/netip"
	"sync"
	"syscall"
)

// Conn is one end of a TCP connection between processes of the mock (or
// between a process and the daemon's forwarder of a published port): a
// byte stream each way whose writer can close its half (shutdown
// SHUT_WR) and go on reading. Writes block until the peer reads, so no
// data piles up.
type Conn interface {
	io.ReadWriteCloser
	CloseWrite() error
}

// ConnPipe returns the two ends of a new connection.
func ConnPipe() (Conn, Conn) {
	r1, w1 := io.Pipe()
	r2, w2 := io.Pipe()
	return &pipeConn{r: r2, w: w1}, &pipeConn{r: r1, w: w2}
}

type pipeConn struct {
	r *io.PipeReader
	w *io.PipeWriter
}

func (c *pipeConn) Read(b []byte) (int, error) { return c.r.Read(b) }

func (c *pipeConn) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	if errors.Is(err, io.ErrClosedPipe) {
		err = syscall.EPIPE
	}
	return n, err
}

func (c *pipeConn) CloseWrite() error { return c.w.Close() }

// Close ends both halves: the peer reads EOF, and its writes fail with
// ECONNRESET.
func (c *pipeConn) Close() error {
	_ = c.w.Close()
	return c.r.CloseWithError(syscall.ECONNRESET)
}

// Dialer connects a process of a namespace to addr:port: the daemon's
// routing between namespaces (the loopback and addresses of the
// namespace itself, other containers on a shared network, ports
// published on the host). It returns ECONNREFUSED when nothing listens
// there.
type Dialer func(ctx context.Context, addr netip.Addr, port int) (Conn, error)

// SetDialer makes d the way the namespace's processes connect.
func (n *Net) SetDialer(d Dialer) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.dialer = d
}

// Dial connects to addr:port as a process of the namespace does: through
// its Dialer, or without one to its own listeners on a loopback address
// (ECONNREFUSED elsewhere). A nil Net is a namespace of its own with lo
// alone and nothing listening.
func (n *Net) Dial(ctx context.Context, addr netip.Addr, port int) (Conn, error) {
	if n == nil {
		return nil, syscall.ECONNREFUSED
	}
	n.mu.Lock()
	d := n.dialer
	n.mu.Unlock()
	if d != nil {
		return d(ctx, addr, port)
	}
	if !addr.IsLoopback() {
		return nil, syscall.ECONNREFUSED
	}
	return n.Connect(port)
}

// Listener is a TCP port a process of a namespace listens on.
type Listener struct {
	n     *Net
	port  int
	queue chan Conn
	done  chan struct{}
	once  sync.Once
}

// firstEphemeralPort is where the kernel's ip_local_port_range starts.
const firstEphemeralPort = 32768

// Listen listens on port (any free one from 32768 when 0) of every
// address of the namespace; EADDRINUSE when a process listens there
// already.
func (n *Net) Listen(port int) (*Listener, error) {
	if n == nil {
		return nil, syscall.EADDRNOTAVAIL
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.listeners == nil {
		n.listeners = map[int]*Listener{}
	}
	if port == 0 {
		for port = firstEphemeralPort; n.listeners[port] != nil; port++ {
		}
	}
	if n.listeners[port] != nil {
		return nil, syscall.EADDRINUSE
	}
	l := &Listener{n: n, port: port, queue: make(chan Conn, 16), done: make(chan struct{})}
	n.listeners[port] = l
	return l, nil
}

// Port is the port l listens on.
func (l *Listener) Port() int { return l.port }

// Accept waits for a connection or the end of ctx.
func (l *Listener) Accept(ctx context.Context) (Conn, error) {
	select {
	case c := <-l.queue:
		return c, nil
	case <-l.done:
		return nil, syscall.EINVAL
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Close stops listening; the connections not yet accepted are reset.
func (l *Listener) Close() {
	l.once.Do(func() {
		l.n.mu.Lock()
		if l.n.listeners[l.port] == l {
			delete(l.n.listeners, l.port)
		}
		l.n.mu.Unlock()
		close(l.done)
		for {
			select {
			case c := <-l.queue:
				c.Close()
			default:
				return
			}
		}
	})
}

// Connect makes a connection to the namespace's listener on port, as a
// SYN to any of its addresses does: the listener's end is queued for
// Accept and the caller gets the other; ECONNREFUSED when no process
// listens there (or its backlog is full).
func (n *Net) Connect(port int) (Conn, error) {
	if n == nil {
		return nil, syscall.ECONNREFUSED
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	l := n.listeners[port]
	if l == nil {
		return nil, syscall.ECONNREFUSED
	}
	mine, theirs := ConnPipe()
	select {
	case l.queue <- theirs:
		return mine, nil
	default:
		return nil, syscall.ECONNREFUSED
	}
}

// listening reports whether a process listens on port.
func (n *Net) listening(port int) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.listeners[port] != nil
}
