package mockdaemon_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestIPReuseAndListOrder: a removed container's address is free again
// (twelve running containers fit in a /29 one after the other), and the
// list is newest first.
func TestIPReuseAndListOrder(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	r := c.do("POST", "/v1.56/networks/create", map[string]any{"Name": "small", "IPAM": map[string]any{"Config": []map[string]any{{"Subnet": "10.9.0.0/29"}}}})
	require.Equal(t, 201, r.status, "network create: %s", r.body)
	ipOf := func(id string) string {
		var s struct {
			NetworkSettings struct {
				Networks map[string]struct{ IPAddress string }
			}
		}
		require.NoError(t, json.Unmarshal(c.do("GET", "/v1.56/containers/"+id+"/json", nil).body, &s))
		return s.NetworkSettings.Networks["small"].IPAddress
	}
	var ids []string
	seen := map[string]bool{}
	// a /29 has 5 addresses for containers: 12 creates fit only if removal frees them
	for i := range 12 {
		id := c.create("", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"}, "HostConfig": map[string]any{"NetworkMode": "small"}})
		require.Equal(t, 204, c.do("POST", "/v1.56/containers/"+id+"/start", nil).status)
		ip := ipOf(id)
		require.NotEmpty(t, ip, "create %d", i)
		require.False(t, seen[ip], "create %d: address %s in use: %v", i, ip, seen)
		seen[ip] = true
		ids = append(ids, id)
		if len(ids) == 4 {
			old := ids[0]
			delete(seen, ipOf(old))
			r := c.do("DELETE", "/v1.56/containers/"+old+"?force=1", nil)
			require.Equal(t, 204, r.status, "remove: %s", r.body)
			ids = ids[1:]
		}
	}
	var list []struct {
		ID string `json:"Id"`
	}
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.56/containers/json?all=1", nil).body, &list))
	var got []string
	for _, l := range list {
		got = append(got, l.ID)
	}
	slices.Reverse(ids)
	assert.Equal(t, ids, got, "list order, newest first")
}

// TestPublishedPortsBothFamilies: a port published without a host address
// is reported on 0.0.0.0 and :: with the same host port, like dockerd on a
// host with IPv6; an explicit address is reported alone.
func TestPublishedPortsBothFamilies(t *testing.T) {
	tests := []struct {
		name     string
		bindings string
		publish  bool
		want     []string // "ip hostport", sorted; P: any port, the same for all
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
			rec := serve(d, "POST", "/containers/create?name="+name, []byte(body))
			require.Equal(t, 201, rec.Code, "create: %s", rec.Body)
			rec = serve(d, "POST", "/containers/"+name+"/start", nil)
			require.Equal(t, 204, rec.Code, "start: %s", rec.Body)
			var insp struct {
				NetworkSettings struct {
					Ports map[string][]struct{ HostIp, HostPort string }
				}
			}
			require.NoError(t, json.Unmarshal(serve(d, "GET", "/containers/"+name+"/json", nil).Body.Bytes(), &insp))
			anyPort := tc.want[0][len(tc.want[0])-1] == 'P'
			var got []string
			var ports []string
			for _, b := range insp.NetworkSettings.Ports["80/tcp"] {
				hp := b.HostPort
				ports = append(ports, hp)
				if anyPort {
					hp = "P"
				}
				got = append(got, b.HostIp+" "+hp)
			}
			slices.Sort(got)
			assert.Equal(t, tc.want, got, "inspect ports")
			if anyPort {
				assert.Len(t, slices.Compact(ports), 1, "host ports %v differ", ports)
			}
			var list []struct {
				Names []string
				Ports []struct {
					IP         string
					PublicPort int
				}
			}
			require.NoError(t, json.Unmarshal(serve(d, "GET", "/containers/json", nil).Body.Bytes(), &list))
			require.Len(t, list, 1)
			assert.Len(t, list[0].Ports, len(tc.want), "list ports")
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
			for _, s := range []struct {
				method, path, body string
				want               int
			}{
				{"POST", "/networks/create", `{"Name":"stopnet"}`, 201},
				{"POST", "/containers/create?name=stopped", `{"Image":"busybox","Cmd":["true"]}`, 201},
				{"POST", "/networks/stopnet/connect", `{"Container":"stopped"}`, 200},
			} {
				rec := serve(d, s.method, s.path, []byte(s.body))
				require.Equal(t, s.want, rec.Code, "%s %s: %s", s.method, s.path, rec.Body)
			}
			var n struct{ Containers map[string]any }
			require.NoError(t, json.Unmarshal(serve(d, "GET", "/networks/stopnet", nil).Body.Bytes(), &n))
			assert.Empty(t, n.Containers, "network's containers")

			rec := serve(d, tc.method, tc.path, nil)
			require.Equal(t, tc.wantCode, rec.Code, "%s: %s", tc.name, rec.Body)
			assert.Equal(t, 404, serve(d, "GET", "/networks/stopnet", nil).Code, "network still there")
			var c struct {
				NetworkSettings struct{ Networks map[string]any }
			}
			require.NoError(t, json.Unmarshal(serve(d, "GET", "/containers/stopped/json", nil).Body.Bytes(), &c))
			assert.Contains(t, c.NetworkSettings.Networks, "stopnet", "the container keeps the network")
			rec = serve(d, "POST", "/containers/stopped/start", nil)
			assert.Equal(t, 404, rec.Code, "start")
			assert.Equal(t, "network stopnet not found", message(rec), "start")
		})
	}
	t.Run("running keeps it", func(t *testing.T) {
		d := mockdaemon.New(mockdaemon.Config{})
		defer d.Close()
		serve(d, "POST", "/networks/create", []byte(`{"Name":"runnet"}`))
		serve(d, "POST", "/containers/create?name=runner", []byte(`{"Image":"busybox","Cmd":["sleep","100"],"HostConfig":{"NetworkMode":"runnet"}}`))
		rec := serve(d, "POST", "/containers/runner/start", nil)
		require.Equal(t, 204, rec.Code, "start: %s", rec.Body)
		rec = serve(d, "DELETE", "/networks/runnet", nil)
		assert.Equal(t, 403, rec.Code, "rm: %s", rec.Body)
	})
}

// TestNetworkCreateErrors: a bad subnet and a missing name are refused
// with dockerd's 400.
func TestNetworkCreateErrors(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	tests := []struct {
		name   string
		body   map[string]any
		status int
		msg    string
	}{
		{"bad subnet", map[string]any{"Name": "n1", "IPAM": map[string]any{"Config": []any{map[string]any{"Subnet": "nonsense"}}}}, 400, "Invalid subnet nonsense : invalid CIDR address: nonsense"},
		{"no name", map[string]any{}, 400, "network name must not be empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.do("POST", "/networks/create", tt.body)
			assert.Equal(t, tt.status, r.status)
			assert.Equal(t, tt.msg, r.message())
		})
	}
}
