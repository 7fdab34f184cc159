package wire

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/textproto"
	"strconv"
)

// Limits of ReadResponse.
const (
	MaxHeaderBytes  = 1 << 20 // a response's header block (status line, fields, 1xx blocks, trailers)
	MaxHeaderFields = 1000    // fields in one header block
	maxInterim      = 16      // 1xx responses before the final one
	maxLine         = 64 << 10
)

// Response is a daemon's answer: status, header and a body to read.
type Response struct {
	StatusCode int
	Header     Header
	// Body reads the payload, decoded from Content-Length, chunked or
	// close-delimited framing. It is never nil (empty for HEAD, 1xx, 204
	// and 304). Truncated bodies fail with an error wrapping
	// io.ErrUnexpectedEOF; malformed chunking with a *ProtocolError.
	Body io.ReadCloser
	// ContentLength is the Content-Length, or -1 when unknown (chunked or
	// close-delimited).
	ContentLength int64
	// Trailer holds the chunked trailer fields once Body returned io.EOF.
	Trailer Header
	// Close reports that the connection cannot carry another request
	// after this response (Connection: close, HTTP/1.0, close-delimited
	// body).
	Close bool
}

// ReadResponse reads one HTTP/1.1 response from br: the status line, the
// header fields and the framing of the body, which is left in br to be read
// through Response.Body. method is the request's method (a HEAD response
// has no body). Interim 1xx responses other than 101 are skipped; a 101
// (Switching Protocols) is returned with an empty Body, and the upgraded
// stream starts at br's next byte.
//
// It is strict and bounded: a malformed status line or field, conflicting
// Content-Length values, Content-Length with Transfer-Encoding, or a
// transfer coding other than chunked is a *ProtocolError wrapping
// ErrMalformed; a header block over MaxHeaderBytes or MaxHeaderFields one
// wrapping ErrTooLarge. Input that ends before the first byte returns
// io.EOF; one that ends later, io.ErrUnexpectedEOF (wrapped).
func ReadResponse(br *bufio.Reader, method string) (*Response, error) {
	budget := MaxHeaderBytes
	for interim := 0; ; interim++ {
		line, err := readLine(br, &budget, interim == 0)
		if err != nil {
			return nil, err
		}
		code, http10, err := parseStatusLine(line)
		if err != nil {
			return nil, err
		}
		h, err := readHeader(br, &budget)
		if err != nil {
			return nil, err
		}
		if code >= 100 && code < 200 && code != 101 {
			if interim >= maxInterim {
				return nil, &ProtocolError{What: "interim (1xx) responses", Err: ErrTooLarge}
			}
			continue
		}
		resp := &Response{StatusCode: code, Header: h, Body: noBody{}}
		if err := setBody(resp, br, method, http10); err != nil {
			return nil, err
		}
		return resp, nil
	}
}

func setBody(resp *Response, br *bufio.Reader, method string, http10 bool) error {
	h := resp.Header
	conn := h["Connection"]
	resp.Close = http10 && !hasToken(conn, "keep-alive") || hasToken(conn, "close")
	te, hasTE := h["Transfer-Encoding"]
	cl, hasCL := h["Content-Length"]
	n := int64(-1)
	if hasCL {
		var err error
		if n, err = parseContentLength(cl); err != nil {
			return err
		}
	}
	if hasTE {
		if hasCL {
			return malformed("both Content-Length and Transfer-Encoding", nil)
		}
		if len(te) != 1 || !equalFold(trimOWS(te[0]), "chunked") {
			return malformed("unsupported Transfer-Encoding", []byte(fmt.Sprint(te)))
		}
	}
	code := resp.StatusCode
	if method == "HEAD" || code == 101 || code == 204 || code == 304 || code < 200 {
		resp.ContentLength = n
		if code == 204 || code == 304 {
			resp.ContentLength = 0
		}
		if code == 101 {
			resp.ContentLength = -1
		}
		return nil
	}
	switch {
	case hasTE:
		resp.ContentLength = -1
		resp.Body = &chunkedBody{br: br, resp: resp}
	case hasCL:
		resp.ContentLength = n
		if n > 0 {
			resp.Body = &fixedBody{br: br, n: n}
		}
	default:
		resp.ContentLength = -1
		resp.Close = true
		resp.Body = &closeBody{br: br}
	}
	return nil
}

func parseContentLength(vs []string) (int64, error) {
	n := int64(-1)
	for _, v := range vs {
		for len(v) > 0 {
			part := v
			if i := indexByte(v, ','); i >= 0 {
				part, v = v[:i], v[i+1:]
			} else {
				v = ""
			}
			part = trimOWS(part)
			m, ok := parseDecimal(part)
			if !ok {
				return 0, malformed("Content-Length", []byte(part))
			}
			if n >= 0 && m != n {
				return 0, malformed("conflicting Content-Length", []byte(part))
			}
			n = m
		}
	}
	if n < 0 {
		return 0, malformed("empty Content-Length", nil)
	}
	return n, nil
}

