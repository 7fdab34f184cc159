package mockdaemon_test

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
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
	waitDone := make(chan result, 1)
	go func() { waitDone <- c.send("POST", "/containers/"+id+"/wait?condition=next-exit", nil) }()
	time.Sleep(50 * time.Millisecond)
	r := c.do("POST", "/containers/"+id+"/start", nil)
	require.Equal(t, 204, r.status, "start: %s", r.body)
	rest, _ := io.ReadAll(br)
	out, _ := readFrames(t, rest)
	assert.Equal(t, "attached\n", out, "attach output")
	select {
	case r := <-waitDone:
		require.NoError(t, r.err, "wait")
		assert.Contains(t, string(r.body), `"StatusCode":0`, "wait body")
	case <-time.After(5 * time.Second):
		require.Fail(t, "wait did not return")
	}
}

// TestCreateStoresWhatStartFills: like dockerd, a created container has
// no sandbox, no addresses, no files and no published ports; the first
// start fills them; the exit releases the addresses and ports but keeps
// the sandbox, the network id and the files. HostConfig keeps the
// defaults dockerd stores, per the create's API version.
func TestCreateStoresWhatStartFills(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	type endpoint struct{ NetworkID, EndpointID, IPAddress, MacAddress, Gateway string }
	type inspect struct {
		HostnamePath, HostsPath, ResolvConfPath, LogPath string
		HostConfig                                       map[string]any
		NetworkSettings                                  struct {
			SandboxID, SandboxKey, IPAddress string
			Ports                            map[string]any
			Networks                         map[string]endpoint
		}
	}
	get := func(ver, id string) inspect {
		var in inspect
		r := c.do("GET", "/"+ver+"/containers/"+id+"/json", nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		require.NoError(t, json.Unmarshal(r.body, &in))
		return in
	}
	r := c.do("POST", "/v1.41/containers/create", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"}, "ExposedPorts": map[string]any{"80/tcp": map[string]any{}}})
	require.Equal(t, 201, r.status, "%s", r.body)
	var out struct{ Id string }
	require.NoError(t, json.Unmarshal(r.body, &out))
	id := out.Id

	created := get("v1.41", id)
	assert.Empty(t, created.HostnamePath)
	assert.Empty(t, created.HostsPath)
	assert.Empty(t, created.ResolvConfPath)
	assert.Empty(t, created.LogPath)
	assert.Empty(t, created.NetworkSettings.SandboxID)
	assert.Empty(t, created.NetworkSettings.SandboxKey)
	assert.Empty(t, created.NetworkSettings.IPAddress)
	assert.Empty(t, created.NetworkSettings.Ports, "no ports before the start")
	assert.Equal(t, endpoint{}, created.NetworkSettings.Networks["bridge"], "only the endpoint's configuration before the start")
	hc := created.HostConfig
	assert.NotContains(t, hc, "Runtime", "no HostConfig at create: the runtime is set at start (1.41)")
	assert.Equal(t, map[string]any{"Name": "", "MaximumRetryCount": float64(0)}, hc["RestartPolicy"])
	assert.Equal(t, false, hc["OomKillDisable"])
	assert.Nil(t, hc["PortBindings"])
	assert.Contains(t, hc, "KernelMemory", "1.41 shows the kernel memory limits")
	assert.Contains(t, hc, "KernelMemoryTCP")
	assert.NotContains(t, get("v1.42", id).HostConfig, "KernelMemory", "omitted when unset from 1.42")

	require.Equal(t, 204, c.do("POST", "/v1.41/containers/"+id+"/start", nil).status)
	running := get("v1.41", id)
	assert.NotEmpty(t, running.HostnamePath)
	assert.NotEmpty(t, running.HostsPath)
	assert.NotEmpty(t, running.ResolvConfPath)
	assert.NotEmpty(t, running.LogPath)
	assert.Equal(t, "runc", running.HostConfig["Runtime"])
	assert.Len(t, running.NetworkSettings.SandboxID, 64)
	assert.Equal(t, "/var/run/docker/netns/"+running.NetworkSettings.SandboxID[:12], running.NetworkSettings.SandboxKey)
	assert.NotEqual(t, id, running.NetworkSettings.SandboxID)
	ep := running.NetworkSettings.Networks["bridge"]
	assert.NotEmpty(t, ep.NetworkID)
	assert.NotEmpty(t, ep.EndpointID)
	assert.NotEmpty(t, ep.IPAddress)
	assert.NotEmpty(t, ep.MacAddress)
	assert.Equal(t, ep.IPAddress, running.NetworkSettings.IPAddress)
	assert.Equal(t, map[string]any{"80/tcp": nil}, running.NetworkSettings.Ports, "an exposed port shows while it runs")
	hosts := c.do("GET", "/v1.41/containers/"+id+"/archive?path=/etc/hosts", nil)
	require.Equal(t, 200, hosts.status)
	assert.Contains(t, tarFile(t, hosts.body, "hosts"), ep.IPAddress, "/etc/hosts names the address of the start")

	require.Equal(t, 204, c.do("POST", "/v1.41/containers/"+id+"/stop?t=0", nil).status)
	stopped := get("v1.41", id)
	assert.Equal(t, running.NetworkSettings.SandboxID, stopped.NetworkSettings.SandboxID, "the sandbox id stays")
	assert.Equal(t, running.HostsPath, stopped.HostsPath)
	assert.Equal(t, endpoint{NetworkID: ep.NetworkID}, stopped.NetworkSettings.Networks["bridge"], "the exit releases all but the network id")
	assert.Empty(t, stopped.NetworkSettings.Ports)

	require.Equal(t, 204, c.do("POST", "/v1.41/containers/"+id+"/start", nil).status)
	again := get("v1.41", id)
	assert.NotEqual(t, running.NetworkSettings.SandboxID, again.NetworkSettings.SandboxID, "a new sandbox for each start")
	assert.NotEqual(t, ep.EndpointID, again.NetworkSettings.Networks["bridge"].EndpointID, "a new endpoint for each start")

	newer := c.create("", map[string]any{"Image": "busybox", "HostConfig": map[string]any{}})
	hc = get("v1.56", newer).HostConfig
	assert.Equal(t, "runc", hc["Runtime"], "a HostConfig given: the runtime is set at create")
	assert.NotContains(t, hc, "KernelMemoryTCP", "gone from 1.52")
	hc44 := c.create("", map[string]any{"Image": "busybox"})
	assert.Equal(t, "no", get("v1.56", hc44).HostConfig["RestartPolicy"].(map[string]any)["Name"], "dockerd 25 (1.44) stores the default policy")
}

// TestFieldsFollowTheAPIVersion: a field shows only to the API versions
// that have it (DNSNames from 1.44, GwPriority from 1.48, EnableIPv4 from
// 1.47), and 1.41's HostConfig still has the kernel memory limits.
func TestFieldsFollowTheAPIVersion(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("", map[string]any{"Image": "busybox"})
	tests := []struct {
		path, field string
		since       string // "" for a field 1.41 has and 1.56 does not
	}{
		{"/containers/" + id + "/json", "NetworkSettings.Networks.bridge.DNSNames", "1.44"},
		{"/containers/" + id + "/json", "NetworkSettings.Networks.bridge.GwPriority", "1.48"},
		{"/containers/json?all=1", "0.NetworkSettings.Networks.bridge.GwPriority", "1.48"},
		{"/networks/bridge", "EnableIPv4", "1.47"},
		{"/networks", "0.EnableIPv4", "1.47"},
		{"/containers/" + id + "/json", "HostConfig.KernelMemory", ""},
		{"/containers/" + id + "/json", "NetworkSettings.HairpinMode", ""},
	}
	has := func(ver, path, field string) bool {
		r := c.do("GET", "/v"+ver+path, nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		var v any
		require.NoError(t, json.Unmarshal(r.body, &v))
		for _, k := range strings.Split(field, ".") {
			switch x := v.(type) {
			case map[string]any:
				var ok bool
				if v, ok = x[k]; !ok {
					return false
				}
			case []any:
				i, err := strconv.Atoi(k)
				require.NoError(t, err)
				require.Greater(t, len(x), i)
				v = x[i]
			default:
				return false
			}
		}
		return true
	}
	for _, tc := range tests {
		if tc.since == "" {
			assert.True(t, has("1.41", tc.path, tc.field), "%s %s at 1.41", tc.path, tc.field)
			assert.False(t, has("1.56", tc.path, tc.field), "%s %s at 1.56", tc.path, tc.field)
			continue
		}
		v, err := strconv.ParseFloat(tc.since, 64)
		require.NoError(t, err)
		before := strconv.FormatFloat(v-0.01, 'f', 2, 64)
		assert.False(t, has(before, tc.path, tc.field), "%s %s at %s", tc.path, tc.field, before)
		assert.True(t, has(tc.since, tc.path, tc.field), "%s %s at %s", tc.path, tc.field, tc.since)
	}
}

// TestEnvWithoutEquals: like dockerd, Config.Env keeps the request's
// entries as given (one without "=" too) before the image's, and the
// process gets the variables with a value only: an entry without "="
// unsets its variable.
func TestEnvWithoutEquals(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"env"}, "Env": []string{"WITH=value", "NOEQUALS", "EMPTY=", "HOSTNAME"}})
	var in struct{ Config struct{ Env []string } }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/containers/"+id+"/json", nil).body, &in))
	require.GreaterOrEqual(t, len(in.Config.Env), 4)
	assert.Equal(t, []string{"WITH=value", "NOEQUALS", "EMPTY=", "HOSTNAME"}, in.Config.Env[:4], "the request's entries first, as given")
	assert.Contains(t, in.Config.Env, "PATH="+"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "then the image's")
	stdout, _ := readFrames(t, c.do("GET", "/containers/"+id+"/logs?stdout=1", nil).body)
	vars := strings.Split(strings.TrimSpace(stdout), "\n")
	assert.Contains(t, vars, "WITH=value")
	assert.Contains(t, vars, "EMPTY=")
	assert.Contains(t, vars, "HOME=/root", "runc's HOME from passwd")
	for _, v := range vars {
		assert.NotContains(t, []string{"NOEQUALS", "NOEQUALS="}, v, "an entry without = sets nothing")
		assert.False(t, strings.HasPrefix(v, "HOSTNAME="), "an entry without = unsets the default: %s", v)
	}
}

// TestCreateErrorsLikeDockerd: create checks in dockerd's order (the
// HostConfig, the image, the command, then the name), with 20.10's
// wording and statuses at API 1.41 and the newer ones after.
func TestCreateErrorsLikeDockerd(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	raw := func(ver, body string) reply {
		req, err := http.NewRequestWithContext(t.Context(), "POST", "http://docker/v"+ver+"/containers/create?name=a/b", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		resp, err := c.hc.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return reply{resp.StatusCode, resp.Header, b}
	}
	for _, tc := range []struct {
		ver, body string
		status    int
		want      string
	}{
		{"1.41", ``, 500, "EOF"},
		{"1.56", ``, 400, "invalid JSON: got EOF while reading request body"},
		{"1.41", `{"Image":`, 500, "unexpected EOF"},
		{"1.56", `{"Image":`, 400, "invalid JSON: unexpected EOF"},
		{"1.41", `{}`, 400, "Config cannot be empty in order to create a container"},
		{"1.56", `{"HostConfig":{}}`, 400, "config cannot be empty in order to create a container"},
		{"1.41", `{"Image":"nosuch","HostConfig":{"RestartPolicy":{"Name":"bogus"}}}`, 400, "invalid restart policy 'bogus'"},
		{"1.56", `{"Image":"nosuch","HostConfig":{"RestartPolicy":{"Name":"bogus"}}}`, 400, "invalid restart policy: unknown policy 'bogus'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'"},
		{"1.41", `{"Image":"busybox","HostConfig":{"RestartPolicy":{"Name":"always","MaximumRetryCount":2}}}`, 400, "maximum retry count cannot be used with restart policy 'always'"},
		{"1.41", `{"Image":"nosuch"}`, 404, "No such image: nosuch:latest"},
		{"1.41", `{"Labels":{}}`, 400, "No command specified"},
		{"1.41", `{"Image":"busybox","Cmd":["true"]}`, 400, "Invalid container name (a/b), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"},
	} {
		r := raw(tc.ver, tc.body)
		assert.Equal(t, tc.status, r.status, "%s %s: %s", tc.ver, tc.body, r.body)
		assert.Equal(t, tc.want, r.message(), "%s %s", tc.ver, tc.body)
	}
	r := c.do("POST", "/v1.41/containers/create", map[string]any{"Cmd": []string{"true"}})
	assert.Equal(t, 201, r.status, "no image: dockerd 20.10 makes the container: %s", r.body)
}

// TestLifecycleErrorsLikeDockerd: the errors of the lifecycle operations
// have 20.10's wording (and statuses) at API 1.41, the newer ones after;
// a restart by the API does not count in RestartCount.
func TestLifecycleErrorsLikeDockerd(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	run := c.create("dwrun", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"}})
	require.Equal(t, 204, c.do("POST", "/containers/"+run+"/start", nil).status)
	stopped := c.create("dwstopped", map[string]any{"Image": "busybox", "Cmd": []string{"true"}})
	for _, tc := range []struct {
		method, path string
		status41     int
		want41       string
		status56     int
		want56       string
	}{
		{"POST", "/containers/dwstopped/kill", 409, "Cannot kill container: dwstopped: Container " + stopped + " is not running", 409, "cannot kill container: dwstopped: container " + stopped + " is not running"},
		{"POST", "/containers/dwstopped/pause", 409, "Container " + stopped + " is not running", 409, "container " + stopped + " is not running"},
		{"GET", "/containers/dwstopped/top", 409, "Container " + stopped + " is not running", 409, "container " + stopped + " is not running"},
		{"POST", "/containers/dwrun/unpause", 500, "Container " + run + " is not paused", 409, "container " + run + " is not paused"},
		{"DELETE", "/containers/dwrun", 409, "You cannot remove a running container " + run + ". Stop the container before attempting removal or force remove", 409, `cannot remove container "/dwrun": container is running: stop the container before removing or force remove`},
	} {
		r := c.do(tc.method, "/v1.41"+tc.path, nil)
		assert.Equal(t, tc.status41, r.status, "1.41 %s %s", tc.method, tc.path)
		assert.Equal(t, tc.want41, r.message(), "1.41 %s %s", tc.method, tc.path)
		r = c.do(tc.method, "/v1.56"+tc.path, nil)
		assert.Equal(t, tc.status56, r.status, "1.56 %s %s", tc.method, tc.path)
		assert.Equal(t, tc.want56, r.message(), "1.56 %s %s", tc.method, tc.path)
	}
	require.Equal(t, 204, c.do("POST", "/containers/dwrun/pause", nil).status)
	r := c.do("POST", "/v1.41/containers/dwrun/pause", nil)
	assert.Equal(t, "Container "+run+" is already paused", r.message())
	require.Equal(t, 204, c.do("POST", "/containers/dwrun/unpause", nil).status)

	require.Equal(t, 204, c.do("POST", "/containers/dwrun/restart?t=0", nil).status)
	var in struct{ RestartCount int }
	require.NoError(t, json.Unmarshal(c.do("GET", "/containers/dwrun/json", nil).body, &in))
	assert.Zero(t, in.RestartCount, "a restart by the API is not the restart policy's")
}

// TestWaitUnknownCondition: dockerd 20.10 (API 1.41) does not check the
// condition of a wait and waits for the container to stop; from 1.42 an
// unknown condition is a 400.
func TestWaitUnknownCondition(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", "exit 3"}})
	r := c.do("POST", "/v1.41/containers/"+id+"/wait?condition=bogus", nil)
	assert.Equal(t, 200, r.status)
	assert.JSONEq(t, `{"StatusCode":3,"Error":null}`, string(r.body))
	r = c.do("POST", "/v1.42/containers/"+id+"/wait?condition=bogus", nil)
	assert.Equal(t, 400, r.status)
	assert.Equal(t, `invalid condition: "bogus"`, r.message())
}

// TestContainerListLikeDockerd: a name filter is a regexp found in the
// name with or without its "/" (one that does not compile matches
// nothing); filters that are not JSON are 20.10's 500 at API 1.41 and a
// 400 after; unknown filters have each version's wording; Command quotes
// the arguments with a space; SizeRw is omitted when 0 or not asked for.
func TestContainerListLikeDockerd(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	c.create("lx", map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", "echo a b", "x"}})
	c.create("lx-peer", map[string]any{"Image": "busybox", "Cmd": []string{"true"}})
	names := func(filter string) []string {
		r := c.do("GET", "/v1.41/containers/json?all=1&filters="+url.QueryEscape(`{"name":["`+filter+`"]}`), nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		var list []struct{ Names []string }
		require.NoError(t, json.Unmarshal(r.body, &list))
		var out []string
		for _, l := range list {
			out = append(out, l.Names...)
		}
		slices.Sort(out)
		return out
	}
	assert.Equal(t, []string{"/lx"}, names("^/lx$"))
	assert.Equal(t, []string{"/lx"}, names("^lx$"))
	assert.Equal(t, []string{"/lx", "/lx-peer"}, names("lx"))
	assert.Equal(t, []string{"/lx-peer"}, names("x-p"))
	assert.Empty(t, names("[lx"), "a value that does not compile matches nothing")

	r := c.do("GET", "/v1.41/containers/json?filters=notjson", nil)
	assert.Equal(t, 500, r.status)
	assert.Equal(t, "invalid character 'o' in literal null (expecting 'u')", r.message())
	r = c.do("GET", "/v1.56/containers/json?filters=notjson", nil)
	assert.Equal(t, 400, r.status)
	assert.Equal(t, "invalid filter", r.message())
	r = c.do("GET", "/v1.41/containers/json?filters="+url.QueryEscape(`{"nosuch":["x"]}`), nil)
	assert.Equal(t, "Invalid filter 'nosuch'", r.message())
	r = c.do("GET", "/v1.56/containers/json?filters="+url.QueryEscape(`{"status":["nosuch"]}`), nil)
	assert.Equal(t, "invalid filter 'status=nosuch'", r.message())

	for _, size := range []string{"", "&size=1"} {
		r = c.do("GET", "/v1.41/containers/json?all=1"+size+"&filters="+url.QueryEscape(`{"name":["^lx$"]}`), nil)
		var list []map[string]any
		require.NoError(t, json.Unmarshal(r.body, &list))
		require.Len(t, list, 1)
		assert.Equal(t, "sh -c 'echo a b' x", list[0]["Command"])
		assert.NotContains(t, list[0], "SizeRw", "size %q: nothing written", size)
	}
}

// TestContainerFilesLikeDockerd: the daemon's /etc files are mounts, as
// on dockerd (removing one is "Resource busy", and they are no change of
// the container); a fresh container has no changes (null); its rootfs has
// dockerd's init layer; the none log driver cannot be read (501); an
// exited container's health is unhealthy.
func TestContainerFilesLikeDockerd(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	fresh := c.create("", map[string]any{"Image": "busybox"})
	r := c.do("GET", "/containers/"+fresh+"/changes", nil)
	assert.Equal(t, "null\n", string(r.body), "no changes")
	names := tarNames(t, c.do("GET", "/containers/"+fresh+"/export", nil).body)
	for _, p := range []string{".dockerenv", "etc/hostname", "etc/hosts", "etc/resolv.conf", "etc/mtab", "dev/console"} {
		assert.Contains(t, names, p, "init layer")
	}

	id := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", "touch /newfile; rm /etc/hostname; cat /etc/hostname"},
		"Healthcheck": map[string]any{"Test": []string{"CMD", "true"}, "Interval": 3600e9}})
	stdout, stderr := readFrames(t, c.do("GET", "/containers/"+id+"/logs?stdout=1&stderr=1", nil).body)
	assert.Equal(t, id[:12]+"\n", stdout)
	assert.Contains(t, stderr, "busy") // busybox (musl) says "Resource busy"
	var changes []struct {
		Path string
		Kind int
	}
	require.NoError(t, json.Unmarshal(c.do("GET", "/containers/"+id+"/changes", nil).body, &changes))
	assert.Equal(t, []struct {
		Path string
		Kind int
	}{{"/newfile", 1}}, changes)
	var in struct {
		State struct{ Health struct{ Status string } }
	}
	require.NoError(t, json.Unmarshal(c.do("GET", "/containers/"+id+"/json", nil).body, &in))
	assert.Equal(t, "unhealthy", in.State.Health.Status, "dockerd marks it unhealthy when the container stops")

	none := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"echo", "x"}, "HostConfig": map[string]any{"LogConfig": map[string]any{"Type": "none"}}})
	r = c.do("GET", "/containers/"+none+"/logs?stdout=1", nil)
	assert.Equal(t, 501, r.status)
	assert.Equal(t, "configured logging driver does not support reading", r.message())
}

