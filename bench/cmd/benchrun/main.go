// Command benchrun takes the measurements of bench/run.sh that are not go
// test benchmarks, and writes BENCHMARKS.md from all of them:
//
//	benchrun sizes        -results DIR              build the programs of bench/progs, weigh them
//	benchrun coldstart    -results DIR [-runs N]    exec to first answered ping, against the canned server
//	benchrun instructions -results DIR [-scale F]   instructions per round trip, under cachegrind
//	benchrun profile      -results DIR              CPU and allocation profiles of dockwire's hot round trips
//	benchrun real         -results DIR [-rounds N]  ps, logs and archive reads against DOCKWIRE_REAL_DOCKER_HOST
//	benchrun report       -results DIR -o FILE      BENCHMARKS.md from DIR
//
// Each step writes DIR/<step>.json; report also reads the go test outputs
// run.sh leaves in DIR (roundtrip.txt, demux.txt, their benchstat tables
// and the profiles). It runs from the bench module's directory.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/dockwire/dockwire/bench/canned"
)

func main() {
	canned.ServeIfChild() // coldstart runs the canned server as a child of this program
	if len(os.Args) < 2 {
		usage()
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	results := fs.String("results", "results", "the results directory")
	runs := fs.Int("runs", 41, "coldstart: runs per program")
	scale := fs.Float64("scale", 1, "instructions: scale the round trips counted per op")
	rounds := fs.Int("rounds", 3, "real: rounds of each stream read")
	out := fs.String("o", "../BENCHMARKS.md", "report: the file to write")
	fs.Parse(os.Args[2:])
	var err error
	switch os.Args[1] {
	case "sizes":
		err = sizes(*results)
	case "coldstart":
		err = coldStart(*results, *runs)
	case "instructions":
		err = instructions(*results, *scale)
	case "profile":
		err = profiles(*results)
	case "real":
		err = realDaemon(*results, *rounds)
	case "report":
		err = report(*results, *out)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchrun:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: benchrun sizes|coldstart|instructions|profile|real|report [-results DIR] [flags]")
	os.Exit(2)
}

func writeJSON(dir, name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name+".json"), append(b, '\n'), 0o644)
}

// readJSON reads DIR/name.json into v; ok is false when there is none.
func readJSON(dir, name string, v any) (ok bool, err error) {
	b, err := os.ReadFile(filepath.Join(dir, name+".json"))
	if os.IsNotExist(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, json.Unmarshal(b, v)
}

// Sample is one run of a program: wall time, the CPU time the kernel
// accounted to the process and, where measured, its peak RSS.
type Sample struct {
	Wall      time.Duration
	User, Sys time.Duration
	MaxRSSKiB int64
	Bytes     int64 `json:",omitempty"`
}

// CPU is user plus system time.
func (s Sample) CPU() time.Duration { return s.User + s.Sys }

// median of the values f picks from samples.
func median[T any](samples []T, f func(T) float64) float64 {
	if len(samples) == 0 {
		return 0
	}
	v := make([]float64, len(samples))
	for i, s := range samples {
		v[i] = f(s)
	}
	slices.Sort(v)
	if n := len(v); n%2 == 1 {
		return v[n/2]
	} else {
		return (v[n/2-1] + v[n/2]) / 2
	}
}
