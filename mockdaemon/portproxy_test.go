package mockdaemon_test

import (
	"encoding/json"
	"io"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// freePort is a TCP port of the machine free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestPublishedPortReachesContainer: with Config.PublishPorts a host port
// a container publishes is served on the machine and forwarded to the
// process listening on the container's port; other containers reach it
// at the container's address, or at the host's (the bridge's gateway)
// through the published port; once the container stops the port is no
// longer served.
func TestPublishedPortReachesContainer(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{PublishPorts: true})
	hostPort := strconv.Itoa(freePort(t))
	srv := c.create("srv", map[string]any{"Image": "busybox", "Cmd": []string{"nc", "-ll", "-p", "80", "-e", "echo", "it works"},
		"ExposedPorts": map[string]any{"80/tcp": map[string]any{}},
		"HostConfig":   map[string]any{"PortBindings": map[string]any{"80/tcp": []map[string]string{{"HostPort": hostPort}}}}})
	startOK(t, c, srv)

	var got string
	require.True(t, poll(5*time.Second, func() bool {
		conn, err := net.Dial("tcp", "127.0.0.1:"+hostPort)
		if err != nil {
			return false
		}
		defer conn.Close()
		b, _ := io.ReadAll(conn)
		got = string(b)
		return got != ""
	}), "the host port serves the container's listener")
	assert.Equal(t, "it works\n", got)

	r := c.do("GET", "/v1.41/containers/srv/json", nil)
	var in struct {
		NetworkSettings struct{ IPAddress, Gateway string }
	}
	require.NoError(t, json.Unmarshal(r.body, &in))
	cli := c.create("cli", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"}})
	startOK(t, c, cli)
	assert.Equal(t, "it works\n", execOutput(t, c, cli, "nc "+in.NetworkSettings.IPAddress+" 80"), "by the container's address")
	assert.Equal(t, "it works\n", execOutput(t, c, cli, "nc "+in.NetworkSettings.Gateway+" "+hostPort), "by the host's published port")
	assert.Contains(t, execOutput(t, c, cli, "nc "+in.NetworkSettings.IPAddress+" 81 2>&1"), "Connection refused")

	require.Equal(t, 204, c.do("POST", "/v1.41/containers/srv/stop?t=0", nil).status)
	_, err := net.DialTimeout("tcp", "127.0.0.1:"+hostPort, time.Second)
	assert.Error(t, err, "no longer served once the container stopped")
}

// TestPublishedPortWaitsForListener: a connection that comes before the
// container's process listens is served once it does.
func TestPublishedPortWaitsForListener(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{PublishPorts: true})
	hostPort := strconv.Itoa(freePort(t))
	srv := c.create("srv", map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", "sleep 0.3; echo late | nc -l -p 80"},
		"HostConfig": map[string]any{"PortBindings": map[string]any{"80/tcp": []map[string]string{{"HostPort": hostPort}}}}})
	startOK(t, c, srv)
	conn, err := net.Dial("tcp", "127.0.0.1:"+hostPort)
	require.NoError(t, err)
	defer conn.Close()
	b, err := io.ReadAll(conn)
	require.NoError(t, err)
	assert.Equal(t, "late\n", string(b))
}
