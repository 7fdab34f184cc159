package mockdaemon_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestNamesWithSlashesRouting: routes whose name holds slashes (images,
// plugins, distribution) cut it from the decoded path and serve only their
// own method, like dockerd's router: an escaped slash is a slash, and HEAD
// is not GET.
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
		{"GET", "/v1.41/images/nosuch%2Fx/json", 404, "No such image: nosuch/x:latest", "ImageInspect"},
		{"HEAD", "/v1.41/images/busybox/json", 404, "", ""},
		{"GET", "/v1.41/distribution/127.0.0.1:9%2Fx/json", 500, `Get "http://127.0.0.1:9/v2/": dial tcp 127.0.0.1:9: connect: connection refused`, "DistributionInspect"},
		{"HEAD", "/v1.41/distribution/busybox/json", 404, "", ""},
		{"GET", "/v1.41/distribution/busybox", 404, "page not found", ""},
	} {
		d.ResetRequests()
		r := c.do(tc.method, tc.path, nil)
		assert.Equal(t, tc.status, r.status, "%s %s: %s", tc.method, tc.path, r.body)
		if tc.method != http.MethodHead {
			assert.Equal(t, tc.message, r.message(), "%s %s", tc.method, tc.path)
		}
		if reqs := d.Requests(); assert.Len(t, reqs, 1) {
			assert.Equal(t, tc.op, reqs[0].Operation, "%s %s", tc.method, tc.path)
		}
	}
}
