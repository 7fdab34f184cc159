package ssh_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/dial"
	_ "github.com/dockwire/dockwire/dial/ssh"
	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/internal/sshtest"
	"github.com/dockwire/dockwire/internal/testnet"
	"github.com/dockwire/dockwire/mockdaemon"
	"github.com/dockwire/dockwire/mux"
	"github.com/dockwire/dockwire/wire"
)

// fixture is a mock daemon on a unix socket, an ssh server in front of it,
// and a user whose ~/.ssh (dir) holds an authorized id_ed25519 and a
// known_hosts that knows the server.
type fixture struct {
	t      testing.TB
	srv    *sshtest.Server
	daemon *mockdaemon.Daemon
	sock   string // the daemon's socket
	key    *sshtest.Key
	dir    string // ~/.ssh
}

func newFixture(t testing.TB, cfg sshtest.Config) *fixture {
	t.Helper()
	d, host := mockdaemon.StartUnix(t, mockdaemon.Config{})
	f := &fixture{t: t, daemon: d, sock: strings.TrimPrefix(host, "unix://"), key: sshtest.NewKey(t)}
	f.dir = filepath.Join(testnet.ShortTempDir(t), ".ssh")
	require.NoError(t, os.Mkdir(f.dir, 0o700))
	cfg.AuthorizedKeys = append(cfg.AuthorizedKeys, f.key.Public)
	if cfg.Socket == "" {
		cfg.Socket = f.sock
	}
	f.srv = sshtest.Start(t, cfg)
	f.write("id_ed25519", f.key.PEM)
	f.write("known_hosts", []byte(f.srv.KnownHostsLine()))
	return f
}

// write writes a file of ~/.ssh.
func (f *fixture) write(name string, data []byte) string {
	f.t.Helper()
	p := filepath.Join(f.dir, name)
	require.NoError(f.t, os.WriteFile(p, data, 0o600))
	return p
}

// host is the ssh:// address of the daemon, as user "me".
func (f *fixture) host() string { return "ssh://me@" + f.srv.Addr + f.sock }

// config is a Config for the daemon over ssh, with f's ~/.ssh and no agent.
func (f *fixture) config() dial.Config {
	return dial.Config{Host: f.host(), SSH: &dial.SSHOptions{Dir: f.dir}}
}

// client returns a client for cfg, closed when the test ends.
func (f *fixture) client(cfg dial.Config) *dockwire.Client {
	f.t.Helper()
	cli, err := dockwire.New(cfg, nil)
	require.NoError(f.t, err)
	f.t.Cleanup(func() { cli.Close() })
	return cli
}

// ctx is a context for one test step.
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// runningContainer creates and starts a container running cmd with stdin
// open, attached before the start when attach is set. cli removes it when
// the test ends: it must still be open then.
func runningContainer(t *testing.T, cli *dockwire.Client, image string, cmd []string, attach bool) (string, *mux.Conn) {
	t.Helper()
	c := ctx(t)
	res, err := cli.Containers.Create(c, endpoints.ContainerCreateOptions{Config: endpoints.ContainerConfig{
		Image: image, Cmd: cmd, OpenStdin: true, StdinOnce: true,
		AttachStdin: true, AttachStdout: true, AttachStderr: true,
		Labels: map[string]string{"dockwire.test": t.Name()},
	}})
	require.NoError(t, err)
	t.Cleanup(func() {
		// t.Context() is done when cleanups run.
		c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := cli.Containers.Delete(c, res.ID, endpoints.ContainerDeleteOptions{Force: true}); !errors.Is(err, wire.ErrNotFound) {
			assert.NoError(t, err, "remove container")
		}
	})
	var conn *mux.Conn
	if attach {
		conn, err = cli.Containers.Attach(c, res.ID, endpoints.ContainerAttachOptions{Stdin: true, Stdout: true, Stderr: true})
		require.NoError(t, err)
		t.Cleanup(func() { conn.Close() })
	}
	_, err = cli.Containers.Start(c, res.ID, endpoints.ContainerStartOptions{})
	require.NoError(t, err)
	return res.ID, conn
}

// roundTrip writes in to conn's stdin from its own goroutine, half-closes
// it, and returns what comes back on stdout and stderr.
func roundTrip(t *testing.T, conn *mux.Conn, in io.Reader) (stdout, stderr []byte) {
	t.Helper()
	werr := make(chan error, 1)
	go func() {
		_, err := io.Copy(conn, in)
		if err == nil {
			err = conn.CloseWrite()
		}
		werr <- err
	}()
	var o, e bytes.Buffer
	_, err := conn.Demux(&o, &e)
	require.NoError(t, err)
	require.NoError(t, <-werr)
	return o.Bytes(), e.Bytes()
}
