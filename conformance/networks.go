package conformance

import (
	"context"
	"errors"
	"maps"
	"net"
	"slices"
	"strings"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// newNetwork creates a labelled network and registers its removal.
func (e *Env) newNetwork(opts endpoints.NetworkCreateOptions) string {
	e.T.Helper()
	labels := e.Labels()
	for k, v := range opts.Labels {
		labels[k] = v
	}
	opts.Labels = labels
	res, err := e.Client.Networks.Create(e.Ctx, opts)
	if err != nil {
		e.T.Fatalf("network create: %v", err)
	}
	ns := e.Client.Networks
	e.Cleanup(func(ctx context.Context) error {
		_, err := ns.Delete(ctx, res.ID, endpoints.NetworkDeleteOptions{})
		if errors.Is(err, wire.ErrNotFound) {
			return nil
		}
		return err
	})
	return res.ID
}

// networkScenarios are the scenarios of networks and the endpoints of containers in them.
var networkScenarios = []scenario{
	{"networks/lifecycle/ipam-connect-inspect-disconnect-prune", func(e *Env) {
		name := "dw-net-" + e.RunID
		id := e.newNetwork(endpoints.NetworkCreateOptions{Name: name, Driver: "bridge",
			IPAM: &endpoints.IPAM{Config: []endpoints.IPAMPool{{Subnet: "10.231.0.0/24", Gateway: "10.231.0.1"}}}})

		n, err := e.Client.Networks.Inspect(e.Ctx, name, endpoints.NetworkInspectOptions{})
		if err != nil {
			e.T.Fatalf("inspect: %v", err)
		}
		if n.ID != id || n.Driver != "bridge" || len(n.IPAM.Config) != 1 || n.IPAM.Config[0].Subnet != "10.231.0.0/24" || n.Labels[LabelKey] != e.RunID {
			e.T.Fatalf("inspect: %+v", show(n))
		}
		list, err := e.Client.Networks.List(e.Ctx, endpoints.NetworkListOptions{Filters: wire.Filters{"label": {e.LabelFilter()}}})
		if err != nil {
			e.T.Fatalf("list: %v", err)
		}
		if !slices.ContainsFunc(list.Items, func(x endpoints.Network) bool { return x.ID == id }) {
			e.T.Errorf("list by label does not hold %s: %+v", id, show(list))
		}

		cid := e.run(command("sleep", "60"), nil)
		alias := "web-" + e.RunID
		_, err = e.Client.Networks.Connect(e.Ctx, id, endpoints.NetworkConnectOptions{Container: cid, EndpointConfig: &endpoints.EndpointSettings{
			Aliases: []string{alias}, IPAMConfig: &endpoints.EndpointIPAMConfig{IPv4Address: "10.231.0.10"}}})
		if err != nil {
			e.T.Fatalf("connect: %v", err)
		}
		n, err = e.Client.Networks.Inspect(e.Ctx, id, endpoints.NetworkInspectOptions{})
		if err != nil {
			e.T.Fatalf("inspect: %v", err)
		}
		if ep, ok := n.Containers[cid]; !ok || !strings.HasPrefix(ep.IPv4Address, "10.231.0.10/") {
			e.T.Errorf("network inspect after connect: containers %+v, want %s at 10.231.0.10/24", n.Containers, cid)
		}
		c, err := e.Client.Containers.Inspect(e.Ctx, cid, endpoints.ContainerInspectOptions{})
		if err != nil {
			e.T.Fatalf("container inspect: %v", err)
		}
		var es *endpoints.EndpointSettings
		if c.NetworkSettings != nil {
			es = c.NetworkSettings.Networks[name]
		}
		if es == nil || es.IPAddress != "10.231.0.10" || !slices.Contains(es.Aliases, alias) {
			e.T.Errorf("container inspect: endpoint %+v, want 10.231.0.10 with alias %s", show(es), alias)
		}
		if _, err := e.Client.Networks.Disconnect(e.Ctx, id, endpoints.NetworkDisconnectOptions{Container: cid}); err != nil {
			e.T.Fatalf("disconnect: %v", err)
		}
		n, err = e.Client.Networks.Inspect(e.Ctx, id, endpoints.NetworkInspectOptions{})
		if err != nil {
			e.T.Fatalf("inspect: %v", err)
		}
		if _, ok := n.Containers[cid]; ok {
			e.T.Errorf("container still attached after disconnect: %+v", n.Containers)
		}

		pr, err := e.Client.Networks.Prune(e.Ctx, endpoints.NetworkPruneOptions{Filters: wire.Filters{"label": {e.LabelFilter()}}})
		if err != nil {
			e.T.Fatalf("prune: %v", err)
		}
		if !slices.Contains(pr.NetworksDeleted, name) {
			e.T.Errorf("prune deleted %q, want %s among them", pr.NetworksDeleted, name)
		}
		if _, err := e.Client.Networks.Inspect(e.Ctx, id, endpoints.NetworkInspectOptions{}); !errors.Is(err, wire.ErrNotFound) {
			e.T.Errorf("inspect after prune: %v, want wire.ErrNotFound", err)
		}
	}},

	{"networks/errors/typed", func(e *Env) {
		_, err := e.Client.Networks.Inspect(e.Ctx, "dw-missing-"+e.RunID, endpoints.NetworkInspectOptions{})
		var werr *wire.Error
		if !errors.Is(err, wire.ErrNotFound) || !errors.As(err, &werr) || werr.StatusCode != 404 {
			e.T.Errorf("inspect missing: %v, want a 404 *wire.Error", err)
		}
		if _, err := e.Client.Networks.Delete(e.Ctx, "dw-missing-"+e.RunID, endpoints.NetworkDeleteOptions{}); !errors.Is(err, wire.ErrNotFound) {
			e.T.Errorf("delete missing: %v, want wire.ErrNotFound", err)
		}
		id := e.newNetwork(endpoints.NetworkCreateOptions{Name: "dw-net-err-" + e.RunID})
		_, err = e.Client.Networks.Connect(e.Ctx, id, endpoints.NetworkConnectOptions{Container: "dw-missing-" + e.RunID})
		if !errors.Is(err, wire.ErrNotFound) {
			e.T.Errorf("connect missing container: %v, want wire.ErrNotFound", err)
		}
		// A subnet that is not a CIDR is refused before any I/O.
		_, err = e.Client.Networks.Create(e.Ctx, endpoints.NetworkCreateOptions{Name: "dw-bad-" + e.RunID, IPAM: &endpoints.IPAM{Config: []endpoints.IPAMPool{{Subnet: "10.231.0.0"}}}})
		var ae *endpoints.ArgError
		if !errors.As(err, &ae) {
			e.T.Errorf("bad subnet: %v, want *endpoints.ArgError", err)
		}
	}},

	// A network's IPAM is kept as given; a container's endpoint settings
	// are kept as given from create on, and the endpoint gets its address
	// (from the IPRange) only while the container runs.
	{"networks/endpoints/settings-as-given-address-at-start", func(e *Env) {
		name := "dw-eps-" + e.RunID
		pool := endpoints.IPAMPool{Subnet: "10.219.57.0/24", IPRange: "10.219.57.128/25", AuxiliaryAddresses: map[string]string{"reserved": "10.219.57.200"}}
		e.newNetwork(endpoints.NetworkCreateOptions{Name: name, IPAM: &endpoints.IPAM{Config: []endpoints.IPAMPool{pool}, Options: map[string]string{"opt": "v"}}})
		n, err := e.Client.Networks.Inspect(e.Ctx, name, endpoints.NetworkInspectOptions{})
		if err != nil {
			e.T.Fatalf("network inspect: %v", err)
		}
		if len(n.IPAM.Config) != 1 || n.IPAM.Config[0].Gateway != "" || n.IPAM.Config[0].IPRange != pool.IPRange ||
			!maps.Equal(n.IPAM.Config[0].AuxiliaryAddresses, pool.AuxiliaryAddresses) || !maps.Equal(n.IPAM.Options, map[string]string{"opt": "v"}) {
			e.T.Errorf("IPAM %+v, want it as given (no gateway added)", n.IPAM)
		}

		given := &endpoints.EndpointSettings{Aliases: []string{"one"}, DriverOpts: map[string]string{"k": "v"},
			IPAMConfig: &endpoints.EndpointIPAMConfig{LinkLocalIPs: []string{"169.254.57.1"}}}
		id := e.create(endpoints.ContainerCreateOptions{
			Config:           endpoints.ContainerConfig{Cmd: []string{"sleep", "300"}},
			HostConfig:       &endpoints.HostConfig{NetworkMode: name},
			NetworkingConfig: &endpoints.NetworkingConfig{EndpointsConfig: map[string]*endpoints.EndpointSettings{name: given}},
		})
		endpoint := func(when string) *endpoints.EndpointSettings {
			e.T.Helper()
			c, err := e.Client.Containers.Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{})
			if err != nil || c.NetworkSettings == nil || c.NetworkSettings.Networks[name] == nil {
				e.T.Fatalf("inspect %s: %+v, %v", when, show(c.NetworkSettings), err)
			}
			return c.NetworkSettings.Networks[name]
		}
		ep := endpoint("after create")
		if ep.IPAddress != "" || ep.EndpointID != "" || !slices.Equal(ep.Aliases, []string{"one"}) || !maps.Equal(ep.DriverOpts, given.DriverOpts) ||
			ep.IPAMConfig == nil || !slices.Equal(ep.IPAMConfig.LinkLocalIPs, given.IPAMConfig.LinkLocalIPs) {
			e.T.Errorf("endpoint after create: %+v, want the settings as given and no address", show(ep))
		}
		e.start(id)
		ep = endpoint("running")
		_, rng, _ := net.ParseCIDR(pool.IPRange)
		if ip := net.ParseIP(ep.IPAddress); ip == nil || !rng.Contains(ip) || ep.EndpointID == "" || !slices.Contains(ep.Aliases, "one") ||
			!maps.Equal(ep.DriverOpts, given.DriverOpts) {
			e.T.Errorf("endpoint of the running container: %+v, want an address of %s and the settings", show(ep), pool.IPRange)
		}
		timeout := 0
		if _, err := e.Client.Containers.Stop(e.Ctx, id, endpoints.ContainerStopOptions{Timeout: &timeout}); err != nil {
			e.T.Fatalf("stop: %v", err)
		}
		if ep = endpoint("stopped"); ep.IPAddress != "" || ep.EndpointID != "" || !slices.Contains(ep.Aliases, "one") {
			e.T.Errorf("endpoint of the stopped container: %+v, want no address and the settings", show(ep))
		}
	}},

	{"networks/list/name-driver-label-filters", func(e *Env) {
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
	}},

	// A network is found by name, full id and an id prefix; verbose
	// inspect of a local network answers the same network.
	{"networks/inspect/by-name-id-prefix-verbose", func(e *Env) {
		name := "dw-nin-" + e.RunID
		id := e.newNetwork(endpoints.NetworkCreateOptions{Name: name})
		for _, ref := range []string{name, id, id[:12]} {
			n, err := e.Client.Networks.Inspect(e.Ctx, ref, endpoints.NetworkInspectOptions{})
			if err != nil || n.ID != id || n.Name != name || n.Scope != "local" || n.Driver != "bridge" || n.Created == "" {
				e.T.Errorf("inspect %q: %+v %v", ref, show(n), err)
			}
		}
		n, err := e.Client.Networks.Inspect(e.Ctx, id, endpoints.NetworkInspectOptions{Verbose: true})
		if err != nil || n.ID != id {
			e.T.Errorf("verbose inspect: %+v %v", show(n), err)
		}
	}},

	{"networks/disconnect/not-connected", func(e *Env) {
		id := e.newNetwork(endpoints.NetworkCreateOptions{Name: "dw-ndc-" + e.RunID})
		cid := e.run(command("sleep", "60"), nil)
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
	}},

	{"networks/connect/twice-forbidden", func(e *Env) {
		id := e.newNetwork(endpoints.NetworkCreateOptions{Name: "dw-nct-" + e.RunID})
		cid := e.run(command("sleep", "60"), nil)
		if _, err := e.Client.Networks.Connect(e.Ctx, id, endpoints.NetworkConnectOptions{Container: cid}); err != nil {
			e.T.Fatalf("connect: %v", err)
		}
		_, err := e.Client.Networks.Connect(e.Ctx, id, endpoints.NetworkConnectOptions{Container: cid})
		e.wantStatus("second connect of the same container", err, 403, wire.ErrForbidden)
	}},

	{"networks/delete/in-use-forbidden", func(e *Env) {
		name := "dw-ndu-" + e.RunID
		id := e.newNetwork(endpoints.NetworkCreateOptions{Name: name})
		cid := e.run(command("sleep", "60"), &endpoints.HostConfig{NetworkMode: name})
		_, err := e.Client.Networks.Delete(e.Ctx, id, endpoints.NetworkDeleteOptions{})
		e.wantStatus("delete of a network with a running container", err, 403, wire.ErrForbidden)
		if _, err := e.Client.Networks.Inspect(e.Ctx, id, endpoints.NetworkInspectOptions{}); err != nil {
			e.T.Errorf("network gone after the refused delete: %v", err)
		}
		e.remove(cid)
		if _, err := e.Client.Networks.Delete(e.Ctx, id, endpoints.NetworkDeleteOptions{}); err != nil {
			e.T.Errorf("delete once the container is gone: %v", err)
		}
	}},

	{"networks/create/duplicate-name-conflict", func(e *Env) {
		name := "dw-ndup-" + e.RunID
		e.newNetwork(endpoints.NetworkCreateOptions{Name: name})
		res, err := e.Client.Networks.Create(e.Ctx, endpoints.NetworkCreateOptions{Name: name, CheckDuplicate: true, Labels: e.Labels()})
		if err == nil {
			e.Client.Networks.Delete(e.Ctx, res.ID, endpoints.NetworkDeleteOptions{})
		}
		e.wantStatus("create of a taken network name", err, 409, wire.ErrConflict)
	}},

	// An internal network's flags, options and labels show in inspect.
	{"networks/create/internal-options-in-inspect", func(e *Env) {
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
	}},

	// The daemon's IPAM keeps every local network's pool: a subnet that
	// overlaps one in use is refused, and free again once its network is
	// removed.
	{"networks/create/overlapping-pool-forbidden", func(e *Env) {
		pool := func(subnet string) *endpoints.IPAM {
			return &endpoints.IPAM{Config: []endpoints.IPAMPool{{Subnet: subnet}}}
		}
		id := e.newNetwork(endpoints.NetworkCreateOptions{Name: "dw-pool-a-" + e.RunID, IPAM: pool("10.219.60.0/24")})
		res, err := e.Client.Networks.Create(e.Ctx, endpoints.NetworkCreateOptions{Name: "dw-pool-b-" + e.RunID, Labels: e.Labels(), IPAM: pool("10.219.60.128/25")})
		e.wantStatus("overlapping subnet", err, 403, wire.ErrForbidden)
		if err != nil {
			assert.Contains(e.T, err.Error(), "Pool overlaps with other one on this address space")
		} else {
			_, _ = e.Client.Networks.Delete(e.Ctx, res.ID, endpoints.NetworkDeleteOptions{})
		}
		_, err = e.Client.Networks.Delete(e.Ctx, id, endpoints.NetworkDeleteOptions{})
		require.NoError(e.T, err, "remove the first network")
		e.newNetwork(endpoints.NetworkCreateOptions{Name: "dw-pool-b-" + e.RunID, IPAM: pool("10.219.60.128/25")})
	}},

	// On a user-defined network the embedded DNS server resolves a
	// container's name and its network-scoped aliases for the others; on
	// the default bridge there is none.
	{"networks/dns/embedded-names", func(e *Env) {
		name := "dw-dns-" + e.RunID
		e.newNetwork(endpoints.NetworkCreateOptions{Name: name})
		alias := "svc-" + e.RunID
		target := e.create(endpoints.ContainerCreateOptions{
			Name:             "dw-dns-t-" + e.RunID, // dockerd 20.10 leaves a generated name out of the DNS
			Config:           command("sleep", "60"),
			HostConfig:       &endpoints.HostConfig{NetworkMode: name},
			NetworkingConfig: &endpoints.NetworkingConfig{EndpointsConfig: map[string]*endpoints.EndpointSettings{name: {Aliases: []string{alias}}}},
		})
		e.start(target)
		ip := e.inspect(target).NetworkSettings.Networks[name].IPAddress
		tname := e.name(target)
		script := "grep nameserver /etc/resolv.conf; for n in " + tname + " " + alias + "; do ping -c1 -W2 $n | head -1; done"
		_, code, out := e.runToExit(command("sh", "-c", script), &endpoints.HostConfig{NetworkMode: name})
		assert.Equal(e.T, int64(0), code, "exit status: %s", out)
		assert.Equal(e.T, "nameserver 127.0.0.11\nPING "+tname+" ("+ip+"): 56 data bytes\nPING "+alias+" ("+ip+"): 56 data bytes\n", out)
		_, code, out = e.runToExit(command("sh", "-c", "ping -c1 -W1 "+alias), nil)
		assert.Equal(e.T, int64(1), code, "on the default bridge: %s", out)
		assert.Contains(e.T, out, "bad address '"+alias+"'")
	}},

	// A container joins a network at create with an alias.
	{"networks/connect/at-create-with-alias", func(e *Env) {
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
			e.T.Errorf("container networks %+v, want only %s with alias %s and an address", show(c.NetworkSettings.Networks), name, alias)
		}
		n, err := e.Client.Networks.Inspect(e.Ctx, id, endpoints.NetworkInspectOptions{})
		if err != nil {
			e.T.Fatalf("network inspect: %v", err)
		}
		if ep, ok := n.Containers[cid]; !ok || es == nil || !strings.HasPrefix(ep.IPv4Address, es.IPAddress+"/") {
			e.T.Errorf("network Containers %+v, want %s at its address", n.Containers, cid[:12])
		}
	}},
}
