package conformance

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// newVolume creates a labelled named volume and registers its removal.
func (e *Env) newVolume(name string) endpoints.Volume {
	e.T.Helper()
	v, err := e.Client.Volumes.Create(e.Ctx, endpoints.VolumeCreateOptions{Name: name, Labels: e.Labels("purpose=conformance")})
	if err != nil {
		e.T.Fatalf("volume create: %v", err)
	}
	e.removeVolumeLater(name)
	return v.Volume
}

// removeVolumeLater registers the forced removal of volume name.
func (e *Env) removeVolumeLater(name string) {
	vs := e.Client.Volumes
	e.Cleanup(func(ctx context.Context) error {
		_, err := vs.Delete(ctx, name, endpoints.VolumeDeleteOptions{Force: true})
		if errors.Is(err, wire.ErrNotFound) {
			return nil
		}
		return err
	})
}

// atLeast reports whether the API version in use is 1.minor or later.
func (e *Env) atLeast(minor int) bool {
	e.T.Helper()
	ver, err := e.Client.Wire().Version(e.Ctx)
	if err != nil {
		e.T.Fatalf("version: %v", err)
	}
	return !ver.Less(wire.Version{Major: 1, Minor: minor})
}

// pruneVolumes creates a named and an anonymous volume with the run's
// label and a prune label, prunes with opts (plus that label's filter) and
// returns the two names and what the prune deleted.
func (e *Env) pruneVolumes(opts endpoints.VolumePruneOptions) (named, anonymous string, deleted []string, err error) {
	e.T.Helper()
	tag := "dockwire.prune=" + e.RunID
	named = "dw-vol-named-" + e.RunID
	if _, err := e.Client.Volumes.Create(e.Ctx, endpoints.VolumeCreateOptions{Name: named, Labels: e.Labels(tag)}); err != nil {
		e.T.Fatalf("create named: %v", err)
	}
	e.removeVolumeLater(named)
	anon, err := e.Client.Volumes.Create(e.Ctx, endpoints.VolumeCreateOptions{Labels: e.Labels(tag)})
	if err != nil {
		e.T.Fatalf("create anonymous: %v", err)
	}
	e.removeVolumeLater(anon.Name)
	opts.Filters = wire.Filters{"label": {tag}}
	pr, err := e.Client.Volumes.Prune(e.Ctx, opts)
	return named, anon.Name, pr.VolumesDeleted, err
}

