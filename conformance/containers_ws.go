package conformance

import (
	"errors"
	"io"
	"time"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/endpoints/attachws"
	"github.com/dockwire/dockwire/wire"
)

func init() {
	register("containers/attach-ws/echo-then-eof", func(e *Env) {
		id := e.newContainer(endpoints.ContainerConfig{Cmd: []string{"cat"}, OpenStdin: true, AttachStdin: true, AttachStdout: true, Tty: true}, nil)
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
	})
}
