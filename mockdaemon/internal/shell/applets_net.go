package shell

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// pingOpts are the options of busybox ping that take a value.
const pingOpts = "csiWwtIp"

// pingRTT is the round trip the mock reports for a reply: what loopback
// takes in a container.
const pingRTT = 45 * time.Microsecond

// apPing is busybox ping: ECHO requests to an IPv4 address or a name
// from /etc/hosts (the container's own hostname, --add-host entries and
// links), one every -i seconds, -c of them or until -w runs out. The mock
// has no network: loopback (127/8) and every address in /etc/hosts answer;
// any other address never does, and ping gives up -W seconds after its
// last request. A name it cannot resolve is "bad address" (exit 1); with
// no reply the exit status is 1.
func apPing(ctx context.Context, p *Proc) int {
	opts := map[byte]string{}
	g := p.scanOpts(pingOpts, false)
	for {
		c, v, more, missing := g.next()
		if !more {
			break
		}
		if missing {
			p.errf("option requires an argument -- '%c'", c)
			return p.showUsage()
		}
		if v == "" && strings.IndexByte(pingOpts, c) < 0 {
			v = "1"
		}
		opts[c] = v
	}
	args := g.rest()
	if len(args) != 1 {
		return p.showUsage()
	}
	count, size := 0, 56
	for _, o := range []struct {
		c   byte
		dst *int
	}{{'c', &count}, {'s', &size}} {
		if v, ok := opts[o.c]; ok {
			n, err := strconv.ParseUint(v, 10, 31)
			if err != nil {
				p.errf("invalid number '%s'", v)
				return 1
			}
			*o.dst = int(n)
		}
	}
	interval, wait, deadline := time.Second, 10*time.Second, time.Duration(0)
	// -i takes fractions of a second, -W and -w whole seconds
	for _, o := range []struct {
		c     byte
		dst   *time.Duration
		whole bool
	}{{'i', &interval, false}, {'W', &wait, true}, {'w', &deadline, true}} {
		if v, ok := opts[o.c]; ok {
			f, err := strconv.ParseFloat(v, 64)
			if o.whole {
				var n uint64
				n, err = strconv.ParseUint(v, 10, 31)
				f = float64(n)
			}
			if err != nil || f < 0 {
				p.errf("invalid number '%s'", v)
				return 1
			}
			*o.dst = time.Duration(f * float64(time.Second))
		}
	}
	host := args[0]
	addr, peer, ok := p.resolveHost(host)
	if !ok {
		p.errf("bad address '%s'", host)
		return 1
	}
	fmt.Fprintf(p.Stdout, "PING %s (%s): %d data bytes\n", host, addr, size)
	if !addr.Is4() {
		// the container has no IPv6 address to send from
		p.errf("sendto: Cannot assign requested address")
		return 1
	}
	answers := addr.IsLoopback() || peer || p.inHosts(addr) || p.onLink(addr)
	quiet := opts['q'] != ""
	killed := ctx
	if deadline > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, deadline)
		defer cancel()
	}
	sent, received := 0, 0
	var rtts []time.Duration
	for count == 0 || sent < count {
		if deadline > 0 && time.Duration(sent)*interval >= deadline {
			// the next request would go at or after the deadline
			_ = p.Sleep(ctx, deadline)
			break
		}
		if sent > 0 && p.Sleep(ctx, interval) != nil {
			break
		}
		sent++
		if !answers {
			continue
		}
		received++
		rtts = append(rtts, pingRTT)
		if quiet {
			continue
		}
		if _, err := fmt.Fprintf(p.Stdout, "%d bytes from %s: seq=%d ttl=64 time=%s ms\n", size+8, addr, sent-1, millis(pingRTT)); err != nil {
			return 1
		}
	}
	if !answers && ctx.Err() == nil {
		_ = p.Sleep(ctx, wait) // waiting for a reply that never comes
	}
	if killed.Err() != nil {
		return 128 + int(syscall.SIGTERM)
	}
	fmt.Fprintf(p.Stdout, "\n--- %s ping statistics ---\n", host)
	loss := 0
	if sent > 0 {
		loss = (sent - received) * 100 / sent
	}
	fmt.Fprintf(p.Stdout, "%d packets transmitted, %d packets received, %d%% packet loss\n", sent, received, loss)
	if received == 0 {
		return 1
	}
	lo, hi, sum := rtts[0], rtts[0], time.Duration(0)
	for _, d := range rtts {
		lo, hi, sum = min(lo, d), max(hi, d), sum+d
	}
	fmt.Fprintf(p.Stdout, "round-trip min/avg/max = %s/%s/%s ms\n", millis(lo), millis(sum/time.Duration(len(rtts))), millis(hi))
	return 0
}

