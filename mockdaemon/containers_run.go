package mockdaemon

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
	"github.com/dockwire/dockwire/mockdaemon/internal/shell"
)

var signals = map[string]int{
	"HUP": 1, "INT": 2, "QUIT": 3, "ILL": 4, "TRAP": 5, "ABRT": 6, "BUS": 7, "FPE": 8, "KILL": 9,
	"USR1": 10, "SEGV": 11, "USR2": 12, "PIPE": 13, "ALRM": 14, "TERM": 15, "STKFLT": 16, "CHLD": 17,
	"CONT": 18, "STOP": 19, "TSTP": 20, "TTIN": 21, "TTOU": 22, "URG": 23, "XCPU": 24, "XFSZ": 25,
	"VTALRM": 26, "PROF": 27, "WINCH": 28, "IO": 29, "PWR": 30, "SYS": 31,
}

// parseSignal parses "SIGKILL", "KILL", "9"; "" is def.
func parseSignal(s string, def int) (int, error) {
	if s == "" {
		return def, nil
	}
	if n, err := strconv.Atoi(s); err == nil {
		if n <= 0 || n > 64 {
			return 0, errInvalid("Invalid signal: " + s)
		}
		return n, nil
	}
	if n, ok := signals[strings.TrimPrefix(strings.ToUpper(s), "SIG")]; ok {
		return n, nil
	}
	return 0, errInvalid("Invalid signal: " + s)
}

// startFailedLocked records a start that failed as dockerd does: the
// error in State.Error, its endpoints released, an exit code (runc's 127
// or 126, else 128 unless the last run left one), the container removed
// if AutoRemove; and returns the error.
func (d *Daemon) startFailedLocked(c *container, f *startFailure) error {
	err := errInternal(f.msg) // dockerd's own lookup of the user
	if !f.daemon {
		msg := "failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: " + f.msg + ": unknown"
		err = errInvalid(msg)
		if f.system {
			err = errInternal(msg)
		}
	}
	c.state.Error = err.Error()
	d.releaseNetworksLocked(c)
	switch {
	case f.code != 0:
		c.state.ExitCode = f.code
	case c.state.ExitCode == 0:
		c.state.ExitCode = 128
	}
	if c.host.AutoRemove && !c.removing {
		// dockerd removes an AutoRemove container whose start failed
		// (docker run --rm waits for that).
		d.removeLocked(c, true)
		d.emitContainerLocked(c, "destroy")
	}
	return err
}

// startLocked starts c's process.
func (d *Daemon) startLocked(c *container) error {
	if d.closing() {
		return errUnavailable("mockdaemon: daemon is shutting down")
	}
	if c.removing {
		return errConflict("cannot start a container that is being removed")
	}
	if c.state.Paused {
		return errConflict("cannot start a paused container, try unpause instead")
	}
	if c.state.Running {
		return errNotModified()
	}
	if err := d.attachNetworksLocked(c); err != nil {
		return err
	}
	d.joinSandboxLocked(c)
	f := d.linkFailureLocked(c)
	if f == nil {
		f = d.ipcFailureLocked(c)
	}
	if f == nil {
		f = d.pidFailureLocked(c)
	}
	if f != nil { // before the logger starts
		d.leaveSandboxLocked(c)
		return d.startFailedLocked(c, f)
	}
	initOn := c.host.Init != nil && *c.host.Init
	spec := procSpec{
		Argv:      append([]string{c.path}, c.args...),
		Env:       d.processEnvLocked(c, c.config.Env, c.config.User, c.config.Tty),
		Dir:       workDir(c.config.WorkingDir),
		User:      c.config.User,
		GroupAdd:  c.host.GroupAdd,
		Ulimits:   c.rlimits(),
		TermSize:  c.termSize.get,
		Hostname:  d.utsNameLocked(c),
		FS:        c.fs,
		TTY:       c.config.Tty,
		PID1:      true,
		Init:      initOn,
		PIDs:      d.pidNamespaceLocked(c),
		Net:       c.netNS(),
		MountInfo: c.mountinfo,
	}
	// dockerd looks the user up before the logger starts, runc the
	// program after; under an init, a program that cannot run is the
	// init's to report.
	f = checkStart(spec, false)
	if f == nil || !f.daemon {
		if m := failedMount(c); m != nil { // runc mounts before it runs the program
			f = m
		}
		c.startLogger()
	}
	if f != nil && (f.daemon || f.system || !initOn) {
		d.leaveSandboxLocked(c)
		return d.startFailedLocked(c, f)
	}
	c.stopping = false
	c.manualStop = false
	c.hasRun = true
	c.exited = make(chan struct{})
	c.pauseGate = &gate{}
	d.volumeEventsLocked(c, "mount")
	d.nextPID++
	c.pid = d.nextPID + 1000
	c.state = containerState{Status: "running", Running: true, Pid: c.pid, StartedAt: d.now(), FinishedAt: c.state.FinishedAt}
	c.logs.startRun()
	done := make(chan struct{})
	gated := func(w io.Writer) io.Writer { return &gatedWriter{g: c.pauseGate, done: done, w: w} }
	c.stdin, c.term = nil, nil
	spec.Stdin = eofReader{}
	if c.config.Tty {
		// One terminal output, echo included; without OpenStdin nothing
		// types into it and a read waits, as on dockerd.
		c.term = newTerminal(&logWriter{l: c.logs, stream: 1})
		spec.Stdin, spec.Stdout = c.term, gated(c.term.output())
		spec.Stderr = spec.Stdout
	} else {
		if c.config.OpenStdin {
			c.stdin = newStdinPipe()
			spec.Stdin = c.stdin.r
		}
		spec.Stdout = gated(&logWriter{l: c.logs, stream: 1})
		spec.Stderr = gated(&logWriter{l: c.logs, stream: 2})
	}
	c.pids = spec.PIDs
	p := startProc(spec)
	c.proc = p
	term := c.term
	if term != nil {
		term.setSignal(p.Signal)
	}
	exited := c.exited
	d.startHealthLocked(c, exited)
	d.goTracked(func() {
		<-p.Done()
		close(done)
		if term != nil {
			term.Close()
		}
		d.onExit(c, p, exited)
	})
	return nil
}

