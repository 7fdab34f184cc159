// Command diffcheck sends the same request sequences to a real dockerd and
// to the mock daemon and prints where their answers differ, grouped by
// class, with a summary:
//
//	requests compared: N
//	differences: N (known N, new N)
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
// from -seed. Differences listed in the known-differences file
// (conformance/differential/testdata/known.txt, or -known) are reported but
// accepted; an entry that matched nothing is reported as stale.
//
// The exit status is 1 when a difference is not in the known file, 2 when
// the check could not run, 0 otherwise.
package main

import (
	"context"
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
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "diffcheck:", err)
		return 2
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
	known, err := loadKnown(*knownFile)
	if err != nil {
		return fail(err)
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
		d := mockdaemon.New(mockdaemon.Config{MaxAPIVersion: *version, Images: []string{*image}, HostBinds: true})
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
	if res != nil {
		differential.Report(stdout, res, "real", mockName)
	}
	if err != nil {
		return fail(err)
	}
	if n := res.New(); n > 0 {
		fmt.Fprintf(stdout, "diffcheck: %d difference(s) not in the known file\n", n)
		return 1
	}
	return 0
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
