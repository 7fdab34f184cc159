package endpoints_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
			assert.ErrorAs(t, err, &ae, "ParseMemory(%q) = %d", tc.in, got)
			assert.ErrorIs(t, err, wire.ErrInvalidArgument, "ParseMemory(%q)", tc.in)
			continue
		}
		if assert.NoError(t, err, "ParseMemory(%q)", tc.in) {
			assert.Equal(t, tc.want, got, "ParseMemory(%q)", tc.in)
		}
	}
}

func TestParsePortSpec(t *testing.T) {
	b := func(ip, port string) endpoints.PortBinding { return endpoints.PortBinding{HostIP: ip, HostPort: port} }
	one := func(p endpoints.Port, bs ...endpoints.PortBinding) endpoints.PortMap { return endpoints.PortMap{p: bs} }
	cases := []struct {
		in   string
		want endpoints.PortMap // nil: an *ArgError
	}{
		{"80", one("80/tcp", b("", ""))},
		{"80/udp", one("80/udp", b("", ""))},
		{"9/SCTP", one("9/sctp", b("", ""))},
		{"8080:80", one("80/tcp", b("", "8080"))},
		{"127.0.0.1:8080:80/udp", one("80/udp", b("127.0.0.1", "8080"))},
		{"127.0.0.1::80", one("80/tcp", b("127.0.0.1", ""))},
		{"[::1]:53:53/udp", one("53/udp", b("::1", "53"))},
		// Ranges, as docker-py's split_port and docker run -p read them.
		{"8000-8002:80-82/udp", endpoints.PortMap{"80/udp": {b("", "8000")}, "81/udp": {b("", "8001")}, "82/udp": {b("", "8002")}}},
		{"8000-8010:80", one("80/tcp", b("", "8000-8010"))},
		{"80-81", endpoints.PortMap{"80/tcp": {b("", "")}, "81/tcp": {b("", "")}}},
		{"127.0.0.1::80-81", endpoints.PortMap{"80/tcp": {b("127.0.0.1", "")}, "81/tcp": {b("127.0.0.1", "")}}},
		{"[::1]:9000-9001:90-91", endpoints.PortMap{"90/tcp": {b("::1", "9000")}, "91/tcp": {b("::1", "9001")}}},
		{"8000:80-82", nil},
		{"8000-8001:80-82", nil},
		{"90-80", nil},
		{"80-", nil},
		{"-80", nil},
		{"80-90/xyz", nil},
		{"80/xyz", nil},
		{"70000", nil},
		{"0", nil},
		{"", nil},
		{"http", nil},
		{"8080:http", nil},
		{"99999:80", nil},
		{"1.2.3:80:80", nil},
		{"a:b:c:d", nil},
		{"[::1:80:80", nil},
	}
	for _, tc := range cases {
		got, err := endpoints.ParsePortSpec(tc.in)
		if tc.want == nil {
			var ae *endpoints.ArgError
			assert.ErrorAs(t, err, &ae, "ParsePortSpec(%q) = %v", tc.in, got)
			assert.ErrorIs(t, err, wire.ErrInvalidArgument, tc.in)
			continue
		}
		if assert.NoError(t, err, tc.in) {
			assert.Equal(t, tc.want, got, tc.in)
		}
	}
	_, err := endpoints.ParsePort("65535/tcp")
	assert.NoError(t, err)
	exposed, bindings, err := endpoints.PortBindings("8080:80", "8081:80", "53/udp", "9000-9001:90-91")
	require.NoError(t, err)
	assert.Equal(t, map[endpoints.Port]struct{}{"80/tcp": {}, "53/udp": {}, "90/tcp": {}, "91/tcp": {}}, exposed)
	assert.Equal(t, []endpoints.PortBinding{b("", "8080"), b("", "8081")}, bindings["80/tcp"])
	assert.Equal(t, []endpoints.PortBinding{b("", "9001")}, bindings["91/tcp"])
}

func TestArgErrorMessage(t *testing.T) {
	_, err := endpoints.ParseMemory("12q")
	assert.EqualError(t, err, `endpoints: ParseMemory: "12q": unknown unit "q": want b, k, m, g, t or p`)
}
