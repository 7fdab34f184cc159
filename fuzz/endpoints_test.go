package fuzz

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

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
			require.ErrorIs(t, err, wire.ErrInvalidArgument, "%q", s)
			require.Regexp(t, "^endpoints: ", err.Error(), "%q", s)
			return
		}
		require.GreaterOrEqual(t, n, int64(0), "%q", s)
		again, err := endpoints.ParseMemory(strconv.FormatInt(n, 10))
		require.NoError(t, err, "%q = %d, reparsed", s, n)
		require.Equal(t, n, again, "%q = %d, reparsed", s, n)
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
			require.ErrorIs(t, err, wire.ErrInvalidArgument, "%q", s)
			return
		}
		require.NotEmpty(t, m, "%q: success with no port", s)
		for p, bs := range m {
			require.Len(t, bs, 1, "%q: port %q's bindings", s, p)
			checkPort(t, s, p)
		}
	})
}

func checkPort(t *testing.T, s string, p endpoints.Port) {
	t.Helper()
	num, proto, _ := strings.Cut(string(p), "/")
	n, err := strconv.Atoi(num)
	require.NoError(t, err, "%q: port %q", s, p)
	require.Equal(t, num, strconv.Itoa(n), "%q: port %q", s, p)
	require.GreaterOrEqual(t, n, 1, "%q: port %q", s, p)
	require.LessOrEqual(t, n, 65535, "%q: port %q", s, p)
	require.Contains(t, []string{"tcp", "udp", "sctp"}, proto, "%q: protocol", s)
	q, err := endpoints.ParsePort(string(p))
	require.NoError(t, err, "%q: port %q re-parsed", s, p)
	require.Equal(t, p, q, "%q: port %q re-parsed", s, p)
}
