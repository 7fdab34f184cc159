package memfs

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// read returns the content of a file of f, which must exist.
func read(t *testing.T, f *FS, name string) string {
	t.Helper()
	b, err := f.ReadFile(name)
	require.NoError(t, err)
	return string(b)
}

func seeded(t *testing.T) *FS {
	t.Helper()
	f := New()
	require.NoError(t, f.MkdirAll("/etc", 0o755))
	require.NoError(t, f.MkdirAll("/tmp", 0o1777))
	require.NoError(t, f.MkdirAll("/bin", 0o755))
	require.NoError(t, f.WriteFile("/etc/hostname", []byte("box\n"), 0o644))
	require.NoError(t, f.WriteFile("/bin/busybox", []byte("ELF"), 0o755))
	require.NoError(t, f.Link("/bin/busybox", "/bin/ls"))
	require.NoError(t, f.Symlink("busybox", "/bin/sh"))
	require.NoError(t, f.Symlink("/etc", "/link-etc"))
	require.NoError(t, f.Symlink("../etc/hostname", "/tmp/rel"))
	require.NoError(t, f.Symlink("/loop2", "/loop1"))
	require.NoError(t, f.Symlink("/loop1", "/loop2"))
	return f
}

func TestResolve(t *testing.T) {
	f := seeded(t)
	tests := []struct {
		path string
		want string // content, or error sentinel name
		err  error
	}{
		{"/etc/hostname", "box\n", nil},
		{"etc/hostname", "box\n", nil},
		{"/link-etc/hostname", "box\n", nil},
		{"/tmp/rel", "box\n", nil},
		{"/tmp/../etc/./hostname", "box\n", nil},
		{"/../../etc/hostname", "box\n", nil},
		{"/bin/sh", "ELF", nil},
		{"/bin/ls", "ELF", nil},
		{"/missing", "", fs.ErrNotExist},
		{"/missing/x", "", fs.ErrNotExist},
		{"/etc/hostname/x", "", syscall.ENOTDIR},
		{"/loop1", "", syscall.ELOOP},
		{"/etc", "", syscall.EISDIR},
	}
	for _, tt := range tests {
		got, err := f.ReadFile(tt.path)
		if tt.err != nil {
			var pe *fs.PathError
			assert.ErrorIs(t, err, tt.err, "ReadFile(%q)", tt.path)
			assert.ErrorAs(t, err, &pe, "ReadFile(%q)", tt.path)
			continue
		}
		if assert.NoError(t, err, "ReadFile(%q)", tt.path) {
			assert.Equal(t, tt.want, string(got), "ReadFile(%q)", tt.path)
		}
	}
	fi, err := f.Lstat("/bin/sh")
	require.NoError(t, err)
	assert.NotZero(t, fi.Mode()&fs.ModeSymlink, "Lstat(/bin/sh) = %v, want a symlink", fi.Mode())
	assert.Equal(t, "busybox", fi.Sys().(*Stat).Target, "Lstat(/bin/sh) target")
	fi, err = f.Stat("/bin/ls")
	require.NoError(t, err)
	assert.EqualValues(t, 2, fi.Sys().(*Stat).Nlink, "nlink of hard-linked busybox")
	got, err := f.Readlink("/tmp/rel")
	require.NoError(t, err)
	assert.Equal(t, "../etc/hostname", got, "Readlink")
}

