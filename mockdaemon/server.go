package mockdaemon

import (
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"
)

// server is the daemon's plumbing: the listeners it serves, their
// connections (hijacked ones too, for Close), the request log and the
// injected faults. It has its own lock, never held together with the
// engine's (locking.go), so that serving a connection never waits for a
// container and the engine never reaches into the plumbing.
type server struct {
	mu        sync.Mutex
	closed    bool
	draining  bool // Shutdown has begun: streams end, answers finish
	listeners map[net.Listener]struct{}
	conns     map[net.Conn]struct{}
	hijacked  map[net.Conn]struct{}
	streams   map[*statusWriter]struct{} // responses whose head is out
	servers   []*http.Server
	faults    []*Fault
	log       []Request
}

func newServer() *server {
	return &server{
		listeners: map[net.Listener]struct{}{},
		conns:     map[net.Conn]struct{}{},
		hijacked:  map[net.Conn]struct{}{},
		streams:   map[*statusWriter]struct{}{},
	}
}

// ErrClosed is returned by Serve on a closed daemon.
var ErrClosed = errors.New("mockdaemon: daemon closed")

// Serve accepts connections on l and serves them until l fails or the
// daemon is closed. It returns nil after Close.
func (d *Daemon) Serve(l net.Listener) error {
	srv := &http.Server{
		Handler:           d,
		ReadHeaderTimeout: 30 * time.Second,
		ConnState:         d.srv.connState,
		BaseContext:       func(net.Listener) context.Context { return d.ctx },
	}
	if !d.srv.add(l, srv) {
		l.Close()
		return ErrClosed
	}
	err := srv.Serve(l)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// add records a listener and its server; false once closed.
func (s *server) add(l net.Listener, srv *http.Server) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.draining {
		return false
	}
	s.listeners[l] = struct{}{}
	s.servers = append(s.servers, srv)
	return true
}

func (s *server) connState(c net.Conn, st http.ConnState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch st {
	case http.StateNew:
		s.conns[c] = struct{}{}
	case http.StateClosed:
		delete(s.conns, c)
	case http.StateHijacked:
		delete(s.conns, c)
		s.hijacked[c] = struct{}{}
	}
}

// track records a connection taken over outside net/http's Hijack (a
// websocket's); false when the daemon is closed, and the caller must
// close it: Close has already closed the ones it knew.
func (s *server) track(conn net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hijacked[conn] = struct{}{}
	return !s.closed && !s.draining
}

// isClosed reports whether Close or Shutdown has begun: a connection
// hijacked now must be closed by its taker, the daemon has closed the
// ones it knew.
func (s *server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed || s.draining
}

// headOut records that w's head is out: the response is a stream from
// now on, which Shutdown ends (at once when it has begun).
func (s *server) headOut(w *statusWriter) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.draining {
		w.cancel()
		return
	}
	s.streams[w] = struct{}{}
}

// done forgets a response at the end of its handler.
func (s *server) done(w *statusWriter) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.streams, w)
}

// drain begins a Shutdown: it ends the streams and returns the servers
// to shut and the hijacked connections to close; ok is false when Close
// or Shutdown has begun already.
func (s *server) drain() (servers []*http.Server, hijacked []net.Conn, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.draining {
		return nil, nil, false
	}
	s.draining = true
	for w := range s.streams {
		w.cancel()
	}
	servers, hijacked = s.toShutLocked()
	return servers, hijacked, true
}

// toShutLocked lists the servers and the hijacked connections.
func (s *server) toShutLocked() ([]*http.Server, []net.Conn) {
	var hijacked []net.Conn
	for c := range s.hijacked {
		hijacked = append(hijacked, c)
	}
	return slices.Clone(s.servers), hijacked
}

// release closes a hijacked connection and forgets it.
func (s *server) release(conn net.Conn) {
	conn.Close()
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.hijacked, conn)
}

// close marks the plumbing closed and returns what Close must shut; ok is
// false when it was closed already.
func (s *server) close() (servers []*http.Server, hijacked []net.Conn, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, nil, false
	}
	s.closed = true
	servers, hijacked = s.toShutLocked()
	return servers, hijacked, true
}

// Shutdown closes the daemon gracefully, as cmd/mockdockerd does on
// SIGTERM: it stops accepting connections, ends the streams (attach and
// exec connections, and every response whose head is out: logs and
// stats that follow, events, wait, build and pull progress), lets the
// requests still working on their answer (an archive upload, a load, a
// create) finish, and then closes the daemon as Close does. When ctx
// ends first, Close cuts the requests left and Shutdown returns ctx's
// error. After Close, or a Shutdown begun already, it only closes.
func (d *Daemon) Shutdown(ctx context.Context) error {
	servers, hijacked, ok := d.srv.drain()
	if !ok {
		return d.Close()
	}
	for _, c := range hijacked {
		c.Close()
	}
	errc := make(chan error, len(servers))
	for _, s := range servers {
		go func() { errc <- s.Shutdown(ctx) }()
	}
	var err error
	for range servers {
		if e := <-errc; e != nil && err == nil {
			err = e
		}
	}
	d.Close()
	return err
}

// Close stops every container process and stream, closes every listener
// and connection the daemon serves, and waits for its goroutines.
func (d *Daemon) Close() error {
	servers, hijacked, ok := d.srv.close()
	if !ok {
		return nil
	}
	// Cancelled before the containers are collected: a start that comes
	// after the collection sees the daemon closing and refuses.
	d.cancel()
	for _, s := range servers {
		s.Close()
	}
	for _, c := range hijacked {
		c.Close()
	}
	var cs []*container
	_ = d.locked(func() error {
		for _, c := range d.containers {
			cs = append(cs, c)
		}
		return nil
	})
	for _, c := range cs {
		c.killForClose()
	}
	d.events.close()
	d.wg.Wait()
	return nil
}

// closing reports whether Close has begun, for the engine: it reads the
// daemon's context, not the plumbing's lock.
func (d *Daemon) closing() bool { return d.ctx.Err() != nil }
