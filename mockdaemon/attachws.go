package mockdaemon

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

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
func (d *Daemon) containerAttachWS(w http.ResponseWriter, r *http.Request) {
	ver := infoOf(r).version
	useStdin, useStdout, useStderr := true, true, true
	if ver.atLeast("1.42") {
		useStdin, useStdout, useStderr = boolParam(r, "stdin"), boolParam(r, "stdout"), boolParam(r, "stderr")
	}
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
	hj, ok := unwrapHijacker(w)
	if !ok {
		writeError(w, r, errInternal("mockdaemon: connection cannot be hijacked"))
		return
	}
	gen := c.logs.generation()
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	ws, err := up.Upgrade(hijackWriter{w, hj}, r, nil)
	if err != nil {
		return // gorilla answered the failed handshake itself
	}
	infoOf(r).rec.Status = http.StatusSwitchingProtocols
	conn := ws.NetConn()
	open := d.srv.track(conn)
	defer d.srv.release(conn)
	if !open {
		return
	}
	d.events.emit("container", "attach", c.id, c.eventAttrs())

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
		_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
		wmu.Unlock()
	}
	ew := newEntryWriter(wsWriter(send), true, useStdout, useStderr, false)
	entries, next, _, _ := c.logs.since(0)
	if logs {
		for _, e := range entries {
			if ew.write(e) != nil {
				return
			}
		}
	}
	if !stream {
		goodbye()
		return
	}

	// The reader goroutine runs for the whole attach: it feeds stdin when
	// asked and notices the client going away either way.
	gone := make(chan struct{})
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
		if useStdin && openStdin {
			if tty {
				src = io.TeeReader(src, &logWriter{l: c.logs, stream: 1, tty: true})
			}
			d.feedStdin(c, src, stdinOnce, stop)
		}
		_, _ = io.Copy(io.Discard, src)
	}()

	if !running {
		for g, changed := c.logs.runState(); g == gen; g, changed = c.logs.runState() {
			select {
			case <-changed:
			case <-c.removed:
				return
			case <-d.ctx.Done():
				return
			case <-gone:
				return
			}
		}
		next = runStart(c)
	}
	for {
		entries, n, ended, changed := c.logs.since(next)
		next = n
		for _, e := range entries {
			if ew.write(e) != nil {
				return
			}
		}
		if ended {
			goodbye()
			return
		}
		select {
		case <-changed:
		case <-gone:
			return
		case <-d.ctx.Done():
			return
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
