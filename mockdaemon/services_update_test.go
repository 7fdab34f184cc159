package mockdaemon_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// swarmClient is a mock daemon in a swarm made with the given swarm spec.
func swarmClient(t *testing.T, spec map[string]any) *client {
	_, c := newClient(t, mockdaemon.Config{})
	r := c.do("POST", "/v1.41/swarm/init", map[string]any{"ListenAddr": "127.0.0.1:2377", "AdvertiseAddr": "127.0.0.1", "Spec": spec})
	require.Equal(t, 200, r.status, "%s", r.body)
	t.Cleanup(func() { c.do("POST", "/v1.41/swarm/leave?force=1", nil) })
	return c
}

type updStatus struct {
	State, Message         string
	StartedAt, CompletedAt time.Time
}

type svcState struct {
	Endpoint struct {
		VirtualIPs []struct{ NetworkID, Addr string }
	}
	Version      struct{ Index uint64 }
	Spec         json.RawMessage
	PreviousSpec json.RawMessage
	UpdateStatus *updStatus
}

// vip is the service's one virtual IP.
func (s svcState) vip(t *testing.T) string {
	require.Len(t, s.Endpoint.VirtualIPs, 1)
	return s.Endpoint.VirtualIPs[0].Addr
}

func (c *client) service(name string) svcState {
	c.t.Helper()
	var s svcState
	r := c.do("GET", "/v1.41/services/"+name, nil)
	require.Equal(c.t, 200, r.status, "%s", r.body)
	require.NoError(c.t, json.Unmarshal(r.body, &s))
	return s
}

type taskState struct {
	ID           string
	CreatedAt    time.Time
	Slot         int
	DesiredState string
	Spec         struct{ ContainerSpec struct{ Args []string } }
	Status       struct {
		State, Err      string
		ContainerStatus struct{ ContainerID string }
	}
}

