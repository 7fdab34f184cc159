package mockdaemon_test

import (
	"bufio"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

const notManager = `This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.`

// demux reads stdcopy frames and returns stdout+stderr payloads.
func demux(t *testing.T, b []byte) string {
	t.Helper()
	var out strings.Builder
	for len(b) >= 8 {
		n := int(binary.BigEndian.Uint32(b[4:8]))
		require.GreaterOrEqual(t, len(b), 8+n, "truncated frame: %q", b)
		out.Write(b[8 : 8+n])
		b = b[8+n:]
	}
	require.Empty(t, b, "trailing bytes")
	return out.String()
}

func TestSwarmRefusedWithoutSwarm(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	tests := []struct {
		method, path string
		body         any
		status       int
		msg          string
	}{
		{"GET", "/v1.56/swarm", nil, 503, notManager},
		{"POST", "/v1.56/swarm/leave", nil, 503, "This node is not part of a swarm"},
		{"POST", "/v1.56/swarm/unlock", map[string]any{}, 503, notManager},
		{"GET", "/v1.56/swarm/unlockkey", nil, 503, notManager},
		{"GET", "/v1.56/nodes", nil, 503, notManager},
		{"GET", "/v1.56/services", nil, 503, notManager},
		{"GET", "/v1.56/tasks", nil, 503, notManager},
		{"GET", "/v1.56/secrets", nil, 503, notManager},
		{"GET", "/v1.56/configs/x", nil, 503, notManager},
		{"POST", "/v1.56/secrets/create", map[string]any{"Name": "x", "Data": "eA=="}, 503, notManager},
		{"PUT", "/v1.56/volumes/x?version=1", nil, 503, "volume update only valid for cluster volumes, but swarm is unavailable"},
		// A body is read before anything else is looked at.
		{"POST", "/v1.56/swarm/unlock", nil, 400, "got EOF while reading request body"},
		{"POST", "/v1.56/services/create", nil, 400, "got EOF while reading request body"},
		{"POST", "/v1.56/networks/create", map[string]any{"Name": "x", "Driver": "overlay"}, 500, notManager},
	}
	for _, tt := range tests {
		r := c.do(tt.method, tt.path, tt.body)
		assert.Equal(t, tt.status, r.status, "%s %s", tt.method, tt.path)
		assert.Equal(t, tt.msg, r.message(), "%s %s", tt.method, tt.path)
	}
}

func TestSwarmLifecycle(t *testing.T) {
	before := runtime.NumGoroutine()
	d, c := newClient(t, mockdaemon.Config{})
	r := c.do("POST", "/v1.56/swarm/init", map[string]any{"ListenAddr": "127.0.0.1:2377", "AdvertiseAddr": "127.0.0.1"})
	require.Equal(t, 200, r.status, "init: %s", r.body)
	var nodeID string
	require.NoError(t, json.Unmarshal(r.body, &nodeID))
	require.NotEmpty(t, nodeID)
	r = c.do("POST", "/v1.56/swarm/init", map[string]any{})
	assert.Equal(t, 503, r.status, "second init")
	assert.True(t, strings.HasPrefix(r.message(), "This node is already part of a swarm."), "second init: %q", r.message())
	assert.Equal(t, "active/manager", c.do("GET", "/_ping", nil).header.Get("Swarm"), "ping Swarm header")
	var sw struct {
		ID         string
		Version    struct{ Index int64 }
		Spec       map[string]any
		JoinTokens struct{ Worker, Manager string }
	}
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.56/swarm", nil).body, &sw))
	require.NotEmpty(t, sw.ID, "inspect: %+v", sw)
	require.True(t, strings.HasPrefix(sw.JoinTokens.Worker, "SWMTKN-1-"), "inspect: %+v", sw)
	require.Equal(t, "default", sw.Spec["Name"], "inspect")
	stale := strconv.FormatInt(sw.Version.Index, 10)
	r = c.do("POST", "/v1.56/swarm/update?version="+stale+"&rotateWorkerToken=1", sw.Spec)
	require.Equal(t, 200, r.status, "update: %s", r.body)
	r = c.do("POST", "/v1.56/swarm/update?version="+stale, sw.Spec)
	assert.Equal(t, 500, r.status, "stale update")
	assert.Equal(t, "rpc error: code = Unknown desc = update out of sequence", r.message(), "stale update")
	r = c.do("POST", "/v1.56/swarm/unlock", map[string]string{"UnlockKey": "x"})
	assert.Equal(t, 409, r.status, "unlock")
	assert.Equal(t, "swarm is not locked", r.message(), "unlock")
	r = c.do("POST", "/v1.56/swarm/leave", nil)
	assert.Equal(t, 503, r.status, "leave without force")
	assert.Contains(t, r.message(), "Removing the last manager erases all current state of the swarm.", "leave without force")
	var info struct {
		Swarm struct{ LocalNodeState, NodeID string }
	}
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.56/info", nil).body, &info))
	assert.Equal(t, "active", info.Swarm.LocalNodeState, "info.Swarm")
	assert.Equal(t, nodeID, info.Swarm.NodeID, "info.Swarm")
	r = c.do("DELETE", "/v1.56/nodes/"+nodeID, nil)
	assert.Equal(t, 400, r.status, "node delete")
	assert.Contains(t, r.message(), "is a cluster manager", "node delete")
	r = c.do("GET", "/v1.56/nodes/nope", nil)
	assert.Equal(t, 404, r.status, "node inspect")
	assert.Equal(t, "node nope not found", r.message(), "node inspect")

	// secret and config
	b64 := base64.StdEncoding.EncodeToString
	r = c.do("POST", "/v1.56/secrets/create", map[string]any{"Name": "pw", "Data": b64([]byte("hunter2"))})
	require.Equal(t, 201, r.status, "secret create: %s", r.body)
	var sec struct{ ID string }
	require.NoError(t, json.Unmarshal(r.body, &sec))
	require.NotEmpty(t, sec.ID)
	r = c.do("POST", "/v1.56/secrets/create", map[string]any{"Name": "pw", "Data": b64([]byte("x"))})
	assert.Equal(t, 409, r.status, "secret dup")
	assert.Equal(t, "rpc error: code = AlreadyExists desc = secret pw already exists", r.message(), "secret dup")
	r = c.do("GET", "/v1.56/secrets/pw", nil)
	assert.Equal(t, 200, r.status, "secret inspect")
	assert.NotContains(t, string(r.body), "Data", "secret inspect shows its data")
	r = c.do("POST", "/v1.56/configs/create", map[string]any{"Name": "conf", "Data": b64([]byte("k=v"))})
	var cfg struct{ ID string }
	require.NoError(t, json.Unmarshal(r.body, &cfg))
	assert.Contains(t, string(c.do("GET", "/v1.56/configs/"+cfg.ID, nil).body), b64([]byte("k=v")), "config inspect hides its data")

	// service: one task, a container that sees both
	spec := map[string]any{
		"Name": "web",
		"TaskTemplate": map[string]any{
			"ContainerSpec": map[string]any{
				"Image":           "busybox:latest",
				"Command":         []string{"sh", "-c", "cat /run/secrets/pw; echo; cat /etc/app.conf; echo; exec sleep 300"},
				"Secrets":         []any{map[string]any{"SecretID": sec.ID, "SecretName": "pw", "File": map[string]any{"Name": "pw", "Mode": 0o400}}},
				"Configs":         []any{map[string]any{"ConfigID": cfg.ID, "ConfigName": "conf", "File": map[string]any{"Name": "/etc/app.conf"}}},
				"StopGracePeriod": int64(10 * time.Millisecond),
			},
		},
	}
	r = c.do("POST", "/v1.56/services/create", spec)
	require.Equal(t, 201, r.status, "service create: %s", r.body)
	var svc struct{ ID string }
	require.NoError(t, json.Unmarshal(r.body, &svc))
	r = c.do("DELETE", "/v1.56/secrets/pw", nil)
	assert.Equal(t, 400, r.status, "delete of a used secret")
	assert.Contains(t, r.message(), "is in use by the following service: web", "delete of a used secret")
	var logs string
	poll(10*time.Second, func() bool {
		lr := c.do("GET", "/v1.56/services/web/logs?stdout=1&stderr=1", nil)
		require.Equal(t, "application/vnd.docker.multiplexed-stream", lr.header.Get("Content-Type"), "service logs content type")
		logs = demux(t, lr.body)
		// cat writes the config, then echo its newline: wait for both
		return strings.Contains(logs, "k=v\n")
	})
	assert.Equal(t, "hunter2\nk=v\n", logs, "service logs")
	var tasks []struct {
		ID, ServiceID, DesiredState string
		Status                      struct{ State string }
	}
	require.NoError(t, json.Unmarshal(c.do("GET", `/v1.56/tasks?filters={"service":["web"]}`, nil).body, &tasks))
	if assert.Len(t, tasks, 1) {
		assert.Equal(t, svc.ID, tasks[0].ServiceID, "task")
		assert.Equal(t, "running", tasks[0].Status.State, "task")
		assert.Equal(t, "running", tasks[0].DesiredState, "task")
	}
	r = c.do("GET", "/v1.56/services/web/logs", nil)
	assert.Equal(t, 400, r.status, "logs without streams")
	assert.Equal(t, "Bad parameters: you must choose at least one stream", r.message(), "logs without streams")
	r = c.do("POST", "/v1.56/services/web/update?version=1", spec)
	assert.Equal(t, 500, r.status, "stale service update")
	assert.True(t, strings.HasSuffix(r.message(), "update out of sequence"), "stale service update: %q", r.message())
	r = c.do("DELETE", "/v1.56/services/web", nil)
	assert.Equal(t, 200, r.status, "service delete: %s", r.body)
	r = c.do("GET", "/v1.56/services/web", nil)
	assert.Equal(t, 404, r.status, "inspect after delete")
	assert.Equal(t, "service web not found", r.message(), "inspect after delete")
	r = c.do("POST", "/v1.56/swarm/leave?force=1", nil)
	require.Equal(t, 200, r.status, "leave --force: %s", r.body)
	assert.Equal(t, "inactive", c.do("GET", "/_ping", nil).header.Get("Swarm"), "ping Swarm header after leave")
	c.hc.CloseIdleConnections()
	d.Close()
	settle(t, before)
}

func TestPluginLifecycle(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	r := c.do("GET", "/v1.56/plugins/privileges?remote=vieux/sshfs", nil)
	var privs []struct {
		Name  string
		Value []string
	}
	require.Equal(t, 200, r.status, "privileges: %s", r.body)
	require.NoError(t, json.Unmarshal(r.body, &privs), "privileges: %s", r.body)
	require.Len(t, privs, 4, "privileges: %s", r.body)
	r = c.do("POST", "/v1.56/plugins/pull?remote=vieux/sshfs", privs)
	require.Equal(t, 200, r.status, "pull: %s", r.body)
	require.Contains(t, string(r.body), "Downloaded newer image for vieux/sshfs:latest", "pull")
	tests := []struct {
		method, path string
		body         any
		status       int
		msg          string
	}{
		{"POST", "/v1.56/plugins/pull?remote=vieux/sshfs", nil, 409, `plugin "vieux/sshfs:latest" already exists`},
		{"POST", "/v1.56/plugins/pull?remote=nobody/nothing", nil, 404, "pull access denied for nobody/nothing, repository does not exist or may require 'docker login': denied: requested access to the resource is denied"},
		{"POST", "/v1.56/plugins/vieux/sshfs/enable", nil, 200, ""},
		{"POST", "/v1.56/plugins/vieux/sshfs:latest/enable", nil, 409, "plugin already enabled: plugin vieux/sshfs:latest is enabled"},
		{"POST", "/v1.56/plugins/vieux/sshfs/set", []string{"DEBUG=1"}, 500, "cannot set on an active plugin, disable plugin before setting"},
		{"DELETE", "/v1.56/plugins/vieux/sshfs", nil, 409, "plugin vieux/sshfs:latest is enabled"},
		{"POST", "/v1.56/plugins/vieux/sshfs/disable", nil, 200, ""},
		{"POST", "/v1.56/plugins/vieux/sshfs/disable", nil, 409, "plugin is already disabled: plugin vieux/sshfs:latest found but disabled"},
		{"POST", "/v1.56/plugins/vieux/sshfs/set", []string{"NOPE=1"}, 500, `setting "NOPE" not found in the plugin configuration`},
		{"POST", "/v1.56/plugins/vieux/sshfs/set", []string{"DEBUG=1"}, 204, ""},
		{"DELETE", "/v1.56/plugins/vieux/sshfs", nil, 200, ""},
		{"GET", "/v1.56/plugins/vieux/sshfs/json", nil, 404, `plugin "vieux/sshfs" not found`},
		{"POST", "/v1.56/plugins/missing/enable", nil, 404, `plugin "missing" not found`},
	}
	for _, tt := range tests {
		r := c.do(tt.method, tt.path, tt.body)
		assert.Equal(t, tt.status, r.status, "%s %s: %q", tt.method, tt.path, r.message())
		if tt.msg != "" {
			assert.Equal(t, tt.msg, r.message(), "%s %s", tt.method, tt.path)
		}
	}
	var list []any
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.56/plugins", nil).body, &list))
	assert.Empty(t, list, "plugins left")
}

func registryAuth(user, pass string) string {
	b, _ := json.Marshal(map[string]string{"username": user, "password": pass})
	return base64.URLEncoding.EncodeToString(b)
}

func TestRegistryEmulation(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{Registries: map[string]mockdaemon.Credentials{
		"127.0.0.1:5998": {},
		"127.0.0.1:5999": {Username: "u", Password: "p"},
	}})
	r := c.do("POST", "/v1.56/images/busybox:latest/tag?repo=127.0.0.1:5998/bb&tag=v1", nil)
	require.Equal(t, 201, r.status, "tag: %s", r.body)
	r = c.do("POST", "/v1.56/images/127.0.0.1:5998/bb/push?tag=v1", nil)
	var aux struct {
		Aux struct {
			Digest string
			Size   int
		}
	}
	for _, line := range strings.Split(string(r.body), "\n") {
		if strings.Contains(line, `"aux"`) {
			require.NoError(t, json.Unmarshal([]byte(line), &aux), "push: %s", line)
		}
	}
	require.Equal(t, 200, r.status, "push: %s", r.body)
	require.True(t, strings.HasPrefix(aux.Aux.Digest, "sha256:"), "push: %s", r.body)
	require.NotContains(t, string(r.body), "error", "push")
	var di struct {
		Descriptor struct {
			Digest string `json:"digest"`
			Size   int    `json:"size"`
		}
		Platforms []struct{ OS string }
	}
	r = c.do("GET", "/v1.56/distribution/127.0.0.1:5998/bb:v1/json", nil)
	assert.NoError(t, json.Unmarshal(r.body, &di), "distribution: %s", r.body)
	assert.Equal(t, aux.Aux.Digest, di.Descriptor.Digest, "distribution digest, as push said")
	assert.Equal(t, aux.Aux.Size, di.Descriptor.Size, "distribution size, as push said")
	assert.Len(t, di.Platforms, 1, "distribution platforms")
	r = c.do("DELETE", "/v1.56/images/127.0.0.1:5998/bb:v1", nil)
	require.Equal(t, 200, r.status, "untag: %s", r.body)
	r = c.do("POST", "/v1.56/images/create?fromImage=127.0.0.1:5998/bb&tag=v1", nil)
	assert.Equal(t, 200, r.status, "pull back: %s", r.body)
	assert.Contains(t, string(r.body), aux.Aux.Digest, "pull back")
	tests := []struct {
		path   string
		status int
		msg    string
	}{
		{"/v1.56/images/create?fromImage=127.0.0.1:5998/nope&tag=v1", 404, "manifest for 127.0.0.1:5998/nope:v1 not found: manifest unknown: manifest unknown"},
		{"/v1.56/images/create?fromImage=127.0.0.1:9/x&tag=v1", 500, `Get "http://127.0.0.1:9/v2/": dial tcp 127.0.0.1:9: connect: connection refused`},
		{"/v1.56/images/create?fromImage=127.0.0.1:5999/x&tag=v1", 500, `Head "http://127.0.0.1:5999/v2/x/manifests/v1": no basic auth credentials`},
	}
	for _, tt := range tests {
		r := c.do("POST", tt.path, nil)
		assert.Equal(t, tt.status, r.status, "POST %s", tt.path)
		assert.Equal(t, tt.msg, r.message(), "POST %s", tt.path)
	}
	// /auth
	for _, tt := range []struct {
		user, pass string
		status     int
	}{{"u", "p", 200}, {"u", "wrong", 401}} {
		r := c.do("POST", "/v1.56/auth", map[string]string{"username": tt.user, "password": tt.pass, "serveraddress": "127.0.0.1:5999"})
		assert.Equal(t, tt.status, r.status, "auth %s/%s: %s", tt.user, tt.pass, r.body)
		if tt.status == 401 {
			assert.Equal(t, "login attempt to http://127.0.0.1:5999/v2/ failed with status: 401 Unauthorized", r.message(), "auth refused")
		}
	}
	// push with and without credentials
	c.do("POST", "/v1.56/images/busybox:latest/tag?repo=127.0.0.1:5999/bb&tag=v1", nil)
	for _, tt := range []struct {
		auth, want string
	}{{"", "no basic auth credentials"}, {registryAuth("u", "bad"), "unauthorized: authentication required"}, {registryAuth("u", "p"), "digest: sha256:"}} {
		req, err := http.NewRequestWithContext(t.Context(), "POST", "http://docker/v1.56/images/127.0.0.1:5999/bb/push?tag=v1", nil)
		require.NoError(t, err)
		if tt.auth != "" {
			req.Header.Set("X-Registry-Auth", tt.auth)
		}
		resp, err := c.hc.Do(req)
		require.NoError(t, err)
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		assert.Contains(t, string(b), tt.want, "push with auth %q", tt.auth)
	}
}

