package mockdaemon

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
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

// startLocked starts c's process; d.mu held.
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
	for name, ep := range c.eps {
		if _, ok := d.networks[ep.network.id]; !ok {
			return errNotFound("network " + name + " not found")
		}
	}
	if c.host.Init == nil || !*c.host.Init { // under an init, the init reports it
		env := d.processEnvLocked(c, c.config.Env, c.config.User)
		if msg, code := lookProgram(c.fs, env, workDir(c.config.WorkingDir), c.path); msg != "" {
			c.state.ExitCode = code
			c.state.Error = "failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: " + msg + ": unknown"
			if c.host.AutoRemove && !c.removing {
				// dockerd removes an AutoRemove container whose start
				// failed (docker run --rm waits for that).
				attrs := c.eventAttrs()
				d.removeLocked(c, true)
				d.goTracked(func() { d.events.emit("container", "destroy", c.id, attrs) })
			}
			return errInvalid(c.state.Error)
		}
	}
	d.allocatePortsLocked(c)
	c.stopping = false
	c.manualStop = false
	c.hasRun = true
	c.exited = make(chan struct{})
	c.pauseGate = &gate{}
	var stdin io.Reader = eofReader{}
	if c.config.OpenStdin {
		c.stdin = newStdinPipe()
		stdin = c.stdin.r
	} else {
		c.stdin = nil
	}
	d.volumeEventsLocked(c, "mount")
	d.nextPID++
	c.pid = d.nextPID + 1000
	c.state = containerState{Status: "running", Running: true, Pid: c.pid, StartedAt: d.now(), FinishedAt: c.state.FinishedAt}
	c.logs.startRun()
	done := make(chan struct{})
	out := &gatedWriter{g: c.pauseGate, done: done, w: &logWriter{l: c.logs, stream: 1, tty: c.config.Tty}}
	errw := &gatedWriter{g: c.pauseGate, done: done, w: &logWriter{l: c.logs, stream: 2, tty: c.config.Tty}}
	if c.config.Tty {
		errw = out
	}
	spec := procSpec{
		Argv:     append([]string{c.path}, c.args...),
		Env:      d.processEnvLocked(c, c.config.Env, c.config.User),
		Dir:      workDir(c.config.WorkingDir),
		User:     c.config.User,
		Hostname: c.config.Hostname,
		FS:       c.fs,
		Stdin:    stdin,
		Stdout:   out,
		Stderr:   errw,
		PID1:     true,
		Init:     c.host.Init != nil && *c.host.Init,
	}
	p := startProc(spec)
	c.proc = p
	exited := c.exited
	d.startHealthLocked(c, exited)
	d.goTracked(func() {
		<-p.Done()
		close(done)
		d.onExit(c, p, exited)
	})
	return nil
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

func workDir(w string) string {
	if w == "" {
		return "/"
	}
	return w
}

// processEnvLocked is the environment of a process in c.
func (d *Daemon) processEnvLocked(c *container, env []string, user string) []string {
	out := []string{}
	hasPath, hasHome := false, false
	for _, e := range env {
		if strings.HasPrefix(e, "PATH=") {
			hasPath = true
		}
		if strings.HasPrefix(e, "HOME=") {
			hasHome = true
		}
	}
	if !hasPath {
		out = append(out, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
	}
	out = append(out, "HOSTNAME="+c.config.Hostname)
	if c.config.Tty {
		out = append(out, "TERM=xterm")
	}
	out = append(out, env...)
	if !hasHome {
		home := "/root"
		if user != "" && user != "root" && user != "0" && !strings.HasPrefix(user, "0:") {
			home = "/"
		}
		out = append(out, "HOME="+home)
	}
	return out
}

// onExit records the end of a run of c's process.
func (d *Daemon) onExit(c *container, p proc, exited chan struct{}) {
	code := p.ExitCode()
	d.mu.Lock()
	if c.proc != p {
		d.mu.Unlock()
		return
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
	attrs := c.eventAttrs()
	attrs["exitCode"] = strconv.Itoa(code)
	restart := !c.stopping && !d.closing() && !c.removing && c.shouldRestart(code)
	autoRemove := c.host.AutoRemove && !c.removing && !restart
	if autoRemove {
		c.removing = true
		c.state.Status = "removing"
	}
	if restart {
		c.restartCount++
		c.state.Restarting = true
		c.state.Status = "restarting"
	}
	// Under d.mu, so that a start (or restart) of c that follows this
	// exit has its events after this die.
	d.events.emit("container", "die", c.id, attrs)
	d.mu.Unlock()
	c.logs.endRun()
	d.mu.Lock()
	d.volumeEventsLocked(c, "unmount")
	d.mu.Unlock()
	close(exited)
	if restart {
		d.mu.Lock()
		c.state.Restarting = false
		if !d.closing() && !c.removing && !c.stopping {
			_ = d.startLocked(c)
			d.mu.Unlock()
			d.events.emit("container", "restart", c.id, c.eventAttrs())
			return
		}
		c.state.Status = "exited"
		d.mu.Unlock()
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
			d.mu.Lock()
			d.removeLocked(c, true)
			d.mu.Unlock()
			d.events.emit("container", "destroy", c.id, c.eventAttrs())
		})
	}
}