func tarNames(t *testing.T, b []byte) []string {
	t.Helper()
	var names []string
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return names
		}
		require.NoError(t, err)
		names = append(names, strings.TrimSuffix(h.Name, "/"))
	}
}

// TestArchiveErrorsLikeDockerd: archive errors name the container as the
// request does; HEAD answers the path stat without a Content-Type; a body
// that is not a tar fails as dockerd's unpacker does (a 500), and so does
// a file as the extraction point on 20.10 (1.41).
func TestArchiveErrorsLikeDockerd(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("arch", map[string]any{"Image": "busybox", "Cmd": []string{"true"}})
	for _, ref := range []string{"arch", id} {
		r := c.do("GET", "/containers/"+ref+"/archive?path=/nosuch", nil)
		assert.Equal(t, 404, r.status)
		assert.Equal(t, "Could not find the file /nosuch in container "+ref, r.message())
	}
	r := c.do("HEAD", "/containers/arch/archive?path=/etc", nil)
	assert.Equal(t, 200, r.status)
	assert.NotEmpty(t, r.header.Get("X-Docker-Container-Path-Stat"))
	assert.Empty(t, r.header.Get("Content-Type"))

	put := func(ver, path string, body []byte) reply {
		req, err := http.NewRequestWithContext(t.Context(), "PUT", "http://docker/v"+ver+"/containers/arch/archive?path="+path, bytes.NewReader(body))
		require.NoError(t, err)
		resp, err := c.hc.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return reply{resp.StatusCode, resp.Header, b}
	}
	r = put("1.41", "/tmp", []byte("not a tar at all"))
	assert.Equal(t, 500, r.status)
	assert.Equal(t, "Error processing tar file(exit status 1): unexpected EOF", r.message())
	tarball := tarOf(t, map[string]string{"y": "y"})
	r = put("1.41", "/etc/passwd", tarball)
	assert.Equal(t, 500, r.status, "%s", r.body)
	assert.Equal(t, "extraction point is not a directory", r.message())
	assert.Equal(t, 400, put("1.56", "/etc/passwd", tarball).status)
}

