package mockdaemon_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// execOut runs argv as an attached, non-TTY exec in container id and
// returns its stdout, stderr and exit code.
func (c *client) execOut(id string, argv ...string) (string, string, int) {
	c.t.Helper()
	r := c.do("POST", "/v1.41/containers/"+id+"/exec", map[string]any{"Cmd": argv, "AttachStdout": true, "AttachStderr": true})
	var ex struct{ Id string }
	require.NoError(c.t, json.Unmarshal(r.body, &ex), "exec create %d %s", r.status, r.body)
	r = c.do("POST", "/v1.41/exec/"+ex.Id+"/start", map[string]any{"Detach": false, "Tty": false})
	require.Equal(c.t, 200, r.status, "exec start: %s", r.body)
	out, errOut := readFrames(c.t, r.body)
	var insp struct{ ExitCode int }
	require.NoError(c.t, json.Unmarshal(c.do("GET", "/v1.41/exec/"+ex.Id+"/json", nil).body, &insp))
	return out, errOut, insp.ExitCode
}

// TestShellKeepsUTF8: a shell-form command, an exec-form CMD and a RUN
// step print UTF-8 as given (the shell once turned each byte of "ü" into
// a character of its own, so "ü" came back as "Ã¼").
func TestShellKeepsUTF8(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.sleeper(nil)
	for _, argv := range [][]string{
		{"sh", "-c", "echo grüße ü"},
		{"sh", "-c", `x="grüße"; echo $x ü`},
		{"echo", "grüße", "ü"},
	} {
		out, errOut, code := c.execOut(id, argv...)
		assert.Equal(t, "grüße ü\n", out, "%q", argv)
		assert.Empty(t, errOut, "%q", argv)
		assert.Zero(t, code, "%q", argv)
	}
	out, ok := c.buildAndRun("utf8:run", "FROM busybox\nRUN echo grüße > /g && echo ü >> /g\nCMD [\"cat\", \"/g\"]\n")
	require.True(t, ok, "build: %s", out)
	assert.Equal(t, "grüße\nü\n", out, "RUN in shell form, CMD in exec form")
}

// TestAppletMissingInMock: the image links every busybox applet; one the
// mock's shell lacks fails like a missing command (sh: "not found", 127; an
// exec-form command: the runtime's "executable file not found"), never
// as a script with a syntax error.
func TestAppletMissingInMock(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.sleeper(nil)
	out, errOut, code := c.execOut(id, "sh", "-c", "vi /etc/hosts; echo $?; ls /bin/vi")
	assert.Equal(t, "127\n/bin/vi\n", out)
	assert.Equal(t, "sh: vi: not found\n", errOut)
	assert.Zero(t, code)

	const runc = "failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: "
	for cmd, want := range map[string]string{
		"vi":      `exec: "vi": executable file not found in $PATH`,
		"/bin/vi": `exec: "/bin/vi": stat /bin/vi: no such file or directory`,
	} {
		cid := c.create("", map[string]any{"Image": "busybox", "Cmd": []string{cmd}})
		r := c.do("POST", "/v1.41/containers/"+cid+"/start", nil)
		assert.Equal(t, 400, r.status, "start %s", cmd)
		assert.Equal(t, runc+want+": unknown", r.message(), "start %s", cmd)
	}
}

