package memfs

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func seeded(t *testing.T) *FS {
	t.Helper()
	f := New()
	must(t, f.MkdirAll("/etc", 0o755))
	must(t, f.MkdirAll("/tmp", 0o1777))
	must(t, f.MkdirAll("/bin", 0o755))
	must(t, f.WriteFile("/etc/hostname", []byte("box\n"), 0o644))
	must(t, f.WriteFile("/bin/busybox", []byte("ELF"), 0o755))
	must(t, f.Link("/bin/busybox", "/bin/ls"))
	must(t, f.Symlink("busybox", "/bin/sh"))
	must(t, f.Symlink("/etc", "/link-etc"))
	must(t, f.Symlink("../etc/hostname", "/tmp/rel"))
	must(t, f.Symlink("/loop2", "/loop1"))
	must(t, f.Symlink("/loop1", "/loop2"))
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
			if !errors.Is(err, tt.err) || !errors.As(err, &pe) {
				t.Errorf("ReadFile(%q) err = %v, want %v as *fs.PathError", tt.path, err, tt.err)
			}
			continue
		}
		if err != nil || string(got) != tt.want {
			t.Errorf("ReadFile(%q) = %q, %v; want %q", tt.path, got, err, tt.want)
		}
	}
	fi, err := f.Lstat("/bin/sh")
	must(t, err)
	if fi.Mode()&fs.ModeSymlink == 0 || fi.Sys().(*Stat).Target != "busybox" {
		t.Errorf("Lstat(/bin/sh) = %v", fi.Mode())
	}
	fi, err = f.Stat("/bin/ls")
	must(t, err)
	if n := fi.Sys().(*Stat).Nlink; n != 2 {
		t.Errorf("nlink of hard-linked busybox = %d, want 2", n)
	}
	if got, err := f.Readlink("/tmp/rel"); err != nil || got != "../etc/hostname" {
		t.Errorf("Readlink = %q, %v", got, err)
	}
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
		if !errors.Is(e.err, e.want) {
			t.Errorf("%s: err = %v, want %v", e.name, e.err, e.want)
		}
	}

	// O_APPEND, O_TRUNC, Seek, dangling-symlink creation.
	h, err := f.OpenFile("/tmp/log", os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	must(t, err)
	for i := range 3 {
		fmt.Fprintf(h, "line%d\n", i)
	}
	must(t, h.Close())
	if _, err := h.Write([]byte("x")); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("write after close: %v", err)
	}
	if b, _ := f.ReadFile("/tmp/log"); string(b) != "line0\nline1\nline2\n" {
		t.Errorf("append: %q", b)
	}
	must(t, f.Symlink("/tmp/target", "/tmp/dangling"))
	must(t, f.WriteFile("/tmp/dangling", []byte("via link"), 0o644))
	if b, _ := f.ReadFile("/tmp/target"); string(b) != "via link" {
		t.Errorf("create through dangling link: %q", b)
	}
	must(t, f.WriteFile("/tmp/log", []byte("new"), 0o644))
	if b, _ := f.ReadFile("/tmp/log"); string(b) != "new" {
		t.Errorf("truncate: %q", b)
	}

	f.SetMaxFileSize(4)
	if err := f.WriteFile("/tmp/big", []byte("12345"), 0o644); !errors.Is(err, syscall.EFBIG) {
		t.Errorf("write past the size bound: %v", err)
	}
	f.SetMaxFileSize(0)
	must(t, f.Rename("/tmp/log", "/etc/log"))
	if _, err := f.Stat("/tmp/log"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("old name still there: %v", err)
	}
	must(t, f.Chmod("/etc/log", 0o600|fs.ModeSetuid))
	must(t, f.Chown("/etc/log", 1000, -1))
	at := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	must(t, f.Chtimes("/etc/log", at, at))
	fi, err := f.Stat("/etc/log")
	must(t, err)
	st := fi.Sys().(*Stat)
	if fi.Mode() != 0o600|fs.ModeSetuid || st.UID != 1000 || st.GID != 0 || !fi.ModTime().Equal(at) || fi.Size() != 3 {
		t.Errorf("stat after chmod/chown/chtimes: %v %+v %v %d", fi.Mode(), st, fi.ModTime(), fi.Size())
	}

	ents, err := f.ReadDir("/")
	must(t, err)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); got != "bin etc link-etc loop1 loop2 tmp" {
		t.Errorf("ReadDir(/) = %s", got)
	}

	var walked []string
	must(t, f.Walk("/bin", func(p string, d fs.DirEntry, err error) error {
		walked = append(walked, p)
		return err
	}))
	if got := strings.Join(walked, " "); got != "/bin /bin/busybox /bin/ls /bin/sh" {
		t.Errorf("Walk = %s", got)
	}

	must(t, f.RemoveAll("/etc"))
	must(t, f.RemoveAll("/etc"))
	if _, err := f.Stat("/etc"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("RemoveAll left /etc: %v", err)
	}
}