func TestOps(t *testing.T) {
	f := seeded(t)
	errs := []struct {
		name string
		err  error
		want error
	}{
		{"mkdir exists", f.Mkdir("/etc", 0o755), fs.ErrExist},
		{"mkdirall over file", f.MkdirAll("/etc/hostname/x", 0o755), syscall.ENOTDIR},
		{"remove nonempty", f.Remove("/etc"), syscall.ENOTEMPTY},
		{"remove missing", f.Remove("/nope"), fs.ErrNotExist},
		{"rename into self", f.Rename("/etc", "/etc/sub"), fs.ErrInvalid},
		{"rename dir over file", f.Rename("/tmp", "/bin/busybox"), syscall.ENOTDIR},
		{"symlink exists", f.Symlink("x", "/bin/sh"), fs.ErrExist},
		{"readlink non-link", func() error { _, err := f.Readlink("/etc"); return err }(), fs.ErrInvalid},
		{"excl", func() error {
			_, err := f.OpenFile("/etc/hostname", os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
			return err
		}(), fs.ErrExist},
		{"open dir for write", func() error { _, err := f.OpenFile("/etc", os.O_WRONLY, 0); return err }(), syscall.EISDIR},
		{"link dir", f.Link("/etc", "/etc2"), fs.ErrPermission},
	}
	for _, e := range errs {
		assert.ErrorIs(t, e.err, e.want, e.name)
	}

	// O_APPEND, O_TRUNC, Seek, dangling-symlink creation.
	h, err := f.OpenFile("/tmp/log", os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	require.NoError(t, err)
	for i := range 3 {
		fmt.Fprintf(h, "line%d\n", i)
	}
	require.NoError(t, h.Close())
	_, err = h.Write([]byte("x"))
	assert.ErrorIs(t, err, fs.ErrClosed, "write after close")
	assert.Equal(t, "line0\nline1\nline2\n", read(t, f, "/tmp/log"), "append")
	require.NoError(t, f.Symlink("/tmp/target", "/tmp/dangling"))
	require.NoError(t, f.WriteFile("/tmp/dangling", []byte("via link"), 0o644))
	assert.Equal(t, "via link", read(t, f, "/tmp/target"), "create through dangling link")
	require.NoError(t, f.WriteFile("/tmp/log", []byte("new"), 0o644))
	assert.Equal(t, "new", read(t, f, "/tmp/log"), "truncate")

	f.SetMaxFileSize(4)
	assert.ErrorIs(t, f.WriteFile("/tmp/big", []byte("12345"), 0o644), syscall.EFBIG, "write past the size bound")
	f.SetMaxFileSize(0)
	require.NoError(t, f.Rename("/tmp/log", "/etc/log"))
	_, err = f.Stat("/tmp/log")
	assert.ErrorIs(t, err, fs.ErrNotExist, "old name still there")
	require.NoError(t, f.Chmod("/etc/log", 0o600|fs.ModeSetuid))
	require.NoError(t, f.Chown("/etc/log", 1000, -1))
	at := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	require.NoError(t, f.Chtimes("/etc/log", at, at))
	fi, err := f.Stat("/etc/log")
	require.NoError(t, err)
	st := fi.Sys().(*Stat)
	assert.Equal(t, 0o600|fs.ModeSetuid, fi.Mode(), "mode after chmod")
	assert.Equal(t, 1000, st.UID, "uid after chown")
	assert.Equal(t, 0, st.GID, "gid after chown")
	assert.True(t, fi.ModTime().Equal(at), "mtime after chtimes: %v, want %v", fi.ModTime(), at)
	assert.EqualValues(t, 3, fi.Size())

	ents, err := f.ReadDir("/")
	require.NoError(t, err)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"bin", "etc", "link-etc", "loop1", "loop2", "tmp"}, names, "ReadDir(/)")

	var walked []string
	require.NoError(t, f.Walk("/bin", func(p string, d fs.DirEntry, err error) error {
		walked = append(walked, p)
		return err
	}))
	assert.Equal(t, []string{"/bin", "/bin/busybox", "/bin/ls", "/bin/sh"}, walked, "Walk")

	require.NoError(t, f.RemoveAll("/etc"))
	require.NoError(t, f.RemoveAll("/etc"))
	_, err = f.Stat("/etc")
	assert.ErrorIs(t, err, fs.ErrNotExist, "RemoveAll left /etc")
}

