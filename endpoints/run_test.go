package endpoints_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/internal/leakcheck"
	"github.com/dockwire/dockwire/mux"
	"github.com/dockwire/dockwire/wire"
)

// runDaemon scripts a container that writes stdout and stderr and exits
// with code.
func runDaemon(f *fake, stdout, stderr string, code int) {
	f.on("POST /containers/create", onJSON(201, map[string]any{"Id": "c0ffee00c0ffee00", "Warnings": []string{}}))
	f.on("POST /containers/c0ffee00c0ffee00/attach", hijack(mux.MediaMultiplexedStream, func(c net.Conn, _ *bufio.Reader) {
		frames(c, stdout, stderr)
	}))
	f.on("POST /containers/c0ffee00c0ffee00/wait", onJSON(200, map[string]any{"StatusCode": code}))
}

// paths lists the requests as "METHOD /path".
func paths(reqs []recorded) []string {
	var s []string
	for _, r := range reqs {
		s = append(s, r.Method+" "+r.Path)
	}
	return s
}

func TestRunExitCode(t *testing.T) {
	leakcheck.Check(t)
	f, w := newFake(t, "1.41")
	runDaemon(f, "hi\n", "oops\n", 3)
	c := endpoints.NewContainers(w)
	res, err := c.Run(t.Context(), endpoints.ContainerRunOptions{Image: "busybox:dockwire", Command: []string{"sh", "-c", "echo hi; exit 3"}, Remove: true, MemLimit: "64m"})
	var ce *endpoints.ContainerError
	require.ErrorAs(t, err, &ce)
	assert.EqualValues(t, 3, ce.ExitCode)
	assert.Equal(t, "busybox:dockwire", ce.Image)
	assert.Equal(t, "oops\n", string(ce.Stderr))
	assert.Equal(t, []string{"sh", "-c", "echo hi; exit 3"}, ce.Command)
	assert.Equal(t, "hi\n", string(res.Output))
	assert.EqualValues(t, 3, res.ExitCode)
	assert.Equal(t, []string{
		"POST /containers/create",
		"POST /containers/c0ffee00c0ffee00/attach",
		"POST /containers/c0ffee00c0ffee00/wait",
		"POST /containers/c0ffee00c0ffee00/start",
		"DELETE /containers/c0ffee00c0ffee00",
	}, paths(f.requests()))
	create := f.requests()[0]
	assert.Contains(t, string(create.Body), `"Memory":67108864`, "create body")
	assert.Contains(t, string(create.Body), `"AttachStdout":true`, "create body")
}

func TestRunStderrInOutput(t *testing.T) {
	f, w := newFake(t, "1.41")
	runDaemon(f, "out\n", "err\n", 0)
	res, err := endpoints.NewContainers(w).Run(t.Context(), endpoints.ContainerRunOptions{Image: "busybox", Stderr: true})
	require.NoError(t, err)
	assert.Equal(t, "out\nerr\n", string(res.Output))
	assert.Zero(t, res.ExitCode)
	for _, r := range f.requests() {
		assert.NotEqual(t, "DELETE", r.Method, "removed without Remove")
	}
}

func TestRunDetached(t *testing.T) {
	f, w := newFake(t, "1.41")
	runDaemon(f, "", "", 0)
	res, err := endpoints.NewContainers(w).Run(t.Context(), endpoints.ContainerRunOptions{Image: "busybox", Detach: true, Name: "d1"})
	require.NoError(t, err)
	assert.Equal(t, "c0ffee00c0ffee00", res.ID)
	assert.Nil(t, res.Output)
	assert.Equal(t, []string{"POST /containers/create", "POST /containers/c0ffee00c0ffee00/start"}, paths(f.requests()))
}

func TestRunPullsMissingImage(t *testing.T) {
	f, w := newFake(t, "1.41")
	runDaemon(f, "ok\n", "", 0)
	creates := 0
	f.on("POST /containers/create", func(w http.ResponseWriter, r *http.Request, b []byte) {
		creates++
		if creates == 1 {
			onJSON(404, map[string]string{"message": "No such image: reg.local:5000/app:v1"})(w, r, b)
			return
		}
		onJSON(201, map[string]any{"Id": "c0ffee00c0ffee00"})(w, r, b)
	})
	f.on("POST /images/create", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"Pulling from app","id":"v1"}` + "\n" + `{"status":"Status: Downloaded newer image"}` + "\n"))
	})
	res, err := endpoints.NewContainers(w).Run(t.Context(), endpoints.ContainerRunOptions{Image: "reg.local:5000/app:v1"})
	require.NoError(t, err)
	require.Equal(t, "ok\n", string(res.Output))
	var pull *recorded
	for _, r := range f.requests() {
		if r.Path == "/images/create" {
			pull = &r
		}
	}
	require.NotNil(t, pull, "pull request")
	assert.Equal(t, []string{"reg.local:5000/app"}, pull.Query["fromImage"])
	assert.Equal(t, []string{"v1"}, pull.Query["tag"])
}

func TestRunPullFailure(t *testing.T) {
	f, w := newFake(t, "1.41")
	f.on("POST /containers/create", onJSON(404, map[string]string{"message": "No such image: 127.0.0.1:9/none:x"}))
	f.on("POST /images/create", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"errorDetail":{"message":"connection refused"},"error":"connection refused"}` + "\n"))
	})
	_, err := endpoints.NewContainers(w).Run(t.Context(), endpoints.ContainerRunOptions{Image: "127.0.0.1:9/none:x"})
	var se *wire.StreamError
	require.ErrorAs(t, err, &se)
	assert.Contains(t, se.Message, "refused")
}

