package mockdaemon

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dockwire/dockwire/mux"
)

var jsonMarshal = json.Marshal

func (l *logBuf) waitRunChange() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.changed
}

// runState returns the run generation and the channel closed at the next
// change of it, read together so that a wait on the channel cannot miss a
// change that happened after the generation was read.
func (l *logBuf) runState() (int, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.gen, l.changed
}

func (l *logBuf) generation() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.gen
}

// entryWriter writes log entries to a client: framed unless TTY.
type entryWriter struct {
	w          io.Writer
	m          *mux.Muxer
	timestamps bool
	stdout     bool
	stderr     bool
}

func newEntryWriter(w io.Writer, tty bool, stdout, stderr, timestamps bool) *entryWriter {
	ew := &entryWriter{w: w, stdout: stdout, stderr: stderr, timestamps: timestamps}
	if !tty {
		ew.m = mux.NewMuxer(w)
	}
	return ew
}

func (ew *entryWriter) write(e logEntry) error {
	if e.stream == 1 && !ew.stdout || e.stream == 2 && !ew.stderr {
		return nil
	}
	data := e.data
	if ew.timestamps {
		data = append([]byte(e.t.Format("2006-01-02T15:04:05.000000000Z07:00")+" "), data...)
	}
	if ew.m == nil {
		_, err := ew.w.Write(data)
		return err
	}
	_, err := ew.m.WriteFrame(mux.Stream(e.stream), data)
	return err
}

