package memfs

import (
	"archive/tar"
	"bytes"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostMounted is an FS with the host directory dir (a new temporary one,
// holding "in") mounted at /data.
func hostMounted(t *testing.T, readOnly bool) (*FS, string) {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "in"), []byte("host\n"), 0o644))
	f := New()
	require.NoError(t, f.MountHost("/data", dir, readOnly))
	return f, dir
}

func hostRead(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	return string(b)
}

func TestHostMountReadsTheHostAsItIs(t *testing.T) {
	f, dir := hostMounted(t, false)
	assert.Equal(t, "host\n", read(t, f, "/data/in"))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "in"), []byte("changed\n"), 0o644))
	assert.Equal(t, "changed\n", read(t, f, "/data/in"), "read when asked, not copied at mount")
	require.NoError(t, os.Mkdir(filepath.Join(dir, "sub"), 0o700))
	ents, err := f.ReadDir("/data")
	require.NoError(t, err)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"in", "sub"}, names)
	fi, err := f.Stat("/data/sub")
	require.NoError(t, err)
	assert.True(t, fi.IsDir())
	assert.Equal(t, fs.ModeDir|0o700, fi.Mode())
	assert.IsType(t, &Stat{}, fi.Sys())
	root, err := f.ReadDir("/")
	require.NoError(t, err)
	require.Len(t, root, 1)
	assert.True(t, root[0].IsDir(), "the mount point lists as the host directory")
	// ".." climbs out of the mount into the memfs tree
	require.NoError(t, f.WriteFile("/top", []byte("mem"), 0o644))
	assert.Equal(t, "mem", read(t, f, "/data/sub/../../top"))
}

func TestHostMountWritesThrough(t *testing.T) {
	f, dir := hostMounted(t, false)
	require.NoError(t, f.WriteFile("/data/out", []byte("written"), 0o644))
	assert.Equal(t, "written", hostRead(t, filepath.Join(dir, "out")))

	h, err := f.OpenFile("/data/out", os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = h.Write([]byte(" more"))
	require.NoError(t, err)
	require.NoError(t, h.Close())
	assert.Equal(t, "written more", hostRead(t, filepath.Join(dir, "out")))

	require.NoError(t, f.MkdirAll("/data/a/b", 0o755))
	assert.DirExists(t, filepath.Join(dir, "a", "b"))
	require.NoError(t, f.Mkdir("/data/c", 0o755))
	assert.DirExists(t, filepath.Join(dir, "c"))
	require.NoError(t, f.Rename("/data/out", "/data/a/b/moved"))
	assert.Equal(t, "written more", hostRead(t, filepath.Join(dir, "a", "b", "moved")))
	require.NoError(t, f.Symlink("b/moved", "/data/a/link"))
	target, err := f.Readlink("/data/a/link")
	require.NoError(t, err)
	assert.Equal(t, "b/moved", target)
	assert.Equal(t, "written more", read(t, f, "/data/a/link"))
	require.NoError(t, f.Chmod("/data/in", 0o600))
	fi, err := os.Stat(filepath.Join(dir, "in"))
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o600), fi.Mode())

	require.NoError(t, f.Remove("/data/in"))
	assert.NoFileExists(t, filepath.Join(dir, "in"))
	assert.ErrorIs(t, f.Remove("/data/a"), syscall.ENOTEMPTY)
	require.NoError(t, f.RemoveAll("/data/a"))
	assert.NoDirExists(t, filepath.Join(dir, "a"))
	assert.ErrorIs(t, f.Remove("/data"), syscall.EBUSY)

	// between the mount and the memfs tree: EXDEV
	assert.ErrorIs(t, f.Rename("/data/c", "/c"), syscall.EXDEV)
	_, err = f.Stat("/data/nosuch")
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

