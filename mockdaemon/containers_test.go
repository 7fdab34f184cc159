package mockdaemon_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestSizeRw: SizeRw is the bytes of the files a container added or
// changed, in inspect and in the list with size=1, and SizeRootFs adds
// its image's.
func TestSizeRw(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	for _, tc := range []struct {
		name string
		cmd  string
		want int64
	}{
		{"nothing written", "true", 0},
		{"4 KiB file", "head -c 4096 /dev/zero > /big", 4096},
		{"two files in a new directory", "mkdir -p /d/e && echo hello > /d/e/f && printf abc > /g", 9},
	} {
		id := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", tc.cmd}})
		r := c.do("GET", "/v1.56/containers/"+id+"/json?size=1", nil)
		var got struct{ SizeRw, SizeRootFs *int64 }
		require.NoError(t, json.Unmarshal(r.body, &got), tc.name)
		require.NotNil(t, got.SizeRw, "%s: %s", tc.name, r.body)
		require.NotNil(t, got.SizeRootFs, "%s: %s", tc.name, r.body)
		assert.Equal(t, tc.want, *got.SizeRw, tc.name)
		assert.Greater(t, *got.SizeRootFs, *got.SizeRw, tc.name)

		r = c.do("GET", `/v1.56/containers/json?all=1&size=1&filters={"id":["`+id+`"]}`, nil)
		var list []struct{ SizeRw, SizeRootFs int64 }
		require.NoError(t, json.Unmarshal(r.body, &list), tc.name)
		require.Len(t, list, 1, tc.name)
		assert.Equal(t, tc.want, list[0].SizeRw, "%s: list size=1", tc.name)
		assert.Equal(t, *got.SizeRootFs, list[0].SizeRootFs, "%s: list size=1", tc.name)
	}
}

// TestUpdateMemoryNeedsSwap: like dockerd, raising Memory above the swap
// limit as set (0 or -1 when none was given) without a MemorySwap in the
// same update is a 409 naming the container, and changes nothing.
func TestUpdateMemoryNeedsSwap(t *testing.T) {
	tests := []struct {
		name     string
		create   string // HostConfig
		update   string
		wantCode int
		wantMem  string // Memory MemorySwap RestartPolicy after
	}{
		{"no limit, memory only", `{}`, `{"Memory":67108864,"RestartPolicy":{"Name":"always"}}`, 409, "0 0 no"},
		{"no limit, with swap", `{}`, `{"Memory":67108864,"MemorySwap":-1}`, 200, "67108864 -1 no"},
		{"unlimited swap, memory only", `{"Memory":67108864,"MemorySwap":-1}`, `{"Memory":134217728}`, 409, "67108864 -1 no"},
		{"below the swap limit", `{"Memory":67108864,"MemorySwap":134217728}`, `{"Memory":33554432}`, 200, "33554432 134217728 no"},
		{"above the swap limit", `{"Memory":67108864,"MemorySwap":134217728}`, `{"Memory":268435456}`, 409, "67108864 134217728 no"},
		{"swap only", `{}`, `{"MemorySwap":67108864}`, 200, "0 67108864 no"},
		{"below 6MB", `{}`, `{"Memory":1000,"MemorySwap":-1}`, 400, "0 0 no"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := mockdaemon.New(mockdaemon.Config{})
			defer d.Close()
			rec := serve(d, "POST", "/containers/create?name=upd", []byte(`{"Image":"busybox","Cmd":["true"],"HostConfig":`+tc.create+`}`))
			require.Equal(t, 201, rec.Code, "create: %s", rec.Body)
			var created struct{ Id string }
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &created))
			rec = serve(d, "POST", "/containers/upd/update", []byte(tc.update))
			require.Equal(t, tc.wantCode, rec.Code, "update: %s", rec.Body)
			if tc.wantCode == 409 {
				assert.Equal(t, "Cannot update container "+created.Id+": Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time", message(rec))
			}
			var insp struct {
				HostConfig struct {
					Memory, MemorySwap int64
					RestartPolicy      struct{ Name string }
				}
			}
			require.NoError(t, json.Unmarshal(serve(d, "GET", "/containers/upd/json", nil).Body.Bytes(), &insp))
			h := insp.HostConfig
			assert.Equal(t, tc.wantMem, fmt.Sprintf("%d %d %s", h.Memory, h.MemorySwap, h.RestartPolicy.Name), "after")
		})
	}
}

