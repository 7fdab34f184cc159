package shell

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

func init() {
	usageText["ip"] = "Usage: ip [OPTIONS] address|route|link|tunnel|neigh|rule [ARGS]\n\n" +
		"OPTIONS := -f[amily] inet|inet6|link | -o[neline]\n\n" +
		"ip addr add|del IFADDR dev IFACE | show|flush [dev IFACE] [to PREFIX]\n" +
		"ip route list|flush|add|del|change|append|replace|test ROUTE\n" +
		"ip link set IFACE [up|down] [arp on|off] [multicast on|off]\n" +
		"\t[promisc on|off] [mtu NUM] [name NAME] [qlen NUM] [address MAC]\n" +
		"\t[master IFACE | nomaster] [netns PID]\n" +
		"ip tunnel add|change|del|show [NAME]\n" +
		"\t[mode ipip|gre|sit] [remote ADDR] [local ADDR] [ttl TTL]\n" +
		"ip neigh show|flush [to PREFIX] [dev DEV] [nud STATE]\n" +
		"ip rule [list] | add|del SELECTOR ACTION\n"
}

// ipOptions are the options of busybox ip that come before its object.
type ipOptions struct {
	family  string // "", "inet", "inet6" or "link"
	oneline bool
}

// apIP is busybox ip, reading the container's interfaces (Config.Net):
// address, link and route listings as busybox 1.35 prints them over
// netlink, and neigh (an empty table). Changes need CAP_NET_ADMIN, which
// a container lacks.
func apIP(_ context.Context, p *Proc) int {
	var o ipOptions
	args := p.Args[1:]
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && len(args[0]) > 1 {
		a := args[0]
		args = args[1:]
		switch {
		case a == "-4":
			o.family = "inet"
		case a == "-6":
			o.family = "inet6"
		case a == "-0":
			o.family = "link"
		case strings.HasPrefix("-family", a) && len(a) >= 2 && a != "-":
			if len(args) == 0 {
				return p.ipIncomplete()
			}
			switch args[0] {
			case "inet", "inet6", "link":
				o.family = args[0]
			default:
				p.errf("invalid argument '%s' to '%s'", args[0], "family")
				return 1
			}
			args = args[1:]
		case strings.HasPrefix("-oneline", a):
			o.oneline = true
		default:
			return p.showUsage()
		}
	}
	if len(args) == 0 {
		return p.showUsage()
	}
	obj := args[0]
	args = args[1:]
	switch {
	case strings.HasPrefix("address", obj):
		return p.ipAddr(o, args)
	case strings.HasPrefix("route", obj):
		return p.ipRoute(o, args)
	case strings.HasPrefix("link", obj):
		return p.ipLink(o, args)
	case strings.HasPrefix("neigh", obj):
		return 0
	}
	return p.showUsage()
}

func (p *Proc) ipIncomplete() int {
	p.errf("command line is not complete, try \"help\"")
	return 1
}

// ipShow reads the arguments of a listing: an optional show/list, then
// "dev NAME" or NAME, "to PREFIX", "up". ok is false once it has reported
// an error, with the exit status in code.
func (p *Proc) ipShow(args []string, withTo bool) (dev string, to netip.Prefix, code int, ok bool) {
	if len(args) > 0 && isIPList(args[0]) {
		args = args[1:]
	}
	for len(args) > 0 {
		a := args[0]
		args = args[1:]
		switch {
		case a == "up":
			continue // every interface of a container is up
		case a == "to" && withTo:
			if len(args) == 0 {
				return "", to, p.ipIncomplete(), false
			}
			pfx, err := parseIPPrefix(args[0])
			if err != nil {
				p.errf("an inet prefix is expected rather than \"%s\"", args[0])
				return "", to, 1, false
			}
			to = pfx
			args = args[1:]
			continue
		case a == "dev":
			if len(args) == 0 {
				return "", to, p.ipIncomplete(), false
			}
			a, args = args[0], args[1:]
		}
		if dev != "" {
			p.errf("either \"dev\" is duplicate, or \"%s\" is garbage", a)
			return "", to, 1, false
		}
		dev = a
	}
	return dev, to, 0, true
}

// parseIPPrefix reads an IPv4 address with an optional /bits.
func parseIPPrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		return netip.ParsePrefix(s)
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// ipSelect is the interfaces named dev (all for ""); ok is false when
// there is no such device.
func (p *Proc) ipSelect(dev string) ([]Interface, bool) {
	ifs := p.sh.p.cfg.Net.Interfaces()
	if dev == "" {
		return ifs, true
	}
	for _, i := range ifs {
		if i.Name == dev {
			return []Interface{i}, true
		}
	}
	p.errf("can't find device '%s'", dev)
	return nil, false
}