// TestStatsLikeDockerd: stream=false of a running container primes
// itself with the collector's next sample and answers the one after it,
// with the first as precpu_stats; one-shot answers
// the first, with no previous sample; a container that does not run has
// dockerd's empty document, and a stream of it stays silent until it
// runs.
func TestStatsLikeDockerd(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("st", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"}})
	type sample struct {
		Read, Preread string
		CPU           map[string]any `json:"cpu_stats"`
		PreCPU        map[string]any `json:"precpu_stats"`
		Memory        map[string]any `json:"memory_stats"`
		Networks      map[string]any
		Pids          map[string]any `json:"pids_stats"`
	}
	get := func(query string) sample {
		var s sample
		r := c.do("GET", "/v1.41/containers/st/stats?"+query, nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		require.NoError(t, json.Unmarshal(r.body, &s), "%s", r.body)
		return s
	}
	empty := get("stream=false")
	assert.Equal(t, "0001-01-01T00:00:00Z", empty.Read)
	assert.Empty(t, empty.Memory)
	assert.Empty(t, empty.Pids)
	assert.Nil(t, empty.Networks)
	assert.NotContains(t, empty.CPU, "system_cpu_usage")

	// a stream of a created container says nothing until it starts
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", "http://docker/v1.41/containers/st/stats", nil)
	require.NoError(t, err)
	resp, err := c.hc.Do(req)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Empty(t, b, "no sample of a container that does not run")

	require.Equal(t, 204, c.do("POST", "/containers/"+id+"/start", nil).status)
	two := get("stream=false")
	assert.Contains(t, two.PreCPU, "system_cpu_usage", "a real previous sample")
	assert.Contains(t, two.PreCPU, "online_cpus")
	read, err := time.Parse(time.RFC3339Nano, two.Read)
	require.NoError(t, err)
	pre, err := time.Parse(time.RFC3339Nano, two.Preread)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, read.Sub(pre), time.Second, "the collector's next sample, a second after the first")
	assert.Less(t, read.Sub(pre), 2*time.Second)
	assert.Positive(t, two.PreCPU["cpu_usage"].(map[string]any)["total_usage"], "the previous sample is of the running process")
	for _, mode := range []string{"usage_in_kernelmode", "usage_in_usermode"} {
		// cpuacct.stat counts in ticks of 10 ms: a sleeping process has 0
		ns := two.CPU["cpu_usage"].(map[string]any)[mode].(float64)
		assert.Zero(t, int64(ns)%10_000_000, "%s %v is whole ticks", mode, ns)
	}
	assert.NotContains(t, two.Pids, "limit", "no pids limit set")
	one := get("stream=false&one-shot=true")
	assert.NotContains(t, one.PreCPU, "system_cpu_usage", "one-shot: no previous sample")
	assert.Equal(t, "0001-01-01T00:00:00Z", one.Preread)
}

// TestSandboxFilesAndListedSources: a container without a network
// sandbox (NetworkDisabled) gets a hostname file but no hosts or
// resolv.conf of its own, as dockerd 20.10 gives it; the container list
// shows the Source dockerd records for a mount point, none for a volume of
// Config.Volumes, whose path only inspect shows.
func TestSandboxFilesAndListedSources(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	type inspect struct {
		HostnamePath, HostsPath, ResolvConfPath string
		Mounts                                  []struct{ Destination, Source string }
	}
	get := func(id string) inspect {
		var v inspect
		r := c.do("GET", "/v1.41/containers/"+id+"/json", nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		require.NoError(t, json.Unmarshal(r.body, &v))
		return v
	}
	off := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "NetworkDisabled": true})
	v := get(off)
	assert.NotEmpty(t, v.HostnamePath)
	assert.Empty(t, v.HostsPath, "no sandbox, no hosts file")
	assert.Empty(t, v.ResolvConfPath, "no sandbox, no resolv.conf")
	on := get(c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"true"}}))
	assert.NotEmpty(t, on.HostsPath)
	assert.NotEmpty(t, on.ResolvConfPath)

	id := c.create("srcs", map[string]any{"Image": "busybox", "Volumes": map[string]any{"/vol": map[string]any{}},
		"HostConfig": map[string]any{"Binds": []string{"srcs-named:/named"}}})
	sources := map[string]string{}
	for _, m := range get(id).Mounts {
		sources[m.Destination] = m.Source
	}
	assert.NotEmpty(t, sources["/vol"], "inspect shows the volume's path")
	assert.NotEmpty(t, sources["/named"])
	var list []struct {
		Id     string
		Mounts []struct{ Destination, Source string }
	}
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/containers/json?all=1", nil).body, &list))
	listed := map[string]string{}
	for _, e := range list {
		if e.Id == id {
			for _, m := range e.Mounts {
				listed[m.Destination] = m.Source
			}
		}
	}
	require.Len(t, listed, 2)
	assert.Empty(t, listed["/vol"], "the list: no recorded Source")
	assert.Equal(t, sources["/named"], listed["/named"])
}

