package dial

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseHostGood(t *testing.T) {
	tests := []struct {
		in   string
		want Host
		str  string
	}{
		{"unix:///var/run/docker.sock", Host{Scheme: "unix", Addr: "/var/run/docker.sock"}, "unix:///var/run/docker.sock"},
		{"unix://", Host{Scheme: "unix", Addr: "/var/run/docker.sock"}, "unix:///var/run/docker.sock"},
		{"unix://relative.sock", Host{Scheme: "unix", Addr: "relative.sock"}, "unix://relative.sock"},
		{"  unix:///tmp/d.sock\n", Host{Scheme: "unix", Addr: "/tmp/d.sock"}, "unix:///tmp/d.sock"},
		{"UNIX:///x", Host{Scheme: "unix", Addr: "/x"}, "unix:///x"},
		{"tcp://127.0.0.1:2375", Host{Scheme: "tcp", Addr: "127.0.0.1:2375"}, "tcp://127.0.0.1:2375"},
		{"tcp://docker.example:2376/", Host{Scheme: "tcp", Addr: "docker.example:2376"}, "tcp://docker.example:2376"},
		{"tcp://example", Host{Scheme: "tcp", Addr: "example:2375"}, "tcp://example:2375"},
		{"tcp://", Host{Scheme: "tcp", Addr: "localhost:2375"}, "tcp://localhost:2375"},
		{"tcp://:1234", Host{Scheme: "tcp", Addr: "localhost:1234"}, "tcp://localhost:1234"},
		{"tcp://h:00080", Host{Scheme: "tcp", Addr: "h:80"}, "tcp://h:80"},
		{"tcp://[::1]:2375", Host{Scheme: "tcp", Addr: "[::1]:2375"}, "tcp://[::1]:2375"},
		{"tcp://[0:0::1]", Host{Scheme: "tcp", Addr: "[::1]:2375"}, "tcp://[::1]:2375"},
		{"tcp://[fe80::1%eth0]:2375", Host{Scheme: "tcp", Addr: "[fe80::1%eth0]:2375"}, "tcp://[fe80::1%eth0]:2375"},
		{"http://h:1", Host{Scheme: "tcp", Addr: "h:1"}, "tcp://h:1"},
		{"https://h:2376", Host{Scheme: "tcp", Addr: "h:2376", TLS: true}, "https://h:2376"},
		{"https://h", Host{Scheme: "tcp", Addr: "h:2376", TLS: true}, "https://h:2376"},
		{"ssh://me@host", Host{Scheme: "ssh", Addr: "host", User: "me"}, "ssh://me@host"},
		{"ssh://host:2222", Host{Scheme: "ssh", Addr: "host:2222"}, "ssh://host:2222"},
		{"ssh://a.b-c_d+e@h/var/run/docker.sock", Host{Scheme: "ssh", Addr: "h", User: "a.b-c_d+e", Path: "/var/run/docker.sock"}, "ssh://a.b-c_d+e@h/var/run/docker.sock"},
		{"ssh://u@[::1]:22/", Host{Scheme: "ssh", Addr: "[::1]:22", User: "u"}, "ssh://u@[::1]:22"},
		{"ssh://[0::1]/s", Host{Scheme: "ssh", Addr: "[::1]", Path: "/s"}, "ssh://[::1]/s"},
		{"ssh://h:022", Host{Scheme: "ssh", Addr: "h:22"}, "ssh://h:22"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			h, err := ParseHost(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, h)
			assert.Equal(t, tt.str, h.String())
			again, err := ParseHost(h.String())
			require.NoError(t, err, "round trip")
			assert.Equal(t, h, again, "round trip")
		})
	}
}

