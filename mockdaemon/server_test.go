package mockdaemon_test

import (
	"archive/tar"
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestShutdownBoundedByContext: a request that does not finish (its body
// stops half way) holds Shutdown only until its context ends; Close then
// cuts it, and Shutdown reports the context's error. An events stream
// ends at once, and a Serve after Shutdown refuses.
func TestShutdownBoundedByContext(t *testing.T) {
	d, c := newClient(t, mockdaemon.Config{})
	id := c.create("", map[string]any{"Image": "busybox", "Cmd": []string{"true"}})

	req, err := http.NewRequestWithContext(t.Context(), "GET", "http://docker/v1.41/events", nil)
	require.NoError(t, err)
	events, err := c.hc.Do(req)
	require.NoError(t, err)
	defer events.Body.Close()
	require.Equal(t, 200, events.StatusCode)

	pr, pw := io.Pipe()
	defer pw.Close()
	put := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(t.Context(), "PUT", "http://docker/v1.41/containers/"+id+"/archive?path=/tmp", pr)
		resp, err := c.hc.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		put <- err
	}()
	tw := tar.NewWriter(pw)
	require.NoError(t, tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "f", Size: 1 << 20, Mode: 0o644}))
	// more than the socket buffers hold: the handler is reading it
	_, err = tw.Write(make([]byte, 3<<18))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = d.Shutdown(ctx)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 10*time.Second, "Shutdown returns once its context ends")

	_, err = io.Copy(io.Discard, events.Body)
	assert.NoError(t, err, "the events stream ended")
	// the rest of the body: an upload still served would be answered 200
	go func() {
		_, _ = io.CopyN(tw, zeros{}, 1<<20-3<<18)
		_ = tw.Close()
		pw.Close()
	}()
	select {
	case err := <-put:
		assert.Error(t, err, "the unfinished upload is cut")
	case <-time.After(10 * time.Second):
		assert.Fail(t, "the upload is still open after Shutdown")
	}
	l, err := net.Listen("unix", filepath.Join(t.TempDir(), "again.sock"))
	require.NoError(t, err)
	assert.ErrorIs(t, d.Serve(l), mockdaemon.ErrClosed, "Serve after Shutdown")
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