// TestNetworkToolsSeeTheContainersNetworks: ip, ifconfig, hostname -i and
// /proc/net/route show the container's own interfaces, addresses and
// routes, as busybox prints them in a dockerd container (outputs taken
// from one on two user networks; the interface numbers are the mock's,
// those of /sys/class/net), and follow a network connected while it runs.
func TestNetworkToolsSeeTheContainersNetworks(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	mkNet := func(name string, ipam map[string]any, opts map[string]string) {
		r := c.do("POST", "/v1.41/networks/create", map[string]any{"Name": name, "IPAM": map[string]any{"Config": []any{ipam}}, "Options": opts})
		require.Equal(t, 201, r.status, "%s", r.body)
	}
	mkNet("na", map[string]any{"Subnet": "10.20.0.0/24", "Gateway": "10.20.0.1"}, nil)
	mkNet("nb", map[string]any{"Subnet": "10.30.0.0/16", "IPRange": "10.30.5.0/24"}, map[string]string{"com.docker.network.driver.mtu": "1400"})
	id := c.sleeper(map[string]any{"Hostname": "hh", "HostConfig": map[string]any{"NetworkMode": "na"}})

	out, errOut, code := c.execOut(id, "sh", "-c", "ip -4 addr show eth0; ip route; hostname -i; ip addr show eth1")
	assert.Equal(t, "10: eth0@if11: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue \n"+
		"    inet 10.20.0.2/24 brd 10.20.0.255 scope global eth0\n"+
		"       valid_lft forever preferred_lft forever\n"+
		"default via 10.20.0.1 dev eth0 \n"+
		"10.20.0.0/24 dev eth0 scope link  src 10.20.0.2 \n"+
		"10.20.0.2\n", out)
	assert.Equal(t, "ip: can't find device 'eth1'\n", errOut)
	assert.Equal(t, 1, code)

	r := c.do("POST", "/v1.41/networks/nb/connect", map[string]any{"Container": id})
	require.Equal(t, 200, r.status, "%s", r.body)
	out, errOut, code = c.execOut(id, "sh", "-c", "ip addr; ip -o addr show eth1; ip route; cat /proc/net/route; ifconfig eth1; cat /sys/class/net/eth1/ifindex")
	assert.Equal(t, "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000\n"+
		"    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"+
		"    inet 127.0.0.1/8 scope host lo\n"+
		"       valid_lft forever preferred_lft forever\n"+
		"10: eth0@if11: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue \n"+
		"    link/ether 02:42:0a:14:00:02 brd ff:ff:ff:ff:ff:ff\n"+
		"    inet 10.20.0.2/24 brd 10.20.0.255 scope global eth0\n"+
		"       valid_lft forever preferred_lft forever\n"+
		"12: eth1@if13: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1400 qdisc noqueue \n"+
		"    link/ether 02:42:0a:1e:05:01 brd ff:ff:ff:ff:ff:ff\n"+
		"    inet 10.30.5.1/16 brd 10.30.255.255 scope global eth1\n"+
		"       valid_lft forever preferred_lft forever\n"+
		"12: eth1    inet 10.30.5.1/16 brd 10.30.255.255 scope global eth1\\       valid_lft forever preferred_lft forever\n"+
		"default via 10.20.0.1 dev eth0 \n"+
		"10.20.0.0/24 dev eth0 scope link  src 10.20.0.2 \n"+
		"10.30.0.0/16 dev eth1 scope link  src 10.30.5.1 \n"+
		fmt.Sprintf("%-127s\n", "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT")+
		fmt.Sprintf("%-127s\n", "eth0\t00000000\t0100140A\t0003\t0\t0\t0\t00000000\t0\t0\t0")+
		fmt.Sprintf("%-127s\n", "eth0\t0000140A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0")+
		fmt.Sprintf("%-127s\n", "eth1\t00001E0A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0")+
		"eth1      Link encap:Ethernet  HWaddr 02:42:0A:1E:05:01  \n"+
		"          inet addr:10.30.5.1  Bcast:10.30.255.255  Mask:255.255.0.0\n"+
		"          UP BROADCAST RUNNING MULTICAST  MTU:1400  Metric:1\n"+
		"          RX packets:0 errors:0 dropped:0 overruns:0 frame:0\n"+
		"          TX packets:0 errors:0 dropped:0 overruns:0 carrier:0\n"+
		"          collisions:0 txqueuelen:0 \n"+
		"          RX bytes:0 (0.0 B)  TX bytes:0 (0.0 B)\n\n"+
		"12\n", out)
	assert.Empty(t, errOut)
	assert.Zero(t, code)

	// a disconnect renames nothing: eth1 stays eth1 and takes the default route
	r = c.do("POST", "/v1.41/networks/na/disconnect", map[string]any{"Container": id})
	require.Equal(t, 200, r.status, "%s", r.body)
	out, _, code = c.execOut(id, "sh", "-c", "ip -o -4 addr; ip route; ls /sys/class/net")
	assert.Equal(t, "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n"+
		"12: eth1    inet 10.30.5.1/16 brd 10.30.255.255 scope global eth1\\       valid_lft forever preferred_lft forever\n"+
		"default via 10.30.5.0 dev eth1 \n"+
		"10.30.0.0/16 dev eth1 scope link  src 10.30.5.1 \n"+
		"eth1\nlo\n", out)
	assert.Zero(t, code)

	none := c.sleeper(map[string]any{"HostConfig": map[string]any{"NetworkMode": "none"}})
	out, _, code = c.execOut(none, "sh", "-c", "ip route; ip -o link")
	assert.Equal(t, "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n", out)
	assert.Zero(t, code)
}

