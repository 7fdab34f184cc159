package tarstream

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// ent is one entry of a generated archive.
type ent struct {
	name, link string
	typ        byte
	mode       int64
	body       string
	size       int64 // when > 0, overrides len(body) in the header
	pax        map[string]string
	format     tar.Format
}

func file(name, body string) ent { return ent{name: name, typ: tar.TypeReg, mode: 0o644, body: body} }
func dir(name string) ent        { return ent{name: name, typ: tar.TypeDir, mode: 0o755} }
func symlink(name, target string) ent {
	return ent{name: name, typ: tar.TypeSymlink, link: target, mode: 0o777}
}
func hardlink(name, target string) ent {
	return ent{name: name, typ: tar.TypeLink, link: target, mode: 0o644}
}
func special(name string, typ byte) ent { return ent{name: name, typ: typ, mode: 0o600} }

// build writes entries as a tar archive. A header claiming more bytes than
// its body ends the archive right after the header (no padding, no trailer):
// the reader must refuse it before reading data.
func build(entries ...ent) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		hdr := &tar.Header{
			Typeflag:   e.typ,
			Name:       e.name,
			Linkname:   e.link,
			Mode:       e.mode,
			Size:       int64(len(e.body)),
			ModTime:    time.Unix(1700000000, 0),
			PAXRecords: e.pax,
			Format:     e.format,
		}
		if e.typ != tar.TypeReg {
			hdr.Size = 0
		}
		if e.typ == tar.TypeXGlobalHeader {
			hdr = &tar.Header{Typeflag: e.typ, PAXRecords: e.pax, Format: e.format}
		}
		if e.size > 0 {
			hdr.Size = e.size
		}
		if err := tw.WriteHeader(hdr); err != nil {
			panic(fmt.Sprintf("build %q: %v", e.name, err))
		}
		if e.size > 0 && e.size != int64(len(e.body)) {
			tw.Write([]byte(e.body)) // short on purpose
			tw.Flush()               // fails: the archive stays truncated
			return buf.Bytes()
		}
		if _, err := tw.Write([]byte(e.body)); err != nil {
			panic(err)
		}
	}
	if err := tw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// rawUSTAR builds a one-entry archive whose header name is written byte for
// byte (archive/tar's writer would refuse it), with a valid checksum.
func rawUSTAR(name []byte, typ byte, body string) []byte {
	blk := make([]byte, 512)
	copy(blk[0:100], name)
	copy(blk[100:108], "0000644\x00")
	copy(blk[108:116], "0000000\x00")
	copy(blk[116:124], "0000000\x00")
	copy(blk[124:136], fmt.Sprintf("%011o\x00", len(body)))
	copy(blk[136:148], fmt.Sprintf("%011o\x00", 1700000000))
	blk[156] = typ
	copy(blk[257:263], "ustar\x00")
	copy(blk[263:265], "00")
	copy(blk[148:156], "        ")
	sum := 0
	for _, b := range blk {
		sum += int(b)
	}
	copy(blk[148:156], fmt.Sprintf("%06o\x00 ", sum))
	data := make([]byte, (len(body)+511)/512*512)
	copy(data, body)
	out := append(blk, data...)
	return append(out, make([]byte, 1024)...)
}

// paxRaw builds an archive with a PAX extended header holding the given raw
// records (not validated, unlike archive/tar's writer) before a file.
func paxRaw(records string, name, body string) []byte {
	var rec bytes.Buffer
	for _, kv := range strings.Split(records, "\n") {
		// "%d %s\n" where the length counts itself.
		n := len(kv) + 3
		for len(fmt.Sprintf("%d %s\n", n, kv)) != n {
			n++
		}
		fmt.Fprintf(&rec, "%d %s\n", n, kv)
	}
	hdr := rawUSTAR([]byte("PaxHeaders/x"), tar.TypeXHeader, rec.String())
	hdr = hdr[:len(hdr)-1024] // drop the trailer
	return append(hdr, rawUSTAR([]byte(name), tar.TypeReg, body)...)
}

type vector struct {
	file  string
	data  func() []byte
	opts  ExtractOptions
	err   error                          // nil: extraction succeeds
	check func(t *testing.T, dst string) // optional, after extraction
	// abs is the outcome with ExtractOptions.AbsoluteSymlinks when it
	// differs from err and check (every vector runs both ways).
	abs *outcome
}

