package endpoints_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// opCase is one request-building case for the network, volume, swarm and
// plugin services: call runs against a fake daemon pinned to version.
type opCase struct {
	name    string
	version string // "1.41" by default
	call    func(ctx context.Context, w *wire.Client) error
	method  string
	path    string
	query   url.Values
	header  map[string]string // header → exact value
	body    []string          // substrings of the request body
	reply   any               // the JSON answer; nil: the fake's default
}

func runOpCases(t *testing.T, cases []opCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, w := newFake(t, tc.version)
			if tc.reply != nil {
				f.on(tc.method+" "+tc.path, onJSON(200, tc.reply))
			}
			require.NoError(t, tc.call(t.Context(), w), "call")
			reqs := f.requests()
			require.NotEmpty(t, reqs, "no request sent")
			got := reqs[len(reqs)-1]
			assert.Equal(t, tc.method, got.Method)
			assert.Equal(t, tc.path, got.Path)
			want := tc.query
			if want == nil {
				want = url.Values{}
			}
			assert.Equal(t, want, url.Values(got.Query), "query")
			for k, v := range tc.header {
				assert.Equal(t, v, got.Header.Get(k), "header %s", k)
			}
			for _, sub := range tc.body {
				assert.Contains(t, string(got.Body), sub, "body")
			}
		})
	}
}

// badCase is a call refused before any I/O.
type badCase struct {
	name    string
	version string
	call    func(ctx context.Context, w *wire.Client) error
	// version: want a *wire.VersionError; else an *ArgError.
	wantVersion bool
}

func runBadCases(t *testing.T, cases []badCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, w := newFake(t, tc.version)
			err := tc.call(t.Context(), w)
			require.Error(t, err)
			if tc.wantVersion {
				var ve *wire.VersionError
				require.ErrorAs(t, err, &ve)
			} else {
				var ae *endpoints.ArgError
				require.ErrorAs(t, err, &ae)
				require.ErrorIs(t, err, wire.ErrInvalidArgument)
			}
			assert.Regexp(t, "^(endpoints|wire): ", err.Error(), "its package prefix")
			assert.Empty(t, f.requests(), "requests sent")
		})
	}
}

func boolp(b bool) *bool { return &b }

func TestNetworkRequests(t *testing.T) {
	runOpCases(t, []opCase{
		{name: "create", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewNetworks(w).Create(ctx, endpoints.NetworkCreateOptions{
				Name: "n1", Driver: "bridge", Internal: true, Attachable: true, EnableIPv6: boolp(false),
				Options: map[string]string{"com.docker.network.bridge.name": "dw0"}, Labels: map[string]string{"a": "b"},
				IPAM: &endpoints.IPAM{Driver: "default", Config: []endpoints.IPAMPool{{Subnet: "10.231.0.0/24", IPRange: "10.231.0.128/25", Gateway: "10.231.0.1",
					AuxiliaryAddresses: map[string]string{"host": "10.231.0.2"}}}},
				CheckDuplicate: true,
			})
			return err
		}, method: "POST", path: "/networks/create", body: []string{`"Name":"n1"`, `"Driver":"bridge"`, `"Internal":true`, `"Attachable":true`,
			`"EnableIPv6":false`, `"Subnet":"10.231.0.0/24"`, `"IPRange":"10.231.0.128/25"`, `"Gateway":"10.231.0.1"`,
			`"AuxiliaryAddresses":{"host":"10.231.0.2"}`, `"CheckDuplicate":true`, `"Labels":{"a":"b"}`}},
		{name: "create-ipv4", version: "1.48", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewNetworks(w).Create(ctx, endpoints.NetworkCreateOptions{Name: "n6", EnableIPv4: boolp(false), EnableIPv6: boolp(true)})
			return err
		}, method: "POST", path: "/networks/create", body: []string{`"EnableIPv4":false`, `"EnableIPv6":true`}},
		{name: "list", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewNetworks(w).List(ctx, endpoints.NetworkListOptions{Filters: wire.Filters{"label": {"a=b"}}})
			return err
		}, method: "GET", path: "/networks", reply: []any{}, query: url.Values{"filters": {`{"label":{"a=b":true}}`}}},
		{name: "inspect", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewNetworks(w).Inspect(ctx, "n1", endpoints.NetworkInspectOptions{Verbose: true, Scope: "swarm"})
			return err
		}, method: "GET", path: "/networks/n1", query: url.Values{"verbose": {"1"}, "scope": {"swarm"}}},
		{name: "delete", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewNetworks(w).Delete(ctx, "n1", endpoints.NetworkDeleteOptions{})
			return err
		}, method: "DELETE", path: "/networks/n1"},
		{name: "connect", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewNetworks(w).Connect(ctx, "n1", endpoints.NetworkConnectOptions{Container: "c1", EndpointConfig: &endpoints.EndpointSettings{
				Aliases: []string{"web"}, Links: []string{"db:db"}, DriverOpts: map[string]string{"k": "v"},
				IPAMConfig: &endpoints.EndpointIPAMConfig{IPv4Address: "10.231.0.10", IPv6Address: "fd00::10", LinkLocalIPs: []string{"169.254.1.1"}}}})
			return err
		}, method: "POST", path: "/networks/n1/connect", body: []string{`"Container":"c1"`, `"Aliases":["web"]`, `"Links":["db:db"]`,
			`"IPv4Address":"10.231.0.10"`, `"IPv6Address":"fd00::10"`, `"LinkLocalIPs":["169.254.1.1"]`, `"DriverOpts":{"k":"v"}`}},
		{name: "disconnect", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewNetworks(w).Disconnect(ctx, "n1", endpoints.NetworkDisconnectOptions{Container: "c1", Force: true})
			return err
		}, method: "POST", path: "/networks/n1/disconnect", body: []string{`"Container":"c1"`, `"Force":true`}},
		{name: "prune", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewNetworks(w).Prune(ctx, endpoints.NetworkPruneOptions{Filters: wire.Filters{"label": {"run=1"}}})
			return err
		}, method: "POST", path: "/networks/prune", query: url.Values{"filters": {`{"label":{"run=1":true}}`}}},
	})
}

