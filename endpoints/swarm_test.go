package endpoints_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/internal/leakcheck"
	"github.com/dockwire/dockwire/mux"
	"github.com/dockwire/dockwire/wire"
)

func u64(n uint64) *uint64 { return &n }

// busyboxService is a small valid service spec.
func busyboxService() endpoints.ServiceSpec {
	grace := 2 * time.Second
	return endpoints.ServiceSpec{
		Name:   "svc",
		Labels: map[string]string{"a": "b"},
		TaskTemplate: endpoints.TaskSpec{
			ContainerSpec: &endpoints.ContainerSpec{Image: "sha256:abc", Command: []string{"sleep", "60"}, StopGracePeriod: &grace,
				Secrets: []endpoints.SecretReference{{SecretID: "s1", SecretName: "sec", File: &endpoints.FileTarget{Name: "sec", UID: "0", GID: "0", Mode: 0o444}}},
				Configs: []endpoints.ServiceConfigReference{{ConfigID: "c1", ConfigName: "cfg", File: &endpoints.FileTarget{Name: "/cfg", Mode: 0o444}}}},
			RestartPolicy: &endpoints.TaskRestartPolicy{Condition: "none"},
		},
		Mode:         endpoints.Replicated(2),
		UpdateConfig: &endpoints.UpdateConfig{Parallelism: 1, FailureAction: "rollback", Order: "start-first", Delay: time.Second},
		EndpointSpec: &endpoints.EndpointSpec{Mode: "vip", Ports: []endpoints.EndpointPortConfig{{Protocol: "tcp", TargetPort: 80, PublishedPort: 8080}}},
	}
}

