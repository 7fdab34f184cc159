package wire

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/internal/leakcheck"
)

func TestNegotiation(t *testing.T) {
	tests := []struct {
		name       string
		headStatus int    // 0: 200
		getStatus  int    // 0: 200
		apiVersion string // "" = no header
		want       Version
		wantErr    bool
		wantGets   int32
	}{
		{name: "head ok", apiVersion: "1.41", want: Version{1, 41}},
		{name: "daemon newer", apiVersion: "1.99", want: MaxVersion},
		{name: "head 404 falls back to get", headStatus: 404, apiVersion: "1.40", want: Version{1, 40}, wantGets: 1},
		{name: "head 405 falls back to get", headStatus: 405, apiVersion: "1.44", want: Version{1, 44}, wantGets: 1},
		{name: "missing header keeps max", want: MaxVersion},
		{name: "garbage header keeps max", apiVersion: "banana", want: MaxVersion},
		{name: "unhealthy daemon still says its version", headStatus: 500, getStatus: 500, apiVersion: "1.41", want: Version{1, 41}, wantGets: 1},
		{name: "error without version fails", headStatus: 500, getStatus: 500, wantErr: true, wantGets: 1},
		{name: "daemon too old", apiVersion: "1.12", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var heads, gets atomic.Int32
			f := newFakeDaemon(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !assert.Equal(t, "/_ping", r.URL.Path, "unexpected request %s %s", r.Method, r.URL) {
					return
				}
				if tt.apiVersion != "" {
					w.Header().Set("Api-Version", tt.apiVersion)
				}
				status := tt.headStatus
				if r.Method == "GET" {
					gets.Add(1)
					status = tt.getStatus
				} else {
					heads.Add(1)
				}
				if status == 0 {
					status = 200
				}
				w.WriteHeader(status)
				if r.Method == "GET" {
					fmt.Fprint(w, "OK")
				}
			}))
			c := NewClient(f.dial(), Options{})
			defer c.Close()
			v, err := c.Version(t.Context())
			if tt.wantErr {
				require.Error(t, err)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tt.want, v)
			assert.EqualValues(t, 1, heads.Load(), "HEAD pings")
			assert.Equal(t, tt.wantGets, gets.Load(), "GET pings")
			// Success is remembered, failure is not.
			c.Version(t.Context())
			wantHeads := int32(1)
			if tt.wantErr {
				wantHeads = 2
			}
			assert.Equal(t, wantHeads, heads.Load(), "HEAD pings after a second call")
			if tt.name == "daemon too old" {
				var ve *VersionError
				if assert.ErrorAs(t, err, &ve) {
					assert.Equal(t, Version{1, 12}, ve.Have)
					assert.Equal(t, MinVersion, ve.Need)
				}
			}
		})
	}
}

func TestNegotiationStormOnePing(t *testing.T) {
	var pings atomic.Int32
	f := newFakeDaemon(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pings.Add(1)
		time.Sleep(20 * time.Millisecond) // let the storm pile up
		w.Header().Set("Api-Version", "1.41")
	}))
	c := NewClient(f.dial(), Options{})
	defer c.Close()
	var wg sync.WaitGroup
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := c.Version(t.Context())
			if assert.NoError(t, err) {
				assert.Equal(t, Version{1, 41}, v)
			}
		}()
	}
	wg.Wait()
	assert.EqualValues(t, 1, pings.Load(), "pings for 100 concurrent calls")
}

func TestPinnedVersionNoPing(t *testing.T) {
	var paths []string
	var mu sync.Mutex
	f := newFakeDaemon(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		fmt.Fprint(w, "[]")
	}))
	c := NewClient(f.dial(), Options{Version: Version{1, 43}})
	defer c.Close()
	require.NoError(t, c.DoJSON(t.Context(), &Request{Method: "GET", Path: "/containers/json"}, new([]any)))
	assert.Equal(t, []string{"/v1.43/containers/json"}, paths)
}

