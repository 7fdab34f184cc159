package mockdaemon_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestPublishedPortsBothFamilies: a port published without a host address
// is reported on 0.0.0.0 and :: with the same host port, like dockerd on a
// host with IPv6; an explicit address is reported alone.
func TestPublishedPortsBothFamilies(t *testing.T) {
	tests := []struct {
		name     string
		bindings string
		publish  bool
		want     []string // "ip hostport", sorted
	}{
		{"unspecified, fixed port", `{"80/tcp":[{"HostIp":"","HostPort":"8080"}]}`, false, []string{"0.0.0.0 8080", ":: 8080"}},
		{"unspecified, any port", `{"80/tcp":[{"HostPort":""}]}`, false, []string{"0.0.0.0 P", ":: P"}},
		{"explicit v4", `{"80/tcp":[{"HostIp":"127.0.0.1","HostPort":"8081"}]}`, false, []string{"127.0.0.1 8081"}},
		{"publish all", `{}`, true, []string{"0.0.0.0 P", ":: P"}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := mockdaemon.New(mockdaemon.Config{})
			defer d.Close()
			name := fmt.Sprintf("ports%d", i)
			body := fmt.Sprintf(`{"Image":"busybox","Cmd":["sleep","100"],"ExposedPorts":{"80/tcp":{}},"HostConfig":{"PortBindings":%s,"PublishAllPorts":%t}}`, tc.bindings, tc.publish)
			if rec := serve(d, "POST", "/containers/create?name="+name, []byte(body)); rec.Code != 201 {
				t.Fatalf("create: %d %s", rec.Code, rec.Body)
			}
			if rec := serve(d, "POST", "/containers/"+name+"/start", nil); rec.Code != 204 {
				t.Fatalf("start: %d %s", rec.Code, rec.Body)
			}
			var insp struct {
				NetworkSettings struct {
					Ports map[string][]struct{ HostIp, HostPort string }
				}
			}
			if err := json.Unmarshal(serve(d, "GET", "/containers/"+name+"/json", nil).Body.Bytes(), &insp); err != nil {
				t.Fatal(err)
			}
			var got []string
			port := ""
			for _, b := range insp.NetworkSettings.Ports["80/tcp"] {
				hp := b.HostPort
				if port == "" {
					port = hp
				} else if tc.want[0][len(tc.want[0])-1] == 'P' && hp != port {
					t.Errorf("host ports %s and %s differ", port, hp)
				}
				if tc.want[0][len(tc.want[0])-1] == 'P' {
					hp = "P"
				}
				got = append(got, b.HostIp+" "+hp)
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("inspect ports %q, want %q", got, tc.want)
			}
			var list []struct {
				Names []string
				Ports []struct {
					IP         string
					PublicPort int
				}
			}
			if err := json.Unmarshal(serve(d, "GET", "/containers/json", nil).Body.Bytes(), &list); err != nil || len(list) != 1 {
				t.Fatalf("list: %v %d", err, len(list))
			}
			if len(list[0].Ports) != len(tc.want) {
				t.Errorf("list has %d ports, want %d", len(list[0].Ports), len(tc.want))
			}
		})
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
		wantMem  string // Memory MemorySwap after
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
			if rec.Code != 201 {
				t.Fatalf("create: %d %s", rec.Code, rec.Body)
			}
			var created struct{ Id string }
			_ = json.Unmarshal(rec.Body.Bytes(), &created)
			rec = serve(d, "POST", "/containers/upd/update", []byte(tc.update))
			if rec.Code != tc.wantCode {
				t.Fatalf("update: %d %s, want %d", rec.Code, rec.Body, tc.wantCode)
			}
			var msg struct{ Message string }
			_ = json.Unmarshal(rec.Body.Bytes(), &msg)
			if tc.wantCode == 409 && msg.Message != "Cannot update container "+created.Id+": Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time" {
				t.Errorf("message %q", msg.Message)
			}
			var insp struct {
				HostConfig struct {
					Memory, MemorySwap int64
					RestartPolicy      struct{ Name string }
				}
			}
			_ = json.Unmarshal(serve(d, "GET", "/containers/upd/json", nil).Body.Bytes(), &insp)
			h := insp.HostConfig
			if got := fmt.Sprintf("%d %d %s", h.Memory, h.MemorySwap, h.RestartPolicy.Name); got != tc.wantMem {
				t.Errorf("after: %q, want %q", got, tc.wantMem)
			}
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
			var insp struct {
				State struct {
					Status   string
					ExitCode int
					Error    string
				}
			}
			_ = json.Unmarshal(c.do("GET", "/v1.56/containers/"+name+"/json", nil).body, &insp)
			if tc.wantMsg == "" {
				if r.status != 204 {
					t.Fatalf("start: %d %s", r.status, r.body)
				}
				return
			}
			if r.status != 400 || r.message() != runc+tc.wantMsg+": unknown" {
				t.Fatalf("start: %d %q", r.status, r.message())
			}
			st := insp.State
			if st.Status != "created" || st.ExitCode != tc.wantCode || st.Error != runc+tc.wantMsg+": unknown" {
				t.Errorf("state %+v", st)
			}
		})
	}
	t.Run("AutoRemove", func(t *testing.T) {
		c.create("missrm", map[string]any{"Image": "busybox", "Cmd": []string{"nosuchcmd"}, "HostConfig": map[string]any{"AutoRemove": true}})
		if r := c.do("POST", "/v1.56/containers/missrm/start", nil); r.status != 400 {
			t.Fatalf("start: %d %s", r.status, r.body)
		}
		if r := c.do("POST", "/v1.56/containers/missrm/wait?condition=removed", nil); r.status != 200 && r.status != 404 {
			t.Fatalf("wait: %d %s", r.status, r.body)
		}
		if r := c.do("GET", "/v1.56/containers/missrm/json", nil); r.status != 404 {
			t.Errorf("inspect after: %d", r.status)
		}
	})
	t.Run("exec", func(t *testing.T) {
		c.create("missexec", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "100"}})
		if r := c.do("POST", "/v1.56/containers/missexec/start", nil); r.status != 204 {
			t.Fatalf("start: %d %s", r.status, r.body)
		}
		const want = `OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuchcmd": executable file not found in $PATH: unknown`
		for _, detach := range []bool{true, false} {
			r := c.do("POST", "/v1.56/containers/missexec/exec", map[string]any{"Cmd": []string{"nosuchcmd"}, "AttachStdout": !detach, "AttachStderr": !detach})
			var ex struct{ Id string }
			_ = json.Unmarshal(r.body, &ex)
			r = c.do("POST", "/v1.56/exec/"+ex.Id+"/start", map[string]any{"Detach": detach})
			if detach {
				if r.status != 400 || r.message() != want {
					t.Errorf("detached start: %d %q", r.status, r.message())
				}
			} else {
				out, _ := readFrames(t, r.body)
				if out != want+"\r\n" {
					t.Errorf("attached start: %d stdout %q", r.status, out)
				}
			}
			var insp struct {
				Running  bool
				ExitCode int
				Pid      int
			}
			_ = json.Unmarshal(c.do("GET", "/v1.56/exec/"+ex.Id+"/json", nil).body, &insp)
			if insp.Running || insp.ExitCode != 126 || insp.Pid != 0 {
				t.Errorf("detach=%v: exec inspect %+v", detach, insp)
			}
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
				if r := c.do("POST", "/v1.56/containers/"+name+"/start", nil); r.status != 204 {
					t.Fatalf("start: %d %s", r.status, r.body)
				}
				c.do("POST", "/v1.56/containers/"+name+"/wait", nil)
				if tc.op == "restart" {
					if r := c.do("POST", "/v1.56/containers/"+name+"/restart", nil); r.status != 204 {
						t.Fatalf("restart: %d %s", r.status, r.body)
					}
					c.do("POST", "/v1.56/containers/"+name+"/wait", nil)
				}
				r := c.do("GET", `/v1.56/events?since=0&until=`+untilNow()+`&filters={"container":["`+id+`"],"event":["start","restart","die"]}`, nil)
				var got []string
				dec := json.NewDecoder(bytes.NewReader(r.body))
				for {
					var ev struct{ Action string }
					if dec.Decode(&ev) != nil {
						break
					}
					got = append(got, ev.Action)
				}
				if !slices.Equal(got, tc.want) {
					t.Fatalf("round %d: events %q, want %q", round, got, tc.want)
				}
			}
		})
	}
}

