package conformance

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/mux"
	"github.com/dockwire/dockwire/wire"
)

// The container helpers. Every container a scenario makes goes through
// create: it carries the run's label, is made from the test image unless its
// config names another, and is force-removed when the scenario ends. The
// others build on it:
//
//	create(opts)        created from full options (a name, networking)
//	container(cfg, hc)  created from a config and host config
//	run(cfg, hc)        created and started
//	runToExit(cfg, hc)  run and waited for: its id, exit code and output
//
// command is the config of a plain command; start, wait, remove and state
// act on any container, attachStarted attaches before the start.

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
	maps.Copy(labels, cfg.Labels)
	cfg.Labels = labels
	res, err := e.Client.Containers.Create(e.Ctx, opts)
	require.NoError(e.T, err, "create")
	e.removeLater(res.ID)
	return res.ID
}

// container creates a container from cfg and hc (see create).
func (e *Env) container(cfg endpoints.ContainerConfig, hc *endpoints.HostConfig) string {
	e.T.Helper()
	return e.create(endpoints.ContainerCreateOptions{Config: cfg, HostConfig: hc})
}

// run creates a container from cfg and hc (see create) and starts it.
func (e *Env) run(cfg endpoints.ContainerConfig, hc *endpoints.HostConfig) string {
	e.T.Helper()
	id := e.container(cfg, hc)
	e.start(id)
	return id
}

// runToExit runs a container from cfg and hc (see run), waits for it to
// exit and returns its id, exit code and output (stdout and stderr
// together).
func (e *Env) runToExit(cfg endpoints.ContainerConfig, hc *endpoints.HostConfig) (id string, code int64, output string) {
	e.T.Helper()
	id = e.run(cfg, hc)
	return id, e.wait(id), e.logsOf(id)
}

// command is the config of a container of the test image running args.
func command(args ...string) endpoints.ContainerConfig {
	return endpoints.ContainerConfig{Cmd: args}
}

// attachStarted creates a container from cfg, attaches with opts before
// starting it (so no output is missed) and starts it.
func (e *Env) attachStarted(cfg endpoints.ContainerConfig, opts endpoints.ContainerAttachOptions) (string, *mux.Conn) {
	e.T.Helper()
	id := e.container(cfg, nil)
	conn, err := e.Client.Containers.Attach(e.Ctx, id, opts)
	require.NoError(e.T, err, "attach")
	e.T.Cleanup(func() { conn.Close() })
	e.start(id)
	return id, conn
}

// start starts container id.
func (e *Env) start(id string) {
	e.T.Helper()
	_, err := e.Client.Containers.Start(e.Ctx, id, endpoints.ContainerStartOptions{})
	require.NoError(e.T, err, "start")
}

// wait waits for container id to stop and returns its exit code.
func (e *Env) wait(id string) int64 {
	e.T.Helper()
	res, err := e.Client.Containers.Wait(e.Ctx, id, endpoints.ContainerWaitOptions{})
	require.NoError(e.T, err, "wait")
	return res.StatusCode
}

// remove force-removes container id now.
func (e *Env) remove(id string) {
	e.T.Helper()
	assert.NoError(e.T, ignoreNotFound(removeContainer(e.Ctx, e.Client, id)), "remove %s", id)
}

// removeLater registers the forced removal of container id (with its
// anonymous volumes) for the scenario's end: for containers made without
// create, as Run makes them.
func (e *Env) removeLater(id string) {
	e.Cleanup(func(ctx context.Context) error { return removeContainer(ctx, e.Client, id) })
}

// removeContainer force-removes container id and its anonymous volumes; a
// container already gone is no error.
func removeContainer(ctx context.Context, cli *dockwire.Client, id string) error {
	_, err := cli.Containers.Delete(ctx, id, endpoints.ContainerDeleteOptions{Force: true, RemoveVolumes: true})
	return ignoreNotFound(err)
}

// ignoreNotFound is err unless it says the object is not there.
func ignoreNotFound(err error) error {
	if errors.Is(err, wire.ErrNotFound) {
		return nil
	}
	return err
}

func (e *Env) state(id string) *endpoints.ContainerState {
	e.T.Helper()
	c, err := e.Client.Containers.Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{})
	if err != nil {
		e.T.Fatalf("inspect: %v", err)
	}
	if c.State == nil {
		e.T.Fatalf("inspect: no State")
	}
	return c.State
}