func dialWS(t *testing.T, c *client, path string) *websocket.Conn {
	t.Helper()
	dl := websocket.Dialer{NetDialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", c.sock)
	}}
	ws, resp, err := dl.DialContext(t.Context(), "ws://docker"+path, nil)
	require.NoError(t, err, "dial %s: %v", path, resp)
	return ws
}

// readAllWS reads messages until the daemon closes the websocket.
func readAllWS(t *testing.T, ws *websocket.Conn) (string, int) {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	var out strings.Builder
	kind := 0
	for {
		k, b, err := ws.ReadMessage()
		if err != nil {
			require.True(t, websocket.IsCloseError(err, websocket.CloseNormalClosure), "read: %v (after %q)", err, out.String())
			return out.String(), kind
		}
		kind = k
		out.Write(b)
	}
}

func TestAttachWebsocket(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	tests := []struct {
		version, query string
		want           string
		kind           int
	}{
		{"1.56", "stream=1&stdout=1&stderr=1", "out\nerr\n", websocket.BinaryMessage},
		{"1.56", "stream=1&stderr=1", "err\n", websocket.BinaryMessage},
		{"1.56", "stream=1", "", 0}, // 1.42+: only the streams asked for
		{"1.41", "stream=1", "out\nerr\n", websocket.BinaryMessage},
		{"1.27", "stream=1", "out\nerr\n", websocket.TextMessage},
	}
	for _, tt := range tests {
		id := c.create("", map[string]any{"Image": "busybox:latest", "Cmd": []string{"sh", "-c", "echo out; sleep 0.05; echo err >&2"}})
		ws := dialWS(t, c, "/v"+tt.version+"/containers/"+id+"/attach/ws?"+tt.query)
		r := c.do("POST", "/v1.56/containers/"+id+"/start", nil)
		require.Equal(t, 204, r.status, "start: %s", r.body)
		got, kind := readAllWS(t, ws)
		ws.Close()
		assert.Equal(t, tt.want, got, "v%s ?%s", tt.version, tt.query)
		assert.Equal(t, tt.kind, kind, "v%s ?%s: message type", tt.version, tt.query)
	}
	// TTY: input is echoed and cat writes it back; the missing container 404s.
	id := c.create("", map[string]any{"Image": "busybox:latest", "Cmd": []string{"cat"}, "Tty": true, "OpenStdin": true})
	ws := dialWS(t, c, "/v1.56/containers/"+id+"/attach/ws?stream=1&stdin=1&stdout=1")
	c.do("POST", "/v1.56/containers/"+id+"/start", nil)
	require.NoError(t, ws.WriteMessage(websocket.BinaryMessage, []byte("hi\n")))
	var got strings.Builder
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for got.Len() < len("hi\r\nhi\r\n") {
		_, b, err := ws.ReadMessage()
		require.NoError(t, err, "tty read after %q", got.String())
		got.Write(b)
	}
	assert.Equal(t, "hi\r\nhi\r\n", got.String(), "tty echo")
	c.do("POST", "/v1.56/containers/"+id+"/kill", nil)
	readAllWS(t, ws)
	ws.Close()
	dl := websocket.Dialer{NetDialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", c.sock)
	}}
	_, resp, err := dl.DialContext(t.Context(), "ws://docker/v1.56/containers/nope/attach/ws", nil)
	assert.Error(t, err, "attach/ws to a missing container")
	if assert.NotNil(t, resp, "attach/ws to a missing container: %v", err) {
		assert.Equal(t, 404, resp.StatusCode, "attach/ws to a missing container")
	}
}