func TestPing(t *testing.T) {
	f := newFakeDaemon(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Api-Version", "1.41")
		h.Set("Ostype", "linux")
		h.Set("Docker-Experimental", "true")
		h.Set("Builder-Version", "2")
		h.Set("Swarm", "active/manager")
		if r.Method == "HEAD" {
			w.WriteHeader(404) // force the GET fallback
		}
	}))
	c := NewClient(f.dial(), Options{})
	defer c.Close()
	p, err := c.Ping(t.Context())
	require.NoError(t, err)
	want := PingResult{APIVersion: Version{1, 41}, OSType: "linux", Experimental: true, BuilderVersion: "2", SwarmStatus: "active/manager"}
	assert.Equal(t, "active/manager", p.Header.Get("Swarm"), "Header not kept")
	p.Header = nil
	assert.Equal(t, want, p)
}

func TestDoJSONReusesConnections(t *testing.T) {
	var got []string
	var mu sync.Mutex
	f := newFakeDaemon(t, pingHandler("1.41", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.RequestURI()+" "+r.Header.Get("User-Agent")+" "+r.Host)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		// Big enough to be chunked by net/http.
		fmt.Fprintf(w, `[{"Id":"%s"}]`+"\n", strings.Repeat("a", 10000))
	}))
	c := NewClient(f.dial(), Options{})
	defer c.Close()
	for i := 0; i < 20; i++ {
		var out []struct{ Id string }
		req := &Request{Method: "GET", Path: "/containers/json", Query: map[string][]string{"all": {"1"}}}
		require.NoError(t, c.DoJSON(t.Context(), req, &out))
		require.Len(t, out, 1, "decoded records")
		require.Len(t, out[0].Id, 10000)
	}
	assert.EqualValues(t, 1, f.dials.Load(), "dials for 20 sequential requests")
	require.NotEmpty(t, got)
	assert.Equal(t, "GET /v1.41/containers/json?all=1 dockwire/0.1 api.moby.localhost", got[0])
}

func TestDoErrorStatus(t *testing.T) {
	var redirected atomic.Int32
	f := newFakeDaemon(t, pingHandler("1.41", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1.41/containers/nope/json":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(404)
			fmt.Fprint(w, `{"message":"No such container: nope"}`+"\n")
		case "/v1.41/redirect":
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		default:
			redirected.Add(1)
		}
	}))
	c := NewClient(f.dial(), Options{})
	defer c.Close()
	for i := 0; i < 3; i++ {
		err := c.DoJSON(t.Context(), &Request{Method: "GET", Path: "/containers/nope/json"}, nil)
		var e *Error
		assert.ErrorIs(t, err, ErrNotFound)
		if assert.ErrorAs(t, err, &e) {
			assert.Equal(t, "No such container: nope", e.Message)
		}
	}
	for _, m := range []string{"GET", "POST", "DELETE"} {
		_, err := c.Do(t.Context(), &Request{Method: m, Path: "/redirect"})
		var e *Error
		if assert.ErrorAs(t, err, &e, "%s redirect", m) {
			assert.Equal(t, 302, e.StatusCode, "%s redirect", m)
		}
	}
	assert.Zero(t, redirected.Load(), "a redirect was followed")
	assert.EqualValues(t, 1, f.dials.Load(), "dials: error bodies read to the end keep the connection")
}

func TestVersionErrorBeforeIO(t *testing.T) {
	var calls atomic.Int32
	f := newFakeDaemon(t, pingHandler("1.41", func(w http.ResponseWriter, r *http.Request) { calls.Add(1) }))
	c := NewClient(f.dial(), Options{})
	defer c.Close()
	tests := []struct {
		req  *Request
		want VersionError
	}{
		{&Request{Method: "GET", Path: "/x", Op: "ImageHistoryPlatform", MinVersion: Version{1, 48}},
			VersionError{Op: "ImageHistoryPlatform", Need: Version{1, 48}, Have: Version{1, 41}}},
		{&Request{Method: "POST", Path: "/containers/create", Op: "ContainerCreate", MinVersion: Version{1, 24},
			Requires: []Requirement{{"ContainerCreate: Platform", Version{1, 41}}, {"ContainerCreate: MacAddress per network", Version{1, 44}}}},
			VersionError{Op: "ContainerCreate: MacAddress per network", Need: Version{1, 44}, Have: Version{1, 41}}},
	}
	for _, tt := range tests {
		_, err := c.Do(t.Context(), tt.req)
		var ve *VersionError
		if assert.ErrorAs(t, err, &ve) {
			assert.Equal(t, tt.want, *ve)
		}
	}
	assert.Zero(t, calls.Load(), "requests that reached the daemon")
}

