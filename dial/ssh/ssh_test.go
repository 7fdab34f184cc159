package ssh_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	xssh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/dockwire/dockwire/dial"
	"github.com/dockwire/dockwire/dial/ssh"
	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/endpoints/attachws"
	"github.com/dockwire/dockwire/internal/digest"
	"github.com/dockwire/dockwire/internal/leakcheck"
	"github.com/dockwire/dockwire/internal/sshtest"
	"github.com/dockwire/dockwire/internal/testnet"
	"github.com/dockwire/dockwire/mockdaemon"
)

func TestKnownHostAccepted(t *testing.T) {
	leakcheck.Check(t)
	f := newFixture(t, sshtest.Config{})
	cli := f.client(f.config())
	res, err := cli.System.Ping(ctx(t), endpoints.SystemPingOptions{})
	require.NoError(t, err)
	assert.Equal(t, "linux", res.OSType)
	assert.Equal(t, 1, f.srv.Conns())
	assert.Equal(t, []string{"me"}, f.srv.Users())
	total, _ := f.srv.Channels()
	assert.Positive(t, total)
	assert.Empty(t, f.srv.Commands(), "streamlocal needs no remote command")
}

// Many parallel requests share one ssh connection, each on a channel of
// its own.
func TestParallelRequestsShareOneConnection(t *testing.T) {
	leakcheck.Check(t)
	f := newFixture(t, sshtest.Config{})
	cli := f.client(f.config())
	c := ctx(t)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 64 {
		wg.Go(func() {
			var err error
			if i%2 == 0 {
				_, err = cli.System.Ping(c, endpoints.SystemPingOptions{})
			} else {
				_, err = cli.Containers.List(c, endpoints.ContainerListOptions{All: true})
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 1, f.srv.Conns(), "one ssh connection for every request")
	total, _ := f.srv.Channels()
	assert.Greater(t, total, 1, "parallel requests run on channels of their own")
	assert.LessOrEqual(t, total, 10, "the pool (10) keeps its channels for reuse")
}

// A dead ssh connection is made again on the next request.
func TestRedialDeadConnection(t *testing.T) {
	leakcheck.Check(t)
	f := newFixture(t, sshtest.Config{})
	cli := f.client(f.config())
	_, err := cli.System.Ping(ctx(t), endpoints.SystemPingOptions{})
	require.NoError(t, err)
	f.srv.DropConns()
	require.Eventually(t, func() bool { return f.srv.Live() == 0 }, 5*time.Second, 10*time.Millisecond)
	_, err = cli.Containers.List(ctx(t), endpoints.ContainerListOptions{})
	require.NoError(t, err)
	assert.Equal(t, 2, f.srv.Conns())
}

// Keep-alives go out every KeepAlive; a server that stops answering is
// dropped, and the next request dials again.
func TestKeepAlive(t *testing.T) {
	leakcheck.Check(t)
	t.Run("answered", func(t *testing.T) {
		f := newFixture(t, sshtest.Config{})
		cfg := f.config()
		cfg.KeepAlive = 50 * time.Millisecond // answers may take 3 intervals: room for a loaded machine
		cli := f.client(cfg)
		_, err := cli.System.Ping(ctx(t), endpoints.SystemPingOptions{})
		require.NoError(t, err)
		require.Eventually(t, func() bool { return f.srv.GlobalRequests() >= 3 }, 5*time.Second, 10*time.Millisecond)
		assert.Equal(t, 1, f.srv.Live(), "answered keep-alives keep the connection")
	})
	t.Run("server gone", func(t *testing.T) {
		leakcheck.Check(t) // the keep-alive loop ends with its connection
		f := newFixture(t, sshtest.Config{})
		cfg := f.config()
		cfg.KeepAlive = 50 * time.Millisecond // answers may take 3 intervals: room for a loaded machine
		cli := f.client(cfg)
		_, err := cli.System.Ping(ctx(t), endpoints.SystemPingOptions{})
		require.NoError(t, err)
		f.srv.DropConns()
		time.Sleep(10 * cfg.KeepAlive) // a keep-alive fails before the next request
		_, err = cli.System.Ping(ctx(t), endpoints.SystemPingOptions{})
		require.NoError(t, err)
		assert.Equal(t, 2, f.srv.Conns())
	})
	t.Run("unanswered", func(t *testing.T) {
		f := newFixture(t, sshtest.Config{Mute: true})
		cfg := f.config()
		cfg.KeepAlive = 20 * time.Millisecond
		cli := f.client(cfg)
		_, err := cli.System.Ping(ctx(t), endpoints.SystemPingOptions{})
		require.NoError(t, err)
		require.Eventually(t, func() bool { return f.srv.Live() == 0 }, 5*time.Second, 10*time.Millisecond,
			"an unanswered keep-alive drops the connection")
		_, err = cli.System.Ping(ctx(t), endpoints.SystemPingOptions{})
		require.NoError(t, err)
		assert.Equal(t, 2, f.srv.Conns())
	})
}

// Cancelling a request closes its channel, never the shared connection.
func TestCancelClosesChannelNotConnection(t *testing.T) {
	leakcheck.Check(t)
	f := newFixture(t, sshtest.Config{})
	cli := f.client(f.config())
	id, _ := runningContainer(t, cli, mockdaemon.DefaultImage, []string{"sh", "-c", "echo start; sleep 60"}, false)

	c, cancel := context.WithCancel(ctx(t))
	defer cancel()
	logs, err := cli.Containers.Logs(c, id, endpoints.ContainerLogsOptions{Follow: true})
	require.NoError(t, err)
	defer logs.Close()
	first := make([]byte, 8+len("start\n")) // a stdcopy frame header, then the line
	_, err = io.ReadFull(logs, first)
	require.NoError(t, err)
	assert.Equal(t, "start\n", string(first[8:]))
	_, openBefore := f.srv.Channels()

	cancel()
	_, err = logs.Read(make([]byte, 1))
	assert.ErrorIs(t, err, context.Canceled)
	require.Eventually(t, func() bool { _, open := f.srv.Channels(); return open == openBefore-1 }, 5*time.Second, 10*time.Millisecond,
		"the cancelled request's channel is closed")
	assert.Equal(t, 1, f.srv.Live(), "the ssh connection stays")
	_, err = cli.System.Ping(ctx(t), endpoints.SystemPingOptions{})
	require.NoError(t, err)
	assert.Equal(t, 1, f.srv.Conns(), "and serves the next request")
}

// Client.Close closes the ssh connection, once the streams open on it
// are closed.
func TestClientCloseClosesConnection(t *testing.T) {
	leakcheck.Check(t)
	f := newFixture(t, sshtest.Config{})
	keeper := f.client(dial.Config{Host: "unix://" + f.sock}) // makes and removes the container
	id, _ := runningContainer(t, keeper, mockdaemon.DefaultImage, []string{"cat"}, false)
	cli := f.client(f.config())
	conn, err := cli.Containers.Attach(ctx(t), id, endpoints.ContainerAttachOptions{Stdin: true, Stdout: true, Stderr: true})
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, cli.Close())
	// The attach stream still works, on the still open connection.
	_, err = conn.Write([]byte("still here\n"))
	require.NoError(t, err)
	require.NoError(t, conn.CloseWrite())
	var out bytes.Buffer
	_, err = conn.Demux(&out, &out)
	require.NoError(t, err)
	assert.Equal(t, "still here\n", out.String())
	assert.Equal(t, 1, f.srv.Live())
	require.NoError(t, conn.Close())
	require.Eventually(t, func() bool { return f.srv.Live() == 0 }, 5*time.Second, 10*time.Millisecond,
		"the last stream closed, the ssh connection closes")
	_, err = cli.System.Ping(ctx(t), endpoints.SystemPingOptions{})
	assert.ErrorIs(t, err, net.ErrClosed)
}

// Attach and exec streams half-close through a channel: the process sees
// the end of its stdin and its output keeps coming.
func TestAttachAndExecHalfClose(t *testing.T) {
	leakcheck.Check(t)
	f := newFixture(t, sshtest.Config{})
	cli := f.client(f.config())
	in := bytes.Repeat([]byte("dockwire over ssh\n"), 20000) // 360 KB: more than a channel window
	t.Run("attach", func(t *testing.T) {
		id, conn := runningContainer(t, cli, mockdaemon.DefaultImage, []string{"cat"}, true)
		out, errb := roundTrip(t, conn, bytes.NewReader(in))
		assert.Equal(t, len(in), len(out))
		assert.True(t, bytes.Equal(in, out), "cat gives its stdin back")
		assert.Empty(t, errb)
		res, err := cli.Containers.Wait(ctx(t), id, endpoints.ContainerWaitOptions{})
		require.NoError(t, err)
		assert.Zero(t, res.StatusCode)
	})
	t.Run("exec", func(t *testing.T) {
		id, _ := runningContainer(t, cli, mockdaemon.DefaultImage, []string{"sleep", "60"}, false)
		ex, err := cli.Exec.Create(ctx(t), id, endpoints.ExecCreateOptions{Cmd: []string{"sh", "-c", "cat; echo done >&2; exit 4"},
			AttachStdin: true, AttachStdout: true, AttachStderr: true})
		require.NoError(t, err)
		conn, err := cli.Exec.Start(ctx(t), ex.ID, endpoints.ExecStartOptions{})
		require.NoError(t, err)
		defer conn.Close()
		out, errb := roundTrip(t, conn, bytes.NewReader(in))
		assert.True(t, bytes.Equal(in, out), "cat gives its stdin back (%d of %d bytes)", len(out), len(in))
		assert.Equal(t, "done\n", string(errb))
		insp, err := cli.Exec.Inspect(ctx(t), ex.ID, endpoints.ExecInspectOptions{})
		require.NoError(t, err)
		require.NotNil(t, insp.ExitCode)
		assert.Equal(t, 4, *insp.ExitCode)
	})
}

// Without known_hosts, or with another key for the host, the server is
// refused with a *HostKeyError naming host, key type and fingerprint.
func TestHostKeyRefused(t *testing.T) {
	leakcheck.Check(t)
	f := newFixture(t, sshtest.Config{})
	other := sshtest.NewKey(t)
	wantFP := xssh.FingerprintSHA256(f.srv.HostKey.Public)
	tests := []struct {
		name             string
		knownHosts       string // "" removes the file
		changed, revoked bool
	}{
		{"no known_hosts", "", false, false},
		{"empty known_hosts", "# nothing\n", false, false},
		{"unknown host", "[127.0.0.1]:1 " + other.AuthorizedKey(), false, false},
		{"changed key", "[127.0.0.1]:" + f.srv.Port() + " " + other.AuthorizedKey(), true, false},
		{"revoked key", f.srv.KnownHostsLine() + "@revoked * " + f.srv.HostKey.AuthorizedKey(), false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.knownHosts == "" {
				require.NoError(t, os.Remove(filepath.Join(f.dir, "known_hosts")))
			} else {
				f.write("known_hosts", []byte(tt.knownHosts))
			}
			cli := f.client(f.config())
			_, err := cli.System.Ping(ctx(t), endpoints.SystemPingOptions{})
			require.Error(t, err)
			var hke *ssh.HostKeyError
			require.ErrorAs(t, err, &hke)
			assert.Equal(t, "[127.0.0.1]:"+f.srv.Port(), hke.Host)
			assert.Equal(t, "ssh-ed25519", hke.KeyType)
			assert.Equal(t, wantFP, hke.Fingerprint)
			assert.Equal(t, tt.changed, hke.Changed)
			assert.Equal(t, tt.revoked, hke.Revoked)
			assert.Contains(t, err.Error(), wantFP)
			var de *dial.Error
			require.ErrorAs(t, err, &de)
			assert.Equal(t, "ssh", de.Op)
			if tt.knownHosts == "" {
				assert.Contains(t, err.Error(), "no known_hosts file: none of "+filepath.Join(f.dir, "known_hosts")+", ")
			}
			if tt.changed {
				assert.Contains(t, err.Error(), "CHANGED")
				require.Len(t, hke.Known, 1)
				assert.Contains(t, hke.Known[0], "known_hosts:1")
			}
		})
	}
	// Only the explicit callback gets past it.
	t.Run("HostKeyCallback", func(t *testing.T) {
		f.write("known_hosts", nil)
		cfg := f.config()
		var err error
		var closeSSH func() error
		cfg.Dial, closeSSH, err = ssh.Dialer(cfg, ssh.Options{HostKeyCallback: xssh.FixedHostKey(f.srv.HostKey.Public)})
		require.NoError(t, err)
		defer closeSSH()
		cli := f.client(cfg)
		_, err = cli.System.Ping(ctx(t), endpoints.SystemPingOptions{})
		require.NoError(t, err)

		// A callback that refuses is obeyed.
		cfg = f.config()
		refuse := errors.New("not this one")
		cfg.Dial, closeSSH, err = ssh.Dialer(cfg, ssh.Options{HostKeyCallback: func(string, net.Addr, xssh.PublicKey) error { return refuse }})
		require.NoError(t, err)
		defer closeSSH()
		_, err = f.client(cfg).System.Ping(ctx(t), endpoints.SystemPingOptions{})
		require.ErrorIs(t, err, refuse)
	})
}

// Websocket attach dials through the client's dialer: a channel too.
func TestWebsocketAttach(t *testing.T) {
	leakcheck.Check(t)
	f := newFixture(t, sshtest.Config{})
	cli := f.client(f.config())
	id, _ := runningContainer(t, cli, mockdaemon.DefaultImage, []string{"cat"}, false)
	ws, err := attachws.Attach(ctx(t), cli.Wire(), id, attachws.Options{})
	require.NoError(t, err)
	defer ws.Close()
	_, err = ws.Write([]byte("over a websocket\n"))
	require.NoError(t, err)
	buf := make([]byte, len("over a websocket\n"))
	_, err = io.ReadFull(ws, buf)
	require.NoError(t, err)
	assert.Equal(t, "over a websocket\n", string(buf))
	assert.Equal(t, 1, f.srv.Conns())
}

// A handshake that never completes stops at the ctx's end, or at
// DialTimeout.
func TestHandshakeCancel(t *testing.T) {
	leakcheck.Check(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	testnet.Serve(t, l, func(c net.Conn) { io.Copy(io.Discard, c) }) // never says a word
	opts := &dial.SSHOptions{Dir: t.TempDir()}
	for _, tt := range []struct {
		name    string
		cfg     dial.Config
		cancel  bool
		wantErr error
	}{
		{"ctx cancelled", dial.Config{Host: "ssh://me@" + l.Addr().String(), SSH: opts}, true, context.Canceled},
		{"DialTimeout", dial.Config{Host: "ssh://me@" + l.Addr().String(), SSH: opts, DialTimeout: 100 * time.Millisecond}, false, context.DeadlineExceeded},
	} {
		t.Run(tt.name, func(t *testing.T) {
			open, closeSSH, err := tt.cfg.Open()
			require.NoError(t, err)
			defer closeSSH()
			c, cancel := context.WithCancel(t.Context())
			defer cancel()
			if tt.cancel {
				time.AfterFunc(100*time.Millisecond, cancel)
			}
			start := time.Now()
			conn, err := open(c)
			if err == nil {
				conn.Close()
			}
			require.ErrorIs(t, err, tt.wantErr)
			assert.Less(t, time.Since(start), 2*time.Second)
			var de *dial.Error
			require.ErrorAs(t, err, &de)
			assert.Equal(t, "ssh", de.Op)
		})
	}
}

// Known keys are found in hashed known_hosts lines too, and a server with
// several host keys is asked for one known_hosts has (x/crypto would pick
// ECDSA before Ed25519 by default).
func TestKnownHostsForms(t *testing.T) {
	leakcheck.Check(t)
	ecdsaKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ecdsaSigner, err := xssh.NewSignerFromKey(ecdsaKey)
	require.NoError(t, err)
	f := newFixture(t, sshtest.Config{MoreHostKeys: []xssh.Signer{ecdsaSigner}})
	line := knownhosts.HashHostname(knownhosts.Normalize(f.srv.Addr)) + " " + f.srv.HostKey.AuthorizedKey()
	f.write("known_hosts", []byte("# hashed\n"+line))
	_, err = f.client(f.config()).System.Ping(ctx(t), endpoints.SystemPingOptions{})
	require.NoError(t, err)
}

// After close, the Func fails with net.ErrClosed.
func TestDialAfterClose(t *testing.T) {
	leakcheck.Check(t)
	f := newFixture(t, sshtest.Config{})
	open, closeSSH, err := f.config().Open()
	require.NoError(t, err)
	conn, err := open(ctx(t))
	require.NoError(t, err)
	require.NoError(t, closeSSH())
	assert.Equal(t, 1, f.srv.Live(), "open channels keep the connection")
	_, err = open(ctx(t))
	require.ErrorIs(t, err, net.ErrClosed)
	require.NoError(t, conn.Close())
	require.Eventually(t, func() bool { return f.srv.Live() == 0 }, 5*time.Second, 10*time.Millisecond)
}

// The ssh config names the host, port, user, key and known_hosts of an
// alias.
func TestSSHConfigAlias(t *testing.T) {
	leakcheck.Check(t)
	f := newFixture(t, sshtest.Config{})
	key := f.write("daemon_key", f.key.PEM)
	kh := f.write("daemon_known_hosts", []byte(f.srv.KnownHostsLine()))
	f.write("known_hosts", nil)
	f.write("id_ed25519", sshtest.NewKey(t).PEM)
	f.write("config", []byte("Host docker-box\n  HostName 127.0.0.1\n  Port "+f.srv.Port()+
		"\n  User deploy\n  IdentityFile "+key+"\n  UserKnownHostsFile "+kh+"\n"))
	cfg := f.config()
	cfg.Host = "ssh://docker-box" + f.sock
	_, err := f.client(cfg).System.Ping(ctx(t), endpoints.SystemPingOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{"deploy"}, f.srv.Users())
}

// ssh:// hosts come from DOCKER_HOST and from docker contexts, with
// ~/.ssh from HOME and the agent from SSH_AUTH_SOCK.
func TestFromEnvironment(t *testing.T) {
	leakcheck.Check(t)
	f := newFixture(t, sshtest.Config{})
	home := filepath.Dir(f.dir)
	require.NoError(t, os.Remove(filepath.Join(f.dir, "id_ed25519"))) // the agent has the key
	agentSock := sshtest.Agent(t, testnet.ShortTempDir(t), f.key)
	meta, err := json.Marshal(map[string]any{"Name": "remote", "Endpoints": map[string]any{"docker": map[string]any{"Host": f.host()}}})
	require.NoError(t, err)
	metaDir := filepath.Join(home, ".docker", "contexts", "meta", digest.SHA256Hex("remote"))
	require.NoError(t, os.MkdirAll(metaDir, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(metaDir, "meta.json"), meta, 0o600))
	for name, env := range map[string]map[string]string{
		"DOCKER_HOST":    {"HOME": home, "SSH_AUTH_SOCK": agentSock, "DOCKER_HOST": f.host()},
		"DOCKER_CONTEXT": {"HOME": home, "SSH_AUTH_SOCK": agentSock, "DOCKER_CONTEXT": "remote"},
	} {
		t.Run(name, func(t *testing.T) {
			cfg, err := dial.FromLookup(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
			require.NoError(t, err)
			_, err = f.client(cfg).System.Ping(ctx(t), endpoints.SystemPingOptions{})
			require.NoError(t, err)
		})
	}
	assert.Equal(t, 2, f.srv.Conns())
}