func TestMounts(t *testing.T) {
	rootA, rootB := seeded(t), seeded(t)
	bind := New() // one host directory, bound by two containers
	ro := New()   // a read-only volume
	require.NoError(t, ro.WriteFile("/conf", []byte("c"), 0o644))
	require.NoError(t, rootA.Mount("/data", bind, false))
	require.NoError(t, rootB.Mount("/mnt/shared", bind, false))
	require.NoError(t, rootA.Mount("/ro", ro, true))

	require.NoError(t, rootA.WriteFile("/data/x", []byte("from A"), 0o644))
	require.Equal(t, "from A", read(t, rootB, "/mnt/shared/x"), "what B sees")
	require.Equal(t, "from A", read(t, bind, "/x"), "what the bind source sees")
	assert.ErrorIs(t, rootA.WriteFile("/ro/conf", []byte("x"), 0o644), syscall.EROFS, "write to ro mount")
	assert.ErrorIs(t, rootA.Rename("/data/x", "/tmp/x"), syscall.EXDEV, "rename across mounts")
	assert.ErrorIs(t, rootA.Remove("/data"), syscall.EBUSY, "remove mount point")
	// A symlink inside a mount resolves in the mounting namespace.
	require.NoError(t, bind.Symlink("/etc/hostname", "/host"))
	assert.Equal(t, "box\n", read(t, rootA, "/data/host"), "symlink in mount")

	// Read-only root with a writable mount over it.
	rootA.SetReadOnly(true)
	assert.ErrorIs(t, rootA.WriteFile("/tmp/y", nil, 0o644), syscall.EROFS, "write to ro root")
	assert.ErrorIs(t, rootA.Mkdir("/newdir", 0o755), syscall.EROFS, "mkdir on ro root")
	require.NoError(t, rootA.WriteFile("/data/y", []byte("ok"), 0o644))
	tmpfs := New()
	require.NoError(t, rootA.Mount("/run/tmpfs", tmpfs, false)) // mount point made despite ro
	require.NoError(t, rootA.WriteFile("/run/tmpfs/z", nil, 0o644))

	// Bind of a subtree.
	require.NoError(t, bind.MkdirAll("/sub/dir", 0o755))
	require.NoError(t, rootB.Bind("/sub", bind, "/sub", false))
	_, err := rootB.Stat("/sub/dir")
	assert.NoError(t, err, "subtree bind")
	require.NoError(t, rootA.Unmount("/data"))
	_, err = rootA.Stat("/data/x")
	assert.ErrorIs(t, err, fs.ErrNotExist, "after unmount")
}

