package endpoints_test

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/internal/apispec"
	"github.com/dockwire/dockwire/wire"
)

// gate is one version gate: an operation, or a field or parameter of one,
// that the client refuses with a *wire.VersionError before any I/O below
// the API version that brought it (or, for a field older daemons accept but
// ignore, the version from which they apply it).
type gate struct {
	name  string
	minor int // the gate: API 1.<minor>
	// changelog is a phrase of the CHANGELOG's "## v1.<minor> API changes"
	// section that says so; when the CHANGELOG does not, source says where
	// the version comes from instead.
	changelog, source string
	call              func(ctx context.Context, c *dockwire.Client) error
}

func i64(n int64) *int64 { return &n }

func gateCreate(hc *endpoints.HostConfig, cfg endpoints.ContainerConfig, nc *endpoints.NetworkingConfig) func(ctx context.Context, c *dockwire.Client) error {
	if cfg.Image == "" {
		cfg.Image = "busybox"
	}
	return func(ctx context.Context, c *dockwire.Client) error {
		_, err := c.Containers.Create(ctx, endpoints.ContainerCreateOptions{Config: cfg, HostConfig: hc, NetworkingConfig: nc})
		return err
	}
}

func gateMount(m endpoints.Mount) *endpoints.HostConfig {
	return &endpoints.HostConfig{Mounts: []endpoints.Mount{m}}
}

func gateEndpoint(es endpoints.EndpointSettings) *endpoints.NetworkingConfig {
	return &endpoints.NetworkingConfig{EndpointsConfig: map[string]*endpoints.EndpointSettings{"net1": &es}}
}

func gateService(spec endpoints.ServiceSpec) func(ctx context.Context, c *dockwire.Client) error {
	if spec.TaskTemplate.ContainerSpec == nil {
		spec.TaskTemplate.ContainerSpec = &endpoints.ContainerSpec{Image: "busybox"}
	}
	return func(ctx context.Context, c *dockwire.Client) error {
		_, err := c.Services.Create(ctx, endpoints.ServiceCreateOptions{Spec: spec})
		return err
	}
}

func gateContainerSpec(cs endpoints.ContainerSpec) endpoints.ServiceSpec {
	cs.Image = "busybox"
	return endpoints.ServiceSpec{TaskTemplate: endpoints.TaskSpec{ContainerSpec: &cs}}
}

func gateConnect(es endpoints.EndpointSettings) func(ctx context.Context, c *dockwire.Client) error {
	return func(ctx context.Context, c *dockwire.Client) error {
		_, err := c.Networks.Connect(ctx, "net1", endpoints.NetworkConnectOptions{Container: "web", EndpointConfig: &es})
		return err
	}
}

var amd64 = endpoints.Platform{OS: "linux", Architecture: "amd64"}
var arm64 = endpoints.Platform{OS: "linux", Architecture: "arm64"}