// topUntil lists a container's processes until one row satisfies match or
// 10 s pass, and returns the last listing. Right after start, dockerd may
// still show "runc init" where the command will be.
func (e *Env) topUntil(id string, opts endpoints.ContainerTopOptions, match func(row []string) bool) endpoints.ContainerTopResult {
	e.T.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		top, err := e.Client.Containers.Top(e.Ctx, id, opts)
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

// logLines reads a container's logs with opts, stdout and stderr apart.
func (e *Env) logLines(id string, opts endpoints.ContainerLogsOptions) (stdout, stderr string) {
	e.T.Helper()
	l, err := e.Client.Containers.Logs(e.Ctx, id, opts)
	if err != nil {
		e.T.Fatalf("logs %+v: %v", show(opts), err)
	}
	defer l.Close()
	var o, s bytes.Buffer
	if _, err := l.Demux(&o, &s); err != nil {
		e.T.Fatalf("logs %+v: %v", show(opts), err)
	}
	return o.String(), s.String()
}

// logsOf returns a container's whole output, stdout and stderr together.
func (e *Env) logsOf(id string) string {
	e.T.Helper()
	return e.logsText(e.Client.Containers.Logs(e.Ctx, id, endpoints.ContainerLogsOptions{}))
}

// logsText reads a whole log stream (a container's, service's or task's),
// stdout and stderr together, and closes it.
func (e *Env) logsText(l *mux.Output, err error) string {
	e.T.Helper()
	if err != nil {
		e.T.Fatalf("logs: %v", err)
	}
	defer l.Close()
	var out bytes.Buffer
	if _, err := l.Demux(&out, &out); err != nil {
		e.T.Fatalf("logs: %v", err)
	}
	return out.String()
}

// name returns the container's name without its leading "/".
func (e *Env) name(id string) string {
	e.T.Helper()
	c, err := e.Client.Containers.Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{})
	if err != nil {
		e.T.Fatalf("inspect: %v", err)
	}
	return strings.TrimPrefix(c.Name, "/")
}

