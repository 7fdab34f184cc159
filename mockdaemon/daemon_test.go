package mockdaemon_test

import (
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

func TestPingHeaders(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	for _, method := range []string{"GET", "HEAD"} {
		r := c.do(method, "/_ping", nil)
		require.Equal(t, 200, r.status, "%s /_ping", method)
		for k, want := range map[string]string{
			"Api-Version":         "1.56",
			"Ostype":              "linux",
			"Docker-Experimental": "false",
			"Cache-Control":       "no-cache, no-store, must-revalidate",
			"Pragma":              "no-cache",
			"Swarm":               "inactive",
		} {
			assert.Equal(t, want, r.header.Get(k), "%s /_ping %s", method, k)
		}
		assert.NotEmpty(t, r.header.Get("Builder-Version"), "%s /_ping Builder-Version", method)
		assert.True(t, strings.HasPrefix(r.header.Get("Server"), "Docker/"), "%s /_ping Server %q", method, r.header.Get("Server"))
		if method == "GET" {
			assert.Equal(t, "OK", string(r.body), "GET /_ping body")
		}
	}
}

func TestVersionWindowAndErrors(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{MaxAPIVersion: "1.50", MinAPIVersion: "1.40"})
	cases := []struct {
		method, path string
		status       int
		message      string
	}{
		{"GET", "/v1.51/version", 400, "client version 1.51 is too new. Maximum supported API version is 1.50"},
		{"GET", "/v1.39/version", 400, "client version 1.39 is too old. Minimum supported API version is 1.40, please upgrade your client to a newer version"},
		{"GET", "/v1.40/version", 200, ""},
		{"GET", "/version", 200, ""},
		{"GET", "/v1.50/containers/nosuch/json", 404, "No such container: nosuch"},
		{"GET", "/v1.50/images/nosuch/json", 404, "No such image: nosuch:latest"},
		{"GET", "/v1.50/images/nosuch:v2/json", 404, "No such image: nosuch:v2"},
		{"GET", "/v1.50/no/such/route", 404, "page not found"},
		{"POST", "/v1.50/containers/nosuch/start", 404, "No such container: nosuch"},
		{"DELETE", "/v1.50/images/nosuch", 404, "No such image: nosuch:latest"},
		{"GET", "/v1.50/exec/nosuch/json", 404, "No such exec instance: nosuch"},
		{"GET", "/v1.50/containers/json?bogus=1", 200, ""},
		{"POST", "/v1.50/containers/create?name=a/b", 400, "invalid JSON: got EOF while reading request body"},
		{"GET", "/v1.50/volumes/nosuch", 404, "get nosuch: no such volume"},
		{"GET", "/v1.50/networks/nosuch", 404, "network nosuch not found"},
	}
	for _, tc := range cases {
		r := c.do(tc.method, tc.path, nil)
		if !assert.Equal(t, tc.status, r.status, "%s %s: %s", tc.method, tc.path, r.body) {
			continue
		}
		if tc.message != "" {
			assert.Equal(t, tc.message, r.message(), "%s %s: message", tc.method, tc.path)
			assert.Equal(t, "application/json", r.header.Get("Content-Type"), "%s %s: Content-Type", tc.method, tc.path)
		}
		if tc.message == "page not found" { // dockerd's router answers it bare
			assert.Empty(t, r.header.Get("Api-Version"), "%s %s: none of the daemon's headers", tc.method, tc.path)
			assert.Empty(t, r.header.Get("Server"), "%s %s: none of the daemon's headers", tc.method, tc.path)
			continue
		}
		assert.Equal(t, "1.50", r.header.Get("Api-Version"), "%s %s: headers %v", tc.method, tc.path, r.header)
		assert.NotEmpty(t, r.header.Get("Server"), "%s %s: headers %v", tc.method, tc.path, r.header)
	}
}

func TestUnversionedVersion(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	r := c.do("GET", "/version", nil)
	var v struct{ ApiVersion, MinAPIVersion, Os string }
	require.NoError(t, json.Unmarshal(r.body, &v))
	assert.Equal(t, "1.56", v.ApiVersion)
	assert.Equal(t, "1.24", v.MinAPIVersion)
	assert.Equal(t, "linux", v.Os)
	// docker-py uses ApiVersion verbatim as its prefix
	assert.Equal(t, 200, c.do("GET", "/v"+v.ApiVersion+"/info", nil).status, "/v%s/info", v.ApiVersion)
}

