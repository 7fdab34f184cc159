package mockdaemon

import (
	"fmt"
	"net"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// network is a network. Its IPAM is kept as the client gave it (shown
// IPv4 first), its pools hand out its addresses (networks_ipam.go).
// containers holds the endpoints of the containers running on it, by
// container id.
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
	ipam       ipamSpec  // as given; Config filled in by the daemon when autoIPAM
	autoIPAM   bool      // the daemon chose the subnet: reported with its gateway
	pools      []*ipPool // IPv4 then IPv6, as allocated
	containers map[string]*endpoint
	builtin    bool
	local      bool                 // a swarm network this node has joined (the ingress)
	sbox       *networkEndpointJSON // the ingress sandbox's endpoint
}

// endpoint is a container's attachment to a network: its settings as
// given, kept from create (or connect) on, and what it gets while its
// container runs (active).
type endpoint struct {
	name    string   // the network as the container's settings name it
	network *network // nil for a network missing at create
	cfg     endpointConfig
	order   int

	ownAliases bool   // the container's short id and host name joined its aliases (shown before 1.45)
	useMAC     bool   // cfg.MacAddress is the endpoint's MAC (given at create from 1.44, at connect from 1.54; ignored before)
	networkID  string // set when the endpoint is first made, kept after its container stops
	ran        bool   // the endpoint was made once: a stop dropped its given MAC (before 1.44)

	active     bool
	anonymous  bool // made for an anonymous container: its name is no DNS record
	endpointID string
	ip, ip6    string // its addresses, "" for none
	mac        string
}

// userDefined reports whether n is not one of the networks every daemon
// has (bridge, host, none).
func (n *network) userDefined() bool { return !n.builtin }

func (n *network) addEndpoint(id string, ep *endpoint) {
	n.containers[id] = ep
}

func (n *network) removeEndpoint(id string) {
	if ep, ok := n.containers[id]; ok {
		delete(n.containers, id)
		n.releaseAddr(ep.ip)
		n.releaseAddr(ep.ip6)
	}
}

