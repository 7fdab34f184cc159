package mockdaemon

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/dockwire/dockwire/mux"
)

// execRoutes: processes run in a running container.
func (d *Daemon) execRoutes() []route {
	return []route{
		{"POST", "/containers/{id...}/exec", "ContainerExec", d.execCreate},
		// dockerd's ids are {id:.*}: with slashes, or none
		{"POST", "/exec/{id...}/start", "ExecStart", d.execStart},
		{"POST", "/exec/{id...}/resize", "ExecResize", d.execResize},
		{"GET", "/exec/{id...}/json", "ExecInspect", d.execInspect},
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
	name := r.PathValue("id")
	id, err := lockedValue(d, func() (string, error) {
		c, err := d.getContainerLocked(name)
		switch {
		case err != nil:
			return "", err
		case c.state.Restarting:
			return "", errConflict(fmt.Sprintf("Container %s is restarting, wait until the container is running", c.id))
		case !c.state.Running:
			return "", errConflict(fmt.Sprintf("Container %s is not running", c.id))
		case c.state.Paused:
			return "", errConflict(fmt.Sprintf("Container %s is paused, unpause the container before exec", name))
		}
		keys := []byte{}
		if body.DetachKeys != "" {
			if keys, err = parseDetachKeys(body.DetachKeys); err != nil {
				return "", errInternal(fmt.Sprintf("Invalid escape keys (%s) provided", body.DetachKeys))
			}
		}
		e := &execInst{
			id: d.newID(), c: c, argv: body.Cmd, env: body.Env, dir: body.WorkingDir, user: body.User,
			tty: body.Tty, attachIn: body.AttachStdin, attachOut: body.AttachStdout, attachErr: body.AttachStderr,
			privileged: body.Privileged, detachKeys: keys, consoleSize: body.ConsoleSize,
		}
		if cs := e.consoleSize; cs != nil {
			e.termSize.set(cs[0], cs[1]) // [height, width]
		}
		if e.user == "" {
			e.user = c.config.User
		}
		if e.dir == "" {
			e.dir = c.config.WorkingDir
		}
		d.collectExecsLocked()
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

// execStart answers as dockerd's: the exec and its container are checked
// before anything is written (a JSON error); attached, the stream's head
// goes out next and what fails after (the exec ran already, its user or
// program cannot be found, the client detached) is written into the stream
// as a line. The stream is raw or multiplexed by the Tty of this request,
// whatever the exec was created with.
func (d *Daemon) execStart(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Detach      bool
		Tty         bool
		ConsoleSize *[2]int
	}
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := d.locked(func() error {
		d.collectExecsLocked()
		_, err := d.execReadyLocked(id)
		return err
	}); err != nil {
		return err
	}
	if body.Detach {
		if err := d.locked(func() error {
			e, spec, err := d.prepareExecLocked(id)
			if err != nil {
				return err
			}
			d.runExecLocked(e, spec, nil, nil)
			return nil
		}); err != nil {
			return err
		}
		w.WriteHeader(http.StatusOK)
		return nil
	}
	conn, br, err := d.hijack(w, r, !body.Tty, true)
	if err != nil {
		return err
	}
	defer d.srv.release(conn)
	var stdout, stderr io.Writer = conn, nil // a raw stream has no stderr: dockerd drops it
	if !body.Tty {
		m := mux.NewMuxer(conn)
		stdout, stderr = m.Stream(mux.Stdout), m.Stream(mux.Stderr)
	}
	if err := d.attachExec(id, br, stdout, stderr); err != nil {
		_, _ = io.WriteString(stdout, err.Error()+"\r\n")
	}
	closeWrite(conn)
	return nil
}

// prepareExecLocked marks exec id started and returns it with its
// process, or the error its start ends with (a failed start is recorded).
func (d *Daemon) prepareExecLocked(id string) (*execInst, procSpec, error) {
	e, err := d.execReadyLocked(id)
	if err != nil {
		return nil, procSpec{}, err
	}
	if err := d.beginExecLocked(e); err != nil {
		return nil, procSpec{}, err
	}
	spec := d.execSpecLocked(e)
	if f := checkStart(spec, true); f != nil {
		d.failExecLocked(e)
		return nil, procSpec{}, execFailure(f)
	}
	return e, spec, nil
}

// attachExec runs exec id with the client's stdin (in) and output
// streams (stderr nil for a raw stream) until the process ends. With a
// TTY, the detach keys end it early (the error says so, and the exec is
// recorded as ended with 126 while its process runs on), and so does the
// end of the client's stdin.
func (d *Daemon) attachExec(id string, in io.Reader, stdout, stderr io.Writer) error {
	var e *execInst
	var run *execRun
	if err := d.locked(func() error {
		var spec procSpec
		var err error
		if e, spec, err = d.prepareExecLocked(id); err != nil {
			return err
		}
		if !e.attachOut {
			stdout = nil
		}
		if !e.attachErr {
			stderr = nil
		}
		run = d.runExecLocked(e, spec, stdout, stderr)
		return nil
	}); err != nil {
		return err
	}
	defer run.clientIO.stop()
	var stdinEnd chan error
	if run.stdin != nil {
		stdinEnd = make(chan error, 1)
		go func() {
			src := in
			if run.term != nil {
				src = newEscapeReader(in, e.detachKeys)
			}
			_, err := io.Copy(run.stdin, src)
			if run.closeIn != nil {
				run.closeIn()
			}
			stdinEnd <- err
		}()
	}
	for {
		select {
		case <-run.done:
			return nil
		case err := <-stdinEnd:
			stdinEnd = nil
			switch {
			case errors.Is(err, errDetached):
				_ = d.locked(func() error {
					d.endExecLocked(e, 126)
					return nil
				})
				return fmt.Errorf("exec attach failed: %w", err)
			case run.term != nil && !errors.Is(err, errTerminalClosed):
				return nil // the client's stdin ended: so does a TTY stream
			}
		case <-d.ctx.Done():
			return nil
		}
	}
}

func (d *Daemon) execInspect(w http.ResponseWriter, r *http.Request) error {
	return d.respond(w, http.StatusOK, func() (any, error) {
		d.collectExecsLocked()
		e, ok := d.execs[r.PathValue("id")]
		if !ok || d.containers[e.c.id] != e.c {
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
	pc := map[string]any{"tty": e.tty, "entrypoint": e.argv[0], "arguments": args, "privileged": e.privileged}
	if e.user != "" {
		pc["user"] = e.user
	}
	return map[string]any{
		"ID":            e.id,
		"Running":       e.running,
		"ExitCode":      code,
		"ProcessConfig": pc,
		"OpenStdin":     e.attachIn,
		"OpenStderr":    e.attachErr,
		"OpenStdout":    e.attachOut,
		"CanRemove":     e.canRemove,
		"ContainerID":   e.c.id,
		"DetachKeys":    e.detachKeys, // []byte: base64, as dockerd stores them
		"Pid":           e.pid,
	}
}

func (d *Daemon) execResize(w http.ResponseWriter, r *http.Request) error {
	size, err := resizeParams(r)
	if err != nil {
		return err
	}
	if err := d.locked(func() error {
		e, ok := d.execs[r.PathValue("id")]
		if !ok {
			return noSuchExec(r.PathValue("id"))
		}
		if e.exitCode != nil {
			// containerd has no process left to resize
			return errNotFound("process " + e.id + " not found: not found")
		}
		e.termSize.set(size[0], size[1])
		return nil
	}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}
