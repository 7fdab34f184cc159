package endpoints_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/internal/leakcheck"
	"github.com/dockwire/dockwire/tarstream"
)

// tarEntries maps the entries of a (possibly gzipped) tar to their
// content, a link's to its target.
func tarEntries(t *testing.T, data []byte) map[string]string {
	t.Helper()
	var r io.Reader = bytes.NewReader(data)
	if len(data) > 2 && data[0] == 0x1f && data[1] == 0x8b {
		zr, err := gzip.NewReader(r)
		require.NoError(t, err)
		r = zr
	}
	out := map[string]string{}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		require.NoError(t, err)
		b, _ := io.ReadAll(tr)
		out[h.Name] = string(b) + h.Linkname
	}
}

func TestCopyTo(t *testing.T) {
	leakcheck.Check(t)
	f, w := newFake(t, "1.41")
	src := t.TempDir()
	dir := filepath.Join(src, "tree")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "sub"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a b.txt"), []byte("A"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "sub", "c"), []byte("C"), 0o644))
	require.NoError(t, os.Symlink("a b.txt", filepath.Join(dir, "link")))
	c := endpoints.NewContainers(w)
	_, err := c.CopyTo(t.Context(), "abc", dir, "/dst", endpoints.ContainerCopyToOptions{CopyUIDGID: true})
	require.NoError(t, err)
	_, err = c.CopyTo(t.Context(), "abc", filepath.Join(dir, "a b.txt"), "/dst", endpoints.ContainerCopyToOptions{})
	require.NoError(t, err)
	reqs := f.requests()
	require.Len(t, reqs, 2, "requests")
	assert.Equal(t, map[string]string{
		"tree/":        "",
		"tree/a b.txt": "A",
		"tree/link":    "a b.txt",
		"tree/sub/":    "",
		"tree/sub/c":   "C",
	}, tarEntries(t, reqs[0].Body), "directory archive")
	assert.Equal(t, []string{"1"}, reqs[0].Query["copyUIDGID"], "put request")
	assert.Equal(t, []string{"/dst"}, reqs[0].Query["path"], "put request")
	assert.Equal(t, "application/x-tar", reqs[0].Header.Get("Content-Type"), "put request")
	assert.Equal(t, map[string]string{"a b.txt": "A"}, tarEntries(t, reqs[1].Body), "file archive")
	_, err = c.CopyTo(t.Context(), "abc", filepath.Join(src, "missing"), "/dst", endpoints.ContainerCopyToOptions{})
	assert.ErrorIs(t, err, os.ErrNotExist, "missing source")
}

func TestCopyFrom(t *testing.T) {
	leakcheck.Check(t)
	f, w := newFake(t, "1.41")
	st := tarstream.PathStat{Name: "etc", Mode: os.ModeDir | 0o755}
	hdr, err := st.Encode()
	require.NoError(t, err)
	archive := func(entries ...*tar.Header) []byte {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		for _, h := range entries {
			tw.WriteHeader(h)
			if h.Typeflag == tar.TypeReg {
				tw.Write([]byte(strings.Repeat("x", int(h.Size))))
			}
		}
		tw.Close()
		return buf.Bytes()
	}
	good := archive(&tar.Header{Name: "etc/", Typeflag: tar.TypeDir, Mode: 0o755}, &tar.Header{Name: "etc/hosts", Typeflag: tar.TypeReg, Size: 3, Mode: 0o644})
	evil := archive(&tar.Header{Name: "../escape", Typeflag: tar.TypeReg, Size: 1, Mode: 0o644})
	body := good
	f.on("GET /containers/abc/archive", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Header().Set("X-Docker-Container-Path-Stat", hdr)
		w.Write(body)
	})
	dst := t.TempDir()
	c := endpoints.NewContainers(w)
	got, err := c.CopyFrom(t.Context(), "abc", "/etc", dst, endpoints.ContainerCopyFromOptions{})
	require.NoError(t, err)
	require.True(t, got.Mode.IsDir(), "mode %v", got.Mode)
	require.Equal(t, "etc", got.Name)
	b, err := os.ReadFile(filepath.Join(dst, "etc", "hosts"))
	assert.NoError(t, err, "extracted")
	assert.Equal(t, "xxx", string(b), "extracted")
	body = evil
	_, err = c.CopyFrom(t.Context(), "abc", "/etc", filepath.Join(dst, "inner"), endpoints.ContainerCopyFromOptions{})
	assert.ErrorIs(t, err, tarstream.ErrInsecurePath, "escaping archive")
	_, err = os.Stat(filepath.Join(dst, "escape"))
	assert.ErrorIs(t, err, os.ErrNotExist, "a file escaped the destination")

	// An /etc with an absolute link: refused by default, kept as a link
	// with AbsoluteSymlinks (docker cp's behaviour).
	body = archive(&tar.Header{Name: "etc/", Typeflag: tar.TypeDir, Mode: 0o755},
		&tar.Header{Name: "etc/mtab", Typeflag: tar.TypeSymlink, Linkname: "/proc/mounts", Mode: 0o777})
	_, err = c.CopyFrom(t.Context(), "abc", "/etc", filepath.Join(dst, "strict"), endpoints.ContainerCopyFromOptions{})
	assert.ErrorIs(t, err, tarstream.ErrInsecurePath)
	_, err = c.CopyFrom(t.Context(), "abc", "/etc", filepath.Join(dst, "links"), endpoints.ContainerCopyFromOptions{AbsoluteSymlinks: true})
	require.NoError(t, err)
	target, err := os.Readlink(filepath.Join(dst, "links", "etc", "mtab"))
	require.NoError(t, err)
	assert.Equal(t, "/proc/mounts", target)
}
