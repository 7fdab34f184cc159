package endpoints_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/internal/leakcheck"
	"github.com/dockwire/dockwire/wire"
)

func TestPluginRequests(t *testing.T) {
	auth, _ := wire.EncodeAuth(&endpoints.AuthConfig{Username: "u", Password: "p"})
	privs := []endpoints.PluginPrivilege{{Name: "network", Description: "", Value: []string{"host"}}}
	drain := func(_ any, err error) error { return err }
	runOpCases(t, []opCase{
		{name: "list", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewPlugins(w).List(ctx, endpoints.PluginListOptions{Filters: wire.Filters{"enable": {"true"}}})
			return err
		}, method: "GET", path: "/plugins", reply: []any{}, query: url.Values{"filters": {`{"enable":{"true":true}}`}}},
		{name: "privileges", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewPlugins(w).Privileges(ctx, "127.0.0.1:5000/p:latest", endpoints.PluginPrivilegesOptions{})
			return err
		}, method: "GET", path: "/plugins/privileges", reply: []any{}, query: url.Values{"remote": {"127.0.0.1:5000/p:latest"}}},
		{name: "pull", call: func(ctx context.Context, w *wire.Client) error {
			return drain(endpoints.NewPlugins(w).Pull(ctx, "127.0.0.1:5000/p:latest", endpoints.PluginPullOptions{Name: "p:1", Privileges: privs,
				Auth: &endpoints.AuthConfig{Username: "u", Password: "p"}}))
		}, method: "POST", path: "/plugins/pull", query: url.Values{"remote": {"127.0.0.1:5000/p:latest"}, "name": {"p:1"}},
			header: map[string]string{"X-Registry-Auth": auth, "Content-Type": "application/json"}, body: []string{`[{"Name":"network","Description":"","Value":["host"]}]`}},
		{name: "pull-no-privileges", call: func(ctx context.Context, w *wire.Client) error {
			return drain(endpoints.NewPlugins(w).Pull(ctx, "127.0.0.1:5000/p", endpoints.PluginPullOptions{}))
		}, method: "POST", path: "/plugins/pull", query: url.Values{"remote": {"127.0.0.1:5000/p"}}, body: []string{`[]`}},
		{name: "inspect", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewPlugins(w).Inspect(ctx, "vieux/sshfs:latest", endpoints.PluginInspectOptions{})
			return err
		}, method: "GET", path: "/plugins/vieux/sshfs:latest/json"},
		{name: "delete", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewPlugins(w).Delete(ctx, "p", endpoints.PluginDeleteOptions{Force: true})
			return err
		}, method: "DELETE", path: "/plugins/p", reply: map[string]any{"Name": "p"}, query: url.Values{"force": {"1"}}},
		{name: "enable", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewPlugins(w).Enable(ctx, "p", endpoints.PluginEnableOptions{Timeout: 5})
			return err
		}, method: "POST", path: "/plugins/p/enable", query: url.Values{"timeout": {"5"}}},
		{name: "enable-default-timeout", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewPlugins(w).Enable(ctx, "p", endpoints.PluginEnableOptions{})
			return err
		}, method: "POST", path: "/plugins/p/enable", query: url.Values{"timeout": {"0"}}},
		{name: "disable", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewPlugins(w).Disable(ctx, "p", endpoints.PluginDisableOptions{Force: true})
			return err
		}, method: "POST", path: "/plugins/p/disable", query: url.Values{"force": {"1"}}},
		{name: "upgrade", call: func(ctx context.Context, w *wire.Client) error {
			return drain(endpoints.NewPlugins(w).Upgrade(ctx, "p", "127.0.0.1:5000/p:2", endpoints.PluginUpgradeOptions{Privileges: privs}))
		}, method: "POST", path: "/plugins/p/upgrade", query: url.Values{"remote": {"127.0.0.1:5000/p:2"}}, body: []string{`"Value":["host"]`}},
		{name: "create", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewPlugins(w).Create(ctx, "p:1", strings.NewReader("tarbytes"), endpoints.PluginCreateOptions{})
			return err
		}, method: "POST", path: "/plugins/create", query: url.Values{"name": {"p:1"}}, header: map[string]string{"Content-Type": "application/x-tar"}, body: []string{"tarbytes"}},
		{name: "push", call: func(ctx context.Context, w *wire.Client) error {
			return drain(endpoints.NewPlugins(w).Push(ctx, "127.0.0.1:5000/p:1", endpoints.PluginPushOptions{Auth: &endpoints.AuthConfig{Username: "u", Password: "p"}}))
		}, method: "POST", path: "/plugins/127.0.0.1:5000/p:1/push", header: map[string]string{"X-Registry-Auth": auth}},
		{name: "set", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewPlugins(w).Set(ctx, "p", endpoints.PluginSetOptions{Args: []string{"DEBUG=1", "mnt.source=/tmp"}})
			return err
		}, method: "POST", path: "/plugins/p/set", body: []string{`["DEBUG=1","mnt.source=/tmp"]`}},
	})
}

