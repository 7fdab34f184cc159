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

// TestSignalsResumePaused: dockerd resumes a paused container after it
// sends its stop signal (any signal when none is configured) or SIGKILL,
// so a stop of a paused container lets its trap run, and a kill of one
// leaves it running when the signal is dropped.
func TestSignalsResumePaused(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	state := func(id string) (status string, code float64, paused bool) {
		r := c.do("GET", "/v1.41/containers/"+id+"/json", nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		var m struct {
			State struct {
				Status   string
				ExitCode float64
				Paused   bool
			}
		}
		require.NoError(t, json.Unmarshal(r.body, &m))
		return m.State.Status, m.State.ExitCode, m.State.Paused
	}
	run := func(name string, cfg map[string]any) string {
		id := c.create(name, cfg)
		require.Equal(t, 204, c.do("POST", "/v1.41/containers/"+id+"/start", nil).status)
		t.Cleanup(func() { c.do("DELETE", "/v1.41/containers/"+id+"?force=1", nil) })
		return id
	}
	trap := run("pz-trap", map[string]any{"Image": "busybox", "StopTimeout": 5, "Cmd": []string{"sh", "-c", "trap 'echo got-term; exit 3' TERM; echo ready; while :; do sleep 0.1; done"}})
	time.Sleep(100 * time.Millisecond) // the trap is set
	require.Equal(t, 204, c.do("POST", "/v1.41/containers/"+trap+"/pause", nil).status)
	require.Equal(t, 204, c.do("POST", "/v1.41/containers/"+trap+"/stop", nil).status)
	status, code, _ := state(trap)
	assert.Equal(t, "exited", status)
	assert.EqualValues(t, 3, code, "the trap ran: not killed after the timeout")

	sleeper := run("pz-sleep", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"}})
	require.Equal(t, 204, c.do("POST", "/v1.41/containers/"+sleeper+"/pause", nil).status)
	require.Equal(t, 204, c.do("POST", "/v1.41/containers/"+sleeper+"/kill?signal=USR1", nil).status)
	status, _, paused := state(sleeper)
	assert.Equal(t, "running", status, "PID 1 drops USR1; the container was resumed")
	assert.False(t, paused)

	stopsig := run("pz-stopsig", map[string]any{"Image": "busybox", "StopSignal": "USR2", "Cmd": []string{"sleep", "300"}})
	require.Equal(t, 204, c.do("POST", "/v1.41/containers/"+stopsig+"/pause", nil).status)
	require.Equal(t, 204, c.do("POST", "/v1.41/containers/"+stopsig+"/kill?signal=USR1", nil).status)
	status, _, paused = state(stopsig)
	assert.Equal(t, "paused", status, "a signal other than its stop signal leaves it paused")
	assert.True(t, paused)
}

// TestTopUnderInit: with HostConfig.Init, top shows the daemon's init as
// the container's first process and the program as its child.
func TestTopUnderInit(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("top-init", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"}, "HostConfig": map[string]any{"Init": true}})
	require.Equal(t, 204, c.do("POST", "/v1.41/containers/"+id+"/start", nil).status)
	t.Cleanup(func() { c.do("DELETE", "/v1.41/containers/"+id+"?force=1", nil) })
	var top struct{ Processes [][]string }
	r := c.do("GET", "/v1.41/containers/"+id+"/top", nil)
	require.Equal(t, 200, r.status, "%s", r.body)
	require.NoError(t, json.Unmarshal(r.body, &top))
	require.Len(t, top.Processes, 2, "%v", top.Processes)
	assert.Equal(t, "/sbin/docker-init -- sleep 300", top.Processes[0][7])
	assert.Equal(t, "sleep 300", top.Processes[1][7])
	assert.Equal(t, top.Processes[0][1], top.Processes[1][2], "the program's parent is the init")
}

// TestRestartPolicyBacksOff: a container whose policy restarts it waits
// as dockerd's restart manager does (100 ms, doubled each time) and is
// "restarting" meanwhile, Running as dockerd shows it; a stop then
// cancels the restart. The mock restarted at once: thousands of runs a
// second for `true` with restart=always.
func TestRestartPolicyBacksOff(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("backoff", map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "HostConfig": map[string]any{"RestartPolicy": map[string]any{"Name": "always"}}})
	t.Cleanup(func() { c.do("DELETE", "/v1.41/containers/"+id+"?force=1", nil) })
	type state struct {
		RestartCount int
		State        struct {
			Status              string
			Running, Restarting bool
		}
	}
	inspect := func() state {
		r := c.do("GET", "/v1.41/containers/"+id+"/json", nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		var s state
		require.NoError(t, json.Unmarshal(r.body, &s))
		return s
	}
	require.Equal(t, 204, c.do("POST", "/v1.41/containers/"+id+"/start", nil).status)
	require.Eventually(t, func() bool { return inspect().State.Restarting }, 5*time.Second, time.Millisecond, "the first exit schedules a restart")
	s := inspect()
	assert.Equal(t, "restarting", s.State.Status)
	assert.True(t, s.State.Running, "dockerd shows a restarting container as running")
	time.Sleep(time.Second)
	assert.Less(t, inspect().RestartCount, 8, "100+200+400+800 ms: a few restarts in a second, not thousands")
	require.Eventually(t, func() bool { return inspect().State.Restarting }, 5*time.Second, time.Millisecond)
	require.Equal(t, 204, c.do("POST", "/v1.41/containers/"+id+"/stop", nil).status, "a stop of a restarting container cancels the restart")
	n := inspect().RestartCount
	time.Sleep(2 * time.Second)
	s = inspect()
	assert.Equal(t, "exited", s.State.Status)
	assert.Equal(t, n, s.RestartCount, "no restart after the stop")
}

// TestTopShowsWhatPID1Runs: ash -c execs its last simple command, so top
// shows that command as the container's first process, as dockerd's ps
// does ("sleep 60", not "sh -c echo hi; sleep 60").
func TestTopShowsWhatPID1Runs(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("top-exec", map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", "echo hi; sleep 60"}})
	require.Equal(t, 204, c.do("POST", "/v1.41/containers/"+id+"/start", nil).status)
	t.Cleanup(func() { c.do("DELETE", "/v1.41/containers/"+id+"?force=1", nil) })
	var top struct{ Processes [][]string }
	require.Eventually(t, func() bool {
		r := c.do("GET", "/v1.41/containers/"+id+"/top", nil)
		return r.status == 200 && json.Unmarshal(r.body, &top) == nil && len(top.Processes) == 1 && top.Processes[0][7] == "sleep 60"
	}, 5*time.Second, 10*time.Millisecond, "top: %v", top.Processes)
}

// TestUlimitsReachTheProcess: HostConfig.Ulimits are the limits the
// container's processes start with, as ash's ulimit shows them (checked
// against dockerd: soft, hard, the -a table's units).
func TestUlimitsReachTheProcess(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", "ulimit -n; ulimit -Hn; ulimit -a | grep -e processes -e stack; ulimit -n 4096; echo rc=$?; ulimit -Sn 2000; ulimit -n"},
		"HostConfig": map[string]any{"Ulimits": []map[string]any{{"Name": "nofile", "Soft": 1024, "Hard": 2048}, {"Name": "nproc", "Soft": 100, "Hard": 200}}}})
	stdout, stderr := readFrames(t, c.do("GET", "/v1.41/containers/"+id+"/logs?stdout=1&stderr=1", nil).body)
	assert.Equal(t, "1024\n2048\nstack size (kb)                 (-s) 8192\nmax user processes              (-u) 100\nrc=1\n2000\n", stdout)
	assert.Equal(t, "sh: error setting limit: Operation not permitted\n", stderr, "raising the hard limit needs CAP_SYS_RESOURCE")
}

// TestSttySizeFollowsResize: an exec's terminal has the size its last
// resize (or its ConsoleSize) set, as stty size prints it; without a
// terminal stty fails as its ioctl does.
func TestSttySizeFollowsResize(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("stty", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"}})
	require.Equal(t, 204, c.do("POST", "/v1.41/containers/"+id+"/start", nil).status)
	t.Cleanup(func() { c.do("DELETE", "/v1.41/containers/"+id+"?force=1", nil) })
	exec := func(tty bool, consoleSize []int) string {
		body := map[string]any{"Cmd": []string{"sh", "-c", "stty size 2>&1"}, "AttachStdout": true, "Tty": tty}
		if consoleSize != nil {
			body["ConsoleSize"] = consoleSize
		}
		r := c.do("POST", "/v1.56/containers/"+id+"/exec", body)
		require.Equal(t, 201, r.status, "%s", r.body)
		var e struct{ Id string }
		require.NoError(t, json.Unmarshal(r.body, &e))
		if consoleSize == nil && tty {
			require.Equal(t, 200, c.do("POST", "/v1.41/exec/"+e.Id+"/resize?h=33&w=101", nil).status)
		}
		r = c.do("POST", "/v1.41/exec/"+e.Id+"/start", map[string]any{"Tty": tty})
		require.Equal(t, 200, r.status, "%s", r.body)
		if tty {
			return string(r.body)
		}
		out, _ := readFrames(t, r.body)
		return out
	}
	assert.Equal(t, "33 101\r\n", exec(true, nil))
	assert.Equal(t, "24 80\r\n", exec(true, []int{24, 80}), "ConsoleSize is [height, width]")
	assert.Equal(t, "stty: standard input: Inappropriate ioctl for device\n", exec(false, nil))

	r := c.do("POST", "/v1.41/containers/"+id+"/exec", map[string]any{"Cmd": []string{"true"}})
	require.Equal(t, 201, r.status)
	var e struct{ Id string }
	require.NoError(t, json.Unmarshal(r.body, &e))
	require.Equal(t, 200, c.do("POST", "/v1.41/exec/"+e.Id+"/start", map[string]any{}).status)
	assert.Equal(t, 404, c.do("POST", "/v1.41/exec/"+e.Id+"/resize?h=20&w=60", nil).status, "no process left to resize")
}
