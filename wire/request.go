package wire

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Requirement names a field or parameter the caller set that needs a newer
// API version than the operation itself; Client.Do refuses the request with
// a *VersionError before any I/O when the negotiated version is older.
type Requirement struct {
	What    string  // "ContainerCreate: Platform"
	Version Version // the first API version that knows it
}

// Request is one API call. The zero values of its optional fields mean
// "none".
type Request struct {
	Method string
	// Path is unversioned and already escaped ("/containers/abc/json"):
	// build it with Path. The client adds the "/vX.Y" prefix.
	Path  string
	Query url.Values
	// Header holds the request's header fields. Host, Content-Length and
	// Transfer-Encoding (and, on an Upgrade, Connection and Upgrade, whose
	// value names the protocol) are the codec's, in whatever spelling they
	// are given here: the codec writes them once from Host, Body and
	// ContentLength, and drops the caller's.
	Header Header
	// Body is sent with the request; nil means no body. With Body set,
	// ContentLength >= 0 is its exact length (the request fails if Body has
	// fewer bytes) and -1 means unknown: the body is sent chunked.
	Body          io.Reader
	ContentLength int64
	// Op names the operation ("ContainerList") in errors.
	Op string
	// MinVersion is the operation's own minimum API version (zero: any).
	MinVersion Version
	// Requires lists the fields set that need a newer API than MinVersion.
	Requires []Requirement
	// Unversioned sends Path without the /vX.Y prefix and skips negotiation
	// (/_ping, the unversioned /version).
	Unversioned bool
	// NoTimeout marks a long-lived call (wait, events, followed logs, stats
	// streams, attach, exec, pulls, builds): once the request is written,
	// Options.Timeout bounds neither the wait for its response headers nor
	// its answer, and the call does not count against Options.PoolSize
	// (see Options).
	NoTimeout bool
}

// JSONRequest returns a request whose body is v encoded as JSON, with
// Content-Type application/json and a fixed Content-Length.
func JSONRequest(method, path string, v any) (*Request, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("wire: encoding %s %s body: %w", method, path, err)
	}
	return &Request{
		Method:        method,
		Path:          path,
		Header:        Header{"Content-Type": {"application/json"}},
		Body:          bytes.NewReader(b),
		ContentLength: int64(len(b)),
	}, nil
}

// Segment validates and escapes one caller-supplied path segment (an ID,
// a name, an image reference). It is escaped with url.PathEscape, so "/",
// "?", "#", "%" and spaces cannot change the path's shape ("library/busybox"
// becomes "library%2Fbusybox", which the daemon's router decodes back);
// "", "." and ".." are refused with an error wrapping ErrInvalidArgument,
// since they would name another resource once the path is cleaned.
func Segment(s string) (string, error) {
	if s == "" || s == "." || s == ".." {
		return "", fmt.Errorf("wire: invalid path segment %q: %w", s, ErrInvalidArgument)
	}
	return url.PathEscape(s), nil
}

// Path builds a request path from a pattern whose "{}" placeholders are
// replaced, in order, by args passed through Segment:
//
//	wire.Path("/containers/{}/json", id)   // "/containers/abc/json"
//
// The pattern itself is used as is. A wrong number of args, or an invalid
// segment, is an error wrapping ErrInvalidArgument.
func Path(pattern string, args ...string) (string, error) {
	if strings.Count(pattern, "{}") != len(args) {
		return "", fmt.Errorf("wire: path %q wants %d segments, got %d: %w",
			pattern, strings.Count(pattern, "{}"), len(args), ErrInvalidArgument)
	}
	if len(args) == 0 {
		return pattern, nil
	}
	var b strings.Builder
	b.Grow(len(pattern) + 16*len(args))
	rest := pattern
	for _, a := range args {
		i := strings.Index(rest, "{}")
		seg, err := Segment(a)
		if err != nil {
			return "", err
		}
		b.WriteString(rest[:i])
		b.WriteString(seg)
		rest = rest[i+2:]
	}
	b.WriteString(rest)
	return b.String(), nil
}

// Filters is the "filters" query parameter of list endpoints:
// filter name → accepted values.
type Filters map[string][]string

