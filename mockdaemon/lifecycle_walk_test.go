package mockdaemon_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestLifecycleEdgesLikeDockerd holds what the differential check's
// lifecycle walks found: an update is checked whole before anything
// changes; kill takes any signal number but 0 and refuses one Linux has
// not with dockerd's 500; the first logs request of a container that
// never ran starts its logger (LogPath); top lists every process of the
// container's PID namespace.
func TestLifecycleEdgesLikeDockerd(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("walk-a", map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", "sleep 300 & wait"}})
	inspect := func() map[string]any {
		r := c.do("GET", "/v1.41/containers/"+id+"/json", nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		var m map[string]any
		require.NoError(t, json.Unmarshal(r.body, &m))
		return m
	}

	r := c.do("POST", "/v1.41/containers/"+id+"/update", map[string]any{"CpuShares": 512, "RestartPolicy": map[string]any{"Name": "bogus"}})
	assert.Equal(t, 400, r.status)
	assert.Equal(t, "invalid restart policy 'bogus'", r.message())
	assert.EqualValues(t, 0, inspect()["HostConfig"].(map[string]any)["CpuShares"], "nothing of a refused update is applied")

	assert.Empty(t, inspect()["LogPath"])
	require.Equal(t, 200, c.do("GET", "/v1.41/containers/"+id+"/logs?stdout=1", nil).status)
	assert.True(t, strings.HasSuffix(inspect()["LogPath"].(string), "/"+id+"-json.log"), "logs started the logger")

	require.Equal(t, 204, c.do("POST", "/v1.41/containers/"+id+"/start", nil).status)
	t.Cleanup(func() { c.do("DELETE", "/v1.41/containers/"+id+"?force=1", nil) })
	r = c.do("POST", "/v1.41/containers/walk-a/kill?signal=99", nil)
	assert.Equal(t, 500, r.status)
	assert.Equal(t, "Cannot kill container: walk-a: The linux daemon does not support signal 99", r.message())
	r = c.do("POST", "/v1.41/containers/walk-a/kill?signal=0", nil)
	assert.Equal(t, 400, r.status)
	assert.Equal(t, "Invalid signal: 0", r.message())
	r = c.do("POST", "/v1.41/containers/nosuch/kill?signal=99", nil)
	assert.Equal(t, 404, r.status, "the container is looked up first")

	var top struct{ Processes [][]string }
	require.Eventually(t, func() bool {
		r := c.do("GET", "/v1.41/containers/"+id+"/top", nil)
		return r.status == 200 && json.Unmarshal(r.body, &top) == nil && len(top.Processes) == 2
	}, 5*time.Second, 10*time.Millisecond, "the shell and its background sleep: %v", top.Processes)
	assert.Equal(t, "sleep 300", top.Processes[1][7])
	assert.Equal(t, top.Processes[0][1], top.Processes[1][2], "the sleep's parent is the shell")
}