func (c *client) tasks(service string) []taskState {
	c.t.Helper()
	var ts []taskState
	r := c.do("GET", `/v1.41/tasks?filters={"service":["`+service+`"]}`, nil)
	require.Equal(c.t, 200, r.status, "%s", r.body)
	require.NoError(c.t, json.Unmarshal(r.body, &ts))
	slices.SortFunc(ts, func(a, b taskState) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return ts
}

// updateService posts spec as the service's next version (with
// rollback=previous when rollback is set).
func (c *client) updateService(name string, spec map[string]any, rollback bool) {
	c.t.Helper()
	q := ""
	if rollback {
		q = "&rollback=previous"
	}
	r := c.do("POST", fmt.Sprintf("/v1.41/services/%s/update?version=%d%s", name, c.service(name).Version.Index, q), spec)
	require.Equal(c.t, 200, r.status, "%s", r.body)
}

// awaitStatus waits for the service's UpdateStatus to reach state.
func (c *client) awaitStatus(name, state string) *updStatus {
	c.t.Helper()
	var st *updStatus
	require.Eventually(c.t, func() bool {
		st = c.service(name).UpdateStatus
		return st != nil && st.State == state
	}, 15*time.Second, 10*time.Millisecond, "UpdateStatus %s", state)
	return st
}

// svcSpec is a replicated service of busybox running args, with update
// and rollback configs (nil: none).
func svcSpec(name string, replicas int, args []string, update, rollback map[string]any) map[string]any {
	spec := map[string]any{
		"Name": name, "Mode": map[string]any{"Replicated": map[string]any{"Replicas": replicas}},
		"TaskTemplate": map[string]any{
			"ContainerSpec": map[string]any{"Image": "busybox", "Args": args, "StopGracePeriod": 0},
			"RestartPolicy": map[string]any{"Condition": "any", "Delay": 50 * time.Millisecond},
		},
	}
	if update != nil {
		spec["UpdateConfig"] = update
	}
	if rollback != nil {
		spec["RollbackConfig"] = rollback
	}
	return spec
}

// byArgs are the tasks running args (by their spec), in creation order.
func byArgs(ts []taskState, args ...string) []taskState {
	return slices.DeleteFunc(slices.Clone(ts), func(t taskState) bool { return !slices.Equal(t.Spec.ContainerSpec.Args, args) })
}

// TestServiceUpdateFollowsUpdateConfig: an update replaces the slots
// Parallelism at a time with Delay between them, and start-first starts
// a slot's new task before the old one stops while stop-first stops the
// old one first (the mock used to replace every task at once, and
// always stop first).
func TestServiceUpdateFollowsUpdateConfig(t *testing.T) {
	c := swarmClient(t, nil)
	const delay = 300 * time.Millisecond
	for _, order := range []string{"start-first", "stop-first"} {
		t.Run(order, func(t *testing.T) {
			c := &client{t: t, sock: c.sock, hc: c.hc}
			name := "up-" + order
			update := map[string]any{"Parallelism": 1, "Delay": delay, "Monitor": 100 * time.Millisecond, "Order": order}
			require.Equal(t, 201, c.do("POST", "/v1.41/services/create", svcSpec(name, 3, []string{"sleep", "300"}, update, nil)).status)
			require.Eventually(t, func() bool { return len(c.tasks(name)) == 3 }, 5*time.Second, 10*time.Millisecond)
			c.updateService(name, svcSpec(name, 3, []string{"sleep", "301"}, update, nil), false)
			assert.Equal(t, "update in progress", c.service(name).UpdateStatus.Message)
			st := c.awaitStatus(name, "completed")
			assert.Equal(t, "update completed", st.Message)

			ts := c.tasks(name)
			olds, news := byArgs(ts, "sleep", "300"), byArgs(ts, "sleep", "301")
			require.Len(t, olds, 3)
			require.Len(t, news, 3)
			slots := map[int]bool{}
			for i, n := range news {
				slots[n.Slot] = true
				assert.Equal(t, "running", n.DesiredState)
				assert.Equal(t, "running", n.Status.State)
				if i > 0 {
					assert.GreaterOrEqual(t, n.CreatedAt.Sub(news[i-1].CreatedAt), delay, "one slot at a time, Delay apart")
				}
				old := olds[slices.IndexFunc(olds, func(o taskState) bool { return o.Slot == n.Slot })]
				assert.Equal(t, "shutdown", old.DesiredState)
				assert.Equal(t, "shutdown", old.Status.State)
				oc := c.getDoc("/v1.41/containers/" + old.Status.ContainerStatus.ContainerID + "/json")
				nc := c.getDoc("/v1.41/containers/" + n.Status.ContainerStatus.ContainerID + "/json")
				stopped, _ := time.Parse(time.RFC3339Nano, at(oc, "State.FinishedAt").(string))
				started, _ := time.Parse(time.RFC3339Nano, at(nc, "State.StartedAt").(string))
				if order == "start-first" {
					assert.False(t, stopped.Before(started), "slot %d: the old task stops after the new one started", n.Slot)
				} else {
					assert.False(t, started.Before(stopped), "slot %d: the new task starts after the old one stopped", n.Slot)
				}
			}
			assert.Len(t, slots, 3, "a new task in each slot")
			assert.GreaterOrEqual(t, st.CompletedAt.Sub(st.StartedAt), 2*delay)
		})
	}
}

// TestServiceUpdatePausesOnFailure: a new task that fails (a command that
// does not exist) pauses an update whose FailureAction is pause, with
// swarmkit's message naming the task; the other slots keep their old
// tasks, and the failed slot's task is restarted (in the new spec) as its
// restart policy says. The next update of the service starts afresh.
func TestServiceUpdatePausesOnFailure(t *testing.T) {
	c := swarmClient(t, nil)
	update := map[string]any{"Parallelism": 1, "FailureAction": "pause", "Monitor": time.Second}
	require.Equal(t, 201, c.do("POST", "/v1.41/services/create", svcSpec("pa", 3, []string{"sleep", "300"}, update, nil)).status)
	c.updateService("pa", svcSpec("pa", 3, []string{"nosuchcmd"}, update, nil), false)
	st := c.awaitStatus("pa", "paused")
	assert.True(t, st.CompletedAt.IsZero())
	ts := c.tasks("pa")
	bad := byArgs(ts, "nosuchcmd")
	require.NotEmpty(t, bad)
	assert.Equal(t, "update paused due to failure or early termination of task "+bad[0].ID, st.Message)
	assert.Equal(t, "failed", bad[0].Status.State)
	assert.True(t, strings.HasPrefix(bad[0].Status.Err, "starting container failed: "), bad[0].Status.Err)
	olds := byArgs(ts, "sleep", "300")
	running := slices.DeleteFunc(olds, func(o taskState) bool { return o.DesiredState != "running" })
	assert.Len(t, running, 2, "the slots the update did not reach keep their tasks")
	for _, o := range running {
		assert.NotEqual(t, bad[0].Slot, o.Slot)
	}
	require.Eventually(t, func() bool { return len(byArgs(c.tasks("pa"), "nosuchcmd")) >= 3 }, 5*time.Second, 10*time.Millisecond,
		"the restart policy restarts the failed slot, in the new spec")
	time.Sleep(200 * time.Millisecond)
	assert.Equal(t, "paused", c.service("pa").UpdateStatus.State, "a paused update stays paused")
	assert.Len(t, slices.DeleteFunc(byArgs(c.tasks("pa"), "sleep", "300"), func(o taskState) bool { return o.DesiredState != "running" }), 2)

	c.updateService("pa", svcSpec("pa", 3, []string{"sleep", "302"}, map[string]any{"Parallelism": 0, "Monitor": 100 * time.Millisecond}, nil), false)
	c.awaitStatus("pa", "completed")
	assert.Len(t, slices.DeleteFunc(byArgs(c.tasks("pa"), "sleep", "302"), func(o taskState) bool { return o.Status.State != "running" }), 3)
}

// TestServiceUpdateRollsBackOnFailure: FailureAction rollback rolls the
// service back to its previous spec under its RollbackConfig when a new
// task ends within Monitor (here all slots at once), with swarmkit's
// states and messages; the rolled back service has no previous spec.
func TestServiceUpdateRollsBackOnFailure(t *testing.T) {
	c := swarmClient(t, nil)
	update := map[string]any{"Parallelism": 1, "FailureAction": "rollback", "Monitor": 2 * time.Second}
	rollback := map[string]any{"Parallelism": 0, "Monitor": 100 * time.Millisecond}
	require.Equal(t, 201, c.do("POST", "/v1.41/services/create", svcSpec("rb", 2, []string{"sleep", "300"}, update, rollback)).status)
	c.updateService("rb", svcSpec("rb", 2, []string{"sh", "-c", "sleep 0.2; exit 3"}, update, rollback), false)
	st := c.awaitStatus("rb", "rollback_started")
	var ids []string
	for _, tk := range byArgs(c.tasks("rb"), "sh", "-c", "sleep 0.2; exit 3") {
		ids = append(ids, tk.ID)
	}
	id, ok := strings.CutPrefix(st.Message, "update rolled back due to failure or early termination of task ")
	assert.True(t, ok, st.Message)
	assert.Contains(t, ids, id, "the message names a task of the update")
	st = c.awaitStatus("rb", "rollback_completed")
	assert.Equal(t, "rollback completed", st.Message)
	svc := c.service("rb")
	assert.Contains(t, string(svc.Spec), `"sleep","300"`)
	assert.Empty(t, svc.PreviousSpec, "swarmkit drops the previous spec of a service it rolled back")
	running := slices.DeleteFunc(c.tasks("rb"), func(o taskState) bool { return o.DesiredState != "running" })
	require.Len(t, running, 2)
	for _, o := range running {
		assert.Equal(t, []string{"sleep", "300"}, o.Spec.ContainerSpec.Args)
	}
}

// TestServiceUpdateFailureRatio: failures up to MaxFailureRatio of the
// slots, or any with FailureAction continue, let the update complete.
func TestServiceUpdateFailureRatio(t *testing.T) {
	c := swarmClient(t, nil)
	for i, update := range []map[string]any{
		{"Parallelism": 0, "FailureAction": "pause", "MaxFailureRatio": 1, "Monitor": 300 * time.Millisecond},
		{"Parallelism": 0, "FailureAction": "continue", "Monitor": 300 * time.Millisecond},
	} {
		name := fmt.Sprintf("ratio%d", i)
		require.Equal(t, 201, c.do("POST", "/v1.41/services/create", svcSpec(name, 2, []string{"sleep", "300"}, update, nil)).status)
		c.updateService(name, svcSpec(name, 2, []string{"nosuchcmd"}, update, nil), false)
		st := c.awaitStatus(name, "completed")
		assert.Equal(t, "update completed", st.Message, name)
	}
	// one failure of two slots is not more than half
	update := map[string]any{"Parallelism": 1, "FailureAction": "pause", "MaxFailureRatio": 0.5, "Monitor": 300 * time.Millisecond}
	require.Equal(t, 201, c.do("POST", "/v1.41/services/create", svcSpec("half", 2, []string{"sleep", "300"}, update, nil)).status)
	c.updateService("half", svcSpec("half", 2, []string{"nosuchcmd"}, update, nil), false)
	c.awaitStatus("half", "paused")
	failed := map[int]bool{}
	for _, tk := range byArgs(c.tasks("half"), "nosuchcmd") {
		failed[tk.Slot] = true
	}
	assert.Len(t, failed, 2, "the update went on to the second slot after the first failure")
}

// TestManualRollbackFollowsRollbackConfig: a manual rollback is marked
// started at once ("manually requested rollback") and replaces the slots
// as RollbackConfig says (one at a time, Delay apart).
func TestManualRollbackFollowsRollbackConfig(t *testing.T) {
	c := swarmClient(t, nil)
	const delay = 300 * time.Millisecond
	update := map[string]any{"Parallelism": 0, "Monitor": 50 * time.Millisecond}
	rollback := map[string]any{"Parallelism": 1, "Delay": delay, "Monitor": 50 * time.Millisecond}
	require.Equal(t, 201, c.do("POST", "/v1.41/services/create", svcSpec("mr", 2, []string{"sleep", "300"}, update, rollback)).status)
	c.updateService("mr", svcSpec("mr", 2, []string{"sleep", "301"}, update, rollback), false)
	c.awaitStatus("mr", "completed")
	c.updateService("mr", svcSpec("mr", 2, []string{"sleep", "301"}, update, rollback), true)
	st := c.service("mr").UpdateStatus
	require.NotNil(t, st)
	assert.Equal(t, updStatus{State: "rollback_started", Message: "manually requested rollback", StartedAt: st.StartedAt}, *st)
	st = c.awaitStatus("mr", "rollback_completed")
	back := byArgs(c.tasks("mr"), "sleep", "300")
	back = slices.DeleteFunc(back, func(o taskState) bool { return o.DesiredState != "running" })
	require.Len(t, back, 2)
	assert.GreaterOrEqual(t, back[1].CreatedAt.Sub(back[0].CreatedAt), delay)
	assert.GreaterOrEqual(t, st.CompletedAt.Sub(st.StartedAt), 2*delay)
}

// TestTaskHistoryRetentionLimit: a slot keeps at most the swarm's
// TaskHistoryRetentionLimit tasks (5 by default); the oldest that no
// longer run go, with their containers.
func TestTaskHistoryRetentionLimit(t *testing.T) {
	for _, limit := range []int{2, 5} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			var spec map[string]any
			if limit != 5 {
				spec = map[string]any{"Orchestration": map[string]any{"TaskHistoryRetentionLimit": limit}}
			}
			c := swarmClient(t, spec)
			update := map[string]any{"Parallelism": 0, "Monitor": 10 * time.Millisecond}
			require.Equal(t, 201, c.do("POST", "/v1.41/services/create", svcSpec("hi", 1, []string{"sleep", "300"}, update, nil)).status)
			for i := range 7 {
				c.updateService("hi", svcSpec("hi", 1, []string{"sleep", fmt.Sprint(301 + i)}, update, nil), false)
				c.awaitStatus("hi", "completed")
			}
			ts := c.tasks("hi")
			require.Len(t, ts, limit)
			assert.Equal(t, []string{"sleep", "307"}, ts[limit-1].Spec.ContainerSpec.Args, "the newest stay")
			var cs []any
			require.Eventually(t, func() bool {
				require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/containers/json?all=1", nil).body, &cs))
				return len(cs) == limit
			}, 5*time.Second, 10*time.Millisecond, "the containers of deleted tasks are removed")
		})
	}
}