type outcome struct {
	err   error
	check func(t *testing.T, dst string)
}

func longName(n int) string {
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(strings.Repeat("d", 100) + "/")
	}
	return b.String()[:n-1] + "f"
}

var vectors = []vector{
	{file: "dotdot.tar", data: func() []byte { return build(file("../evil", "x")) }, err: ErrInsecurePath},
	{file: "dotdot-nested.tar", data: func() []byte { return build(dir("a/"), file("a/../../evil", "x")) }, err: ErrInsecurePath},
	{file: "dotdot-inside.tar", data: func() []byte { return build(file("a/../b", "x")) }, err: ErrInsecurePath},
	{file: "dotdot-dir.tar", data: func() []byte { return build(dir("../")) }, err: ErrInsecurePath},
	{file: "dot-slash-dotdot.tar", data: func() []byte { return build(file("./../evil", "x")) }, err: ErrInsecurePath},
	{file: "absolute.tar", data: func() []byte { return build(file("/tarstream-evil", "x")) }, err: ErrInsecurePath},
	{file: "absolute-dotdot.tar", data: func() []byte { return build(file("/../evil", "x")) }, err: ErrInsecurePath},
	{file: "sibling-prefix.tar", data: func() []byte { return build(file("../dst2/evil", "x")) }, err: ErrInsecurePath},
	{file: "backslash-dotdot.tar", data: func() []byte { return build(file(`..\evil`, "x")) },
		check: exists(`..\evil`)}, // one plain name on unix
	{file: "windows-drive.tar", data: func() []byte { return build(file(`C:\evil`, "x")) }, check: exists(`C:\evil`)},
	{file: "many-slashes.tar", data: func() []byte { return build(file("a//b///c", "x")) }, check: exists("a/b/c")},
	// Regression: parents were checked with one Lstat per prefix from the
	// root, quadratic in depth (found by FuzzExtract: 2000 levels took 44 s).
	{file: "deep-nesting.tar", data: func() []byte { return build(file(strings.Repeat("a/", 2000)+"f", "x")) },
		check: exists(strings.Repeat("a/", 2000) + "f")},
	{file: "implied-parents.tar", data: func() []byte { return build(file("a/b/c/f", "x")) }, check: exists("a/b/c/f")},
	{file: "nul-in-pax-name.tar", data: func() []byte { return paxRaw("path=a\x00/../../evil", "x", "x") }, err: tar.ErrHeader},
	{file: "nul-in-ustar-name.tar", data: func() []byte { return rawUSTAR([]byte("evil\x00/../../x"), tar.TypeReg, "x") },
		check: exists("evil")}, // the name ends at the NUL
	{file: "long-pax-name.tar", data: func() []byte { return build(file(longName(5000), "x")) }, err: ErrNameTooLong},
	{file: "long-pax-name-ok.tar", data: func() []byte { return build(file(longName(1000), "x")) }, check: exists(longName(1000))},
	{file: "long-symlink-target.tar", data: func() []byte { return build(symlink("l", strings.Repeat("a/", 2100))) }, err: ErrNameTooLong},
	{file: "pax-path-override.tar", data: func() []byte { return paxRaw("path=../../evil", "innocent", "x") }, err: ErrInsecurePath},
	{file: "global-header.tar", data: func() []byte {
		g := ent{name: "global", typ: tar.TypeXGlobalHeader, pax: map[string]string{"path": "foo/bar"}, format: tar.FormatPAX}
		return build(g, file("f", "x"))
	}, check: exists("f")},

	{file: "symlink-escape.tar", data: func() []byte { return build(symlink("link", "../outside"), file("link/pwned", "x")) }, err: ErrInsecurePath},
	{file: "symlink-absolute.tar", data: func() []byte { return build(symlink("link", "/etc"), file("link/pwned", "x")) }, err: ErrInsecurePath,
		abs: &outcome{err: ErrInsecurePath, check: linkTo("link", "/etc")}}, // the link is made, nothing written through it
	{file: "symlink-root.tar", data: func() []byte { return build(symlink("link", "/")) }, err: ErrInsecurePath,
		abs: &outcome{check: linkTo("link", "/")}},
	// A container's /etc as docker cp copies it out: absolute links kept as
	// links (AbsoluteSymlinks), refused otherwise.
	{file: "abs-etc.tar", data: func() []byte {
		return build(dir("etc/"), file("etc/hostname", "h\n"), symlink("etc/mtab", "/proc/mounts"),
			symlink("etc/localtime", "/usr/share/zoneinfo/UTC"), symlink("etc/os-release", "../usr/lib/os-release"))
	}, err: ErrInsecurePath, abs: &outcome{check: func(t *testing.T, dst string) {
		content("etc/hostname", "h\n")(t, dst)
		linkTo("etc/mtab", "/proc/mounts")(t, dst)
		linkTo("etc/localtime", "/usr/share/zoneinfo/UTC")(t, dst)
		linkTo("etc/os-release", "../usr/lib/os-release")(t, dst)
	}}},
	{file: "abs-link-replaced-by-file.tar", data: func() []byte { return build(symlink("f", "/etc/passwd"), file("f", "data")) },
		err: ErrInsecurePath, abs: &outcome{check: func(t *testing.T, dst string) {
			fi, err := os.Lstat(filepath.Join(dst, "f"))
			if assert.NoError(t, err, "f") {
				assert.True(t, fi.Mode().IsRegular(), "f: mode %v, want the regular file that replaced the link", fi.Mode())
			}
			content("f", "data")(t, dst)
		}}},
	{file: "abs-link-replaced-by-dir.tar", data: func() []byte { return build(symlink("d", "/etc"), dir("d/"), file("d/x", "x")) },
		err: ErrInsecurePath, abs: &outcome{check: func(t *testing.T, dst string) {
			fi, err := os.Lstat(filepath.Join(dst, "d"))
			if assert.NoError(t, err, "d") {
				assert.True(t, fi.IsDir(), "d: mode %v, want the directory that replaced the link", fi.Mode())
			}
			content("d/x", "x")(t, dst)
		}}},
	{file: "abs-link-nested-write-through.tar", data: func() []byte {
		return build(dir("a/"), symlink("a/l", "/tmp"), file("a/l/sub/pwned", "x"))
	}, err: ErrInsecurePath},
	{file: "abs-hardlink-to-link.tar", data: func() []byte { return build(symlink("l", "/etc/passwd"), hardlink("h", "l")) }, err: ErrInsecurePath},
	{file: "abs-hardlink-through-link.tar", data: func() []byte { return build(symlink("s", "/etc"), hardlink("h", "s/passwd")) }, err: ErrInsecurePath},
	{file: "symlink-dotdot-after-name.tar", data: func() []byte { return build(symlink("l", "d/../../outside")) }, err: ErrInsecurePath},
	{file: "symlink-climb.tar", data: func() []byte { return build(dir("a/"), dir("a/b/"), symlink("a/b/l", "../../..")) }, err: ErrInsecurePath},
	{file: "symlink-relative-ok.tar", data: func() []byte { return build(file("x", "data"), symlink("a/b/l", "../../x")) },
		check: linkTo("a/b/l", "../../x")},
	{file: "symlink-empty-target.tar", data: func() []byte { return build(symlink("l", "")) }, err: ErrInsecurePath},
	{file: "two-hop-symlink.tar", data: func() []byte {
		return build(dir("dir/"), symlink("dir/hop2", ".."), symlink("hop1", "dir/hop2"), file("hop1/x", "x"))
	}, err: ErrInsecurePath},
	{file: "two-hop-symlink-climb.tar", data: func() []byte {
		return build(symlink("hop1", "dir/hop2"), dir("dir/"), symlink("dir/hop2", "../.."))
	}, err: ErrInsecurePath},
	{file: "symlink-then-write-through.tar", data: func() []byte { return build(dir("sub/"), symlink("link", "sub"), file("link/f", "x")) }, err: ErrInsecurePath},
	{file: "symlink-then-file.tar", data: func() []byte { return build(symlink("f", "target"), file("f", "data")) },
		check: func(t *testing.T, dst string) {
			exists("f")(t, dst)
			absent("target")(t, dst) // not written through the replaced link
		}},
	{file: "symlink-dot.tar", data: func() []byte { return build(symlink("s", "."), file("s/x", "x")) }, err: ErrInsecurePath},
	{file: "symlink-loop.tar", data: func() []byte { return build(symlink("a", "b"), symlink("b", "a"), file("a/x", "x")) }, err: ErrInsecurePath},
	{file: "symlink-self.tar", data: func() []byte { return build(symlink("a", "a")) }, check: linkTo("a", "a")},
	{file: "dir-replaced-by-symlink.tar", data: func() []byte { return build(dir("d/"), symlink("d", "../outside"), file("d/x", "x")) }, err: ErrInsecurePath},
	{file: "dir-replaced-by-inner-symlink.tar", data: func() []byte {
		return build(dir("d/"), dir("e/"), symlink("d", "e"), file("d/x", "x"))
	}, err: ErrInsecurePath},

	{file: "hardlink-escape.tar", data: func() []byte { return build(hardlink("hl", "../outside/sentinel")) }, err: ErrInsecurePath},
	{file: "hardlink-absolute.tar", data: func() []byte { return build(hardlink("hl", "/etc/passwd")) }, err: ErrInsecurePath},
	{file: "hardlink-to-symlink.tar", data: func() []byte {
		return build(file("x", "x"), symlink("a/b/l", "../../x"), hardlink("l2", "a/b/l"))
	}, err: ErrInsecurePath},
	{file: "hardlink-through-symlink.tar", data: func() []byte {
		return build(file("d/f", "x"), symlink("s", "d"), hardlink("h", "s/f"))
	}, err: ErrInsecurePath},
	{file: "hardlink-to-dir.tar", data: func() []byte { return build(dir("d/"), hardlink("h", "d")) }, err: ErrInsecurePath},
	{file: "hardlink-self.tar", data: func() []byte { return build(hardlink("h", "h")) }, err: ErrInsecurePath},
	{file: "hardlink-missing.tar", data: func() []byte { return build(hardlink("h", "nothing")) }, err: fs.ErrNotExist},
	{file: "hardlink-ok.tar", data: func() []byte { return build(file("f", "data"), hardlink("h", "f")) }, check: sameFile("f", "h")},

	{file: "huge-size.tar", data: func() []byte { return build(ent{name: "big", typ: tar.TypeReg, mode: 0o644, size: 1 << 40}) },
		err: ErrTooLarge, check: absent("big")},
	{file: "pax-size-huge.tar", data: func() []byte { return paxRaw("size=1099511627776", "big", "") }, err: ErrTooLarge, check: absent("big")},
	{file: "cumulative-size.tar", data: func() []byte { return build(file("a", strings.Repeat("a", 60)), file("b", strings.Repeat("b", 60))) },
		opts: ExtractOptions{MaxBytes: 100}, err: ErrTooLarge, check: func(t *testing.T, dst string) { exists("a")(t, dst); absent("b")(t, dst) }},
	{file: "too-many-entries.tar", data: func() []byte {
		var es []ent
		for i := range 20 {
			es = append(es, file(fmt.Sprintf("f%02d", i), "x"))
		}
		return build(es...)
	}, opts: ExtractOptions{MaxEntries: 10}, err: ErrTooManyEntries, check: absent("f10")},
	{file: "truncated.tar", data: func() []byte { return build(ent{name: "t", typ: tar.TypeReg, mode: 0o644, body: "short", size: 1000}) },
		err: errUnexpectedEOF},

	{file: "duplicate-entries.tar", data: func() []byte { return build(file("f", "one"), file("f", "two")) }, check: content("f", "two")},
	{file: "duplicate-dir-then-file.tar", data: func() []byte { return build(dir("d/"), file("d/x", "x"), file("d", "file")) }, check: content("d", "file")},
	{file: "duplicate-dir-then-file-nooverwrite.tar", data: func() []byte { return build(dir("d/"), file("d/x", "x"), file("d", "file")) },
		opts: ExtractOptions{NoOverwriteDirNonDir: true}, err: ErrOverwrite},
	{file: "duplicate-file-then-dir-nooverwrite.tar", data: func() []byte { return build(file("d", "file"), dir("d/")) },
		opts: ExtractOptions{NoOverwriteDirNonDir: true}, err: ErrOverwrite},
	{file: "type-flip.tar", data: func() []byte { return build(file("x", "1"), dir("x/"), file("x/y", "2"), file("x", "3")) }, check: content("x", "3")},
	{file: "file-as-parent.tar", data: func() []byte { return build(file("f", "x"), file("f/x", "x")) }, err: fs.ErrExist},
	{file: "root-entry-file.tar", data: func() []byte { return rawUSTAR([]byte("./"), tar.TypeReg, "x") }, err: ErrInsecurePath},
	{file: "root-entry-dir.tar", data: func() []byte { return build(dir("./"), file("./f", "x")) }, check: exists("f")},

	{file: "device.tar", data: func() []byte { return build(special("dev", tar.TypeChar)) }, err: ErrDevice, check: absent("dev")},
	{file: "block-device.tar", data: func() []byte { return build(special("blk", tar.TypeBlock)) }, err: ErrDevice, check: absent("blk")},
	{file: "fifo.tar", data: func() []byte { return build(special("fifo", tar.TypeFifo)) }, err: ErrDevice, check: absent("fifo")},
	{file: "unknown-type.tar", data: func() []byte { return build(ent{name: "z", typ: 'Z', mode: 0o644}) }, err: ErrEntryType},
	{file: "setuid.tar", data: func() []byte { return build(ent{name: "suid", typ: tar.TypeReg, mode: 0o6755, body: "x"}) },
		check: func(t *testing.T, dst string) {
			fi, err := os.Stat(filepath.Join(dst, "suid"))
			require.NoError(t, err)
			assert.Zero(t, fi.Mode()&(fs.ModeSetuid|fs.ModeSetgid), "mode %v: want no setuid/setgid", fi.Mode())
			assert.Equal(t, fs.FileMode(0o755), fi.Mode().Perm(), "want -rwxr-xr-x")
		}},
	{file: "readonly-dir.tar", data: func() []byte {
		return build(ent{name: "ro/", typ: tar.TypeDir, mode: 0o555}, file("ro/f", "x"))
	}, check: func(t *testing.T, dst string) {
		exists("ro/f")(t, dst)
		fi, err := os.Stat(filepath.Join(dst, "ro"))
		if assert.NoError(t, err) {
			assert.Equal(t, fs.FileMode(0o555), fi.Mode().Perm(), "ro: want dr-xr-xr-x")
		}
		os.Chmod(filepath.Join(dst, "ro"), 0o755) // let TempDir clean up
	}},
}

