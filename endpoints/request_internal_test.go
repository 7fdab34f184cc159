package endpoints

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/wire"
)

func TestNewRequest(t *testing.T) {
	cases := []struct {
		id     string
		args   []string
		method string
		path   string
		min    wire.Version
	}{
		{"ContainerList", nil, "GET", "/containers/json", wire.Version{}},
		{"ContainerStop", []string{"abc"}, "POST", "/containers/abc/stop", wire.Version{}},
		{"ContainerStop", []string{"/web"}, "POST", "/containers/web/stop", wire.Version{}},
		{"ContainerDelete", []string{"/web/db"}, "DELETE", "/containers/web%2Fdb", wire.Version{}},
		{"ImageInspect", []string{"127.0.0.1:5000/a/b:t"}, "GET", "/images/127.0.0.1:5000%2Fa%2Fb:t/json", wire.Version{}},
		{"ImageInspect", []string{"/busybox"}, "GET", "/images/%2Fbusybox/json", wire.Version{}},
		{"SecretInspect", []string{"s1"}, "GET", "/secrets/s1", wire.Version{Major: 1, Minor: 25}},
		{"PluginUpgrade", []string{"vieux/sshfs:latest"}, "POST", "/plugins/vieux%2Fsshfs:latest/upgrade", wire.Version{Major: 1, Minor: 26}},
	}
	for _, tc := range cases {
		r, err := newRequest(tc.id, tc.args...)
		require.NoError(t, err, tc.id)
		assert.Equal(t, tc.method, r.Method, tc.id)
		assert.Equal(t, tc.path, r.Path, tc.id)
		assert.Equal(t, tc.id, r.Op)
		assert.Equal(t, tc.min, r.MinVersion, tc.id)
		assert.Equal(t, url.Values{}, r.Query)
	}
	for _, bad := range [][]string{{""}, {"/"}, {".."}, {"a\nb"}} {
		_, err := newRequest("ContainerInspect", bad...)
		var ae *ArgError
		require.ErrorAs(t, err, &ae, "%q", bad)
		assert.Equal(t, "id", ae.Field)
		assert.ErrorIs(t, err, wire.ErrInvalidArgument)
	}
	_, err := newRequest("ContainerInspect")
	assert.Error(t, err, "missing argument")
	_, err = newRequest("NoSuchOperation")
	assert.Error(t, err)
}

func TestNeed(t *testing.T) {
	r, err := newRequest("ContainerStop", "x")
	require.NoError(t, err)
	need(r, "Signal", 42)
	assert.Equal(t, []wire.Requirement{{What: "ContainerStop: Signal", Version: wire.Version{Major: 1, Minor: 42}}}, r.Requires)
}