// TestFileBind: a file bound over a file (made if missing) is the source's
// file: writes reach it, it cannot be removed or renamed over, and the
// root tree's diff does not see it.
func TestFileBind(t *testing.T) {
	root := seeded(t)
	base := root.Clone()
	daemon := New()
	require.NoError(t, daemon.WriteFile("/hosts", []byte("127.0.0.1 localhost\n"), 0o644))
	require.NoError(t, root.Bind("/etc/hosts", daemon, "/hosts", false))
	require.NoError(t, root.Bind("/new/dir/file", daemon, "/hosts", true))
	assert.Equal(t, "127.0.0.1 localhost\n", read(t, root, "/etc/hosts"))
	assert.Equal(t, "127.0.0.1 localhost\n", read(t, root, "/new/dir/file"), "a missing mount point is made")

	h, err := root.OpenFile("/etc/hosts", os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = h.Write([]byte("10.0.0.2 peer\n"))
	require.NoError(t, err)
	require.NoError(t, h.Close())
	assert.Equal(t, "127.0.0.1 localhost\n10.0.0.2 peer\n", read(t, daemon, "/hosts"), "written through")
	assert.ErrorIs(t, root.WriteFile("/new/dir/file", nil, 0o644), syscall.EROFS)
	assert.ErrorIs(t, root.Remove("/etc/hosts"), syscall.EBUSY)
	require.NoError(t, root.WriteFile("/tmp/x", nil, 0o644))
	assert.ErrorIs(t, root.Rename("/tmp/x", "/etc/hosts"), syscall.EBUSY)
	assert.ErrorIs(t, root.Bind("/etc", daemon, "/hosts", false), syscall.EISDIR, "a file over a directory")

	var changed []string
	for _, c := range Diff(base, root) {
		changed = append(changed, c.String())
	}
	// the mount points made are changes (empty files), their content is not
	assert.Equal(t, []string{"C /etc", "A /etc/hosts", "A /new", "A /new/dir", "A /new/dir/file", "C /tmp", "A /tmp/x"}, changed)
	fi, err := base.Lstat("/etc/hostname")
	require.NoError(t, err)
	require.NoError(t, root.Bind("/etc/hostname", daemon, "/hosts", false))
	assert.Equal(t, fi.Size(), int64(len(read(t, root.Clone(), "/etc/hostname"))), "the tree keeps the file under the mount")
}

func TestCloneDiff(t *testing.T) {
	clock := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	tick := func() time.Time { clock = clock.Add(time.Second); return clock }
	image := seeded(t)
	image.SetClock(tick)
	require.NoError(t, image.MkdirAll("/var/lib", 0o755))
	require.NoError(t, image.WriteFile("/var/lib/db", []byte("db"), 0o644))
	c := image.Clone()
	require.Empty(t, Diff(image, c), "a fresh clone differs")
	require.NoError(t, c.WriteFile("/x", nil, 0o644))
	require.NoError(t, c.WriteFile("/tmp/x", []byte("1"), 0o644))
	require.NoError(t, c.MkdirAll("/new/dir", 0o755))
	require.NoError(t, c.RemoveAll("/var/lib"))
	require.NoError(t, c.Remove("/bin/ls"))
	require.NoError(t, c.MkdirAll("/bin/ls/sub", 0o755))
	h, err := c.OpenFile("/etc/hostname", os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = h.Write([]byte("more"))
	require.NoError(t, err)
	require.Equal(t, "box\n", read(t, image, "/etc/hostname"), "clone write leaked into image")
	var got []string
	for _, ch := range Diff(image, c) {
		got = append(got, ch.String())
	}
	assert.Equal(t, []string{"C /bin", "C /bin/ls", "A /bin/ls/sub", "C /etc", "C /etc/hostname", "A /new", "A /new/dir",
		"C /tmp", "A /tmp/x", "C /var", "D /var/lib", "A /x"}, got, "Diff")
}

func TestTarRoundTrip(t *testing.T) {
	f := seeded(t)
	require.NoError(t, f.Chown("/etc/hostname", 5, 6))
	var buf bytes.Buffer
	require.NoError(t, f.WriteTar(&buf, "/bin"))
	assert.Equal(t, "bin/ bin/busybox bin/ls->bin/busybox(link) bin/sh->busybox(symlink)", tarNames(t, buf.Bytes()), "WriteTar names")
	g := New()
	require.NoError(t, g.MkdirAll("/dst", 0o755))
	require.NoError(t, g.ExtractTar(bytes.NewReader(buf.Bytes()), "/dst", false))
	assert.Equal(t, "ELF", read(t, g, "/dst/bin/sh"), "extracted /dst/bin/sh")
	fi, err := g.Stat("/dst/bin/ls")
	require.NoError(t, err)
	assert.EqualValues(t, 2, fi.Sys().(*Stat).Nlink, "hard link lost")

	var snap bytes.Buffer
	require.NoError(t, f.Snapshot(&snap))
	h := New()
	require.NoError(t, h.ExtractTar(&snap, "/", false))
	fi, err = h.Stat("/etc/hostname")
	require.NoError(t, err, "snapshot round trip")
	assert.Equal(t, 5, fi.Sys().(*Stat).UID, "snapshot round trip: uid")
	// mtimes are kept with second precision by tar and seeded uses
	// time.Now, so entries may differ as Modified, never otherwise.
	d := Diff(f, h)
	for _, c := range d {
		assert.Equal(t, Modified, c.Kind, "snapshot round trip diff: %v", d)
	}
}

func tarNames(t *testing.T, b []byte) string {
	tr := tar.NewReader(bytes.NewReader(b))
	var out []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return strings.Join(out, " ")
		}
		require.NoError(t, err)
		switch h.Typeflag {
		case tar.TypeLink:
			out = append(out, h.Name+"->"+h.Linkname+"(link)")
		case tar.TypeSymlink:
			out = append(out, h.Name+"->"+h.Linkname+"(symlink)")
		default:
			out = append(out, h.Name)
		}
	}
}