// TestHostMountSymlinksResolveInTheFS: a symbolic link on the host under a
// host mount resolves in the FS's namespace, as the kernel resolves it in
// the container's: an absolute one from the FS's root, a relative one
// from its directory, ".." past the mount point going to the mount
// point's parent in the FS. No host path outside the source is ever read
// or written, whatever the link (absolute, climbing, to "/", chained,
// looping).
func TestHostMountSymlinksResolveInTheFS(t *testing.T) {
	f, dir := hostMounted(t, false)
	require.NoError(t, f.MkdirAll("/etc", 0o755))
	require.NoError(t, f.WriteFile("/etc/hostname", []byte("container\n"), 0o644))
	outside := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(outside, "secret"), []byte("secret"), 0o644))
	rel, err := filepath.Rel(dir, filepath.Join(outside, "secret"))
	require.NoError(t, err)
	for name, target := range map[string]string{
		"abs":      "/etc/hostname",   // the FS's /etc/hostname
		"climb":    "../etc/hostname", // from /data, up to /
		"deep":     "../../../../../../etc/hostname",
		"root":     "/",                              // the FS's root
		"beside":   "in",                             // beside it, on the host
		"chain":    "abs",                            // a link to a link
		"hostabs":  filepath.Join(outside, "secret"), // a host path: not in the FS
		"hostrel":  rel,                              // climbs out of the source: lands in the FS
		"dirlink":  outside,
		"loop":     "loop2",
		"loop2":    "loop",
		"sub/up":   "../in",
		"sub/abs2": "/data/in",
	} {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		require.NoError(t, os.Symlink(target, filepath.Join(dir, name)))
	}
	for _, p := range []string{"/data/abs", "/data/climb", "/data/deep", "/data/chain", "/data/root/etc/hostname"} {
		assert.Equal(t, "container\n", read(t, f, p), p)
	}
	for _, p := range []string{"/data/beside", "/data/sub/up", "/data/sub/abs2", "/data/root/data/in"} {
		assert.Equal(t, "host\n", read(t, f, p), p)
	}
	for _, p := range []string{"/data/hostabs", "/data/hostrel", "/data/dirlink/secret"} {
		_, err := f.ReadFile(p)
		assert.ErrorIs(t, err, fs.ErrNotExist, "%s: the host path is not in the FS", p)
		assert.ErrorIs(t, f.WriteFile(p, []byte("x"), 0o644), fs.ErrNotExist, p)
	}
	assert.ErrorIs(t, f.MkdirAll("/data/dirlink/d", 0o755), fs.ErrNotExist)
	_, err = f.ReadFile("/data/loop")
	assert.ErrorIs(t, err, syscall.ELOOP)

	// writes through a link land in the FS, not beside the source
	require.NoError(t, f.WriteFile("/data/root/tmpfile", []byte("t"), 0o644))
	assert.Equal(t, "t", read(t, f, "/tmpfile"))
	assert.NoFileExists(t, filepath.Join(filepath.Dir(dir), "tmpfile"))
	require.NoError(t, f.WriteFile("/data/abs", []byte("changed\n"), 0o644))
	assert.Equal(t, "changed\n", read(t, f, "/etc/hostname"))
	target, err := f.Readlink("/data/abs")
	require.NoError(t, err)
	assert.Equal(t, "/etc/hostname", target, "the link itself is the host's")
	var buf bytes.Buffer
	require.NoError(t, f.WriteTar(&buf, "/data/abs"))
	assert.Equal(t, "abs->/etc/hostname(symlink)", tarNames(t, buf.Bytes()), "the archive of a link is the link")

	// an archive extracted into the mount resolves its links in the FS,
	// as everywhere in it: the host path is not there, a link to / is the
	// FS's root
	assert.ErrorIs(t, f.ExtractTar(tarOf(t, "dirlink/x", "x"), "/data", false), fs.ErrNotExist)
	require.NoError(t, f.ExtractTar(tarOf(t, "root/x", "x"), "/data", false))
	assert.Equal(t, "x", read(t, f, "/x"), "a link to / is the FS's root")
	assert.NoFileExists(t, filepath.Join(dir, "x"))
	assert.Equal(t, "secret", hostRead(t, filepath.Join(outside, "secret")))
	ents, err := os.ReadDir(outside)
	require.NoError(t, err)
	assert.Len(t, ents, 1, "nothing written outside the source")
}

// TestMountsInsideAHostMount: a mount whose mount point lies inside a host
// mount gets its mount point made on the host (a directory, or an empty
// file for a file), as runc makes it, and then shadows it: what is
// written there goes to the mounted FS, not to the host. A read-only
// host mount refuses to make one (EROFS).
func TestMountsInsideAHostMount(t *testing.T) {
	f, dir := hostMounted(t, false)
	vol := New()
	require.NoError(t, f.Mount("/data/sub/vol", vol, false))
	assert.DirExists(t, filepath.Join(dir, "sub", "vol"), "the mount point is made on the host")
	require.NoError(t, f.WriteFile("/data/sub/vol/y", []byte("in the volume"), 0o644))
	assert.Equal(t, "in the volume", read(t, vol, "/y"))
	assert.NoFileExists(t, filepath.Join(dir, "sub", "vol", "y"), "the host's mount point stays empty")

	etc := New()
	require.NoError(t, etc.WriteFile("/hostname", []byte("h\n"), 0o644))
	require.NoError(t, f.Bind("/data/etc/hostname", etc, "/hostname", true))
	assert.FileExists(t, filepath.Join(dir, "etc", "hostname"), "a file's mount point is a file")
	assert.Equal(t, "h\n", read(t, f, "/data/etc/hostname"))
	assert.ErrorIs(t, f.WriteFile("/data/etc/hostname", []byte("x"), 0o644), syscall.EROFS)

	other := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(other, "o"), []byte("other"), 0o644))
	require.NoError(t, f.MountHost("/data/other", other, false))
	assert.Equal(t, "other", read(t, f, "/data/other/o"))
	assert.DirExists(t, filepath.Join(dir, "other"))

	require.NoError(t, f.ExtractTar(tarOf(t, "sub/vol/z", "z"), "/data", false))
	assert.Equal(t, "z", read(t, vol, "/z"), "an archive extracted across the mount point lands in the mount")
	assert.NoFileExists(t, filepath.Join(dir, "sub", "vol", "z"))
	require.NoError(t, f.ExtractTar(tarOf(t, "new/dir/w", "w"), "/data", false))
	assert.Equal(t, "w", hostRead(t, filepath.Join(dir, "new", "dir", "w")), "its directories are made on the host")

	require.NoError(t, f.Unmount("/data/sub/vol"))
	_, err := f.Stat("/data/sub/vol/y")
	assert.ErrorIs(t, err, fs.ErrNotExist, "unmounted: the host's empty mount point again")

	ro, _ := hostMounted(t, true)
	assert.ErrorIs(t, ro.Mount("/data/new", New(), false), syscall.EROFS)
}

