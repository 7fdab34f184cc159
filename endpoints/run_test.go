package endpoints_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

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

func paths(reqs []recorded) string {
	var s []string
	for _, r := range reqs {
		s = append(s, r.Method+" "+r.Path)
	}
	return strings.Join(s, ", ")
}

func TestRunExitCode(t *testing.T) {
	leakcheck.Check(t)
	f, w := newFake(t, "1.41")
	runDaemon(f, "hi\n", "oops\n", 3)
	c := endpoints.NewContainers(w)
	res, err := c.Run(context.Background(), endpoints.ContainerRunOptions{Image: "busybox:dockwire", Command: []string{"sh", "-c", "echo hi; exit 3"}, Remove: true, MemLimit: "64m"})
	var ce *endpoints.ContainerError
	if !errors.As(err, &ce) {
		t.Fatalf("err %v (%T), want *ContainerError", err, err)
	}
	if ce.ExitCode != 3 || ce.Image != "busybox:dockwire" || string(ce.Stderr) != "oops\n" || ce.Command[2] != "echo hi; exit 3" {
		t.Errorf("ContainerError: %+v", ce)
	}
	if string(res.Output) != "hi\n" || res.ExitCode != 3 {
		t.Errorf("result: %q %d", res.Output, res.ExitCode)
	}
	got := paths(f.requests())
	want := "POST /containers/create, POST /containers/c0ffee00c0ffee00/attach, POST /containers/c0ffee00c0ffee00/wait, POST /containers/c0ffee00c0ffee00/start, DELETE /containers/c0ffee00c0ffee00"
	if got != want {
		t.Errorf("requests:\n got %s\nwant %s", got, want)
	}
	create := f.requests()[0]
	if !bytes.Contains(create.Body, []byte(`"Memory":67108864`)) || !bytes.Contains(create.Body, []byte(`"AttachStdout":true`)) {
		t.Errorf("create body: %s", create.Body)
	}
}

func TestRunStderrInOutput(t *testing.T) {
	f, w := newFake(t, "1.41")
	runDaemon(f, "out\n", "err\n", 0)
	res, err := endpoints.NewContainers(w).Run(context.Background(), endpoints.ContainerRunOptions{Image: "busybox", Stderr: true})
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Output) != "out\nerr\n" || res.ExitCode != 0 {
		t.Errorf("output %q code %d", res.Output, res.ExitCode)
	}
	for _, r := range f.requests() {
		if r.Method == "DELETE" {
			t.Errorf("removed without Remove")
		}
	}
}

func TestRunDetached(t *testing.T) {
	f, w := newFake(t, "1.41")
	runDaemon(f, "", "", 0)
	res, err := endpoints.NewContainers(w).Run(context.Background(), endpoints.ContainerRunOptions{Image: "busybox", Detach: true, Name: "d1"})
	if err != nil || res.ID != "c0ffee00c0ffee00" || res.Output != nil {
		t.Fatalf("%+v %v", res, err)
	}
	if got := paths(f.requests()); got != "POST /containers/create, POST /containers/c0ffee00c0ffee00/start" {
		t.Errorf("requests: %s", got)
	}
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
	res, err := endpoints.NewContainers(w).Run(context.Background(), endpoints.ContainerRunOptions{Image: "reg.local:5000/app:v1"})
	if err != nil || string(res.Output) != "ok\n" {
		t.Fatalf("%q %v", res.Output, err)
	}
	var pull *recorded
	for _, r := range f.requests() {
		if r.Path == "/images/create" {
			pull = &r
		}
	}
	if pull == nil || pull.Query["fromImage"][0] != "reg.local:5000/app" || pull.Query["tag"][0] != "v1" {
		t.Errorf("pull request: %+v", pull)
	}
}