func parseDecimal(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// parseStatusLine parses "HTTP/1.1 200 OK" (the reason may be empty or
// absent).
func parseStatusLine(line []byte) (code int, http10 bool, err error) {
	if len(line) < 12 || string(line[:7]) != "HTTP/1." || (line[7] != '0' && line[7] != '1') || line[8] != ' ' {
		return 0, false, malformed("status line", line)
	}
	d := line[9:12]
	if d[0] < '1' || d[0] > '5' || d[1] < '0' || d[1] > '9' || d[2] < '0' || d[2] > '9' {
		return 0, false, malformed("status code", line)
	}
	if len(line) > 12 && line[12] != ' ' {
		return 0, false, malformed("status line", line)
	}
	for _, c := range line[12:] {
		if c < ' ' && c != '\t' || c == 0x7f {
			return 0, false, malformed("status line", line)
		}
	}
	code = int(d[0]-'0')*100 + int(d[1]-'0')*10 + int(d[2]-'0')
	return code, line[7] == '0', nil
}

// readLine returns one line without its CRLF (or LF), charging budget. The
// slice is valid until the next read of br. first marks the start of a
// response: EOF before any byte is then io.EOF itself.
func readLine(br *bufio.Reader, budget *int, first bool) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		// A long line: gather it, bounded by the budget.
		buf := append([]byte(nil), line...)
		for err == bufio.ErrBufferFull {
			if len(buf) > *budget || len(buf) > maxLine {
				return nil, &ProtocolError{What: "header line", Err: ErrTooLarge}
			}
			line, err = br.ReadSlice('\n')
			buf = append(buf, line...)
		}
		line = buf
	}
	*budget -= len(line)
	if *budget < 0 {
		return nil, &ProtocolError{What: "header block", Err: ErrTooLarge}
	}
	if err != nil {
		if err == io.EOF {
			if first && len(line) == 0 {
				return nil, io.EOF
			}
			return nil, fmt.Errorf("wire: response header truncated: %w", io.ErrUnexpectedEOF)
		}
		return nil, err
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}

// readHeader reads header fields up to the empty line.
func readHeader(br *bufio.Reader, budget *int) (Header, error) {
	h := make(Header, 8)
	var vals []string
	for fields := 0; ; fields++ {
		line, err := readLine(br, budget, false)
		if err != nil {
			return nil, err
		}
		if len(line) == 0 {
			return h, nil
		}
		if fields >= MaxHeaderFields {
			return nil, &ProtocolError{What: "header field count", Err: ErrTooLarge}
		}
		i := bytes.IndexByte(line, ':')
		if i <= 0 {
			return nil, malformed("header field", line)
		}
		name := line[:i]
		for _, c := range name {
			if !tokenByte(c) {
				return nil, malformed("header field name", line)
			}
		}
		value := bytes.TrimRight(bytes.TrimLeft(line[i+1:], " \t"), " \t")
		for _, c := range value {
			if c < ' ' && c != '\t' || c == 0x7f {
				return nil, malformed("header field value", line)
			}
		}
		key, ok := commonKeys[string(name)]
		if !ok {
			key = textproto.CanonicalMIMEHeaderKey(string(name))
		}
		v := string(value)
		if old := h[key]; old == nil {
			// Values share one backing array, capped so that an append
			// to one key never writes into another's.
			if len(vals) == cap(vals) {
				vals = make([]string, 0, 8)
			}
			vals = append(vals, v)
			h[key] = vals[len(vals)-1 : len(vals) : len(vals)]
		} else {
			h[key] = append(old, v)
		}
	}
}

var tokenTable = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			bytes.IndexByte([]byte("!#$%&'*+-.^_`|~"), byte(c)) >= 0
	}
	return t
}()

func tokenByte(c byte) bool { return tokenTable[c] }