func TestVolumeRequests(t *testing.T) {
	runOpCases(t, []opCase{
		{name: "create", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewVolumes(w).Create(ctx, endpoints.VolumeCreateOptions{Name: "v1", Driver: "local",
				DriverOpts: map[string]string{"type": "tmpfs"}, Labels: map[string]string{"a": "b"}})
			return err
		}, method: "POST", path: "/volumes/create", body: []string{`"Name":"v1"`, `"Driver":"local"`, `"DriverOpts":{"type":"tmpfs"}`, `"Labels":{"a":"b"}`}},
		{name: "create-cluster", version: "1.42", call: func(ctx context.Context, w *wire.Client) error {
			spec := &endpoints.ClusterVolumeSpec{Group: "g"}
			_, err := endpoints.NewVolumes(w).Create(ctx, endpoints.VolumeCreateOptions{Name: "cv", Driver: "csi", ClusterVolumeSpec: spec})
			return err
		}, method: "POST", path: "/volumes/create", body: []string{`"ClusterVolumeSpec":{"Group":"g"}`}},
		{name: "list", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewVolumes(w).List(ctx, endpoints.VolumeListOptions{Filters: wire.Filters{"dangling": {"true"}}})
			return err
		}, method: "GET", path: "/volumes", query: url.Values{"filters": {`{"dangling":{"true":true}}`}}},
		{name: "inspect", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewVolumes(w).Inspect(ctx, "v1", endpoints.VolumeInspectOptions{})
			return err
		}, method: "GET", path: "/volumes/v1"},
		{name: "update", version: "1.42", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewVolumes(w).Update(ctx, "cv", endpoints.VolumeUpdateOptions{Version: endpoints.ObjectVersion{Index: 12}, Spec: endpoints.ClusterVolumeSpec{Group: "g"}})
			return err
		}, method: "PUT", path: "/volumes/cv", query: url.Values{"version": {"12"}}, body: []string{`{"Spec":{"Group":"g"}}`}},
		{name: "delete", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewVolumes(w).Delete(ctx, "v1", endpoints.VolumeDeleteOptions{Force: true})
			return err
		}, method: "DELETE", path: "/volumes/v1", query: url.Values{"force": {"1"}}},
		{name: "prune-141", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewVolumes(w).Prune(ctx, endpoints.VolumePruneOptions{Filters: wire.Filters{"label": {"r=1"}}})
			return err
		}, method: "POST", path: "/volumes/prune", query: url.Values{"filters": {`{"label":{"r=1":true}}`}}},
		// Every unused volume on every version: from 1.42 that takes all=true.
		{name: "prune-142", version: "1.42", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewVolumes(w).Prune(ctx, endpoints.VolumePruneOptions{Filters: wire.Filters{"label": {"r=1"}}})
			return err
		}, method: "POST", path: "/volumes/prune", query: url.Values{"filters": {`{"all":{"true":true},"label":{"r=1":true}}`}}},
		{name: "prune-anonymous-only", version: "1.42", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewVolumes(w).Prune(ctx, endpoints.VolumePruneOptions{AnonymousOnly: true, Filters: wire.Filters{"label": {"r=1"}}})
			return err
		}, method: "POST", path: "/volumes/prune", query: url.Values{"filters": {`{"label":{"r=1":true}}`}}},
		{name: "prune-own-all-filter", version: "1.42", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewVolumes(w).Prune(ctx, endpoints.VolumePruneOptions{Filters: wire.Filters{"all": {"false"}}})
			return err
		}, method: "POST", path: "/volumes/prune", query: url.Values{"filters": {`{"all":{"false":true}}`}}},
	})
}

