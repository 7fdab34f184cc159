package endpoints_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/internal/leakcheck"
	"github.com/dockwire/dockwire/mux"
	"github.com/dockwire/dockwire/wire"
)

func intp(i int) *int { return &i }

// TestRequestBuilding checks method, path, query and body of every
// operation against a fake daemon.
func TestRequestBuilding(t *testing.T) {
	since := time.Unix(1700000000, 500)
	until := time.Unix(1700000100, 0)
	// What calls return, for their checks.
	var stat endpoints.ContainerStatPathResult
	var execConn *mux.Conn
	cases := []struct {
		name    string
		version string // negotiated (pinned) version, "1.41" by default
		call    func(ctx context.Context, c *endpoints.ContainerService, e *endpoints.ExecService) error
		method  string
		path    string
		query   url.Values
		body    []string           // substrings of the request body
		check   func(t *testing.T) // checks the call's result, when set
	}{
		{name: "list", call: func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.List(ctx, endpoints.ContainerListOptions{All: true, Limit: 3, Size: true, Filters: wire.Filters{"status": {"exited"}}})
			return err
		}, method: "GET", path: "/containers/json", query: url.Values{"all": {"1"}, "limit": {"3"}, "size": {"1"}, "filters": {`{"status":{"exited":true}}`}}},
		{name: "list-default", call: func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.List(ctx, endpoints.ContainerListOptions{})
			return err
		}, method: "GET", path: "/containers/json", query: url.Values{}},
		{name: "create", call: func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			exposed, bindings, err := endpoints.PortBindings("127.0.0.1:8080:80", "53/udp")
			if err != nil {
				return err
			}
			_, err = c.Create(ctx, endpoints.ContainerCreateOptions{
				Name: "web-1", Platform: "linux/amd64",
				Config: endpoints.ContainerConfig{Image: "busybox:dockwire", Cmd: []string{"sh", "-c", "echo hi"}, Env: []string{"A=1"},
					Labels: map[string]string{"k": "v"}, ExposedPorts: exposed, StopTimeout: intp(3), Tty: true},
				HostConfig: &endpoints.HostConfig{
					Resources:     endpoints.Resources{Memory: 64 << 20, Ulimits: []endpoints.Ulimit{{Name: "nofile", Soft: 10, Hard: 20}}},
					PortBindings:  bindings,
					RestartPolicy: endpoints.RestartPolicy{Name: "on-failure", MaximumRetryCount: 2},
					Mounts: []endpoints.Mount{{Type: "tmpfs", Target: "/tmp", TmpfsOptions: &endpoints.MountTmpfsOptions{SizeBytes: 1 << 20}},
						{Type: "volume", Source: "v1", Target: "/data", VolumeOptions: &endpoints.MountVolumeOptions{NoCopy: true}}},
					CapAdd: []string{"NET_ADMIN"}, DNS: []string{"1.1.1.1"}, ExtraHosts: []string{"h:1.2.3.4"}, ShmSize: 1 << 20,
					ReadonlyRootfs: true, LogConfig: &endpoints.LogConfig{Type: "json-file", Config: map[string]string{"max-size": "1m"}},
				},
				NetworkingConfig: &endpoints.NetworkingConfig{EndpointsConfig: map[string]*endpoints.EndpointSettings{
					"net1": {Aliases: []string{"web"}, IPAMConfig: &endpoints.EndpointIPAMConfig{IPv4Address: "10.0.0.5"}}}},
			})
			return err
		}, method: "POST", path: "/containers/create", query: url.Values{"name": {"web-1"}, "platform": {"linux/amd64"}},
			body: []string{`"Image":"busybox:dockwire"`, `"Cmd":["sh","-c","echo hi"]`, `"ExposedPorts":{"53/udp":{},"80/tcp":{}}`,
				`"StopTimeout":3`, `"Memory":67108864`, `"Ulimits":[{"Name":"nofile","Soft":10,"Hard":20}]`,
				`"PortBindings":{"53/udp":[{"HostIp":"","HostPort":""}],"80/tcp":[{"HostIp":"127.0.0.1","HostPort":"8080"}]}`,
				`"RestartPolicy":{"Name":"on-failure","MaximumRetryCount":2}`, `"TmpfsOptions":{"SizeBytes":1048576}`,
				`"Dns":["1.1.1.1"]`, `"ReadonlyRootfs":true`, `"Aliases":["web"]`, `"IPv4Address":"10.0.0.5"`, `"Tty":true`}},
		{name: "inspect", call: func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Inspect(ctx, "abc", endpoints.ContainerInspectOptions{Size: true})
			return err
		}, method: "GET", path: "/containers/abc/json", query: url.Values{"size": {"1"}}},
		{name: "top", call: func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Top(ctx, "abc", endpoints.ContainerTopOptions{PsArgs: "aux"})
			return err
		}, method: "GET", path: "/containers/abc/top", query: url.Values{"ps_args": {"aux"}}},
		{name: "logs", call: func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			tty := false
			l, err := c.Logs(ctx, "abc", endpoints.ContainerLogsOptions{Stdout: true, Since: since, Until: until, Timestamps: true, Tail: "5", TTY: &tty})
			if err == nil {
				l.Close()
			}
			return err
		}, method: "GET", path: "/containers/abc/logs", query: url.Values{"stdout": {"1"}, "timestamps": {"1"}, "tail": {"5"},
			"since": {"1700000000.000000500"}, "until": {"1700000100.000000000"}}},
		{name: "changes", call: func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Changes(ctx, "abc", endpoints.ContainerChangesOptions{})
			return err
		}, method: "GET", path: "/containers/abc/changes", query: url.Values{}},
		{name: "export", call: func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			rc, err := c.Export(ctx, "abc", endpoints.ContainerExportOptions{})
			if err == nil {
				rc.Close()
			}
			return err
		}, method: "GET", path: "/containers/abc/export", query: url.Values{}},
		{name: "stats-once", call: func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.StatsOnce(ctx, "abc", endpoints.ContainerStatsOnceOptions{OneShot: true})
			return err
		}, method: "GET", path: "/containers/abc/stats", query: url.Values{"stream": {"0"}, "one-shot": {"1"}}},
		{name: "resize", call: func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Resize(ctx, "abc", endpoints.ContainerResizeOptions{Height: 24, Width: 80})
			return err
		}, method: "POST", path: "/containers/abc/resize", query: url.Values{"h": {"24"}, "w": {"80"}}},
		{name: "start", call: func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Start(ctx, "abc", endpoints.ContainerStartOptions{DetachKeys: "ctrl-x"})
			return err
		}, method: "POST", path: "/containers/abc/start", query: url.Values{"detachKeys": {"ctrl-x"}}},
		{name: "stop", call: func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Stop(ctx, "abc", endpoints.ContainerStopOptions{Timeout: intp(5)})
			return err
		}, method: "POST", path: "/containers/abc/stop", query: url.Values{"t": {"5"}}},
		{name: "stop-signal", version: "1.42", call: func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Stop(ctx, "abc", endpoints.ContainerStopOptions{Signal: "SIGINT", Timeout: intp(0)})
			return err
		}, method: "POST", path: "/containers/abc/stop", query: url.Values{"t": {"0"}, "signal": {"SIGINT"}}},
		{name: "restart", call: func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Restart(ctx, "abc", endpoints.ContainerRestartOptions{Timeout: intp(1)})
			return err
		}, method: "POST", path: "/containers/abc/restart", query: url.Values{"t": {"1"}}},
		{name: "kill", call: func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Kill(ctx, "abc", endpoints.ContainerKillOptions{Signal: "SIGTERM"})
			return err
		}, method: "POST", path: "/containers/abc/kill", query: url.Values{"signal": {"SIGTERM"}}},
		{name: "update", call: func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Update(ctx, "abc", endpoints.ContainerUpdateOptions{Resources: endpoints.Resources{Memory: 32 << 20, MemorySwap: -1},
				RestartPolicy: &endpoints.RestartPolicy{Name: "always"}})
			return err
		}, method: "POST", path: "/containers/abc/update", query: url.Values{},
			body: []string{`"Memory":33554432`, `"MemorySwap":-1`, `"RestartPolicy":{"Name":"always"}`}},
		{name: "rename", call: func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Rename(ctx, "abc", "new_name.1", endpoints.ContainerRenameOptions{})
			return err
		}, method: "POST", path: "/containers/abc/rename", query: url.Values{"name": {"new_name.1"}}},
		{name: "pause", call: func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Pause(ctx, "abc", endpoints.ContainerPauseOptions{})
			return err
		}, method: "POST", path: "/containers/abc/pause", query: url.Values{}},
		{name: "unpause", call: func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Unpause(ctx, "abc", endpoints.ContainerUnpauseOptions{})
			return err
		}, method: "POST", path: "/containers/abc/unpause", query: url.Values{}},
		{name: "wait", call: func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Wait(ctx, "abc", endpoints.ContainerWaitOptions{Condition: endpoints.WaitNextExit})
			return err
		}, method: "POST", path: "/containers/abc/wait", query: url.Values{"condition": {"next-exit"}}},
		{name: "delete", call: func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Delete(ctx, "abc", endpoints.ContainerDeleteOptions{Force: true, RemoveVolumes: true, RemoveLinks: true})
			return err
		}, method: "DELETE", path: "/containers/abc", query: url.Values{"force": {"1"}, "v": {"1"}, "link": {"1"}}},
		{name: "stat-path", call: func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			var err error
			stat, err = c.StatPath(ctx, "abc", "/etc", endpoints.ContainerStatPathOptions{})
			return err
		}, method: "HEAD", path: "/containers/abc/archive", query: url.Values{"path": {"/etc"}}, check: func(t *testing.T) {
			assert.Equal(t, "etc", stat.Name, "stat decoded")
			assert.True(t, stat.Mode.IsDir(), "stat decoded: mode %v", stat.Mode)
		}},
		{name: "get-archive", call: func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			a, err := c.GetArchive(ctx, "abc", "/etc/my file", endpoints.ContainerGetArchiveOptions{})
			if err == nil {
				a.Body.Close()
			}
			return err
		}, method: "GET", path: "/containers/abc/archive", query: url.Values{"path": {"/etc/my file"}}},
		{name: "put-archive", call: func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.PutArchive(ctx, "abc", "/tmp", strings.NewReader("TARDATA"), endpoints.ContainerPutArchiveOptions{CopyUIDGID: true, NoOverwriteDirNonDir: true})
			return err
		}, method: "PUT", path: "/containers/abc/archive", query: url.Values{"path": {"/tmp"}, "copyUIDGID": {"1"}, "noOverwriteDirNonDir": {"1"}},
			body: []string{"TARDATA"}},
		{name: "prune", call: func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Prune(ctx, endpoints.ContainerPruneOptions{Filters: wire.Filters{"label": {"a=b"}}})
			return err
		}, method: "POST", path: "/containers/prune", query: url.Values{"filters": {`{"label":{"a=b":true}}`}}},
		{name: "path-escaping", call: func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Inspect(ctx, "a?b#c", endpoints.ContainerInspectOptions{})
			return err
		}, method: "GET", path: "/containers/a?b#c/json", query: url.Values{}},
		{name: "exec-create", call: func(ctx context.Context, _ *endpoints.ContainerService, e *endpoints.ExecService) error {
			_, err := e.Create(ctx, "abc", endpoints.ExecCreateOptions{Cmd: []string{"env"}, Env: []string{"X=1"}, User: "nobody", WorkingDir: "/tmp", AttachStdout: true})
			return err
		}, method: "POST", path: "/containers/abc/exec", query: url.Values{},
			body: []string{`"Cmd":["env"]`, `"Env":["X=1"]`, `"User":"nobody"`, `"WorkingDir":"/tmp"`, `"AttachStdout":true`}},
		{name: "exec-start-detached", call: func(ctx context.Context, _ *endpoints.ContainerService, e *endpoints.ExecService) error {
			var err error
			execConn, err = e.Start(ctx, "e1", endpoints.ExecStartOptions{Detach: true})
			return err
		}, method: "POST", path: "/exec/e1/start", query: url.Values{}, body: []string{`"Detach":true`, `"Tty":false`}, check: func(t *testing.T) {
			assert.Nil(t, execConn, "detached start returned a connection")
		}},
		{name: "exec-resize", call: func(ctx context.Context, _ *endpoints.ContainerService, e *endpoints.ExecService) error {
			_, err := e.Resize(ctx, "e1", endpoints.ExecResizeOptions{Height: 10, Width: 20})
			return err
		}, method: "POST", path: "/exec/e1/resize", query: url.Values{"h": {"10"}, "w": {"20"}}},
		{name: "exec-inspect", call: func(ctx context.Context, _ *endpoints.ContainerService, e *endpoints.ExecService) error {
			_, err := e.Inspect(ctx, "e1", endpoints.ExecInspectOptions{})
			return err
		}, method: "GET", path: "/exec/e1/json", query: url.Values{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, w := newFake(t, tc.version)
			f.on("POST /exec/e1/start", func(w http.ResponseWriter, r *http.Request, _ []byte) { w.WriteHeader(200) })
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			require.NoError(t, tc.call(ctx, endpoints.NewContainers(w), endpoints.NewExec(w)), "call")
			reqs := f.requests()
			require.Len(t, reqs, 1, "requests the daemon got")
			got := reqs[0]
			assert.Equal(t, tc.method, got.Method)
			assert.Equal(t, tc.path, got.Path)
			assert.Equal(t, tc.query, url.Values(got.Query))
			for _, sub := range tc.body {
				assert.Contains(t, string(got.Body), sub, "body")
			}
			if len(tc.body) == 0 && tc.method != "POST" {
				assert.Empty(t, got.Body, "unexpected body")
			}
			if tc.check != nil {
				tc.check(t)
			}
		})
	}
}