func (p *Proc) ipAddr(o ipOptions, args []string) int {
	if len(args) > 0 && !isIPList(args[0]) && isIPChange(args[0]) {
		p.errf("RTNETLINK answers: Operation not permitted")
		return 2
	}
	dev, to, code, ok := p.ipShow(args, true)
	if !ok {
		return code
	}
	ifs, ok := p.ipSelect(dev)
	if !ok {
		return 1
	}
	if to.IsValid() && o.family == "" {
		o.family = "inet"
	}
	for _, i := range ifs {
		var addrs []int // the addresses shown, by index
		for k, a := range i.Addrs {
			if !to.IsValid() || to.Bits() <= a.Bits() && to.Masked().Contains(a.Addr()) {
				addrs = append(addrs, k)
			}
		}
		switch o.family {
		case "link":
			writeIPLink(p.Stdout, i, o.oneline)
			continue
		case "inet6":
			continue // IPv6 is off in the container (disable_ipv6)
		case "inet":
			if len(addrs) == 0 {
				continue
			}
		}
		if !o.oneline {
			writeIPLinkHead(p.Stdout, i)
			io.WriteString(p.Stdout, "\n")
			if o.family == "" {
				io.WriteString(p.Stdout, "    "+ipLinkLine(i)+"\n")
			}
		}
		for _, k := range addrs {
			a := i.Addrs[k]
			if o.oneline {
				fmt.Fprintf(p.Stdout, "%d: %s", i.Index, i.Name)
			}
			line := "    inet " + a.String()
			switch {
			case i.Loopback:
				line += " scope host"
			case secondary(i.Addrs, k):
				line += " brd " + broadcast(a).String() + " scope global secondary"
			default:
				line += " brd " + broadcast(a).String() + " scope global"
			}
			sep := "\n"
			if o.oneline {
				sep = "\\"
			}
			io.WriteString(p.Stdout, line+" "+i.Name+sep+"       valid_lft forever preferred_lft forever\n")
		}
	}
	return 0
}

// isIPList reports whether an ip subcommand (or its abbreviation: "s",
// "li") lists.
func isIPList(cmd string) bool {
	return cmd != "" && (strings.HasPrefix("show", cmd) || strings.HasPrefix("list", cmd) || cmd == "lst")
}

// isIPChange reports whether an ip subcommand (or its abbreviation)
// changes the table, which a container without CAP_NET_ADMIN may not.
func isIPChange(cmd string) bool {
	return cmd != "" && slices.ContainsFunc([]string{"add", "delete", "change", "replace", "append", "flush", "set"},
		func(c string) bool { return strings.HasPrefix(c, cmd) })
}

func (p *Proc) ipLink(o ipOptions, args []string) int {
	if len(args) > 0 && isIPChange(args[0]) {
		p.errf("SIOCSIFFLAGS: Operation not permitted")
		return 2
	}
	dev, _, code, ok := p.ipShow(args, false)
	if !ok {
		return code
	}
	ifs, ok := p.ipSelect(dev)
	if !ok {
		return 2
	}
	for _, i := range ifs {
		writeIPLink(p.Stdout, i, o.oneline)
	}
	return 0
}

// writeIPLinkHead writes an interface's first line without its newline:
// "2: eth0@if3: <BROADCAST,...> mtu 1500 qdisc noqueue ".
func writeIPLinkHead(w io.Writer, i Interface) {
	if i.Loopback {
		fmt.Fprintf(w, "%d: %s: <LOOPBACK,UP,LOWER_UP> mtu %d qdisc noqueue qlen 1000", i.Index, i.Name, i.MTU)
		return
	}
	name := i.Name
	if i.Link != 0 {
		name += fmt.Sprintf("@if%d", i.Link)
	}
	fmt.Fprintf(w, "%d: %s: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu %d qdisc noqueue ", i.Index, name, i.MTU)
}

func ipLinkLine(i Interface) string {
	if i.Loopback {
		return "link/loopback " + i.MAC + " brd 00:00:00:00:00:00"
	}
	return "link/ether " + i.MAC + " brd ff:ff:ff:ff:ff:ff"
}

// writeIPLink writes an interface as ip link lists it.
func writeIPLink(w io.Writer, i Interface, oneline bool) {
	writeIPLinkHead(w, i)
	sep := "\n"
	if oneline {
		sep = "\\"
	}
	io.WriteString(w, sep+"    "+ipLinkLine(i)+"\n")
}

func (p *Proc) ipRoute(o ipOptions, args []string) int {
	if len(args) > 0 && isIPChange(args[0]) {
		p.errf("RTNETLINK answers: Operation not permitted")
		return 2
	}
	dev, _, code, ok := p.ipShow(args, false)
	if !ok {
		return code
	}
	if dev != "" {
		if _, ok := p.ipSelect(dev); !ok {
			return 1
		}
	}
	if o.family == "inet6" {
		return 0
	}
	for _, r := range Routes(p.sh.p.cfg.Net.Interfaces()) {
		if dev != "" && r.Dev != dev {
			continue
		}
		if r.Via.IsValid() {
			dst := r.Dst.String()
			if r.Dst.Bits() == 0 {
				dst = "default"
			}
			fmt.Fprintf(p.Stdout, "%s via %s dev %s \n", dst, r.Via, r.Dev)
			continue
		}
		fmt.Fprintf(p.Stdout, "%s dev %s scope link  src %s \n", r.Dst, r.Dev, r.Src)
	}
	return 0
}