// TestDfReadsTheContainersMounts: df finds a path's filesystem in the
// container's /proc/mounts, as busybox does: a local volume made with
// DriverOpts type=tmpfs and a HostConfig.Tmpfs mount are tmpfs of their
// size (the mock's df once saw the overlay root for both).
func TestDfReadsTheContainersMounts(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	r := c.do("POST", "/v1.41/volumes/create", map[string]any{"Name": "tv", "Driver": "local", "DriverOpts": map[string]string{"type": "tmpfs", "device": "tmpfs", "o": "size=1m"}})
	require.Equal(t, 201, r.status, "%s", r.body)
	id := c.sleeper(map[string]any{"HostConfig": map[string]any{"Binds": []string{"tv:/v"}, "Tmpfs": map[string]string{"/t": "size=2m"}}})
	out, errOut, code := c.execOut(id, "sh", "-c", "df -P /v /t / | awk '{print $1, $2, $6}'")
	assert.Equal(t, "Filesystem 1024-blocks Mounted\ntmpfs 1024 /v\ntmpfs 2048 /t\noverlay 61202244 /\n", out)
	assert.Empty(t, errOut)
	assert.Zero(t, code)
}

// TestLinkLocalIPsAreOnTheInterface: an endpoint's IPAMConfig.LinkLocalIPs
// are addresses of its interface in 169.254/16, the second one secondary,
// with a connected route from the first (as busybox shows them in a
// dockerd container run with --link-local-ip twice).
func TestLinkLocalIPsAreOnTheInterface(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	r := c.do("POST", "/v1.41/networks/create", map[string]any{"Name": "ll", "IPAM": map[string]any{"Config": []any{map[string]any{"Subnet": "10.21.0.0/24"}}}})
	require.Equal(t, 201, r.status, "%s", r.body)
	id := c.sleeper(map[string]any{
		"HostConfig":       map[string]any{"NetworkMode": "ll"},
		"NetworkingConfig": map[string]any{"EndpointsConfig": map[string]any{"ll": map[string]any{"IPAMConfig": map[string]any{"IPv4Address": "10.21.0.10", "LinkLocalIPs": []string{"169.254.10.10", "169.254.20.1"}}}}},
	})
	out, errOut, code := c.execOut(id, "sh", "-c", "ip addr show eth0; ip route; ifconfig eth0 | head -n 2; hostname -i; tail -n 1 /proc/net/route")
	assert.Equal(t, "10: eth0@if11: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue \n"+
		"    link/ether 02:42:0a:15:00:0a brd ff:ff:ff:ff:ff:ff\n"+
		"    inet 10.21.0.10/24 brd 10.21.0.255 scope global eth0\n"+
		"       valid_lft forever preferred_lft forever\n"+
		"    inet 169.254.10.10/16 brd 169.254.255.255 scope global eth0\n"+
		"       valid_lft forever preferred_lft forever\n"+
		"    inet 169.254.20.1/16 brd 169.254.255.255 scope global secondary eth0\n"+
		"       valid_lft forever preferred_lft forever\n"+
		"default via 10.21.0.1 dev eth0 \n"+
		"10.21.0.0/24 dev eth0 scope link  src 10.21.0.10 \n"+
		"169.254.0.0/16 dev eth0 scope link  src 169.254.10.10 \n"+
		"eth0      Link encap:Ethernet  HWaddr 02:42:0A:15:00:0A  \n"+
		"          inet addr:10.21.0.10  Bcast:10.21.0.255  Mask:255.255.255.0\n"+
		"10.21.0.10\n"+
		fmt.Sprintf("%-127s\n", "eth0\t0000FEA9\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0"), out)
	assert.Empty(t, errOut)
	assert.Zero(t, code)
}

// TestGroupAddIsInTheProcessGroups: HostConfig.GroupAdd adds supplementary
// groups (a number as it is, a name through /etc/group) to the user's
// own, for the container's process and its execs, as runc sets them (id
// on dockerd: groups=0,1234 with --group-add 1234).
func TestGroupAddIsInTheProcessGroups(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.sleeper(map[string]any{"HostConfig": map[string]any{"GroupAdd": []string{"1234", "daemon"}}})
	out, errOut, code := c.execOut(id, "sh", "-c", "id; id -G")
	assert.Equal(t, "uid=0(root) gid=0(root) groups=0(root),10(wheel),1234,1(daemon)\n0 10 1234 1\n", out)
	assert.Empty(t, errOut)
	assert.Zero(t, code)
	logs := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"id", "-G"}, "HostConfig": map[string]any{"GroupAdd": []string{"1234"}}})
	r := c.do("GET", "/v1.41/containers/"+logs+"/logs?stdout=1", nil)
	stdout, _ := readFrames(t, r.body)
	assert.Equal(t, "0 10 1234\n", stdout)
}