// gates lists every version gate of the endpoints package.
var gates = []gate{
	// Containers.
	{name: "ContainerCreate Platform", minor: 41, changelog: "`POST /containers/create` now accepts a `platform` query parameter",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Containers.Create(ctx, endpoints.ContainerCreateOptions{Platform: "linux/amd64", Config: endpoints.ContainerConfig{Image: "busybox"}})
			return err
		}},
	{name: "ContainerCreate Healthcheck.StartInterval", minor: 44, changelog: "`POST /containers/create` now accepts a `HealthConfig.StartInterval`",
		call: gateCreate(nil, endpoints.ContainerConfig{Healthcheck: &endpoints.HealthConfig{StartInterval: 1e9}}, nil)},
	{name: "ContainerCreate HostConfig.Annotations", minor: 43, changelog: "`POST /containers/create` now accepts `Annotations` as part of `HostConfig`",
		call: gateCreate(&endpoints.HostConfig{Annotations: map[string]string{"a": "b"}}, endpoints.ContainerConfig{}, nil)},
	{name: "ContainerCreate HostConfig.CgroupnsMode", minor: 41, changelog: "`POST /containers/create` on Linux now accepts the `HostConfig.CgroupnsMode` property",
		call: gateCreate(&endpoints.HostConfig{CgroupnsMode: "private"}, endpoints.ContainerConfig{}, nil)},
	{name: "ContainerCreate HostConfig.DeviceRequests", minor: 40, changelog: "`POST /containers/create` now accepts `DeviceRequests` as part of `HostConfig`",
		call: gateCreate(&endpoints.HostConfig{Resources: endpoints.Resources{DeviceRequests: []endpoints.DeviceRequest{{Driver: "nvidia", Count: -1}}}}, endpoints.ContainerConfig{}, nil)},
	{name: "ContainerCreate Mount type image", minor: 48, changelog: "`POST /containers/create` now supports `Mount` of type `image`",
		call: gateCreate(gateMount(endpoints.Mount{Type: endpoints.MountImage, Source: "busybox", Target: "/img"}), endpoints.ContainerConfig{}, nil)},
	{name: "ContainerCreate BindOptions.CreateMountpoint", minor: 42, changelog: "`POST /containers/create` allow to set `CreateMountpoint`",
		call: gateCreate(gateMount(endpoints.Mount{Type: endpoints.MountBind, Source: "/a", Target: "/b", BindOptions: &endpoints.MountBindOptions{CreateMountpoint: true}}), endpoints.ContainerConfig{}, nil)},
	{name: "ContainerCreate BindOptions.ReadOnlyNonRecursive", minor: 44, changelog: "`BindOptions.ReadOnlyNonRecursive` and `BindOptions.ReadOnlyForceRecursive`",
		call: gateCreate(gateMount(endpoints.Mount{Type: endpoints.MountBind, Source: "/a", Target: "/b", BindOptions: &endpoints.MountBindOptions{ReadOnlyNonRecursive: true}}), endpoints.ContainerConfig{}, nil)},
	{name: "ContainerCreate VolumeOptions.Subpath", minor: 45, changelog: "`POST /containers/create` now supports `VolumeOptions.Subpath`",
		call: gateCreate(gateMount(endpoints.Mount{Type: endpoints.MountVolume, Source: "v", Target: "/b", VolumeOptions: &endpoints.MountVolumeOptions{Subpath: "x"}}), endpoints.ContainerConfig{}, nil)},
	{name: "ContainerCreate TmpfsOptions.Options", minor: 46, changelog: "`POST /containers/create` now takes `Options` as part of `HostConfig.Mounts.TmpfsOptions`",
		call: gateCreate(gateMount(endpoints.Mount{Type: endpoints.MountTmpfs, Target: "/b", TmpfsOptions: &endpoints.MountTmpfsOptions{Options: [][]string{{"noexec"}}}}), endpoints.ContainerConfig{}, nil)},
	{name: "ContainerCreate several EndpointsConfig", minor: 44, changelog: "`POST /containers/create` now accepts multiple `EndpointSettings`",
		call: gateCreate(nil, endpoints.ContainerConfig{}, &endpoints.NetworkingConfig{EndpointsConfig: map[string]*endpoints.EndpointSettings{"a": nil, "b": nil}})},
	{name: "ContainerCreate EndpointSettings.MacAddress", minor: 44, changelog: "A new endpoint-specific `MacAddress` field has been added to `NetworkSettings.EndpointSettings` on `POST /containers/create`",
		call: gateCreate(nil, endpoints.ContainerConfig{}, gateEndpoint(endpoints.EndpointSettings{MacAddress: "02:42:ac:11:00:09"}))},
	{name: "ContainerCreate EndpointSettings.DriverOpts", minor: 32, source: "not in the CHANGELOG: EndpointSettings.DriverOpts is in the v1.32 spec (docker-py#2550, go-dockerclient#782)",
		call: gateCreate(nil, endpoints.ContainerConfig{}, gateEndpoint(endpoints.EndpointSettings{DriverOpts: map[string]string{"a": "b"}}))},
	{name: "ContainerCreate EndpointSettings.GwPriority", minor: 48, changelog: "`POST /networks/{id}/connect` and `POST /containers/create` now accept a `GwPriority` field in `EndpointsConfig`",
		call: gateCreate(nil, endpoints.ContainerConfig{}, gateEndpoint(endpoints.EndpointSettings{GwPriority: 1}))},
	{name: "ContainerLogs Until", minor: 35, changelog: "`GET /containers/(name)/logs` now supports an additional query parameter: `until`",
		call: func(ctx context.Context, c *dockwire.Client) error {
			tty := false
			l, err := c.Containers.Logs(ctx, "x", endpoints.ContainerLogsOptions{Until: amdTime, TTY: &tty})
			if err == nil {
				l.Close()
			}
			return err
		}},
	{name: "ContainerStats OneShot", minor: 41, changelog: "`GET /containers/{id}/stats` now accepts a query param (`one-shot`)",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Containers.StatsOnce(ctx, "x", endpoints.ContainerStatsOnceOptions{OneShot: true})
			return err
		}},
	{name: "ContainerStop Signal", minor: 42, changelog: "`POST /containers/{id}/stop` and `POST /containers/{id}/restart` now accept a `signal` query parameter",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Containers.Stop(ctx, "x", endpoints.ContainerStopOptions{Signal: "SIGINT"})
			return err
		}},
	{name: "ContainerRestart Signal", minor: 42, changelog: "`POST /containers/{id}/stop` and `POST /containers/{id}/restart` now accept a `signal` query parameter",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Containers.Restart(ctx, "x", endpoints.ContainerRestartOptions{Signal: "SIGINT"})
			return err
		}},
	{name: "ContainerWait Condition", minor: 30, changelog: "`POST /containers/(name)/wait` now accepts a `condition` query parameter",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Containers.Wait(ctx, "x", endpoints.ContainerWaitOptions{Condition: endpoints.WaitNextExit})
			return err
		}},
	{name: "PutContainerArchive CopyUIDGID", minor: 30, changelog: "`PUT /containers/(name)/archive` now accepts a `copyUIDGID` parameter",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Containers.PutArchive(ctx, "x", "/", strings.NewReader("tar"), endpoints.ContainerPutArchiveOptions{CopyUIDGID: true})
			return err
		}},
	{name: "ContainerUpdate PidsLimit", minor: 40, changelog: "`POST /containers/{id}/update` now accepts a `PidsLimit` field",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Containers.Update(ctx, "x", endpoints.ContainerUpdateOptions{Resources: endpoints.Resources{PidsLimit: i64(10)}})
			return err
		}},
	{name: "ContainerUpdate BlkioDeviceReadBps", minor: 55, changelog: "`POST /containers/{id}/update` now supports per-device blkio resource settings",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Containers.Update(ctx, "x", endpoints.ContainerUpdateOptions{Resources: endpoints.Resources{BlkioDeviceReadBps: []endpoints.ThrottleDevice{{Path: "/dev/sda", Rate: 1}}}})
			return err
		}},
	{name: "ContainerExec ConsoleSize", minor: 42, changelog: "`POST /containers/{id}/exec` now accepts an optional `ConsoleSize` parameter",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Exec.Create(ctx, "x", endpoints.ExecCreateOptions{Cmd: []string{"sh"}, ConsoleSize: &[2]uint{24, 80}})
			return err
		}},
	{name: "ContainerExec WorkingDir", minor: 35, changelog: "`POST /containers/{id}/exec` now accepts a `WorkingDir` property",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Exec.Create(ctx, "x", endpoints.ExecCreateOptions{Cmd: []string{"sh"}, WorkingDir: "/tmp"})
			return err
		}},
	{name: "ExecStart ConsoleSize", minor: 42, changelog: "`POST /containers/{id}/exec` now accepts an optional `ConsoleSize` parameter",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Exec.Start(ctx, "e1", endpoints.ExecStartOptions{Detach: true, ConsoleSize: &[2]uint{24, 80}})
			return err
		}},

	// Images.
	{name: "ImageList SharedSize", minor: 42, changelog: "`GET /images/json` now accepts query parameter `shared-size`",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Images.List(ctx, endpoints.ImageListOptions{SharedSize: true})
			return err
		}},
	{name: "ImageList Manifests", minor: 47, changelog: "`GET /images/json` response now includes `Manifests` field",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Images.List(ctx, endpoints.ImageListOptions{Manifests: true})
			return err
		}},
	{name: "ImageList Identity", minor: 54, changelog: "`GET /images/json` now supports an `identity` query parameter",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Images.List(ctx, endpoints.ImageListOptions{Identity: true})
			return err
		}},
	{name: "ImageInspect Manifests", minor: 48, changelog: "`GET /images/{name}/json` response now will return the `Manifests` field",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Images.Inspect(ctx, "busybox", endpoints.ImageInspectOptions{Manifests: true})
			return err
		}},
	{name: "ImageInspect Platform", minor: 49, changelog: "`GET /images/{name}/json` now supports a `platform` parameter",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Images.Inspect(ctx, "busybox", endpoints.ImageInspectOptions{Platform: &amd64})
			return err
		}},
	{name: "ImageHistory Platform", minor: 48, changelog: "`GET /images/{name}/history` now supports a `platform` parameter",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Images.History(ctx, "busybox", endpoints.ImageHistoryOptions{Platform: &amd64})
			return err
		}},
	{name: "ImageAttestations", minor: 55, changelog: "`GET /images/{name}/attestations` is a new endpoint",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Images.Attestations(ctx, "busybox", endpoints.ImageAttestationsOptions{})
			return err
		}},
	{name: "ImageDelete Platforms", minor: 50, changelog: "`DELETE /images/{name}` now supports a `platforms` query parameter",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Images.Delete(ctx, "busybox", endpoints.ImageDeleteOptions{Platforms: []endpoints.Platform{amd64}})
			return err
		}},
	{name: "ImageGet Platform", minor: 48, changelog: "`POST /images/{name}/load` and `GET /images/{name}/get` now support a `platform` parameter",
		call: func(ctx context.Context, c *dockwire.Client) error { return gateSave(ctx, c, amd64) }},
	{name: "ImageGet several Platforms", minor: 52, changelog: "`GET /images/{name}/get` now accepts multiple `platform` query-arguments",
		call: func(ctx context.Context, c *dockwire.Client) error { return gateSave(ctx, c, amd64, arm64) }},
	{name: "ImageGetAll Platform", minor: 48, changelog: "`POST /images/{name}/load` and `GET /images/{name}/get` now support a `platform` parameter",
		call: func(ctx context.Context, c *dockwire.Client) error {
			rc, err := c.Images.GetAll(ctx, []string{"busybox"}, endpoints.ImageGetAllOptions{Platforms: []endpoints.Platform{amd64}})
			if err == nil {
				rc.Close()
			}
			return err
		}},
	{name: "ImageLoad Platform", minor: 48, changelog: "`POST /images/{name}/load` and `GET /images/{name}/get` now support a `platform` parameter",
		call: func(ctx context.Context, c *dockwire.Client) error { return gateLoad(ctx, c, amd64) }},
	{name: "ImageLoad several Platforms", minor: 52, changelog: "`POST /images/load` now accepts multiple `platform` query-arguments",
		call: func(ctx context.Context, c *dockwire.Client) error { return gateLoad(ctx, c, amd64, arm64) }},
	{name: "ImageCreate Platform (pull)", minor: 32, changelog: "`POST /images/create` now accepts a `platform` parameter",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Images.Pull(ctx, "busybox", endpoints.ImagePullOptions{Platform: "linux/amd64"})
			return err
		}},
	{name: "ImageCreate Platform (import)", minor: 32, changelog: "`POST /images/create` now accepts a `platform` parameter",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Images.Import(ctx, strings.NewReader("tar"), endpoints.ImageImportOptions{Platform: "linux/amd64"})
			return err
		}},
	{name: "ImagePush Platform", minor: 46, changelog: "`POST /images/{name}/push` now supports a `platform` parameter",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Images.Push(ctx, "127.0.0.1:9/a", endpoints.ImagePushOptions{Platform: &amd64})
			return err
		}},
	{name: "BuildPrune MaxUsedSpace", minor: 48, changelog: "`POST /build/prune` renames `keep-storage` to `reserved-space` and now supports",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Images.BuildPrune(ctx, endpoints.ImageBuildPruneOptions{MaxUsedSpace: 1})
			return err
		}},
	{name: "BuildPrune MinFreeSpace", minor: 48, changelog: "`POST /build/prune` renames `keep-storage` to `reserved-space` and now supports",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Images.BuildPrune(ctx, endpoints.ImageBuildPruneOptions{MinFreeSpace: 1})
			return err
		}},

	// Networks.
	{name: "NetworkCreate EnableIPv4", minor: 48, changelog: "`POST /networks/create` now has an `EnableIPv4` field",
		call: func(ctx context.Context, c *dockwire.Client) error {
			t := true
			_, err := c.Networks.Create(ctx, endpoints.NetworkCreateOptions{Name: "n", EnableIPv4: &t})
			return err
		}},
	{name: "NetworkConnect EndpointConfig.MacAddress", minor: 54, changelog: "`POST /networks/{id}/connect` now correctly applies the `MacAddress` field",
		call: gateConnect(endpoints.EndpointSettings{MacAddress: "02:42:ac:11:00:09"})},
	{name: "NetworkConnect EndpointConfig.DriverOpts", minor: 32, source: "not in the CHANGELOG: EndpointSettings.DriverOpts is in the v1.32 spec (docker-py#2550, go-dockerclient#782)",
		call: gateConnect(endpoints.EndpointSettings{DriverOpts: map[string]string{"a": "b"}})},
	{name: "NetworkConnect EndpointConfig.GwPriority", minor: 48, changelog: "`POST /networks/{id}/connect` and `POST /containers/create` now accept a `GwPriority` field",
		call: gateConnect(endpoints.EndpointSettings{GwPriority: 1})},

	// Volumes.
	{name: "VolumeCreate ClusterVolumeSpec", minor: 42, changelog: "`POST /volumes/create` now accepts a new `ClusterVolumeSpec`",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Volumes.Create(ctx, endpoints.VolumeCreateOptions{Name: "v", ClusterVolumeSpec: &endpoints.ClusterVolumeSpec{Group: "g"}})
			return err
		}},
	{name: "VolumeUpdate", minor: 42, changelog: "Added a new `PUT /volumes{name}` endpoint",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Volumes.Update(ctx, "v", endpoints.VolumeUpdateOptions{})
			return err
		}},
	{name: "VolumePrune AnonymousOnly", minor: 42, changelog: "will now only prune \"anonymous\" volumes (volumes which were not given a name) by default",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Volumes.Prune(ctx, endpoints.VolumePruneOptions{AnonymousOnly: true})
			return err
		}},
	{name: "VolumePrune all filter", minor: 42, changelog: "A new filter parameter `all` can be set",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Volumes.Prune(ctx, endpoints.VolumePruneOptions{Filters: wire.Filters{"all": {"true"}}})
			return err
		}},

	// System.
	{name: "SystemDataUsage Types", minor: 42, changelog: "`GET /system/df` now accepts query parameter `type`",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.System.DataUsage(ctx, endpoints.SystemDataUsageOptions{Types: []string{"image"}})
			return err
		}},
	{name: "SystemDataUsage Verbose", minor: 52, changelog: "The endpoint supports the `?verbose=1` query",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.System.DataUsage(ctx, endpoints.SystemDataUsageOptions{Verbose: true})
			return err
		}},

	// Swarm.
	{name: "SwarmInit DataPathAddr", minor: 30, changelog: "`POST /swarm/init` now accepts a `DataPathAddr` property",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Swarm.Init(ctx, endpoints.SwarmInitOptions{DataPathAddr: "eth0"})
			return err
		}},
	{name: "SwarmInit DefaultAddrPool", minor: 39, changelog: "`POST /swarm/init` now accepts a `DefaultAddrPool` property",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Swarm.Init(ctx, endpoints.SwarmInitOptions{DefaultAddrPool: []string{"10.20.0.0/16"}, SubnetSize: 24})
			return err
		}},
	{name: "SwarmInit DataPathPort", minor: 40, changelog: "`POST /swarm/init` now accepts a `DataPathPort` property",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Swarm.Init(ctx, endpoints.SwarmInitOptions{DataPathPort: 4790})
			return err
		}},
	{name: "SwarmJoin DataPathAddr", minor: 30, changelog: "`POST /swarm/join` now accepts a `DataPathAddr` property",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Swarm.Join(ctx, endpoints.SwarmJoinOptions{RemoteAddrs: []string{"10.0.0.1:2377"}, JoinToken: "t", DataPathAddr: "eth0"})
			return err
		}},

	// Services.
	{name: "ServiceCreate Mode.ReplicatedJob", minor: 41, changelog: "`POST /services/create` now accepts `ReplicatedJob or `GlobalJob` as the `Mode`",
		call: gateService(endpoints.ServiceSpec{Mode: &endpoints.ServiceMode{ReplicatedJob: &endpoints.ReplicatedJobMode{}}})},
	{name: "ServiceCreate Placement.MaxReplicas", minor: 40, changelog: "now take the field `MaxReplicas`",
		call: gateService(endpoints.ServiceSpec{TaskTemplate: endpoints.TaskSpec{Placement: &endpoints.Placement{MaxReplicas: 2}}})},
	{name: "ServiceCreate Resources.Limits.Pids", minor: 41, changelog: "`POST /services/create` now accepts `Pids` in `TaskTemplate.Resources.Limits`",
		call: gateService(endpoints.ServiceSpec{TaskTemplate: endpoints.TaskSpec{Resources: &endpoints.TaskResources{Limits: &endpoints.ServiceLimit{Pids: 5}}}})},
	{name: "ServiceCreate Resources.SwapBytes", minor: 52, changelog: "`POST /services/create` now accepts `SwapBytes` and `MemorySwappiness` fields",
		call: gateService(endpoints.ServiceSpec{TaskTemplate: endpoints.TaskSpec{Resources: &endpoints.TaskResources{SwapBytes: i64(1)}}})},
	{name: "ServiceCreate ContainerSpec.Sysctls", minor: 40, changelog: "`POST /services/create` now accepts `Sysctls` as part of the `ContainerSpec`",
		call: gateService(gateContainerSpec(endpoints.ContainerSpec{Sysctls: map[string]string{"a": "b"}}))},
	{name: "ServiceCreate ContainerSpec.CapabilityAdd", minor: 41, changelog: "`POST /services/create` now accepts `CapAdd` and `CapDrop` as part of the `ContainerSpec`",
		call: gateService(gateContainerSpec(endpoints.ContainerSpec{CapabilityAdd: []string{"NET_ADMIN"}}))},
	{name: "ServiceCreate ContainerSpec.Ulimits", minor: 41, changelog: "`POST /services/create` now accepts `Ulimits` as part of `ContainerSpec`",
		call: gateService(gateContainerSpec(endpoints.ContainerSpec{Ulimits: []endpoints.Ulimit{{Name: "nofile", Soft: 1, Hard: 2}}}))},
	{name: "ServiceCreate ContainerSpec.OomScoreAdj", minor: 46, changelog: "`POST /services/create` and `POST /services/{id}/update` now support OomScoreAdj",
		call: gateService(gateContainerSpec(endpoints.ContainerSpec{OomScoreAdj: 10}))},
	{name: "ServiceCreate ContainerSpec.Privileges.Seccomp", minor: 44, changelog: "`POST /services/create` and `POST /services/{id}/update` now accept `Seccomp`",
		call: gateService(gateContainerSpec(endpoints.ContainerSpec{Privileges: seccompDefault()}))},
	{name: "ServiceCreate ContainerSpec.Privileges.CredentialSpec.Config", minor: 40, changelog: "`POST /services/create` now accepts `Config` as part of `ContainerSpec.Privileges.CredentialSpec`",
		call: gateService(gateContainerSpec(endpoints.ContainerSpec{Privileges: credentialSpecConfig()}))},
	{name: "ServiceCreate ContainerSpec.Configs.Runtime", minor: 40, changelog: "`POST /services/create` now includes `Runtime` as an option in `ContainerSpec.Configs`",
		call: gateService(gateContainerSpec(endpoints.ContainerSpec{Configs: []endpoints.ServiceConfigReference{{ConfigID: "c", Runtime: &endpoints.ConfigReferenceRuntimeTarget{}}}}))},
	{name: "ServiceCreate ContainerSpec.Mounts.TmpfsOptions.Options", minor: 46, changelog: "`POST /services/create` now takes `Options` as part of `ContainerSpec.Mounts.TmpfsOptions`",
		call: gateService(gateContainerSpec(endpoints.ContainerSpec{Mounts: []endpoints.Mount{{Type: endpoints.MountTmpfs, Target: "/t", TmpfsOptions: &endpoints.MountTmpfsOptions{Options: [][]string{{"noexec"}}}}}}))},
	{name: "ServiceCreate ContainerSpec.Mounts.BindOptions.NonRecursive", minor: 40, changelog: "now supports `BindOptions.NonRecursive`",
		call: gateService(gateContainerSpec(endpoints.ContainerSpec{Mounts: []endpoints.Mount{{Type: endpoints.MountBind, Source: "/a", Target: "/t", BindOptions: &endpoints.MountBindOptions{NonRecursive: true}}}}))},
	{name: "ServiceList Status", minor: 41, changelog: "`GET /services` now accepts query parameter `status`",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Services.List(ctx, endpoints.ServiceListOptions{Status: true})
			return err
		}},

	// Secrets and configs.
	{name: "SecretCreate", minor: 25, source: "the CHANGELOG's v1.25 section lists the secrets endpoints among the swarm additions; the v1.25 spec has them",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Secrets.Create(ctx, endpoints.SecretCreateOptions{Spec: endpoints.SecretSpec{Name: "s"}})
			return err
		}},
	{name: "SecretCreate Driver", minor: 31, changelog: "`POST /secrets/create` now accepts a `Driver` struct",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Secrets.Create(ctx, endpoints.SecretCreateOptions{Spec: endpoints.SecretSpec{Name: "s", Driver: &endpoints.SwarmDriver{Name: "d"}}})
			return err
		}},
	{name: "SecretCreate Templating", minor: 37, changelog: "`POST /secrets/create` and `POST /secrets/{id}/create` now accept a `Templating` driver",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Secrets.Create(ctx, endpoints.SecretCreateOptions{Spec: endpoints.SecretSpec{Name: "s", Templating: &endpoints.SwarmDriver{Name: "golang"}}})
			return err
		}},
	{name: "SecretList", minor: 25, source: "the secrets endpoints came with API 1.25", call: func(ctx context.Context, c *dockwire.Client) error {
		_, err := c.Secrets.List(ctx, endpoints.SecretListOptions{})
		return err
	}},
	{name: "SecretInspect", minor: 25, source: "the secrets endpoints came with API 1.25", call: func(ctx context.Context, c *dockwire.Client) error {
		_, err := c.Secrets.Inspect(ctx, "s", endpoints.SecretInspectOptions{})
		return err
	}},
	{name: "SecretDelete", minor: 25, source: "the secrets endpoints came with API 1.25", call: func(ctx context.Context, c *dockwire.Client) error {
		_, err := c.Secrets.Delete(ctx, "s", endpoints.SecretDeleteOptions{})
		return err
	}},
	{name: "SecretUpdate", minor: 25, source: "the secrets endpoints came with API 1.25", call: func(ctx context.Context, c *dockwire.Client) error {
		_, err := c.Secrets.Update(ctx, "s", endpoints.SecretUpdateOptions{})
		return err
	}},
	{name: "ConfigList", minor: 30, source: "the configs endpoints came with API 1.30", call: func(ctx context.Context, c *dockwire.Client) error {
		_, err := c.Configs.List(ctx, endpoints.ConfigListOptions{})
		return err
	}},
	{name: "ConfigInspect", minor: 30, source: "the configs endpoints came with API 1.30", call: func(ctx context.Context, c *dockwire.Client) error {
		_, err := c.Configs.Inspect(ctx, "c", endpoints.ConfigInspectOptions{})
		return err
	}},
	{name: "ConfigDelete", minor: 30, source: "the configs endpoints came with API 1.30", call: func(ctx context.Context, c *dockwire.Client) error {
		_, err := c.Configs.Delete(ctx, "c", endpoints.ConfigDeleteOptions{})
		return err
	}},
	{name: "ConfigUpdate", minor: 30, source: "the configs endpoints came with API 1.30", call: func(ctx context.Context, c *dockwire.Client) error {
		_, err := c.Configs.Update(ctx, "c", endpoints.ConfigUpdateOptions{})
		return err
	}},
	{name: "ConfigCreate", minor: 30, source: "the configs endpoints came with API 1.30 (Docker 17.06); the v1.30 spec has them",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Configs.Create(ctx, endpoints.ConfigCreateOptions{Spec: endpoints.ConfigSpec{Name: "c"}})
			return err
		}},
	{name: "ConfigCreate Templating", minor: 37, changelog: "`POST /configs/create` and `POST /configs/{id}/create` now accept a `Templating` driver",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Configs.Create(ctx, endpoints.ConfigCreateOptions{Spec: endpoints.ConfigSpec{Name: "c", Templating: &endpoints.SwarmDriver{Name: "golang"}}})
			return err
		}},

	// Plugins, session, distribution.
	{name: "PluginDisable Force", minor: 28, changelog: "`POST /plugins/{name}/disable` now accepts a `force` query-parameter",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Plugins.Disable(ctx, "p", endpoints.PluginDisableOptions{Force: true})
			return err
		}},
	{name: "PluginUpgrade", minor: 26, changelog: "`POST /plugins/(plugin name)/upgrade` upgrade a plugin",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Plugins.Upgrade(ctx, "p", "127.0.0.1:9/p", endpoints.PluginUpgradeOptions{})
			return err
		}},
	{name: "Session", minor: 31, changelog: "`POST /session` is a new endpoint",
		call: func(ctx context.Context, c *dockwire.Client) error {
			up, err := c.Session.Start(ctx, endpoints.SessionStartOptions{ID: "s"})
			if err == nil {
				up.Conn.Close()
			}
			return err
		}},
	{name: "DistributionInspect", minor: 30, changelog: "`GET /distribution/(name)/json` is a new endpoint",
		call: func(ctx context.Context, c *dockwire.Client) error {
			_, err := c.Distribution.Inspect(ctx, "busybox", endpoints.DistributionInspectOptions{})
			return err
		}},
}

