package conformance

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// removePluginLater registers the forced removal of plugin name.
func (e *Env) removePluginLater(name string) {
	ps := e.Client.Plugins
	e.Cleanup(func(ctx context.Context) error {
		_, err := ps.Delete(ctx, name, endpoints.PluginDeleteOptions{Force: true})
		if errors.Is(err, wire.ErrNotFound) {
			return nil
		}
		return err
	})
}

// pluginTar is a plugin's build context: config.json and an empty rootfs.
// It is never enabled, so its entrypoint never runs.
func pluginTar() *bytes.Buffer {
	const config = `{"description":"dockwire conformance plugin","documentation":"https://example.invalid/dockwire",` +
		`"entrypoint":["/bin/true"],"interface":{"types":["docker.dummy/1.0"],"socket":"dw.sock"},` +
		`"network":{"type":"host"},"env":[{"name":"DEBUG","settable":["value"],"value":"0"}]}`
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "config.json", Mode: 0o644, Size: int64(len(config)), Typeflag: tar.TypeReg})
	tw.Write([]byte(config))
	tw.WriteHeader(&tar.Header{Name: "rootfs/", Mode: 0o755, Typeflag: tar.TypeDir})
	tw.Close()
	return &buf
}

// pluginScenarios are the scenarios of plugins: pull, create, enable, remove.
var pluginScenarios = []scenario{
	// A registry on a closed loopback port: the daemon fails to reach it,
	// and the failure arrives typed, either as the answer's *wire.Error or
	// inside the progress stream as a *wire.StreamError.
	{"plugins/pull/unreachable-registry-typed-error", func(e *Env) {
		const remote = "127.0.0.1:9/p"
		name := "dw-plugin-" + e.RunID
		ps := e.Client.Plugins
		e.removePluginLater(name)
		// dockerd 20.10 answers 200 [] for a registry it cannot reach;
		// newer daemons and the mock answer an error status.
		privs, err := ps.Privileges(e.Ctx, remote, endpoints.PluginPrivilegesOptions{})
		var werr *wire.Error
		if err != nil && (!errors.As(err, &werr) || werr.StatusCode < 400) {
			e.T.Errorf("privileges of %s: %v, want a *wire.Error", remote, err)
		}
		if err == nil && len(privs.Items) != 0 {
			e.T.Errorf("privileges of an unreachable %s: %+v", remote, privs)
		}
		// dockerd fails in the progress stream (a *wire.StreamError), the
		// mock before it (a *wire.Error).
		_, err = ps.Pull(e.Ctx, remote, endpoints.PluginPullOptions{Name: name})
		var serr *wire.StreamError
		if !errors.As(err, &serr) && (!errors.As(err, &werr) || werr.StatusCode < 400) {
			e.T.Errorf("pull of %s: %v, want a *wire.StreamError or *wire.Error", remote, err)
		}
		if _, err := ps.Inspect(e.Ctx, name, endpoints.PluginInspectOptions{}); !errors.Is(err, wire.ErrNotFound) {
			e.T.Errorf("inspect after a failed pull: %v, want wire.ErrNotFound", err)
		}
		list, err := ps.List(e.Ctx, endpoints.PluginListOptions{})
		if err != nil {
			e.T.Fatalf("list: %v", err)
		}
		for _, p := range list.Items {
			if strings.HasPrefix(p.Name, name) {
				e.T.Errorf("plugin %s installed by a failed pull", p.Name)
			}
		}
	}},

	{"plugins/errors/not-found-and-bad-create", func(e *Env) {
		ps := e.Client.Plugins
		missing := "dw-missing-plugin-" + e.RunID
		checks := []struct {
			what string
			err  error
		}{
			{"inspect", func() error { _, err := ps.Inspect(e.Ctx, missing, endpoints.PluginInspectOptions{}); return err }()},
			{"enable", func() error { _, err := ps.Enable(e.Ctx, missing, endpoints.PluginEnableOptions{}); return err }()},
			{"disable", func() error { _, err := ps.Disable(e.Ctx, missing, endpoints.PluginDisableOptions{}); return err }()},
			{"delete", func() error { _, err := ps.Delete(e.Ctx, missing, endpoints.PluginDeleteOptions{}); return err }()},
			{"set", func() error {
				_, err := ps.Set(e.Ctx, missing, endpoints.PluginSetOptions{Args: []string{"DEBUG=1"}})
				return err
			}()},
		}
		for _, c := range checks {
			if !errors.Is(c.err, wire.ErrNotFound) {
				e.T.Errorf("%s of a missing plugin: %v, want wire.ErrNotFound", c.what, c.err)
			}
		}
		// A plugin tar without config.json is refused.
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		tw.WriteHeader(&tar.Header{Name: "rootfs/", Typeflag: tar.TypeDir, Mode: 0o755})
		tw.Close()
		name := "dw-bad-plugin-" + e.RunID
		e.removePluginLater(name)
		_, err := ps.Create(e.Ctx, name, &buf, endpoints.PluginCreateOptions{})
		var werr *wire.Error
		if !errors.As(err, &werr) || werr.StatusCode < 400 {
			e.T.Errorf("create from a tar without config.json: %v, want a *wire.Error", err)
		}
	}},

	// A plugin made from a local tar (no registry): created disabled,
	// listed, inspected, its settings changed; push and upgrade against a
	// registry nobody listens on fail typed; removal makes it 404.
	{"plugins/create/local-lifecycle", func(e *Env) {
		ps := e.Client.Plugins
		name := closedRegistry + "/dw-plugin-" + e.RunID + ":latest"
		e.removePluginLater(name)
		if _, err := ps.Create(e.Ctx, name, pluginTar(), endpoints.PluginCreateOptions{}); err != nil {
			e.T.Fatalf("create %s: %v", name, err)
		}
		p, err := ps.Inspect(e.Ctx, name, endpoints.PluginInspectOptions{})
		if err != nil {
			e.T.Fatalf("inspect: %v", err)
		}
		if p.Name != name || p.Enabled || p.ID == "" || !slices.Contains(p.Config.Interface.Types, "docker.dummy/1.0") {
			e.T.Errorf("inspect %s: name %q enabled %v id %q types %v", name, p.Name, p.Enabled, p.ID, p.Config.Interface.Types)
		}
		if !slices.Contains(p.Settings.Env, "DEBUG=0") {
			e.T.Errorf("settings env %v, want DEBUG=0", p.Settings.Env)
		}
		list, err := ps.List(e.Ctx, endpoints.PluginListOptions{})
		if err != nil {
			e.T.Fatalf("list: %v", err)
		}
		if !slices.ContainsFunc(list.Items, func(x endpoints.Plugin) bool { return x.ID == p.ID }) {
			e.T.Errorf("list lacks %s", name)
		}
		if _, err := ps.Set(e.Ctx, name, endpoints.PluginSetOptions{Args: []string{"DEBUG=1"}}); err != nil {
			e.T.Fatalf("set DEBUG=1: %v", err)
		}
		if p, err := ps.Inspect(e.Ctx, name, endpoints.PluginInspectOptions{}); err != nil || !slices.Contains(p.Settings.Env, "DEBUG=1") {
			e.T.Errorf("after set: env %v, %v, want DEBUG=1", p.Settings.Env, err)
		}
		// A setting the plugin does not declare is refused.
		_, err = ps.Set(e.Ctx, name, endpoints.PluginSetOptions{Args: []string{"UNDECLARED=1"}})
		e.wantStatus("set of an undeclared setting", err, 500, wire.ErrInternal)
		if err := errOf(ps.Push(e.Ctx, name, endpoints.PluginPushOptions{})); !typedFailure(err) {
			e.T.Errorf("push to %s: %v, want a *wire.Error or *wire.StreamError", closedRegistry, err)
		}
		remote := closedRegistry + "/dw-plugin-" + e.RunID + ":v2"
		if err := errOf(ps.Upgrade(e.Ctx, name, remote, endpoints.PluginUpgradeOptions{})); !typedFailure(err) {
			e.T.Errorf("upgrade from %s: %v, want a *wire.Error or *wire.StreamError", remote, err)
		}
		// Disabling a disabled plugin is refused.
		_, err = ps.Disable(e.Ctx, name, endpoints.PluginDisableOptions{})
		e.wantStatus("disable of a disabled plugin", err, 409, wire.ErrConflict)
		if _, err := ps.Delete(e.Ctx, name, endpoints.PluginDeleteOptions{}); err != nil {
			e.T.Fatalf("delete: %v", err)
		}
		_, err = ps.Inspect(e.Ctx, name, endpoints.PluginInspectOptions{})
		e.wantStatus("inspect after delete", err, 404, wire.ErrNotFound)
	}},

	{"plugins/create/name-taken-conflict", func(e *Env) {
		ps := e.Client.Plugins
		name := "dw-plugin-twice-" + e.RunID + ":latest"
		e.removePluginLater(name)
		if _, err := ps.Create(e.Ctx, name, pluginTar(), endpoints.PluginCreateOptions{}); err != nil {
			e.T.Fatalf("create: %v", err)
		}
		_, err := ps.Create(e.Ctx, name, pluginTar(), endpoints.PluginCreateOptions{})
		var werr *wire.Error
		if !errors.As(err, &werr) || werr.StatusCode < 400 || !strings.Contains(strings.ToLower(werr.Message), "exist") {
			e.T.Errorf("second create of %s: %v, want a *wire.Error saying it exists", name, err)
		}
	}},
}
