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
