package mockdaemon_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// killState is what a kill test reads of a container's inspect.
type killState struct {
	Status       string
	ExitCode     int
	RestartCount int
}

func inspectKillState(t *testing.T, c *client, id string) killState {
	t.Helper()
	r := c.do("GET", "/v1.41/containers/"+id+"/json", nil)
	require.Equal(t, 200, r.status, "inspect: %s", r.body)
	var out struct {
		State struct {
			Status   string
			ExitCode int
		}
		RestartCount int
	}
	require.NoError(t, json.Unmarshal(r.body, &out))
	return killState{out.State.Status, out.State.ExitCode, out.RestartCount}
}

// TestKillSignalAndRestartPolicy: busybox top, the container's process,
// catches the fatal signals (even as PID 1) and exits 128+signal; a kill
// with the container's stop signal (any signal when it has none, and
// SIGKILL) cancels the restart policy for that exit, as dockerd's
// killWithSignal does (ExitOnNext), while another signal leaves an
// "always" policy to restart it; any kill keeps an unless-stopped
// container down.
func TestKillSignalAndRestartPolicy(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	for _, tc := range []struct {
		name, policy, stopSignal, kill string
		wantRunning                    bool
	}{
		{"no policy", "", "", "SIGTERM", false},
		{"stop signal cancels always", "always", "TERM", "TERM", false},
		{"no stop signal: any signal cancels", "always", "", "15", false},
		{"other signal keeps always", "always", "CONT", "TERM", true},
		{"unless-stopped stays down", "unless-stopped", "CONT", "TERM", false},
		{"sigkill cancels always", "always", "CONT", "KILL", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := map[string]any{"Image": "busybox", "Cmd": []string{"top"}, "StopSignal": tc.stopSignal,
				"HostConfig": map[string]any{"RestartPolicy": map[string]any{"Name": tc.policy}}}
			id := c.create("", cfg)
			startOK(t, c, id)
			r := c.do("POST", "/v1.41/containers/"+id+"/kill?signal="+tc.kill, nil)
			require.Equal(t, 204, r.status, "kill: %s", r.body)
			if tc.wantRunning {
				assert.True(t, poll(5*time.Second, func() bool {
					s := inspectKillState(t, c, id)
					return s.Status == "running" && s.RestartCount == 1
				}), "restarted by its policy: %+v", inspectKillState(t, c, id))
				return
			}
			require.True(t, poll(5*time.Second, func() bool { return inspectKillState(t, c, id).Status == "exited" }),
				"exited: %+v", inspectKillState(t, c, id))
			time.Sleep(300 * time.Millisecond) // past the first restart delay (100 ms)
			s := inspectKillState(t, c, id)
			assert.Equal(t, "exited", s.Status)
			assert.Equal(t, 0, s.RestartCount)
			want := 143
			if tc.kill == "KILL" {
				want = 137
			}
			assert.Equal(t, want, s.ExitCode)
		})
	}
}
