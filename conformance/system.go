package conformance

import (
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// daemonAPI is the newest API version the daemon speaks (its version's
// ApiVersion).
func (e *Env) daemonAPI() wire.Version {
	e.T.Helper()
	v, err := e.Client.System.Version(e.Ctx, endpoints.SystemVersionOptions{})
	if err != nil {
		e.T.Fatal(err)
	}
	daemon, err := wire.ParseVersion(v.APIVersion)
	if err != nil {
		e.T.Fatal(err)
	}
	return daemon
}

// pinnedClient is a second client for the target, pinned to version.
func pinnedClient(e *Env, version string) *dockwire.Client {
	opts := dockwire.Options{}
	if e.Target.Options != nil {
		opts = *e.Target.Options
	}
	v, err := wire.ParseVersion(version)
	if err != nil {
		e.T.Fatal(err)
	}
	opts.APIVersion = v
	cli, err := dockwire.New(e.Target.Config, &opts)
	if err != nil {
		e.T.Fatal(err)
	}
	e.T.Cleanup(func() { cli.Close() })
	return cli
}

// systemScenarios are the scenarios of the daemon itself: ping, version, info, disk usage, events and API version negotiation.
var systemScenarios = []scenario{
	{"system/ping/ok", func(e *Env) {
		p, err := e.Client.System.Ping(e.Ctx, endpoints.SystemPingOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		if p.APIVersion.IsZero() {
			e.T.Errorf("ping: no Api-Version header")
		}
		if p.OSType == "" {
			e.T.Errorf("ping: no Ostype header")
		}
	}},

	{"system/version/decodes", func(e *Env) {
		v, err := e.Client.System.Version(e.Ctx, endpoints.SystemVersionOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		if v.Version == "" || v.APIVersion == "" || v.Os == "" || v.Arch == "" {
			e.T.Errorf("version: missing fields: %+v", v)
		}
		if _, err := wire.ParseVersion(v.APIVersion); err != nil {
			e.T.Errorf("version: ApiVersion %q: %v", v.APIVersion, err)
		}
		if _, err := wire.ParseVersion(v.MinAPIVersion); err != nil {
			e.T.Errorf("version: MinAPIVersion %q: %v", v.MinAPIVersion, err)
		}
	}},

	{"system/info/decodes", func(e *Env) {
		info, err := e.Client.System.Info(e.Ctx, endpoints.SystemInfoOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		if info.ID == "" || info.OSType == "" || info.NCPU < 1 || info.MemTotal <= 0 || info.ServerVersion == "" {
			e.T.Errorf("info: missing fields: ID=%q OSType=%q NCPU=%d MemTotal=%d ServerVersion=%q",
				info.ID, info.OSType, info.NCPU, info.MemTotal, info.ServerVersion)
		}
		if info.Images < 1 {
			e.T.Errorf("info: Images = %d, want at least the test image", info.Images)
		}
	}},

	{"system/df/decodes", func(e *Env) {
		du, err := e.Client.System.DataUsage(e.Ctx, endpoints.SystemDataUsageOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		if len(du.Images) == 0 && (du.ImageUsage == nil || du.ImageUsage.TotalCount == 0) {
			e.T.Errorf("df: no images reported, want at least the test image")
		}
	}},

	{"system/events/container-create", func(e *Env) {
		since := time.Now().Add(-time.Second)
		st, err := e.Client.System.Events(e.Ctx, endpoints.SystemEventsOptions{
			Since:   since,
			Filters: wire.Filters{"type": {"container"}, "label": {e.LabelFilter()}},
		})
		if err != nil {
			e.T.Fatal(err)
		}
		defer st.Close()
		id := e.container(command("true"), nil)
		for st.Next() {
			ev := st.Value()
			if ev.Actor.ID == id && ev.Action == "create" {
				if ev.Actor.Attributes[LabelKey] != e.RunID {
					e.T.Errorf("event attributes lack the container's label: %v", ev.Actor.Attributes)
				}
				return
			}
		}
		e.T.Fatalf("no create event for %s: %v", id, st.Err())
	}},

	{"system/events/until-ends-stream", func(e *Env) {
		now := time.Now()
		st, err := e.Client.System.Events(e.Ctx, endpoints.SystemEventsOptions{Since: now.Add(-time.Second), Until: now.Add(time.Second)})
		if err != nil {
			e.T.Fatal(err)
		}
		defer st.Close()
		for st.Next() {
		}
		if err := st.Err(); err != nil {
			e.T.Fatalf("events with until: %v", err)
		}
		if e.Ctx.Err() != nil {
			e.T.Fatal("events with until did not end by itself")
		}
	}},

	{"system/negotiation/picks-min", func(e *Env) {
		if e.Target.Options != nil && !e.Target.Options.APIVersion.IsZero() {
			e.T.Skip("the target pins its API version: no negotiation")
		}
		daemon := e.daemonAPI()
		got, err := e.Client.APIVersion(e.Ctx)
		if err != nil {
			e.T.Fatal(err)
		}
		if want := wire.Negotiate(wire.MaxVersion, daemon); got != want {
			e.T.Errorf("negotiated %s, want %s (client max %s, daemon %s)", got, want, wire.MaxVersion, daemon)
		}
	}},

	{"system/negotiation/pinned-too-new", func(e *Env) {
		daemon := e.daemonAPI()
		if !daemon.Less(wire.MaxVersion) {
			e.T.Skipf("the daemon speaks %s, the client's newest: no version above it to pin", daemon)
		}
		pinned := pinnedClient(e, wire.MaxVersion.String())
		_, err := pinned.System.Version(e.Ctx, endpoints.SystemVersionOptions{})
		var werr *wire.Error
		if !errors.As(err, &werr) || !errors.Is(err, wire.ErrInvalidArgument) || werr.StatusCode != 400 {
			e.T.Fatalf("version pinned to %s on a %s daemon: got %v, want the daemon's 400", wire.MaxVersion, daemon, err)
		}
		if werr.Message == "" {
			e.T.Errorf("the daemon's 400 carries no message")
		}
	}},

	{"system/negotiation/pinned-older", func(e *Env) {
		v, err := e.Client.System.Version(e.Ctx, endpoints.SystemVersionOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		min, err := wire.ParseVersion(v.MinAPIVersion)
		if err != nil {
			e.T.Fatal(err)
		}
		if min.Less(wire.MinVersion) {
			min = wire.MinVersion
		}
		pinned := pinnedClient(e, min.String())
		got, err := pinned.System.Version(e.Ctx, endpoints.SystemVersionOptions{})
		if err != nil {
			e.T.Fatalf("version pinned to %s: %v", min, err)
		}
		if got.Version != v.Version {
			e.T.Errorf("pinned to %s: version %q, want %q", min, got.Version, v.Version)
		}
	}},

	// Info's container counts follow what happens: one more container,
	// and one more running once it starts. The daemon is shared, so the
	// comparison is retried until no one else moved the counts meanwhile.
	{"system/info/container-counts-move", func(e *Env) {
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
			id := e.container(endpoints.ContainerConfig{Cmd: []string{"sleep", "60"}}, nil)
			a := info()
			created = created || (a.Containers == b.Containers+1 && a.ContainersStopped == b.ContainersStopped+1 && a.ContainersRunning == b.ContainersRunning)
			e.start(id)
			r := info()
			started = started || (r.Containers == a.Containers && r.ContainersRunning == a.ContainersRunning+1 && r.ContainersStopped == a.ContainersStopped-1)
			e.remove(id)
		}
		if !created || !started {
			e.T.Errorf("info counts did not follow a create (%v) and a start (%v) in 5 tries", created, started)
		}
	}},

	// df's type filter (API 1.42) computes only what was asked for.
	{"system/df/type-filter", func(e *Env) {
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
			e.T.Errorf("df type=volume reported images or containers: %d images %d containers, usage %+v %+v", len(du.Images), len(du.Containers), show(du.ImageUsage), show(du.ContainerUsage))
		}
		if len(du.Volumes) == 0 && (du.VolumeUsage == nil || du.VolumeUsage.TotalCount == 0) {
			e.T.Errorf("df type=volume: no volumes, want at least %s", "dw-vol-df-"+e.RunID)
		}
	}},

	// df lists this run's container and volume with their labels (the
	// per-object lists of daemons before 1.53; the summaries after).
	{"system/df/lists-run-objects", func(e *Env) {
		id := e.container(endpoints.ContainerConfig{Cmd: []string{"true"}}, nil)
		vol := "dw-vol-dfl-" + e.RunID
		e.newVolume(vol)
		du, err := e.Client.System.DataUsage(e.Ctx, endpoints.SystemDataUsageOptions{})
		if err != nil {
			e.T.Fatalf("df: %v", err)
		}
		if du.Containers == nil && du.Volumes == nil {
			if du.ContainerUsage == nil || du.ContainerUsage.TotalCount < 1 || du.VolumeUsage == nil || du.VolumeUsage.TotalCount < 1 {
				e.T.Errorf("df summaries %+v %+v, want at least one container and one volume", show(du.ContainerUsage), show(du.VolumeUsage))
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
	}},

	// HEAD /_ping: no body, and headers that agree with /version and /info.
	{"system/ping/head-headers-agree", func(e *Env) {
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
	}},

	{"system/version/engine-component", func(e *Env) {
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
	}},

	// GET /_ping (the HEAD form is what the client sends first): body OK,
	// no caching, the API version in a header.
	{"system/ping/get-body-and-headers", func(e *Env) {
		resp, err := e.Client.Wire().Do(e.Ctx, &wire.Request{Method: "GET", Path: "/_ping", Op: "SystemPing", Unversioned: true})
		if err != nil {
			e.T.Fatalf("GET /_ping: %v", err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(io.LimitReader(resp.Body, 1024))
		if err != nil {
			e.T.Fatalf("GET /_ping body: %v", err)
		}
		if resp.StatusCode != 200 || string(body) != "OK" {
			e.T.Errorf("GET /_ping: %d %q, want 200 OK", resp.StatusCode, body)
		}
		if _, err := wire.ParseVersion(resp.Header.Get("Api-Version")); err != nil {
			e.T.Errorf("GET /_ping: Api-Version %q: %v", resp.Header.Get("Api-Version"), err)
		}
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-cache") {
			e.T.Errorf("GET /_ping: Cache-Control %q, want no-cache", cc)
		}
	}},

	// Logging in to a registry nobody listens on is an error status, not
	// a refusal of the credentials.
	{"system/auth/closed-port-registry", func(e *Env) {
		_, err := e.Client.System.Auth(e.Ctx, endpoints.SystemAuthOptions{Auth: endpoints.AuthConfig{Username: "dw", Password: "dw", ServerAddress: closedRegistry}})
		var werr *wire.Error
		if !errors.As(err, &werr) || werr.StatusCode < 400 {
			e.T.Fatalf("auth against %s: %v, want a *wire.Error", closedRegistry, err)
		}
		if errors.Is(err, wire.ErrUnauthorized) {
			e.T.Errorf("auth against an unreachable registry: %v, a refusal of credentials that were never checked", err)
		}
	}},

	{"system/version/unversioned-path", func(e *Env) {
		var v endpoints.SystemVersionResult
		if err := e.Client.Wire().DoJSON(e.Ctx, &wire.Request{Method: "GET", Path: "/version", Op: "SystemVersion", Unversioned: true}, &v); err != nil {
			e.T.Fatalf("GET /version: %v", err)
		}
		api, err := wire.ParseVersion(v.APIVersion)
		if err != nil {
			e.T.Fatalf("ApiVersion %q: %v", v.APIVersion, err)
		}
		min, err := wire.ParseVersion(v.MinAPIVersion)
		if err != nil || api.Less(min) {
			e.T.Errorf("MinAPIVersion %q (%v) above ApiVersion %q", v.MinAPIVersion, err, v.APIVersion)
		}
	}},

	// The events stream filtered by type and label carries only this
	// run's container events.
	{"system/events/filter-type-and-label", func(e *Env) {
		since := time.Now().Add(-time.Second)
		id, _, _ := e.runToExit(command("true"), nil)
		until := time.Now().Add(time.Second)
		s, err := e.Client.System.Events(e.Ctx, endpoints.SystemEventsOptions{Since: since, Until: until,
			Filters: wire.Filters{"type": {"container"}, "label": {e.LabelFilter()}, "container": {id}}})
		if err != nil {
			e.T.Fatalf("events: %v", err)
		}
		defer s.Close()
		var actions []string
		for s.Next() {
			ev := s.Value()
			if ev.Type != "container" || ev.Actor.ID != id {
				e.T.Errorf("filtered stream let through %s %s of %s", ev.Type, ev.Action, ev.Actor.ID)
			}
			actions = append(actions, ev.Action)
		}
		if err := s.Err(); err != nil {
			e.T.Fatalf("events stream: %v", err)
		}
		for _, want := range []string{"create", "start", "die"} {
			found := false
			for _, a := range actions {
				if a == want {
					found = true
				}
			}
			if !found {
				e.T.Errorf("events of %s: %v, missing %q", id, actions, want)
			}
		}
	}},
}
