package mockdaemon

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
)

// networkRoutes: networks and the endpoints of containers on them.
func (d *Daemon) networkRoutes() []route {
	return []route{
		// dockerd lists at "/networks/" too, and its ids are {id:.+}
		// (GET) and {id:.*}: a name with slashes, or none
		{"GET", "/networks", "NetworkList", d.networkList},
		{"GET", "/networks/{$}", "NetworkList", d.networkList},
		{"POST", "/networks/create", "NetworkCreate", d.networkCreate},
		{"POST", "/networks/prune", "NetworkPrune", d.networkPrune},
		{"GET", "/networks/{id...}", "NetworkInspect", d.networkInspect},
		{"DELETE", "/networks/{id...}", "NetworkDelete", d.networkDelete},
		{"POST", "/networks/{id...}/connect", "NetworkConnect", d.networkConnect},
		{"POST", "/networks/{id...}/disconnect", "NetworkDisconnect", d.networkDisconnect},
	}
}

func (d *Daemon) networkList(w http.ResponseWriter, r *http.Request) error {
	f, err := parseFilters(r)
	if err != nil {
		return err
	}
	ver := infoOf(r).version
	if err := f.accept(ver, "dangling", "driver", "id", "label", "name", "scope", "type"); err != nil {
		return err
	}
	// dangling takes one value; type "custom" or "builtin" (dockerd's
	// checks, in its order).
	if len(f["dangling"]) > 1 {
		return errInvalid(`got more than one value for filter key "dangling"`)
	}
	dangling, byUse, err := f.boolFilter(ver, "dangling")
	if err != nil {
		return errInvalid(`invalid value for filter 'dangling', must be "true" (or "1"), or "false" (or "0")`)
	}
	for _, v := range f.values("type") {
		if v != "custom" && v != "builtin" {
			return errInternal("invalid filter: 'type'='" + v + "'")
		}
	}
	return d.respond(w, http.StatusOK, func() (any, error) {
		out := []networkJSON{}
		for _, n := range d.sortedNetworksLocked() {
			// dockerd's predefined networks (bridge, host, none, ingress)
			// are never dangling. dockerd 20.10 filters the list it
			// answers, whose Containers are empty from API 1.28 on: there
			// every other network is dangling. From 1.42 the mock keeps
			// the meaning the filter documents (no endpoints).
			inUse := n.builtin || n.name == "ingress" || (!ver.atLeast("1.28") || ver.atLeast("1.42")) && d.activeEndpointsLocked(n)
			if !f.match("name", n.name) || !f.match("id", n.id) || !f.matchLabels("label", n.labels) ||
				!f.matchAny("driver", func(v string) bool { return v == n.driver }) ||
				!f.matchAny("scope", func(v string) bool { return v == n.scope }) ||
				!f.matchAny("type", func(v string) bool { return (v == "builtin") == n.builtin }) ||
				byUse && dangling == inUse {
				continue
			}
			out = append(out, n.json(d, false))
		}
		return versioned(out, ver), nil
	})
}

func (d *Daemon) networkInspect(w http.ResponseWriter, r *http.Request) error {
	ver := infoOf(r).version
	return d.respond(w, http.StatusOK, func() (any, error) {
		n, err := d.getNetworkLocked(r.PathValue("id"))
		if err != nil {
			return nil, err
		}
		if s := r.URL.Query().Get("scope"); s != "" && s != n.scope { // dockerd looks in that scope only
			return nil, errNotFound("network " + r.PathValue("id") + " not found")
		}
		return versioned(n.json(d, true), ver), nil
	})
}

func (d *Daemon) networkCreate(w http.ResponseWriter, r *http.Request) error {
	var body networkCreateRequest
	if err := checkJSON(r); err != nil {
		return err
	}
	if err := decodeRequired(r, &body); err != nil {
		return err
	}
	if body.Name == "" {
		return errInternal("invalid name: ")
	}
	if body.Driver == "" {
		body.Driver = "bridge"
	}
	switch body.Driver {
	case "bridge", "macvlan", "ipvlan", "overlay":
	default:
		return errNotFound("plugin \"" + body.Driver + "\" not found")
	}
	n, err := lockedValue(d, func() (*network, error) {
		if d.networkByNameLocked(body.Name) != nil {
			return nil, errConflict("network with name " + body.Name + " already exists")
		}
		if body.Driver == "overlay" {
			if d.swarm == nil {
				return nil, errInternal(msgNotManager)
			}
			return d.createOverlayLocked(d.swarm, body.Name, body)
		}
		return d.createNetworkLocked(body)
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"Id": n.id, "Warning": ""})
}

