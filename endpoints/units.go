package endpoints

import (
	"math"
	"net/netip"
	"strconv"
	"strings"
)

// memUnits are the suffixes ParseMemory knows, all binary as docker's.
var memUnits = map[string]int64{
	"": 1, "b": 1,
	"k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10,
	"m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20,
	"g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30,
	"t": 1 << 40, "tb": 1 << 40, "tib": 1 << 40,
	"p": 1 << 50, "pb": 1 << 50, "pib": 1 << 50,
}

// ParseMemory reads a memory size the way docker-py's mem_limit and the
// docker CLI's --memory do: a number with an optional unit, b, k, m, g, t or
// p (also kb/kib, mb/mib...; case-insensitive; every unit binary, so "1k" is
// 1024). A fraction is allowed ("1.5g"), the result is truncated to whole
// bytes. Empty, negative, unitless garbage, unknown units and values beyond
// int64 are an *ArgError.
//
//	n, err := endpoints.ParseMemory("512m") // 536870912
func ParseMemory(s string) (int64, error) {
	const op = "ParseMemory"
	t := strings.ToLower(strings.TrimSpace(s))
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, unit := t[:i], strings.TrimSpace(t[i:])
	if num == "" {
		return 0, argErr(op, "", s, "not a memory size: want a number with an optional unit (b, k, m, g, t, p)")
	}
	mult, ok := memUnits[unit]
	if !ok {
		return 0, argErr(op, "", s, "unknown unit "+strconv.Quote(unit)+": want b, k, m, g, t or p")
	}
	if strings.Contains(num, ".") {
		f, err := strconv.ParseFloat(num, 64)
		if err != nil {
			return 0, &ArgError{Op: op, Value: s, Reason: "not a number", Err: err}
		}
		v := f * float64(mult)
		if v >= math.MaxInt64 {
			return 0, argErr(op, "", s, "too large")
		}
		return int64(v), nil
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil {
		return 0, argErr(op, "", s, "too large")
	}
	if n > math.MaxInt64/mult {
		return 0, argErr(op, "", s, "too large")
	}
	return n * mult, nil
}

// ParsePort reads a container port, "80" or "80/tcp", "53/udp", "9/sctp",
// into its API form ("80/tcp"). A number outside 1-65535 or another
// protocol is an *ArgError.
func ParsePort(s string) (Port, error) {
	return parsePort("ParsePort", s)
}

func parsePort(op, s string) (Port, error) {
	num, proto, hasProto := strings.Cut(s, "/")
	if !hasProto {
		proto = "tcp"
	}
	proto = strings.ToLower(proto)
	switch proto {
	case "tcp", "udp", "sctp":
	default:
		return "", argErr(op, "port", s, "unknown protocol "+strconv.Quote(proto)+": want tcp, udp or sctp")
	}
	n, err := portNumber(num)
	if err != nil {
		return "", argErr(op, "port", s, err.Error())
	}
	return Port(strconv.Itoa(n) + "/" + proto), nil
}

type portErr string

func (e portErr) Error() string { return string(e) }

func portNumber(s string) (int, error) {
	if s == "" {
		return 0, portErr("missing port number")
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, portErr("port " + strconv.Quote(s) + " is not a number")
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 65535 {
		return 0, portErr("port " + s + " is out of range 1-65535")
	}
	return n, nil
}

// ParsePortSpec reads a published-port spec as docker run -p and
// docker-py's split_port take it, "[ip:][hostPort[-end]:]containerPort[-end][/proto]",
// into its container ports and their host bindings:
//
//	"80"                    80/tcp on a free host port
//	"8080:80"               80/tcp on host port 8080
//	"127.0.0.1::53/udp"     53/udp on a free port of 127.0.0.1
//	"[::1]:8080:80"         an IPv6 host address, in brackets
//	"8000-8010:80-90/udp"   eleven udp ports, 8000 to 80, 8001 to 81...
//	"8000-8010:80"          80/tcp on one free port of 8000-8010
//	"80-90"                 eleven ports on free host ports
//
// A host range and a container range must have the same length, unless
// the container side is one port. Bad specs ("80/xyz", "70000",
// "a:b:c:d", a malformed IP, ranges of different lengths) are an
// *ArgError.
func ParsePortSpec(spec string) (PortMap, error) {
	const op = "ParsePortSpec"
	var ip, host, ctr string
	rest := spec
	if strings.HasPrefix(rest, "[") {
		end := strings.Index(rest, "]:")
		if end < 0 {
			return nil, argErr(op, "spec", spec, "unterminated [ipv6] address")
		}
		ip, rest = rest[1:end], rest[end+2:]
		h, c, ok := strings.Cut(rest, ":")
		if !ok {
			return nil, argErr(op, "spec", spec, "want [ip]:hostPort:containerPort")
		}
		host, ctr = h, c
	} else {
		parts := strings.Split(rest, ":")
		switch len(parts) {
		case 1:
			ctr = parts[0]
		case 2:
			host, ctr = parts[0], parts[1]
		case 3:
			ip, host, ctr = parts[0], parts[1], parts[2]
		default:
			return nil, argErr(op, "spec", spec, "want [ip:][hostPort:]containerPort[/proto]")
		}
	}
	if ip != "" {
		if _, err := netip.ParseAddr(ip); err != nil {
			return nil, &ArgError{Op: op, Field: "host IP", Value: ip, Reason: "not an IP address", Err: err}
		}
	}
	num, proto, hasProto := strings.Cut(ctr, "/")
	first, last, err := portRange(num)
	if err != nil {
		return nil, argErr(op, "container port", spec, err.Error())
	}
	suffix := ""
	if hasProto {
		suffix = "/" + proto
	}
	if _, err := parsePort(op, strconv.Itoa(first)+suffix); err != nil {
		return nil, err
	}
	hfirst, hlast := 0, 0
	if host != "" {
		if hfirst, hlast, err = portRange(host); err != nil {
			return nil, argErr(op, "host port", spec, err.Error())
		}
		if hlast-hfirst != last-first && first != last {
			return nil, argErr(op, "spec", spec, "the host and container port ranges differ in length")
		}
	}
	m := PortMap{}
	for i := 0; first+i <= last; i++ {
		p, _ := parsePort(op, strconv.Itoa(first+i)+suffix)
		b := PortBinding{HostIP: ip}
		switch {
		case host == "":
		case first == last && hfirst != hlast:
			b.HostPort = host // the daemon picks a free port of the range
		default:
			b.HostPort = strconv.Itoa(hfirst + i)
		}
		m[p] = append(m[p], b)
	}
	return m, nil
}

// portRange reads "80" or "8000-8010".
func portRange(s string) (first, last int, err error) {
	a, b, isRange := strings.Cut(s, "-")
	if first, err = portNumber(a); err != nil {
		return 0, 0, err
	}
	if !isRange {
		return first, first, nil
	}
	if last, err = portNumber(b); err != nil {
		return 0, 0, err
	}
	if last < first {
		return 0, 0, portErr("range " + strconv.Quote(s) + " ends before it starts")
	}
	return first, last, nil
}

// PortBindings parses docker run -p specs (see [ParsePortSpec]) into the
// ExposedPorts of a ContainerConfig and the PortBindings of a HostConfig.
func PortBindings(specs ...string) (map[Port]struct{}, PortMap, error) {
	exposed := map[Port]struct{}{}
	bindings := PortMap{}
	for _, s := range specs {
		m, err := ParsePortSpec(s)
		if err != nil {
			return nil, nil, err
		}
		for p, bs := range m {
			exposed[p] = struct{}{}
			bindings[p] = append(bindings[p], bs...)
		}
	}
	return exposed, bindings, nil
}

// parseHostBinding reads the host side of a port as docker-py's ports
// dict values give it, written as a string: "" (a free port), "8080",
// "8000-8010" (a free port of the range), "127.0.0.1:8080",
// "127.0.0.1:" (a free port of that address), "[::1]:8080".
func parseHostBinding(op, field, s string) (PortBinding, error) {
	var ip, port string
	switch {
	case strings.HasPrefix(s, "["):
		end := strings.Index(s, "]:")
		if end < 0 {
			return PortBinding{}, argErr(op, field, s, "want [ipv6]:port")
		}
		ip, port = s[1:end], s[end+2:]
	case strings.Count(s, ":") > 1:
		return PortBinding{}, argErr(op, field, s, "an IPv6 address goes in brackets: [::1]:8080")
	default:
		if i := strings.IndexByte(s, ':'); i >= 0 {
			ip, port = s[:i], s[i+1:]
		} else {
			port = s
		}
	}
	if ip != "" {
		if _, err := netip.ParseAddr(ip); err != nil {
			return PortBinding{}, &ArgError{Op: op, Field: field, Value: s, Reason: "not an IP address", Err: err}
		}
	}
	if port != "" {
		if _, _, err := portRange(port); err != nil {
			return PortBinding{}, argErr(op, field, s, err.Error())
		}
	}
	return PortBinding{HostIP: ip, HostPort: port}, nil
}
