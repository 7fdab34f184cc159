package conformance

import (
	"errors"
	"time"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

func init() {
	register("system/ping/ok", func(e *Env) {
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
	})
	register("system/version/decodes", func(e *Env) {
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
	})
	register("system/info/decodes", func(e *Env) {
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
	})
	register("system/df/decodes", func(e *Env) {
		du, err := e.Client.System.DataUsage(e.Ctx, endpoints.SystemDataUsageOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		if len(du.Images) == 0 && (du.ImageUsage == nil || du.ImageUsage.TotalCount == 0) {
			e.T.Errorf("df: no images reported, want at least the test image")
		}
	})
	register("system/events/container-create", func(e *Env) {
		since := time.Now().Add(-time.Second)
		st, err := e.Client.System.Events(e.Ctx, endpoints.SystemEventsOptions{
			Since:   since,
			Filters: wire.Filters{"type": {"container"}, "label": {e.LabelFilter()}},
		})
		if err != nil {
			e.T.Fatal(err)
		}
		defer st.Close()
		id := e.createContainer("true")
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
	})
	register("system/events/until-ends-stream", func(e *Env) {
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
	})
	register("system/negotiation/picks-min", func(e *Env) {
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
	})
	register("system/negotiation/pinned-too-new", func(e *Env) {
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
	})
	register("system/negotiation/pinned-older", func(e *Env) {
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
	})
}

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
