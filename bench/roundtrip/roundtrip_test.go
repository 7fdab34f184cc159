// Package roundtrip measures whole requests, request to decoded result,
// against the canned server (package canned) running in a child process:
// dockwire, the official SDK (github.com/moby/moby/client) and a net/http
// floor side by side, on the same recorded answers.
package roundtrip

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/dockwire/dockwire/bench/canned"
	"github.com/dockwire/dockwire/bench/internal/measure"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const cannedDir = "../testdata/canned"

var (
	sock      string // the canned server's socket
	answers   canned.Answers
	inspectID string
)

func TestMain(m *testing.M) {
	canned.ServeIfChild()
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var err error
	if answers, err = canned.Load(cannedDir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var c struct{ ID string }
	if err := json.Unmarshal(answers.Body("container-inspect"), &c); err != nil || c.ID == "" {
		fmt.Fprintln(os.Stderr, "roundtrip: no Id in the recorded inspect:", err)
		return 1
	}
	inspectID = c.ID
	var stop func() error
	sock, stop, err = canned.Start(cannedDir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer stop()
	return m.Run()
}

// The operations, in the order the tables show them, with the stream
// whose records they decode ("" for a single answer).
var ops = []struct{ name, records string }{
	{"Ping", ""},
	{"ContainerList", ""},
	{"ContainerInspect", ""},
	{"ImageList", ""},
	{"Events", "events"},
	{"Stats", "stats"},
	{"ImagePull", "pull"},
}

var clients = []struct {
	name string
	open func(sock, id string) (*impl, error)
}{{"dockwire", newDockwire}, {"sdk", newSDK}, {"floor", newFloor}}

// TestClientsAgree checks that every client decodes the same facts from
// each answer: the benchmarks compare the same work.
func TestClientsAgree(t *testing.T) {
	var impls []*impl
	for _, cl := range clients {
		c, err := cl.open(sock, inspectID)
		require.NoError(t, err)
		t.Cleanup(func() { c.close() })
		impls = append(impls, c)
	}
	for _, o := range ops {
		t.Run(o.name, func(t *testing.T) {
			var want string
			for _, c := range impls {
				got, err := c.ops[o.name](t.Context(), true)
				require.NoError(t, err, c.name)
				require.NotEmpty(t, got, c.name)
				if want == "" {
					want = got
					t.Logf("%s: %s", c.name, got)
					continue
				}
				assert.Equal(t, want, got, "%s disagrees with %s", c.name, impls[0].name)
			}
			if o.records != "" {
				assert.Regexp(t, fmt.Sprintf("^%d ", answers.Records(o.records)), want, "every record decoded")
			}
		})
	}
}

// BenchmarkRoundTrip makes each request with each client, op after op so
// that a round of -count 1 compares them under the same load. Besides
// ns/op, B/op and allocs/op it reports cpu-ns/op, the CPU time of the
// whole client process per op (the server is another process), which a
// busy shared machine disturbs less than wall time; and for streams the
// same figures per record (ns/rec, B/rec, allocs/rec).
func BenchmarkRoundTrip(b *testing.B) {
	for _, o := range ops {
		for _, cl := range clients {
			b.Run("op="+o.name+"/client="+cl.name, func(b *testing.B) {
				c, err := cl.open(sock, inspectID)
				if err != nil {
					b.Fatal(err)
				}
				defer c.close()
				roundTrips(b, c.ops[o.name], answers.Records(o.records))
			})
		}
	}
}

func roundTrips(b *testing.B, f op, records int) {
	ctx := context.Background()
	warmUp(b, ctx, f)
	b.ReportAllocs()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	cpu0, ok := measure.ProcessCPU()
	n := 0
	start := time.Now()
	for b.Loop() {
		if _, err := f(ctx, false); err != nil {
			b.Fatal(err)
		}
		n++
	}
	wall := time.Since(start)
	cpu1, ok1 := measure.ProcessCPU()
	runtime.ReadMemStats(&m1)
	if ok && ok1 {
		b.ReportMetric(float64(cpu1-cpu0)/float64(n), "cpu-ns/op")
	}
	if records > 1 {
		per := float64(n) * float64(records)
		b.ReportMetric(float64(wall)/per, "ns/rec")
		b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/per, "B/rec")
		b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/per, "allocs/rec")
	}
}

// warmUp makes one round trip before the measured ones: a warm connection
// and encoding/json's type cache filled, as in a long-lived program. It is
// a function of its own so that profiles can leave it out (pprof -ignore).
//
//go:noinline
func warmUp(b *testing.B, ctx context.Context, f op) {
	if _, err := f(ctx, false); err != nil {
		b.Fatal(err)
	}
}
