package wire

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/dockwire/dockwire/dial"
)

// DefaultHost is the Host header sent when Options.Host is empty: the dummy
// name moby's client sends over unix sockets and named pipes (moby#45942),
// a valid host name that never reaches a resolver.
const DefaultHost = "api.moby.localhost"

const defaultUserAgent = "dockwire/0.1"

// Options configures a Client. The zero value means defaults.
type Options struct {
	// Host is the Host header; "" means DefaultHost. Set it to the daemon's
	// host name for TCP daemons behind a name-based proxy.
	Host string
	// PoolSize caps the connections to the daemon, idle and in use
	// together; Do waits (until its ctx ends) for a free one. 0 means 10.
	// Upgraded connections leave the pool and do not count.
	PoolSize int
	// IdleTimeout is how long an idle connection is kept; 0 means 90s,
	// <0 keeps idle connections until Close.
	IdleTimeout time.Duration
	// Timeout bounds each call's dial, request write and wait for the
	// response headers; 0 means 60s, <0 none. It never applies to reading
	// a body or stream, and Request.NoTimeout lifts the wait for headers.
	// A request body (a build context, an image to load) may take longer:
	// Timeout then bounds each write of it (no progress for Timeout fails
	// the call), and the wait for headers counts from the end of the upload.
	Timeout time.Duration
	// Version pins the API version: no negotiation when it is non-zero.
	Version Version
	// UserAgent is the User-Agent header; "" means "dockwire/<version>".
	UserAgent string
}

// Client runs requests over a pool of keep-alive connections opened with a
// dial.Func, negotiating the API version on first use.
//
// # Concurrency
//
// A Client is safe for concurrent use; concurrent first calls share one
// /_ping. A Response's Body, a Stream and an Upgraded belong to one
// goroutine, except that Close may be called from another to abort a Read.
// The Client starts no goroutine of its own.
type Client struct {
	dial        dial.Func
	host, ua    string
	timeout     time.Duration
	idleTimeout time.Duration
	pinned      Version

	slots  chan struct{} // one token per connection in use
	mu     sync.Mutex
	idle   []*conn // most recently used last
	closed bool

	negotiate chan struct{} // a lock with ctx: one ping at a time
	version   atomic.Uint64 // 1<<63 | major<<32 | minor once negotiated
}

// Dialer is the dial.Func the client opens its connections with, for
// transports that must make their own connection to the same daemon (a
// WebSocket attach).
func (c *Client) Dialer() dial.Func { return c.dial }

// Host is the Host header the client sends.
func (c *Client) Host() string { return c.host }

// NewClient returns a Client that opens connections with d.
func NewClient(d dial.Func, opts Options) *Client {
	c := &Client{
		dial:        d,
		host:        opts.Host,
		ua:          opts.UserAgent,
		timeout:     opts.Timeout,
		idleTimeout: opts.IdleTimeout,
		pinned:      opts.Version,
		negotiate:   make(chan struct{}, 1),
	}
	if c.host == "" {
		c.host = DefaultHost
	}
	if c.ua == "" {
		c.ua = defaultUserAgent
	}
	if c.timeout == 0 {
		c.timeout = 60 * time.Second
	}
	if c.idleTimeout == 0 {
		c.idleTimeout = 90 * time.Second
	}
	n := opts.PoolSize
	if n <= 0 {
		n = 10
	}
	c.slots = make(chan struct{}, n)
	return c
}

// PingResult is what a daemon says about itself in /_ping's headers.
type PingResult struct {
	APIVersion     Version // Api-Version; zero when absent or not a version
	OSType         string  // Ostype: "linux", "windows"
	Experimental   bool    // Docker-Experimental: true
	BuilderVersion string  // Builder-Version: "1" (classic) or "2" (BuildKit)
	SwarmStatus    string  // Swarm: "inactive", "pending", "error", "locked", "active/worker", "active/manager"
	Header         Header  // all response headers
}

func pingResult(h Header) PingResult {
	v, _ := ParseVersion(h.Get("Api-Version"))
	return PingResult{
		APIVersion:     v,
		OSType:         h.Get("Ostype"),
		Experimental:   h.Get("Docker-Experimental") == "true",
		BuilderVersion: h.Get("Builder-Version"),
		SwarmStatus:    h.Get("Swarm"),
		Header:         h,
	}
}

