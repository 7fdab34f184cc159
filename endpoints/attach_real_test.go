package endpoints_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/dial"
	_ "github.com/dockwire/dockwire/dial/dialtls"
	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/internal/faultproxy"
	"github.com/dockwire/dockwire/internal/leakcheck"
	"github.com/dockwire/dockwire/mux"
	"github.com/dockwire/dockwire/wire"
)

// These tests run against the real dockerd (scripts/dockerd.sh) and skip
// without it. They hold the hijacked streams to the transports the issue
// names: unix, tcp and TLS.

type realTransport struct {
	name string
	cfg  dial.Config
}

// realTransports returns the real daemon over its unix socket, over tcp
// (a forwarding proxy on 127.0.0.1 in front of the socket) and over its
// TLS listener when one is named; it skips without a real daemon.
func realTransports(t *testing.T) []realTransport {
	t.Helper()
	host := os.Getenv("DOCKWIRE_REAL_DOCKER_HOST")
	if host == "" {
		t.Skip("DOCKWIRE_REAL_DOCKER_HOST is not set: no real daemon (scripts/dockerd.sh up starts one)")
	}
	up, err := dial.Config{Host: host}.Dialer()
	require.NoError(t, err)
	p, err := faultproxy.Start(faultproxy.Config{Network: "tcp", Upstream: up})
	require.NoError(t, err)
	t.Cleanup(func() { p.Close() })
	ts := []realTransport{{"unix", dial.Config{Host: host}}, {"tcp", dial.Config{Host: p.Host()}}}
	if th, certs := os.Getenv("DOCKWIRE_REAL_TLS_HOST"), os.Getenv("DOCKWIRE_REAL_TLS_CERTS"); th != "" && certs != "" {
		ts = append(ts, realTransport{"tls", dial.Config{Host: th, TLS: &dial.TLSOptions{
			CAFile: filepath.Join(certs, "ca.pem"), CertFile: filepath.Join(certs, "cert.pem"), KeyFile: filepath.Join(certs, "key.pem"), Verify: true,
		}}})
	} else {
		t.Log("DOCKWIRE_REAL_TLS_HOST/DOCKWIRE_REAL_TLS_CERTS not set: TLS not covered")
	}
	return ts
}

func realImage() string {
	if s := os.Getenv("DOCKWIRE_REAL_IMAGE"); s != "" {
		return s
	}
	return "busybox:dockwire"
}

func realClient(t *testing.T, cfg dial.Config) (*wire.Client, *endpoints.ContainerService) {
	t.Helper()
	d, err := cfg.Dialer()
	require.NoError(t, err)
	w := wire.NewClient(d, wire.Options{})
	t.Cleanup(func() { w.Close() })
	return w, endpoints.NewContainers(w)
}

// realContainer creates a labelled container and removes it at the end.
func realContainer(t *testing.T, cs *endpoints.ContainerService, cfg endpoints.ContainerConfig) string {
	t.Helper()
	cfg.Image = realImage()
	cfg.Labels = map[string]string{"dockwire.test": t.Name()}
	res, err := cs.Create(t.Context(), endpoints.ContainerCreateOptions{Config: cfg})
	require.NoError(t, err)
	t.Cleanup(func() {
		// t.Context() is done when cleanups run.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := cs.Delete(ctx, res.ID, endpoints.ContainerDeleteOptions{Force: true}); !errors.Is(err, wire.ErrNotFound) {
			assert.NoError(t, err, "remove")
		}
	})
	return res.ID
}

// roundTrip writes in to conn's stdin, half-closes it and returns what
// comes back on stdout and stderr.
func roundTrip(t *testing.T, conn *mux.Conn, in []byte) (out, errb []byte) {
	t.Helper()
	werr := make(chan error, 1)
	go func() {
		_, err := conn.Write(in)
		if err == nil {
			err = conn.CloseWrite()
		}
		werr <- err
	}()
	var o, e bytes.Buffer
	if _, err := conn.Demux(&o, &e); err != nil {
		conn.Close()
		require.NoError(t, err, "demux (stdin: %v)", <-werr)
	}
	require.NoError(t, <-werr, "stdin")
	return o.Bytes(), e.Bytes()
}

