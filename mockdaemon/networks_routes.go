package mockdaemon

import (
	"fmt"
	"net"
	"net/http"
)

// networkRoutes: networks and the endpoints of containers on them.
func (d *Daemon) networkRoutes() []route {
	return []route{
		{"GET", "/networks", "NetworkList", d.networkList},
		{"POST", "/networks/create", "NetworkCreate", d.networkCreate},
		{"POST", "/networks/prune", "NetworkPrune", d.networkPrune},
		{"GET", "/networks/{id}", "NetworkInspect", d.networkInspect},
		{"DELETE", "/networks/{id}", "NetworkDelete", d.networkDelete},
		{"POST", "/networks/{id}/connect", "NetworkConnect", d.networkConnect},
		{"POST", "/networks/{id}/disconnect", "NetworkDisconnect", d.networkDisconnect},
	}
}

func (d *Daemon) networkList(w http.ResponseWriter, r *http.Request) error {
	f, err := parseFilters(r)
	if err != nil {
		return err
	}
	out := []any{}
	_ = d.locked(func() error {
		for _, n := range d.sortedNetworksLocked() {
			if d.networkMatchesLocked(f, n) {
				out = append(out, n.json(d, false))
			}
		}
		return nil
	})
	return writeJSON(w, http.StatusOK, shapeFor(out, infoOf(r).version, under("*", networkFields)))
}

func (d *Daemon) networkInspect(w http.ResponseWriter, r *http.Request) error {
	return d.respond(w, http.StatusOK, func() (any, error) {
		n, err := d.getNetworkLocked(r.PathValue("id"))
		if err != nil {
			return nil, err
		}
		return shapeFor(n.json(d, true), infoOf(r).version, networkFields), nil
	})
}

// networkFields are the fields of a network that exist only in some API
// versions.
var networkFields = []fieldWindow{
	{path: "EnableIPv4", since: "1.47"},
}

// networkCreateBody is POST /networks/create's body; an alias, because a
// decoding error names the type (dockerd's wording is no closer).
type networkCreateBody = struct {
	Name       string
	Driver     string
	Scope      string
	Internal   bool
	Attachable bool
	Ingress    bool
	EnableIPv6 *bool
	IPAM       *struct {
		Driver string
		Config []struct {
			Subnet  string
			IPRange string
			Gateway string
		}
	}
	Options map[string]string
	Labels  map[string]string
}

func (d *Daemon) networkCreate(w http.ResponseWriter, r *http.Request) error {
	var body networkCreateBody
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	if body.Name == "" {
		return errInvalid("network name must not be empty")
	}
	driver := body.Driver
	if driver == "" {
		driver = "bridge"
	}
	if driver != "bridge" && driver != "macvlan" && driver != "ipvlan" && driver != "overlay" {
		return errNotFound("plugin \"" + driver + "\" not found")
	}
	n, err := lockedValue(d, func() (*network, error) { return d.createNetworkLocked(body, driver) })
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"Id": n.id, "Warning": ""})
}

// createNetworkLocked makes the network body asks for with driver.
func (d *Daemon) createNetworkLocked(body networkCreateBody, driver string) (*network, error) {
	for _, n := range d.networks {
		if n.name == body.Name {
			return nil, errConflict("network with name " + body.Name + " already exists")
		}
	}
	n := &network{id: d.newID(), name: body.Name, driver: driver, scope: "local", internal: body.Internal, attachable: body.Attachable, ingress: body.Ingress, labels: body.Labels, options: body.Options, created: d.now(), containers: map[string]*endpoint{}}
	if n.labels == nil {
		n.labels = map[string]string{}
	}
	if n.options == nil {
		n.options = map[string]string{}
	}
	if body.EnableIPv6 != nil {
		n.enableIPv6 = *body.EnableIPv6
	}
	if body.IPAM != nil && len(body.IPAM.Config) > 0 {
		c := body.IPAM.Config[0]
		_, sub, err := net.ParseCIDR(c.Subnet)
		if err != nil || sub.IP.To4() == nil {
			return nil, errInvalid("Invalid subnet " + c.Subnet + " : invalid CIDR address: " + c.Subnet)
		}
		n.subnet = sub
		n.ipRange = c.IPRange
		if c.Gateway != "" {
			n.gateway = net.ParseIP(c.Gateway)
			if n.gateway == nil || !sub.Contains(n.gateway) {
				return nil, errForbidden("no matching subnet for gateway " + c.Gateway)
			}
		} else {
			n.gateway = hostIP(sub, 1)
		}
		n.nextHost = 2
	} else {
		d.nextSubnet++
		_, n.subnet, _ = net.ParseCIDR(fmt.Sprintf("172.%d.0.0/16", 17+d.nextSubnet))
		n.gateway = hostIP(n.subnet, 1)
		n.nextHost = 2
	}
	for _, other := range d.networks {
		if other.subnet != nil && (other.subnet.Contains(n.subnet.IP) || n.subnet.Contains(other.subnet.IP)) {
			return nil, errForbidden("invalid pool request: Pool overlaps with other one on this address space")
		}
	}
	d.networks[n.id] = n
	d.events.emit("network", "create", n.id, map[string]string{"name": n.name, "type": n.driver})
	return n, nil
}

