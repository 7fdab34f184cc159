// Command diffcheck sends the same request sequences to a real dockerd and
// to the mock daemon and prints where their answers differ, grouped by
// class, with a summary:
//
//	requests compared: N
//	differences: N (known N, new N)
//	follow-on differences, not listed: N
//	per class: ...
//
// Usage, from anywhere in the module:
//
//	go run ./conformance/cmd/diffcheck [-gen 200] [-seed 1] [-run regexp] [-v]
//
// The reference is the daemon of -real (default $DOCKWIRE_REAL_DOCKER_HOST);
// the mock runs in-process (package mockdaemon at API 1.41, with the test
// image present), or is the daemon of -mock. Every request path is pinned to
// /v1.41/. The sequences are the hand-written corpus of
// conformance/differential/testdata/corpus and -gen sequences generated
// from -seed, -parallel of them at a time. Differences listed in the
// known-differences file (conformance/differential/testdata/known.txt, or
// -known) are reported in a line each (-known-in-full for their values) but
// accepted; an entry that matched nothing is reported as stale (not with
// -run, which selects a part of the sequences).
//
// -save writes the result as JSON; -load reports a saved result against the
// known file without asking any daemon, to rework the known file quickly.
//
// The exit status is 1 when a difference is not in the known file, 2 when
// the check could not run, 0 otherwise.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/dockwire/dockwire/conformance/differential"
	"github.com/dockwire/dockwire/mockdaemon"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("diffcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	realHost := fs.String("real", os.Getenv("DOCKWIRE_REAL_DOCKER_HOST"), "the reference daemon: unix:///path")
	mockHost := fs.String("mock", "", "the daemon held to the reference: unix:///path (default: the mock daemon, in-process)")
	version := fs.String("version", "1.41", "API version of every request path")
	image := fs.String("image", "busybox:dockwire", "test image on both daemons (imported on the real one)")
	gen := fs.Int("gen", 200, "number of generated sequences")
	seed := fs.Uint64("seed", 1, "seed of the generated sequences")
	runRe := fs.String("run", "", "only the sequences whose name matches this regexp")
	knownFile := fs.String("known", "", "known-differences file (default: the one built in, testdata/known.txt)")
	verbose := fs.Bool("v", false, "print a line per sequence as it ends")
	parallel := fs.Int("parallel", 4, "sequences run at once (swarm ones always run alone)")
	knownInFull := fs.Bool("known-in-full", false, "print known differences with their values and reasons, not a line each")
	save := fs.String("save", "", "also write the result as JSON to this file")
	load := fs.String("load", "", "do not run: report the result saved by -save in this file against the known file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "diffcheck:", err)
		return 2
	}
	known, err := loadKnown(*knownFile)
	if err != nil {
		return fail(err)
	}
	if *load != "" {
		res, err := loadResult(*load, known)
		if err != nil {
			return fail(err)
		}
		return report(stdout, res, *knownInFull)
	}
	if *realHost == "" {
		return fail(fmt.Errorf("no reference daemon: set DOCKWIRE_REAL_DOCKER_HOST or -real (scripts/dockerd.sh up starts one)"))
	}
	realPath, ok := strings.CutPrefix(*realHost, "unix://")
	if !ok {
		return fail(fmt.Errorf("-real %q: only unix:// hosts", *realHost))
	}

	seqs, err := differential.Corpus()
	if err != nil {
		return fail(err)
	}
	seqs = append(seqs, differential.Generate(*seed, *gen)...)
	if *runRe != "" {
		re, err := regexp.Compile(*runRe)
		if err != nil {
			return fail(fmt.Errorf("-run: %w", err))
		}
		var keep []differential.Sequence
		for _, s := range seqs {
			if re.MatchString(s.Name) {
				keep = append(keep, s)
			}
		}
		seqs = keep
	}

	tmp, err := os.MkdirTemp("", "dwdiff-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(tmp)

	mock := differential.Daemon{}
	mockName := "mock"
	if *mockHost != "" {
		p, ok := strings.CutPrefix(*mockHost, "unix://")
		if !ok {
			return fail(fmt.Errorf("-mock %q: only unix:// hosts", *mockHost))
		}
		mock = differential.UnixDaemon(mockName, p)
	} else {
		sock := filepath.Join(tmp, "mock.sock")
		l, err := net.Listen("unix", sock)
		if err != nil {
			return fail(err)
		}
		// the machine's resolv.conf, as the real daemon beside it reads
		resolv, _ := os.ReadFile("/etc/resolv.conf")
		d := mockdaemon.New(mockdaemon.Config{MaxAPIVersion: *version, Images: []string{*image}, HostBinds: true, HostResolvConf: string(resolv)})
		go d.Serve(l)
		defer d.Close()
		mock = differential.UnixDaemon(mockName, sock)
	}
	cfg := differential.Config{
		A: differential.UnixDaemon("real", realPath), B: mock,
		Version: *version, Image: *image, HostDir: filepath.Join(tmp, "host"), Known: known, Parallel: *parallel,
	}
	if *verbose {
		cfg.Progress = stderr
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	fmt.Fprintf(stdout, "diffcheck: real %s vs %s, API %s, image %s, %d sequences (%d generated, seed %d)\n",
		*realHost, mockDesc(*mockHost), *version, *image, len(seqs), *gen, *seed)
	res, err := differential.Check(ctx, cfg, seqs)
	if err != nil {
		if res != nil {
			report(stdout, res, *knownInFull)
		}
		return fail(err)
	}
	if *runRe != "" {
		// A part of the sequences ran: an entry for "*" matched nothing
		// only because its differences were not looked for.
		res.Stale, res.Partial = nil, true
	}
	if *save != "" {
		if err := saveResult(*save, res); err != nil {
			return fail(err)
		}
	}
	return report(stdout, res, *knownInFull)
}

// report prints res and gives the exit status.
func report(w io.Writer, res *differential.Result, knownInFull bool) int {
	differential.Report(w, res, differential.ReportOptions{NameA: "real", NameB: "mock", KnownInFull: knownInFull})
	if n := res.New(); n > 0 {
		fmt.Fprintf(w, "diffcheck: %d difference(s) not in the known file\n", n)
		return 1
	}
	return 0
}

func saveResult(file string, res *differential.Result) error {
	b, err := json.MarshalIndent(res, "", "\t")
	if err != nil {
		return err
	}
	return os.WriteFile(file, b, 0o644)
}

// loadResult reads a result saved by -save and matches it against known
// afresh.
func loadResult(file string, known *differential.Known) (*differential.Result, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var res differential.Result
	if err := json.Unmarshal(b, &res); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	for i := range res.Differences {
		res.Differences[i].Known = nil
	}
	known.Mark(res.Differences)
	if !res.Partial {
		res.Stale = known.Stale(res.Ran)
	}
	return &res, nil
}

func mockDesc(host string) string {
	if host == "" {
		return "the in-process mock"
	}
	return host
}

func loadKnown(file string) (*differential.Known, error) {
	if file == "" {
		return differential.DefaultKnown()
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return differential.ParseKnown(f, file)
}
