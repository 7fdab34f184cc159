package mockdaemon_test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// linkInspect is what the link tests read of a container's inspect.
type linkInspect struct {
	Config struct{ Hostname string }
	State  struct {
		ExitCode int
		Error    string
	}
	HostConfig      struct{ Links []string }
	NetworkSettings struct {
		Networks map[string]struct{ IPAddress string }
	}
}

func inspectLinks(t *testing.T, c *client, ref string) linkInspect {
	t.Helper()
	r := c.do("GET", "/v1.41/containers/"+ref+"/json", nil)
	require.Equal(t, 200, r.status, "inspect %s: %s", ref, r.body)
	var out linkInspect
	require.NoError(t, json.Unmarshal(r.body, &out))
	return out
}

// namesOf is the Names the container list shows for id.
func namesOf(t *testing.T, c *client, id string) []string {
	t.Helper()
	var list []struct {
		ID    string `json:"Id"`
		Names []string
	}
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/containers/json?all=1", nil).body, &list))
	for _, l := range list {
		if l.ID == id {
			return l.Names
		}
	}
	t.Fatalf("container %s is not listed", id)
	return nil
}

func startOK(t *testing.T, c *client, id string) {
	t.Helper()
	r := c.do("POST", "/v1.41/containers/"+id+"/start", nil)
	require.Equal(t, 204, r.status, "start: %s", r.body)
}

// TestLinksEnvAndHosts: a linked container's process gets dockerd's link
// variables (the lowest port as ALIAS_PORT, a run of three ports as a
// range, every port's four variables, ALIAS_NAME, the peer's Env but
// PATH and HOME) and /etc/hosts the alias, the peer's hostname and name;
// inspect shows the link canonical.
func TestLinksEnvAndHosts(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	db := c.create("db", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"},
		"Env":          []string{"DBPASS=secret", "NOEQ", "HOME=/h"},
		"ExposedPorts": map[string]any{"53/udp": map[string]any{}, "8000/tcp": map[string]any{}, "8001/tcp": map[string]any{}, "8002/tcp": map[string]any{}}})
	startOK(t, c, db)
	dbInfo := inspectLinks(t, c, db)
	ip := dbInfo.NetworkSettings.Networks["bridge"].IPAddress
	require.NotEmpty(t, ip)

	app := c.create("app", map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", "env | grep ^MY_DB | sort; grep my-db /etc/hosts"},
		"HostConfig": map[string]any{"Links": []string{"db:my-db"}}})
	assert.Equal(t, []string{"/db:/app/my-db"}, inspectLinks(t, c, app).HostConfig.Links)
	startOK(t, c, app)
	require.Equal(t, 200, c.do("POST", "/v1.41/containers/"+app+"/wait", nil).status)
	stdout, stderr := readFrames(t, c.do("GET", "/v1.41/containers/"+app+"/logs?stdout=1&stderr=1", nil).body)
	require.Empty(t, stderr)

	env := []string{
		"MY_DB_ENV_DBPASS=secret",
		"MY_DB_NAME=/app/my-db",
		"MY_DB_PORT=udp://" + ip + ":53",
	}
	for _, p := range []struct{ num, proto string }{{"53", "udp"}, {"8000", "tcp"}, {"8001", "tcp"}, {"8002", "tcp"}} {
		pre := "MY_DB_PORT_" + p.num + "_" + strings.ToUpper(p.proto)
		env = append(env, pre+"="+p.proto+"://"+ip+":"+p.num, pre+"_ADDR="+ip, pre+"_PORT="+p.num, pre+"_PROTO="+p.proto)
	}
	env = append(env,
		"MY_DB_PORT_8000_TCP_START=tcp://"+ip+":8000", "MY_DB_PORT_8000_TCP_PORT_START=8000",
		"MY_DB_PORT_8000_TCP_END=tcp://"+ip+":8002", "MY_DB_PORT_8000_TCP_PORT_END=8002")
	sort.Strings(env)
	hosts := ip + "\tmy-db " + dbInfo.Config.Hostname + " db\n"
	assert.Equal(t, strings.Join(env, "\n")+"\n"+hosts, stdout)
}