// Ping asks the daemon about itself with an unversioned HEAD /_ping,
// falling back to GET /_ping when HEAD fails or is not answered with 200
// (older daemons and some proxies only know GET; GET's body carries the
// error). A GET answered with status >= 300 returns the PingResult of its
// headers together with a *Error.
func (c *Client) Ping(ctx context.Context) (PingResult, error) {
	req := &Request{Method: "HEAD", Path: "/_ping", Op: "Ping", Unversioned: true}
	resp, pc, err := c.send(ctx, req, false)
	if err == nil {
		b := c.newBody(ctx, resp, pc)
		b.Close()
		if resp.StatusCode == 200 {
			return pingResult(resp.Header), nil
		}
	} else if ctx.Err() != nil {
		return PingResult{}, err
	}
	req.Method = "GET"
	resp, pc, err = c.send(ctx, req, false)
	if err != nil {
		return PingResult{}, err
	}
	b := c.newBody(ctx, resp, pc)
	defer b.Close()
	res := pingResult(resp.Header)
	if resp.StatusCode >= 300 {
		return res, ReadError(req.Method, req.Path, resp)
	}
	io.Copy(io.Discard, io.LimitReader(b, 4<<10))
	return res, nil
}

// Version returns the API version requests use: Options.Version when
// pinned, else the negotiated one. Negotiation happens on the first call
// (concurrent first calls share one Ping): the version is
// Negotiate(MaxVersion, daemon's Api-Version). The daemon's version counts
// even when /_ping answered an error status (a daemon that is up but
// unhealthy still says which API it speaks). A daemon that sends no
// Api-Version keeps MaxVersion, as moby's client does. A daemon older than
// MinVersion is a *VersionError. Failures are not remembered: the next
// call tries again.
func (c *Client) Version(ctx context.Context) (Version, error) {
	if !c.pinned.IsZero() {
		return c.pinned, nil
	}
	if v, ok := c.loadVersion(); ok {
		return v, nil
	}
	select {
	case c.negotiate <- struct{}{}:
	case <-ctx.Done():
		return Version{}, fmt.Errorf("wire: negotiating API version: %w", ctx.Err())
	}
	defer func() { <-c.negotiate }()
	if v, ok := c.loadVersion(); ok {
		return v, nil
	}
	p, err := c.Ping(ctx)
	if p.APIVersion.IsZero() && err != nil {
		return Version{}, &opError{op: "negotiating API version", err: err}
	}
	if !p.APIVersion.IsZero() && p.APIVersion.Less(MinVersion) {
		return Version{}, &VersionError{Op: "this client (daemon too old)", Need: MinVersion, Have: p.APIVersion}
	}
	v := Negotiate(MaxVersion, p.APIVersion)
	c.version.Store(1<<63 | uint64(uint32(v.Major))<<32 | uint64(uint32(v.Minor)))
	return v, nil
}

func (c *Client) loadVersion() (Version, bool) {
	x := c.version.Load()
	if x == 0 {
		return Version{}, false
	}
	return Version{int(uint32(x>>32) &^ (1 << 31)), int(uint32(x))}, true
}

// Do sends req and reads the response headers. It negotiates the version
// first (unless req.Unversioned), and refuses with a *VersionError, before
// any I/O, a request whose MinVersion or Requires exceed it.
//
// A status >= 300 is returned as a *Error (its body read up to
// MaxErrorBody); redirects are never followed. Otherwise the caller must
// read Body and close it: a body read to its end hands the connection back
// to the pool, one closed earlier costs the connection (unless the rest is
// already buffered). Cancelling ctx closes the connection, so a blocked
// Body.Read returns at once with an error wrapping ctx.Err().
func (c *Client) Do(ctx context.Context, req *Request) (*Response, error) {
	resp, pc, err := c.send(ctx, req, false)
	if err != nil {
		return nil, err
	}
	b := c.newBody(ctx, resp, pc)
	if resp.StatusCode >= 300 {
		e := ReadError(req.Method, req.Path, resp)
		b.Close()
		return nil, e
	}
	return resp, nil
}