func TestSessionUpgrade(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	r := c.do("POST", "/v1.56/session", nil)
	assert.Equal(t, 400, r.status, "session without upgrade")
	assert.Equal(t, "no upgrade proto in request", r.message(), "session without upgrade")
	var dl net.Dialer
	conn, err := dl.DialContext(t.Context(), "unix", c.sock)
	require.NoError(t, err)
	defer conn.Close()
	_, err = io.WriteString(conn, "POST /v1.56/session HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: h2c\r\nX-Docker-Expose-Session-Uuid: s1\r\n\r\n")
	require.NoError(t, err)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err, "session")
	require.Equal(t, 101, resp.StatusCode, "session")
	require.Equal(t, "h2c", resp.Header.Get("Upgrade"), "session")
	const preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
	b := make([]byte, len(preface))
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	_, err = io.ReadFull(br, b)
	require.NoError(t, err, "preface after %q", b)
	assert.Equal(t, preface, string(b), "preface")
}

func TestImageAttestations(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	tests := []struct {
		path   string
		status int
		body   string
	}{
		{"/v1.56/images/busybox:latest/attestations", 200, "[]\n"},
		{"/v1.56/images/nope:latest/attestations", 404, ""},
		{"/v1.54/images/busybox:latest/attestations", 404, ""},
	}
	for _, tt := range tests {
		r := c.do("GET", tt.path, nil)
		assert.Equal(t, tt.status, r.status, "GET %s: %s", tt.path, r.body)
		if tt.body != "" {
			assert.Equal(t, tt.body, string(r.body), "GET %s", tt.path)
		}
	}
}

