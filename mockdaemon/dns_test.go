package mockdaemon_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// hostResolv is the emulated host's resolv.conf of the DNS tests: a
// local stub resolver, a real one, a search domain and options.
const hostResolv = "# host\nsearch corp.example\nnameserver 127.0.0.53\nnameserver 10.1.1.1\nnameserver 2001:db8::53\noptions edns0 trust-ad\n"

// runOutput runs cfg to its end and returns its output.
func runOutput(t *testing.T, c *client, cfg map[string]any) string {
	t.Helper()
	id := c.runWait(cfg)
	return demux(t, c.do("GET", "/v1.41/containers/"+id+"/logs?stdout=1&stderr=1", nil).body)
}

// TestResolvConfFromHost: a container's resolv.conf is made from the
// host's as libnetwork's sandbox makes it: on the default bridge and
// none the localhost and (without IPv6) IPv6 nameservers dropped; on the
// host's network the file as it is; HostConfig.Dns* replacing lines of
// their kind; on a user-defined network the embedded server with
// ndots:0 after the host's options; in another container's namespace
// that one's file.
func TestResolvConfFromHost(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{HostResolvConf: hostResolv})
	require.Equal(t, 201, c.do("POST", "/v1.41/networks/create", map[string]any{"Name": "u"}).status)
	cat := []string{"cat", "/etc/resolv.conf"}
	filtered := "# host\nsearch corp.example\nnameserver 10.1.1.1\noptions edns0 trust-ad\n"
	for _, tc := range []struct {
		name string
		host map[string]any
		want string
	}{
		{"default bridge", nil, filtered},
		{"none", map[string]any{"NetworkMode": "none"}, filtered},
		{"host", map[string]any{"NetworkMode": "host"}, hostResolv},
		{"user network", map[string]any{"NetworkMode": "u"}, "search corp.example\nnameserver 127.0.0.11\noptions edns0 trust-ad ndots:0\n"},
		{"dns given on the bridge", map[string]any{"Dns": []string{"1.2.3.4"}}, "search corp.example\nnameserver 1.2.3.4\noptions edns0 trust-ad\n"},
		{"search given keeps the host's servers", map[string]any{"DnsSearch": []string{"x.example"}},
			"search x.example\nnameserver 127.0.0.53\nnameserver 10.1.1.1\nnameserver 2001:db8::53\noptions edns0 trust-ad\n"},
		{"dns given on a user network", map[string]any{"NetworkMode": "u", "Dns": []string{"1.2.3.4"}, "DnsOptions": []string{"ndots:2"}},
			"search corp.example\nnameserver 127.0.0.11\noptions ndots:2\n"},
	} {
		cfg := map[string]any{"Image": "busybox", "Cmd": cat}
		if tc.host != nil {
			cfg["HostConfig"] = tc.host
		}
		assert.Equal(t, tc.want, runOutput(t, c, cfg), tc.name)
	}

	// A container in another's namespace reads that one's file.
	peer := c.create("peer", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"}, "HostConfig": map[string]any{"NetworkMode": "u"}})
	startOK(t, c, peer)
	assert.Equal(t, "search corp.example\nnameserver 127.0.0.11\noptions edns0 trust-ad ndots:0\n",
		runOutput(t, c, map[string]any{"Image": "busybox", "Cmd": cat, "HostConfig": map[string]any{"NetworkMode": "container:peer"}}))
}

