package ssh

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/dockwire/dockwire/dial"
)

// target is where to log in, as whom, with which keys, and where the
// daemon's socket is: the URL, then the options, then the ssh config.
type target struct {
	hostname       string
	port           string
	user           string
	socket         string     // the URL's path; "" for the default
	identities     []identity // in the order offered
	identitiesOnly bool
	knownHosts     []string
	agent          string
	passphrase     func(file string) ([]byte, error)
	mode           dial.SSHMode
}

// identity is a private key file to offer; a missing optional one (a
// default ~/.ssh/id_*) is skipped without a word.
type identity struct {
	file     string
	optional bool
}

func (t *target) addr() string { return net.JoinHostPort(t.hostname, t.port) }

// streamSocket is the socket direct-streamlocal channels go to.
func (t *target) streamSocket() string {
	if t.socket == "" {
		return defaultSocket
	}
	return t.socket
}

// resolve works out the target of h: the URL's user and port win over the
// ssh config's (read from opts.Dir), which win over the defaults (the
// local user, port 22).
func resolve(h dial.Host, opts dial.SSHOptions) (target, error) {
	name, port := splitAddr(h.Addr)
	var conf settings
	home := ""
	if opts.Dir != "" {
		home = filepath.Dir(opts.Dir)
		var err error
		if conf, err = readConfig(filepath.Join(opts.Dir, "config"), opts.Dir, name); err != nil {
			return target{}, err
		}
	}
	t := target{
		hostname:   name,
		port:       port,
		user:       h.User,
		socket:     h.Path,
		agent:      opts.AgentSocket,
		passphrase: opts.Passphrase,
		mode:       opts.Mode,
	}
	if v := conf.first("hostname"); v != "" {
		t.hostname = expand(v, map[byte]string{'h': name})
	}
	if t.port == "" {
		t.port = conf.first("port")
	}
	if t.port == "" {
		t.port = "22"
	}
	if n, err := strconv.Atoi(t.port); err != nil || n < 1 || n > 65535 {
		return target{}, fmt.Errorf("ssh config: bad Port %q for %s", t.port, name)
	}
	local := ""
	if u, err := user.Current(); err == nil {
		local = u.Username
	}
	if t.user == "" {
		t.user = conf.first("user")
	}
	if t.user == "" {
		t.user = local
	}
	if t.user == "" {
		return target{}, errors.New("no ssh user: name one in the URL (ssh://user@host) or in the ssh config")
	}
	tokens := map[byte]string{'h': t.hostname, 'p': t.port, 'r': t.user, 'u': local, 'd': home}
	for _, f := range opts.IdentityFiles {
		t.identities = append(t.identities, identity{file: f})
	}
	for _, f := range conf.all("identityfile") {
		t.identities = append(t.identities, identity{file: expandPath(f, home, tokens)})
	}
	if len(t.identities) == 0 && opts.Dir != "" {
		for _, f := range []string{"id_ed25519", "id_ecdsa", "id_rsa"} {
			t.identities = append(t.identities, identity{file: filepath.Join(opts.Dir, f), optional: true})
		}
	}
	switch v := strings.ToLower(conf.first("identitiesonly")); v {
	case "", "no":
	case "yes":
		t.identitiesOnly = true
	default:
		return target{}, fmt.Errorf("ssh config: bad IdentitiesOnly %q for %s", v, name)
	}
	switch files := conf.all("userknownhostsfile"); {
	case len(opts.KnownHostsFiles) > 0:
		t.knownHosts = slices.Clone(opts.KnownHostsFiles)
	case len(files) == 1 && strings.EqualFold(files[0], "none"):
	case len(files) > 0:
		for _, f := range files {
			t.knownHosts = append(t.knownHosts, expandPath(f, home, tokens))
		}
	case opts.Dir != "":
		t.knownHosts = []string{filepath.Join(opts.Dir, "known_hosts"), filepath.Join(opts.Dir, "known_hosts2")}
	}
	return t, nil
}

// splitAddr splits dial.Host.Addr of an ssh host: "name", "name:port",
// "[v6]" or "[v6]:port". The port is "" when absent.
func splitAddr(a string) (name, port string) {
	if h, p, err := net.SplitHostPort(a); err == nil {
		return h, p
	}
	return strings.TrimSuffix(strings.TrimPrefix(a, "["), "]"), ""
}

// expandPath expands a leading ~ and the % tokens of an ssh config path.
func expandPath(p, home string, tokens map[byte]string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		p = home + p[1:]
	}
	return expand(p, tokens)
}

