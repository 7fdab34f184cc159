package conformance

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/mux"
	"github.com/dockwire/dockwire/wire"
)

// Terminals, framing and detach keys of exec and attach: what docker-py's
// exec_run(tty=True), docker exec -it and docker attach users meet.

// readUntil reads conn until what it read ends with suffix, within the
// scenario's time; it returns what it read.
func (e *Env) readUntil(conn *mux.Conn, suffix string) string {
	e.T.Helper()
	var got []byte
	buf := make([]byte, 256)
	deadline := time.Now().Add(20 * time.Second)
	for !strings.HasSuffix(string(got), suffix) {
		if time.Now().After(deadline) {
			e.T.Fatalf("waited for %q, read %q", suffix, got)
		}
		n, err := conn.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			e.T.Fatalf("waiting for %q, read %q: %v", suffix, got, err)
		}
	}
	return string(got)
}

// execTTY creates an exec of cmd with a TTY and stdin in container id and
// starts it attached (raw, as its Tty says).
func (e *Env) execTTY(id string, opts endpoints.ExecCreateOptions) (string, *mux.Conn) {
	e.T.Helper()
	opts.Tty, opts.AttachStdin, opts.AttachStdout = true, true, true
	return e.execStart(id, opts, true)
}

// execStart creates an exec in container id and starts it attached with
// the start's Tty; the stream closes with the scenario.
func (e *Env) execStart(id string, opts endpoints.ExecCreateOptions, tty bool) (string, *mux.Conn) {
	e.T.Helper()
	x, err := e.execs().Create(e.Ctx, id, opts)
	if err != nil {
		e.T.Fatalf("exec create: %v", err)
	}
	conn, err := e.execs().Start(e.Ctx, x.ID, endpoints.ExecStartOptions{Tty: tty})
	if err != nil {
		e.T.Fatalf("exec start: %v", err)
	}
	e.T.Cleanup(func() { conn.Close() })
	return x.ID, conn
}

// write sends s on conn.
func (e *Env) write(conn *mux.Conn, s string) {
	e.T.Helper()
	if _, err := conn.Write([]byte(s)); err != nil {
		e.T.Fatalf("write %q: %v", s, err)
	}
}

// execExitCode is the exit code exec inspect gives exec x, -1 for none.
func (e *Env) execExitCode(x string) int {
	e.T.Helper()
	in, err := e.execs().Inspect(e.Ctx, x, endpoints.ExecInspectOptions{})
	if err != nil {
		e.T.Fatalf("exec inspect: %v", err)
	}
	if in.ExitCode == nil {
		return -1
	}
	return *in.ExitCode
}

