package conformance

import (
	"bytes"
	"errors"
	"io"
	"time"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/endpoints/attachws"
	"github.com/dockwire/dockwire/wire"
)

// containerAttachScenarios are the scenarios of attaching to a container (hijacked and websocket) and resizing its TTY.
var containerAttachScenarios = []scenario{
	{"containers/attach/stdin-echo", func(e *Env) {
		id := e.container(endpoints.ContainerConfig{Cmd: []string{"cat"}, OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true}, nil)
		cs := e.Client.Containers
		conn, err := cs.Attach(e.Ctx, id, endpoints.ContainerAttachOptions{Stdin: true, Stdout: true, Stderr: true})
		if err != nil {
			e.T.Fatal(err)
		}
		defer conn.Close()
		if _, err := cs.Start(e.Ctx, id, endpoints.ContainerStartOptions{}); err != nil {
			e.T.Fatal(err)
		}
		if _, err := conn.Write([]byte("hello attach\n")); err != nil {
			e.T.Fatal(err)
		}
		if err := conn.CloseWrite(); err != nil {
			e.T.Fatal(err)
		}
		var out bytes.Buffer
		if _, err := conn.Demux(&out, &out); err != nil {
			e.T.Fatal(err)
		}
		if out.String() != "hello attach\n" {
			e.T.Errorf("attach output %q", out.String())
		}
	}},

	{"containers/resize/tty", func(e *Env) {
		id := e.run(endpoints.ContainerConfig{Cmd: []string{"sleep", "60"}, Tty: true}, nil)
		if _, err := e.Client.Containers.Resize(e.Ctx, id, endpoints.ContainerResizeOptions{Height: 40, Width: 100}); err != nil {
			e.T.Fatal(err)
		}
		l, err := e.Client.Containers.Logs(e.Ctx, id, endpoints.ContainerLogsOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		defer l.Close()
		if l.Multiplexed() {
			e.T.Errorf("logs of a TTY container reported multiplexed")
		}
	}},

	{"containers/attach-ws/echo-then-eof", func(e *Env) {
		id := e.container(endpoints.ContainerConfig{Cmd: []string{"cat"}, OpenStdin: true, AttachStdin: true, AttachStdout: true, Tty: true}, nil)
		ver, err := e.Client.APIVersion(e.Ctx)
		if err != nil {
			e.T.Fatal(err)
		}
		if ver.Less(wire.Version{Major: 1, Minor: 42}) {
			_, err := attachws.Attach(e.Ctx, e.Client.Wire(), id, attachws.Options{Stdout: true})
			var ve *wire.VersionError
			if !errors.As(err, &ve) {
				e.T.Errorf("stream selection on API %s: %v, want a *wire.VersionError", ver, err)
			}
		}
		c, err := attachws.Attach(e.Ctx, e.Client.Wire(), id, attachws.Options{})
		if err != nil {
			e.T.Fatal(err)
		}
		defer c.Close()
		e.start(id)
		if _, err := c.Write([]byte("ws hello\n")); err != nil {
			e.T.Fatal(err)
		}
		// A TTY echoes the input and cat writes it back: "ws hello\r\n" twice.
		want := "ws hello\r\nws hello\r\n"
		buf := make([]byte, len(want))
		if _, err := io.ReadFull(c, buf); err != nil || string(buf) != want {
			e.T.Fatalf("read %q %v, want %q", buf, err, want)
		}
		if _, err := e.Client.Containers.Kill(e.Ctx, id, endpoints.ContainerKillOptions{}); err != nil {
			e.T.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { _, err := io.ReadAll(c); done <- err }()
		select {
		case err := <-done:
			if err != nil {
				e.T.Errorf("after the container died: %v, want io.EOF", err)
			}
		case <-time.After(10 * time.Second):
			e.T.Fatal("no EOF within 10s of the container's death")
		}
	}},

	// docker-py's attach(logs=True): the output so far, collected.
	{"containers/attach/logs-collected", func(e *Env) {
		id := e.run(command("sh", "-c", "echo ready; echo warn >&2; sleep 60"), nil)
		var res endpoints.ContainerLogsBytesResult
		if !eventually(e.Ctx, 10*time.Second, func() bool {
			var err error
			res, err = e.Client.Containers.LogsBytes(e.Ctx, id, endpoints.ContainerLogsOptions{})
			return err == nil && len(res.Stderr) > 0
		}) {
			e.T.Fatalf("the container's output never came: %q", res.Output)
		}
		got, err := e.Client.Containers.AttachBytes(e.Ctx, id, endpoints.ContainerAttachOptions{Logs: true, NoStream: true})
		if err != nil {
			e.T.Fatal(err)
		}
		if string(got.Stdout) != "ready\n" || string(got.Stderr) != "warn\n" {
			e.T.Errorf("attach(logs=True): stdout %q stderr %q", got.Stdout, got.Stderr)
		}
	}},
}
