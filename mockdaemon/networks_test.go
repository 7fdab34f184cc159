package mockdaemon_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestIPReuseAndListOrder: a container gets its address when it starts,
// a removed container's address is free again (twelve running containers
// fit in a /29 one after the other), and the list is newest first.
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
		require.Empty(t, ipOf(id), "create %d: an address before the start", i)
		require.Equal(t, 204, c.do("POST", "/v1.56/containers/"+id+"/start", nil).status, "start %d", i)
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

// TestNetworkCreateErrors: a bad subnet, gateway or name is refused with
// dockerd's status and wording.
func TestNetworkCreateErrors(t *testing.T) {
	d, c := newClient(t, mockdaemon.Config{})
	req, _ := http.NewRequest("POST", "http://docker/v1.41/networks/create", strings.NewReader(`{"Name":"n1"}`))
	req.Header.Set("Content-Type", "text/plain")
	rec := httptest.NewRecorder()
	d.ServeHTTP(rec, req)
	assert.Equal(t, 400, rec.Code)
	assert.Equal(t, "Content-Type specified (text/plain) must be 'application/json'", message(rec))

	tests := []struct {
		name   string
		body   map[string]any
		status int
		msg    string
	}{
		{"bad subnet", map[string]any{"Name": "n1", "IPAM": map[string]any{"Config": []any{map[string]any{"Subnet": "nonsense"}}}}, 500, "Invalid subnet nonsense : invalid CIDR address: nonsense"},
		{"bad gateway", map[string]any{"Name": "n1", "IPAM": map[string]any{"Config": []any{map[string]any{"Subnet": "10.9.9.0/24", "Gateway": "bogus"}}}}, 500, "invalid gateway address bogus in Ipam configuration"},
		{"gateway out of range", map[string]any{"Name": "n1", "IPAM": map[string]any{"Config": []any{map[string]any{"Subnet": "10.9.9.0/24", "Gateway": "10.99.0.1"}}}}, 500, "failed to allocate gateway (10.99.0.1): Requested address is out of range"},
		{"overlapping pool", map[string]any{"Name": "n1", "IPAM": map[string]any{"Config": []any{map[string]any{"Subnet": "172.17.5.0/24"}}}}, 403, "Pool overlaps with other one on this address space"},
		{"no name", map[string]any{}, 500, "invalid name: "},
		{"name of the wrong type", map[string]any{"Name": 5}, 400, "json: cannot unmarshal number into Go struct field NetworkCreateRequest.Name of type string"},
		{"null", nil, 500, "invalid name: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.do("POST", "/networks/create", tt.body)
			assert.Equal(t, tt.status, r.status)
			assert.Equal(t, tt.msg, r.message())
		})
	}
}