func TestExecRunStdin(t *testing.T) {
	leakcheck.Check(t)
	f, w := newFake(t, "1.41")
	f.on("POST /containers/abc/exec", onJSON(201, map[string]string{"Id": "e1"}))
	f.on("POST /exec/e1/start", hijack("", func(c net.Conn, br *bufio.Reader) {
		in, _ := io.ReadAll(br) // until the client's CloseWrite
		frames(c, "got:"+string(in), "warn\n")
	}))
	inspects := 0
	f.on("GET /exec/e1/json", func(w http.ResponseWriter, r *http.Request, b []byte) {
		inspects++
		if inspects == 1 { // the daemon records the exit a moment late
			onJSON(200, map[string]any{"ID": "e1", "Running": true, "ExitCode": nil})(w, r, b)
			return
		}
		onJSON(200, map[string]any{"ID": "e1", "Running": false, "ExitCode": 2})(w, r, b)
	})
	res, err := endpoints.NewContainers(w).ExecRun(t.Context(), "abc", endpoints.ContainerExecRunOptions{
		Cmd: []string{"cat"}, Stdin: strings.NewReader("hello"), Env: []string{"A=1"}, WorkingDir: "/tmp", User: "1000"})
	require.NoError(t, err)
	assert.Equal(t, "got:hello", string(res.Stdout))
	assert.Equal(t, "warn\n", string(res.Stderr))
	assert.EqualValues(t, 2, res.ExitCode)
	create := f.requests()[0]
	for _, sub := range []string{`"AttachStdin":true`, `"Env":["A=1"]`, `"WorkingDir":"/tmp"`, `"User":"1000"`} {
		assert.Contains(t, string(create.Body), sub, "exec create body")
	}
}

func TestExecRunStreamingTTY(t *testing.T) {
	f, w := newFake(t, "1.41")
	f.on("POST /containers/abc/exec", onJSON(201, map[string]string{"Id": "e1"}))
	// A TTY stream is raw: bytes that look like a frame header stay as is.
	raw := "\x01\x00\x00\x00\x00\x00\x00\x02hi"
	f.on("POST /exec/e1/start", hijack(mux.MediaRawStream, func(c net.Conn, _ *bufio.Reader) { c.Write([]byte(raw)) }))
	f.on("GET /exec/e1/json", onJSON(200, map[string]any{"Running": false, "ExitCode": 0}))
	var out bytes.Buffer
	res, err := endpoints.NewContainers(w).ExecRun(t.Context(), "abc", endpoints.ContainerExecRunOptions{Cmd: []string{"x"}, Tty: true, Stdout: &out})
	assert.NoError(t, err)
	assert.Equal(t, raw, out.String())
	assert.Zero(t, res.ExitCode)
	assert.Nil(t, res.Stdout)
}

