package mockdaemon_test

import (
	"bytes"
	"encoding/json"
	"net/url"
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

// TestPruneFilterValidation: every prune checks its filters before it
// prunes anything, as dockerd does: a key the prune does not accept is
// 400 "Invalid filter" (volumes know "all" from API 1.42 on), an until
// that is no time is dockerd's untyped 500 — and a filter it rejects
// prunes nothing, where one ignored would prune everything.
func TestPruneFilterValidation(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("", map[string]any{"Image": "busybox", "Cmd": []string{"true"}})
	require.Equal(t, 201, c.do("POST", "/v1.41/volumes/create", map[string]any{"Name": "keepvol"}).status)
	require.Equal(t, 201, c.do("POST", "/v1.41/networks/create", map[string]any{"Name": "keepnet"}).status)
	for _, tt := range []struct {
		path, filters string
		status        int
		msg           string
	}{
		{"/v1.41/containers/prune", `{"until":["notatime"]}`, 500, `failed to parse value as time or duration: "notatime"`},
		{"/v1.41/containers/prune", `{"nosuch":["x"]}`, 400, "Invalid filter 'nosuch'"},
		{"/v1.41/containers/prune", `{"until":["2024-13-01"]}`, 500, `parsing time "2024-13-01": month out of range`},
		{"/v1.41/networks/prune", `{"until":["notatime"]}`, 500, `failed to parse value as time or duration: "notatime"`},
		{"/v1.41/networks/prune", `{"dangling":["true"]}`, 400, "Invalid filter 'dangling'"},
		{"/v1.41/images/prune", `{"until":["notatime"]}`, 500, `failed to parse value as time or duration: "notatime"`},
		{"/v1.41/volumes/prune", `{"until":["1h"]}`, 400, "Invalid filter 'until'"},
		{"/v1.41/volumes/prune", `{"all":["true"]}`, 400, "Invalid filter 'all'"},
	} {
		r := c.do("POST", tt.path+"?filters="+url.QueryEscape(tt.filters), nil)
		assert.Equal(t, tt.status, r.status, "%s %s: %s", tt.path, tt.filters, r.body)
		assert.Equal(t, tt.msg, r.message(), "%s %s", tt.path, tt.filters)
	}
	assert.Equal(t, 200, c.do("GET", "/v1.41/containers/"+id+"/json", nil).status, "the container is kept")
	assert.Equal(t, 200, c.do("GET", "/v1.41/volumes/keepvol", nil).status, "the volume is kept")
	assert.Equal(t, 200, c.do("GET", "/v1.41/networks/keepnet", nil).status, "the network is kept")
	// accepted forms still prune
	for _, until := range []string{"1ms", "2999-01-02", "2999-01-02T15:04", "32503680000.5"} {
		r := c.do("POST", "/v1.41/containers/prune?filters="+url.QueryEscape(`{"until":["`+until+`"]}`), nil)
		assert.Equal(t, 200, r.status, "until=%s: %s", until, r.body)
	}
	assert.Equal(t, 404, c.do("GET", "/v1.41/containers/"+id+"/json", nil).status, "pruned by a valid until")
	assert.Equal(t, 200, c.do("POST", "/v1.42/volumes/prune?filters="+url.QueryEscape(`{"all":["true"]}`), nil).status, "all at 1.42")
}

// TestAuthRefusedStatusByVersion: a registry that refuses the credentials
// of POST /auth is a plain error to dockerd 20.10 (API 1.41), 500 with the
// login attempt's message, and a 401 to later daemons.
func TestAuthRefusedStatusByVersion(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{Registries: map[string]mockdaemon.Credentials{
		"127.0.0.1:5999": {Username: "u", Password: "p"},
	}})
	for _, tt := range []struct {
		version string
		status  int
	}{{"1.24", 500}, {"1.41", 500}, {"1.42", 401}, {"1.56", 401}} {
		r := c.do("POST", "/v"+tt.version+"/auth", map[string]string{"username": "u", "password": "wrong", "serveraddress": "127.0.0.1:5999"})
		assert.Equal(t, tt.status, r.status, "API %s: %s", tt.version, r.body)
		assert.Equal(t, "login attempt to http://127.0.0.1:5999/v2/ failed with status: 401 Unauthorized", r.message(), "API %s", tt.version)
		r = c.do("POST", "/v"+tt.version+"/auth", map[string]string{"username": "u", "password": "p", "serveraddress": "127.0.0.1:5999"})
		assert.Equal(t, 200, r.status, "API %s, the right password: %s", tt.version, r.body)
	}
}
