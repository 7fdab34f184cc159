package mockdaemon_test

import (
	"archive/tar"
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestFifoInContainer: a named pipe made in a container carries data
// between its processes, shows in docker diff as added and in GET
// archive as a FIFO entry (type '6'), as on dockerd.
func TestFifoInContainer(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", "mkfifo /f; (echo hello > /f &); cat /f"}})
	out, _ := readFrames(t, c.do("GET", "/v1.41/containers/"+id+"/logs?stdout=1&stderr=1", nil).body)
	assert.Equal(t, "hello\n", out)
	r := c.do("GET", "/v1.41/containers/"+id+"/changes", nil)
	require.Equal(t, 200, r.status)
	assert.Contains(t, string(r.body), `{"Kind":1,"Path":"/f"}`)
	r = c.do("GET", "/v1.41/containers/"+id+"/archive?path=/f", nil)
	require.Equal(t, 200, r.status)
	hdr, err := tar.NewReader(bytes.NewReader(r.body)).Next()
	require.NoError(t, err)
	assert.Equal(t, "f", hdr.Name)
	assert.Equal(t, byte(tar.TypeFifo), hdr.Typeflag)
	assert.Equal(t, int64(0o644), hdr.Mode)
}