// Encode returns the daemon's JSON form, {"label":{"a=b":true}}, with keys
// sorted; names without values are left out and an empty result is "".
func (f Filters) Encode() string {
	m := make(map[string]map[string]bool, len(f))
	for k, vs := range f {
		if len(vs) == 0 {
			continue
		}
		set := make(map[string]bool, len(vs))
		for _, v := range vs {
			set[v] = true
		}
		m[k] = set
	}
	if len(m) == 0 {
		return ""
	}
	b, _ := json.Marshal(m) // maps of strings and bools always encode
	return string(b)
}

// EncodeAuth encodes v (an auth config) for the X-Registry-Auth header:
// JSON, then base64 with the URL alphabet and padding — the only form the
// daemon's decoder (base64.URLEncoding) accepts.
func EncodeAuth(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("wire: encoding registry auth: %w", err)
	}
	return base64.URLEncoding.EncodeToString(b), nil
}

var errBodyShort = errors.New("wire: request body shorter than ContentLength")

// WriteRequest writes req as an HTTP/1.1 request to w and flushes it: the
// request line with the "/vX.Y" prefix (unless version is zero or
// req.Unversioned), Host, the header fields in sorted order, then the body
// with Content-Length or chunked transfer coding. POST, PUT and PATCH
// without a body send "Content-Length: 0". Header keys and values, the
// method and the path are checked for bytes that could split the request
// or that dockerd's HTTP server refuses (CR, LF, NUL and other control
// bytes, spaces in the path); such a request is refused with an error
// wrapping ErrInvalidArgument before anything is written.
func WriteRequest(w *bufio.Writer, host string, req *Request, version Version) error {
	return writeRequest(w, host, "", req, version, false)
}