func TestLogsMultiplexedRule(t *testing.T) {
	cases := []struct {
		name        string
		version     string
		contentType string
		tty         bool // the container's, from inspect
		wantMux     bool
		wantInspect bool
	}{
		{"1.41-no-tty", "1.41", "", false, true, true},
		{"1.41-tty", "1.41", "", true, false, true},
		{"1.44-content-type-mux", "1.44", mux.MediaMultiplexedStream, true, true, false},
		{"1.44-content-type-raw", "1.44", mux.MediaRawStream, false, false, false},
		{"1.44-no-content-type", "1.44", "", true, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, w := newFake(t, tc.version)
			f.on("GET /containers/abc/json", onJSON(200, map[string]any{"Id": "abc", "Config": map[string]any{"Tty": tc.tty}}))
			f.on("GET /containers/abc/logs", func(w http.ResponseWriter, r *http.Request, _ []byte) {
				if tc.contentType != "" {
					w.Header().Set("Content-Type", tc.contentType)
				}
				if tc.wantMux {
					frames(w, "out\n", "err\n")
				} else {
					w.Write([]byte("tty\n"))
				}
			})
			l, err := endpoints.NewContainers(w).Logs(t.Context(), "abc", endpoints.ContainerLogsOptions{})
			require.NoError(t, err)
			defer l.Close()
			assert.Equal(t, tc.wantMux, l.Multiplexed(), "Multiplexed")
			var stdout, stderr bytes.Buffer
			_, err = l.Demux(&stdout, &stderr)
			require.NoError(t, err)
			if tc.wantMux {
				assert.Equal(t, "out\n", stdout.String(), "stdout")
				assert.Equal(t, "err\n", stderr.String(), "stderr")
			} else {
				assert.Equal(t, "tty\n", stdout.String(), "stdout")
			}
			inspected := false
			for _, r := range f.requests() {
				inspected = inspected || r.Path == "/containers/abc/json"
				if r.Path == "/containers/abc/logs" {
					assert.NotNil(t, r.Query["stdout"], "zero options should ask for both streams: %v", r.Query)
					assert.NotNil(t, r.Query["stderr"], "zero options should ask for both streams: %v", r.Query)
				}
			}
			assert.Equal(t, tc.wantInspect, inspected, "inspected")
		})
	}
}

// TestLogsFollowCancel checks that cancelling ctx ends a followed log
// stream (container, service, task) at once, with no goroutine left behind.
func TestLogsFollowCancel(t *testing.T) {
	cases := []struct {
		name, path string
		open       func(ctx context.Context, w *wire.Client) (*mux.Output, error)
	}{
		{"container", "/containers/abc/logs", func(ctx context.Context, w *wire.Client) (*mux.Output, error) {
			return endpoints.NewContainers(w).Logs(ctx, "abc", endpoints.ContainerLogsOptions{Follow: true})
		}},
		{"service", "/services/svc/logs", func(ctx context.Context, w *wire.Client) (*mux.Output, error) {
			return endpoints.NewServices(w).Logs(ctx, "svc", endpoints.ServiceLogsOptions{Follow: true})
		}},
		{"task", "/tasks/tsk/logs", func(ctx context.Context, w *wire.Client) (*mux.Output, error) {
			return endpoints.NewTasks(w).Logs(ctx, "tsk", endpoints.ServiceLogsOptions{Follow: true})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			leakcheck.Check(t)
			f, w := newFake(t, "1.44")
			release := make(chan struct{})
			defer close(release)
			f.on("GET "+tc.path, func(w http.ResponseWriter, r *http.Request, _ []byte) {
				w.Header().Set("Content-Type", mux.MediaMultiplexedStream)
				frames(w, "line\n", "")
				http.NewResponseController(w).Flush()
				select {
				case <-release:
				case <-r.Context().Done():
				}
			})
			ctx, cancel := context.WithCancel(t.Context())
			l, err := tc.open(ctx, w)
			require.NoError(t, err)
			defer l.Close()
			time.AfterFunc(100*time.Millisecond, cancel)
			var out bytes.Buffer
			start := time.Now()
			_, err = l.Demux(&out, io.Discard)
			assert.Error(t, err, "demux after cancel")
			assert.Equal(t, "line\n", out.String(), "demux after cancel")
			assert.LessOrEqual(t, time.Since(start), 2*time.Second, "time for cancel to end the stream")
		})
	}
}

func TestAttachStdin(t *testing.T) {
	leakcheck.Check(t)
	f, w := newFake(t, "1.41")
	f.on("POST /containers/abc/attach", hijack(mux.MediaRawStream, func(c net.Conn, br *bufio.Reader) {
		in, _ := io.ReadAll(br)
		frames(c, string(in), "")
	}))
	tty := false
	conn, err := endpoints.NewContainers(w).Attach(t.Context(), "abc", endpoints.ContainerAttachOptions{Stdin: true, Stdout: true, TTY: &tty})
	require.NoError(t, err)
	defer conn.Close()
	assert.True(t, conn.Multiplexed(), "1.41 non-tty attach must be multiplexed whatever the Content-Type")
	conn.Write([]byte("ping"))
	require.NoError(t, conn.CloseWrite())
	var out bytes.Buffer
	_, err = conn.Demux(&out, nil)
	assert.NoError(t, err)
	assert.Equal(t, "ping", out.String())
	q := url.Values(f.requests()[0].Query)
	assert.Equal(t, "1", q.Get("stream"), "attach query")
	assert.Equal(t, "1", q.Get("stdin"), "attach query")
	assert.Equal(t, "1", q.Get("stdout"), "attach query")
	assert.Empty(t, q.Get("stderr"), "attach query")
}