func TestRunPullFailure(t *testing.T) {
	f, w := newFake(t, "1.41")
	f.on("POST /containers/create", onJSON(404, map[string]string{"message": "No such image: 127.0.0.1:9/none:x"}))
	f.on("POST /images/create", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"errorDetail":{"message":"connection refused"},"error":"connection refused"}` + "\n"))
	})
	_, err := endpoints.NewContainers(w).Run(context.Background(), endpoints.ContainerRunOptions{Image: "127.0.0.1:9/none:x"})
	var se *wire.StreamError
	if !errors.As(err, &se) || !strings.Contains(se.Message, "refused") {
		t.Errorf("err %v (%T), want a *wire.StreamError", err, err)
	}
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
	res, err := endpoints.NewContainers(w).ExecRun(context.Background(), "abc", endpoints.ContainerExecRunOptions{
		Cmd: []string{"cat"}, Stdin: strings.NewReader("hello"), Env: []string{"A=1"}, WorkingDir: "/tmp", User: "1000"})
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Stdout) != "got:hello" || string(res.Stderr) != "warn\n" || res.ExitCode != 2 {
		t.Errorf("result: %q %q %d", res.Stdout, res.Stderr, res.ExitCode)
	}
	create := f.requests()[0]
	for _, sub := range []string{`"AttachStdin":true`, `"Env":["A=1"]`, `"WorkingDir":"/tmp"`, `"User":"1000"`} {
		if !bytes.Contains(create.Body, []byte(sub)) {
			t.Errorf("exec create body lacks %s: %s", sub, create.Body)
		}
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
	res, err := endpoints.NewContainers(w).ExecRun(context.Background(), "abc", endpoints.ContainerExecRunOptions{Cmd: []string{"x"}, Tty: true, Stdout: &out})
	if err != nil || out.String() != raw || res.ExitCode != 0 || res.Stdout != nil {
		t.Errorf("%q %+v %v", out.String(), res, err)
	}
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
			l, err := endpoints.NewContainers(w).Logs(context.Background(), "abc", endpoints.ContainerLogsOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			if l.Multiplexed() != tc.wantMux {
				t.Errorf("Multiplexed = %v, want %v", l.Multiplexed(), tc.wantMux)
			}
			var stdout, stderr bytes.Buffer
			if _, err := l.Demux(&stdout, &stderr); err != nil {
				t.Fatal(err)
			}
			if tc.wantMux && (stdout.String() != "out\n" || stderr.String() != "err\n") || !tc.wantMux && stdout.String() != "tty\n" {
				t.Errorf("demux: %q %q", stdout.String(), stderr.String())
			}
			inspected := false
			for _, r := range f.requests() {
				inspected = inspected || r.Path == "/containers/abc/json"
				if r.Path == "/containers/abc/logs" && (r.Query["stdout"] == nil || r.Query["stderr"] == nil) {
					t.Errorf("zero options should ask for both streams: %v", r.Query)
				}
			}
			if inspected != tc.wantInspect {
				t.Errorf("inspected = %v, want %v", inspected, tc.wantInspect)
			}
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
			ctx, cancel := context.WithCancel(context.Background())
			l, err := tc.open(ctx, w)
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			time.AfterFunc(100*time.Millisecond, cancel)
			var out bytes.Buffer
			start := time.Now()
			_, err = l.Demux(&out, io.Discard)
			if err == nil || out.String() != "line\n" {
				t.Errorf("demux after cancel: %q %v", out.String(), err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("cancel took %v", d)
			}
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
	conn, err := endpoints.NewContainers(w).Attach(context.Background(), "abc", endpoints.ContainerAttachOptions{Stdin: true, Stdout: true, TTY: &tty})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if !conn.Multiplexed() {
		t.Errorf("1.41 non-tty attach must be multiplexed whatever the Content-Type")
	}
	conn.Write([]byte("ping"))
	if err := conn.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := conn.Demux(&out, nil); err != nil || out.String() != "ping" {
		t.Errorf("%q %v", out.String(), err)
	}
	q := url.Values(f.requests()[0].Query)
	if q.Get("stream") != "1" || q.Get("stdin") != "1" || q.Get("stdout") != "1" || q.Get("stderr") != "" {
		t.Errorf("attach query %v", q)
	}
}