// millis is d in milliseconds with three decimals, as ping prints it.
func millis(d time.Duration) string {
	us := d.Microseconds()
	return fmt.Sprintf("%d.%03d", us/1000, us%1000)
}

// resolveHost finds host's address as busybox's resolver does here: an
// IPv4 address in any form inet_aton takes ("127.1"), the first entry of
// /etc/hosts that names it (any case), then the nameservers of
// /etc/resolv.conf (lookupDNS). peer reports an address the embedded DNS
// server gave: another container's, which answers.
func (p *Proc) resolveHost(host string) (addr netip.Addr, peer, ok bool) {
	if a, ok := parseInetAton(host); ok {
		return a, false, true
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return a, false, true
	}
	var found netip.Addr
	p.hostsEntries(func(a netip.Addr, names []string) bool {
		for _, n := range names {
			if strings.EqualFold(n, host) {
				found = a
				return false
			}
		}
		return true
	})
	if found.IsValid() {
		return found, false, true
	}
	if addrs, _ := p.lookupDNS(host); len(addrs) > 0 {
		return addrs[0], true, true
	}
	return netip.Addr{}, false, false
}

// nameservers is the nameserver addresses /etc/resolv.conf lists.
func (p *Proc) nameservers() []string {
	servers, _ := p.resolvConf()
	return servers
}

// resolvConf is the nameservers and the search domains (of the last
// search or domain line) of /etc/resolv.conf.
func (p *Proc) resolvConf() (servers, search []string) {
	data, err := p.FS.ReadFile("/etc/resolv.conf")
	if err != nil {
		return nil, nil
	}
	for _, line := range strings.Split(string(data), "\n") {
		line, _, _ = strings.Cut(line, "#")
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "nameserver":
			servers = append(servers, f[1])
		case "search", "domain":
			search = f[1:]
		}
	}
	return servers, search
}

// lookupDNS asks the nameservers of /etc/resolv.conf for name's
// addresses and reports the server that answered (the first listed when
// none did). The only server the mock reaches is the namespace's embedded
// one (Net.SetDNS); any other knows no name.
func (p *Proc) lookupDNS(name string) (addrs []netip.Addr, server string) {
	servers := p.nameservers()
	for _, s := range servers {
		if srv := p.sh.p.cfg.Net.server(); s == EmbeddedDNS && srv != nil {
			return srv.LookupHost(name), s
		}
	}
	if len(servers) == 0 {
		return nil, "127.0.0.1"
	}
	return nil, servers[0]
}

// inHosts reports whether addr is an address of /etc/hosts.
func (p *Proc) inHosts(addr netip.Addr) bool {
	in := false
	p.hostsEntries(func(a netip.Addr, _ []string) bool {
		in = a == addr
		return !in
	})
	return in
}

// hostsEntries calls fn with each entry of /etc/hosts until it returns
// false.
func (p *Proc) hostsEntries(fn func(addr netip.Addr, names []string) bool) {
	f, err := p.FS.Open("/etc/hosts")
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(io.LimitReader(f, 1<<20))
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		a, err := netip.ParseAddr(fields[0])
		if err != nil {
			continue
		}
		if !fn(a, fields[1:]) {
			return
		}
	}
}

// parseInetAton reads an IPv4 address as inet_aton does: one to four
// parts, decimal, octal (0...) or hex (0x...), the last filling the bytes
// left ("127.1" is 127.0.0.1).
func parseInetAton(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	vals := make([]uint64, len(parts))
	for i, part := range parts {
		base := 10
		switch {
		case len(part) > 2 && (part[:2] == "0x" || part[:2] == "0X"):
			part, base = part[2:], 16
		case len(part) > 1 && part[0] == '0':
			part, base = part[1:], 8
		}
		v, err := strconv.ParseUint(part, base, 32)
		if err != nil {
			return netip.Addr{}, false
		}
		vals[i] = v
	}
	var ip uint64
	for i, v := range vals[:len(vals)-1] {
		if v > 255 {
			return netip.Addr{}, false
		}
		ip |= v << (24 - 8*i)
	}
	last := vals[len(vals)-1]
	if last >= 1<<(8*(5-len(vals))) {
		return netip.Addr{}, false
	}
	ip |= last
	return netip.AddrFrom4([4]byte{byte(ip >> 24), byte(ip >> 16), byte(ip >> 8), byte(ip)}), true
}

