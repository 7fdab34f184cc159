package mockdaemon_test

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestBuildWordsForms: VOLUME and EXPOSE take words or a JSON array, and
// EXPOSE ranges and protocols expand like go-connections' ParsePortSpecs.
func TestBuildWordsForms(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	for _, tc := range []struct {
		name, df     string
		vols, expose []string
	}{
		{"shell form words", "VOLUME /data /cache\nEXPOSE 80 53/udp", []string{"/cache", "/data"}, []string{"53/udp", "80/tcp"}},
		{"json array", "VOLUME [\"/a b\", \"/c\"]\nEXPOSE 8000-8002/TCP", []string{"/a b", "/c"}, []string{"8000/tcp", "8001/tcp", "8002/tcp"}},
	} {
		c.build("words:v1", "FROM busybox\n"+tc.df+"\n")
		var im struct {
			Config struct {
				Volumes, ExposedPorts map[string]struct{}
			}
		}
		require.NoError(t, json.Unmarshal(c.do("GET", "/v1.56/images/words:v1/json", nil).body, &im), tc.name)
		assert.Equal(t, tc.vols, slices.Sorted(maps.Keys(im.Config.Volumes)), tc.name)
		assert.Equal(t, tc.expose, slices.Sorted(maps.Keys(im.Config.ExposedPorts)), tc.name)
	}
}

// TestBuildCopyDestinations: COPY's destination is a directory when it
// ends in / or /. (or is .), an existing directory receives the file, and
// a relative one is under WORKDIR, as with dockerd.
func TestBuildCopyDestinations(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	tests := []struct {
		name, dockerfile, want string
	}{
		{"dot under workdir", "FROM busybox\nWORKDIR /app\nCOPY hello.txt .\nCMD [\"cat\", \"/app/hello.txt\"]\n", "hi\n"},
		{"dir with slash", "FROM busybox\nCOPY hello.txt /d/\nCMD [\"cat\", \"/d/hello.txt\"]\n", "hi\n"},
		{"existing dir", "FROM busybox\nCOPY hello.txt /tmp\nCMD [\"cat\", \"/tmp/hello.txt\"]\n", "hi\n"},
		{"slash dot", "FROM busybox\nCOPY hello.txt /e/.\nCMD [\"cat\", \"/e/hello.txt\"]\n", "hi\n"},
		{"new file name", "FROM busybox\nCOPY hello.txt /f.txt\nCMD [\"cat\", \"/f.txt\"]\n", "hi\n"},
		{"relative file", "FROM busybox\nWORKDIR /w\nCOPY hello.txt g.txt\nCMD [\"cat\", \"/w/g.txt\"]\n", "hi\n"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, ok := c.buildAndRun("copy"+strconv.Itoa(i)+":t", tt.dockerfile)
			require.True(t, ok, "build failed: %s", out)
			assert.Equal(t, tt.want, out)
		})
	}
}

// TestBuildCopyLabelsAndFailure: a build copies its context, takes ARG,
// LABEL, ENV, WORKDIR and CMD and the labels parameter into the image,
// answers the image id in an aux message, and a failing RUN ends the
// stream with an errorDetail.
func TestBuildCopyLabelsAndFailure(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	body := c.buildStream("t=built:v1&labels="+`{"extra":"1"}`, map[string]string{
		"Dockerfile": "FROM busybox\nARG GREETING=unset\nLABEL stage=test\nCOPY . /ctx/\nENV BUILT=yes\nWORKDIR /ctx\nCMD [\"cat\", \"file.txt\"]\n",
		"file.txt":   "copied\n",
	})
	require.Contains(t, body, `"aux":{"ID":"sha256:`)
	require.Contains(t, body, "Successfully tagged built:v1")
	var im struct {
		Config struct {
			Labels     map[string]string
			WorkingDir string
			Cmd        []string
			Env        []string
		}
	}
	require.NoError(t, json.Unmarshal(c.do("GET", "/images/built:v1/json", nil).body, &im))
	assert.Equal(t, "test", im.Config.Labels["stage"])
	assert.Equal(t, "1", im.Config.Labels["extra"])
	assert.Equal(t, "/ctx", im.Config.WorkingDir)
	assert.Equal(t, []string{"cat", "file.txt"}, im.Config.Cmd)
	assert.Contains(t, im.Config.Env, "BUILT=yes")

	id := c.runWait(map[string]any{"Image": "built:v1"})
	out, _ := readFrames(t, c.do("GET", "/containers/"+id+"/logs?stdout=1", nil).body)
	assert.Equal(t, "copied\n", out, "the built image ran")

	body = c.buildStream("", map[string]string{"Dockerfile": "FROM busybox\nRUN exit 9\n"})
	assert.Contains(t, body, `"errorDetail"`)
	assert.Contains(t, body, "returned a non-zero code: 9")
}
