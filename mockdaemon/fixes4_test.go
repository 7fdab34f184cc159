package mockdaemon_test

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dockwire/dockwire/mockdaemon"
)

// runWait creates and starts a container and waits for it to exit.
func (c *client) runWait(cfg map[string]any) string {
	c.t.Helper()
	id := c.create("", cfg)
	if r := c.do("POST", "/v1.56/containers/"+id+"/start", nil); r.status != 204 {
		c.t.Fatalf("start: %d %s", r.status, r.body)
	}
	if r := c.do("POST", "/v1.56/containers/"+id+"/wait", nil); r.status != 200 {
		c.t.Fatalf("wait: %d %s", r.status, r.body)
	}
	return id
}

func TestSizeRw(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	for _, tc := range []struct {
		name string
		cmd  string
		want int64
	}{
		{"nothing written", "true", 0},
		{"4 KiB file", "head -c 4096 /dev/zero > /big", 4096},
		{"two files in a new directory", "mkdir -p /d/e && echo hello > /d/e/f && printf abc > /g", 9},
	} {
		id := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", tc.cmd}})
		r := c.do("GET", "/v1.56/containers/"+id+"/json?size=1", nil)
		var got struct{ SizeRw, SizeRootFs *int64 }
		if err := json.Unmarshal(r.body, &got); err != nil || got.SizeRw == nil || got.SizeRootFs == nil {
			t.Fatalf("%s: inspect: %v %s", tc.name, err, r.body)
		}
		if *got.SizeRw != tc.want || *got.SizeRootFs <= *got.SizeRw {
			t.Errorf("%s: SizeRw %d SizeRootFs %d, want %d and a larger root", tc.name, *got.SizeRw, *got.SizeRootFs, tc.want)
		}
		r = c.do("GET", `/v1.56/containers/json?all=1&size=1&filters={"id":["`+id+`"]}`, nil)
		var list []struct{ SizeRw, SizeRootFs int64 }
		if err := json.Unmarshal(r.body, &list); err != nil || len(list) != 1 || list[0].SizeRw != tc.want || list[0].SizeRootFs != *got.SizeRootFs {
			t.Errorf("%s: list size=1: %+v %v", tc.name, list, err)
		}
	}
}

// build builds a Dockerfile tagged tag and fails the test on error.
func (c *client) build(tag, dockerfile string) {
	c.t.Helper()
	req, _ := http.NewRequest("POST", "http://docker/v1.56/build?t="+tag, bytes.NewReader(tarOf(c.t, map[string]string{"Dockerfile": dockerfile})))
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "Successfully tagged "+tag) {
		c.t.Fatalf("build %s: %s", tag, body)
	}
}

func TestBuildWordsForms(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	for _, tc := range []struct {
		name, df     string
		vols, expose []string
	}{
		{"shell form words", "VOLUME /data /cache\nEXPOSE 80 53/udp", []string{"/cache", "/data"}, []string{"53/udp", "80/tcp"}},
		{"json array", "VOLUME [\"/a b\", \"/c\"]\nEXPOSE 8000-8002/TCP", []string{"/a b", "/c"}, []string{"8000/tcp", "8001/tcp", "8002/tcp"}},
	} {
		c.build("words:v1", "FROM busybox\n"+strings.ReplaceAll(tc.df, `\n`, "\n")+"\n")
		var im struct {
			Config struct {
				Volumes, ExposedPorts map[string]struct{}
			}
		}
		_ = json.Unmarshal(c.do("GET", "/v1.56/images/words:v1/json", nil).body, &im)
		vols := sortedKeysT(im.Config.Volumes)
		ports := sortedKeysT(im.Config.ExposedPorts)
		if strings.Join(vols, ",") != strings.Join(tc.vols, ",") || strings.Join(ports, ",") != strings.Join(tc.expose, ",") {
			t.Errorf("%s: volumes %q ports %q, want %q %q", tc.name, vols, ports, tc.vols, tc.expose)
		}
	}
}

func sortedKeysT[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range maps.Keys(m) {
		ks = append(ks, k)
	}
	for i := range ks {
		for j := i + 1; j < len(ks); j++ {
			if ks[j] < ks[i] {
				ks[i], ks[j] = ks[j], ks[i]
			}
		}
	}
	return ks
}