func TestUnreadBodyDiscardsConnAndPoolLimit(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	f := newFakeDaemon(t, pingHandler("1.41", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, big)
	}))
	c := NewClient(f.dial(), Options{PoolSize: 1})
	defer c.Close()
	ctx := t.Context()
	resp, err := c.Do(ctx, &Request{Method: "GET", Path: "/big"})
	require.NoError(t, err)
	// The only slot is in use: another call waits, then gives up with its ctx.
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	_, err = c.Do(short, &Request{Method: "GET", Path: "/big"})
	cancel()
	require.ErrorIs(t, err, context.DeadlineExceeded, "second call with a full pool")
	io.ReadFull(resp.Body, make([]byte, 10))
	resp.Body.Close()
	dials := f.dials.Load()
	resp, err = c.Do(ctx, &Request{Method: "GET", Path: "/big"})
	require.NoError(t, err)
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, int64(len(big)), n, "bytes read")
	assert.Equal(t, dials+1, f.dials.Load(), "dials: a half-read body must cost its connection")
	resp, err = c.Do(ctx, &Request{Method: "GET", Path: "/big"})
	require.NoError(t, err)
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	assert.Equal(t, dials+1, f.dials.Load(), "dials: a fully read body should give its connection back")
}

// serveRequests answers requests on c with handle until it returns false.
func serveRequests(c net.Conn, handle func(r *http.Request, w *bufio.Writer) bool) {
	br := bufio.NewReader(c)
	bw := bufio.NewWriter(c)
	for {
		r, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		io.Copy(io.Discard, r.Body)
		more := handle(r, bw)
		bw.Flush()
		if !more {
			return
		}
	}
}

// A reused connection that dies under a request (the daemon read it and
// hung up) is retried once on a fresh connection only when the request is
// safe to repeat: a GET or HEAD without body. (An idle connection the
// daemon closed before is not reused at all: see
// TestClosedIdleConnDetectedBeforeReuse.)
func TestDeadIdleConnRetry(t *testing.T) {
	// The first connection answers one request, then reads the next and
	// hangs up without answering.
	s := newRawServer(t, func(c net.Conn, n int) {
		answered := false
		serveRequests(c, func(r *http.Request, w *bufio.Writer) bool {
			if n == 1 && answered {
				return false
			}
			answered = true
			fmt.Fprintf(w, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
			return true
		})
	})
	tests := []struct {
		method string
		body   io.Reader
		retry  bool
	}{
		{"GET", nil, true},
		{"HEAD", nil, true},
		{"POST", nil, false},
		{"GET", strings.NewReader("x"), false},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			s.accepted.Store(0)
			c := NewClient(s.dial(), Options{Version: Version{1, 41}})
			defer c.Close()
			require.NoError(t, c.DoJSON(t.Context(), &Request{Method: "GET", Path: "/a"}, nil))
			req := &Request{Method: tt.method, Path: "/b", Body: tt.body, ContentLength: 1}
			err := c.DoJSON(t.Context(), req, nil)
			if tt.retry {
				require.NoError(t, err, "idempotent request not retried")
				assert.EqualValues(t, 2, s.accepted.Load())
			} else {
				assert.ErrorIs(t, err, ErrConnLost)
			}
		})
	}
}

// brokenWrites fails its writes with EPIPE, writing nothing, once broken
// is set: a connection that died before a request left.
type brokenWrites struct {
	net.Conn
	broken *atomic.Bool
}

func (c brokenWrites) Write(p []byte) (int, error) {
	if c.broken.Load() {
		return 0, syscall.EPIPE
	}
	return c.Conn.Write(p)
}

