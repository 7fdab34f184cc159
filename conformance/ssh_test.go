package conformance_test

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	xssh "golang.org/x/crypto/ssh"

	"github.com/dockwire/dockwire/conformance"
	"github.com/dockwire/dockwire/dial"
	_ "github.com/dockwire/dockwire/dial/ssh"
	"github.com/dockwire/dockwire/internal/sshtest"
	"github.com/dockwire/dockwire/internal/testnet"
	"github.com/dockwire/dockwire/mockdaemon"
)

// sshSkips skips every scenario but system/ and containers/: over ssh the
// suite runs the scenarios that exercise the transport (plain calls,
// negotiation, events, attach, exec, logs, archives, websocket attach);
// the rest only repeats them over the same channels.
func sshSkips() map[string]string {
	skip := map[string]string{}
	for _, name := range conformance.Scenarios() {
		if !strings.HasPrefix(name, "system/") && !strings.HasPrefix(name, "containers/") {
			skip[name] = "over ssh the suite runs the system/ and containers/ scenarios; this one adds nothing the transport has not carried there"
		}
	}
	return skip
}

// TestMockSSH runs the system/ and containers/ scenarios against the mock
// daemon through the in-process ssh server, streamlocal channels forwarded
// to its socket.
func TestMockSSH(t *testing.T) {
	_, host := mockdaemon.StartUnix(t, mockdaemon.Config{})
	sock := strings.TrimPrefix(host, "unix://")
	key := sshtest.NewKey(t)
	srv := sshtest.Start(t, sshtest.Config{AuthorizedKeys: []xssh.PublicKey{key.Public}, Socket: sock})
	dir := filepath.Join(testnet.ShortTempDir(t), ".ssh")
	require.NoError(t, os.Mkdir(dir, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "id_ed25519"), key.PEM, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "known_hosts"), []byte(srv.KnownHostsLine()), 0o600))
	t.Cleanup(func() { // after the suite's clients are closed
		assert.LessOrEqual(t, srv.Conns(), 3, "one ssh connection per client: the suite's, and two pinned to a version")
		assert.Eventually(t, func() bool { return srv.Live() == 0 }, 5*time.Second, 10*time.Millisecond,
			"closing the clients closed their ssh connections")
	})
	skip := sshSkips()
	maps.Copy(skip, mockSkips())
	conformance.Run(t, conformance.Target{
		Name:   "mock-ssh",
		Config: dial.Config{Host: "ssh://me@" + srv.Addr + sock, SSH: &dial.SSHOptions{Dir: dir}},
		Image:  mockdaemon.DefaultImage,
		Skip:   skip,
	})
}

// TestRealSSH runs the system/ and containers/ scenarios against the real
// daemon through the real sshd (scripts/sshd.sh), the daemon's socket in
// the ssh URL.
func TestRealSSH(t *testing.T) {
	docker, sshHost, dir := os.Getenv("DOCKWIRE_REAL_DOCKER_HOST"), os.Getenv("DOCKWIRE_REAL_SSH_HOST"), os.Getenv("DOCKWIRE_REAL_SSH_DIR")
	if docker == "" || sshHost == "" || dir == "" {
		t.Skip("DOCKWIRE_REAL_DOCKER_HOST, DOCKWIRE_REAL_SSH_HOST and DOCKWIRE_REAL_SSH_DIR are not all set: " +
			"no real daemon behind a real sshd (scripts/dockerd.sh up, scripts/sshd.sh up)")
	}
	sock, ok := strings.CutPrefix(docker, "unix://")
	require.True(t, ok, "DOCKWIRE_REAL_DOCKER_HOST=%s: over ssh the suite needs the daemon's unix socket", docker)
	conformance.Run(t, conformance.Target{
		Name:        "real-ssh",
		Config:      dial.Config{Host: sshHost + sock, SSH: &dial.SSHOptions{Dir: dir}},
		Image:       os.Getenv("DOCKWIRE_REAL_IMAGE"),
		ImportImage: true,
		Registries:  conformance.RegistriesFromEnv(),
		Skip:        sshSkips(),
	})
}
