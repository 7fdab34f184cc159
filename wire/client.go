package wire

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
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

// DefaultMaxBody is Options.MaxBody's default: 64 MiB, room for a
// 10,000-container list (about 10 MiB at the 1 KiB a row of a container
// with one network, one mount and two labels; several times that with many
// labels) while bounding what a broken daemon can make the client buffer.
// The answer is read whole into memory before it is decoded: an answer
// cut at the cap peaks at about 2.5 times the cap in heap (160 MiB measured
// for 64 MiB, TestDoJSONDefaultMaxBody).
const DefaultMaxBody = 64 << 20

// drainGrace is how long DoJSON waits, after the value, for the rest of
// the body (a newline, the chunked terminator) before it drops the
// connection rather than reuse it.
const drainGrace = 50 * time.Millisecond

// Options configures a Client. The zero value means defaults.
type Options struct {
	// Host is the Host header; "" means DefaultHost. Set it to the daemon's
	// host name for TCP daemons behind a name-based proxy.
	Host string
	// PoolSize caps the connections short calls hold at once, and the idle
	// connections kept for reuse; 0 means 10. A short call that finds all
	// of them in use waits for one, at most Timeout. Long-lived calls, those
	// with Request.NoTimeout (wait, followed logs, events, stats streams,
	// attach and exec, pulls, builds), do not count: they take an idle
	// connection when there is one and dial their own otherwise, so they can
	// never starve short calls. Upgraded connections leave the pool.
	PoolSize int
	// IdleTimeout is how long an idle connection is kept; 0 means 90s,
	// <0 keeps idle connections until Close.
	IdleTimeout time.Duration
	// Timeout bounds two waits of each call, each on its own clock: the
	// wait for a free connection, then the exchange: dial, request write,
	// response headers and, for an answer read whole (DoJSON, Ping, the body
	// of an error status), its body. 0 means 60s, <0 none. A call that runs
	// out fails with a *TimeoutError saying which wait ran out. The body of
	// a stream (Do) is never bounded by it. Request.NoTimeout lifts it once
	// the request is written: such a call waits for its answer as long as
	// its ctx allows (the body of an error status still gets Timeout). A
	// request body (a build context, an image to load) may take longer than
	// Timeout: Timeout then bounds each write of it (no progress for
	// Timeout fails the call), and the wait for headers counts from the end
	// of the upload.
	Timeout time.Duration
	// MaxBody caps, in bytes, the answer DoJSON reads: 0 means
	// DefaultMaxBody, <0 no cap. A longer answer fails the call with an
	// error wrapping ErrTooLarge. Streams (Do) are not capped; a Stream caps
	// each record instead.
	MaxBody int64
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
	maxBody     int64
	pinned      Version

	slots  chan struct{} // one token per short call holding a connection
	mu     sync.Mutex
	idle   []*conn // most recently used last, at most PoolSize
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
		maxBody:     opts.MaxBody,
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
	if c.maxBody == 0 {
		c.maxBody = DefaultMaxBody
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
	resp, pc, err := c.send(ctx, req, modeWhole)
	if err == nil {
		c.newBody(ctx, resp, pc).Close()
		if resp.StatusCode == 200 {
			return pingResult(resp.Header), nil
		}
	} else if ctx.Err() != nil {
		return PingResult{}, err
	}
	req.Method = "GET"
	resp, pc, err = c.send(ctx, req, modeWhole)
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
// MaxErrorBody, within Timeout); redirects are never followed. Otherwise
// the caller must read Body and close it: Body is a stream, bounded by
// neither Timeout nor MaxBody. A body read to its end hands the connection
// back to the pool, one closed earlier costs the connection (unless the rest
// is already buffered). Cancelling ctx closes the connection, so a blocked
// Body.Read returns at once, and from then on every Read fails with an
// error wrapping ctx.Err(), never io.EOF.
func (c *Client) Do(ctx context.Context, req *Request) (*Response, error) {
	resp, pc, err := c.send(ctx, req, modeStream)
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

// DoJSON runs req and decodes the JSON answer into out with encoding/json
// (out nil: the answer is read and dropped). Unlike Do, the answer is read
// whole: its body counts against Timeout (unless req.NoTimeout) and is
// capped at Options.MaxBody (an error wrapping ErrTooLarge beyond it). Once
// the value has arrived, DoJSON waits 50 ms at most for the rest of the
// body (a newline, the chunked terminator): a connection whose body does
// not end by then is closed rather than reused.
func (c *Client) DoJSON(ctx context.Context, req *Request, out any) error {
	if out == nil {
		return c.doWhole(ctx, req, nil)
	}
	return c.doWhole(ctx, req, func(data []byte) error { return json.Unmarshal(data, out) })
}

// DoJSONFunc runs req as DoJSON does, but hands the JSON answer to decode
// instead of decoding it: data holds the answer's first JSON value as it
// arrived, found by its brackets and quotes but not checked, and is valid
// until decode returns only. An error from decode fails the call, wrapped
// as DoJSON wraps a decoding error. An empty answer (Content-Length: 0)
// calls nothing.
func (c *Client) DoJSONFunc(ctx context.Context, req *Request, decode func(data []byte) error) error {
	return c.doWhole(ctx, req, decode)
}

// valueBufs holds the buffers answers are read into before they are
// decoded.
var valueBufs = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledBuf is the largest buffer kept in valueBufs.
const maxPooledBuf = 1 << 20

// doWhole is DoJSON and DoJSONFunc: decode nil reads and drops the answer.
func (c *Client) doWhole(ctx context.Context, req *Request, decode func([]byte) error) error {
	resp, pc, err := c.send(ctx, req, modeWhole)
	if err != nil {
		return err
	}
	b := c.newBody(ctx, resp, pc)
	if resp.StatusCode >= 300 {
		e := ReadError(req.Method, req.Path, resp)
		b.Close()
		return e
	}
	op := req.Method + " " + req.Path
	if c.maxBody > 0 && resp.ContentLength > c.maxBody {
		b.Close()
		return &opError{op: op, err: tooLarge(c.maxBody, resp.ContentLength)}
	}
	r := io.Reader(b)
	if c.maxBody > 0 {
		r = &capReader{r: b, max: c.maxBody}
	}
	if decode == nil {
		if _, err := io.Copy(io.Discard, r); err != nil {
			b.Close()
			return &opError{op: op, err: err}
		}
		return b.Close()
	}
	var past int // bytes read past the value
	if resp.ContentLength != 0 {
		if past, err = readValue(r, c.maxBody, decode); err != nil {
			b.Close()
			var te *TimeoutError
			switch {
			case errors.Is(err, ErrTooLarge), errors.As(err, &te), ctx.Err() != nil:
			default:
				err = fmt.Errorf("decoding response: %w", err)
			}
			return &opError{op: op, err: err}
		}
	}
	b.settle(past)
	return nil
}

// readValue reads r up to the end of its first JSON value and hands the
// value to decode; past is how many bytes it read after the value. The
// buffer comes from valueBufs and goes back there.
func readValue(r io.Reader, maxBody int64, decode func([]byte) error) (past int, err error) {
	max := 1 << 62
	if maxBody > 0 {
		max = int(maxBody) + 1 // the capReader speaks first
	}
	bp := valueBufs.Get().(*[]byte)
	sc := recordScanner{r: r, buf: (*bp)[:cap(*bp)], max: max}
	rec, err := sc.next()
	past = sc.end - sc.off
	switch {
	case err == io.EOF, err == errRecordCut:
		err = io.ErrUnexpectedEOF
	case err == nil:
		err = decode(rec)
	}
	if cap(sc.buf) <= maxPooledBuf {
		*bp = sc.buf[:0]
		valueBufs.Put(bp)
	}
	return past, err
}

// tooLarge is the error of an answer over max bytes; length is its
// Content-Length, -1 when unknown.
func tooLarge(max, length int64) error {
	size := strconv.FormatInt(max, 10) + " bytes"
	if max%(1<<20) == 0 {
		size = strconv.FormatInt(max>>20, 10) + " MiB"
	}
	what := "response body"
	if length >= 0 {
		what += " of " + strconv.FormatInt(length, 10) + " bytes"
	}
	return fmt.Errorf("wire: %s over %s (Options.MaxBody): %w", what, size, ErrTooLarge)
}

// capReader fails with an error wrapping ErrTooLarge once more than max
// bytes were read.
type capReader struct {
	r      io.Reader
	n, max int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.n > c.max {
		return 0, tooLarge(c.max, -1)
	}
	if int64(len(p)) > c.max-c.n+1 {
		p = p[:c.max-c.n+1]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.max {
		return n, tooLarge(c.max, -1)
	}
	return n, err
}

// Upgraded is a connection taken over by a stream protocol (attach, exec
// start): read from Reader (it holds the bytes that arrived with the
// headers), write to Conn. Conn is the connection as dialled (a *tls.Conn
// under TLS, a *net.UnixConn or *net.TCPConn otherwise), owned by the
// caller: Close ends it. Upgrade's ctx bounded only the exchange that led
// to it; to bind the stream to a ctx, hand Conn and Reader to mux.NewConn,
// which closes the connection beneath any TLS layer when its ctx ends.
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
// accepted); any other status is a *Error. Once Upgrade returns, ctx no
// longer watches the connection: see Upgraded.
func (c *Client) Upgrade(ctx context.Context, req *Request) (*Upgraded, error) {
	resp, pc, err := c.send(ctx, req, modeUpgrade)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != 101 && resp.StatusCode != 200 {
		b := c.newBody(ctx, resp, pc)
		e := ReadError(req.Method, req.Path, resp)
		b.Close()
		return nil, e
	}
	c.release(pc) // out of the pool for good
	if !pc.unwatch() {
		// ctx ended: the watch is closing the connection.
		return nil, &opError{op: req.Method + " " + req.Path, err: ctx.Err()}
	}
	return &Upgraded{
		Conn:       pc.nc,
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
		pc.close()
	}
	return nil
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

// mode is how a call reads its answer.
type mode uint8

const (
	modeStream  mode = iota // Do: the caller reads the body, unbounded
	modeWhole               // DoJSON, Ping: read whole, within Timeout
	modeUpgrade             // Upgrade: the connection leaves the pool
)

// send checks req, negotiates, waits for a slot (a short call) and runs the
// exchange on a pooled connection, retrying once on a fresh connection when
// a reused one turns out dead and the request can be repeated. On success
// the connection (and its slot) are the caller's.
func (c *Client) send(ctx context.Context, req *Request, m mode) (*Response, *conn, error) {
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
	// Long-lived calls take no slot (see Options.PoolSize).
	short := !req.NoTimeout
	if short {
		if err := c.acquire(ctx); err != nil {
			return nil, nil, &opError{op: op, err: err}
		}
	}
	// The exchange's clock starts once the call has its turn.
	var deadline time.Time
	if c.timeout > 0 {
		deadline = time.Now().Add(c.timeout)
	}
	rewind := bodyRewinder(req.Body)
	for attempt := 0; ; attempt++ {
		pc, err := c.getConn(ctx, deadline, attempt > 0)
		if err != nil {
			if short {
				<-c.slots
			}
			return nil, nil, &opError{op: op, err: err}
		}
		pc.slot = short
		read := pc.cr.n
		resp, err := c.exchange(ctx, pc, req, ver, deadline, m)
		if err == nil {
			return resp, pc, nil
		}
		if pc.unwatch() {
			pc.close() // else the watch is closing it
		}
		if ctx.Err() != nil {
			c.release(pc)
			return nil, nil, &opError{op: op, err: ctx.Err()}
		}
		var te *TimeoutError
		var be *bodyError // the caller's body failed: no connection fault
		if pc.cr.n == read && !errors.As(err, &te) && !errors.As(err, &be) {
			// Nothing came back. On a reused connection the request is
			// repeated once on a fresh one when none of it was written
			// (and its body, if any, can be read again), or when it is
			// safe to repeat: a GET or HEAD without body that met a closed
			// connection.
			if pc.reused && attempt == 0 {
				unsent := pc.dw.n == 0 && (req.Body == nil || rewind != nil && rewind())
				idempotent := connLost(err) && req.Body == nil && (req.Method == "GET" || req.Method == "HEAD")
				if unsent || idempotent {
					continue // the call keeps its slot
				}
			}
			if connLost(err) {
				err = fmt.Errorf("%w: %w", ErrConnLost, err)
			}
		}
		c.release(pc)
		return nil, nil, &opError{op: op, err: err}
	}
}

// bodyRewinder returns a func that puts an io.Seeker body back where it
// was, reporting success; nil for other bodies.
func bodyRewinder(body io.Reader) func() bool {
	s, ok := body.(io.Seeker)
	if !ok {
		return nil
	}
	pos, err := s.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil
	}
	return func() bool {
		_, err := s.Seek(pos, io.SeekStart)
		return err == nil
	}
}

func connLost(err error) bool {
	return err == io.EOF || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// timedOut turns err into a *TimeoutError of phase when it is a deadline
// the client set.
func (c *Client) timedOut(phase string, err error) error {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return &TimeoutError{Phase: phase, Timeout: c.timeout, Err: err}
	}
	return err
}

// exchange writes req and reads the response headers on pc, under a ctx
// watch that stays until the response is done. It sets the read deadline
// the body is read under: the exchange's deadline for an answer read whole,
// Timeout from now for the body of an error status, none for a stream.
func (c *Client) exchange(ctx context.Context, pc *conn, req *Request, ver Version, deadline time.Time, m mode) (*Response, error) {
	pc.watch(ctx)
	pc.dw.n = 0
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
	werr := writeRequest(pc.bw, c.host, c.ua, req, ver, m == modeUpgrade)
	pc.dw.idle = 0
	if upload {
		deadline = time.Now().Add(c.timeout)
		if !req.NoTimeout {
			pc.nc.SetReadDeadline(deadline)
		}
	}
	if werr != nil {
		var be *bodyError
		if req.Body == nil || pc.dw.n == 0 || errors.As(werr, &be) {
			return nil, c.timedOut("write", werr)
		}
		// The daemon may have answered before reading the whole body
		// (a refused build or load): its answer beats our write error.
	}
	resp, err := ReadResponse(pc.br, req.Method)
	if err != nil {
		if werr != nil {
			return nil, c.timedOut("write", werr)
		}
		return nil, c.timedOut("headers", err)
	}
	if resp.StatusCode == 101 && m != modeUpgrade {
		return nil, malformed("101 Switching Protocols to a request that did not ask", nil)
	}
	if werr != nil {
		resp.Close = true
	}
	code := resp.StatusCode
	failed := code >= 300 || m == modeUpgrade && code != 101 && code != 200
	pc.deadline = time.Time{}
	switch {
	case c.timeout <= 0:
	case m == modeWhole && !req.NoTimeout:
		pc.deadline = deadline // the answer is part of the exchange
	case failed:
		pc.deadline = time.Now().Add(c.timeout) // an error body is short
	}
	if !deadline.IsZero() {
		pc.nc.SetWriteDeadline(time.Time{})
		pc.nc.SetReadDeadline(pc.deadline)
	}
	return resp, nil
}

// errBodyClosed is what a Read after Close returns.
var errBodyClosed = errors.New("wire: read on closed response body")

// body is a Response.Body tied to its pooled connection.
type body struct {
	c     *Client
	pc    *conn
	ctx   context.Context
	r     io.ReadCloser // the codec's body
	reuse bool
	mu    sync.Mutex // held by Read
	err   error      // sticky; io.EOF at the end
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
	if b.err != nil {
		return 0, b.err
	}
	if b.shut.Load() {
		return 0, errBodyClosed
	}
	n, err := b.r.Read(p)
	if err == nil {
		return n, nil
	}
	switch cerr := b.ctx.Err(); {
	case cerr != nil:
		// Cancelled: whatever the read says, io.EOF included (a daemon
		// that sees the client go may end the stream cleanly), the call
		// reports the cancel.
		err = fmt.Errorf("wire: reading response body: %w", cerr)
		b.finish(false)
	case err == io.EOF:
		b.finish(b.reuse)
	case b.shut.Load():
		err = errBodyClosed
		b.finish(false)
	default:
		if !b.pc.deadline.IsZero() {
			err = b.c.timedOut("body", err)
		}
		b.finish(false)
	}
	b.err = err
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
	if !b.done.Load() {
		b.finish(b.reuse && b.drain(aLongTimeAgo, 0))
	}
	return nil
}

// settle ends a body whose JSON value has been decoded, of which read
// bytes past the value were read with it: the rest (a newline, the chunked
// terminator) gets drainGrace to arrive, at most until the exchange's
// deadline; a body that goes on longer, or with more than a few bytes,
// costs the connection rather than block the call (issue 13, defect 5).
func (b *body) settle(read int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done.Load() {
		return
	}
	until := time.Now().Add(drainGrace)
	if d := b.pc.deadline; !d.IsZero() && d.Before(until) {
		until = d
	}
	b.finish(b.reuse && b.err == nil && b.drain(until, read))
}

// drain reads what is left of the body, at most 4 KiB with the read bytes
// already read, waiting for it no later than until. It reports whether
// the body ended.
func (b *body) drain(until time.Time, read int) bool {
	b.pc.nc.SetReadDeadline(until)
	var buf [512]byte
	for total := read; total <= 4<<10; {
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

// finish gives the connection back to the pool when reuse is set, the
// ctx watch had not fired and nothing is left in its reader (bytes nobody
// asked for must not answer the next request: issue 13, defect 6); else
// it closes it. Then it frees the call's slot.
func (b *body) finish(reuse bool) {
	if b.done.Swap(true) {
		return
	}
	pc := b.pc
	// The slot is freed after pc is idle (a call let in by it finds pc
	// there instead of dialling), but read before: once idle, pc may be
	// another call's.
	slot := pc.slot
	pc.slot = false
	switch {
	case !pc.unwatch():
		// ctx ended: the watch is closing the connection.
	case reuse && pc.br.Buffered() == 0:
		b.c.putIdle(pc)
	default:
		pc.close()
	}
	if slot {
		<-b.c.slots
	}
}
