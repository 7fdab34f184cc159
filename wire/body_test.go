package wire

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Regression tests for the body defects of issue 13: no cap on the answer
// of a plain JSON call (4), no time bound after its headers (5).

// endlessAnswer answers with header and head, then fill forever (until
// the client hangs up), counting what it wrote.
func endlessAnswer(header, head, fill string, written *atomic.Int64) func(c net.Conn, n int) {
	return func(c net.Conn, n int) {
		serveRequests(c, func(r *http.Request, w *bufio.Writer) bool {
			w.WriteString(header + head)
			block := strings.Repeat(fill, 32<<10/len(fill))
			for {
				k, err := w.WriteString(block)
				written.Add(int64(k))
				if err != nil {
					return false
				}
			}
		})
	}
}

// An endless answer to a plain JSON call stops at Options.MaxBody with an
// error wrapping ErrTooLarge, having read about MaxBody and kept memory
// bounded: an endless array, endless whitespace, and a Content-Length of
// 10 GiB (refused before reading). Issue 13, defect 4: the heap grew to
// 896 MiB in 5 s.
func TestDoJSONCapsEndlessBody(t *testing.T) {
	const chunked = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
	for _, tt := range []struct {
		name, header, head, fill string
	}{
		{"array", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n", "[", "1,"},
		{"whitespace", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n", "", " "},
		{"content-length 10 GiB", "HTTP/1.1 200 OK\r\nContent-Length: 10737418240\r\n\r\n", "[", "1,"},
		{"chunked array", chunked, "1\r\n[\r\n", "4\r\n1,1,\r\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var written atomic.Int64
			s := newRawServer(t, endlessAnswer(tt.header, tt.head, tt.fill, &written))
			const max = 1 << 20
			c := NewClient(s.dial(), Options{Version: Version{1, 41}, MaxBody: max})
			defer c.Close()
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			var out []int
			err := c.DoJSON(ctx, &Request{Method: "GET", Path: "/containers/json"}, &out)
			runtime.ReadMemStats(&after)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrTooLarge)
			assert.NoError(t, ctx.Err(), "the call ran until its ctx ended")
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(16*max), "allocated far more than MaxBody")
		})
	}
}

// The default cap is DefaultMaxBody, 64 MiB: a 10,000-container list
// fits, and an endless array stops there with the heap bounded (issue 13,
// defect 4: 896 MiB in 5 s).
func TestDoJSONDefaultMaxBody(t *testing.T) {
	var written atomic.Int64
	s := newRawServer(t, endlessAnswer("HTTP/1.1 200 OK\r\n\r\n", "[", "1,", &written))
	c := NewClient(s.dial(), Options{Version: Version{1, 41}})
	defer c.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			peak.Store(max(peak.Load(), m.HeapInuse))
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	start := time.Now()
	err := c.DoJSON(ctx, &Request{Method: "GET", Path: "/containers/json"}, new([]int))
	took := time.Since(start)
	close(stop)
	<-sampled
	t.Logf("endless array, default MaxBody: %v after %v, %d MiB sent, peak heap in use %d MiB", err, took.Round(time.Millisecond), written.Load()>>20, peak.Load()>>20)
	assert.NoError(t, ctx.Err(), "the call ran until its ctx ended")
	assert.ErrorIs(t, err, ErrTooLarge)
	assert.Contains(t, err.Error(), "64 MiB")
	assert.Less(t, peak.Load(), uint64(512<<20))
	assert.EqualValues(t, 64<<20, DefaultMaxBody)

	// MaxBody < 0 lifts the cap: the same body only ends with the ctx.
	c2 := NewClient(s.dial(), Options{Version: Version{1, 41}, MaxBody: -1, Timeout: -1})
	defer c2.Close()
	ctx, cancel = context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	err = c2.DoJSON(ctx, &Request{Method: "GET", Path: "/containers/json"}, nil)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.NotErrorIs(t, err, ErrTooLarge)
}

// stallAfter answers with header+body, then sends nothing more and keeps
// the connection open until the client hangs up.
func stallAfter(answer string) func(c net.Conn, n int) {
	return func(c net.Conn, n int) {
		serveRequests(c, func(r *http.Request, w *bufio.Writer) bool {
			w.WriteString(answer)
			w.Flush()
			io.Copy(io.Discard, c)
			return false
		})
	}
}