// joinSandboxLocked gives c what dockerd sets up at a start before the
// process runs, once attachNetworksLocked has made its sandbox and
// endpoints: at the first start the container's files (hostname, hosts,
// resolv.conf; those of the container whose namespace it joins) and the
// runtime; at each start the published ports and the files that tell the
// process its addresses; d.mu held.
func (d *Daemon) joinSandboxLocked(c *container) {
	if c.files.hostname == "" {
		dir := "/var/lib/docker/containers/" + c.id + "/"
		c.files.hostname = dir + "hostname"
		if !c.config.NetworkDisabled { // the sandbox's files: none without one
			c.files.hosts, c.files.resolvConf = dir+"hosts", dir+"resolv.conf"
		}
	}
	if o := d.netContainerLocked(c); o != nil {
		// dockerd's initializeNetworking: the joined container's files and
		// host name
		c.files.hostname, c.files.hosts, c.files.resolvConf = o.files.hostname, o.files.hosts, o.files.resolvConf
		c.config.Hostname, c.config.Domainname = o.config.Hostname, o.config.Domainname
	}
	if c.host.Runtime == "" {
		c.host.Runtime = defaultRuntime
	}
	d.allocatePortsLocked(c)
	d.publishLocked(c) // portproxy.go
	d.writeDaemonFilesLocked(c)
}