// TestLinksNamesAndRemoval: the peer is listed (and found) under
// /parent/alias too, until DELETE /containers/{parent}/{alias}?link=1
// removes the link; a container's own name is refused (500 on 1.41, 400
// from 1.42), a name no longer there is a 404.
func TestLinksNamesAndRemoval(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	db := c.create("db", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"}})
	app := c.create("app", map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "HostConfig": map[string]any{"Links": []string{"/db:/whatever/al", "db:al", "db"}}})
	assert.Equal(t, []string{"/db:/app/al", "/db:/app/db"}, inspectLinks(t, c, app).HostConfig.Links, "the same alias twice is one link")
	assert.Equal(t, []string{"/app/al", "/app/db", "/db"}, namesOf(t, c, db))

	r := c.do("DELETE", "/v1.41/containers/db?link=1", nil)
	assert.Equal(t, 500, r.status)
	assert.Equal(t, "Conflict, cannot remove the default link name of the container", r.message())
	r = c.do("DELETE", "/v1.42/containers/db?link=1", nil)
	assert.Equal(t, 400, r.status)
	r = c.do("DELETE", "/v1.41/containers/nosuch/al?link=1", nil)
	assert.Equal(t, 404, r.status)
	assert.Equal(t, "No such container: nosuch/al", r.message())

	r = c.do("DELETE", "/v1.41/containers/app/al?link=1", nil)
	require.Equal(t, 204, r.status, "%s", r.body)
	r = c.do("DELETE", "/v1.41/containers/app/db?link=1", nil)
	require.Equal(t, 204, r.status, "%s", r.body)
	r = c.do("DELETE", "/v1.41/containers/app/al?link=1", nil)
	assert.Equal(t, 404, r.status)
	assert.Equal(t, "No such container: app/al", r.message())

	assert.Nil(t, inspectLinks(t, c, app).HostConfig.Links)
	assert.Equal(t, []string{"/db"}, namesOf(t, c, db))
	assert.Equal(t, 200, c.do("GET", "/v1.41/containers/db/json", nil).status, "the peer stays")
}

// TestLinksErrors: create checks each link (its form, that its peer
// exists, the network mode); start fails on a peer that is not running,
// recording the error as dockerd does.
func TestLinksErrors(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	c.create("db", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"}})
	for _, tc := range []struct {
		name   string
		hc     map[string]any
		status int
		msg    string
	}{
		{"missing peer", map[string]any{"Links": []string{"nosuch:al"}}, 400, "could not get container for nosuch: No such container: nosuch"},
		{"bad form", map[string]any{"Links": []string{"a:b:c"}}, 500, "bad format for links: a:b:c"},
		{"empty", map[string]any{"Links": []string{""}}, 500, "empty string specified for links"},
		{"host network", map[string]any{"NetworkMode": "host", "Links": []string{"db:x"}}, 400,
			"conflicting options: host type networking can't be used with links. This would result in undefined behavior"},
		{"container network", map[string]any{"NetworkMode": "container:db", "Links": []string{"db:x"}}, 400,
			"conflicting options: container type network can't be used with links. This would result in undefined behavior"},
	} {
		r := c.do("POST", "/v1.41/containers/create?name=bad", map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "HostConfig": tc.hc})
		assert.Equal(t, tc.status, r.status, tc.name)
		assert.Equal(t, tc.msg, r.message(), tc.name)
	}
	assert.Equal(t, 404, c.do("GET", "/v1.41/containers/bad/json", nil).status, "no container is left of a failed create")

	app := c.create("app", map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "HostConfig": map[string]any{"Links": []string{"db:al"}}})
	r := c.do("POST", "/v1.41/containers/"+app+"/start", nil)
	const want = "Cannot link to a non running container: /db AS /app/al"
	assert.Equal(t, 500, r.status)
	assert.Equal(t, want, r.message())
	st := inspectLinks(t, c, app).State
	assert.Equal(t, 128, st.ExitCode)
	assert.Equal(t, want, st.Error)

	// a link to a container that shares another's network is to that other one
	c.create("shared", map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "HostConfig": map[string]any{"NetworkMode": "container:db"}})
	other := c.create("other", map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "HostConfig": map[string]any{"Links": []string{"shared:s"}}})
	assert.Equal(t, []string{"/db:/other/s"}, inspectLinks(t, c, other).HostConfig.Links)
}

// TestLinksRenameAndRemove: a renamed parent keeps its links under its
// new name; a removed parent releases its link names; a removed peer
// leaves its parent's link, which then fails the parent's start. On a
// user-defined network nothing is registered.
func TestLinksRenameAndRemove(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	db := c.create("db", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"}})
	app := c.create("app", map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "HostConfig": map[string]any{"Links": []string{"db:al"}}})
	c.create("tmp", map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "HostConfig": map[string]any{"Links": []string{"db:t"}}})

	require.Equal(t, 204, c.do("POST", "/v1.41/containers/app/rename?name=app2", nil).status)
	assert.Equal(t, []string{"/db:/app2/al"}, inspectLinks(t, c, app).HostConfig.Links)
	assert.Equal(t, 404, c.do("DELETE", "/v1.41/containers/app/al?link=1", nil).status)
	require.Equal(t, 204, c.do("DELETE", "/v1.41/containers/tmp", nil).status)
	assert.Equal(t, []string{"/app2/al", "/db"}, namesOf(t, c, db))

	require.Equal(t, 201, c.do("POST", "/v1.41/networks/create", map[string]any{"Name": "usernet"}).status)
	u := c.create("onu", map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "HostConfig": map[string]any{"NetworkMode": "usernet", "Links": []string{"db:x"}}})
	assert.Nil(t, inspectLinks(t, c, u).HostConfig.Links)
	assert.Equal(t, []string{"/app2/al", "/db"}, namesOf(t, c, db))

	require.Equal(t, 204, c.do("DELETE", "/v1.41/containers/db?force=1", nil).status)
	assert.Equal(t, []string{"/db:/app2/al"}, inspectLinks(t, c, app).HostConfig.Links, "the parent keeps showing the link")
	r := c.do("DELETE", "/v1.41/containers/app2/al?link=1", nil)
	assert.Equal(t, 404, r.status)
	assert.Equal(t, "No such container: app2/al", r.message(), "the peer's removal released the link's name")
	r = c.do("POST", "/v1.41/containers/"+app+"/start", nil)
	assert.Equal(t, 500, r.status)
	assert.Equal(t, "Cannot link to a non running container: /db AS /app2/al", r.message())
}

