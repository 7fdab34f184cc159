package conformance

import (
	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

func init() {
	register("exec/errors/not-found", func(e *Env) {
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
	})

	// An exec outlives its process: inspect after exit reports the code.
	register("exec/inspect/after-exit", func(e *Env) {
		id := e.running(nil, "sleep", "60")
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
			e.T.Errorf("inspect of a created exec: %+v", in)
		}
	})
}
