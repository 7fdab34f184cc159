package mockdaemon_test

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestNamesWithSlashesRouting: routes whose name holds slashes (images,
// plugins, distribution; networks, volumes and execs too, whose dockerd
// routes are {id:.*}) cut it from the decoded path and serve only their
// own method, like dockerd's router: an escaped slash is a slash, a name
// may be empty, and HEAD is not GET. "/networks/" lists networks.
func TestNamesWithSlashesRouting(t *testing.T) {
	d, c := newClient(t, mockdaemon.Config{})
	for _, tc := range []struct {
		method, path string
		status       int
		message, op  string
	}{
		{"GET", "/v1.41/plugins/foo%2Fjson", 404, `plugin "foo" not found`, "PluginInspect"},
		{"GET", "/v1.41/plugins/vieux%2Fsshfs/json", 404, `plugin "vieux/sshfs" not found`, "PluginInspect"},
		{"DELETE", "/v1.41/plugins/", 404, `plugin "" not found`, "PluginDelete"},
		{"GET", "/v1.41/images/nosuch%2Fx/json", 404, "no such image: nosuch/x: No such image: nosuch/x:latest", "ImageInspect"}, // dockerd 20.10 wraps it
		{"HEAD", "/v1.41/images/busybox/json", 404, "", ""},
		{"GET", "/v1.41/distribution/127.0.0.1:9%2Fx/json", 500, `Get "http://127.0.0.1:9/v2/": dial tcp 127.0.0.1:9: connect: connection refused`, "DistributionInspect"},
		{"HEAD", "/v1.41/distribution/busybox/json", 404, "", ""},
		{"GET", "/v1.41/distribution/busybox", 404, "page not found", ""},
		{"GET", "/v1.41/networks/a/b", 404, "network a/b not found", "NetworkInspect"},
		{"DELETE", "/v1.41/networks/", 400, "network  is ambiguous (3 matches found based on ID prefix)", "NetworkDelete"},
		{"POST", "/v1.41/networks/a/b/disconnect", 404, "No such container: x", "NetworkDisconnect"},
		{"GET", "/v1.41/volumes/", 404, "get: no such volume", "VolumeInspect"},
		{"DELETE", "/v1.41/volumes/a/b", 404, "get a/b: no such volume", "VolumeDelete"},
		{"GET", "/v1.41/exec/a/b/json", 404, "No such exec instance: a/b", "ExecInspect"},
		{"POST", "/v1.41/exec/a/b/start", 404, "No such exec instance: a/b", "ExecStart"},
	} {
		d.ResetRequests()
		var body any
		if tc.op == "NetworkDisconnect" {
			body = map[string]string{"Container": "x"}
		}
		r := c.do(tc.method, tc.path, body)
		assert.Equal(t, tc.status, r.status, "%s %s: %s", tc.method, tc.path, r.body)
		if tc.method != http.MethodHead {
			assert.Equal(t, tc.message, r.message(), "%s %s", tc.method, tc.path)
		}
		if reqs := d.Requests(); assert.Len(t, reqs, 1) {
			assert.Equal(t, tc.op, reqs[0].Operation, "%s %s", tc.method, tc.path)
		}
	}
}

// TestRouterEdgesLikeDockerd: like dockerd's router, a path that is not
// clean is redirected (301) to its cleaned, versioned self, and a path no
// route serves (HEAD of a GET route too) is a 404; both are answered
// before the daemon's middlewares, without its headers.
func TestRouterEdgesLikeDockerd(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	c.create("rt", map[string]any{"Image": "busybox"})
	hc := *c.hc
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	do := func(method, path string) (*http.Response, string) {
		req, err := http.NewRequestWithContext(t.Context(), method, "http://docker"+path, nil)
		require.NoError(t, err)
		resp, err := hc.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, string(b)
	}
	resp, body := do("GET", "/v1.41/containers//rt/json?size=1")
	assert.Equal(t, http.StatusMovedPermanently, resp.StatusCode)
	assert.Equal(t, "/v1.41/containers/rt/json?size=1", resp.Header.Get("Location"))
	assert.Empty(t, body)
	for _, h := range []string{"Api-Version", "Server", "Ostype", "Docker-Experimental", "Content-Type"} {
		assert.Empty(t, resp.Header.Get(h), "redirect: %s", h)
	}
	for _, tc := range []struct{ method, path string }{
		{"HEAD", "/v1.41/containers/json"},
		{"HEAD", "/v1.41/containers/rt/json"},
		{"GET", "/v1.41/nosuchendpoint"},
		{"PUT", "/v1.41/containers/json"},
		{"GET", "/v1.41/containers/create"},
	} {
		resp, body := do(tc.method, tc.path)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, "%s %s", tc.method, tc.path)
		if tc.method != "HEAD" {
			assert.JSONEq(t, `{"message":"page not found"}`, body, "%s %s", tc.method, tc.path)
		}
		for _, h := range []string{"Api-Version", "Server", "Ostype", "Docker-Experimental"} {
			assert.Empty(t, resp.Header.Get(h), "%s %s: %s", tc.method, tc.path, h)
		}
	}
	var nets []struct{ Name string }
	resp, body = do("GET", "/v1.41/networks/")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, json.Unmarshal([]byte(body), &nets))
	assert.Len(t, nets, 3, "GET /networks/ lists, as dockerd's route of its own")
	resp, _ = do("HEAD", "/v1.41/_ping")
	assert.Equal(t, http.StatusOK, resp.StatusCode, "HEAD /_ping is a route of its own")
	assert.NotEmpty(t, resp.Header.Get("Api-Version"))
}