// TestStartMissingProgram: a command runc cannot exec fails the start with
// dockerd's 400 (the container stays "created", with the exit code and
// error in its state), except under --init; an AutoRemove container is
// removed; an exec of such a command records 126 and says why, in a 400
// when detached or on the stdout stream when attached.
func TestStartMissingProgram(t *testing.T) {
	const runc = "failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: "
	tests := []struct {
		name     string
		cmd      string
		host     map[string]any
		wantMsg  string // "" when the start succeeds
		wantCode int
	}{
		{"not on PATH", "nosuchcmd", nil, `exec: "nosuchcmd": executable file not found in $PATH`, 127},
		{"missing path", "/nonexist/x", nil, `exec: "/nonexist/x": stat /nonexist/x: no such file or directory`, 127},
		{"directory", "/etc", nil, `exec: "/etc": permission denied`, 126},
		{"not executable", "/etc/passwd", nil, `exec: "/etc/passwd": permission denied`, 126},
		{"relative to WorkingDir", "./busybox", map[string]any{}, "", 0},
		{"on PATH", "true", nil, "", 0},
		{"absolute", "/bin/true", nil, "", 0},
		{"under init", "nosuchcmd", map[string]any{"Init": true}, "", 0},
	}
	_, c := newClient(t, mockdaemon.Config{})
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			name := fmt.Sprintf("miss%d", i)
			cfg := map[string]any{"Image": "busybox", "Cmd": []string{tc.cmd}, "WorkingDir": "/bin"}
			if tc.host != nil {
				cfg["HostConfig"] = tc.host
			}
			c.create(name, cfg)
			r := c.do("POST", "/v1.56/containers/"+name+"/start", nil)
			if tc.wantMsg == "" {
				require.Equal(t, 204, r.status, "start: %s", r.body)
				return
			}
			assert.Equal(t, 400, r.status, "start")
			assert.Equal(t, runc+tc.wantMsg+": unknown", r.message(), "start")
			var insp struct {
				State struct {
					Status   string
					ExitCode int
					Error    string
				}
			}
			require.NoError(t, json.Unmarshal(c.do("GET", "/v1.56/containers/"+name+"/json", nil).body, &insp))
			assert.Equal(t, "created", insp.State.Status)
			assert.Equal(t, tc.wantCode, insp.State.ExitCode)
			assert.Equal(t, runc+tc.wantMsg+": unknown", insp.State.Error)
		})
	}
	t.Run("AutoRemove", func(t *testing.T) {
		c.create("missrm", map[string]any{"Image": "busybox", "Cmd": []string{"nosuchcmd"}, "HostConfig": map[string]any{"AutoRemove": true}})
		r := c.do("POST", "/v1.56/containers/missrm/start", nil)
		require.Equal(t, 400, r.status, "start: %s", r.body)
		r = c.do("POST", "/v1.56/containers/missrm/wait?condition=removed", nil)
		require.Contains(t, []int{200, 404}, r.status, "wait: %s", r.body)
		assert.Equal(t, 404, c.do("GET", "/v1.56/containers/missrm/json", nil).status, "inspect after")
	})
	t.Run("exec", func(t *testing.T) {
		c.create("missexec", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "100"}})
		r := c.do("POST", "/v1.56/containers/missexec/start", nil)
		require.Equal(t, 204, r.status, "start: %s", r.body)
		const want = `OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuchcmd": executable file not found in $PATH: unknown`
		for _, detach := range []bool{true, false} {
			r := c.do("POST", "/v1.56/containers/missexec/exec", map[string]any{"Cmd": []string{"nosuchcmd"}, "AttachStdout": !detach, "AttachStderr": !detach})
			var ex struct{ Id string }
			require.NoError(t, json.Unmarshal(r.body, &ex))
			r = c.do("POST", "/v1.56/exec/"+ex.Id+"/start", map[string]any{"Detach": detach})
			if detach {
				assert.Equal(t, 400, r.status, "detached start")
				assert.Equal(t, want, r.message(), "detached start")
			} else {
				out, _ := readFrames(t, r.body)
				assert.Equal(t, want+"\r\n", out, "attached start's stdout")
			}
			var insp struct {
				Running  bool
				ExitCode int
				Pid      int
			}
			require.NoError(t, json.Unmarshal(c.do("GET", "/v1.56/exec/"+ex.Id+"/json", nil).body, &insp))
			assert.False(t, insp.Running, "detach=%v", detach)
			assert.Equal(t, 126, insp.ExitCode, "detach=%v", detach)
			assert.Zero(t, insp.Pid, "detach=%v", detach)
		}
	})
}

