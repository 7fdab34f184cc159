package mockdaemon_test

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestArchivePathsLikeDockerd: GET /containers/{id}/archive takes its
// path from the container's root (not its working directory), follows a
// final symbolic link only when the path ends in "/" or "/.", and names
// the entries as dockerd rebases them: the root's "/", "/f"..., a
// followed link's by the link's name, a "/." path's "./", "./f"....
func TestArchivePathsLikeDockerd(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.sleeper(map[string]any{"WorkingDir": "/bin"})
	_, errOut, code := c.execOut(id, "sh", "-c", "mkdir -p /bar/quux && echo -n world > /bar/quux/baz && echo -n hello > /foo && "+
		"ln -s quux /bar/dirsymlink && ln -s / /bar/root")
	require.Zero(t, code, errOut)
	names := func(p string) map[string]string {
		r := c.do("GET", "/v1.41/containers/"+id+"/archive?path="+p, nil)
		require.Equal(t, 200, r.status, "%s: %s", p, r.body)
		got := map[string]string{}
		tr := tar.NewReader(bytes.NewReader(r.body))
		for {
			h, err := tr.Next()
			if errors.Is(err, io.EOF) {
				return got
			}
			require.NoError(t, err)
			b, err := io.ReadAll(tr)
			require.NoError(t, err)
			got[h.Name] = string(b)
		}
	}
	for _, tc := range []struct {
		path string
		want map[string]string
	}{
		{"/", map[string]string{"/": "", "/foo": "hello", "/bar/quux/baz": "world", "/bar/dirsymlink": ""}},
		{"/bar/root", map[string]string{"root": ""}},
		{"/bar/root/", map[string]string{"root/": "", "root/foo": "hello", "root/bar/quux/baz": "world"}},
		{"/bar/root/.", map[string]string{"./": "", "./foo": "hello", "./bar/quux/baz": "world"}},
		{"bar/dirsymlink/", map[string]string{"dirsymlink/": "", "dirsymlink/baz": "world"}},
		{"bar/dirsymlink/.", map[string]string{"./": "", "./baz": "world"}},
		{"bar/quux", map[string]string{"quux/": "", "quux/baz": "world"}},
	} {
		got := names(tc.path)
		for name, data := range tc.want {
			if assert.Contains(t, got, name, tc.path) {
				assert.Equal(t, data, got[name], "%s: %s", tc.path, name)
			}
		}
	}
	assert.NotContains(t, names("/"), "//", "the root entry once")
	assert.Equal(t, 404, c.do("GET", "/v1.41/containers/"+id+"/archive?path=sh", nil).status, "relative to /, not WorkingDir")
	assert.Equal(t, 200, c.do("HEAD", "/v1.41/containers/"+id+"/archive?path=bin/sh", nil).status)
}