func TestMounts(t *testing.T) {
	rootA, rootB := seeded(t), seeded(t)
	bind := New() // one host directory, bound by two containers
	ro := New()   // a read-only volume
	must(t, ro.WriteFile("/conf", []byte("c"), 0o644))
	must(t, rootA.Mount("/data", bind, false))
	must(t, rootB.Mount("/mnt/shared", bind, false))
	must(t, rootA.Mount("/ro", ro, true))

	must(t, rootA.WriteFile("/data/x", []byte("from A"), 0o644))
	if b, err := rootB.ReadFile("/mnt/shared/x"); err != nil || string(b) != "from A" {
		t.Fatalf("B sees %q, %v", b, err)
	}
	if b, _ := bind.ReadFile("/x"); string(b) != "from A" {
		t.Fatalf("bind source sees %q", b)
	}
	if err := rootA.WriteFile("/ro/conf", []byte("x"), 0o644); !errors.Is(err, syscall.EROFS) {
		t.Errorf("write to ro mount: %v", err)
	}
	if err := rootA.Rename("/data/x", "/tmp/x"); !errors.Is(err, syscall.EXDEV) {
		t.Errorf("rename across mounts: %v", err)
	}
	if err := rootA.Remove("/data"); !errors.Is(err, syscall.EBUSY) {
		t.Errorf("remove mount point: %v", err)
	}
	// A symlink inside a mount resolves in the mounting namespace.
	must(t, bind.Symlink("/etc/hostname", "/host"))
	if b, _ := rootA.ReadFile("/data/host"); string(b) != "box\n" {
		t.Errorf("symlink in mount: %q", b)
	}

	// Read-only root with a writable mount over it.
	rootA.SetReadOnly(true)
	if err := rootA.WriteFile("/tmp/y", nil, 0o644); !errors.Is(err, syscall.EROFS) {
		t.Errorf("write to ro root: %v", err)
	}
	if err := rootA.Mkdir("/newdir", 0o755); !errors.Is(err, syscall.EROFS) {
		t.Errorf("mkdir on ro root: %v", err)
	}
	must(t, rootA.WriteFile("/data/y", []byte("ok"), 0o644))
	tmpfs := New()
	must(t, rootA.Mount("/run/tmpfs", tmpfs, false)) // mount point made despite ro
	must(t, rootA.WriteFile("/run/tmpfs/z", nil, 0o644))

	// Bind of a subtree.
	must(t, bind.MkdirAll("/sub/dir", 0o755))
	must(t, rootB.Bind("/sub", bind, "/sub", false))
	if _, err := rootB.Stat("/sub/dir"); err != nil {
		t.Errorf("subtree bind: %v", err)
	}
	must(t, rootA.Unmount("/data"))
	if _, err := rootA.Stat("/data/x"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("after unmount: %v", err)
	}
}