// TestLockSwarm: LockSwarm locks an autolocked swarm as a restart of its
// manager would (every swarm call is refused until the unlock key is
// given), and is refused without a swarm or without autolock.
func TestLockSwarm(t *testing.T) {
	d, c := newClient(t, mockdaemon.Config{})
	require.False(t, d.LockSwarm(), "no swarm")

	r := c.do("POST", "/v1.56/swarm/init", map[string]any{})
	require.Equal(t, 200, r.status, "init: %s", r.body)
	assert.False(t, d.LockSwarm(), "no autolock")

	var sw struct{ Version struct{ Index int } }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.56/swarm", nil).body, &sw))
	r = c.do("POST", "/v1.56/swarm/update?version="+strconv.Itoa(sw.Version.Index), map[string]any{"EncryptionConfig": map[string]any{"AutoLockManagers": true}})
	require.Equal(t, 200, r.status, "update: %s", r.body)
	var key struct{ UnlockKey string }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.56/swarm/unlockkey", nil).body, &key))
	require.NotEmpty(t, key.UnlockKey)

	require.True(t, d.LockSwarm())
	r = c.do("GET", "/v1.56/swarm", nil)
	assert.Equal(t, 503, r.status)
	assert.Equal(t, `Swarm is encrypted and needs to be unlocked before it can be used. Please use "docker swarm unlock" to unlock it.`, r.message())
	assert.Equal(t, "locked", c.do("GET", "/_ping", nil).header.Get("Swarm"))

	r = c.do("POST", "/v1.56/swarm/unlock", map[string]any{"UnlockKey": "SWMKEY-1-wrong"})
	assert.Equal(t, 400, r.status)
	assert.Equal(t, "swarm could not be unlocked: invalid key", r.message())
	r = c.do("POST", "/v1.56/swarm/unlock", map[string]any{"UnlockKey": key.UnlockKey})
	assert.Equal(t, 200, r.status, "unlock: %s", r.body)
	assert.Equal(t, 200, c.do("GET", "/v1.56/swarm", nil).status)
	assert.Equal(t, "active/manager", c.do("GET", "/_ping", nil).header.Get("Swarm"))
}

