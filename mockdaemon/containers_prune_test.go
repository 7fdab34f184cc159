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

// TestAncestorFilterTakesChildren: the ancestor filter takes the
// containers of the image and of every image made from it, as dockerd's
// (the containers a build with rm=0 leaves: its RUN step's of the base,
// its LABEL step's of the RUN step's image).
func TestAncestorFilterTakesChildren(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	r := buildRaw(t, c, "1.41", "rm=0&t=anc:1", tarOf(t, map[string]string{"Dockerfile": "FROM busybox\nRUN true\nLABEL a=b\n"}))
	require.Equal(t, 200, r.status, "%s", r.body)
	ids := func(filter string) []string {
		r := c.do("GET", "/v1.41/containers/json?all=1&filters="+url.QueryEscape(filter), nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		var list []struct{ ID string }
		require.NoError(t, json.Unmarshal(r.body, &list))
		var out []string
		for _, x := range list {
			out = append(out, x.ID)
		}
		return out
	}
	assert.Len(t, ids(`{"ancestor":["busybox"]}`), 2, "the RUN's container and the LABEL's, of busybox's child")
	assert.Len(t, ids(`{"ancestor":["anc:1"]}`), 0, "none made from the built image")
	assert.Len(t, ids(`{"ancestor":["nosuch"]}`), 0, "an image that is not there")
}
