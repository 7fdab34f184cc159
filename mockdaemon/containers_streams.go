package mockdaemon

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dockwire/dockwire/mux"
	"github.com/gorilla/websocket"
)

// entryWriter writes log entries to a client: framed unless TTY.
type entryWriter struct {
	w          io.Writer
	m          *mux.Muxer
	timestamps bool
	stdout     bool
	stderr     bool
	details    []byte // logs?details=1: the log attributes and a space before each line
}

func newEntryWriter(w io.Writer, tty bool, stdout, stderr, timestamps bool) *entryWriter {
	ew := &entryWriter{w: w, stdout: stdout, stderr: stderr, timestamps: timestamps}
	if !tty {
		ew.m = mux.NewMuxer(w)
	}
	return ew
}

// writeAll writes es, stopping at the first failed write.
func (ew *entryWriter) writeAll(es []logEntry) error {
	for _, e := range es {
		if err := ew.write(e); err != nil {
			return err
		}
	}
	return nil
}

func (ew *entryWriter) write(e logEntry) error {
	if e.stream == 1 && !ew.stdout || e.stream == 2 && !ew.stderr {
		return nil
	}
	data := e.data
	if ew.details != nil {
		data = append(slices.Clip(ew.details), data...)
	}
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

// logDetails is what logs?details=1 puts before each line of c's log: the
// attributes its json-file logger records (dockerd's ExtraAttributes: the
// container labels its log-opt labels and labels-regex name, the
// variables of env and env-regex), sorted by key and query-escaped as
// k=v,k=v, and a space.
func logDetails(c *container) []byte {
	opts := c.host.LogConfig.Config
	attrs := map[string]string{}
	if c.host.LogConfig.Type == "" || c.host.LogConfig.Type == "json-file" {
		for _, k := range strings.Split(opts["labels"], ",") {
			if v, ok := c.config.Labels[k]; ok && k != "" {
				attrs[k] = v
			}
		}
		// dockerd reads labels-regex only alongside labels
		if re, err := regexp.Compile(opts["labels-regex"]); err == nil && opts["labels"] != "" && opts["labels-regex"] != "" {
			for k, v := range c.config.Labels {
				if re.MatchString(k) {
					attrs[k] = v
				}
			}
		}
		env := map[string]string{}
		for _, kv := range c.config.Env {
			if k, v, ok := strings.Cut(kv, "="); ok {
				env[k] = v
			}
		}
		for _, k := range strings.Split(opts["env"], ",") {
			if v, ok := env[k]; ok {
				attrs[k] = v
			}
		}
		if re, err := regexp.Compile(opts["env-regex"]); err == nil && opts["env-regex"] != "" {
			for k, v := range env {
				if re.MatchString(k) {
					attrs[k] = v
				}
			}
		}
	}
	var b []byte
	for i, k := range slices.Sorted(maps.Keys(attrs)) {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, url.QueryEscape(k)+"="+url.QueryEscape(attrs[k])...)
	}
	return append(b, ' ')
}

