package mockdaemon_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestExecSharesThePIDNamespace: an exec's ps and top see the container's
// processes, its main process as PID 1, as on dockerd; a restart makes a
// new namespace.
func TestExecSharesThePIDNamespace(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"}})
	require.Equal(t, 204, c.do("POST", "/v1.41/containers/"+id+"/start", nil).status)
	exec := func(cmd ...string) string {
		r := c.do("POST", "/v1.41/containers/"+id+"/exec", map[string]any{"Cmd": cmd, "AttachStdout": true, "AttachStderr": true})
		require.Equal(t, 201, r.status, "%s", r.body)
		var e struct{ Id string }
		require.NoError(t, json.Unmarshal(r.body, &e))
		out, errOut := readFrames(t, c.do("POST", "/v1.41/exec/"+e.Id+"/start", map[string]any{}).body)
		require.Empty(t, errOut)
		return out
	}
	assert.Regexp(t, `(?m)^\s+1 root\s+sleep 300$`, exec("ps"))
	top := exec("top", "-b", "-n1")
	assert.Contains(t, top, "  PID  PPID USER")
	assert.Regexp(t, `(?m)^\s+1\s+0 root .* sleep 300$`, top)

	require.Equal(t, 204, c.do("POST", "/v1.41/containers/"+id+"/restart?t=0", nil).status)
	assert.Regexp(t, `(?m)^\s+1 root\s+sleep 300$`, exec("ps"), "the new run's main process is PID 1 again")
	require.Equal(t, 204, c.do("DELETE", "/v1.41/containers/"+id+"?force=1", nil).status)
}