// TestContainerRoutesTakeLinkNames: every containers route takes a link's
// name /parent/alias where it takes a container's, as dockerd's
// {name:.*} routes do: the first route in table order whose suffix ends
// the path serves it, with all before that suffix as the name (so
// /containers/app/json/json names "app/json"), and the name resolves
// through the link graph.
func TestContainerRoutesTakeLinkNames(t *testing.T) {
	d, c := newClient(t, mockdaemon.Config{})
	db := c.create("db", map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", "echo dblog; sleep 300"}})
	startOK(t, c, db)
	c.create("app", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"},
		"HostConfig": map[string]any{"Links": []string{"db:db"}}})

	var info struct{ Id string }
	r := c.do("GET", "/v1.41/containers/app/db/json", nil)
	require.Equal(t, 200, r.status, "inspect by link name: %s", r.body)
	require.NoError(t, json.Unmarshal(r.body, &info))
	assert.Equal(t, db, info.Id, "the link name reaches the linked peer")
	reqs := d.Requests()
	require.NotEmpty(t, reqs)
	assert.Equal(t, "ContainerInspect", reqs[len(reqs)-1].Operation)
	assert.Equal(t, "/containers/{id}/json", reqs[len(reqs)-1].Template, "the log shows the template as the reference writes it")

	require.True(t, poll(5*time.Second, func() bool {
		out, _ := readFrames(t, c.do("GET", "/v1.41/containers/app/db/logs?stdout=1", nil).body)
		return out == "dblog\n"
	}), "logs by link name")
	assert.Equal(t, 200, c.do("GET", "/v1.41/containers/app/db/top", nil).status)
	assert.Equal(t, 204, c.do("POST", "/v1.41/containers/app/db/pause", nil).status)
	assert.Equal(t, 204, c.do("POST", "/v1.41/containers/app/db/unpause", nil).status)
	assert.Equal(t, 200, c.do("HEAD", "/v1.41/containers/app/db/archive?path=/etc/hostname", nil).status)
	assert.Equal(t, 201, c.do("POST", "/v1.41/containers/app/db/exec", map[string]any{"Cmd": []string{"true"}}).status)

	for _, tc := range []struct {
		method, path string
		status       int
		msg          string
	}{
		{"GET", "/containers/a/b/c/json", 404, "No such container: a/b/c"},
		{"GET", "/containers/app/nosuch/json", 404, "No such container: app/nosuch"},
		{"GET", "/containers/app/json/json", 404, "No such container: app/json"},
		{"GET", "/containers/app/db/nosuchop", 404, "page not found"},
		{"GET", "/containers/app/db", 404, "page not found"},
		{"GET", "/containers/app/db/", 404, "page not found"},
		{"DELETE", "/containers/app/db/json", 404, "No such container: app/db/json"},
		{"DELETE", "/containers/app/db/checkpoints/x", 404, "No such container: app/db/checkpoints/x"},
		{"DELETE", "/containers/", 400, `invalid name or ID supplied: ""`},
		{"DELETE", "/containers/app/checkpoints/x", 501, "This experimental feature is disabled by default. Start the Docker daemon in experimental mode in order to enable it."},
		{"GET", "/containers/app/db/checkpoints", 501, "This experimental feature is disabled by default. Start the Docker daemon in experimental mode in order to enable it."},
	} {
		r := c.do(tc.method, "/v1.41"+tc.path, nil)
		assert.Equal(t, tc.status, r.status, "%s %s: %s", tc.method, tc.path, r.body)
		assert.Equal(t, tc.msg, r.message(), "%s %s", tc.method, tc.path)
	}
	r = c.do("POST", "/v1.41/containers/app/db/copy", nil)
	assert.Equal(t, 404, r.status, "copy is gone")
	assert.Empty(t, r.body, "copy answers a bare 404")

	r = c.do("POST", "/v1.41/containers/app/db/rename?name=db2", nil)
	require.Equal(t, 204, r.status, "rename by link name: %s", r.body)
	assert.Equal(t, db, idOf(t, c, "db2"), "the rename reached the peer")
	r = c.do("DELETE", "/v1.41/containers/app/db?force=1", nil)
	require.Equal(t, 204, r.status, "remove by link name: %s", r.body)
	assert.Equal(t, 404, c.do("GET", "/v1.41/containers/"+db+"/json", nil).status, "the peer is gone")
}

// idOf is the id of the container ref names.
func idOf(t *testing.T, c *client, ref string) string {
	t.Helper()
	var info struct{ Id string }
	r := c.do("GET", "/v1.41/containers/"+ref+"/json", nil)
	require.Equal(t, 200, r.status, "inspect %s: %s", ref, r.body)
	require.NoError(t, json.Unmarshal(r.body, &info))
	return info.Id
}