// A request of which no byte was written is retried once on a fresh
// connection whatever its method, when its body can be read again (an
// io.Seeker, as JSONRequest's): nothing reached the daemon (issue 13,
// defect 6: a POST after a daemon restart failed with ErrConnLost).
func TestUnsentRequestRetried(t *testing.T) {
	var bodies []string
	var mu sync.Mutex
	srv := newRawServer(t, func(c net.Conn, n int) {
		br := bufio.NewReader(c)
		for {
			r, err := http.ReadRequest(br)
			if err != nil {
				return
			}
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			bodies = append(bodies, string(b))
			mu.Unlock()
			fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
		}
	})
	for _, tt := range []struct {
		name  string
		body  func() io.Reader
		retry bool
	}{
		{"seeker body", func() io.Reader { return strings.NewReader(`{"Image":"x"}`) }, true},
		{"one-shot body", func() io.Reader { return io.MultiReader(strings.NewReader(`{"Image":"x"}`)) }, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mu.Lock()
			bodies = nil
			mu.Unlock()
			var broken atomic.Bool
			var dials atomic.Int32
			plain := srv.dial()
			c := NewClient(func(ctx context.Context) (net.Conn, error) {
				nc, err := plain(ctx)
				if err != nil || dials.Add(1) > 1 {
					return nc, err
				}
				return brokenWrites{nc, &broken}, nil
			}, Options{Version: Version{1, 41}})
			defer c.Close()
			require.NoError(t, c.DoJSON(t.Context(), &Request{Method: "GET", Path: "/a"}, nil))
			broken.Store(true) // the pooled connection's next write fails
			err := c.DoJSON(t.Context(), &Request{Method: "POST", Path: "/containers/create", Body: tt.body(), ContentLength: 13}, nil)
			if !tt.retry {
				assert.ErrorIs(t, err, ErrConnLost)
				return
			}
			require.NoError(t, err)
			mu.Lock()
			defer mu.Unlock()
			assert.Equal(t, []string{"", `{"Image":"x"}`}, bodies)
		})
	}
}

