package mockdaemon

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
)

// execInst is an exec instance.
type execInst struct {
	id          string
	c           *container
	argv        []string
	env         []string
	dir         string
	user        string
	tty         bool
	attachIn    bool
	attachOut   bool
	attachErr   bool
	privileged  bool
	detachKeys  string
	running     bool
	started     bool
	exitCode    *int
	pid         int
	consoleSize *[2]int
}

// trackExec kills an exec's process when its container's run ends.
func (d *Daemon) trackExec(c *container, p proc) {
	exited, _ := lockedValue(d, func() (chan struct{}, error) { return c.exited, nil })
	d.goTracked(func() {
		select {
		case <-p.Done():
		case <-exited:
			p.Signal(9)
		}
	})
}

// crlfWriter turns \n into \r\n as a TTY does.
type crlfWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (c *crlfWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	q := strings.ReplaceAll(strings.ReplaceAll(string(p), "\r\n", "\n"), "\n", "\r\n")
	if _, err := io.WriteString(c.w, q); err != nil {
		return 0, err
	}
	return len(p), nil
}

// startExecLocked marks the exec id started, as exec start does once its
// checks pass, and emits exec_start.
func (d *Daemon) startExecLocked(id string) (*execInst, error) {
	e, ok := d.execs[id]
	switch {
	case !ok:
		return nil, noSuchExec(id)
	case e.running:
		return nil, errConflict("Error: Exec command " + e.id + " is already running")
	case e.started:
		return nil, errConflict("Error: Exec command " + e.id + " has already run")
	case !e.c.state.Running:
		return nil, errConflict(fmt.Sprintf("container %s is not running", e.c.id))
	case e.c.state.Paused:
		return nil, errConflict(fmt.Sprintf("container %s is paused, unpause the container before exec", e.c.id))
	}
	e.started = true
	e.running = true
	d.nextPID++
	e.pid = d.nextPID + 1000
	d.events.emit("container", "exec_start: "+strings.Join(e.argv, " "), e.c.id, mergeAttrs(e.c.eventAttrs(), "execID", e.id))
	return e, nil
}

// execSpecLocked is the process e runs in its container, without its
// streams.
func (d *Daemon) execSpecLocked(e *execInst) procSpec {
	c := e.c
	env := append(slices.Clone(c.config.Env), e.env...)
	user := e.user
	if user == "" {
		user = c.config.User
	}
	dir := e.dir
	if dir == "" {
		dir = workDir(c.config.WorkingDir)
	}
	return procSpec{
		Argv: e.argv, Env: d.processEnvLocked(c, env, user), Dir: dir, User: user,
		Hostname: c.config.Hostname, FS: c.fs, Stdin: eofReader{},
		Stdout: io.Discard, Stderr: io.Discard,
	}
}