func TestHostMountReadOnly(t *testing.T) {
	f, dir := hostMounted(t, true)
	assert.Equal(t, "host\n", read(t, f, "/data/in"))
	assert.ErrorIs(t, f.WriteFile("/data/in", []byte("x"), 0o644), syscall.EROFS)
	assert.ErrorIs(t, f.WriteFile("/data/new", []byte("x"), 0o644), syscall.EROFS)
	assert.ErrorIs(t, f.Mkdir("/data/d", 0o755), syscall.EROFS)
	assert.ErrorIs(t, f.Remove("/data/in"), syscall.EROFS)
	assert.ErrorIs(t, f.Rename("/data/in", "/data/x"), syscall.EROFS)
	assert.ErrorIs(t, f.Symlink("in", "/data/l"), syscall.EROFS)
	assert.ErrorIs(t, f.Chmod("/data/in", 0o600), syscall.EROFS)
	assert.ErrorIs(t, f.ExtractTar(tarOf(t, "new", "x"), "/data", false), syscall.EROFS)
	h, err := f.OpenFile("/data/in", os.O_RDONLY|os.O_CREATE, 0o644)
	require.NoError(t, err, "O_CREAT on an existing file opens it")
	require.NoError(t, h.Close())
	assert.Equal(t, "host\n", hostRead(t, filepath.Join(dir, "in")))
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, ents, 1)
}

func TestHostMountFile(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "conf"), []byte("a"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "sibling"), []byte("s"), 0o644))
	f := New()
	require.NoError(t, f.MountHost("/etc/app.conf", filepath.Join(dir, "conf"), false))
	assert.Equal(t, "a", read(t, f, "/etc/app.conf"))
	require.NoError(t, f.WriteFile("/etc/app.conf", []byte("b"), 0o644))
	assert.Equal(t, "b", hostRead(t, filepath.Join(dir, "conf")))
	_, err := f.ReadFile("/etc/app.conf/../sibling")
	assert.ErrorIs(t, err, fs.ErrNotExist, "\"..\" after the file leaves the mount, not to the host's sibling")
	_, err = f.ReadFile("/etc/app.conf/x")
	assert.ErrorIs(t, err, syscall.ENOTDIR)

	// a socket, as docker.sock is bound
	l, err := net.Listen("unix", filepath.Join(dir, "s.sock"))
	require.NoError(t, err)
	defer l.Close()
	require.NoError(t, f.MountHost("/run/docker.sock", filepath.Join(dir, "s.sock"), false))
	fi, err := f.Stat("/run/docker.sock")
	require.NoError(t, err)
	assert.Equal(t, fs.ModeSocket, fi.Mode().Type())
}

// tarOf is a tar stream of one regular file.
func tarOf(t *testing.T, name, body string) io.Reader {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}))
	_, err := tw.Write([]byte(body))
	require.NoError(t, err)
	require.NoError(t, tw.Close())
	return &buf
}

func TestHostMountArchive(t *testing.T) {
	f, dir := hostMounted(t, false)
	require.NoError(t, os.Mkdir(filepath.Join(dir, "sub"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "sub", "f"), []byte("in sub"), 0o644))
	var buf bytes.Buffer
	require.NoError(t, f.WriteTar(&buf, "/"))
	got := map[string]string{}
	tr := tar.NewReader(&buf)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		b, err := io.ReadAll(tr)
		require.NoError(t, err)
		got[hdr.Name] = string(b)
	}
	assert.Equal(t, map[string]string{"data/": "", "data/in": "host\n", "data/sub/": "", "data/sub/f": "in sub"}, got)

	require.NoError(t, f.ExtractTar(tarOf(t, "data/new/file", "put"), "/", false))
	assert.Equal(t, "put", hostRead(t, filepath.Join(dir, "new", "file")))
	require.NoError(t, f.ExtractTar(tarOf(t, "in", "replaced"), "/data", false))
	assert.Equal(t, "replaced", hostRead(t, filepath.Join(dir, "in")))
}
