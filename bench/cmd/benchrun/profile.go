package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/dockwire/dockwire/bench/canned"
)

// The ops whose profiles the report shows: the ones issue 16's targets
// name.
var profileOps = []struct{ name, records string }{
	{"ContainerInspect", ""}, {"ContainerList", ""}, {"Events", "events"}, {"Stats", "stats"},
}

// profileRuns is how many round trips the allocation profile covers (the
// warm-up round trip left out).
const profileRuns = 200

// Profile is what the profiles of one op say, per round trip.
type Profile struct {
	Records int
	// Sites: the functions that allocate, most first, with allocations
	// per round trip.
	Sites []Site
	// CPU shares of the round trip's samples: JSON decoding (encoding/json
	// and endpoints' generated decoders, under endpoints.unmarshal), the
	// stream record scanner, the garbage collector, system calls.
	JSON, Scanner, GC, Syscalls float64
}

// Site is one allocating function.
type Site struct {
	Func   string
	PerOp  float64
	Shared float64 // share of the round trip's allocations
}

// profiles runs the round trips of profileOps with dockwire under the CPU
// and allocation profilers and keeps pprof's tables (profile-<op>-cpu.txt,
// profile-<op>-alloc.txt) and a digest of them (profiles.json).
func profiles(dir string) error {
	test, err := filepath.Abs(filepath.Join(dir, "roundtrip.test"))
	if err != nil {
		return err
	}
	prof, err := filepath.Abs(filepath.Join(dir, "prof"))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(prof, 0o755); err != nil {
		return err
	}
	answers, err := canned.Load(filepath.Join("testdata", "canned"))
	if err != nil {
		return err
	}
	res := map[string]Profile{}
	for _, op := range profileOps {
		sel := "-test.bench=^BenchmarkRoundTrip$/^op=" + op.name + "$/^client=dockwire$"
		cpu, mem := filepath.Join(prof, op.name+".cpu"), filepath.Join(prof, op.name+".mem")
		for _, args := range [][]string{
			{"-test.benchtime=3s", "-test.cpuprofile=" + cpu},
			{"-test.benchtime=" + strconv.Itoa(profileRuns) + "x", "-test.memprofile=" + mem, "-test.memprofilerate=1"},
		} {
			cmd := exec.Command(test, append([]string{"-test.run=^$", sel}, args...)...)
			cmd.Dir = "roundtrip"
			if out, err := cmd.CombinedOutput(); err != nil {
				return fmt.Errorf("%s %v: %v\n%s", op.name, args, err, out)
			}
		}
		// Only what the measured round trips do: not the test's set-up, package
		// inits or the warm-up round trip.
		alloc, err := pprof("-top", "-nodecount=25", "-nodefraction=0", "-sample_index=alloc_objects", "-focus=roundTrips", "-ignore=warmUp", test, mem)
		if err != nil {
			return err
		}
		cpuTop, err := pprof("-top", "-cum", "-nodecount=30", "-focus=roundTrips", "-ignore=warmUp", test, cpu)
		if err != nil {
			return err
		}
		for kind, text := range map[string]string{"alloc": alloc, "cpu": cpuTop} {
			if err := os.WriteFile(filepath.Join(dir, "profile-"+op.name+"-"+kind+".txt"), []byte(text), 0o644); err != nil {
				return err
			}
		}
		p := Profile{Records: answers.Records(op.records), Sites: sites(alloc)}
		all, err := share(test, cpu, "roundTrips")
		if err != nil {
			return err
		}
		for focus, into := range map[string]*float64{
			`^encoding/json\.|/endpoints\.unmarshal\[`: &p.JSON, `recordScanner`: &p.Scanner, `^runtime\.gcBgMarkWorker|^runtime\.bgsweep|^runtime\.gcAssist`: &p.GC,
			`(^|/)syscall\.`: &p.Syscalls, // the syscall package and the runtime's own
		} {
			v, err := share(test, cpu, focus)
			if err != nil {
				return err
			}
			if all > 0 {
				*into = v / all
			}
		}
		res[op.name] = p
		fmt.Fprintf(os.Stderr, "profile %-16s json %.0f%% of the round trip's CPU, top site %s\n", op.name, 100*p.JSON, p.Sites[0].Func)
	}
	return writeJSON(dir, "profiles", res)
}

func pprof(args ...string) (string, error) {
	out, err := exec.Command("go", append([]string{"tool", "pprof"}, args...)...).Output()
	if err != nil {
		return "", fmt.Errorf("go tool pprof %s: %w", strings.Join(args, " "), err)
	}
	var keep []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if !strings.HasPrefix(l, "Time:") && !strings.HasPrefix(l, "Build ID:") && !strings.HasPrefix(l, "File:") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n") + "\n", nil
}

var accounting = regexp.MustCompile(`Showing nodes accounting for ([0-9.]+)(ms|s|min)?, `)

// share returns the CPU seconds of the samples whose stack holds a
// function matching focus: the flat time of every node pprof keeps under
// that focus, none dropped.
func share(bin, prof, focus string) (float64, error) {
	out, err := pprof("-top", "-nodecount=1000000", "-nodefraction=0", "-edgefraction=0", "-focus="+focus, bin, prof)
	if err != nil {
		return 0, err
	}
	m := accounting.FindStringSubmatch(out)
	if m == nil {
		return 0, nil // no sample matched
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	switch m[2] {
	case "ms":
		v /= 1e3
	case "min":
		v *= 60
	}
	return v, nil
}

var topLine = regexp.MustCompile(`^\s*([0-9]+)\s+[0-9.]+%\s+[0-9.]+%\s+[0-9]+\s+[0-9.]+%\s+(.+)$`)

// sites reads the allocating functions (flat counts) of a pprof -top table.
func sites(top string) []Site {
	var total float64
	var out []Site
	for _, l := range strings.Split(top, "\n") {
		m := topLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		n, _ := strconv.ParseFloat(m[1], 64)
		if n == 0 {
			continue
		}
		total += n
		out = append(out, Site{Func: shortFunc(m[2]), PerOp: n / profileRuns})
	}
	for i := range out {
		out[i].Shared = out[i].PerOp * profileRuns / total
	}
	return out
}

// shortFunc trims a generic function's type arguments to [...] and the
// module path from a function name.
func shortFunc(f string) string {
	f = strings.TrimSuffix(f, " (inline)")
	if i := strings.Index(f, "[go."); i >= 0 {
		depth, j := 0, i
		for ; j < len(f); j++ {
			if f[j] == '[' {
				depth++
			} else if f[j] == ']' {
				depth--
				if depth == 0 {
					break
				}
			}
		}
		if j < len(f) {
			f = f[:i] + "[...]" + f[j+1:]
		}
	}
	return strings.TrimPrefix(f, "github.com/dockwire/dockwire/")
}
