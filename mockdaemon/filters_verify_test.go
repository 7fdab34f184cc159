package mockdaemon_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestListFiltersRefusedLikeDockerd: the network, volume, image and prune
// lists refuse a filter key they do not take and a value dockerd cannot
// read, with dockerd 20.10's status and words (as it answered them); a
// network inspected in a scope it is not in is not found.
func TestListFiltersRefusedLikeDockerd(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	for _, tc := range []struct {
		method, path, filters string
		status                int
		want                  string
	}{
		{"GET", "/networks", `{"nope":["x"]}`, 400, "Invalid filter 'nope'"},
		{"GET", "/networks", `{"type":["nope"]}`, 500, "invalid filter: 'type'='nope'"},
		{"GET", "/networks", `{"dangling":["nope"]}`, 400, `invalid value for filter 'dangling', must be "true" (or "1"), or "false" (or "0")`},
		{"GET", "/volumes", `{"nope":["x"]}`, 400, "Invalid filter 'nope'"},
		{"GET", "/volumes", `{"dangling":["nope"]}`, 400, "Invalid filter 'dangling=[nope]'"},
		{"GET", "/images/json", `{"dangling":["nope"]}`, 400, "Invalid filter 'dangling=[nope]'"},
		{"POST", "/networks/prune", `{"nope":["x"]}`, 400, "Invalid filter 'nope'"},
		{"POST", "/volumes/prune", `{"nope":["x"]}`, 400, "Invalid filter 'nope'"},
		{"POST", "/volumes/prune", `{"all":["true"]}`, 400, "Invalid filter 'all'"},
		{"POST", "/containers/prune", `{"nope":["x"]}`, 400, "Invalid filter 'nope'"},
	} {
		r := c.do(tc.method, "/v1.41"+tc.path+"?filters="+url.QueryEscape(tc.filters), nil)
		assert.Equal(t, tc.status, r.status, "%s %s: %s", tc.path, tc.filters, r.body)
		assert.Equal(t, tc.want, r.message(), "%s %s", tc.path, tc.filters)
	}
	for _, ok := range []string{`{"dangling":["true"],"type":["custom"]}`, `{"dangling":["0"],"type":["builtin"]}`} {
		r := c.do("GET", "/v1.41/networks?filters="+url.QueryEscape(ok), nil)
		assert.Equal(t, 200, r.status, "%s: %s", ok, r.body)
	}
	r := c.do("POST", "/v1.42/volumes/prune?filters="+url.QueryEscape(`{"all":["true"]}`), nil)
	assert.Equal(t, 200, r.status, "all is a filter of API 1.42: %s", r.body)

	for scope, status := range map[string]int{"": 200, "local": 200, "swarm": 404, "global": 404, "nope": 404} {
		r := c.do("GET", "/v1.41/networks/bridge?scope="+scope, nil)
		assert.Equal(t, status, r.status, "scope %q: %s", scope, r.body)
		if status == 404 {
			assert.Equal(t, "network bridge not found", r.message())
		}
	}
}
