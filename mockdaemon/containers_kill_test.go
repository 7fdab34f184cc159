package mockdaemon_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
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

// postCtx sends a POST with no body under ctx and returns the error of the
// round trip (nil once an answer came).
func postCtx(ctx context.Context, c *client, path string) error {
	req, err := http.NewRequestWithContext(ctx, "POST", "http://docker"+path, nil)
	if err != nil {
		return err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// TestStopAndRestartOutliveTheirRequest: a stop or restart whose request
// is cancelled goes on as dockerd's does: the container, which ignores
// SIGTERM, is still running when the request ends, killed at the stop's
// timeout, and a restart then starts it again (its restart event comes).
func TestStopAndRestartOutliveTheirRequest(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	cfg := map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", "trap 'echo got TERM' TERM; while true; do usleep 10; done"}}
	for _, op := range []string{"stop", "restart"} {
		t.Run(op, func(t *testing.T) {
			id := c.create("", cfg)
			startOK(t, c, id)
			since := untilNow()
			ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
			defer cancel()
			err := postCtx(ctx, c, "/v1.41/containers/"+id+"/"+op+"?t=1")
			require.ErrorIs(t, err, context.DeadlineExceeded)
			assert.Equal(t, "running", inspectKillState(t, c, id).Status, "still running once the request ended")
			require.True(t, poll(4*time.Second, func() bool {
				return op == "stop" && inspectKillState(t, c, id).Status == "exited" ||
					op == "restart" && inspectKillState(t, c, id).Status == "running" && lastEvent(t, c, id, since) == "restart"
			}), "%s carried out: %+v", op, inspectKillState(t, c, id))
			if op == "stop" {
				assert.Equal(t, 137, inspectKillState(t, c, id).ExitCode, "killed at the timeout")
			}
		})
	}
}

// lastEvent is the last action of id's events since since.
func lastEvent(t *testing.T, c *client, id, since string) string {
	t.Helper()
	r := c.do("GET", "/v1.41/events?since="+since+"&until="+untilNow()+"&filters="+url.QueryEscape(`{"container":["`+id+`"]}`), nil)
	require.Equal(t, 200, r.status)
	acts := eventActions(t, r.body, nil)
	if len(acts) == 0 {
		return ""
	}
	return strings.Fields(acts[len(acts)-1])[0]
}

// TestRestartKeepsAutoRemoveContainer: a restart does not auto-remove the
// container it stops, as dockerd's restart clears AutoRemove around its
// stop; a later kill removes it.
func TestRestartKeepsAutoRemoveContainer(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("", map[string]any{"Image": "busybox", "Cmd": []string{"top"}, "HostConfig": map[string]any{"AutoRemove": true}})
	startOK(t, c, id)
	r := c.do("POST", "/v1.41/containers/"+id+"/restart?t=0", nil)
	require.Equal(t, 204, r.status, "restart: %s", r.body)
	time.Sleep(200 * time.Millisecond) // past the auto-removal delay
	assert.Equal(t, "running", inspectKillState(t, c, id).Status)
	r = c.do("POST", "/v1.41/containers/"+id+"/kill", nil)
	require.Equal(t, 204, r.status, "kill: %s", r.body)
	assert.True(t, poll(2*time.Second, func() bool { return c.do("GET", "/v1.41/containers/"+id+"/json", nil).status == 404 }), "removed after the kill")
}
