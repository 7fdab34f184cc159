package tarstream

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dockwire/dockwire/internal/leakcheck"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mkTree creates files under dir: a name ending in "/" is a directory, a
// body starting with "->" a symbolic link.
func mkTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		p := filepath.Join(dir, n)
		body := files[n]
		var err error
		switch {
		case strings.HasSuffix(n, "/"):
			err = os.MkdirAll(p, 0o755)
		case strings.HasPrefix(body, "->"):
			os.MkdirAll(filepath.Dir(p), 0o755)
			err = os.Symlink(body[2:], p)
		default:
			os.MkdirAll(filepath.Dir(p), 0o755)
			err = os.WriteFile(p, []byte(body), 0o644)
		}
		require.NoError(t, err)
	}
}

// list reads an archive and returns its names, in order.
func list(t testing.TB, r io.Reader) []string {
	t.Helper()
	var names []string
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return names
		}
		require.NoError(t, err, "reading archive")
		names = append(names, hdr.Name)
	}
}

func dirNames(t testing.TB, root string, opts DirOptions) []string {
	t.Helper()
	rc, err := Dir(root, opts)
	require.NoError(t, err)
	defer rc.Close()
	return list(t, rc)
}

func TestDirExclude(t *testing.T) {
	root := t.TempDir()
	mkTree(t, root, map[string]string{
		"Dockerfile": "FROM scratch", ".dockerignore": "*", "a.go": "a", "b.md": "b",
		"docs/x.md": "x", "docs/keep.md": "k", "node_modules/m/x.js": "x",
		"sub/Dockerfile": "FROM scratch", "sub/other": "o", "empty/": "",
	})
	tests := []struct {
		name string
		opts DirOptions
		want []string
	}{
		{"all", DirOptions{}, []string{".dockerignore", "Dockerfile", "a.go", "b.md", "docs/", "docs/keep.md", "docs/x.md",
			"empty/", "node_modules/", "node_modules/m/", "node_modules/m/x.js", "sub/", "sub/Dockerfile", "sub/other"}},
		{"patterns", DirOptions{Exclude: []string{"*.md", "node_modules", "docs", "!docs/keep.md", "Dockerfile", ".dockerignore"}},
			// Dockerfile and .dockerignore are kept; docs is walked for the
			// exception but gets no entry of its own.
			[]string{".dockerignore", "Dockerfile", "a.go", "docs/keep.md", "empty/", "sub/", "sub/Dockerfile", "sub/other"}},
		{"everything", DirOptions{Exclude: []string{"*"}}, []string{".dockerignore", "Dockerfile"}},
		{"named dockerfile", DirOptions{Exclude: []string{"sub", ".dockerignore", "Dockerfile"}, Dockerfile: "sub/Dockerfile"},
			[]string{".dockerignore", "a.go", "b.md", "docs/", "docs/keep.md", "docs/x.md", "empty/",
				"node_modules/", "node_modules/m/", "node_modules/m/x.js", "sub/Dockerfile"}},
		{"prefix", DirOptions{Exclude: []string{"*", "!a.go", "!empty"}, Prefix: "base"},
			[]string{"base/", "base/.dockerignore", "base/Dockerfile", "base/a.go", "base/empty/"}},
		{"extra files", DirOptions{Exclude: []string{"*"}, ExtraFiles: []File{{Name: ".dockerfile.0123", Data: []byte("FROM x")}}},
			[]string{".dockerignore", "Dockerfile", ".dockerfile.0123"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, dirNames(t, root, tt.opts), "names")
		})
	}
}

func TestDirErrors(t *testing.T) {
	root := t.TempDir()
	for _, tt := range []struct {
		name string
		root string
		opts DirOptions
		err  error
	}{
		{"missing root", filepath.Join(root, "nope"), DirOptions{}, fs.ErrNotExist},
		{"bad pattern", root, DirOptions{Exclude: []string{"["}}, ErrBadPattern},
		{"bad prefix", root, DirOptions{Prefix: "../x"}, ErrInsecurePath},
		{"bad extra file", root, DirOptions{ExtraFiles: []File{{Name: "/etc/x"}}}, ErrInsecurePath},
	} {
		rc, err := Dir(tt.root, tt.opts)
		assert.ErrorIs(t, err, tt.err, tt.name)
		assert.Nil(t, rc, tt.name)
	}
}