func mkTar(t *testing.T, ents ...*tar.Header) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, h := range ents {
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(h.Name))
		}
		require.NoError(t, tw.WriteHeader(h))
		if h.Typeflag == tar.TypeReg {
			_, err := tw.Write([]byte(h.Name))
			require.NoError(t, err)
		}
	}
	require.NoError(t, tw.Close())
	return buf.Bytes()
}

// TestExtractResolvesFromTheRoot: an extraction checks its entries as
// pkg/archive's Unpack does (a name out of the destination, a symbolic
// link whose target is out of it from the link's directory, a hard link
// whose target is out of it from the destination: a BreakoutError in
// pkg/archive's words), then resolves each path from the FS's root, as
// dockerd's unpacker chrooted to the container's root: an absolute link
// extracted before or already in the destination leads from the root,
// and nothing leaves the FS.
func TestExtractResolvesFromTheRoot(t *testing.T) {
	f := seeded(t)
	require.NoError(t, f.MkdirAll("/dst", 0o755))
	require.NoError(t, f.Symlink("/etc", "/dst/pre"))
	require.NoError(t, f.Symlink("/dst", "/via"))
	for name, c := range map[string]struct {
		hdr  []*tar.Header
		want string
	}{
		"dotdot":  {[]*tar.Header{{Name: "../../evil", Typeflag: tar.TypeReg, Mode: 0o644}}, `"../../evil" is outside of "/dst"`},
		"symlink": {[]*tar.Header{{Name: "rel", Typeflag: tar.TypeSymlink, Linkname: "../../../etc"}}, `invalid symlink "/dst/rel" -> "../../../etc"`},
		"hardlink": {[]*tar.Header{{Name: "hl", Typeflag: tar.TypeLink, Linkname: "../etc/hostname"}},
			`invalid hardlink "/etc/hostname" -> "../etc/hostname"`},
	} {
		err := f.ExtractTar(bytes.NewReader(mkTar(t, c.hdr...)), "/dst", false)
		var be *BreakoutError
		require.ErrorAs(t, err, &be, name)
		assert.Equal(t, c.want, be.Reason(), name)
	}
	b := mkTar(t,
		&tar.Header{Name: "abs", Typeflag: tar.TypeSymlink, Linkname: "/etc"},
		&tar.Header{Name: "abs/fromabs", Typeflag: tar.TypeReg, Mode: 0o644},
		&tar.Header{Name: "pre/frompre", Typeflag: tar.TypeReg, Mode: 0o644},
		&tar.Header{Name: "hard", Typeflag: tar.TypeLink, Linkname: "abs/fromabs"},
		&tar.Header{Name: "/rooted", Typeflag: tar.TypeReg, Mode: 0o644},
	)
	require.NoError(t, f.ExtractTar(bytes.NewReader(b), "/via", false), "/via resolves to /dst")
	for _, p := range []string{"/etc/fromabs", "/etc/frompre", "/dst/rooted"} {
		_, err := f.Lstat(p)
		assert.NoError(t, err, p)
	}
	for _, p := range []string{"/dst/etc", "/rooted"} {
		_, err := f.Lstat(p)
		assert.ErrorIs(t, err, fs.ErrNotExist, p)
	}
	hard, err := f.Lstat("/dst/hard")
	require.NoError(t, err)
	assert.Equal(t, 2, hard.Sys().(*Stat).Nlink, "the hard link's target resolves through the extracted link")
	require.NoError(t, f.WriteFile("/etc/fromabs", []byte("one file"), 0o644))
	assert.Equal(t, "one file", read(t, f, "/dst/hard"))
	l, err := f.Readlink("/dst/abs")
	require.NoError(t, err)
	assert.Equal(t, "/etc", l, "symlink not stored as-is")
}