// TestStartUnknownUser: a user or group the container's /etc/passwd and
// /etc/group do not know fails the start with dockerd's 500; the container
// stays "created" with the error and exit code 128, which wait reports.
func TestStartUnknownUser(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	for _, tc := range []struct{ user, msg string }{
		{"nosuchuser", "unable to find user nosuchuser: no matching entries in passwd file"},
		{"0:nosuchgroup", "unable to find group nosuchgroup: no matching entries in group file"},
	} {
		id := c.create("", map[string]any{"Image": "busybox", "Cmd": []string{"id"}, "User": tc.user})
		r := c.do("POST", "/v1.56/containers/"+id+"/start", nil)
		assert.Equal(t, 500, r.status, tc.user)
		assert.Equal(t, tc.msg, r.message())
		var insp struct {
			State struct {
				Status   string
				ExitCode int
				Error    string
			}
		}
		require.NoError(t, json.Unmarshal(c.do("GET", "/v1.56/containers/"+id+"/json", nil).body, &insp))
		assert.Equal(t, "created", insp.State.Status, tc.user)
		assert.Equal(t, 128, insp.State.ExitCode, tc.user)
		assert.Equal(t, tc.msg, insp.State.Error, tc.user)
		r = c.do("POST", "/v1.56/containers/"+id+"/wait", nil)
		assert.JSONEq(t, `{"StatusCode":128,"Error":{"Message":`+strconv.Quote(tc.msg)+`}}`, string(r.body), tc.user)
	}
	id := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"id"}, "User": "1234"})
	stdout, _ := readFrames(t, c.do("GET", "/v1.56/containers/"+id+"/logs?stdout=1", nil).body)
	assert.Equal(t, "uid=1234 gid=0(root) groups=0(root)\n", stdout, "a number needs no entry; the group is root's")
	r := c.do("POST", "/v1.56/containers/"+id+"/wait", nil)
	assert.JSONEq(t, `{"StatusCode":0,"Error":null}`, string(r.body))
}