func TestDirReadError(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads unreadable files")
	}
	root := t.TempDir()
	mkTree(t, root, map[string]string{"a": "a", "secret": "s"})
	os.Chmod(filepath.Join(root, "secret"), 0)
	rc, err := Dir(root, DirOptions{})
	require.NoError(t, err)
	defer rc.Close()
	_, err = io.Copy(io.Discard, rc)
	require.ErrorIs(t, err, fs.ErrPermission, "Read")
	assert.True(t, strings.HasPrefix(err.Error(), "tarstream: "), "Read = %v, want a tarstream error", err)
}

func TestDirSymlinkNotFollowed(t *testing.T) {
	outside := t.TempDir()
	mkTree(t, outside, map[string]string{"secret": "do not send"})
	root := t.TempDir()
	mkTree(t, root, map[string]string{"out": "->" + outside, "f": "->" + filepath.Join(outside, "secret")})
	rc, err := Dir(root, DirOptions{})
	require.NoError(t, err)
	defer rc.Close()
	data, err := io.ReadAll(rc)
	require.NoError(t, err)
	assert.NotContains(t, string(data), "do not send", "archive holds the content of a file outside the root")
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		assert.Equal(t, string(rune(tar.TypeSymlink)), string(hdr.Typeflag), "%s: want a symbolic link", hdr.Name)
	}
}

func TestDirDeterministic(t *testing.T) {
	root := t.TempDir()
	mkTree(t, root, map[string]string{"b/c": "c", "a": "a", "l": "->a", "e/": ""})
	archive := func() []byte {
		rc, err := Dir(root, DirOptions{Deterministic: true})
		require.NoError(t, err)
		defer rc.Close()
		data, err := io.ReadAll(rc)
		require.NoError(t, err)
		return data
	}
	first := archive()
	later := time.Now().Add(time.Hour)
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		os.Chtimes(p, later, later)
		return nil
	})
	assert.Equal(t, first, archive(), "archives differ after the times changed")
	tr := tar.NewReader(bytes.NewReader(first))
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		assert.Zero(t, hdr.ModTime.Unix(), "%s: mtime", hdr.Name)
		assert.Zero(t, hdr.Uid, "%s: uid", hdr.Name)
		assert.Zero(t, hdr.Gid, "%s: gid", hdr.Name)
		assert.Empty(t, hdr.Uname, "%s: uname", hdr.Name)
		assert.Empty(t, hdr.Gname, "%s: gname", hdr.Name)
		assert.True(t, hdr.AccessTime.IsZero(), "%s: atime %v", hdr.Name, hdr.AccessTime)
		assert.True(t, hdr.ChangeTime.IsZero(), "%s: ctime %v", hdr.Name, hdr.ChangeTime)
	}
	fixed := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	rc, err := Dir(root, DirOptions{Deterministic: true, ModTime: fixed})
	require.NoError(t, err)
	defer rc.Close()
	hdr, err := tar.NewReader(rc).Next()
	require.NoError(t, err)
	assert.True(t, hdr.ModTime.Equal(fixed), "ModTime option: %v, want %v", hdr.ModTime, fixed)
}

func TestDirCloseStopsWalk(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{}
	for i := range 50 {
		files[fmt.Sprintf("f%02d", i)] = strings.Repeat("x", 64<<10)
	}
	mkTree(t, root, files)
	base := runtime.NumGoroutine()
	for _, readFirst := range []int{0, 1, 100 << 10} {
		rc, err := Dir(root, DirOptions{})
		require.NoError(t, err)
		_, err = io.CopyN(io.Discard, rc, int64(readFirst))
		require.NoError(t, err)
		done := make(chan error)
		go func() { done <- rc.Close() }()
		select {
		case err := <-done:
			assert.NoError(t, err, "Close")
		case <-time.After(10 * time.Second):
			require.FailNow(t, "Close did not return")
		}
		_, err = rc.Read(make([]byte, 1))
		assert.Error(t, err, "Read after Close")
		rc.Close() // twice is fine
	}
	leakcheck.Settle(t, base)
}