// TestEndpointSettingsLifecycle: an endpoint's settings are kept as given
// (IPAMConfig with LinkLocalIPs, aliases, links, driver options, MAC),
// with nothing of its own until the container starts; the start gives it
// an address (from the IPRange), an id, a gateway and, on a user-defined
// network, the container's short id among its aliases (before API 1.45);
// the stop takes them away again, and the network lists it only while it
// runs.
func TestEndpointSettingsLifecycle(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	r := c.do("POST", "/v1.41/networks/create", map[string]any{"Name": "epnet", "IPAM": map[string]any{
		"Config":  []any{map[string]any{"Subnet": "10.9.1.0/24", "IPRange": "10.9.1.128/25", "AuxiliaryAddresses": map[string]any{"r": "10.9.1.200"}}},
		"Options": map[string]any{"o": "v"}}})
	require.Equal(t, 201, r.status, "%s", r.body)
	n := c.getDoc("/v1.41/networks/epnet")
	assert.Equal(t, []any{map[string]any{"Subnet": "10.9.1.0/24", "IPRange": "10.9.1.128/25", "AuxiliaryAddresses": map[string]any{"r": "10.9.1.200"}}}, at(n, "IPAM.Config"), "as given: no gateway added")
	assert.Equal(t, map[string]any{"o": "v"}, at(n, "IPAM.Options"))
	assert.Contains(t, string(c.do("GET", "/v1.41/networks/epnet", nil).body), `"Config":[{"Subnet":"10.9.1.0/24","IPRange":"10.9.1.128/25","AuxiliaryAddresses":{"r":"10.9.1.200"}}]`, "dockerd's key order")

	r = c.do("POST", "/v1.41/containers/create?name=ep", json.RawMessage(`{"Image":"busybox","Cmd":["sleep","300"],"MacAddress":"02:42:0a:09:01:0a","HostConfig":{"NetworkMode":"epnet"},
		"NetworkingConfig":{"EndpointsConfig":{"epnet":{"IPAMConfig":{"LinkLocalIPs":["169.254.1.1"]},"Aliases":["one"],"DriverOpts":{"k":"v"},"MacAddress":"02:42:0a:09:01:0b"}}}}`))
	require.Equal(t, 201, r.status, "%s", r.body)
	created := c.getDoc("/v1.41/containers/ep/json")
	ep := at(created, "NetworkSettings.Networks.epnet")
	assert.Equal(t, map[string]any{
		"IPAMConfig": map[string]any{"LinkLocalIPs": []any{"169.254.1.1"}}, "Links": nil, "Aliases": []any{"one"},
		"NetworkID": "", "EndpointID": "", "Gateway": "", "IPAddress": "", "IPPrefixLen": 0.0, "IPv6Gateway": "",
		"GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0.0, "MacAddress": "02:42:0a:09:01:0b", "DriverOpts": map[string]any{"k": "v"},
	}, ep, "as given, nothing of its own before the start (API 1.41)")
	assert.Equal(t, "", at(created, "NetworkSettings.SandboxID"))
	assert.Equal(t, "02:42:0a:09:01:0a", at(created, "Config.MacAddress"))
	assert.Empty(t, at(c.getDoc("/v1.41/networks/epnet"), "Containers"))

	require.Equal(t, 204, c.do("POST", "/v1.41/containers/ep/start", nil).status)
	running := c.getDoc("/v1.41/containers/ep/json")
	id := at(running, "Id").(string)
	ep = at(running, "NetworkSettings.Networks.epnet")
	assert.Equal(t, "10.9.1.129", at(ep, "IPAddress"), "the range's first address is the gateway's")
	assert.Equal(t, "10.9.1.128", at(ep, "Gateway"))
	assert.Equal(t, 24.0, at(ep, "IPPrefixLen"))
	assert.NotEmpty(t, at(ep, "EndpointID"))
	assert.Equal(t, "02:42:0a:09:01:0a", at(ep, "MacAddress"), "before 1.44 the container's MAC, not the endpoint's")
	assert.Equal(t, []any{"one", id[:12]}, at(ep, "Aliases"))
	assert.NotEmpty(t, at(running, "NetworkSettings.SandboxID"))
	assert.Equal(t, []any{"one"}, at(c.getDoc("/v1.45/containers/ep/json"), "NetworkSettings.Networks.epnet.Aliases"), "1.45: the aliases as given")
	newer := at(c.getDoc("/v1.44/containers/ep/json"), "NetworkSettings.Networks.epnet")
	assert.Equal(t, []any{"ep", "one", id[:12]}, at(newer, "DNSNames"))
	assert.False(t, has(ep, "DNSNames"), "DNSNames is API 1.44")
	assert.False(t, has(ep, "GwPriority"), "GwPriority is API 1.48")
	assert.True(t, has(at(c.getDoc("/v1.48/containers/ep/json"), "NetworkSettings.Networks.epnet"), "GwPriority"))
	listed := at(c.getDoc("/v1.41/networks/epnet"), "Containers").(map[string]any)
	assert.Equal(t, "10.9.1.129/24", at(listed[id], "IPv4Address"))
	var summary []doc
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/containers/json", nil).body, &summary))
	require.Len(t, summary, 1)
	inList := at(summary[0], "NetworkSettings.Networks.epnet")
	assert.Equal(t, "10.9.1.129", at(inList, "IPAddress"))
	assert.Nil(t, at(inList, "Aliases"), "the list's snapshot has no aliases")
	assert.Nil(t, at(inList, "DriverOpts"))
	assert.Equal(t, map[string]any{}, at(inList, "IPAMConfig"), "only the IPAM addresses")

	require.Equal(t, 204, c.do("POST", "/v1.41/containers/ep/stop?t=0", nil).status)
	stopped := at(c.getDoc("/v1.41/containers/ep/json"), "NetworkSettings")
	ep = at(stopped, "Networks.epnet")
	assert.Equal(t, "", at(ep, "IPAddress"))
	assert.Equal(t, "", at(ep, "EndpointID"))
	assert.Equal(t, "", at(ep, "MacAddress"))
	assert.Equal(t, at(n, "Id"), at(ep, "NetworkID"), "the network id stays")
	assert.Equal(t, []any{"one", id[:12]}, at(ep, "Aliases"))
	assert.NotEmpty(t, at(stopped, "SandboxID"), "the sandbox id stays")
	assert.Empty(t, at(c.getDoc("/v1.41/networks/epnet"), "Containers"))

	// A host name of its own joins the aliases after the short id.
	hn := c.create("hn", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"}, "Hostname": "hostly", "HostConfig": map[string]any{"NetworkMode": "epnet"}})
	require.Equal(t, 204, c.do("POST", "/v1.41/containers/hn/start", nil).status)
	assert.Equal(t, []any{hn[:12], "hostly"}, at(c.getDoc("/v1.41/containers/hn/json"), "NetworkSettings.Networks.epnet.Aliases"))
}

// TestConnectCreatedContainer: a connect of a container that does not run
// keeps the settings as given (and the short id among the aliases) until
// its start; the errors of connect and disconnect are dockerd's.
func TestConnectCreatedContainer(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	require.Equal(t, 201, c.do("POST", "/v1.41/networks/create", map[string]any{"Name": "cnet", "IPAM": map[string]any{"Config": []any{map[string]any{"Subnet": "10.9.2.0/24"}}}}).status)
	id := c.create("cc", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"}})
	c.create("peer", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"}})
	r := c.do("POST", "/v1.41/networks/cnet/connect", json.RawMessage(`{"Container":"cc","EndpointConfig":{"IPAMConfig":{"IPv4Address":"10.9.2.20","LinkLocalIPs":["169.254.2.2"]},"Links":["peer:p"],"DriverOpts":{"k":"v"},"MacAddress":"02:42:0a:09:02:14"}}`))
	require.Equal(t, 200, r.status, "%s", r.body)
	ep := at(c.getDoc("/v1.41/containers/cc/json"), "NetworkSettings.Networks.cnet")
	assert.Equal(t, map[string]any{"IPv4Address": "10.9.2.20", "LinkLocalIPs": []any{"169.254.2.2"}}, at(ep, "IPAMConfig"))
	assert.Equal(t, []any{"peer:p"}, at(ep, "Links"))
	assert.Equal(t, map[string]any{"k": "v"}, at(ep, "DriverOpts"))
	assert.Equal(t, "02:42:0a:09:02:14", at(ep, "MacAddress"))
	assert.Equal(t, []any{id[:12]}, at(ep, "Aliases"))
	assert.Equal(t, "", at(ep, "IPAddress"))

	require.Equal(t, 204, c.do("POST", "/v1.41/containers/cc/start", nil).status)
	ep = at(c.getDoc("/v1.41/containers/cc/json"), "NetworkSettings.Networks.cnet")
	assert.Equal(t, "10.9.2.20", at(ep, "IPAddress"))
	assert.Equal(t, []any{"peer:p"}, at(ep, "Links"), "links reported after the start")

	for _, tt := range []struct {
		path, body string
		status     int
		msg        string
	}{
		{"/v1.41/networks/cnet/connect", `{"Container":"cc"}`, 403, "endpoint with name cc already exists in network cnet"},
		{"/v1.41/networks/bridge/connect", `{"Container":"cc","EndpointConfig":{"IPAMConfig":{"IPv4Address":"172.17.0.77"}}}`, 400, "user specified IP address is supported on user defined networks only"},
		{"/v1.41/networks/cnet/disconnect", `{"Container":"peer"}`, 500, "container " + at(c.getDoc("/v1.41/containers/peer/json"), "Id").(string) + " is not connected to the network cnet"},
		{"/v1.41/networks/bridge/disconnect", `{"Container":"peer"}`, 200, ""},
		{"/v1.41/networks/bridge/connect", `{"Container":"peer","EndpointConfig":{"IPAMConfig":{"IPv4Address":"172.17.0.77"}}}`, 400, "user specified IP address is supported on user defined networks only"},
		{"/v1.41/networks/bridge/connect", `{"Container":"peer","EndpointConfig":{"Aliases":["x"]}}`, 400, "network-scoped alias is supported only for containers in user defined networks"},
		{"/v1.41/networks/bridge/disconnect", `{"Container":"cc"}`, 200, ""},
		{"/v1.41/networks/bridge/disconnect", `{"Container":"cc"}`, 500, "container " + id + " is not connected to network bridge"},
		{"/v1.41/networks/nosuch/connect", `{"Container":"nosuchc"}`, 404, "No such container: nosuchc"},
		{"/v1.41/networks/none/connect", `{"Container":"cc"}`, 400, "container cannot be connected to multiple networks with one of the networks in private (none) mode"},
		{"/v1.41/networks/host/connect", `{"Container":"cc"}`, 400, "container cannot be disconnected from host network or connected to host network"},
	} {
		r := c.do("POST", tt.path, json.RawMessage(tt.body))
		assert.Equal(t, tt.status, r.status, "%s %s", tt.path, tt.body)
		assert.Equal(t, tt.msg, r.message(), "%s %s", tt.path, tt.body)
	}
}

// TestNetworkModesAtCreate: NetworkDisabled and the container-wide MAC are
// kept in Config; a host-network container has the host's name;
// container:<name> reads back by id; a missing network is accepted at
// create and fails the start (State.Error, exit code 128) as with dockerd.
func TestNetworkModesAtCreate(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{Hostname: "thehost"})
	c.create("off", map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "NetworkDisabled": true})
	off := c.getDoc("/v1.41/containers/off/json")
	assert.Equal(t, true, at(off, "Config.NetworkDisabled"))
	assert.Equal(t, map[string]any{}, at(off, "NetworkSettings.Networks"))

	c.create("onhost", map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "HostConfig": map[string]any{"NetworkMode": "host"}})
	assert.Equal(t, "thehost", at(c.getDoc("/v1.41/containers/onhost/json"), "Config.Hostname"))

	other := c.create("other", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"}})
	c.create("shared", map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "HostConfig": map[string]any{"NetworkMode": "container:other"}})
	shared := c.getDoc("/v1.41/containers/shared/json")
	assert.Equal(t, "container:"+other, at(shared, "HostConfig.NetworkMode"))
	assert.Equal(t, map[string]any{}, at(shared, "NetworkSettings.Networks"))

	c.create("lost", map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "HostConfig": map[string]any{"NetworkMode": "nosuchnet"}})
	assert.Contains(t, at(c.getDoc("/v1.41/containers/lost/json"), "NetworkSettings.Networks"), "nosuchnet")
	r := c.do("POST", "/v1.41/containers/lost/start", nil)
	assert.Equal(t, 404, r.status)
	assert.Equal(t, "network nosuchnet not found", r.message())
	lost := c.getDoc("/v1.41/containers/lost/json")
	assert.Equal(t, "created", at(lost, "State.Status"))
	assert.Equal(t, "network nosuchnet not found", at(lost, "State.Error"))
	assert.Equal(t, 128.0, at(lost, "State.ExitCode"))

	r = c.do("POST", "/v1.41/containers/create?name=two", map[string]any{"Image": "busybox", "NetworkingConfig": map[string]any{"EndpointsConfig": map[string]any{"a": map[string]any{}, "b": map[string]any{}}}})
	assert.Equal(t, 400, r.status, "two networks at create before 1.44")
	assert.Equal(t, "Container cannot be connected to network endpoints: a, b", r.message())
}

