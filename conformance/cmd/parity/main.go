// Command parity runs the conformance suite against each target named and
// prints a table, scenario x target, of pass / FAIL / skip(reason), then a
// summary line per target:
//
//	conformance <target>: N passed, N failed, N skipped
//
// Usage, from anywhere in the module:
//
//	go run ./conformance/cmd/parity [-timeout 20m] [target...]
//
// Targets: mock-newest and mock-1.41 (the in-process mock daemon, always
// available), real (the daemon DOCKWIRE_REAL_DOCKER_HOST names) and podman
// (DOCKWIRE_PODMAN_HOST). With no target named it runs the mocks, plus real
// and podman when their variables are set. It runs
// `go test -json -count=1 -run '^(TestMock|TestReal|TestPodman)$' ./conformance`
// (only the tests the targets need) and reads the events. The exit status
// is 1 when a scenario failed, 2 when the suite could not run.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	timeout := flag.Duration("timeout", 30*time.Minute, "go test -timeout")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: parity [-timeout d] [target...]\ntargets: %s\n", strings.Join(knownTargets(), " "))
		flag.PrintDefaults()
	}
	flag.Parse()
	targets := flag.Args()
	if len(targets) == 0 {
		targets = defaultTargets(os.Getenv)
	}
	for _, tg := range targets {
		if testOf(tg) == "" {
			fmt.Fprintf(os.Stderr, "parity: unknown target %q (known: %s)\n", tg, strings.Join(knownTargets(), " "))
			os.Exit(2)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	code, err := run(ctx, os.Stdout, targets, *timeout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "parity:", err)
	}
	os.Exit(code)
}

// run runs go test for targets and writes the report to w.
func run(ctx context.Context, w io.Writer, targets []string, timeout time.Duration) (int, error) {
	root, err := moduleRoot(ctx)
	if err != nil {
		return 2, err
	}
	args := []string{"test", "-json", "-count=1", "-timeout", timeout.String(), "-run", runPattern(targets), "./conformance"}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 2, err
	}
	if err := cmd.Start(); err != nil {
		return 2, err
	}
	rep, perr := Parse(out)
	werr := cmd.Wait()
	if perr != nil {
		return 2, fmt.Errorf("reading go test -json: %w", perr)
	}
	if len(rep.Results) == 0 {
		return 2, fmt.Errorf("go test %s ran nothing: %v\n%s%s", strings.Join(args, " "), werr, stderr.Bytes(), rep.BuildOutput)
	}
	rep.Write(w, targets)
	if rep.Failed(targets) {
		return 1, nil
	}
	var ee *exec.ExitError
	if werr != nil && !errors.As(werr, &ee) {
		return 2, werr
	}
	return 0, nil
}

func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("not inside the dockwire module: run from its tree")
	}
	return filepath.Dir(mod), nil
}
