package mockdaemon_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestPluginRemoteLikeDockerd20: on API 1.41 a plugin's remote reference is
// parsed as dockerd 20.10's router does (an untyped error: 500, in the
// reference library's words), and privileges answers an empty list when
// the fetch fails (20.10's Privileges drops the fetch's error); later API
// versions answer the fetch's error.
func TestPluginRemoteLikeDockerd20(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	for _, tt := range []struct {
		method, path string
		status       int
		body         string // the answer, or its message for an error
	}{
		{"GET", "/v1.41/plugins/privileges?remote=127.0.0.1:9/x", 200, "[]\n"},
		{"GET", "/v1.41/plugins/privileges?remote=nobody/nothing", 200, "[]\n"},
		{"GET", "/v1.41/plugins/privileges?remote=", 500, "invalid reference format"},
		{"GET", "/v1.41/plugins/privileges?remote=127.0.0.1:9/UPPER", 500, "invalid reference format: repository name must be lowercase"},
		{"POST", "/v1.41/plugins/pull?remote=127.0.0.1:9/x:bad:tag", 500, "invalid reference format"},
		{"POST", "/v1.41/plugins/pull?remote=", 500, "invalid reference format"},
		{"GET", "/v1.56/plugins/privileges?remote=127.0.0.1:9/x", 500, `Get "http://127.0.0.1:9/v2/": dial tcp 127.0.0.1:9: connect: connection refused`},
	} {
		r := c.do(tt.method, tt.path, nil)
		assert.Equal(t, tt.status, r.status, "%s %s: %s", tt.method, tt.path, r.body)
		if tt.status == 200 {
			assert.Equal(t, tt.body, string(r.body), "%s %s", tt.method, tt.path)
		} else {
			assert.Equal(t, tt.body, r.message(), "%s %s", tt.method, tt.path)
		}
	}
}