// DoJSON runs Do and decodes the JSON body into out (out nil: the body is
// read and dropped), then closes the body.
func (c *Client) DoJSON(ctx context.Context, req *Request, out any) error {
	resp, err := c.Do(ctx, req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out != nil && resp.ContentLength != 0 {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return &opError{op: req.Method + " " + req.Path, err: fmt.Errorf("decoding response: %w", err)}
		}
	}
	// The rest is a newline and the chunked terminator: read it so the
	// connection can be reused.
	limit := int64(4 << 10)
	if out == nil {
		limit = 1 << 62
	}
	if _, err := io.Copy(io.Discard, io.LimitReader(resp.Body, limit)); err != nil {
		return &opError{op: req.Method + " " + req.Path, err: err}
	}
	return nil
}

// Upgraded is a connection taken over by a stream protocol (attach, exec
// start): read from Reader (it holds the bytes that arrived with the
// headers), write to Conn. Closing Conn ends it; so does cancelling the ctx
// given to Upgrade. Conn implements CloseWrite (half-close, so the
// container sees EOF on stdin), failing with errors.ErrUnsupported when the
// transport cannot.
type Upgraded struct {
	Conn       net.Conn
	Reader     *bufio.Reader
	StatusCode int // 101, or 200 when the daemon streams without upgrading
	Header     Header
}

// Upgrade sends req with "Connection: Upgrade" and "Upgrade: tcp" (or the
// protocol req.Header's Upgrade names, e.g. "h2c" for a session) and
// takes the connection out of the pool for good. The daemon answers 101,
// or 200 followed by the raw stream when it does not upgrade (both are
// accepted); any other status is a *Error.
func (c *Client) Upgrade(ctx context.Context, req *Request) (*Upgraded, error) {
	resp, pc, err := c.send(ctx, req, true)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != 101 && resp.StatusCode != 200 {
		b := c.newBody(ctx, resp, pc)
		e := ReadError(req.Method, req.Path, resp)
		b.Close()
		return nil, e
	}
	<-c.slots // out of the pool; its AfterFunc stays until Conn.Close
	return &Upgraded{
		Conn:       &upgradedConn{Conn: pc.nc, stop: pc.stop},
		Reader:     pc.br,
		StatusCode: resp.StatusCode,
		Header:     resp.Header,
	}, nil
}

// Close closes the idle connections and makes further calls fail with an
// error wrapping net.ErrClosed. Connections in use close when their
// response is done.
func (c *Client) Close() error {
	c.mu.Lock()
	idle := c.idle
	c.idle, c.closed = nil, true
	c.mu.Unlock()
	for _, pc := range idle {
		pc.nc.Close()
	}
	return nil
}

type upgradedConn struct {
	net.Conn
	stop func() bool
}

func (u *upgradedConn) Close() error {
	if u.stop != nil {
		u.stop()
	}
	return u.Conn.Close()
}

func (u *upgradedConn) CloseWrite() error {
	if cw, ok := u.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return fmt.Errorf("wire: %T cannot half-close: %w", u.Conn, errors.ErrUnsupported)
}

// conn is one pooled connection.
type conn struct {
	nc     net.Conn
	cr     countReader
	dw     deadlineWriter
	br     *bufio.Reader
	bw     *bufio.Writer
	reused bool
	idleAt time.Time
	stop   func() bool // stops the ctx watcher of the current request
}

// deadlineWriter pushes the write deadline forward before each write when
// idle is set: an upload that keeps moving is never cut by
// Options.Timeout, a stalled one is.
type deadlineWriter struct {
	nc   net.Conn
	idle time.Duration
}

func (w *deadlineWriter) Write(p []byte) (int, error) {
	if w.idle > 0 {
		w.nc.SetWriteDeadline(time.Now().Add(w.idle))
	}
	return w.nc.Write(p)
}

type countReader struct {
	r net.Conn
	n int64
}

func (r *countReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.n += int64(n)
	return n, err
}

// opError prefixes an error with the operation it failed.
type opError struct {
	op  string
	err error
}

func (e *opError) Error() string {
	return "wire: " + e.op + ": " + strings.TrimPrefix(e.err.Error(), "wire: ")
}

func (e *opError) Unwrap() error { return e.err }

func opName(req *Request) string {
	if req.Op != "" {
		return req.Op
	}
	return req.Method + " " + req.Path
}

