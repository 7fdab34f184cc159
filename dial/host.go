package dial

import (
	"errors"
	"net"
	"net/netip"
	"runtime"
	"strconv"
	"strings"
)

// DefaultHost is the daemon address used when neither DOCKER_HOST nor a
// docker context names one.
const DefaultHost = "unix:///var/run/docker.sock"

const (
	defaultUnixSocket = "/var/run/docker.sock"
	defaultNamedPipe  = "//./pipe/docker_engine"
	defaultTCPPort    = "2375" // IANA docker, plain
	defaultTLSPort    = "2376" // IANA docker, TLS
	maxHostLen        = 4096
	maxHostnameLen    = 253
)

// Host is a parsed daemon address. Its zero value is not a valid host; get
// one from ParseHost.
type Host struct {
	Scheme string // "unix", "tcp", "ssh" or "npipe"; http:// and https:// become "tcp"
	Addr   string // unix: socket path; npipe: pipe path; tcp: host:port; ssh: host[:port]
	User   string // ssh only
	Path   string // ssh only: remote socket path, "" for the remote default
	TLS    bool   // https:// was given: TLS is required
}

// ParseHost parses a daemon address in one of the forms
//
//	unix:///var/run/docker.sock     unix:// alone means /var/run/docker.sock
//	tcp://host:port                 a missing port is 2375, a missing host localhost
//	http://host:port                same as tcp://
//	https://host:port               tcp with TLS required; a missing port is 2376
//	ssh://[user@]host[:port][/path] a missing port is the ssh config's, else 22
//	npipe:////./pipe/docker_engine  Windows only
//
// Like the docker CLI's ParseHost, tcp:// without a port means 2375 and
// tcp:// without a host means localhost. Unlike it, a scheme is required (a
// bare "host:port" or "/path" is refused), a base path after tcp host:port
// is refused (the API has none), and a query or fragment is refused
// everywhere. IPv6 literals need brackets ("tcp://[::1]:2375").
//
// Hosts and ssh users are checked against a strict character set: a name
// starting with "-" is refused (it would become an option on an ssh command
// line), as are passwords in ssh URLs. fd:// (a daemon listen address) and,
// off Windows, npipe:// are refused with errors matching ErrUnsupported.
//
// Errors are *Error with Op "parse". For every accepted input,
// ParseHost(h.String()) returns h again.
func ParseHost(s string) (Host, error) {
	h, err := parseHost(s)
	if err != nil {
		return Host{}, &Error{Op: "parse", Host: s, Err: err}
	}
	return h, nil
}

// String returns the canonical form of h: "unix://<path>",
// "tcp://host:port", "https://host:port" when TLS is set,
// "ssh://[user@]host[:port][/path]" or "npipe://<path>".
func (h Host) String() string {
	switch h.Scheme {
	case "tcp":
		if h.TLS {
			return "https://" + h.Addr
		}
		return "tcp://" + h.Addr
	case "ssh":
		s := "ssh://"
		if h.User != "" {
			s += h.User + "@"
		}
		return s + h.Addr + h.Path
	default:
		return h.Scheme + "://" + h.Addr
	}
}

func parseHost(s string) (Host, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Host{}, errors.New("empty host")
	}
	if len(s) > maxHostLen {
		return Host{}, errors.New("host too long")
	}
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return Host{}, errors.New(`missing scheme (want unix://, tcp://, https://, ssh:// or npipe://)`)
	}
	switch strings.ToLower(scheme) {
	case "unix":
		return parseUnix(rest)
	case "tcp", "http":
		return parseTCP(rest, defaultTCPPort, false)
	case "https":
		return parseTCP(rest, defaultTLSPort, true)
	case "ssh":
		return parseSSH(rest)
	case "npipe":
		return parseNpipe(rest)
	case "fd":
		return Host{}, because(ErrUnsupported, "fd:// is a daemon listen address, not a client address")
	default:
		return Host{}, errors.New("unknown scheme " + strconv.Quote(scheme))
	}
}

// maxUnixPath is the longest socket path connect(2) takes: sun_path less its
// terminating NUL.
func maxUnixPath() int {
	switch runtime.GOOS {
	case "linux", "android", "windows":
		return 107
	default: // darwin and the BSDs
		return 103
	}
}

func parseUnix(p string) (Host, error) {
	if p == "" {
		p = defaultUnixSocket
	}
	if strings.Contains(p, "://") {
		return Host{}, errors.New("unix socket path holds another scheme")
	}
	if err := checkPath(p); err != nil {
		return Host{}, err
	}
	if len(p) > maxUnixPath() {
		return Host{}, errors.New("unix socket path is too long (" + strconv.Itoa(len(p)) + " bytes, at most " + strconv.Itoa(maxUnixPath()) + ")")
	}
	return Host{Scheme: "unix", Addr: p}, nil
}

func parseNpipe(p string) (Host, error) {
	if runtime.GOOS != "windows" {
		return Host{}, because(ErrUnsupported, "npipe not supported on this OS")
	}
	if p == "" {
		p = defaultNamedPipe
	}
	if strings.Contains(p, "://") {
		return Host{}, errors.New("pipe path holds another scheme")
	}
	if err := checkPath(p); err != nil {
		return Host{}, err
	}
	return Host{Scheme: "npipe", Addr: p}, nil
}

// checkPath refuses control characters (including NUL) in socket paths.
func checkPath(p string) error {
	for i := 0; i < len(p); i++ {
		if c := p[i]; c < 0x20 || c == 0x7f {
			return errors.New("control character in path")
		}
	}
	return nil
}

