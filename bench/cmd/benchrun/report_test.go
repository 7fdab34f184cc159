package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestShortFunc(t *testing.T) {
	for in, want := range map[string]string{
		"github.com/dockwire/dockwire/wire.(*Stream[go.shape.struct { Type string; Actor x \"json:x\" }]).Next":                      "wire.(*Stream[...]).Next",
		"github.com/dockwire/dockwire/endpoints.decode[go.shape.[]github.com/dockwire/dockwire/endpoints.ContainerSummary] (inline)": "endpoints.decode[...]",
		"encoding/json.(*decodeState).object":     "encoding/json.(*decodeState).object",
		"strings.(*Builder).WriteString (inline)": "strings.(*Builder).WriteString",
	} {
		assert.Equal(t, want, shortFunc(in), in)
	}
}

func TestSites(t *testing.T) {
	top := `Showing nodes accounting for 448261, 98.75% of 453956 total
      flat  flat%   sum%        cum   cum%
    187984 41.41% 41.41%     187984 41.41%  encoding/json.(*decodeState).literalStore
       200 0.044% 98.42%     447061 98.48%  github.com/dockwire/dockwire/endpoints.decode[go.shape.[]int] (inline)
         0     0% 98.60%     200 0.044%  encoding/json.(*Decoder).Decode
`
	got := sites(top)
	if assert.Len(t, got, 2) {
		assert.Equal(t, Site{Func: "encoding/json.(*decodeState).literalStore", PerOp: 187984.0 / profileRuns, Shared: 187984.0 / 188184}, got[0])
		assert.Equal(t, "endpoints.decode[...]", got[1].Func)
		assert.InDelta(t, 1.0, got[1].PerOp, 1e-9)
	}
}

func TestReadBench(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.txt")
	out := `goos: linux
BenchmarkRoundTrip/op=Ping/client=dockwire-2   	  100	  83000 ns/op	  41000 cpu-ns/op	  2248 B/op	  19 allocs/op
BenchmarkRoundTrip/op=Ping/client=dockwire-2   	  100	  90000 ns/op	  40000 cpu-ns/op	  2248 B/op	  19 allocs/op
BenchmarkRoundTrip/op=Ping/client=dockwire-2   	  100	  70000 ns/op	  45000 cpu-ns/op	  2248 B/op	  19 allocs/op
PASS
`
	require.NoError(t, os.WriteFile(path, []byte(out), 0o644))
	res, err := readBench(path)
	require.NoError(t, err)
	name := "BenchmarkRoundTrip/op=Ping/client=dockwire"
	assert.Equal(t, 3, res.Runs(name))
	assert.Equal(t, 83000.0, res.Median(name, "ns/op"))
	assert.Equal(t, 41000.0, res.Median(name, "cpu-ns/op"))
	assert.Equal(t, 19.0, res.Median(name, "allocs/op"))
	assert.Zero(t, res.Median(name, "MB/s"), "a unit never reported")

	missing, err := readBench(filepath.Join(t.TempDir(), "none.txt"))
	require.NoError(t, err)
	assert.Empty(t, missing)
}

func TestRatioAndMedian(t *testing.T) {
	assert.Equal(t, "0.50×", ratio(1, 2))
	assert.Equal(t, "—", ratio(0, 2), "a missing figure is no ratio")
	assert.Equal(t, 2.5, median([]float64{4, 1, 2, 3}, func(v float64) float64 { return v }))
	assert.Equal(t, "1,234,567", commas(1234567))
}
