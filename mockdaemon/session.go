package mockdaemon

import (
	"io"
	"net/http"
	"strings"
)

// session serves POST /session as a minimal stand-in for dockerd's
// BuildKit session manager: it checks the upgrade as dockerd does, answers
// 101 with Upgrade: h2c, opens HTTP/2 as the gRPC client the daemon is
// (the client preface and an empty SETTINGS frame) and then holds the
// connection, discarding what arrives, until the client or the daemon
// closes it. No gRPC service is called on it.
func (d *Daemon) session(w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get("X-Docker-Expose-Session-Uuid")
	proto := r.Header.Get("Upgrade")
	switch {
	case proto == "":
		writeError(w, r, errInvalid("no upgrade proto in request"))
		return
	case !strings.EqualFold(proto, "h2c"):
		writeError(w, r, errInvalid("protocol "+proto+" not supported"))
		return
	}
	d.mu.Lock()
	if d.x.sessions == nil {
		d.x.sessions = map[string]bool{}
	}
	if id != "" && d.x.sessions[id] {
		d.mu.Unlock()
		writeError(w, r, errInvalid("session "+id+" already exists"))
		return
	}
	d.x.sessions[id] = true
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		delete(d.x.sessions, id)
		d.mu.Unlock()
	}()
	hj, ok := unwrapHijacker(w)
	if !ok {
		writeError(w, r, errInternal("handler does not support hijack"))
		return
	}
	conn, brw, err := hj.Hijack()
	if err != nil {
		return
	}
	open := d.srv.track(conn)
	defer d.srv.release(conn)
	if !open {
		return
	}
	infoOf(r).rec.Status = http.StatusSwitchingProtocols
	const head = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"
	const preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
	settings := []byte{0, 0, 0, 4, 0, 0, 0, 0, 0}
	if _, err := io.WriteString(conn, head+preface+string(settings)); err != nil {
		return
	}
	stop := closeOnDaemonClose(d, conn)
	defer stop()
	_, _ = io.Copy(io.Discard, brw)
}

// closeOnDaemonClose closes conn when the daemon closes; the returned func
// cancels that.
func closeOnDaemonClose(d *Daemon, conn io.Closer) func() {
	done := make(chan struct{})
	go func() {
		select {
		case <-d.ctx.Done():
			conn.Close()
		case <-done:
		}
	}()
	return func() { close(done) }
}