func TestConcurrent(t *testing.T) {
	before := runtime.NumGoroutine()
	a, b, vol := seeded(t), seeded(t), New()
	require.NoError(t, a.Mount("/v", vol, false))
	require.NoError(t, b.Mount("/w", vol, false))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fsys, dir := a, "/v"
			if i%2 == 1 {
				fsys, dir = b, "/w"
			}
			for j := range 50 {
				p := fmt.Sprintf("%s/f%d-%d", dir, i, j)
				_ = fsys.WriteFile(p, []byte("x"), 0o644)
				_, _ = fsys.ReadFile(p)
				_, _ = fsys.ReadDir(dir)
				_ = fsys.Rename(p, p+".old")
				_ = Diff(a, b)
				var buf bytes.Buffer
				_ = fsys.WriteTar(&buf, dir)
				_ = fsys.Clone()
			}
		}()
	}
	wg.Wait()
	ents, err := vol.ReadDir("/")
	require.NoError(t, err)
	assert.Len(t, ents, 400, "files in the volume")
	// Goroutines of earlier tests may still be on their way out: wait for
	// the count to settle rather than sample it once.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	assert.LessOrEqual(t, runtime.NumGoroutine(), before, "goroutines")
}

func BenchmarkReadFileDeep(b *testing.B) {
	f := New()
	_ = f.MkdirAll("/a/b/c/d/e", 0o755)
	data := bytes.Repeat([]byte("x"), 4096)
	_ = f.WriteFile("/a/b/c/d/e/f", data, 0o644)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		_, err := f.ReadFile("/a/b/c/d/e/f")
		require.NoError(b, err)
	}
}

func BenchmarkClone(b *testing.B) {
	f := New()
	_ = f.MkdirAll("/bin", 0o755)
	_ = f.WriteFile("/bin/busybox", make([]byte, 1<<20), 0o755)
	for i := range 400 {
		_ = f.Link("/bin/busybox", fmt.Sprintf("/bin/applet%d", i))
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = f.Clone()
	}
}

func TestLayers(t *testing.T) {
	image := seeded(t)
	require.NoError(t, image.MkdirAll("/opt/old", 0o755))
	require.NoError(t, image.WriteFile("/opt/old/f", []byte("o"), 0o644))
	c := image.Clone()
	c.SetClock(func() time.Time { return time.Unix(1700000000, 0) }) // tar keeps whole seconds
	require.NoError(t, c.WriteFile("/tmp/new", []byte("n"), 0o600))
	require.NoError(t, c.Remove("/etc/hostname"))
	require.NoError(t, c.RemoveAll("/opt/old"))
	var layer bytes.Buffer
	require.NoError(t, WriteLayer(&layer, image, c))
	assert.Equal(t, "etc/ etc/.wh.hostname opt/ opt/.wh.old tmp/ tmp/new", tarNames(t, layer.Bytes()), "layer entries")
	// Applying the layer to a fresh copy of the image reproduces c.
	again := image.Clone()
	require.NoError(t, again.ExtractLayer(&layer))
	assert.Empty(t, Diff(c, again), "image + layer differs from the container")
	// Opaque whiteout keeps what the same layer adds.
	opq := mkTar(t,
		&tar.Header{Name: "opt/", Typeflag: tar.TypeDir, Mode: 0o755},
		&tar.Header{Name: "opt/.wh..wh..opq", Typeflag: tar.TypeReg},
		&tar.Header{Name: "opt/kept", Typeflag: tar.TypeReg, Mode: 0o644},
	)
	require.NoError(t, again.ExtractLayer(bytes.NewReader(opq)))
	ents, err := again.ReadDir("/opt")
	require.NoError(t, err)
	if assert.Len(t, ents, 1, "after opaque whiteout /opt holds %v", ents) {
		assert.Equal(t, "kept", ents[0].Name(), "after opaque whiteout")
	}
}