// TestAttachDetachKeys: with a TTY the container's terminal echoes what
// an attach types, and the detach keys (ctrl-p,ctrl-q, or ?detachKeys=)
// end the attach, not the container; other keys are input.
func TestAttachDetachKeys(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("", map[string]any{"Image": "busybox", "Cmd": []string{"cat"}, "Tty": true, "OpenStdin": true})
	require.Equal(t, 204, c.do("POST", "/v1.56/containers/"+id+"/start", nil).status)
	t.Cleanup(func() { c.do("DELETE", "/containers/"+id+"?force=1", nil) })

	s := c.hijack("/v1.56/containers/"+id+"/attach?stream=1&stdin=1&stdout=1&stderr=1", "", true)
	s.send("hello\n")
	s.until("hello\r\nhello\r\n")
	s.send("\x10\x11")
	out, open := s.rest(5 * time.Second)
	assert.False(t, open, "ctrl-p,ctrl-q ends the attach")
	assert.Empty(t, out)

	s = c.hijack("/v1.56/containers/"+id+"/attach?stream=1&stdin=1&stdout=1&stderr=1&detachKeys=ctrl-a,a", "", true)
	s.send("\x10\x11")
	s.until("^P")
	s.send("\x01a")
	out, open = s.rest(5 * time.Second)
	assert.False(t, open, "the keys of ?detachKeys= end it")
	assert.Empty(t, out)

	var insp struct{ State struct{ Running bool } }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.56/containers/"+id+"/json", nil).body, &insp))
	assert.True(t, insp.State.Running, "a detach leaves the container running")
	logs := c.do("GET", "/v1.56/containers/"+id+"/logs?stdout=1", nil).body
	assert.Equal(t, "hello\r\nhello\r\n^P", string(logs), "the echo is output of the container")
	r := c.do("GET", "/v1.56/events?since=0&until="+untilNow()+`&filters={"event":["detach"]}`, nil)
	assert.Len(t, eventActions(t, r.body, nil), 2, "each detach is an event")
}