// onLink reports whether addr is one of the container's own addresses or
// the gateway of one of its networks (the bridge, which answers pings).
func (p *Proc) onLink(addr netip.Addr) bool {
	for _, i := range p.sh.p.cfg.Net.Interfaces() {
		if i.Gateway == addr {
			return true
		}
		for _, a := range i.Addrs {
			if a.Addr() == addr {
				return true
			}
		}
	}
	return false
}

func init() {
	usageText["wget"] = "Usage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n" +
		"\t[--post-data STR | --post-file FILE] [-Y on/off]\n" +
		"\t[--no-check-certificate] [-P DIR] [-U AGENT] URL...\n\n" +
		"Retrieve files via HTTP or FTP\n\n" +
		"\t--spider\tOnly check URL existence: $? is 0 if exists\n" +
		"\t--header STR\tAdd STR (of form 'header: value') to headers\n" +
		"\t--post-data STR\tSend STR using POST method\n" +
		"\t--post-file FILE\tSend FILE using POST method\n" +
		"\t--no-check-certificate\tDon't validate the server's certificate\n" +
		"\t-c\t\tContinue retrieval of aborted transfer\n" +
		"\t-q\t\tQuiet\n" +
		"\t-P DIR\t\tSave to DIR (default .)\n" +
		"\t-S    \t\tShow server response\n" +
		"\t-O FILE\t\tSave to FILE ('-' for stdout)\n" +
		"\t-o LOGFILE\tLog messages to FILE\n" +
		"\t-U STR\t\tUse STR for User-Agent header\n" +
		"\t-Y on/off\tUse proxy\n"
}

// apWget is busybox wget in a container where nothing listens: a URL
// whose host does not resolve is "bad address"; a connection to the
// container itself (loopback, its own addresses) is refused, and one to
// any other host finds no route (the mock has no network beyond the
// container). Every failure exits 1.
func apWget(_ context.Context, p *Proc) int {
	args := p.Args[1:]
	quiet := false
	var urls []string
	for len(args) > 0 {
		a := args[0]
		args = args[1:]
		switch {
		case a == "--":
			urls = append(urls, args...)
			args = nil
		case a == "--header" || a == "--post-data" || a == "--post-file" || a == "--user-agent" || a == "--output-document":
			if len(args) == 0 {
				return p.showUsage()
			}
			args = args[1:]
		case strings.HasPrefix(a, "--"):
			if a == "--quiet" {
				quiet = true
			}
		case strings.HasPrefix(a, "-") && len(a) > 1:
			for i := 1; i < len(a); i++ {
				c := a[i]
				if strings.IndexByte("OoPUYT", c) >= 0 {
					if i+1 == len(a) {
						if len(args) == 0 {
							p.errf("option requires an argument -- '%c'", c)
							return p.showUsage()
						}
						args = args[1:]
					}
					break
				}
				if c == 'q' {
					quiet = true
				}
			}
		default:
			urls = append(urls, a)
		}
	}
	if len(urls) == 0 {
		return p.showUsage()
	}
	for _, u := range urls {
		rest := u
		if i := strings.Index(rest, "://"); i >= 0 {
			rest = rest[i+3:]
		}
		hostPort, _, _ := strings.Cut(rest, "/")
		if i := strings.LastIndexByte(hostPort, '@'); i >= 0 {
			hostPort = hostPort[i+1:]
		}
		host, port, hasPort := strings.Cut(hostPort, ":")
		if !hasPort {
			port = "80"
			if strings.HasPrefix(u, "https://") {
				port = "443"
			}
		}
		addr, peer, ok := p.resolveHost(host)
		if !ok {
			p.errf("bad address '%s'", host)
			return 1
		}
		if !quiet {
			fmt.Fprintf(p.Stderr, "Connecting to %s (%s:%s)\n", hostPort, addr, port)
		}
		why := "No route to host"
		if addr.IsLoopback() || peer || p.onLink(addr) && !p.isGateway(addr) {
			why = "Connection refused"
		}
		p.errf("can't connect to remote host (%s): %s", addr, why)
		return 1
	}
	return 0
}