// newNetwork is a network of body's settings, without its pool.
func (d *Daemon) newNetwork(id string, body networkCreateRequest) *network {
	n := &network{
		id: id, name: body.Name, driver: body.Driver, scope: "local", internal: body.Internal, attachable: body.Attachable,
		ingress: body.Ingress, labels: body.Labels, options: body.Options, created: d.now(), containers: map[string]*endpoint{},
		ipam: ipamSpec{Driver: "default", Config: []ipamConfig{}},
	}
	if body.IPAM != nil {
		n.ipam = *body.IPAM
		if n.ipam.Driver == "" {
			n.ipam.Driver = "default"
		}
		if n.ipam.Config == nil {
			n.ipam.Config = []ipamConfig{}
		}
	}
	if body.EnableIPv6 != nil {
		n.enableIPv6 = *body.EnableIPv6
	}
	return n
}

// createNetworkLocked makes the local network body asks for, with its
// pools (allocatePoolsLocked) checked by its driver.
func (d *Daemon) createNetworkLocked(body networkCreateRequest) (*network, error) {
	n := d.newNetwork(d.newID(), body)
	if n.labels == nil {
		n.labels = map[string]string{}
	}
	if n.options == nil {
		n.options = map[string]string{}
	}
	if err := d.allocatePoolsLocked(n); err != nil {
		return nil, err
	}
	if err := d.checkBridgeLocked(n); err != nil {
		return nil, err
	}
	d.networks[n.id] = n
	d.events.emit("network", "create", n.id, map[string]string{"name": n.name, "type": n.driver})
	return n, nil
}

// createOverlayLocked makes a swarm-scoped overlay network as swarmkit's
// allocator does: a 25-character swarm id, its subnet (given or the next
// free one of the swarm's address pools, of its subnet size) with a
// gateway, and a VXLAN id among its options.
func (d *Daemon) createOverlayLocked(s *swarmState, name string, body networkCreateRequest) (*network, error) {
	body.Name, body.Driver = name, "overlay"
	n := d.newNetwork(d.swarmID(), body)
	n.scope = "swarm"
	n.local = body.Ingress
	opts := map[string]string{}
	for k, v := range body.Options {
		opts[k] = v
	}
	opts["com.docker.network.driver.overlay.vxlanid_list"] = strconv.Itoa(s.nextVXLAN)
	s.nextVXLAN++
	n.options = opts
	cfg := ipamConfig{}
	if len(n.ipam.Config) > 0 {
		cfg = n.ipam.Config[0]
	} else {
		sub, err := d.swarmSubnetLocked(s)
		if err != nil {
			return nil, err
		}
		cfg.Subnet = sub
	}
	p, err := newPool(cfg.Subnet, cfg.IPRange)
	if err != nil {
		return nil, err
	}
	if err := d.setupPoolLocked(n, p, cfg); err != nil {
		return nil, err
	}
	cfg.Gateway = p.gateway.String()
	n.ipam.Config = []ipamConfig{cfg}
	if n.ingress {
		// The node's ingress sandbox has the first address.
		if a, ok := n.allocAddr(true); ok {
			v4 := a.As4()
			n.sbox = &networkEndpointJSON{Name: "ingress-endpoint", EndpointID: d.newID(), IPv4Address: a.String() + "/" + strconv.Itoa(p.subnet.Bits()),
				MacAddress: fmt.Sprintf("02:42:%02x:%02x:%02x:%02x", v4[0], v4[1], v4[2], v4[3])}
		}
	}
	d.networks[n.id] = n
	return n, nil
}