// TestSwarmIngressAndOverlay: swarm init makes the ingress network as
// dockerd does (overlay, swarm scope, Ingress, the first subnet of the
// address pool), an overlay network gets swarm scope, a swarm id and a
// VXLAN id, and leave takes them away; the swarm's TLS info is a real CA.
func TestSwarmIngressAndOverlay(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	require.Equal(t, 200, c.do("POST", "/v1.41/swarm/init", map[string]any{}).status)
	ingress := c.getDoc("/v1.41/networks/ingress")
	assert.Equal(t, "overlay", at(ingress, "Driver"))
	assert.Equal(t, "swarm", at(ingress, "Scope"))
	assert.Equal(t, true, at(ingress, "Ingress"))
	assert.Len(t, at(ingress, "Id"), 25)
	assert.Equal(t, []any{map[string]any{"Subnet": "10.0.0.0/24", "Gateway": "10.0.0.1"}}, at(ingress, "IPAM.Config"))
	assert.Equal(t, map[string]any{"com.docker.network.driver.overlay.vxlanid_list": "4096"}, at(ingress, "Options"))
	assert.Equal(t, "10.0.0.2/24", at(ingress, "Containers.ingress-sbox.IPv4Address"))
	assert.False(t, has(ingress, "EnableIPv4"), "EnableIPv4 is API 1.47")

	r := c.do("POST", "/v1.41/networks/create", map[string]any{"Name": "ov", "Driver": "overlay"})
	require.Equal(t, 201, r.status, "%s", r.body)
	ov := c.getDoc("/v1.41/networks/ov")
	assert.Equal(t, "swarm", at(ov, "Scope"))
	assert.Len(t, at(ov, "Id"), 25)
	assert.Equal(t, []any{map[string]any{"Subnet": "10.0.1.0/24", "Gateway": "10.0.1.1"}}, at(ov, "IPAM.Config"))
	assert.Nil(t, at(ov, "Containers"), "a swarm network this node has not joined")
	var swarmNets []doc
	require.NoError(t, json.Unmarshal(c.do("GET", `/v1.41/networks?filters={"scope":["swarm"]}`, nil).body, &swarmNets))
	assert.Len(t, swarmNets, 2)

	sw := c.getDoc("/v1.41/swarm")
	block, _ := pem.Decode([]byte(at(sw, "TLSInfo.TrustRoot").(string)))
	require.NotNil(t, block, "TrustRoot is PEM")
	cert, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	assert.Equal(t, "swarm-ca", cert.Subject.CommonName)
	assert.True(t, cert.IsCA)
	assert.Equal(t, base64.StdEncoding.EncodeToString(cert.RawSubjectPublicKeyInfo), at(sw, "TLSInfo.CertIssuerPublicKey"))
	assert.Equal(t, base64.StdEncoding.EncodeToString(cert.RawSubject), at(sw, "TLSInfo.CertIssuerSubject"))

	require.Equal(t, 200, c.do("POST", "/v1.41/swarm/leave?force=1", nil).status)
	assert.Equal(t, 404, c.do("GET", "/v1.41/networks/ingress", nil).status, "leave removes the ingress network")
	assert.Equal(t, 404, c.do("GET", "/v1.41/networks/ov", nil).status, "leave removes the swarm's networks")
	r = c.do("POST", "/v1.41/networks/create", map[string]any{"Name": "ov", "Driver": "overlay"})
	assert.Equal(t, 500, r.status, "an overlay network without a swarm")
}

