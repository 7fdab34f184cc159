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
