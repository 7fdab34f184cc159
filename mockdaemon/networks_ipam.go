package mockdaemon

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
)

// The IPAM of local networks, as libnetwork's default IPAM driver keeps
// its address space (LocalDefault): every pool of every local network is
// in it, IPv4 and IPv6; a pool asked for without an IP range may not
// overlap another; one asked for with a range is a sub-pool of its subnet,
// which the IPAM does not check (the bridge driver does). A network's
// pools go with it. Swarm-scoped networks are in the swarm's own address
// space (swarmSubnetLocked).

// ipPool is one pool of a network: its subnet, the range its endpoints'
// addresses come from and the addresses taken (the gateway, auxiliary
// addresses, endpoints, virtual IPs).
type ipPool struct {
	subnet  netip.Prefix // masked
	lo, hi  netip.Addr   // the range: IPRange's host part in the subnet, else the subnet
	sub     bool         // asked for with an IPRange
	gateway netip.Addr
	taken   map[netip.Addr]int
	next    netip.Addr // where a serial allocation looks first
}

// predefinedPools are dockerd 20.10's default address pools of local
// networks: 172.17-31.0.0/16, then 192.168.0.0/16 in /20s.
var predefinedPools = func() []netip.Prefix {
	var out []netip.Prefix
	for i := 17; i <= 31; i++ {
		out = append(out, netip.PrefixFrom(netip.AddrFrom4([4]byte{172, byte(i), 0, 0}), 16))
	}
	for i := 0; i < 256; i += 16 {
		out = append(out, netip.PrefixFrom(netip.AddrFrom4([4]byte{192, 168, byte(i), 0}), 20))
	}
	return out
}()

// IPAM's answers, with libnetwork's words.
const (
	msgAddrInUse   = "Address already in use"
	msgOutOfRange  = "Requested address is out of range"
	msgPoolOverlap = "Pool overlaps with other one on this address space"
)

// newPool is the pool of subnet with the range rng ("" for the whole
// subnet), as the IPAM parses a pool request.
func newPool(subnet, rng string) (*ipPool, error) {
	pfx, err := netip.ParsePrefix(subnet)
	if err != nil {
		return nil, errInternal("Invalid subnet " + subnet + " : invalid CIDR address: " + subnet)
	}
	p := &ipPool{subnet: pfx.Masked(), taken: map[netip.Addr]int{}}
	p.lo, p.hi = p.subnet.Addr(), lastAddr(p.subnet)
	if rng != "" {
		r, err := netip.ParsePrefix(rng)
		if err != nil || r.Addr().Is4() != pfx.Addr().Is4() {
			return nil, errInternal(fmt.Sprintf("failed to parse pool request for address space %q pool %q subpool %q: Invalid Address SubPool", "LocalDefault", subnet, rng))
		}
		// the range's first and last addresses, their host part in the subnet
		p.lo, p.hi = inSubnet(p.subnet, r.Masked().Addr()), inSubnet(p.subnet, lastAddr(r.Masked()))
		p.sub = true
	}
	p.next = p.lo
	return p, nil
}

