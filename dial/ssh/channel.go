package ssh

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// chanConn is a net.Conn over an ssh channel. x/crypto's channels have no
// deadlines, and the wire layer needs them (a read deadline of now drains
// a body without blocking): one goroutine reads the channel a chunk ahead,
// so a Read can give up at its deadline without losing data, and a Write
// still blocked on the peer's window at its deadline closes the channel.
//
// Close closes the channel only, never the ssh connection it belongs to;
// CloseWrite sends EOF (the daemon, or dial-stdio's stdin, sees the
// half-close).
type chanConn struct {
	ch     ssh.Channel
	local  net.Addr
	remote net.Addr

	chunks chan chunk        // from the read loop
	next   chan struct{}     // to the read loop: the chunk is consumed
	closed chan struct{}     // closed by Close
	once   sync.Once         // Close
	done   func()            // called once by Close: releases the channel's hold on its ssh connection
	fail   func(error) error // turns a read or write error into the one reported (dial-stdio's exit status)
	onData func()            // when set, called once, at the first data read

	rmu     sync.Mutex // held by Read
	pending []byte     // what is left of the last chunk
	rerr    error      // sticky read error
	rd      deadline

	wmu sync.Mutex // held by Write
	wd  deadline
}

type chunk struct {
	b   []byte
	err error
}

func newChanConn(ch ssh.Channel, local, remote net.Addr, done func()) *chanConn {
	c := &chanConn{
		ch:     ch,
		local:  local,
		remote: remote,
		chunks: make(chan chunk),
		next:   make(chan struct{}),
		closed: make(chan struct{}),
		done:   done,
		fail:   func(err error) error { return err },
		rd:     newDeadline(),
		wd:     newDeadline(),
	}
	go c.readLoop()
	return c
}

// readLoop reads the channel into its own buffer and hands each chunk to
// Read, waiting until the chunk is consumed before reading again.
func (c *chanConn) readLoop() {
	buf := make([]byte, 32<<10)
	for {
		n, err := c.ch.Read(buf)
		select {
		case c.chunks <- chunk{buf[:n], err}:
		case <-c.closed:
			return
		}
		if err != nil {
			return
		}
		select {
		case <-c.next:
		case <-c.closed:
			return
		}
	}
}

func (c *chanConn) Read(p []byte) (int, error) {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	for {
		if len(c.pending) > 0 {
			return c.take(p), nil
		}
		if c.rerr != nil {
			return 0, c.rerr
		}
		if len(p) == 0 {
			return 0, nil
		}
		var ch chunk
		select { // data already here wins over a passed deadline
		case ch = <-c.chunks:
		default:
			select {
			case ch = <-c.chunks:
			case <-c.rd.wait():
				return 0, os.ErrDeadlineExceeded
			case <-c.closed:
				return 0, net.ErrClosed
			}
		}
		c.pending = ch.b
		if len(ch.b) > 0 && c.onData != nil {
			c.onData()
			c.onData = nil
		}
		if ch.err != nil {
			c.rerr = c.fail(ch.err)
		} else if len(c.pending) == 0 {
			c.release()
		}
	}
}

// take copies from the pending chunk and lets the read loop go on once it
// is consumed.
func (c *chanConn) take(p []byte) int {
	n := copy(p, c.pending)
	c.pending = c.pending[n:]
	if len(c.pending) == 0 && c.rerr == nil {
		c.release()
	}
	return n
}

// release tells the read loop its buffer is free again.
func (c *chanConn) release() {
	select {
	case c.next <- struct{}{}:
	case <-c.closed:
	}
}

func (c *chanConn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	select {
	case <-c.closed:
		return 0, net.ErrClosed
	case <-c.wd.wait():
		return 0, os.ErrDeadlineExceeded
	default:
	}
	var expired chan struct{}
	if passed, armed := c.wd.armed(); armed {
		// A write blocked on the peer's window cannot be interrupted: past
		// the deadline, the channel is closed under it.
		stop := make(chan struct{})
		defer close(stop)
		expired = make(chan struct{})
		go func() {
			select {
			case <-passed:
				close(expired)
				c.ch.Close()
			case <-stop:
			}
		}()
	}
	n, err := c.ch.Write(p)
	if err != nil {
		select {
		case <-expired: // nil when no deadline: never ready
			return n, os.ErrDeadlineExceeded
		case <-c.closed:
			return n, net.ErrClosed
		default:
		}
		return n, c.fail(err)
	}
	return n, nil
}

// CloseWrite sends EOF: the other end reads the end of its input while
// this end can still read.
func (c *chanConn) CloseWrite() error { return c.ch.CloseWrite() }

// Close closes the channel (not the ssh connection) and unblocks Read and
// Write.
func (c *chanConn) Close() error {
	err := net.ErrClosed
	c.once.Do(func() {
		close(c.closed)
		err = c.ch.Close()
		if errors.Is(err, io.EOF) {
			err = nil // the peer closed first
		}
		c.done()
	})
	return err
}

func (c *chanConn) LocalAddr() net.Addr  { return c.local }
func (c *chanConn) RemoteAddr() net.Addr { return c.remote }

func (c *chanConn) SetDeadline(t time.Time) error {
	c.rd.set(t)
	c.wd.set(t)
	return nil
}

func (c *chanConn) SetReadDeadline(t time.Time) error  { c.rd.set(t); return nil }
func (c *chanConn) SetWriteDeadline(t time.Time) error { c.wd.set(t); return nil }

// deadline is a settable point in time whose wait channel is closed once
// it has passed.
type deadline struct {
	mu     sync.Mutex
	timer  *time.Timer
	passed chan struct{}
}

func newDeadline() deadline { return deadline{passed: make(chan struct{})} }

func (d *deadline) set(t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil && !d.timer.Stop() {
		<-d.passed // the timer fired: wait for it to close the channel
	}
	d.timer = nil
	select {
	case <-d.passed:
		d.passed = make(chan struct{})
	default:
	}
	if t.IsZero() {
		return
	}
	if dur := time.Until(t); dur > 0 {
		passed := d.passed
		d.timer = time.AfterFunc(dur, func() { close(passed) })
		return
	}
	close(d.passed)
}

// armed returns the wait channel and whether a deadline is pending.
func (d *deadline) armed() (<-chan struct{}, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.passed, d.timer != nil
}

func (d *deadline) wait() <-chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.passed
}
