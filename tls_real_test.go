package dockwire_test

import (
	"context"
	"crypto/x509"
	"errors"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/dial"
	_ "github.com/dockwire/dockwire/dial/dialtls"
	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/internal/testcert"
	"github.com/dockwire/dockwire/wire"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// realTLS returns the real daemon's --tlsverify listener and its client
// certificates, or skips.
func realTLS(t *testing.T) (host, certs string) {
	host, certs = os.Getenv("DOCKWIRE_REAL_TLS_HOST"), os.Getenv("DOCKWIRE_REAL_TLS_CERTS")
	if host == "" || certs == "" {
		t.Skip("DOCKWIRE_REAL_TLS_HOST and DOCKWIRE_REAL_TLS_CERTS are not set: no real TLS daemon (scripts/dockerd.sh up starts one)")
	}
	return host, certs
}

func versionOver(t *testing.T, cfg dial.Config) error {
	t.Helper()
	cli, err := dockwire.New(cfg, nil)
	if err != nil {
		return err
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	_, err = cli.System.Version(ctx, endpoints.SystemVersionOptions{})
	return err
}

func TestRealTLSVerified(t *testing.T) {
	host, certs := realTLS(t)
	err := versionOver(t, dial.Config{Host: host, TLS: &dial.TLSOptions{
		CAFile: filepath.Join(certs, "ca.pem"), CertFile: filepath.Join(certs, "cert.pem"), KeyFile: filepath.Join(certs, "key.pem"),
		Verify: true,
	}})
	require.NoError(t, err, "version over verified TLS")
}

func TestRealTLSFromEnv(t *testing.T) {
	host, certs := realTLS(t)
	env := map[string]string{"DOCKER_HOST": host, "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": certs, "HOME": t.TempDir()}
	cfg, err := dial.FromLookup(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	require.NoError(t, err)
	require.NoError(t, versionOver(t, cfg), "version over TLS from the environment")

	// DOCKER_CERT_PATH without DOCKER_TLS_VERIFY: the docker CLI would use
	// TLS without verifying the server; dockwire refuses unless asked.
	delete(env, "DOCKER_TLS_VERIFY")
	_, err = dial.FromLookup(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	require.ErrorIs(t, err, dial.ErrInsecure, "unverified TLS from the environment")
	env["DOCKWIRE_TLS_INSECURE"] = "1"
	cfg, err = dial.FromLookup(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	require.NoError(t, err, "explicit opt-in to unverified TLS")
	require.NoError(t, versionOver(t, cfg), "version over unverified TLS, opted in")
}

func TestRealTLSWrongCA(t *testing.T) {
	host, certs := realTLS(t)
	other := filepath.Join(t.TempDir(), "other-ca.pem")
	require.NoError(t, os.WriteFile(other, testcert.New(t).CAPEM, 0o600)) // not the daemon's CA
	err := versionOver(t, dial.Config{Host: host, TLS: &dial.TLSOptions{
		CAFile: other, CertFile: filepath.Join(certs, "cert.pem"), KeyFile: filepath.Join(certs, "key.pem"), Verify: true,
	}})
	var derr *dial.Error
	var uerr x509.UnknownAuthorityError
	require.ErrorAs(t, err, &derr, "wrong CA: want a *dial.Error{Op: tls} wrapping x509.UnknownAuthorityError")
	assert.Equal(t, "tls", derr.Op, "wrong CA: the *dial.Error's Op")
	assert.ErrorAs(t, err, &uerr, "wrong CA")
}

func TestRealTLSNoClientCert(t *testing.T) {
	host, certs := realTLS(t)
	err := versionOver(t, dial.Config{Host: host, TLS: &dial.TLSOptions{CAFile: filepath.Join(certs, "ca.pem"), Verify: true}})
	require.Error(t, err, "a daemon with --tlsverify answered a client without a certificate")
	// Under TLS 1.3 the server refuses the missing certificate after the
	// client's handshake is done, so the refusal arrives on the first read
	// (a remote TLS alert in a *net.OpError) rather than from the dial.
	var derr *dial.Error
	var oerr *net.OpError
	var werr *wire.Error
	require.NotErrorAs(t, err, &werr, "no client cert: got a daemon answer, want a TLS failure")
	assert.True(t, errors.As(err, &derr) || errors.As(err, &oerr), "no client cert: got %v (%T), want a *dial.Error or *net.OpError", err, err)
}