// untilNow is an events until parameter for this instant (seconds.nanos).
func untilNow() string {
	now := time.Now()
	return fmt.Sprintf("%d.%09d", now.Unix(), now.Nanosecond())
}

// TestRenameOrder: like dockerd, rename finds the container before it
// checks the new name, which it reports with its slash.
func TestRenameOrder(t *testing.T) {
	d := mockdaemon.New(mockdaemon.Config{})
	defer d.Close()
	for _, n := range []string{"ren1", "ren2"} {
		if rec := serve(d, "POST", "/containers/create?name="+n, []byte(`{"Image":"busybox","Cmd":["true"]}`)); rec.Code != 201 {
			t.Fatalf("create: %d %s", rec.Code, rec.Body)
		}
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
			var msg struct{ Message string }
			_ = json.Unmarshal(rec.Body.Bytes(), &msg)
			if rec.Code != tc.wantCode || !strings.HasPrefix(msg.Message, tc.wantPrefix) {
				t.Errorf("%d %q, want %d %q", rec.Code, msg.Message, tc.wantCode, tc.wantPrefix)
			}
		})
	}
}

// TestNetworkStoppedContainer: as in dockerd, a stopped container on a
// network has no endpoint: inspect lists none, rm and prune remove the
// network, and the container keeps it in its settings, so its start fails
// with 404 "network ... not found".
func TestNetworkStoppedContainer(t *testing.T) {
	tests := []struct {
		name, method, path string
		wantCode           int
	}{
		{"rm", "DELETE", "/networks/stopnet", 204},
		{"prune", "POST", "/networks/prune", 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := mockdaemon.New(mockdaemon.Config{})
			defer d.Close()
			steps := []struct {
				method, path, body string
				want               int
			}{
				{"POST", "/networks/create", `{"Name":"stopnet"}`, 201},
				{"POST", "/containers/create?name=stopped", `{"Image":"busybox","Cmd":["true"]}`, 201},
				{"POST", "/networks/stopnet/connect", `{"Container":"stopped"}`, 200},
			}
			for _, s := range steps {
				if rec := serve(d, s.method, s.path, []byte(s.body)); rec.Code != s.want {
					t.Fatalf("%s %s: %d %s", s.method, s.path, rec.Code, rec.Body)
				}
			}
			var n struct{ Containers map[string]any }
			_ = json.Unmarshal(serve(d, "GET", "/networks/stopnet", nil).Body.Bytes(), &n)
			if len(n.Containers) != 0 {
				t.Errorf("network lists %d containers, want 0", len(n.Containers))
			}
			if rec := serve(d, tc.method, tc.path, nil); rec.Code != tc.wantCode {
				t.Fatalf("%s: %d %s", tc.name, rec.Code, rec.Body)
			}
			if rec := serve(d, "GET", "/networks/stopnet", nil); rec.Code != 404 {
				t.Errorf("network still there: %d", rec.Code)
			}
			var c struct {
				NetworkSettings struct{ Networks map[string]any }
			}
			_ = json.Unmarshal(serve(d, "GET", "/containers/stopped/json", nil).Body.Bytes(), &c)
			if _, ok := c.NetworkSettings.Networks["stopnet"]; !ok {
				t.Errorf("container networks %v, want stopnet kept", c.NetworkSettings.Networks)
			}
			rec := serve(d, "POST", "/containers/stopped/start", nil)
			var msg struct{ Message string }
			_ = json.Unmarshal(rec.Body.Bytes(), &msg)
			if rec.Code != 404 || msg.Message != "network stopnet not found" {
				t.Errorf("start: %d %q", rec.Code, msg.Message)
			}
		})
	}
	t.Run("running keeps it", func(t *testing.T) {
		d := mockdaemon.New(mockdaemon.Config{})
		defer d.Close()
		serve(d, "POST", "/networks/create", []byte(`{"Name":"runnet"}`))
		serve(d, "POST", "/containers/create?name=runner", []byte(`{"Image":"busybox","Cmd":["sleep","100"],"HostConfig":{"NetworkMode":"runnet"}}`))
		if rec := serve(d, "POST", "/containers/runner/start", nil); rec.Code != 204 {
			t.Fatalf("start: %d %s", rec.Code, rec.Body)
		}
		if rec := serve(d, "DELETE", "/networks/runnet", nil); rec.Code != 403 {
			t.Errorf("rm: %d %s, want 403", rec.Code, rec.Body)
		}
	})
}
