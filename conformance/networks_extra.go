package conformance

import (
	"errors"
	"slices"
	"strings"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

func init() {
	register("networks/list/name-driver-label-filters", func(e *Env) {
		a := "dw-nlf-a-" + e.RunID
		b := "dw-nlf-b-" + e.RunID
		idA := e.newNetwork(endpoints.NetworkCreateOptions{Name: a, Labels: map[string]string{"dockwire.pick": "a"}})
		idB := e.newNetwork(endpoints.NetworkCreateOptions{Name: b, Driver: "bridge"})
		names := func(f wire.Filters) []string {
			e.T.Helper()
			f["label"] = append(f["label"], e.LabelFilter())
			list, err := e.Client.Networks.List(e.Ctx, endpoints.NetworkListOptions{Filters: f})
			if err != nil {
				e.T.Fatalf("list %v: %v", f, err)
			}
			var out []string
			for _, n := range list.Items {
				out = append(out, n.Name)
			}
			slices.Sort(out)
			return out
		}
		tests := []struct {
			f    wire.Filters
			want []string
		}{
			{wire.Filters{}, []string{a, b}},
			{wire.Filters{"name": {"dw-nlf-a-"}}, []string{a}},
			{wire.Filters{"name": {"dw-nlf-"}}, []string{a, b}},
			{wire.Filters{"driver": {"bridge"}}, []string{a, b}},
			{wire.Filters{"driver": {"overlay"}}, nil},
			{wire.Filters{"label": {"dockwire.pick=a"}}, []string{a}},
			{wire.Filters{"id": {idB}}, []string{b}},
			{wire.Filters{"id": {idA[:12]}}, []string{a}},
			{wire.Filters{"type": {"custom"}}, []string{a, b}},
		}
		for _, tt := range tests {
			if got := names(tt.f); !slices.Equal(got, tt.want) {
				e.T.Errorf("list %v: %v, want %v", tt.f, got, tt.want)
			}
		}
		list, err := e.Client.Networks.List(e.Ctx, endpoints.NetworkListOptions{Filters: wire.Filters{"type": {"builtin"}}})
		if err != nil {
			e.T.Fatalf("list type=builtin: %v", err)
		}
		var builtin []string
		for _, n := range list.Items {
			builtin = append(builtin, n.Name)
		}
		if !slices.Contains(builtin, "bridge") || slices.Contains(builtin, a) {
			e.T.Errorf("type=builtin: %v, want bridge and none of ours", builtin)
		}
	})

	// A network is found by name, full id and an id prefix; verbose
	// inspect of a local network answers the same network.
	register("networks/inspect/by-name-id-prefix-verbose", func(e *Env) {
		name := "dw-nin-" + e.RunID
		id := e.newNetwork(endpoints.NetworkCreateOptions{Name: name})
		for _, ref := range []string{name, id, id[:12]} {
			n, err := e.Client.Networks.Inspect(e.Ctx, ref, endpoints.NetworkInspectOptions{})
			if err != nil || n.ID != id || n.Name != name || n.Scope != "local" || n.Driver != "bridge" || n.Created == "" {
				e.T.Errorf("inspect %q: %+v %v", ref, n, err)
			}
		}
		n, err := e.Client.Networks.Inspect(e.Ctx, id, endpoints.NetworkInspectOptions{Verbose: true})
		if err != nil || n.ID != id {
			e.T.Errorf("verbose inspect: %+v %v", n, err)
		}
	})

	register("networks/disconnect/not-connected", func(e *Env) {
		id := e.newNetwork(endpoints.NetworkCreateOptions{Name: "dw-ndc-" + e.RunID})
		cid := e.running(nil, "sleep", "60")
		_, err := e.Client.Networks.Disconnect(e.Ctx, id, endpoints.NetworkDisconnectOptions{Container: cid})
		// dockerd 20.10 answers 500, newer daemons a 4xx: all name it.
		var werr *wire.Error
		if !errors.As(err, &werr) || werr.StatusCode < 400 || !strings.Contains(werr.Message, "is not connected") {
			e.T.Errorf("disconnect of a container that is not connected: %v, want the daemon's error saying it is not connected", err)
		}
		_, err = e.Client.Networks.Disconnect(e.Ctx, id, endpoints.NetworkDisconnectOptions{Container: "dw-missing-" + e.RunID})
		if !typedFailure(err) {
			e.T.Errorf("disconnect of a missing container: %v, want a *wire.Error", err)
		}
	})

	register("networks/connect/twice-forbidden", func(e *Env) {
		id := e.newNetwork(endpoints.NetworkCreateOptions{Name: "dw-nct-" + e.RunID})
		cid := e.running(nil, "sleep", "60")
		if _, err := e.Client.Networks.Connect(e.Ctx, id, endpoints.NetworkConnectOptions{Container: cid}); err != nil {
			e.T.Fatalf("connect: %v", err)
		}
		_, err := e.Client.Networks.Connect(e.Ctx, id, endpoints.NetworkConnectOptions{Container: cid})
		e.wantStatus("second connect of the same container", err, 403, wire.ErrForbidden)
	})

	register("networks/delete/in-use-forbidden", func(e *Env) {
		name := "dw-ndu-" + e.RunID
		id := e.newNetwork(endpoints.NetworkCreateOptions{Name: name})
		cid := e.running(&endpoints.HostConfig{NetworkMode: name}, "sleep", "60")
		_, err := e.Client.Networks.Delete(e.Ctx, id, endpoints.NetworkDeleteOptions{})
		e.wantStatus("delete of a network with a running container", err, 403, wire.ErrForbidden)
		if _, err := e.Client.Networks.Inspect(e.Ctx, id, endpoints.NetworkInspectOptions{}); err != nil {
			e.T.Errorf("network gone after the refused delete: %v", err)
		}
		e.removeNow(cid)
		if _, err := e.Client.Networks.Delete(e.Ctx, id, endpoints.NetworkDeleteOptions{}); err != nil {
			e.T.Errorf("delete once the container is gone: %v", err)
		}
	})

	register("networks/create/duplicate-name-conflict", func(e *Env) {
		name := "dw-ndup-" + e.RunID
		e.newNetwork(endpoints.NetworkCreateOptions{Name: name})
		res, err := e.Client.Networks.Create(e.Ctx, endpoints.NetworkCreateOptions{Name: name, CheckDuplicate: true, Labels: e.Labels()})
		if err == nil {
			e.Client.Networks.Delete(e.Ctx, res.ID, endpoints.NetworkDeleteOptions{})
		}
		e.wantStatus("create of a taken network name", err, 409, wire.ErrConflict)
	})

	// An internal network's flags, options and labels show in inspect.
	register("networks/create/internal-options-in-inspect", func(e *Env) {
		name := "dw-nint-" + e.RunID
		id := e.newNetwork(endpoints.NetworkCreateOptions{Name: name, Internal: true, Attachable: true,
			Options: map[string]string{"com.docker.network.driver.mtu": "1400"}, Labels: map[string]string{"dockwire.kind": "internal"}})
		n, err := e.Client.Networks.Inspect(e.Ctx, id, endpoints.NetworkInspectOptions{})
		if err != nil {
			e.T.Fatalf("inspect: %v", err)
		}
		if !n.Internal || !n.Attachable || n.Options["com.docker.network.driver.mtu"] != "1400" || n.Labels["dockwire.kind"] != "internal" {
			e.T.Errorf("inspect: internal %v attachable %v options %v labels %v", n.Internal, n.Attachable, n.Options, n.Labels)
		}
		// The driver option reaches the container's interface. (dockerd
		// isolates an internal network with its firewall rules, not by
		// leaving the container without a default route.)
		_, code, out := e.runToExit(endpoints.ContainerConfig{Cmd: []string{"cat", "/sys/class/net/eth0/mtu"}}, &endpoints.HostConfig{NetworkMode: name})
		if code != 0 {
			e.T.Fatalf("exit %d: %q", code, out)
		}
		if !strings.HasSuffix(out, "1400\n") {
			e.T.Errorf("eth0 mtu: %q, want 1400", out)
		}
	})

	// A container joins a network at create with an alias.
	register("networks/connect/at-create-with-alias", func(e *Env) {
		name := "dw-nac-" + e.RunID
		id := e.newNetwork(endpoints.NetworkCreateOptions{Name: name})
		alias := "svc-" + e.RunID
		cid := e.create(endpoints.ContainerCreateOptions{
			Config:           endpoints.ContainerConfig{Cmd: []string{"sleep", "60"}},
			HostConfig:       &endpoints.HostConfig{NetworkMode: name},
			NetworkingConfig: &endpoints.NetworkingConfig{EndpointsConfig: map[string]*endpoints.EndpointSettings{name: {Aliases: []string{alias}}}},
		})
		e.start(cid)
		c, err := e.Client.Containers.Inspect(e.Ctx, cid, endpoints.ContainerInspectOptions{})
		if err != nil {
			e.T.Fatalf("inspect: %v", err)
		}
		es := c.NetworkSettings.Networks[name]
		if es == nil || es.NetworkID != id || !slices.Contains(es.Aliases, alias) || es.IPAddress == "" || len(c.NetworkSettings.Networks) != 1 {
			e.T.Errorf("container networks %+v, want only %s with alias %s and an address", c.NetworkSettings.Networks, name, alias)
		}
		n, err := e.Client.Networks.Inspect(e.Ctx, id, endpoints.NetworkInspectOptions{})
		if err != nil {
			e.T.Fatalf("network inspect: %v", err)
		}
		if ep, ok := n.Containers[cid]; !ok || es == nil || !strings.HasPrefix(ep.IPv4Address, es.IPAddress+"/") {
			e.T.Errorf("network Containers %+v, want %s at its address", n.Containers, cid[:12])
		}
	})
}