// TestBadInput checks that bad arguments are refused with a typed error
// before any request is sent.
func TestBadInput(t *testing.T) {
	img := endpoints.ContainerConfig{Image: "busybox"}
	cases := []struct {
		name string
		call func(ctx context.Context, c *endpoints.ContainerService, e *endpoints.ExecService) error
	}{
		{"empty-id", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Inspect(ctx, "", endpoints.ContainerInspectOptions{})
			return err
		}},
		{"blank-id", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Start(ctx, "  ", endpoints.ContainerStartOptions{})
			return err
		}},
		{"dotdot-id", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Delete(ctx, "..", endpoints.ContainerDeleteOptions{})
			return err
		}},
		{"newline-id", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Kill(ctx, "a\nb", endpoints.ContainerKillOptions{})
			return err
		}},
		{"empty-exec-id", func(ctx context.Context, _ *endpoints.ContainerService, e *endpoints.ExecService) error {
			_, err := e.Inspect(ctx, "", endpoints.ExecInspectOptions{})
			return err
		}},
		{"no-image", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Create(ctx, endpoints.ContainerCreateOptions{})
			return err
		}},
		{"bad-name", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Create(ctx, endpoints.ContainerCreateOptions{Name: "-x y", Config: img})
			return err
		}},
		{"unknown-restart-policy", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Create(ctx, endpoints.ContainerCreateOptions{Config: img, HostConfig: &endpoints.HostConfig{RestartPolicy: endpoints.RestartPolicy{Name: "sometimes"}}})
			return err
		}},
		{"retries-without-on-failure", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Create(ctx, endpoints.ContainerCreateOptions{Config: img, HostConfig: &endpoints.HostConfig{RestartPolicy: endpoints.RestartPolicy{Name: "always", MaximumRetryCount: 3}}})
			return err
		}},
		{"autoremove-with-restart-always", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Create(ctx, endpoints.ContainerCreateOptions{Config: img, HostConfig: &endpoints.HostConfig{AutoRemove: true, RestartPolicy: endpoints.RestartPolicy{Name: "always"}}})
			return err
		}},
		{"bad-exposed-port", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			cfg := img
			cfg.ExposedPorts = map[endpoints.Port]struct{}{"80/xyz": {}}
			_, err := c.Create(ctx, endpoints.ContainerCreateOptions{Config: cfg})
			return err
		}},
		{"bad-binding-port", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Create(ctx, endpoints.ContainerCreateOptions{Config: img, HostConfig: &endpoints.HostConfig{PortBindings: endpoints.PortMap{"70000/tcp": nil}}})
			return err
		}},
		{"negative-memory", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Create(ctx, endpoints.ContainerCreateOptions{Config: img, HostConfig: &endpoints.HostConfig{Resources: endpoints.Resources{Memory: -1}}})
			return err
		}},
		{"mount-without-target", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Create(ctx, endpoints.ContainerCreateOptions{Config: img, HostConfig: &endpoints.HostConfig{Mounts: []endpoints.Mount{{Type: "tmpfs"}}}})
			return err
		}},
		{"mount-options-mismatch", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Create(ctx, endpoints.ContainerCreateOptions{Config: img, HostConfig: &endpoints.HostConfig{Mounts: []endpoints.Mount{{Type: "bind", Source: "/a", Target: "/b", TmpfsOptions: &endpoints.MountTmpfsOptions{}}}}})
			return err
		}},
		{"unknown-mount-type", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Create(ctx, endpoints.ContainerCreateOptions{Config: img, HostConfig: &endpoints.HostConfig{Mounts: []endpoints.Mount{{Type: "nfs", Target: "/b"}}}})
			return err
		}},
		{"bad-tail", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Logs(ctx, "abc", endpoints.ContainerLogsOptions{Tail: "-1"})
			return err
		}},
		{"bad-signal", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Kill(ctx, "abc", endpoints.ContainerKillOptions{Signal: "SIG TERM"})
			return err
		}},
		{"bad-stop-timeout", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Stop(ctx, "abc", endpoints.ContainerStopOptions{Timeout: intp(-2)})
			return err
		}},
		{"bad-wait-condition", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Wait(ctx, "abc", endpoints.ContainerWaitOptions{Condition: "whenever"})
			return err
		}},
		{"bad-rename", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Rename(ctx, "abc", "a/b", endpoints.ContainerRenameOptions{})
			return err
		}},
		{"empty-archive-path", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.StatPath(ctx, "abc", "", endpoints.ContainerStatPathOptions{})
			return err
		}},
		{"nil-archive", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.PutArchive(ctx, "abc", "/", nil, endpoints.ContainerPutArchiveOptions{})
			return err
		}},
		{"zero-resize", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Resize(ctx, "abc", endpoints.ContainerResizeOptions{Height: 0, Width: 80})
			return err
		}},
		{"negative-limit", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.List(ctx, endpoints.ContainerListOptions{Limit: -1})
			return err
		}},
		{"exec-no-cmd", func(ctx context.Context, _ *endpoints.ContainerService, e *endpoints.ExecService) error {
			_, err := e.Create(ctx, "abc", endpoints.ExecCreateOptions{})
			return err
		}},
		{"run-bad-mem", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Run(ctx, endpoints.ContainerRunOptions{Image: "busybox", MemLimit: "12q"})
			return err
		}},
		{"run-bad-port", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Run(ctx, endpoints.ContainerRunOptions{Image: "busybox", Publish: []string{"70000"}})
			return err
		}},
		{"run-bad-device", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Run(ctx, endpoints.ContainerRunOptions{Image: "busybox", Devices: []string{"/dev/x:/dev/y:rwz"}})
			return err
		}},
		{"run-nostart-remove", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Run(ctx, endpoints.ContainerRunOptions{Image: "busybox", Remove: true, NoStart: true})
			return err
		}},
		{"run-autoremove-restart", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.Run(ctx, endpoints.ContainerRunOptions{Image: "busybox", AutoRemove: true, RestartPolicy: endpoints.RestartPolicy{Name: "unless-stopped"}})
			return err
		}},
		{"copy-from-no-dst", func(ctx context.Context, c *endpoints.ContainerService, _ *endpoints.ExecService) error {
			_, err := c.CopyFrom(ctx, "abc", "/etc", "", endpoints.ContainerCopyFromOptions{})
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, w := newFake(t, "1.41")
			err := tc.call(t.Context(), endpoints.NewContainers(w), endpoints.NewExec(w))
			require.Error(t, err)
			assert.ErrorIs(t, err, wire.ErrInvalidArgument)
			var ae *endpoints.ArgError
			assert.ErrorAs(t, err, &ae)
			assert.Regexp(t, "^endpoints: ", err.Error(), "the package prefix")
			assert.Empty(t, f.requests(), "requests sent before the error")
		})
	}
}

