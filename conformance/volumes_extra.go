package conformance

import (
	"maps"
	"slices"
	"strings"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

func init() {
	// dangling: a volume no container references; the filter's two values
	// split this run's volumes between them.
	register("volumes/list/dangling-and-driver-filters", func(e *Env) {
		used := "dw-vol-used-" + e.RunID
		free := "dw-vol-free-" + e.RunID
		e.newVolume(used)
		e.newVolume(free)
		e.newContainer(endpoints.ContainerConfig{Cmd: []string{"true"}}, &endpoints.HostConfig{Binds: []string{used + ":/data"}})
		names := func(f wire.Filters) []string {
			e.T.Helper()
			f["label"] = []string{e.LabelFilter()}
			res, err := e.Client.Volumes.List(e.Ctx, endpoints.VolumeListOptions{Filters: f})
			if err != nil {
				e.T.Fatalf("list %v: %v", f, err)
			}
			var out []string
			for _, v := range res.Items {
				if v.Name == used || v.Name == free {
					out = append(out, v.Name)
				}
			}
			slices.Sort(out)
			return out
		}
		tests := []struct {
			f    wire.Filters
			want []string
		}{
			{wire.Filters{"dangling": {"true"}}, []string{free}},
			{wire.Filters{"dangling": {"false"}}, []string{used}},
			{wire.Filters{"driver": {"local"}}, []string{free, used}},
			{wire.Filters{"driver": {"dw-no-such-driver"}}, nil},
		}
		for _, tt := range tests {
			if got := names(tt.f); !slices.Equal(got, tt.want) {
				e.T.Errorf("list %v: %v, want %v", tt.f, got, tt.want)
			}
		}
	})

	// Driver options are kept and shown in inspect, and the local driver
	// honours them: a tmpfs volume is a tmpfs mount in the container.
	register("volumes/inspect/driver-opts-tmpfs", func(e *Env) {
		name := "dw-vol-tmpfs-" + e.RunID
		opts := map[string]string{"type": "tmpfs", "device": "tmpfs", "o": "size=1m"}
		v, err := e.Client.Volumes.Create(e.Ctx, endpoints.VolumeCreateOptions{Name: name, Driver: "local", DriverOpts: opts, Labels: e.Labels()})
		if err != nil {
			e.T.Fatalf("create: %v", err)
		}
		e.removeVolumeLater(name)
		got, err := e.Client.Volumes.Inspect(e.Ctx, name, endpoints.VolumeInspectOptions{})
		if err != nil {
			e.T.Fatalf("inspect: %v", err)
		}
		if !maps.Equal(got.Options, opts) || !maps.Equal(v.Options, opts) {
			e.T.Errorf("options: create %v inspect %v, want %v", v.Options, got.Options, opts)
		}
		_, code, out := e.runToExit(endpoints.ContainerConfig{Cmd: []string{"sh", "-c", "echo ok > /data/f && cat /data/f && grep ' /data ' /proc/mounts"}},
			&endpoints.HostConfig{Binds: []string{name + ":/data"}})
		if code != 0 || !strings.HasPrefix(out, "ok\n") || !strings.Contains(out, "tmpfs /data tmpfs") {
			e.T.Errorf("container on the tmpfs volume: %q (exit %d), want ok and a tmpfs mount at /data", out, code)
		}
	})

	register("volumes/create/anonymous-generated-name", func(e *Env) {
		v, err := e.Client.Volumes.Create(e.Ctx, endpoints.VolumeCreateOptions{Labels: e.Labels()})
		if err != nil {
			e.T.Fatalf("create: %v", err)
		}
		e.removeVolumeLater(v.Name)
		if len(v.Name) != 64 || strings.Trim(v.Name, "0123456789abcdef") != "" {
			e.T.Errorf("anonymous volume name %q, want 64 hex digits", v.Name)
		}
		got, err := e.Client.Volumes.Inspect(e.Ctx, v.Name, endpoints.VolumeInspectOptions{})
		if err != nil || got.Name != v.Name || got.Driver != "local" || got.Labels[LabelKey] != e.RunID {
			e.T.Errorf("inspect %s: %+v %v", v.Name, got, err)
		}
	})

	register("volumes/mount/read-only-write-fails", func(e *Env) {
		name := "dw-vol-ro-" + e.RunID
		e.newVolume(name)
		id, code, out := e.runToExit(endpoints.ContainerConfig{Cmd: []string{"sh", "-c", "touch /data/f"}}, &endpoints.HostConfig{Binds: []string{name + ":/data:ro"}})
		if code == 0 || !strings.Contains(out, "Read-only file system") {
			e.T.Errorf("write to a read-only volume: %q (exit %d), want EROFS", out, code)
		}
		c, err := e.Client.Containers.Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{})
		if err != nil {
			e.T.Fatalf("inspect: %v", err)
		}
		if len(c.Mounts) != 1 || c.Mounts[0].Name != name || c.Mounts[0].RW || c.Mounts[0].Destination != "/data" || c.Mounts[0].Type != "volume" {
			e.T.Errorf("inspect Mounts %+v, want %s read-only at /data", c.Mounts, name)
		}
	})
}
