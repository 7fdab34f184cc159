package dial

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeSSH registers an SSHTransport that records what it is given, until
// the test ends.
func fakeSSH(t *testing.T, f Func) *[]Config {
	t.Helper()
	var got []Config
	RegisterSSH(func(c Config) (Func, func() error, error) {
		got = append(got, c)
		return f, func() error { return errors.New("closed") }, nil
	})
	t.Cleanup(func() { RegisterSSH(nil) })
	return &got
}

// Open hands an ssh host, canonical, to the registered transport with its
// options (FromLookup's defaults when Config.SSH is nil), and bounds the
// Func's calls by DialTimeout.
func TestOpenSSH(t *testing.T) {
	got := fakeSSH(t, func(ctx context.Context) (net.Conn, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	opts := &SSHOptions{Dir: "/home/me/.ssh", Mode: SSHDialStdio}
	open, closeFn, err := Config{Host: "ssh://me@box:2222/run/d.sock", SSH: opts, DialTimeout: 50 * time.Millisecond}.Open()
	require.NoError(t, err)
	require.Len(t, *got, 1)
	assert.Equal(t, "ssh://me@box:2222/run/d.sock", (*got)[0].Host)
	assert.Equal(t, opts, (*got)[0].SSH)
	start := time.Now()
	_, err = open(t.Context())
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), time.Second)
	assert.EqualError(t, closeFn(), "closed", "close is the transport's")

	t.Setenv("HOME", "/home/someone")
	t.Setenv("SSH_AUTH_SOCK", "/tmp/agent.sock")
	_, _, err = Config{Host: "ssh://box"}.Open()
	require.NoError(t, err)
	require.Len(t, *got, 2)
	assert.Equal(t, &SSHOptions{Dir: "/home/someone/.ssh", AgentSocket: "/tmp/agent.sock"}, (*got)[1].SSH)

	// Dialer is Open without close.
	f, err := Config{Host: "ssh://box"}.Dialer()
	require.NoError(t, err)
	assert.NotNil(t, f)
}

func TestOpenWithoutSSHTransport(t *testing.T) {
	RegisterSSH(nil)
	f, closeFn, err := Config{Host: "ssh://me@box"}.Open()
	assert.Nil(t, f)
	assert.Nil(t, closeFn)
	require.ErrorIs(t, err, ErrUnsupported)
	assert.EqualError(t, err, `dial: dial ssh://me@box: ssh hosts need the ssh transport: import _ "github.com/dockwire/dockwire/dial/ssh"`)
}

// For the other transports close does nothing.
func TestOpenCloseDoesNothingElsewhere(t *testing.T) {
	for _, cfg := range []Config{{Host: "unix:///x.sock"}, {Host: "tcp://h:1"}, {Dial: func(context.Context) (net.Conn, error) { return nil, nil }}} {
		open, closeFn, err := cfg.Open()
		require.NoError(t, err)
		assert.NotNil(t, open)
		assert.NoError(t, closeFn())
	}
}

// FromLookup sets Config.SSH for ssh hosts, from DOCKER_HOST or a context,
// and only for them.
func TestFromLookupSSHOptions(t *testing.T) {
	home := t.TempDir()
	writeContext(t, filepath.Join(home, ".docker"), "remote", map[string]any{"Host": "ssh://me@remote/run/docker.sock"})
	want := &SSHOptions{Dir: filepath.Join(home, ".ssh"), AgentSocket: "/run/agent"}
	for name, env := range map[string]map[string]string{
		"DOCKER_HOST": {"HOME": home, "SSH_AUTH_SOCK": "/run/agent", "DOCKER_HOST": "ssh://me@remote/run/docker.sock"},
		"context":     {"HOME": home, "SSH_AUTH_SOCK": "/run/agent", "DOCKER_CONTEXT": "remote"},
	} {
		t.Run(name, func(t *testing.T) {
			cfg, err := FromLookup(lookupMap(env))
			require.NoError(t, err)
			assert.Equal(t, "ssh://me@remote/run/docker.sock", cfg.Host)
			assert.Equal(t, want, cfg.SSH)
		})
	}
	cfg, err := FromLookup(lookupMap(map[string]string{"HOME": home, "SSH_AUTH_SOCK": "/run/agent", "DOCKER_HOST": "tcp://h:1"}))
	require.NoError(t, err)
	assert.Nil(t, cfg.SSH)
}

func TestSSHModeString(t *testing.T) {
	for m, s := range map[SSHMode]string{SSHAuto: "auto", SSHStreamLocal: "streamlocal", SSHDialStdio: "dial-stdio", 7: "SSHMode(7)"} {
		assert.Equal(t, s, m.String())
	}
}
