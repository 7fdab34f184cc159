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

// ParsePortSpec reads a published-port spec as docker run -p takes it,
// "[ip:][hostPort:]containerPort[/proto]" ("8080:80", "127.0.0.1:8080:80/tcp",
// "[::1]::53/udp", "80"), into the container port and its host binding. An
// empty host port lets the daemon pick one. Port ranges are not supported.
// Bad specs ("80/xyz", "70000", "a:b:c:d", a malformed IP) are an *ArgError.
func ParsePortSpec(spec string) (Port, PortBinding, error) {
	const op = "ParsePortSpec"
	var ip, host, ctr string
	rest := spec
	if strings.HasPrefix(rest, "[") {
		end := strings.Index(rest, "]:")
		if end < 0 {
			return "", PortBinding{}, argErr(op, "spec", spec, "unterminated [ipv6] address")
		}
		ip, rest = rest[1:end], rest[end+2:]
		h, c, ok := strings.Cut(rest, ":")
		if !ok {
			return "", PortBinding{}, argErr(op, "spec", spec, "want [ip]:hostPort:containerPort")
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
			return "", PortBinding{}, argErr(op, "spec", spec, "want [ip:][hostPort:]containerPort[/proto]")
		}
	}
	if ip != "" {
		if _, err := netip.ParseAddr(ip); err != nil {
			return "", PortBinding{}, &ArgError{Op: op, Field: "host IP", Value: ip, Reason: "not an IP address", Err: err}
		}
	}
	if host != "" {
		if _, err := portNumber(host); err != nil {
			return "", PortBinding{}, argErr(op, "host port", spec, err.Error())
		}
	}
	p, err := parsePort(op, ctr)
	if err != nil {
		return "", PortBinding{}, err
	}
	return p, PortBinding{HostIP: ip, HostPort: host}, nil
}

// PortBindings parses docker run -p specs (see [ParsePortSpec]) into the
// ExposedPorts of a ContainerConfig and the PortBindings of a HostConfig.
func PortBindings(specs ...string) (map[Port]struct{}, PortMap, error) {
	exposed := map[Port]struct{}{}
	bindings := PortMap{}
	for _, s := range specs {
		p, b, err := ParsePortSpec(s)
		if err != nil {
			return nil, nil, err
		}
		exposed[p] = struct{}{}
		bindings[p] = append(bindings[p], b)
	}
	return exposed, bindings, nil
}