func TestParseHostBad(t *testing.T) {
	tests := []struct {
		in          string
		msg         string // substring of the error
		unsupported bool
	}{
		{"", "empty host", false},
		{"   ", "empty host", false},
		{"/var/run/docker.sock", "missing scheme", false},
		{"localhost:2375", "missing scheme", false},
		{"gopher://h:70", `unknown scheme "gopher"`, false},
		{"://h", `unknown scheme ""`, false},
		{"tcp://h:", "missing port", false},
		{"tcp://h:0", "port out of range", false},
		{"tcp://h:65536", "port out of range", false},
		{"tcp://h:12a", "invalid port", false},
		{"tcp://h:2375/v1.41", "path after host:port", false},
		{"tcp://h:2375?x=1", "query or fragment", false},
		{"tcp://h:2375#f", "query or fragment", false},
		{"tcp://u@h:2375", "user info", false},
		{"tcp://::1:2375", "brackets", false},
		{"tcp://[::1", "missing ']'", false},
		{"tcp://[1.2.3.4]:1", "invalid IPv6", false},
		{"tcp://[::1]x", "after IPv6", false},
		{"tcp://[fe80::1%e$x]:1", "IPv6 zone", false},
		{"tcp://-oProxyCommand=x:22", `must not start with "-"`, false},
		{"tcp://h o:1", "invalid character", false},
		{"tcp://h;rm:1", "invalid character", false},
		{"tcp://.h:1", `must not start with "."`, false},
		{"tcp://" + strings.Repeat("a", 300) + ":1", "too long", false},
		{"https://tcp://h", "path after host:port", false},
		{"ssh://-oProxyCommand=touch%20x", `must not start with "-"`, false},
		{"ssh://-h", `must not start with "-"`, false},
		{"ssh://-oX@host", `ssh user must not start with "-"`, false},
		{"ssh://u:pw@host", "password", false},
		{"ssh://u@", "missing ssh host", false},
		{"ssh://@host", "empty ssh user", false},
		{"ssh://u$(id)@host", "invalid character", false},
		{"ssh://host/sock?x=1", "query or fragment", false},
		{"ssh://host#f", "query or fragment", false},
		{"ssh://host/a\x00b", "control character", false},
		{"unix:///a\x00b", "control character", false},
		{"unix://tcp://h", "another scheme", false},
		{"unix:///" + strings.Repeat("s", 200), "too long", false},
		{"fd://", "listen address", true},
		{"fd://3", "listen address", true},
	}
	if runtime.GOOS != "windows" {
		tests = append(tests, struct {
			in          string
			msg         string
			unsupported bool
		}{"npipe:////./pipe/docker_engine", "npipe not supported on this OS", true})
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			h, err := ParseHost(tt.in)
			var de *Error
			require.ErrorAs(t, err, &de, "ParseHost = %+v", h)
			assert.Equal(t, "parse", de.Op)
			assert.Equal(t, tt.in, de.Host)
			assert.Regexp(t, "^dial: parse ", err.Error())
			assert.ErrorContains(t, err, tt.msg)
			if tt.unsupported {
				assert.ErrorIs(t, err, ErrUnsupported)
			} else {
				assert.NotErrorIs(t, err, ErrUnsupported)
			}
			assert.Zero(t, h, "Host of a failed parse")
		})
	}
}

func TestErrorFormat(t *testing.T) {
	inner := errors.New("boom")
	tests := []struct {
		e    *Error
		want string
	}{
		{&Error{Op: "dial", Host: "unix:///x", Err: inner}, "dial: dial unix:///x: boom"},
		{&Error{Op: "tls", Err: inner}, "dial: tls: boom"},
		{&Error{Op: "parse", Err: inner}, `dial: parse "": boom`},
		{&Error{Op: "parse", Host: "a b", Err: inner}, `dial: parse "a b": boom`},
	}
	for _, tt := range tests {
		assert.EqualError(t, tt.e, tt.want)
		assert.ErrorIs(t, tt.e, inner, "unwraps to its cause")
	}
}

func BenchmarkParseHost(b *testing.B) {
	for _, in := range []string{"unix:///var/run/docker.sock", "tcp://[::1]:2376", "ssh://me@host.example:2222/var/run/docker.sock"} {
		b.Run(strings.SplitN(in, ":", 2)[0], func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				if _, err := ParseHost(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