// autoRemoveDelay is how long an exited AutoRemove container stays in the
// "removing" state.
const autoRemoveDelay = 50 * time.Millisecond

func (c *container) shouldRestart(code int) bool {
	switch c.host.RestartPolicy.Name {
	case "always", "unless-stopped":
		return !c.manualStop
	case "on-failure":
		return code != 0 && (c.host.RestartPolicy.MaximumRetryCount == 0 || c.restartCount < c.host.RestartPolicy.MaximumRetryCount)
	}
	return false
}

// removeLocked takes c out of the daemon; d.mu held.
func (d *Daemon) removeLocked(c *container, removeVolumes bool) {
	if _, ok := d.containers[c.id]; !ok {
		return
	}
	d.unindexContainerLocked(c)
	delete(d.names, c.name)
	for _, eid := range c.execIDs {
		delete(d.execs, eid)
	}
	for _, ep := range c.eps {
		ep.network.removeEndpoint(c.id)
	}
	d.detachVolumesLocked(c, removeVolumes)
	c.state.Status = "removing"
	close(c.removed)
}

func (d *Daemon) containerStart(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	c, err := d.getContainerLocked(r.PathValue("id"))
	if err == nil {
		err = d.startLocked(c)
	}
	if err == nil {
		// Under d.mu, so that it precedes the die of a process that
		// ends at once (onExit takes d.mu before its die).
		d.events.emit("container", "start", c.id, c.eventAttrs())
	}
	d.mu.Unlock()
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// stopTimeout reads the t (or signal/timeout) parameters of stop/restart.
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
// then kills. It reports whether the container was running.
func (d *Daemon) stop(c *container, sig int, timeout time.Duration) bool {
	ran, _ := d.stopCtx(context.Background(), c, sig, timeout)
	return ran
}

// stopCtx is stop for a request: when ctx ends first it stops waiting
// (the signal is sent, the stop stays requested) and returns ctx's error.
func (d *Daemon) stopCtx(ctx context.Context, c *container, sig int, timeout time.Duration) (bool, error) {
	d.mu.Lock()
	if !c.state.Running {
		d.mu.Unlock()
		return false, nil
	}
	c.stopping = true
	c.manualStop = true
	p, exited := c.proc, c.exited
	c.pauseGate.resume()
	d.mu.Unlock()
	if p == nil {
		return false, nil
	}
	d.events.emit("container", "kill", c.id, mergeAttrs(c.eventAttrs(), "signal", strconv.Itoa(sig)))
	p.Signal(sig)
	var tc <-chan time.Time
	if timeout >= 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		tc = t.C
	}
	select {
	case <-exited:
	case <-tc:
		d.events.emit("container", "kill", c.id, mergeAttrs(c.eventAttrs(), "signal", "9"))
		p.Signal(9)
		<-exited
	case <-d.ctx.Done():
		p.Signal(9)
		<-exited
	case <-ctx.Done():
		return true, fmt.Errorf("mockdaemon: stop %s: %w", c.id[:12], ctx.Err())
	}
	return true, nil
}

