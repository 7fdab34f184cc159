package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Instructions holds instructions per round trip (cachegrind's I refs), by
// op then client.
type Instructions map[string]map[string]float64

// instructionOps are the ops and how many round trips the longer run
// makes: about the same instruction count for each.
var instructionOps = []struct {
	name string
	n    int
}{
	{"Ping", 400}, {"ContainerList", 40}, {"ContainerInspect", 200}, {"ImageList", 400},
	{"Events", 20}, {"Stats", 30}, {"ImagePull", 200},
}

var irefs = regexp.MustCompile(`I\s+refs:\s+([0-9,]+)`)

// instructions counts the instructions the client process executes per
// round trip: DIR/roundtrip.test under valgrind's cachegrind (the canned
// server, a child, is not traced), once with n/5 and once with n round
// trips of one benchmark; the difference over 4n/5 leaves out start-up
// and set-up. The count does not depend on the machine's load; repeated,
// it varies by about 1-2% (the scheduler's idle spinning while the client
// waits for the server). GOMAXPROCS=1 and asyncpreemptoff=1 keep valgrind
// clear of Go's preemption signals. (Callgrind asserts on the SDK's
// signal handling in valgrind 3.19; cachegrind counts the same
// instructions without it.)
func instructions(dir string, scale float64) error {
	if _, err := exec.LookPath("valgrind"); err != nil {
		return fmt.Errorf("instructions need valgrind: %w", err)
	}
	test, err := filepath.Abs(filepath.Join(dir, "roundtrip.test"))
	if err != nil {
		return err
	}
	res := Instructions{}
	for _, op := range instructionOps {
		res[op.name] = map[string]float64{}
		n := max(int(float64(op.n)*scale), 5)
		for _, c := range []string{"dockwire", "sdk", "floor"} {
			small, err := cachegrind(test, op.name, c, n/5)
			if err != nil {
				return err
			}
			big, err := cachegrind(test, op.name, c, n)
			if err != nil {
				return err
			}
			res[op.name][c] = (big - small) / float64(n-n/5)
			fmt.Fprintf(os.Stderr, "instructions %-16s %-9s %12.0f per op\n", op.name, c, res[op.name][c])
		}
	}
	return writeJSON(dir, "instructions", res)
}

// cachegrind runs n round trips of one benchmark under cachegrind and
// returns the instructions counted. A run valgrind itself fails is tried
// again, up to three times.
func cachegrind(test, op, client string, n int) (float64, error) {
	var out []byte
	var err error
	for range 3 {
		cmd := exec.Command("valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", "--trace-children=no",
			test, "-test.run=^$", "-test.bench=^BenchmarkRoundTrip$/^op="+op+"$/^client="+client+"$",
			"-test.benchtime="+strconv.Itoa(n)+"x")
		cmd.Dir = "roundtrip" // the test finds ../testdata from its package directory
		cmd.Env = append(os.Environ(), "GOMAXPROCS=1", "GODEBUG=asyncpreemptoff=1")
		out, err = cmd.CombinedOutput()
		if m := irefs.FindSubmatch(out); err == nil && m != nil {
			return strconv.ParseFloat(strings.ReplaceAll(string(m[1]), ",", ""), 64)
		}
	}
	return 0, fmt.Errorf("cachegrind %s/%s: %v\n%s", op, client, err, out)
}
