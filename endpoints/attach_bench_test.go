package endpoints_test

import (
	"errors"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/dial"
	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/mockdaemon"
	"github.com/dockwire/dockwire/wire"
)

// BenchmarkAttachThroughput pushes bytes through `cat` in a container:
// written to the attach connection's stdin, read back demultiplexed from
// its stdout, 16 MiB per op (b.SetBytes), so MB/s is the round trip's.
// Each op runs in a fresh container (created, attached and started with
// the timer stopped, removed after), the way a `docker run -i` pipes data.
//
// daemon=real runs against DOCKWIRE_REAL_DOCKER_HOST and is skipped
// without it; daemon=mock against the in-process mock daemon on a unix
// socket, for comparison.
//
//	eval "$(scripts/dockerd.sh env)"
//	go test -run '^$' -bench AttachThroughput -benchtime 5x ./endpoints
func BenchmarkAttachThroughput(b *testing.B) {
	const size = 16 << 20
	b.Run("daemon=mock", func(b *testing.B) {
		_, host := mockdaemon.StartUnix(b, mockdaemon.Config{})
		benchAttach(b, host, mockdaemon.DefaultImage, size)
	})
	b.Run("daemon=real", func(b *testing.B) {
		host := os.Getenv("DOCKWIRE_REAL_DOCKER_HOST")
		if host == "" {
			b.Skip("DOCKWIRE_REAL_DOCKER_HOST is not set: no real daemon (scripts/dockerd.sh up starts one)")
		}
		image := os.Getenv("DOCKWIRE_REAL_IMAGE")
		if image == "" {
			image = "busybox:dockwire"
		}
		benchAttach(b, host, image, size)
	})
}

// countWriter counts what it is given.
type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

func benchAttach(b *testing.B, host, image string, size int64) {
	d, err := dial.Config{Host: host}.Dialer()
	require.NoError(b, err)
	w := wire.NewClient(d, wire.Options{})
	defer w.Close()
	cs := endpoints.NewContainers(w)
	ctx := b.Context()
	chunk := make([]byte, 1<<20)
	rand.NewChaCha8([32]byte{'b', 'e', 'n', 'c', 'h'}).Read(chunk)
	notty := false
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		res, err := cs.Create(ctx, endpoints.ContainerCreateOptions{Config: endpoints.ContainerConfig{
			Image: image, Cmd: []string{"cat"}, OpenStdin: true, StdinOnce: true,
			AttachStdin: true, AttachStdout: true, Labels: map[string]string{"dockwire.bench": "attach"},
		}})
		require.NoError(b, err)
		conn, err := cs.Attach(ctx, res.ID, endpoints.ContainerAttachOptions{Stdin: true, Stdout: true, TTY: &notty})
		require.NoError(b, err)
		_, err = cs.Start(ctx, res.ID, endpoints.ContainerStartOptions{})
		require.NoError(b, err)
		b.StartTimer()

		werr := make(chan error, 1)
		go func() {
			var err error
			for left := size; left > 0 && err == nil; left -= int64(len(chunk)) {
				_, err = conn.Write(chunk[:min(left, int64(len(chunk)))])
			}
			if err == nil {
				err = conn.CloseWrite()
			}
			werr <- err
		}()
		var out countWriter
		_, err = conn.Demux(&out, nil)
		if err == nil {
			err = <-werr
		} else {
			conn.Close()
			err = errors.Join(err, <-werr)
		}

		b.StopTimer() // the checks are not timed
		conn.Close()
		require.NoError(b, err)
		require.Equal(b, size, out.n, "bytes back")
		wr, err := cs.Wait(ctx, res.ID, endpoints.ContainerWaitOptions{})
		require.NoError(b, err)
		require.Zero(b, wr.StatusCode, "cat's exit code")
		_, err = cs.Delete(ctx, res.ID, endpoints.ContainerDeleteOptions{Force: true})
		require.NoError(b, err)
		b.StartTimer()
	}
}
