package mockdaemon_test

import (
	"archive/tar"
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestPluginPushPullOfARegistryWithPort: a plugin named on a registry
// with a port is pushed and pulled under its repository, the port kept in
// the name (the push named the repository [127.0.0.1] and the tag
// "5998/dwplug/p:latest", the pull came from "127.0.0.1").
func TestPluginPushPullOfARegistryWithPort(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{Registries: map[string]mockdaemon.Credentials{"127.0.0.1:5998": {}}})
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for name, body := range map[string]string{
		"config.json": `{"description":"d","documentation":"x","entrypoint":["/p"],"interface":{"types":["docker.dummy/1.0"],"socket":"p.sock"},"network":{"type":"host"}}`,
		"rootfs/f":    "x",
	} {
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body))}))
		_, err := tw.Write([]byte(body))
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	const name = "127.0.0.1:5998/dwplug/p:latest"
	r := c.sendTar("POST", "/v1.41/plugins/create?name="+name, buf.Bytes())
	require.Equal(t, 204, r.status, "%s", r.body)
	r = c.do("POST", "/v1.41/plugins/"+name+"/push", nil)
	require.Equal(t, 200, r.status, "%s", r.body)
	assert.Contains(t, string(r.body), `"The push refers to repository [127.0.0.1:5998/dwplug/p]"`)
	assert.NotContains(t, string(r.body), "5998/dwplug/p:latest:")
	r = c.do("DELETE", "/v1.41/plugins/"+name+"?force=1", nil)
	require.Equal(t, 200, r.status, "%s", r.body)
	r = c.do("POST", "/v1.41/plugins/pull?remote="+name, []any{})
	require.Equal(t, 200, r.status, "%s", r.body)
	assert.Contains(t, string(r.body), `{"id":"latest","status":"Pulling from 127.0.0.1:5998/dwplug/p"}`)
}
