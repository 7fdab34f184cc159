package canned

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

const (
	envSocket = "DOCKWIRE_BENCH_CANNED_SOCKET"
	envDir    = "DOCKWIRE_BENCH_CANNED_DIR"
)

// ServeIfChild serves the recorded answers and never returns when the
// program was started by [Start]; otherwise it returns at once. Call it
// first thing in main, or in TestMain before m.Run.
func ServeIfChild() {
	sock := os.Getenv(envSocket)
	if sock == "" {
		return
	}
	a, err := Load(os.Getenv(envDir))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	l, err := net.Listen("unix", sock)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// The parent holds our stdin: when it closes it, or dies, we go.
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	fmt.Println("ready")
	err = http.Serve(l, a.Handler())
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

// Start runs the server in a child process, the running program
// re-executed (which must call [ServeIfChild]), on a new unix socket, and
// returns the socket's path and a function that stops the child.
func Start(dir string) (sock string, stop func() error, err error) {
	dir, err = filepath.Abs(dir)
	if err != nil {
		return "", nil, err
	}
	if _, err := Load(dir); err != nil { // fail here, not in the child
		return "", nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	tmp, err := os.MkdirTemp("", "canned")
	if err != nil {
		return "", nil, err
	}
	sock = filepath.Join(tmp, "docker.sock")
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), envSocket+"="+sock, envDir+"="+dir)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		os.RemoveAll(tmp)
		return "", nil, err
	}
	stop = func() error {
		stdin.Close()
		err := cmd.Wait()
		os.RemoveAll(tmp)
		return err
	}
	ready := make(chan error, 1)
	go func() {
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err == nil && line != "ready\n" {
			err = fmt.Errorf("canned: the child said %q", line)
		}
		ready <- err
	}()
	select {
	case err = <-ready:
	case <-time.After(10 * time.Second):
		err = errors.New("canned: the child did not start in 10 s")
	}
	if err != nil {
		cmd.Process.Kill()
		stop()
		return "", nil, err
	}
	return sock, stop, nil
}