// errUnexpectedEOF names io.ErrUnexpectedEOF in the table.
var errUnexpectedEOF = io.ErrUnexpectedEOF

func exists(name string) func(*testing.T, string) {
	return func(t *testing.T, dst string) {
		t.Helper()
		_, err := os.Lstat(filepath.Join(dst, name))
		assert.NoError(t, err, "%s missing", name)
	}
}

func absent(name string) func(*testing.T, string) {
	return func(t *testing.T, dst string) {
		t.Helper()
		_, err := os.Lstat(filepath.Join(dst, name))
		assert.ErrorIs(t, err, fs.ErrNotExist, "%s: want nothing written", name)
	}
}

func content(name, want string) func(*testing.T, string) {
	return func(t *testing.T, dst string) {
		t.Helper()
		got, err := os.ReadFile(filepath.Join(dst, name))
		if assert.NoError(t, err) {
			assert.Equal(t, want, string(got), name)
		}
	}
}

func linkTo(name, want string) func(*testing.T, string) {
	return func(t *testing.T, dst string) {
		t.Helper()
		got, err := os.Readlink(filepath.Join(dst, name))
		if assert.NoError(t, err) {
			assert.Equal(t, want, got, "readlink %s", name)
		}
	}
}

func sameFile(a, b string) func(*testing.T, string) {
	return func(t *testing.T, dst string) {
		t.Helper()
		fa, err := os.Stat(filepath.Join(dst, a))
		require.NoError(t, err)
		fb, err := os.Stat(filepath.Join(dst, b))
		require.NoError(t, err)
		assert.True(t, os.SameFile(fa, fb), "%s and %s are not the same file", a, b)
	}
}