// TestEndpointConfigForAnotherNetwork: before API 1.44 a create whose one
// endpoint config names another network than its NetworkMode's has that
// network alone, as dockerd 20.10 keeps it: joined at the start, or, when
// it does not exist, listed as given and the start's 404.
func TestEndpointConfigForAnotherNetwork(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	for _, n := range []string{"q1", "q2"} {
		require.Equal(t, 201, c.do("POST", "/v1.41/networks/create", map[string]any{"Name": n}).status)
	}
	nets := func(id string) map[string][]string {
		var s struct {
			NetworkSettings struct {
				Networks map[string]struct {
					IPAddress string
					Aliases   []string
				}
			}
		}
		require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/containers/"+id+"/json", nil).body, &s))
		out := map[string][]string{}
		for k, v := range s.NetworkSettings.Networks {
			out[k] = append([]string{v.IPAddress}, v.Aliases...)
		}
		return out
	}
	create := func(name, net string) string {
		r := c.do("POST", "/v1.41/containers/create?name="+name, map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"},
			"HostConfig": map[string]any{"NetworkMode": "q1"}, "NetworkingConfig": map[string]any{"EndpointsConfig": map[string]any{net: map[string]any{"Aliases": []string{"x"}}}}})
		require.Equal(t, 201, r.status, "create: %s", r.body)
		var out struct {
			ID string `json:"Id"`
		}
		require.NoError(t, json.Unmarshal(r.body, &out))
		return out.ID
	}
	id := create("qc1", "q2")
	assert.Equal(t, map[string][]string{"q2": {"", "x"}}, nets(id))
	require.Equal(t, 204, c.do("POST", "/v1.41/containers/qc1/start", nil).status)
	got := nets(id)
	require.Contains(t, got, "q2")
	assert.Len(t, got, 1)
	assert.NotEmpty(t, got["q2"][0], "an address on q2")

	id = create("qc2", "nosuchq")
	assert.Equal(t, map[string][]string{"nosuchq": {"", "x"}}, nets(id))
	r := c.do("POST", "/v1.41/containers/qc2/start", nil)
	assert.Equal(t, 404, r.status)
	assert.Equal(t, "network nosuchq not found", r.message())
}
