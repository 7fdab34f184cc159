package conformance

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"time"

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

func init() {
	// A registry on a closed loopback port: the daemon fails to reach it,
	// and the failure arrives typed, either as the answer's *wire.Error or
	// inside the progress stream as a *wire.StreamError.
	register("plugins/pull/unreachable-registry-typed-error", func(e *Env) {
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
	})

	register("plugins/errors/not-found-and-bad-create", func(e *Env) {
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
	})

	// Session (deprecated) lives here for want of a file of its own: the
	// h2c upgrade hands over the raw connection, on which the daemon, a
	// gRPC client, opens HTTP/2 with the client preface.
	register("session/start/h2c-upgrade", func(e *Env) {
		up, err := e.Client.Session.Start(e.Ctx, endpoints.SessionStartOptions{ID: "dw-session-" + e.RunID, Name: "conformance", SharedKey: e.RunID})
		if err != nil {
			e.T.Fatalf("session: %v", err)
		}
		defer up.Conn.Close()
		if up.StatusCode != 101 || !strings.EqualFold(up.Header.Get("Upgrade"), "h2c") {
			e.T.Errorf("session answer %d, Upgrade %q, want 101 h2c", up.StatusCode, up.Header.Get("Upgrade"))
		}
		const preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
		up.Conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		b := make([]byte, len(preface))
		if _, err := io.ReadFull(up.Reader, b); err != nil || string(b) != preface {
			e.T.Errorf("first bytes from the daemon %q, %v, want the HTTP/2 client preface", b, err)
		}
	})
}