// TestStartEventBeforeDie: a process that ends at once still has its
// container's start (and restart) event before its die, as in dockerd.
func TestStartEventBeforeDie(t *testing.T) {
	tests := []struct {
		name string
		op   string // start or restart
		want []string
	}{
		{"start", "start", []string{"start", "die"}},
		{"restart", "restart", []string{"start", "die", "start", "restart", "die"}},
	}
	_, c := newClient(t, mockdaemon.Config{})
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for round := range 20 {
				name := fmt.Sprintf("quick%d_%d", i, round)
				id := c.create(name, map[string]any{"Image": "busybox", "Cmd": []string{"true"}})
				r := c.do("POST", "/v1.56/containers/"+name+"/start", nil)
				require.Equal(t, 204, r.status, "start: %s", r.body)
				c.do("POST", "/v1.56/containers/"+name+"/wait", nil)
				if tc.op == "restart" {
					r := c.do("POST", "/v1.56/containers/"+name+"/restart", nil)
					require.Equal(t, 204, r.status, "restart: %s", r.body)
					c.do("POST", "/v1.56/containers/"+name+"/wait", nil)
				}
				r = c.do("GET", `/v1.56/events?since=0&until=`+untilNow()+`&filters={"container":["`+id+`"],"event":["start","restart","die"]}`, nil)
				var got []string
				for _, e := range eventActions(t, r.body, nil) {
					action, _, _ := strings.Cut(e, " ")
					got = append(got, action)
				}
				require.Equal(t, tc.want, got, "round %d", round)
			}
		})
	}
}

// TestRenameOrder: like dockerd, rename finds the container before it
// checks the new name, which it reports with its slash.
func TestRenameOrder(t *testing.T) {
	d := mockdaemon.New(mockdaemon.Config{})
	defer d.Close()
	for _, n := range []string{"ren1", "ren2"} {
		rec := serve(d, "POST", "/containers/create?name="+n, []byte(`{"Image":"busybox","Cmd":["true"]}`))
		require.Equal(t, 201, rec.Code, "create: %s", rec.Body)
	}
	tests := []struct {
		name, from, to string
		wantCode       int
		wantPrefix     string
	}{
		{"missing container, bad name", "nosuch", "x", 404, "No such container: nosuch"},
		{"bad name", "ren1", "x", 400, "Error when allocating new name: Invalid container name (/x), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"},
		{"same name with slash", "ren1", "/ren1", 400, "Renaming a container with the same name as its current name"},
		{"taken", "ren1", "ren2", 409, `Error when allocating new name: Conflict. The container name "/ren2" is already in use by container`},
		{"empty", "ren1", "", 400, "Neither old nor new names may be empty"},
		{"ok", "ren1", "ren3", 204, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := serve(d, "POST", "/containers/"+tc.from+"/rename?name="+tc.to, nil)
			assert.Equal(t, tc.wantCode, rec.Code)
			assert.True(t, strings.HasPrefix(message(rec), tc.wantPrefix), "message %q, want it to start with %q", message(rec), tc.wantPrefix)
		})
	}
}