// volumeScenarios are the scenarios of volumes: create, list, inspect, mount, update, prune and delete.
var volumeScenarios = []scenario{
	{"volumes/lifecycle/create-list-inspect-remove", func(e *Env) {
		name := "dw-vol-" + e.RunID
		v := e.newVolume(name)
		if v.Name != name || v.Driver != "local" || v.Labels[LabelKey] != e.RunID {
			e.T.Errorf("create returned %+v", show(v))
		}
		list, err := e.Client.Volumes.List(e.Ctx, endpoints.VolumeListOptions{Filters: wire.Filters{"label": {e.LabelFilter()}}})
		if err != nil {
			e.T.Fatalf("list: %v", err)
		}
		if !slices.ContainsFunc(list.Items, func(x endpoints.Volume) bool { return x.Name == name }) {
			e.T.Errorf("list by label lacks %s: %+v", name, show(list.Items))
		}
		got, err := e.Client.Volumes.Inspect(e.Ctx, name, endpoints.VolumeInspectOptions{})
		if err != nil {
			e.T.Fatalf("inspect: %v", err)
		}
		if got.Name != name || got.Mountpoint == "" || got.Labels["purpose"] != "conformance" || got.Scope != "local" {
			e.T.Errorf("inspect: %+v", show(got))
		}
		if _, err := e.Client.Volumes.Delete(e.Ctx, name, endpoints.VolumeDeleteOptions{}); err != nil {
			e.T.Fatalf("delete: %v", err)
		}
		if _, err := e.Client.Volumes.Inspect(e.Ctx, name, endpoints.VolumeInspectOptions{}); !errors.Is(err, wire.ErrNotFound) {
			e.T.Errorf("inspect after delete: %v, want wire.ErrNotFound", err)
		}
		if _, err := e.Client.Volumes.Delete(e.Ctx, name, endpoints.VolumeDeleteOptions{}); !errors.Is(err, wire.ErrNotFound) {
			e.T.Errorf("delete twice: %v, want wire.ErrNotFound", err)
		}
	}},

	{"volumes/prune/label-filter", func(e *Env) {
		mine := "dw-vol-prune-" + e.RunID
		e.newVolume(mine)
		// A volume without the run's label is not pruned.
		other := "dw-vol-keep-" + e.RunID
		if _, err := e.Client.Volumes.Create(e.Ctx, endpoints.VolumeCreateOptions{Name: other, Labels: map[string]string{"dockwire.other": e.RunID}}); err != nil {
			e.T.Fatalf("create: %v", err)
		}
		e.removeVolumeLater(other)
		pr, err := e.Client.Volumes.Prune(e.Ctx, endpoints.VolumePruneOptions{Filters: wire.Filters{"label": {e.LabelFilter()}}})
		if err != nil {
			e.T.Fatalf("prune: %v", err)
		}
		if !slices.Contains(pr.VolumesDeleted, mine) || slices.Contains(pr.VolumesDeleted, other) {
			e.T.Errorf("prune deleted %q, want %s and not %s", pr.VolumesDeleted, mine, other)
		}
		if _, err := e.Client.Volumes.Inspect(e.Ctx, other, endpoints.VolumeInspectOptions{}); err != nil {
			e.T.Errorf("unlabelled volume gone after a label-filtered prune: %v", err)
		}
	}},

	// docker-py's prune (API 1.41) takes every unused volume: so does
	// Prune on every version, although daemons from 1.42 spare named ones
	// by default.
	{"volumes/prune/named-and-anonymous-on-every-version", func(e *Env) {
		named, anon, deleted, err := e.pruneVolumes(endpoints.VolumePruneOptions{})
		if err != nil {
			e.T.Fatalf("prune: %v", err)
		}
		slices.Sort(deleted)
		want := []string{named, anon}
		slices.Sort(want)
		if !slices.Equal(deleted, want) {
			e.T.Errorf("prune deleted %q, want the named and the anonymous volume %q", deleted, want)
		}
	}},

	{"volumes/prune/anonymous-only-from-1.42", func(e *Env) {
		named, anon, deleted, err := e.pruneVolumes(endpoints.VolumePruneOptions{AnonymousOnly: true})
		if !e.atLeast(42) {
			var ve *wire.VersionError
			if !errors.As(err, &ve) || ve.Need != (wire.Version{Major: 1, Minor: 42}) {
				e.T.Fatalf("AnonymousOnly below 1.42: %v, want a *wire.VersionError for 1.42", err)
			}
			return
		}
		if err != nil {
			e.T.Fatalf("prune: %v", err)
		}
		if !slices.Equal(deleted, []string{anon}) {
			e.T.Errorf("prune deleted %q, want only the anonymous volume %s (not %s)", deleted, anon, named)
		}
	}},

	{"volumes/mount/write-then-read-back", func(e *Env) {
		name := "dw-vol-data-" + e.RunID
		e.newVolume(name)
		hc := &endpoints.HostConfig{Mounts: []endpoints.Mount{{Type: "volume", Source: name, Target: "/data"}}}
		if _, code, out := e.runToExit(endpoints.ContainerConfig{Cmd: []string{"sh", "-c", "echo written-" + e.RunID + " > /data/f"}}, hc); code != 0 {
			e.T.Fatalf("writer: exit %d, output %q", code, out)
		}
		roHC := &endpoints.HostConfig{Mounts: []endpoints.Mount{{Type: "volume", Source: name, Target: "/data", ReadOnly: true}}}
		_, code, out := e.runToExit(endpoints.ContainerConfig{Cmd: []string{"cat", "/data/f"}}, roHC)
		if code != 0 {
			e.T.Fatalf("reader: exit %d, output %q", code, out)
		}
		if strings.TrimSpace(out) != "written-"+e.RunID {
			e.T.Errorf("reader saw %q, want %q", out, "written-"+e.RunID)
		}
		// In use: removal is refused with a conflict until the containers go.
		_, err := e.Client.Volumes.Delete(e.Ctx, name, endpoints.VolumeDeleteOptions{})
		if !errors.Is(err, wire.ErrConflict) {
			e.T.Errorf("delete in-use volume: %v, want wire.ErrConflict", err)
		}
	}},

	// dangling: a volume no container references; the filter's two values
	// split this run's volumes between them.
	{"volumes/list/dangling-and-driver-filters", func(e *Env) {
		used := "dw-vol-used-" + e.RunID
		free := "dw-vol-free-" + e.RunID
		e.newVolume(used)
		e.newVolume(free)
		e.container(endpoints.ContainerConfig{Cmd: []string{"true"}}, &endpoints.HostConfig{Binds: []string{used + ":/data"}})
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
	}},

	// Driver options are kept and shown in inspect, and the local driver
	// honours them: a tmpfs volume is a tmpfs mount in the container.
	{"volumes/inspect/driver-opts-tmpfs", func(e *Env) {
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
	}},

	{"volumes/create/anonymous-generated-name", func(e *Env) {
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
			e.T.Errorf("inspect %s: %+v %v", v.Name, show(got), err)
		}
	}},

	{"volumes/mount/read-only-write-fails", func(e *Env) {
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
	}},

	// Update changes cluster volumes only (API 1.42): refused before any
	// I/O below it; on a daemon that is not a swarm manager, 503.
	{"volumes/update/version-gated-or-not-manager", func(e *Env) {
		name := "dw-vol-upd-" + e.RunID
		e.newVolume(name)
		opts := endpoints.VolumeUpdateOptions{Version: endpoints.ObjectVersion{Index: 1}}
		if !e.apiAtLeast(42) {
			e.wantVersionError("volume update below 1.42", func(ctx context.Context) error {
				_, err := e.Client.Volumes.Update(ctx, name, opts)
				return err
			})
			return
		}
		info, err := e.Client.System.Info(e.Ctx, endpoints.SystemInfoOptions{})
		if err != nil {
			e.T.Fatalf("info: %v", err)
		}
		if info.Swarm.ControlAvailable {
			e.T.Skip("the daemon is a swarm manager: a local volume update is not refused as unavailable")
		}
		_, err = e.Client.Volumes.Update(e.Ctx, name, opts)
		if !errors.Is(err, wire.ErrUnavailable) {
			e.T.Errorf("volume update on a node that is not a swarm manager: %v, want wire.ErrUnavailable", err)
		}
	}},

	{"volumes/errors/not-found", func(e *Env) {
		missing := "dw-missing-vol-" + e.RunID
		_, err := e.Client.Volumes.Inspect(e.Ctx, missing, endpoints.VolumeInspectOptions{})
		e.wantStatus("inspect of a missing volume", err, 404, wire.ErrNotFound)
		_, err = e.Client.Volumes.Delete(e.Ctx, missing, endpoints.VolumeDeleteOptions{})
		e.wantStatus("delete of a missing volume", err, 404, wire.ErrNotFound)
	}},

	{"volumes/delete/in-use-conflict", func(e *Env) {
		name := "dw-vol-inuse-" + e.RunID
		e.newVolume(name)
		e.container(endpoints.ContainerConfig{Cmd: []string{"true"}}, &endpoints.HostConfig{Binds: []string{name + ":/data"}})
		_, err := e.Client.Volumes.Delete(e.Ctx, name, endpoints.VolumeDeleteOptions{})
		e.wantStatus("delete of a volume a container uses", err, 409, wire.ErrConflict)
		if _, err := e.Client.Volumes.Inspect(e.Ctx, name, endpoints.VolumeInspectOptions{}); err != nil {
			e.T.Errorf("inspect after the refused delete: %v", err)
		}
	}},

	// Creating a volume under a name that exists returns the existing one.
	{"volumes/create/existing-name-returns-it", func(e *Env) {
		name := "dw-vol-twice-" + e.RunID
		first := e.newVolume(name)
		again, err := e.Client.Volumes.Create(e.Ctx, endpoints.VolumeCreateOptions{Name: name, Labels: e.Labels()})
		if err != nil {
			e.T.Fatalf("second create: %v", err)
		}
		if again.Name != first.Name || again.Mountpoint != first.Mountpoint {
			e.T.Errorf("second create of %s: %+v, want the first %+v", name, show(again), show(first))
		}
	}},

	{"volumes/list/label-and-name-filters", func(e *Env) {
		a := "dw-vol-fa-" + e.RunID
		b := "dw-vol-fb-" + e.RunID
		e.newVolume(a)
		vb, err := e.Client.Volumes.Create(e.Ctx, endpoints.VolumeCreateOptions{Name: b, Labels: e.Labels("dockwire.pick=b")})
		if err != nil {
			e.T.Fatalf("create %s: %v", b, err)
		}
		vs := e.Client.Volumes
		e.Cleanup(func(ctx context.Context) error {
			_, err := vs.Delete(ctx, vb.Name, endpoints.VolumeDeleteOptions{})
			return err
		})
		names := func(f wire.Filters) []string {
			e.T.Helper()
			res, err := e.Client.Volumes.List(e.Ctx, endpoints.VolumeListOptions{Filters: f})
			if err != nil {
				e.T.Fatalf("list %v: %v", f, err)
			}
			var out []string
			for _, v := range res.Items {
				out = append(out, v.Name)
			}
			slices.Sort(out)
			return out
		}
		tests := []struct {
			f    wire.Filters
			want []string
		}{
			{wire.Filters{"label": {e.LabelFilter()}, "name": {"dw-vol-f"}}, []string{a, b}},
			{wire.Filters{"label": {e.LabelFilter(), "dockwire.pick=b"}}, []string{b}},
			{wire.Filters{"label": {e.LabelFilter()}, "name": {b}}, []string{b}},
		}
		for _, tt := range tests {
			if got := names(tt.f); !slices.Equal(got, tt.want) {
				e.T.Errorf("list %v: %v, want %v", tt.f, got, tt.want)
			}
		}
	}},
}
