package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/dockwire/dockwire/bench/canned"
	"github.com/dockwire/dockwire/bench/internal/build"
)

// ColdStart holds, per client, the runs of its ping program: exec to the
// line it prints once the ping is answered.
type ColdStart map[string][]Sample

// coldStart runs each ping program runs times against the canned server,
// the clients in turn, after one warm-up run each (the binary in the page
// cache, as for a program run often).
func coldStart(dir string, runs int) error {
	sock, stop, err := canned.Start(filepath.Join("testdata", "canned"))
	if err != nil {
		return err
	}
	defer stop()
	env := []string{"DOCKER_HOST=unix://" + sock}
	res := ColdStart{}
	for i := -1; i < runs; i++ {
		for _, c := range build.Clients {
			s, err := measure(env, true, false, program(dir, "ping", c))
			if err != nil {
				return err
			}
			if i >= 0 {
				res[c] = append(res[c], s)
			}
		}
	}
	for _, c := range build.Clients {
		fmt.Fprintf(os.Stderr, "coldstart %-9s median %.2f ms wall, %.2f ms CPU\n", c,
			median(res[c], func(s Sample) float64 { return s.Wall.Seconds() * 1e3 }),
			median(res[c], func(s Sample) float64 { return s.CPU().Seconds() * 1e3 }))
	}
	return writeJSON(dir, "coldstart", res)
}
