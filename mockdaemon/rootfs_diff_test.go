package mockdaemon_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestDiffListsMadeMountPoints: as with dockerd 20.10 (runc makes the
// mount points its start needs in the container's layer), a container
// that ran lists the mount points its image lacked, and their parents, as
// added, whatever is mounted there (volume, tmpfs, bind); a mount point
// the image has and what any mount holds are no change, and a container
// that never started lists nothing.
func TestDiffListsMadeMountPoints(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	changes := func(id string) []string {
		r := c.do("GET", "/v1.41/containers/"+id+"/changes", nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		var chs []struct {
			Path string
			Kind int
		}
		require.NoError(t, json.Unmarshal(r.body, &chs))
		var out []string
		for _, ch := range chs {
			out = append(out, map[int]string{0: "C ", 1: "A ", 2: "D "}[ch.Kind]+ch.Path)
		}
		return out
	}
	host := map[string]any{
		"Binds": []string{"dwmpv:/newmnt", "dwmpetc:/etc", "/tmp:/hostb"},
		"Tmpfs": map[string]string{"/a/b": ""},
	}
	ran := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", "echo x > /newmnt/f; echo y > /a/b/g"}, "HostConfig": host})
	assert.ElementsMatch(t, []string{"A /a", "A /a/b", "A /hostb", "A /newmnt"}, changes(ran))
	created := c.create("", map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "HostConfig": map[string]any{"Binds": []string{"dwmpv2:/newmnt2"}}})
	assert.Empty(t, changes(created))
}
