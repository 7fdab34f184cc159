package mockdaemon_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

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