// CloseWrite ends the process's stdin on every transport while its output
// keeps flowing back: attach to `cat`, and exec of `cat; exit 4`.
func TestRealHalfCloseAttachAndExec(t *testing.T) {
	in := make([]byte, 1<<20)
	rand.NewChaCha8([32]byte{'h', 'c'}).Read(in)
	for _, tr := range realTransports(t) {
		t.Run(tr.name+"/attach", func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			_, cs := realClient(t, tr.cfg)
			id := realContainer(t, cs, endpoints.ContainerConfig{Cmd: []string{"cat"}, OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true, AttachStderr: true})
			conn, err := cs.Attach(ctx, id, endpoints.ContainerAttachOptions{Stdin: true, Stdout: true, Stderr: true})
			require.NoError(t, err)
			defer conn.Close()
			_, err = cs.Start(ctx, id, endpoints.ContainerStartOptions{})
			require.NoError(t, err)
			out, errb := roundTrip(t, conn, in)
			// 1 MiB each: compared by length and content, not printed.
			assert.Len(t, out, len(in), "bytes cat gave back")
			assert.True(t, bytes.Equal(in, out), "cat gave back other bytes than written")
			assert.Empty(t, string(errb), "cat's stderr")
			res, err := cs.Wait(ctx, id, endpoints.ContainerWaitOptions{})
			assert.NoError(t, err, "cat exit")
			assert.Zero(t, res.StatusCode, "cat exit")
		})
		t.Run(tr.name+"/exec", func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			w, cs := realClient(t, tr.cfg)
			id := realContainer(t, cs, endpoints.ContainerConfig{Cmd: []string{"sleep", "60"}})
			_, err := cs.Start(ctx, id, endpoints.ContainerStartOptions{})
			require.NoError(t, err)
			ex := endpoints.NewExec(w)
			cr, err := ex.Create(ctx, id, endpoints.ExecCreateOptions{Cmd: []string{"sh", "-c", "cat; echo bye >&2; exit 4"}, AttachStdin: true, AttachStdout: true, AttachStderr: true})
			require.NoError(t, err)
			conn, err := ex.Start(ctx, cr.ID, endpoints.ExecStartOptions{})
			require.NoError(t, err)
			defer conn.Close()
			out, errb := roundTrip(t, conn, in)
			// 1 MiB each: compared by length and content, not printed.
			assert.Len(t, out, len(in), "bytes exec's cat gave back")
			assert.True(t, bytes.Equal(in, out), "exec's cat gave back other bytes than written")
			assert.Equal(t, "bye\n", string(errb), "exec's stderr")
			// The daemon records the exit a moment after the stream ends.
			assert.EventuallyWithT(t, func(c *assert.CollectT) {
				ins, err := ex.Inspect(ctx, cr.ID, endpoints.ExecInspectOptions{})
				if !assert.NoError(c, err, "exec inspect") {
					return
				}
				assert.False(c, ins.Running, "exec still running")
				if assert.NotNil(c, ins.ExitCode, "exec exit code") {
					assert.EqualValues(c, 4, *ins.ExitCode, "exec exit code")
				}
			}, 10*time.Second, 50*time.Millisecond)
		})
	}
}

// Cancelling the context of an attach to a silent container unblocks
// Demux and a Write blocked on a full stdin at once, with errors wrapping
// context.Canceled, and leaves no goroutine behind.
func TestRealAttachCancelUnblocks(t *testing.T) {
	for _, tr := range realTransports(t) {
		t.Run(tr.name, func(t *testing.T) {
			_, cs := realClient(t, tr.cfg)
			id := realContainer(t, cs, endpoints.ContainerConfig{Cmd: []string{"sleep", "60"}, OpenStdin: true, AttachStdin: true, AttachStdout: true})
			_, err := cs.Start(t.Context(), id, endpoints.ContainerStartOptions{})
			require.NoError(t, err)
			before := runtime.NumGoroutine()
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			conn, err := cs.Attach(ctx, id, endpoints.ContainerAttachOptions{Stdin: true, Stdout: true})
			require.NoError(t, err)
			defer conn.Close()
			done := make(chan error, 2)
			go func() { _, err := conn.Demux(io.Discard, io.Discard); done <- err }()
			// sleep never reads its stdin: the writer fills the pipe and
			// the socket buffers, then blocks in Write.
			go func() { _, err := io.Copy(conn, zeros{}); done <- err }()
			select {
			case err := <-done:
				require.FailNow(t, "ended before cancel", "%v", err)
			case <-time.After(200 * time.Millisecond):
			}
			start := time.Now()
			cancel()
			for range 2 {
				select {
				case err := <-done:
					assert.ErrorIs(t, err, context.Canceled, "after cancel")
				case <-time.After(5 * time.Second):
					require.FailNow(t, "still blocked 5s after cancel")
				}
			}
			assert.LessOrEqual(t, time.Since(start), time.Second, "time to unblock after cancel")
			conn.Close()
			leakcheck.Settle(t, before)
		})
	}
}

// zeros is an endless stream of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