// lastAddr is the last address of pfx (its broadcast for IPv4).
func lastAddr(pfx netip.Prefix) netip.Addr {
	b := pfx.Addr().AsSlice()
	for i := range b {
		if bit := i * 8; bit+8 > pfx.Bits() {
			keep := max(pfx.Bits()-bit, 0)
			b[i] |= byte(0xff >> keep)
		}
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// inSubnet is the address of subnet whose host part is a's.
func inSubnet(subnet netip.Prefix, a netip.Addr) netip.Addr {
	base, b := subnet.Addr().AsSlice(), a.AsSlice()
	for i := range b {
		bit := i * 8
		keep := min(max(subnet.Bits()-bit, 0), 8)
		mask := byte(0xff << (8 - keep))
		b[i] = base[i]&mask | b[i]&^mask
	}
	out, _ := netip.AddrFromSlice(b)
	return out
}

func (p *ipPool) overlaps(o *ipPool) bool { return p.subnet.Overlaps(o.subnet) }

// reserved reports whether a is the subnet's own address or (IPv4) its
// broadcast, which the IPAM never gives.
func (p *ipPool) reserved(a netip.Addr) bool {
	return a == p.subnet.Addr() || a.Is4() && a == lastAddr(p.subnet)
}

// request takes the address a (any of the subnet, in the range or not) as
// the IPAM's RequestAddress with a preferred address does.
func (p *ipPool) request(a netip.Addr) error {
	switch {
	case !p.subnet.Contains(a):
		return errInternal(msgOutOfRange)
	case p.reserved(a) || p.taken[a] > 0:
		return errForbidden(msgAddrInUse)
	}
	p.take(a)
	return nil
}

func (p *ipPool) take(a netip.Addr) { p.taken[a]++ }

func (p *ipPool) release(a netip.Addr) {
	if p.taken[a]--; p.taken[a] <= 0 {
		delete(p.taken, a)
	}
}

// alloc takes a free address of the range: the first one, or with serial
// the first after the last one given (swarmkit's allocation); false when
// the range is full.
func (p *ipPool) alloc(serial bool) (netip.Addr, bool) {
	start := p.lo
	if serial && p.next.IsValid() && p.next.Compare(p.lo) > 0 && p.next.Compare(p.hi) <= 0 {
		start = p.next
	}
	for a := start; ; {
		if !p.reserved(a) && p.taken[a] == 0 {
			p.take(a)
			p.next = a.Next()
			return a, true
		}
		if a = a.Next(); !a.IsValid() || a.Compare(p.hi) > 0 {
			a = p.lo
		}
		if a == start {
			return netip.Addr{}, false
		}
	}
}

// localPoolsLocked is every pool in the local address space; d.mu held.
func (d *Daemon) localPoolsLocked() []*ipPool {
	var out []*ipPool
	for _, n := range d.networks {
		if n.scope != "swarm" {
			out = append(out, n.pools...)
		}
	}
	return out
}

// requestPoolLocked adds the pool p of a new network to the address
// space, beside the network's pools asked for before (mine): a pool
// without a range may not overlap any; d.mu held.
func (d *Daemon) requestPoolLocked(p *ipPool, mine []*ipPool) error {
	if p.sub {
		return nil
	}
	if slices.ContainsFunc(slices.Concat(d.localPoolsLocked(), mine), p.overlaps) {
		return errForbidden(msgPoolOverlap)
	}
	return nil
}

// predefinedPoolLocked is the next of the default pools that overlaps no
// pool of the address space, looking from where the last one was taken
// (the IPAM moves past a pool it gives, so a pool released is not given
// again at once); d.mu held.
func (d *Daemon) predefinedPoolLocked(mine []*ipPool) (*ipPool, error) {
	used := slices.Concat(d.localPoolsLocked(), mine)
	for i := range predefinedPools {
		idx := (d.nextSubnet + i) % len(predefinedPools)
		p, _ := newPool(predefinedPools[idx].String(), "")
		if !slices.ContainsFunc(used, p.overlaps) {
			if d.nextSubnet += i + 1; d.nextSubnet >= len(predefinedPools) {
				d.nextSubnet = 0
			}
			return p, nil
		}
	}
	return nil, errNotFound("could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network")
}

// allocatePoolsLocked gives the new local network n its pools as
// libnetwork does: each IPv4 config of its IPAM in turn (a default pool
// when there is none), then with IPv6 enabled each IPv6 config (20.10 has
// no default IPv6 pool). For each its subnet, range, gateway (given, or
// the first free address of the range) and auxiliary addresses are
// checked and taken. IPAM.Config is then shown IPv4 first; d.mu held.
func (d *Daemon) allocatePoolsLocked(n *network) error {
	var v4, v6 []ipamConfig
	for _, c := range n.ipam.Config {
		pfx, err := netip.ParsePrefix(c.Subnet)
		if err != nil {
			return errInternal("Invalid subnet " + c.Subnet + " : invalid CIDR address: " + c.Subnet)
		}
		if pfx.Addr().Is4() {
			v4 = append(v4, c)
		} else {
			v6 = append(v6, c)
		}
	}
	n.ipam.Config = slices.Concat(v4, v6)
	if len(v4) == 0 {
		p, err := d.predefinedPoolLocked(nil)
		if err != nil {
			return err
		}
		if err := d.setupPoolLocked(n, p, ipamConfig{}); err != nil {
			return err
		}
		n.autoIPAM = true
		n.ipam.Config = slices.Concat([]ipamConfig{{Subnet: p.subnet.String(), Gateway: p.gateway.String()}}, v6)
	}
	for _, c := range v4 {
		if err := d.addPoolLocked(n, c); err != nil {
			return err
		}
	}
	if !n.enableIPv6 {
		return nil
	}
	if len(v6) == 0 {
		return errNotFound("could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network")
	}
	for _, c := range v6 {
		if err := d.addPoolLocked(n, c); err != nil {
			return err
		}
	}
	return nil
}

// addPoolLocked asks for the pool of config c and sets it up.
func (d *Daemon) addPoolLocked(n *network, c ipamConfig) error {
	if c.Gateway != "" {
		if _, err := netip.ParseAddr(c.Gateway); err != nil {
			return errInternal("invalid gateway address " + c.Gateway + " in Ipam configuration")
		}
	}
	p, err := newPool(c.Subnet, c.IPRange)
	if err != nil {
		return err
	}
	if err := d.requestPoolLocked(p, n.pools); err != nil {
		return err
	}
	return d.setupPoolLocked(n, p, c)
}

// setupPoolLocked takes p's gateway and auxiliary addresses as c gives
// them and adds p to n.
func (d *Daemon) setupPoolLocked(n *network, p *ipPool, c ipamConfig) error {
	if c.Gateway != "" {
		gw, _ := netip.ParseAddr(c.Gateway)
		if err := p.request(gw); err != nil {
			return errInternal("failed to allocate gateway (" + c.Gateway + "): " + err.Error())
		}
		p.gateway = gw
	} else if gw, ok := p.alloc(false); ok {
		p.gateway = gw
	} else {
		return errInternal("failed to allocate gateway (): No available addresses on this pool")
	}
	keys := make([]string, 0, len(c.AuxAddress))
	for k := range c.AuxAddress {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := c.AuxAddress[k]
		a, err := netip.ParseAddr(v)
		switch {
		case err != nil:
			return errInternal(fmt.Sprintf("non parsable secondary ip address (%s:%s) passed for network %s", k, v, n.name))
		case !p.subnet.Contains(a):
			return errForbidden(fmt.Sprintf("auxiliary address: (%s:%s) must belong to the master pool: %s", k, v, p.subnet))
		}
		if err := p.request(a); err != nil {
			return errInternal(fmt.Sprintf("failed to allocate secondary ip address (%s:%s): %v", k, v, err))
		}
	}
	n.pools = append(n.pools, p)
	return nil
}

// checkBridgeLocked refuses a bridge network the bridge driver does not
// make: more than one IPv4 subnet, or one that overlaps another bridge
// network's; d.mu held.
func (d *Daemon) checkBridgeLocked(n *network) error {
	if n.driver != "bridge" {
		return nil
	}
	if len(n.v4Pools()) > 1 {
		return errForbidden("bridge driver doesn't support multiple subnets")
	}
	ids := sortedKeys(d.networks)
	for _, id := range ids {
		o := d.networks[id]
		if o.driver != "bridge" || o.scope == "swarm" {
			continue
		}
		for _, p := range n.v4Pools() {
			if slices.ContainsFunc(o.v4Pools(), p.overlaps) {
				return errForbidden(fmt.Sprintf("cannot create network %s (%s): conflicts with network %s (%s): networks have overlapping IPv4", n.id, bridgeName(n), o.id, bridgeName(o)))
			}
		}
	}
	return nil
}

// bridgeName is the Linux bridge of a bridge network.
func bridgeName(n *network) string {
	if name := n.options["com.docker.network.bridge.name"]; name != "" {
		return name
	}
	return "br-" + n.id[:12]
}

// v4Pools and v6Pools are n's pools of one family.
func (n *network) v4Pools() []*ipPool {
	return slices.DeleteFunc(slices.Clone(n.pools), func(p *ipPool) bool { return !p.subnet.Addr().Is4() })
}

func (n *network) v6Pools() []*ipPool {
	return slices.DeleteFunc(slices.Clone(n.pools), func(p *ipPool) bool { return p.subnet.Addr().Is4() })
}

// pool4 and pool6 are n's first pool of a family, nil for none.
func (n *network) pool4() *ipPool { return first(n.v4Pools()) }
func (n *network) pool6() *ipPool { return first(n.v6Pools()) }

func first(ps []*ipPool) *ipPool {
	if len(ps) == 0 {
		return nil
	}
	return ps[0]
}

// poolOf is the pool of n that holds a, nil for none.
func (n *network) poolOf(a netip.Addr) *ipPool {
	for _, p := range n.pools {
		if p.subnet.Contains(a) {
			return p
		}
	}
	return nil
}

// allocAddr takes an address of the family of v4 for an endpoint: from
// the first pool of n with one free, as libnetwork tries them in turn;
// serial for a swarm network (swarmkit's allocator).
func (n *network) allocAddr(v4 bool) (netip.Addr, bool) {
	ps := n.v6Pools()
	if v4 {
		ps = n.v4Pools()
	}
	for _, p := range ps {
		if a, ok := p.alloc(n.scope == "swarm"); ok {
			return a, true
		}
	}
	return netip.Addr{}, false
}

// requestAddr takes the address a client asked for (IPAMConfig), with
// libnetwork's words when it cannot.
func (n *network) requestAddr(want string, v4 bool) (netip.Addr, error) {
	a, err := netip.ParseAddr(want)
	var p *ipPool
	if err == nil && a.Is4() == v4 {
		p = n.poolOf(a)
	}
	if p == nil {
		return netip.Addr{}, errInternal("Invalid address " + want + ": It does not belong to any of this network's subnets")
	}
	if p.reserved(a) || p.taken[a] > 0 {
		return netip.Addr{}, errForbidden(msgAddrInUse)
	}
	p.take(a)
	return a, nil
}

// releaseAddr gives back an address of n ("" or one not of n: nothing).
func (n *network) releaseAddr(s string) {
	s, _, _ = strings.Cut(s, "/")
	if a, err := netip.ParseAddr(s); err == nil {
		if p := n.poolOf(a); p != nil {
			p.release(a)
		}
	}
}

// prefixOf is the prefix length of the pool holding the address s.
func (n *network) prefixOf(s string) int {
	if a, err := netip.ParseAddr(s); err == nil {
		if p := n.poolOf(a); p != nil {
			return p.subnet.Bits()
		}
	}
	return 0
}
