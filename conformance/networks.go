package conformance

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/mux"
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

// logsOf returns a container's whole output, stdout and stderr together.
func (e *Env) logsOf(id string) string {
	e.T.Helper()
	return e.logsText(e.Client.Containers.Logs(e.Ctx, id, endpoints.ContainerLogsOptions{}))
}

// logsText reads a whole log stream (a container's, service's or task's),
// stdout and stderr together, and closes it.
func (e *Env) logsText(l *mux.Output, err error) string {
	e.T.Helper()
	if err != nil {
		e.T.Fatalf("logs: %v", err)
	}
	defer l.Close()
	var out bytes.Buffer
	if _, err := l.Demux(&out, &out); err != nil {
		e.T.Fatalf("logs: %v", err)
	}
	return out.String()
}

func init() {
	register("networks/lifecycle/ipam-connect-inspect-disconnect-prune", func(e *Env) {
		name := "dw-net-" + e.RunID
		id := e.newNetwork(endpoints.NetworkCreateOptions{Name: name, Driver: "bridge",
			IPAM: &endpoints.IPAM{Config: []endpoints.IPAMPool{{Subnet: "10.231.0.0/24", Gateway: "10.231.0.1"}}}})

		n, err := e.Client.Networks.Inspect(e.Ctx, name, endpoints.NetworkInspectOptions{})
		if err != nil {
			e.T.Fatalf("inspect: %v", err)
		}
		if n.ID != id || n.Driver != "bridge" || len(n.IPAM.Config) != 1 || n.IPAM.Config[0].Subnet != "10.231.0.0/24" || n.Labels[LabelKey] != e.RunID {
			e.T.Fatalf("inspect: %+v", n)
		}
		list, err := e.Client.Networks.List(e.Ctx, endpoints.NetworkListOptions{Filters: wire.Filters{"label": {e.LabelFilter()}}})
		if err != nil {
			e.T.Fatalf("list: %v", err)
		}
		if !slices.ContainsFunc(list.Items, func(x endpoints.Network) bool { return x.ID == id }) {
			e.T.Errorf("list by label does not hold %s: %+v", id, list)
		}

		cid := e.running(nil, "sleep", "60")
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
			e.T.Errorf("container inspect: endpoint %+v, want 10.231.0.10 with alias %s", es, alias)
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
	})

	register("networks/errors/typed", func(e *Env) {
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
	})
}
