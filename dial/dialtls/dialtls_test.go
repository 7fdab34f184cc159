package dialtls

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io/fs"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/dial"
	"github.com/dockwire/dockwire/internal/leakcheck"
	"github.com/dockwire/dockwire/internal/testcert"
	"github.com/dockwire/dockwire/internal/testnet"
)

// dialOnce opens one connection with open under a 5s ctx.
func dialOnce(t *testing.T, open dial.Func) (net.Conn, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	return open(ctx)
}

// TestDialTLS goes through dial.Config.Dialer and the registered transport.
func TestDialTLS(t *testing.T) {
	leakcheck.Check(t)
	pki := testcert.New(t)
	other := testcert.New(t)
	addr := tlsServer(t, pki.ServerConfig(t))
	dir := testnet.ShortTempDir(t)
	pki.WriteClientFiles(t, filepath.Join(dir, "good"))
	other.WriteClientFiles(t, filepath.Join(dir, "other"))
	good := dial.TLSOptions{
		CAFile:   filepath.Join(dir, "good", "ca.pem"),
		CertFile: filepath.Join(dir, "good", "cert.pem"),
		KeyFile:  filepath.Join(dir, "good", "key.pem"),
		Verify:   true,
	}
	inMemory := dial.TLSOptions{CAPEM: pki.CAPEM, CertPEM: pki.ClientCertPEM, KeyPEM: pki.ClientKeyPEM, Verify: true}
	wrongCA := good
	wrongCA.CAFile = filepath.Join(dir, "other", "ca.pem")
	noClient := good
	noClient.CertFile, noClient.KeyFile = "", ""
	otherClient := good
	otherClient.CertFile = filepath.Join(dir, "other", "cert.pem")
	otherClient.KeyFile = filepath.Join(dir, "other", "key.pem")
	wrongName := good
	wrongName.ServerName = "daemon.invalid"
	localhost := good
	localhost.ServerName = "localhost"

	tests := []struct {
		name   string
		opts   *dial.TLSOptions // nil: https:// with Config.TLS nil
		ok     bool
		target any // pointer to an error type reachable with errors.As; nil when ok
	}{
		{"client cert and CA", &good, true, nil},
		{"client cert and CA in memory", &inMemory, true, nil},
		{"ServerName override", &localhost, true, nil},
		{"system roots", nil, false, &x509.UnknownAuthorityError{}},
		{"wrong CA", &wrongCA, false, &x509.UnknownAuthorityError{}},
		{"wrong server name", &wrongName, false, &x509.HostnameError{}},
		{"no client cert", &noClient, false, new(*net.OpError)},
		{"client cert from another CA", &otherClient, false, new(*net.OpError)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := dial.Config{Host: "tcp://" + addr, TLS: tt.opts}
			if tt.opts == nil {
				cfg.Host = "https://" + addr
			}
			open, err := cfg.Dialer()
			require.NoError(t, err)
			c, err := dialOnce(t, open)
			if tt.ok {
				require.NoError(t, err)
				defer c.Close()
				require.IsType(t, (*tls.Conn)(nil), c)
				assert.GreaterOrEqual(t, c.(*tls.Conn).ConnectionState().Version, uint16(tls.VersionTLS12), "TLS version")
				readHello(t, c)
				return
			}
			if err == nil {
				// With TLS 1.3 the server checks the client certificate
				// after the client's handshake is done: the refusal
				// arrives on the first read, as an alert.
				defer c.Close()
				c.SetReadDeadline(time.Now().Add(5 * time.Second))
				_, err = c.Read(make([]byte, 5))
				require.Error(t, err, "TLS session accepted, want a failure")
			} else {
				var de *dial.Error
				require.ErrorAs(t, err, &de)
				assert.Equal(t, "tls", de.Op)
				assert.Equal(t, cfg.Host, de.Host)
			}
			require.ErrorAs(t, err, tt.target)
			// A refusal by the server is a TLS alert from the remote end.
			if oe, ok := tt.target.(**net.OpError); ok {
				assert.Equal(t, "remote error", (*oe).Op, "want a remote TLS alert: %v", err)
			}
		})
	}
}

// TestDialerOwnConfig uses a caller's *tls.Config through Config.Dial.
func TestDialerOwnConfig(t *testing.T) {
	leakcheck.Check(t)
	pki := testcert.New(t)
	addr := tlsServer(t, pki.ServerConfig(t))
	mine := &tls.Config{RootCAs: pki.Pool(), Certificates: []tls.Certificate{pki.ClientCertificate(t)}}
	cfg := dial.Config{Host: "tcp://" + addr}
	var err error
	cfg.Dial, err = Dialer(cfg, mine)
	require.NoError(t, err)
	open, err := cfg.Dialer()
	require.NoError(t, err)
	c, err := dialOnce(t, open)
	require.NoError(t, err)
	defer c.Close()
	// crypto/tls refuses to verify without a ServerName: the handshake
	// succeeding shows it was filled from the host (127.0.0.1, in the
	// server's certificate).
	st := c.(*tls.Conn).ConnectionState()
	assert.True(t, st.HandshakeComplete, "HandshakeComplete")
	assert.GreaterOrEqual(t, st.Version, uint16(tls.VersionTLS12), "TLS version")
	assert.NotEmpty(t, st.VerifiedChains, "VerifiedChains")
	readHello(t, c)
	assert.Empty(t, mine.ServerName, "caller's config modified")
	assert.Zero(t, mine.MinVersion, "caller's config modified")
}