func TestCloneDiff(t *testing.T) {
	clock := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	tick := func() time.Time { clock = clock.Add(time.Second); return clock }
	image := seeded(t)
	image.SetClock(tick)
	must(t, image.MkdirAll("/var/lib", 0o755))
	must(t, image.WriteFile("/var/lib/db", []byte("db"), 0o644))
	c := image.Clone()
	if d := Diff(image, c); len(d) != 0 {
		t.Fatalf("fresh clone differs: %v", d)
	}
	must(t, c.WriteFile("/x", nil, 0o644))
	must(t, c.WriteFile("/tmp/x", []byte("1"), 0o644))
	must(t, c.MkdirAll("/new/dir", 0o755))
	must(t, c.RemoveAll("/var/lib"))
	must(t, c.Remove("/bin/ls"))
	must(t, c.MkdirAll("/bin/ls/sub", 0o755))
	h, err := c.OpenFile("/etc/hostname", os.O_WRONLY|os.O_APPEND, 0)
	must(t, err)
	_, err = h.Write([]byte("more"))
	must(t, err)
	if b, _ := image.ReadFile("/etc/hostname"); string(b) != "box\n" {
		t.Fatalf("clone write leaked into image: %q", b)
	}
	var got []string
	for _, ch := range Diff(image, c) {
		got = append(got, ch.String())
	}
	want := "C /bin,C /bin/ls,A /bin/ls/sub,C /etc,C /etc/hostname,A /new,A /new/dir,C /tmp,A /tmp/x,C /var,D /var/lib,A /x"
	if strings.Join(got, ",") != want {
		t.Errorf("Diff =\n %s\nwant\n %s", strings.Join(got, ","), want)
	}
}

func TestTarRoundTrip(t *testing.T) {
	f := seeded(t)
	must(t, f.Chown("/etc/hostname", 5, 6))
	var buf bytes.Buffer
	must(t, f.WriteTar(&buf, "/bin"))
	names := tarNames(t, buf.Bytes())
	if names != "bin/ bin/busybox bin/ls->bin/busybox(link) bin/sh->busybox(symlink)" {
		t.Errorf("WriteTar names = %s", names)
	}
	g := New()
	must(t, g.MkdirAll("/dst", 0o755))
	must(t, g.ExtractTar(bytes.NewReader(buf.Bytes()), "/dst", false))
	if b, _ := g.ReadFile("/dst/bin/sh"); string(b) != "ELF" {
		t.Errorf("extracted /dst/bin/sh = %q", b)
	}
	if fi, _ := g.Stat("/dst/bin/ls"); fi.Sys().(*Stat).Nlink != 2 {
		t.Errorf("hard link lost")
	}

	var snap bytes.Buffer
	must(t, f.Snapshot(&snap))
	h := New()
	must(t, h.ExtractTar(&snap, "/", false))
	if fi, err := h.Stat("/etc/hostname"); err != nil || fi.Sys().(*Stat).UID != 5 {
		t.Errorf("snapshot round trip: %v", err)
	}
	if d := Diff(f, h); len(d) != 0 {
		// mtimes are kept with second precision by tar; seeded uses time.Now
		for _, c := range d {
			if c.Kind != Modified {
				t.Errorf("snapshot round trip diff: %v", d)
				break
			}
		}
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
		must(t, err)
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
		must(t, tw.WriteHeader(h))
		if h.Typeflag == tar.TypeReg {
			_, err := tw.Write([]byte(h.Name))
			must(t, err)
		}
	}
	must(t, tw.Close())
	return buf.Bytes()
}