// containerScenarios are the scenarios of creating, inspecting, listing, naming, updating and removing containers, and the errors of every container operation.
var containerScenarios = []scenario{
	{"containers/create/image-not-found", func(e *Env) {
		_, err := e.Client.Containers.Create(e.Ctx, endpoints.ContainerCreateOptions{Config: endpoints.ContainerConfig{Image: "dockwire-absent:none", Labels: e.Labels()}})
		if !errors.Is(err, endpoints.ErrImageNotFound) || !errors.Is(err, wire.ErrNotFound) {
			e.T.Fatalf("create with a missing image: %v, want ErrImageNotFound and wire.ErrNotFound", err)
		}
	}},

	{"containers/create/full-config", func(e *Env) {
		exposed, bindings, err := endpoints.PortBindings("127.0.0.1::80")
		if err != nil {
			e.T.Fatal(err)
		}
		init := true
		st := 3
		id := e.container(endpoints.ContainerConfig{
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
		c, err := e.Client.Containers.Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{})
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
				e.T.Errorf("inspect does not show %s as created: config %+v host config %+v", c.what, show(cfg), show(hc))
			}
		}
	}},

	{"containers/list/filters", func(e *Env) {
		done, _, _ := e.runToExit(command("true"), nil)
		live := e.run(command("sleep", "60"), nil)
		list := func(opts endpoints.ContainerListOptions) map[string]bool {
			opts.Filters["label"] = append(opts.Filters["label"], e.LabelFilter())
			got, err := e.Client.Containers.List(e.Ctx, opts)
			if err != nil {
				e.T.Fatal(err)
			}
			m := map[string]bool{}
			for _, c := range got.Items {
				m[c.ID] = true
				if c.Labels[LabelKey] != e.RunID || c.ShortID() != c.ID[:12] {
					e.T.Errorf("summary %+v", show(c))
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
	}},

	{"containers/inspect/not-found", func(e *Env) {
		_, err := e.Client.Containers.Inspect(e.Ctx, "dockwire-no-such-container", endpoints.ContainerInspectOptions{})
		var werr *wire.Error
		if !errors.Is(err, wire.ErrNotFound) || errors.Is(err, endpoints.ErrImageNotFound) || !errors.As(err, &werr) || werr.Message == "" {
			e.T.Fatalf("inspect of a missing container: %v", err)
		}
	}},

	{"containers/stats/one-shot-and-stream", func(e *Env) {
		id := e.run(command("sleep", "60"), nil)
		s, err := e.Client.Containers.StatsOnce(e.Ctx, id, endpoints.ContainerStatsOnceOptions{OneShot: true})
		if err != nil {
			e.T.Fatal(err)
		}
		if s.MemoryStats.Usage == 0 || s.CPUStats.CPUUsage.TotalUsage == 0 || s.Read.IsZero() {
			e.T.Errorf("one-shot stats lack CPU or memory: %+v", show(s))
		}
		st, err := e.Client.Containers.Stats(e.Ctx, id, endpoints.ContainerStatsOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		defer st.Close()
		if !st.Next() {
			e.T.Fatalf("stats stream: no sample: %v", st.Err())
		}
		if v := st.Value(); v.MemoryStats.Usage == 0 || v.ID != id {
			e.T.Errorf("stream sample: %+v", show(v))
		}
	}},

	{"containers/top/lists-process", func(e *Env) {
		id := e.run(command("sleep", "123"), nil)
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
	}},

	{"containers/changes/touch", func(e *Env) {
		id, _, _ := e.runToExit(command("touch", "/x"), nil)
		ch, err := e.Client.Containers.Changes(e.Ctx, id, endpoints.ContainerChangesOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		for _, c := range ch.Items {
			if c.Path == "/x" && c.Kind == endpoints.ChangeAdd {
				return
			}
		}
		e.T.Errorf("changes %+v lack an add of /x", ch)
	}},

	{"containers/update/memory", func(e *Env) {
		id := e.run(command("sleep", "60"), nil)
		if _, err := e.Client.Containers.Update(e.Ctx, id, endpoints.ContainerUpdateOptions{Resources: endpoints.Resources{Memory: 96 << 20, MemorySwap: -1},
			RestartPolicy: &endpoints.RestartPolicy{Name: endpoints.RestartUnlessStopped}}); err != nil {
			e.T.Fatal(err)
		}
		c, err := e.Client.Containers.Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		if c.HostConfig.Memory != 96<<20 || c.HostConfig.RestartPolicy.Name != endpoints.RestartUnlessStopped {
			e.T.Errorf("after update: Memory %d restart %q", c.HostConfig.Memory, c.HostConfig.RestartPolicy.Name)
		}
	}},

	{"containers/rename/ok", func(e *Env) {
		id := e.container(endpoints.ContainerConfig{Cmd: []string{"true"}}, nil)
		name := "dockwire-" + e.RunID + "-renamed"
		if _, err := e.Client.Containers.Rename(e.Ctx, id, name, endpoints.ContainerRenameOptions{}); err != nil {
			e.T.Fatal(err)
		}
		c, err := e.Client.Containers.Inspect(e.Ctx, name, endpoints.ContainerInspectOptions{})
		if err != nil || c.ID != id || c.Name != "/"+name {
			e.T.Errorf("inspect by new name: %q %q %v", c.ID, c.Name, err)
		}
	}},

	{"containers/prune/only-exited-test-containers", func(e *Env) {
		done, _, _ := e.runToExit(command("true"), nil)
		live := e.run(command("sleep", "60"), nil)
		res, err := e.Client.Containers.Prune(e.Ctx, endpoints.ContainerPruneOptions{Filters: wire.Filters{"label": {e.LabelFilter()}}})
		if err != nil {
			e.T.Fatal(err)
		}
		for _, id := range res.ContainersDeleted {
			if id == live {
				e.T.Errorf("prune removed a running container")
			}
			c, err := e.Client.Containers.Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{})
			if err == nil && c.Labels()[LabelKey] != e.RunID {
				e.T.Errorf("prune removed %s which is not ours", id)
			}
		}
		if _, err := e.Client.Containers.Inspect(e.Ctx, done, endpoints.ContainerInspectOptions{}); !errors.Is(err, wire.ErrNotFound) {
			e.T.Errorf("exited container survived prune: %v", err)
		}
		if st := e.state(live); !st.Running {
			e.T.Errorf("running container after prune: %+v", show(st))
		}
	}},

	{"containers/prune/bad-filters-prune-nothing", func(e *Env) {
		// dockerd checks a prune's filters before it prunes: an unknown key is
		// a 400, an until that is no time its untyped 500; the exited
		// container stays either way
		done, _, _ := e.runToExit(command("true"), nil)
		for _, tt := range []struct {
			filters wire.Filters
			want    error
		}{
			{wire.Filters{"label": {e.LabelFilter()}, "nosuch": {"x"}}, wire.ErrInvalidArgument},
			{wire.Filters{"label": {e.LabelFilter()}, "until": {"notatime"}}, wire.ErrInternal},
		} {
			if _, err := e.Client.Containers.Prune(e.Ctx, endpoints.ContainerPruneOptions{Filters: tt.filters}); !errors.Is(err, tt.want) {
				e.T.Errorf("prune with %v: %v, want %v", tt.filters, err, tt.want)
			}
		}
		if _, err := e.Client.Containers.Inspect(e.Ctx, done, endpoints.ContainerInspectOptions{}); err != nil {
			e.T.Errorf("a refused prune removed the exited container: %v", err)
		}
	}},

	{"containers/network/mode-none-only-loopback", func(e *Env) {
		id, code, out := e.runToExit(endpoints.ContainerConfig{Cmd: []string{"sh", "-c", "ls /sys/class/net"}}, &endpoints.HostConfig{NetworkMode: "none"})
		if code != 0 || strings.Join(strings.Fields(out), " ") != "lo" {
			e.T.Errorf("interfaces with network mode none: %q (exit %d), want lo only", out, code)
		}
		c, err := e.Client.Containers.Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{})
		if err != nil {
			e.T.Fatalf("inspect: %v", err)
		}
		if c.HostConfig.NetworkMode != "none" || c.NetworkSettings == nil || c.NetworkSettings.Networks["none"] == nil {
			e.T.Errorf("inspect: NetworkMode %q networks %+v, want none", c.HostConfig.NetworkMode, show(c.NetworkSettings))
		}
	}},

	{"containers/inspect/healthcheck-and-restart-policy", func(e *Env) {
		hc := &endpoints.HealthConfig{Test: []string{"CMD-SHELL", "true"}, Interval: 2 * time.Second, Timeout: time.Second, Retries: 4, StartPeriod: 3 * time.Second}
		id := e.container(endpoints.ContainerConfig{Cmd: []string{"sleep", "60"}, Healthcheck: hc},
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
	}},

	// A passing check makes the container healthy; a failing one
	// unhealthy after Retries failures, with its output in the log.
	{"containers/health/healthy-and-unhealthy", func(e *Env) {
		mk := func(test string) string {
			id := e.run(endpoints.ContainerConfig{Cmd: []string{"sleep", "60"}, Healthcheck: &endpoints.HealthConfig{
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
	}},

	// A published port shows in inspect (with the port the daemon picked)
	// and in list.
	{"containers/ports/bindings-in-inspect-and-list", func(e *Env) {
		exposed, bindings, err := endpoints.PortBindings("127.0.0.1::8080")
		if err != nil {
			e.T.Fatal(err)
		}
		id := e.run(endpoints.ContainerConfig{Cmd: []string{"sleep", "60"}, ExposedPorts: exposed}, &endpoints.HostConfig{PortBindings: bindings})
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
	}},

	{"containers/top/ps-args", func(e *Env) {
		id := e.run(command("sleep", "77"), nil)
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
	}},

	{"containers/list/ancestor-name-exited-filters", func(e *Env) {
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
	}},

	// Size is computed only when asked for.
	{"containers/inspect/size", func(e *Env) {
		id, _, _ := e.runToExit(endpoints.ContainerConfig{Cmd: []string{"sh", "-c", "head -c 4096 /dev/zero > /big"}}, nil)
		plain, err := e.Client.Containers.Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{})
		if err != nil {
			e.T.Fatalf("inspect: %v", err)
		}
		if plain.SizeRw != nil || plain.SizeRootFs != nil {
			e.T.Errorf("inspect without size: SizeRw %v SizeRootFs %v, want absent", show(plain.SizeRw), show(plain.SizeRootFs))
		}
		sized, err := e.Client.Containers.Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{Size: true})
		if err != nil {
			e.T.Fatalf("inspect size: %v", err)
		}
		if sized.SizeRw == nil || *sized.SizeRw < 4096 || sized.SizeRootFs == nil || *sized.SizeRootFs <= *sized.SizeRw {
			e.T.Errorf("inspect with size: SizeRw %v SizeRootFs %v, want >= 4096 and a larger root", show(sized.SizeRw), show(sized.SizeRootFs))
		}
		list, err := e.Client.Containers.List(e.Ctx, endpoints.ContainerListOptions{All: true, Size: true, Filters: wire.Filters{"id": {id}}})
		if err != nil || len(list.Items) != 1 {
			e.T.Fatalf("list size: %d %v", len(list.Items), err)
		}
		if list.Items[0].SizeRw < 4096 || list.Items[0].SizeRootFs <= list.Items[0].SizeRw {
			e.T.Errorf("list with size: SizeRw %d SizeRootFs %d", list.Items[0].SizeRw, list.Items[0].SizeRootFs)
		}
	}},

	// Delete with v removes the container's anonymous volume.
	{"containers/delete/anonymous-volume-with-v", func(e *Env) {
		id := e.container(endpoints.ContainerConfig{Cmd: []string{"true"}, Volumes: map[string]struct{}{"/data": {}}}, nil)
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
	}},

	// Every container operation on a missing container is a 404 matching
	// wire.ErrNotFound.
	{"containers/errors/not-found-every-operation", func(e *Env) {
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
	}},

	{"containers/errors/conflict-409", func(e *Env) {
		name := "dw-conflict-" + e.RunID
		id := e.container(endpoints.ContainerConfig{Cmd: []string{"sleep", "60"}}, nil)
		if _, err := e.Client.Containers.Rename(e.Ctx, id, name, endpoints.ContainerRenameOptions{}); err != nil {
			e.T.Fatalf("rename: %v", err)
		}
		// A second container under the same name.
		_, err := e.Client.Containers.Create(e.Ctx, endpoints.ContainerCreateOptions{Name: name, Config: endpoints.ContainerConfig{Image: e.Image, Cmd: []string{"true"}, Labels: e.Labels()}})
		e.wantStatus("create under a taken name", err, 409, wire.ErrConflict)
		other := e.container(endpoints.ContainerConfig{Cmd: []string{"true"}}, nil)
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
	}},

	{"containers/errors/bad-input-refused-before-io", func(e *Env) {
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
	}},

	// The daemon refuses a config it cannot satisfy with 400; the client
	// refuses what it can check itself before sending.
	{"containers/create/invalid-config-400", func(e *Env) {
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
	}},

	// Settings dockerd checks before it makes the container: the cgroup
	// namespace mode (400), the platform parameter's syntax (400) and the
	// image's platform against it (404).
	{"containers/create/cgroupns-and-platform-refused", func(e *Env) {
		create := func(opts endpoints.ContainerCreateOptions) error {
			opts.Config = endpoints.ContainerConfig{Image: e.Image, Cmd: []string{"true"}, Labels: e.Labels()}
			res, err := e.Client.Containers.Create(e.Ctx, opts)
			if err == nil {
				e.removeLater(res.ID)
			}
			return err
		}
		err := create(endpoints.ContainerCreateOptions{HostConfig: &endpoints.HostConfig{CgroupnsMode: "nope"}})
		e.wantStatus("create with CgroupnsMode nope", err, 400, wire.ErrInvalidArgument)
		e.wantStatus("create with platform foobar", create(endpoints.ContainerCreateOptions{Platform: "foobar"}), 400,
			wire.ErrInvalidArgument)
		e.wantStatus("create with a platform the image is not of", create(endpoints.ContainerCreateOptions{Platform: "windows"}),
			404, wire.ErrNotFound)
		if err := create(endpoints.ContainerCreateOptions{HostConfig: &endpoints.HostConfig{CgroupnsMode: "private"}, Platform: "linux"}); err != nil {
			e.T.Errorf("create with CgroupnsMode private on linux: %v", err)
		}
	}},

	{"containers/list/label-and-status-filters", func(e *Env) {
		running := e.run(endpoints.ContainerConfig{Cmd: []string{"sleep", "60"}, Labels: map[string]string{"dockwire.role": "runner"}}, nil)
		created := e.container(endpoints.ContainerConfig{Cmd: []string{"true"}, Labels: map[string]string{"dockwire.role": "idle"}}, nil)
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
	}},

	// The API reports names with a leading "/" (Names[0], Inspect's Name);
	// such a name addresses the container, as it does in the docker CLI
	// (issue 14: dockerd redirects /containers//web/json, and the client
	// showed "301: Moved Permanently").
	{"containers/names/leading-slash", func(e *Env) {
		name := "dw-slash-" + e.RunID
		id := e.create(endpoints.ContainerCreateOptions{Name: name, Config: endpoints.ContainerConfig{Cmd: []string{"sleep", "60"}}})
		list, err := e.Client.Containers.List(e.Ctx, endpoints.ContainerListOptions{All: true, Filters: wire.Filters{"id": {id}}})
		if err != nil || len(list.Items) != 1 || len(list.Items[0].Names) == 0 {
			e.T.Fatalf("list by id: %+v %v", show(list), err)
		}
		slashed := list.Items[0].Names[0]
		if slashed != "/"+name {
			e.T.Fatalf("Names[0] = %q, want %q", slashed, "/"+name)
		}
		c, err := e.Client.Containers.Inspect(e.Ctx, slashed, endpoints.ContainerInspectOptions{})
		if err != nil || c.ID != id {
			e.T.Fatalf("inspect %q: id %q, %v", slashed, c.ID, err)
		}
		if _, err := e.Client.Containers.Start(e.Ctx, c.Name, endpoints.ContainerStartOptions{}); err != nil {
			e.T.Fatalf("start %q: %v", c.Name, err)
		}
		zero := 0
		if _, err := e.Client.Containers.Stop(e.Ctx, slashed, endpoints.ContainerStopOptions{Timeout: &zero}); err != nil {
			e.T.Fatalf("stop %q: %v", slashed, err)
		}
		if st := e.state(id); st.Running {
			e.T.Errorf("still running after stop by %q", slashed)
		}
	}},

	// docker-py's remove(link=True): DELETE /containers/{parent}/{alias}?link=1
	// removes a legacy link, the parent named as the API names it.
	{"containers/delete/link-alias", func(e *Env) {
		db := e.create(endpoints.ContainerCreateOptions{Name: "dw-db-" + e.RunID, Config: endpoints.ContainerConfig{Cmd: []string{"sleep", "60"}}})
		e.start(db)
		web := "dw-web-" + e.RunID
		webID := e.create(endpoints.ContainerCreateOptions{Name: web, Config: endpoints.ContainerConfig{Cmd: []string{"sleep", "60"}},
			HostConfig: &endpoints.HostConfig{Links: []string{"dw-db-" + e.RunID + ":al"}}})
		e.start(webID)
		if _, err := e.Client.Containers.Delete(e.Ctx, "/"+web+"/al", endpoints.ContainerDeleteOptions{RemoveLinks: true}); err != nil {
			e.T.Fatalf("remove link /%s/al: %v", web, err)
		}
		c, err := e.Client.Containers.Inspect(e.Ctx, webID, endpoints.ContainerInspectOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		if c.HostConfig != nil && len(c.HostConfig.Links) != 0 {
			e.T.Errorf("links after removal: %v", c.HostConfig.Links)
		}
		if _, err := e.Client.Containers.Inspect(e.Ctx, db, endpoints.ContainerInspectOptions{}); err != nil {
			e.T.Errorf("the linked container went with the link: %v", err)
		}
	}},

	// docker-py's stats(stream=False): one sample whose precpu is a real
	// earlier sample, so the CPU percent of a busy container is not 0.
	{"containers/stats/once-with-cpu-percent", func(e *Env) {
		id := e.run(command("sh", "-c", "while :; do :; done"), nil)
		res, err := e.Client.Containers.StatsOnce(e.Ctx, id, endpoints.ContainerStatsOnceOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		if res.PreCPUStats.CPUUsage.TotalUsage == 0 || res.PreRead.IsZero() {
			e.T.Errorf("precpu_stats is empty: %+v (preread %v)", res.PreCPUStats, res.PreRead)
		}
		if p := res.CPUPercent(); p <= 1 {
			e.T.Errorf("CPUPercent of a busy loop = %.2f, want more than 1", p)
		}
	}},
}
