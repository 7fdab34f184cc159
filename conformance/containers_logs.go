package conformance

import (
	"bytes"
	"context"
	"io"
	"strings"
	"time"

	"github.com/dockwire/dockwire/endpoints"
)

// containerLogsScenarios are the scenarios of a container's logs and their options.
var containerLogsScenarios = []scenario{
	{"containers/logs/since-until-tail-timestamps", func(e *Env) {
		id, _, _ := e.runToExit(command("sh", "-c", "echo a; sleep 2; echo b"), nil)
		read := func(opts endpoints.ContainerLogsOptions) []string {
			l, err := e.Client.Containers.Logs(e.Ctx, id, opts)
			if err != nil {
				e.T.Fatal(err)
			}
			defer l.Close()
			var out bytes.Buffer
			if _, err := l.Demux(&out, &out); err != nil {
				e.T.Fatal(err)
			}
			return strings.Fields(strings.TrimSpace(out.String()))
		}
		ts := read(endpoints.ContainerLogsOptions{Timestamps: true})
		if len(ts) != 4 || ts[1] != "a" || ts[3] != "b" {
			e.T.Fatalf("logs with timestamps: %q", ts)
		}
		ta, err1 := time.Parse(time.RFC3339Nano, ts[0])
		tb, err2 := time.Parse(time.RFC3339Nano, ts[2])
		if err1 != nil || err2 != nil || tb.Sub(ta) < time.Second {
			e.T.Fatalf("timestamps %q %q: %v %v", ts[0], ts[2], err1, err2)
		}
		mid := ta.Add(tb.Sub(ta) / 2)
		if got := read(endpoints.ContainerLogsOptions{Since: mid}); strings.Join(got, " ") != "b" {
			e.T.Errorf("since: %q, want b", got)
		}
		if got := read(endpoints.ContainerLogsOptions{Until: mid}); strings.Join(got, " ") != "a" {
			e.T.Errorf("until: %q, want a", got)
		}
		if got := read(endpoints.ContainerLogsOptions{Tail: "1"}); strings.Join(got, " ") != "b" {
			e.T.Errorf("tail 1: %q, want b", got)
		}
		if got := read(endpoints.ContainerLogsOptions{Stderr: true}); len(got) != 0 {
			e.T.Errorf("stderr only: %q, want nothing", got)
		}
	}},

	{"containers/logs/follow-stops-on-cancel", func(e *Env) {
		id := e.run(command("sh", "-c", "while true; do echo tick; sleep 0.2; done"), nil)
		ctx, cancel := context.WithCancel(e.Ctx)
		defer cancel()
		l, err := e.Client.Containers.Logs(ctx, id, endpoints.ContainerLogsOptions{Follow: true})
		if err != nil {
			e.T.Fatal(err)
		}
		defer l.Close()
		pr, pw := io.Pipe()
		done := make(chan error, 1)
		go func() { _, err := l.Demux(pw, pw); pw.CloseWithError(err); done <- err }()
		buf := make([]byte, 5)
		if _, err := io.ReadFull(pr, buf); err != nil || string(buf) != "tick\n" {
			e.T.Fatalf("first line: %q %v", buf, err)
		}
		go io.Copy(io.Discard, pr)
		cancel()
		select {
		case err := <-done:
			if err == nil {
				e.T.Errorf("follow ended without error after cancel")
			}
		case <-time.After(5 * time.Second):
			e.T.Fatal("follow did not stop within 5s of cancel")
		}
	}},

	{"containers/logs/tail-zero-n-and-all", func(e *Env) {
		id, _, _ := e.runToExit(command("sh", "-c", "for i in 1 2 3 4 5; do echo line$i; done"), nil)
		tests := []struct {
			tail string
			want string
		}{
			{"0", ""},
			{"2", "line4\nline5\n"},
			{"all", "line1\nline2\nline3\nline4\nline5\n"},
			{"", "line1\nline2\nline3\nline4\nline5\n"},
			{"99", "line1\nline2\nline3\nline4\nline5\n"},
		}
		for _, tt := range tests {
			if out, _ := e.logLines(id, endpoints.ContainerLogsOptions{Tail: tt.tail}); out != tt.want {
				e.T.Errorf("tail=%q: %q, want %q", tt.tail, out, tt.want)
			}
		}
	}},

	{"containers/logs/stdout-stderr-selection", func(e *Env) {
		id, _, _ := e.runToExit(command("sh", "-c", "echo out1; echo err1 >&2; echo out2"), nil)
		tests := []struct {
			name           string
			opts           endpoints.ContainerLogsOptions
			stdout, stderr string
		}{
			{"both", endpoints.ContainerLogsOptions{Stdout: true, Stderr: true}, "out1\nout2\n", "err1\n"},
			{"stdout", endpoints.ContainerLogsOptions{Stdout: true}, "out1\nout2\n", ""},
			{"stderr", endpoints.ContainerLogsOptions{Stderr: true}, "", "err1\n"},
		}
		for _, tt := range tests {
			o, s := e.logLines(id, tt.opts)
			if o != tt.stdout || s != tt.stderr {
				e.T.Errorf("%s: stdout %q stderr %q, want %q %q", tt.name, o, s, tt.stdout, tt.stderr)
			}
		}
	}},

	// docker-py's logs() as bytes, and the same split.
	{"containers/logs/bytes-whole-and-split", func(e *Env) {
		id, _, _ := e.runToExit(command("sh", "-c", "echo out1; echo err1 >&2; echo out2"), nil)
		res, err := e.Client.Containers.LogsBytes(e.Ctx, id, endpoints.ContainerLogsOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		if string(res.Stdout) != "out1\nout2\n" || string(res.Stderr) != "err1\n" || len(res.Output) != len(res.Stdout)+len(res.Stderr) {
			e.T.Errorf("logs: output %q stdout %q stderr %q", res.Output, res.Stdout, res.Stderr)
		}
	}},

	// docker logs --details: the log driver's attributes before each line.
	{"containers/logs/details", func(e *Env) {
		id := e.create(endpoints.ContainerCreateOptions{
			Config:     endpoints.ContainerConfig{Cmd: []string{"echo", "hello"}, Labels: map[string]string{"dwdetail": "v1"}},
			HostConfig: &endpoints.HostConfig{LogConfig: &endpoints.LogConfig{Type: "json-file", Config: map[string]string{"labels": "dwdetail"}}},
		})
		e.start(id)
		e.wait(id)
		res, err := e.Client.Containers.LogsBytes(e.Ctx, id, endpoints.ContainerLogsOptions{Details: true})
		if err != nil {
			e.T.Fatal(err)
		}
		if got := string(res.Stdout); got != "dwdetail=v1 hello\n" {
			e.T.Errorf("logs with details: %q, want %q", got, "dwdetail=v1 hello\n")
		}
	}},
}
