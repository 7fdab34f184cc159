package differential_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/conformance/differential"
	"github.com/dockwire/dockwire/mockdaemon"
)

// The check run mock against mock finds nothing: whatever differs between
// two runs of one daemon (ids, times, allocation) is normalised away, so
// every difference it reports against dockerd is a difference of
// behaviour.
func TestSelfCheckMockAgainstMock(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole corpus twice against two mocks")
	}
	daemon := func(name string) differential.Daemon {
		_, host := mockdaemon.StartUnix(t, mockdaemon.Config{MaxAPIVersion: "1.41", Images: []string{"busybox:dockwire"}, HostBinds: true})
		return differential.UnixDaemon(name, strings.TrimPrefix(host, "unix://"))
	}
	seqs, err := differential.Corpus()
	require.NoError(t, err)
	seqs = append(seqs, differential.Generate(1, 60)...)
	res, err := differential.Check(t.Context(), differential.Config{
		A: daemon("mock-a"), B: daemon("mock-b"), Version: "1.41", Image: "busybox:dockwire",
		HostDir: t.TempDir(), Parallel: 8,
	}, seqs)
	require.NoError(t, err)
	assert.Len(t, res.Ran, len(seqs))
	assert.Greater(t, res.Requests, 1000)
	if !assert.Empty(t, res.Differences) {
		var b strings.Builder
		differential.Report(&b, res, differential.ReportOptions{NameA: "mock-a", NameB: "mock-b"})
		t.Log(b.String())
	}
	assert.Empty(t, res.Leftovers)
}
