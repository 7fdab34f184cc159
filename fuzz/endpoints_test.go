package fuzz

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// FuzzParseMemory: docker run's --memory syntax. Never panics; errors wrap
// wire.ErrInvalidArgument; a success is non-negative, and a plain decimal
// byte count parses to itself.
func FuzzParseMemory(f *testing.F) {
	for _, s := range []string{"512m", "1g", "1.5GiB", "", "-1", "9999999999999p", "0.000001k", "1e3", "12q"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := endpoints.ParseMemory(s)
		if err != nil {
			if !errors.Is(err, wire.ErrInvalidArgument) || !strings.HasPrefix(err.Error(), "endpoints: ") {
				t.Fatalf("%q: untyped error %v", s, err)
			}
			return
		}
		if n < 0 {
			t.Fatalf("%q: negative %d", s, n)
		}
		if again, err := endpoints.ParseMemory(strconv.FormatInt(n, 10)); err != nil || again != n {
			t.Fatalf("%q = %d, but %d parses to %d, %v", s, n, n, again, err)
		}
	})
}

// FuzzParsePortSpec: docker run's -p syntax. Never panics; errors wrap
// wire.ErrInvalidArgument; a success has ports in 1-65535 with a known
// protocol, each with a binding, and ParsePort accepts them back unchanged.
func FuzzParsePortSpec(f *testing.F) {
	for _, s := range []string{"80", "8080:80/udp", "127.0.0.1::53/sctp", "[::1]:1:2", "80/xyz", "70000", "a:b:c:d", "[", "[]:", "8000-8010:80-90/udp", "8000-8010:80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := endpoints.ParsePortSpec(s)
		if err != nil {
			if !errors.Is(err, wire.ErrInvalidArgument) {
				t.Fatalf("%q: untyped error %v", s, err)
			}
			return
		}
		if len(m) == 0 {
			t.Fatalf("%q: success with no port", s)
		}
		for p, bs := range m {
			if len(bs) != 1 {
				t.Fatalf("%q: port %q has %d bindings", s, p, len(bs))
			}
			checkPort(t, s, p)
		}
	})
}

func checkPort(t *testing.T, s string, p endpoints.Port) {
	t.Helper()
	num, proto, _ := strings.Cut(string(p), "/")
	if n, err := strconv.Atoi(num); err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != num {
		t.Fatalf("%q: port %q", s, p)
	}
	if proto != "tcp" && proto != "udp" && proto != "sctp" {
		t.Fatalf("%q: protocol %q", s, proto)
	}
	q, err := endpoints.ParsePort(string(p))
	if err != nil || q != p {
		t.Fatalf("%q: port %q does not re-parse: %q %v", s, p, q, err)
	}
}