func TestContainerLifecycle(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("life", map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", "echo out; echo err >&2"}, "Labels": map[string]string{"k": "v"}})
	require.Len(t, id, 64)
	r := c.do("POST", "/v1.56/containers/create?name=life", map[string]any{"Image": "busybox"})
	want := `Conflict. The container name "/life" is already in use by container "` + id + `". You have to remove (or rename) that container to be able to reuse that name.`
	assert.Equal(t, 409, r.status, "duplicate name")
	assert.Equal(t, want, r.message(), "duplicate name")
	var insp struct {
		Name       string
		State      struct{ Status string }
		HostConfig struct{ LogConfig struct{ Type string } }
		Config     struct{ Labels map[string]string }
	}
	require.NoError(t, json.Unmarshal(c.do("GET", "/containers/life/json", nil).body, &insp))
	assert.Equal(t, "/life", insp.Name)
	assert.Equal(t, "created", insp.State.Status)
	assert.Equal(t, "json-file", insp.HostConfig.LogConfig.Type)
	assert.Equal(t, "v", insp.Config.Labels["k"])
	// short id prefix resolves
	assert.Equal(t, 200, c.do("GET", "/containers/"+id[:10]+"/json", nil).status, "short id")
	r = c.do("POST", "/containers/life/start", nil)
	require.Equal(t, 204, r.status, "start: %s", r.body)
	r = c.do("POST", "/containers/life/wait", nil)
	require.Equal(t, 200, r.status, "wait: %s", r.body)
	var wr struct{ StatusCode int }
	require.NoError(t, json.Unmarshal(r.body, &wr), "wait: %s", r.body)
	assert.NotContains(t, c.do("GET", "/v1.41/containers/life/logs?stdout=1", nil).header, "Content-Type", "logs at 1.41")
	r = c.do("GET", "/containers/life/logs?stdout=1&stderr=1", nil)
	assert.Equal(t, "application/vnd.docker.multiplexed-stream", r.header.Get("Content-Type"), "logs at the newest API")
	out, errs := readFrames(t, r.body)
	assert.Equal(t, "out\n", out, "logs stdout")
	assert.Equal(t, "err\n", errs, "logs stderr")
	assert.Equal(t, 304, c.do("POST", "/containers/life/stop", nil).status, "stop of exited")
	assert.Equal(t, 409, c.do("POST", "/containers/life/kill", nil).status, "kill of exited")
	assert.Equal(t, 409, c.do("POST", "/containers/life/pause", nil).status, "pause of exited")
	assert.Equal(t, 204, c.do("DELETE", "/containers/life", nil).status, "delete")
	assert.Equal(t, 404, c.do("GET", "/containers/life/json", nil).status, "inspect after delete")
}

func TestRunningStateMachine(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	c.create("sleeper", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "30"}})
	steps := []struct {
		method, path string
		status       int
		contains     string
	}{
		{"POST", "/containers/sleeper/start", 204, ""},
		{"POST", "/containers/sleeper/start", 304, ""},
		{"POST", "/containers/sleeper/pause", 204, ""},
		{"POST", "/containers/sleeper/pause", 409, "is already paused"},
		{"POST", "/containers/sleeper/start", 409, "cannot start a paused container"},
		{"POST", "/containers/sleeper/unpause", 204, ""},
		{"POST", "/containers/sleeper/unpause", 409, "is not paused"},
		{"DELETE", "/containers/sleeper", 409, `cannot remove container "/sleeper": container is running`},
		{"POST", "/containers/sleeper/stop?t=0", 204, ""},
		{"POST", "/containers/sleeper/stop", 304, ""},
		{"DELETE", "/containers/sleeper", 204, ""},
	}
	for _, s := range steps {
		r := c.do(s.method, s.path, nil)
		require.Equal(t, s.status, r.status, "%s %s: %q", s.method, s.path, r.message())
		require.Contains(t, r.message(), s.contains, "%s %s", s.method, s.path)
	}
}

