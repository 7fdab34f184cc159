package dockwire_test

import (
	"net/http"
	"path/filepath"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/dial"
	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/internal/testnet"
	"github.com/dockwire/dockwire/wire"
)

// TestFromEnvAPIVersion: DOCKER_API_VERSION pins Options.APIVersion, read
// by dockwire.FromEnv (dial.Config is the transport only).
func TestFromEnvAPIVersion(t *testing.T) {
	for _, tc := range []struct {
		env  string
		want wire.Version
		bad  bool
	}{
		{env: "", want: wire.Version{}},
		{env: "1.41", want: wire.Version{Major: 1, Minor: 41}},
		{env: "v1.44", want: wire.Version{Major: 1, Minor: 44}},
		{env: "latest", bad: true},
		{env: "1.041", bad: true},
		{env: "1", bad: true},
		{env: "1.20", bad: true}, // older than the client speaks
	} {
		t.Run(tc.env, func(t *testing.T) {
			dir := t.TempDir()
			t.Setenv("DOCKER_HOST", "unix://"+filepath.Join(dir, "docker.sock"))
			t.Setenv("DOCKER_CONFIG", dir)
			t.Setenv("DOCKER_CONTEXT", "")
			t.Setenv("DOCKER_API_VERSION", tc.env)
			cli, err := dockwire.FromEnv()
			if tc.bad {
				require.Error(t, err)
				assert.ErrorIs(t, err, wire.ErrInvalidArgument)
				return
			}
			require.NoError(t, err)
			defer cli.Close()
			if tc.want.IsZero() {
				return // negotiation would dial the missing socket
			}
			v, err := cli.APIVersion(t.Context())
			require.NoError(t, err, "a pinned version needs no I/O")
			assert.Equal(t, tc.want, v)
		})
	}
}

// TestOptionsReachTheWire: the client's options are the ones its requests
// go out with.
func TestOptionsReachTheWire(t *testing.T) {
	var ua, path atomic.Value
	d := testnet.UnixHTTP(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ua.Store(r.Header.Get("User-Agent"))
		path.Store(r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"Version":"28.2.2","ApiVersion":"1.41"}`))
	}))
	cli, err := dockwire.New(dial.Config{Dial: d}, &dockwire.Options{APIVersion: wire.Version{Major: 1, Minor: 43}, UserAgent: "probe/1"})
	require.NoError(t, err)
	defer cli.Close()
	v, err := cli.System.Version(t.Context(), endpoints.SystemVersionOptions{})
	require.NoError(t, err)
	assert.Equal(t, "28.2.2", v.Version)
	assert.Equal(t, "probe/1", ua.Load())
	assert.Equal(t, "/v1.43/version", path.Load(), "the pinned version prefixes the path, with no negotiation")

	cli2, err := dockwire.New(dial.Config{Dial: d}, nil)
	require.NoError(t, err)
	defer cli2.Close()
	_, err = cli2.System.Version(t.Context(), endpoints.SystemVersionOptions{})
	require.NoError(t, err)
	assert.Equal(t, "dockwire/"+dockwire.Version, ua.Load())
}

// TestNewMakesEveryService: New fills every service of the Client (the
// one way to reach them: endpoints exports no constructor).
func TestNewMakesEveryService(t *testing.T) {
	cli, err := dockwire.New(dial.Config{Host: "unix:///nonexistent.sock"}, nil)
	require.NoError(t, err)
	defer cli.Close()
	v := reflect.ValueOf(cli).Elem()
	services := 0
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		services++
		assert.False(t, v.Field(i).IsNil(), "Client.%s is nil", f.Name)
	}
	assert.Equal(t, 15, services)
}
