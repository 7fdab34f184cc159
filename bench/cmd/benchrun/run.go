package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// measure runs a command to its end with env added to this process's
// environment, and returns its sample: the wall time to exit, or, with
// firstLine set, to its first line of output. Output is discarded; the
// byte count a program prints ("N bytes") is kept.
func measure(env []string, firstLine bool, name string, args ...string) (Sample, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return Sample{}, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return Sample{}, err
	}
	var s Sample
	r := bufio.NewReader(stdout)
	line, lerr := r.ReadString('\n')
	if firstLine {
		s.Wall = time.Since(start)
	}
	io.Copy(io.Discard, r)
	werr := cmd.Wait()
	if !firstLine {
		s.Wall = time.Since(start)
	}
	if werr != nil {
		return s, fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), werr, stderr.String())
	}
	if lerr != nil && lerr != io.EOF {
		return s, lerr
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		s.User = time.Duration(ru.Utime.Nano())
		s.Sys = time.Duration(ru.Stime.Nano())
		s.MaxRSSKiB = ru.Maxrss
	}
	if n, ok := strings.CutSuffix(strings.TrimSpace(line), " bytes"); ok {
		s.Bytes, _ = strconv.ParseInt(n, 10, 64)
	}
	return s, nil
}
