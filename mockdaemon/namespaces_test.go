package mockdaemon_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestSharedPIDNamespace: PidMode container:<id> joins the running
// container's PID namespace (its ps sees the other's processes), as
// dockerd's runtime does; without it a container sees only its own.
func TestSharedPIDNamespace(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	box := c.create("dwbox", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"}, "HostConfig": map[string]any{"IpcMode": "shareable"}})
	require.Equal(t, 204, c.do("POST", "/v1.41/containers/"+box+"/start", nil).status)
	script := []string{"sh", "-c", "ps -o comm | grep -xc sleep"}
	joined := c.runWait(map[string]any{"Image": "busybox", "Cmd": script, "HostConfig": map[string]any{
		"PidMode": "container:" + box, "IpcMode": "container:" + box, "NetworkMode": "container:" + box}})
	r := c.do("GET", "/v1.41/containers/"+joined+"/logs?stdout=1&stderr=1", nil)
	require.Equal(t, 200, r.status)
	out, _ := readFrames(t, r.body)
	assert.Equal(t, "1\n", out, "the other's sleep seen")

	alone := c.runWait(map[string]any{"Image": "busybox", "Cmd": script})
	r = c.do("GET", "/v1.41/containers/"+alone+"/logs?stdout=1&stderr=1", nil)
	require.Equal(t, 200, r.status)
	out, _ = readFrames(t, r.body)
	assert.Equal(t, "0\n", out, "only its own processes")
}

// TestUTSNamespace: hostname and uname -n read the process's UTS name,
// not /etc/hostname: the container's Config.Hostname, or with UTSMode
// host the machine's (the daemon's host name), as on dockerd, where
// /etc/hostname stays the container's file. hostname -i resolves the
// name as busybox does.
func TestUTSNamespace(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{Hostname: "themachine"})
	logs := func(id string) (string, string) {
		r := c.do("GET", "/v1.41/containers/"+id+"/logs?stdout=1&stderr=1", nil)
		require.Equal(t, 200, r.status)
		return readFrames(t, r.body)
	}
	script := []string{"sh", "-c", "hostname; uname -n; cat /etc/hostname; hostname -i; echo $?"}
	id := c.runWait(map[string]any{"Image": "busybox", "Cmd": script, "HostConfig": map[string]any{"UTSMode": "host"}})
	out, errOut := logs(id)
	assert.Equal(t, "themachine\nthemachine\n"+id[:12]+"\n1\n", out)
	assert.Equal(t, "hostname: themachine: Unknown host\n", errOut)

	script = []string{"sh", "-c", "echo other > /etc/hostname; hostname; uname -n; hostname -s; hostname -d; hostname x; echo $?"}
	id = c.runWait(map[string]any{"Image": "busybox", "Hostname": "web.example", "Cmd": script})
	out, errOut = logs(id)
	assert.Equal(t, "web.example\nweb.example\nweb\nexample\n1\n", out)
	assert.Equal(t, "hostname: sethostname: Operation not permitted\n", errOut)

	id = c.runWait(map[string]any{"Image": "busybox", "Hostname": "foo", "Cmd": []string{"hostname", "-i"}, "HostConfig": map[string]any{"NetworkMode": "none"}})
	_, errOut = logs(id)
	assert.Equal(t, "hostname: foo: Host name lookup failure\n", errOut)
}

// TestInitAndProc: HostConfig.Init runs docker-init as PID 1 with the
// command as its child, as /proc and ps inside the container show, and
// docker top too; the exit status is the command's.
func TestInitAndProc(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.runWait(map[string]any{"Image": "busybox", "HostConfig": map[string]any{"Init": true},
		"Cmd": []string{"sh", "-c", "cat /proc/1/comm; echo $$ $PPID; tr '\\0' ' ' < /proc/$$/cmdline; echo; readlink /proc/1/fd/0; exit 5"}})
	r := c.do("GET", "/v1.41/containers/"+id+"/logs?stdout=1&stderr=1", nil)
	require.Equal(t, 200, r.status)
	out, errOut := readFrames(t, r.body)
	assert.Equal(t, "docker-init\n7 1\nsh -c cat /proc/1/comm; echo $$ $PPID; tr '\\0' ' ' < /proc/$$/cmdline; echo; readlink /proc/1/fd/0; exit 5 \n/dev/null\n", out)
	assert.Empty(t, errOut)
	r = c.do("GET", "/v1.41/containers/"+id+"/json", nil)
	assert.Contains(t, string(r.body), `"ExitCode":5`)
}