func parseTCP(rest, defPort string, tls bool) (Host, error) {
	auth, path, hasPath := strings.Cut(rest, "/")
	if hasPath && path != "" {
		return Host{}, errors.New("a path after host:port is not supported")
	}
	if strings.ContainsAny(auth, "?#") {
		return Host{}, errors.New("query or fragment not supported")
	}
	if strings.Contains(auth, "@") {
		return Host{}, errors.New("user info not supported on tcp hosts")
	}
	host, port, err := splitAuthority(auth, defPort)
	if err != nil {
		return Host{}, err
	}
	if host == "" {
		host = "localhost"
	}
	return Host{Scheme: "tcp", Addr: net.JoinHostPort(host, port), TLS: tls}, nil
}

func parseSSH(rest string) (Host, error) {
	auth, path, hasPath := strings.Cut(rest, "/")
	if strings.ContainsAny(rest, "?#") {
		return Host{}, errors.New("query or fragment not supported on ssh hosts")
	}
	var user string
	if i := strings.LastIndexByte(auth, '@'); i >= 0 {
		user, auth = auth[:i], auth[i+1:]
		if strings.Contains(user, ":") {
			return Host{}, errors.New("plain-text password in ssh host is not supported")
		}
		if err := checkUser(user); err != nil {
			return Host{}, err
		}
	}
	// No default port: an ssh config's Port applies when the URL has none.
	host, port, err := splitAuthority(auth, "")
	if err != nil {
		return Host{}, err
	}
	if host == "" {
		return Host{}, errors.New("missing ssh host")
	}
	addr := host
	switch {
	case port != "":
		addr = net.JoinHostPort(host, port)
	case strings.Contains(host, ":"):
		addr = "[" + host + "]"
	}
	if hasPath && path != "" {
		path = "/" + path
		if err := checkPath(path); err != nil {
			return Host{}, err
		}
	} else {
		path = ""
	}
	return Host{Scheme: "ssh", Addr: addr, User: user, Path: path}, nil
}

// checkUser allows ssh user names made of letters, digits, '.', '_', '-' and
// '+', not starting with '-'.
func checkUser(u string) error {
	if u == "" {
		return errors.New("empty ssh user")
	}
	if u[0] == '-' {
		return errors.New(`ssh user must not start with "-"`)
	}
	if len(u) > 256 {
		return errors.New("ssh user too long")
	}
	for i := 0; i < len(u); i++ {
		c := u[i]
		if !isAlnum(c) && c != '.' && c != '_' && c != '-' && c != '+' {
			return errors.New("invalid character " + strconv.QuoteRune(rune(c)) + " in ssh user")
		}
	}
	return nil
}

// splitAuthority splits "host[:port]" or "[v6]:port". The host comes back
// without brackets and in canonical form for IP literals; it is "" when
// absent. The port defaults to defPort.
func splitAuthority(a, defPort string) (host, port string, err error) {
	port = defPort
	if strings.HasPrefix(a, "[") {
		end := strings.IndexByte(a, ']')
		if end < 0 {
			return "", "", errors.New("missing ']' in IPv6 address")
		}
		ip, perr := netip.ParseAddr(a[1:end])
		if perr != nil || !ip.Is6() {
			return "", "", errors.New("invalid IPv6 address " + strconv.Quote(a[1:end]))
		}
		for _, c := range []byte(ip.Zone()) {
			if !isAlnum(c) && c != '.' && c != '_' && c != '-' {
				return "", "", errors.New("invalid character in IPv6 zone")
			}
		}
		host = ip.String()
		switch after := a[end+1:]; {
		case after == "":
		case after[0] == ':':
			if port, err = checkPort(after[1:]); err != nil {
				return "", "", err
			}
		default:
			return "", "", errors.New("unexpected text after IPv6 address")
		}
		return host, port, nil
	}
	switch strings.Count(a, ":") {
	case 0:
		host = a
	case 1:
		var p string
		host, p, _ = strings.Cut(a, ":")
		if port, err = checkPort(p); err != nil {
			return "", "", err
		}
	default:
		return "", "", errors.New("too many colons (IPv6 addresses need brackets)")
	}
	if host == "" {
		return "", port, nil
	}
	if err := checkHostname(host); err != nil {
		return "", "", err
	}
	return host, port, nil
}

func checkPort(p string) (string, error) {
	if p == "" {
		return "", errors.New("missing port after ':'")
	}
	if len(p) > 5 {
		return "", errors.New("invalid port " + strconv.Quote(p))
	}
	n := 0
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return "", errors.New("invalid port " + strconv.Quote(p))
		}
		n = n*10 + int(p[i]-'0')
	}
	if n < 1 || n > 65535 {
		return "", errors.New("port out of range: " + p)
	}
	return strconv.Itoa(n), nil
}

// checkHostname allows DNS names and IPv4 literals: letters, digits, '.',
// '-' and '_', not starting with '-' or '.'.
func checkHostname(h string) error {
	if h[0] == '-' {
		return errors.New(`host must not start with "-"`)
	}
	if h[0] == '.' {
		return errors.New(`host must not start with "."`)
	}
	if len(h) > maxHostnameLen {
		return errors.New("host name too long")
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !isAlnum(c) && c != '.' && c != '-' && c != '_' {
			return errors.New("invalid character " + strconv.QuoteRune(rune(c)) + " in host name")
		}
	}
	return nil
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
