package mockdaemon_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// catIn reads the files of paths in container id, one line of output per
// file as cat prints it, and fails the test when cat does.
func (c *client) catIn(id string, paths ...string) string {
	c.t.Helper()
	out, errOut, code := c.execOut(id, append([]string{"cat"}, paths...)...)
	require.Empty(c.t, errOut)
	require.Zero(c.t, code)
	return out
}

// TestProcSysFollowsConfig: /proc/sys shows the UTS names of the
// container's config, the two network sysctls dockerd sets in a network
// namespace of the container's own (the host's defaults on the host's
// network, the joined container's in its namespace), and
// HostConfig.Sysctls over them, read back as the kernel prints them.
func TestProcSysFollowsConfig(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	const files = "/proc/sys/kernel/hostname /proc/sys/kernel/domainname /proc/sys/net/ipv4/ping_group_range /proc/sys/net/ipv4/ip_unprivileged_port_start"
	cat := func(id string) string {
		return c.catIn(id, "/proc/sys/kernel/hostname", "/proc/sys/kernel/domainname",
			"/proc/sys/net/ipv4/ping_group_range", "/proc/sys/net/ipv4/ip_unprivileged_port_start")
	}
	own := c.sleeper(map[string]any{"Hostname": "foobar", "Domainname": "baz.example.com"})
	assert.Equal(t, "foobar\nbaz.example.com\n0\t2147483647\n0\n", cat(own), files)

	set := c.sleeper(map[string]any{"Hostname": "h", "HostConfig": map[string]any{"Sysctls": map[string]string{
		"net.ipv4.ip_unprivileged_port_start": "80", "net.ipv4.ping_group_range": "0  100", "kernel.shmmax": "4096",
	}}})
	assert.Equal(t, "h\n(none)\n0\t100\n80\n", cat(set), "Sysctls over the defaults")
	assert.Equal(t, "4096\n", c.catIn(set, "/proc/sys/kernel/shmmax"))

	joined := c.sleeper(map[string]any{"HostConfig": map[string]any{"NetworkMode": "container:" + set}})
	assert.Equal(t, "h\n(none)\n0\t100\n80\n", cat(joined), "the joined namespace's")

	host := c.sleeper(map[string]any{"HostConfig": map[string]any{"NetworkMode": "host"}})
	out := cat(host)
	assert.Contains(t, out, "(none)\n1\t0\n1024\n", "the host's defaults")
}

// TestCgroupFilesFollowResources: the cgroup v2 files show the container's
// limits as runc converts them, and a container update changes them in
// the running container; PidsLimit 0 or below unsets the limit (inspect
// shows 0) and is ignored below API 1.40.
func TestCgroupFilesFollowResources(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	files := []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.swap.max", "/sys/fs/cgroup/cpu.max", "/sys/fs/cgroup/pids.max", "/sys/fs/cgroup/cpu.weight"}
	id := c.sleeper(map[string]any{"HostConfig": map[string]any{"Memory": 200 << 20, "PidsLimit": 32}})
	assert.Equal(t, "209715200\n209715200\nmax 100000\n32\n100\n", c.catIn(id, files...), "Memory: swap as much again")

	r := c.do("POST", "/v1.41/containers/"+id+"/update", map[string]any{
		"Memory": 314572800, "MemorySwap": 524288000, "CpuQuota": 15000, "CpuPeriod": 50000, "PidsLimit": 16, "CpuShares": 1024,
	})
	require.Equal(t, 200, r.status, "update: %s", r.body)
	assert.Equal(t, "314572800\n209715200\n15000 50000\n16\n39\n", c.catIn(id, files...), "after the update")

	r = c.do("POST", "/v1.24/containers/"+id+"/update", map[string]any{"PidsLimit": 8})
	require.Equal(t, 200, r.status, "update: %s", r.body)
	assert.Equal(t, "16\n", c.catIn(id, "/sys/fs/cgroup/pids.max"), "PidsLimit ignored at 1.24")

	r = c.do("POST", "/v1.41/containers/"+id+"/update", map[string]any{"CpuQuota": -1, "PidsLimit": -2})
	require.Equal(t, 200, r.status, "update: %s", r.body)
	assert.Equal(t, "max 50000\n", c.catIn(id, "/sys/fs/cgroup/cpu.max"))
	assert.Equal(t, "max\n", c.catIn(id, "/sys/fs/cgroup/pids.max"))
	var insp struct{ HostConfig struct{ PidsLimit *int64 } }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/containers/"+id+"/json", nil).body, &insp))
	require.NotNil(t, insp.HostConfig.PidsLimit)
	assert.Zero(t, *insp.HostConfig.PidsLimit)
}

