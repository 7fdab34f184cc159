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
// firstLine set, to its first line of output, and its CPU time. Output is
// discarded; the byte count a program prints ("N bytes") is kept.
//
// With rss set the command runs under /usr/bin/time, which reports its
// peak RSS: the kernel's own figure for a child started from this process
// would be at least this process's RSS, as the child shares this
// process's memory between the fork and the exec (Go forks with
// CLONE_VM). Without /usr/bin/time, MaxRSSKiB stays 0.
func measure(env []string, firstLine, rss bool, name string, args ...string) (Sample, error) {
	var rssFile string
	if rss {
		if t, err := exec.LookPath("/usr/bin/time"); err == nil {
			f, err := os.CreateTemp("", "rss")
			if err != nil {
				return Sample{}, err
			}
			f.Close()
			defer os.Remove(f.Name())
			rssFile = f.Name()
			name, args = t, append([]string{"-f", "%M", "-o", rssFile, name}, args...)
		}
	}
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
	}
	if rssFile != "" {
		b, err := os.ReadFile(rssFile)
		if err != nil {
			return s, err
		}
		if s.MaxRSSKiB, err = strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err != nil {
			return s, fmt.Errorf("/usr/bin/time: %q: %w", b, err)
		}
	}
	if n, ok := strings.CutSuffix(strings.TrimSpace(line), " bytes"); ok {
		s.Bytes, _ = strconv.ParseInt(n, 10, 64)
	}
	return s, nil
}
