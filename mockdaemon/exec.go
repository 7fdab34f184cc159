package mockdaemon

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// execInst is an exec instance. Like dockerd's, it is listed twice: in
// d.execs (what inspect and start find) and, until it ends, in its
// container's execIDs. An exec that never ran is forgotten by both when
// its container stops; an ended one stays in d.execs until its container
// is removed or the exec collector drops it.
type execInst struct {
	id          string
	c           *container
	argv        []string
	env         []string
	dir         string // the exec's, else the container's working directory
	user        string // the exec's, else the container's user
	tty         bool
	attachIn    bool
	attachOut   bool
	attachErr   bool
	privileged  bool
	detachKeys  []byte
	running     bool
	exitCode    *int
	pid         int
	canRemove   bool
	consoleSize *[2]int
	termSize    termSize // its terminal's window size (resize, ConsoleSize)
}

// execReadyLocked finds exec id for a start, with dockerd's checks of its
// container (getExecConfig).
func (d *Daemon) execReadyLocked(id string) (*execInst, error) {
	e, ok := d.execs[id]
	if !ok {
		return nil, noSuchExec(id)
	}
	c := e.c
	switch {
	case d.containers[c.id] != c:
		return nil, noSuchContainer(id)
	case c.state.Restarting:
		return nil, errConflict(fmt.Sprintf("Container %s is restarting, wait until the container is running", c.id))
	case !c.state.Running:
		return nil, errInternal(fmt.Sprintf("Container %s is not running: %s", c.id, c.statusText(d.now())))
	case c.state.Paused:
		return nil, errConflict(fmt.Sprintf("Container %s is paused, unpause the container before exec", c.id))
	}
	return e, nil
}

// beginExecLocked marks e running, as exec start does once its checks
// pass, and emits exec_start.
func (d *Daemon) beginExecLocked(e *execInst) error {
	switch {
	case e.exitCode != nil:
		return errConflict("Error: Exec command " + e.id + " has already run")
	case e.running:
		return errConflict("Error: Exec command " + e.id + " is already running")
	}
	e.running = true
	d.events.emit("container", "exec_start: "+strings.Join(e.argv, " "), e.c.id, mergeAttrs(e.c.eventAttrs(), "execID", e.id))
	return nil
}

// endExecLocked records the end of e with code, unless it has one:
// dockerd takes the first of an exit, a failed start and a detach. The
// container forgets an ended exec (ExecIDs); inspect still finds it.
func (d *Daemon) endExecLocked(e *execInst, code int) bool {
	if e.exitCode != nil {
		return false
	}
	e.running = false
	e.exitCode = &code
	e.c.execIDs = slices.DeleteFunc(e.c.execIDs, func(id string) bool { return id == e.id })
	return true
}

// stopExecsLocked is the part of a container's stop that concerns its
// execs: those still running end killed (the kill of the container's
// processes reaches them first), those never started are forgotten.
func (d *Daemon) stopExecsLocked(c *container) {
	for _, id := range slices.Clone(c.execIDs) {
		e := d.execs[id]
		switch {
		case e == nil:
		case e.running:
			if d.endExecLocked(e, 137) {
				d.events.emit("container", "exec_die", c.id, mergeAttrs(c.eventAttrs(), "execID", e.id, "exitCode", "137"))
			}
		default:
			delete(d.execs, id)
		}
	}
	c.execIDs = nil
}

// forgetExecsLocked drops every exec of c, for its removal: dockerd's
// inspect finds no exec whose container is gone.
func (d *Daemon) forgetExecsLocked(c *container) {
	for id, e := range d.execs {
		if e.c == c {
			delete(d.execs, id)
		}
	}
	c.execIDs = nil
}

// execCollectEvery is the period of dockerd's exec collector.
const execCollectEvery = 5 * time.Minute

// collectExecsLocked runs the ticks of dockerd's exec collector due since
// the daemon started: each tick drops the execs it marked CanRemove the
// tick before and marks those no container lists any more (ended, or of a
// stopped container). It runs when an exec operation looks, which shows
// the same as a ticker would.
func (d *Daemon) collectExecsLocked() {
	due := int(d.now().Sub(d.started) / execCollectEvery)
	for tick := d.execTicks + 1; tick <= due; tick++ {
		if tick < due-1 {
			continue // two ticks clear everything that is not live
		}
		live := map[string]bool{}
		for _, c := range d.containers {
			for _, id := range c.execIDs {
				live[id] = true
			}
		}
		for id, e := range d.execs {
			switch {
			case e.canRemove:
				delete(d.execs, id)
			case !live[id]:
				e.canRemove = true
			}
		}
	}
	d.execTicks = max(d.execTicks, due)
}