// sandbox is a temporary parent directory holding dst and sentinels beside
// it: outside/sentinel and an empty sibling dst2 (a name dst is a prefix of).
type sandbox struct {
	parent, dst string
	before      map[string]string
}

func newSandbox(t testing.TB) *sandbox {
	t.Helper()
	parent := t.TempDir()
	s := &sandbox{parent: parent, dst: filepath.Join(parent, "dst")}
	for _, d := range []string{"dst", "dst2", "outside"} {
		require.NoError(t, os.Mkdir(filepath.Join(parent, d), 0o755))
	}
	require.NoError(t, os.WriteFile(filepath.Join(parent, "outside", "sentinel"), []byte("do not touch"), 0o644))
	s.before = snapshotOutside(t, parent)
	return s
}

// snapshotOutside describes every path under parent but dst: type, mode,
// size, mtime, link count, content hash, link target.
func snapshotOutside(t testing.TB, parent string) map[string]string {
	t.Helper()
	snap := map[string]string{}
	err := filepath.WalkDir(parent, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(parent, p)
		if rel == "dst" {
			return fs.SkipDir
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		desc := fmt.Sprintf("%v %d %d", fi.Mode(), fi.Size(), fi.ModTime().UnixNano())
		if st := statOf(fi); st.ok {
			desc += fmt.Sprintf(" nlink=%d", st.nlink)
		}
		switch {
		case fi.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			desc += fmt.Sprintf(" %x", sha256.Sum256(b))
		case fi.Mode()&fs.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			desc += " -> " + l
		}
		if rel != "." { // the parent's own mtime changes with dst
			snap[rel] = desc
		}
		return nil
	})
	require.NoError(t, err)
	return snap
}

