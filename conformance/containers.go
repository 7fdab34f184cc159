package conformance

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// containers returns the Container operations of the target's client.
func (e *Env) containers() *endpoints.ContainerService { return e.Client.Containers }

// removeLater registers the forced removal of container id.
func (e *Env) removeLater(id string) {
	cs := e.containers()
	e.Cleanup(func(ctx context.Context) error {
		_, err := cs.Delete(ctx, id, endpoints.ContainerDeleteOptions{Force: true, RemoveVolumes: true})
		if errors.Is(err, wire.ErrNotFound) {
			return nil
		}
		return err
	})
}

// newContainer creates a labelled container of the test image (unless cfg
// names another) and registers its removal.
func (e *Env) newContainer(cfg endpoints.ContainerConfig, hc *endpoints.HostConfig) string {
	e.T.Helper()
	return e.create(endpoints.ContainerCreateOptions{Config: cfg, HostConfig: hc})
}

// create creates a container from opts, with the test image unless
// opts.Config names another and the run's labels added to its own, and
// registers its removal.
func (e *Env) create(opts endpoints.ContainerCreateOptions) string {
	e.T.Helper()
	cfg := &opts.Config
	if cfg.Image == "" {
		cfg.Image = e.Image
	}
	labels := e.Labels()
	for k, v := range cfg.Labels {
		labels[k] = v
	}
	cfg.Labels = labels
	res, err := e.containers().Create(e.Ctx, opts)
	if err != nil {
		e.T.Fatalf("create: %v", err)
	}
	e.removeLater(res.ID)
	return res.ID
}

// start starts container id.
func (e *Env) start(id string) {
	e.T.Helper()
	if _, err := e.containers().Start(e.Ctx, id, endpoints.ContainerStartOptions{}); err != nil {
		e.T.Fatalf("start: %v", err)
	}
}

// started creates a labelled container from cfg and hc (see newContainer)
// and starts it.
func (e *Env) started(cfg endpoints.ContainerConfig, hc *endpoints.HostConfig) string {
	e.T.Helper()
	id := e.newContainer(cfg, hc)
	e.start(id)
	return id
}

// running creates and starts a labelled container running cmd.
func (e *Env) running(hc *endpoints.HostConfig, cmd ...string) string {
	e.T.Helper()
	return e.started(endpoints.ContainerConfig{Cmd: cmd}, hc)
}

