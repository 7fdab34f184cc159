package faultproxy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// Direction is the way bytes flow through the proxy.
type Direction uint8

const (
	// ToServer is from the client to the upstream daemon (requests, stdin).
	ToServer Direction = iota + 1
	// ToClient is from the upstream daemon to the client (responses, output).
	ToClient
)

func (d Direction) String() string {
	switch d {
	case ToServer:
		return "to-server"
	case ToClient:
		return "to-client"
	}
	return fmt.Sprintf("Direction(%d)", uint8(d))
}

// Action is what a Fault does when it fires.
type Action uint8

const (
	// Drop closes both sides of the connection.
	Drop Action = iota
	// Stall stops the direction: nothing more is read from its sender or
	// written to its receiver. The stall lasts until the other direction
	// ends (the peer closing or half-closing) or the proxy is closed.
	Stall
)

func (a Action) String() string {
	switch a {
	case Drop:
		return "drop"
	case Stall:
		return "stall"
	}
	return fmt.Sprintf("Action(%d)", uint8(a))
}

// Fault says when and how to break a connection.
type Fault struct {
	// Dir is the direction whose bytes are counted.
	Dir Direction
	// Mark, when set, delays the count until these bytes have passed in
	// Dir ("\r\n\r\n": the end of the HTTP response headers; a payload's
	// first bytes: inside a frame). Counting starts right after Mark.
	Mark []byte
	// After is how many bytes pass in Dir (after Mark) before the fault.
	After int64
	// Action is what the fault does: Drop (the zero value) or Stall.
	Action Action
	// Conn is the 1-based index, in accept order, of the one connection
	// the fault applies to; 0 means every connection.
	Conn int
}

// Config sets up a Proxy.
type Config struct {
	// Network is "unix" (a socket in a new temporary directory) or "tcp"
	// (127.0.0.1, a free port); "" means "unix".
	Network string
	// Upstream opens a connection to the real server for each accepted
	// connection. Its signature is dial.Func's.
	Upstream func(ctx context.Context) (net.Conn, error)
	// Fault, when non-nil, breaks the connections it selects.
	Fault *Fault
}

// ErrConfig reports a Config that cannot work.
var ErrConfig = errors.New("faultproxy: bad config")

// Proxy forwards connections from a loopback listener to Upstream.
//
// # Concurrency
//
// All methods are safe for concurrent use; Close may be called any number
// of times.
type Proxy struct {
	cfg    Config
	ln     net.Listener
	dir    string
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu    sync.Mutex
	conns map[*pair]struct{}

	accepted  atomic.Int64
	faults    atomic.Int64
	forwarded [3]atomic.Int64

	closeOnce sync.Once
	closeErr  error
}

// Start listens on a loopback address and forwards every connection it
// accepts until Close.
func Start(cfg Config) (*Proxy, error) {
	if cfg.Upstream == nil {
		return nil, fmt.Errorf("%w: no Upstream", ErrConfig)
	}
	if f := cfg.Fault; f != nil {
		if f.Dir != ToServer && f.Dir != ToClient {
			return nil, fmt.Errorf("%w: fault direction %v", ErrConfig, f.Dir)
		}
		if f.After < 0 || f.Conn < 0 || (f.Action != Drop && f.Action != Stall) {
			return nil, fmt.Errorf("%w: fault %+v", ErrConfig, *f)
		}
		f2 := *f
		f2.Mark = bytes.Clone(f.Mark)
		cfg.Fault = &f2
	}
	p := &Proxy{cfg: cfg, conns: map[*pair]struct{}{}}
	var err error
	switch cfg.Network {
	case "", "unix":
		p.dir, err = os.MkdirTemp("", "faultproxy")
		if err != nil {
			return nil, fmt.Errorf("faultproxy: %w", err)
		}
		p.ln, err = net.Listen("unix", filepath.Join(p.dir, "proxy.sock"))
	case "tcp":
		p.ln, err = net.Listen("tcp", "127.0.0.1:0")
	default:
		return nil, fmt.Errorf("%w: network %q, want unix or tcp", ErrConfig, cfg.Network)
	}
	if err != nil {
		if p.dir != "" {
			os.RemoveAll(p.dir)
		}
		return nil, fmt.Errorf("faultproxy: %w", err)
	}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the listener's address.
func (p *Proxy) Addr() net.Addr { return p.ln.Addr() }

// Host is the listener's address as a DOCKER_HOST: unix:///path or
// tcp://127.0.0.1:port.
func (p *Proxy) Host() string {
	a := p.ln.Addr()
	if a.Network() == "unix" {
		return "unix://" + a.String()
	}
	return "tcp://" + a.String()
}

// Dial connects to the proxy; it has dial.Func's signature.
func (p *Proxy) Dial(ctx context.Context) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, p.ln.Addr().Network(), p.ln.Addr().String())
	if err != nil {
		return nil, fmt.Errorf("faultproxy: %w", err)
	}
	return c, nil
}