// verify checks that nothing outside dst changed and that every symbolic
// link in dst is relative and resolves lexically inside dst, or, with abs,
// is absolute.
func (s *sandbox) verify(t testing.TB, abs bool) {
	t.Helper()
	assert.Equal(t, s.before, snapshotOutside(t, s.parent), "escape outside dst: the tree beside it changed")
	filepath.WalkDir(s.dst, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		target, _ := os.Readlink(p)
		if filepath.IsAbs(target) {
			assert.True(t, abs, "absolute symlink %s -> %s in dst", p, target)
			return nil
		}
		rel, err := filepath.Rel(s.dst, filepath.Join(filepath.Dir(p), target))
		assert.True(t, err == nil && (filepath.IsLocal(rel) || rel == "."), "symlink %s -> %s leaves dst", p, target)
		return nil
	})
}

func TestMaliciousVectors(t *testing.T) {
	dir := filepath.Join("testdata", "malicious")
	if *update {
		os.MkdirAll(dir, 0o755)
		for _, v := range vectors {
			require.NoError(t, os.WriteFile(filepath.Join(dir, v.file), v.data(), 0o644))
		}
	}
	assert.GreaterOrEqual(t, len(vectors), 40, "vectors")
	seen := map[string]bool{}
	for _, v := range vectors {
		assert.False(t, seen[v.file], "vector %s listed twice", v.file)
		seen[v.file] = true
		for _, abs := range []bool{false, true} {
			name := strings.TrimSuffix(v.file, ".tar")
			opts, want := v.opts, outcome{v.err, v.check}
			if abs {
				name += "/absolute-symlinks"
				opts.AbsoluteSymlinks = true
				if v.abs != nil {
					want = *v.abs
				}
			}
			t.Run(name, func(t *testing.T) {
				data, err := os.ReadFile(filepath.Join(dir, v.file))
				require.NoError(t, err, "run with -update to generate")
				assert.True(t, bytes.Equal(data, v.data()), "golden %s differs from its generator (run with -update)", v.file)
				s := newSandbox(t)
				err = Extract(bytes.NewReader(data), s.dst, opts)
				t.Logf("Extract: %v", err)
				if want.err == nil {
					assert.NoError(t, err, "Extract")
				} else {
					assert.ErrorIs(t, err, want.err, "Extract")
				}
				if want.err != nil && want.err != tar.ErrHeader {
					var ee *EntryError
					assert.ErrorAs(t, err, &ee, "Extract")
				}
				if err != nil {
					assert.True(t, strings.HasPrefix(err.Error(), "tarstream: "), "error %q lacks the package prefix", err)
				}
				s.verify(t, abs)
				if want.check != nil {
					want.check(t, s.dst)
				}
			})
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		assert.True(t, seen[e.Name()], "testdata file %s has no vector", e.Name())
	}
}
