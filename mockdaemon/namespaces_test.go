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
