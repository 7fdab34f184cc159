package fuzz

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/tarstream"
)

// describeTree lists every path under root with its type, permissions,
// size, content hash and link target (with mtimes when times is set).
func describeTree(t *testing.T, root string, skip string, times bool) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." {
			return nil
		}
		if rel == skip {
			return fs.SkipDir
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		s := fmt.Sprintf("%q %v", filepath.ToSlash(rel), fi.Mode())
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			s += fmt.Sprintf(" -> %q", l)
		case fi.Mode().IsRegular():
			b, _ := os.ReadFile(p)
			s += fmt.Sprintf(" %d %x", len(b), sha256.Sum256(b))
		}
		if times {
			s += " " + fi.ModTime().Format(time.RFC3339Nano)
		}
		out = append(out, s)
		return nil
	})
	require.NoError(t, err, "walking %s", root)
	sort.Strings(out)
	return out
}

// maxDepth bounds the depth of the trees the tar targets build: each level
// costs a few syscalls in Extract, the walks and the cleanup, and thousands
// of them make one run take seconds, which starves the fuzzer (depth itself
// is covered by tarstream's deep-nesting.tar test).
const maxDepth = 64

// tooDeep reports whether an archive names an entry deeper than maxDepth.
func tooDeep(data []byte) bool {
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		hdr, err := tr.Next()
		if err != nil {
			return false
		}
		if strings.Count(hdr.Name, "/") > maxDepth || strings.Count(hdr.Linkname, "/") > maxDepth {
			return true
		}
	}
}

// FuzzTarExtract (target 10) extracts arbitrary bytes into parent/dst, beside
// a sibling with a sentinel file and a prefix-sharing sibling dst2, twice:
// with the default options and with AbsoluteSymlinks (docker cp's links).
// After each run the whole temp parent is walked: nothing outside dst was
// created, changed or removed, and every symbolic link in dst stays inside
// it (but, with AbsoluteSymlinks, those with an absolute target). Errors
// are typed.
func FuzzTarExtract(f *testing.F) {
	tars, _ := filepath.Glob(filepath.Join("..", "tarstream", "testdata", "malicious", "*.tar"))
	for _, p := range tars {
		if filepath.Base(p) == "deep-nesting.tar" { // seconds per run: it starves the fuzzer
			continue
		}
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 256<<10 || tooDeep(data) {
			return
		}
		extractContained(t, data, false)
		extractContained(t, data, true)
	})
}

func extractContained(t *testing.T, data []byte, absolute bool) {
	parent := t.TempDir()
	dst := filepath.Join(parent, "dst")
	for _, d := range []string{"dst", "dst2", "outside"} {
		require.NoError(t, os.Mkdir(filepath.Join(parent, d), 0o755))
	}
	require.NoError(t, os.WriteFile(filepath.Join(parent, "outside", "sentinel"), []byte("do not touch"), 0o644))
	before := describeTree(t, parent, "dst", true)
	// Caps keep a header claiming terabytes from writing them.
	err := tarstream.Extract(bytes.NewReader(data), dst, tarstream.ExtractOptions{MaxBytes: 4 << 20, MaxEntries: 1000, AbsoluteSymlinks: absolute})
	if err != nil {
		var ee *tarstream.EntryError
		require.True(t, errors.As(err, &ee) || errors.Is(err, tar.ErrHeader) || errors.Is(err, io.ErrUnexpectedEOF) ||
			errors.Is(err, tarstream.ErrTooManyEntries) || errors.Is(err, tarstream.ErrTooLarge), "untyped Extract error %T: %v", err, err)
	}
	require.Equal(t, before, describeTree(t, parent, "dst", true), "the tree outside dst changed")
	filepath.WalkDir(dst, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			os.Chmod(p, 0o755) // let TempDir clean up read-only dirs
		}
		if d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		target, _ := os.Readlink(p)
		if filepath.IsAbs(target) {
			require.True(t, absolute, "absolute symlink %s -> %s in dst", p, target)
			return nil
		}
		rel, err := filepath.Rel(dst, filepath.Join(filepath.Dir(p), target))
		require.NoError(t, err, "symlink %s -> %s", p, target)
		require.True(t, filepath.IsLocal(rel) || rel == ".", "symlink %s -> %s leaves dst", p, target)
		return nil
	})
}

// unsafeLink reports whether a symbolic link at name (slash-separated,
// relative to the root) to target is one Extract refuses by its documented
// policy: empty, absolute, ".." after a name, or climbing above the root.
func unsafeLink(name, target string) bool {
	if target == "" || strings.HasPrefix(target, "/") || strings.IndexByte(target, 0) >= 0 {
		return true
	}
	depth := len(strings.Split(path.Dir(name), "/"))
	if path.Dir(name) == "." {
		depth = 0
	}
	named := false
	for elem := range strings.SplitSeq(target, "/") {
		switch elem {
		case "", ".":
		case "..":
			if named {
				return true
			}
			if depth--; depth < 0 {
				return true
			}
		default:
			named = true
		}
	}
	return false
}

