package wire

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadResponse(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		method   string
		code     int
		cl       int64
		body     string
		close    bool
		trailer  string // Trailer.Get("X-T")
		rest     string // bytes left in the reader after the body
		bodyErr  error
		hdrValue string // Header.Get("Api-Version")
	}{
		{name: "fixed", in: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nApi-Version: 1.41\r\n\r\nhelloNEXT",
			code: 200, cl: 5, body: "hello", rest: "NEXT", hdrValue: "1.41"},
		{name: "lf only lines", in: "HTTP/1.1 200 OK\nContent-Length: 2\n\nhi",
			code: 200, cl: 2, body: "hi"},
		{name: "no reason phrase", in: "HTTP/1.1 204\r\n\r\n", code: 204, cl: 0},
		{name: "chunked with trailers", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-T: done\r\n\r\nNEXT",
			code: 200, cl: -1, body: "hello world", trailer: "done", rest: "NEXT"},
		{name: "chunked upper hex", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n",
			code: 200, cl: -1, body: "0123456789"},
		{name: "close delimited", in: "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\nraw bytes until EOF",
			code: 200, cl: -1, body: "raw bytes until EOF", close: true},
		{name: "connection close", in: "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx",
			code: 200, cl: 1, body: "x", close: true},
		{name: "http 1.0", in: "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx",
			code: 200, cl: 1, body: "x", close: true},
		{name: "1xx then 200", in: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}",
			code: 201, cl: 2, body: "{}"},
		{name: "101 keeps stream", in: "HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n\x01\x00\x00\x00\x00\x00\x00\x02hi",
			code: 101, cl: -1, body: "", rest: "\x01\x00\x00\x00\x00\x00\x00\x02hi"},
		{name: "head has no body", in: "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\nNEXT", method: "HEAD",
			code: 200, cl: 99, body: "", rest: "NEXT"},
		{name: "304 no body", in: "HTTP/1.1 304 Not Modified\r\n\r\nNEXT", code: 304, cl: 0, rest: "NEXT"},
		{name: "repeated equal content-length", in: "HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\nContent-Length: 1\r\n\r\nx",
			code: 200, cl: 1, body: "x"},
		{name: "truncated fixed body", in: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
			code: 200, cl: 10, body: "abc", bodyErr: io.ErrUnexpectedEOF},
		{name: "truncated chunk", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
			code: 200, cl: -1, body: "hel", bodyErr: io.ErrUnexpectedEOF},
		{name: "missing last chunk", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
			code: 200, cl: -1, body: "hello", bodyErr: io.ErrUnexpectedEOF},
		{name: "bad chunk size", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
			code: 200, cl: -1, bodyErr: ErrMalformed},
		{name: "chunk size overflow", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nx",
			code: 200, cl: -1, bodyErr: ErrMalformed},
		{name: "chunk without CRLF", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhiXX0\r\n\r\n",
			code: 200, cl: -1, body: "hi", bodyErr: ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			br := bufio.NewReader(strings.NewReader(tt.in))
			method := tt.method
			if method == "" {
				method = "GET"
			}
			resp, err := ReadResponse(br, method)
			require.NoError(t, err, "ReadResponse")
			assert.Equal(t, tt.code, resp.StatusCode, "StatusCode")
			assert.Equal(t, tt.cl, resp.ContentLength, "ContentLength")
			assert.Equal(t, tt.close, resp.Close, "Close")
			assert.Equal(t, tt.hdrValue, resp.Header.Get("Api-Version"))
			body, err := io.ReadAll(resp.Body)
			if tt.bodyErr == nil {
				require.NoError(t, err, "body")
			} else {
				require.ErrorIs(t, err, tt.bodyErr, "body")
			}
			assert.Equal(t, tt.body, string(body), "body")
			assert.Equal(t, tt.trailer, resp.Trailer.Get("X-T"), "trailer")
			if tt.bodyErr == nil && !tt.close {
				rest, _ := io.ReadAll(br)
				assert.Equal(t, tt.rest, string(rest), "bytes left after the body")
			}
		})
	}
}

