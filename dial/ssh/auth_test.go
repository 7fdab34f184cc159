package ssh_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	xssh "golang.org/x/crypto/ssh"

	"github.com/dockwire/dockwire/dial/ssh"
	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/internal/leakcheck"
	"github.com/dockwire/dockwire/internal/sshtest"
	"github.com/dockwire/dockwire/internal/testnet"
)

// A key the server does not know is refused with ErrAuth, naming the user
// and what was offered.
func TestWrongUserKeyRefused(t *testing.T) {
	leakcheck.Check(t)
	f := newFixture(t, sshtest.Config{})
	f.write("id_ed25519", sshtest.NewKey(t).PEM)
	_, err := f.client(f.config()).System.Ping(ctx(t), endpoints.SystemPingOptions{})
	require.ErrorIs(t, err, ssh.ErrAuth)
	assert.Contains(t, err.Error(), `"me"`)
	assert.Contains(t, err.Error(), filepath.Join(f.dir, "id_ed25519")+" (ssh-ed25519)")
	assert.Zero(t, f.srv.Conns())
}

// The agent's keys go first; with them, no identity file is needed.
func TestAgentAuth(t *testing.T) {
	leakcheck.Check(t)
	f := newFixture(t, sshtest.Config{})
	require.NoError(t, os.Remove(filepath.Join(f.dir, "id_ed25519")))
	cfg := f.config()
	cfg.SSH.AgentSocket = sshtest.Agent(t, testnet.ShortTempDir(t), sshtest.NewKey(t), f.key)
	_, err := f.client(cfg).System.Ping(ctx(t), endpoints.SystemPingOptions{})
	require.NoError(t, err)
	assert.Equal(t, 1, f.srv.Conns())

	// IdentitiesOnly keeps only the agent's keys that are identity files:
	// here another key, so the authorized one is not offered.
	other := f.write("other", sshtest.NewKey(t).PEM)
	f.write("config", []byte("Host 127.0.0.1\n  IdentitiesOnly yes\n  IdentityFile "+other+"\n"))
	_, err = f.client(cfg).System.Ping(ctx(t), endpoints.SystemPingOptions{})
	require.ErrorIs(t, err, ssh.ErrAuth)
	assert.NotContains(t, err.Error(), "ssh-agent (", "no agent key offered")
}

// Encrypted identities: the passphrase is asked for once the server
// accepts the key, once per file; without a callback the key is skipped.
// The keys in testdata are ssh-keygen's, with one KDF round (-a 1) so that
// the test stays quick under -race.
func TestEncryptedIdentity(t *testing.T) {
	leakcheck.Check(t)
	pub, err := os.ReadFile("testdata/encrypted_ed25519.pub")
	require.NoError(t, err)
	authorized, _, _, _, err := xssh.ParseAuthorizedKey(pub)
	require.NoError(t, err)
	f := newFixture(t, sshtest.Config{AuthorizedKeys: []xssh.PublicKey{authorized}})
	key := f.write("id_ed25519", readFile(t, "testdata/encrypted_ed25519"))
	unknown := f.write("unknown", readFile(t, "testdata/encrypted_other"))

	var files []string
	cfg := f.config()
	cfg.SSH.IdentityFiles = []string{unknown, key} // the first is refused by the server
	cfg.SSH.Passphrase = func(file string) ([]byte, error) {
		files = append(files, file)
		return []byte("s3cret"), nil
	}
	_, err = f.client(cfg).System.Ping(ctx(t), endpoints.SystemPingOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{key}, files, "asked once, for the key the server accepts only")

	t.Run("no callback", func(t *testing.T) {
		cfg := f.config()
		_, err := f.client(cfg).System.Ping(ctx(t), endpoints.SystemPingOptions{})
		require.ErrorIs(t, err, ssh.ErrAuth)
		assert.Contains(t, err.Error(), key+" (encrypted, and no Passphrase callback is set)")
	})
	t.Run("wrong passphrase", func(t *testing.T) {
		cfg := f.config()
		cfg.SSH.Passphrase = func(string) ([]byte, error) { return []byte("wrong"), nil }
		_, err := f.client(cfg).System.Ping(ctx(t), endpoints.SystemPingOptions{})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "identity file "+key+": x509: decryption password incorrect")
	})
	t.Run("callback fails", func(t *testing.T) {
		cfg := f.config()
		boom := errors.New("no terminal")
		cfg.SSH.Passphrase = func(string) ([]byte, error) { return nil, boom }
		_, err := f.client(cfg).System.Ping(ctx(t), endpoints.SystemPingOptions{})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "no terminal")
	})
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	return b
}

// IdentityFiles are offered before ~/.ssh's; a missing one is named in the
// error, a missing default is not.
func TestIdentityFiles(t *testing.T) {
	leakcheck.Check(t)
	f := newFixture(t, sshtest.Config{})
	require.NoError(t, os.Rename(filepath.Join(f.dir, "id_ed25519"), filepath.Join(f.dir, "mine")))
	cfg := f.config()
	cfg.SSH.IdentityFiles = []string{filepath.Join(f.dir, "mine")}
	_, err := f.client(cfg).System.Ping(ctx(t), endpoints.SystemPingOptions{})
	require.NoError(t, err)

	cfg.SSH.IdentityFiles = []string{filepath.Join(f.dir, "gone")}
	_, err = f.client(cfg).System.Ping(ctx(t), endpoints.SystemPingOptions{})
	require.ErrorIs(t, err, ssh.ErrAuth)
	assert.Contains(t, err.Error(), filepath.Join(f.dir, "gone")+" (open ")
	assert.NotContains(t, err.Error(), "id_rsa", "missing default identities are not worth a word")
}

// An old PEM key holds no public half: with its .pub beside it, the
// passphrase waits for the server to accept the key as for OpenSSH's
// format; without, it is asked for before the key can be offered.
func TestEncryptedPEMIdentity(t *testing.T) {
	leakcheck.Check(t)
	pub, err := os.ReadFile("testdata/encrypted_ecdsa.pem.pub")
	require.NoError(t, err)
	pemKey := readFile(t, "testdata/encrypted_ecdsa.pem")
	for _, tt := range []struct {
		name       string
		pub        bool // write the .pub beside the key
		authorized bool // the server accepts the key
		asked      int
	}{
		{"with .pub, accepted", true, true, 1},
		{"with .pub, refused", true, false, 0},
		{"without .pub, accepted", false, true, 1},
		{"without .pub, refused", false, false, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var cfg sshtest.Config
			if tt.authorized {
				k, _, _, _, err := xssh.ParseAuthorizedKey(pub)
				require.NoError(t, err)
				cfg.AuthorizedKeys = []xssh.PublicKey{k}
			}
			f := newFixture(t, cfg)
			key := f.write("legacy.pem", pemKey)
			if tt.pub {
				f.write("legacy.pem.pub", pub)
			}
			c := f.config()
			c.SSH.IdentityFiles = []string{key}
			asked := 0
			c.SSH.Passphrase = func(string) ([]byte, error) { asked++; return []byte("s3cret"), nil }
			open, closeSSH, err := c.Open()
			require.NoError(t, err)
			defer closeSSH()
			conn, err := open(ctx(t)) // one login
			if tt.authorized {
				require.NoError(t, err)
				conn.Close()
			} else {
				require.ErrorIs(t, err, ssh.ErrAuth)
			}
			assert.Equal(t, tt.asked, asked)
		})
	}
}