// apIfconfig is busybox ifconfig listing the container's interfaces (by
// name, as it reads them from /proc/net/dev) or one of them. The mock's
// interfaces carry no traffic: their counters are zero.
func apIfconfig(_ context.Context, p *Proc) int {
	args := p.Args[1:]
	if len(args) > 0 && args[0] == "-a" {
		args = args[1:]
	}
	ifs := p.sh.p.cfg.Net.Interfaces()
	slices.SortFunc(ifs, func(a, b Interface) int { return strings.Compare(a.Name, b.Name) })
	switch len(args) {
	case 0:
	case 1:
		i := slices.IndexFunc(ifs, func(i Interface) bool { return i.Name == args[0] })
		if i < 0 {
			p.errf("%s: error fetching interface information: Device not found", args[0])
			return 1
		}
		ifs = ifs[i : i+1]
	default:
		p.errf("SIOCSIFADDR: Operation not permitted")
		return 1
	}
	for _, i := range ifs {
		writeIfconfig(p.Stdout, i)
	}
	return 0
}

func writeIfconfig(w io.Writer, i Interface) {
	const pad = "          "
	if i.Loopback {
		fmt.Fprintf(w, "%-10sLink encap:Local Loopback  \n", i.Name)
	} else {
		fmt.Fprintf(w, "%-10sLink encap:Ethernet  HWaddr %s  \n", i.Name, strings.ToUpper(i.MAC))
	}
	if len(i.Addrs) > 0 { // the primary address only, as SIOCGIFADDR gives it
		a := i.Addrs[0]
		if i.Loopback {
			fmt.Fprintf(w, "%sinet addr:%s  Mask:%s\n", pad, a.Addr(), netmask(a.Bits()))
		} else {
			fmt.Fprintf(w, "%sinet addr:%s  Bcast:%s  Mask:%s\n", pad, a.Addr(), broadcast(a), netmask(a.Bits()))
		}
	}
	flags, qlen := "UP BROADCAST RUNNING MULTICAST", 0
	if i.Loopback {
		flags, qlen = "UP LOOPBACK RUNNING", 1000
	}
	fmt.Fprintf(w, "%s%s  MTU:%d  Metric:1\n", pad, flags, i.MTU)
	fmt.Fprintf(w, "%sRX packets:0 errors:0 dropped:0 overruns:0 frame:0\n", pad)
	fmt.Fprintf(w, "%sTX packets:0 errors:0 dropped:0 overruns:0 carrier:0\n", pad)
	fmt.Fprintf(w, "%scollisions:0 txqueuelen:%d \n", pad, qlen)
	fmt.Fprintf(w, "%sRX bytes:0 (0.0 B)  TX bytes:0 (0.0 B)\n\n", pad)
}

// apRoute is busybox route listing the kernel's IPv4 table, which it
// reads from /proc/net/route: -n keeps addresses numeric, otherwise the
// default destination is "default" and no gateway "*". Changes need
// CAP_NET_ADMIN.
func apRoute(_ context.Context, p *Proc) int {
	numeric := false
	for _, a := range p.Args[1:] {
		if a != "-n" {
			p.errf("SIOCADDRT: Operation not permitted")
			return 1
		}
		numeric = true
	}
	data, err := p.FS.ReadFile("/proc/net/route")
	if err != nil {
		p.errf("can't open '/proc/net/route': %s", errText(err))
		return 1
	}
	io.WriteString(p.Stdout, "Kernel IP routing table\nDestination     Gateway         Genmask         Flags Metric Ref    Use Iface\n")
	hexAddr := func(h string) (netip.Addr, bool) {
		n, err := strconv.ParseUint(h, 16, 32)
		return netip.AddrFrom4([4]byte{byte(n), byte(n >> 8), byte(n >> 16), byte(n >> 24)}), err == nil
	}
	for i, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if i == 0 || len(f) < 8 {
			continue
		}
		dst, ok1 := hexAddr(f[1])
		gw, ok2 := hexAddr(f[2])
		mask, ok3 := hexAddr(f[7])
		bits, err := strconv.ParseUint(f[3], 16, 16)
		if !ok1 || !ok2 || !ok3 || err != nil {
			continue
		}
		flags := ""
		for _, fl := range []struct {
			bit uint64
			c   string
		}{{0x1, "U"}, {0x2, "G"}, {0x4, "H"}} {
			if bits&fl.bit != 0 {
				flags += fl.c
			}
		}
		sdst, sgw := dst.String(), gw.String()
		if !numeric {
			if dst.IsUnspecified() {
				sdst = "default"
			}
			if gw.IsUnspecified() {
				sgw = "*"
			}
		}
		fmt.Fprintf(p.Stdout, "%-15.15s %-15.15s %-16s%-6s%-6d %-2d %7d %s\n", sdst, sgw, mask, flags, 0, 0, 0, f[0])
	}
	return 0
}