func TestSwarmRequests(t *testing.T) {
	auth, _ := wire.EncodeAuth(&endpoints.AuthConfig{Username: "u", Password: "p", ServerAddress: "127.0.0.1:5000"})
	runOpCases(t, []opCase{
		{name: "swarm-init", version: "1.40", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewSwarm(w).Init(ctx, endpoints.SwarmInitOptions{ListenAddr: "127.0.0.1:4567", AdvertiseAddr: "127.0.0.1",
				DataPathPort: 4790, DefaultAddrPool: []string{"10.232.0.0/16"}, SubnetSize: 24, ForceNewCluster: true, Spec: endpoints.SwarmSpec{Name: "default"}})
			return err
		}, method: "POST", path: "/swarm/init", reply: "nodeid", body: []string{`"ListenAddr":"127.0.0.1:4567"`, `"AdvertiseAddr":"127.0.0.1"`, `"DataPathPort":4790`,
			`"DefaultAddrPool":["10.232.0.0/16"]`, `"SubnetSize":24`, `"ForceNewCluster":true`, `"Spec":{"Name":"default"}`}},
		{name: "swarm-join", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewSwarm(w).Join(ctx, endpoints.SwarmJoinOptions{RemoteAddrs: []string{"127.0.0.1:2377"}, JoinToken: "SWMTKN-1-x"})
			return err
		}, method: "POST", path: "/swarm/join", body: []string{`"ListenAddr":"0.0.0.0:2377"`, `"RemoteAddrs":["127.0.0.1:2377"]`, `"JoinToken":"SWMTKN-1-x"`}},
		{name: "swarm-leave", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewSwarm(w).Leave(ctx, endpoints.SwarmLeaveOptions{Force: true})
			return err
		}, method: "POST", path: "/swarm/leave", query: url.Values{"force": {"1"}}},
		{name: "swarm-update", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewSwarm(w).Update(ctx, endpoints.SwarmUpdateOptions{Version: endpoints.ObjectVersion{Index: 9}, Spec: endpoints.SwarmSpec{Name: "default", Labels: map[string]string{"x": "y"}},
				RotateWorkerToken: true, RotateManagerToken: true, RotateManagerUnlockKey: true})
			return err
		}, method: "POST", path: "/swarm/update", query: url.Values{"version": {"9"}, "rotateWorkerToken": {"true"}, "rotateManagerToken": {"true"}, "rotateManagerUnlockKey": {"true"}},
			body: []string{`"Name":"default"`, `"Labels":{"x":"y"}`}},
		{name: "swarm-inspect", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewSwarm(w).Inspect(ctx, endpoints.SwarmInspectOptions{})
			return err
		}, method: "GET", path: "/swarm"},
		{name: "swarm-unlockkey", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewSwarm(w).UnlockKey(ctx, endpoints.SwarmUnlockKeyOptions{})
			return err
		}, method: "GET", path: "/swarm/unlockkey"},
		{name: "swarm-unlock", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewSwarm(w).Unlock(ctx, endpoints.SwarmUnlockOptions{UnlockKey: "SWMKEY-1-k"})
			return err
		}, method: "POST", path: "/swarm/unlock", body: []string{`{"UnlockKey":"SWMKEY-1-k"}`}},
		{name: "node-list", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewNodes(w).List(ctx, endpoints.NodeListOptions{Filters: wire.Filters{"role": {"manager"}}})
			return err
		}, method: "GET", path: "/nodes", reply: []any{}, query: url.Values{"filters": {`{"role":{"manager":true}}`}}},
		{name: "node-inspect", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewNodes(w).Inspect(ctx, "n1", endpoints.NodeInspectOptions{})
			return err
		}, method: "GET", path: "/nodes/n1"},
		{name: "node-delete", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewNodes(w).Delete(ctx, "n1", endpoints.NodeDeleteOptions{Force: true})
			return err
		}, method: "DELETE", path: "/nodes/n1", query: url.Values{"force": {"1"}}},
		{name: "node-update", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewNodes(w).Update(ctx, "n1", endpoints.NodeUpdateOptions{Version: endpoints.ObjectVersion{Index: 3},
				Spec: endpoints.NodeSpec{Role: "manager", Availability: "drain", Labels: map[string]string{"z": "1"}}})
			return err
		}, method: "POST", path: "/nodes/n1/update", query: url.Values{"version": {"3"}}, body: []string{`"Role":"manager"`, `"Availability":"drain"`, `"Labels":{"z":"1"}`}},
		{name: "service-create", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewServices(w).Create(ctx, endpoints.ServiceCreateOptions{Spec: busyboxService(), Auth: &endpoints.AuthConfig{Username: "u", Password: "p", ServerAddress: "127.0.0.1:5000"}})
			return err
		}, method: "POST", path: "/services/create", header: map[string]string{"X-Registry-Auth": auth},
			body: []string{`"Name":"svc"`, `"Image":"sha256:abc"`, `"Command":["sleep","60"]`, `"StopGracePeriod":2000000000`, `"Mode":{"Replicated":{"Replicas":2}}`,
				`"SecretID":"s1"`, `"Mode":292`, `"ConfigName":"cfg"`, `"Condition":"none"`, `"FailureAction":"rollback"`, `"Order":"start-first"`, `"Delay":1000000000`,
				`"PublishedPort":8080`}},
		{name: "service-list", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewServices(w).List(ctx, endpoints.ServiceListOptions{Status: true, Filters: wire.Filters{"name": {"svc"}}})
			return err
		}, method: "GET", path: "/services", reply: []any{}, query: url.Values{"status": {"true"}, "filters": {`{"name":{"svc":true}}`}}},
		{name: "service-inspect", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewServices(w).Inspect(ctx, "svc", endpoints.ServiceInspectOptions{InsertDefaults: true})
			return err
		}, method: "GET", path: "/services/svc", query: url.Values{"insertDefaults": {"true"}}},
		{name: "service-update", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewServices(w).Update(ctx, "svc", endpoints.ServiceUpdateOptions{Version: endpoints.ObjectVersion{Index: 11}, Spec: busyboxService(), RegistryAuthFrom: "previous-spec"})
			return err
		}, method: "POST", path: "/services/svc/update", query: url.Values{"version": {"11"}, "registryAuthFrom": {"previous-spec"}}, body: []string{`"Image":"sha256:abc"`}},
		{name: "service-rollback", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewServices(w).Update(ctx, "svc", endpoints.ServiceUpdateOptions{Version: endpoints.ObjectVersion{Index: 12}, Rollback: true})
			return err
		}, method: "POST", path: "/services/svc/update", query: url.Values{"version": {"12"}, "rollback": {"previous"}}},
		{name: "service-delete", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewServices(w).Delete(ctx, "svc", endpoints.ServiceDeleteOptions{})
			return err
		}, method: "DELETE", path: "/services/svc"},
		{name: "service-logs", version: "1.42", call: func(ctx context.Context, w *wire.Client) error {
			l, err := endpoints.NewServices(w).Logs(ctx, "svc", endpoints.ServiceLogsOptions{Stdout: true, Timestamps: true, Details: true, Tail: "10", Since: time.Unix(1700000000, 0), TTY: boolp(false)})
			if err == nil {
				l.Close()
			}
			return err
		}, method: "GET", path: "/services/svc/logs", query: url.Values{"stdout": {"1"}, "timestamps": {"1"}, "details": {"1"}, "tail": {"10"}, "since": {"1700000000.000000000"}}},
		{name: "task-list", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewTasks(w).List(ctx, endpoints.TaskListOptions{Filters: wire.Filters{"service": {"svc"}, "desired-state": {"running"}}})
			return err
		}, method: "GET", path: "/tasks", reply: []any{}, query: url.Values{"filters": {`{"desired-state":{"running":true},"service":{"svc":true}}`}}},
		{name: "task-inspect", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewTasks(w).Inspect(ctx, "t1", endpoints.TaskInspectOptions{})
			return err
		}, method: "GET", path: "/tasks/t1"},
		{name: "task-logs", call: func(ctx context.Context, w *wire.Client) error {
			l, err := endpoints.NewTasks(w).Logs(ctx, "t1", endpoints.ServiceLogsOptions{Follow: true, TTY: boolp(false)})
			if err == nil {
				l.Close()
			}
			return err
		}, method: "GET", path: "/tasks/t1/logs", query: url.Values{"stdout": {"1"}, "stderr": {"1"}, "follow": {"1"}}},
		{name: "secret-create", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewSecrets(w).Create(ctx, endpoints.SecretCreateOptions{Spec: endpoints.SecretSpec{Name: "sec", Data: []byte("hunter2"), Labels: map[string]string{"a": "b"}}})
			return err
		}, method: "POST", path: "/secrets/create", body: []string{`"Name":"sec"`, `"Data":"` + base64.StdEncoding.EncodeToString([]byte("hunter2")) + `"`}},
		{name: "secret-list", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewSecrets(w).List(ctx, endpoints.SecretListOptions{Filters: wire.Filters{"name": {"sec"}}})
			return err
		}, method: "GET", path: "/secrets", reply: []any{}, query: url.Values{"filters": {`{"name":{"sec":true}}`}}},
		{name: "secret-inspect", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewSecrets(w).Inspect(ctx, "sec", endpoints.SecretInspectOptions{})
			return err
		}, method: "GET", path: "/secrets/sec"},
		{name: "secret-update", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewSecrets(w).Update(ctx, "sec", endpoints.SecretUpdateOptions{Version: endpoints.ObjectVersion{Index: 5}, Spec: endpoints.SecretSpec{Name: "sec", Labels: map[string]string{"n": "2"}}})
			return err
		}, method: "POST", path: "/secrets/sec/update", query: url.Values{"version": {"5"}}, body: []string{`"Labels":{"n":"2"}`}},
		{name: "secret-delete", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewSecrets(w).Delete(ctx, "sec", endpoints.SecretDeleteOptions{})
			return err
		}, method: "DELETE", path: "/secrets/sec"},
		{name: "config-create", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewConfigs(w).Create(ctx, endpoints.ConfigCreateOptions{Spec: endpoints.ConfigSpec{Name: "cfg", Data: []byte("k=v"), Templating: &endpoints.SwarmDriver{Name: "golang"}}})
			return err
		}, method: "POST", path: "/configs/create", body: []string{`"Name":"cfg"`, `"Data":"az12"`, `"Templating":{"Name":"golang"}`}},
		{name: "config-list", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewConfigs(w).List(ctx, endpoints.ConfigListOptions{})
			return err
		}, method: "GET", path: "/configs", reply: []any{}},
		{name: "config-inspect", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewConfigs(w).Inspect(ctx, "cfg", endpoints.ConfigInspectOptions{})
			return err
		}, method: "GET", path: "/configs/cfg"},
		{name: "config-update", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewConfigs(w).Update(ctx, "cfg", endpoints.ConfigUpdateOptions{Version: endpoints.ObjectVersion{Index: 6}, Spec: endpoints.ConfigSpec{Name: "cfg"}})
			return err
		}, method: "POST", path: "/configs/cfg/update", query: url.Values{"version": {"6"}}},
		{name: "config-delete", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewConfigs(w).Delete(ctx, "cfg", endpoints.ConfigDeleteOptions{})
			return err
		}, method: "DELETE", path: "/configs/cfg"},
	})
}