func (d *Daemon) containerLogs(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	stdout, stderr := boolParam(r, "stdout"), boolParam(r, "stderr")
	if !stdout && !stderr {
		writeError(w, r, errInvalid("Bad parameters: you must choose at least one stream"))
		return
	}
	since, err := parseTimestamp(q.Get("since"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	until, err := parseTimestamp(q.Get("until"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	tail := -1
	if t := q.Get("tail"); t != "" && t != "all" {
		if tail, err = strconv.Atoi(t); err != nil || tail < 0 {
			tail = -1
		}
	}
	follow := boolParam(r, "follow")
	d.mu.Lock()
	c, err := d.getContainerLocked(r.PathValue("id"))
	var running bool
	var tty bool
	if err == nil {
		running = c.state.Running
		tty = c.config.Tty
		if c.host.LogConfig.Type == "none" {
			err = errInvalid("configured logging driver does not support reading")
		}
	}
	d.mu.Unlock()
	if err != nil {
		writeError(w, r, err)
		return
	}
	// dockerd sends no Content-Type on /logs before API 1.42 (docker-py
	// decodes a text/* one to str and breaks); since 1.42 it names the
	// stream format, which clients use to decide framing.
	switch {
	case !infoOf(r).version.atLeast("1.42"):
		w.Header()["Content-Type"] = nil
	case tty:
		w.Header().Set("Content-Type", "application/vnd.docker.raw-stream")
	default:
		w.Header().Set("Content-Type", "application/vnd.docker.multiplexed-stream")
	}
	w.WriteHeader(http.StatusOK)
	flush(w)
	ew := newEntryWriter(w, tty, stdout, stderr, boolParam(r, "timestamps"))
	entries, next, ended, changed := c.logs.since(0)
	// select the entries of the requested streams and window
	var sel []logEntry
	for _, e := range entries {
		if (e.stream == 1 && !stdout) || (e.stream == 2 && !stderr) {
			continue
		}
		if !since.IsZero() && e.t.Before(since) || !until.IsZero() && e.t.After(until) {
			continue
		}
		sel = append(sel, e)
	}
	if tail >= 0 && len(sel) > tail {
		sel = sel[len(sel)-tail:]
	}
	for _, e := range sel {
		if ew.write(e) != nil {
			return
		}
	}
	flush(w)
	if !follow || !running || !until.IsZero() && !until.After(d.now()) {
		return
	}
	for !ended {
		select {
		case <-changed:
		case <-r.Context().Done():
			return
		case <-d.ctx.Done():
			return
		}
		entries, next, ended, changed = c.logs.since(next)
		for _, e := range entries {
			if !until.IsZero() && e.t.After(until) {
				return
			}
			if ew.write(e) != nil {
				return
			}
		}
		flush(w)
	}
}

// hijack takes over the connection and writes the stream's response
// header: 101 UPGRADED when the client asked for an upgrade, 200 with a
// raw-stream content type otherwise. A request body (the options JSON
// some clients send) is read and dropped.
func (d *Daemon) hijack(w http.ResponseWriter, r *http.Request, multiplexed bool) (net.Conn, *bufio.Reader, error) {
	hj, ok := unwrapHijacker(w)
	if !ok {
		return nil, nil, errInternal("mockdaemon: connection cannot be hijacked")
	}
	if r.ContentLength > 0 {
		// net/http reads a Content-Length body from the connection's
		// buffer: drain it now so it never reaches stdin.
		_, _ = io.CopyN(io.Discard, r.Body, r.ContentLength)
	}
	conn, brw, err := hj.Hijack()
	if err != nil {
		return nil, nil, errInternal("mockdaemon: hijack: " + err.Error())
	}
	ct := "application/vnd.docker.raw-stream"
	if multiplexed && infoOf(r).version.atLeast("1.42") {
		ct = "application/vnd.docker.multiplexed-stream"
	}
	var head string
	if strings.EqualFold(r.Header.Get("Upgrade"), "tcp") || strings.Contains(strings.ToLower(r.Header.Get("Connection")), "upgrade") {
		head = "HTTP/1.1 101 UPGRADED\r\nContent-Type: " + ct + "\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"
		infoOf(r).rec.Status = http.StatusSwitchingProtocols
	} else {
		head = "HTTP/1.1 200 OK\r\nContent-Type: " + ct + "\r\n\r\n"
		infoOf(r).rec.Status = http.StatusOK
	}
	if _, err := io.WriteString(conn, head); err != nil {
		conn.Close()
		return nil, nil, err
	}
	if infoOf(r).rec.Status == http.StatusSwitchingProtocols {
		// docker-py reads the upgraded stream from the raw socket under
		// http.client's buffered reader: bytes that arrive together with the
		// head are lost. dockerd's exec/attach setup gives the client time to
		// read the head first; so does this pause.
		t := time.NewTimer(hijackSettle)
		select {
		case <-t.C:
		case <-d.ctx.Done():
			t.Stop()
		}
	}
	if d.srv.isClosed() {
		conn.Close()
		return nil, nil, errUnavailable("mockdaemon: daemon closed")
	}
	return conn, brw.Reader, nil
}

// hijackSettle is the pause between a 101 head and the first stream byte.
const hijackSettle = 20 * time.Millisecond

// closeWriter half-closes a connection when it can.
func closeWrite(c net.Conn) {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
}

func (d *Daemon) containerAttach(w http.ResponseWriter, r *http.Request) {
	useStdin, useStdout, useStderr := boolParam(r, "stdin"), boolParam(r, "stdout"), boolParam(r, "stderr")
	logs, stream := boolParam(r, "logs"), boolParam(r, "stream")
	d.mu.Lock()
	c, err := d.getContainerLocked(r.PathValue("id"))
	var tty, running, openStdin, stdinOnce bool
	if err == nil {
		tty, running, openStdin, stdinOnce = c.config.Tty, c.state.Running, c.config.OpenStdin, c.config.StdinOnce
		if c.state.Paused {
			err = errConflict(fmt.Sprintf("container %s is paused, unpause the container before attach", c.id))
		}
	}
	d.mu.Unlock()
	if err != nil {
		writeError(w, r, err)
		return
	}
	gen := c.logs.generation()
	conn, br, err := d.hijack(w, r, !tty)
	if err != nil {
		writeError(w, r, err)
		return
	}
	defer d.srv.release(conn)
	d.events.emit("container", "attach", c.id, c.eventAttrs())
	ew := newEntryWriter(conn, tty, useStdout, useStderr, false)
	entries, next, _, _ := c.logs.since(0)
	if logs {
		for _, e := range entries {
			if ew.write(e) != nil {
				return
			}
		}
	}
	if !stream {
		return
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	defer func() {
		close(stop)
		conn.Close()
		wg.Wait()
	}()
	if useStdin && openStdin {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.feedStdin(c, br, stdinOnce, stop)
		}()
	}
	// a container that is not running is streamed from its next start
	if !running {
		for g, changed := c.logs.runState(); g == gen; g, changed = c.logs.runState() {
			select {
			case <-changed:
			case <-c.removed:
				return
			case <-d.ctx.Done():
				return
			case <-r.Context().Done():
				return
			}
		}
		// output since the start belongs to this attach
		next = runStart(c)
	}
	rd := c.logs.addReader(next)
	defer c.logs.removeReader(rd)
	for {
		entries, n, ended, changed := c.logs.since(next)
		next = n
		for _, e := range entries {
			if ew.write(e) != nil {
				return
			}
		}
		c.logs.advance(rd, next)
		if ended {
			return
		}
		select {
		case <-changed:
		case <-d.ctx.Done():
			return
		}
	}
}

func (c *container) startedAt() time.Time {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	return c.state.StartedAt.Add(-time.Nanosecond)
}

// feedStdin copies the client's stdin to the container's until EOF; with
// StdinOnce, EOF closes the container's stdin.
func (d *Daemon) feedStdin(c *container, src io.Reader, once bool, stop <-chan struct{}) {
	d.mu.Lock()
	pipe := c.stdin
	d.mu.Unlock()
	for pipe == nil {
		// not started yet: wait for the start
		select {
		case <-stop:
			return
		case <-c.logs.waitRunChange():
		}
		d.mu.Lock()
		pipe = c.stdin
		d.mu.Unlock()
	}
	_, _ = io.Copy(pipe.w, src)
	if once {
		pipe.w.Close()
	}
}

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

func (d *Daemon) execCreate(w http.ResponseWriter, r *http.Request) {
	var body struct {
		AttachStdin  bool
		AttachStdout bool
		AttachStderr bool
		DetachKeys   string
		Tty          bool
		Env          []string
		Cmd          strSlice
		Privileged   bool
		User         string
		WorkingDir   string
		ConsoleSize  *[2]int
	}
	if err := decodeBody(r, &body); err != nil {
		writeError(w, r, err)
		return
	}
	if len(body.Cmd) == 0 {
		writeError(w, r, errInvalid("No exec command specified"))
		return
	}
	d.mu.Lock()
	c, err := d.getContainerLocked(r.PathValue("id"))
	switch {
	case err != nil:
	case c.state.Paused:
		err = errConflict(fmt.Sprintf("container %s is paused, unpause the container before exec", c.id))
	case !c.state.Running:
		err = errConflict(fmt.Sprintf("container %s is not running", c.id))
	case c.state.Restarting:
		err = errConflict(fmt.Sprintf("container %s is restarting, wait until the container is running", c.id))
	}
	if err != nil {
		d.mu.Unlock()
		writeError(w, r, err)
		return
	}
	e := &execInst{
		id: d.newID(), c: c, argv: body.Cmd, env: body.Env, dir: body.WorkingDir, user: body.User,
		tty: body.Tty, attachIn: body.AttachStdin, attachOut: body.AttachStdout, attachErr: body.AttachStderr,
		privileged: body.Privileged, detachKeys: body.DetachKeys, consoleSize: body.ConsoleSize,
	}
	d.execs[e.id] = e
	c.execIDs = append(c.execIDs, e.id)
	attrs := mergeAttrs(c.eventAttrs(), "execID", e.id)
	d.mu.Unlock()
	d.events.emit("container", "exec_create: "+strings.Join(e.argv, " "), c.id, attrs)
	writeJSON(w, http.StatusCreated, map[string]any{"Id": e.id})
}

func (d *Daemon) execStart(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Detach bool
		Tty    bool
	}
	if err := decodeBody(r, &body); err != nil {
		writeError(w, r, err)
		return
	}
	d.mu.Lock()
	e, ok := d.execs[r.PathValue("id")]
	var err error
	switch {
	case !ok:
		err = noSuchExec(r.PathValue("id"))
	case e.running:
		err = errConflict("Error: Exec command " + e.id + " is already running")
	case e.started:
		err = errConflict("Error: Exec command " + e.id + " has already run")
	case !e.c.state.Running:
		err = errConflict(fmt.Sprintf("container %s is not running", e.c.id))
	case e.c.state.Paused:
		err = errConflict(fmt.Sprintf("container %s is paused, unpause the container before exec", e.c.id))
	}
	if err != nil {
		d.mu.Unlock()
		writeError(w, r, err)
		return
	}
	e.started = true
	e.running = true
	d.nextPID++
	e.pid = d.nextPID + 1000
	c := e.c
	env := append(cloneStrings(c.config.Env), e.env...)
	user := e.user
	if user == "" {
		user = c.config.User
	}
	dir := e.dir
	if dir == "" {
		dir = workDir(c.config.WorkingDir)
	}
	spec := procSpec{
		Argv: e.argv, Env: d.processEnvLocked(c, env, user), Dir: dir, User: user,
		Hostname: c.config.Hostname, FS: c.fs, Stdin: eofReader{},
		Stdout: io.Discard, Stderr: io.Discard,
	}
	gate := c.pauseGate
	d.mu.Unlock()
	d.events.emit("container", "exec_start: "+strings.Join(e.argv, " "), c.id, mergeAttrs(c.eventAttrs(), "execID", e.id))
	argv0 := ""
	if len(e.argv) > 0 {
		argv0 = e.argv[0]
	}
	if msg, _ := lookProgram(spec.FS, spec.Env, spec.Dir, argv0); msg != "" {
		// dockerd records 126 whatever runc's reason, and tells an
		// attached client on its stdout stream.
		code := 126
		d.mu.Lock()
		e.running = false
		e.pid = 0
		e.exitCode = &code
		d.mu.Unlock()
		msg = "OCI runtime exec failed: exec failed: unable to start container process: " + msg + ": unknown"
		if body.Detach {
			writeError(w, r, errInvalid(msg))
			return
		}
		conn, _, err := d.hijack(w, r, !e.tty)
		if err != nil {
			writeError(w, r, err)
			return
		}
		defer d.srv.release(conn)
		if e.tty {
			_, _ = io.WriteString(conn, msg+"\r\n")
		} else {
			_, _ = io.WriteString(mux.NewMuxer(conn).Stream(mux.Stdout), msg+"\r\n")
		}
		closeWrite(conn)
		return
	}

	finish := func(p proc) {
		code := p.ExitCode()
		d.mu.Lock()
		e.running = false
		e.exitCode = &code
		d.mu.Unlock()
		d.events.emit("container", "exec_die", c.id, mergeAttrs(c.eventAttrs(), "execID", e.id, "exitCode", strconv.Itoa(code)))
	}
	if body.Detach {
		p := startProc(spec)
		d.trackExec(c, p)
		d.goTracked(func() {
			<-p.Done()
			finish(p)
		})
		w.WriteHeader(http.StatusOK)
		return
	}
	conn, br, err := d.hijack(w, r, !e.tty)
	if err != nil {
		d.mu.Lock()
		e.running = false
		d.mu.Unlock()
		writeError(w, r, err)
		return
	}
	defer d.srv.release(conn)
	done := make(chan struct{})
	var out, errw io.Writer = io.Discard, io.Discard
	if e.tty {
		tw := &crlfWriter{w: conn}
		if e.attachOut {
			out = tw
		}
		if e.attachErr {
			errw = tw
		}
	} else {
		m := mux.NewMuxer(conn)
		if e.attachOut {
			out = m.Stream(mux.Stdout)
		}
		if e.attachErr {
			errw = m.Stream(mux.Stderr)
		}
	}
	spec.Stdout = &gatedWriter{g: gate, done: done, w: out}
	spec.Stderr = &gatedWriter{g: gate, done: done, w: errw}
	var stdinW *io.PipeWriter
	if e.attachIn {
		pr, pw := io.Pipe()
		spec.Stdin = pr
		stdinW = pw
	}
	p := startProc(spec)
	d.trackExec(c, p)
	if stdinW != nil {
		go func() {
			_, _ = io.Copy(stdinW, br)
			stdinW.Close()
		}()
	}
	<-p.Done()
	close(done)
	finish(p)
	closeWrite(conn)
}

// trackExec kills an exec's process when its container's run ends.
func (d *Daemon) trackExec(c *container, p proc) {
	d.mu.Lock()
	exited := c.exited
	d.mu.Unlock()
	d.goTracked(func() {
		select {
		case <-p.Done():
		case <-exited:
			p.Signal(9)
		}
	})
}

func cloneStrings(s []string) []string { return append([]string(nil), s...) }

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

func (d *Daemon) execInspect(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	e, ok := d.execs[r.PathValue("id")]
	if !ok {
		d.mu.Unlock()
		writeError(w, r, noSuchExec(r.PathValue("id")))
		return
	}
	var code any
	if e.exitCode != nil {
		code = *e.exitCode
	}
	args := []string{}
	if len(e.argv) > 1 {
		args = e.argv[1:]
	}
	m := map[string]any{
		"ID":       e.id,
		"Running":  e.running,
		"ExitCode": code,
		"ProcessConfig": map[string]any{
			"tty": e.tty, "entrypoint": e.argv[0], "arguments": args, "privileged": e.privileged, "user": e.user,
		},
		"OpenStdin":   e.attachIn,
		"OpenStderr":  e.attachErr,
		"OpenStdout":  e.attachOut,
		"CanRemove":   false,
		"ContainerID": e.c.id,
		"DetachKeys":  e.detachKeys,
		"Pid":         e.pid,
	}
	d.mu.Unlock()
	writeJSON(w, http.StatusOK, m)
}

func (d *Daemon) execResize(w http.ResponseWriter, r *http.Request) {
	if _, err := resizeParams(r); err != nil {
		writeError(w, r, err)
		return
	}
	d.mu.Lock()
	_, ok := d.execs[r.PathValue("id")]
	d.mu.Unlock()
	if !ok {
		writeError(w, r, noSuchExec(r.PathValue("id")))
		return
	}
	w.WriteHeader(http.StatusOK)
}

// runStart is the log index of the first entry written by the container's
// current run. Indexes are absolute: they stay right after the buffer has
// dropped its oldest entries.
func runStart(c *container) int {
	entries, end, _, _ := c.logs.since(0)
	startAt := len(entries)
	for startAt > 0 && entries[startAt-1].t.After(c.startedAt()) {
		startAt--
	}
	return end - (len(entries) - startAt)
}