// TestIpcModeShm: /dev/shm follows IpcMode as runc mounts it: a tmpfs of
// the container's own (private, shareable), none at all (none), or the
// one of a running shareable container it joins (container:<id>), shared
// both ways and shown with the same device in /proc/self/mountinfo; a
// start that joins a private or stopped container fails with dockerd's
// 500.
func TestIpcModeShm(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	shmLine := func(id string) string {
		out, errOut, code := c.execOut(id, "sh", "-c", `awk '($5 == "/dev/shm") {print $3, $6, $9, $10}' /proc/self/mountinfo`)
		require.Empty(t, errOut)
		require.Zero(t, code)
		return out
	}
	none := c.sleeper(map[string]any{"HostConfig": map[string]any{"IpcMode": "none"}})
	assert.Empty(t, shmLine(none), "IpcMode none: no /dev/shm mount")
	_, errOut, code := c.execOut(none, "ls", "-d", "/dev/shm")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "No such file or directory")

	private := c.sleeper(nil)
	line := shmLine(private)
	assert.Regexp(t, `^0:[0-9]+ rw,nosuid,nodev,noexec,relatime shm rw,size=65536k\n$`, line)

	donor := c.sleeper(map[string]any{"HostConfig": map[string]any{"IpcMode": "shareable"}})
	joined := c.sleeper(map[string]any{"HostConfig": map[string]any{"IpcMode": "container:" + donor}})
	assert.Equal(t, shmLine(donor), shmLine(joined), "one tmpfs")
	assert.NotEqual(t, line, shmLine(donor), "another container's tmpfs")
	_, _, code = c.execOut(donor, "sh", "-c", "printf covfefe > /dev/shm/bar")
	require.Zero(t, code)
	assert.Equal(t, "covfefe", c.catIn(joined, "/dev/shm/bar"))
	_, _, code = c.execOut(private, "test", "-e", "/dev/shm/bar")
	assert.Equal(t, 1, code, "a private /dev/shm is not shared")

	for _, tc := range []struct{ donor, want string }{
		{private, "can't join IPC of container " + private + ": non-shareable IPC (hint: use IpcMode:shareable for the donor container)"},
		{c.create("", map[string]any{"Image": "busybox", "HostConfig": map[string]any{"IpcMode": "shareable"}}), "is not running"},
	} {
		id := c.create("", map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "HostConfig": map[string]any{"IpcMode": "container:" + tc.donor}})
		r := c.do("POST", "/v1.41/containers/"+id+"/start", nil)
		assert.Equal(t, 500, r.status, "%s", r.body)
		assert.Contains(t, r.message(), tc.want)
	}
}

// TestMountInfo: /proc/self/mountinfo lists the mounts of /proc/mounts
// in their order, each with its parent mount, a device number, and its
// options split into the mount's flags and its superblock's.
func TestMountInfo(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.sleeper(map[string]any{"HostConfig": map[string]any{"Tmpfs": map[string]string{"/run/x": "size=1m,mode=700"}}})
	mounts := strings.Split(strings.TrimSpace(c.catIn(id, "/proc/mounts")), "\n")
	info := strings.Split(strings.TrimSpace(c.catIn(id, "/proc/self/mountinfo")), "\n")
	require.Len(t, info, len(mounts))
	ids := map[string]string{}
	for i, l := range info {
		m := strings.Fields(mounts[i])
		f := strings.Fields(l)
		require.Len(t, f, 10, l)
		assert.Equal(t, []string{"/", m[1], "-", m[2], m[0]}, []string{f[3], f[4], f[6], f[7], f[8]}, l)
		assert.Regexp(t, `^[0-9]+:[0-9]+$`, f[2], l)
		ids[f[4]] = f[0]
	}
	assert.Equal(t, "1000 999 ", info[0][:9], "the root first, its parent outside")
	for _, l := range info {
		if f := strings.Fields(l); f[4] == "/run/x" {
			assert.Equal(t, ids["/"], f[1], "/run/x is on the root")
			assert.Equal(t, "rw,nosuid,nodev,noexec,relatime", f[5])
			assert.Equal(t, "rw,size=1024k,mode=700", f[9])
		}
		if f := strings.Fields(l); f[4] == "/dev/pts" {
			assert.Equal(t, ids["/dev"], f[1], "/dev/pts is on /dev")
		}
	}
}

// TestMountApplet: busybox's mount lists /proc/mounts (-t filters by
// type), a tmpfs over an anonymous volume of the image's config hides the
// volume (no mount point in inspect), its size is shown in whole pages,
// and mounting is refused as without CAP_SYS_ADMIN.
func TestMountApplet(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.sleeper(map[string]any{"Volumes": map[string]any{"/foo": map[string]any{}, "/bar": map[string]any{}},
		"HostConfig": map[string]any{"Tmpfs": map[string]string{"/foo": "", "/bar": "size=999"}}})
	out, errOut, code := c.execOut(id, "sh", "-c", "mount | grep -E '/foo|/bar'; mount -t proc | head -n1")
	assert.Equal(t, "tmpfs on /bar type tmpfs (rw,nosuid,nodev,noexec,relatime,size=4k)\n"+
		"tmpfs on /foo type tmpfs (rw,nosuid,nodev,noexec,relatime)\n"+
		"proc on /proc type proc (rw,nosuid,nodev,noexec,relatime)\n", out)
	assert.Empty(t, errOut)
	assert.Zero(t, code)
	var insp struct{ Mounts []any }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/containers/"+id+"/json", nil).body, &insp))
	assert.Empty(t, insp.Mounts)

	_, errOut, code = c.execOut(id, "mount", "-t", "tmpfs", "/x", "/y")
	assert.Equal(t, "mount: permission denied (are you root?)\n", errOut)
	assert.Equal(t, 1, code)
}
