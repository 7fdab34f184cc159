package mockdaemon_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestStartFailureLogPath: dockerd looks the user up before the logger
// starts, runc the program after: a start refused for an unknown user
// leaves LogPath "", one refused for a missing program has it.
func TestStartFailureLogPath(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	logPath := func(body map[string]any) string {
		id := c.create("", body)
		r := c.do("POST", "/v1.41/containers/"+id+"/start", nil)
		require.NotEqual(t, 204, r.status, "the start must fail: %s", r.body)
		var insp struct{ LogPath string }
		require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/containers/"+id+"/json", nil).body, &insp))
		return insp.LogPath
	}
	assert.Empty(t, logPath(map[string]any{"Image": "busybox", "Cmd": []string{"id"}, "User": "nosuchuser"}), "unknown user")
	assert.NotEmpty(t, logPath(map[string]any{"Image": "busybox", "Cmd": []string{"nosuchprogram"}}), "missing program")
}