func TestSwarmBadInput(t *testing.T) {
	svc := func(mod func(*endpoints.ServiceSpec)) func(ctx context.Context, w *wire.Client) error {
		return func(ctx context.Context, w *wire.Client) error {
			s := busyboxService()
			mod(&s)
			_, err := endpoints.NewServices(w).Create(ctx, endpoints.ServiceCreateOptions{Spec: s})
			return err
		}
	}
	runBadCases(t, []badCase{
		{name: "init-bad-pool", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewSwarm(w).Init(ctx, endpoints.SwarmInitOptions{DefaultAddrPool: []string{"10.0.0.0"}})
			return err
		}},
		{name: "init-bad-listen-port", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewSwarm(w).Init(ctx, endpoints.SwarmInitOptions{ListenAddr: "127.0.0.1:99999"})
			return err
		}},
		{name: "init-subnet-size", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewSwarm(w).Init(ctx, endpoints.SwarmInitOptions{SubnetSize: 33})
			return err
		}},
		{name: "init-datapathport-1.39", version: "1.39", wantVersion: true, call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewSwarm(w).Init(ctx, endpoints.SwarmInitOptions{DataPathPort: 4790})
			return err
		}},
		{name: "init-addrpool-1.38", version: "1.38", wantVersion: true, call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewSwarm(w).Init(ctx, endpoints.SwarmInitOptions{DefaultAddrPool: []string{"10.0.0.0/8"}})
			return err
		}},
		{name: "join-no-token", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewSwarm(w).Join(ctx, endpoints.SwarmJoinOptions{RemoteAddrs: []string{"127.0.0.1:2377"}})
			return err
		}},
		{name: "join-no-remote", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewSwarm(w).Join(ctx, endpoints.SwarmJoinOptions{JoinToken: "t"})
			return err
		}},
		{name: "unlock-empty", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewSwarm(w).Unlock(ctx, endpoints.SwarmUnlockOptions{})
			return err
		}},
		{name: "node-bad-role", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewNodes(w).Update(ctx, "n", endpoints.NodeUpdateOptions{Spec: endpoints.NodeSpec{Role: "boss"}})
			return err
		}},
		{name: "node-bad-availability", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewNodes(w).Update(ctx, "n", endpoints.NodeUpdateOptions{Spec: endpoints.NodeSpec{Availability: "gone"}})
			return err
		}},
		{name: "node-inspect-empty", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewNodes(w).Inspect(ctx, "", endpoints.NodeInspectOptions{})
			return err
		}},
		{name: "service-no-template", call: svc(func(s *endpoints.ServiceSpec) { s.TaskTemplate = endpoints.TaskSpec{} })},
		{name: "service-no-image", call: svc(func(s *endpoints.ServiceSpec) { s.TaskTemplate.ContainerSpec.Image = "" })},
		{name: "service-two-modes", call: svc(func(s *endpoints.ServiceSpec) { s.Mode.Global = &endpoints.GlobalMode{} })},
		{name: "service-bad-failure-action", call: svc(func(s *endpoints.ServiceSpec) { s.UpdateConfig.FailureAction = "explode" })},
		{name: "service-bad-order", call: svc(func(s *endpoints.ServiceSpec) { s.UpdateConfig.Order = "random" })},
		{name: "service-bad-ratio", call: svc(func(s *endpoints.ServiceSpec) { s.UpdateConfig.MaxFailureRatio = 2 })},
		{name: "service-bad-condition", call: svc(func(s *endpoints.ServiceSpec) { s.TaskTemplate.RestartPolicy.Condition = "always" })},
		{name: "service-bad-endpoint-mode", call: svc(func(s *endpoints.ServiceSpec) { s.EndpointSpec.Mode = "nat" })},
		{name: "service-bad-protocol", call: svc(func(s *endpoints.ServiceSpec) { s.EndpointSpec.Ports[0].Protocol = "icmp" })},
		{name: "service-secret-unnamed", call: svc(func(s *endpoints.ServiceSpec) {
			s.TaskTemplate.ContainerSpec.Secrets = []endpoints.SecretReference{{}}
		})},
		{name: "service-job-1.40", version: "1.40", wantVersion: true, call: svc(func(s *endpoints.ServiceSpec) {
			s.Mode = &endpoints.ServiceMode{ReplicatedJob: &endpoints.ReplicatedJobMode{TotalCompletions: u64(3)}}
		})},
		{name: "service-caps-1.40", version: "1.40", wantVersion: true, call: svc(func(s *endpoints.ServiceSpec) {
			s.TaskTemplate.ContainerSpec.CapabilityAdd = []string{"NET_ADMIN"}
		})},
		{name: "service-oomscoreadj-1.45", version: "1.45", wantVersion: true, call: svc(func(s *endpoints.ServiceSpec) {
			s.TaskTemplate.ContainerSpec.OomScoreAdj = 100
		})},
		{name: "service-swap-1.51", version: "1.51", wantVersion: true, call: svc(func(s *endpoints.ServiceSpec) {
			var n int64 = 1 << 20
			s.TaskTemplate.Resources = &endpoints.TaskResources{SwapBytes: &n}
		})},
		{name: "service-status-1.40", version: "1.40", wantVersion: true, call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewServices(w).List(ctx, endpoints.ServiceListOptions{Status: true})
			return err
		}},
		{name: "service-update-bad-authfrom", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewServices(w).Update(ctx, "s", endpoints.ServiceUpdateOptions{Spec: busyboxService(), RegistryAuthFrom: "nowhere"})
			return err
		}},
		{name: "service-logs-bad-tail", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewServices(w).Logs(ctx, "s", endpoints.ServiceLogsOptions{Tail: "-1", TTY: boolp(false)})
			return err
		}},
		{name: "task-logs-empty-id", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewTasks(w).Logs(ctx, "", endpoints.ServiceLogsOptions{})
			return err
		}},
		{name: "secret-no-name", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewSecrets(w).Create(ctx, endpoints.SecretCreateOptions{Spec: endpoints.SecretSpec{Data: []byte("x")}})
			return err
		}},
		{name: "secret-templating-1.36", version: "1.36", wantVersion: true, call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewSecrets(w).Create(ctx, endpoints.SecretCreateOptions{Spec: endpoints.SecretSpec{Name: "s", Templating: &endpoints.SwarmDriver{Name: "golang"}}})
			return err
		}},
		{name: "config-1.29", version: "1.29", wantVersion: true, call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewConfigs(w).List(ctx, endpoints.ConfigListOptions{})
			return err
		}},
		{name: "config-no-name", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewConfigs(w).Create(ctx, endpoints.ConfigCreateOptions{Spec: endpoints.ConfigSpec{}})
			return err
		}},
	})
}

