package conformance

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// runToExit creates a labelled container with cfg and hc, starts it, waits
// for it to exit and returns its id, exit code and output (stdout and
// stderr together).
func (e *Env) runToExit(cfg endpoints.ContainerConfig, hc *endpoints.HostConfig) (string, int64, string) {
	e.T.Helper()
	id := e.started(cfg, hc)
	return id, e.exitCode(id), e.logsOf(id)
}

// logLines reads a container's logs with opts, stdout and stderr apart.
func (e *Env) logLines(id string, opts endpoints.ContainerLogsOptions) (stdout, stderr string) {
	e.T.Helper()
	l, err := e.Client.Containers.Logs(e.Ctx, id, opts)
	if err != nil {
		e.T.Fatalf("logs %+v: %v", opts, err)
	}
	defer l.Close()
	var o, s bytes.Buffer
	if _, err := l.Demux(&o, &s); err != nil {
		e.T.Fatalf("logs %+v: %v", opts, err)
	}
	return o.String(), s.String()
}

func init() {
	// The process sees the configuration it was created with.
	register("containers/run/env-workdir-user-hostname-in-process", func(e *Env) {
		_, code, out := e.runToExit(endpoints.ContainerConfig{
			Cmd: []string{"sh", "-c", `echo "$FOO|$(pwd)|$(id -u):$(id -g)|$(hostname)"`},
			Env: []string{"FOO=bar baz"}, WorkingDir: "/tmp", User: "1000:1001", Hostname: "dw-" + e.RunID,
		}, nil)
		want := "bar baz|/tmp|1000:1001|dw-" + e.RunID + "\n"
		if code != 0 || out != want {
			e.T.Errorf("process saw %q (exit %d), want %q", out, code, want)
		}
	})

	register("containers/run/entrypoint-and-cmd", func(e *Env) {
		id, code, out := e.runToExit(endpoints.ContainerConfig{Entrypoint: []string{"echo", "from-entrypoint"}, Cmd: []string{"and", "cmd"}}, nil)
		if code != 0 || out != "from-entrypoint and cmd\n" {
			e.T.Errorf("entrypoint+cmd: %q (exit %d)", out, code)
		}
		c, err := e.Client.Containers.Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{})
		if err != nil {
			e.T.Fatalf("inspect: %v", err)
		}
		if c.Path != "echo" || !slices.Equal(c.Args, []string{"from-entrypoint", "and", "cmd"}) {
			e.T.Errorf("inspect Path %q Args %q, want echo [from-entrypoint and cmd]", c.Path, c.Args)
		}
	})

	// A read-only root filesystem refuses writes in the process, while a
	// tmpfs mount stays writable.
	register("containers/run/readonly-rootfs-tmpfs-writable", func(e *Env) {
		hc := &endpoints.HostConfig{ReadonlyRootfs: true, Tmpfs: map[string]string{"/scratch": "size=1m"}}
		_, code, out := e.runToExit(endpoints.ContainerConfig{Cmd: []string{"sh", "-c", "touch /rootfile && echo wrote-root; echo x > /scratch/f && cat /scratch/f"}}, hc)
		if strings.Contains(out, "wrote-root") {
			e.T.Errorf("write to a read-only rootfs succeeded: %q", out)
		}
		if !strings.Contains(out, "Read-only file system") {
			e.T.Errorf("output %q lacks the EROFS message", out)
		}
		// stdout and stderr reach the log through two pipes: touch's
		// complaint may come after the x.
		if code != 0 || !slices.Contains(strings.Split(out, "\n"), "x") {
			e.T.Errorf("tmpfs write: %q (exit %d), want a line x", out, code)
		}
	})

	// Extra hosts and DNS servers land in the files the process reads.
	register("containers/run/extra-hosts-and-dns-files", func(e *Env) {
		_, code, out := e.runToExit(endpoints.ContainerConfig{Cmd: []string{"sh", "-c", "cat /etc/hosts /etc/resolv.conf"}},
			&endpoints.HostConfig{ExtraHosts: []string{"dwpeer:10.1.2.3"}, DNS: []string{"10.0.0.53"}, DNSSearch: []string{"dw.example"}})
		if code != 0 {
			e.T.Fatalf("exit %d: %q", code, out)
		}
		for _, want := range []string{"10.1.2.3\tdwpeer", "nameserver 10.0.0.53", "search dw.example"} {
			if !strings.Contains(out, want) {
				e.T.Errorf("/etc/hosts + /etc/resolv.conf lack %q:\n%s", want, out)
			}
		}
	})

	register("containers/network/mode-none-only-loopback", func(e *Env) {
		id, code, out := e.runToExit(endpoints.ContainerConfig{Cmd: []string{"sh", "-c", "ls /sys/class/net"}}, &endpoints.HostConfig{NetworkMode: "none"})
		if code != 0 || strings.Join(strings.Fields(out), " ") != "lo" {
			e.T.Errorf("interfaces with network mode none: %q (exit %d), want lo only", out, code)
		}
		c, err := e.Client.Containers.Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{})
		if err != nil {
			e.T.Fatalf("inspect: %v", err)
		}
		if c.HostConfig.NetworkMode != "none" || c.NetworkSettings == nil || c.NetworkSettings.Networks["none"] == nil {
			e.T.Errorf("inspect: NetworkMode %q networks %+v, want none", c.HostConfig.NetworkMode, c.NetworkSettings)
		}
	})

	register("containers/inspect/healthcheck-and-restart-policy", func(e *Env) {
		hc := &endpoints.HealthConfig{Test: []string{"CMD-SHELL", "true"}, Interval: 2 * time.Second, Timeout: time.Second, Retries: 4, StartPeriod: 3 * time.Second}
		id := e.newContainer(endpoints.ContainerConfig{Cmd: []string{"sleep", "60"}, Healthcheck: hc},
			&endpoints.HostConfig{RestartPolicy: endpoints.RestartPolicy{Name: endpoints.RestartUnlessStopped}})
		c, err := e.Client.Containers.Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{})
		if err != nil {
			e.T.Fatalf("inspect: %v", err)
		}
		got := c.Config.Healthcheck
		if got == nil || !slices.Equal(got.Test, hc.Test) || got.Interval != hc.Interval || got.Timeout != hc.Timeout || got.Retries != 4 || got.StartPeriod != hc.StartPeriod {
			e.T.Errorf("inspect Healthcheck %+v, want %+v", got, hc)
		}
		if c.HostConfig.RestartPolicy.Name != endpoints.RestartUnlessStopped {
			e.T.Errorf("inspect RestartPolicy %+v, want unless-stopped", c.HostConfig.RestartPolicy)
		}
		if c.State.Health != nil && c.State.Health.Status != "" && c.State.Health.Status != "starting" {
			e.T.Errorf("health of a created container: %+v, want none yet or starting", c.State.Health)
		}
	})

	// A passing check makes the container healthy; a failing one
	// unhealthy after Retries failures, with its output in the log.
	register("containers/health/healthy-and-unhealthy", func(e *Env) {
		mk := func(test string) string {
			id := e.started(endpoints.ContainerConfig{Cmd: []string{"sleep", "60"}, Healthcheck: &endpoints.HealthConfig{
				Test: []string{"CMD-SHELL", test}, Interval: 200 * time.Millisecond, Timeout: 2 * time.Second, Retries: 2}}, nil)
			return id
		}
		good := mk("true")
		bad := mk("echo sick-" + e.RunID + "; exit 1")
		health := func(id, want string) *endpoints.Health {
			var h *endpoints.Health
			if !eventually(e.Ctx, 15*time.Second, func() bool { h = e.state(id).Health; return h != nil && h.Status == want }) {
				e.T.Errorf("health of %s: %+v, want %s", id[:12], h, want)
			}
			return h
		}
		if h := health(good, "healthy"); h != nil && (h.FailingStreak != 0 || len(h.Log) == 0 || h.Log[0].ExitCode != 0) {
			e.T.Errorf("healthy container's health %+v", h)
		}
		if h := health(bad, "unhealthy"); h != nil {
			if h.FailingStreak < 2 || len(h.Log) == 0 {
				e.T.Errorf("unhealthy container's health %+v, want a failing streak of at least 2", h)
			} else if last := h.Log[len(h.Log)-1]; last.ExitCode != 1 || !strings.Contains(last.Output, "sick-"+e.RunID) {
				e.T.Errorf("last check %+v, want exit 1 with its output", last)
			}
		}
		list, err := e.Client.Containers.List(e.Ctx, endpoints.ContainerListOptions{Filters: wire.Filters{"label": {e.LabelFilter()}, "health": {"unhealthy"}}})
		if err != nil {
			e.T.Fatalf("list health=unhealthy: %v", err)
		}
		if len(list.Items) != 1 || list.Items[0].ID != bad {
			e.T.Errorf("list health=unhealthy: %d containers, want only %s", len(list.Items), bad[:12])
		}
	})

	// A published port shows in inspect (with the port the daemon picked)
	// and in list.
	register("containers/ports/bindings-in-inspect-and-list", func(e *Env) {
		exposed, bindings, err := endpoints.PortBindings("127.0.0.1::8080")
		if err != nil {
			e.T.Fatal(err)
		}
		id := e.started(endpoints.ContainerConfig{Cmd: []string{"sleep", "60"}, ExposedPorts: exposed}, &endpoints.HostConfig{PortBindings: bindings})
		c, err := e.Client.Containers.Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{})
		if err != nil {
			e.T.Fatalf("inspect: %v", err)
		}
		var hostPort string
		if b := c.NetworkSettings.Ports["8080/tcp"]; len(b) > 0 {
			hostPort = b[0].HostPort
			if b[0].HostIP != "127.0.0.1" || hostPort == "" || hostPort == "0" {
				e.T.Errorf("inspect NetworkSettings.Ports[8080/tcp] = %+v, want 127.0.0.1 with a picked port", b)
			}
		} else {
			e.T.Errorf("inspect NetworkSettings.Ports %+v lack 8080/tcp", c.NetworkSettings.Ports)
		}
		list, err := e.Client.Containers.List(e.Ctx, endpoints.ContainerListOptions{Filters: wire.Filters{"id": {id}}})
		if err != nil || len(list.Items) != 1 {
			e.T.Fatalf("list: %d, %v", len(list.Items), err)
		}
		ok := false
		for _, p := range list.Items[0].Ports {
			if p.PrivatePort == 8080 && p.Type == "tcp" && p.IP == "127.0.0.1" && p.PublicPort != 0 && hostPort == strconv.Itoa(int(p.PublicPort)) {
				ok = true
			}
		}
		if !ok {
			e.T.Errorf("list Ports %+v, want 127.0.0.1:%s->8080/tcp", list.Items[0].Ports, hostPort)
		}
	})

	register("containers/logs/tail-zero-n-and-all", func(e *Env) {
		id := e.exited("sh", "-c", "for i in 1 2 3 4 5; do echo line$i; done")
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
	})

	register("containers/logs/stdout-stderr-selection", func(e *Env) {
		id := e.exited("sh", "-c", "echo out1; echo err1 >&2; echo out2")
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
	})

	// Wait with condition "removed" returns once an AutoRemove container
	// is gone, with its exit code.
	register("containers/wait/removed-with-autoremove", func(e *Env) {
		id := e.newContainer(endpoints.ContainerConfig{Cmd: []string{"sh", "-c", "sleep 0.5; exit 9"}}, &endpoints.HostConfig{AutoRemove: true})
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
	})

	// Wait not-running on a container that never started returns at once.
	register("containers/wait/not-running-on-created", func(e *Env) {
		id := e.newContainer(endpoints.ContainerConfig{Cmd: []string{"true"}}, nil)
		ctx, cancel := context.WithTimeout(e.Ctx, 10*time.Second)
		defer cancel()
		res, err := e.Client.Containers.Wait(ctx, id, endpoints.ContainerWaitOptions{Condition: endpoints.WaitNotRunning})
		if err != nil || res.StatusCode != 0 {
			e.T.Errorf("wait not-running on a created container: %+v %v, want 0 at once", res, err)
		}
	})

	register("containers/top/ps-args", func(e *Env) {
		id := e.running(nil, "sleep", "77")
		top := e.topUntil(id, endpoints.ContainerTopOptions{PsArgs: "-o pid,args"}, func(row []string) bool {
			return len(row) == 2 && row[1] == "sleep 77"
		})
		if !slices.Equal(top.Titles, []string{"PID", "COMMAND"}) {
			e.T.Errorf("titles %q, want [PID COMMAND]", top.Titles)
		}
		found := false
		for _, p := range top.Processes {
			if len(p) != 2 {
				e.T.Errorf("process row %q, want 2 columns", p)
				continue
			}
			found = found || p[1] == "sleep 77"
		}
		if !found {
			e.T.Errorf("top: %q, want a row for sleep 77", top.Processes)
		}
	})

	// PUT archive: a regular file may not replace a directory when
	// noOverwriteDirNonDir is set; into a missing directory is 404.
	register("containers/archive/put-no-overwrite-dir-non-dir", func(e *Env) {
		id := e.newContainer(endpoints.ContainerConfig{Cmd: []string{"true"}}, nil)
		tarOf := func(name string, data string) *bytes.Buffer {
			var buf bytes.Buffer
			tw := tar.NewWriter(&buf)
			tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg})
			tw.Write([]byte(data))
			tw.Close()
			return &buf
		}
		_, err := e.Client.Containers.PutArchive(e.Ctx, id, "/", tarOf("tmp", "not a dir"), endpoints.ContainerPutArchiveOptions{NoOverwriteDirNonDir: true})
		var werr *wire.Error
		if !errors.As(err, &werr) || werr.StatusCode < 400 || !strings.Contains(werr.Message, "cannot overwrite") {
			e.T.Errorf("put a file over /tmp with noOverwriteDirNonDir: %v, want the daemon's refusal", err)
		}
		if st, err := e.Client.Containers.StatPath(e.Ctx, id, "/tmp", endpoints.ContainerStatPathOptions{}); err != nil || !st.Mode.IsDir() {
			e.T.Errorf("/tmp after the refused put: %+v %v, want still a directory", st, err)
		}
		_, err = e.Client.Containers.PutArchive(e.Ctx, id, "/no-such-dir-"+e.RunID, tarOf("f", "x"), endpoints.ContainerPutArchiveOptions{})
		e.wantStatus("put into a missing directory", err, 404, wire.ErrNotFound)
		if _, err := e.Client.Containers.PutArchive(e.Ctx, id, "/tmp", tarOf("put-"+e.RunID, "hello"), endpoints.ContainerPutArchiveOptions{}); err != nil {
			e.T.Fatalf("put into /tmp: %v", err)
		}
		if st, err := e.Client.Containers.StatPath(e.Ctx, id, "/tmp/put-"+e.RunID, endpoints.ContainerStatPathOptions{}); err != nil || st.Size != 5 {
			e.T.Errorf("stat of the put file: %+v %v, want 5 bytes", st, err)
		}
	})

	register("containers/list/ancestor-name-exited-filters", func(e *Env) {
		name := "dw-lf-" + e.RunID
		zero, code, _ := e.runToExit(endpoints.ContainerConfig{Cmd: []string{"true"}}, nil)
		three, code3, _ := e.runToExit(endpoints.ContainerConfig{Cmd: []string{"sh", "-c", "exit 3"}}, nil)
		if code != 0 || code3 != 3 {
			e.T.Fatalf("exit codes %d %d", code, code3)
		}
		named := e.create(endpoints.ContainerCreateOptions{Name: name, Config: endpoints.ContainerConfig{Cmd: []string{"true"}}})
		ids := func(f wire.Filters) []string {
			e.T.Helper()
			f["label"] = []string{e.LabelFilter()}
			list, err := e.Client.Containers.List(e.Ctx, endpoints.ContainerListOptions{All: true, Filters: f})
			if err != nil {
				e.T.Fatalf("list %v: %v", f, err)
			}
			var out []string
			for _, c := range list.Items {
				out = append(out, c.ID)
			}
			slices.Sort(out)
			return out
		}
		sorted := func(s ...string) []string { slices.Sort(s); return s }
		tests := []struct {
			f    wire.Filters
			want []string
		}{
			{wire.Filters{"exited": {"3"}}, []string{three}},
			{wire.Filters{"exited": {"0"}}, []string{zero}},
			{wire.Filters{"name": {name}}, []string{named}},
			{wire.Filters{"ancestor": {e.Image}}, sorted(zero, three, named)},
			{wire.Filters{"ancestor": {"dockwire-absent-" + e.RunID + ":none"}}, nil},
			{wire.Filters{"status": {"exited"}, "exited": {"3"}}, []string{three}},
		}
		for _, tt := range tests {
			if got := ids(tt.f); !slices.Equal(got, tt.want) {
				e.T.Errorf("list %v: %v, want %v", tt.f, got, tt.want)
			}
		}
	})

	// Size is computed only when asked for.
	register("containers/inspect/size", func(e *Env) {
		id, _, _ := e.runToExit(endpoints.ContainerConfig{Cmd: []string{"sh", "-c", "head -c 4096 /dev/zero > /big"}}, nil)
		plain, err := e.Client.Containers.Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{})
		if err != nil {
			e.T.Fatalf("inspect: %v", err)
		}
		if plain.SizeRw != nil || plain.SizeRootFs != nil {
			e.T.Errorf("inspect without size: SizeRw %v SizeRootFs %v, want absent", plain.SizeRw, plain.SizeRootFs)
		}
		sized, err := e.Client.Containers.Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{Size: true})
		if err != nil {
			e.T.Fatalf("inspect size: %v", err)
		}
		if sized.SizeRw == nil || *sized.SizeRw < 4096 || sized.SizeRootFs == nil || *sized.SizeRootFs <= *sized.SizeRw {
			e.T.Errorf("inspect with size: SizeRw %v SizeRootFs %v, want >= 4096 and a larger root", deref(sized.SizeRw), deref(sized.SizeRootFs))
		}
		list, err := e.Client.Containers.List(e.Ctx, endpoints.ContainerListOptions{All: true, Size: true, Filters: wire.Filters{"id": {id}}})
		if err != nil || len(list.Items) != 1 {
			e.T.Fatalf("list size: %d %v", len(list.Items), err)
		}
		if list.Items[0].SizeRw < 4096 || list.Items[0].SizeRootFs <= list.Items[0].SizeRw {
			e.T.Errorf("list with size: SizeRw %d SizeRootFs %d", list.Items[0].SizeRw, list.Items[0].SizeRootFs)
		}
	})

	register("containers/pause/twice-conflict", func(e *Env) {
		id := e.running(nil, "sleep", "60")
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
			e.T.Errorf("state after the refused calls: %+v, want running and paused", st)
		}
	})

	// A stop waits the timeout for a process that ignores SIGTERM, then
	// kills it.
	register("containers/stop/timeout-then-kill", func(e *Env) {
		id := e.running(nil, "sleep", "60")
		one := 1
		start := time.Now()
		if _, err := e.Client.Containers.Stop(e.Ctx, id, endpoints.ContainerStopOptions{Timeout: &one}); err != nil {
			e.T.Fatalf("stop: %v", err)
		}
		took := time.Since(start)
		st := e.state(id)
		if st.Running || st.ExitCode != 137 || st.Status != "exited" {
			e.T.Errorf("after stop: %+v, want exited 137", st)
		}
		if took < 900*time.Millisecond || took > 15*time.Second {
			e.T.Errorf("stop with t=1 took %v, want about a second", took)
		}
	})

	register("containers/state/exit-code-and-times", func(e *Env) {
		before := time.Now().Add(-2 * time.Second)
		id, code, _ := e.runToExit(endpoints.ContainerConfig{Cmd: []string{"sh", "-c", "exit 4"}}, nil)
		st := e.state(id)
		if code != 4 || st.ExitCode != 4 || st.Status != "exited" || st.Running || st.Pid != 0 {
			e.T.Errorf("state %+v (wait %d), want exited 4 with no pid", st, code)
		}
		started, err1 := time.Parse(time.RFC3339Nano, st.StartedAt)
		finished, err2 := time.Parse(time.RFC3339Nano, st.FinishedAt)
		if err1 != nil || err2 != nil || started.Before(before) || finished.Before(before) || finished.Sub(started).Abs() > time.Minute {
			e.T.Errorf("StartedAt %q FinishedAt %q: %v %v", st.StartedAt, st.FinishedAt, err1, err2)
		}
		created := e.newContainer(endpoints.ContainerConfig{Cmd: []string{"true"}}, nil)
		if st := e.state(created); st.Status != "created" || !strings.HasPrefix(st.StartedAt, "0001-01-01") {
			e.T.Errorf("created container's state %+v, want created and a zero StartedAt", st)
		}
	})

	// Delete with v removes the container's anonymous volume.
	register("containers/delete/anonymous-volume-with-v", func(e *Env) {
		id := e.newContainer(endpoints.ContainerConfig{Cmd: []string{"true"}, Volumes: map[string]struct{}{"/data": {}}}, nil)
		c, err := e.Client.Containers.Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{})
		if err != nil {
			e.T.Fatalf("inspect: %v", err)
		}
		var vol string
		for _, m := range c.Mounts {
			if m.Destination == "/data" && m.Type == "volume" {
				vol = m.Name
			}
		}
		if len(vol) != 64 {
			e.T.Fatalf("mounts %+v, want an anonymous volume at /data", c.Mounts)
		}
		e.removeVolumeLater(vol)
		if _, err := e.Client.Volumes.Inspect(e.Ctx, vol, endpoints.VolumeInspectOptions{}); err != nil {
			e.T.Fatalf("inspect the anonymous volume: %v", err)
		}
		if _, err := e.Client.Containers.Delete(e.Ctx, id, endpoints.ContainerDeleteOptions{RemoveVolumes: true}); err != nil {
			e.T.Fatalf("delete with v: %v", err)
		}
		_, err = e.Client.Volumes.Inspect(e.Ctx, vol, endpoints.VolumeInspectOptions{})
		e.wantStatus("anonymous volume after delete with v", err, 404, wire.ErrNotFound)
	})

	// A restart policy restarts a failing container up to its limit.
	register("containers/restart-policy/on-failure-retries", func(e *Env) {
		id := e.running(&endpoints.HostConfig{RestartPolicy: endpoints.RestartPolicy{Name: endpoints.RestartOnFailure, MaximumRetryCount: 2}}, "sh", "-c", "exit 1")
		var c endpoints.ContainerInspectResult
		if !eventually(e.Ctx, 30*time.Second, func() bool {
			var err error
			c, err = e.Client.Containers.Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{})
			return err == nil && c.RestartCount == 2 && c.State.Status == "exited"
		}) {
			e.T.Fatalf("after on-failure:2: RestartCount %d state %+v, want 2 restarts then exited", c.RestartCount, c.State)
		}
		time.Sleep(500 * time.Millisecond)
		if c, err := e.Client.Containers.Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{}); err != nil || c.RestartCount != 2 || c.State.ExitCode != 1 {
			e.T.Errorf("after the limit: RestartCount %d exit %d %v, want it to stay at 2 with exit 1", c.RestartCount, c.State.ExitCode, err)
		}
	})
}

func deref(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}
