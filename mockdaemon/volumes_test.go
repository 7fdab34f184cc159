package mockdaemon_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestVolumeMountEvents: a container's named volume is mounted at its
// start and unmounted at its exit, each with a volume event (binds have
// none), as dockerd reports them.
func TestVolumeMountEvents(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	r := c.do("POST", "/v1.56/volumes/create", map[string]any{"Name": "evvol"})
	require.Equal(t, 201, r.status, "volume create: %s", r.body)
	id := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "HostConfig": map[string]any{"Binds": []string{"evvol:/data:ro", "/tmp/evbind:/b"}}})
	until := strconv.FormatInt(time.Now().Add(time.Second).Unix(), 10)
	r = c.do("GET", `/v1.56/events?since=0&until=`+until+`&filters={"type":["volume"]}`, nil)
	got := eventActions(t, r.body, func(action string, attrs map[string]string) {
		if action == "mount" {
			assert.Equal(t, map[string]string{"container": id, "destination": "/data", "driver": "local", "propagation": "", "read/write": "false"}, attrs, "mount event attributes")
		}
	})
	assert.Equal(t, []string{"create evvol", "mount evvol", "unmount evvol"}, got)
}
