package mockdaemon

import (
	"encoding/binary"
	"fmt"
	"net"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// network is a network; containers maps container id to its endpoint.
type network struct {
	id         string
	name       string
	driver     string
	scope      string
	internal   bool
	attachable bool
	ingress    bool
	enableIPv6 bool
	labels     map[string]string
	options    map[string]string
	created    time.Time
	subnet     *net.IPNet
	gateway    net.IP
	ipRange    string
	nextHost   uint32
	containers map[string]*endpoint
	used       map[string]int // addresses of containers' endpoints, kept with containers
	builtin    bool
}

// addEndpoint attaches a container's endpoint.
func (n *network) addEndpoint(id string, ep *endpoint) {
	n.removeEndpoint(id)
	n.containers[id] = ep
}

// removeEndpoint detaches a container's endpoint, releasing its address.
func (n *network) removeEndpoint(id string) {
	ep, ok := n.containers[id]
	if !ok {
		return
	}
	delete(n.containers, id)
	if ep != nil {
		ep.leave()
	}
}

// reserve and release count the endpoints that hold address ip.
func (n *network) reserve(ip string) {
	if n.used == nil {
		n.used = map[string]int{}
	}
	n.used[ip]++
}

func (n *network) release(ip string) {
	if n.used[ip]--; n.used[ip] <= 0 {
		delete(n.used, ip)
	}
}

func (d *Daemon) initNetworks() {
	mk := func(name, driver, subnet string) {
		n := &network{id: d.newID(), name: name, driver: driver, scope: "local", created: d.now(), containers: map[string]*endpoint{}, builtin: true, labels: map[string]string{}, options: map[string]string{}}
		if subnet != "" {
			_, n.subnet, _ = net.ParseCIDR(subnet)
			n.gateway = hostIP(n.subnet, 1)
			n.nextHost = 2
		}
		if name == "bridge" {
			n.options = map[string]string{"com.docker.network.bridge.default_bridge": "true", "com.docker.network.bridge.enable_icc": "true", "com.docker.network.bridge.enable_ip_masquerade": "true", "com.docker.network.bridge.host_binding_ipv4": "0.0.0.0", "com.docker.network.bridge.name": "docker0", "com.docker.network.driver.mtu": "1500"}
		}
		d.networks[n.id] = n
	}
	mk("bridge", "bridge", "172.17.0.0/16")
	mk("host", "host", "")
	mk("none", "null", "")
}

func hostIP(n *net.IPNet, host uint32) net.IP {
	ip4 := n.IP.To4()
	if ip4 == nil {
		return nil
	}
	v := binary.BigEndian.Uint32(ip4) + host
	out := make(net.IP, 4)
	binary.BigEndian.PutUint32(out, v)
	return out
}

func (n *network) prefixLen() int {
	if n.subnet == nil {
		return 0
	}
	ones, _ := n.subnet.Mask.Size()
	return ones
}

// allocIP picks a free address; d.mu held.
func (n *network) allocIP() string {
	if n.subnet == nil {
		return ""
	}
	gw := n.gateway.String()
	ones, bits := n.subnet.Mask.Size()
	size := uint32(1) << uint(bits-ones)
	for i := uint32(0); i < size; i++ {
		h := n.nextHost + i
		if h >= size-1 {
			h = 2 + (h % max(1, size-3))
		}
		ip := hostIP(n.subnet, h).String()
		if n.used[ip] == 0 && ip != gw {
			n.nextHost = h + 1
			return ip
		}
	}
	return ""
}

// getNetworkLocked resolves a full id, a name or an id prefix.
func (d *Daemon) getNetworkLocked(ref string) (*network, error) {
	if n, ok := d.networks[ref]; ok {
		return n, nil
	}
	for _, n := range d.networks {
		if n.name == ref {
			return n, nil
		}
	}
	var found *network
	for id, n := range d.networks {
		if strings.HasPrefix(id, ref) {
			if found != nil {
				return nil, errInvalid("network " + ref + " is ambiguous")
			}
			found = n
		}
	}
	if found == nil || ref == "" {
		return nil, errNotFound("network " + ref + " not found")
	}
	return found, nil
}

func (ep *endpoint) json() map[string]any {
	n := ep.network
	gw := ""
	if n.gateway != nil && ep.ip != "" {
		gw = n.gateway.String()
	}
	var ipam any
	if ep.ipamIP != "" {
		ipam = map[string]any{"IPv4Address": ep.ipamIP}
	}
	return map[string]any{
		"IPAMConfig":          ipam,
		"Links":               nil,
		"Aliases":             ep.aliases,
		"MacAddress":          ep.mac,
		"DriverOpts":          nil,
		"GwPriority":          0,
		"NetworkID":           ep.networkID,
		"EndpointID":          ep.endpointID,
		"Gateway":             gw,
		"IPAddress":           ep.ip,
		"IPPrefixLen":         n.prefixLenIf(ep.ip),
		"IPv6Gateway":         "",
		"GlobalIPv6Address":   "",
		"GlobalIPv6PrefixLen": 0,
		"DNSNames":            ep.dnsNames(),
	}
}

func (n *network) prefixLenIf(ip string) int {
	if ip == "" {
		return 0
	}
	return n.prefixLen()
}

func (ep *endpoint) dnsNames() []string {
	if ep.network.name == "bridge" || ep.network.driver != "bridge" {
		return nil
	}
	return ep.aliases
}

// netOrder is c's networks in the order they were connected.
func (c *container) netOrder() []string {
	names := sortedKeys(c.eps)
	sort.SliceStable(names, func(i, j int) bool { return c.eps[names[i]].order < c.eps[names[j]].order })
	return names
}

// connectLocked attaches c to n; d.mu held.
func (d *Daemon) connectLocked(c *container, n *network, cfg *endpointConfig) error {
	if _, ok := c.eps[n.name]; ok {
		return errForbidden(fmt.Sprintf("endpoint with name %s already exists in network %s", strings.TrimPrefix(c.name, "/"), n.name))
	}
	if n.driver == "null" || n.driver == "host" {
		if len(c.eps) > 0 {
			return errForbidden("container cannot be disconnected from host network or connected to host network")
		}
	} else {
		for name, ep := range c.eps {
			if ep.network.driver == "null" || ep.network.driver == "host" {
				_ = name
				return errForbidden("container cannot be connected to multiple networks with one of the networks in private (none) mode")
			}
		}
	}
	ep := &endpoint{network: n, order: d.nextOrderLocked()}
	if n.subnet != nil && cfg != nil && cfg.IPAMConfig != nil && cfg.IPAMConfig.IPv4Address != "" {
		ip := net.ParseIP(cfg.IPAMConfig.IPv4Address)
		if ip == nil || !n.subnet.Contains(ip) {
			return errForbidden("no configured subnet or ip-range contain the IP address " + cfg.IPAMConfig.IPv4Address)
		}
		if n.builtin {
			return errInvalid("user specified IP address is supported on user defined networks only")
		}
		ep.ipamIP = ip.String()
	}
	if cfg != nil {
		ep.aliases = append(ep.aliases, cfg.Aliases...)
	}
	if n.driver == "bridge" && !n.builtin {
		ep.aliases = append(ep.aliases, c.id[:12])
		ep.aliases = append([]string{strings.TrimPrefix(c.name, "/")}, ep.aliases...)
		slices.Sort(ep.aliases)
		ep.aliases = slices.Compact(ep.aliases)
	}
	if c.state.Running { // a created container's endpoint joins at its start
		if err := d.joinEndpointLocked(ep); err != nil {
			return err
		}
	}
	c.eps[n.name] = ep
	n.addEndpoint(c.id, ep)
	return nil
}

// joinEndpointLocked gives ep what dockerd's endpoint join gives it when
// the container starts (or is connected while it runs): the network's id,
// an endpoint id, its address (the one IPAMConfig asks for, else a free
// one) and MAC; d.mu held.
func (d *Daemon) joinEndpointLocked(ep *endpoint) error {
	n := ep.network
	if n.subnet != nil {
		ip := ep.ipamIP
		if ip != "" {
			if n.used[ip] > 0 {
				return errForbidden("Address already in use")
			}
		} else if ip = n.allocIP(); ip == "" {
			return errForbidden("no available IPv4 addresses on this network's address pools: " + n.name + " (" + n.id + ")")
		}
		n.reserve(ip)
		ep.ip = ip
		if ip4 := net.ParseIP(ip).To4(); ip4 != nil {
			ep.mac = fmt.Sprintf("02:42:%02x:%02x:%02x:%02x", ip4[0], ip4[1], ip4[2], ip4[3])
		}
	}
	ep.networkID = n.id
	ep.endpointID = d.newID()
	return nil
}

// leave drops what the join gave ep, as dockerd does when the container
// stops: its network id stays.
func (ep *endpoint) leave() {
	if ep.ip != "" {
		ep.network.release(ep.ip)
	}
	ep.ip, ep.mac, ep.endpointID = "", "", ""
}

func (d *Daemon) nextOrderLocked() int {
	d.order++
	return d.order
}

// setupNetworksLocked connects a new container per its NetworkMode and
// NetworkingConfig; d.mu held.
func (d *Daemon) setupNetworksLocked(c *container, nc *struct {
	EndpointsConfig map[string]*endpointConfig `json:"EndpointsConfig"`
}) error {
	mode := c.host.NetworkMode
	if mode == "default" {
		mode = "bridge"
	}
	if strings.HasPrefix(mode, "container:") {
		return nil
	}
	n, err := d.getNetworkLocked(mode)
	if err != nil {
		return err
	}
	var cfg *endpointConfig
	var extra []string
	if nc != nil {
		for name, ec := range nc.EndpointsConfig {
			if name == n.name || name == n.id || name == mode || name == "default" {
				cfg = ec
			} else {
				extra = append(extra, name)
			}
		}
	}
	if err := d.connectLocked(c, n, cfg); err != nil {
		return err
	}
	sort.Strings(extra)
	for _, name := range extra {
		n2, err := d.getNetworkLocked(name)
		if err != nil {
			return err
		}
		if err := d.connectLocked(c, n2, nc.EndpointsConfig[name]); err != nil {
			return err
		}
	}
	return nil
}

// hostBindings is what a binding of host port hp on ip publishes: an
// unspecified address binds it on every IPv4 and every IPv6 address, so
// dockerd (on a host with IPv6) reports both 0.0.0.0 and ::, with the same
// port.
func hostBindings(ip, hp string) []portBinding {
	if ip == "" {
		return []portBinding{{HostIP: "0.0.0.0", HostPort: hp}, {HostIP: "::", HostPort: hp}}
	}
	return []portBinding{{HostIP: ip, HostPort: hp}}
}

// allocatePortsLocked publishes PortBindings with free host ports.
func (d *Daemon) allocatePortsLocked(c *container) {
	c.ports = map[string][]portBinding{}
	keys := sortedKeys(c.host.PortBindings)
	for _, p := range keys {
		for _, b := range c.host.PortBindings[p] {
			hp := b.HostPort
			if hp == "" || hp == "0" {
				d.nextPort++
				hp = strconv.Itoa(32767 + d.nextPort)
			}
			c.ports[p] = append(c.ports[p], hostBindings(b.HostIP, hp)...)
		}
	}
	if c.host.PublishAllPorts {
		for p := range c.config.ExposedPorts {
			if _, ok := c.ports[p]; !ok {
				d.nextPort++
				c.ports[p] = hostBindings("", strconv.Itoa(32767+d.nextPort))
			}
		}
	}
}

// networkSettings is NetworkSettings in inspect, in the shape that holds
// every version's fields (containerFields trims it); d.mu held. Until the
// first start there is no sandbox and the endpoints hold only their
// configuration; the ports show while the container runs.
func (c *container) networkSettings() map[string]any {
	nets := map[string]any{}
	for name, ep := range c.eps {
		nets[name] = ep.json()
	}
	ports := map[string]any{}
	if c.state.Running {
		for p := range c.config.ExposedPorts {
			ports[p] = nil
		}
		for p, bs := range c.ports {
			ports[p] = bs
		}
	}
	key := ""
	switch {
	case c.sandboxID == "":
	case c.host.NetworkMode == "host": // the host's own namespace
		key = "/var/run/docker/netns/default"
	default:
		key = "/var/run/docker/netns/" + c.sandboxID[:12]
	}
	m := map[string]any{
		"Bridge":                 "",
		"SandboxID":              c.sandboxID,
		"SandboxKey":             key,
		"Ports":                  ports,
		"Networks":               nets,
		"HairpinMode":            false,
		"LinkLocalIPv6Address":   "",
		"LinkLocalIPv6PrefixLen": 0,
		"SecondaryIPAddresses":   nil,
		"SecondaryIPv6Addresses": nil,
	}
	// the default bridge's endpoint, repeated at the top (API < 1.52)
	ip, gw, mac, eid, plen := "", "", "", "", 0
	if ep := c.eps["bridge"]; ep != nil {
		ip, mac, eid, plen = ep.ip, ep.mac, ep.endpointID, ep.network.prefixLenIf(ep.ip)
		if ep.ip != "" {
			gw = ep.network.gateway.String()
		}
	}
	m["EndpointID"] = eid
	m["Gateway"] = gw
	m["GlobalIPv6Address"] = ""
	m["GlobalIPv6PrefixLen"] = 0
	m["IPAddress"] = ip
	m["IPPrefixLen"] = plen
	m["IPv6Gateway"] = ""
	m["MacAddress"] = mac
	return m
}

func (n *network) json(d *Daemon, withContainers bool) map[string]any {
	cfg := []any{}
	if n.subnet != nil {
		e := map[string]any{"Subnet": n.subnet.String(), "Gateway": n.gateway.String()}
		if n.ipRange != "" {
			e["IPRange"] = n.ipRange
		}
		cfg = append(cfg, e)
	}
	driver := "default"
	m := map[string]any{
		"Name":       n.name,
		"Id":         n.id,
		"Created":    n.created.Format(time.RFC3339Nano),
		"Scope":      n.scope,
		"Driver":     n.driver,
		"EnableIPv4": true,
		"EnableIPv6": n.enableIPv6,
		"IPAM":       map[string]any{"Driver": driver, "Options": nil, "Config": cfg},
		"Internal":   n.internal,
		"Attachable": n.attachable,
		"Ingress":    n.ingress,
		"ConfigFrom": map[string]any{"Network": ""},
		"ConfigOnly": false,
		"Options":    n.options,
		"Labels":     n.labels,
		"Containers": map[string]any{},
	}
	if withContainers {
		cs := map[string]any{}
		for id, ep := range n.containers {
			c := d.containers[id]
			if c == nil || !c.state.Running {
				continue // a stopped container has no endpoint yet
			}
			addr := ""
			if ep.ip != "" {
				addr = ep.ip + "/" + strconv.Itoa(n.prefixLen())
			}
			cs[id] = map[string]any{"Name": strings.TrimPrefix(c.name, "/"), "EndpointID": ep.endpointID, "MacAddress": ep.mac, "IPv4Address": addr, "IPv6Address": ""}
		}
		m["Containers"] = cs
	}
	return m
}

func (d *Daemon) sortedNetworksLocked() []*network {
	var out []*network
	for _, n := range d.networks {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func (d *Daemon) networkMatchesLocked(f filters, n *network) bool {
	if !f.matchLabels("label", n.labels) || !f.matchLabels("label!", n.labels) {
		return false
	}
	if !f.matchAny("name", func(v string) bool { return strings.Contains(n.name, v) }) {
		return false
	}
	if !f.matchAny("id", func(v string) bool { return strings.HasPrefix(n.id, v) }) {
		return false
	}
	if !f.matchAny("driver", func(v string) bool { return n.driver == v }) {
		return false
	}
	if !f.matchAny("scope", func(v string) bool { return n.scope == v }) {
		return false
	}
	if !f.matchAny("type", func(v string) bool { return (v == "builtin") == n.builtin }) {
		return false
	}
	if !f.matchAny("dangling", func(v string) bool { return (v == "true" || v == "1") == (len(n.containers) == 0) }) {
		return false
	}
	return true
}

// activeEndpointsLocked reports whether a running container is on n: the
// endpoints of a stopped one are only created when it starts, so they do
// not keep dockerd from removing n; d.mu held.
func (d *Daemon) activeEndpointsLocked(n *network) bool {
	for id := range n.containers {
		if c := d.containers[id]; c != nil && c.state.Running {
			return true
		}
	}
	return false
}

// dropNetworkLocked removes n; stopped containers on it keep it in their
// settings (their start then fails, as with dockerd); d.mu held.
func (d *Daemon) dropNetworkLocked(n *network) {
	for id := range n.containers {
		n.removeEndpoint(id)
	}
	delete(d.networks, n.id)
}

// networkByNameLocked returns the network called name, or nil; d.mu held.
func (d *Daemon) networkByNameLocked(name string) *network {
	for _, n := range d.networks {
		if n.name == name {
			return n
		}
	}
	return nil
}