// swarmSubnetLocked is the first subnet of the swarm's address pools, of
// its subnet size, that no swarm network uses.
func (d *Daemon) swarmSubnetLocked(s *swarmState) (string, error) {
	for _, pool := range s.defaultAddrPool {
		_, p, err := net.ParseCIDR(pool)
		if err != nil || p.IP.To4() == nil {
			continue
		}
		ones, _ := p.Mask.Size()
		size := int(s.subnetSize)
		if size < ones || size > 32 {
			continue
		}
		base := binary.BigEndian.Uint32(p.IP.To4())
		for i := uint32(0); i < uint32(1)<<uint(size-ones); i++ {
			var b [4]byte
			binary.BigEndian.PutUint32(b[:], base+i<<uint(32-size))
			sub := netip.PrefixFrom(netip.AddrFrom4(b), size)
			taken := false
			for _, o := range d.networks {
				if o.scope == "swarm" && slices.ContainsFunc(o.pools, func(op *ipPool) bool { return op.subnet.Overlaps(sub) }) {
					taken = true
					break
				}
			}
			if !taken {
				return sub.String(), nil
			}
		}
	}
	return "", errInternal("could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network")
}

func (d *Daemon) networkDelete(w http.ResponseWriter, r *http.Request) error {
	return d.respondEmpty(w, http.StatusNoContent, func() error {
		n, err := d.getNetworkLocked(r.PathValue("id"))
		switch {
		case err != nil:
			return err
		case n.builtin:
			return errForbidden(n.name + " is a pre-defined network and cannot be removed")
		}
		if user := d.swarmNetworkUserLocked(n); user != "" {
			return errInvalid("rpc error: code = FailedPrecondition desc = network " + n.id + " is in use by " + user)
		}
		if d.activeEndpointsLocked(n) {
			return errForbidden("error while removing network: network " + n.name + " id " + n.id + " has active endpoints")
		}
		d.dropNetworkLocked(n)
		d.events.emit("network", "destroy", n.id, map[string]string{"name": n.name, "type": n.driver})
		return nil
	})
}

func (d *Daemon) networkPrune(w http.ResponseWriter, r *http.Request) error {
	f, err := pruneFilters(r, "until", "label", "label!")
	if err != nil {
		return err
	}
	deleted := []string{}
	_ = d.locked(func() error {
		var gone []*network
		for _, n := range d.sortedNetworksLocked() {
			if n.builtin || n.scope == "swarm" || d.activeEndpointsLocked(n) || !networkLabelsMatch(f, n) || !f.matchUntil(n.created) {
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
	if err := checkJSON(r); err != nil {
		return err
	}
	if err := decodeRequired(r, &body); err != nil {
		return err
	}
	return d.changeEndpoint(w, r, body.Container, "connect", func(n *network, c *container) error {
		return d.connectLocked(c, n, body.EndpointConfig, infoOf(r).version)
	})
}

func (d *Daemon) networkDisconnect(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Container string
		Force     bool
	}
	if err := checkJSON(r); err != nil {
		return err
	}
	if err := decodeRequired(r, &body); err != nil {
		return err
	}
	return d.changeEndpoint(w, r, body.Container, "disconnect", func(n *network, c *container) error {
		ep, ok := c.eps[n.name]
		switch {
		case !ok && c.state.Running:
			return errInternal(fmt.Sprintf("container %s is not connected to network %s", c.id, n.name))
		case !ok:
			return errInternal(fmt.Sprintf("container %s is not connected to the network %s", c.id, n.name))
		}
		ep.deactivate(c)
		delete(c.eps, n.name)
		return nil
	})
}

// changeEndpoint runs change on the container ctr and the network the
// request names (the container is looked for first, as dockerd does)
// with the engine lock held; then it rewrites the container's network
// files, emits the network event action and answers 200.
func (d *Daemon) changeEndpoint(w http.ResponseWriter, r *http.Request, ctr, action string, change func(*network, *container) error) error {
	return d.respondEmpty(w, http.StatusOK, func() error {
		c, err := d.getContainerLocked(ctr)
		if err != nil {
			return err
		}
		n, err := d.getNetworkLocked(r.PathValue("id"))
		if err != nil {
			return err
		}
		if err := change(n, c); err != nil {
			return err
		}
		d.writeNetFilesLocked(c)
		if action == "connect" && !c.state.Running {
			// dockerd's ConnectToNetwork only records the settings of a
			// container that is not running: its start joins (and logs)
			return nil
		}
		d.networkEventLocked(n, action, c)
		return nil
	})
}
