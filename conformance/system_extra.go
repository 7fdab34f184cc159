package conformance

import (
	"context"
	"io"
	"strconv"
	"time"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

func init() {
	// Info's container counts follow what happens: one more container,
	// and one more running once it starts. The daemon is shared, so the
	// comparison is retried until no one else moved the counts meanwhile.
	register("system/info/container-counts-move", func(e *Env) {
		info := func() endpoints.SystemInfoResult {
			e.T.Helper()
			i, err := e.Client.System.Info(e.Ctx, endpoints.SystemInfoOptions{})
			if err != nil {
				e.T.Fatalf("info: %v", err)
			}
			if i.Containers != i.ContainersRunning+i.ContainersPaused+i.ContainersStopped {
				e.T.Errorf("info: %d containers, but running %d + paused %d + stopped %d", i.Containers, i.ContainersRunning, i.ContainersPaused, i.ContainersStopped)
			}
			return i
		}
		var created, started bool
		for try := 0; try < 5 && !(created && started); try++ {
			b := info()
			id := e.newContainer(endpoints.ContainerConfig{Cmd: []string{"sleep", "60"}}, nil)
			a := info()
			created = created || (a.Containers == b.Containers+1 && a.ContainersStopped == b.ContainersStopped+1 && a.ContainersRunning == b.ContainersRunning)
			e.start(id)
			r := info()
			started = started || (r.Containers == a.Containers && r.ContainersRunning == a.ContainersRunning+1 && r.ContainersStopped == a.ContainersStopped-1)
			e.removeNow(id)
		}
		if !created || !started {
			e.T.Errorf("info counts did not follow a create (%v) and a start (%v) in 5 tries", created, started)
		}
	})

	// df's type filter (API 1.42) computes only what was asked for.
	register("system/df/type-filter", func(e *Env) {
		if !e.apiAtLeast(42) {
			e.wantVersionError("df with Types below 1.42", func(ctx context.Context) error {
				_, err := e.Client.System.DataUsage(ctx, endpoints.SystemDataUsageOptions{Types: []string{"volume"}})
				return err
			})
			return
		}
		e.newVolume("dw-vol-df-" + e.RunID)
		du, err := e.Client.System.DataUsage(e.Ctx, endpoints.SystemDataUsageOptions{Types: []string{"volume"}})
		if err != nil {
			e.T.Fatalf("df type=volume: %v", err)
		}
		if len(du.Images) != 0 || len(du.Containers) != 0 || du.ImageUsage != nil || du.ContainerUsage != nil {
			e.T.Errorf("df type=volume reported images or containers: %d images %d containers, usage %+v %+v", len(du.Images), len(du.Containers), du.ImageUsage, du.ContainerUsage)
		}
		if len(du.Volumes) == 0 && (du.VolumeUsage == nil || du.VolumeUsage.TotalCount == 0) {
			e.T.Errorf("df type=volume: no volumes, want at least %s", "dw-vol-df-"+e.RunID)
		}
	})

	// df lists this run's container and volume with their labels (the
	// per-object lists of daemons before 1.53; the summaries after).
	register("system/df/lists-run-objects", func(e *Env) {
		id := e.newContainer(endpoints.ContainerConfig{Cmd: []string{"true"}}, nil)
		vol := "dw-vol-dfl-" + e.RunID
		e.newVolume(vol)
		du, err := e.Client.System.DataUsage(e.Ctx, endpoints.SystemDataUsageOptions{})
		if err != nil {
			e.T.Fatalf("df: %v", err)
		}
		if du.Containers == nil && du.Volumes == nil {
			if du.ContainerUsage == nil || du.ContainerUsage.TotalCount < 1 || du.VolumeUsage == nil || du.VolumeUsage.TotalCount < 1 {
				e.T.Errorf("df summaries %+v %+v, want at least one container and one volume", du.ContainerUsage, du.VolumeUsage)
			}
			return
		}
		foundC, foundV := false, false
		for _, c := range du.Containers {
			if c.ID == id {
				foundC = c.Labels[LabelKey] == e.RunID && c.Image == e.Image && c.State == "created"
			}
		}
		for _, v := range du.Volumes {
			if v.Name == vol {
				foundV = v.Labels[LabelKey] == e.RunID && v.Driver == "local" && v.UsageData != nil && v.UsageData.RefCount == 0
			}
		}
		if !foundC || !foundV {
			e.T.Errorf("df: container %s listed right %v, volume %s listed right %v", id[:12], foundC, vol, foundV)
		}
	})

	// HEAD /_ping: no body, and headers that agree with /version and /info.
	register("system/ping/head-headers-agree", func(e *Env) {
		resp, err := e.Client.Wire().Do(e.Ctx, &wire.Request{Method: "HEAD", Path: "/_ping", Op: "SystemPingHead", Unversioned: true})
		if err != nil {
			e.T.Fatalf("HEAD /_ping: %v", err)
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		resp.Body.Close()
		if resp.StatusCode != 200 || len(body) != 0 {
			e.T.Errorf("HEAD /_ping: %d with %d body bytes, want 200 and none", resp.StatusCode, len(body))
		}
		v, err := e.Client.System.Version(e.Ctx, endpoints.SystemVersionOptions{})
		if err != nil {
			e.T.Fatalf("version: %v", err)
		}
		info, err := e.Client.System.Info(e.Ctx, endpoints.SystemInfoOptions{})
		if err != nil {
			e.T.Fatalf("info: %v", err)
		}
		h := resp.Header
		if h.Get("Api-Version") != v.APIVersion {
			e.T.Errorf("Api-Version %q, /version says %q", h.Get("Api-Version"), v.APIVersion)
		}
		if h.Get("Ostype") != info.OSType || h.Get("Ostype") != v.Os {
			e.T.Errorf("Ostype %q, /info says %q and /version %q", h.Get("Ostype"), info.OSType, v.Os)
		}
		if x := h.Get("Docker-Experimental"); x != "" {
			if b, err := strconv.ParseBool(x); err != nil || b != v.Experimental {
				e.T.Errorf("Docker-Experimental %q, /version says %v", x, v.Experimental)
			}
		}
	})

	register("system/version/engine-component", func(e *Env) {
		v, err := e.Client.System.Version(e.Ctx, endpoints.SystemVersionOptions{})
		if err != nil {
			e.T.Fatalf("version: %v", err)
		}
		var engine *endpoints.ComponentVersion
		for i := range v.Components {
			if v.Components[i].Name == "Engine" {
				engine = &v.Components[i]
			}
		}
		if engine == nil {
			e.T.Fatalf("components %+v lack Engine", v.Components)
		}
		if engine.Version != v.Version || engine.Details["ApiVersion"] != v.APIVersion || engine.Details["MinAPIVersion"] != v.MinAPIVersion || engine.Details["Os"] != v.Os {
			e.T.Errorf("Engine component %+v disagrees with the top level (version %s api %s min %s os %s)", engine, v.Version, v.APIVersion, v.MinAPIVersion, v.Os)
		}
		if v.BuildTime != "" {
			if _, err := time.Parse(time.RFC3339Nano, v.BuildTime); err != nil {
				e.T.Errorf("BuildTime %q: %v", v.BuildTime, err)
			}
		}
	})
}