// TestAttachRefused: an attach that cannot begin is answered as dockerd
// does, before any stream: a bare status line, the raw-stream type and
// the message as a line.
func TestAttachRefused(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	c.create("att-paused", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "600"}})
	require.Equal(t, 204, c.do("POST", "/v1.56/containers/att-paused/start", nil).status)
	t.Cleanup(func() { c.do("DELETE", "/containers/att-paused?force=1", nil) })
	require.Equal(t, 204, c.do("POST", "/v1.56/containers/att-paused/pause", nil).status)
	for _, tc := range []struct {
		path, head, body string
	}{
		{"/v1.56/containers/nosuch/attach?stream=1", "HTTP/1.1 404 Not Found", "No such container: nosuch"},
		{"/v1.56/containers/att-paused/attach?stream=1&detachKeys=bogus", "HTTP/1.1 400 Bad Request", "Invalid detach keys (bogus) provided"},
		{"/v1.56/containers/att-paused/attach?stream=1", "HTTP/1.1 409 Conflict", "container att-paused is paused, unpause the container before attach"},
	} {
		for _, up := range []bool{true, false} {
			s := c.hijack(tc.path, "", up)
			assert.Equal(t, tc.head+"\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\n", s.head, tc.path)
			out, open := s.rest(5 * time.Second)
			assert.False(t, open)
			assert.Equal(t, tc.body+"\r\n", out, tc.path)
		}
	}
}

// TestAttachStdinEnd: the end of an attach's input ends the attach (the
// container runs on), except without a TTY and with StdinOnce, where it
// closes the container's stdin and the stream shows the rest.
func TestAttachStdinEnd(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	for _, tc := range []struct {
		name        string
		cfg         map[string]any
		echo, after string // what the input brings back; what comes after its end
		running     bool
	}{
		{"stdin once", map[string]any{"StdinOnce": true}, "x\n", "end=0\n", false},
		{"stdin open", map[string]any{}, "x\n", "", true},
		{"tty and stdin once", map[string]any{"StdinOnce": true, "Tty": true}, "x\r\nx\r\n", "", true},
	} {
		cfg := tc.cfg
		cfg["Image"], cfg["Cmd"], cfg["OpenStdin"] = "busybox", []string{"sh", "-c", "cat; echo end=$?"}, true
		id := c.create("", cfg)
		require.Equal(t, 204, c.do("POST", "/v1.56/containers/"+id+"/start", nil).status)
		t.Cleanup(func() { c.do("DELETE", "/containers/"+id+"?force=1", nil) })
		s := c.hijack("/v1.56/containers/"+id+"/attach?stream=1&stdin=1&stdout=1&stderr=1", "", true)
		s.send("x\n")
		s.until(tc.echo) // output still in flight when an attach's input ends may be lost, as on dockerd
		s.closeWrite()
		out, open := s.rest(5 * time.Second)
		assert.False(t, open, tc.name)
		if cfg["Tty"] != true {
			out, _ = readFrames(t, []byte(out))
		}
		assert.Equal(t, tc.after, out, tc.name)
		var insp struct{ State struct{ Running bool } }
		require.NoError(t, json.Unmarshal(c.do("GET", "/v1.56/containers/"+id+"/json", nil).body, &insp))
		assert.Equal(t, tc.running, insp.State.Running, tc.name)
	}
}

