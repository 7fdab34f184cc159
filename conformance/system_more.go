package conformance

import (
	"errors"
	"io"
	"strings"
	"time"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

func init() {
	// GET /_ping (the HEAD form is what the client sends first): body OK,
	// no caching, the API version in a header.
	register("system/ping/get-body-and-headers", func(e *Env) {
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
	})

	// Logging in to a registry nobody listens on is an error status, not
	// a refusal of the credentials.
	register("system/auth/closed-port-registry", func(e *Env) {
		_, err := e.Client.System.Auth(e.Ctx, endpoints.SystemAuthOptions{Auth: endpoints.AuthConfig{Username: "dw", Password: "dw", ServerAddress: closedRegistry}})
		var werr *wire.Error
		if !errors.As(err, &werr) || werr.StatusCode < 400 {
			e.T.Fatalf("auth against %s: %v, want a *wire.Error", closedRegistry, err)
		}
		if errors.Is(err, wire.ErrUnauthorized) {
			e.T.Errorf("auth against an unreachable registry: %v, a refusal of credentials that were never checked", err)
		}
	})

	register("system/version/unversioned-path", func(e *Env) {
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
	})

	// The events stream filtered by type and label carries only this
	// run's container events.
	register("system/events/filter-type-and-label", func(e *Env) {
		since := time.Now().Add(-time.Second)
		id := e.exited("true")
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
	})
}
