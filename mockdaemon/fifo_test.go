package mockdaemon_test

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os/user"
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
	assert.Equal(t, int64(0o10644), hdr.Mode, "c_ISFIFO and the permissions, as dockerd's header")
}

// TestArchiveHeadersLikeDockerd: an archive's headers are archive/tar's
// FileInfoHeader's, as in dockerd's archives: the mode with the file
// type's bits (040755, 0100644, 0120777) and the owners named from the
// daemon host's user database ("root"). The mock wrote the permission bits
// alone and no names. Recorded on dockerd 20.10.
func TestArchiveHeadersLikeDockerd(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("hdr", map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", "mkdir -p /t/d && echo x > /t/f && ln -s f /t/l && chown 1000:2000 /t/f"}})
	require.Equal(t, 204, c.do("POST", "/v1.41/containers/"+id+"/start", nil).status)
	c.do("POST", "/v1.41/containers/"+id+"/wait", nil)
	r := c.do("GET", "/v1.41/containers/"+id+"/archive?path=/t", nil)
	require.Equal(t, 200, r.status, "%s", r.body)
	u1000, g2000 := "", "" // as the host names them, if it has them
	if u, err := user.LookupId("1000"); err == nil {
		u1000 = u.Username
	}
	if g, err := user.LookupGroupId("2000"); err == nil {
		g2000 = g.Name
	}
	got := map[string]string{}
	tr := tar.NewReader(bytes.NewReader(r.body))
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		got[hdr.Name] = fmt.Sprintf("%o %s %s", hdr.Mode, hdr.Uname, hdr.Gname)
	}
	assert.Equal(t, map[string]string{
		"t/":   "40755 root root",
		"t/d/": "40755 root root",
		"t/f":  fmt.Sprintf("100644 %s %s", u1000, g2000),
		"t/l":  "120777 root root",
	}, got)
}