// TestResolvConfOnConnect: a running container on the default bridge
// connected to a user-defined network has its resolv.conf rebuilt for the
// embedded server, which then answers the names of that network.
func TestResolvConfOnConnect(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{HostResolvConf: "nameserver 10.1.1.1\n"})
	require.Equal(t, 201, c.do("POST", "/v1.41/networks/create", map[string]any{"Name": "u"}).status)
	srv := c.create("srv", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"}, "HostConfig": map[string]any{"NetworkMode": "u"}})
	startOK(t, c, srv)
	cli := c.create("cli", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"}})
	startOK(t, c, cli)
	assert.Equal(t, "nameserver 10.1.1.1\n", execOutput(t, c, cli, "cat /etc/resolv.conf"))
	assert.Contains(t, execOutput(t, c, cli, "ping -c1 srv"), "bad address 'srv'", "no embedded DNS on the default bridge")
	require.Equal(t, 200, c.do("POST", "/v1.41/networks/u/connect", map[string]any{"Container": "cli"}).status)
	assert.Equal(t, "nameserver 127.0.0.11\noptions ndots:0\n", execOutput(t, c, cli, "cat /etc/resolv.conf"))
	assert.Contains(t, execOutput(t, c, cli, "ping -c1 srv"), "1 packets received")
}

// execOutput runs script in the container id and returns its output.
func execOutput(t *testing.T, c *client, id, script string) string {
	t.Helper()
	r := c.do("POST", "/v1.41/containers/"+id+"/exec", map[string]any{"Cmd": []string{"sh", "-c", script}, "AttachStdout": true, "AttachStderr": true})
	require.Equal(t, 201, r.status, "exec create: %s", r.body)
	var e struct {
		ID string `json:"Id"`
	}
	require.NoError(t, json.Unmarshal(r.body, &e))
	r = c.do("POST", "/v1.41/exec/"+e.ID+"/start", map[string]any{})
	require.Equal(t, 200, r.status, "exec start: %s", r.body)
	return demux(t, r.body)
}

// TestEmbeddedDNSNames: on a user-defined network a container's
// processes resolve, through /etc/hosts then the embedded server, the
// names the network knows: container names (any case, name.network too),
// network-scoped aliases shared by two containers (both addresses), short
// ids, host names and the aliases of legacy links, and an address's name;
// nslookup prints them as busybox does against 127.0.0.11; a name nobody
// has is NXDOMAIN.
func TestEmbeddedDNSNames(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{HostResolvConf: "nameserver 10.1.1.1\n"})
	require.Equal(t, 201, c.do("POST", "/v1.41/networks/create", map[string]any{"Name": "u",
		"IPAM": map[string]any{"Config": []map[string]any{{"Subnet": "10.5.0.0/24"}}}}).status)
	onU := func(links ...string) map[string]any {
		return map[string]any{"EndpointsConfig": map[string]any{"u": map[string]any{"Aliases": []string{"svc"}, "Links": links}}}
	}
	a := c.create("aa", map[string]any{"Image": "busybox", "Hostname": "hosta", "Cmd": []string{"sleep", "300"},
		"HostConfig": map[string]any{"NetworkMode": "u"}, "NetworkingConfig": onU()})
	startOK(t, c, a)
	b := c.create("bb", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"},
		"HostConfig": map[string]any{"NetworkMode": "u"}, "NetworkingConfig": onU("aa:lk")})
	startOK(t, c, b)

	out := execOutput(t, c, b, "for n in AA aa.u hosta "+a[:12]+" lk; do ping -c1 -W1 $n | head -1; done; nslookup svc; nslookup nosuch; echo rc=$?")
	assert.Equal(t, "PING AA (10.5.0.2): 56 data bytes\nPING aa.u (10.5.0.2): 56 data bytes\nPING hosta (10.5.0.2): 56 data bytes\n"+
		"PING "+a[:12]+" (10.5.0.2): 56 data bytes\nPING lk (10.5.0.2): 56 data bytes\n"+
		"Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\nNon-authoritative answer:\n\nNon-authoritative answer:\n"+
		"Name:\tsvc\nAddress: 10.5.0.2\nName:\tsvc\nAddress: 10.5.0.3\n\n"+
		"Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\n** server can't find nosuch: NXDOMAIN\n\n** server can't find nosuch: NXDOMAIN\n\nrc=1\n", out)

	// With a search domain nslookup asks for a bare name in it, where the
	// embedded server does not know it; ping's resolver tries the name too.
	srch := c.create("srch", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"},
		"HostConfig": map[string]any{"NetworkMode": "u", "DnsSearch": []string{"dw.example"}}})
	startOK(t, c, srch)
	assert.Equal(t, "Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\n** server can't find svc.dw.example: NXDOMAIN\n\nrc=1\nPING svc (10.5.0.2): 56 data bytes\n",
		execOutput(t, c, srch, "nslookup -type=a svc; echo rc=$?; ping -c1 svc | head -1"))

	// An address's name is container.network.
	assert.Equal(t, "Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\nNon-authoritative answer:\n2.0.5.10.in-addr.arpa\tname = aa.u\n\nrc=0\n"+
		"Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\n** server can't find 9.0.5.10.in-addr.arpa: NXDOMAIN\n\nrc=1\n",
		execOutput(t, c, b, "nslookup 10.5.0.2; echo rc=$?; nslookup 10.5.0.9; echo rc=$?"))

	// The link alias is b's own: a does not resolve it.
	assert.Contains(t, execOutput(t, c, a, "ping -c1 lk"), "bad address 'lk'")
	// /etc/hosts comes first.
	assert.True(t, strings.HasPrefix(execOutput(t, c, a, "echo '10.9.9.9 bb' >> /etc/hosts; ping -c1 -W1 bb"), "PING bb (10.9.9.9)"))
}