// TestTaskListLabelFilter: the tasks list's label filter looks at the
// labels of the task's service (swarmkit's ServiceAnnotations), not at
// the container's: `docker stack ps` lists a stack's tasks by the label
// com.docker.stack.namespace its services carry. The mock matched an empty
// map, so the filter found nothing.
func TestTaskListLabelFilter(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	require.Equal(t, 200, c.do("POST", "/v1.41/swarm/init", map[string]any{"ListenAddr": "127.0.0.1:2377", "AdvertiseAddr": "127.0.0.1"}).status)
	t.Cleanup(func() { c.do("POST", "/v1.41/swarm/leave?force=1", nil) })
	r := c.do("POST", "/v1.41/services/create", map[string]any{
		"Name": "lbl", "Labels": map[string]string{"svc": "1"},
		"TaskTemplate": map[string]any{"ContainerSpec": map[string]any{"Image": "busybox", "Command": []string{"sleep", "300"}, "Labels": map[string]string{"ctr": "2"}}},
	})
	require.Equal(t, 201, r.status, "%s", r.body)
	count := func(label string) int {
		r := c.do("GET", "/v1.41/tasks?filters="+url.QueryEscape(`{"label":["`+label+`"]}`), nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		var tasks []map[string]any
		require.NoError(t, json.Unmarshal(r.body, &tasks))
		return len(tasks)
	}
	require.Eventually(t, func() bool { return count("svc=1") == 1 }, 5*time.Second, 10*time.Millisecond, "the service's label")
	assert.Equal(t, 1, count("svc"), "the service's label, any value")
	assert.Equal(t, 0, count("ctr=2"), "a container label is not the task's")
	assert.Equal(t, 0, count("svc=2"))
	assert.Equal(t, 0, count("nope"))
}

// TestSwarmListFiltersLikeDockerd: the swarm's lists check their filters
// as dockerd's cluster does (after it asks for the manager): the names
// each list accepts (400 otherwise), the enum values of role, membership
// and desired-state taken in any case and refused with dockerd's untyped
// 500, node names as prefixes, runtime and _up-to-date of tasks and
// services. Answers recorded on dockerd 20.10.
func TestSwarmListFiltersLikeDockerd(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{Hostname: "vm"})
	list := func(path, filter string) (int, string, int) {
		r := c.do("GET", "/v1.41/"+path+"?filters="+url.QueryEscape(filter), nil)
		var items []any
		if r.status == 200 {
			require.NoError(t, json.Unmarshal(r.body, &items), "%s", r.body)
		}
		return r.status, r.message(), len(items)
	}
	status, msg, _ := list("nodes", `{"bogus":["1"]}`)
	assert.Equal(t, 503, status, "not in a swarm: the manager is asked first (%s)", msg)

	require.Equal(t, 200, c.do("POST", "/v1.41/swarm/init", map[string]any{"ListenAddr": "127.0.0.1:2377", "AdvertiseAddr": "127.0.0.1"}).status)
	t.Cleanup(func() { c.do("POST", "/v1.41/swarm/leave?force=1", nil) })
	r := c.do("POST", "/v1.41/services/create", map[string]any{
		"Name": "f", "TaskTemplate": map[string]any{"ContainerSpec": map[string]any{"Image": "busybox", "Command": []string{"sleep", "300"}}},
	})
	require.Equal(t, 201, r.status, "%s", r.body)
	require.Eventually(t, func() bool { _, _, n := list("tasks", `{}`); return n == 1 }, 5*time.Second, 10*time.Millisecond)

	for _, tc := range []struct {
		path, filter string
		status       int
		msg          string
		n            int
	}{
		{"nodes", `{"bogus":["1"]}`, 400, "Invalid filter 'bogus'", 0},
		{"nodes", `{"role":["boss"]}`, 500, "Invalid role filter: 'boss'", 0},
		{"nodes", `{"membership":["x"]}`, 500, "Invalid membership filter: 'x'", 0},
		{"nodes", `{"role":["MANAGER"]}`, 200, "", 1},
		{"nodes", `{"role":["worker"]}`, 200, "", 0},
		{"nodes", `{"membership":["Accepted"]}`, 200, "", 1},
		{"nodes", `{"name":["v"]}`, 200, "", 1},
		{"nodes", `{"label":["x"]}`, 200, "", 0},
		{"tasks", `{"desired-state":["bogus"]}`, 500, "Invalid desired-state filter: 'bogus'", 0},
		{"tasks", `{"desired-state":["Running"]}`, 200, "", 1},
		{"tasks", `{"desired-state":["shutdown"]}`, 200, "", 0},
		{"tasks", `{"runtime":["x"]}`, 200, "", 0},
		{"tasks", `{"runtime":["container"]}`, 200, "", 1},
		{"tasks", `{"_up-to-date":["1"]}`, 200, "", 1},
		{"tasks", `{"bogus":["1"]}`, 400, "Invalid filter 'bogus'", 0},
		{"services", `{"mode":["bogus"]}`, 200, "", 0},
		{"services", `{"mode":["replicated"]}`, 200, "", 1},
		{"services", `{"runtime":["x"]}`, 200, "", 0},
		{"services", `{"bogus":["x"]}`, 400, "Invalid filter 'bogus'", 0},
		{"secrets", `{"names":["x"]}`, 200, "", 0},
		{"configs", `{"names":["x"]}`, 400, "Invalid filter 'names'", 0},
	} {
		status, msg, n := list(tc.path, tc.filter)
		assert.Equal(t, tc.status, status, "%s %s: %s", tc.path, tc.filter, msg)
		if tc.status == 200 {
			assert.Equal(t, tc.n, n, "%s %s", tc.path, tc.filter)
		} else {
			assert.Equal(t, tc.msg, msg, "%s %s", tc.path, tc.filter)
		}
	}
}

