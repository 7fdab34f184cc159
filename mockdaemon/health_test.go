package mockdaemon_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestHealthcheck: probes move State.Health through starting, healthy and
// unhealthy like dockerd's (a probe that outlives its timeout fails, the
// log keeps five entries), the health= list filter and the Status column
// follow, and health_status is emitted on a change only.
func TestHealthcheck(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	type health struct {
		Status        string
		FailingStreak int
		Log           []struct {
			ExitCode int
			Output   string
		}
	}
	state := func(id string) *health {
		var s struct{ State struct{ Health *health } }
		require.NoError(t, json.Unmarshal(c.do("GET", "/v1.56/containers/"+id+"/json", nil).body, &s))
		return s.State.Health
	}
	start := func(cfg map[string]any) string {
		id := c.create("", cfg)
		r := c.do("POST", "/v1.56/containers/"+id+"/start", nil)
		require.Equal(t, 204, r.status, "start: %s", r.body)
		t.Cleanup(func() { c.do("DELETE", "/v1.56/containers/"+id+"?force=1", nil) })
		return id
	}
	mk := func(test []string, timeout time.Duration, retries int) string {
		return start(map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "60"}, "Healthcheck": map[string]any{
			"Test": test, "Interval": int64(20 * time.Millisecond), "Timeout": int64(timeout), "Retries": retries}})
	}
	wait := func(id, want string) *health {
		t.Helper()
		var h *health
		ok := poll(5*time.Second, func() bool {
			h = state(id)
			return h != nil && h.Status == want
		})
		require.True(t, ok, "health of %s: %+v, want %s", id[:12], h, want)
		return h
	}
	plain := start(map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "60"}})
	assert.Nil(t, state(plain), "health without a healthcheck")

	good := mk([]string{"CMD", "true"}, time.Second, 2)
	bad := mk([]string{"CMD-SHELL", "echo sick >&2; exit 1"}, time.Second, 2)
	slow := mk([]string{"CMD", "sleep", "10"}, 30*time.Millisecond, 1)

	h := wait(good, "healthy")
	assert.Zero(t, h.FailingStreak, "healthy")
	require.NotEmpty(t, h.Log, "healthy")
	assert.Zero(t, h.Log[0].ExitCode, "healthy")

	h = wait(bad, "unhealthy")
	assert.GreaterOrEqual(t, h.FailingStreak, 2, "unhealthy")
	require.GreaterOrEqual(t, len(h.Log), 2, "unhealthy")
	assert.Equal(t, 1, h.Log[0].ExitCode, "unhealthy")
	assert.Equal(t, "sick\n", h.Log[0].Output, "unhealthy")

	h = wait(slow, "unhealthy")
	assert.Equal(t, -1, h.Log[0].ExitCode, "timed out")
	assert.Contains(t, h.Log[0].Output, "exceeded timeout", "timed out")

	time.Sleep(200 * time.Millisecond)
	assert.LessOrEqual(t, len(state(good).Log), 5, "log entries kept")

	for _, tc := range []struct {
		filter string
		want   []string
	}{
		{"healthy", []string{good}},
		{"unhealthy", []string{bad, slow}},
		{"none", []string{plain}},
		{"starting", nil},
	} {
		var list []struct{ ID, Status string }
		r := c.do("GET", `/v1.56/containers/json?filters={"health":["`+tc.filter+`"]}`, nil)
		require.NoError(t, json.Unmarshal(r.body, &list))
		var got []string
		for _, l := range list {
			got = append(got, l.ID)
			if tc.filter != "none" {
				assert.Contains(t, l.Status, "("+tc.filter+")", "status text")
			}
		}
		assert.ElementsMatch(t, tc.want, got, "health=%s", tc.filter)
	}
	assert.Equal(t, 400, c.do("GET", `/v1.56/containers/json?filters={"health":["sickly"]}`, nil).status, "bad health filter")

	until := strconv.FormatInt(time.Now().Add(time.Second).Unix(), 10)
	r := c.do("GET", `/v1.56/events?since=0&until=`+until+`&filters={"container":["`+good+`"]}`, nil)
	assert.Equal(t, 1, strings.Count(string(r.body), `"health_status: healthy"`), "health_status: healthy events (on change only)")
}