// TestSwarmLogsMultiplexed checks how service and task logs are read: by
// Content-Type on 1.42+, by the service's or task's TTY (inspected) before.
func TestSwarmLogsMultiplexed(t *testing.T) {
	leakcheck.Check(t)
	var framed bytes.Buffer
	frames(&framed, "out\n", "err\n")
	cases := []struct {
		name, version, ct string
		tty               bool
		body              []byte
		wantOut, wantErr  string
		wantInspect       string // path inspected, "" for none
	}{
		{"1.42-multiplexed", "1.42", mux.MediaMultiplexedStream, false, framed.Bytes(), "out\n", "err\n", ""},
		{"1.42-raw", "1.42", mux.MediaRawStream, true, []byte("raw out\n"), "raw out\n", "", ""},
		{"1.41-no-tty", "1.41", "", false, framed.Bytes(), "out\n", "err\n", "/services/svc"},
		{"1.41-tty", "1.41", "", true, []byte("tty out\n"), "tty out\n", "", "/services/svc"},
		{"1.41-task", "1.41", "", false, framed.Bytes(), "out\n", "err\n", "/tasks/t1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, w := newFake(t, tc.version)
			logs := func(rw http.ResponseWriter, r *http.Request, _ []byte) {
				if tc.ct != "" {
					rw.Header().Set("Content-Type", tc.ct)
				}
				rw.Write(tc.body)
			}
			spec := map[string]any{"ContainerSpec": map[string]any{"Image": "x", "TTY": tc.tty}}
			f.on("GET /services/svc/logs", logs)
			f.on("GET /tasks/t1/logs", logs)
			f.on("GET /services/svc", onJSON(200, map[string]any{"ID": "svc", "Spec": map[string]any{"TaskTemplate": spec}}))
			f.on("GET /tasks/t1", onJSON(200, map[string]any{"ID": "t1", "Spec": spec}))
			var l *mux.Output
			var err error
			if tc.wantInspect == "/tasks/t1" {
				l, err = endpoints.NewTasks(w).Logs(t.Context(), "t1", endpoints.ServiceLogsOptions{})
			} else {
				l, err = endpoints.NewServices(w).Logs(t.Context(), "svc", endpoints.ServiceLogsOptions{})
			}
			require.NoError(t, err)
			defer l.Close()
			var out, errb bytes.Buffer
			_, err = l.Demux(&out, &errb)
			require.NoError(t, err)
			assert.Equal(t, tc.wantOut, out.String(), "stdout")
			assert.Equal(t, tc.wantErr, errb.String(), "stderr")
			inspected := ""
			for _, r := range f.requests() {
				if r.Path == "/services/svc" || r.Path == "/tasks/t1" {
					inspected = r.Path
				}
			}
			assert.Equal(t, tc.wantInspect, inspected, "inspected")
		})
	}
}

