package conformance

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// containerLifecycleScenarios are the scenarios of start, stop, restart, kill, pause, wait and restart policies, and the state each leaves.
var containerLifecycleScenarios = []scenario{
	{"containers/pause/state", func(e *Env) {
		id := e.run(command("sleep", "60"), nil)
		cs := e.Client.Containers
		if _, err := cs.Pause(e.Ctx, id, endpoints.ContainerPauseOptions{}); err != nil {
			e.T.Fatal(err)
		}
		if st := e.state(id); !st.Paused || st.Status != "paused" {
			e.T.Errorf("after pause: %+v", show(st))
		}
		if _, err := cs.Unpause(e.Ctx, id, endpoints.ContainerUnpauseOptions{}); err != nil {
			e.T.Fatal(err)
		}
		if st := e.state(id); st.Paused || st.Status != "running" {
			e.T.Errorf("after unpause: %+v", show(st))
		}
	}},

	{"containers/kill/sigterm-and-sigkill", func(e *Env) {
		cs := e.Client.Containers
		// PID 1 without a handler ignores SIGTERM.
		bare := e.run(command("sleep", "60"), nil)
		if _, err := cs.Kill(e.Ctx, bare, endpoints.ContainerKillOptions{Signal: "SIGTERM"}); err != nil {
			e.T.Fatal(err)
		}
		time.Sleep(500 * time.Millisecond)
		if st := e.state(bare); !st.Running {
			e.T.Errorf("PID 1 without init died of SIGTERM: %+v", show(st))
		}
		if _, err := cs.Kill(e.Ctx, bare, endpoints.ContainerKillOptions{Signal: "SIGKILL"}); err != nil {
			e.T.Fatal(err)
		}
		if !eventually(e.Ctx, 5*time.Second, func() bool { return !e.state(bare).Running }) {
			e.T.Errorf("SIGKILL did not stop the container")
		}
		if st := e.state(bare); st.ExitCode != 137 {
			e.T.Errorf("exit code after SIGKILL: %d, want 137", st.ExitCode)
		}
		// With Init, the init process forwards SIGTERM to sleep, which dies.
		init := true
		withInit := e.run(command("sleep", "60"), &endpoints.HostConfig{Resources: endpoints.Resources{Init: &init}})
		if _, err := cs.Kill(e.Ctx, withInit, endpoints.ContainerKillOptions{Signal: "SIGTERM"}); err != nil {
			e.T.Fatal(err)
		}
		if !eventually(e.Ctx, 5*time.Second, func() bool { return !e.state(withInit).Running }) {
			e.T.Errorf("SIGTERM did not stop the container run with Init")
		}
		// the init exits as its child did: 128+SIGTERM
		if st := e.state(withInit); st.ExitCode != 143 {
			e.T.Errorf("exit code of the container run with Init after SIGTERM: %d, want 143", st.ExitCode)
		}
		// And a shell that traps SIGTERM exits by its own rule.
		trap := e.run(command("sh", "-c", "trap 'exit 42' TERM; while true; do sleep 0.1; done"), nil)
		time.Sleep(200 * time.Millisecond)
		if _, err := cs.Kill(e.Ctx, trap, endpoints.ContainerKillOptions{Signal: "TERM"}); err != nil {
			e.T.Fatal(err)
		}
		res, err := cs.Wait(e.Ctx, trap, endpoints.ContainerWaitOptions{})
		if err != nil || res.StatusCode != 42 {
			e.T.Errorf("trapping shell: %+v %v, want 42", res, err)
		}
	}},

	{"containers/stop-restart/ok", func(e *Env) {
		init := true
		id := e.run(command("sleep", "60"), &endpoints.HostConfig{Resources: endpoints.Resources{Init: &init}})
		cs := e.Client.Containers
		t1 := 1
		if _, err := cs.Restart(e.Ctx, id, endpoints.ContainerRestartOptions{Timeout: &t1}); err != nil {
			e.T.Fatal(err)
		}
		if st := e.state(id); !st.Running {
			e.T.Errorf("after restart: %+v", show(st))
		}
		if _, err := cs.Stop(e.Ctx, id, endpoints.ContainerStopOptions{Timeout: &t1}); err != nil {
			e.T.Fatal(err)
		}
		if st := e.state(id); st.Running {
			e.T.Errorf("after stop: %+v", show(st))
		}
		if _, err := cs.Stop(e.Ctx, id, endpoints.ContainerStopOptions{}); err != nil {
			e.T.Errorf("stop of a stopped container: %v, want success (304)", err)
		}
	}},

	{"containers/wait/next-exit", func(e *Env) {
		id := e.container(endpoints.ContainerConfig{Cmd: []string{"sh", "-c", "sleep 1; exit 7"}}, nil)
		type result struct {
			r   endpoints.ContainerWaitResult
			err error
		}
		ch := make(chan result, 1)
		go func() {
			r, err := e.Client.Containers.Wait(e.Ctx, id, endpoints.ContainerWaitOptions{Condition: endpoints.WaitNextExit})
			ch <- result{r, err}
		}()
		time.Sleep(300 * time.Millisecond) // let the daemon register the wait
		e.start(id)
		select {
		case res := <-ch:
			if res.err != nil || res.r.StatusCode != 7 {
				e.T.Errorf("wait: %+v %v, want 7", res.r, res.err)
			}
		case <-e.Ctx.Done():
			e.T.Fatal("wait did not return")
		}
	}},

	// Wait with condition "removed" returns once an AutoRemove container
	// is gone, with its exit code.
	{"containers/wait/removed-with-autoremove", func(e *Env) {
		id := e.container(endpoints.ContainerConfig{Cmd: []string{"sh", "-c", "sleep 0.5; exit 9"}}, &endpoints.HostConfig{AutoRemove: true})
		type result struct {
			r   endpoints.ContainerWaitResult
			err error
		}
		ch := make(chan result, 1)
		go func() {
			r, err := e.Client.Containers.Wait(e.Ctx, id, endpoints.ContainerWaitOptions{Condition: endpoints.WaitRemoved})
			ch <- result{r, err}
		}()
		time.Sleep(300 * time.Millisecond)
		e.start(id)
		select {
		case res := <-ch:
			if res.err != nil || res.r.StatusCode != 9 {
				e.T.Errorf("wait removed: %+v %v, want 9", res.r, res.err)
			}
		case <-e.Ctx.Done():
			e.T.Fatal("wait removed did not return")
		}
		_, err := e.Client.Containers.Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{})
		e.wantStatus("inspect after wait removed", err, 404, wire.ErrNotFound)
	}},

	// Wait not-running on a container that never started returns at once.
	{"containers/wait/not-running-on-created", func(e *Env) {
		id := e.container(endpoints.ContainerConfig{Cmd: []string{"true"}}, nil)
		ctx, cancel := context.WithTimeout(e.Ctx, 10*time.Second)
		defer cancel()
		res, err := e.Client.Containers.Wait(ctx, id, endpoints.ContainerWaitOptions{Condition: endpoints.WaitNotRunning})
		if err != nil || res.StatusCode != 0 {
			e.T.Errorf("wait not-running on a created container: %+v %v, want 0 at once", res, err)
		}
	}},

	{"containers/pause/twice-conflict", func(e *Env) {
		id := e.run(command("sleep", "60"), nil)
		if _, err := e.Client.Containers.Pause(e.Ctx, id, endpoints.ContainerPauseOptions{}); err != nil {
			e.T.Fatalf("pause: %v", err)
		}
		_, err := e.Client.Containers.Pause(e.Ctx, id, endpoints.ContainerPauseOptions{})
		e.wantStatus("pause of a paused container", err, 409, wire.ErrConflict)
		_, err = e.Client.Containers.Start(e.Ctx, id, endpoints.ContainerStartOptions{})
		var werr *wire.Error
		if err != nil && (!errors.As(err, &werr) || werr.StatusCode != 409) {
			e.T.Errorf("start of a paused container: %v, want success (304) or 409", err)
		}
		if st := e.state(id); !st.Paused || !st.Running {
			e.T.Errorf("state after the refused calls: %+v, want running and paused", show(st))
		}
	}},

	// A stop waits the timeout for a process that ignores SIGTERM, then
	// kills it.
	{"containers/stop/timeout-then-kill", func(e *Env) {
		id := e.run(command("sleep", "60"), nil)
		one := 1
		start := time.Now()
		if _, err := e.Client.Containers.Stop(e.Ctx, id, endpoints.ContainerStopOptions{Timeout: &one}); err != nil {
			e.T.Fatalf("stop: %v", err)
		}
		took := time.Since(start)
		st := e.state(id)
		if st.Running || st.ExitCode != 137 || st.Status != "exited" {
			e.T.Errorf("after stop: %+v, want exited 137", show(st))
		}
		if took < 900*time.Millisecond || took > 15*time.Second {
			e.T.Errorf("stop with t=1 took %v, want about a second", took)
		}
	}},

	{"containers/state/exit-code-and-times", func(e *Env) {
		before := time.Now().Add(-2 * time.Second)
		id, code, _ := e.runToExit(endpoints.ContainerConfig{Cmd: []string{"sh", "-c", "exit 4"}}, nil)
		st := e.state(id)
		if code != 4 || st.ExitCode != 4 || st.Status != "exited" || st.Running || st.Pid != 0 {
			e.T.Errorf("state %+v (wait %d), want exited 4 with no pid", show(st), code)
		}
		started, err1 := time.Parse(time.RFC3339Nano, st.StartedAt)
		finished, err2 := time.Parse(time.RFC3339Nano, st.FinishedAt)
		if err1 != nil || err2 != nil || started.Before(before) || finished.Before(before) || finished.Sub(started).Abs() > time.Minute {
			e.T.Errorf("StartedAt %q FinishedAt %q: %v %v", st.StartedAt, st.FinishedAt, err1, err2)
		}
		created := e.container(endpoints.ContainerConfig{Cmd: []string{"true"}}, nil)
		if st := e.state(created); st.Status != "created" || !strings.HasPrefix(st.StartedAt, "0001-01-01") {
			e.T.Errorf("created container's state %+v, want created and a zero StartedAt", show(st))
		}
	}},

	// A restart policy restarts a failing container up to its limit.
	{"containers/restart-policy/on-failure-retries", func(e *Env) {
		id := e.run(command("sh", "-c", "exit 1"), &endpoints.HostConfig{RestartPolicy: endpoints.RestartPolicy{Name: endpoints.RestartOnFailure, MaximumRetryCount: 2}})
		var c endpoints.ContainerInspectResult
		if !eventually(e.Ctx, 30*time.Second, func() bool {
			var err error
			c, err = e.Client.Containers.Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{})
			return err == nil && c.RestartCount == 2 && c.State.Status == "exited"
		}) {
			e.T.Fatalf("after on-failure:2: RestartCount %d state %+v, want 2 restarts then exited", c.RestartCount, show(c.State))
		}
		time.Sleep(500 * time.Millisecond)
		if c, err := e.Client.Containers.Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{}); err != nil || c.RestartCount != 2 || c.State.ExitCode != 1 {
			e.T.Errorf("after the limit: RestartCount %d exit %d %v, want it to stay at 2 with exit 1", c.RestartCount, c.State.ExitCode, err)
		}
	}},

	// Starting a running container and stopping a stopped one: the daemon
	// answers 304 Not Modified, which is success, as in docker-py.
	{"containers/start-stop/not-modified-is-success", func(e *Env) {
		id := e.run(command("sleep", "60"), nil)
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
	}},

	// Version-gated field: Stop's Signal needs API 1.42.
	{"containers/stop/signal-version-gated", func(e *Env) {
		if e.apiAtLeast(42) {
			id := e.run(command("sleep", "60"), nil)
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
	}},
}
