package mockdaemon_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestEventsSinceAfterUntil: an events window that ends before it starts
// is refused like dockerd's, with the times as given.
func TestEventsSinceAfterUntil(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	r := c.do("GET", "/v1.41/events?since=2.5&until=1", nil)
	assert.Equal(t, 400, r.status)
	assert.Equal(t, "`since` time (2.5) cannot be after `until` time (1)", r.message())
}

// TestPingSwarmHeader: the Swarm header of _ping is API 1.42's; a 1.41
// request gets none, as from dockerd 20.10.
func TestPingSwarmHeader(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	for ver, want := range map[string]string{"v1.41": "", "v1.42": "inactive", "v1.56": "inactive"} {
		r := c.do("GET", "/"+ver+"/_ping", nil)
		assert.Equal(t, 200, r.status, ver)
		assert.Equal(t, want, r.header.Get("Swarm"), ver)
	}
}

// TestWindowTimestampsLikeDockerd: the since and until of events and logs
// are unix seconds with an optional fraction, nothing else, as dockerd's
// ParseTimestamps reads them; anything else (a word, an RFC 3339 date)
// is refused with strconv's message, dockerd 20.10's untyped 500 at API
// 1.41.
func TestWindowTimestampsLikeDockerd(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"echo", "hi"}})
	for _, tt := range []struct{ query, msg string }{
		{"since=yesterday", `strconv.ParseInt: parsing "yesterday": invalid syntax`},
		{"since=2020-01-01T00:00:00Z", `strconv.ParseInt: parsing "2020-01-01T00:00:00Z": invalid syntax`},
		{"since=1.x", `strconv.ParseInt: parsing "x": invalid syntax`},
	} {
		for _, path := range []string{"/v1.41/events?until=1&", "/v1.41/containers/" + id + "/logs?stdout=1&"} {
			r := c.do("GET", path+tt.query, nil)
			assert.Equal(t, 500, r.status, "%s%s: %s", path, tt.query, r.body)
			assert.Equal(t, tt.msg, r.message(), "%s%s", path, tt.query)
		}
	}
	assert.Equal(t, 400, c.do("GET", "/v1.42/events?until=1&since=yesterday", nil).status, "newer APIs: 400")
	r := c.do("GET", "/v1.41/containers/"+id+"/logs?stdout=1&since=1.5&until=99999999999.000000001", nil)
	assert.Equal(t, 200, r.status, "fractions: %s", r.body)
	stdout, _ := readFrames(t, r.body)
	assert.Equal(t, "hi\n", stdout)
}