func TestNetworkVolumeBadInput(t *testing.T) {
	runBadCases(t, []badCase{
		{name: "create-no-name", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewNetworks(w).Create(ctx, endpoints.NetworkCreateOptions{})
			return err
		}},
		{name: "create-bad-subnet", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewNetworks(w).Create(ctx, endpoints.NetworkCreateOptions{Name: "n", IPAM: &endpoints.IPAM{Config: []endpoints.IPAMPool{{Subnet: "10.231.0.0"}}}})
			return err
		}},
		{name: "create-bad-gateway", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewNetworks(w).Create(ctx, endpoints.NetworkCreateOptions{Name: "n", IPAM: &endpoints.IPAM{Config: []endpoints.IPAMPool{{Subnet: "10.0.0.0/8", Gateway: "10.0.0.0/8"}}}})
			return err
		}},
		{name: "create-range-without-subnet", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewNetworks(w).Create(ctx, endpoints.NetworkCreateOptions{Name: "n", IPAM: &endpoints.IPAM{Config: []endpoints.IPAMPool{{IPRange: "10.0.0.0/9"}}}})
			return err
		}},
		{name: "create-ipv4-1.47", version: "1.47", wantVersion: true, call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewNetworks(w).Create(ctx, endpoints.NetworkCreateOptions{Name: "n", EnableIPv4: boolp(true)})
			return err
		}},
		{name: "inspect-empty", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewNetworks(w).Inspect(ctx, " ", endpoints.NetworkInspectOptions{})
			return err
		}},
		{name: "inspect-bad-scope", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewNetworks(w).Inspect(ctx, "n", endpoints.NetworkInspectOptions{Scope: "planet"})
			return err
		}},
		{name: "connect-no-container", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewNetworks(w).Connect(ctx, "n", endpoints.NetworkConnectOptions{})
			return err
		}},
		{name: "connect-bad-ip", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewNetworks(w).Connect(ctx, "n", endpoints.NetworkConnectOptions{Container: "c",
				EndpointConfig: &endpoints.EndpointSettings{IPAMConfig: &endpoints.EndpointIPAMConfig{IPv4Address: "10.231.0.300"}}})
			return err
		}},
		{name: "connect-gwpriority-1.47", version: "1.47", wantVersion: true, call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewNetworks(w).Connect(ctx, "n", endpoints.NetworkConnectOptions{Container: "c", EndpointConfig: &endpoints.EndpointSettings{GwPriority: 1}})
			return err
		}},
		{name: "disconnect-no-container", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewNetworks(w).Disconnect(ctx, "n", endpoints.NetworkDisconnectOptions{})
			return err
		}},
		{name: "delete-slash", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewNetworks(w).Delete(ctx, "a\nb", endpoints.NetworkDeleteOptions{})
			return err
		}},
		{name: "volume-cluster-1.41", wantVersion: true, call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewVolumes(w).Create(ctx, endpoints.VolumeCreateOptions{ClusterVolumeSpec: &endpoints.ClusterVolumeSpec{}})
			return err
		}},
		{name: "volume-update-1.41", wantVersion: true, call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewVolumes(w).Update(ctx, "v", endpoints.VolumeUpdateOptions{})
			return err
		}},
		{name: "volume-prune-anonymous-1.41", wantVersion: true, call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewVolumes(w).Prune(ctx, endpoints.VolumePruneOptions{AnonymousOnly: true})
			return err
		}},
		{name: "volume-prune-anonymous-and-all", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewVolumes(w).Prune(ctx, endpoints.VolumePruneOptions{AnonymousOnly: true, Filters: wire.Filters{"all": {"1"}}})
			return err
		}},
		{name: "volume-prune-all-filter-1.41", wantVersion: true, call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewVolumes(w).Prune(ctx, endpoints.VolumePruneOptions{Filters: wire.Filters{"all": {"1"}}})
			return err
		}},
		{name: "volume-inspect-empty", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewVolumes(w).Inspect(ctx, "", endpoints.VolumeInspectOptions{})
			return err
		}},
	})
}