func TestPluginBadInput(t *testing.T) {
	runBadCases(t, []badCase{
		{name: "privileges-empty", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewPlugins(w).Privileges(ctx, "", endpoints.PluginPrivilegesOptions{})
			return err
		}},
		{name: "pull-empty", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewPlugins(w).Pull(ctx, "", endpoints.PluginPullOptions{})
			return err
		}},
		{name: "pull-newline", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewPlugins(w).Pull(ctx, "a\nb", endpoints.PluginPullOptions{})
			return err
		}},
		{name: "inspect-empty", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewPlugins(w).Inspect(ctx, "", endpoints.PluginInspectOptions{})
			return err
		}},
		{name: "enable-negative", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewPlugins(w).Enable(ctx, "p", endpoints.PluginEnableOptions{Timeout: -1})
			return err
		}},
		{name: "disable-force-1.27", version: "1.27", wantVersion: true, call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewPlugins(w).Disable(ctx, "p", endpoints.PluginDisableOptions{Force: true})
			return err
		}},
		{name: "upgrade-1.25", version: "1.25", wantVersion: true, call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewPlugins(w).Upgrade(ctx, "p", "r", endpoints.PluginUpgradeOptions{})
			return err
		}},
		{name: "upgrade-no-remote", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewPlugins(w).Upgrade(ctx, "p", "", endpoints.PluginUpgradeOptions{})
			return err
		}},
		{name: "create-nil-tar", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewPlugins(w).Create(ctx, "p", nil, endpoints.PluginCreateOptions{})
			return err
		}},
		{name: "create-no-name", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewPlugins(w).Create(ctx, "", strings.NewReader(""), endpoints.PluginCreateOptions{})
			return err
		}},
		{name: "set-none", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewPlugins(w).Set(ctx, "p", endpoints.PluginSetOptions{Args: nil})
			return err
		}},
		{name: "set-no-key", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewPlugins(w).Set(ctx, "p", endpoints.PluginSetOptions{Args: []string{"=1"}})
			return err
		}},
		{name: "session-no-id", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewSession(w).Start(ctx, endpoints.SessionStartOptions{})
			return err
		}},
		{name: "session-1.30", version: "1.30", wantVersion: true, call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewSession(w).Start(ctx, endpoints.SessionStartOptions{ID: "s"})
			return err
		}},
		{name: "session-header-newline", call: func(ctx context.Context, w *wire.Client) error {
			_, err := endpoints.NewSession(w).Start(ctx, endpoints.SessionStartOptions{ID: "s", Name: "a\r\nX-Evil: 1"})
			return err
		}},
	})
}

// TestPluginPullErrors: a failure before the daemon streams is a
// *wire.Error from Pull; one inside the stream a *wire.StreamError.
func TestPluginPullErrors(t *testing.T) {
	leakcheck.Check(t)
	f, w := newFake(t, "1.41")
	f.on("POST /plugins/pull", func(rw http.ResponseWriter, r *http.Request, _ []byte) {
		if r.URL.Query().Get("remote") == "127.0.0.1:9/early" {
			onJSON(500, map[string]string{"message": `Get "https://127.0.0.1:9/v2/": dial tcp 127.0.0.1:9: connect: connection refused`})(rw, r, nil)
			return
		}
		rw.Header().Set("Content-Type", "application/json")
		rw.Write([]byte(`{"status":"Pulling from p","id":"latest"}` + "\r\n" +
			`{"errorDetail":{"message":"dial tcp 127.0.0.1:9: connect: connection refused"},"error":"dial tcp 127.0.0.1:9: connect: connection refused"}` + "\r\n"))
	})
	ctx := t.Context()
	ps := endpoints.NewPlugins(w)
	_, err := ps.Pull(ctx, "127.0.0.1:9/early", endpoints.PluginPullOptions{})
	var werr *wire.Error
	if assert.ErrorAs(t, err, &werr, "early failure") {
		assert.Equal(t, 500, werr.StatusCode, "early failure")
		assert.Contains(t, werr.Message, "connection refused", "early failure")
	}
	var statuses []string
	_, err = ps.Pull(ctx, "127.0.0.1:9/p", endpoints.PluginPullOptions{Progress: func(p endpoints.Progress) {
		statuses = append(statuses, p.Status)
	}})
	var serr *wire.StreamError
	if assert.ErrorAs(t, err, &serr, "stream failure") {
		assert.Contains(t, serr.Message, "connection refused", "stream failure")
	}
	assert.Equal(t, []string{"Pulling from p"}, statuses)
}