// topUntil lists a container's processes until one row satisfies match or
// 10 s pass, and returns the last listing. Right after start, dockerd may
// still show "runc init" where the command will be.
func (e *Env) topUntil(id string, opts endpoints.ContainerTopOptions, match func(row []string) bool) endpoints.ContainerTopResult {
	e.T.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		top, err := e.containers().Top(e.Ctx, id, opts)
		if err != nil {
			e.T.Fatalf("top: %v", err)
		}
		for _, row := range top.Processes {
			if match(row) {
				return top
			}
		}
		if time.Now().After(deadline) || e.Ctx.Err() != nil {
			return top
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// exited runs cmd in a labelled container and waits for it to exit.
func (e *Env) exited(cmd ...string) string {
	e.T.Helper()
	id := e.running(nil, cmd...)
	e.exitCode(id)
	return id
}

func (e *Env) state(id string) *endpoints.ContainerState {
	e.T.Helper()
	c, err := e.containers().Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{})
	if err != nil {
		e.T.Fatalf("inspect: %v", err)
	}
	if c.State == nil {
		e.T.Fatalf("inspect: no State")
	}
	return c.State
}

// eventually polls cond every 50ms for up to d.
func eventually(ctx context.Context, d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func init() {
	register("containers/run/exit-code", func(e *Env) {
		cmd := []string{"sh", "-c", "echo hi; echo bad >&2; exit 3"}
		res, err := e.containers().Run(e.Ctx, endpoints.ContainerRunOptions{Image: e.Image, Command: cmd, Remove: true, Labels: e.Labels()})
		if res.ID != "" {
			e.removeLater(res.ID)
		}
		var ce *endpoints.ContainerError
		if !errors.As(err, &ce) {
			e.T.Fatalf("run: %v (%T), want *endpoints.ContainerError", err, err)
		}
		if ce.ExitCode != 3 || ce.Image != e.Image || strings.Join(ce.Command, " ") != strings.Join(cmd, " ") || string(ce.Stderr) != "bad\n" {
			e.T.Errorf("ContainerError: code %d image %q command %q stderr %q", ce.ExitCode, ce.Image, ce.Command, ce.Stderr)
		}
		if string(res.Output) != "hi\n" {
			e.T.Errorf("output %q, want %q", res.Output, "hi\n")
		}
		_, err = e.containers().Inspect(e.Ctx, res.ID, endpoints.ContainerInspectOptions{})
		if !errors.Is(err, wire.ErrNotFound) {
			e.T.Errorf("after Run with Remove, inspect: %v, want not found", err)
		}
	})
	register("containers/run/stderr-and-autoremove", func(e *Env) {
		res, err := e.containers().Run(e.Ctx, endpoints.ContainerRunOptions{Image: e.Image, Command: []string{"sh", "-c", "echo out; echo err >&2"},
			Stderr: true, AutoRemove: true, Labels: e.Labels(), Env: []string{"X=1"}, MemLimit: "64m"})
		if res.ID != "" {
			e.removeLater(res.ID)
		}
		if err != nil {
			e.T.Fatal(err)
		}
		if got := string(res.Output); got != "out\nerr\n" && got != "err\nout\n" {
			e.T.Errorf("output %q, want out and err", got)
		}
		if !eventually(e.Ctx, 10*time.Second, func() bool {
			_, err := e.containers().Inspect(e.Ctx, res.ID, endpoints.ContainerInspectOptions{})
			return errors.Is(err, wire.ErrNotFound)
		}) {
			e.T.Errorf("AutoRemove container still there")
		}
	})
	register("containers/run/detach", func(e *Env) {
		res, err := e.containers().Run(e.Ctx, endpoints.ContainerRunOptions{Image: e.Image, Command: []string{"sleep", "60"}, Detach: true, Labels: e.Labels(), Init: true})
		if res.ID != "" {
			e.removeLater(res.ID)
		}
		if err != nil {
			e.T.Fatal(err)
		}
		if st := e.state(res.ID); !st.Running {
			e.T.Errorf("detached container not running: %+v", st)
		}
	})
	register("containers/run/pull-missing-closed-port", func(e *Env) {
		start := time.Now()
		ctx, cancel := context.WithTimeout(e.Ctx, 60*time.Second)
		defer cancel()
		res, err := e.containers().Run(ctx, endpoints.ContainerRunOptions{Image: "127.0.0.1:9/none:x", Labels: e.Labels()})
		if res.ID != "" {
			e.removeLater(res.ID)
		}
		var werr *wire.Error
		var serr *wire.StreamError
		if !errors.As(err, &werr) && !errors.As(err, &serr) {
			e.T.Fatalf("run of an image on a closed port: %v (%T), want the daemon's typed error", err, err)
		}
		e.T.Logf("pull of 127.0.0.1:9/none:x: %v", err)
		if ctx.Err() != nil || time.Since(start) > 30*time.Second {
			e.T.Errorf("pull failure took %v", time.Since(start))
		}
	})
	register("containers/create/image-not-found", func(e *Env) {
		_, err := e.containers().Create(e.Ctx, endpoints.ContainerCreateOptions{Config: endpoints.ContainerConfig{Image: "dockwire-absent:none", Labels: e.Labels()}})
		if !errors.Is(err, endpoints.ErrImageNotFound) || !errors.Is(err, wire.ErrNotFound) {
			e.T.Fatalf("create with a missing image: %v, want ErrImageNotFound and wire.ErrNotFound", err)
		}
	})
	register("containers/create/full-config", func(e *Env) {
		exposed, bindings, err := endpoints.PortBindings("127.0.0.1::80")
		if err != nil {
			e.T.Fatal(err)
		}
		init := true
		st := 3
		id := e.newContainer(endpoints.ContainerConfig{
			Cmd: []string{"sleep", "60"}, Env: []string{"FOO=bar"}, WorkingDir: "/tmp", User: "1000", Hostname: "dwhost",
			ExposedPorts: exposed, StopSignal: "SIGINT", StopTimeout: &st, Labels: map[string]string{"extra": "yes"},
		}, &endpoints.HostConfig{
			Resources:     endpoints.Resources{Memory: 64 << 20, CPUShares: 512, Init: &init, Ulimits: []endpoints.Ulimit{{Name: "nofile", Soft: 1000, Hard: 2000}}},
			PortBindings:  bindings,
			RestartPolicy: endpoints.RestartPolicy{Name: endpoints.RestartOnFailure, MaximumRetryCount: 2},
			Mounts:        []endpoints.Mount{{Type: endpoints.MountTmpfs, Target: "/scratch", TmpfsOptions: &endpoints.MountTmpfsOptions{SizeBytes: 1 << 20}}},
			CapAdd:        []string{"NET_ADMIN"}, CapDrop: []string{"MKNOD"}, ExtraHosts: []string{"dwpeer:10.1.2.3"},
			DNS: []string{"10.0.0.53"}, ReadonlyRootfs: true, ShmSize: 8 << 20, SecurityOpt: []string{"no-new-privileges"},
		})
		c, err := e.containers().Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		hc, cfg := c.HostConfig, c.Config
		if hc == nil || cfg == nil {
			e.T.Fatalf("inspect without HostConfig or Config")
		}
		checks := []struct {
			what string
			ok   bool
		}{
			{"Env", strings.Contains(strings.Join(cfg.Env, " "), "FOO=bar")},
			{"WorkingDir", cfg.WorkingDir == "/tmp"},
			{"User", cfg.User == "1000"},
			{"Hostname", cfg.Hostname == "dwhost"},
			{"Labels", cfg.Labels["extra"] == "yes" && cfg.Labels[LabelKey] == e.RunID},
			{"StopSignal", cfg.StopSignal == "SIGINT"},
			{"StopTimeout", cfg.StopTimeout != nil && *cfg.StopTimeout == 3},
			{"ExposedPorts", len(cfg.ExposedPorts) == 1},
			{"Memory", hc.Memory == 64<<20},
			{"CPUShares", hc.CPUShares == 512},
			{"Init", hc.Init != nil && *hc.Init},
			{"Ulimits", len(hc.Ulimits) == 1 && hc.Ulimits[0].Hard == 2000},
			{"PortBindings", len(hc.PortBindings["80/tcp"]) == 1 && hc.PortBindings["80/tcp"][0].HostIP == "127.0.0.1"},
			{"RestartPolicy", hc.RestartPolicy.Name == "on-failure" && hc.RestartPolicy.MaximumRetryCount == 2},
			{"Mounts", len(hc.Mounts) == 1 && hc.Mounts[0].Target == "/scratch" && hc.Mounts[0].TmpfsOptions != nil && hc.Mounts[0].TmpfsOptions.SizeBytes == 1<<20},
			{"CapAdd", len(hc.CapAdd) == 1}, {"CapDrop", len(hc.CapDrop) == 1},
			{"ExtraHosts", len(hc.ExtraHosts) == 1 && hc.ExtraHosts[0] == "dwpeer:10.1.2.3"},
			{"DNS", len(hc.DNS) == 1}, {"ReadonlyRootfs", hc.ReadonlyRootfs}, {"ShmSize", hc.ShmSize == 8<<20},
			{"SecurityOpt", len(hc.SecurityOpt) == 1},
		}
		for _, c := range checks {
			if !c.ok {
				e.T.Errorf("inspect does not show %s as created: config %+v host config %+v", c.what, cfg, hc)
			}
		}
	})
	register("containers/list/filters", func(e *Env) {
		done := e.exited("true")
		live := e.running(nil, "sleep", "60")
		list := func(opts endpoints.ContainerListOptions) map[string]bool {
			opts.Filters["label"] = append(opts.Filters["label"], e.LabelFilter())
			got, err := e.containers().List(e.Ctx, opts)
			if err != nil {
				e.T.Fatal(err)
			}
			m := map[string]bool{}
			for _, c := range got.Items {
				m[c.ID] = true
				if c.Labels[LabelKey] != e.RunID || c.ShortID() != c.ID[:12] {
					e.T.Errorf("summary %+v", c)
				}
			}
			return m
		}
		if m := list(endpoints.ContainerListOptions{Filters: wire.Filters{}}); !m[live] || m[done] {
			e.T.Errorf("default list: %v, want only the running one", m)
		}
		if m := list(endpoints.ContainerListOptions{All: true, Filters: wire.Filters{}}); !m[live] || !m[done] {
			e.T.Errorf("all: %v, want both", m)
		}
		if m := list(endpoints.ContainerListOptions{All: true, Filters: wire.Filters{"status": {"exited"}}}); m[live] || !m[done] {
			e.T.Errorf("status=exited: %v, want the exited one", m)
		}
		if m := list(endpoints.ContainerListOptions{All: true, Filters: wire.Filters{"id": {live}}}); len(m) != 1 || !m[live] {
			e.T.Errorf("id filter: %v", m)
		}
	})
	register("containers/inspect/not-found", func(e *Env) {
		_, err := e.containers().Inspect(e.Ctx, "dockwire-no-such-container", endpoints.ContainerInspectOptions{})
		var werr *wire.Error
		if !errors.Is(err, wire.ErrNotFound) || errors.Is(err, endpoints.ErrImageNotFound) || !errors.As(err, &werr) || werr.Message == "" {
			e.T.Fatalf("inspect of a missing container: %v", err)
		}
	})
	register("containers/logs/since-until-tail-timestamps", func(e *Env) {
		id := e.exited("sh", "-c", "echo a; sleep 2; echo b")
		read := func(opts endpoints.ContainerLogsOptions) []string {
			l, err := e.containers().Logs(e.Ctx, id, opts)
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
	})
	register("containers/logs/follow-stops-on-cancel", func(e *Env) {
		id := e.running(nil, "sh", "-c", "while true; do echo tick; sleep 0.2; done")
		ctx, cancel := context.WithCancel(e.Ctx)
		defer cancel()
		l, err := e.containers().Logs(ctx, id, endpoints.ContainerLogsOptions{Follow: true})
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
	})
	register("containers/stats/one-shot-and-stream", func(e *Env) {
		id := e.running(nil, "sleep", "60")
		s, err := e.containers().StatsOnce(e.Ctx, id, endpoints.ContainerStatsOnceOptions{OneShot: true})
		if err != nil {
			e.T.Fatal(err)
		}
		if s.MemoryStats.Usage == 0 || s.CPUStats.CPUUsage.TotalUsage == 0 || s.Read.IsZero() {
			e.T.Errorf("one-shot stats lack CPU or memory: %+v", s)
		}
		st, err := e.containers().Stats(e.Ctx, id, endpoints.ContainerStatsOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		defer st.Close()
		if !st.Next() {
			e.T.Fatalf("stats stream: no sample: %v", st.Err())
		}
		if v := st.Value(); v.MemoryStats.Usage == 0 || v.ID != id {
			e.T.Errorf("stream sample: %+v", v)
		}
	})
	register("containers/top/lists-process", func(e *Env) {
		id := e.running(nil, "sleep", "123")
		top := e.topUntil(id, endpoints.ContainerTopOptions{}, func(row []string) bool {
			return strings.Contains(strings.Join(row, " "), "sleep 123")
		})
		found := false
		for _, p := range top.Processes {
			found = found || strings.Contains(strings.Join(p, " "), "sleep 123")
		}
		if len(top.Titles) == 0 || !found {
			e.T.Errorf("top: %+v, want sleep 123", top)
		}
	})
	register("containers/changes/touch", func(e *Env) {
		id := e.exited("touch", "/x")
		ch, err := e.containers().Changes(e.Ctx, id, endpoints.ContainerChangesOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		for _, c := range ch.Items {
			if c.Path == "/x" && c.Kind == endpoints.ChangeAdd {
				return
			}
		}
		e.T.Errorf("changes %+v lack an add of /x", ch)
	})
	register("containers/export/lists-busybox", func(e *Env) {
		id := e.newContainer(endpoints.ContainerConfig{Cmd: []string{"true"}}, nil)
		rc, err := e.containers().Export(e.Ctx, id, endpoints.ContainerExportOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		defer rc.Close()
		tr := tar.NewReader(rc)
		for {
			h, err := tr.Next()
			if err != nil {
				e.T.Fatalf("export: no bin/busybox before %v", err)
			}
			if strings.TrimPrefix(h.Name, "/") == "bin/busybox" {
				return
			}
		}
	})
	register("containers/archive/round-trip", func(e *Env) {
		id := e.newContainer(endpoints.ContainerConfig{Cmd: []string{"true"}}, nil)
		src := filepath.Join(e.T.TempDir(), "tree")
		files := map[string]string{
			"with space.txt":    "spaces\n",
			"ünïcödé-файл":      "unicode\n",
			"sub dir/nested.md": strings.Repeat("x", 70000),
			"empty":             "",
		}
		for name, data := range files {
			p := filepath.Join(src, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				e.T.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(data), 0o640); err != nil {
				e.T.Fatal(err)
			}
		}
		if err := os.Symlink("with space.txt", filepath.Join(src, "link to space")); err != nil {
			e.T.Fatal(err)
		}
		cs := e.containers()
		if _, err := cs.CopyTo(e.Ctx, id, src, "/tmp", endpoints.ContainerCopyToOptions{}); err != nil {
			e.T.Fatalf("copy in: %v", err)
		}
		st, err := cs.StatPath(e.Ctx, id, "/tmp/tree/with space.txt", endpoints.ContainerStatPathOptions{})
		if err != nil || st.Size != int64(len(files["with space.txt"])) || st.Name != "with space.txt" {
			e.T.Errorf("stat: %+v %v", st, err)
		}
		dst := e.T.TempDir()
		from, err := cs.CopyFrom(e.Ctx, id, "/tmp/tree", dst, endpoints.ContainerCopyFromOptions{})
		if err != nil {
			e.T.Fatalf("copy out: %v", err)
		}
		if !from.Mode.IsDir() {
			e.T.Errorf("stat of the tree: %+v", from)
		}
		for name, data := range files {
			got, err := os.ReadFile(filepath.Join(dst, "tree", name))
			if err != nil || string(got) != data {
				e.T.Errorf("%s: %d bytes, %v; want %d bytes", name, len(got), err, len(data))
			}
			fi, err := os.Stat(filepath.Join(dst, "tree", name))
			if err == nil && fi.Mode().Perm() != 0o640 {
				e.T.Errorf("%s: mode %v, want 0640", name, fi.Mode().Perm())
			}
		}
		if target, err := os.Readlink(filepath.Join(dst, "tree", "link to space")); err != nil || target != "with space.txt" {
			e.T.Errorf("symlink: %q %v", target, err)
		}
		if _, err := cs.StatPath(e.Ctx, id, "/tmp/nope", endpoints.ContainerStatPathOptions{}); !errors.Is(err, wire.ErrNotFound) {
			e.T.Errorf("stat of a missing path: %v, want not found", err)
		}
	})
	register("containers/update/memory", func(e *Env) {
		id := e.running(nil, "sleep", "60")
		if _, err := e.containers().Update(e.Ctx, id, endpoints.ContainerUpdateOptions{Resources: endpoints.Resources{Memory: 96 << 20, MemorySwap: -1},
			RestartPolicy: &endpoints.RestartPolicy{Name: endpoints.RestartUnlessStopped}}); err != nil {
			e.T.Fatal(err)
		}
		c, err := e.containers().Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		if c.HostConfig.Memory != 96<<20 || c.HostConfig.RestartPolicy.Name != endpoints.RestartUnlessStopped {
			e.T.Errorf("after update: Memory %d restart %q", c.HostConfig.Memory, c.HostConfig.RestartPolicy.Name)
		}
	})
	register("containers/rename/ok", func(e *Env) {
		id := e.newContainer(endpoints.ContainerConfig{Cmd: []string{"true"}}, nil)
		name := "dockwire-" + e.RunID + "-renamed"
		if _, err := e.containers().Rename(e.Ctx, id, name, endpoints.ContainerRenameOptions{}); err != nil {
			e.T.Fatal(err)
		}
		c, err := e.containers().Inspect(e.Ctx, name, endpoints.ContainerInspectOptions{})
		if err != nil || c.ID != id || c.Name != "/"+name {
			e.T.Errorf("inspect by new name: %q %q %v", c.ID, c.Name, err)
		}
	})
	register("containers/pause/state", func(e *Env) {
		id := e.running(nil, "sleep", "60")
		cs := e.containers()
		if _, err := cs.Pause(e.Ctx, id, endpoints.ContainerPauseOptions{}); err != nil {
			e.T.Fatal(err)
		}
		if st := e.state(id); !st.Paused || st.Status != "paused" {
			e.T.Errorf("after pause: %+v", st)
		}
		if _, err := cs.Unpause(e.Ctx, id, endpoints.ContainerUnpauseOptions{}); err != nil {
			e.T.Fatal(err)
		}
		if st := e.state(id); st.Paused || st.Status != "running" {
			e.T.Errorf("after unpause: %+v", st)
		}
	})
	register("containers/kill/sigterm-and-sigkill", func(e *Env) {
		cs := e.containers()
		// PID 1 without a handler ignores SIGTERM.
		bare := e.running(nil, "sleep", "60")
		if _, err := cs.Kill(e.Ctx, bare, endpoints.ContainerKillOptions{Signal: "SIGTERM"}); err != nil {
			e.T.Fatal(err)
		}
		time.Sleep(500 * time.Millisecond)
		if st := e.state(bare); !st.Running {
			e.T.Errorf("PID 1 without init died of SIGTERM: %+v", st)
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
		withInit := e.running(&endpoints.HostConfig{Resources: endpoints.Resources{Init: &init}}, "sleep", "60")
		if _, err := cs.Kill(e.Ctx, withInit, endpoints.ContainerKillOptions{Signal: "SIGTERM"}); err != nil {
			e.T.Fatal(err)
		}
		if !eventually(e.Ctx, 5*time.Second, func() bool { return !e.state(withInit).Running }) {
			e.T.Errorf("SIGTERM did not stop the container run with Init")
		}
		// And a shell that traps SIGTERM exits by its own rule.
		trap := e.running(nil, "sh", "-c", "trap 'exit 42' TERM; while true; do sleep 0.1; done")
		time.Sleep(200 * time.Millisecond)
		if _, err := cs.Kill(e.Ctx, trap, endpoints.ContainerKillOptions{Signal: "TERM"}); err != nil {
			e.T.Fatal(err)
		}
		res, err := cs.Wait(e.Ctx, trap, endpoints.ContainerWaitOptions{})
		if err != nil || res.StatusCode != 42 {
			e.T.Errorf("trapping shell: %+v %v, want 42", res, err)
		}
	})
	register("containers/stop-restart/ok", func(e *Env) {
		init := true
		id := e.running(&endpoints.HostConfig{Resources: endpoints.Resources{Init: &init}}, "sleep", "60")
		cs := e.containers()
		t1 := 1
		if _, err := cs.Restart(e.Ctx, id, endpoints.ContainerRestartOptions{Timeout: &t1}); err != nil {
			e.T.Fatal(err)
		}
		if st := e.state(id); !st.Running {
			e.T.Errorf("after restart: %+v", st)
		}
		if _, err := cs.Stop(e.Ctx, id, endpoints.ContainerStopOptions{Timeout: &t1}); err != nil {
			e.T.Fatal(err)
		}
		if st := e.state(id); st.Running {
			e.T.Errorf("after stop: %+v", st)
		}
		if _, err := cs.Stop(e.Ctx, id, endpoints.ContainerStopOptions{}); err != nil {
			e.T.Errorf("stop of a stopped container: %v, want success (304)", err)
		}
	})
	register("containers/wait/next-exit", func(e *Env) {
		id := e.newContainer(endpoints.ContainerConfig{Cmd: []string{"sh", "-c", "sleep 1; exit 7"}}, nil)
		type result struct {
			r   endpoints.ContainerWaitResult
			err error
		}
		ch := make(chan result, 1)
		go func() {
			r, err := e.containers().Wait(e.Ctx, id, endpoints.ContainerWaitOptions{Condition: endpoints.WaitNextExit})
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
	})
	register("containers/prune/only-exited-test-containers", func(e *Env) {
		done := e.exited("true")
		live := e.running(nil, "sleep", "60")
		res, err := e.containers().Prune(e.Ctx, endpoints.ContainerPruneOptions{Filters: wire.Filters{"label": {e.LabelFilter()}}})
		if err != nil {
			e.T.Fatal(err)
		}
		for _, id := range res.ContainersDeleted {
			if id == live {
				e.T.Errorf("prune removed a running container")
			}
			c, err := e.containers().Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{})
			if err == nil && c.Labels()[LabelKey] != e.RunID {
				e.T.Errorf("prune removed %s which is not ours", id)
			}
		}
		if _, err := e.containers().Inspect(e.Ctx, done, endpoints.ContainerInspectOptions{}); !errors.Is(err, wire.ErrNotFound) {
			e.T.Errorf("exited container survived prune: %v", err)
		}
		if st := e.state(live); !st.Running {
			e.T.Errorf("running container after prune: %+v", st)
		}
	})
	register("containers/attach/stdin-echo", func(e *Env) {
		id := e.newContainer(endpoints.ContainerConfig{Cmd: []string{"cat"}, OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true}, nil)
		cs := e.containers()
		conn, err := cs.Attach(e.Ctx, id, endpoints.ContainerAttachOptions{Stdin: true, Stdout: true, Stderr: true})
		if err != nil {
			e.T.Fatal(err)
		}
		defer conn.Close()
		if _, err := cs.Start(e.Ctx, id, endpoints.ContainerStartOptions{}); err != nil {
			e.T.Fatal(err)
		}
		if _, err := conn.Write([]byte("hello attach\n")); err != nil {
			e.T.Fatal(err)
		}
		if err := conn.CloseWrite(); err != nil {
			e.T.Fatal(err)
		}
		var out bytes.Buffer
		if _, err := conn.Demux(&out, &out); err != nil {
			e.T.Fatal(err)
		}
		if out.String() != "hello attach\n" {
			e.T.Errorf("attach output %q", out.String())
		}
	})
	register("containers/resize/tty", func(e *Env) {
		id := e.started(endpoints.ContainerConfig{Cmd: []string{"sleep", "60"}, Tty: true}, nil)
		if _, err := e.containers().Resize(e.Ctx, id, endpoints.ContainerResizeOptions{Height: 40, Width: 100}); err != nil {
			e.T.Fatal(err)
		}
		l, err := e.containers().Logs(e.Ctx, id, endpoints.ContainerLogsOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		defer l.Close()
		if l.Multiplexed() {
			e.T.Errorf("logs of a TTY container reported multiplexed")
		}
	})
}
