package testcert_test

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/dockwire/dockwire/internal/testcert"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// handshake runs a TLS handshake over a pipe between srv and cli and
// returns the client's error or else the server's (under TLS 1.3 the
// server checks the client's certificate after the client is done).
func handshake(t *testing.T, srv, cli *tls.Config) error {
	t.Helper()
	c, s := net.Pipe()
	defer c.Close()
	defer s.Close()
	done := make(chan error, 1)
	go func() { done <- tls.Server(s, srv).Handshake(); s.Close() }()
	err := tls.Client(c, cli).Handshake()
	c.Close()
	if serr := <-done; err == nil {
		err = serr
	}
	return err
}

func TestMutualTLS(t *testing.T) {
	pki, other := testcert.New(t), testcert.New(t)
	tests := []struct {
		name    string
		cli     *tls.Config
		wantErr bool
	}{
		{"trusted CA and client cert", &tls.Config{RootCAs: pki.Pool(), ServerName: "localhost", Certificates: []tls.Certificate{pki.ClientCertificate(t)}}, false},
		{"by IP", &tls.Config{RootCAs: pki.Pool(), ServerName: "127.0.0.1", Certificates: []tls.Certificate{pki.ClientCertificate(t)}}, false},
		{"another PKI's CA", &tls.Config{RootCAs: other.Pool(), ServerName: "localhost", Certificates: []tls.Certificate{pki.ClientCertificate(t)}}, true},
		{"another PKI's client cert", &tls.Config{RootCAs: pki.Pool(), ServerName: "localhost", Certificates: []tls.Certificate{other.ClientCertificate(t)}}, true},
		{"no client cert", &tls.Config{RootCAs: pki.Pool(), ServerName: "localhost"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := handshake(t, pki.ServerConfig(t), tt.cli)
			if !tt.wantErr {
				assert.NoError(t, err, "handshake")
				return
			}
			assert.Error(t, err, "handshake")
			if tt.name == "another PKI's CA" {
				var uerr x509.UnknownAuthorityError
				assert.ErrorAs(t, err, &uerr)
			}
		})
	}
}

func TestWriteClientFiles(t *testing.T) {
	pki := testcert.New(t)
	dir := filepath.Join(t.TempDir(), "certs")
	pki.WriteClientFiles(t, dir)
	for name, want := range map[string][]byte{"ca.pem": pki.CAPEM, "cert.pem": pki.ClientCertPEM, "key.pem": pki.ClientKeyPEM} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), name)
	}
	_, err := tls.LoadX509KeyPair(filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"))
	assert.NoError(t, err, "cert.pem + key.pem")
}