func hasToken(vs []string, tok string) bool {
	for _, v := range vs {
		for len(v) > 0 {
			part := v
			if i := indexByte(v, ','); i >= 0 {
				part, v = v[:i], v[i+1:]
			} else {
				v = ""
			}
			if equalFold(trimOWS(part), tok) {
				return true
			}
		}
	}
	return false
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

func trimOWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

var errTruncated = fmt.Errorf("wire: response body truncated: %w", io.ErrUnexpectedEOF)

type noBody struct{}

func (noBody) Read([]byte) (int, error) { return 0, io.EOF }
func (noBody) Close() error             { return nil }

// fixedBody reads exactly n bytes.
type fixedBody struct {
	br *bufio.Reader
	n  int64
}

func (b *fixedBody) Read(p []byte) (int, error) {
	if b.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > b.n {
		p = p[:b.n]
	}
	n, err := b.br.Read(p)
	b.n -= int64(n)
	if err == io.EOF {
		if b.n > 0 {
			return n, errTruncated
		}
		err = nil
	}
	if b.n == 0 && err == nil {
		err = io.EOF
	}
	return n, err
}

func (b *fixedBody) Close() error { return nil }

// closeBody reads until the connection ends.
type closeBody struct{ br *bufio.Reader }

func (b *closeBody) Read(p []byte) (int, error) { return b.br.Read(p) }
func (b *closeBody) Close() error               { return nil }

// chunkedBody decodes the chunked transfer coding; trailers go to
// resp.Trailer.
type chunkedBody struct {
	br   *bufio.Reader
	resp *Response
	n    int64 // data bytes left in the current chunk
	err  error // sticky
	data bool  // inside a chunk: its data (n > 0), then its CRLF
}

// Read fills p across chunk boundaries as long as the next chunk is
// already buffered, as net/http's reader does: a logs stream of one small
// frame per chunk costs one Read per buffer, not one per frame. It waits
// for the network only before its first byte, and reports the end of the
// body with the last bytes when the last chunk is buffered.
func (b *chunkedBody) Read(p []byte) (int, error) {
	n := 0
	for b.err == nil && n < len(p) {
		if b.n == 0 {
			// A chunk boundary: the CRLF after the data, then a size line.
			if b.boundaryBuffered() {
				continue
			}
			if n > 0 {
				break // never wait with bytes in hand
			}
			if b.data {
				if err := b.chunkEnd(); err != nil {
					b.err = err
					break
				}
				b.data = false
			}
			if err := b.nextChunk(); err != nil { // io.EOF in b.err at the end
				b.err = err
			}
			continue
		}
		if n > 0 && b.br.Buffered() == 0 {
			break
		}
		m := len(p) - n
		if int64(m) > b.n {
			m = int(b.n)
		}
		k, err := b.br.Read(p[n : n+m])
		n += k
		b.n -= int64(k)
		if err == io.EOF {
			err = errTruncated
		}
		if err != nil {
			b.err = err
		}
	}
	if n > 0 && b.err != io.EOF {
		return n, nil // an error comes with the next Read
	}
	return n, b.err
}

// boundaryBuffered crosses a chunk boundary in the common form, "\r\n"
// (after data) and a hex size with "\r\n", from bytes br already holds;
// for the last chunk, the empty trailer block too, setting io.EOF. It
// reports false, consuming nothing, when the boundary is not all buffered
// or takes another form (extensions, trailers, bare LF, a malformed size):
// the line-by-line path handles those.
func (b *chunkedBody) boundaryBuffered() bool {
	buf, _ := b.br.Peek(b.br.Buffered())
	i := 0
	if b.data {
		if len(buf) < 2 || buf[0] != '\r' || buf[1] != '\n' {
			return false
		}
		i = 2
	}
	size, k := hexSize(buf[i:])
	j := i + k
	if k == 0 || len(buf) < j+2 || buf[j] != '\r' || buf[j+1] != '\n' {
		return false
	}
	j += 2
	if size == 0 {
		if len(buf) < j+2 || buf[j] != '\r' || buf[j+1] != '\n' {
			return false
		}
		b.br.Discard(j + 2)
		b.err = io.EOF
		return true
	}
	b.br.Discard(j)
	b.n, b.data = size, true
	return true
}

// hexSize parses the hex digits that start buf, at most 15 of them; k is
// how many there were.
func hexSize(buf []byte) (size int64, k int) {
	for ; k < len(buf) && k < 15; k++ {
		c := buf[k]
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return size, k
		}
		size = size<<4 | int64(c)
	}
	return size, k
}

// nextChunk reads a chunk-size line; on the last chunk it reads the
// trailers and sets the sticky io.EOF.
func (b *chunkedBody) nextChunk() error {
	budget := maxLine
	line, err := readLine(b.br, &budget, false)
	if err != nil {
		if pe, ok := err.(*ProtocolError); ok && pe.Err == ErrTooLarge {
			return malformed("chunk size line too long", nil)
		}
		if err == io.EOF || isUnexpectedEOF(err) {
			return errTruncated
		}
		return err
	}
	if i := bytes.IndexByte(line, ';'); i >= 0 {
		line = line[:i]
	}
	line = bytes.TrimRight(line, " \t")
	n, k := hexSize(line)
	if k == 0 || k != len(line) {
		return malformed("chunk size", line)
	}
	if n == 0 {
		budget := MaxHeaderBytes
		tr, err := readHeader(b.br, &budget)
		if err != nil {
			if isUnexpectedEOF(err) {
				return errTruncated
			}
			return err
		}
		if len(tr) > 0 {
			b.resp.Trailer = tr
		}
		b.err = io.EOF
		b.data = true
		return nil
	}
	b.n = n
	b.data = true
	return nil
}

func (b *chunkedBody) chunkEnd() error {
	c1, err := b.br.ReadByte()
	if err == nil && c1 == '\n' {
		return nil
	}
	c2, err2 := b.br.ReadByte()
	if err != nil || err2 != nil {
		if err == io.EOF || err2 == io.EOF {
			return errTruncated
		}
		if err != nil {
			return err
		}
		return err2
	}
	if c1 != '\r' || c2 != '\n' {
		return malformed("chunk data not followed by CRLF", []byte{c1, c2})
	}
	return nil
}

func (b *chunkedBody) Close() error { return nil }

func isUnexpectedEOF(err error) bool {
	for err != nil {
		if err == io.ErrUnexpectedEOF {
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

// String renders a status code for messages: "404 Not Found".
func statusString(code int) string { return strconv.Itoa(code) + " " + StatusText(code) }