func TestHistoryShowsAncestors(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	type item struct {
		ID        string `json:"Id"`
		CreatedBy string
		Tags      []string
		Size      int64
	}
	hist := func(ref string) []item {
		var h []item
		if err := json.Unmarshal(c.do("GET", "/v1.56/images/"+ref+"/history", nil).body, &h); err != nil {
			t.Fatal(err)
		}
		return h
	}
	var base struct {
		ID string `json:"Id"`
	}
	_ = json.Unmarshal(c.do("GET", "/v1.56/images/busybox/json", nil).body, &base)
	c.build("hist:a", "FROM busybox\nENV A=1\nRUN echo a > /a\n")
	c.build("hist:b", "FROM hist:a\nLABEL b=1\n")
	var a struct {
		ID string `json:"Id"`
	}
	_ = json.Unmarshal(c.do("GET", "/v1.56/images/hist:a/json", nil).body, &a)
	baseLen := len(hist("busybox"))
	h := hist("hist:b")
	if len(h) != baseLen+3 {
		t.Fatalf("history of hist:b has %d entries, want %d: %+v", len(h), baseLen+3, h)
	}
	ids := map[int]string{0: "", 1: a.ID, 3: base.ID} // "" = hist:b's own id, checked below
	if h[0].ID == "<missing>" || len(h[0].Tags) != 1 || h[0].Tags[0] != "hist:b" {
		t.Errorf("top entry %+v", h[0])
	}
	for i, e := range h {
		want, named := ids[i]
		switch {
		case named && want != "" && e.ID != want:
			t.Errorf("entry %d (%s): id %s, want %s", i, e.CreatedBy, e.ID, want)
		case !named && e.ID != "<missing>":
			t.Errorf("entry %d (%s): id %s, want <missing>", i, e.CreatedBy, e.ID)
		}
	}
	if !strings.Contains(h[1].CreatedBy, "echo a") || h[1].Size <= 0 || !strings.Contains(h[2].CreatedBy, "ENV A=1") || h[2].Size != 0 {
		t.Errorf("steps of hist:a: %+v %+v", h[1], h[2])
	}
	if h[0].Size != 0 {
		t.Errorf("LABEL step size %d, want 0", h[0].Size)
	}
}

func TestVolumeMountEvents(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	if r := c.do("POST", "/v1.56/volumes/create", map[string]any{"Name": "evvol"}); r.status != 201 {
		t.Fatalf("volume create: %d %s", r.status, r.body)
	}
	id := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "HostConfig": map[string]any{"Binds": []string{"evvol:/data:ro", "/tmp/evbind:/b"}}})
	until := strconv.FormatInt(time.Now().Add(time.Second).Unix(), 10)
	r := c.do("GET", `/v1.56/events?since=0&until=`+until+`&filters={"type":["volume"]}`, nil)
	var got []string
	dec := json.NewDecoder(bytes.NewReader(r.body))
	for {
		var ev struct {
			Action string
			Actor  struct {
				ID         string
				Attributes map[string]string
			}
		}
		if dec.Decode(&ev) != nil {
			break
		}
		got = append(got, ev.Action+" "+ev.Actor.ID)
		if ev.Action == "mount" && (ev.Actor.Attributes["container"] != id || ev.Actor.Attributes["destination"] != "/data" || ev.Actor.Attributes["read/write"] != "false") {
			t.Errorf("mount event attributes %v", ev.Actor.Attributes)
		}
	}
	if want := "create evvol,mount evvol,unmount evvol"; strings.Join(got, ",") != want {
		t.Errorf("volume events %q, want %q (binds make none)", got, want)
	}
}

