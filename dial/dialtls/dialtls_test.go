package dialtls

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io/fs"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dockwire/dockwire/dial"
	"github.com/dockwire/dockwire/internal/leakcheck"
	"github.com/dockwire/dockwire/internal/testcert"
	"github.com/dockwire/dockwire/internal/testnet"
)

// dialOnce opens one connection with open under a 5s ctx.
func dialOnce(t *testing.T, open dial.Func) (net.Conn, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
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
			if err != nil {
				t.Fatal(err)
			}
			c, err := dialOnce(t, open)
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				tc, ok := c.(*tls.Conn)
				if !ok {
					t.Fatalf("conn is %T, want *tls.Conn", c)
				}
				if v := tc.ConnectionState().Version; v < tls.VersionTLS12 {
					t.Fatalf("TLS version %x, want 1.2 or later", v)
				}
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
				if err == nil {
					t.Fatal("TLS session accepted, want a failure")
				}
			} else {
				var de *dial.Error
				if !errors.As(err, &de) || de.Op != "tls" || de.Host != cfg.Host {
					t.Fatalf("error %v is not *dial.Error{Op: tls, Host: %s}", err, cfg.Host)
				}
			}
			if !errors.As(err, tt.target) {
				t.Fatalf("error %v (%T): want %T reachable", err, err, tt.target)
			}
			// A refusal by the server is a TLS alert from the remote end.
			if oe, ok := tt.target.(**net.OpError); ok && (*oe).Op != "remote error" {
				t.Fatalf("error %v: want a remote TLS alert", err)
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
	if err != nil {
		t.Fatal(err)
	}
	open, err := cfg.Dialer()
	if err != nil {
		t.Fatal(err)
	}
	c, err := dialOnce(t, open)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// crypto/tls refuses to verify without a ServerName: the handshake
	// succeeding shows it was filled from the host (127.0.0.1, in the
	// server's certificate).
	st := c.(*tls.Conn).ConnectionState()
	if !st.HandshakeComplete || st.Version < tls.VersionTLS12 || len(st.VerifiedChains) == 0 {
		t.Fatalf("state %+v: want a verified TLS 1.2+ session", st)
	}
	readHello(t, c)
	if mine.ServerName != "" || mine.MinVersion != 0 {
		t.Fatalf("caller's config modified: %q %x", mine.ServerName, mine.MinVersion)
	}
}

func TestDialerBadHost(t *testing.T) {
	for _, host := range []string{"unix:///x.sock", "ssh://me@box", "tcp://h:1/x"} {
		f, err := Dialer(dial.Config{Host: host}, nil)
		var de *dial.Error
		if f != nil || !errors.As(err, &de) {
			t.Fatalf("%s: Dialer = %v, %v; want *dial.Error", host, f != nil, err)
		}
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
			if err != nil {
				t.Fatal(err)
			}
			c, err := dialOnce(t, open)
			if err == nil {
				c.Close()
				t.Fatal("handshake with a TLS 1.1 server succeeded")
			}
			var de *dial.Error
			if !errors.As(err, &de) || de.Op != "tls" || !strings.Contains(err.Error(), "version") {
				t.Fatalf("error %v is not *dial.Error{Op: tls} about the version", err)
			}
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
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
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
				t.Fatal("dial succeeded")
			}
			var de *dial.Error
			if !errors.As(err, &de) || de.Op != tt.op || !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v: want *dial.Error{Op: %s} matching %v", err, tt.op, tt.wantErr)
			}
			if took > time.Second {
				t.Fatalf("dial returned after %v, want promptly", took)
			}
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
	if err != nil {
		t.Fatal(err)
	}
	open, err := cfg.Dialer()
	if err != nil {
		t.Fatal(err)
	}
	c, err := dialOnce(t, open)
	if err != nil {
		t.Fatal(err)
	}
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
	if err != nil {
		t.Fatal(err)
	}
	f, err := cfg.Dialer()
	var de *dial.Error
	if f != nil || !errors.As(err, &de) || de.Op != "tls" || de.Host != "tcp://h:2376" ||
		!strings.Contains(err.Error(), "no PEM certificate") || !strings.HasPrefix(err.Error(), "dial: tls") {
		t.Fatalf("Dialer() = %v, %v; want *dial.Error{Op: tls} about the CA", f != nil, err)
	}
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
				if err == nil || !errors.As(err, &de) || de.Op != "tls" {
					t.Fatalf("Config = %v, %v; want *dial.Error{Op: tls}", cfg, err)
				}
				if tt.errIs != nil && !errors.Is(err, tt.errIs) {
					t.Fatalf("error %v does not match %v", err, tt.errIs)
				}
				if !strings.Contains(err.Error(), tt.errMsg) || strings.Count(err.Error(), "dial:") != 1 {
					t.Fatalf("error %q lacks %q or repeats the prefix", err, tt.errMsg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.MinVersion < tls.VersionTLS12 || cfg.InsecureSkipVerify != tt.insecure || cfg.ServerName != tt.opts.ServerName {
				t.Fatalf("config: min %x insecure %v name %q; want TLS 1.2+, insecure %v, name %q",
					cfg.MinVersion, cfg.InsecureSkipVerify, cfg.ServerName, tt.insecure, tt.opts.ServerName)
			}
			wantCA := tt.opts.CAFile != "" || tt.opts.CAPEM != nil
			wantCert := tt.opts.CertFile != "" || tt.opts.CertPEM != nil
			if (cfg.RootCAs != nil) != wantCA || (len(cfg.Certificates) == 1) != wantCert {
				t.Fatalf("config: custom CA %v, %d certs for %+v", cfg.RootCAs != nil, len(cfg.Certificates), tt.opts)
			}
		})
	}
}
