package mockdaemon

import (
	"io"
	"net/http"
	"strings"
)

// sessionRoutes: the BuildKit session endpoint.
func (d *Daemon) sessionRoutes() []route {
	return []route{
		{"POST", "/session", "Session", d.session},
	}
}

// session serves POST /session as a minimal stand-in for dockerd's
// BuildKit session manager: it checks the upgrade as dockerd does, answers
// 101 with Upgrade: h2c, opens HTTP/2 as the gRPC client the daemon is
// (the client preface and an empty SETTINGS frame) and then holds the
// connection, discarding what arrives, until the client or the daemon
// closes it. No gRPC service is called on it.
func (d *Daemon) session(w http.ResponseWriter, r *http.Request) error {
	id := r.Header.Get("X-Docker-Expose-Session-Uuid")
	proto := r.Header.Get("Upgrade")
	switch {
	case proto == "":
		return errInvalid("no upgrade proto in request")
	case !strings.EqualFold(proto, "h2c"):
		return errInvalid("protocol " + proto + " not supported")
	}
	if err := d.locked(func() error {
		if id != "" && d.sessions[id] {
			return errInvalid("session " + id + " already exists")
		}
		d.sessions[id] = true
		return nil
	}); err != nil {
		return err
	}
	defer d.locked(func() error {
		delete(d.sessions, id)
		return nil
	})
	hj, ok := unwrapHijacker(w)
	if !ok {
		return errInternal("handler does not support hijack")
	}
	conn, brw, err := hj.Hijack()
	if err != nil {
		return nil
	}
	open := d.srv.track(conn)
	defer d.srv.release(conn)
	if !open {
		return nil
	}
	infoOf(r).rec.Status = http.StatusSwitchingProtocols
	const head = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"
	const preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
	settings := []byte{0, 0, 0, 4, 0, 0, 0, 0, 0}
	if _, err := io.WriteString(conn, head+preface+string(settings)); err != nil {
		return nil
	}
	stop := closeOnDaemonClose(d, conn)
	defer stop()
	_, _ = io.Copy(io.Discard, brw)
	return nil
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