// send checks req, negotiates, and runs the exchange on a pooled
// connection, retrying a GET or HEAD without body once when a reused
// connection turns out dead. On success the slot and connection are the
// caller's.
func (c *Client) send(ctx context.Context, req *Request, upgrade bool) (*Response, *conn, error) {
	if err := checkRequest(c.host, c.ua, req); err != nil {
		return nil, nil, err
	}
	var ver Version
	if !req.Unversioned {
		v, err := c.Version(ctx)
		if err != nil {
			return nil, nil, err
		}
		if v.Less(req.MinVersion) {
			return nil, nil, &VersionError{Op: opName(req), Need: req.MinVersion, Have: v}
		}
		for _, r := range req.Requires {
			if v.Less(r.Version) {
				what := r.What
				if what == "" {
					what = opName(req)
				}
				return nil, nil, &VersionError{Op: what, Need: r.Version, Have: v}
			}
		}
		ver = v
	}
	op := req.Method + " " + req.Path
	if err := ctx.Err(); err != nil {
		return nil, nil, &opError{op: op, err: err}
	}
	var deadline time.Time
	if c.timeout > 0 {
		deadline = time.Now().Add(c.timeout)
	}
	select {
	case c.slots <- struct{}{}:
	default:
		select {
		case c.slots <- struct{}{}:
		case <-ctx.Done():
			return nil, nil, &opError{op: op, err: fmt.Errorf("waiting for a connection: %w", ctx.Err())}
		}
	}
	for attempt := 0; ; attempt++ {
		pc, err := c.getConn(ctx, deadline, attempt > 0)
		if err != nil {
			<-c.slots
			return nil, nil, &opError{op: op, err: err}
		}
		start := pc.cr.n
		resp, err := c.exchange(ctx, pc, req, ver, deadline, upgrade)
		if err == nil {
			return resp, pc, nil
		}
		if pc.stop != nil {
			pc.stop()
		}
		pc.nc.Close()
		if ctx.Err() != nil {
			<-c.slots
			return nil, nil, &opError{op: op, err: ctx.Err()}
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			<-c.slots
			return nil, nil, &opError{op: op, err: fmt.Errorf("no response within %v: %w", c.timeout, err)}
		}
		if pc.cr.n == start && connLost(err) {
			if pc.reused && attempt == 0 && req.Body == nil && (req.Method == "GET" || req.Method == "HEAD") {
				continue
			}
			err = fmt.Errorf("%w: %w", ErrConnLost, err)
		}
		<-c.slots
		return nil, nil, &opError{op: op, err: err}
	}
}

func connLost(err error) bool {
	return err == io.EOF || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

func (c *Client) getConn(ctx context.Context, deadline time.Time, fresh bool) (*conn, error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, fmt.Errorf("client closed: %w", net.ErrClosed)
	}
	for !fresh && len(c.idle) > 0 {
		pc := c.idle[len(c.idle)-1]
		c.idle = c.idle[:len(c.idle)-1]
		if c.idleTimeout > 0 && time.Since(pc.idleAt) > c.idleTimeout {
			pc.nc.Close()
			continue
		}
		c.mu.Unlock()
		pc.reused = true
		return pc, nil
	}
	c.mu.Unlock()
	dctx := ctx
	if !deadline.IsZero() {
		var cancel context.CancelFunc
		dctx, cancel = context.WithDeadline(ctx, deadline)
		defer cancel()
	}
	nc, err := c.dial(dctx)
	if err != nil {
		if ctx.Err() == nil && dctx.Err() != nil {
			return nil, fmt.Errorf("no connection within %v: %w", c.timeout, err)
		}
		// dial's errors name their transport and host already.
		return nil, err
	}
	if nc == nil {
		return nil, errors.New("the dial.Func returned no connection and no error")
	}
	pc := &conn{nc: nc}
	pc.cr.r = nc
	pc.br = bufio.NewReaderSize(&pc.cr, 32<<10)
	pc.dw.nc = nc
	pc.bw = bufio.NewWriterSize(&pc.dw, 4<<10)
	return pc, nil
}