// procLike is a Synthetic of numbered directories, each with a file.
type procLike struct{ pids []string }

func (p procLike) Names() []string { return p.pids }

func (p procLike) Entry(name string) *FS {
	if !slices.Contains(p.pids, name) {
		return nil
	}
	sub := New()
	_ = sub.WriteFile("/comm", []byte("sh-"+name+"\n"), 0o444)
	_ = sub.Symlink("/", "/root")
	return sub
}

// TestSynthetic: a Synthetic's entries are looked up, read and listed
// beside the directory's own, read-only, and stay out of tar streams.
func TestSynthetic(t *testing.T) {
	f := New()
	require.NoError(t, f.MkdirAll("/proc", 0o555))
	require.NoError(t, f.WriteFile("/proc/mounts", []byte("m\n"), 0o444))
	f.SetSynthetic("/proc", procLike{pids: []string{"1", "7"}})
	b, err := f.ReadFile("/proc/7/comm")
	require.NoError(t, err)
	assert.Equal(t, "sh-7\n", string(b))
	fi, err := f.Stat("/proc/1")
	require.NoError(t, err)
	assert.True(t, fi.IsDir())
	target, err := f.Readlink("/proc/1/root")
	require.NoError(t, err)
	assert.Equal(t, "/", target)
	_, err = f.Stat("/proc/2")
	require.ErrorIs(t, err, fs.ErrNotExist)
	err = f.WriteFile("/proc/1/comm", []byte("x"), 0o644)
	require.ErrorIs(t, err, syscall.EROFS)
	es, err := f.ReadDir("/proc")
	require.NoError(t, err)
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"1", "7", "mounts"}, names)
	var tarred bytes.Buffer
	require.NoError(t, f.WriteTar(&tarred, "/proc"))
	assert.Contains(t, tarNames(t, tarred.Bytes()), "proc/mounts")
	assert.NotContains(t, tarNames(t, tarred.Bytes()), "comm")
	f.SetSynthetic("/proc", nil)
	_, err = f.Stat("/proc/1")
	require.ErrorIs(t, err, fs.ErrNotExist)
}

