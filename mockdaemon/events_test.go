package mockdaemon_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// eventsOf lists the events filtered by filters (a JSON object) that came
// since the Unix time since, each as "Type:Action:name" (the actor's name
// attribute, or its id).
func (c *client) eventsOf(since int64, filters string) []string {
	c.t.Helper()
	until := strconv.FormatInt(time.Now().Unix()+1, 10)
	r := c.do("GET", "/v1.41/events?since="+strconv.FormatInt(since, 10)+"&until="+until+"&filters="+url.QueryEscape(filters), nil)
	require.Equal(c.t, 200, r.status, "%s", r.body)
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(r.body))
	for sc.Scan() {
		var ev struct {
			Type, Action string
			Actor        struct {
				ID         string
				Attributes map[string]string
			}
		}
		require.NoError(c.t, json.Unmarshal(sc.Bytes(), &ev))
		name := ev.Actor.Attributes["name"]
		if name == "" {
			name = ev.Actor.ID
		}
		out = append(out, ev.Type+":"+ev.Action+":"+name)
	}
	return out
}

// TestLifecycleNetworkAndVolumeEvents: as dockerd logs them, a start
// connects the container to each of its networks (the one of its
// NetworkMode first) and its end disconnects them after the die; a
// connect of a container that is not running logs nothing (its start
// does), a disconnect does; every create of a named volume, a container's
// mount of an existing one included, logs a volume create.
func TestLifecycleNetworkAndVolumeEvents(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	since := time.Now().Unix()
	r := c.do("POST", "/v1.41/networks/create", map[string]any{"Name": "dwevnet"})
	require.Equal(t, 201, r.status, "%s", r.body)
	r = c.do("POST", "/v1.41/volumes/create", map[string]any{"Name": "dwevvol"})
	require.Equal(t, 201, r.status, "%s", r.body)
	r = c.do("POST", "/v1.41/volumes/create", map[string]any{"Name": "dwevvol"})
	require.Equal(t, 201, r.status, "%s", r.body)
	id := c.create("dwevc", map[string]any{"Image": "busybox", "Cmd": []string{"true"},
		"HostConfig": map[string]any{"NetworkMode": "dwevnet", "Binds": []string{"dwevvol:/d"}}})
	r = c.do("POST", "/v1.41/networks/bridge/connect", map[string]any{"Container": id})
	require.Equal(t, 200, r.status, "%s", r.body)
	r = c.do("POST", "/v1.41/containers/"+id+"/start", nil)
	require.Equal(t, 204, r.status, "%s", r.body)
	r = c.do("POST", "/v1.41/containers/"+id+"/wait", nil)
	require.Equal(t, 200, r.status, "%s", r.body)
	r = c.do("POST", "/v1.41/networks/bridge/disconnect", map[string]any{"Container": id})
	require.Equal(t, 200, r.status, "%s", r.body)

	assert.Equal(t, []string{
		"network:create:dwevnet", "container:create:dwevc", "network:connect:dwevnet", "network:connect:bridge",
		"container:start:dwevc", "container:die:dwevc",
		"network:disconnect:dwevnet", "network:disconnect:bridge", "network:disconnect:bridge",
	}, c.eventsOf(since, `{"type":["container","network"]}`))
	assert.Equal(t, []string{"volume:create:dwevvol", "volume:create:dwevvol", "volume:create:dwevvol", "volume:mount:dwevvol", "volume:unmount:dwevvol"},
		c.eventsOf(since, `{"volume":["dwevvol"]}`))
}

// TestAttachEventBeforeStart: the attach a client sets up before it
// starts the container is logged before the start, however quickly the
// container runs.
func TestAttachEventBeforeStart(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	since := time.Now().Unix()
	for i := range 5 {
		name := "dwatt" + strconv.Itoa(i)
		id := c.create(name, map[string]any{"Image": "busybox", "Cmd": []string{"true"}})
		s := c.hijack("/v1.41/containers/"+id+"/attach?stream=1&stdout=1&stderr=1", "", true)
		require.True(t, strings.HasPrefix(s.head, "HTTP/1.1 101"), s.head)
		r := c.do("POST", "/v1.41/containers/"+id+"/start", nil)
		require.Equal(t, 204, r.status, "%s", r.body)
		_, _ = s.rest(5 * time.Second)
		assert.Equal(t, []string{"container:create:" + name, "container:attach:" + name, "container:start:" + name, "container:die:" + name},
			c.eventsOf(since, `{"container":["`+name+`"],"type":["container"]}`))
	}
}
