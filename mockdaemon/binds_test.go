package mockdaemon_test

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
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

// TestBindNestedMountsAndSymlinks: a volume and a file bind whose
// destinations lie inside a bound host directory get their mount points
// made on the host, as runc makes them, and hold what is written there;
// a symbolic link in the bound directory resolves in the container (an
// absolute one from its root, so /data/abs -> /etc/hostname reads the
// container's hostname; a relative one from its directory, ".." past
// the mount going up the container's tree), never to the host's files
// outside the source.
func TestBindNestedMountsAndSymlinks(t *testing.T) {
	d, c := newClient(t, mockdaemon.Config{HostBinds: true})
	dir := t.TempDir()
	outside := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(outside, "secret"), []byte("secret\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "f"), []byte("hello\n"), 0o644))
	for name, target := range map[string]string{"abs": "/etc/hostname", "rel": "../../../../etc/hostname",
		"root": "/", "host": filepath.Join(outside, "secret"), "up": "f"} {
		require.NoError(t, os.Symlink(target, filepath.Join(dir, name)))
	}
	id := c.create("", map[string]any{"Image": "busybox", "Hostname": "inside",
		"Cmd": []string{"sh", "-c", "echo v > /data/sub/y; ls /data/sub; cat /data/abs /data/rel /data/up /data/d/filemnt; " +
			"ls /data/root/data/sub; cat /data/host; echo rc=$?"},
		"HostConfig": map[string]any{"Binds": []string{dir + ":/data", "nested:/data/sub", dir + "/f:/data/d/filemnt"}}})
	r := c.do("POST", "/v1.41/containers/"+id+"/start", nil)
	require.Equal(t, 204, r.status, "start: %s", r.body)
	require.Equal(t, 200, c.do("POST", "/v1.41/containers/"+id+"/wait", nil).status)
	logs := demux(t, c.do("GET", "/v1.41/containers/"+id+"/logs?stdout=1&stderr=1", nil).body)
	assert.Equal(t, "y\ninside\ninside\nhello\nhello\ny\ncat: can't open '/data/host': No such file or directory\nrc=1\n", logs)

	assert.DirExists(t, filepath.Join(dir, "sub"), "the volume's mount point is made on the host")
	assert.NoFileExists(t, filepath.Join(dir, "sub", "y"), "what is written there goes to the volume")
	rec := serve(d, "PUT", "/v1.41/containers/"+id+"/archive?path=/data", tarOf(t, map[string]string{"sub/put.txt": "put\n", "d/new.txt": "new\n"}))
	require.Equal(t, 200, rec.Code, "PUT archive: %s", rec.Body)
	assert.NoFileExists(t, filepath.Join(dir, "sub", "put.txt"), "an archive across the mount point lands in the volume")
	assert.Equal(t, "put\n", tarFile(t, c.do("GET", "/v1.41/containers/"+id+"/archive?path=/data/sub/put.txt", nil).body, "put.txt"))
	assert.FileExists(t, filepath.Join(dir, "d", "new.txt"))
	assert.FileExists(t, filepath.Join(dir, "d", "filemnt"), "a file's mount point is a file on the host")
	b, err := os.ReadFile(filepath.Join(outside, "secret"))
	require.NoError(t, err)
	assert.Equal(t, "secret\n", string(b))
}

// TestBindNestedInReadOnlyBind: a mount whose mount point would have to
// be made inside a read-only bind is created, and fails its start as
// runc's mkdir (or open, for a file) does there: a 500 with runc's words,
// State.Error and exit code 128. One whose mount point is there already
// mounts.
func TestBindNestedInReadOnlyBind(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{HostBinds: true})
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "f"), []byte("f\n"), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "there"), 0o755))
	for _, tc := range []struct{ bind, op, dst string }{
		{"vol:/data/sub", "mkdir", "/data/sub"},
		{dir + "/f:/data/newfile", "open", "/data/newfile"},
	} {
		id := c.create("", map[string]any{"Image": "busybox", "Cmd": []string{"true"},
			"HostConfig": map[string]any{"Binds": []string{dir + ":/data:ro", tc.bind}}})
		r := c.do("POST", "/v1.41/containers/"+id+"/start", nil)
		assert.Equal(t, 500, r.status, "%s: %s", tc.bind, r.body)
		assert.Contains(t, r.message(), "error mounting")
		assert.Contains(t, r.message(), "to rootfs at \""+tc.dst+"\": "+tc.op+" /var/lib/docker/overlay2/"+id+"/merged"+tc.dst+": read-only file system: unknown")
		var info struct {
			State struct {
				Error    string
				ExitCode int
			}
		}
		require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/containers/"+id+"/json", nil).body, &info))
		assert.Equal(t, r.message(), info.State.Error)
		assert.Equal(t, 128, info.State.ExitCode)
	}
	assert.NoDirExists(t, filepath.Join(dir, "sub"), "nothing made in the read-only bind")

	id := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", "echo v > /data/there/y; cat /data/there/y"},
		"HostConfig": map[string]any{"Binds": []string{dir + ":/data:ro", "vol2:/data/there"}}})
	assert.Equal(t, "v\n", demux(t, c.do("GET", "/v1.41/containers/"+id+"/logs?stdout=1", nil).body), "a mount point already there mounts")
}