// TestNetworkVolumeDecode decodes realistic daemon answers and maps the
// daemon's errors.
func TestNetworkVolumeDecode(t *testing.T) {
	f, w := newFake(t, "1.41")
	f.on("GET /networks/n1", func(rw http.ResponseWriter, r *http.Request, _ []byte) {
		rw.Header().Set("Content-Type", "application/json")
		rw.Write([]byte(`{"Name":"n1","Id":"7d86","Created":"2026-01-01T00:00:00Z","Scope":"local","Driver":"bridge","EnableIPv6":false,
"IPAM":{"Driver":"default","Options":null,"Config":[{"Subnet":"10.231.0.0/24","Gateway":"10.231.0.1"}]},"Internal":false,"Attachable":false,
"Ingress":false,"ConfigFrom":{"Network":""},"ConfigOnly":false,"Containers":{"c0ffee":{"Name":"web","EndpointID":"e1","MacAddress":"02:42:0a:e7:00:0a",
"IPv4Address":"10.231.0.10/24","IPv6Address":""}},"Options":{},"Labels":{"a":"b"},"Future":{"x":1}}`))
	})
	f.on("GET /volumes", onJSON(200, map[string]any{"Volumes": []any{map[string]any{"Name": "v1", "Driver": "local", "Mountpoint": "/var/lib/docker/volumes/v1/_data",
		"CreatedAt": "2026-01-01T00:00:00Z", "Labels": map[string]string{"a": "b"}, "Scope": "local", "Options": nil}}, "Warnings": nil}))
	f.on("POST /volumes/prune", onJSON(200, map[string]any{"VolumesDeleted": []string{"v1", "v2"}, "SpaceReclaimed": 4096}))
	f.on("DELETE /networks/gone", onJSON(404, map[string]string{"message": "network gone not found"}))
	f.on("DELETE /volumes/busy", onJSON(409, map[string]string{"message": "remove busy: volume is in use"}))
	ctx := t.Context()
	n, err := endpoints.NewNetworks(w).Inspect(ctx, "n1", endpoints.NetworkInspectOptions{})
	require.NoError(t, err)
	assert.Equal(t, "7d86", n.ID)
	if assert.NotEmpty(t, n.IPAM.Config) {
		assert.Equal(t, "10.231.0.0/24", n.IPAM.Config[0].Subnet)
	}
	assert.Equal(t, "10.231.0.10/24", n.Containers["c0ffee"].IPv4Address)
	assert.Equal(t, "b", n.Labels["a"])
	vl, err := endpoints.NewVolumes(w).List(ctx, endpoints.VolumeListOptions{})
	require.NoError(t, err)
	require.Len(t, vl.Items, 1, "volumes")
	assert.Equal(t, "v1", vl.Items[0].Name)
	assert.Equal(t, "b", vl.Items[0].Labels["a"])
	assert.NotEmpty(t, vl.Items[0].Mountpoint)
	pr, err := endpoints.NewVolumes(w).Prune(ctx, endpoints.VolumePruneOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{"v1", "v2"}, pr.VolumesDeleted)
	assert.EqualValues(t, 4096, pr.SpaceReclaimed)
	_, err = endpoints.NewNetworks(w).Delete(ctx, "gone", endpoints.NetworkDeleteOptions{})
	assert.ErrorIs(t, err, wire.ErrNotFound, "delete gone")
	_, err = endpoints.NewVolumes(w).Delete(ctx, "busy", endpoints.VolumeDeleteOptions{})
	assert.ErrorIs(t, err, wire.ErrConflict, "delete busy")
	var werr *wire.Error
	if assert.ErrorAs(t, err, &werr, "delete busy") {
		assert.Contains(t, werr.Message, "in use", "the daemon's message")
	}
}

// BenchmarkNetworkList lists 100 networks from a fake daemon: request,
// response and permissive decoding.
func BenchmarkNetworkList(b *testing.B) {
	f, w := newFake(b, "1.41")
	nets := make([]map[string]any, 100)
	for i := range nets {
		nets[i] = map[string]any{"Name": "net" + strings.Repeat("x", i%7), "Id": strings.Repeat("ab", 32), "Created": "2026-01-01T00:00:00Z",
			"Scope": "local", "Driver": "bridge", "IPAM": map[string]any{"Driver": "default", "Config": []any{map[string]string{"Subnet": "10.231.0.0/24", "Gateway": "10.231.0.1"}}},
			"Options": map[string]string{"com.docker.network.bridge.name": "br0"}, "Labels": map[string]string{"a": "b"}}
	}
	body, _ := json.Marshal(nets)
	f.on("GET /networks", func(rw http.ResponseWriter, r *http.Request, _ []byte) {
		rw.Header().Set("Content-Type", "application/json")
		rw.Write(body)
	})
	ns := endpoints.NewNetworks(w)
	ctx := b.Context()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		got, err := ns.List(ctx, endpoints.NetworkListOptions{})
		if err != nil || len(got.Items) != 100 {
			b.Fatal(len(got.Items), err)
		}
	}
}