// After its headers, a plain call's body is bounded by Timeout too (it
// covers the whole exchange), and a complete JSON value followed by a
// stall returns at once (issue 13, defect 5: ContainerList hung forever
// with context.Background()).
func TestDoJSONBodyDeadline(t *testing.T) {
	const timeout = 200 * time.Millisecond
	for _, tt := range []struct {
		name       string
		handle     func(c net.Conn, n int)
		noTO       bool // Timeout < 0
		wantErr    bool // a *TimeoutError in the body
		wantStatus int  // a *Error
	}{
		// (A Content-Length over MaxBody is refused before any read.)
		{name: "value then stall, content-length", handle: stallAfter("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n[]")},
		{name: "value then stall, chunked", handle: stallAfter("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n[]\r\n")},
		{name: "value then stall, no timeout", handle: stallAfter("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n[]\n\r\n"), noTO: true},
		{name: "stall inside the value", handle: stallAfter("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n[1,"), wantErr: true},
		// The status is known: the *Error comes back with what arrived.
		{name: "error body stalls", handle: stallAfter("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 100\r\n\r\nno space left"), wantStatus: 500},
		{name: "one byte a second", wantErr: true, handle: func(c net.Conn, n int) {
			serveRequests(c, func(r *http.Request, w *bufio.Writer) bool {
				w.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
				for _, b := range []byte(`[1,2,3,4,5,6,7,8,9]`) {
					w.WriteByte(b)
					if w.Flush() != nil {
						return false
					}
					time.Sleep(time.Second)
				}
				return false
			})
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newRawServer(t, tt.handle)
			opts := Options{Version: Version{1, 41}, Timeout: timeout}
			if tt.noTO {
				opts.Timeout = -1
			}
			c := NewClient(s.dial(), opts)
			defer c.Close()
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			start := time.Now()
			var out []int
			err := c.DoJSON(ctx, &Request{Method: "GET", Path: "/containers/json"}, &out)
			elapsed := time.Since(start)
			assert.NoError(t, ctx.Err(), "the call ran until its ctx ended")
			assert.Less(t, elapsed, 2*time.Second)
			if tt.wantStatus != 0 {
				var e *Error
				require.ErrorAs(t, err, &e)
				assert.Equal(t, tt.wantStatus, e.StatusCode)
				assert.Equal(t, "no space left", e.Message)
				return
			}
			if !tt.wantErr {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, context.DeadlineExceeded)
			var te *TimeoutError
			if assert.ErrorAs(t, err, &te) {
				assert.Equal(t, "body", te.Phase)
			}
		})
	}
}

// A stream's body (Do) is not bounded by Timeout, and neither is the body
// of a long-poll call (NoTimeout: a wait answers when the container exits).
func TestTimeoutSparesStreamAndLongPollBodies(t *testing.T) {
	s := newRawServer(t, func(c net.Conn, n int) {
		serveRequests(c, func(r *http.Request, w *bufio.Writer) bool {
			w.WriteString("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
			w.Flush()
			time.Sleep(400 * time.Millisecond)
			w.WriteString("b\r\n{\"Code\":0}\n\r\n0\r\n\r\n")
			return true
		})
	})
	c := NewClient(s.dial(), Options{Version: Version{1, 41}, Timeout: 100 * time.Millisecond})
	defer c.Close()
	var out struct{ Code int }
	require.NoError(t, c.DoJSON(t.Context(), &Request{Method: "POST", Path: "/containers/x/wait", NoTimeout: true}, &out))
	resp, err := c.Do(t.Context(), &Request{Method: "GET", Path: "/containers/x/export"})
	require.NoError(t, err)
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, "{\"Code\":0}\n", string(b))
	resp.Body.Close()
	assert.EqualValues(t, 1, s.accepted.Load())
}

// After a decoded value, DoJSON keeps the connection when the rest of the
// body (a newline, the chunked terminator) follows promptly, and drops it
// when the body goes on with more than a few bytes.
func TestDoJSONTail(t *testing.T) {
	s := newRawServer(t, func(c net.Conn, n int) {
		serveRequests(c, func(r *http.Request, w *bufio.Writer) bool {
			switch r.URL.Path {
			case "/v1.41/split":
				w.WriteString("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n[]\n\r\n")
				w.Flush()
				time.Sleep(5 * time.Millisecond)
				w.WriteString("0\r\n\r\n")
			case "/v1.41/junk":
				body := "[]" + strings.Repeat(" x", 4<<10)
				fmt.Fprintf(w, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
			}
			return true
		})
	})
	c := NewClient(s.dial(), Options{Version: Version{1, 41}})
	defer c.Close()
	for range 3 {
		require.NoError(t, c.DoJSON(t.Context(), &Request{Method: "GET", Path: "/split"}, new([]int)))
	}
	assert.EqualValues(t, 1, s.accepted.Load(), "a terminator 5 ms late cost the connection")
	require.NoError(t, c.DoJSON(t.Context(), &Request{Method: "GET", Path: "/junk"}, new([]int)))
	require.NoError(t, c.DoJSON(t.Context(), &Request{Method: "GET", Path: "/split"}, new([]int)))
	assert.EqualValues(t, 2, s.accepted.Load(), "a connection with 8 KiB of junk after the value was reused")
}