// TestImageNotFound checks that the daemon's "No such image" 404 on create
// matches ErrImageNotFound and wire.ErrNotFound, and a missing container's
// 404 only the latter.
func TestImageNotFound(t *testing.T) {
	f, w := newFake(t, "1.41")
	f.on("POST /containers/create", onJSON(404, map[string]string{"message": "No such image: nope:latest"}))
	f.on("GET /containers/gone/json", onJSON(404, map[string]string{"message": "No such container: gone"}))
	c := endpoints.NewContainers(w)
	_, err := c.Create(t.Context(), endpoints.ContainerCreateOptions{Config: endpoints.ContainerConfig{Image: "nope"}})
	assert.ErrorIs(t, err, endpoints.ErrImageNotFound, "create")
	assert.ErrorIs(t, err, wire.ErrNotFound, "create")
	var werr *wire.Error
	if assert.ErrorAs(t, err, &werr, "create") {
		assert.Equal(t, 404, werr.StatusCode, "create")
	}
	_, err = c.Inspect(t.Context(), "gone", endpoints.ContainerInspectOptions{})
	assert.NotErrorIs(t, err, endpoints.ErrImageNotFound, "inspect")
	assert.ErrorIs(t, err, wire.ErrNotFound, "inspect")
}

// inspectJSON is trimmed from a dockerd 20.10 (API 1.41) answer.
const inspectJSON = `{"Id":"4fa6e0f0c6786287e131c3852c58a2e01cc697a68231826813597e4994f1d6e2","Created":"2024-05-01T10:00:00.123456789Z","Path":"sh","Args":["-c","sleep 100"],
"State":{"Status":"running","Running":true,"Paused":false,"Restarting":false,"OOMKilled":false,"Dead":false,"Pid":4242,"ExitCode":0,"Error":"","StartedAt":"2024-05-01T10:00:01Z","FinishedAt":"0001-01-01T00:00:00Z"},
"Image":"sha256:abc","Name":"/web","RestartCount":0,"Driver":"overlay2","Platform":"linux","ExecIDs":null,
"HostConfig":{"Binds":null,"NetworkMode":"default","PortBindings":{"80/tcp":[{"HostIp":"","HostPort":"8080"}]},"RestartPolicy":{"Name":"no","MaximumRetryCount":0},"AutoRemove":false,"Memory":67108864,"CpuShares":0,"Init":true,"Ulimits":null,"Unknown":{"x":1}},
"Mounts":[{"Type":"volume","Name":"v1","Source":"/var/lib/docker/volumes/v1/_data","Destination":"/data","Driver":"local","Mode":"z","RW":true,"Propagation":""}],
"Config":{"Hostname":"4fa6e0f0c678","Tty":false,"Env":["PATH=/bin"],"Cmd":["sh","-c","sleep 100"],"Image":"busybox:dockwire","Labels":{"a":"b"},"ExposedPorts":{"80/tcp":{}}},
"NetworkSettings":{"Bridge":"","SandboxID":"sb","Ports":{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"8080"}]},"IPAddress":"172.17.0.2","Networks":{"bridge":{"IPAMConfig":null,"Aliases":null,"NetworkID":"n1","EndpointID":"e1","Gateway":"172.17.0.1","IPAddress":"172.17.0.2","IPPrefixLen":16}}}}`

