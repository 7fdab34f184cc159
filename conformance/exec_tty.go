package conformance

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
		require.True(e.T, time.Now().Before(deadline), "waited for %q, read %q", suffix, got)
		n, err := conn.Read(buf)
		got = append(got, buf[:n]...)
		require.NoError(e.T, err, "waiting for %q, read %q", suffix, got)
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
	x, err := e.Client.Exec.Create(e.Ctx, id, opts)
	require.NoError(e.T, err, "exec create")
	conn, err := e.Client.Exec.Start(e.Ctx, x.ID, endpoints.ExecStartOptions{Tty: tty})
	require.NoError(e.T, err, "exec start")
	e.T.Cleanup(func() { conn.Close() })
	return x.ID, conn
}

// execTTYScenarios are the scenarios of terminals, framing and detach keys.
var execTTYScenarios = []scenario{
	// The Tty of the start decides raw or multiplexed (a raw stream has no
	// stderr); the Tty of the create decides whether the process has a
	// terminal (\r\n, one output).
	{"exec/start/framing-follows-start-tty", func(e *Env) {
		id := e.run(command("sleep", "60"), nil)
		cmd := []string{"sh", "-c", "echo out; echo err >&2"}
		_, conn := e.execStart(id, endpoints.ExecCreateOptions{Cmd: cmd, AttachStdout: true, AttachStderr: true}, true)
		assert.False(e.T, conn.Multiplexed(), "Tty at start: a raw stream")
		raw, err := io.ReadAll(conn)
		conn.Close()
		require.NoError(e.T, err)
		assert.Equal(e.T, "out\n", string(raw), "no terminal (no \\r), and no stderr on a raw stream")

		_, conn = e.execStart(id, endpoints.ExecCreateOptions{Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: true}, false)
		assert.True(e.T, conn.Multiplexed(), "no Tty at start: multiplexed")
		var stdout, stderr bytes.Buffer
		_, err = conn.Demux(&stdout, &stderr)
		conn.Close()
		require.NoError(e.T, err)
		assert.Equal(e.T, "out\r\nerr\r\n", stdout.String(), "a terminal's one output, in stdout frames")
		assert.Empty(e.T, stderr.String())
	}},

	// docker-py's exec_run(tty=True): the process sees a terminal.
	{"exec/run/tty-is-a-terminal", func(e *Env) {
		id := e.run(command("sleep", "60"), nil)
		res, err := e.Client.Containers.ExecRun(e.Ctx, id, endpoints.ContainerExecRunOptions{
			Cmd: []string{"sh", "-c", `test -t 0 && test -t 1 && echo tty; test -t 1 | cat; echo "TERM=$TERM"`}, Tty: true})
		require.NoError(e.T, err)
		assert.Equal(e.T, 0, res.ExitCode)
		assert.Equal(e.T, "tty\r\nTERM=xterm\r\n", string(res.Stdout))
		res, err = e.Client.Containers.ExecRun(e.Ctx, id, endpoints.ContainerExecRunOptions{Cmd: []string{"sh", "-c", `test -t 1 || echo "no tty TERM=$TERM"`}})
		require.NoError(e.T, err)
		assert.Equal(e.T, "no tty TERM=\n", string(res.Stdout))
	}},

	// A terminal echoes what it reads, edits lines, and ^C interrupts.
	{"exec/start/tty-echo-and-interrupt", func(e *Env) {
		id := e.run(command("sleep", "60"), nil)
		x, conn := e.execTTY(id, endpoints.ExecCreateOptions{Cmd: []string{"cat"}})
		_, err := conn.Write([]byte("hellp\x7fo\n"))
		require.NoError(e.T, err)
		assert.Equal(e.T, "hellp\b \bo\r\nhello\r\n", e.readUntil(conn, "o\r\nhello\r\n"), "the echo, the erase and cat's line")
		_, err = conn.Write([]byte("\x03"))
		require.NoError(e.T, err)
		rest, err := io.ReadAll(conn)
		require.NoError(e.T, err)
		assert.Equal(e.T, "^C", string(rest))
		in, err := e.Client.Exec.Inspect(e.Ctx, x, endpoints.ExecInspectOptions{})
		require.NoError(e.T, err)
		if assert.NotNil(e.T, in.ExitCode) {
			assert.Equal(e.T, 130, *in.ExitCode, "killed by SIGINT")
		}
	}},

	// The detach keys end an exec's stream with dockerd's error line; the
	// exec then reads as ended with 126.
	{"exec/start/detach-keys", func(e *Env) {
		id := e.run(command("sleep", "60"), nil)
		for _, tc := range []struct{ keys, seq, stored string }{
			{"", "\x10\x11", ""},
			{"ctrl-x,x", "\x18x", "GHg="},
		} {
			x, conn := e.execTTY(id, endpoints.ExecCreateOptions{Cmd: []string{"cat"}, DetachKeys: tc.keys})
			_, err := conn.Write([]byte("hi\n"))
			require.NoError(e.T, err)
			e.readUntil(conn, "hi\r\nhi\r\n")
			_, err = conn.Write([]byte(tc.seq))
			require.NoError(e.T, err)
			rest, err := io.ReadAll(conn)
			require.NoError(e.T, err)
			assert.Equal(e.T, "exec attach failed: error on attach stdin: read escape sequence\r\n", string(rest), "keys %q", tc.keys)
			in, err := e.Client.Exec.Inspect(e.Ctx, x, endpoints.ExecInspectOptions{})
			require.NoError(e.T, err)
			assert.False(e.T, in.Running, "keys %q", tc.keys)
			if assert.NotNil(e.T, in.ExitCode) {
				assert.Equal(e.T, 126, *in.ExitCode, "keys %q", tc.keys)
			}
			assert.Equal(e.T, tc.stored, in.DetachKeys, "DetachKeys as dockerd stores them: the bytes, base64")
		}
		_, err := e.Client.Exec.Create(e.Ctx, id, endpoints.ExecCreateOptions{Cmd: []string{"true"}, DetachKeys: "ctrl-?"})
		e.wantStatus("exec create with invalid detach keys", err, 500, wire.ErrInternal)
	}},

	// docker attach to a container with a TTY: the echo, and the detach
	// keys (here ?detachKeys=) leave it running.
	{"containers/attach/tty-detach-keys", func(e *Env) {
		id := e.run(endpoints.ContainerConfig{Cmd: []string{"cat"}, Tty: true, OpenStdin: true}, nil)
		tty := true
		conn, err := e.Client.Containers.Attach(e.Ctx, id, endpoints.ContainerAttachOptions{Stdin: true, Stdout: true, Stderr: true, DetachKeys: "ctrl-a,a", TTY: &tty})
		require.NoError(e.T, err)
		defer conn.Close()
		_, err = conn.Write([]byte("one\n"))
		require.NoError(e.T, err)
		e.readUntil(conn, "one\r\none\r\n")
		_, err = conn.Write([]byte("\x01a"))
		require.NoError(e.T, err)
		rest, err := io.ReadAll(conn)
		require.NoError(e.T, err)
		assert.Empty(e.T, string(rest), "the attach ends at the keys")
		assert.True(e.T, e.state(id).Running, "a detach leaves the container running")
	}},

	// An exec as a user the container does not know fails with dockerd's
	// words and exit code 126; a container started as one stays created.
	{"exec/run/unknown-user", func(e *Env) {
		id := e.run(command("sleep", "60"), nil)
		res, err := e.Client.Containers.ExecRun(e.Ctx, id, endpoints.ContainerExecRunOptions{Cmd: []string{"id"}, User: "nosuchuser"})
		require.NoError(e.T, err)
		assert.Equal(e.T, 126, res.ExitCode)
		assert.Equal(e.T, "unable to find user nosuchuser: no matching entries in passwd file\r\n", string(res.Stdout))
		res, err = e.Client.Containers.ExecRun(e.Ctx, id, endpoints.ContainerExecRunOptions{Cmd: []string{"sh", "-c", "id -u; id -g"}, User: "1234:5678"})
		require.NoError(e.T, err)
		assert.Equal(e.T, "1234\n5678\n", string(res.Stdout), "numeric ids need no entry")

		c := e.container(endpoints.ContainerConfig{Cmd: []string{"id"}, User: "nosuchuser"}, nil)
		_, err = e.Client.Containers.Start(e.Ctx, c, endpoints.ContainerStartOptions{})
		var werr *wire.Error
		if assert.True(e.T, errors.As(err, &werr), "start: %v", err) {
			assert.Equal(e.T, 500, werr.StatusCode)
			assert.Equal(e.T, "unable to find user nosuchuser: no matching entries in passwd file", werr.Message)
		}
		st := e.state(c)
		assert.Equal(e.T, "created", st.Status)
		assert.EqualValues(e.T, 128, st.ExitCode)
		assert.Equal(e.T, "unable to find user nosuchuser: no matching entries in passwd file", st.Error)
	}},
}
