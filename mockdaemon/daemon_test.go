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

	"github.com/dockwire/dockwire/mockdaemon"
)

func TestPingHeaders(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	for _, method := range []string{"GET", "HEAD"} {
		r := c.do(method, "/_ping", nil)
		if r.status != 200 {
			t.Fatalf("%s /_ping: %d", method, r.status)
		}
		for k, want := range map[string]string{
			"Api-Version":         "1.56",
			"Ostype":              "linux",
			"Docker-Experimental": "false",
			"Cache-Control":       "no-cache, no-store, must-revalidate",
			"Pragma":              "no-cache",
			"Swarm":               "inactive",
		} {
			if got := r.header.Get(k); got != want {
				t.Errorf("%s /_ping %s = %q, want %q", method, k, got, want)
			}
		}
		if r.header.Get("Builder-Version") == "" || !strings.HasPrefix(r.header.Get("Server"), "Docker/") {
			t.Errorf("%s /_ping: missing Builder-Version or Server: %v", method, r.header)
		}
		if method == "GET" && string(r.body) != "OK" {
			t.Errorf("GET /_ping body %q", r.body)
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
		if r.status != tc.status {
			t.Errorf("%s %s: status %d, want %d (%s)", tc.method, tc.path, r.status, tc.status, r.body)
			continue
		}
		if tc.message != "" {
			if got := r.message(); got != tc.message {
				t.Errorf("%s %s: message %q, want %q", tc.method, tc.path, got, tc.message)
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("%s %s: Content-Type %q", tc.method, tc.path, ct)
			}
		}
		if tc.message == "page not found" { // dockerd's router answers it bare
			if r.header.Get("Api-Version") != "" || r.header.Get("Server") != "" {
				t.Errorf("%s %s: headers %v, want none of the daemon's", tc.method, tc.path, r.header)
			}
			continue
		}
		if r.header.Get("Api-Version") != "1.50" || r.header.Get("Server") == "" {
			t.Errorf("%s %s: headers %v", tc.method, tc.path, r.header)
		}
	}
}

func TestUnversionedVersion(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	r := c.do("GET", "/version", nil)
	var v struct{ ApiVersion, MinAPIVersion, Os string }
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatal(err)
	}
	if v.ApiVersion != "1.56" || v.MinAPIVersion != "1.24" || v.Os != "linux" {
		t.Errorf("version %+v", v)
	}
	// docker-py uses ApiVersion verbatim as its prefix
	if r := c.do("GET", "/v"+v.ApiVersion+"/info", nil); r.status != 200 {
		t.Errorf("/v%s/info: %d", v.ApiVersion, r.status)
	}
}

func TestContainerLifecycle(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("life", map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", "echo out; echo err >&2"}, "Labels": map[string]string{"k": "v"}})
	if len(id) != 64 {
		t.Fatalf("id %q", id)
	}
	r := c.do("POST", "/v1.56/containers/create?name=life", map[string]any{"Image": "busybox"})
	want := `Conflict. The container name "/life" is already in use by container "` + id + `". You have to remove (or rename) that container to be able to reuse that name.`
	if r.status != 409 || r.message() != want {
		t.Errorf("duplicate name: %d %q", r.status, r.message())
	}
	var insp struct {
		Name       string
		State      struct{ Status string }
		HostConfig struct{ LogConfig struct{ Type string } }
		Config     struct{ Labels map[string]string }
	}
	_ = json.Unmarshal(c.do("GET", "/containers/life/json", nil).body, &insp)
	if insp.Name != "/life" || insp.State.Status != "created" || insp.HostConfig.LogConfig.Type != "json-file" || insp.Config.Labels["k"] != "v" {
		t.Errorf("inspect %+v", insp)
	}
	// short id prefix resolves
	if r := c.do("GET", "/containers/"+id[:10]+"/json", nil); r.status != 200 {
		t.Errorf("short id: %d", r.status)
	}
	if r := c.do("POST", "/containers/life/start", nil); r.status != 204 {
		t.Fatalf("start: %d %s", r.status, r.body)
	}
	r = c.do("POST", "/containers/life/wait", nil)
	var wr struct{ StatusCode int }
	if err := json.Unmarshal(r.body, &wr); err != nil || r.status != 200 {
		t.Fatalf("wait: %d %s", r.status, r.body)
	}
	if ct, ok := c.do("GET", "/v1.41/containers/life/logs?stdout=1", nil).header["Content-Type"]; ok {
		t.Errorf("logs Content-Type at 1.41 %q, want none", ct)
	}
	r = c.do("GET", "/containers/life/logs?stdout=1&stderr=1", nil)
	if ct := r.header.Get("Content-Type"); ct != "application/vnd.docker.multiplexed-stream" {
		t.Errorf("logs Content-Type at the newest API %q, want multiplexed-stream", ct)
	}
	out, errs := readFrames(t, r.body)
	if out != "out\n" || errs != "err\n" {
		t.Errorf("logs: stdout %q stderr %q", out, errs)
	}
	if r := c.do("POST", "/containers/life/stop", nil); r.status != 304 {
		t.Errorf("stop of exited: %d", r.status)
	}
	if r := c.do("POST", "/containers/life/kill", nil); r.status != 409 {
		t.Errorf("kill of exited: %d", r.status)
	}
	if r := c.do("POST", "/containers/life/pause", nil); r.status != 409 {
		t.Errorf("pause of exited: %d", r.status)
	}
	if r := c.do("DELETE", "/containers/life", nil); r.status != 204 {
		t.Errorf("delete: %d", r.status)
	}
	if r := c.do("GET", "/containers/life/json", nil); r.status != 404 {
		t.Errorf("inspect after delete: %d", r.status)
	}
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
		if r.status != s.status || !strings.Contains(r.message(), s.contains) {
			t.Fatalf("%s %s: %d %q, want %d %q", s.method, s.path, r.status, r.message(), s.status, s.contains)
		}
	}
}

