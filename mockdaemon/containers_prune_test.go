package mockdaemon_test

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestContainerPruneReclaims: a container prune reports the bytes of the
// writable layers of the containers it removed (their SizeRw), and
// ContainersDeleted null when it removed none, as dockerd's report does.
func TestContainerPruneReclaims(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", "echo hello > /data.txt"}, "Labels": map[string]string{"p": "1"}})
	r := c.do("GET", "/v1.41/containers/"+id+"/json?size=1", nil)
	require.Equal(t, 200, r.status, "%s", r.body)
	var insp struct{ SizeRw int64 }
	require.NoError(t, json.Unmarshal(r.body, &insp))
	require.Positive(t, insp.SizeRw)

	flt := "?filters=" + url.QueryEscape(`{"label":["p=1"]}`)
	r = c.do("POST", "/v1.41/containers/prune"+flt, nil)
	require.Equal(t, 200, r.status, "%s", r.body)
	var rep struct {
		ContainersDeleted []string
		SpaceReclaimed    int64
	}
	require.NoError(t, json.Unmarshal(r.body, &rep))
	assert.Equal(t, []string{id}, rep.ContainersDeleted)
	assert.Equal(t, insp.SizeRw, rep.SpaceReclaimed)

	r = c.do("POST", "/v1.41/containers/prune"+flt, nil)
	require.Equal(t, 200, r.status, "%s", r.body)
	assert.JSONEq(t, `{"ContainersDeleted":null,"SpaceReclaimed":0}`, string(r.body))
}
