package mockdaemon

import (
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Name resolution in containers as libnetwork's sandbox sets it up: the
// resolv.conf dockerd writes for a container, made from the host's, and
// the embedded DNS server (127.0.0.11) of user-defined networks, which
// answers the names the daemon's network state holds.

// embeddedDNS is the address of the embedded DNS server in a container.
const embeddedDNS = "127.0.0.11"

// The nameserver lines libnetwork's resolvconf package recognises.
var (
	nsIPv4          = `(25[0-5]|(2[0-4]|1[0-9]|[1-9]|)[0-9])(\.(25[0-5]|(2[0-4]|1[0-9]|[1-9]|)[0-9])){3}`
	nsIPv6          = `([0-9A-Fa-f]{0,4}:){2,7}([0-9A-Fa-f]{0,4})(%\w+)?`
	nsLocalhostLine = regexp.MustCompile(`(?m)^nameserver\s+((127\.([0-9]{1,3}\.){2}[0-9]{1,3})|(::1)$)\s*\n*`)
	nsIPv6Line      = regexp.MustCompile(`(?m)^nameserver\s+` + nsIPv6 + `\s*\n*`)
	nsLine          = regexp.MustCompile(`^\s*nameserver\s*((` + nsIPv4 + `)|(` + nsIPv6 + `))\s*$`)
	nsIPv6Only      = regexp.MustCompile(`^\s*nameserver\s*(` + nsIPv6 + `)\s*$`)
	searchLine      = regexp.MustCompile(`^\s*search\s*(([^\s]+\s*)*)$`)
	optionsLine     = regexp.MustCompile(`^\s*options\s*(([^\s]+\s*)*)$`)
)

// The servers a container gets when none of the host's is left.
var (
	defaultDNSv4 = []string{"nameserver 8.8.8.8", "nameserver 8.8.4.4"}
	defaultDNSv6 = []string{"nameserver 2001:4860:4860::8888", "nameserver 2001:4860:4860::8844"}
)

// resolvLines is rc's lines without their comments.
func resolvLines(rc string) []string {
	lines := strings.Split(rc, "\n")
	for i, l := range lines {
		l, _, _ = strings.Cut(l, "#")
		lines[i] = l
	}
	return lines
}

// resolvNameservers is the nameservers of rc, only its IPv6 ones when
// v6only.
func resolvNameservers(rc string, v6only bool) []string {
	var out []string
	re := nsLine
	if v6only {
		re = nsIPv6Only
	}
	for _, l := range resolvLines(rc) {
		if m := re.FindStringSubmatch(l); m != nil {
			out = append(out, m[1])
		}
	}
	return out
}

// resolvField is the words of rc's last line that re matches (search,
// options).
func resolvField(rc string, re *regexp.Regexp) []string {
	var out []string
	for _, l := range resolvLines(rc) {
		if m := re.FindStringSubmatch(l); m != nil {
			out = strings.Fields(m[1])
		}
	}
	return out
}

// buildResolvConf writes a resolv.conf as libnetwork's resolvconf.Build.
func buildResolvConf(ns, search, opts []string) string {
	var b strings.Builder
	if s := strings.Join(search, " "); len(search) > 0 && strings.Trim(s, " ") != "." {
		b.WriteString("search " + s + "\n")
	}
	for _, n := range ns {
		b.WriteString("nameserver " + n + "\n")
	}
	if o := strings.Join(opts, " "); strings.Trim(o, " ") != "" {
		b.WriteString("options " + o + "\n")
	}
	return b.String()
}

// filterResolvConf is rc without its localhost nameservers (and without
// its IPv6 ones unless ipv6), with the default servers appended when no
// nameserver is left, as libnetwork's resolvconf.FilterResolvDNS.
func filterResolvConf(rc string, ipv6 bool) string {
	rc = nsLocalhostLine.ReplaceAllString(rc, "")
	if !ipv6 {
		rc = nsIPv6Line.ReplaceAllString(rc, "")
	}
	if len(resolvNameservers(rc, false)) == 0 {
		dns := defaultDNSv4
		if ipv6 {
			dns = slices.Concat(dns, defaultDNSv6)
		}
		rc += "\n" + strings.Join(dns, "\n")
	}
	return rc
}

// netContainerLocked is the container whose network namespace c joins
// (NetworkMode container:<id>), following a chain of them; nil when c
// has a namespace of its own; d.mu held.
func (d *Daemon) netContainerLocked(c *container) *container {
	var o *container
	for range 16 {
		ref, ok := strings.CutPrefix(c.host.NetworkMode, "container:")
		if !ok {
			return o
		}
		next, err := d.getContainerLocked(ref)
		if err != nil {
			return o
		}
		o, c = next, next
	}
	return o
}

// resolvConfLocked is c's /etc/resolv.conf as libnetwork's sandbox makes
// it at a start: a container on the host's network gets the host's file
// as it is; any other the host's without its localhost nameservers (the
// defaults if none is left), and without IPv6 nameservers unless its
// network has IPv6. HostConfig.Dns, DnsSearch and DnsOptions replace the
// host's lines of their kind. On a user-defined network the embedded
// server takes the nameservers' place (IPv6 ones stay), with ndots:0
// unless an ndots option is given. A container in another's network
// namespace has that one's file; d.mu held.
func (d *Daemon) resolvConfLocked(c *container) string {
	if o := d.netContainerLocked(c); o != nil {
		return d.resolvConfLocked(o)
	}
	host, h := d.cfg.HostResolvConf, c.host
	given := len(h.DNS) > 0 || len(h.DNSSearch) > 0 || len(h.DNSOptions) > 0
	if h.NetworkMode == "host" && !given {
		return host
	}
	var rc string
	if given {
		ns, search, opts := resolvNameservers(host, false), resolvField(host, searchLine), resolvField(host, optionsLine)
		if len(h.DNS) > 0 {
			ns = h.DNS
		}
		if len(h.DNSSearch) > 0 {
			search = h.DNSSearch
		}
		if len(h.DNSOptions) > 0 {
			opts = h.DNSOptions
		}
		rc = buildResolvConf(ns, search, opts)
	} else {
		rc = filterResolvConf(host, true)
	}
	if h.NetworkMode == "host" {
		return rc
	}
	if !given && slices.ContainsFunc(c.netOrder(), func(name string) bool {
		n := c.eps[name].network
		return n != nil && !n.enableIPv6
	}) {
		rc = filterResolvConf(rc, false) // each join with IPv6 off drops the IPv6 servers
	}
	if c.usesEmbeddedDNS() {
		rc = embeddedResolvConf(rc)
	}
	return rc
}

// embeddedResolvConf is rc rebuilt for the embedded DNS server: it is the
// nameserver, before rc's IPv6 ones, and ndots:0 joins the options unless
// they set ndots themselves.
func embeddedResolvConf(rc string) string {
	ns := slices.Concat([]string{embeddedDNS}, resolvNameservers(rc, true))
	opts := resolvField(rc, optionsLine)
	if !slices.ContainsFunc(opts, func(o string) bool {
		k, v, ok := strings.Cut(o, ":")
		n, err := strconv.Atoi(v)
		return ok && strings.Contains(k, "ndots") && err == nil && n >= 0
	}) {
		opts = append(opts, "ndots:0")
	}
	return buildResolvConf(ns, resolvField(rc, searchLine), opts)
}

// usesEmbeddedDNS reports whether c has an endpoint on a user-defined
// network: dockerd starts the embedded DNS server in its sandbox then.
func (c *container) usesEmbeddedDNS() bool {
	for _, ep := range c.eps {
		if ep.active && ep.network != nil && ep.network.userDefined() {
			return true
		}
	}
	return false
}

// refreshResolvConfLocked rewrites the resolv.conf of a running c that
// has just joined its first user-defined network, as the embedded server
// starting in its sandbox rebuilds the file; d.mu held.
func (d *Daemon) refreshResolvConfLocked(c *container) {
	if c.etc == nil || c.files.resolvConf == "" || !c.usesEmbeddedDNS() {
		return
	}
	cur, err := c.etc.ReadFile("resolv.conf")
	if err != nil || slices.Contains(resolvNameservers(string(cur), false), embeddedDNS) {
		return
	}
	_ = c.etc.WriteFile("resolv.conf", []byte(embeddedResolvConf(string(cur))), 0o644)
}

// embeddedServer is the embedded DNS server of c's sandbox, as its
// processes ask it.
type embeddedServer struct{ c *container }

func (s embeddedServer) LookupHost(name string) []netip.Addr {
	addrs, _ := lockedValue(s.c.d, func() ([]netip.Addr, error) { return s.c.d.resolveLocked(s.c, name), nil })
	return addrs
}

func (s embeddedServer) LookupAddr(a netip.Addr) string {
	name, _ := lockedValue(s.c.d, func() (string, error) { return s.c.d.resolveAddrLocked(s.c, a), nil })
	return name
}

// resolveAddrLocked is the name the embedded DNS server gives the address
// a as libnetwork's sandbox does: "container.network" (an anonymous
// container's first alias for its name) on the first of c's user-defined
// networks where a running container has it; "" for none; d.mu held.
func (d *Daemon) resolveAddrLocked(c *container, a netip.Addr) string {
	if o := d.netContainerLocked(c); o != nil {
		c = o
	}
	for _, name := range c.netOrder() {
		ep := c.eps[name]
		if !ep.active || ep.network == nil || !ep.network.userDefined() {
			continue
		}
		n := ep.network
		for _, id := range sortedKeys(n.containers) {
			oep, o := n.containers[id], d.containers[id]
			if o != nil && oep.active && (oep.ip == a.String() || oep.ip6 == a.String()) {
				return dnsNames(o, oep)[0] + "." + n.name
			}
		}
	}
	return ""
}

// resolveLocked answers a query of c's processes to the embedded DNS
// server as libnetwork's sandbox does: the name (any case, a final dot
// dropped), or name.network for one network, is looked for among the
// link aliases of c's endpoints, then among the names each of c's
// user-defined networks knows (its containers' names, aliases, short ids
// and host names, its services' names); nil when none does; d.mu held.
func (d *Daemon) resolveLocked(c *container, name string) []netip.Addr {
	if o := d.netContainerLocked(c); o != nil {
		c = o
	}
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	var eps []*endpoint
	for _, n := range c.netOrder() {
		if ep := c.eps[n]; ep.active && ep.network != nil && ep.network.userDefined() {
			eps = append(eps, ep)
		}
	}
	reqs, nets := []string{name}, []string{""}
	for i := strings.LastIndexByte(name, '.'); i > 0; i = strings.LastIndexByte(name[:i], '.') {
		reqs, nets = append(reqs, name[:i]), append(nets, name[i+1:])
	}
	for i, req := range reqs {
		for _, alias := range []bool{true, false} {
			for _, ep := range eps {
				if nets[i] != "" && !strings.EqualFold(nets[i], ep.network.name) {
					continue
				}
				target, isAlias := linkAlias(ep, req)
				if alias != isAlias {
					continue
				}
				if addrs := d.networkRecordsLocked(ep.network, target); len(addrs) > 0 {
					return addrs
				}
			}
		}
	}
	return nil
}

// linkAlias reports whether req is the alias of a legacy link of ep (the
// endpoint's Links, "name:alias"), and the linked container's name; req
// itself when it is not.
func linkAlias(ep *endpoint, req string) (string, bool) {
	for _, l := range ep.cfg.Links {
		name, alias, ok := strings.Cut(l, ":")
		if !ok {
			alias = name
		}
		if strings.EqualFold(strings.TrimPrefix(alias, "/"), req) {
			return strings.TrimPrefix(name, "/"), true
		}
	}
	return req, false
}

// dnsNames are the names the embedded DNS server knows c by on the network
// of ep: its name (not an anonymous container's), the endpoint's aliases,
// its short id and its host name (which dockerd adds to the aliases on
// user-defined networks).
func dnsNames(c *container, ep *endpoint) []string {
	var names []string
	if !ep.anonymous {
		names = append(names, strings.TrimPrefix(c.name, "/"))
	}
	return dedup(slices.Concat(names, ep.cfg.Aliases, []string{c.id[:12], c.config.Hostname}))
}

// networkRecordsLocked is the addresses n's records give name: those of
// the running containers on n it names (dnsNames), then the service
// records libnetwork keeps for the swarm's services on n: a service's
// name and its aliases on n give its virtual IP there (endpoint mode vip)
// or its running tasks' addresses there (dnsrr), and tasks.<name> or
// tasks.<alias> the tasks' addresses in either mode; d.mu held.
func (d *Daemon) networkRecordsLocked(n *network, name string) []netip.Addr {
	var out []netip.Addr
	ids := sortedKeys(n.containers)
	sort.SliceStable(ids, func(i, j int) bool { return n.containers[ids[i]].order < n.containers[ids[j]].order })
	for _, id := range ids {
		ep, c := n.containers[id], d.containers[id]
		if c == nil || !ep.active || ep.ip == "" {
			continue
		}
		if slices.ContainsFunc(dnsNames(c, ep), func(s string) bool { return strings.EqualFold(s, name) }) {
			if a, err := netip.ParseAddr(ep.ip); err == nil {
				out = append(out, a)
			}
		}
	}
	if len(out) > 0 || d.swarm == nil {
		return out
	}
	for _, id := range sortedKeys(d.swarm.services) {
		svc := d.swarm.services[id]
		names := []string{svc.spec.Name}
		for _, a := range svc.networks() {
			if a.Target == n.id {
				names = append(names, a.Aliases...)
			}
		}
		named := func(prefix string) bool {
			return slices.ContainsFunc(names, func(s string) bool { return strings.EqualFold(prefix+s, name) })
		}
		switch vip := svc.spec.EndpointSpec == nil || svc.spec.EndpointSpec.Mode != "dnsrr"; {
		case named("") && vip:
			for _, v := range svc.endpoint.VirtualIPs {
				if p, err := netip.ParsePrefix(v.Addr); err == nil && v.NetworkID == n.id {
					out = append(out, p.Addr())
				}
			}
		case named("") || named("tasks."):
			out = append(out, d.taskAddrsLocked(svc, n)...)
		}
		if len(out) > 0 {
			return out
		}
	}
	return out
}

// taskAddrsLocked is the addresses on n of svc's tasks whose containers
// run, in slot order.
func (d *Daemon) taskAddrsLocked(svc *service, n *network) []netip.Addr {
	var ts []*task
	for _, t := range d.swarm.tasks {
		if t.svc == svc && t.running() {
			ts = append(ts, t)
		}
	}
	slices.SortFunc(ts, func(a, b *task) int {
		if a.slot != b.slot {
			return a.slot - b.slot
		}
		return a.created.Compare(b.created)
	})
	var out []netip.Addr
	for _, t := range ts {
		if ep := n.containers[t.c.id]; ep != nil && ep.active {
			if a, err := netip.ParseAddr(ep.ip); err == nil {
				out = append(out, a)
			}
		}
	}
	return out
}