func (d *Daemon) initNetworks() {
	mk := func(name, driver, subnet string) {
		n := &network{id: d.newID(), name: name, driver: driver, scope: "local", created: d.now(), containers: map[string]*endpoint{}, builtin: true, labels: map[string]string{}, options: map[string]string{}, ipam: ipamSpec{Driver: "default", Config: []ipamConfig{}}}
		if subnet != "" {
			p, _ := newPool(subnet, "")
			_ = d.setupPoolLocked(n, p, ipamConfig{})
			n.ipam.Config = []ipamConfig{{Subnet: subnet}}
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

// allocVIP takes an address for a service's virtual IP, as
// "address/prefix".
func (n *network) allocVIP() string {
	a, ok := n.allocAddr(true)
	if !ok {
		return ""
	}
	return a.String() + "/" + strconv.Itoa(n.prefixOf(a.String()))
}

func (n *network) releaseVIP(addr string) { n.releaseAddr(addr) }

// getNetworkLocked resolves a full id, a name or an id prefix as
// dockerd's FindNetwork does: a full id first, then a name, then an id
// prefix, which may be empty (DELETE /networks/ names every network, so
// it is ambiguous).
func (d *Daemon) getNetworkLocked(ref string) (*network, error) {
	if n, ok := d.networks[ref]; ok {
		return n, nil
	}
	var byName, byPrefix []*network
	for id, n := range d.networks {
		if n.name == ref {
			byName = append(byName, n)
		}
		if strings.HasPrefix(id, ref) {
			byPrefix = append(byPrefix, n)
		}
	}
	switch {
	case len(byName) == 1:
		return byName[0], nil
	case len(byName) > 1:
		return nil, errInvalid(fmt.Sprintf("network %s is ambiguous (%d matches found on name)", ref, len(byName)))
	case len(byPrefix) == 1:
		return byPrefix[0], nil
	case len(byPrefix) > 1:
		return nil, errInvalid(fmt.Sprintf("network %s is ambiguous (%d matches found based on ID prefix)", ref, len(byPrefix)))
	}
	return nil, errNotFound("network " + ref + " not found")
}

// settings is the endpoint as NetworkSettings.Networks shows it to a
// client of version ver.
func (ep *endpoint) settings(c *container, ver apiVersion) endpointSettings {
	s := endpointSettings{
		IPAMConfig: ep.cfg.IPAMConfig, Links: ep.cfg.Links, Aliases: slices.Clone(ep.cfg.Aliases),
		MacAddress: ep.cfg.MacAddress, DriverOpts: ep.cfg.DriverOpts, GwPriority: ep.cfg.GwPriority,
		NetworkID: ep.networkID,
	}
	if ep.ownAliases && !ver.atLeast("1.45") {
		s.Aliases = dedup(append(s.Aliases, c.id[:12], c.config.Hostname))
	}
	if ep.ran && !ver.atLeast("1.44") {
		s.MacAddress = "" // 20.10 drops it with the endpoint's addresses
	}
	if ep.active {
		n := ep.network
		s.EndpointID, s.MacAddress = ep.endpointID, ep.mac
		if ep.ip != "" {
			s.IPAddress, s.IPPrefixLen = ep.ip, n.prefixOf(ep.ip)
			if p := n.pool4(); p != nil && n.driver == "bridge" {
				s.Gateway = p.gateway.String()
			}
		}
		if ep.ip6 != "" {
			s.GlobalIPv6Address, s.GlobalIPv6PrefixLen = ep.ip6, n.prefixOf(ep.ip6)
			if p := n.pool6(); p != nil && n.driver == "bridge" {
				s.IPv6Gateway = p.gateway.String()
			}
		}
	}
	if ep.networkID != "" && ep.network != nil && ep.network.userDefined() {
		s.DNSNames = dedup(slices.Concat([]string{strings.TrimPrefix(c.name, "/")}, ep.cfg.Aliases, []string{c.id[:12], c.config.Hostname}))
	}
	return s
}

// dedup is l without its repeats, in order.
func dedup(l []string) []string {
	var out []string
	for _, s := range l {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// netOrder is c's networks in the order they were connected.
func (c *container) netOrder() []string {
	names := sortedKeys(c.eps)
	sort.SliceStable(names, func(i, j int) bool { return c.eps[names[i]].order < c.eps[names[j]].order })
	return names
}

// sharesNetNS reports whether c runs in the network namespace of the
// host or of another container.
func (c *container) sharesNetNS() bool {
	return c.host.NetworkMode == "host" || strings.HasPrefix(c.host.NetworkMode, "container:")
}

// runconfig's errors of a network that cannot be joined.
var (
	errConflictSharedNetwork = errInvalid("container sharing network namespace with another container or host cannot be connected to any other network")
	errConflictNoNetwork     = errInvalid("container cannot be connected to multiple networks with one of the networks in private (none) mode")
	errConflictHostNetwork   = errInvalid("container cannot be disconnected from host network or connected to host network")
)

// connectLocked attaches c to n with the settings cfg, given at version
// ver: at once for a running container, at its next start for one that
// is not (the settings are kept until then).
func (d *Daemon) connectLocked(c *container, n *network, cfg *endpointConfig, ver apiVersion) error {
	if c.host.NetworkMode == "host" || c.state.Running && strings.HasPrefix(c.host.NetworkMode, "container:") {
		return errConflictSharedNetwork
	}
	ep := &endpoint{name: n.name, network: n, order: d.nextOrderLocked(), useMAC: ver.atLeast("1.54")}
	if cfg != nil {
		ep.cfg = ofVersion(*cfg, ver)
	}
	if err := checkEndpointConfig(n, &ep.cfg); err != nil {
		return err
	}
	if _, ok := c.eps[n.name]; ok {
		return errForbidden(fmt.Sprintf("endpoint with name %s already exists in network %s", strings.TrimPrefix(c.name, "/"), n.name))
	}
	switch {
	case n.driver == "null" && len(c.eps) > 0:
		return errConflictNoNetwork
	case n.driver == "host":
		return errConflictHostNetwork
	}
	for _, ep := range c.eps {
		if ep.network != nil && ep.network.driver == "null" {
			return errConflictNoNetwork
		}
	}
	if n.userDefined() {
		ep.ownAliases = true
	}
	if c.state.Running {
		if err := d.activateLocked(c, ep); err != nil {
			return err
		}
	}
	c.eps[n.name] = ep
	return nil
}

func (d *Daemon) nextOrderLocked() int {
	d.order++
	return d.order
}

// activateLocked makes the endpoint ep of c on its network, as
// libnetwork does when the container starts (or is connected while it
// runs): its settings are checked, it gets an address, a MAC and an id.
func (d *Daemon) activateLocked(c *container, ep *endpoint) error {
	n := ep.network
	if n == nil || d.networks[n.id] != n {
		found, err := d.getNetworkLocked(ep.name)
		if err != nil {
			return errNotFound("network " + ep.name + " not found")
		}
		n, ep.network = found, found
	}
	if err := checkEndpointConfig(n, &ep.cfg); err != nil {
		return err
	}
	ip, ip6, err := n.endpointAddrs(ep.cfg.IPAMConfig)
	if err != nil {
		return err
	}
	ep.ip, ep.ip6, ep.active, ep.ran = ip, ip6, true, true
	ep.anonymous = c.anonymous
	ep.endpointID = d.newID()
	ep.networkID = n.id
	ep.mac = ""
	if ep.useMAC {
		ep.mac = ep.cfg.MacAddress
	}
	if ep.mac == "" && c.config.MacAddress != "" && ep.name == c.defaultNetwork() {
		ep.mac = c.config.MacAddress
	}
	if v4 := net.ParseIP(ip).To4(); ep.mac == "" && v4 != nil {
		ep.mac = fmt.Sprintf("02:42:%02x:%02x:%02x:%02x", v4[0], v4[1], v4[2], v4[3])
	}
	if n.userDefined() {
		ep.ownAliases = true
	}
	n.addEndpoint(c.id, ep)
	return nil
}

// endpointAddrs takes an endpoint's addresses on n as libnetwork does:
// the IPv4 one, then with an IPv6 pool the IPv6 one, each the address
// asked for in ipam or the first free one.
func (n *network) endpointAddrs(ipam *endpointIPAMConfig) (ip, ip6 string, err error) {
	if n.driver == "null" || n.driver == "host" {
		return "", "", nil
	}
	var want4, want6 string
	if ipam != nil {
		want4, want6 = ipam.IPv4Address, ipam.IPv6Address
	}
	take := func(want string, v4 bool, pool *ipPool) (string, error) {
		switch {
		case pool == nil:
			return "", nil
		case want != "":
			a, err := n.requestAddr(want, v4)
			return a.String(), err
		}
		a, ok := n.allocAddr(v4)
		if !ok {
			family := map[bool]string{true: "IPv4", false: "IPv6"}[v4]
			return "", errUnavailable("no available " + family + " addresses on this network's address pools: " + n.name + " (" + n.id + ")")
		}
		return a.String(), nil
	}
	if ip, err = take(want4, true, n.pool4()); err != nil {
		return "", "", err
	}
	if ip6, err = take(want6, false, n.pool6()); err != nil {
		n.releaseAddr(ip)
		return "", "", err
	}
	return ip, ip6, nil
}

// checkEndpointConfig refuses the settings a predefined network does not
// take, as dockerd does at connect and at start.
func checkEndpointConfig(n *network, cfg *endpointConfig) error {
	if n.userDefined() {
		return nil
	}
	if ipam := cfg.IPAMConfig; ipam != nil && (ipam.IPv4Address != "" || ipam.IPv6Address != "") {
		return errInvalid("user specified IP address is supported on user defined networks only")
	}
	if len(cfg.Aliases) > 0 && n.name == "bridge" {
		return errInvalid("network-scoped alias is supported only for containers in user defined networks")
	}
	return nil
}

// deactivate removes the endpoint as a stop does: its address, MAC
// and id go, its settings and network id stay.
func (ep *endpoint) deactivate(c *container) {
	if !ep.active {
		return
	}
	ep.network.removeEndpoint(c.id)
	ep.active, ep.endpointID, ep.ip, ep.ip6, ep.mac = false, "", "", "", ""
}

// defaultNetwork is the name of the network of c's NetworkMode.
func (c *container) defaultNetwork() string {
	if m := c.host.NetworkMode; m != "" && m != "default" {
		return m
	}
	return "bridge"
}

// attachNetworksLocked makes c's endpoints as its start does; on an error
// the ones made are removed again, the container keeps its settings and
// records the error as dockerd does (State.Error, exit code 128).
func (d *Daemon) attachNetworksLocked(c *container) error {
	if c.config.NetworkDisabled || strings.HasPrefix(c.host.NetworkMode, "container:") {
		return nil
	}
	for _, name := range c.netOrder() {
		ep := c.eps[name]
		if err := d.activateLocked(c, ep); err != nil {
			d.releaseNetworksLocked(c)
			c.state.Error = err.Error()
			if c.state.ExitCode == 0 {
				c.state.ExitCode = 128
			}
			return err
		}
		// dockerd's connectToNetwork logs each network the sandbox joins
		d.networkEventLocked(ep.network, "connect", c)
	}
	c.sandboxID = d.newID()
	return nil
}

// networkEventLocked emits a network event of c on n, as dockerd's
// LogNetworkEventWithAttributes: the network's name and type, the
// container; d.mu held.
func (d *Daemon) networkEventLocked(n *network, action string, c *container) {
	d.events.emit("network", action, n.id, map[string]string{"name": n.name, "type": n.driver, "container": c.id})
}

// releaseNetworksLocked removes c's endpoints as the end of its run does.
func (d *Daemon) releaseNetworksLocked(c *container) {
	for _, name := range c.netOrder() { // dockerd's releaseNetwork logs each one it leaves
		if ep := c.eps[name]; ep.active {
			ep.deactivate(c)
			d.networkEventLocked(ep.network, "disconnect", c)
		}
	}
}

// setupNetworksLocked records the endpoints of a new container as its
// create does: the network of its NetworkMode (a missing one only fails
// at start) and, from 1.44 on, any other network of its
// NetworkingConfig, with their settings as given (before 1.44 a config
// for another network is the container's one network, as given);
// nothing for a disabled network or one shared with another container
// (named by its id from then on).
func (d *Daemon) setupNetworksLocked(c *container, nc *networkingConfig, ver apiVersion) error {
	var given map[string]*endpointConfig
	if nc != nil {
		given = nc.EndpointsConfig
	}
	if len(given) > 1 && !ver.atLeast("1.44") {
		names := slices.Collect(func(yield func(string) bool) {
			for name := range given {
				if !yield(name) {
					return
				}
			}
		})
		sort.Strings(names)
		return errInvalid("Container cannot be connected to network endpoints: " + strings.Join(names, ", "))
	}
	mode := c.host.NetworkMode
	if other, ok := strings.CutPrefix(mode, "container:"); ok {
		if o, err := d.getContainerLocked(other); err == nil {
			c.host.NetworkMode = "container:" + o.id
		}
		return nil
	}
	if c.config.NetworkDisabled {
		return nil
	}
	name := c.defaultNetwork()
	n, _ := d.getNetworkLocked(name)
	add := func(name string, n *network, cfg *endpointConfig) {
		ep := &endpoint{name: name, network: n, order: d.nextOrderLocked(), useMAC: ver.atLeast("1.44")}
		if cfg != nil {
			ep.cfg = ofVersion(*cfg, ver)
		}
		if n != nil {
			name = n.name
			ep.name = n.name
		}
		c.eps[name] = ep
	}
	if len(given) == 1 && !ver.atLeast("1.44") {
		// dockerd 20.10 takes the one config as the container's networks,
		// in place of its NetworkMode's (a missing network fails at start)
		for key, ec := range given {
			if key != name && (n == nil || key != n.name && key != n.id) && (key != "default" || name != "bridge") {
				other, _ := d.getNetworkLocked(key)
				add(key, other, ec)
				return nil
			}
		}
	}
	var extra []string
	var cfg *endpointConfig
	for key, ec := range given {
		if key == name || n != nil && (key == n.name || key == n.id) || key == "default" && name == "bridge" {
			cfg = ec
		} else {
			extra = append(extra, key)
		}
	}
	add(name, n, cfg)
	sort.Strings(extra)
	for _, key := range extra {
		n2, err := d.getNetworkLocked(key)
		if err != nil {
			return err
		}
		add(key, n2, given[key])
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

// networkSettings is NetworkSettings in inspect, as the API of ver shows
// it: the sandbox of the last start, the published ports while the
// container runs, and its endpoints; the fields of the default bridge's
// endpoint repeated at the top, as API versions before 1.52 have them.
func (c *container) networkSettings(ver apiVersion) any {
	s := networkSettingsJSON{SandboxID: c.sandboxID, Ports: map[string][]portBinding{}, Networks: map[string]endpointSettings{}}
	switch {
	case c.sandboxID == "":
	case c.host.NetworkMode == "host": // the host's own namespace
		s.SandboxKey = "/var/run/docker/netns/default"
	default:
		s.SandboxKey = "/var/run/docker/netns/" + c.sandboxID[:12]
	}
	if c.state.Running {
		for p := range c.config.ExposedPorts {
			s.Ports[p] = nil
		}
		for p, bs := range c.ports {
			s.Ports[p] = bs
		}
	}
	for name, ep := range c.eps {
		s.Networks[name] = ep.settings(c, ver)
	}
	if ep := c.eps["bridge"]; ep != nil && ep.active {
		b := s.Networks["bridge"]
		s.EndpointID, s.Gateway, s.IPAddress, s.IPPrefixLen, s.MacAddress = b.EndpointID, b.Gateway, b.IPAddress, b.IPPrefixLen, b.MacAddress
	}
	return versioned(s, ver)
}

// summaryNetworks is NetworkSettings.Networks of the container list:
// dockerd's snapshot of each endpoint keeps its addresses, ids and IPAM
// addresses, not its aliases, links or driver options.
func (c *container) summaryNetworks(ver apiVersion) any {
	nets := map[string]endpointSettings{}
	for name, ep := range c.eps {
		s := ep.settings(c, ver)
		if s.IPAMConfig != nil {
			s.IPAMConfig = &endpointIPAMConfig{IPv4Address: s.IPAMConfig.IPv4Address, IPv6Address: s.IPAMConfig.IPv6Address}
		}
		s.Links, s.Aliases, s.DriverOpts, s.DNSNames = nil, nil, nil, nil
		nets[name] = s
	}
	return versioned(nets, ver)
}

// json is the network as inspect (withContainers) and the list show it.
// A swarm network this node has not joined is shown as the swarm has it:
// no containers, its labels as given.
func (n *network) json(d *Daemon, withContainers bool) networkJSON {
	out := networkJSON{
		Name: n.name, ID: n.id, Created: n.created, Scope: n.scope, Driver: n.driver,
		EnableIPv4: true, EnableIPv6: n.enableIPv6, IPAM: n.ipam,
		Internal: n.internal, Attachable: n.attachable, Ingress: n.ingress,
		Options: n.options, Labels: n.labels,
	}
	if n.scope != "swarm" || n.local && withContainers {
		out.Containers = map[string]networkEndpointJSON{}
		if out.Labels == nil {
			out.Labels = map[string]string{}
		}
	}
	if n.scope == "swarm" && n.local && withContainers && d.swarm != nil {
		host, _, _ := strings.Cut(d.swarm.advertiseAddr, ":")
		out.Peers = []networkPeer{{Name: d.swarm.peerName, IP: host}}
	}
	if withContainers && out.Containers != nil {
		if n.sbox != nil {
			out.Containers["ingress-sbox"] = *n.sbox
		}
		for id, ep := range n.containers {
			c := d.containers[id]
			if c == nil || !ep.active {
				continue
			}
			addr := func(ip string) string {
				if ip == "" {
					return ""
				}
				return ip + "/" + strconv.Itoa(n.prefixOf(ip))
			}
			out.Containers[id] = networkEndpointJSON{Name: strings.TrimPrefix(c.name, "/"), EndpointID: ep.endpointID, MacAddress: ep.mac,
				IPv4Address: addr(ep.ip), IPv6Address: addr(ep.ip6)}
		}
	}
	return out
}

func (d *Daemon) sortedNetworksLocked() []*network {
	var out []*network
	for _, n := range d.networks {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// networkLabelsMatch reports whether n carries the labels a prune's label
// and label! filters ask for.
func networkLabelsMatch(f filters, n *network) bool {
	return f.matchLabels("label", n.labels) && f.matchLabels("label!", n.labels)
}

// activeEndpointsLocked reports whether a running container is on n: the
// endpoints of a stopped one are only created when it starts, so they do
// not keep dockerd from removing n; d.mu held.
func (d *Daemon) activeEndpointsLocked(n *network) bool {
	for id := range n.containers {
		if !d.leftTaskLocked(id) {
			return true
		}
	}
	return false
}

// dropNetworkLocked removes n; stopped containers on it keep it in their
// settings (their start then fails, as with dockerd); d.mu held.
func (d *Daemon) dropNetworkLocked(n *network) {
	for id, ep := range n.containers {
		if c := d.containers[id]; c != nil {
			ep.deactivate(c)
		}
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
