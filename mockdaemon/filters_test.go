package mockdaemon_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestListFiltersLikeDockerd: each list checks its filters as dockerd
// 20.10 does before it reads them (the names it knows, the values that
// must parse, the containers and images before/since name), with its
// statuses and words; values it takes are applied (is-task). Found by the
// differential check's generated filter queries.
func TestListFiltersLikeDockerd(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	c.create("fl-a", map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "Labels": map[string]string{"fl": "1"}})
	for _, tc := range []struct {
		path, filters string
		status        int
		message       string
	}{
		{"/containers/json?all=1", `{"exited":["x"]}`, 500, `strconv.Atoi: parsing "x": invalid syntax`},
		{"/containers/json?all=1", `{"is-task":["bogus"]}`, 400, "Invalid filter 'is-task=[bogus]'"},
		{"/containers/json?all=1", `{"expose":["x/y"]}`, 500, `error while looking up for expose x/y: strconv.ParseUint: parsing "x": invalid syntax`},
		{"/containers/json?all=1", `{"publish":["80:80"]}`, 500, "filter for 'publish' should not contain ':': 80:80"},
		{"/containers/json?all=1", `{"before":["nosuch"]}`, 500, "no such container nosuch"},
		{"/containers/json?all=1", `{"since":["nosuch"]}`, 500, "no such container nosuch"},
		{"/images/json", `{"dangling":["1"]}`, 400, "Invalid filter 'dangling=[1]'"},
		{"/images/json", `{"before":["nosuch:1"]}`, 404, "No such image: nosuch:1"},
		{"/images/json", `{"reference":["[bad"]}`, 500, "syntax error in pattern"},
		{"/images/json", `{"until":["1h"]}`, 400, "Invalid filter 'until'"},
		{"/networks", `{"bogus":["1"]}`, 400, "Invalid filter 'bogus'"},
		{"/networks", `{"dangling":["x"]}`, 400, `invalid value for filter 'dangling', must be "true" (or "1"), or "false" (or "0")`},
		{"/networks", `{"dangling":["true","false"]}`, 400, `got more than one value for filter key "dangling"`},
		{"/networks", `{"type":["bogus"]}`, 500, "invalid filter: 'type'='bogus'"},
		{"/volumes", `{"bogus":["1"]}`, 400, "Invalid filter 'bogus'"},
		{"/volumes", `{"dangling":["x"]}`, 400, "Invalid filter 'dangling=[x]'"},
	} {
		sep := "?"
		if strings.Contains(tc.path, "?") {
			sep = "&"
		}
		r := c.do("GET", "/v1.41"+tc.path+sep+"filters="+url.QueryEscape(tc.filters), nil)
		assert.Equal(t, tc.status, r.status, "%s %s: %s", tc.path, tc.filters, r.body)
		assert.Equal(t, tc.message, r.message(), "%s %s", tc.path, tc.filters)
	}
	for _, tc := range []struct{ path, filters, message string }{
		{"/containers/prune", `{"bogus":["1"]}`, "Invalid filter 'bogus'"},
		{"/networks/prune", `{"dangling":["1"]}`, "Invalid filter 'dangling'"},
		{"/volumes/prune", `{"all":["1"]}`, "Invalid filter 'all'"},
		{"/containers/prune", `{"until":["bad"]}`, `failed to parse value as time or duration: "bad"`},
	} {
		r := c.do("POST", "/v1.41"+tc.path+"?filters="+url.QueryEscape(tc.filters), nil)
		assert.NotEqual(t, 200, r.status, "%s %s", tc.path, tc.filters)
		assert.Equal(t, tc.message, r.message(), "%s %s", tc.path, tc.filters)
	}

	names := func(path string) []string {
		r := c.do("GET", "/v1.41"+path, nil)
		require.Equal(t, 200, r.status, "%s: %s", path, r.body)
		var list []struct{ Names []string }
		require.NoError(t, json.Unmarshal(r.body, &list))
		var out []string
		for _, l := range list {
			out = append(out, l.Names...)
		}
		return out
	}
	// With a name or id filter dockerd walks only what they match: a
	// since container outside them never stops the walk.
	c.create("fl-b", map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "Labels": map[string]string{"fl": "1"}})
	assert.Equal(t, []string{"/fl-a"}, names("/containers/json?all=1&filters="+url.QueryEscape(`{"label":["fl"],"name":["fl-a"],"since":["fl-b"]}`)))
	assert.Empty(t, names("/containers/json?all=1&filters="+url.QueryEscape(`{"label":["fl"],"since":["fl-b"]}`)))
	task := url.QueryEscape(`{"label":["fl"],"is-task":["true"]}`)
	notTask := url.QueryEscape(`{"label":["fl"],"is-task":["false"]}`)
	assert.Empty(t, names("/containers/json?all=1&filters="+task), "no swarm task among them")
	assert.Equal(t, []string{"/fl-b", "/fl-a"}, names("/containers/json?all=1&filters="+notTask))
}

// TestNetworkDanglingAt141: dockerd 20.10 filters the network list it
// answers, whose Containers are empty from API 1.28: a network with a
// running container on it is listed as dangling there; the predefined
// ones never are.
func TestNetworkDanglingAt141(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	r := c.do("POST", "/v1.41/networks/create", map[string]any{"Name": "dang-used", "Labels": map[string]string{"dang": "1"}})
	require.Equal(t, 201, r.status, "%s", r.body)
	id := c.create("dang-c", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"}, "HostConfig": map[string]any{"NetworkMode": "dang-used"}})
	require.Equal(t, 204, c.do("POST", "/v1.41/containers/"+id+"/start", nil).status)
	t.Cleanup(func() { c.do("DELETE", "/v1.41/containers/"+id+"?force=1", nil) })
	list := func(ver, filters string) []string {
		r := c.do("GET", "/"+ver+"/networks?filters="+url.QueryEscape(filters), nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		var nets []struct{ Name string }
		require.NoError(t, json.Unmarshal(r.body, &nets))
		var out []string
		for _, n := range nets {
			out = append(out, n.Name)
		}
		return out
	}
	assert.Equal(t, []string{"dang-used"}, list("v1.41", `{"label":["dang"],"dangling":["true"]}`))
	assert.Empty(t, list("v1.41", `{"label":["dang"],"dangling":["false"]}`))
	assert.Empty(t, list("v1.56", `{"label":["dang"],"dangling":["true"]}`), "newer versions look at the endpoints")
	assert.NotContains(t, list("v1.41", `{"dangling":["1"]}`), "bridge")
}

// TestVolumeLabelsAsGiven: a volume made without labels (by a bind, or a
// create that sends none) has Labels null, one made with {} keeps {}.
func TestVolumeLabelsAsGiven(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	require.Equal(t, 201, c.do("POST", "/v1.41/volumes/create", map[string]any{"Name": "lab-none"}).status)
	require.Equal(t, 201, c.do("POST", "/v1.41/volumes/create", map[string]any{"Name": "lab-empty", "Labels": map[string]string{}}).status)
	c.create("lab-c", map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "HostConfig": map[string]any{"Binds": []string{"lab-bind:/b"}}})
	for name, want := range map[string]string{"lab-none": "null", "lab-empty": "{}", "lab-bind": "null"} {
		r := c.do("GET", "/v1.41/volumes/"+name, nil)
		require.Equal(t, 200, r.status, "%s: %s", name, r.body)
		var v struct{ Labels json.RawMessage }
		require.NoError(t, json.Unmarshal(r.body, &v))
		assert.JSONEq(t, want, string(v.Labels), name)
	}
}