// TestAttachLogsWhileStarting: attach?logs=1&stream=1 made as the
// container starts sends each line once.
func TestAttachLogsWhileStarting(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	for i := range 10 {
		id := c.create("", map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", "echo one; sleep 0.2; echo two"}})
		started := make(chan result, 1)
		go func() {
			time.Sleep(time.Duration(i) * 3 * time.Millisecond)
			started <- c.send("POST", "/v1.56/containers/"+id+"/start", nil)
		}()
		s := c.hijack("/v1.56/containers/"+id+"/attach?logs=1&stream=1&stdout=1&stderr=1", "", true)
		r := <-started
		require.NoError(t, r.err, "start")
		require.Equal(t, 204, r.status, "start: %s", r.body)
		out, _ := s.rest(5 * time.Second)
		stdout, _ := readFrames(t, []byte(out))
		assert.Equal(t, "one\ntwo\n", stdout, "start %d ms after the attach", 3*i)
	}
}

// TestContainerTerminal: a Tty container's process reads from a terminal:
// without OpenStdin nothing types into it and a read waits (cat runs on),
// test -t is true, and ^C reaches a process that traps it.
func TestContainerTerminal(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("", map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", "test -t 0 && test -t 1 && echo tty; cat; echo end"}, "Tty": true})
	require.Equal(t, 204, c.do("POST", "/v1.56/containers/"+id+"/start", nil).status)
	t.Cleanup(func() { c.do("DELETE", "/containers/"+id+"?force=1", nil) })
	time.Sleep(200 * time.Millisecond)
	var insp struct{ State struct{ Running bool } }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.56/containers/"+id+"/json", nil).body, &insp))
	assert.True(t, insp.State.Running, "cat waits on a terminal nobody types into")
	assert.Equal(t, "tty\r\n", string(c.do("GET", "/v1.56/containers/"+id+"/logs?stdout=1", nil).body))

	id = c.create("", map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", "trap 'echo interrupted; exit 3' INT; while true; do sleep 0.05; done"}, "Tty": true, "OpenStdin": true})
	require.Equal(t, 204, c.do("POST", "/v1.56/containers/"+id+"/start", nil).status)
	t.Cleanup(func() { c.do("DELETE", "/containers/"+id+"?force=1", nil) })
	s := c.hijack("/v1.56/containers/"+id+"/attach?stream=1&stdin=1&stdout=1&stderr=1", "", true)
	s.send("\x03")
	out, open := s.rest(5 * time.Second)
	require.False(t, open, "the container ended: %q", out)
	assert.Equal(t, "^Cinterrupted\r\n", out)
	r := c.do("POST", "/v1.56/containers/"+id+"/wait", nil)
	assert.Contains(t, string(r.body), `"StatusCode":3`)
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

// TestArchiveRootNamedAsGiven: GET archive names the stream's root by the
// path's base as given, as dockerd's rebase does: "dir/." is the
// directory's content under "./", "dir/" and "dir/sub/.." are "dir", and
// the path stat names "."; extracting into a read-only rootfs is
// dockerd 20.10's untyped 500 (API 1.41).
func TestArchiveRootNamedAsGiven(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("arn", map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", "mkdir -p /srv/d/sub; echo f > /srv/d/f; echo a > /srv/d/sub/a"}})
	require.Equal(t, 204, c.do("POST", "/v1.41/containers/"+id+"/start", nil).status)
	require.Equal(t, 200, c.do("POST", "/v1.41/containers/"+id+"/wait", nil).status)
	for path, want := range map[string][]string{
		"/srv/d/.":      {".", "./f", "./sub", "./sub/a"},
		"/srv/d/":       {"d", "d/f", "d/sub", "d/sub/a"},
		"/srv/d/sub/..": {"d", "d/f", "d/sub", "d/sub/a"},
		"/srv/d/./sub":  {"sub", "sub/a"},
	} {
		r := c.do("GET", "/v1.41/containers/arn/archive?path="+url.QueryEscape(path), nil)
		require.Equal(t, 200, r.status, "%s: %s", path, r.body)
		assert.Equal(t, want, tarNames(t, r.body), "archive of %s", path)
		var st struct{ Name string }
		b, err := base64.StdEncoding.DecodeString(r.header.Get("X-Docker-Container-Path-Stat"))
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, &st))
		assert.Equal(t, want[0], st.Name, "stat name of %s", path)
	}
	ro := c.create("arnro", map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "HostConfig": map[string]any{"ReadonlyRootfs": true}})
	tarball := tarOf(t, map[string]string{"x": "x"})
	for ver, status := range map[string]int{"1.41": 500, "1.56": 403} {
		req, err := http.NewRequestWithContext(t.Context(), "PUT", "http://docker/v"+ver+"/containers/"+ro+"/archive?path=/tmp", bytes.NewReader(tarball))
		require.NoError(t, err)
		resp, err := c.hc.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, status, resp.StatusCode, "read-only rootfs at %s", ver)
	}
}

// TestWaitOnAFailedStartLikeDockerd: the waits pending when a start fails
// get the exit code and no error (dockerd notifies them before it
// records the error: docker run --rm of a missing command prints no
// "Error waiting for container"), a wait that comes after gets State.Error;
// an entrypoint of [""] is no entrypoint, not even the image's (docker run
// --entrypoint ”). Recorded on dockerd 20.10.
func TestWaitOnAFailedStartLikeDockerd(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("", map[string]any{"Image": "busybox", "Cmd": []string{"nonexistent-cmd"}, "HostConfig": map[string]any{"AutoRemove": true}})
	waits := make(chan string, 2)
	for _, cond := range []string{"removed", "next-exit"} {
		go func() { waits <- string(c.do("POST", "/v1.41/containers/"+id+"/wait?condition="+cond, nil).body) }()
	}
	time.Sleep(200 * time.Millisecond) // both waits are pending
	r := c.do("POST", "/v1.41/containers/"+id+"/start", nil)
	require.Equal(t, 400, r.status, "%s", r.body)
	for range 2 {
		assert.JSONEq(t, `{"StatusCode":127,"Error":null}`, <-waits)
	}

	id = c.create("", map[string]any{"Image": "busybox", "Cmd": []string{"nonexistent-cmd"}})
	require.Equal(t, 400, c.do("POST", "/v1.41/containers/"+id+"/start", nil).status)
	var w struct {
		StatusCode int
		Error      *struct{ Message string }
	}
	require.NoError(t, json.Unmarshal(c.do("POST", "/v1.41/containers/"+id+"/wait", nil).body, &w))
	assert.Equal(t, 127, w.StatusCode)
	require.NotNil(t, w.Error, "a wait after the failed start")
	assert.Contains(t, w.Error.Message, `exec: "nonexistent-cmd": executable file not found in $PATH`)

	id = c.create("", map[string]any{"Image": "busybox", "Entrypoint": []string{""}, "Cmd": []string{"echo", "hi"}})
	var in struct {
		Path   string
		Args   []string
		Config struct{ Entrypoint []string }
	}
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/containers/"+id+"/json", nil).body, &in))
	assert.Nil(t, in.Config.Entrypoint)
	assert.Equal(t, "echo", in.Path)
	assert.Equal(t, []string{"hi"}, in.Args)
}

// TestCommitPausesRunning: a commit pauses a running container for its
// duration, as dockerd's commit does (pause=1 is the default from API 1.13;
// the pause and unpause events around the commit's), and leaves a paused one
// or one committed with pause=0 as it is.
func TestCommitPausesRunning(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	actions := func(id string) []string { return actionsOf(c.pastEvents(`{"container":["` + id + `"]}`)) }
	state := func(id string) (running, paused bool) {
		var info struct {
			State struct{ Running, Paused bool }
		}
		require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/containers/"+id+"/json", nil).body, &info))
		return info.State.Running, info.State.Paused
	}
	for i, tc := range []struct {
		name, query string
		pauseFirst  bool
		want        []string
		paused      bool
	}{
		{"default", "", false, []string{"create", "start", "pause", "commit", "unpause"}, false},
		{"pause=0", "&pause=0", false, []string{"create", "start", "commit"}, false},
		{"paused already", "", true, []string{"create", "start", "pause", "commit"}, true},
	} {
		id := c.create("dwcommitpause"+strconv.Itoa(i), map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "30"}})
		require.Equal(t, 204, c.do("POST", "/v1.41/containers/"+id+"/start", nil).status)
		if tc.pauseFirst {
			require.Equal(t, 204, c.do("POST", "/v1.41/containers/"+id+"/pause", nil).status)
		}
		r := c.do("POST", "/v1.41/commit?container="+id+tc.query, map[string]any{})
		require.Equal(t, 201, r.status, "%s: %s", tc.name, r.body)
		assert.Equal(t, tc.want, actions(id), tc.name)
		running, paused := state(id)
		assert.Equal(t, []bool{true, tc.paused}, []bool{running, paused}, "%s: running, paused after the commit", tc.name)
	}
}