// Accepted is the number of connections accepted so far.
func (p *Proxy) Accepted() int { return int(p.accepted.Load()) }

// Faults is the number of faults that have fired.
func (p *Proxy) Faults() int { return int(p.faults.Load()) }

// Forwarded is the number of bytes forwarded in direction d, over all
// connections.
func (p *Proxy) Forwarded(d Direction) int64 {
	if d != ToServer && d != ToClient {
		return 0
	}
	return p.forwarded[d].Load()
}

// Close stops accepting, closes every connection and waits for the
// proxy's goroutines to end.
func (p *Proxy) Close() error {
	p.closeOnce.Do(func() {
		p.cancel()
		p.closeErr = p.ln.Close()
		p.mu.Lock()
		for pc := range p.conns {
			pc.close()
		}
		p.mu.Unlock()
		p.wg.Wait()
		if p.dir != "" {
			os.RemoveAll(p.dir)
		}
	})
	return p.closeErr
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		n := p.accepted.Add(1)
		p.wg.Add(1)
		go p.serve(int(n), c)
	}
}

// pair is one proxied connection: the client's side and the upstream's.
type pair struct {
	client, up net.Conn
	once       sync.Once
}

func (pc *pair) close() {
	pc.once.Do(func() {
		pc.client.Close()
		if pc.up != nil {
			pc.up.Close()
		}
	})
}

func (p *Proxy) serve(n int, client net.Conn) {
	defer p.wg.Done()
	pc := &pair{client: client}
	if !p.track(pc) {
		pc.close()
		return
	}
	defer p.untrack(pc)
	defer pc.close()
	up, err := p.cfg.Upstream(p.ctx)
	if err != nil {
		return
	}
	p.mu.Lock()
	pc.up = up
	closed := p.ctx.Err() != nil
	p.mu.Unlock()
	if closed {
		return
	}
	var f *Fault
	if p.cfg.Fault != nil && (p.cfg.Fault.Conn == 0 || p.cfg.Fault.Conn == n) {
		f = p.cfg.Fault
	}
	pick := func(d Direction) *Fault {
		if f != nil && f.Dir == d {
			return f
		}
		return nil
	}
	// Each direction's end (EOF or error) is signalled to the other, so a
	// stalled direction knows when to give up.
	endToServer, endToClient := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		defer close(endToServer)
		p.pump(ToServer, up, client, pick(ToServer), pc, endToClient)
	}()
	go func() {
		defer wg.Done()
		defer close(endToClient)
		p.pump(ToClient, client, up, pick(ToClient), pc, endToServer)
	}()
	wg.Wait()
}

func (p *Proxy) track(pc *pair) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ctx.Err() != nil {
		return false
	}
	p.conns[pc] = struct{}{}
	return true
}

func (p *Proxy) untrack(pc *pair) {
	p.mu.Lock()
	delete(p.conns, pc)
	p.mu.Unlock()
}

// pump copies src to dst until src ends, a write fails or f fires. On a
// clean EOF it half-closes dst; on anything else it closes both sides.
func (p *Proxy) pump(d Direction, dst, src net.Conn, f *Fault, pc *pair, otherEnd <-chan struct{}) {
	buf := make([]byte, 32<<10)
	armed := f != nil && len(f.Mark) == 0
	var left int64
	if f != nil {
		left = f.After
	}
	var tail []byte // the last len(Mark)-1 bytes seen before arming
	write := func(b []byte) bool {
		if len(b) == 0 {
			return true
		}
		n, err := dst.Write(b)
		p.forwarded[d].Add(int64(n))
		return err == nil
	}
	for {
		n, err := src.Read(buf)
		chunk := buf[:n]
		if f != nil && n > 0 {
			if !armed {
				joined := append(tail, chunk...)
				i := bytes.Index(joined, f.Mark)
				if i < 0 {
					if !write(chunk) {
						pc.close()
						return
					}
					keep := min(len(f.Mark)-1, len(joined))
					tail = append(tail[:0], joined[len(joined)-keep:]...)
					chunk = nil
				} else {
					armed = true
					start := i + len(f.Mark) - len(tail) // > 0: Mark was not all in tail
					if !write(chunk[:start]) {
						pc.close()
						return
					}
					chunk = chunk[start:]
				}
			}
			if armed && int64(len(chunk)) >= left {
				ok := write(chunk[:left])
				p.faults.Add(1)
				if !ok || f.Action == Drop {
					pc.close()
					return
				}
				select { // Stall
				case <-otherEnd:
				case <-p.ctx.Done():
				}
				pc.close()
				return
			}
			if armed {
				left -= int64(len(chunk))
			}
		}
		if !write(chunk) {
			pc.close()
			return
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				if cw, ok := dst.(interface{ CloseWrite() error }); ok && cw.CloseWrite() == nil {
					return
				}
			}
			pc.close()
			return
		}
	}
}
