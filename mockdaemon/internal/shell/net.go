package shell

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
)

// Interface is one network interface of a container as ip, ifconfig and
// route show it: lo, or the container's end of a veth pair on one of its
// networks (eth0, eth1... in the order the daemon attached them).
type Interface struct {
	Name     string         // "lo", "eth0"
	Index    int            // ifindex
	Link     int            // the peer's ifindex (shown eth0@ifN); 0 for none
	MAC      string         // 00:00:00:00:00:00 for lo
	MTU      int            // 65536 for lo
	Loopback bool           // lo: LOOPBACK flags, qlen 1000, host scope
	Addrs    []netip.Prefix // IPv4 addresses with their networks' prefixes, the primary first
	Gateway  netip.Addr     // the network's gateway; invalid for none
}

// Loopback is the loopback interface every network namespace has.
func Loopback() Interface {
	return Interface{
		Name: "lo", Index: 1, MAC: "00:00:00:00:00:00", MTU: 65536, Loopback: true,
		Addrs: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/8")},
	}
}

// Net is a container's network namespace as its processes see it. The
// daemon changes it as the container joins and leaves networks; every
// process of the container reads the current state.
//
// # Concurrency
//
// A Net is safe for concurrent use.
type Net struct {
	mu        sync.Mutex
	ifs       []Interface
	dns       DNSServer
	dialer    Dialer
	listeners map[int]*Listener // TCP, by port (sockets.go)
}

// EmbeddedDNS is the address of the DNS server a daemon may run inside a
// namespace (dockerd's on user-defined networks).
const EmbeddedDNS = "127.0.0.11"

// DNSServer is the server at EmbeddedDNS: the processes' resolver asks it
// when /etc/resolv.conf names that address.
type DNSServer interface {
	// LookupHost returns the addresses of name, none for a name it does
	// not know.
	LookupHost(name string) []netip.Addr
	// LookupAddr returns the name of addr (its PTR record), "" for none.
	LookupAddr(addr netip.Addr) string
}

// SetDNS makes s the namespace's DNS server at EmbeddedDNS.
func (n *Net) SetDNS(s DNSServer) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.dns = s
}

// server is the namespace's DNS server at EmbeddedDNS, nil for none.
func (n *Net) server() DNSServer {
	if n == nil {
		return nil
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.dns
}

// NewNet returns a namespace with the interfaces ifs.
func NewNet(ifs ...Interface) *Net {
	n := &Net{}
	n.Set(ifs)
	return n
}

// Set replaces the namespace's interfaces.
func (n *Net) Set(ifs []Interface) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.ifs = slices.Clone(ifs)
}

// Interfaces returns the namespace's interfaces: lo alone for a nil Net
// (a container without a network).
func (n *Net) Interfaces() []Interface {
	if n == nil {
		return []Interface{Loopback()}
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.ifs)
}

// Route is one IPv4 route of the main table.
type Route struct {
	Dst netip.Prefix // 0.0.0.0/0 for the default route
	Via netip.Addr   // invalid for a directly connected network
	Dev string
	Src netip.Addr // the interface's address, for a connected network
}

// Routes is the main table the kernel builds from ifs: the default route
// through the gateway of the first interface that has one, then each
// interface's connected network.
func Routes(ifs []Interface) []Route {
	var out []Route
	for _, i := range ifs {
		if !i.Loopback && i.Gateway.IsValid() {
			out = append(out, Route{Dst: netip.PrefixFrom(netip.IPv4Unspecified(), 0), Via: i.Gateway, Dev: i.Name})
			break
		}
	}
	for _, i := range ifs {
		if i.Loopback {
			continue
		}
		for k, a := range i.Addrs {
			if !secondary(i.Addrs, k) {
				out = append(out, Route{Dst: a.Masked(), Dev: i.Name, Src: a.Addr()})
			}
		}
	}
	return out
}

// secondary reports whether the k-th address is a secondary one: an
// earlier address is in the same network.
func secondary(addrs []netip.Prefix, k int) bool {
	for _, a := range addrs[:k] {
		if a.Masked() == addrs[k].Masked() {
			return true
		}
	}
	return false
}

// broadcast is the broadcast address of p's network.
func broadcast(p netip.Prefix) netip.Addr {
	a := p.Addr().As4()
	bits := p.Bits()
	for i := range 4 {
		for b := range 8 {
			if i*8+b >= bits {
				a[i] |= 0x80 >> b
			}
		}
	}
	return netip.AddrFrom4(a)
}

// netmask is the dotted mask of a prefix length.
func netmask(bits int) netip.Addr {
	var a [4]byte
	for i := range bits {
		a[i/8] |= 0x80 >> (i % 8)
	}
	return netip.AddrFrom4(a)
}

// ProcNetRoute is /proc/net/route for ifs: the kernel's IPv4 main table,
// addresses in hex in the host's (little-endian) byte order, each line
// padded to 127 columns.
func ProcNetRoute(ifs []Interface) string {
	hex := func(a netip.Addr) string {
		b := a.As4()
		return fmt.Sprintf("%02X%02X%02X%02X", b[3], b[2], b[1], b[0])
	}
	var s strings.Builder
	line := func(l string) { fmt.Fprintf(&s, "%-127s\n", l) }
	line("Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT")
	for _, r := range Routes(ifs) {
		gw, flags := netip.IPv4Unspecified(), "0001" // RTF_UP
		if r.Via.IsValid() {
			gw, flags = r.Via, "0003" // RTF_UP|RTF_GATEWAY
		}
		mask := netip.PrefixFrom(netip.AddrFrom4([4]byte{255, 255, 255, 255}), r.Dst.Bits()).Masked().Addr()
		line(r.Dev + "\t" + hex(r.Dst.Addr()) + "\t" + hex(gw) + "\t" + flags + "\t0\t0\t0\t" + hex(mask) + "\t0\t0\t0")
	}
	return s.String()
}