var amdTime = timeUnix(1700000000)

func gateSave(ctx context.Context, c *dockwire.Client, ps ...endpoints.Platform) error {
	rc, err := c.Images.Get(ctx, "busybox", endpoints.ImageGetOptions{Platforms: ps})
	if err == nil {
		rc.Close()
	}
	return err
}

func gateLoad(ctx context.Context, c *dockwire.Client, ps ...endpoints.Platform) error {
	_, err := c.Images.Load(ctx, strings.NewReader("tar"), endpoints.ImageLoadOptions{Platforms: ps})
	return err
}

// TestVersionGates holds every gate of the list: one minor version below,
// the call is a *wire.VersionError naming that version, before any I/O; at
// the version, the request is sent. Its last case checks that the list has
// every gate of the code: each need(r, what, minor) and setPlatforms call,
// and each operation of the module's list with a minimum version.
func TestVersionGates(t *testing.T) {
	type seen struct {
		what  string
		minor int
	}
	var observed []seen
	ran := 0
	for _, g := range gates {
		t.Run(g.name, func(t *testing.T) {
			ran++
			require.True(t, g.changelog != "" || g.source != "", "a gate needs its CHANGELOG phrase or its source")
			below := "1." + strconv.Itoa(g.minor-1)
			f, c := newFakeClient(t, below)
			err := g.call(t.Context(), c)
			var ve *wire.VersionError
			require.ErrorAs(t, err, &ve, "at API %s", below)
			assert.Equal(t, wire.Version{Major: 1, Minor: g.minor}, ve.Need)
			assert.Empty(t, f.requests(), "a request was sent below the gate")
			observed = append(observed, seen{ve.Op, ve.Need.Minor})

			at := "1." + strconv.Itoa(g.minor)
			f, c = newFakeClient(t, at)
			err = g.call(t.Context(), c)
			assert.False(t, errors.As(err, &ve), "at API %s: %v", at, err)
			assert.NotEmpty(t, f.requests(), "no request sent at API %s", at)
		})
	}
	t.Run("every-gate-of-the-code-is-listed", func(t *testing.T) {
		if ran != len(gates) {
			t.Skip("-run selected some gates only: the check needs them all")
		}
		has := func(what string, minor int) bool {
			for _, o := range observed {
				if strings.Contains(o.what, what) && (minor == 0 || o.minor == minor) {
					return true
				}
			}
			return false
		}
		sites := gateSites(t)
		require.NotEmpty(t, sites)
		for _, s := range sites {
			assert.True(t, has(s.what, s.minor), "%s: gate %q (1.%d) has no row in gates", s.where, s.what, s.minor)
		}
		for _, o := range apispec.All() {
			if o.MinMinor > 0 {
				assert.True(t, has(o.ID, o.MinMinor), "operation %s (1.%d) has no row in gates", o.ID, o.MinMinor)
			}
		}
		t.Logf("%d gate sites in the code, %d rows", len(sites), len(gates))
	})
}