func TestImageNamesWithSlashes(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	if r := c.do("POST", "/images/busybox/tag?repo=127.0.0.1:5000/foo/bar&tag=v1", nil); r.status != 201 {
		t.Fatalf("tag: %d %s", r.status, r.body)
	}
	for _, p := range []string{"/images/127.0.0.1:5000/foo/bar:v1/json", "/images/127.0.0.1:5000%2Ffoo%2Fbar:v1/json"} {
		r := c.do("GET", p, nil)
		var im struct {
			Id       string
			RepoTags []string
		}
		_ = json.Unmarshal(r.body, &im)
		if r.status != 200 || !strings.HasPrefix(im.Id, "sha256:") || len(im.RepoTags) != 2 {
			t.Errorf("GET %s: %d %s", p, r.status, r.body)
		}
		// sha256: plus 10 hex digits, as docker-py's short_id
		if r := c.do("GET", "/images/"+im.Id[:17]+"/json", nil); r.status != 200 {
			t.Errorf("short image id %s: %d", im.Id[:17], r.status)
		}
	}
	r := c.do("DELETE", "/images/127.0.0.1:5000/foo/bar:v1", nil)
	if r.status != 200 || !strings.Contains(string(r.body), `"Untagged":"127.0.0.1:5000/foo/bar:v1"`) {
		t.Errorf("untag: %d %s", r.status, r.body)
	}
	if r := c.do("GET", "/images/busybox:latest/json", nil); r.status != 200 {
		t.Errorf("base image gone after untag: %d", r.status)
	}
}

func TestImageDeleteConflicts(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	c.create("user", map[string]any{"Image": "busybox", "Cmd": []string{"true"}})
	r := c.do("DELETE", "/images/busybox", nil)
	if r.status != 409 || !strings.Contains(r.message(), `conflict: unable to remove repository reference "busybox" (must force) - container`) {
		t.Errorf("delete used image: %d %q", r.status, r.message())
	}
	c.do("POST", "/images/busybox/tag?repo=other&tag=x", nil)
	var im struct{ Id string }
	_ = json.Unmarshal(c.do("GET", "/images/busybox/json", nil).body, &im)
	r = c.do("DELETE", "/images/"+im.Id[7:19], nil)
	if r.status != 409 || !strings.Contains(r.message(), "must be forced") {
		t.Errorf("delete by id with two tags: %d %q", r.status, r.message())
	}
}

func TestDeterministicIDs(t *testing.T) {
	ids := func() string {
		_, c := newClient(t, mockdaemon.Config{IDs: rand.NewChaCha8([32]byte{1}), Clock: func() time.Time { return time.Unix(1700000000, 0) }})
		return c.create("det", map[string]any{"Image": "busybox", "Cmd": []string{"true"}})
	}
	a, b := ids(), ids()
	if a != b {
		t.Errorf("same id source gave %s and %s", a, b)
	}
}

func TestFaultsAndRequestLog(t *testing.T) {
	d, c := newClient(t, mockdaemon.Config{})
	d.Inject(mockdaemon.Fault{Operation: "ContainerList", Status: 503, Message: "try later", Times: 1})
	if r := c.do("GET", "/v1.56/containers/json", nil); r.status != 503 || r.message() != "try later" {
		t.Errorf("fault: %d %q", r.status, r.message())
	}
	if r := c.do("GET", "/v1.56/containers/json", nil); r.status != 200 {
		t.Errorf("after a once fault: %d", r.status)
	}
	reqs := d.Requests()
	if len(reqs) != 2 || reqs[0].Operation != "ContainerList" || reqs[0].Status != 503 || reqs[1].Template != "/containers/json" || reqs[1].Path != "/v1.56/containers/json" {
		t.Errorf("log %+v", reqs)
	}
}

func TestCloseStopsEverything(t *testing.T) {
	before := runtime.NumGoroutine()
	func() {
		d := mockdaemon.New(mockdaemon.Config{})
		l, err := net.Listen("unix", t.TempDir()+"/d.sock")
		if err != nil {
			t.Fatal(err)
		}
		go d.Serve(l)
		tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return net.Dial("unix", l.Addr().String())
		}}
		hc := &http.Client{Transport: tr}
		post := func(p, body string) *http.Response {
			resp, err := hc.Post("http://d"+p, "application/json", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
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
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before+2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before+2 {
		buf := make([]byte, 1<<16)
		t.Errorf("goroutines: %d before, %d after Close\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}