// FuzzTarRoundTrip (target 11) builds a tree from the fuzzer's spec (one
// entry a line: "name", "dir/", "link->target"), archives it with
// tarstream.Dir and extracts it with tarstream.Extract: the tree comes back
// identical, unless it holds a link Extract's policy refuses, and then the
// error says so.
func FuzzTarRoundTrip(f *testing.F) {
	f.Add("a\nb/c\nd/\nl->a", []byte("hello"))
	f.Add("ü ñ\nx/y/z\nempty/", []byte{})
	f.Add("x\nx/y", []byte("conflict"))
	f.Add("d/\nd/l->../x\nu->..", []byte("x"))
	f.Fuzz(func(t *testing.T, spec string, body []byte) {
		if len(spec) > 4096 || len(body) > 1<<16 {
			return
		}
		src := t.TempDir()
		// Built through an os.Root: the fuzzer's links must not lead the
		// writes out of src (a link to /dev/stdin, to /tmp...).
		root, err := os.OpenRoot(src)
		require.NoError(t, err)
		defer root.Close()
		n, unsafe := 0, false
		for line := range strings.SplitSeq(spec, "\n") {
			name, target, isLink := strings.Cut(line, "->")
			if name == "" || strings.HasPrefix(name, "/") || strings.IndexByte(name, 0) >= 0 {
				continue
			}
			clean := path.Clean(name)
			if clean == "." || clean == ".." || strings.HasPrefix(clean, "../") || slices.Contains(strings.Split(clean, "/"), "..") {
				continue
			}
			if elems := strings.Split(clean, "/"); len(elems) > maxDepth || slices.ContainsFunc(elems, func(e string) bool { return len(e) > 200 }) {
				continue
			}
			if dir := path.Dir(clean); dir != "." {
				if root.MkdirAll(dir, 0o755) != nil {
					continue
				}
			}
			var err error
			switch {
			case isLink:
				if err = root.Symlink(target, clean); err == nil && unsafeLink(clean, target) {
					unsafe = true
				}
			case strings.HasSuffix(name, "/"):
				err = root.Mkdir(clean, 0o755)
			default:
				var fh *os.File
				if fh, err = root.OpenFile(clean, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644); err == nil {
					_, err = fh.Write(body[:n%(len(body)+1)])
					fh.Close()
				}
			}
			if err == nil {
				n++
			}
		}
		rc, err := tarstream.Dir(src, tarstream.DirOptions{Deterministic: true})
		require.NoError(t, err)
		defer rc.Close()
		data, err := io.ReadAll(rc)
		require.NoError(t, err, "Dir")
		dst := filepath.Join(t.TempDir(), "dst")
		err = tarstream.Extract(bytes.NewReader(data), dst, tarstream.ExtractOptions{})
		if err != nil && unsafe && (errors.Is(err, tarstream.ErrInsecurePath) || errors.Is(err, tarstream.ErrNameTooLong)) {
			return
		}
		require.NoError(t, err, "Extract")
		if unsafe {
			require.FailNow(t, "Extract accepted a tree with an unsafe link", "%q", describeTree(t, src, "", false))
		}
		require.Equal(t, describeTree(t, src, "", false), describeTree(t, dst, "", false), "the tree extracted, against the tree archived")
	})
}

// FuzzTarPathStat (target 13): an X-Docker-Container-Path-Stat header that
// ParsePathStat accepts encodes back to one that parses to the same value;
// errors wrap ErrPathStat.
func FuzzTarPathStat(f *testing.F) {
	f.Add(base64.StdEncoding.EncodeToString([]byte(`{"name":"x","size":1,"mode":2147484141,"mtime":"2024-01-01T00:00:00Z","linkTarget":"y"}`)))
	f.Add("")
	f.Add("e30=")
	f.Add(base64.StdEncoding.EncodeToString([]byte(`{"name":"etc","size":4096,"mode":2147484141,"mtime":"2024-05-06T07:08:09.123456789+02:00","linkTarget":""}`)))
	f.Add(base64.URLEncoding.EncodeToString([]byte(`{"name":"?>?","size":-1}`)))
	f.Fuzz(func(t *testing.T, header string) {
		s, err := tarstream.ParsePathStat(header)
		if err != nil {
			require.ErrorIs(t, err, tarstream.ErrPathStat, "%q", header)
			return
		}
		enc, err := s.Encode()
		if err != nil {
			return // e.g. a year the JSON encoder refuses
		}
		s2, err := tarstream.ParsePathStat(enc)
		require.NoError(t, err, "re-parse of %q", enc)
		assert.Equal(t, s.Name, s2.Name, "Name round trip")
		assert.Equal(t, s.Size, s2.Size, "Size round trip")
		assert.Equal(t, s.Mode, s2.Mode, "Mode round trip")
		assert.True(t, s2.Mtime.Equal(s.Mtime), "Mtime round trip: %v -> %v", s.Mtime, s2.Mtime)
		assert.Equal(t, s.LinkTarget, s2.LinkTarget, "LinkTarget round trip")
	})
}

// FuzzTarMatcher: .dockerignore patterns (one a line) and a path; Match never
// fails on patterns NewMatcher accepted, and a leading "./" does not change
// its answer. (The differential against moby/patternmatcher is target 12,
// in bench/.)
func FuzzTarMatcher(f *testing.F) {
	f.Add("**/*.go\n!main.go", "cmd/main.go")
	f.Add("[a-c]\\*", "b*")
	f.Add("a/**\n!a/b", "a/b/c")
	f.Fuzz(func(t *testing.T, patterns, name string) {
		if len(patterns) > 4096 || len(name) > 4096 {
			return
		}
		m, err := tarstream.NewMatcher(strings.Split(patterns, "\n"))
		if err != nil {
			require.ErrorIs(t, err, tarstream.ErrBadPattern, "NewMatcher")
			return
		}
		got, err := m.Match(name)
		require.NoError(t, err, "Match")
		if again, _ := m.Match("./" + name); !strings.HasPrefix(name, "/") {
			assert.Equal(t, got, again, "Match(./%s), against Match(%q)", name, name)
		}
	})
}