func TestTimeoutCutsHeadersNotStreams(t *testing.T) {
	s := newRawServer(t, func(c net.Conn, n int) {
		serveRequests(c, func(r *http.Request, w *bufio.Writer) bool {
			switch r.URL.Path {
			case "/v1.41/stall":
				io.Copy(io.Discard, c) // never answer
				return false
			case "/v1.41/slowheaders":
				time.Sleep(400 * time.Millisecond)
				fmt.Fprintf(w, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
			case "/v1.41/slowstream":
				fmt.Fprintf(w, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
				for i := 0; i < 6; i++ {
					w.Flush()
					time.Sleep(100 * time.Millisecond)
					fmt.Fprintf(w, "1\r\n%d\r\n", i)
				}
				fmt.Fprintf(w, "0\r\n\r\n")
			}
			return true
		})
	})
	c := NewClient(s.dial(), Options{Version: Version{1, 41}, Timeout: 200 * time.Millisecond})
	defer c.Close()
	ctx := t.Context()

	start := time.Now()
	_, err := c.Do(ctx, &Request{Method: "GET", Path: "/stall"})
	require.ErrorIs(t, err, os.ErrDeadlineExceeded, "stalled headers")
	assert.LessOrEqual(t, time.Since(start), 2*time.Second, "time to fail stalled headers")

	resp, err := c.Do(ctx, &Request{Method: "GET", Path: "/slowstream"})
	require.NoError(t, err)
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err, "slow stream")
	assert.Equal(t, "012345", string(b), "slow stream")

	_, err = c.Do(ctx, &Request{Method: "GET", Path: "/slowheaders"})
	assert.Error(t, err, "slow headers without NoTimeout: want a timeout")
	resp, err = c.Do(ctx, &Request{Method: "GET", Path: "/slowheaders", NoTimeout: true})
	require.NoError(t, err, "NoTimeout")
	resp.Body.Close()
}

// slowBody yields its chunks with a pause before each.
type slowBody struct {
	chunks []string
	pause  time.Duration
}

func (s *slowBody) Read(p []byte) (int, error) {
	if len(s.chunks) == 0 {
		return 0, io.EOF
	}
	time.Sleep(s.pause)
	n := copy(p, s.chunks[0])
	s.chunks = s.chunks[1:]
	return n, nil
}

func TestTimeoutSparesSlowUpload(t *testing.T) {
	s := newRawServer(t, func(c net.Conn, n int) {
		serveRequests(c, func(r *http.Request, w *bufio.Writer) bool {
			fmt.Fprintf(w, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
			return true
		})
	})
	c := NewClient(s.dial(), Options{Version: Version{1, 41}, Timeout: 200 * time.Millisecond})
	defer c.Close()
	body := &slowBody{chunks: []string{"a", "b", "c", "d"}, pause: 120 * time.Millisecond}
	start := time.Now()
	err := c.DoJSON(t.Context(), &Request{Method: "POST", Path: "/images/load", Body: body, ContentLength: -1}, nil)
	require.NoError(t, err, "upload of %v cut by a 200ms Timeout", time.Since(start))
	assert.GreaterOrEqual(t, time.Since(start), 400*time.Millisecond, "upload finished too fast to test anything")
}

func TestCancelMidBody(t *testing.T) {
	s := newRawServer(t, func(c net.Conn, n int) {
		serveRequests(c, func(r *http.Request, w *bufio.Writer) bool {
			fmt.Fprintf(w, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n")
			w.Flush()
			io.Copy(io.Discard, c) // stall until the client hangs up
			return false
		})
	})
	base := runtime.NumGoroutine()
	c := NewClient(s.dial(), Options{Version: Version{1, 41}})
	ctx, cancel := context.WithCancel(t.Context())
	resp, err := c.Do(ctx, &Request{Method: "GET", Path: "/logs", NoTimeout: true})
	require.NoError(t, err)
	buf := make([]byte, 5)
	_, err = io.ReadFull(resp.Body, buf)
	require.NoError(t, err)
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err = resp.Body.Read(buf)
	assert.ErrorIs(t, err, context.Canceled, "read after cancel")
	assert.LessOrEqual(t, time.Since(start), time.Second, "time for cancel to stop the read")
	resp.Body.Close()
	c.Close()
	leakcheck.Settle(t, base)
}

func TestCloseAbortsBlockedRead(t *testing.T) {
	release := make(chan struct{})
	s := newRawServer(t, func(c net.Conn, n int) {
		serveRequests(c, func(r *http.Request, w *bufio.Writer) bool {
			fmt.Fprintf(w, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
			w.Flush()
			<-release
			return false
		})
	})
	defer close(release)
	c := NewClient(s.dial(), Options{Version: Version{1, 41}})
	defer c.Close()
	resp, err := c.Do(t.Context(), &Request{Method: "GET", Path: "/events"})
	require.NoError(t, err)
	time.AfterFunc(50*time.Millisecond, func() { resp.Body.Close() })
	done := make(chan error)
	go func() { _, err := resp.Body.Read(make([]byte, 10)); done <- err }()
	select {
	case err := <-done:
		assert.Error(t, err, "read on a closed body succeeded")
	case <-time.After(2 * time.Second):
		require.FailNow(t, "Close did not unblock Read")
	}
}

func TestEarlyResponseBeatsWriteError(t *testing.T) {
	s := newRawServer(t, func(c net.Conn, n int) {
		br := bufio.NewReader(c)
		if _, err := http.ReadRequest(br); err != nil {
			return
		}
		fmt.Fprintf(c, "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 25\r\n\r\n{\"message\":\"bad context\"}")
		c.(*net.TCPConn).CloseWrite()
		time.Sleep(100 * time.Millisecond)
		c.(*net.TCPConn).SetLinger(0)
	})
	c := NewClient(s.dial(), Options{Version: Version{1, 41}})
	defer c.Close()
	body := io.LimitReader(zeros{}, 64<<20)
	_, err := c.Do(t.Context(), &Request{Method: "POST", Path: "/build", Body: body, ContentLength: -1})
	var e *Error
	require.ErrorAs(t, err, &e, "want the daemon's 400")
	assert.Equal(t, "bad context", e.Message)
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestUpgrade(t *testing.T) {
	s := newRawServer(t, func(c net.Conn, n int) {
		br := bufio.NewReader(c)
		r, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		if r.Header.Get("Upgrade") != "tcp" || r.Header.Get("Connection") != "Upgrade" {
			fmt.Fprintf(c, "HTTP/1.1 400 Bad Request\r\nContent-Length: 10\r\n\r\nno upgrade")
			return
		}
		switch r.URL.Path {
		case "/v1.41/containers/gone/attach":
			fmt.Fprintf(c, "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 28\r\n\r\n{\"message\":\"No such: gone\"}\n")
			return
		case "/v1.41/containers/old/attach":
			fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\nhello:")
		default:
			fmt.Fprintf(c, "HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nhello:")
		}
		io.Copy(c, br) // echo stdin until half-close
	})
	c := NewClient(s.dial(), Options{Version: Version{1, 41}})
	defer c.Close()
	for _, tt := range []struct {
		path string
		code int
	}{{"/containers/abc/attach", 101}, {"/containers/old/attach", 200}} {
		up, err := c.Upgrade(t.Context(), &Request{Method: "POST", Path: tt.path, NoTimeout: true})
		require.NoError(t, err)
		assert.Equal(t, tt.code, up.StatusCode)
		io.WriteString(up.Conn, "stdin")
		require.NoError(t, up.Conn.(interface{ CloseWrite() error }).CloseWrite())
		got, err := io.ReadAll(up.Reader)
		assert.NoError(t, err)
		assert.Equal(t, "hello:stdin", string(got), "stream")
		up.Conn.Close()
	}
	_, err := c.Upgrade(t.Context(), &Request{Method: "POST", Path: "/containers/gone/attach"})
	assert.ErrorIs(t, err, ErrNotFound)
	// Upgraded connections left the pool: its slots are free.
	assert.Empty(t, c.slots, "slots held after upgrades")
}

func TestClosedClient(t *testing.T) {
	f := newFakeDaemon(t, pingHandler("1.41", func(w http.ResponseWriter, r *http.Request) {}))
	c := NewClient(f.dial(), Options{})
	require.NoError(t, c.DoJSON(t.Context(), &Request{Method: "GET", Path: "/x"}, nil))
	c.Close()
	err := c.DoJSON(t.Context(), &Request{Method: "GET", Path: "/x"}, nil)
	assert.ErrorIs(t, err, net.ErrClosed, "after Close")
}

func TestDialError(t *testing.T) {
	boom := errors.New("refused")
	c := NewClient(func(ctx context.Context) (net.Conn, error) { return nil, boom }, Options{})
	_, err := c.Version(t.Context())
	require.ErrorIs(t, err, boom)
	assert.Regexp(t, "^wire: ", err.Error())
	assert.Empty(t, c.slots, "slot leaked on dial error")
}

// failingSeeker is a request body that fails at once and can be rewound.
type failingSeeker struct{ reads int }

func (f *failingSeeker) Read([]byte) (int, error)       { f.reads++; return 0, errors.New("disk gone") }
func (f *failingSeeker) Seek(int64, int) (int64, error) { return 0, nil }

// A request body that fails is the caller's error, not a dead connection:
// it is not retried, even when nothing was written and it could be
// rewound.
func TestFailingBodyNotRetried(t *testing.T) {
	var dials atomic.Int32
	s := newRawServer(t, func(c net.Conn, n int) {
		serveRequests(c, func(r *http.Request, w *bufio.Writer) bool {
			fmt.Fprintf(w, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
			return true
		})
	})
	plain := s.dial()
	c := NewClient(func(ctx context.Context) (net.Conn, error) { dials.Add(1); return plain(ctx) }, Options{Version: Version{1, 41}})
	defer c.Close()
	require.NoError(t, c.DoJSON(t.Context(), &Request{Method: "GET", Path: "/a"}, nil))
	body := &failingSeeker{}
	err := c.DoJSON(t.Context(), &Request{Method: "POST", Path: "/build", Body: body, ContentLength: -1}, nil)
	assert.ErrorContains(t, err, "disk gone")
	assert.NotErrorIs(t, err, ErrConnLost)
	assert.Equal(t, 1, body.reads)
	assert.EqualValues(t, 1, dials.Load())
}
