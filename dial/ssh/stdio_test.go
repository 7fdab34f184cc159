package ssh_test

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/dial"
	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/internal/leakcheck"
	"github.com/dockwire/dockwire/internal/sshtest"
	"github.com/dockwire/dockwire/internal/testnet"
	"github.com/dockwire/dockwire/mockdaemon"
)

// A server that refuses streamlocal forwarding gets docker system
// dial-stdio sessions instead; once one has carried data, streamlocal is
// not tried again on that connection.
func TestDialStdioFallback(t *testing.T) {
	leakcheck.Check(t)
	f := newFixture(t, sshtest.Config{NoStreamLocal: true})
	cli := f.client(f.config())
	_, err := cli.System.Ping(ctx(t), endpoints.SystemPingOptions{})
	require.NoError(t, err)
	id, conn := runningContainer(t, cli, mockdaemon.DefaultImage, []string{"cat"}, true)
	out, _ := roundTrip(t, conn, strings.NewReader("through dial-stdio\n"))
	assert.Equal(t, "through dial-stdio\n", string(out), "attach with stdin and half-close")
	_, err = cli.Containers.Wait(ctx(t), id, endpoints.ContainerWaitOptions{})
	require.NoError(t, err)

	cmds := f.srv.Commands()
	total, _ := f.srv.Channels()
	assert.Len(t, cmds, total, "every channel is a dial-stdio session")
	assert.Greater(t, total, 1, "the attach needed a channel of its own")
	assert.Equal(t, 1, f.srv.Rejected(), "streamlocal tried once")
	want := "docker --host 'unix://" + f.sock + "' system dial-stdio"
	for _, c := range cmds {
		assert.Equal(t, want, c)
	}
	assert.Equal(t, 1, f.srv.Conns())
}

// SSHMode picks one mode for good.
func TestSSHMode(t *testing.T) {
	leakcheck.Check(t)
	t.Run("dial-stdio by choice", func(t *testing.T) {
		f := newFixture(t, sshtest.Config{})
		cfg := f.config()
		cfg.SSH.Mode = dial.SSHDialStdio
		cfg.Host = "ssh://me@" + f.srv.Addr // no path: the remote's default daemon
		_, err := f.client(cfg).System.Ping(ctx(t), endpoints.SystemPingOptions{})
		require.NoError(t, err)
		assert.Equal(t, []string{"docker system dial-stdio"}, f.srv.Commands())
	})
	t.Run("streamlocal only, refused", func(t *testing.T) {
		f := newFixture(t, sshtest.Config{NoStreamLocal: true})
		cfg := f.config()
		cfg.SSH.Mode = dial.SSHStreamLocal
		_, err := f.client(cfg).System.Ping(ctx(t), endpoints.SystemPingOptions{})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "direct-streamlocal@openssh.com to "+f.sock+`: ssh: rejected: connect failed ("open failed")`)
		assert.Empty(t, f.srv.Commands(), "no fallback")
	})
}

// When the fallback fails too, the error says why both did: streamlocal
// refused, then the remote process's exit status and stderr.
func TestDialStdioFailure(t *testing.T) {
	leakcheck.Check(t)
	t.Run("no docker CLI", func(t *testing.T) {
		f := newFixture(t, sshtest.Config{NoStreamLocal: true, NoDocker: true})
		_, err := f.client(f.config()).System.Ping(ctx(t), endpoints.SystemPingOptions{})
		require.Error(t, err)
		msg := err.Error()
		assert.Contains(t, msg, "direct-streamlocal@openssh.com to "+f.sock+`: ssh: rejected: connect failed ("open failed")`)
		assert.Contains(t, msg, "; fell back to docker --host 'unix://"+f.sock+"' system dial-stdio, which failed")
		assert.Contains(t, msg, "exit status 127: sh: 1: docker: not found")
		var de *dial.Error
		require.ErrorAs(t, err, &de)
		assert.Equal(t, "ssh", de.Op)
		assert.Equal(t, len(f.srv.Commands()), f.srv.Rejected(), "without a working fallback, every channel tries streamlocal again")
	})
	t.Run("missing socket: both modes say why", func(t *testing.T) {
		f := newFixture(t, sshtest.Config{})
		cfg := f.config()
		cfg.Host = "ssh://me@" + f.srv.Addr + "/nowhere/docker.sock"
		_, err := f.client(cfg).System.Ping(ctx(t), endpoints.SystemPingOptions{})
		require.Error(t, err)
		msg := err.Error()
		assert.Contains(t, msg, `direct-streamlocal@openssh.com to /nowhere/docker.sock: ssh: rejected: connect failed ("open failed")`)
		assert.Contains(t, msg, "fell back to docker --host 'unix:///nowhere/docker.sock' system dial-stdio, which failed: remote process ended (exit status 1: error during connect:")
	})
	t.Run("no daemon at the socket", func(t *testing.T) {
		f := newFixture(t, sshtest.Config{})
		cfg := f.config()
		cfg.SSH.Mode = dial.SSHDialStdio
		cfg.Host = "ssh://me@" + f.srv.Addr + "/nowhere/d.sock"
		_, err := f.client(cfg).System.Ping(ctx(t), endpoints.SystemPingOptions{})
		require.Error(t, err)
		msg := err.Error()
		assert.Contains(t, msg, "docker --host 'unix:///nowhere/d.sock' system dial-stdio: remote process ended (exit status 1: error during connect:")
		assert.NotContains(t, msg, "streamlocal")
	})
}

// A socket path with a quote and spaces reaches the remote docker whole.
func TestDialStdioQuotesThePath(t *testing.T) {
	leakcheck.Check(t)
	dir := filepath.Join(testnet.ShortTempDir(t), "it's a dir")
	require.NoError(t, os.Mkdir(dir, 0o700))
	sock := filepath.Join(dir, "d.sock")
	l, err := net.Listen("unix", sock)
	require.NoError(t, err)
	d := mockdaemon.New(mockdaemon.Config{})
	done := make(chan struct{})
	go func() { defer close(done); d.Serve(l) }()
	t.Cleanup(func() { d.Close(); l.Close(); <-done })

	f := newFixture(t, sshtest.Config{NoStreamLocal: true})
	cfg := f.config()
	cfg.Host = "ssh://me@" + f.srv.Addr + sock
	_, err = f.client(cfg).System.Ping(ctx(t), endpoints.SystemPingOptions{})
	require.NoError(t, err)
	require.Len(t, f.srv.Commands(), 1)
	words, err := sshtest.Words(f.srv.Commands()[0])
	require.NoError(t, err)
	assert.Equal(t, []string{"docker", "--host", "unix://" + sock, "system", "dial-stdio"}, words)
}
