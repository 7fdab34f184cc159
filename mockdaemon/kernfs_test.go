package mockdaemon_test

import (
	"encoding/json"
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