// TestJobsRunToCompletion: a job's tasks run to completion as swarmkit's
// job orchestrators run them: desired state "complete", TotalCompletions
// tasks MaxConcurrent at a time in slots 0..n-1, never run again once
// complete (the mock re-ran them after each restart delay), a failed one
// replaced while its restart policy's MaxAttempts allows, and an update
// running the job again as its next JobIteration. Recorded on dockerd
// 20.10 (docker service create --mode replicated-job).
func TestJobsRunToCompletion(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	require.Equal(t, 200, c.do("POST", "/v1.41/swarm/init", map[string]any{"ListenAddr": "127.0.0.1:2377", "AdvertiseAddr": "127.0.0.1"}).status)
	t.Cleanup(func() { c.do("POST", "/v1.41/swarm/leave?force=1", nil) })
	job := func(name, cmd string, mode map[string]any) string {
		r := c.do("POST", "/v1.41/services/create", map[string]any{
			"Name": name, "Mode": mode,
			"TaskTemplate": map[string]any{
				"ContainerSpec": map[string]any{"Image": "busybox", "Command": []string{"sh", "-c", cmd}},
				"RestartPolicy": map[string]any{"Delay": 50 * time.Millisecond, "MaxAttempts": 1},
			},
		})
		require.Equal(t, 201, r.status, "%s", r.body)
		var out struct{ ID string }
		require.NoError(t, json.Unmarshal(r.body, &out))
		return out.ID
	}
	type taskView struct {
		Slot         int
		DesiredState string
		Status       struct{ State string }
		JobIteration *struct{ Index uint64 }
	}
	tasks := func(svc string) []taskView {
		r := c.do("GET", "/v1.41/tasks?filters="+url.QueryEscape(`{"service":["`+svc+`"]}`), nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		var ts []taskView
		require.NoError(t, json.Unmarshal(r.body, &ts))
		return ts
	}
	summary := func(svc string) map[string]int {
		out := map[string]int{}
		for _, tv := range tasks(svc) {
			iter := uint64(99)
			if tv.JobIteration != nil {
				iter = tv.JobIteration.Index
			}
			out[fmt.Sprintf("iter %d slot %d %s %s", iter, tv.Slot, tv.DesiredState, tv.Status.State)]++
		}
		return out
	}
	ok := job("ok", "exit 0", map[string]any{"ReplicatedJob": map[string]any{"MaxConcurrent": 2, "TotalCompletions": 3}})
	bad := job("bad", "exit 3", map[string]any{"ReplicatedJob": map[string]any{}})
	want := map[string]int{"iter 0 slot 0 complete complete": 1, "iter 0 slot 1 complete complete": 1, "iter 0 slot 2 complete complete": 1}
	require.Eventually(t, func() bool { return reflect.DeepEqual(summary(ok), want) }, 10*time.Second, 20*time.Millisecond, "three completions: %v", summary(ok))
	require.Eventually(t, func() bool { return len(tasks(bad)) == 2 }, 10*time.Second, 20*time.Millisecond)
	time.Sleep(300 * time.Millisecond) // six restart delays: a job that completed is not run again
	assert.Equal(t, want, summary(ok))
	assert.Equal(t, map[string]int{"iter 0 slot 0 shutdown failed": 2}, summary(bad), "the first run and one restart (MaxAttempts 1)")

	var svc struct {
		Version   struct{ Index uint64 }
		JobStatus struct {
			JobIteration  struct{ Index uint64 }
			LastExecution time.Time
		}
		ServiceStatus struct{ RunningTasks, DesiredTasks, CompletedTasks uint64 }
	}
	r := c.do("GET", "/v1.41/services/"+ok, nil)
	require.NoError(t, json.Unmarshal(r.body, &svc))
	assert.False(t, svc.JobStatus.LastExecution.IsZero(), "JobStatus: %s", r.body)
	spec := map[string]any{"Name": "ok", "Mode": map[string]any{"ReplicatedJob": map[string]any{"MaxConcurrent": 2, "TotalCompletions": 3}},
		"TaskTemplate": map[string]any{"ContainerSpec": map[string]any{"Image": "busybox", "Command": []string{"sh", "-c", "exit 0"}}, "ForceUpdate": 1}}
	require.Equal(t, 200, c.do("POST", fmt.Sprintf("/v1.41/services/%s/update?version=%d", ok, svc.Version.Index), spec).status)
	require.Eventually(t, func() bool {
		n := 0
		for k, v := range summary(ok) {
			if strings.HasPrefix(k, "iter 1 ") && strings.HasSuffix(k, " complete complete") {
				n += v
			}
		}
		return n == 3
	}, 10*time.Second, 20*time.Millisecond, "the update runs the job again: %v", summary(ok))
	r = c.do("GET", "/v1.41/services?status=true&filters="+url.QueryEscape(`{"id":["`+ok+`"]}`), nil)
	var list []json.RawMessage
	require.NoError(t, json.Unmarshal(r.body, &list))
	require.Len(t, list, 1)
	require.NoError(t, json.Unmarshal(list[0], &svc))
	assert.Equal(t, uint64(1), svc.JobStatus.JobIteration.Index)
	assert.Equal(t, uint64(3), svc.ServiceStatus.CompletedTasks, "the completions of the current run")
	assert.Equal(t, uint64(2), svc.ServiceStatus.DesiredTasks)
}

// TestServiceUpdateStatusWaitsForMonitor: an update that replaces tasks
// is "updating" until the new tasks have run for the update config's
// monitoring period (swarmkit's updater watches them that long; docker
// service update prints its progress until then, where the mock's early
// "completed" ended it at 0 of 1), and a rollback that replaces nothing
// completes at once.
func TestServiceUpdateStatusWaitsForMonitor(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	require.Equal(t, 200, c.do("POST", "/v1.41/swarm/init", map[string]any{"ListenAddr": "127.0.0.1:2377", "AdvertiseAddr": "127.0.0.1"}).status)
	t.Cleanup(func() { c.do("POST", "/v1.41/swarm/leave?force=1", nil) })
	spec := func(name, env string, replicas int) map[string]any {
		return map[string]any{"Name": name, "Mode": map[string]any{"Replicated": map[string]any{"Replicas": replicas}},
			"UpdateConfig": map[string]any{"Monitor": 400 * time.Millisecond},
			"TaskTemplate": map[string]any{"ContainerSpec": map[string]any{"Image": "busybox", "Command": []string{"sleep", "300"}, "Env": []string{env}, "StopGracePeriod": 0}}}
	}
	type status struct {
		State                  string
		StartedAt, CompletedAt time.Time
	}
	inspect := func(name string) (uint64, *status) {
		var s struct {
			Version      struct{ Index uint64 }
			UpdateStatus *status
		}
		r := c.do("GET", "/v1.41/services/"+name, nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		require.NoError(t, json.Unmarshal(r.body, &s))
		return s.Version.Index, s.UpdateStatus
	}
	require.Equal(t, 201, c.do("POST", "/v1.41/services/create", spec("up", "A=1", 1)).status)
	ver, _ := inspect("up")
	require.Equal(t, 200, c.do("POST", fmt.Sprintf("/v1.41/services/up/update?version=%d", ver), spec("up", "A=2", 1)).status)
	_, st := inspect("up")
	require.NotNil(t, st)
	assert.Equal(t, "updating", st.State)
	require.Eventually(t, func() bool { _, st = inspect("up"); return st.State == "completed" }, 10*time.Second, 20*time.Millisecond)
	assert.GreaterOrEqual(t, st.CompletedAt.Sub(st.StartedAt), 400*time.Millisecond, "the monitoring period after the new task runs")

	require.Equal(t, 201, c.do("POST", "/v1.41/services/create", spec("none", "A=1", 0)).status)
	ver, _ = inspect("none")
	require.Equal(t, 200, c.do("POST", fmt.Sprintf("/v1.41/services/none/update?version=%d", ver), spec("none", "A=2", 0)).status)
	ver, st = inspect("none")
	assert.Nil(t, st, "an update that replaces no task leaves no status")
	require.Equal(t, 200, c.do("POST", fmt.Sprintf("/v1.41/services/none/update?version=%d&rollback=previous", ver), spec("none", "A=2", 0)).status)
	_, st = inspect("none")
	require.NotNil(t, st)
	assert.Equal(t, "rollback_completed", st.State, "a rollback with nothing to replace")
}
