package conformance

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// volumes returns the Volume operations of the target's client (built from
// the wire layer until the root Client carries them).
func (e *Env) volumes() *endpoints.VolumeService { return e.Client.Volumes }

// newVolume creates a labelled named volume and registers its removal.
func (e *Env) newVolume(name string) endpoints.Volume {
	e.T.Helper()
	v, err := e.volumes().Create(e.Ctx, endpoints.VolumeCreateOptions{Name: name, Labels: e.Labels("purpose=conformance")})
	if err != nil {
		e.T.Fatalf("volume create: %v", err)
	}
	e.removeVolumeLater(name)
	return v.Volume
}

// removeVolumeLater registers the forced removal of volume name.
func (e *Env) removeVolumeLater(name string) {
	vs := e.volumes()
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
	if _, err := e.volumes().Create(e.Ctx, endpoints.VolumeCreateOptions{Name: named, Labels: e.Labels(tag)}); err != nil {
		e.T.Fatalf("create named: %v", err)
	}
	e.removeVolumeLater(named)
	anon, err := e.volumes().Create(e.Ctx, endpoints.VolumeCreateOptions{Labels: e.Labels(tag)})
	if err != nil {
		e.T.Fatalf("create anonymous: %v", err)
	}
	e.removeVolumeLater(anon.Name)
	opts.Filters = wire.Filters{"label": {tag}}
	pr, err := e.volumes().Prune(e.Ctx, opts)
	return named, anon.Name, pr.VolumesDeleted, err
}

func init() {
	register("volumes/lifecycle/create-list-inspect-remove", func(e *Env) {
		name := "dw-vol-" + e.RunID
		v := e.newVolume(name)
		if v.Name != name || v.Driver != "local" || v.Labels[LabelKey] != e.RunID {
			e.T.Errorf("create returned %+v", v)
		}
		list, err := e.volumes().List(e.Ctx, endpoints.VolumeListOptions{Filters: wire.Filters{"label": {e.LabelFilter()}}})
		if err != nil {
			e.T.Fatalf("list: %v", err)
		}
		if !slices.ContainsFunc(list.Items, func(x endpoints.Volume) bool { return x.Name == name }) {
			e.T.Errorf("list by label lacks %s: %+v", name, list.Items)
		}
		got, err := e.volumes().Inspect(e.Ctx, name, endpoints.VolumeInspectOptions{})
		if err != nil {
			e.T.Fatalf("inspect: %v", err)
		}
		if got.Name != name || got.Mountpoint == "" || got.Labels["purpose"] != "conformance" || got.Scope != "local" {
			e.T.Errorf("inspect: %+v", got)
		}
		if _, err := e.volumes().Delete(e.Ctx, name, endpoints.VolumeDeleteOptions{}); err != nil {
			e.T.Fatalf("delete: %v", err)
		}
		if _, err := e.volumes().Inspect(e.Ctx, name, endpoints.VolumeInspectOptions{}); !errors.Is(err, wire.ErrNotFound) {
			e.T.Errorf("inspect after delete: %v, want wire.ErrNotFound", err)
		}
		if _, err := e.volumes().Delete(e.Ctx, name, endpoints.VolumeDeleteOptions{}); !errors.Is(err, wire.ErrNotFound) {
			e.T.Errorf("delete twice: %v, want wire.ErrNotFound", err)
		}
	})

	register("volumes/prune/label-filter", func(e *Env) {
		mine := "dw-vol-prune-" + e.RunID
		e.newVolume(mine)
		// A volume without the run's label is not pruned.
		other := "dw-vol-keep-" + e.RunID
		if _, err := e.volumes().Create(e.Ctx, endpoints.VolumeCreateOptions{Name: other, Labels: map[string]string{"dockwire.other": e.RunID}}); err != nil {
			e.T.Fatalf("create: %v", err)
		}
		e.removeVolumeLater(other)
		pr, err := e.volumes().Prune(e.Ctx, endpoints.VolumePruneOptions{Filters: wire.Filters{"label": {e.LabelFilter()}}})
		if err != nil {
			e.T.Fatalf("prune: %v", err)
		}
		if !slices.Contains(pr.VolumesDeleted, mine) || slices.Contains(pr.VolumesDeleted, other) {
			e.T.Errorf("prune deleted %q, want %s and not %s", pr.VolumesDeleted, mine, other)
		}
		if _, err := e.volumes().Inspect(e.Ctx, other, endpoints.VolumeInspectOptions{}); err != nil {
			e.T.Errorf("unlabelled volume gone after a label-filtered prune: %v", err)
		}
	})

	// docker-py's prune (API 1.41) takes every unused volume: so does
	// Prune on every version, although daemons from 1.42 spare named ones
	// by default.
	register("volumes/prune/named-and-anonymous-on-every-version", func(e *Env) {
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
	})

	register("volumes/prune/anonymous-only-from-1.42", func(e *Env) {
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
	})

	register("volumes/mount/write-then-read-back", func(e *Env) {
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
		_, err := e.volumes().Delete(e.Ctx, name, endpoints.VolumeDeleteOptions{})
		if !errors.Is(err, wire.ErrConflict) {
			e.T.Errorf("delete in-use volume: %v, want wire.ErrConflict", err)
		}
	})
}