// TestAutoRemoveWaitAfterStart: dockerode's run starts, then waits; the
// container has exited by then, but like dockerd it is still there
// ("removing") and the wait answers its exit code; then it goes away.
func TestAutoRemoveWaitAfterStart(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("autorm", map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", "exit 4"}, "HostConfig": map[string]any{"AutoRemove": true}})
	r := c.do("POST", "/containers/"+id+"/start", nil)
	require.Equal(t, 204, r.status, "start: %s", r.body)
	r = c.do("POST", "/containers/"+id+"/wait", nil)
	require.Equal(t, 200, r.status, "wait after start: %s", r.body)
	require.Contains(t, string(r.body), `"StatusCode":4`, "wait after start")
	r = c.do("POST", "/containers/"+id+"/wait?condition=removed", nil)
	require.Contains(t, []int{200, 404}, r.status, "wait removed: %s", r.body)
	assert.Equal(t, 404, c.do("GET", "/containers/"+id+"/json", nil).status, "inspect after removal")
}

// TestAttachHijackAndWaitBeforeStart: an attach to a container that has
// not started yet answers 101 at once and streams its output from its
// start; a wait for next-exit made before the start returns its exit.
func TestAttachHijackAndWaitBeforeStart(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("att", map[string]any{"Image": "busybox", "Cmd": []string{"echo", "attached"}})
	var dl net.Dialer
	conn, err := dl.DialContext(t.Context(), "unix", c.sock)
	require.NoError(t, err)
	defer conn.Close()
	body := `{"Detach":false}`
	_, err = io.WriteString(conn, "POST /v1.56/containers/"+id+"/attach?stream=1&stdout=1&stderr=1 HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"+body)
	require.NoError(t, err)
	br := bufio.NewReader(conn)
	status, _ := br.ReadString('\n')
	require.True(t, strings.HasPrefix(status, "HTTP/1.1 101 UPGRADED"), "attach status %q", status)
	for {
		l, err := br.ReadString('\n')
		if err != nil || l == "\r\n" {
			break
		}
	}
	// wait next-exit before start answers headers at once
	waitDone := make(chan reply, 1)
	go func() { waitDone <- c.do("POST", "/containers/"+id+"/wait?condition=next-exit", nil) }()
	time.Sleep(50 * time.Millisecond)
	r := c.do("POST", "/containers/"+id+"/start", nil)
	require.Equal(t, 204, r.status, "start: %s", r.body)
	rest, _ := io.ReadAll(br)
	out, _ := readFrames(t, rest)
	assert.Equal(t, "attached\n", out, "attach output")
	select {
	case r := <-waitDone:
		assert.Contains(t, string(r.body), `"StatusCode":0`, "wait body")
	case <-time.After(5 * time.Second):
		require.Fail(t, "wait did not return")
	}
}

// TestWorkingDirIsAChange: dockerd makes a missing WorkingDir at create,
// in the container's own layer: it is a change (and part of a commit).
func TestWorkingDirIsAChange(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("", map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "WorkingDir": "/newdir/sub"})
	r := c.do("GET", "/v1.41/containers/"+id+"/changes", nil)
	require.Equal(t, 200, r.status)
	assert.JSONEq(t, `[{"Path":"/newdir","Kind":1},{"Path":"/newdir/sub","Kind":1}]`, string(r.body))
}

// TestStartIsNoChange: the files the daemon writes at start (/etc/hosts)
// are not the container's changes, nor do they make /etc changed: a
// container that ran `true` has none, and a build step of it no layer.
func TestStartIsNoChange(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"true"}})
	r := c.do("GET", "/v1.41/containers/"+id+"/changes", nil)
	require.Equal(t, 200, r.status)
	assert.JSONEq(t, `null`, string(r.body))
}