type gateSite struct {
	where string
	what  string // a literal part of the gate's description
	minor int    // 0 when not a literal
}

// gateSites finds the gates of the endpoints code: need(r, what, minor)
// and setPlatforms(r, ps, minor) calls.
func gateSites(t *testing.T) []gateSite {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	require.NoError(t, err)
	var sites []gateSite
	for _, f := range pkgs["endpoints"].Files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 3 {
				return true
			}
			fn, ok := call.Fun.(*ast.Ident)
			if !ok || (fn.Name != "need" && fn.Name != "setPlatforms") {
				return true
			}
			s := gateSite{where: fset.Position(call.Pos()).String()}
			if lit, ok := call.Args[2].(*ast.BasicLit); ok && lit.Kind == token.INT {
				s.minor, _ = strconv.Atoi(lit.Value)
			}
			if fn.Name == "setPlatforms" {
				s.what = ": Platform"
				sites = append(sites, s)
				return true
			}
			// The longest string literal of the description.
			ast.Inspect(call.Args[1], func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if v, _ := strconv.Unquote(lit.Value); len(v) > len(s.what) {
						s.what = v
					}
				}
				return true
			})
			if s.what != "" {
				sites = append(sites, s)
			}
			return true
		})
	}
	return sites
}

// TestVersionGatesMatchChangelog checks each gate's phrase against the
// Engine API CHANGELOG's section for its version, when
// DOCKWIRE_ENGINE_API_CHANGELOG names the file (it is not part of the
// repository).
func TestVersionGatesMatchChangelog(t *testing.T) {
	path := os.Getenv("DOCKWIRE_ENGINE_API_CHANGELOG")
	if path == "" {
		t.Skip("DOCKWIRE_ENGINE_API_CHANGELOG is not set: no Engine API CHANGELOG to check the gates against")
	}
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	sections := map[int]string{}
	head := regexp.MustCompile(`(?m)^## [vV]1\.(\d+) API changes$`)
	locs := head.FindAllStringSubmatchIndex(string(data), -1)
	for i, l := range locs {
		end := len(data)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		minor, _ := strconv.Atoi(string(data[l[2]:l[3]]))
		sections[minor] = strings.Join(strings.Fields(string(data[l[1]:end])), " ")
	}
	require.NotEmpty(t, sections)
	checked := 0
	for _, g := range gates {
		if g.changelog == "" {
			continue
		}
		checked++
		assert.Contains(t, sections[g.minor], strings.Join(strings.Fields(g.changelog), " "), "%s: not in the v1.%d section", g.name, g.minor)
	}
	t.Logf("%d gates checked against %s", checked, path)
}

func timeUnix(sec int64) time.Time { return time.Unix(sec, 0) }

func seccompDefault() *endpoints.ServicePrivileges {
	return &endpoints.ServicePrivileges{Seccomp: &endpoints.SeccompOpts{Mode: "default"}}
}

func credentialSpecConfig() *endpoints.ServicePrivileges {
	return &endpoints.ServicePrivileges{CredentialSpec: &endpoints.CredentialSpec{Config: "c"}}
}