func TestDecodeInspect(t *testing.T) {
	var c endpoints.ContainerInspectResult
	require.NoError(t, json.Unmarshal([]byte(inspectJSON), &c))
	assert.Equal(t, "4fa6e0f0c678", c.ShortID())
	assert.Equal(t, "running", c.Status())
	assert.EqualValues(t, 4242, c.State.Pid)
	assert.EqualValues(t, 64<<20, c.HostConfig.Memory)
	if assert.NotNil(t, c.HostConfig.Init, "HostConfig.Init") {
		assert.True(t, *c.HostConfig.Init, "HostConfig.Init")
	}
	assert.Equal(t, "no", c.HostConfig.RestartPolicy.Name)
	if b := c.Ports()["80/tcp"]; assert.Len(t, b, 1, "ports: %v", c.Ports()) {
		assert.Equal(t, "8080", b[0].HostPort)
	}
	assert.Equal(t, "b", c.Labels()["a"])
	if assert.Len(t, c.Mounts, 1) {
		assert.Equal(t, "/data", c.Mounts[0].Destination)
		assert.True(t, c.Mounts[0].RW, "mount RW")
	}
	if n := c.NetworkSettings.Networks["bridge"]; assert.NotNil(t, n, "bridge network") {
		assert.Equal(t, "172.17.0.2", n.IPAddress)
		assert.EqualValues(t, 16, n.IPPrefixLen)
	}
	p := endpoints.Port("80/tcp")
	assert.Equal(t, "80", p.Number())
	assert.Equal(t, "tcp", p.Proto())
	assert.Equal(t, "tcp", endpoints.Port("53").Proto())
}

