package dial

import (
	"errors"
	"net"
	"strings"
	"testing"
)

// checkHostInvariants reports what is wrong with an accepted Host.
func checkHostInvariants(t *testing.T, in string, h Host) {
	t.Helper()
	switch h.Scheme {
	case "unix", "npipe":
		if h.User != "" || h.Path != "" || h.TLS || h.Addr == "" {
			t.Fatalf("%q: bad %s host %+v", in, h.Scheme, h)
		}
	case "tcp", "ssh":
		host, port, err := net.SplitHostPort(h.Addr)
		if err != nil || host == "" || port == "" {
			t.Fatalf("%q: Addr %q is not host:port: %v", in, h.Addr, err)
		}
		if strings.HasPrefix(host, "-") || strings.HasPrefix(h.User, "-") {
			t.Fatalf("%q: accepted a host or user starting with '-': %+v", in, h)
		}
		if strings.ContainsAny(h.User, ":@/ \t\r\n") {
			t.Fatalf("%q: odd ssh user %q", in, h.User)
		}
		if h.Scheme == "tcp" && (h.User != "" || h.Path != "") {
			t.Fatalf("%q: tcp host with user or path: %+v", in, h)
		}
		if h.Scheme == "ssh" && h.TLS {
			t.Fatalf("%q: ssh host with TLS", in)
		}
		if h.Path != "" && !strings.HasPrefix(h.Path, "/") {
			t.Fatalf("%q: ssh path %q is not absolute", in, h.Path)
		}
	default:
		t.Fatalf("%q: unknown scheme %q accepted", in, h.Scheme)
	}
}

func FuzzParseHost(f *testing.F) {
	for _, s := range []string{
		"unix:///var/run/docker.sock", "unix://", "tcp://127.0.0.1:2375", "tcp://", "tcp://h",
		"tcp://[::1]:2376", "tcp://[fe80::1%eth0]:1", "http://h:1", "https://h", "ssh://u@h:22/var/run/docker.sock",
		"ssh://-oProxyCommand=x", "ssh://u:p@h", "ssh://h/sock $(id)", "ssh://h?x=1#f", "fd://", "npipe:////./pipe/docker_engine",
		"tcp://h:2375/path", "", "garbage", "tcp://::1:2375", "tcp://h:99999", "unix:///" + strings.Repeat("a", 120),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		h, err := ParseHost(in)
		if err != nil {
			var de *Error
			if !errors.As(err, &de) || de.Op != "parse" {
				t.Fatalf("%q: error %v is not *Error{Op: parse}", in, err)
			}
			if h != (Host{}) {
				t.Fatalf("%q: error with non-zero Host %+v", in, h)
			}
			return
		}
		checkHostInvariants(t, in, h)
		s := h.String()
		again, err := ParseHost(s)
		if err != nil {
			t.Fatalf("%q: String() %q does not parse: %v", in, s, err)
		}
		if again != h {
			t.Fatalf("%q: round trip through %q gives %+v, want %+v", in, s, again, h)
		}
		if again.String() != s {
			t.Fatalf("%q: String not stable: %q then %q", in, s, again.String())
		}
	})
}

func FuzzContextMeta(f *testing.F) {
	for _, s := range []string{
		`{"Name":"remote","Metadata":{},"Endpoints":{"docker":{"Host":"tcp://h:2376","SkipTLSVerify":true}}}`,
		`{"Endpoints":{"docker":{"Host":"ssh://me@box/run/docker.sock"}}}`,
		`{"Endpoints":{"docker":{"Host":"ssh://-oX"}}}`,
		`{"Endpoints":{"docker":{"Host":5}}}`,
		`{"Endpoints":{"docker":null}}`,
		`{"Endpoints":null}`,
		`{"currentContext":"remote","auths":{}}`,
		`{"currentContext":7}`,
		``, ` `, `null`, `[]`, `{"Endpoints":`, "{}\n{}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ep, err := parseContextMeta(data)
		if err == nil {
			checkHostInvariants(t, string(data), ep.Host)
			if again, err := ParseHost(ep.Host.String()); err != nil || again != ep.Host {
				t.Fatalf("meta host %+v does not round-trip: %+v, %v", ep.Host, again, err)
			}
		} else if ep != (contextEndpoint{}) {
			t.Fatalf("error %v with non-zero endpoint %+v", err, ep)
		}
		name, err := parseConfigFile(data)
		if err != nil && name != "" {
			t.Fatalf("error %v with a context name %q", err, name)
		}
	})
}