// trackExecLocked kills an exec's process when its container's run ends.
func (d *Daemon) trackExecLocked(c *container, p proc) {
	exited := c.exited
	d.goTracked(func() {
		select {
		case <-p.Done():
		case <-exited:
			p.Signal(9)
		}
	})
}

// execSpecLocked is the process e runs in its container, without its
// streams.
func (d *Daemon) execSpecLocked(e *execInst) procSpec {
	c := e.c
	env := append(slices.Clone(c.config.Env), e.env...)
	return procSpec{
		Argv: e.argv, Env: d.processEnvLocked(c, env, e.user, e.tty), Dir: workDir(e.dir), User: e.user, GroupAdd: c.host.GroupAdd,
		Ulimits: c.rlimits(), TermSize: e.termSize.get, Hostname: d.utsNameLocked(c), FS: c.fs, Stdin: eofReader{},
		Stdout: io.Discard, Stderr: io.Discard, TTY: e.tty, PIDs: c.pids, Net: c.netNS(), MountInfo: c.mountinfo,
	}
}

// failExecLocked records an exec whose process could not start: exit
// code 126, no pid.
func (d *Daemon) failExecLocked(e *execInst) {
	d.endExecLocked(e, 126)
	e.pid = 0
}

// execFailure is the error of an exec start that failed, as dockerd
// answers it (a detached start) or writes it into the stream.
func execFailure(f *startFailure) error {
	if f.daemon {
		return errInternal(f.msg)
	}
	return errInvalid("OCI runtime exec failed: exec failed: unable to start container process: " + f.msg + ": unknown")
}

// execRun is a started exec process with the streams of its client.
type execRun struct {
	p        proc
	done     chan struct{} // closed once the process ended and its end is recorded
	stdin    io.Writer     // the terminal or the pipe to the process; nil without stdin
	closeIn  func()        // ends the process's stdin (not a terminal's: dockerd keeps it)
	term     *terminal
	clientIO *cutWriters
}

// runExecLocked starts e's process. stdout and stderr are the client's
// streams (nil when not attached or not wanted); the process's output goes
// there until cut.
func (d *Daemon) runExecLocked(e *execInst, spec procSpec, stdout, stderr io.Writer) *execRun {
	c := e.c
	cw := &cutWriters{}
	out, errw := cw.wrap(stdout), cw.wrap(stderr)
	run := &execRun{done: make(chan struct{}), clientIO: cw}
	procDone := make(chan struct{})
	var stdinPipe *io.PipeReader
	gated := func(w io.Writer) io.Writer { return &gatedWriter{g: c.pauseGate, done: procDone, w: w} }
	if e.tty {
		run.term = newTerminal(out)
		spec.Stdin = run.term
		spec.Stdout = gated(run.term.output())
		spec.Stderr = spec.Stdout
		if e.attachIn {
			run.stdin = run.term
		}
	} else {
		spec.Stdout, spec.Stderr = gated(out), gated(errw)
		if e.attachIn {
			pr, pw := io.Pipe()
			spec.Stdin, stdinPipe = pr, pr
			run.stdin, run.closeIn = pw, func() { pw.Close() }
		}
	}
	d.nextPID++
	e.pid = d.nextPID + 1000
	p := startProc(spec)
	run.p = p
	if run.term != nil {
		run.term.setSignal(p.Signal)
	}
	d.trackExecLocked(c, p)
	d.goTracked(func() {
		<-p.Done()
		close(procDone)
		if run.term != nil {
			run.term.Close()
		}
		if stdinPipe != nil {
			stdinPipe.Close() // a client still writing gets an error, not a wait
		}
		code := p.ExitCode()
		_ = d.locked(func() error {
			if d.endExecLocked(e, code) {
				d.events.emit("container", "exec_die", c.id, mergeAttrs(c.eventAttrs(), "execID", e.id, "exitCode", strconv.Itoa(code)))
			}
			return nil
		})
		close(run.done)
	})
	return run
}

// cutWriters are the client's streams of an exec, which stop taking the
// process's output (it goes nowhere) once the stream has ended.
type cutWriters struct{ cut atomic.Bool }

func (cw *cutWriters) wrap(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return cutWriter{cw, w}
}

// stop cuts the streams off. A write already under way is not waited for:
// the connection's close ends it.
func (cw *cutWriters) stop() { cw.cut.Store(true) }

type cutWriter struct {
	cw *cutWriters
	w  io.Writer
}

func (c cutWriter) Write(p []byte) (int, error) {
	if c.cw.cut.Load() {
		return len(p), nil
	}
	return c.w.Write(p)
}
