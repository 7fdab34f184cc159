package conformance

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// Version-gated fields and operations, checked on a second client pinned
// to an old API version (1.41 unless said otherwise, the real dockerd's):
// every gate must refuse before any byte is sent, with a *wire.VersionError
// naming what needed which version. A cancelled context proves no I/O:
// anything sent would have failed with context.Canceled instead.

// gateCase is one gated call: what it is, the version it needs, and the
// call on the pinned client with an already-cancelled context.
type gateCase struct {
	what string
	need int // minor version of 1.x
	call func(ctx context.Context, c *dockwire.Client) error
}

// wantGates runs each case on a client pinned to 1.pinned.
func (e *Env) wantGates(pinned int, cases []gateCase) {
	e.T.Helper()
	cli := pinnedClient(e, wire.Version{Major: 1, Minor: pinned}.String())
	ctx, cancel := context.WithCancel(e.Ctx)
	cancel()
	for _, c := range cases {
		err := c.call(ctx, cli)
		var verr *wire.VersionError
		if !errors.As(err, &verr) {
			e.T.Errorf("%s pinned to 1.%d: %v, want a *wire.VersionError before any I/O", c.what, pinned, err)
			continue
		}
		if errors.Is(err, context.Canceled) {
			e.T.Errorf("%s: %v also matches context.Canceled: was I/O attempted?", c.what, err)
		}
		want := wire.Version{Major: 1, Minor: c.need}
		if verr.Need != want || verr.Have != (wire.Version{Major: 1, Minor: pinned}) || verr.Op == "" || verr.Error() == "" {
			e.T.Errorf("%s: VersionError{Op %q Need %s Have %s}, want Need %s Have 1.%d", c.what, verr.Op, verr.Need, verr.Have, want, pinned)
		}
	}
}

func createWith(cfg endpoints.ContainerConfig, hc *endpoints.HostConfig, nc *endpoints.NetworkingConfig) func(context.Context, *dockwire.Client) error {
	return func(ctx context.Context, c *dockwire.Client) error {
		if cfg.Image == "" {
			cfg.Image = "busybox:latest"
		}
		_, err := c.Containers.Create(ctx, endpoints.ContainerCreateOptions{Config: cfg, HostConfig: hc, NetworkingConfig: nc})
		return err
	}
}