func TestReadResponseMalformed(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"empty", "", io.EOF},
		{"truncated status", "HTTP/1.1 200", io.ErrUnexpectedEOF},
		{"truncated header", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", io.ErrUnexpectedEOF},
		{"garbage status", "garbage\r\n\r\n", ErrMalformed},
		{"http2", "HTTP/2 200 OK\r\n\r\n", ErrMalformed},
		{"short code", "HTTP/1.1 20 OK\r\n\r\n", ErrMalformed},
		{"code 600", "HTTP/1.1 600 X\r\n\r\n", ErrMalformed},
		{"code letters", "HTTP/1.1 2x0 OK\r\n\r\n", ErrMalformed},
		{"no space after code", "HTTP/1.1 200OK\r\n\r\n", ErrMalformed},
		{"control in reason", "HTTP/1.1 200 O\x00K\r\n\r\n", ErrMalformed},
		{"field without colon", "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", ErrMalformed},
		{"space in name", "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", ErrMalformed},
		{"obs fold", "HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n", ErrMalformed},
		{"CR in value", "HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n", ErrMalformed},
		{"conflicting content-length", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx", ErrMalformed},
		{"negative content-length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", ErrMalformed},
		{"plus content-length", "HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\n", ErrMalformed},
		{"huge content-length", "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", ErrMalformed},
		{"empty content-length", "HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n", ErrMalformed},
		{"cl and te", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", ErrMalformed},
		{"te gzip", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", ErrMalformed},
		{"header too large", "HTTP/1.1 200 OK\r\n" + strings.Repeat("X-A: "+strings.Repeat("a", 1000)+"\r\n", 1100) + "\r\n", ErrTooLarge},
		{"too many fields", "HTTP/1.1 200 OK\r\n" + strings.Repeat("X-A: a\r\n", MaxHeaderFields+1) + "\r\n", ErrTooLarge},
		{"line too long", "HTTP/1.1 200 OK\r\nX-A: " + strings.Repeat("a", 2*maxLine) + "\r\n\r\n", ErrTooLarge},
		{"endless 1xx", strings.Repeat("HTTP/1.1 100 Continue\r\n\r\n", 100), ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := ReadResponse(bufio.NewReader(strings.NewReader(tt.in)), "GET")
			require.ErrorIs(t, err, tt.want, "resp %v", resp)
			if tt.want == ErrMalformed || tt.want == ErrTooLarge {
				var pe *ProtocolError
				assert.ErrorAs(t, err, &pe)
			}
			if tt.want == io.EOF {
				assert.Equal(t, io.EOF, err, "empty input must return io.EOF itself")
			}
		})
	}
}

// The body reader reports io.EOF together with the last bytes when it can,
// so the pool gets the connection back without an extra Read.
func TestFixedBodyEOFWithLastBytes(t *testing.T) {
	resp, err := ReadResponse(bufio.NewReader(strings.NewReader("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc")), "GET")
	require.NoError(t, err)
	p := make([]byte, 10)
	n, err := resp.Body.Read(p)
	assert.Equal(t, 3, n)
	assert.Equal(t, io.EOF, err)
}

// A Read goes on through the chunks that are already buffered, and reports
// the end with the last bytes (issue 16: one Read per chunk cost one demux
// refill per frame of a logs stream).
func TestChunkedReadsOnThroughBufferedChunks(t *testing.T) {
	var in strings.Builder
	in.WriteString("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
	var want strings.Builder
	for i := range 100 {
		frame := fmt.Sprintf("frame %02d;", i)
		fmt.Fprintf(&in, "%x\r\n%s\r\n", len(frame), frame)
		want.WriteString(frame)
	}
	in.WriteString("0\r\nX-Trailer: t\r\n\r\n")
	resp, err := ReadResponse(bufio.NewReaderSize(strings.NewReader(in.String()), 64<<10), "GET")
	require.NoError(t, err)
	p := make([]byte, 32<<10)
	n, err := resp.Body.Read(p)
	assert.Equal(t, want.String(), string(p[:n]))
	// The trailers are not buffered behind a size line alone: the end may
	// come with the next Read.
	if err == nil {
		n, err = resp.Body.Read(p)
		assert.Zero(t, n)
	}
	assert.Equal(t, io.EOF, err)
	assert.Equal(t, "t", resp.Trailer.Get("X-Trailer"))

	// Without trailers, the end comes with the last bytes.
	plain := strings.Replace(in.String(), "0\r\nX-Trailer: t\r\n\r\n", "0\r\n\r\n", 1)
	resp, err = ReadResponse(bufio.NewReaderSize(strings.NewReader(plain), 64<<10), "GET")
	require.NoError(t, err)
	n, err = resp.Body.Read(p)
	assert.Equal(t, want.String(), string(p[:n]))
	assert.Equal(t, io.EOF, err)
}

// A Read never waits for the network once it holds bytes: what arrived is
// returned, inside a chunk or at its edge.
func TestChunkedReadDoesNotWaitWithDataInHand(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	go io.WriteString(pw, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5\r\nwor")
	resp, err := ReadResponse(bufio.NewReader(pr), "GET")
	require.NoError(t, err)
	got := make(chan string, 1)
	go func() {
		p := make([]byte, 100)
		n, _ := resp.Body.Read(p)
		got <- string(p[:n])
	}()
	select {
	case s := <-got:
		assert.Equal(t, "hellowor", s)
	case <-time.After(5 * time.Second):
		require.FailNow(t, "Read waited for more input with 8 bytes in hand")
	}
	go io.WriteString(pw, "ld\r\n0\r\n\r\n")
	rest, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, "ld", string(rest))
}