// describe returns a comparable description of the tree under root:
// name, type, permission bits, size, content hash, link target, mtime
// (seconds; not for links).
func describe(t testing.TB, root string) []string {
	t.Helper()
	var out []string
	inodes := map[[2]uint64]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." {
			return nil
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		s := fmt.Sprintf("%s %v", filepath.ToSlash(rel), fi.Mode())
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			s += " -> " + l
		case fi.Mode().IsRegular():
			b, _ := os.ReadFile(p)
			s += fmt.Sprintf(" %d %x %d", len(b), sha256.Sum256(b), fi.ModTime().Unix())
			if st := statOf(fi); st.ok && st.nlink > 1 {
				k := [2]uint64{st.dev, st.ino}
				if first, ok := inodes[k]; ok {
					s += " =" + first
				} else {
					inodes[k] = rel
				}
			}
		default:
			s += fmt.Sprintf(" %d", fi.ModTime().Unix())
		}
		out = append(out, s)
		return nil
	})
	require.NoError(t, err)
	return out
}

func TestRoundTrip(t *testing.T) {
	src := t.TempDir()
	mkTree(t, src, map[string]string{
		"with space.txt": "spaces", "ünïcødé/日本語.txt": "unicode", "empty/": "", "deep/a/b/c/d.txt": "deep",
		"link-rel": "->with space.txt", "deep/a/up": "->../../empty", "dangling": "->nowhere", "zero": "",
		"big.bin": strings.Repeat("0123456789abcdef", 10000), "quote\"and\\back": "q",
	})
	os.Chmod(filepath.Join(src, "zero"), 0o600)
	os.Chmod(filepath.Join(src, "big.bin"), 0o755)
	os.Chmod(filepath.Join(src, "deep/a"), 0o700)
	require.NoError(t, os.Link(filepath.Join(src, "zero"), filepath.Join(src, "hard")))
	mtime := time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC)
	filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if d.Type()&fs.ModeSymlink == 0 {
			os.Chtimes(p, mtime, mtime)
		}
		return nil
	})
	for _, opts := range []DirOptions{{}, {Deterministic: true, ModTime: mtime}} {
		rc, err := Dir(src, opts)
		require.NoError(t, err)
		dst := filepath.Join(t.TempDir(), "dst")
		err = Extract(rc, dst, ExtractOptions{})
		rc.Close()
		require.NoError(t, err)
		assert.Equal(t, describe(t, src), describe(t, dst), "Deterministic=%v: trees differ", opts.Deterministic)
	}
}

// TestFlatMemory streams a 256 MiB file through Dir and Extract and checks
// that the bytes allocated meanwhile stay far below its size.
func TestFlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 256 MiB")
	}
	const size = 256 << 20
	src := t.TempDir()
	f, err := os.Create(filepath.Join(src, "sparse"))
	require.NoError(t, err)
	f.WriteAt([]byte("head"), 0)
	f.WriteAt([]byte("tail"), size-4)
	f.Close()
	dst := filepath.Join(t.TempDir(), "dst")

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	rc, err := Dir(src, DirOptions{})
	require.NoError(t, err)
	err = Extract(rc, dst, ExtractOptions{})
	rc.Close()
	require.NoError(t, err)
	runtime.ReadMemStats(&after)
	fi, err := os.Stat(filepath.Join(dst, "sparse"))
	require.NoError(t, err)
	require.EqualValues(t, size, fi.Size(), "extracted size")
	grew := after.TotalAlloc - before.TotalAlloc
	t.Logf("allocated %d KiB while streaming %d MiB", grew>>10, size>>20)
	assert.Less(t, grew, uint64(16<<20), "bytes allocated while streaming %d", size)
}
