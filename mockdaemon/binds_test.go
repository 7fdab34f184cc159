package mockdaemon_test

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestBindWritesThrough: with HostBinds, a bind of a host directory shows
// the host's files as they are when the process reads them, and what the
// process writes lands in the host directory, as on dockerd.
func TestBindWritesThrough(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{HostBinds: true})
	dir := t.TempDir()
	id := c.create("", map[string]any{"Image": "busybox",
		"Cmd":        []string{"sh", "-c", "cat /data/in; echo out > /data/out; mkdir /data/d; touch /data/d/t; mv /data/gone /data/d/moved"},
		"HostConfig": map[string]any{"Binds": []string{dir + ":/data"}}})
	// written after the create: the process sees the host as it is
	require.NoError(t, os.WriteFile(filepath.Join(dir, "in"), []byte("from the host\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "gone"), []byte("x"), 0o644))
	r := c.do("POST", "/v1.41/containers/"+id+"/start", nil)
	require.Equal(t, 204, r.status, "start: %s", r.body)
	r = c.do("POST", "/v1.41/containers/"+id+"/wait", nil)
	require.Equal(t, 200, r.status, "wait: %s", r.body)
	assert.JSONEq(t, `{"StatusCode":0,"Error":null}`, string(r.body))
	assert.Equal(t, "from the host\n", demux(t, c.do("GET", "/v1.41/containers/"+id+"/logs?stdout=1&stderr=1", nil).body))

	b, err := os.ReadFile(filepath.Join(dir, "out"))
	require.NoError(t, err)
	assert.Equal(t, "out\n", string(b))
	assert.FileExists(t, filepath.Join(dir, "d", "t"))
	assert.FileExists(t, filepath.Join(dir, "d", "moved"))
	assert.NoFileExists(t, filepath.Join(dir, "gone"))

	// the archive of the bind is the host's directory
	r = c.do("GET", "/v1.41/containers/"+id+"/archive?path=/data/out", nil)
	require.Equal(t, 200, r.status, "%s", r.body)
	tr := tar.NewReader(bytes.NewReader(r.body))
	hdr, err := tr.Next()
	require.NoError(t, err)
	assert.Equal(t, "out", hdr.Name)
	got, err := io.ReadAll(tr)
	require.NoError(t, err)
	assert.Equal(t, "out\n", string(got))
}

// TestBindReadOnly: a read-only bind (Binds ":ro" or a Mounts ReadOnly)
// shows the host's files and refuses writes as busybox does.
func TestBindReadOnly(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{HostBinds: true})
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "in"), []byte("ro\n"), 0o644))
	for _, hc := range []map[string]any{
		{"Binds": []string{dir + ":/data:ro"}},
		{"Mounts": []map[string]any{{"Type": "bind", "Source": dir, "Target": "/data", "ReadOnly": true}}},
	} {
		id := c.runWait(map[string]any{"Image": "busybox", "HostConfig": hc,
			"Cmd": []string{"sh", "-c", "cat /data/in; echo x > /data/new; rm /data/in; mkdir /data/q"}})
		logs := demux(t, c.do("GET", "/v1.41/containers/"+id+"/logs?stdout=1&stderr=1", nil).body)
		assert.Equal(t, "ro\nsh: can't create /data/new: Read-only file system\nrm: can't remove '/data/in': Read-only file system\nmkdir: can't create directory '/data/q': Read-only file system\n", logs, "%v", hc)
		assert.NoFileExists(t, filepath.Join(dir, "new"))
		assert.FileExists(t, filepath.Join(dir, "in"))
	}
}

// TestBindMissingSource: dockerd makes the missing source of a Binds
// entry, a directory, when the container starts (a Mounts entry's is
// refused at create, see TestMountErrors).
func TestBindMissingSource(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{HostBinds: true})
	src := filepath.Join(t.TempDir(), "made", "here")
	id := c.create("", map[string]any{"Image": "busybox", "Cmd": []string{"touch", "/data/f"},
		"HostConfig": map[string]any{"Binds": []string{src + ":/data"}}})
	assert.NoDirExists(t, src, "made at start, not at create")
	r := c.do("POST", "/v1.41/containers/"+id+"/start", nil)
	require.Equal(t, 204, r.status, "start: %s", r.body)
	r = c.do("POST", "/v1.41/containers/"+id+"/wait", nil)
	require.Equal(t, 200, r.status, "wait: %s", r.body)
	assert.FileExists(t, filepath.Join(src, "f"))
}