func (d *Daemon) containerLogs(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	stdout, stderr := boolParam(r, "stdout"), boolParam(r, "stderr")
	if !stdout && !stderr {
		return errInvalid("Bad parameters: you must choose at least one stream")
	}
	since, until, err := parseWindow(r)
	if err != nil {
		return err
	}
	tail := -1
	if t := q.Get("tail"); t != "" && t != "all" {
		if tail, err = strconv.Atoi(t); err != nil || tail < 0 {
			tail = -1
		}
	}
	follow := boolParam(r, "follow")
	var c *container
	var running, tty bool
	if err := d.locked(func() error {
		var err error
		if c, err = d.getContainerLocked(r.PathValue("id")); err != nil {
			return err
		}
		running, tty = c.state.Running, c.config.Tty
		if c.host.LogConfig.Type == "none" {
			return errNotImplemented("configured logging driver does not support reading")
		}
		c.startLogger()
		return nil
	}); err != nil {
		return err
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
	if boolParam(r, "details") {
		ew.details = logDetails(c)
	}
	entries, next, ended, changed := c.logs.since(0)
	// dockerd's reader takes the tail of the log (both streams), then the
	// window; the streams are picked as the lines are written
	if tail >= 0 && len(entries) > tail {
		entries = entries[len(entries)-tail:]
	}
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
	if ew.writeAll(sel) != nil {
		return nil
	}
	flush(w)
	if !follow || !running || !until.IsZero() && !until.After(d.now()) {
		return nil
	}
	for !ended {
		select {
		case <-changed:
		case <-r.Context().Done():
			return nil
		case <-d.ctx.Done():
			return nil
		}
		entries, next, ended, changed = c.logs.since(next)
		for _, e := range entries {
			if !until.IsZero() && e.t.After(until) {
				return nil
			}
			if ew.write(e) != nil {
				return nil
			}
		}
		flush(w)
	}
	return nil
}

// hijack takes over the connection and writes the stream's response
// head as dockerd does: 101 UPGRADED when the request has an Upgrade
// header (multiplexed or raw by its content type from API 1.42), a bare
// 200 with the raw-stream type otherwise. Exec start copies the daemon's
// headers (Api-Version, Server...) into the head; attach sends none.
// A request body (the options JSON some clients send) is read and dropped.
func (d *Daemon) hijack(w http.ResponseWriter, r *http.Request, multiplexed, daemonHeaders bool) (net.Conn, *bufio.Reader, error) {
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
	_, upgrade := r.Header["Upgrade"]
	var head strings.Builder
	if upgrade {
		ct := "application/vnd.docker.raw-stream"
		if multiplexed && infoOf(r).version.atLeast("1.42") {
			ct = "application/vnd.docker.multiplexed-stream"
		}
		head.WriteString("HTTP/1.1 101 UPGRADED\r\nContent-Type: " + ct + "\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n")
		infoOf(r).rec.Status = http.StatusSwitchingProtocols
	} else {
		head.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n")
		infoOf(r).rec.Status = http.StatusOK
	}
	if daemonHeaders {
		_ = w.Header().Write(&head)
	}
	head.WriteString("\r\n")
	if _, err := io.WriteString(conn, head.String()); err != nil {
		conn.Close()
		return nil, nil, err
	}
	if upgrade {
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

func (d *Daemon) containerAttach(w http.ResponseWriter, r *http.Request) error {
	useStdin, useStdout, useStderr := boolParam(r, "stdin"), boolParam(r, "stdout"), boolParam(r, "stderr")
	logs, stream := boolParam(r, "logs"), boolParam(r, "stream")
	keys, err := attachDetachKeys(r)
	if err != nil {
		return d.refuseAttach(w, r, err)
	}
	t, err := lockedValue(d, func() (attachTarget, error) { return d.attachTargetLocked(r.PathValue("id")) })
	if err != nil {
		return d.refuseAttach(w, r, err)
	}
	c := t.c
	// dockerd logs the attach once the streams are set up, long before
	// a start the client sends after the upgrade can run anything: the
	// event comes first here, so that a quick start cannot overtake it
	d.emitContainer(c, "attach")
	conn, br, err := d.hijack(w, r, !t.tty, false)
	if err != nil {
		return err
	}
	defer d.srv.release(conn)
	ew := newEntryWriter(conn, t.tty, useStdout, useStderr, false)
	if logs {
		if ew.writeAll(t.logs) != nil {
			return nil
		}
	}
	if !stream {
		return nil
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	defer func() {
		close(stop)
		conn.Close()
		wg.Wait()
	}()
	var in *attachStdin
	if useStdin && t.openStdin {
		in = d.startAttachStdin(t, br, keys, stop, &wg)
	}
	ended := in.ended()
	next := t.next
	// a container that is not running is streamed from its next start
	if !t.running {
		if !d.awaitStart(c, t.gen, ended) {
			d.attachEnded(c, in)
			return nil
		}
		// output since the start belongs to this attach; what logs sent
		// already is not sent again
		next = max(next, runStart(c))
	}
	rd := c.logs.addReader(next)
	defer c.logs.removeReader(rd)
	for {
		entries, n, runEnded, changed := c.logs.since(next)
		next = n
		if ew.writeAll(entries) != nil {
			return nil
		}
		c.logs.advance(rd, next)
		if runEnded {
			return nil
		}
		select {
		case <-changed:
		case <-ended:
			d.attachEnded(c, in)
			return nil
		case <-d.ctx.Done():
			return nil
		}
	}
}

// attachDetachKeys reads ?detachKeys= (dockerd's default when empty).
func attachDetachKeys(r *http.Request) ([]byte, error) {
	s := r.URL.Query().Get("detachKeys")
	if s == "" {
		return nil, nil
	}
	keys, err := parseDetachKeys(s)
	if err != nil {
		return nil, errInvalid(fmt.Sprintf("Invalid detach keys (%s) provided", s))
	}
	return keys, nil
}

// refuseAttach answers an attach that cannot begin as dockerd does: a
// bare HTTP answer with the raw-stream type and the message as a line,
// none of the daemon's headers, and the connection closed.
func (d *Daemon) refuseAttach(w http.ResponseWriter, r *http.Request, err error) error {
	status := http.StatusInternalServerError
	var ae *apiError
	if errors.As(err, &ae) {
		status = ae.status
	}
	hj, ok := unwrapHijacker(w)
	if !ok {
		return err
	}
	conn, _, herr := hj.Hijack()
	if herr != nil {
		return err
	}
	defer d.srv.release(conn)
	infoOf(r).rec.Status = status
	_, _ = fmt.Fprintf(conn, "HTTP/1.1 %d %s\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\n%s\r\n", status, http.StatusText(status), err.Error())
	return nil
}

// attachStdin is the client's input of an attach, fed to the container.
// It ends the attach (ended closes) when the client types the detach keys
// (with a TTY) or its input ends, except without a TTY and with StdinOnce:
// then the end of input closes the container's stdin and the stream goes
// on, as on dockerd.
type attachStdin struct {
	end      chan struct{}
	detached bool // by the detach keys; set before end closes
}

// ended is closed when the client's input ends the attach; nil (never)
// without input.
func (a *attachStdin) ended() <-chan struct{} {
	if a == nil {
		return nil
	}
	return a.end
}

func (d *Daemon) startAttachStdin(t attachTarget, src io.Reader, keys []byte, stop <-chan struct{}, wg *sync.WaitGroup) *attachStdin {
	a := &attachStdin{end: make(chan struct{})}
	if t.tty {
		src = newEscapeReader(src, keys)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		err := d.feedStdin(t, src, stop)
		if errors.Is(err, errDetached) {
			a.detached = true
		} else if t.stdinOnce && !t.tty {
			return
		}
		close(a.end)
	}()
	return a
}

// attachEnded is the end of an attach by its client's input: a detach is
// an event.
func (d *Daemon) attachEnded(c *container, in *attachStdin) {
	if in != nil && in.detached {
		d.emitContainer(c, "detach")
	}
}

func (c *container) startedAt() time.Time {
	t, _ := lockedValue(c.d, func() (time.Time, error) { return c.state.StartedAt, nil })
	return t.Add(-time.Nanosecond)
}

// attachTarget is what an attach needs of its container, read in one
// section: whether it runs with its run generation and the output so far,
// so that a start between the two cannot be missed or sent twice.
type attachTarget struct {
	c                                  *container
	tty, running, openStdin, stdinOnce bool
	gen                                int
	logs                               []logEntry // the output so far (logs=1)
	next                               int        // the log index after them
}

func (d *Daemon) attachTargetLocked(name string) (attachTarget, error) {
	c, err := d.getContainerLocked(name)
	if err != nil {
		return attachTarget{}, err
	}
	if c.state.Paused {
		return attachTarget{}, errConflict(fmt.Sprintf("container %s is paused, unpause the container before attach", name))
	}
	if c.state.Restarting {
		return attachTarget{}, errConflict(fmt.Sprintf("container %s is restarting, wait until the container is running", name))
	}
	t := attachTarget{c: c, tty: c.config.Tty, running: c.state.Running, openStdin: c.config.OpenStdin, stdinOnce: c.config.StdinOnce}
	t.gen, t.logs, t.next = c.logs.snapshot()
	return t, nil
}

// awaitStart waits for the run after generation gen of c to start; false
// when c is removed first, or stop or the daemon closes.
func (d *Daemon) awaitStart(c *container, gen int, stop <-chan struct{}) bool {
	started := func() bool { return c.logs.generation() != gen }
	return d.await(stop, func() bool { return started() || isClosed(c.removed) }) && started()
}

// feedStdin copies the client's input to the container's stdin (its
// terminal with a TTY) until the input ends or fails, and returns that
// error; without a TTY and with StdinOnce, the end closes the container's
// stdin. It waits for the container to start; nil when stop closes first.
func (d *Daemon) feedStdin(t attachTarget, src io.Reader, stop <-chan struct{}) error {
	c := t.c
	var dst io.Writer
	var pipe *stdinPipe
	if !d.await(stop, func() bool {
		switch {
		case t.tty && c.term != nil:
			dst = c.term
		case !t.tty && c.stdin != nil:
			pipe = c.stdin
			dst = pipe.w
		}
		return dst != nil
	}) {
		return nil
	}
	_, err := io.Copy(dst, src)
	if pipe != nil && t.stdinOnce {
		pipe.w.Close()
	}
	return err
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

// hijackWriter hands gorilla the connection's real http.Hijacker behind
// the daemon's status-recording writer.
type hijackWriter struct {
	http.ResponseWriter
	http.Hijacker
}

// containerAttachWS serves GET /containers/{id}/attach/ws as dockerd does:
// a websocket carrying the container's raw streams, never multiplexed;
// binary messages from API 1.28 (text before); stdin/stdout/stderr honoured
// from 1.42, all three attached before (the parameters were ignored).
func (d *Daemon) containerAttachWS(w http.ResponseWriter, r *http.Request) error {
	ver := infoOf(r).version
	useStdin, useStdout, useStderr := true, true, true
	if ver.atLeast("1.42") {
		useStdin, useStdout, useStderr = boolParam(r, "stdin"), boolParam(r, "stdout"), boolParam(r, "stderr")
	}
	logs, stream := boolParam(r, "logs"), boolParam(r, "stream")
	keys, err := attachDetachKeys(r)
	if err != nil {
		return err
	}
	t, err := lockedValue(d, func() (attachTarget, error) { return d.attachTargetLocked(r.PathValue("id")) })
	if err != nil {
		return err
	}
	c := t.c
	hj, ok := unwrapHijacker(w)
	if !ok {
		return errInternal("mockdaemon: connection cannot be hijacked")
	}
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	ws, err := up.Upgrade(hijackWriter{w, hj}, r, nil)
	if err != nil {
		return nil // gorilla answered the failed handshake itself
	}
	infoOf(r).rec.Status = http.StatusSwitchingProtocols
	conn := ws.NetConn()
	open := d.srv.track(conn)
	defer d.srv.release(conn)
	if !open {
		return nil
	}
	d.emitContainer(c, "attach")

	msgType := websocket.BinaryMessage
	if !ver.atLeast("1.28") {
		msgType = websocket.TextMessage
	}
	var wmu sync.Mutex
	send := func(p []byte) error {
		wmu.Lock()
		defer wmu.Unlock()
		return ws.WriteMessage(msgType, p)
	}
	goodbye := func() {
		wmu.Lock()
		defer wmu.Unlock()
		_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	}
	ew := newEntryWriter(wsWriter(send), true, useStdout, useStderr, false)
	next := t.next
	if logs {
		if ew.writeAll(t.logs) != nil {
			return nil
		}
	}
	if !stream {
		goodbye()
		return nil
	}

	// The reader goroutine runs for the whole attach: it feeds stdin when
	// asked and notices the client going away (or detaching) either way.
	gone := make(chan struct{})
	detached := false // set before gone closes
	stop := make(chan struct{})
	var wg sync.WaitGroup
	defer func() {
		close(stop)
		conn.Close()
		wg.Wait()
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(gone)
		var src io.Reader = &wsReader{ws: ws}
		if useStdin && t.openStdin {
			if t.tty {
				src = newEscapeReader(src, keys)
			}
			if errors.Is(d.feedStdin(t, src, stop), errDetached) {
				detached = true
				return
			}
		}
		_, _ = io.Copy(io.Discard, src)
	}()
	leave := func() {
		<-gone
		if detached {
			d.emitContainer(c, "detach")
		}
	}

	if !t.running {
		if !d.awaitStart(c, t.gen, gone) {
			if isClosed(gone) {
				leave()
			}
			return nil
		}
		next = max(next, runStart(c))
	}
	for {
		entries, n, ended, changed := c.logs.since(next)
		next = n
		if ew.writeAll(entries) != nil {
			return nil
		}
		if ended {
			goodbye()
			return nil
		}
		select {
		case <-changed:
		case <-gone:
			leave()
			return nil
		case <-d.ctx.Done():
			return nil
		}
	}
}

// wsWriter sends each write as one websocket message.
type wsWriter func([]byte) error

func (f wsWriter) Write(p []byte) (int, error) {
	if err := f(p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// wsReader reads the payloads of the client's messages as one stream; a
// close message or a broken connection is EOF.
type wsReader struct {
	ws  *websocket.Conn
	cur io.Reader
}

func (r *wsReader) Read(p []byte) (int, error) {
	for {
		if r.cur == nil {
			_, rd, err := r.ws.NextReader()
			if err != nil {
				return 0, io.EOF
			}
			r.cur = rd
		}
		n, err := r.cur.Read(p)
		if err == io.EOF {
			r.cur = nil
			if n > 0 {
				return n, nil
			}
			continue
		}
		if err != nil {
			return n, io.EOF
		}
		return n, nil
	}
}