// versionScenarios are the scenarios of fields and operations gated by API version, refused before any I/O below their version.
var versionScenarios = []scenario{
	{"versions/containers/create-fields-above-1.41", func(e *Env) {
		mounts := func(m endpoints.Mount) *endpoints.HostConfig {
			return &endpoints.HostConfig{Mounts: []endpoints.Mount{m}}
		}
		e.wantGates(41, []gateCase{
			{"Healthcheck.StartInterval", 44, createWith(endpoints.ContainerConfig{Healthcheck: &endpoints.HealthConfig{Test: []string{"CMD", "true"}, StartInterval: 1e9}}, nil, nil)},
			{"HostConfig.Annotations", 43, createWith(endpoints.ContainerConfig{}, &endpoints.HostConfig{Annotations: map[string]string{"a": "b"}}, nil)},
			{"bind CreateMountpoint", 42, createWith(endpoints.ContainerConfig{}, mounts(endpoints.Mount{Type: endpoints.MountBind, Source: "/tmp", Target: "/x", BindOptions: &endpoints.MountBindOptions{CreateMountpoint: true}}), nil)},
			{"bind ReadOnlyNonRecursive", 44, createWith(endpoints.ContainerConfig{}, mounts(endpoints.Mount{Type: endpoints.MountBind, Source: "/tmp", Target: "/x", BindOptions: &endpoints.MountBindOptions{ReadOnlyNonRecursive: true}}), nil)},
			{"volume Subpath", 45, createWith(endpoints.ContainerConfig{}, mounts(endpoints.Mount{Type: endpoints.MountVolume, Source: "v", Target: "/x", VolumeOptions: &endpoints.MountVolumeOptions{Subpath: "sub"}}), nil)},
			{"tmpfs Options", 46, createWith(endpoints.ContainerConfig{}, mounts(endpoints.Mount{Type: endpoints.MountTmpfs, Target: "/x", TmpfsOptions: &endpoints.MountTmpfsOptions{Options: [][]string{{"exec"}}}}), nil)},
			{"image mount", 48, createWith(endpoints.ContainerConfig{}, mounts(endpoints.Mount{Type: endpoints.MountImage, Source: "busybox:latest", Target: "/x"}), nil)},
			{"two EndpointsConfig", 44, createWith(endpoints.ContainerConfig{}, nil, &endpoints.NetworkingConfig{EndpointsConfig: map[string]*endpoints.EndpointSettings{"a": {}, "b": {}}})},
			{"EndpointSettings.MacAddress", 44, createWith(endpoints.ContainerConfig{}, nil, &endpoints.NetworkingConfig{EndpointsConfig: map[string]*endpoints.EndpointSettings{"a": {MacAddress: "02:42:ac:11:00:02"}}})},
			{"EndpointSettings.GwPriority", 48, createWith(endpoints.ContainerConfig{}, nil, &endpoints.NetworkingConfig{EndpointsConfig: map[string]*endpoints.EndpointSettings{"a": {GwPriority: 1}}})},
		})
	}},

	{"versions/containers/stop-restart-signal-above-1.41", func(e *Env) {
		e.wantGates(41, []gateCase{
			{"stop Signal", 42, func(ctx context.Context, c *dockwire.Client) error {
				_, err := c.Containers.Stop(ctx, "x", endpoints.ContainerStopOptions{Signal: "SIGKILL"})
				return err
			}},
			{"restart Signal", 42, func(ctx context.Context, c *dockwire.Client) error {
				_, err := c.Containers.Restart(ctx, "x", endpoints.ContainerRestartOptions{Signal: "SIGINT"})
				return err
			}},
		})
	}},

	{"versions/exec/console-size-above-1.41", func(e *Env) {
		size := &[2]uint{24, 80}
		e.wantGates(41, []gateCase{
			{"exec create ConsoleSize", 42, func(ctx context.Context, c *dockwire.Client) error {
				_, err := c.Exec.Create(ctx, "x", endpoints.ExecCreateOptions{Cmd: []string{"true"}, Tty: true, ConsoleSize: size})
				return err
			}},
			{"exec start ConsoleSize", 42, func(ctx context.Context, c *dockwire.Client) error {
				conn, err := c.Exec.Start(ctx, "x", endpoints.ExecStartOptions{Tty: true, ConsoleSize: size})
				if conn != nil {
					conn.Close()
				}
				return err
			}},
		})
		// WorkingDir needs 1.35: refused on a client pinned to 1.34.
		e.wantGates(34, []gateCase{
			{"exec create WorkingDir", 35, func(ctx context.Context, c *dockwire.Client) error {
				_, err := c.Exec.Create(ctx, "x", endpoints.ExecCreateOptions{Cmd: []string{"pwd"}, WorkingDir: "/tmp"})
				return err
			}},
		})
	}},

	{"versions/images/list-and-inspect-options-above-1.41", func(e *Env) {
		list := func(o endpoints.ImageListOptions) func(context.Context, *dockwire.Client) error {
			return func(ctx context.Context, c *dockwire.Client) error {
				_, err := c.Images.List(ctx, o)
				return err
			}
		}
		amd64 := &endpoints.Platform{OS: "linux", Architecture: "amd64"}
		e.wantGates(41, []gateCase{
			{"list SharedSize", 42, list(endpoints.ImageListOptions{SharedSize: true})},
			{"list Manifests", 47, list(endpoints.ImageListOptions{Manifests: true})},
			{"list Identity", 54, list(endpoints.ImageListOptions{Identity: true})},
			{"inspect Manifests", 48, func(ctx context.Context, c *dockwire.Client) error {
				_, err := c.Images.Inspect(ctx, "busybox", endpoints.ImageInspectOptions{Manifests: true})
				return err
			}},
			{"inspect Platform", 49, func(ctx context.Context, c *dockwire.Client) error {
				_, err := c.Images.Inspect(ctx, "busybox", endpoints.ImageInspectOptions{Platform: amd64})
				return err
			}},
			{"history Platform", 48, func(ctx context.Context, c *dockwire.Client) error {
				_, err := c.Images.History(ctx, "busybox", endpoints.ImageHistoryOptions{Platform: amd64})
				return err
			}},
		})
	}},

	{"versions/images/save-load-delete-platforms-above-1.41", func(e *Env) {
		amd64 := endpoints.Platform{OS: "linux", Architecture: "amd64"}
		arm64 := endpoints.Platform{OS: "linux", Architecture: "arm64"}
		e.wantGates(41, []gateCase{
			{"save one Platform", 48, func(ctx context.Context, c *dockwire.Client) error {
				rc, err := c.Images.Get(ctx, "busybox", endpoints.ImageGetOptions{Platforms: []endpoints.Platform{amd64}})
				if rc != nil {
					rc.Close()
				}
				return err
			}},
			{"load one Platform", 48, func(ctx context.Context, c *dockwire.Client) error {
				_, err := c.Images.Load(ctx, strings.NewReader(""), endpoints.ImageLoadOptions{Quiet: true, Platforms: []endpoints.Platform{amd64}})
				return err
			}},
			{"delete Platforms", 50, func(ctx context.Context, c *dockwire.Client) error {
				_, err := c.Images.Delete(ctx, "busybox", endpoints.ImageDeleteOptions{Platforms: []endpoints.Platform{amd64}})
				return err
			}},
			{"push Platform", 46, func(ctx context.Context, c *dockwire.Client) error {
				_, err := c.Images.Push(ctx, closedRegistry+"/x:v1", endpoints.ImagePushOptions{Platform: &amd64})
				return err
			}},
		})
		// Several platforms need 1.52 even where one is allowed.
		e.wantGates(50, []gateCase{
			{"save two Platforms", 52, func(ctx context.Context, c *dockwire.Client) error {
				rc, err := c.Images.GetAll(ctx, []string{"busybox"}, endpoints.ImageGetAllOptions{Platforms: []endpoints.Platform{amd64, arm64}})
				if rc != nil {
					rc.Close()
				}
				return err
			}},
		})
	}},

	{"versions/images/build-prune-space-limits-above-1.41", func(e *Env) {
		prune := func(o endpoints.ImageBuildPruneOptions) func(context.Context, *dockwire.Client) error {
			return func(ctx context.Context, c *dockwire.Client) error {
				_, err := c.Images.BuildPrune(ctx, o)
				return err
			}
		}
		e.wantGates(41, []gateCase{
			{"build prune MaxUsedSpace", 48, prune(endpoints.ImageBuildPruneOptions{MaxUsedSpace: 1 << 30})},
			{"build prune MinFreeSpace", 48, prune(endpoints.ImageBuildPruneOptions{MinFreeSpace: 1 << 30})},
		})
	}},

	{"versions/networks/create-and-connect-fields-above-1.41", func(e *Env) {
		yes := true
		connect := func(es *endpoints.EndpointSettings) func(context.Context, *dockwire.Client) error {
			return func(ctx context.Context, c *dockwire.Client) error {
				_, err := c.Networks.Connect(ctx, "n", endpoints.NetworkConnectOptions{Container: "x", EndpointConfig: es})
				return err
			}
		}
		e.wantGates(41, []gateCase{
			{"network create EnableIPv4", 48, func(ctx context.Context, c *dockwire.Client) error {
				_, err := c.Networks.Create(ctx, endpoints.NetworkCreateOptions{Name: "dw-never-" + e.RunID, EnableIPv4: &yes})
				return err
			}},
			{"connect MacAddress", 54, connect(&endpoints.EndpointSettings{MacAddress: "02:42:ac:11:00:02"})},
			{"connect GwPriority", 48, connect(&endpoints.EndpointSettings{GwPriority: 2})},
		})
	}},

	{"versions/volumes/cluster-spec-and-prune-all-above-1.41", func(e *Env) {
		e.wantGates(41, []gateCase{
			{"volume create ClusterVolumeSpec", 42, func(ctx context.Context, c *dockwire.Client) error {
				_, err := c.Volumes.Create(ctx, endpoints.VolumeCreateOptions{Name: "dw-never-" + e.RunID, ClusterVolumeSpec: &endpoints.ClusterVolumeSpec{}})
				return err
			}},
			{"volume prune anonymous only", 42, func(ctx context.Context, c *dockwire.Client) error {
				_, err := c.Volumes.Prune(ctx, endpoints.VolumePruneOptions{AnonymousOnly: true, Filters: wire.Filters{"label": {e.LabelFilter()}}})
				return err
			}},
			{"volume prune all as a raw filter", 42, func(ctx context.Context, c *dockwire.Client) error {
				_, err := c.Volumes.Prune(ctx, endpoints.VolumePruneOptions{Filters: wire.Filters{"all": {"1"}, "label": {e.LabelFilter()}}})
				return err
			}},
			{"volume update", 42, func(ctx context.Context, c *dockwire.Client) error {
				_, err := c.Volumes.Update(ctx, "v", endpoints.VolumeUpdateOptions{Version: endpoints.ObjectVersion{Index: 1}})
				return err
			}},
		})
	}},

	{"versions/system/df-types-and-verbose-above-1.41", func(e *Env) {
		df := func(o endpoints.SystemDataUsageOptions) func(context.Context, *dockwire.Client) error {
			return func(ctx context.Context, c *dockwire.Client) error {
				_, err := c.System.DataUsage(ctx, o)
				return err
			}
		}
		e.wantGates(41, []gateCase{
			{"df Types", 42, df(endpoints.SystemDataUsageOptions{Types: []string{"volume"}})},
			{"df Verbose", 52, df(endpoints.SystemDataUsageOptions{Verbose: true})},
		})
	}},

	// Whole operations newer than the pinned version: swarm configs (1.30),
	// distribution (1.30), session (1.31) and secrets (1.25) on a client
	// pinned to the oldest version the client speaks.
	{"versions/operations/below-their-min-version", func(e *Env) {
		old := wire.MinVersion.Minor
		e.wantGates(old, []gateCase{
			{"config list", 30, func(ctx context.Context, c *dockwire.Client) error {
				_, err := c.Configs.List(ctx, endpoints.ConfigListOptions{})
				return err
			}},
			{"distribution inspect", 30, func(ctx context.Context, c *dockwire.Client) error {
				_, err := c.Distribution.Inspect(ctx, "busybox:latest", endpoints.DistributionInspectOptions{})
				return err
			}},
			{"secret list", 25, func(ctx context.Context, c *dockwire.Client) error {
				_, err := c.Secrets.List(ctx, endpoints.SecretListOptions{})
				return err
			}},
		})
	}},

	// What 1.41 knows is sent and honoured on a 1.41 client: CgroupnsMode
	// (1.41), logs Until (1.35), one-shot stats (1.41), wait conditions
	// (1.30).
	{"versions/containers/fields-at-1.41-allowed", func(e *Env) {
		cli := pinnedClient(e, "1.41")
		cs := cli.Containers
		res, err := cs.Create(e.Ctx, endpoints.ContainerCreateOptions{
			Config:     endpoints.ContainerConfig{Image: e.Image, Cmd: []string{"sleep", "60"}, Labels: e.Labels()},
			HostConfig: &endpoints.HostConfig{CgroupnsMode: "private"},
		})
		if err != nil {
			e.T.Fatalf("create with CgroupnsMode on a 1.41 client: %v", err)
		}
		e.removeLater(res.ID)
		c, err := cs.Inspect(e.Ctx, res.ID, endpoints.ContainerInspectOptions{})
		if err != nil {
			e.T.Fatalf("inspect: %v", err)
		}
		if c.HostConfig == nil || c.HostConfig.CgroupnsMode != "private" {
			e.T.Errorf("inspect on 1.41: HostConfig.CgroupnsMode %+v, want private", show(c.HostConfig))
		}
		if _, err := cs.Start(e.Ctx, res.ID, endpoints.ContainerStartOptions{}); err != nil {
			e.T.Fatalf("start: %v", err)
		}
		if _, err := cs.StatsOnce(e.Ctx, res.ID, endpoints.ContainerStatsOnceOptions{OneShot: true}); err != nil {
			e.T.Errorf("one-shot stats on a 1.41 client: %v", err)
		}
		l, err := cs.Logs(e.Ctx, res.ID, endpoints.ContainerLogsOptions{Until: time.Now()})
		if err != nil {
			e.T.Errorf("logs with Until on a 1.41 client: %v", err)
		} else {
			l.Close()
		}
		zero := 0
		if _, err := cs.Stop(e.Ctx, res.ID, endpoints.ContainerStopOptions{Timeout: &zero}); err != nil {
			e.T.Fatalf("stop: %v", err)
		}
		w, err := cs.Wait(e.Ctx, res.ID, endpoints.ContainerWaitOptions{Condition: endpoints.WaitNotRunning})
		if err != nil || w.StatusCode != 137 {
			e.T.Errorf("wait not-running on a 1.41 client: %+v %v, want 137", w, err)
		}
	}},
}
