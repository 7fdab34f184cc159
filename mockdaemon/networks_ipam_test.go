package mockdaemon_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// pools is an IPAM of the configs cfgs.
func pools(cfgs ...map[string]any) map[string]any {
	return map[string]any{"Config": cfgs}
}

// networkIPAM is a network's IPAM.Config as inspect shows it.
func networkIPAM(t *testing.T, c *client, name string) []map[string]any {
	t.Helper()
	r := c.do("GET", "/v1.41/networks/"+name, nil)
	require.Equal(t, 200, r.status, "inspect %s: %s", name, r.body)
	var n struct {
		IPAM struct{ Config []map[string]any }
	}
	require.NoError(t, json.Unmarshal(r.body, &n))
	return n.IPAM.Config
}

// TestIPAMPoolChecks: a network's pools are checked as libnetwork's IPAM
// and bridge driver check them, with dockerd 20.10's statuses and words:
// a pool overlapping any pool of any local network is refused (a bridge
// or macvlan network alike, and another pool of the same network); one
// asked for with an IP range is not, but the bridge driver refuses a
// subnet overlapping another bridge network's; gateways and auxiliary
// addresses must be free addresses of the subnet; a range is taken as its
// host part in the subnet; a bridge network has one IPv4 subnet.
func TestIPAMPoolChecks(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	create := func(name string, body map[string]any) reply {
		body["Name"] = name
		return c.do("POST", "/v1.41/networks/create", body)
	}
	require.Equal(t, 201, create("base", map[string]any{"IPAM": pools(map[string]any{"Subnet": "10.9.0.0/24"})}).status)
	require.Equal(t, 201, create("ranged", map[string]any{"IPAM": pools(map[string]any{"Subnet": "10.11.0.0/24", "IPRange": "10.10.0.0/25"})}).status)
	id := func(name string) string {
		var n struct {
			ID string `json:"Id"`
		}
		require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/networks/"+name, nil).body, &n))
		return n.ID
	}
	baseID := id("base")

	for _, tc := range []struct {
		name   string
		body   map[string]any
		status int
		msg    string
	}{
		{"inside another", map[string]any{"IPAM": pools(map[string]any{"Subnet": "10.9.0.128/25"})}, 403, "Pool overlaps with other one on this address space"},
		{"around another", map[string]any{"IPAM": pools(map[string]any{"Subnet": "10.0.0.0/8"})}, 403, "Pool overlaps with other one on this address space"},
		{"same subnet", map[string]any{"IPAM": pools(map[string]any{"Subnet": "10.9.0.0/24"})}, 403, "Pool overlaps with other one on this address space"},
		{"macvlan too", map[string]any{"Driver": "macvlan", "IPAM": pools(map[string]any{"Subnet": "10.9.0.0/24"})}, 403, "Pool overlaps with other one on this address space"},
		{"a ranged one's subnet", map[string]any{"IPAM": pools(map[string]any{"Subnet": "10.11.0.0/16"})}, 403, "Pool overlaps with other one on this address space"},
		{"the default bridge's", map[string]any{"IPAM": pools(map[string]any{"Subnet": "172.17.0.0/24"})}, 403, "Pool overlaps with other one on this address space"},
		{"its own pools", map[string]any{"Driver": "macvlan", "IPAM": pools(map[string]any{"Subnet": "10.14.0.0/24"}, map[string]any{"Subnet": "10.14.0.0/25"})}, 403, "Pool overlaps with other one on this address space"},
		{"ranged over a bridge", map[string]any{"IPAM": pools(map[string]any{"Subnet": "10.9.0.0/24", "IPRange": "10.9.0.0/25"})}, 403,
			"conflicts with network " + baseID + " (br-" + baseID[:12] + "): networks have overlapping IPv4"},
		{"two bridge subnets", map[string]any{"IPAM": pools(map[string]any{"Subnet": "10.33.0.0/24"}, map[string]any{"Subnet": "10.34.0.0/24"})}, 403, "bridge driver doesn't support multiple subnets"},
		{"bad range", map[string]any{"IPAM": pools(map[string]any{"Subnet": "10.15.0.0/24", "IPRange": "bad"})}, 500,
			`failed to parse pool request for address space "LocalDefault" pool "10.15.0.0/24" subpool "bad": Invalid Address SubPool`},
		{"no subnet", map[string]any{"IPAM": pools(map[string]any{"Gateway": "10.22.0.1"})}, 500, "Invalid subnet  : invalid CIDR address: "},
		{"gateway at the subnet's address", map[string]any{"IPAM": pools(map[string]any{"Subnet": "10.18.0.0/24", "Gateway": "10.18.0.0"})}, 500, "failed to allocate gateway (10.18.0.0): Address already in use"},
		{"gateway at the broadcast", map[string]any{"IPAM": pools(map[string]any{"Subnet": "10.23.0.0/24", "Gateway": "10.23.0.255"})}, 500, "failed to allocate gateway (10.23.0.255): Address already in use"},
		{"aux unparsable", map[string]any{"IPAM": pools(map[string]any{"Subnet": "10.16.0.0/24", "AuxiliaryAddresses": map[string]any{"a": "bad"}})}, 500, "non parsable secondary ip address (a:bad) passed for network aux unparsable"},
		{"aux outside", map[string]any{"IPAM": pools(map[string]any{"Subnet": "10.12.0.0/24", "AuxiliaryAddresses": map[string]any{"a": "10.10.0.5"}})}, 403, "auxiliary address: (a:10.10.0.5) must belong to the master pool: 10.12.0.0/24"},
		{"aux on the gateway", map[string]any{"IPAM": pools(map[string]any{"Subnet": "10.19.0.0/24", "Gateway": "10.19.0.5", "AuxiliaryAddresses": map[string]any{"a": "10.19.0.5"}})}, 500, "failed to allocate secondary ip address (a:10.19.0.5): Address already in use"},
		{"ipv6 without a subnet", map[string]any{"EnableIPv6": true}, 404, "could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network"},
		{"ipv6 gateway outside", map[string]any{"EnableIPv6": true, "IPAM": pools(map[string]any{"Subnet": "fd00:3::/64", "Gateway": "fd00:4::1"})}, 500, "failed to allocate gateway (fd00:4::1): Requested address is out of range"},
	} {
		r := create(tc.name, tc.body)
		assert.Equal(t, tc.status, r.status, "%s: %s", tc.name, r.body)
		if tc.status == 403 && tc.msg[:9] == "conflicts" {
			assert.Contains(t, r.message(), tc.msg, tc.name)
		} else {
			assert.Equal(t, tc.msg, r.message(), tc.name)
		}
	}

	// A range outside its subnet is its host part in the subnet: the
	// gateway is the subnet's first address.
	assert.Equal(t, []map[string]any{{"Subnet": "10.11.0.0/24", "IPRange": "10.10.0.0/25"}}, networkIPAM(t, c, "ranged"))
	ctr := c.create("", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"}, "HostConfig": map[string]any{"NetworkMode": "ranged"}})
	startOK(t, c, ctr)
	assert.Equal(t, "10.11.0.2", inspectLinks(t, c, ctr).NetworkSettings.Networks["ranged"].IPAddress)

	// A removed network's pool is free again.
	require.Equal(t, 204, c.do("DELETE", "/v1.41/networks/base", nil).status)
	assert.Equal(t, 201, create("again", map[string]any{"IPAM": pools(map[string]any{"Subnet": "10.9.0.0/24"})}).status)
}

// TestIPAMDefaultPools: a network without a subnet gets the next default
// pool (172.18-31/16, then 192.168.x/20) that no network uses, looking on
// from the last one given, so a pool just released is not given again
// until the list comes round.
func TestIPAMDefaultPools(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	create := func(name string, ipam map[string]any) string {
		body := map[string]any{"Name": name}
		if ipam != nil {
			body["IPAM"] = ipam
		}
		r := c.do("POST", "/v1.41/networks/create", body)
		require.Equal(t, 201, r.status, "create %s: %s", name, r.body)
		return networkIPAM(t, c, name)[0]["Subnet"].(string)
	}
	assert.Equal(t, "172.18.0.0/16", create("a", nil))
	create("used", pools(map[string]any{"Subnet": "172.19.128.0/17"}))
	assert.Equal(t, "172.20.0.0/16", create("b", nil), "172.19/16 overlaps a pool in use")
	require.Equal(t, 204, c.do("DELETE", "/v1.41/networks/a", nil).status)
	assert.Equal(t, "172.21.0.0/16", create("c", nil), "a released pool is not given at once")
	assert.Equal(t, []map[string]any{{"Subnet": "172.21.0.0/16", "Gateway": "172.21.0.1"}}, networkIPAM(t, c, "c"))
	var got []string
	for i := range 12 {
		got = append(got, create("n"+string(rune('a'+i)), nil))
	}
	assert.Equal(t, []string{"172.22.0.0/16", "172.23.0.0/16", "172.24.0.0/16", "172.25.0.0/16", "172.26.0.0/16", "172.27.0.0/16",
		"172.28.0.0/16", "172.29.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.168.0.0/20", "192.168.16.0/20"}, got)
}

// TestIPAMIPv6: with IPv6 enabled a network's IPv6 pools are allocated
// (checked for overlap like IPv4 ones) and a container gets an address of
// each family, shown in its settings, in the network's Containers and in
// its /etc/hosts; IPAM.Config lists IPv4 pools first, the default one
// first when no IPv4 subnet is given.
func TestIPAMIPv6(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	r := c.do("POST", "/v1.41/networks/create", map[string]any{"Name": "v6", "EnableIPv6": true,
		"IPAM": pools(map[string]any{"Subnet": "fd00:7::/64"}, map[string]any{"Subnet": "10.37.0.0/24"})})
	require.Equal(t, 201, r.status, "%s", r.body)
	assert.Equal(t, []map[string]any{{"Subnet": "10.37.0.0/24"}, {"Subnet": "fd00:7::/64"}}, networkIPAM(t, c, "v6"))
	r = c.do("POST", "/v1.41/networks/create", map[string]any{"Name": "v6b", "EnableIPv6": true, "IPAM": pools(map[string]any{"Subnet": "fd00:7::/80"})})
	assert.Equal(t, 403, r.status)
	assert.Equal(t, "Pool overlaps with other one on this address space", r.message())
	r = c.do("POST", "/v1.41/networks/create", map[string]any{"Name": "v6c", "EnableIPv6": true, "IPAM": pools(map[string]any{"Subnet": "fd00:8::/64"})})
	require.Equal(t, 201, r.status, "%s", r.body)
	// v6b's default IPv4 pool (172.18/16) was given before its IPv6 pool
	// failed: the IPAM looks on from there.
	assert.Equal(t, []map[string]any{{"Subnet": "172.19.0.0/16", "Gateway": "172.19.0.1"}, {"Subnet": "fd00:8::/64"}}, networkIPAM(t, c, "v6c"))

	id := c.create("six", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"}, "HostConfig": map[string]any{"NetworkMode": "v6"}})
	startOK(t, c, id)
	var s struct {
		NetworkSettings struct {
			Networks map[string]struct {
				IPAddress, Gateway, GlobalIPv6Address, IPv6Gateway string
				GlobalIPv6PrefixLen                                int
			}
		}
	}
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/containers/six/json", nil).body, &s))
	ep := s.NetworkSettings.Networks["v6"]
	assert.Equal(t, []any{"10.37.0.2", "10.37.0.1", "fd00:7::2", "fd00:7::1", 64}, []any{ep.IPAddress, ep.Gateway, ep.GlobalIPv6Address, ep.IPv6Gateway, ep.GlobalIPv6PrefixLen})
	var n struct {
		Containers map[string]struct{ IPv4Address, IPv6Address string }
	}
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/networks/v6", nil).body, &n))
	assert.Equal(t, "fd00:7::2/64", n.Containers[id].IPv6Address)
	assert.Contains(t, execOutput(t, c, id, "cat /etc/hosts"), "10.37.0.2\t"+id[:12]+"\nfd00:7::2\t"+id[:12]+"\n")
}

// TestIPAMFirstFreeAddress: a container gets the first free address of
// its network's range, so one a removed container had is given again
// (libnetwork allocates local networks' addresses that way, not
// serially).
func TestIPAMFirstFreeAddress(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	require.Equal(t, 201, c.do("POST", "/v1.41/networks/create", map[string]any{"Name": "u", "IPAM": pools(map[string]any{"Subnet": "10.40.0.0/24"})}).status)
	run := func(name string) string {
		id := c.create(name, map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"}, "HostConfig": map[string]any{"NetworkMode": "u"}})
		startOK(t, c, id)
		return inspectLinks(t, c, id).NetworkSettings.Networks["u"].IPAddress
	}
	assert.Equal(t, "10.40.0.2", run("aa"))
	assert.Equal(t, "10.40.0.3", run("bb"))
	require.Equal(t, 204, c.do("DELETE", "/v1.41/containers/aa?force=1", nil).status)
	assert.Equal(t, "10.40.0.2", run("cc"))
	assert.Equal(t, "10.40.0.4", run("dd"))
}
