package endpoints_test

import (
	"errors"
	"testing"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

func TestParseMemory(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		bad  bool
	}{
		{in: "0", want: 0},
		{in: "1024", want: 1024},
		{in: "10b", want: 10},
		{in: "1k", want: 1 << 10},
		{in: "512m", want: 512 << 20},
		{in: "512M", want: 512 << 20},
		{in: "1g", want: 1 << 30},
		{in: "1GB", want: 1 << 30},
		{in: "2GiB", want: 2 << 30},
		{in: " 3t ", want: 3 << 40},
		{in: "1.5g", want: 3 << 29},
		{in: "8p", want: 8 << 50},
		{in: "", bad: true},
		{in: "m", bad: true},
		{in: "-1m", bad: true},
		{in: "12q", bad: true},
		{in: "1.2.3m", bad: true},
		{in: "99999999999999999999", bad: true},
		{in: "9000000p", bad: true},
		{in: "1e9", bad: true},
	}
	for _, tc := range cases {
		got, err := endpoints.ParseMemory(tc.in)
		if tc.bad {
			var ae *endpoints.ArgError
			if !errors.As(err, &ae) || !errors.Is(err, wire.ErrInvalidArgument) {
				t.Errorf("ParseMemory(%q) = %d, %v; want an *ArgError", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseMemory(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}

func TestParsePortSpec(t *testing.T) {
	cases := []struct {
		in   string
		port endpoints.Port
		bind endpoints.PortBinding
		bad  bool
	}{
		{in: "80", port: "80/tcp"},
		{in: "80/udp", port: "80/udp"},
		{in: "9/SCTP", port: "9/sctp"},
		{in: "8080:80", port: "80/tcp", bind: endpoints.PortBinding{HostPort: "8080"}},
		{in: "127.0.0.1:8080:80/udp", port: "80/udp", bind: endpoints.PortBinding{HostIP: "127.0.0.1", HostPort: "8080"}},
		{in: "127.0.0.1::80", port: "80/tcp", bind: endpoints.PortBinding{HostIP: "127.0.0.1"}},
		{in: "[::1]:53:53/udp", port: "53/udp", bind: endpoints.PortBinding{HostIP: "::1", HostPort: "53"}},
		{in: "80/xyz", bad: true},
		{in: "70000", bad: true},
		{in: "0", bad: true},
		{in: "", bad: true},
		{in: "http", bad: true},
		{in: "8080:http", bad: true},
		{in: "99999:80", bad: true},
		{in: "1.2.3:80:80", bad: true},
		{in: "a:b:c:d", bad: true},
		{in: "[::1:80:80", bad: true},
		{in: "8000-8010:80", bad: true},
	}
	for _, tc := range cases {
		p, b, err := endpoints.ParsePortSpec(tc.in)
		if tc.bad {
			var ae *endpoints.ArgError
			if !errors.As(err, &ae) || !errors.Is(err, wire.ErrInvalidArgument) {
				t.Errorf("ParsePortSpec(%q) = %q, %+v, %v; want an *ArgError", tc.in, p, b, err)
			}
			continue
		}
		if err != nil || p != tc.port || b != tc.bind {
			t.Errorf("ParsePortSpec(%q) = %q, %+v, %v; want %q, %+v", tc.in, p, b, err, tc.port, tc.bind)
		}
	}
	if _, err := endpoints.ParsePort("65535/tcp"); err != nil {
		t.Errorf("ParsePort(65535/tcp): %v", err)
	}
	exposed, bindings, err := endpoints.PortBindings("8080:80", "8081:80", "53/udp")
	if err != nil || len(exposed) != 2 || len(bindings["80/tcp"]) != 2 || bindings["53/udp"][0].HostPort != "" {
		t.Errorf("PortBindings: %v %v %v", exposed, bindings, err)
	}
}

func TestArgErrorMessage(t *testing.T) {
	_, err := endpoints.ParseMemory("12q")
	want := `endpoints: ParseMemory: "12q": unknown unit "q": want b, k, m, g, t or p`
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}