func init() {
	// The Tty of the start decides raw or multiplexed (a raw stream has no
	// stderr); the Tty of the create decides whether the process has a
	// terminal (\r\n, one output).
	register("exec/start/framing-follows-start-tty", func(e *Env) {
		id := e.running(nil, "sleep", "60")
		cmd := []string{"sh", "-c", "echo out; echo err >&2"}
		_, conn := e.execStart(id, endpoints.ExecCreateOptions{Cmd: cmd, AttachStdout: true, AttachStderr: true}, true)
		if conn.Multiplexed() {
			e.T.Errorf("Tty at start: a multiplexed stream, want raw")
		}
		raw, err := io.ReadAll(conn)
		conn.Close()
		if err != nil || string(raw) != "out\n" {
			e.T.Errorf("Tty only at start: %q, %v; want \"out\\n\" (no terminal, no stderr on a raw stream)", raw, err)
		}

		_, conn = e.execStart(id, endpoints.ExecCreateOptions{Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: true}, false)
		if !conn.Multiplexed() {
			e.T.Errorf("no Tty at start: a raw stream, want multiplexed")
		}
		var stdout, stderr bytes.Buffer
		_, err = conn.Demux(&stdout, &stderr)
		conn.Close()
		if err != nil || stdout.String() != "out\r\nerr\r\n" || stderr.Len() != 0 {
			e.T.Errorf("Tty only at create: stdout %q stderr %q, %v; want a terminal's one output in stdout frames", stdout.String(), stderr.String(), err)
		}
	})

	// docker-py's exec_run(tty=True): the process sees a terminal.
	register("exec/run/tty-is-a-terminal", func(e *Env) {
		id := e.running(nil, "sleep", "60")
		res, err := e.containers().ExecRun(e.Ctx, id, endpoints.ContainerExecRunOptions{
			Cmd: []string{"sh", "-c", `test -t 0 && test -t 1 && echo tty; test -t 1 | cat; echo "TERM=$TERM"`}, Tty: true})
		if err != nil || res.ExitCode != 0 || string(res.Stdout) != "tty\r\nTERM=xterm\r\n" {
			e.T.Errorf("exec with a TTY: %q code %d, %v; want \"tty\\r\\nTERM=xterm\\r\\n\" code 0", res.Stdout, res.ExitCode, err)
		}
		res, err = e.containers().ExecRun(e.Ctx, id, endpoints.ContainerExecRunOptions{Cmd: []string{"sh", "-c", `test -t 1 || echo "no tty TERM=$TERM"`}})
		if err != nil || string(res.Stdout) != "no tty TERM=\n" {
			e.T.Errorf("exec without a TTY: %q, %v; want \"no tty TERM=\\n\"", res.Stdout, err)
		}
	})

	// A terminal echoes what it reads, edits lines, and ^C interrupts.
	register("exec/start/tty-echo-and-interrupt", func(e *Env) {
		id := e.running(nil, "sleep", "60")
		x, conn := e.execTTY(id, endpoints.ExecCreateOptions{Cmd: []string{"cat"}})
		e.write(conn, "hellp\x7fo\n")
		if got := e.readUntil(conn, "o\r\nhello\r\n"); got != "hellp\b \bo\r\nhello\r\n" {
			e.T.Errorf("the echo, the erase and cat's line: %q", got)
		}
		e.write(conn, "\x03")
		if rest, err := io.ReadAll(conn); err != nil || string(rest) != "^C" {
			e.T.Errorf("after ^C: %q, %v; want \"^C\"", rest, err)
		}
		if code := e.execExitCode(x); code != 130 {
			e.T.Errorf("exit code %d, want 130 (killed by SIGINT)", code)
		}
	})

	// The detach keys end an exec's stream with dockerd's error line; the
	// exec then reads as ended with 126.
	register("exec/start/detach-keys", func(e *Env) {
		id := e.running(nil, "sleep", "60")
		for _, tc := range []struct{ keys, seq, stored string }{
			{"", "\x10\x11", ""},
			{"ctrl-x,x", "\x18x", "GHg="},
		} {
			x, conn := e.execTTY(id, endpoints.ExecCreateOptions{Cmd: []string{"cat"}, DetachKeys: tc.keys})
			e.write(conn, "hi\n")
			e.readUntil(conn, "hi\r\nhi\r\n")
			e.write(conn, tc.seq)
			const want = "exec attach failed: error on attach stdin: read escape sequence\r\n"
			if rest, err := io.ReadAll(conn); err != nil || string(rest) != want {
				e.T.Errorf("keys %q: the stream ends with %q, %v; want %q", tc.keys, rest, err, want)
			}
			in, err := e.execs().Inspect(e.Ctx, x, endpoints.ExecInspectOptions{})
			if err != nil {
				e.T.Fatalf("exec inspect: %v", err)
			}
			if in.Running || in.ExitCode == nil || *in.ExitCode != 126 {
				e.T.Errorf("keys %q: running %v, exit code %v; want ended with 126", tc.keys, in.Running, in.ExitCode)
			}
			if in.DetachKeys != tc.stored {
				e.T.Errorf("keys %q: DetachKeys %q, want %q (as dockerd stores them: the bytes, base64)", tc.keys, in.DetachKeys, tc.stored)
			}
		}
		_, err := e.execs().Create(e.Ctx, id, endpoints.ExecCreateOptions{Cmd: []string{"true"}, DetachKeys: "ctrl-?"})
		e.wantStatus("exec create with invalid detach keys", err, 500, wire.ErrInternal)
	})

	// docker attach to a container with a TTY: the echo, and the detach
	// keys (here ?detachKeys=) leave it running.
	register("containers/attach/tty-detach-keys", func(e *Env) {
		id := e.started(endpoints.ContainerConfig{Cmd: []string{"cat"}, Tty: true, OpenStdin: true}, nil)
		tty := true
		conn, err := e.containers().Attach(e.Ctx, id, endpoints.ContainerAttachOptions{Stdin: true, Stdout: true, Stderr: true, DetachKeys: "ctrl-a,a", TTY: &tty})
		if err != nil {
			e.T.Fatalf("attach: %v", err)
		}
		defer conn.Close()
		e.write(conn, "one\n")
		e.readUntil(conn, "one\r\none\r\n")
		e.write(conn, "\x01a")
		if rest, err := io.ReadAll(conn); err != nil || len(rest) != 0 {
			e.T.Errorf("after the detach keys: %q, %v; want the attach to end", rest, err)
		}
		if !e.state(id).Running {
			e.T.Errorf("a detach stopped the container, want it running")
		}
	})

	// An exec as a user the container does not know fails with dockerd's
	// words and exit code 126; a container started as one stays created.
	register("exec/run/unknown-user", func(e *Env) {
		id := e.running(nil, "sleep", "60")
		const msg = "unable to find user nosuchuser: no matching entries in passwd file"
		res, err := e.containers().ExecRun(e.Ctx, id, endpoints.ContainerExecRunOptions{Cmd: []string{"id"}, User: "nosuchuser"})
		if err != nil || res.ExitCode != 126 || string(res.Stdout) != msg+"\r\n" {
			e.T.Errorf("exec as nosuchuser: %q code %d, %v; want %q code 126", res.Stdout, res.ExitCode, err, msg+"\r\n")
		}
		res, err = e.containers().ExecRun(e.Ctx, id, endpoints.ContainerExecRunOptions{Cmd: []string{"sh", "-c", "id -u; id -g"}, User: "1234:5678"})
		if err != nil || string(res.Stdout) != "1234\n5678\n" {
			e.T.Errorf("exec as 1234:5678: %q, %v; want \"1234\\n5678\\n\" (numeric ids need no entry)", res.Stdout, err)
		}

		c := e.newContainer(endpoints.ContainerConfig{Cmd: []string{"id"}, User: "nosuchuser"}, nil)
		_, err = e.containers().Start(e.Ctx, c, endpoints.ContainerStartOptions{})
		var werr *wire.Error
		if !errors.As(err, &werr) || werr.StatusCode != 500 || werr.Message != msg {
			e.T.Errorf("start as nosuchuser: %v, want a 500 *wire.Error %q", err, msg)
		}
		if st := e.state(c); st.Status != "created" || st.ExitCode != 128 || st.Error != msg {
			e.T.Errorf("after the failed start: status %q exit code %d error %q; want created, 128, %q", st.Status, st.ExitCode, st.Error, msg)
		}
	})
}