// expand replaces %x by tokens[x] and %% by %; unknown tokens stay.
func expand(s string, tokens map[byte]string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		if s[i] == '%' {
			b.WriteByte('%')
		} else if v, ok := tokens[s[i]]; ok {
			b.WriteString(v)
		} else {
			b.WriteByte('%')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// settings are the values the ssh config gives one host: keyword (lower
// case) to arguments, the first occurrence only, except for IdentityFile,
// which accumulates.
type settings map[string][]string

func (s settings) first(k string) string {
	if v := s[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (s settings) all(k string) []string { return s[k] }

// maxIncludeDepth bounds nested Include directives, as OpenSSH does.
const maxIncludeDepth = 16

// readConfig reads the ssh config at path for the host name. A missing
// file is an empty config. Host blocks match by pattern (*, ?, negation
// with !); Match blocks are not evaluated (only "Match all" applies);
// Include is followed; keywords other than HostName, User, Port,
// IdentityFile, IdentitiesOnly and UserKnownHostsFile are ignored.
func readConfig(path, dir, name string) (settings, error) {
	s := settings{}
	if err := s.read(path, dir, strings.ToLower(name), true, 0); err != nil {
		return nil, err
	}
	return s, nil
}

func (s settings) read(path, dir, name string, active bool, depth int) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("ssh config: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		kw, args, err := splitLine(sc.Text())
		if err != nil {
			return fmt.Errorf("ssh config %s:%d: %w", path, line, err)
		}
		switch kw {
		case "":
		case "host":
			active = matchHost(args, name)
		case "match":
			active = len(args) == 1 && strings.EqualFold(args[0], "all")
		case "include":
			if depth >= maxIncludeDepth {
				return fmt.Errorf("ssh config %s:%d: Include nested too deeply", path, line)
			}
			for _, pat := range args {
				if pat == "~" || strings.HasPrefix(pat, "~/") {
					pat = filepath.Dir(dir) + pat[1:]
				} else if !filepath.IsAbs(pat) {
					pat = filepath.Join(dir, pat)
				}
				files, err := filepath.Glob(pat)
				if err != nil {
					return fmt.Errorf("ssh config %s:%d: Include %q: %w", path, line, pat, err)
				}
				for _, inc := range files {
					if err := s.read(inc, dir, name, active, depth+1); err != nil {
						return err
					}
				}
			}
		case "hostname", "user", "port", "identitiesonly", "userknownhostsfile", "identityfile":
			if !active || len(args) == 0 {
				continue
			}
			if kw == "identityfile" {
				s[kw] = append(s[kw], args[0])
			} else if _, seen := s[kw]; !seen {
				s[kw] = args
			}
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("ssh config %s: %w", path, err)
	}
	return nil
}

// splitLine returns a config line's keyword, lower case ("" for a blank
// or comment line), and its arguments, unquoted.
func splitLine(l string) (kw string, args []string, err error) {
	l = strings.TrimSpace(l)
	if l == "" || l[0] == '#' {
		return "", nil, nil
	}
	i := strings.IndexAny(l, " \t=")
	if i < 0 {
		return strings.ToLower(l), nil, nil
	}
	kw, rest := strings.ToLower(l[:i]), strings.TrimLeft(l[i:], " \t")
	rest = strings.TrimLeft(strings.TrimPrefix(rest, "="), " \t")
	for rest != "" {
		var arg string
		if rest[0] == '"' {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				return "", nil, errors.New("unterminated quote")
			}
			arg, rest = rest[1:1+end], rest[2+end:]
		} else {
			end := strings.IndexAny(rest, " \t")
			if end < 0 {
				end = len(rest)
			}
			arg, rest = rest[:end], rest[end:]
		}
		args = append(args, arg)
		rest = strings.TrimLeft(rest, " \t")
	}
	return kw, args, nil
}

// matchHost reports whether name matches a Host line's patterns: one
// positive pattern matching and no negated one.
func matchHost(patterns []string, name string) bool {
	ok := false
	for _, p := range patterns {
		p = strings.ToLower(p)
		if neg, found := strings.CutPrefix(p, "!"); found {
			if wildcard(neg, name) {
				return false
			}
			continue
		}
		ok = ok || wildcard(p, name)
	}
	return ok
}

// wildcard matches s against p, where * is any run of characters and ? is
// one character: greedy, going back to the last * on a mismatch.
func wildcard(p, s string) bool {
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]):
			pi++
			si++
		case star >= 0:
			mark++
			pi, si = star+1, mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
