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