func TestHealthcheck(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	type health struct {
		Status        string
		FailingStreak int
		Log           []struct {
			ExitCode int
			Output   string
		}
	}
	state := func(id string) *health {
		var s struct{ State struct{ Health *health } }
		_ = json.Unmarshal(c.do("GET", "/v1.56/containers/"+id+"/json", nil).body, &s)
		return s.State.Health
	}
	mk := func(test []string, timeout time.Duration, retries int) string {
		id := c.create("", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "60"}, "Healthcheck": map[string]any{
			"Test": test, "Interval": int64(20 * time.Millisecond), "Timeout": int64(timeout), "Retries": retries}})
		if r := c.do("POST", "/v1.56/containers/"+id+"/start", nil); r.status != 204 {
			t.Fatalf("start: %d %s", r.status, r.body)
		}
		t.Cleanup(func() { c.do("DELETE", "/v1.56/containers/"+id+"?force=1", nil) })
		return id
	}
	wait := func(id, want string) *health {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			h := state(id)
			if h != nil && h.Status == want {
				return h
			}
			if time.Now().After(deadline) {
				t.Fatalf("health of %s: %+v, want %s", id[:12], h, want)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	plain := c.create("", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "60"}})
	c.do("POST", "/v1.56/containers/"+plain+"/start", nil)
	t.Cleanup(func() { c.do("DELETE", "/v1.56/containers/"+plain+"?force=1", nil) })
	if h := state(plain); h != nil {
		t.Errorf("health without a healthcheck: %+v", h)
	}
	good := mk([]string{"CMD", "true"}, time.Second, 2)
	bad := mk([]string{"CMD-SHELL", "echo sick >&2; exit 1"}, time.Second, 2)
	slow := mk([]string{"CMD", "sleep", "10"}, 30*time.Millisecond, 1)
	if h := wait(good, "healthy"); h.FailingStreak != 0 || len(h.Log) == 0 || h.Log[0].ExitCode != 0 {
		t.Errorf("healthy: %+v", h)
	}
	if h := wait(bad, "unhealthy"); h.FailingStreak < 2 || len(h.Log) < 2 || h.Log[0].ExitCode != 1 || h.Log[0].Output != "sick\n" {
		t.Errorf("unhealthy: %+v", h)
	}
	if h := wait(slow, "unhealthy"); h.Log[0].ExitCode != -1 || !strings.Contains(h.Log[0].Output, "exceeded timeout") {
		t.Errorf("timed out: %+v", h)
	}
	time.Sleep(200 * time.Millisecond)
	if h := state(good); len(h.Log) > 5 {
		t.Errorf("log keeps %d entries, want at most 5", len(h.Log))
	}
	for _, tc := range []struct {
		filter string
		want   []string
	}{
		{"healthy", []string{good}},
		{"unhealthy", []string{bad, slow}},
		{"none", []string{plain}},
		{"starting", nil},
	} {
		var list []struct{ ID, Status string }
		r := c.do("GET", `/v1.56/containers/json?filters={"health":["`+tc.filter+`"]}`, nil)
		_ = json.Unmarshal(r.body, &list)
		var got []string
		for _, l := range list {
			got = append(got, l.ID)
			if tc.filter != "none" && !strings.Contains(l.Status, "("+tc.filter+")") {
				t.Errorf("status text %q lacks (%s)", l.Status, tc.filter)
			}
		}
		if strings.Join(sortedCopy(got), ",") != strings.Join(sortedCopy(tc.want), ",") {
			t.Errorf("health=%s: %v, want %v", tc.filter, got, tc.want)
		}
	}
	if r := c.do("GET", `/v1.56/containers/json?filters={"health":["sickly"]}`, nil); r.status != 400 {
		t.Errorf("bad health filter: %d", r.status)
	}
	until := strconv.FormatInt(time.Now().Add(time.Second).Unix(), 10)
	r := c.do("GET", `/v1.56/events?since=0&until=`+until+`&filters={"container":["`+good+`"]}`, nil)
	if n := strings.Count(string(r.body), `"health_status: healthy"`); n != 1 {
		t.Errorf("%d health_status: healthy events, want 1 (on change only)", n)
	}
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestIPReuseAndListOrder(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	if r := c.do("POST", "/v1.56/networks/create", map[string]any{"Name": "small", "IPAM": map[string]any{"Config": []map[string]any{{"Subnet": "10.9.0.0/29"}}}}); r.status != 201 {
		t.Fatalf("network create: %d %s", r.status, r.body)
	}
	ipOf := func(id string) string {
		var s struct {
			NetworkSettings struct {
				Networks map[string]struct{ IPAddress string }
			}
		}
		_ = json.Unmarshal(c.do("GET", "/v1.56/containers/"+id+"/json", nil).body, &s)
		return s.NetworkSettings.Networks["small"].IPAddress
	}
	var ids []string
	seen := map[string]bool{}
	// a /29 has 5 addresses for containers: 12 creates fit only if removal frees them
	for i := range 12 {
		id := c.create("", map[string]any{"Image": "busybox", "HostConfig": map[string]any{"NetworkMode": "small"}})
		ip := ipOf(id)
		if ip == "" || seen[ip] {
			t.Fatalf("create %d: address %q (in use: %v)", i, ip, seen)
		}
		seen[ip] = true
		ids = append(ids, id)
		if len(ids) == 4 {
			old := ids[0]
			delete(seen, ipOf(old))
			if r := c.do("DELETE", "/v1.56/containers/"+old, nil); r.status != 204 {
				t.Fatalf("remove: %d %s", r.status, r.body)
			}
			ids = ids[1:]
		}
	}
	var list []struct {
		ID string `json:"Id"`
	}
	_ = json.Unmarshal(c.do("GET", "/v1.56/containers/json?all=1", nil).body, &list)
	var got []string
	for _, l := range list {
		got = append(got, l.ID)
	}
	want := append([]string(nil), ids...)
	for i, j := 0, len(want)-1; i < j; i, j = i+1, j-1 {
		want[i], want[j] = want[j], want[i]
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("list order %v, want newest first %v", got, want)
	}
}