// isGateway reports whether addr is the gateway of one of the
// container's networks.
func (p *Proc) isGateway(addr netip.Addr) bool {
	for _, i := range p.sh.p.cfg.Net.Interfaces() {
		if i.Gateway == addr {
			return true
		}
	}
	return false
}

func init() {
	applets["nslookup"] = apNslookup
	usageText["nslookup"] = "Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n\n" +
		"Query DNS about HOST\n\n" +
		"QUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,ptr,srv,any\n"
}

// apNslookup is busybox nslookup: it asks the DNS server (DNS_SERVER, else
// the first nameserver of /etc/resolv.conf) for HOST's A and AAAA records
// (-type= one kind) and prints each answer as it comes, the AAAA one
// (empty: the mock's containers have no IPv6 addresses) before the A one,
// as the embedded server's replies usually arrive. A HOST without a dot
// is asked for in each search domain of /etc/resolv.conf instead, when it
// has some; an address is asked for its name (PTR). /etc/hosts is not
// read. The only server the mock reaches is the namespace's embedded one;
// any other name is NXDOMAIN, and the exit status 1.
func apNslookup(_ context.Context, p *Proc) int {
	var args []string
	types := []string{"aaaa", "a"}
	for _, a := range p.Args[1:] {
		switch {
		case strings.HasPrefix(a, "-type=") || strings.HasPrefix(a, "-query="):
			_, t, _ := strings.Cut(a, "=")
			types = []string{strings.ToLower(t)}
		case a == "-debug" || a == "-nodebug":
		case strings.HasPrefix(a, "-") && len(a) > 1:
			return p.showUsage()
		default:
			args = append(args, a)
		}
	}
	if len(args) == 0 || len(args) > 2 {
		return p.showUsage()
	}
	host := args[0]
	servers, search := p.resolvConf()
	server := "127.0.0.1"
	if len(args) == 2 {
		server = args[1]
	} else if len(servers) > 0 {
		server = servers[0]
	}
	fmt.Fprintf(p.Stdout, "Server:\t\t%s\nAddress:\t%s:53\n\n", server, server)
	srv := p.sh.p.cfg.Net.server()
	if server != EmbeddedDNS {
		srv = nil
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if srv != nil {
			if name := srv.LookupAddr(a); name != "" {
				fmt.Fprintf(p.Stdout, "Non-authoritative answer:\n%s\tname = %s\n\n", reverseName(a), name)
				return 0
			}
		}
		fmt.Fprintf(p.Stdout, "** server can't find %s: NXDOMAIN\n\n", reverseName(a))
		return 1
	}
	names := []string{host}
	if !strings.Contains(host, ".") && len(search) > 0 {
		names = nil
		for _, dom := range search {
			names = append(names, host+"."+dom)
		}
	}
	code := 1
	for _, name := range names {
		var addrs []netip.Addr
		if srv != nil {
			addrs = srv.LookupHost(name)
		}
		name = strings.TrimSuffix(name, ".")
		for _, t := range types {
			if len(addrs) == 0 {
				fmt.Fprintf(p.Stdout, "** server can't find %s: NXDOMAIN\n\n", name)
				continue
			}
			code = 0
			fmt.Fprint(p.Stdout, "Non-authoritative answer:\n")
			for _, a := range addrs {
				if t == "a" && a.Is4() || t == "aaaa" && a.Is6() {
					fmt.Fprintf(p.Stdout, "Name:\t%s\nAddress: %s\n", name, a)
				}
			}
			fmt.Fprint(p.Stdout, "\n")
		}
	}
	return code
}

// reverseName is the in-addr.arpa (ip6.arpa) name of a's PTR record.
func reverseName(a netip.Addr) string {
	var parts []string
	if a.Is4() {
		b := a.As4()
		for i := 3; i >= 0; i-- {
			parts = append(parts, strconv.Itoa(int(b[i])))
		}
		return strings.Join(parts, ".") + ".in-addr.arpa"
	}
	b := a.As16()
	for i := 15; i >= 0; i-- {
		parts = append(parts, strconv.FormatUint(uint64(b[i]&0xf), 16), strconv.FormatUint(uint64(b[i]>>4), 16))
	}
	return strings.Join(parts, ".") + ".ip6.arpa"
}
