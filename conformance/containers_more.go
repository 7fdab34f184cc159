package conformance

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

func init() {
	// Every container operation on a missing container is a 404 matching
	// wire.ErrNotFound.
	register("containers/errors/not-found-every-operation", func(e *Env) {
		missing := "dw-missing-" + e.RunID
		cs := e.Client.Containers
		ctx := e.Ctx
		checks := []struct {
			what string
			call func() error
		}{
			{"start", func() error {
				_, err := cs.Start(ctx, missing, endpoints.ContainerStartOptions{})
				return err
			}},
			{"stop", func() error {
				_, err := cs.Stop(ctx, missing, endpoints.ContainerStopOptions{})
				return err
			}},
			{"restart", func() error {
				_, err := cs.Restart(ctx, missing, endpoints.ContainerRestartOptions{})
				return err
			}},
			{"kill", func() error {
				_, err := cs.Kill(ctx, missing, endpoints.ContainerKillOptions{})
				return err
			}},
			{"pause", func() error {
				_, err := cs.Pause(ctx, missing, endpoints.ContainerPauseOptions{})
				return err
			}},
			{"unpause", func() error {
				_, err := cs.Unpause(ctx, missing, endpoints.ContainerUnpauseOptions{})
				return err
			}},
			{"rename", func() error {
				_, err := cs.Rename(ctx, missing, missing+"-2", endpoints.ContainerRenameOptions{})
				return err
			}},
			{"delete", func() error {
				_, err := cs.Delete(ctx, missing, endpoints.ContainerDeleteOptions{})
				return err
			}},
			{"wait", func() error { _, err := cs.Wait(ctx, missing, endpoints.ContainerWaitOptions{}); return err }},
			{"top", func() error { _, err := cs.Top(ctx, missing, endpoints.ContainerTopOptions{}); return err }},
			{"changes", func() error { _, err := cs.Changes(ctx, missing, endpoints.ContainerChangesOptions{}); return err }},
			{"logs", func() error {
				l, err := cs.Logs(ctx, missing, endpoints.ContainerLogsOptions{Stdout: true})
				if err == nil {
					l.Close()
				}
				return err
			}},
			{"export", func() error {
				r, err := cs.Export(ctx, missing, endpoints.ContainerExportOptions{})
				if err == nil {
					r.Close()
				}
				return err
			}},
			{"stat path", func() error {
				_, err := cs.StatPath(ctx, missing, "/", endpoints.ContainerStatPathOptions{})
				return err
			}},
			{"exec create", func() error {
				_, err := e.Client.Exec.Create(ctx, missing, endpoints.ExecCreateOptions{Cmd: []string{"true"}})
				return err
			}},
		}
		for _, c := range checks {
			e.wantStatus(c.what+" of a missing container", c.call(), 404, wire.ErrNotFound)
		}
	})

	// Starting a running container and stopping a stopped one: the daemon
	// answers 304 Not Modified, which is success, as in docker-py.
	register("containers/start-stop/not-modified-is-success", func(e *Env) {
		id := e.running(nil, "sleep", "60")
		start, err := e.Client.Containers.Start(e.Ctx, id, endpoints.ContainerStartOptions{})
		if err != nil || !start.NotModified {
			e.T.Errorf("start of a running container: %+v %v, want NotModified", start, err)
		}
		zero := 0
		stop, err := e.Client.Containers.Stop(e.Ctx, id, endpoints.ContainerStopOptions{Timeout: &zero})
		if err != nil || stop.NotModified {
			e.T.Fatalf("stop: %+v %v", stop, err)
		}
		stop, err = e.Client.Containers.Stop(e.Ctx, id, endpoints.ContainerStopOptions{Timeout: &zero})
		if err != nil || !stop.NotModified {
			e.T.Errorf("stop of a stopped container: %+v %v, want NotModified", stop, err)
		}
	})

	register("containers/errors/conflict-409", func(e *Env) {
		name := "dw-conflict-" + e.RunID
		id := e.newContainer(endpoints.ContainerConfig{Cmd: []string{"sleep", "60"}}, nil)
		if _, err := e.Client.Containers.Rename(e.Ctx, id, name, endpoints.ContainerRenameOptions{}); err != nil {
			e.T.Fatalf("rename: %v", err)
		}
		// A second container under the same name.
		_, err := e.Client.Containers.Create(e.Ctx, endpoints.ContainerCreateOptions{Name: name, Config: endpoints.ContainerConfig{Image: e.Image, Cmd: []string{"true"}, Labels: e.Labels()}})
		e.wantStatus("create under a taken name", err, 409, wire.ErrConflict)
		other := e.newContainer(endpoints.ContainerConfig{Cmd: []string{"true"}}, nil)
		_, err = e.Client.Containers.Rename(e.Ctx, other, name, endpoints.ContainerRenameOptions{})
		e.wantStatus("rename to a taken name", err, 409, wire.ErrConflict)

		e.start(id)
		_, err = e.Client.Containers.Delete(e.Ctx, id, endpoints.ContainerDeleteOptions{})
		e.wantStatus("delete of a running container without force", err, 409, wire.ErrConflict)
		// Pausing a stopped container, unpausing a running one, killing a
		// stopped one.
		// dockerd 20.10 answers 500 here, newer daemons 409: both name the state.
		_, err = e.Client.Containers.Unpause(e.Ctx, id, endpoints.ContainerUnpauseOptions{})
		if werr := (*wire.Error)(nil); !errors.As(err, &werr) || (werr.StatusCode != 409 && werr.StatusCode != 500) || !strings.Contains(werr.Message, "not paused") {
			e.T.Errorf("unpause of a container that is not paused: %v, want a 409 (500 before API 1.42) saying it is not paused", err)
		}
		_, err = e.Client.Containers.Kill(e.Ctx, id, endpoints.ContainerKillOptions{Signal: "SIGNOTREAL"})
		e.wantStatus("kill with a well-formed unknown signal", err, 400, wire.ErrInvalidArgument)
		_, err = e.Client.Containers.Pause(e.Ctx, other, endpoints.ContainerPauseOptions{})
		e.wantStatus("pause of a container that is not running", err, 409, wire.ErrConflict)
		_, err = e.Client.Containers.Kill(e.Ctx, other, endpoints.ContainerKillOptions{})
		e.wantStatus("kill of a container that is not running", err, 409, wire.ErrConflict)
		_, err = e.Client.Exec.Create(e.Ctx, other, endpoints.ExecCreateOptions{Cmd: []string{"true"}})
		e.wantStatus("exec in a container that is not running", err, 409, wire.ErrConflict)
	})

	register("containers/errors/bad-input-refused-before-io", func(e *Env) {
		cs := e.Client.Containers
		ctx, cancel := context.WithCancel(e.Ctx)
		cancel() // any I/O would fail with context.Canceled
		checks := []struct {
			what string
			err  error
		}{
			{"create with a bad name", func() error {
				_, err := cs.Create(ctx, endpoints.ContainerCreateOptions{Name: "bad name!", Config: endpoints.ContainerConfig{Image: e.Image}})
				return err
			}()},
			{"kill with a bad signal", func() error {
				_, err := cs.Kill(ctx, "x", endpoints.ContainerKillOptions{Signal: "sig kill"})
				return err
			}()},
			{"inspect with an empty id", func() error { _, err := cs.Inspect(ctx, "", endpoints.ContainerInspectOptions{}); return err }()},
			{"rename to a bad name", func() error {
				_, err := cs.Rename(ctx, "x", "no/slash", endpoints.ContainerRenameOptions{})
				return err
			}()},
		}
		for _, c := range checks {
			var ae *endpoints.ArgError
			if !errors.As(c.err, &ae) {
				e.T.Errorf("%s: %v, want *endpoints.ArgError before any I/O", c.what, c.err)
			}
		}
	})

	// The daemon refuses a config it cannot satisfy with 400; the client
	// refuses what it can check itself before sending.
	register("containers/create/invalid-config-400", func(e *Env) {
		res, err := e.Client.Containers.Create(e.Ctx, endpoints.ContainerCreateOptions{
			Config:     endpoints.ContainerConfig{Image: e.Image, Cmd: []string{"true"}, Labels: e.Labels()},
			HostConfig: &endpoints.HostConfig{Resources: endpoints.Resources{Memory: 1 << 20}},
		})
		if err == nil {
			e.removeLater(res.ID)
		}
		e.wantStatus("create with a 1 MiB memory limit (below the 6 MiB minimum)", err, 400, wire.ErrInvalidArgument)
		_, err = e.Client.Containers.Create(e.Ctx, endpoints.ContainerCreateOptions{
			Config:     endpoints.ContainerConfig{Image: e.Image, Cmd: []string{"true"}, Labels: e.Labels()},
			HostConfig: &endpoints.HostConfig{RestartPolicy: endpoints.RestartPolicy{Name: "no-such-policy"}},
		})
		var ae *endpoints.ArgError
		if !errors.As(err, &ae) {
			e.T.Errorf("create with an unknown restart policy: %v, want *endpoints.ArgError", err)
		}
	})

	// Version-gated field: Stop's Signal needs API 1.42.
	register("containers/stop/signal-version-gated", func(e *Env) {
		if e.apiAtLeast(42) {
			id := e.running(nil, "sleep", "60")
			if _, err := e.Client.Containers.Stop(e.Ctx, id, endpoints.ContainerStopOptions{Signal: "SIGKILL"}); err != nil {
				e.T.Fatalf("stop with SIGKILL: %v", err)
			}
			if st := e.state(id); st.Running || st.ExitCode != 137 {
				e.T.Errorf("after stop with SIGKILL: running %v exit %d, want exited 137", st.Running, st.ExitCode)
			}
			return
		}
		e.wantVersionError("stop with Signal below 1.42", func(ctx context.Context) error {
			_, err := e.Client.Containers.Stop(ctx, "x", endpoints.ContainerStopOptions{Signal: "SIGKILL"})
			return err
		})
	})

	register("containers/list/label-and-status-filters", func(e *Env) {
		running := e.started(endpoints.ContainerConfig{Cmd: []string{"sleep", "60"}, Labels: map[string]string{"dockwire.role": "runner"}}, nil)
		created := e.newContainer(endpoints.ContainerConfig{Cmd: []string{"true"}, Labels: map[string]string{"dockwire.role": "idle"}}, nil)
		ids := func(opts endpoints.ContainerListOptions) []string {
			e.T.Helper()
			list, err := e.Client.Containers.List(e.Ctx, opts)
			if err != nil {
				e.T.Fatalf("list: %v", err)
			}
			var out []string
			for _, c := range list.Items {
				out = append(out, c.ID)
			}
			slices.Sort(out)
			return out
		}
		both := []string{running, created}
		slices.Sort(both)
		tests := []struct {
			name string
			opts endpoints.ContainerListOptions
			want []string
		}{
			{"run label, all", endpoints.ContainerListOptions{All: true, Filters: wire.Filters{"label": {e.LabelFilter()}}}, both},
			{"run label, running only", endpoints.ContainerListOptions{Filters: wire.Filters{"label": {e.LabelFilter()}}}, []string{running}},
			{"status created", endpoints.ContainerListOptions{All: true, Filters: wire.Filters{"label": {e.LabelFilter()}, "status": {"created"}}}, []string{created}},
			{"two labels", endpoints.ContainerListOptions{All: true, Filters: wire.Filters{"label": {e.LabelFilter(), "dockwire.role=idle"}}}, []string{created}},
			{"label key only", endpoints.ContainerListOptions{All: true, Filters: wire.Filters{"label": {e.LabelFilter(), "dockwire.role"}}}, both},
			{"id", endpoints.ContainerListOptions{All: true, Filters: wire.Filters{"label": {e.LabelFilter()}, "id": {running}}}, []string{running}},
		}
		for _, tt := range tests {
			if got := ids(tt.opts); !slices.Equal(got, tt.want) {
				e.T.Errorf("%s: %v, want %v", tt.name, got, tt.want)
			}
		}
	})

	register("containers/archive/missing-path-404", func(e *Env) {
		id := e.newContainer(endpoints.ContainerConfig{Cmd: []string{"true"}}, nil)
		_, err := e.Client.Containers.StatPath(e.Ctx, id, "/no/such/path-"+e.RunID, endpoints.ContainerStatPathOptions{})
		e.wantStatus("stat of a missing path", err, 404, wire.ErrNotFound)
		_, err = e.Client.Containers.GetArchive(e.Ctx, id, "/no/such/path-"+e.RunID, endpoints.ContainerGetArchiveOptions{})
		e.wantStatus("archive of a missing path", err, 404, wire.ErrNotFound)
	})
}