const listJSON = `[{"Id":"8dfafdbc3a40f7c2e8a6f3d6b6cbb2e9d8e4ba5d6c4a5c1e1c8e5b3c3f8e9a7b6","Names":["/boring_feynman"],"Image":"busybox","ImageID":"sha256:d7","Command":"sleep 100","Created":1714557600,
"Ports":[{"IP":"0.0.0.0","PrivatePort":80,"PublicPort":8080,"Type":"tcp"}],"Labels":{"k":"v"},"State":"running","Status":"Up 2 minutes",
"HostConfig":{"NetworkMode":"default"},"NetworkSettings":{"Networks":{"bridge":{"NetworkID":"n1","IPAddress":"172.17.0.3"}}},"Mounts":[]}]`

func TestDecodeList(t *testing.T) {
	f, w := newFake(t, "1.41")
	f.on("GET /containers/json", func(w http.ResponseWriter, r *http.Request, _ []byte) { w.Write([]byte(listJSON)) })
	got, err := endpoints.NewContainers(w).List(t.Context(), endpoints.ContainerListOptions{})
	require.NoError(t, err)
	require.Len(t, got.Items, 1, "containers")
	c := got.Items[0]
	assert.Equal(t, "8dfafdbc3a40", c.ShortID())
	assert.Equal(t, "boring_feynman", c.Name())
	assert.Equal(t, "running", c.State)
	assert.Equal(t, "v", c.Labels["k"])
	if assert.Len(t, c.Ports, 1) {
		assert.EqualValues(t, 8080, c.Ports[0].PublicPort)
	}
	if n := c.NetworkSettings.Networks["bridge"]; assert.NotNil(t, n, "bridge network") {
		assert.Equal(t, "172.17.0.3", n.IPAddress)
	}
}

