package conformance

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// execScenarios are the scenarios of commands run in a running container.
var execScenarios = []scenario{
	{"exec/run/env-workdir-user", func(e *Env) {
		id := e.run(command("sleep", "60"), nil)
		res, err := e.Client.Containers.ExecRun(e.Ctx, id, endpoints.ContainerExecRunOptions{
			Cmd: []string{"sh", "-c", `echo "$FOO"; pwd; id -u; echo warn >&2`}, Env: []string{"FOO=bar baz"}, WorkingDir: "/tmp", User: "1234"})
		if err != nil {
			e.T.Fatal(err)
		}
		if string(res.Stdout) != "bar baz\n/tmp\n1234\n" || string(res.Stderr) != "warn\n" || res.ExitCode != 0 {
			e.T.Errorf("exec: stdout %q stderr %q code %d", res.Stdout, res.Stderr, res.ExitCode)
		}
	}},

	{"exec/run/stdin", func(e *Env) {
		id := e.run(command("sleep", "60"), nil)
		in := strings.Repeat("stdin line\n", 1000)
		res, err := e.Client.Containers.ExecRun(e.Ctx, id, endpoints.ContainerExecRunOptions{Cmd: []string{"cat"}, Stdin: strings.NewReader(in)})
		if err != nil {
			e.T.Fatal(err)
		}
		if string(res.Stdout) != in || res.ExitCode != 0 {
			e.T.Errorf("cat through exec: %d bytes back of %d, code %d", len(res.Stdout), len(in), res.ExitCode)
		}
	}},

	{"exec/run/exit-code-and-tty", func(e *Env) {
		id := e.run(command("sleep", "60"), nil)
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
	}},

	{"exec/start/detached-and-inspect", func(e *Env) {
		id := e.run(command("sleep", "60"), nil)
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
			e.T.Fatalf("detached exec never finished: %+v %v", show(in), err)
		}
		if *in.ExitCode != 0 || in.ContainerID != id || in.ProcessConfig.Entrypoint != "sh" {
			e.T.Errorf("exec inspect: %+v", show(in))
		}
		check, err := e.Client.Containers.ExecRun(e.Ctx, id, endpoints.ContainerExecRunOptions{Cmd: []string{"test", "-e", "/detached"}})
		if err != nil || check.ExitCode != 0 {
			e.T.Errorf("detached exec left no file: %+v %v", check, err)
		}
	}},

	{"exec/resize/tty", func(e *Env) {
		id := e.run(command("sleep", "60"), nil)
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
	}},

	{"exec/create/not-running", func(e *Env) {
		id := e.container(endpoints.ContainerConfig{Cmd: []string{"true"}}, nil)
		_, err := e.Client.Exec.Create(e.Ctx, id, endpoints.ExecCreateOptions{Cmd: []string{"true"}})
		if !errors.Is(err, wire.ErrConflict) {
			e.T.Errorf("exec in a created container: %v, want wire.ErrConflict", err)
		}
	}},

	// Inspect shows what the exec was created with, before and after it
	// runs; the container lists it among its ExecIDs.
	{"exec/inspect/fields-before-and-after-run", func(e *Env) {
		id := e.run(command("sleep", "60"), nil)
		x, err := e.Client.Exec.Create(e.Ctx, id, endpoints.ExecCreateOptions{Cmd: []string{"sh", "-c", "echo ran; exit 2"}, User: "1000", AttachStdout: true, AttachStderr: true})
		if err != nil {
			e.T.Fatalf("exec create: %v", err)
		}
		in, err := e.Client.Exec.Inspect(e.Ctx, x.ID, endpoints.ExecInspectOptions{})
		if err != nil {
			e.T.Fatalf("inspect: %v", err)
		}
		pc := in.ProcessConfig
		if in.ID != x.ID || in.Running || in.ExitCode != nil || in.ContainerID != id || !in.OpenStdout || !in.OpenStderr || in.OpenStdin ||
			pc.Entrypoint != "sh" || !slices.Equal(pc.Arguments, []string{"-c", "echo ran; exit 2"}) || pc.User != "1000" || pc.Tty || pc.Privileged {
			e.T.Errorf("inspect of a created exec: %+v", show(in))
		}
		c, err := e.Client.Containers.Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{})
		if err != nil || !slices.Contains(c.ExecIDs, x.ID) {
			e.T.Errorf("container ExecIDs %q lack %s (%v)", c.ExecIDs, x.ID, err)
		}
		conn, err := e.Client.Exec.Start(e.Ctx, x.ID, endpoints.ExecStartOptions{})
		if err != nil {
			e.T.Fatalf("exec start: %v", err)
		}
		var out bytes.Buffer
		_, err = conn.Demux(&out, &out)
		conn.Close()
		if err != nil || out.String() != "ran\n" {
			e.T.Errorf("exec output %q %v, want ran", out.String(), err)
		}
		in, err = e.Client.Exec.Inspect(e.Ctx, x.ID, endpoints.ExecInspectOptions{})
		if err != nil {
			e.T.Fatalf("inspect after run: %v", err)
		}
		if in.Running || in.ExitCode == nil || *in.ExitCode != 2 || in.Pid == 0 {
			e.T.Errorf("inspect after run: running %v exit %v pid %d, want exited 2 with the pid it had", in.Running, show(in.ExitCode), in.Pid)
		}
	}},

	{"exec/create/paused-container-conflict", func(e *Env) {
		id := e.run(command("sleep", "60"), nil)
		if _, err := e.Client.Containers.Pause(e.Ctx, id, endpoints.ContainerPauseOptions{}); err != nil {
			e.T.Fatalf("pause: %v", err)
		}
		_, err := e.Client.Exec.Create(e.Ctx, id, endpoints.ExecCreateOptions{Cmd: []string{"true"}})
		e.wantStatus("exec create in a paused container", err, 409, wire.ErrConflict)
	}},

	{"exec/start/twice-conflict", func(e *Env) {
		id := e.run(command("sleep", "60"), nil)
		x, err := e.Client.Exec.Create(e.Ctx, id, endpoints.ExecCreateOptions{Cmd: []string{"true"}})
		if err != nil {
			e.T.Fatalf("exec create: %v", err)
		}
		conn, err := e.Client.Exec.Start(e.Ctx, x.ID, endpoints.ExecStartOptions{})
		if err != nil {
			e.T.Fatalf("exec start: %v", err)
		}
		var out bytes.Buffer
		conn.Demux(&out, &out)
		conn.Close()
		c, err := e.Client.Exec.Start(e.Ctx, x.ID, endpoints.ExecStartOptions{Detach: true})
		if c != nil {
			c.Close()
		}
		e.wantStatus("second start of an exec that ran", err, 409, wire.ErrConflict)
	}},

	// An exec inherits the container's environment; its own Env overrides.
	{"exec/run/inherits-and-overrides-container-env", func(e *Env) {
		id := e.run(endpoints.ContainerConfig{Cmd: []string{"sleep", "60"}, Env: []string{"FROM_CONTAINER=c", "SHARED=container"}}, nil)
		res, err := e.Client.Containers.ExecRun(e.Ctx, id, endpoints.ContainerExecRunOptions{Cmd: []string{"sh", "-c", `echo "$FROM_CONTAINER $SHARED $FROM_EXEC"`}, Env: []string{"SHARED=exec", "FROM_EXEC=x"}})
		if err != nil || res.ExitCode != 0 {
			e.T.Fatalf("exec: %+v %v", res, err)
		}
		if got := string(res.Stdout); got != "c exec x\n" {
			e.T.Errorf("exec saw %q, want %q", got, "c exec x\n")
		}
	}},

	{"exec/errors/not-found", func(e *Env) {
		missing := "dw-missing-exec-" + e.RunID
		xs := e.Client.Exec
		_, err := xs.Inspect(e.Ctx, missing, endpoints.ExecInspectOptions{})
		e.wantStatus("inspect of a missing exec", err, 404, wire.ErrNotFound)
		_, err = xs.Resize(e.Ctx, missing, endpoints.ExecResizeOptions{Height: 24, Width: 80})
		e.wantStatus("resize of a missing exec", err, 404, wire.ErrNotFound)
		c, err := xs.Start(e.Ctx, missing, endpoints.ExecStartOptions{Detach: true})
		if c != nil {
			c.Close()
		}
		e.wantStatus("detached start of a missing exec", err, 404, wire.ErrNotFound)
	}},

	// An exec outlives its process: inspect after exit reports the code.
	{"exec/inspect/after-exit", func(e *Env) {
		id := e.run(command("sleep", "60"), nil)
		res, err := e.Client.Containers.ExecRun(e.Ctx, id, endpoints.ContainerExecRunOptions{Cmd: []string{"sh", "-c", "exit 3"}})
		if err != nil {
			e.T.Fatalf("exec run: %v", err)
		}
		if res.ExitCode != 3 {
			e.T.Errorf("exec exit code %d, want 3", res.ExitCode)
		}
		x, err := e.Client.Exec.Create(e.Ctx, id, endpoints.ExecCreateOptions{Cmd: []string{"true"}})
		if err != nil {
			e.T.Fatalf("exec create: %v", err)
		}
		in, err := e.Client.Exec.Inspect(e.Ctx, x.ID, endpoints.ExecInspectOptions{})
		if err != nil {
			e.T.Fatalf("inspect: %v", err)
		}
		if in.Running || in.ContainerID != id || in.ID != x.ID {
			e.T.Errorf("inspect of a created exec: %+v", show(in))
		}
	}},

	{"exec/stdin/half-close-exit-code", func(e *Env) {
		id := e.run(command("sleep", "60"), nil)
		ex := e.Client.Exec
		cr, err := ex.Create(e.Ctx, id, endpoints.ExecCreateOptions{
			Cmd:         []string{"sh", "-c", "cat; echo done >&2; exit 7"},
			AttachStdin: true, AttachStdout: true, AttachStderr: true,
		})
		if err != nil {
			e.T.Fatal(err)
		}
		conn, err := ex.Start(e.Ctx, cr.ID, endpoints.ExecStartOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		defer conn.Close()
		in := strings.Repeat("exec stdin line\n", 4096) // 64 KiB: more than a pipe holds
		werr := make(chan error, 1)
		go func() {
			_, err := io.WriteString(conn, in)
			if err == nil {
				err = conn.CloseWrite()
			}
			werr <- err
		}()
		var out, errb bytes.Buffer
		if _, err := conn.Demux(&out, &errb); err != nil {
			conn.Close()
			e.T.Fatalf("demux: %v (writer: %v)", err, <-werr)
		}
		if err := <-werr; err != nil {
			e.T.Fatalf("stdin: %v", err)
		}
		if out.String() != in || errb.String() != "done\n" {
			e.T.Errorf("stdout %d bytes (want %d, equal %v), stderr %q", out.Len(), len(in), out.String() == in, errb.String())
		}
		var ins endpoints.ExecInspectResult
		if !eventually(e.Ctx, 10*time.Second, func() bool {
			ins, err = ex.Inspect(e.Ctx, cr.ID, endpoints.ExecInspectOptions{})
			return err == nil && !ins.Running && ins.ExitCode != nil
		}) {
			e.T.Fatalf("exec never reported its exit: %+v %v", show(ins), err)
		}
		if *ins.ExitCode != 7 {
			e.T.Errorf("exec exit code %d, want 7", *ins.ExitCode)
		}
	}},
}