// TestJoinedNamespaceFiles: a container started in another's network
// namespace takes that one's host name, hostname, hosts and resolv.conf
// files (their paths in inspect too), as dockerd's initializeNetworking
// does; until then it has its own short id as host name.
func TestJoinedNamespaceFiles(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	peer := c.create("peer", map[string]any{"Image": "busybox", "Hostname": "hh", "Cmd": []string{"sleep", "300"}})
	startOK(t, c, peer)
	j := c.create("joined", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"}, "HostConfig": map[string]any{"NetworkMode": "container:peer"}})
	type files struct {
		Config                                  struct{ Hostname string }
		HostnamePath, HostsPath, ResolvConfPath string
	}
	inspect := func(id string) files {
		var f files
		require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/containers/"+id+"/json", nil).body, &f))
		return f
	}
	assert.Equal(t, j[:12], inspect(j).Config.Hostname)
	startOK(t, c, j)
	got, want := inspect(j), inspect(peer)
	assert.Equal(t, want, got)
	assert.Equal(t, "hh\nhh\n", execOutput(t, c, j, "hostname; cat /etc/hostname"))
	assert.Equal(t, execOutput(t, c, peer, "cat /etc/hosts /etc/resolv.conf"), execOutput(t, c, j, "cat /etc/hosts /etc/resolv.conf"))
}

// TestEmbeddedDNSAnonymous: a container created without a name before API
// 1.44 has anonymous endpoints, as on dockerd 20.10: the embedded DNS
// server knows it by its aliases (the first one names its address) and
// short id, not by its generated name; one created at 1.44 or later by its
// name too.
func TestEmbeddedDNSAnonymous(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	require.Equal(t, 201, c.do("POST", "/v1.41/networks/create", map[string]any{"Name": "u",
		"IPAM": map[string]any{"Config": []map[string]any{{"Subnet": "10.6.0.0/24"}}}}).status)
	create := func(ver string) (id, name string) {
		r := c.do("POST", "/"+ver+"/containers/create", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"},
			"HostConfig": map[string]any{"NetworkMode": "u"}, "NetworkingConfig": map[string]any{"EndpointsConfig": map[string]any{"u": map[string]any{"Aliases": []string{"al-" + ver}}}}})
		require.Equal(t, 201, r.status, "create: %s", r.body)
		var out struct {
			ID string `json:"Id"`
		}
		require.NoError(t, json.Unmarshal(r.body, &out))
		startOK(t, c, out.ID)
		return out.ID, inspectName(t, c, out.ID)
	}
	old, oldName := create("v1.41")
	_, newName := create("v1.44")
	out := execOutput(t, c, old, "for n in "+oldName+" al-v1.41 "+old[:12]+" "+newName+"; do ping -c1 -W1 $n 2>&1 | head -1; done; nslookup 10.6.0.2 | grep name")
	assert.Equal(t, "ping: bad address '"+oldName+"'\nPING al-v1.41 (10.6.0.2): 56 data bytes\nPING "+old[:12]+" (10.6.0.2): 56 data bytes\n"+
		"PING "+newName+" (10.6.0.3): 56 data bytes\n2.0.6.10.in-addr.arpa\tname = al-v1.41.u\n", out)
}

func inspectName(t *testing.T, c *client, id string) string {
	t.Helper()
	var s struct{ Name string }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/containers/"+id+"/json", nil).body, &s))
	return strings.TrimPrefix(s.Name, "/")
}

// TestHostsFileOnHostNetwork: a container on the host's network gets a
// copy of the host's /etc/hosts, as libnetwork's default sandbox does,
// unless it has ExtraHosts: then the file is built as for any container.
func TestHostsFileOnHostNetwork(t *testing.T) {
	const hostHosts = "127.0.0.1 localhost\n127.0.0.1 myhost\n10.0.0.5 db.corp\n"
	_, c := newClient(t, mockdaemon.Config{HostHosts: hostHosts})
	cat := []string{"cat", "/etc/hosts"}
	assert.Equal(t, hostHosts, runOutput(t, c, map[string]any{"Image": "busybox", "Cmd": cat, "HostConfig": map[string]any{"NetworkMode": "host"}}))
	withExtra := runOutput(t, c, map[string]any{"Image": "busybox", "Cmd": cat,
		"HostConfig": map[string]any{"NetworkMode": "host", "ExtraHosts": []string{"x.example:1.2.3.4"}}})
	assert.Contains(t, withExtra, "1.2.3.4\tx.example\n")
	assert.NotContains(t, withExtra, "db.corp")
	assert.NotContains(t, runOutput(t, c, map[string]any{"Image": "busybox", "Cmd": cat}), "db.corp", "a bridge container's own file")
}

// TestRenameNamesAnonymousContainer: an anonymous container (created
// without a name before API 1.44) is no DNS record by its name; renamed,
// it becomes one once its endpoints are made again (a stop and a start),
// as dockerd's rename clears IsAnonymousEndpoint for the next endpoints.
func TestRenameNamesAnonymousContainer(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	require.Equal(t, 201, c.do("POST", "/v1.41/networks/create", map[string]any{"Name": "u"}).status)
	onU := map[string]any{"NetworkMode": "u"}
	r := c.do("POST", "/v1.41/containers/create", map[string]any{"Image": "busybox", "Cmd": []string{"top"}, "HostConfig": onU})
	require.Equal(t, 201, r.status, "%s", r.body)
	var out struct{ Id string }
	require.NoError(t, json.Unmarshal(r.body, &out))
	startOK(t, c, out.Id)
	cli := c.create("cli", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"}, "HostConfig": onU})
	startOK(t, c, cli)

	require.Equal(t, 204, c.do("POST", "/v1.41/containers/"+out.Id+"/rename?name=renamed", nil).status)
	assert.Contains(t, execOutput(t, c, cli, "ping -c1 renamed"), "bad address 'renamed'", "the running container's endpoint stays anonymous")
	require.Equal(t, 204, c.do("POST", "/v1.41/containers/renamed/stop?t=1", nil).status)
	startOK(t, c, out.Id)
	assert.Contains(t, execOutput(t, c, cli, "ping -c1 renamed"), "1 packets received")
}