// TestArchiveEvents: a path's archive logs archive-path and an extraction
// extract-to-dir, as dockerd does; a stat of a path and an archive of a
// missing one log nothing.
func TestArchiveEvents(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("dwarchev", map[string]any{"Image": "busybox", "Cmd": []string{"true"}})
	base := "/v1.41/containers/" + id + "/archive?path="
	require.Equal(t, 200, c.do("HEAD", base+"/etc/hostname", nil).status)
	require.Equal(t, 404, c.do("GET", base+"/nosuch", nil).status)
	require.Equal(t, 200, c.do("GET", base+"/etc/hostname", nil).status)
	req, err := http.NewRequestWithContext(t.Context(), "PUT", "http://docker"+base+"/tmp", bytes.NewReader(tarOf(t, map[string]string{"x.txt": "x"})))
	require.NoError(t, err)
	resp, err := c.hc.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, []string{"create", "archive-path", "extract-to-dir"}, actionsOf(c.pastEvents(`{"container":["`+id+`"]}`)))
}

// TestStopGoesOnWhenCancelled: a stop whose request ends while it waits
// for the process (the client cancelled) leaves the container running
// with the signal sent, and the stop goes on as dockerd's does: the kill
// comes when the timeout ends.
func TestStopGoesOnWhenCancelled(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("", map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", "trap 'echo received TERM' TERM; echo trapped; while true; do usleep 10; done"}})
	require.Equal(t, 204, c.do("POST", "/v1.41/containers/"+id+"/start", nil).status)
	t.Cleanup(func() { c.do("DELETE", "/containers/"+id+"?force=1", nil) })
	// a stop before the trap is set would end the shell at once
	require.True(t, poll(5*time.Second, func() bool {
		out, _ := readFrames(t, c.do("GET", "/v1.41/containers/"+id+"/logs?stdout=1", nil).body)
		return strings.Contains(out, "trapped")
	}), "the trap is set")

	ctx, cancel := context.WithCancel(t.Context())
	stopped := make(chan error, 1)
	go func() {
		req, err := http.NewRequestWithContext(ctx, "POST", "http://docker/v1.41/containers/"+id+"/stop?t=1", nil)
		if err == nil {
			var resp *http.Response
			if resp, err = c.hc.Do(req); err == nil {
				resp.Body.Close()
			}
		}
		stopped <- err
	}()
	require.True(t, poll(5*time.Second, func() bool {
		out, _ := readFrames(t, c.do("GET", "/v1.41/containers/"+id+"/logs?stdout=1", nil).body)
		return strings.Contains(out, "received TERM")
	}), "the process got the signal")
	cancel()
	require.ErrorIs(t, <-stopped, context.Canceled)

	var insp struct{ State struct{ Running bool } }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/containers/"+id+"/json", nil).body, &insp))
	assert.True(t, insp.State.Running, "running until the timeout")
	assert.True(t, poll(5*time.Second, func() bool {
		require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/containers/"+id+"/json", nil).body, &insp))
		return !insp.State.Running
	}), "killed when the timeout ended")
}

// TestCreateVolumesMergedLikeDockerd: a create's Config.Volumes is merged
// with its image's as dockerd's merge does: an empty one (the docker CLI
// sends {} when every -v names a source) takes the image's, null for an
// image without volumes; a non-empty one gains the image's.
func TestCreateVolumesMergedLikeDockerd(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	c.build("dwvolimg", "FROM busybox\nVOLUME /img\n")
	volumes := func(image string, v any) any {
		id := c.create("", map[string]any{"Image": image, "Cmd": []string{"true"}, "Volumes": v})
		r := c.do("GET", "/v1.41/containers/"+id+"/json", nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		var got struct{ Config map[string]any }
		require.NoError(t, json.Unmarshal(r.body, &got))
		return got.Config["Volumes"]
	}
	assert.Nil(t, volumes("busybox", map[string]any{}))
	assert.Nil(t, volumes("busybox", nil))
	assert.Equal(t, map[string]any{"/a": map[string]any{}}, volumes("busybox", map[string]any{"/a": map[string]any{}}))
	assert.Equal(t, map[string]any{"/img": map[string]any{}}, volumes("dwvolimg", map[string]any{}))
	assert.Equal(t, map[string]any{"/a": map[string]any{}, "/img": map[string]any{}}, volumes("dwvolimg", map[string]any{"/a": map[string]any{}}))
}
