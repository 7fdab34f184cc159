package conformance

import (
	"bytes"
	"slices"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

func init() {
	// Inspect shows what the exec was created with, before and after it
	// runs; the container lists it among its ExecIDs.
	register("exec/inspect/fields-before-and-after-run", func(e *Env) {
		id := e.running(nil, "sleep", "60")
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
			e.T.Errorf("inspect of a created exec: %+v", in)
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
			e.T.Errorf("inspect after run: running %v exit %v pid %d, want exited 2 with the pid it had", in.Running, in.ExitCode, in.Pid)
		}
	})

	register("exec/create/paused-container-conflict", func(e *Env) {
		id := e.running(nil, "sleep", "60")
		if _, err := e.Client.Containers.Pause(e.Ctx, id, endpoints.ContainerPauseOptions{}); err != nil {
			e.T.Fatalf("pause: %v", err)
		}
		_, err := e.Client.Exec.Create(e.Ctx, id, endpoints.ExecCreateOptions{Cmd: []string{"true"}})
		e.wantStatus("exec create in a paused container", err, 409, wire.ErrConflict)
	})

	register("exec/start/twice-conflict", func(e *Env) {
		id := e.running(nil, "sleep", "60")
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
	})

	// An exec inherits the container's environment; its own Env overrides.
	register("exec/run/inherits-and-overrides-container-env", func(e *Env) {
		id := e.started(endpoints.ContainerConfig{Cmd: []string{"sleep", "60"}, Env: []string{"FROM_CONTAINER=c", "SHARED=container"}}, nil)
		res, err := e.Client.Containers.ExecRun(e.Ctx, id, endpoints.ContainerExecRunOptions{Cmd: []string{"sh", "-c", `echo "$FROM_CONTAINER $SHARED $FROM_EXEC"`}, Env: []string{"SHARED=exec", "FROM_EXEC=x"}})
		if err != nil || res.ExitCode != 0 {
			e.T.Fatalf("exec: %+v %v", res, err)
		}
		if got := string(res.Stdout); got != "c exec x\n" {
			e.T.Errorf("exec saw %q, want %q", got, "c exec x\n")
		}
	})
}
