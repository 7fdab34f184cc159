package conformance

import (
	"bytes"
	"errors"
	"strings"
	"time"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

func init() {
	register("exec/run/env-workdir-user", func(e *Env) {
		id := e.running(nil, "sleep", "60")
		res, err := e.Client.Containers.ExecRun(e.Ctx, id, endpoints.ContainerExecRunOptions{
			Cmd: []string{"sh", "-c", `echo "$FOO"; pwd; id -u; echo warn >&2`}, Env: []string{"FOO=bar baz"}, WorkingDir: "/tmp", User: "1234"})
		if err != nil {
			e.T.Fatal(err)
		}
		if string(res.Stdout) != "bar baz\n/tmp\n1234\n" || string(res.Stderr) != "warn\n" || res.ExitCode != 0 {
			e.T.Errorf("exec: stdout %q stderr %q code %d", res.Stdout, res.Stderr, res.ExitCode)
		}
	})
	register("exec/run/stdin", func(e *Env) {
		id := e.running(nil, "sleep", "60")
		in := strings.Repeat("stdin line\n", 1000)
		res, err := e.Client.Containers.ExecRun(e.Ctx, id, endpoints.ContainerExecRunOptions{Cmd: []string{"cat"}, Stdin: strings.NewReader(in)})
		if err != nil {
			e.T.Fatal(err)
		}
		if string(res.Stdout) != in || res.ExitCode != 0 {
			e.T.Errorf("cat through exec: %d bytes back of %d, code %d", len(res.Stdout), len(in), res.ExitCode)
		}
	})
	register("exec/run/exit-code-and-tty", func(e *Env) {
		id := e.running(nil, "sleep", "60")
		res, err := e.Client.Containers.ExecRun(e.Ctx, id, endpoints.ContainerExecRunOptions{Cmd: []string{"sh", "-c", "echo x; exit 5"}})
		if err != nil || res.ExitCode != 5 || string(res.Stdout) != "x\n" {
			e.T.Errorf("exit 5: %+v %v", res, err)
		}
		var out bytes.Buffer
		res, err = e.Client.Containers.ExecRun(e.Ctx, id, endpoints.ContainerExecRunOptions{Cmd: []string{"sh", "-c", "echo out; echo err >&2"}, Tty: true, Stdout: &out})
		if err != nil || res.ExitCode != 0 {
			e.T.Fatalf("tty exec: %+v %v", res, err)
		}
		if got := out.String(); !strings.Contains(got, "out\r\n") || !strings.Contains(got, "err\r\n") {
			e.T.Errorf("tty exec output %q, want both lines with CRLF", got)
		}
	})
	register("exec/start/detached-and-inspect", func(e *Env) {
		id := e.running(nil, "sleep", "60")
		ex := e.Client.Exec
		res, err := e.Client.Containers.ExecRun(e.Ctx, id, endpoints.ContainerExecRunOptions{Cmd: []string{"sh", "-c", "sleep 0.3; touch /detached"}, Detach: true})
		if err != nil || res.ExecID == "" {
			e.T.Fatalf("detached exec: %+v %v", res, err)
		}
		var in endpoints.ExecInspectResult
		if !eventually(e.Ctx, 10*time.Second, func() bool {
			in, err = ex.Inspect(e.Ctx, res.ExecID, endpoints.ExecInspectOptions{})
			return err == nil && !in.Running && in.ExitCode != nil
		}) {
			e.T.Fatalf("detached exec never finished: %+v %v", in, err)
		}
		if *in.ExitCode != 0 || in.ContainerID != id || in.ProcessConfig.Entrypoint != "sh" {
			e.T.Errorf("exec inspect: %+v", in)
		}
		check, err := e.Client.Containers.ExecRun(e.Ctx, id, endpoints.ContainerExecRunOptions{Cmd: []string{"test", "-e", "/detached"}})
		if err != nil || check.ExitCode != 0 {
			e.T.Errorf("detached exec left no file: %+v %v", check, err)
		}
	})
	register("exec/resize/tty", func(e *Env) {
		id := e.running(nil, "sleep", "60")
		ex := e.Client.Exec
		cr, err := ex.Create(e.Ctx, id, endpoints.ExecCreateOptions{Cmd: []string{"sleep", "5"}, Tty: true, AttachStdout: true})
		if err != nil {
			e.T.Fatal(err)
		}
		conn, err := ex.Start(e.Ctx, cr.ID, endpoints.ExecStartOptions{Tty: true})
		if err != nil {
			e.T.Fatal(err)
		}
		defer conn.Close()
		if _, err := ex.Resize(e.Ctx, cr.ID, endpoints.ExecResizeOptions{Height: 30, Width: 90}); err != nil {
			e.T.Errorf("resize: %v", err)
		}
	})
	register("exec/create/not-running", func(e *Env) {
		id := e.newContainer(endpoints.ContainerConfig{Cmd: []string{"true"}}, nil)
		_, err := e.Client.Exec.Create(e.Ctx, id, endpoints.ExecCreateOptions{Cmd: []string{"true"}})
		if !errors.Is(err, wire.ErrConflict) {
			e.T.Errorf("exec in a created container: %v, want wire.ErrConflict", err)
		}
	})
}