// exchange writes req and reads the response headers on pc. The ctx
// watcher it installs (pc.stop) closes the connection when ctx ends; it
// stays installed until the response is done.
func (c *Client) exchange(ctx context.Context, pc *conn, req *Request, ver Version, deadline time.Time, upgrade bool) (*Response, error) {
	pc.stop = nil
	if ctx.Done() != nil {
		nc := pc.nc
		pc.stop = context.AfterFunc(ctx, func() { nc.Close() })
	}
	upload := req.Body != nil && !deadline.IsZero()
	switch {
	case upload:
		// A body may take longer than Timeout to send: Timeout bounds
		// each write instead, and the wait for headers starts after it.
		pc.dw.idle = c.timeout
	case !deadline.IsZero():
		pc.nc.SetWriteDeadline(deadline)
		if !req.NoTimeout {
			pc.nc.SetReadDeadline(deadline)
		}
	}
	werr := writeRequest(pc.bw, c.host, c.ua, req, ver, upgrade)
	pc.dw.idle = 0
	if upload && !req.NoTimeout {
		pc.nc.SetReadDeadline(time.Now().Add(c.timeout))
	}
	if werr != nil {
		var be *bodyError
		if req.Body == nil || errors.As(werr, &be) {
			return nil, werr
		}
		// The daemon may have answered before reading the whole body
		// (a refused build or load): its answer beats our write error.
	}
	resp, err := ReadResponse(pc.br, req.Method)
	if err != nil {
		if werr != nil {
			return nil, werr
		}
		return nil, err
	}
	if resp.StatusCode == 101 && !upgrade {
		return nil, malformed("101 Switching Protocols to a request that did not ask", nil)
	}
	if werr != nil {
		resp.Close = true
	}
	if !deadline.IsZero() {
		pc.nc.SetDeadline(time.Time{})
	}
	return resp, nil
}

// body is a Response.Body tied to its pooled connection.
type body struct {
	c     *Client
	pc    *conn
	ctx   context.Context
	r     io.ReadCloser // the codec's body
	reuse bool
	mu    sync.Mutex // held by Read
	eof   bool
	done  atomic.Bool
	shut  atomic.Bool // Close was called
}

func (c *Client) newBody(ctx context.Context, resp *Response, pc *conn) *body {
	b := &body{c: c, pc: pc, ctx: ctx, r: resp.Body, reuse: !resp.Close}
	resp.Body = b
	return b
}

func (b *body) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.eof {
		return 0, io.EOF
	}
	if b.shut.Load() {
		return 0, errors.New("wire: read on closed response body")
	}
	n, err := b.r.Read(p)
	switch {
	case err == io.EOF:
		b.eof = true
		b.finish(b.reuse)
	case err != nil:
		if b.shut.Load() {
			err = errors.New("wire: read on closed response body")
		} else if cerr := b.ctx.Err(); cerr != nil {
			err = fmt.Errorf("wire: reading response body: %w", cerr)
		}
		b.finish(false)
	}
	return n, err
}

// Close ends the body. The connection goes back to the pool when the body
// was read to its end or its rest is already buffered; otherwise it is
// closed (large or endless bodies are never drained).
func (b *body) Close() error {
	b.shut.Store(true)
	if !b.mu.TryLock() {
		// A Read is blocked: cut the connection under it.
		b.finish(false)
		return nil
	}
	defer b.mu.Unlock()
	if b.done.Load() {
		return nil
	}
	b.finish(b.reuse && b.drain())
	return nil
}

// drain reads what is left of the body from bytes already received (at
// most 4 KiB), without waiting for more. It reports whether the body
// ended.
func (b *body) drain() bool {
	b.pc.nc.SetReadDeadline(time.Now())
	defer b.pc.nc.SetReadDeadline(time.Time{})
	var buf [512]byte
	for total := 0; total < 4<<10; {
		n, err := b.r.Read(buf[:])
		total += n
		if err == io.EOF {
			return true
		}
		if err != nil {
			return false
		}
	}
	return false
}

func (b *body) finish(reuse bool) {
	if b.done.Swap(true) {
		return
	}
	if b.pc.stop != nil && !b.pc.stop() {
		reuse = false // ctx ended: the watcher closed the connection
	}
	b.pc.stop = nil
	if reuse {
		b.c.putIdle(b.pc)
	} else {
		b.pc.nc.Close()
	}
	<-b.c.slots
}

func (c *Client) putIdle(pc *conn) {
	now := time.Now()
	pc.idleAt = now
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		pc.nc.Close()
		return
	}
	// Drop connections idle for too long (the oldest come first).
	i := 0
	for i < len(c.idle) && c.idleTimeout > 0 && now.Sub(c.idle[i].idleAt) > c.idleTimeout {
		c.idle[i].nc.Close()
		i++
	}
	if i > 0 {
		c.idle = append(c.idle[:0], c.idle[i:]...)
	}
	c.idle = append(c.idle, pc)
	c.mu.Unlock()
}
