package conformance

import (
	"context"
	"errors"
	"slices"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

func init() {
	// Update changes cluster volumes only (API 1.42): refused before any
	// I/O below it; on a daemon that is not a swarm manager, 503.
	register("volumes/update/version-gated-or-not-manager", func(e *Env) {
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
	})

	register("volumes/errors/not-found", func(e *Env) {
		missing := "dw-missing-vol-" + e.RunID
		_, err := e.Client.Volumes.Inspect(e.Ctx, missing, endpoints.VolumeInspectOptions{})
		e.wantStatus("inspect of a missing volume", err, 404, wire.ErrNotFound)
		_, err = e.Client.Volumes.Delete(e.Ctx, missing, endpoints.VolumeDeleteOptions{})
		e.wantStatus("delete of a missing volume", err, 404, wire.ErrNotFound)
	})

	register("volumes/delete/in-use-conflict", func(e *Env) {
		name := "dw-vol-inuse-" + e.RunID
		e.newVolume(name)
		e.newContainer(endpoints.ContainerConfig{Cmd: []string{"true"}}, &endpoints.HostConfig{Binds: []string{name + ":/data"}})
		_, err := e.Client.Volumes.Delete(e.Ctx, name, endpoints.VolumeDeleteOptions{})
		e.wantStatus("delete of a volume a container uses", err, 409, wire.ErrConflict)
		if _, err := e.Client.Volumes.Inspect(e.Ctx, name, endpoints.VolumeInspectOptions{}); err != nil {
			e.T.Errorf("inspect after the refused delete: %v", err)
		}
	})

	// Creating a volume under a name that exists returns the existing one.
	register("volumes/create/existing-name-returns-it", func(e *Env) {
		name := "dw-vol-twice-" + e.RunID
		first := e.newVolume(name)
		again, err := e.Client.Volumes.Create(e.Ctx, endpoints.VolumeCreateOptions{Name: name, Labels: e.Labels()})
		if err != nil {
			e.T.Fatalf("second create: %v", err)
		}
		if again.Name != first.Name || again.Mountpoint != first.Mountpoint {
			e.T.Errorf("second create of %s: %+v, want the first %+v", name, again, first)
		}
	})

	register("volumes/list/label-and-name-filters", func(e *Env) {
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
	})
}