func TestDialerBadHost(t *testing.T) {
	for _, host := range []string{"unix:///x.sock", "ssh://me@box", "tcp://h:1/x"} {
		f, err := Dialer(dial.Config{Host: host}, nil)
		assert.Nil(t, f, "%s: Dialer's Func on error", host)
		var de *dial.Error
		assert.ErrorAs(t, err, &de, host)
	}
}

func TestRefusesOldVersions(t *testing.T) {
	leakcheck.Check(t)
	pki := testcert.New(t)
	srv := pki.ServerConfig(t)
	srv.ClientAuth = tls.NoClientCert
	srv.MinVersion, srv.MaxVersion = tls.VersionTLS10, tls.VersionTLS11
	addr := tlsServer(t, srv)
	pool := pki.Pool()
	for _, via := range []string{"Dialer", "TLSOptions"} {
		t.Run(via, func(t *testing.T) {
			var open dial.Func
			var err error
			if via == "Dialer" {
				// Even a caller's config that allows TLS 1.0 is raised to 1.2.
				open, err = Dialer(dial.Config{Host: "tcp://" + addr}, &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS10})
			} else {
				open, err = dial.Config{Host: "tcp://" + addr, TLS: &dial.TLSOptions{CAPEM: pki.CAPEM, Verify: true}}.Dialer()
			}
			require.NoError(t, err)
			c, err := dialOnce(t, open)
			if err == nil {
				c.Close()
			}
			var de *dial.Error
			require.ErrorAs(t, err, &de, "handshake with a TLS 1.1 server")
			assert.Equal(t, "tls", de.Op)
			assert.ErrorContains(t, err, "version")
		})
	}
}

func TestHandshakeCancel(t *testing.T) {
	leakcheck.Check(t)
	addr := stallServer(t)
	own := func(c dial.Config) (dial.Func, error) { return Dialer(c, nil) }
	registered := func(c dial.Config) (dial.Func, error) { return c.Dialer() }
	tests := []struct {
		name    string
		build   func(dial.Config) (dial.Func, error)
		cfg     dial.Config
		cancel  time.Duration // cancel the ctx after this; < 0: before dialing
		op      string
		wantErr error
	}{
		{"ctx cancelled", registered, dial.Config{Host: "https://" + addr}, 50 * time.Millisecond, "tls", context.Canceled},
		{"DialTimeout", registered, dial.Config{Host: "https://" + addr, DialTimeout: 100 * time.Millisecond}, time.Hour, "tls", context.DeadlineExceeded},
		{"ctx cancelled before", registered, dial.Config{Host: "https://" + addr}, -1, "dial", context.Canceled},
		{"own config, ctx cancelled", own, dial.Config{Host: "tcp://" + addr}, 50 * time.Millisecond, "tls", context.Canceled},
		{"own config, DialTimeout", own, dial.Config{Host: "tcp://" + addr, DialTimeout: 100 * time.Millisecond}, time.Hour, "tls", context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			open, err := tt.build(tt.cfg)
			require.NoError(t, err)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			if tt.cancel < 0 {
				cancel()
			} else {
				timer := time.AfterFunc(tt.cancel, cancel)
				defer timer.Stop()
			}
			start := time.Now()
			c, err := open(ctx)
			took := time.Since(start)
			if err == nil {
				c.Close()
			}
			var de *dial.Error
			require.ErrorAs(t, err, &de)
			assert.Equal(t, tt.op, de.Op)
			assert.ErrorIs(t, err, tt.wantErr)
			assert.LessOrEqual(t, took, time.Second, "dial should return promptly")
		})
	}
}

// TestFromLookupHandshake runs the whole chain: certificates on disk,
// DOCKER_* variables, dial.FromLookup, Dialer, and a real mutual-TLS
// handshake.
func TestFromLookupHandshake(t *testing.T) {
	leakcheck.Check(t)
	pki := testcert.New(t)
	addr := tlsServer(t, pki.ServerConfig(t))
	home := t.TempDir()
	pki.WriteClientFiles(t, filepath.Join(home, "certs"))
	cfg, err := dial.FromLookup(lookupMap(map[string]string{
		"HOME":              home,
		"DOCKER_HOST":       "tcp://" + addr,
		"DOCKER_TLS_VERIFY": "1",
		"DOCKER_CERT_PATH":  filepath.Join(home, "certs"),
	}))
	require.NoError(t, err)
	open, err := cfg.Dialer()
	require.NoError(t, err)
	c, err := dialOnce(t, open)
	require.NoError(t, err)
	defer c.Close()
	readHello(t, c)
}