func (d *Daemon) networkDelete(w http.ResponseWriter, r *http.Request) error {
	return d.respondEmpty(w, http.StatusNoContent, func() error {
		n, err := d.getNetworkLocked(r.PathValue("id"))
		switch {
		case err != nil:
			return err
		case n.builtin:
			return errForbidden(n.name + " is a pre-defined network and cannot be removed")
		case d.activeEndpointsLocked(n):
			return errForbidden("error while removing network: network " + n.name + " id " + n.id + " has active endpoints")
		}
		d.dropNetworkLocked(n)
		d.events.emit("network", "destroy", n.id, map[string]string{"name": n.name, "type": n.driver})
		return nil
	})
}

func (d *Daemon) networkPrune(w http.ResponseWriter, r *http.Request) error {
	f, err := parseFilters(r)
	if err != nil {
		return err
	}
	deleted := []string{}
	_ = d.locked(func() error {
		var gone []*network
		for _, n := range d.sortedNetworksLocked() {
			if n.builtin || d.activeEndpointsLocked(n) || !d.networkMatchesLocked(f, n) || !f.matchUntil(n.created) {
				continue
			}
			d.dropNetworkLocked(n)
			deleted = append(deleted, n.name)
			gone = append(gone, n)
		}
		for _, n := range gone {
			d.events.emit("network", "destroy", n.id, map[string]string{"name": n.name, "type": n.driver})
		}
		d.events.emit("network", "prune", "", map[string]string{"reclaimed": "0"})
		return nil
	})
	return writeJSON(w, http.StatusOK, map[string]any{"NetworksDeleted": deleted})
}

func (d *Daemon) networkConnect(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Container      string
		EndpointConfig *endpointConfig
	}
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	return d.changeEndpoint(w, r, body.Container, "connect", func(n *network, c *container) error {
		return d.connectLocked(c, n, body.EndpointConfig)
	})
}

func (d *Daemon) networkDisconnect(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Container string
		Force     bool
	}
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	return d.changeEndpoint(w, r, body.Container, "disconnect", func(n *network, c *container) error {
		if _, ok := c.eps[n.name]; !ok {
			return errForbidden(fmt.Sprintf("container %s is not connected to network %s", c.id, n.name))
		}
		delete(c.eps, n.name)
		n.removeEndpoint(c.id)
		return nil
	})
}

// changeEndpoint runs change on the network the request names and the
// container ctr with the engine lock held; then it rewrites the
// container's interface files, emits the network event action and
// answers 200.
func (d *Daemon) changeEndpoint(w http.ResponseWriter, r *http.Request, ctr, action string, change func(*network, *container) error) error {
	return d.respondEmpty(w, http.StatusOK, func() error {
		n, err := d.getNetworkLocked(r.PathValue("id"))
		if err != nil {
			return err
		}
		c, err := d.getContainerLocked(ctr)
		if err != nil {
			return err
		}
		if err := change(n, c); err != nil {
			return err
		}
		d.writeNetFilesLocked(c)
		d.events.emit("network", action, n.id, map[string]string{"name": n.name, "type": n.driver, "container": c.id})
		return nil
	})
}
