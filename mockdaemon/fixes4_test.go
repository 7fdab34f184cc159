package mockdaemon_test

import (
	"encoding/json"
	"testing"

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