func mergeAttrs(m map[string]string, kv ...string) map[string]string {
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// stopForRequest stops the container the request names with its signal
// and timeout (the stop of stop and restart), writing the error when there
// is one; ran says whether a process was running to stop.
func (d *Daemon) stopForRequest(w http.ResponseWriter, r *http.Request) (c *container, ran, ok bool) {
	c, err := d.getContainer(r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return nil, false, false
	}
	sig, timeout, err := c.stopParams(r)
	if err != nil {
		writeError(w, r, err)
		return nil, false, false
	}
	ran, err = d.stopCtx(r.Context(), c, sig, timeout)
	if err != nil {
		writeError(w, r, errInternal(err.Error()))
		return nil, false, false
	}
	return c, ran, true
}

func (d *Daemon) containerStop(w http.ResponseWriter, r *http.Request) {
	c, ran, ok := d.stopForRequest(w, r)
	if !ok {
		return
	}
	if !ran {
		writeError(w, r, errNotModified())
		return
	}
	d.events.emit("container", "stop", c.id, c.eventAttrs())
	w.WriteHeader(http.StatusNoContent)
}

func (d *Daemon) containerRestart(w http.ResponseWriter, r *http.Request) {
	c, ran, ok := d.stopForRequest(w, r)
	if !ok {
		return
	}
	var err error
	if ran {
		d.events.emit("container", "stop", c.id, c.eventAttrs())
	}
	d.mu.Lock()
	if c.state.Running {
		err = nil // restarted by its policy meanwhile
	} else {
		err = d.startLocked(c)
		if err == nil {
			c.restartCount++
		}
	}
	if err == nil {
		// under d.mu: before the die of a process that ends at once
		d.events.emit("container", "start", c.id, c.eventAttrs())
		d.events.emit("container", "restart", c.id, c.eventAttrs())
	}
	d.mu.Unlock()
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (d *Daemon) containerKill(w http.ResponseWriter, r *http.Request) {
	sig, err := parseSignal(r.URL.Query().Get("signal"), 9)
	if err != nil {
		writeError(w, r, err)
		return
	}
	d.mu.Lock()
	c, err := d.getContainerLocked(r.PathValue("id"))
	if err != nil {
		d.mu.Unlock()
		writeError(w, r, err)
		return
	}
	if !c.state.Running {
		d.mu.Unlock()
		writeError(w, r, errConflict(fmt.Sprintf("cannot kill container: %s: container %s is not running", r.PathValue("id"), c.id)))
		return
	}
	p := c.proc
	if sig == 9 || sig == 15 || sig == 2 {
		c.manualStop = true
		c.stopping = sig == 9
	}
	if sig == 9 {
		c.pauseGate.resume()
	}
	d.mu.Unlock()
	d.events.emit("container", "kill", c.id, mergeAttrs(c.eventAttrs(), "signal", strconv.Itoa(sig)))
	if p != nil {
		p.Signal(sig)
	}
	if sig == 9 {
		select {
		case <-c.exited:
		case <-r.Context().Done():
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

func (d *Daemon) containerPause(w http.ResponseWriter, r *http.Request) {
	d.changeState(w, r, "pause", func(c *container) error {
		switch {
		case !c.state.Running:
			return errConflict(fmt.Sprintf("container %s is not running", c.id))
		case c.state.Paused:
			return errConflict(fmt.Sprintf("container %s is already paused", c.id))
		}
		c.state.Paused = true
		c.state.Status = "paused"
		c.pauseGate.pause()
		if pp, ok := c.proc.(interface{ Pause() }); ok {
			pp.Pause()
		}
		return nil
	})
}

func (d *Daemon) containerUnpause(w http.ResponseWriter, r *http.Request) {
	d.changeState(w, r, "unpause", func(c *container) error {
		if !c.state.Paused {
			return errConflict(fmt.Sprintf("container %s is not paused", c.id))
		}
		c.state.Paused = false
		c.state.Status = "running"
		c.pauseGate.resume()
		if pp, ok := c.proc.(interface{ Resume() }); ok {
			pp.Resume()
		}
		return nil
	})
}

// changeState runs change on the container the request names, under the
// daemon's lock; on success it emits the container event action and
// answers 204, else it writes change's error.
func (d *Daemon) changeState(w http.ResponseWriter, r *http.Request, action string, change func(c *container) error) {
	d.mu.Lock()
	c, err := d.getContainerLocked(r.PathValue("id"))
	if err == nil {
		err = change(c)
	}
	d.mu.Unlock()
	if err != nil {
		writeError(w, r, err)
		return
	}
	d.events.emit("container", action, c.id, c.eventAttrs())
	w.WriteHeader(http.StatusNoContent)
}

func (d *Daemon) containerWait(w http.ResponseWriter, r *http.Request) {
	cond := r.URL.Query().Get("condition")
	switch cond {
	case "", "not-running", "next-exit", "removed":
	default:
		writeError(w, r, errInvalid("invalid condition: "+strconv.Quote(cond)))
		return
	}
	d.mu.Lock()
	c, err := d.getContainerLocked(r.PathValue("id"))
	if err != nil {
		d.mu.Unlock()
		writeError(w, r, err)
		return
	}
	var ch <-chan struct{}
	immediate := false
	switch cond {
	case "", "not-running":
		if c.state.Running || c.state.Restarting {
			ch = c.exited
		} else {
			immediate = true
		}
	case "next-exit":
		if c.state.Running {
			ch = c.exited
		} else {
			ch = d.nextExit(c)
		}
	case "removed":
		ch = c.removed
	}
	d.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	flush(w)
	if !immediate {
		select {
		case <-ch:
		case <-r.Context().Done():
			return
		}
	}
	d.mu.Lock()
	code := c.state.ExitCode
	d.mu.Unlock()
	writeJSONBody(w, map[string]any{"StatusCode": code, "Error": nil})
}

// nextExit returns a channel closed when the next run of c (not yet
// started) exits, or when c is removed; d.mu held.
func (d *Daemon) nextExit(c *container) <-chan struct{} {
	out := make(chan struct{})
	cur := c.exited
	d.goTracked(func() {
		defer close(out)
		// wait for a start (a new exited channel), then for its exit
		for {
			// The run-change channel is taken under d.mu with c.exited:
			// a start (which swaps both under d.mu) between reading one
			// and the other would otherwise be a lost wake-up, and a
			// wait for a process that exits at once would hang.
			d.mu.Lock()
			next := c.exited
			changed := c.logs.waitRunChange()
			d.mu.Unlock()
			if next != cur {
				select {
				case <-next:
				case <-c.removed:
				case <-d.ctx.Done():
				}
				return
			}
			select {
			case <-c.removed:
				return
			case <-d.ctx.Done():
				return
			case <-changed:
			}
		}
	})
	return out
}

func writeJSONBody(w http.ResponseWriter, v any) {
	b, _ := jsonMarshal(v)
	_, _ = w.Write(append(b, '\n'))
	flush(w)
}

func (d *Daemon) containerDelete(w http.ResponseWriter, r *http.Request) {
	force := boolParam(r, "force")
	vols := boolParam(r, "v")
	if boolParam(r, "link") {
		writeError(w, r, errInvalid("Conflict, cannot remove the default link name of the container"))
		return
	}
	d.mu.Lock()
	c, err := d.getContainerLocked(r.PathValue("id"))
	if err != nil {
		d.mu.Unlock()
		writeError(w, r, err)
		return
	}
	if c.removing {
		d.mu.Unlock()
		writeError(w, r, errConflict("removal of container "+c.id+" is already in progress"))
		return
	}
	if (c.state.Running || c.state.Restarting) && !force {
		d.mu.Unlock()
		msg := fmt.Sprintf("cannot remove container %q: container is running: stop the container before removing or force remove", c.name)
		if c.state.Paused {
			msg = fmt.Sprintf("cannot remove container %q: container is paused and must be unpaused first", c.name)
		}
		writeError(w, r, errConflict(msg))
		return
	}
	c.removing = true
	c.stopping = true
	p, exited := c.proc, c.exited
	c.pauseGate.resume()
	d.mu.Unlock()
	if p != nil {
		d.events.emit("container", "kill", c.id, mergeAttrs(c.eventAttrs(), "signal", "9"))
		p.Signal(9)
		<-exited
	}
	d.mu.Lock()
	d.removeLocked(c, vols)
	d.mu.Unlock()
	d.events.emit("container", "destroy", c.id, c.eventAttrs())
	w.WriteHeader(http.StatusNoContent)
}

func (d *Daemon) containerPrune(w http.ResponseWriter, r *http.Request) {
	f, err := parseFilters(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	d.mu.Lock()
	deleted := []string{}
	var removed []*container
	for _, c := range d.sortedContainersLocked() {
		if c.state.Running || c.state.Restarting || c.removing || !d.containerMatchesLocked(f, c) {
			continue
		}
		d.removeLocked(c, false)
		deleted = append(deleted, c.id)
		removed = append(removed, c)
	}
	d.mu.Unlock()
	for _, c := range removed {
		d.events.emit("container", "destroy", c.id, c.eventAttrs())
	}
	d.events.emit("container", "prune", "", map[string]string{"reclaimed": "0"})
	writeJSON(w, http.StatusOK, map[string]any{"ContainersDeleted": deleted, "SpaceReclaimed": 0})
}

func (d *Daemon) containerRename(w http.ResponseWriter, r *http.Request) {
	newName := r.URL.Query().Get("name")
	if newName == "" {
		writeError(w, r, errInvalid("Neither old nor new names may be empty"))
		return
	}
	valid := validName.MatchString(newName)
	newName = "/" + strings.TrimPrefix(newName, "/")
	d.mu.Lock()
	c, err := d.getContainerLocked(r.PathValue("id"))
	if err != nil {
		d.mu.Unlock()
		writeError(w, r, err)
		return
	}
	old := c.name
	if old == newName {
		d.mu.Unlock()
		writeError(w, r, errInvalid("Renaming a container with the same name as its current name"))
		return
	}
	if !valid {
		// dockerd finds the container first, and checks the name
		// (with its slash) when it reserves it.
		d.mu.Unlock()
		writeError(w, r, errInvalid("Error when allocating new name: Invalid container name ("+newName+"), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"))
		return
	}
	if other, ok := d.names[newName]; ok {
		d.mu.Unlock()
		writeError(w, r, errConflict(fmt.Sprintf("Error when allocating new name: Conflict. The container name %q is already in use by container %q. You have to remove (or rename) that container to be able to reuse that name.", newName, other)))
		return
	}
	delete(d.names, old)
	d.names[newName] = c.id
	c.name = newName
	attrs := mergeAttrs(c.eventAttrs(), "oldName", old)
	d.mu.Unlock()
	d.events.emit("container", "rename", c.id, attrs)
	w.WriteHeader(http.StatusNoContent)
}

func (d *Daemon) containerUpdate(w http.ResponseWriter, r *http.Request) {
	var body struct {
		CPUShares         *int64         `json:"CpuShares"`
		Memory            *int64         `json:"Memory"`
		MemorySwap        *int64         `json:"MemorySwap"`
		MemoryReservation *int64         `json:"MemoryReservation"`
		NanoCPUs          *int64         `json:"NanoCpus"`
		CPUPeriod         *int64         `json:"CpuPeriod"`
		CPUQuota          *int64         `json:"CpuQuota"`
		CpusetCpus        *string        `json:"CpusetCpus"`
		CpusetMems        *string        `json:"CpusetMems"`
		BlkioWeight       *uint16        `json:"BlkioWeight"`
		PidsLimit         *int64         `json:"PidsLimit"`
		RestartPolicy     *restartPolicy `json:"RestartPolicy"`
	}
	if err := decodeBody(r, &body); err != nil {
		writeError(w, r, err)
		return
	}
	d.mu.Lock()
	c, err := d.getContainerLocked(r.PathValue("id"))
	if err != nil {
		d.mu.Unlock()
		writeError(w, r, err)
		return
	}
	h := &c.host
	if body.Memory != nil && *body.Memory != 0 {
		if *body.Memory < 6*1024*1024 {
			d.mu.Unlock()
			writeError(w, r, errInvalid("Minimum memory limit allowed is 6MB"))
			return
		}
		// dockerd compares with the swap limit as set, so raising the
		// memory of a container with no swap limit (0, or -1: unlimited)
		// needs the swap limit in the same update.
		if (body.MemorySwap == nil || *body.MemorySwap == 0) && *body.Memory > h.MemorySwap {
			d.mu.Unlock()
			writeError(w, r, errConflict("Cannot update container "+c.id+": Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time"))
			return
		}
		h.Memory = *body.Memory
	}
	if body.MemorySwap != nil && *body.MemorySwap != 0 {
		h.MemorySwap = *body.MemorySwap
	}
	set := func(dst *int64, src *int64) {
		if src != nil && *src != 0 {
			*dst = *src
		}
	}
	set(&h.CPUShares, body.CPUShares)
	set(&h.MemoryReservation, body.MemoryReservation)
	set(&h.NanoCPUs, body.NanoCPUs)
	set(&h.CPUPeriod, body.CPUPeriod)
	set(&h.CPUQuota, body.CPUQuota)
	if body.CpusetCpus != nil && *body.CpusetCpus != "" {
		h.CpusetCpus = *body.CpusetCpus
	}
	if body.CpusetMems != nil && *body.CpusetMems != "" {
		h.CpusetMems = *body.CpusetMems
	}
	if body.BlkioWeight != nil && *body.BlkioWeight != 0 {
		h.BlkioWeight = *body.BlkioWeight
	}
	if body.PidsLimit != nil {
		h.PidsLimit = body.PidsLimit
	}
	if body.RestartPolicy != nil && body.RestartPolicy.Name != "" {
		if h.AutoRemove && body.RestartPolicy.Name != "no" {
			d.mu.Unlock()
			writeError(w, r, errInvalid("Restart policy cannot be updated because AutoRemove is enabled for the container"))
			return
		}
		h.RestartPolicy = *body.RestartPolicy
	}
	d.writeCgroupFilesLocked(c)
	attrs := c.eventAttrs()
	d.mu.Unlock()
	d.events.emit("container", "update", c.id, attrs)
	writeJSON(w, http.StatusOK, map[string]any{"Warnings": nil})
}

func (d *Daemon) containerResize(w http.ResponseWriter, r *http.Request) {
	if _, err := resizeParams(r); err != nil {
		writeError(w, r, err)
		return
	}
	d.mu.Lock()
	c, err := d.getContainerLocked(r.PathValue("id"))
	if err == nil && !c.state.Running {
		err = errConflict(fmt.Sprintf("Container %s is not running", c.id))
	}
	d.mu.Unlock()
	if err != nil {
		writeError(w, r, err)
		return
	}
	d.events.emit("container", "resize", c.id, mergeAttrs(c.eventAttrs(), "height", r.URL.Query().Get("h"), "width", r.URL.Query().Get("w")))
	w.WriteHeader(http.StatusOK)
}

func resizeParams(r *http.Request) ([2]int, error) {
	h, err1 := strconv.Atoi(r.URL.Query().Get("h"))
	wd, err2 := strconv.Atoi(r.URL.Query().Get("w"))
	if err1 != nil || err2 != nil || h < 0 || wd < 0 {
		return [2]int{}, errInvalid("invalid resize parameters: h and w must be positive integers")
	}
	return [2]int{h, wd}, nil
}

func (d *Daemon) containerTop(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	c, err := d.getContainerLocked(r.PathValue("id"))
	if err == nil && !c.state.Running {
		err = errConflict(fmt.Sprintf("container %s is not running", c.id))
	}
	var procs [][]string
	var titles []string
	if err == nil {
		psArgs := r.URL.Query().Get("ps_args")
		cmd := strings.Join(append([]string{c.path}, c.args...), " ")
		start := c.state.StartedAt.Format("15:04")
		type row struct {
			pid  int
			user string
			cmd  string
		}
		rows := []row{{c.pid, userName(c.config.User), cmd}}
		for i, eid := range c.execIDs {
			if e := d.execs[eid]; e != nil && e.running {
				rows = append(rows, row{c.pid + 10 + i, userName(e.user), strings.Join(e.argv, " ")})
			}
		}
		if psArgs == "" {
			titles = []string{"UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"}
			for _, rw := range rows {
				procs = append(procs, []string{rw.user, strconv.Itoa(rw.pid), "1", "0", start, "?", "00:00:00", rw.cmd})
			}
		} else {
			cols := []string{}
			for _, f := range strings.FieldsFunc(strings.TrimPrefix(strings.TrimPrefix(psArgs, "-o"), " "), func(r rune) bool { return r == ',' || r == ' ' }) {
				if f != "-o" && f != "" {
					cols = append(cols, f)
				}
			}
			if len(cols) == 0 {
				cols = []string{"pid", "user", "args"}
			}
			for _, col := range cols {
				titles = append(titles, map[string]string{"pid": "PID", "comm": "COMMAND", "args": "COMMAND", "cmd": "CMD", "user": "USER", "uid": "UID", "ppid": "PPID", "time": "TIME", "etime": "ELAPSED", "tty": "TT", "stat": "STAT", "rss": "RSS", "vsz": "VSZ"}[col])
				if titles[len(titles)-1] == "" {
					titles[len(titles)-1] = strings.ToUpper(col)
				}
			}
			for _, rw := range rows {
				var line []string
				for _, col := range cols {
					switch col {
					case "pid":
						line = append(line, strconv.Itoa(rw.pid))
					case "comm":
						line = append(line, strings.Fields(rw.cmd)[0])
					case "user", "uid":
						line = append(line, rw.user)
					case "ppid":
						line = append(line, "1")
					default:
						line = append(line, rw.cmd)
					}
				}
				procs = append(procs, line)
			}
		}
	}
	d.mu.Unlock()
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"Titles": titles, "Processes": procs})
}

func userName(u string) string {
	if u == "" || u == "0" || strings.HasPrefix(u, "0:") {
		return "root"
	}
	name, _, _ := strings.Cut(u, ":")
	return name
}

func (d *Daemon) containerStats(w http.ResponseWriter, r *http.Request) {
	stream := true
	if s := r.URL.Query().Get("stream"); s != "" {
		stream = boolParam(r, "stream")
	}
	if boolParam(r, "one-shot") && stream {
		writeError(w, r, errInvalid("cannot have stream=true and one-shot=true"))
		return
	}
	c, err := d.getContainer(r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	ver := infoOf(r).version
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	var prev map[string]any
	for i := 0; ; i++ {
		d.mu.Lock()
		st := d.statsLocked(c, prev, ver, !boolParam(r, "one-shot") || stream)
		running := c.state.Running
		_, present := d.containers[c.id]
		d.mu.Unlock()
		writeJSONBody(w, st)
		if !stream || !present {
			return
		}
		prev = st
		_ = running
		t := time.NewTimer(time.Second)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		case <-d.ctx.Done():
			t.Stop()
			return
		}
	}
}

// statsLocked is one stats document for c; d.mu held.
func (d *Daemon) statsLocked(c *container, prev map[string]any, ver apiVersion, withPre bool) map[string]any {
	now := d.now()
	limit := c.host.Memory
	if limit == 0 {
		limit = mockMemTotal
	}
	usage := int64(0)
	pids := 0
	cpuTotal := uint64(0)
	if c.state.Running {
		usage = 4 << 20
		pids = 1
		for _, eid := range c.execIDs {
			if e := d.execs[eid]; e != nil && e.running {
				pids++
			}
		}
		cpuTotal = uint64(now.Sub(c.state.StartedAt).Nanoseconds() / 100)
	}
	system := uint64(now.UnixNano())
	cpu := map[string]any{
		"cpu_usage":        map[string]any{"total_usage": cpuTotal, "usage_in_kernelmode": cpuTotal / 4, "usage_in_usermode": cpuTotal * 3 / 4},
		"system_cpu_usage": system,
		"online_cpus":      mockNCPU,
		"throttling_data":  map[string]any{"periods": 0, "throttled_periods": 0, "throttled_time": 0},
	}
	pre := map[string]any{"cpu_usage": map[string]any{"total_usage": 0, "usage_in_kernelmode": 0, "usage_in_usermode": 0}, "throttling_data": map[string]any{"periods": 0, "throttled_periods": 0, "throttled_time": 0}}
	preRead := "0001-01-01T00:00:00Z"
	if prev != nil {
		pre = prev["cpu_stats"].(map[string]any)
		preRead = prev["read"].(string)
	}
	nets := map[string]any{}
	i := 0
	for range c.eps {
		nets["eth"+strconv.Itoa(i)] = map[string]any{"rx_bytes": 0, "rx_packets": 0, "rx_errors": 0, "rx_dropped": 0, "tx_bytes": 0, "tx_packets": 0, "tx_errors": 0, "tx_dropped": 0}
		i++
	}
	m := map[string]any{
		"name":          c.name,
		"id":            c.id,
		"read":          now.Format(time.RFC3339Nano),
		"preread":       preRead,
		"pids_stats":    map[string]any{"current": pids, "limit": 4915},
		"blkio_stats":   map[string]any{"io_service_bytes_recursive": nil, "io_serviced_recursive": nil},
		"num_procs":     0,
		"storage_stats": map[string]any{},
		"cpu_stats":     cpu,
		"precpu_stats":  pre,
		"memory_stats":  map[string]any{"usage": usage, "limit": limit, "stats": map[string]any{"inactive_file": 0, "anon": usage, "file": 0}},
		"networks":      nets,
	}
	if ver.atLeast("1.52") {
		m["os_type"] = "linux"
	}
	_ = withPre
	return m
}

var _ = syscall.SIGKILL

// killForClose kills c's process for Daemon.Close.
func (c *container) killForClose() {
	c.d.mu.Lock()
	p := c.proc
	c.stopping = true
	if c.pauseGate != nil {
		c.pauseGate.resume()
	}
	if c.stdin != nil {
		c.stdin.w.Close()
	}
	c.d.mu.Unlock()
	if p != nil {
		p.Signal(9)
	}
}