// TestUserView: a user's view of an FS is checked as the kernel checks a
// non-root process (search, read, write, sticky directories, owners),
// in the tree and on a host mount, and what it makes is the user's;
// root's view is the FS itself.
func TestUserView(t *testing.T) {
	f := New()
	require.NoError(t, f.MkdirAll("/v/open", 0o777))
	require.NoError(t, f.MkdirAll("/v/d700", 0o700))
	require.NoError(t, f.MkdirAll("/v/sticky", 0o777))
	require.NoError(t, f.Chmod("/v/sticky", 0o777|fs.ModeSticky))
	require.NoError(t, f.WriteFile("/v/sticky/rootf", nil, 0o666))
	require.NoError(t, f.WriteFile("/v/d700/f", nil, 0o644))
	require.NoError(t, f.WriteFile("/v/secret", []byte("s"), 0o600))
	require.NoError(t, f.Chmod("/v", 0o755))
	host := t.TempDir()
	require.NoError(t, os.Chmod(host, 0o755))
	require.NoError(t, f.MountHost("/h", host, false))
	require.NoError(t, f.MkdirAll("/h/open", 0o777))
	require.NoError(t, os.Chmod(host+"/open", 0o777))

	assert.Same(t, f, f.As(Cred{UID: 0}))
	u := f.As(Cred{UID: 1000, GIDs: []int{1000}})
	denied := func(err error) { t.Helper(); assert.ErrorIs(t, err, fs.ErrPermission) }
	denied(u.WriteFile("/v/x", nil, 0o644))
	denied(u.WriteFile("/h/x", nil, 0o644))
	denied(u.Mkdir("/v/m", 0o755))
	_, err := u.ReadFile("/v/secret")
	denied(err)
	_, err = u.ReadDir("/v/d700")
	denied(err)
	_, err = u.Stat("/v/d700/f")
	denied(err)
	denied(u.Access("/v/d700", 1))
	assert.ErrorIs(t, u.Remove("/v/sticky/rootf"), syscall.EPERM, "sticky: not the owner")
	assert.ErrorIs(t, u.Chmod("/v/secret", 0o644), syscall.EPERM)
	assert.ErrorIs(t, u.Chown("/v/open", 1000, -1), syscall.EPERM)

	require.NoError(t, u.WriteFile("/v/open/mine", []byte("m"), 0o644))
	require.NoError(t, u.Mkdir("/v/open/md", 0o755))
	fi, err := f.Stat("/v/open/mine")
	require.NoError(t, err)
	assert.Equal(t, 1000, fi.Sys().(*Stat).UID)
	require.NoError(t, u.Chmod("/v/open/mine", 0o600), "its owner")
	require.NoError(t, u.Chown("/v/open/md", 1000, 1000), "to itself")
	require.NoError(t, u.Rename("/v/open/mine", "/v/sticky/mine"))
	require.NoError(t, u.Remove("/v/sticky/mine"), "sticky: its own")
	require.NoError(t, u.WriteFile("/h/open/hf", []byte("h"), 0o644))
	hfi, err := os.Stat(host + "/open/hf")
	require.NoError(t, err)
	if os.Getuid() == 0 {
		assert.Equal(t, uint32(1000), hfi.Sys().(*syscall.Stat_t).Uid, "made on the host as the user")
	}
	require.NoError(t, f.WriteFile("/v/x", nil, 0o644), "root's FS is not checked")
}

// TestFifo: a named pipe's opens meet (a reader waits for a writer and a
// writer for a reader, until their context ends), data flows between
// them with EOF at the writer's close; OpenFile does not wait (a writer
// alone fails with ENXIO); archives hold it as a FIFO entry and extract
// it back as one.
func TestFifo(t *testing.T) {
	f := New()
	require.NoError(t, f.Mkfifo("/p", 0o644))
	assert.ErrorIs(t, f.Mkfifo("/p", 0o644), fs.ErrExist)
	fi, err := f.Stat("/p")
	require.NoError(t, err)
	assert.Equal(t, fs.ModeNamedPipe|0o644, fi.Mode())

	_, err = f.OpenFile("/p", os.O_WRONLY, 0)
	assert.ErrorIs(t, err, syscall.ENXIO, "no reader, no wait")
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	_, err = f.OpenFileContext(ctx, "/p", os.O_RDONLY, 0)
	cancel()
	assert.ErrorIs(t, err, context.DeadlineExceeded, "a reader waits for a writer until its context ends")

	got := make(chan string, 1)
	go func() {
		r, err := f.OpenFileContext(t.Context(), "/p", os.O_RDONLY, 0)
		if err != nil {
			got <- err.Error()
			return
		}
		defer r.Close()
		b, err := io.ReadAll(r)
		if err != nil {
			got <- err.Error()
			return
		}
		got <- string(b)
	}()
	w, err := f.OpenFileContext(t.Context(), "/p", os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = w.Write([]byte("through the pipe"))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	assert.Equal(t, "through the pipe", <-got)

	var buf bytes.Buffer
	require.NoError(t, f.WriteTar(&buf, "/p"))
	hdr, err := tar.NewReader(bytes.NewReader(buf.Bytes())).Next()
	require.NoError(t, err)
	assert.Equal(t, byte(tar.TypeFifo), hdr.Typeflag)
	g := New()
	require.NoError(t, g.ExtractTar(&buf, "/", false))
	fi, err = g.Stat("/p")
	require.NoError(t, err)
	assert.Equal(t, fs.ModeNamedPipe|0o644, fi.Mode())
}