// TestFromLookupBadCertificates: FromLookup names the files; a malformed
// one is reported by Dialer.
func TestFromLookupBadCertificates(t *testing.T) {
	home := t.TempDir()
	certs := filepath.Join(home, "certs")
	testcert.New(t).WriteClientFiles(t, certs)
	writeFile(t, filepath.Join(certs, "ca.pem"), []byte("not pem"))
	cfg, err := dial.FromLookup(lookupMap(map[string]string{
		"HOME":              home,
		"DOCKER_HOST":       "tcp://h:2376",
		"DOCKER_TLS_VERIFY": "1",
		"DOCKER_CERT_PATH":  certs,
	}))
	require.NoError(t, err)
	f, err := cfg.Dialer()
	assert.Nil(t, f, "Dialer's Func on error")
	var de *dial.Error
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "tls", de.Op)
	assert.Equal(t, "tcp://h:2376", de.Host)
	assert.ErrorContains(t, err, "no PEM certificate")
	assert.Regexp(t, "^dial: tls", err.Error())
}

func TestConfig(t *testing.T) {
	pki := testcert.New(t)
	dir := t.TempDir()
	pki.WriteClientFiles(t, dir)
	ca, cert, key := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	otherKey := writeFile(t, filepath.Join(dir, "other.pem"), testcert.New(t).ClientKeyPEM)
	tests := []struct {
		name     string
		opts     dial.TLSOptions
		errIs    error
		errMsg   string
		insecure bool
	}{
		{name: "verify with everything", opts: dial.TLSOptions{CAFile: ca, CertFile: cert, KeyFile: key, Verify: true}},
		{name: "verify, in memory", opts: dial.TLSOptions{CAPEM: pki.CAPEM, CertPEM: pki.ClientCertPEM, KeyPEM: pki.ClientKeyPEM, Verify: true}},
		{name: "memory wins over files", opts: dial.TLSOptions{CAFile: key, CAPEM: pki.CAPEM, Verify: true}},
		{name: "verify, system roots", opts: dial.TLSOptions{Verify: true}},
		{name: "ServerName kept", opts: dial.TLSOptions{ServerName: "docker.example", Verify: true}},
		{name: "explicit insecure", opts: dial.TLSOptions{CAFile: ca, InsecureSkipVerify: true}, insecure: true},
		{name: "neither verify nor insecure", opts: dial.TLSOptions{CAFile: ca}, errIs: dial.ErrInsecure, errMsg: "InsecureSkipVerify"},
		{name: "both", opts: dial.TLSOptions{Verify: true, InsecureSkipVerify: true}, errMsg: "both"},
		{name: "missing CA file", opts: dial.TLSOptions{CAFile: filepath.Join(dir, "nope.pem"), Verify: true}, errIs: fs.ErrNotExist},
		{name: "missing key file", opts: dial.TLSOptions{CertFile: cert, KeyFile: filepath.Join(dir, "nope.pem"), Verify: true}, errIs: fs.ErrNotExist},
		{name: "key without cert", opts: dial.TLSOptions{KeyFile: key, Verify: true}, errMsg: "together"},
		{name: "PEM cert without key", opts: dial.TLSOptions{CertPEM: pki.ClientCertPEM, Verify: true}, errMsg: "together"},
		{name: "key does not match cert", opts: dial.TLSOptions{CertFile: cert, KeyFile: otherKey, Verify: true}, errMsg: "private key does not match"},
		{name: "CA file not PEM", opts: dial.TLSOptions{CAFile: key, Verify: true}, errMsg: "no PEM certificate found in " + key},
		{name: "CA memory not PEM", opts: dial.TLSOptions{CAPEM: []byte("junk"), Verify: true}, errMsg: "no PEM certificate found in CAPEM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Config(tt.opts)
			if tt.errIs != nil || tt.errMsg != "" {
				var de *dial.Error
				require.ErrorAs(t, err, &de, "Config = %v", cfg)
				assert.Equal(t, "tls", de.Op)
				if tt.errIs != nil {
					assert.ErrorIs(t, err, tt.errIs)
				}
				assert.ErrorContains(t, err, tt.errMsg)
				assert.Equal(t, 1, strings.Count(err.Error(), "dial:"), "the prefix, once: %q", err)
				return
			}
			require.NoError(t, err)
			assert.GreaterOrEqual(t, cfg.MinVersion, uint16(tls.VersionTLS12), "MinVersion")
			assert.Equal(t, tt.insecure, cfg.InsecureSkipVerify, "InsecureSkipVerify")
			assert.Equal(t, tt.opts.ServerName, cfg.ServerName, "ServerName")
			if tt.opts.CAFile != "" || tt.opts.CAPEM != nil {
				assert.NotNil(t, cfg.RootCAs, "custom CA")
			} else {
				assert.Nil(t, cfg.RootCAs, "custom CA")
			}
			if tt.opts.CertFile != "" || tt.opts.CertPEM != nil {
				assert.Len(t, cfg.Certificates, 1, "client certificates")
			} else {
				assert.Empty(t, cfg.Certificates, "client certificates")
			}
		})
	}
}
