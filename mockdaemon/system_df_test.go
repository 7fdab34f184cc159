package mockdaemon_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestSystemDFLikeDockerd: as dockerd 20.10's df, an image's SharedSize is
// the size of its layers that another listed image also holds (0 for an
// image alone, never -1: the docker CLI then shows N/A and counts the
// image as reclaimable); the images are those of the list without all
// (no untagged parent), and the local volumes are those made without
// driver options (dockerd's LocalVolumesSize).
func TestSystemDFLikeDockerd(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	// two steps: the first one's image is an untagged parent, which df
	// leaves out as the image list without all does
	c.build("dwdfchild", "FROM busybox\nRUN echo data > /f\nLABEL step=2\n")
	for _, v := range []map[string]any{{"Name": "dwdfplain"}, {"Name": "dwdfopts", "DriverOpts": map[string]string{"type": "tmpfs", "device": "tmpfs"}}} {
		r := c.do("POST", "/v1.41/volumes/create", v)
		require.Equal(t, 201, r.status, "%s", r.body)
	}
	r := c.do("GET", "/v1.41/system/df", nil)
	require.Equal(t, 200, r.status, "%s", r.body)
	var df struct {
		Images []struct {
			RepoTags   []string
			Size       int64
			SharedSize int64
		}
		Volumes []struct{ Name string }
	}
	require.NoError(t, json.Unmarshal(r.body, &df))
	r = c.do("GET", "/v1.41/images/json", nil)
	require.Equal(t, 200, r.status, "%s", r.body)
	var list []any
	require.NoError(t, json.Unmarshal(r.body, &list))
	assert.Len(t, df.Images, len(list), "df lists the images the list without all does")
	shared := map[string]int64{}
	size := map[string]int64{}
	for _, im := range df.Images {
		for _, tag := range im.RepoTags {
			shared[tag], size[tag] = im.SharedSize, im.Size
		}
	}
	require.Contains(t, shared, "busybox:latest")
	require.Contains(t, shared, "dwdfchild:latest")
	assert.Positive(t, size["busybox:latest"])
	// the child holds busybox's layer and one of its own
	assert.Equal(t, size["busybox:latest"], shared["busybox:latest"], "the base's layer is shared with the child")
	assert.Equal(t, size["busybox:latest"], shared["dwdfchild:latest"], "the child shares the base's layer only")
	var vols []string
	for _, v := range df.Volumes {
		vols = append(vols, v.Name)
	}
	assert.Equal(t, []string{"dwdfplain"}, vols)
}