// statsJSON is shaped like a dockerd 20.10 (cgroup v2) stats sample.
const statsJSON = `{"read":"2024-05-01T10:00:02.000000001Z","preread":"2024-05-01T10:00:01.000000001Z","pids_stats":{"current":1,"limit":4618},
"blkio_stats":{"io_service_bytes_recursive":[{"major":8,"minor":0,"op":"read","value":4096}],"io_serviced_recursive":null},"num_procs":0,
"cpu_stats":{"cpu_usage":{"total_usage":200000000,"usage_in_kernelmode":1000,"usage_in_usermode":2000},"system_cpu_usage":2000000000,"online_cpus":2,"throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},
"precpu_stats":{"cpu_usage":{"total_usage":100000000},"system_cpu_usage":1000000000,"online_cpus":2},
"memory_stats":{"usage":1118208,"stats":{"anon":16384,"file":0},"limit":2082635776},
"name":"/web","id":"abc","networks":{"eth0":{"rx_bytes":1046,"rx_packets":12,"rx_errors":0,"rx_dropped":0,"tx_bytes":0,"tx_packets":0,"tx_errors":0,"tx_dropped":0}}}`

func TestDecodeStatsOnce(t *testing.T) {
	f, w := newFake(t, "1.41")
	data := []byte(statsJSON)
	f.on("GET /containers/abc/stats", func(w http.ResponseWriter, r *http.Request, _ []byte) { w.Write(data) })
	s, err := endpoints.NewContainers(w).StatsOnce(t.Context(), "abc", endpoints.ContainerStatsOnceOptions{})
	require.NoError(t, err)
	assert.EqualValues(t, 1118208, s.MemoryStats.Usage)
	assert.EqualValues(t, 2082635776, s.MemoryStats.Limit)
	assert.EqualValues(t, 2, s.CPUStats.OnlineCPUs)
	assert.EqualValues(t, 1046, s.Networks["eth0"].RxBytes)
	// (200000000-100000000)/(2000000000-1000000000)*2*100 = 20
	assert.InDelta(t, 20, s.CPUPercent(), 0.01, "CPUPercent")
}

func TestWaitDecodesError(t *testing.T) {
	f, w := newFake(t, "1.41")
	f.on("POST /containers/abc/wait", onJSON(200, map[string]any{"StatusCode": 137, "Error": map[string]string{"Message": "boom"}}))
	got, err := endpoints.NewContainers(w).Wait(t.Context(), "abc", endpoints.ContainerWaitOptions{})
	require.NoError(t, err)
	assert.EqualValues(t, 137, got.StatusCode)
	assert.Equal(t, "boom", got.Error)
}

// TestWaitCancel checks that a Wait that never ends stops on ctx cancel.
func TestWaitCancel(t *testing.T) {
	leakcheck.Check(t)
	f, w := newFake(t, "1.41")
	release := make(chan struct{})
	defer close(release)
	f.on("POST /containers/abc/wait", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.WriteHeader(200)
		http.NewResponseController(w).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := endpoints.NewContainers(w).Wait(ctx, "abc", endpoints.ContainerWaitOptions{Condition: "next-exit"})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.LessOrEqual(t, time.Since(start), 2*time.Second, "time for the deadline to stop Wait")
}