// TestSwarmDecode decodes realistic answers of dockerd 20.10 and its errors.
func TestSwarmDecode(t *testing.T) {
	f, w := newFake(t, "1.41")
	f.on("GET /swarm", func(rw http.ResponseWriter, r *http.Request, _ []byte) {
		rw.Write([]byte(`{"ID":"q5jf","Version":{"Index":10},"CreatedAt":"2026-01-01T00:00:00Z","UpdatedAt":"2026-01-01T00:00:01Z",
"Spec":{"Name":"default","Labels":{},"Orchestration":{"TaskHistoryRetentionLimit":5},"Raft":{"SnapshotInterval":10000,"KeepOldSnapshots":0,"LogEntriesForSlowFollowers":500,"ElectionTick":10,"HeartbeatTick":1},
"Dispatcher":{"HeartbeatPeriod":5000000000},"CAConfig":{"NodeCertExpiry":7776000000000000},"TaskDefaults":{},"EncryptionConfig":{"AutoLockManagers":false}},
"TLSInfo":{"TrustRoot":"-----BEGIN CERTIFICATE-----\n","CertIssuerSubject":"MBMx","CertIssuerPublicKey":"MFkw"},"RootRotationInProgress":false,
"DefaultAddrPool":["10.0.0.0/8"],"SubnetSize":24,"DataPathPort":4789,"JoinTokens":{"Worker":"SWMTKN-1-w","Manager":"SWMTKN-1-m"}}`))
	})
	f.on("GET /services/gone", onJSON(404, map[string]string{"message": "service gone not found"}))
	f.on("POST /swarm/init", onJSON(503, map[string]string{"message": "This node is already part of a swarm. Use \"docker swarm leave\" to leave this swarm and join another one."}))
	f.on("GET /tasks", func(rw http.ResponseWriter, r *http.Request, _ []byte) {
		rw.Write([]byte(`[{"ID":"t1","Version":{"Index":20},"Labels":{},"Spec":{"ContainerSpec":{"Image":"sha256:abc","Command":["sleep","60"],"Isolation":"default"},
"Resources":{"Limits":{},"Reservations":{}},"ForceUpdate":0},"ServiceID":"s1","Slot":1,"NodeID":"n1","Status":{"Timestamp":"2026-01-01T00:00:02Z","State":"running",
"Message":"started","ContainerStatus":{"ContainerID":"c1","PID":42,"ExitCode":0},"PortStatus":{}},"DesiredState":"running"}]`))
	})
	f.on("GET /configs/c1", onJSON(200, map[string]any{"ID": "c1", "Version": map[string]int{"Index": 3}, "Spec": map[string]any{"Name": "cfg", "Data": base64.StdEncoding.EncodeToString([]byte("k=v"))}}))
	ctx := t.Context()
	sw, err := endpoints.NewSwarm(w).Inspect(ctx, endpoints.SwarmInspectOptions{})
	require.NoError(t, err)
	assert.EqualValues(t, 10, sw.Version.Index)
	assert.Equal(t, "SWMTKN-1-w", sw.JoinTokens.Worker)
	assert.EqualValues(t, 5*time.Second, sw.Spec.Dispatcher.HeartbeatPeriod)
	assert.EqualValues(t, 4789, sw.DataPathPort)
	assert.EqualValues(t, 24, sw.SubnetSize)
	tasks, err := endpoints.NewTasks(w).List(ctx, endpoints.TaskListOptions{})
	require.NoError(t, err)
	require.Len(t, tasks.Items, 1, "tasks")
	task := tasks.Items[0]
	assert.EqualValues(t, "running", task.Status.State)
	assert.Equal(t, "c1", task.Status.ContainerStatus.ContainerID)
	assert.Equal(t, []string{"sleep", "60"}, task.Spec.ContainerSpec.Command)
	c, err := endpoints.NewConfigs(w).Inspect(ctx, "c1", endpoints.ConfigInspectOptions{})
	require.NoError(t, err)
	assert.Equal(t, "k=v", string(c.Spec.Data))
	assert.EqualValues(t, 3, c.Version.Index)
	_, err = endpoints.NewServices(w).Inspect(ctx, "gone", endpoints.ServiceInspectOptions{})
	assert.ErrorIs(t, err, wire.ErrNotFound, "inspect gone")
	_, err = endpoints.NewSwarm(w).Init(ctx, endpoints.SwarmInitOptions{})
	assert.ErrorIs(t, err, wire.ErrUnavailable, "init twice")
	// A service spec round-trips through JSON unchanged.
	spec := busyboxService()
	b, err := json.Marshal(spec)
	require.NoError(t, err)
	var back endpoints.ServiceSpec
	require.NoError(t, json.Unmarshal(b, &back))
	b2, _ := json.Marshal(back)
	assert.Equal(t, string(b), string(b2), "round trip")
}