func writeRequest(w *bufio.Writer, host, userAgent string, req *Request, version Version, upgrade bool) error {
	if err := checkRequest(host, userAgent, req); err != nil {
		return err
	}
	w.WriteString(req.Method)
	w.WriteByte(' ')
	if !req.Unversioned && !version.IsZero() {
		w.WriteString("/v")
		w.WriteString(strconv.Itoa(version.Major))
		w.WriteByte('.')
		w.WriteString(strconv.Itoa(version.Minor))
	}
	w.WriteString(req.Path)
	if len(req.Query) > 0 {
		w.WriteByte('?')
		w.WriteString(req.Query.Encode())
	}
	w.WriteString(" HTTP/1.1\r\nHost: ")
	w.WriteString(host)
	w.WriteString("\r\n")
	if userAgent != "" && headerFold(req.Header, "User-Agent") == nil {
		w.WriteString("User-Agent: ")
		w.WriteString(userAgent)
		w.WriteString("\r\n")
	}
	if len(req.Header) > 0 {
		var buf [16]string
		keys := buf[:0]
		for k := range req.Header {
			if !framing(k, upgrade) {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			for _, v := range req.Header[k] {
				w.WriteString(k)
				w.WriteString(": ")
				w.WriteString(v)
				w.WriteString("\r\n")
			}
		}
	}
	if upgrade {
		proto := "tcp"
		if vs := headerFold(req.Header, "Upgrade"); len(vs) > 0 && vs[0] != "" {
			proto = vs[0]
		}
		w.WriteString("Connection: Upgrade\r\nUpgrade: ")
		w.WriteString(proto)
		w.WriteString("\r\n")
	}
	chunked := false
	switch {
	case req.Body != nil && req.ContentLength < 0:
		chunked = true
		w.WriteString("Transfer-Encoding: chunked\r\n")
	case req.Body != nil:
		w.WriteString("Content-Length: ")
		w.WriteString(strconv.FormatInt(req.ContentLength, 10))
		w.WriteString("\r\n")
	case req.Method == "POST" || req.Method == "PUT" || req.Method == "PATCH":
		w.WriteString("Content-Length: 0\r\n")
	}
	w.WriteString("\r\n")
	if req.Body == nil {
		return w.Flush()
	}
	src := &srcReader{r: req.Body}
	if !chunked {
		n, err := io.CopyN(w, src, req.ContentLength)
		if err == io.EOF {
			return fmt.Errorf("%w (%d of %d bytes)", errBodyShort, n, req.ContentLength)
		}
		if err != nil {
			return src.wrap(err)
		}
		return w.Flush()
	}
	cw := chunkWriter{w}
	if _, err := io.Copy(cw, src); err != nil {
		return src.wrap(err)
	}
	w.WriteString("0\r\n\r\n")
	return w.Flush()
}

// framing reports whether the header field k, in any spelling, is one the
// codec writes itself: Host, Content-Length and Transfer-Encoding, and on
// an upgrade Connection and Upgrade. A caller's value for it would go out
// beside the codec's (two Content-Lengths, CL with TE, two Hosts), which
// is how requests get smuggled.
func framing(k string, upgrade bool) bool {
	switch len(k) {
	case 4:
		return equalFold(k, "Host")
	case 14:
		return equalFold(k, "Content-Length")
	case 17:
		return equalFold(k, "Transfer-Encoding")
	case 10:
		return upgrade && equalFold(k, "Connection")
	case 7:
		return upgrade && equalFold(k, "Upgrade")
	}
	return false
}

// headerFold returns the values of key in h, matching the key in any
// spelling (a raw Header built without its methods may hold "user-agent").
func headerFold(h Header, key string) []string {
	if vs, ok := h[key]; ok {
		return vs
	}
	for k, vs := range h {
		if equalFold(k, key) {
			return vs
		}
	}
	return nil
}

// srcReader remembers the error of the caller's body reader, to tell it
// from a failed write.
type srcReader struct {
	r   io.Reader
	err error
}

func (s *srcReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}

func (s *srcReader) wrap(err error) error {
	if s.err != nil && err == s.err {
		return &bodyError{err}
	}
	return fmt.Errorf("wire: writing request body: %w", err)
}

// bodyError is a failure of the caller's request body reader.
type bodyError struct{ err error }

func (e *bodyError) Error() string { return "wire: reading request body: " + e.err.Error() }
func (e *bodyError) Unwrap() error { return e.err }

type chunkWriter struct{ w *bufio.Writer }

func (c chunkWriter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	c.w.WriteString(strconv.FormatInt(int64(len(p)), 16))
	c.w.WriteString("\r\n")
	c.w.Write(p)
	if _, err := c.w.WriteString("\r\n"); err != nil {
		return 0, err
	}
	// Flush each chunk so a streamed body (stdin, a build context) leaves
	// as it is produced.
	return len(p), c.w.Flush()
}

func checkRequest(host, userAgent string, req *Request) error {
	bad := func(what, v string) error {
		return fmt.Errorf("wire: invalid request %s %q: %w", what, v, ErrInvalidArgument)
	}
	if req == nil {
		return fmt.Errorf("wire: nil request: %w", ErrInvalidArgument)
	}
	if req.Method == "" || !isToken(req.Method) {
		return bad("method", req.Method)
	}
	if len(req.Path) == 0 || req.Path[0] != '/' {
		return bad("path", req.Path)
	}
	for i := 0; i < len(req.Path); i++ {
		if c := req.Path[i]; c <= ' ' || c >= 0x7f || c == '?' || c == '#' {
			return bad("path", req.Path)
		}
	}
	if !validValue(host) || strings.ContainsAny(host, " /") {
		return bad("host", host)
	}
	if !validValue(userAgent) {
		return bad("user agent", userAgent)
	}
	for k, vs := range req.Header {
		if !isToken(k) {
			return bad("header name", k)
		}
		for _, v := range vs {
			if !validValue(v) {
				return bad("header value", v)
			}
		}
	}
	if req.Body != nil && req.ContentLength < -1 {
		return bad("content length", strconv.FormatInt(req.ContentLength, 10))
	}
	return nil
}

// validValue reports whether v is an RFC 9110 field-value: visible bytes,
// obs-text, SP and HTAB. Other control bytes do not split a request but make
// dockerd's HTTP server refuse it ("malformed MIME header line"); found by
// fuzz.FuzzWireRequest (fuzz/testdata/fuzz/FuzzWireRequest/611bf68c6f943f41).
func validValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			continue
		}
		if !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(c)) {
			return false
		}
	}
	return true
}
