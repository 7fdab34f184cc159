package mockdaemon_test

import (
	"bytes"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestEventsSinceUntilEnds: an events stream with until ends by itself,
// and since and the label filter select the past events.
func TestEventsSinceUntilEnds(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	start := strconv.FormatInt(time.Now().Add(-time.Second).Unix(), 10)
	c.create("ev", map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "Labels": map[string]string{"team": "a"}})
	until := strconv.FormatInt(time.Now().Add(time.Second).Unix(), 10)
	done := make(chan result, 1)
	go func() {
		done <- c.send("GET", "/events?since="+start+"&until="+until+`&filters={"label":{"team=a":true}}`, nil)
	}()
	select {
	case r := <-done:
		require.NoError(t, r.err, "events")
		var ev struct {
			Type, Action string
			Actor        struct{ Attributes map[string]string }
		}
		require.NoError(t, json.NewDecoder(bytes.NewReader(r.body)).Decode(&ev), "events body %q", r.body)
		assert.Equal(t, "container", ev.Type)
		assert.Equal(t, "create", ev.Action)
		assert.Equal(t, "a", ev.Actor.Attributes["team"])
		assert.Equal(t, "ev", ev.Actor.Attributes["name"])
	case <-time.After(10 * time.Second):
		require.Fail(t, "events stream with until did not end")
	}
}