func TestExtractNoEscape(t *testing.T) {
	f := seeded(t)
	must(t, f.MkdirAll("/dst", 0o755))
	must(t, f.Symlink("/etc", "/dst/pre"))
	b := mkTar(t,
		&tar.Header{Name: "../../evil", Typeflag: tar.TypeReg, Mode: 0o644},
		&tar.Header{Name: "abs", Typeflag: tar.TypeSymlink, Linkname: "/etc"},
		&tar.Header{Name: "abs/evil", Typeflag: tar.TypeReg, Mode: 0o644},
		&tar.Header{Name: "rel", Typeflag: tar.TypeSymlink, Linkname: "../../../etc"},
		&tar.Header{Name: "rel/evil2", Typeflag: tar.TypeReg, Mode: 0o644},
		&tar.Header{Name: "pre/evil3", Typeflag: tar.TypeReg, Mode: 0o644},
	)
	must(t, f.ExtractTar(bytes.NewReader(b), "/dst", false))
	for _, p := range []string{"/evil", "/etc/evil", "/etc/evil2", "/etc/evil3"} {
		if _, err := f.Lstat(p); err == nil {
			t.Errorf("%s written outside dst", p)
		}
	}
	for _, p := range []string{"/dst/evil", "/dst/etc/evil", "/dst/etc/evil2", "/dst/etc/evil3"} {
		if _, err := f.Lstat(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	if l, _ := f.Readlink("/dst/abs"); l != "/etc" {
		t.Errorf("symlink not stored as-is: %q", l)
	}

	over := mkTar(t, &tar.Header{Name: "etc", Typeflag: tar.TypeReg, Mode: 0o644})
	var oe *OverwriteError
	if err := f.ExtractTar(bytes.NewReader(over), "/", true); !errors.Is(err, syscall.EISDIR) || !errors.As(err, &oe) ||
		oe.Error() != `memfs: cannot overwrite directory "/etc" with non-directory "/"` {
		t.Errorf("noOverwriteDirNonDir: %v", err)
	}
	if fi, err := f.Stat("/etc"); err != nil || !fi.IsDir() {
		t.Errorf("/etc after the refusal: %v %v", fi, err)
	}
	dirOverFile := mkTar(t, &tar.Header{Name: "etc/hostname", Typeflag: tar.TypeDir, Mode: 0o755})
	if err := f.ExtractTar(bytes.NewReader(dirOverFile), "/", true); !errors.Is(err, syscall.ENOTDIR) || !errors.As(err, &oe) || oe.Dir {
		t.Errorf("noOverwriteDirNonDir, a directory over a file: %v", err)
	}
	if err := f.ExtractTar(bytes.NewReader(over), "/", false); err != nil {
		t.Errorf("a file over a directory without the flag: %v", err)
	} else if fi, err := f.Stat("/etc"); err != nil || fi.IsDir() {
		t.Errorf("/etc replaced: %v %v, want a file", fi, err)
	}
	if err := f.ExtractTar(strings.NewReader("garbage that is not a tar stream at all...."), "/", false); err == nil {
		t.Errorf("garbage tar accepted")
	}
}

func TestConcurrent(t *testing.T) {
	before := runtime.NumGoroutine()
	a, b, vol := seeded(t), seeded(t), New()
	must(t, a.Mount("/v", vol, false))
	must(t, b.Mount("/w", vol, false))
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
	must(t, err)
	if len(ents) != 400 {
		t.Errorf("volume holds %d files, want 400", len(ents))
	}
	// Goroutines of earlier tests may still be on their way out: wait for
	// the count to settle rather than sample it once.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("goroutines: %d > %d", n, before)
	}
}

func BenchmarkReadFileDeep(b *testing.B) {
	f := New()
	_ = f.MkdirAll("/a/b/c/d/e", 0o755)
	data := bytes.Repeat([]byte("x"), 4096)
	_ = f.WriteFile("/a/b/c/d/e/f", data, 0o644)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := f.ReadFile("/a/b/c/d/e/f"); err != nil {
			b.Fatal(err)
		}
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
	must(t, image.MkdirAll("/opt/old", 0o755))
	must(t, image.WriteFile("/opt/old/f", []byte("o"), 0o644))
	c := image.Clone()
	c.SetClock(func() time.Time { return time.Unix(1700000000, 0) }) // tar keeps whole seconds
	must(t, c.WriteFile("/tmp/new", []byte("n"), 0o600))
	must(t, c.Remove("/etc/hostname"))
	must(t, c.RemoveAll("/opt/old"))
	var layer bytes.Buffer
	must(t, WriteLayer(&layer, image, c))
	names := tarNames(t, layer.Bytes())
	if names != "etc/ etc/.wh.hostname opt/ opt/.wh.old tmp/ tmp/new" {
		t.Errorf("layer entries = %s", names)
	}
	// Applying the layer to a fresh copy of the image reproduces c.
	again := image.Clone()
	must(t, again.ExtractLayer(&layer))
	if d := Diff(c, again); len(d) != 0 {
		t.Errorf("image + layer differs from the container: %v", d)
	}
	// Opaque whiteout keeps what the same layer adds.
	opq := mkTar(t,
		&tar.Header{Name: "opt/", Typeflag: tar.TypeDir, Mode: 0o755},
		&tar.Header{Name: "opt/.wh..wh..opq", Typeflag: tar.TypeReg},
		&tar.Header{Name: "opt/kept", Typeflag: tar.TypeReg, Mode: 0o644},
	)
	must(t, again.ExtractLayer(bytes.NewReader(opq)))
	ents, err := again.ReadDir("/opt")
	must(t, err)
	if len(ents) != 1 || ents[0].Name() != "kept" {
		t.Errorf("after opaque whiteout /opt holds %v", ents)
	}
}