// TestBindPropagationNeedsSharedSource: a bind whose propagation is
// (r)shared or (r)slave starts only when the host mount that holds its
// source allows it (shared; shared or slave), as dockerd checks when it
// makes the spec; else the start is its 500 naming the mount, and a bind
// of default propagation (rprivate) starts from the same source.
func TestBindPropagationNeedsSharedSource(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{HostBinds: true})
	dir := t.TempDir()
	point, optional := hostMountOf(t, dir)
	for _, tc := range []struct {
		propagation string
		allowed     bool
		kind        string
	}{
		{"rslave", strings.Contains(optional, "shared:") || strings.Contains(optional, "master:"), "shared or slave"},
		{"shared", strings.Contains(optional, "shared:"), "shared"},
		{"rprivate", true, ""},
	} {
		id := c.create("", map[string]any{"Image": "busybox", "Cmd": []string{"true"},
			"HostConfig": map[string]any{"Mounts": []any{map[string]any{"Type": "bind", "Source": dir, "Target": "/mnt",
				"BindOptions": map[string]any{"Propagation": tc.propagation}}}}})
		r := c.do("POST", "/v1.41/containers/"+id+"/start", nil)
		if tc.allowed {
			assert.Equal(t, 204, r.status, "%s: %s", tc.propagation, r.body)
			continue
		}
		assert.Equal(t, 500, r.status, "%s: %s", tc.propagation, r.body)
		assert.Equal(t, "path "+dir+" is mounted on "+point+" but it is not a "+tc.kind+" mount", r.message(), tc.propagation)
	}
}

// hostMountOf is the mount point holding path in the host's mount table
// and its optional fields (the last, longest match).
func hostMountOf(t *testing.T, path string) (point, optional string) {
	b, err := os.ReadFile("/proc/self/mountinfo")
	require.NoError(t, err)
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 7 {
			continue
		}
		mp := f[4]
		if !(mp == "/" || path == mp || strings.HasPrefix(path, mp+"/")) || len(mp) < len(point) {
			continue
		}
		point, optional = mp, ""
		for _, o := range f[6:] {
			if o == "-" {
				break
			}
			optional += o + " "
		}
	}
	require.NotEmpty(t, point, "no mount holds %s", path)
	return point, optional
}

// TestBindDaemonRootPropagation: a bind whose source lies within the
// daemon's root (or holds it) gets propagation rslave unless one is
// given, and any but rslave or rshared is refused with dockerd's 400;
// other binds keep rprivate.
func TestBindDaemonRootPropagation(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	var info struct{ DockerRootDir string }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/info", nil).body, &info))
	root := info.DockerRootDir
	require.NotEmpty(t, root)
	propagation := func(hc map[string]any) (int, string) {
		r := c.do("POST", "/v1.41/containers/create", map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "HostConfig": hc})
		if r.status != 201 {
			return r.status, r.message()
		}
		var out struct{ Id string }
		require.NoError(t, json.Unmarshal(r.body, &out))
		var insp struct {
			Mounts []struct{ Propagation string }
		}
		require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/containers/"+out.Id+"/json", nil).body, &insp))
		require.Len(t, insp.Mounts, 1)
		return r.status, insp.Mounts[0].Propagation
	}
	for _, tc := range []struct {
		hc         map[string]any
		wantStatus int
		want       string
	}{
		{map[string]any{"Binds": []string{root + ":/foo"}}, 201, "rslave"},
		{map[string]any{"Binds": []string{root + "/containers:/foo:ro"}}, 201, "rslave"},
		{map[string]any{"Binds": []string{root + "/containers:/foo:rshared"}}, 201, "rshared"},
		{map[string]any{"Binds": []string{"/var:/foo"}}, 201, "rslave"},
		{map[string]any{"Binds": []string{"/tmp:/foo"}}, 201, "rprivate"},
		{map[string]any{"Binds": []string{root + ":/foo:private"}}, 400,
			`invalid mount config: must use either propagation mode "rslave" or "rshared" when mount source is within the daemon root, daemon root: "` + root + `", bind mount source: "` + root + `", propagation: "private"`},
		{map[string]any{"Mounts": []any{map[string]any{"Type": "bind", "Source": "/", "Target": "/foo", "BindOptions": map[string]any{"Propagation": "shared"}}}}, 400,
			`invalid mount config: must use either propagation mode "rslave" or "rshared" when mount source is within the daemon root, daemon root: "` + root + `", bind mount source: "/", propagation: "shared"`},
		{map[string]any{"Mounts": []any{map[string]any{"Type": "bind", "Source": "/", "Target": "/foo"}}}, 201, "rslave"},
	} {
		status, got := propagation(tc.hc)
		assert.Equal(t, tc.wantStatus, status, "%v", tc.hc)
		assert.Equal(t, tc.want, got, "%v", tc.hc)
	}
}

// TestBindNonRecursive: with BindOptions.NonRecursive a host bind shows
// none of the host's mounts under its source (their mount points are
// empty directories); without it, they show through. It makes a host
// mount, which needs CAP_SYS_ADMIN.
func TestBindNonRecursive(t *testing.T) {
	src, other := t.TempDir(), t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(src, "mnt"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(other, "file"), []byte("under"), 0o644))
	if err := syscall.Mount(other, filepath.Join(src, "mnt"), "", syscall.MS_BIND, ""); err != nil {
		t.Skipf("cannot make a host mount here: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(filepath.Join(src, "mnt"), 0) })
	_, c := newClient(t, mockdaemon.Config{HostBinds: true})
	for _, nonRec := range []bool{false, true} {
		id := c.sleeper(map[string]any{"HostConfig": map[string]any{"Mounts": []any{map[string]any{
			"Type": "bind", "Source": src, "Target": "/foo", "ReadOnly": true, "BindOptions": map[string]any{"NonRecursive": nonRec},
		}}}})
		out, _, code := c.execOut(id, "ls", "/foo/mnt")
		assert.Zero(t, code)
		if nonRec {
			assert.Empty(t, out, "NonRecursive: the mount point, empty")
		} else {
			assert.Equal(t, "file\n", out, "recursive: the mount under the source")
		}
	}
}
