package mockdaemon

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/dockwire/dockwire/mux"
)

// execRoutes: processes run in a running container.
func (d *Daemon) execRoutes() []route {
	return []route{
		{"POST", "/containers/{id}/exec", "ContainerExec", d.execCreate},
		{"POST", "/exec/{id}/start", "ExecStart", d.execStart},
		{"POST", "/exec/{id}/resize", "ExecResize", d.execResize},
		{"GET", "/exec/{id}/json", "ExecInspect", d.execInspect},
	}
}

func (d *Daemon) execCreate(w http.ResponseWriter, r *http.Request) error {
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
		return err
	}
	if len(body.Cmd) == 0 {
		return errInvalid("No exec command specified")
	}
	id, err := lockedValue(d, func() (string, error) {
		c, err := d.getContainerLocked(r.PathValue("id"))
		switch {
		case err != nil:
			return "", err
		case c.state.Paused:
			return "", errConflict(fmt.Sprintf("container %s is paused, unpause the container before exec", c.id))
		case !c.state.Running:
			return "", errConflict(fmt.Sprintf("container %s is not running", c.id))
		case c.state.Restarting:
			return "", errConflict(fmt.Sprintf("container %s is restarting, wait until the container is running", c.id))
		}
		e := &execInst{
			id: d.newID(), c: c, argv: body.Cmd, env: body.Env, dir: body.WorkingDir, user: body.User,
			tty: body.Tty, attachIn: body.AttachStdin, attachOut: body.AttachStdout, attachErr: body.AttachStderr,
			privileged: body.Privileged, detachKeys: body.DetachKeys, consoleSize: body.ConsoleSize,
		}
		d.execs[e.id] = e
		c.execIDs = append(c.execIDs, e.id)
		d.events.emit("container", "exec_create: "+strings.Join(e.argv, " "), c.id, mergeAttrs(c.eventAttrs(), "execID", e.id))
		return e.id, nil
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"Id": id})
}

func (d *Daemon) execStart(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Detach bool
		Tty    bool
	}
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	var e *execInst
	var spec procSpec
	var paused *gate
	if err := d.locked(func() error {
		var err error
		if e, err = d.startExecLocked(r.PathValue("id")); err != nil {
			return err
		}
		spec, paused = d.execSpecLocked(e), e.c.pauseGate
		return nil
	}); err != nil {
		return err
	}
	c := e.c
	argv0 := ""
	if len(e.argv) > 0 {
		argv0 = e.argv[0]
	}
	if msg, _ := lookProgram(spec.FS, spec.Env, spec.Dir, argv0); msg != "" {
		// dockerd records 126 whatever runc's reason, and tells an
		// attached client on its stdout stream.
		code := 126
		_ = d.locked(func() error {
			e.running = false
			e.pid = 0
			e.exitCode = &code
			return nil
		})
		msg = "OCI runtime exec failed: exec failed: unable to start container process: " + msg + ": unknown"
		if body.Detach {
			return errInvalid(msg)
		}
		conn, _, err := d.hijack(w, r, !e.tty)
		if err != nil {
			return err
		}
		defer d.srv.release(conn)
		if e.tty {
			_, _ = io.WriteString(conn, msg+"\r\n")
		} else {
			_, _ = io.WriteString(mux.NewMuxer(conn).Stream(mux.Stdout), msg+"\r\n")
		}
		closeWrite(conn)
		return nil
	}

	finish := func(p proc) {
		code := p.ExitCode()
		_ = d.locked(func() error {
			e.running = false
			e.exitCode = &code
			d.events.emit("container", "exec_die", c.id, mergeAttrs(c.eventAttrs(), "execID", e.id, "exitCode", strconv.Itoa(code)))
			return nil
		})
	}
	if body.Detach {
		p := startProc(spec)
		d.trackExec(c, p)
		d.goTracked(func() {
			<-p.Done()
			finish(p)
		})
		w.WriteHeader(http.StatusOK)
		return nil
	}
	conn, br, err := d.hijack(w, r, !e.tty)
	if err != nil {
		_ = d.locked(func() error {
			e.running = false
			return nil
		})
		return err
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
	spec.Stdout = &gatedWriter{g: paused, done: done, w: out}
	spec.Stderr = &gatedWriter{g: paused, done: done, w: errw}
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
	return nil
}

func (d *Daemon) execInspect(w http.ResponseWriter, r *http.Request) error {
	return d.respond(w, http.StatusOK, func() (any, error) {
		e, ok := d.execs[r.PathValue("id")]
		if !ok {
			return nil, noSuchExec(r.PathValue("id"))
		}
		return e.json(), nil
	})
}

// json is GET /exec/{id}/json.
func (e *execInst) json() map[string]any {
	var code any
	if e.exitCode != nil {
		code = *e.exitCode
	}
	args := []string{}
	if len(e.argv) > 1 {
		args = e.argv[1:]
	}
	return map[string]any{
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
}

func (d *Daemon) execResize(w http.ResponseWriter, r *http.Request) error {
	if _, err := resizeParams(r); err != nil {
		return err
	}
	if err := d.locked(func() error {
		if _, ok := d.execs[r.PathValue("id")]; !ok {
			return noSuchExec(r.PathValue("id"))
		}
		return nil
	}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}