// TestPluginDecode decodes a plugin as dockerd 20.10 reports it.
func TestPluginDecode(t *testing.T) {
	f, w := newFake(t, "1.41")
	f.on("GET /plugins", func(rw http.ResponseWriter, r *http.Request, _ []byte) {
		rw.Write([]byte(`[{"Config":{"Args":{"Description":"","Name":"","Settable":null,"Value":null},"Description":"sshFS plugin for Docker",
"DockerVersion":"18.05.0-ce-rc1","Documentation":"https://docs.docker.com/engine/extend/plugins/","Entrypoint":["/docker-volume-sshfs"],
"Env":[{"Description":"","Name":"DEBUG","Settable":["value"],"Value":"0"}],"Interface":{"Socket":"sshfs.sock","Types":["docker.volumedriver/1.0"]},
"IpcHost":false,"Linux":{"AllowAllDevices":false,"Capabilities":["CAP_SYS_ADMIN"],"Devices":[{"Description":"","Name":"","Path":"/dev/fuse","Settable":null}]},
"Mounts":[{"Description":"","Destination":"/mnt/state","Name":"state","Options":["rbind"],"Settable":["source"],"Source":"/var/lib/docker/plugins/","Type":""}],
"Network":{"Type":"host"},"PidHost":false,"PropagatedMount":"/mnt/volumes","User":{},"WorkDir":"","rootfs":{"diff_ids":["sha256:ce2b"],"type":"layers"}},
"Enabled":true,"Id":"f1e2","Name":"vieux/sshfs:latest","PluginReference":"docker.io/vieux/sshfs:latest",
"Settings":{"Args":[],"Devices":[{"Description":"","Name":"","Path":"/dev/fuse","Settable":null}],"Env":["DEBUG=0"],"Mounts":[]}}]`))
	})
	ps, err := endpoints.NewPlugins(w).List(t.Context(), endpoints.PluginListOptions{})
	require.NoError(t, err)
	require.Len(t, ps.Items, 1, "plugins")
	p := ps.Items[0]
	assert.Equal(t, "f1e2", p.ID)
	assert.True(t, p.Enabled, "Enabled")
	assert.Equal(t, []string{"docker.volumedriver/1.0"}, p.Config.Interface.Types)
	if assert.NotNil(t, p.Config.Rootfs, "Rootfs") {
		assert.Equal(t, []string{"sha256:ce2b"}, p.Config.Rootfs.DiffIDs)
	}
	if assert.Len(t, p.Config.Env, 1) {
		assert.Equal(t, "DEBUG", p.Config.Env[0].Name)
	}
	assert.Equal(t, []string{"DEBUG=0"}, p.Settings.Env)
	if assert.Len(t, p.Config.Linux.Devices, 1) {
		assert.Equal(t, "/dev/fuse", p.Config.Linux.Devices[0].Path)
	}
}

// TestSessionUpgrade checks the h2c upgrade request and that the raw
// connection is handed over both ways.
func TestSessionUpgrade(t *testing.T) {
	leakcheck.Check(t)
	f, w := newFake(t, "1.41")
	f.on("POST /session", func(rw http.ResponseWriter, r *http.Request, body []byte) {
		ok := assert.Equal(t, "h2c", r.Header.Get("Upgrade")) &&
			assert.Equal(t, "sess-1", r.Header.Get("X-Docker-Expose-Session-Uuid")) &&
			assert.Equal(t, "ctx", r.Header.Get("X-Docker-Expose-Session-Name")) &&
			assert.Equal(t, "key", r.Header.Get("X-Docker-Expose-Session-Sharedkey")) &&
			assert.Len(t, r.Header.Values("X-Docker-Expose-Session-Grpc-Method"), 2)
		if !ok {
			onJSON(400, map[string]string{"message": "bad session headers"})(rw, r, body)
			return
		}
		hijack("", func(c net.Conn, br *bufio.Reader) {
			// Echo what the client writes, as a stand-in for h2 frames.
			line, _ := br.ReadString('\n')
			c.Write([]byte("echo " + line))
		})(rw, r, body)
	})
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	up, err := endpoints.NewSession(w).Start(ctx, endpoints.SessionStartOptions{ID: "sess-1", Name: "ctx", SharedKey: "key",
		Methods: []string{"/moby.filesync.v1.FileSync/DiffCopy", "/moby.filesync.v1.Auth/Credentials"}})
	require.NoError(t, err)
	defer up.Conn.Close()
	assert.Equal(t, 101, up.StatusCode)
	_, err = up.Conn.Write([]byte("PRI\n"))
	require.NoError(t, err)
	got, err := io.ReadAll(up.Reader)
	require.NoError(t, err)
	assert.Equal(t, "echo PRI\n", string(got))
}