func TestImageNamesWithSlashes(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	r := c.do("POST", "/images/busybox/tag?repo=127.0.0.1:5000/foo/bar&tag=v1", nil)
	require.Equal(t, 201, r.status, "tag: %s", r.body)
	for _, p := range []string{"/images/127.0.0.1:5000/foo/bar:v1/json", "/images/127.0.0.1:5000%2Ffoo%2Fbar:v1/json"} {
		r := c.do("GET", p, nil)
		var im struct {
			Id       string
			RepoTags []string
		}
		require.Equal(t, 200, r.status, "GET %s: %s", p, r.body)
		require.NoError(t, json.Unmarshal(r.body, &im), "GET %s", p)
		require.Regexp(t, `^sha256:[0-9a-f]{64}$`, im.Id, "GET %s", p)
		assert.Len(t, im.RepoTags, 2, "GET %s", p)
		// sha256: plus 10 hex digits, as docker-py's short_id
		assert.Equal(t, 200, c.do("GET", "/images/"+im.Id[:17]+"/json", nil).status, "short image id %s", im.Id[:17])
	}
	r = c.do("DELETE", "/images/127.0.0.1:5000/foo/bar:v1", nil)
	assert.Equal(t, 200, r.status, "untag: %s", r.body)
	assert.Contains(t, string(r.body), `"Untagged":"127.0.0.1:5000/foo/bar:v1"`, "untag")
	assert.Equal(t, 200, c.do("GET", "/images/busybox:latest/json", nil).status, "base image gone after untag")
}

func TestImageDeleteConflicts(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	c.create("user", map[string]any{"Image": "busybox", "Cmd": []string{"true"}})
	r := c.do("DELETE", "/images/busybox", nil)
	assert.Equal(t, 409, r.status, "delete used image")
	assert.Contains(t, r.message(), `conflict: unable to remove repository reference "busybox" (must force) - container`, "delete used image")
	c.do("POST", "/images/busybox/tag?repo=other&tag=x", nil)
	var im struct{ Id string }
	require.NoError(t, json.Unmarshal(c.do("GET", "/images/busybox/json", nil).body, &im))
	require.Regexp(t, `^sha256:[0-9a-f]{64}$`, im.Id)
	r = c.do("DELETE", "/images/"+im.Id[7:19], nil)
	assert.Equal(t, 409, r.status, "delete by id with two tags")
	assert.Contains(t, r.message(), "must be forced", "delete by id with two tags")
}

func TestDeterministicIDs(t *testing.T) {
	ids := func() string {
		_, c := newClient(t, mockdaemon.Config{IDs: rand.NewChaCha8([32]byte{1}), Clock: func() time.Time { return time.Unix(1700000000, 0) }})
		return c.create("det", map[string]any{"Image": "busybox", "Cmd": []string{"true"}})
	}
	assert.Equal(t, ids(), ids(), "the same id source gives the same ids")
}

func TestFaultsAndRequestLog(t *testing.T) {
	d, c := newClient(t, mockdaemon.Config{})
	d.Inject(mockdaemon.Fault{Operation: "ContainerList", Status: 503, Message: "try later", Times: 1})
	r := c.do("GET", "/v1.56/containers/json", nil)
	assert.Equal(t, 503, r.status, "fault")
	assert.Equal(t, "try later", r.message(), "fault")
	assert.Equal(t, 200, c.do("GET", "/v1.56/containers/json", nil).status, "after a once fault")
	reqs := d.Requests()
	require.Len(t, reqs, 2, "log %+v", reqs)
	assert.Equal(t, "ContainerList", reqs[0].Operation)
	assert.Equal(t, 503, reqs[0].Status)
	assert.Equal(t, "/containers/json", reqs[1].Template)
	assert.Equal(t, "/v1.56/containers/json", reqs[1].Path)
}

func TestCloseStopsEverything(t *testing.T) {
	before := runtime.NumGoroutine()
	func() {
		d := mockdaemon.New(mockdaemon.Config{})
		l, err := net.Listen("unix", t.TempDir()+"/d.sock")
		require.NoError(t, err)
		go d.Serve(l)
		tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return net.Dial("unix", l.Addr().String())
		}}
		hc := &http.Client{Transport: tr}
		post := func(p, body string) *http.Response {
			resp, err := hc.Post("http://d"+p, "application/json", strings.NewReader(body))
			require.NoError(t, err, "POST %s", p)
			return resp
		}
		resp := post("/containers/create?name=long", `{"Image":"busybox","Cmd":["sleep","100"]}`)
		resp.Body.Close()
		post("/containers/long/start", "").Body.Close()
		// a follow stream and a wait that Close must end
		waitResp := post("/containers/long/wait", "")
		d.Close()
		_, _ = io.ReadAll(waitResp.Body)
		waitResp.Body.Close()
		tr.CloseIdleConnections()
	}()
	settle(t, before)
}
