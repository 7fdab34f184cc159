package endpoints_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/mux"
	"github.com/dockwire/dockwire/wire"
)

// TestLogsBytes: docker-py's logs() bytes, and the same split; Details
// reaches the query.
func TestLogsBytes(t *testing.T) {
	f, w := newFake(t, "1.44")
	f.on("GET /containers/web/logs", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Header().Set("Content-Type", mux.MediaMultiplexedStream)
		frames(w, "out1\n", "err1\n")
		frames(w, "out2\n", "")
	})
	res, err := endpoints.NewContainers(w).LogsBytes(t.Context(), "web", endpoints.ContainerLogsOptions{Details: true, Tail: "10"})
	require.NoError(t, err)
	assert.Equal(t, "out1\nerr1\nout2\n", string(res.Output), "as the frames came")
	assert.Equal(t, "out1\nout2\n", string(res.Stdout))
	assert.Equal(t, "err1\n", string(res.Stderr))
	q := f.requests()[0].Query
	assert.Equal(t, []string{"1"}, q["details"])
	assert.Equal(t, []string{"10"}, q["tail"])
}

// TestLogsBytesTruncated: a stream cut inside a frame is an error (never
// silent success), with what was read so far.
func TestLogsBytesTruncated(t *testing.T) {
	f, w := newFake(t, "1.44")
	f.on("GET /containers/web/logs", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Header().Set("Content-Type", mux.MediaMultiplexedStream)
		frames(w, "whole\n", "")
		w.Write([]byte{1, 0, 0, 0, 0, 0, 0, 9, 'c', 'u', 't'})
	})
	res, err := endpoints.NewContainers(w).LogsBytes(t.Context(), "web", endpoints.ContainerLogsOptions{})
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Equal(t, "whole\ncut", string(res.Stdout), "the partial frame's bytes as they came")
}

// TestAttachBytes: docker-py's attach(logs=True): logs=1, stream=0, the
// output read whole.
func TestAttachBytes(t *testing.T) {
	f, w := newFake(t, "1.44")
	f.on("POST /containers/web/attach", hijack(mux.MediaMultiplexedStream, func(c net.Conn, _ *bufio.Reader) {
		frames(c, "past\n", "warn\n")
	}))
	res, err := endpoints.NewContainers(w).AttachBytes(t.Context(), "web", endpoints.ContainerAttachOptions{Logs: true, NoStream: true})
	require.NoError(t, err)
	assert.Equal(t, "past\nwarn\n", string(res.Output))
	assert.Equal(t, "past\n", string(res.Stdout))
	assert.Equal(t, "warn\n", string(res.Stderr))
	q := f.requests()[0].Query
	assert.Equal(t, []string{"1"}, q["logs"])
	assert.Nil(t, q["stream"], "NoStream sends no stream=1")
	assert.Nil(t, q["stdin"])

	_, err = endpoints.NewContainers(w).AttachBytes(t.Context(), "web", endpoints.ContainerAttachOptions{Stdin: true})
	var ae *endpoints.ArgError
	require.ErrorAs(t, err, &ae)
	assert.ErrorIs(t, err, wire.ErrInvalidArgument)
	assert.Len(t, f.requests(), 1, "refused before any I/O")
}

// TestAttachBytesCancel: cancelling ctx ends a live AttachBytes promptly
// with the cancellation, never success.
func TestAttachBytesCancel(t *testing.T) {
	f, w := newFake(t, "1.44")
	f.on("POST /containers/web/attach", hijack(mux.MediaMultiplexedStream, func(c net.Conn, br *bufio.Reader) {
		frames(c, "first\n", "")
		br.ReadByte() // blocks until the client goes away
	}))
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	res, err := endpoints.NewContainers(w).AttachBytes(ctx, "web", endpoints.ContainerAttachOptions{})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Equal(t, "first\n", string(res.Stdout), "what came before the cancel is kept")
}

// TestCPUPercent: docker stats' formulas, Linux's (host CPU time) and
// Windows' (100 ns intervals over the wall time, NumProcs).
func TestCPUPercent(t *testing.T) {
	linux := endpoints.ContainerStats{
		CPUStats:    endpoints.CPUStats{CPUUsage: endpoints.CPUUsage{TotalUsage: 300_000_000}, SystemCPUUsage: 2_000_000_000, OnlineCPUs: 4},
		PreCPUStats: endpoints.CPUStats{CPUUsage: endpoints.CPUUsage{TotalUsage: 100_000_000}, SystemCPUUsage: 1_000_000_000},
	}
	assert.InDelta(t, 80, linux.CPUPercent(), 1e-9, "0.2 of the host's CPU time on 4 CPUs")
	noPrev := linux
	noPrev.PreCPUStats = endpoints.CPUStats{}
	noPrev.CPUStats.CPUUsage.TotalUsage, noPrev.CPUStats.SystemCPUUsage = 0, 0
	assert.Zero(t, noPrev.CPUPercent())

	read := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	windows := endpoints.ContainerStats{
		OSType: "windows", NumProcs: 2, Read: read, PreRead: read.Add(-time.Second),
		CPUStats:    endpoints.CPUStats{CPUUsage: endpoints.CPUUsage{TotalUsage: 15_000_000}},
		PreCPUStats: endpoints.CPUStats{CPUUsage: endpoints.CPUUsage{TotalUsage: 5_000_000}},
	}
	// 10e6 intervals of 100 ns used of 1 s * 2 procs = 2e7 possible.
	assert.InDelta(t, 50, windows.CPUPercent(), 1e-9)
	windows.PreRead = time.Time{}
	assert.Zero(t, windows.CPUPercent(), "no previous sample")
}