// leaveSandboxLocked releases what joinSandboxLocked took when c's process
// ends: the published ports (releaseNetworksLocked removes the
// endpoints). The sandbox id stays, as on dockerd; d.mu held.
func (d *Daemon) leaveSandboxLocked(c *container) {
	d.unpublishLocked(c)
	c.ports = nil
	c.releaseShm()
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

func workDir(w string) string {
	if w == "" {
		return "/"
	}
	return w
}

// processEnvLocked is the environment of a process in c that runs as
// user with env (the container's Env, then an exec's): dockerd's defaults
// (PATH, HOSTNAME, TERM when the process has a terminal: dockerd decides
// by the exec's Tty for an exec, not by the container's) with env
// replacing or adding to them, an entry without "=" unsetting its
// variable; then HOME from the user's passwd entry when env has none, as
// runc sets it.
func (d *Daemon) processEnvLocked(c *container, env []string, user string, tty bool) []string {
	base := []string{"PATH=" + defaultPathEnv, "HOSTNAME=" + c.config.Hostname}
	if tty {
		base = append(base, "TERM=xterm")
	}
	base = append(base, d.linkEnvLocked(c)...)
	out := replaceOrAppendEnv(base, env)
	if !slices.ContainsFunc(out, func(e string) bool { return strings.HasPrefix(e, "HOME=") }) {
		out = append(out, "HOME="+homeOf(c.fs, user))
	}
	return out
}

// defaultPathEnv is the PATH of a process whose container sets none.
const defaultPathEnv = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// replaceOrAppendEnv is env with each of overrides in turn replacing the
// entry of its variable or added at the end; an override without "="
// removes its variable.
func replaceOrAppendEnv(env, overrides []string) []string {
	out := slices.Clone(env)
	for _, o := range overrides {
		k, _, set := strings.Cut(o, "=")
		i := slices.IndexFunc(out, func(e string) bool { ek, _, _ := strings.Cut(e, "="); return ek == k })
		switch {
		case !set && i >= 0:
			out = slices.Delete(out, i, i+1)
		case !set:
		case i >= 0:
			out[i] = o
		default:
			out = append(out, o)
		}
	}
	return out
}

// homeOf is the home directory of user ("name", "uid", either with
// ":group") in the passwd file of f, "/" when it has no entry, as runc
// finds it.
func homeOf(f *memfs.FS, user string) string {
	u, _, _ := strings.Cut(user, ":")
	if u == "" {
		u = "0"
	}
	pw := lookupDB(f, "/etc/passwd", func(fields []string) bool { return fields[0] == u || fields[2] == u })
	if len(pw) > 5 && pw[5] != "" {
		return pw[5]
	}
	return "/"
}

// onExit records the end of a run of c's process.
func (d *Daemon) onExit(c *container, p proc, exited chan struct{}) {
	code := p.ExitCode()
	var current, restart, autoRemove bool
	_ = d.locked(func() error {
		if current = c.proc == p; !current {
			return nil
		}
		c.proc = nil
		if c.stdin != nil {
			c.stdin.w.Close()
			c.stdin.r.Close()
		}
		c.pauseGate.resume()
		c.state.Running = false
		c.state.Paused = false
		c.state.Pid = 0
		c.state.ExitCode = code
		c.state.FinishedAt = d.now()
		c.state.Status = "exited"
		if c.health != nil {
			// dockerd marks the health unhealthy when it stops the monitor
			c.health.Status = "unhealthy"
		}
		d.leaveSandboxLocked(c)
		restart = !c.stopping && !d.closing() && !c.removing && c.shouldRestart(code)
		autoRemove = c.host.AutoRemove && !c.removing && !restart && !c.restartingByRequest
		if autoRemove {
			c.removing = true
			c.state.Status = "removing"
		}
		if restart {
			c.restartCount++
			c.state.Restarting = true
			c.state.Status = "restarting"
		}
		d.stopExecsLocked(c)
		d.emitContainerLocked(c, "die", "exitCode", strconv.Itoa(code))
		d.releaseNetworksLocked(c) // after the die, as dockerd's Cleanup
		return nil
	})
	if !current {
		return
	}
	c.logs.endRun()
	_ = d.locked(func() error {
		d.volumeEventsLocked(c, "unmount")
		return nil
	})
	close(exited)
	if restart {
		// dockerd's restart manager waits before it starts the container
		// again: 100 ms, doubled at each restart up to a minute, back to
		// 100 ms after a run of 10 s or more. Meanwhile the container is
		// restarting; a stop, kill or removal cancels the restart.
		var delay time.Duration
		var cancel chan struct{}
		_ = d.locked(func() error {
			if d.now().Sub(c.state.StartedAt) >= 10*time.Second {
				c.restartDelay = 0
			}
			switch {
			case c.restartDelay == 0:
				c.restartDelay = 100 * time.Millisecond
			case c.restartDelay < time.Minute:
				c.restartDelay *= 2
			}
			c.restartDelay = min(c.restartDelay, time.Minute)
			delay = c.restartDelay
			cancel = make(chan struct{})
			c.restartCancel = cancel
			return nil
		})
		d.goTracked(func() {
			t := time.NewTimer(delay)
			defer t.Stop()
			select {
			case <-t.C:
			case <-cancel:
			case <-d.ctx.Done():
			}
			_ = d.locked(func() error {
				if c.restartCancel != cancel || !c.state.Restarting {
					return nil // cancelled: the canceller has set the state
				}
				c.restartCancel = nil
				c.state.Restarting = false
				if d.closing() || c.removing || c.stopping {
					c.state.Status = "exited"
					return nil
				}
				_ = d.startLocked(c)
				d.emitContainerLocked(c, "restart")
				return nil
			})
		})
		return
	}
	if autoRemove {
		// dockerd removes an AutoRemove container a little after its exit
		// (unmounts, deletes the rootfs): clients that start it and then
		// wait (dockerode's run) find it "removing", not gone.
		d.goTracked(func() {
			t := time.NewTimer(autoRemoveDelay)
			select {
			case <-t.C:
			case <-d.ctx.Done():
				t.Stop()
			}
			_ = d.locked(func() error {
				d.removeLocked(c, true)
				d.emitContainerLocked(c, "destroy")
				return nil
			})
		})
	}
}

// autoRemoveDelay is how long an exited AutoRemove container stays in the
// "removing" state.
const autoRemoveDelay = 50 * time.Millisecond

func (c *container) shouldRestart(code int) bool {
	switch c.host.RestartPolicy.Name {
	case "always":
		return true // a stop or a kill of the stop signal cancels it (c.stopping)
	case "unless-stopped":
		return !c.manualStop
	case "on-failure":
		return code != 0 && (c.host.RestartPolicy.MaximumRetryCount == 0 || c.restartCount < c.host.RestartPolicy.MaximumRetryCount)
	}
	return false
}

// removeLocked takes c out of the daemon.
func (d *Daemon) removeLocked(c *container, removeVolumes bool) {
	if _, ok := d.containers[c.id]; !ok {
		return
	}
	d.unindexContainerLocked(c)
	delete(d.names, c.name)
	d.forgetLinksLocked(c)
	d.forgetExecsLocked(c)
	d.releaseNetworksLocked(c)
	d.detachVolumesLocked(c, removeVolumes)
	c.state.Status = "removing"
	close(c.removed)
}

func (d *Daemon) containerStart(w http.ResponseWriter, r *http.Request) error {
	return d.respondEmpty(w, http.StatusNoContent, func() error {
		c, err := d.getContainerLocked(r.PathValue("id"))
		if err != nil {
			return err
		}
		if err := d.startLocked(c); err != nil {
			return err
		}
		// In the section that starts it, so that it precedes the die of
		// a process that ends at once.
		d.emitContainerLocked(c, "start")
		return nil
	})
}

// stopParams reads the signal and t parameters of stop and restart.
func (c *container) stopParams(r *http.Request) (sig int, timeout time.Duration, err error) {
	sig, err = parseSignal(r.URL.Query().Get("signal"), 0)
	if err != nil {
		return 0, 0, err
	}
	if sig == 0 {
		sig, _ = parseSignal(c.config.StopSignal, 15)
	}
	secs := 10
	if c.config.StopTimeout != nil {
		secs = *c.config.StopTimeout
	}
	if s := r.URL.Query().Get("t"); s != "" {
		if secs, err = strconv.Atoi(s); err != nil {
			return 0, 0, errInvalid("invalid value for t: " + s)
		}
	}
	if secs < 0 {
		return sig, -1, nil
	}
	return sig, time.Duration(secs) * time.Second, nil
}

// stop sends the stop signal, waits up to timeout (forever when negative),
// then kills. It reports whether the container was running. It ends
// early only when the daemon closes (the process is then killed).
func (d *Daemon) stop(c *container, sig int, timeout time.Duration) bool {
	var p proc
	var exited chan struct{}
	cancelled := false
	_ = d.locked(func() error {
		if !c.state.Running {
			cancelled = d.cancelRestartLocked(c)
			return nil
		}
		c.stopping = true
		c.manualStop = true
		p, exited = c.proc, c.exited
		if p != nil {
			d.emitContainerLocked(c, "kill", "signal", strconv.Itoa(sig))
		}
		d.resumeForSignalLocked(c)
		return nil
	})
	if p == nil {
		return cancelled
	}
	p.Signal(sig)
	var tc <-chan time.Time
	if timeout >= 0 {
		t := time.NewTimer(timeout)
		tc = t.C
	}
	select {
	case <-exited:
	case <-tc:
		d.emitContainer(c, "kill", "signal", "9")
		p.Signal(9)
		<-exited
	case <-d.ctx.Done():
		p.Signal(9)
		<-exited
	}
	return true
}

// detached runs op, the work of a stop or a restart, to its end whatever
// becomes of the request, as dockerd does: a client that gives up (a
// cancelled context, a closed connection) loses the answer, not the stop
// and its kill at the timeout, nor the start of a restart. The handler
// returns op's error, or the request's once that ends first.
func (d *Daemon) detached(r *http.Request, op func() error) error {
	done := make(chan error, 1)
	d.goTracked(func() { done <- op() })
	select {
	case err := <-done:
		return err
	case <-r.Context().Done():
		return errInternal(fmt.Sprintf("mockdaemon: %s %s: %v", path.Base(r.URL.Path), r.PathValue("id"), r.Context().Err()))
	}
}

// stopTarget reads the container a stop or restart names and its stop
// signal and timeout.
func (d *Daemon) stopTarget(r *http.Request) (c *container, sig int, timeout time.Duration, err error) {
	c, err = lockedValue(d, func() (*container, error) { return d.getContainerLocked(r.PathValue("id")) })
	if err != nil {
		return nil, 0, 0, err
	}
	sig, timeout, err = c.stopParams(r)
	return c, sig, timeout, err
}

func (d *Daemon) containerStop(w http.ResponseWriter, r *http.Request) error {
	c, sig, timeout, err := d.stopTarget(r)
	if err != nil {
		return err
	}
	err = d.detached(r, func() error {
		if !d.stop(c, sig, timeout) {
			return errNotModified()
		}
		d.emitContainer(c, "stop")
		return nil
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// containerRestart stops and starts the container. As dockerd's restart,
// it keeps an AutoRemove container from being removed by the stop.
func (d *Daemon) containerRestart(w http.ResponseWriter, r *http.Request) error {
	c, sig, timeout, err := d.stopTarget(r)
	if err != nil {
		return err
	}
	err = d.detached(r, func() error {
		_ = d.locked(func() error {
			c.restartingByRequest = true
			return nil
		})
		ran := d.stop(c, sig, timeout)
		return d.locked(func() error {
			c.restartingByRequest = false
			if ran {
				d.emitContainerLocked(c, "stop")
			}
			if !c.state.Running { // else restarted by its policy meanwhile
				if err := d.startLocked(c); err != nil {
					return err
				}
				// RestartCount counts the restart policy's restarts only
			}
			// before the die of a process that ends at once
			d.emitContainerLocked(c, "start")
			d.emitContainerLocked(c, "restart")
			return nil
		})
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// cancelRestartLocked ends a restart c's policy has scheduled (a stop or
// a kill of a restarting container, as dockerd cancels its restart
// manager): c stays exited; it reports whether one was pending; d.mu held.
func (d *Daemon) cancelRestartLocked(c *container) bool {
	if !c.state.Restarting {
		return false
	}
	if c.restartCancel != nil {
		close(c.restartCancel)
		c.restartCancel = nil
	}
	c.state.Restarting = false
	c.state.Status = "exited"
	return true
}

// resumeForSignalLocked resumes c if it is paused, as dockerd does after
// it sends a paused container its stop signal or SIGKILL (containerd's
// resume: an unpause event); d.mu held.
func (d *Daemon) resumeForSignalLocked(c *container) {
	c.pauseGate.resume()
	if !c.state.Paused {
		return
	}
	c.state.Paused = false
	c.state.Status = "running"
	if pp, ok := c.proc.(interface{ Resume() }); ok {
		pp.Resume()
	}
	d.emitContainerLocked(c, "unpause")
}

// rlimits are c's HostConfig.Ulimits as its processes start with them
// (runc sets them for the container's process and its execs).
func (c *container) rlimits() []shell.Rlimit {
	var out []shell.Rlimit
	for _, raw := range c.host.Ulimits {
		var u struct {
			Name       string
			Soft, Hard int64
		}
		if json.Unmarshal(raw, &u) == nil && u.Name != "" {
			out = append(out, shell.Rlimit{Name: u.Name, Soft: u.Soft, Hard: u.Hard})
		}
	}
	return out
}

// startLogger records what dockerd's json-file logger gives a container
// when it starts: its LogPath (at a start, or at the first logs request
// of a container that never ran, which starts a logger to read with).
func (c *container) startLogger() {
	if c.files.log == "" && c.host.LogConfig.Type == "json-file" {
		c.files.log = "/var/lib/docker/containers/" + c.id + "/" + c.id + "-json.log"
	}
}

// killSignal reads kill's ?signal= as dockerd does: a name, or any
// number but 0 (a number Linux has no signal for is refused later, once
// the container is found); "" is SIGKILL.
func killSignal(s string) (int, error) {
	if n, err := strconv.Atoi(s); err == nil && n != 0 {
		return n, nil
	}
	return parseSignal(s, 9)
}

// linuxSignal reports whether Linux has the signal n: 1-31 and the
// real-time ones, 34-64.
func linuxSignal(n int) bool { return n >= 1 && n <= 31 || n >= 34 && n <= 64 }

func (d *Daemon) containerKill(w http.ResponseWriter, r *http.Request) error {
	sig, err := killSignal(r.URL.Query().Get("signal"))
	if err != nil {
		return err
	}
	var p proc
	var exited chan struct{}
	err = d.locked(func() error {
		c, err := d.getContainerLocked(r.PathValue("id"))
		if err != nil {
			return err
		}
		if !linuxSignal(sig) {
			// dockerd's message prints the signal as an unsigned number
			return errInternal(wording(infoOf(r).version, "Cannot kill container: ", "cannot kill container: ") + r.PathValue("id") +
				": The linux daemon does not support signal " + strconv.FormatUint(uint64(int64(sig)), 10))
		}
		if !c.state.Running && d.cancelRestartLocked(c) {
			return nil // dockerd finds no process to signal and lets it be
		}
		if !c.state.Running {
			return errConflict(wording(infoOf(r).version, "Cannot kill container: "+r.PathValue("id")+": Container "+c.id+" is not running",
				"cannot kill container: "+r.PathValue("id")+": container "+c.id+" is not running"))
		}
		p, exited = c.proc, c.exited
		// dockerd's killWithSignal: a SIGKILL, or the container's stop
		// signal (any signal when it has none configured), cancels its
		// restart policy for this exit (ExitOnNext) and resumes it if
		// paused, so that the signal is acted on; any kill marks it
		// manually stopped (an unless-stopped container stays down).
		c.manualStop = true
		d.emitContainerLocked(c, "kill", "signal", strconv.Itoa(sig))
		if stop, err := parseSignal(c.config.StopSignal, 0); sig == 9 || c.config.StopSignal == "" || err == nil && stop == sig {
			c.stopping = true
			d.resumeForSignalLocked(c)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if p != nil {
		p.Signal(sig)
	}
	if sig == 9 {
		select {
		case <-exited:
		case <-r.Context().Done():
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (d *Daemon) containerPause(w http.ResponseWriter, r *http.Request) error {
	return d.changeState(w, r, "pause", func(c *container) error {
		ver := infoOf(r).version
		switch {
		case !c.state.Running:
			return errNotRunning(ver, c.id)
		case c.state.Paused:
			return errConflict(wording(ver, "Container "+c.id+" is already paused", "container "+c.id+" is already paused"))
		}
		c.pauseLocked()
		return nil
	})
}

// pauseLocked freezes c's processes (running, not paused); d.mu held.
func (c *container) pauseLocked() {
	c.state.Paused = true
	c.state.Status = "paused"
	c.pauseGate.pause()
	if pp, ok := c.proc.(interface{ Pause() }); ok {
		pp.Pause()
	}
}

// unpauseLocked thaws c's processes (paused); d.mu held.
func (c *container) unpauseLocked() {
	c.state.Paused = false
	c.state.Status = "running"
	c.pauseGate.resume()
	if pp, ok := c.proc.(interface{ Resume() }); ok {
		pp.Resume()
	}
}

func (d *Daemon) containerUnpause(w http.ResponseWriter, r *http.Request) error {
	return d.changeState(w, r, "unpause", func(c *container) error {
		if !c.state.Paused {
			if ver := infoOf(r).version; !ver.atLeast("1.42") {
				return errInternal("Container " + c.id + " is not paused") // untyped on dockerd 20.10
			}
			return errConflict("container " + c.id + " is not paused")
		}
		c.unpauseLocked()
		return nil
	})
}

// changeState runs change on the container the request names, under the
// engine lock; on success it emits the container event action and
// answers 204.
func (d *Daemon) changeState(w http.ResponseWriter, r *http.Request, action string, change func(c *container) error) error {
	err := d.locked(func() error {
		c, err := d.getContainerLocked(r.PathValue("id"))
		if err != nil {
			return err
		}
		if err := change(c); err != nil {
			return err
		}
		d.emitContainerLocked(c, action)
		return nil
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (d *Daemon) containerWait(w http.ResponseWriter, r *http.Request) error {
	cond := r.URL.Query().Get("condition")
	switch cond {
	case "", "not-running", "next-exit", "removed":
	default:
		if !infoOf(r).version.atLeast("1.42") {
			cond = "" // dockerd 20.10 waits for not-running
			break
		}
		return errInvalid("invalid condition: " + strconv.Quote(cond))
	}
	var c *container
	var ch <-chan struct{} // nil: the condition holds already
	err := d.locked(func() error {
		var err error
		if c, err = d.getContainerLocked(r.PathValue("id")); err != nil {
			return err
		}
		switch cond {
		case "", "not-running":
			switch {
			case c.state.Running:
				ch = c.exited
			case c.state.Restarting:
				// dockerd counts a restarting container as running: the
				// wait ends with the run its policy is about to start
				ch = d.nextExitLocked(c)
			}
		case "next-exit":
			if c.state.Running {
				ch = c.exited
			} else {
				ch = d.nextExitLocked(c)
			}
		case "removed":
			ch = c.removed
		}
		return nil
	})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	flush(w)
	if ch != nil {
		select {
		case <-ch:
		case <-r.Context().Done():
			return nil
		}
	}
	var code int
	// the State.Error of a start that failed, as dockerd reports it to a
	// wait that came after; the waits pending when the start failed are
	// told the exit code alone (docker run --rm of a missing command
	// prints no "Error waiting for container")
	var waitErr any
	waited := ch != nil
	_ = d.locked(func() error {
		code = c.state.ExitCode
		if c.state.Error != "" && !waited {
			waitErr = map[string]any{"Message": c.state.Error}
		}
		return nil
	})
	writeJSONBody(w, map[string]any{"StatusCode": code, "Error": waitErr})
	return nil
}

// nextExitLocked returns a channel closed when the next run of c (not
// yet started) exits, or when c is removed.
func (d *Daemon) nextExitLocked(c *container) <-chan struct{} {
	out := make(chan struct{})
	cur := c.exited
	d.goTracked(func() {
		defer close(out)
		// A start replaces c.exited: await it, then the run's exit.
		var next chan struct{}
		if !d.await(c.removed, func() bool { next = c.exited; return next != cur }) {
			return
		}
		select {
		case <-next:
		case <-c.removed:
		case <-d.ctx.Done():
		}
	})
	return out
}

// killForClose kills c's process for Daemon.Close.
func (c *container) killForClose() {
	p, _ := lockedValue(c.d, func() (proc, error) {
		c.stopping = true
		if c.pauseGate != nil {
			c.pauseGate.resume()
		}
		if c.stdin != nil {
			c.stdin.w.Close()
		}
		return c.proc, nil
	})
	if p != nil {
		p.Signal(9)
	}
}

// utsNameLocked is the host name c's processes see (hostname, uname
// -n): its Config.Hostname in a UTS namespace of its own, the machine's
// with UTSMode host (dockerd then makes none).
func (d *Daemon) utsNameLocked(c *container) string {
	if c.host.UTSMode == "host" {
		return d.cfg.Hostname
	}
	return c.config.Hostname
}

// pidFailureLocked is why c cannot join the PID namespace of its PidMode
// container:<id>, as dockerd's getPidContainer refuses it when it makes
// the spec (a 500): the container must exist and run; d.mu held.
func (d *Daemon) pidFailureLocked(c *container) *startFailure {
	ref, ok := strings.CutPrefix(c.host.PidMode, "container:")
	if !ok {
		return nil
	}
	o, err := d.getContainerLocked(ref)
	switch {
	case err != nil:
		return &startFailure{daemon: true, msg: "cannot join PID of a non running container: " + ref + ": " + err.Error()}
	case o.state.Restarting:
		return &startFailure{daemon: true, msg: "container " + o.id + " is restarting, wait until the container is running"}
	case !o.state.Running:
		return &startFailure{daemon: true, msg: "container " + o.id + " is not running"}
	}
	return nil
}

// pidNamespaceLocked is the PID namespace a run of c gets: its own, as
// runc makes one, or with PidMode container:<ref> the one of that
// container's run when it runs (dockerd joins its namespace).
func (d *Daemon) pidNamespaceLocked(c *container) *shell.PIDs {
	if ref, ok := strings.CutPrefix(c.host.PidMode, "container:"); ok {
		if o, err := d.getContainerLocked(ref); err == nil && o.state.Running && o.pids != nil {
			return o.pids
		}
	}
	return shell.NewPIDs()
}
