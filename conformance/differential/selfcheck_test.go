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
// behaviour. A sequence that differs is run again alone, twice at most:
// some sequences race their own processes (a terminal's echo against a
// detach, a top right after a start), which a loaded machine running
// eight of them at once can lose; what still differs alone is reported.
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
	cfg := differential.Config{
		A: daemon("mock-a"), B: daemon("mock-b"), Version: "1.41", Image: "busybox:dockwire",
		HostDir: t.TempDir(), Parallel: 8,
	}
	res, err := differential.Check(t.Context(), cfg, seqs)
	require.NoError(t, err)
	assert.Len(t, res.Ran, len(seqs))
	assert.Greater(t, res.Requests, 1000)
	assert.Empty(t, res.Leftovers)
	cfg.Parallel = 1
	for try := 1; try <= 2 && len(res.Differences) > 0; try++ {
		again := differing(seqs, res.Differences)
		t.Logf("run %d: %d difference(s) in %d sequence(s); running them again alone", try, len(res.Differences), len(again))
		res, err = differential.Check(t.Context(), cfg, again)
		require.NoError(t, err)
		assert.Len(t, res.Ran, len(again))
		assert.Empty(t, res.Leftovers)
	}
	if !assert.Empty(t, res.Differences) {
		var b strings.Builder
		differential.Report(&b, res, differential.ReportOptions{NameA: "mock-a", NameB: "mock-b"})
		t.Log(b.String())
	}
}

// differing gives the sequences of seqs that some difference names.
func differing(seqs []differential.Sequence, diffs []differential.Difference) []differential.Sequence {
	names := map[string]bool{}
	for _, d := range diffs {
		names[d.Seq] = true
	}
	var out []differential.Sequence
	for _, s := range seqs {
		if names[s.Name] {
			out = append(out, s)
		}
	}
	return out
}
