package endpoints_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/endpoints"
)

// TestCreateMovesMacAddress: from API 1.44 the container-wide
// Config.MacAddress is deprecated, and from 1.52 refused; Create moves it
// to the endpoint settings of the container's network, as the docker CLI
// does, and keeps it where it was on older daemons (issue 14).
func TestCreateMovesMacAddress(t *testing.T) {
	const mac = "02:42:ac:11:00:09"
	type body struct {
		MacAddress       string
		NetworkingConfig *struct {
			EndpointsConfig map[string]*struct {
				MacAddress string
				Aliases    []string
			}
		}
	}
	cases := []struct {
		name, version string
		hc            *endpoints.HostConfig
		nc            *endpoints.NetworkingConfig
		wantTop       string            // Config.MacAddress sent
		wantEndpoints map[string]string // network -> MacAddress sent
		wantAliases   []string          // of the network that got the address
	}{
		{name: "1.41 keeps it", version: "1.41", wantTop: mac},
		{name: "1.43 keeps it", version: "1.43", wantTop: mac},
		{name: "1.44 default network", version: "1.44", wantEndpoints: map[string]string{"bridge": mac}},
		{name: "1.52 default network", version: "1.52", wantEndpoints: map[string]string{"bridge": mac}},
		{name: "1.52 network mode default", version: "1.52", hc: &endpoints.HostConfig{NetworkMode: "default"}, wantEndpoints: map[string]string{"bridge": mac}},
		{name: "1.52 user network", version: "1.52", hc: &endpoints.HostConfig{NetworkMode: "net1"}, wantEndpoints: map[string]string{"net1": mac}},
		{name: "1.52 existing endpoint keeps its settings", version: "1.52", hc: &endpoints.HostConfig{NetworkMode: "net1"},
			nc:            &endpoints.NetworkingConfig{EndpointsConfig: map[string]*endpoints.EndpointSettings{"net1": {Aliases: []string{"web"}}}},
			wantEndpoints: map[string]string{"net1": mac}, wantAliases: []string{"web"}},
		{name: "1.52 same address on the endpoint", version: "1.52", hc: &endpoints.HostConfig{NetworkMode: "net1"},
			nc:            &endpoints.NetworkingConfig{EndpointsConfig: map[string]*endpoints.EndpointSettings{"net1": {MacAddress: mac}}},
			wantEndpoints: map[string]string{"net1": mac}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, c := newFakeClient(t, tc.version)
			var ncBefore []byte
			if tc.nc != nil {
				ncBefore, _ = json.Marshal(tc.nc)
			}
			_, err := c.Containers.Create(t.Context(), endpoints.ContainerCreateOptions{
				Config: endpoints.ContainerConfig{Image: "busybox", MacAddress: mac}, HostConfig: tc.hc, NetworkingConfig: tc.nc})
			require.NoError(t, err)
			reqs := f.requests()
			require.Len(t, reqs, 1)
			var b body
			require.NoError(t, json.Unmarshal(reqs[0].Body, &b))
			assert.Equal(t, tc.wantTop, b.MacAddress)
			got := map[string]string{}
			if b.NetworkingConfig != nil {
				for n, es := range b.NetworkingConfig.EndpointsConfig {
					got[n] = es.MacAddress
					if tc.wantAliases != nil {
						assert.Equal(t, tc.wantAliases, es.Aliases)
					}
				}
			}
			if tc.wantEndpoints == nil {
				assert.Empty(t, got)
			} else {
				assert.Equal(t, tc.wantEndpoints, got)
			}
			if tc.nc != nil {
				ncAfter, _ := json.Marshal(tc.nc)
				assert.JSONEq(t, string(ncBefore), string(ncAfter), "the caller's NetworkingConfig was changed")
			}
		})
	}
	refused := []struct {
		name string
		hc   *endpoints.HostConfig
		nc   *endpoints.NetworkingConfig
	}{
		{"host network", &endpoints.HostConfig{NetworkMode: "host"}, nil},
		{"no network", &endpoints.HostConfig{NetworkMode: "none"}, nil},
		{"another container's network", &endpoints.HostConfig{NetworkMode: "container:db"}, nil},
		{"another address on the endpoint", nil, &endpoints.NetworkingConfig{EndpointsConfig: map[string]*endpoints.EndpointSettings{"bridge": {MacAddress: "02:42:ac:11:00:0a"}}}},
	}
	for _, tc := range refused {
		t.Run("refused/"+tc.name, func(t *testing.T) {
			f, c := newFakeClient(t, "1.52")
			_, err := c.Containers.Create(t.Context(), endpoints.ContainerCreateOptions{
				Config: endpoints.ContainerConfig{Image: "busybox", MacAddress: mac}, HostConfig: tc.hc, NetworkingConfig: tc.nc})
			var ae *endpoints.ArgError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, "Config.MacAddress", ae.Field)
			assert.Empty(t, f.requests())
		})
	}
}
