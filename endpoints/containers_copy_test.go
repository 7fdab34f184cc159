package endpoints_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
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
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	out := map[string]string{}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		out[h.Name] = string(b) + h.Linkname
	}
}

func TestCopyTo(t *testing.T) {
	leakcheck.Check(t)
	f, w := newFake(t, "1.41")
	src := t.TempDir()
	dir := filepath.Join(src, "tree")
	os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "a b.txt"), []byte("A"), 0o644)
	os.WriteFile(filepath.Join(dir, "sub", "c"), []byte("C"), 0o644)
	os.Symlink("a b.txt", filepath.Join(dir, "link"))
	c := endpoints.NewContainers(w)
	if _, err := c.CopyTo(context.Background(), "abc", dir, "/dst", endpoints.ContainerCopyToOptions{CopyUIDGID: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CopyTo(context.Background(), "abc", filepath.Join(dir, "a b.txt"), "/dst", endpoints.ContainerCopyToOptions{}); err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	got := tarEntries(t, reqs[0].Body)
	var names []string
	for n := range got {
		names = append(names, n)
	}
	sort.Strings(names)
	if strings.Join(names, ",") != "tree/,tree/a b.txt,tree/link,tree/sub/,tree/sub/c" || got["tree/a b.txt"] != "A" || got["tree/link"] != "a b.txt" {
		t.Errorf("directory archive: %q", got)
	}
	if reqs[0].Query["copyUIDGID"][0] != "1" || reqs[0].Query["path"][0] != "/dst" || reqs[0].Header.Get("Content-Type") != "application/x-tar" {
		t.Errorf("put request: %v %v", reqs[0].Query, reqs[0].Header)
	}
	if one := tarEntries(t, reqs[1].Body); len(one) != 1 || one["a b.txt"] != "A" {
		t.Errorf("file archive: %q", one)
	}
	if _, err := c.CopyTo(context.Background(), "abc", filepath.Join(src, "missing"), "/dst", endpoints.ContainerCopyToOptions{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing source: %v", err)
	}
}

func TestCopyFrom(t *testing.T) {
	leakcheck.Check(t)
	f, w := newFake(t, "1.41")
	st := tarstream.PathStat{Name: "etc", Mode: os.ModeDir | 0o755}
	hdr, err := st.Encode()
	if err != nil {
		t.Fatal(err)
	}
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
	got, err := c.CopyFrom(context.Background(), "abc", "/etc", dst, endpoints.ContainerCopyFromOptions{})
	if err != nil || !got.Mode.IsDir() || got.Name != "etc" {
		t.Fatalf("%+v %v", got, err)
	}
	if b, err := os.ReadFile(filepath.Join(dst, "etc", "hosts")); err != nil || string(b) != "xxx" {
		t.Errorf("extracted: %q %v", b, err)
	}
	body = evil
	_, err = c.CopyFrom(context.Background(), "abc", "/etc", filepath.Join(dst, "inner"), endpoints.ContainerCopyFromOptions{})
	if !errors.Is(err, tarstream.ErrInsecurePath) {
		t.Errorf("escaping archive: %v, want ErrInsecurePath", err)
	}
	if _, err := os.Stat(filepath.Join(dst, "escape")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file escaped the destination")
	}

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
