package dialtls

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"

	"github.com/dockwire/dockwire/dial"
)

func init() {
	dial.RegisterTLS(transport)
}

// Config builds a client TLS config from opts: TLS 1.2 at least, the CA
// pool from CAPEM or CAFile (else the system roots), the client
// certificate from CertPEM/CertFile and KeyPEM/KeyFile when given, and
// opts.ServerName. Exactly one of Verify and InsecureSkipVerify must be
// set: neither gives an error matching dial.ErrInsecure. Errors are
// *dial.Error with Op "tls".
//
// The ServerName stays "" when opts has none; Dialer and the registered
// transport fill it from the host.
func Config(opts dial.TLSOptions) (*tls.Config, error) {
	cfg, err := config(opts)
	if err != nil {
		return nil, &dial.Error{Op: "tls", Err: err}
	}
	return cfg, nil
}

func config(opts dial.TLSOptions) (*tls.Config, error) {
	switch {
	case opts.Verify && opts.InsecureSkipVerify:
		return nil, errors.New("both Verify and InsecureSkipVerify are set")
	case !opts.Verify && !opts.InsecureSkipVerify:
		return nil, errInsecure
	}
	cfg := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         opts.ServerName,
		InsecureSkipVerify: opts.InsecureSkipVerify,
	}
	ca, caName, err := pemSource(opts.CAPEM, opts.CAFile, "CAPEM")
	if err != nil {
		return nil, err
	}
	if ca != nil {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(ca) {
			return nil, errors.New("no PEM certificate found in " + caName)
		}
		cfg.RootCAs = pool
	}
	hasCert := opts.CertPEM != nil || opts.CertFile != ""
	hasKey := opts.KeyPEM != nil || opts.KeyFile != ""
	if hasCert != hasKey {
		return nil, errors.New("client certificate and key must be given together")
	}
	if hasCert {
		cert, _, err := pemSource(opts.CertPEM, opts.CertFile, "CertPEM")
		if err != nil {
			return nil, err
		}
		key, _, err := pemSource(opts.KeyPEM, opts.KeyFile, "KeyPEM")
		if err != nil {
			return nil, err
		}
		pair, err := tls.X509KeyPair(cert, key)
		if err != nil {
			return nil, fmt.Errorf("client certificate %s: %w", orName(opts.CertFile, "CertPEM"), err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}

// pemSource returns mem when set, else file's contents, else nil; name says
// where the data came from, for errors.
func pemSource(mem []byte, file, memName string) (data []byte, name string, err error) {
	if mem != nil {
		return mem, memName, nil
	}
	if file == "" {
		return nil, "", nil
	}
	data, err = os.ReadFile(file)
	return data, file, err
}

func orName(file, memName string) string {
	if file != "" {
		return file
	}
	return memName
}

// Dialer returns a Func that opens TLS connections to c's tcp host with tc,
// a config of the caller's own (nil means verify against the system
// roots). Put it in c.Dial:
//
//	cfg.Dial, err = dialtls.Dialer(cfg, myTLSConfig)
//
// tc is cloned; MinVersion is raised to TLS 1.2 and an empty ServerName
// becomes the host's name. c.TLS is ignored; c.KeepAlive and
// c.DialTimeout apply, DialTimeout bounding connect and handshake
// together. A host that is not tcp (or https) gives an *dial.Error.
func Dialer(c dial.Config, tc *tls.Config) (dial.Func, error) {
	hs := c.Host
	if hs == "" {
		hs = dial.DefaultHost
	}
	h, err := dial.ParseHost(hs)
	if err != nil {
		return nil, err
	}
	if h.Scheme != "tcp" {
		return nil, &dial.Error{Op: "dial", Host: h.String(), Err: errors.New("TLS is only supported on tcp hosts")}
	}
	pc := dial.Config{
		Host:        dial.Host{Scheme: "tcp", Addr: h.Addr}.String(),
		KeepAlive:   c.KeepAlive,
		DialTimeout: -1, // bounded below, with the handshake
	}
	plain, err := pc.Dialer()
	if err != nil {
		return nil, err
	}
	if tc == nil {
		tc = &tls.Config{}
	}
	f := client(h, tc, plain)
	timeout := c.DialTimeout
	if timeout == 0 {
		timeout = dial.DefaultDialTimeout
	}
	if timeout < 0 {
		return f, nil
	}
	return func(ctx context.Context) (net.Conn, error) {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		return f(ctx)
	}, nil
}

// transport is the dial.TLSTransport this package registers.
func transport(h dial.Host, opts dial.TLSOptions, plain dial.Func) (dial.Func, error) {
	tc, err := config(opts)
	if err != nil {
		return nil, &dial.Error{Op: "tls", Host: h.String(), Err: err}
	}
	return client(h, tc, plain), nil
}

// client returns a Func that opens a connection with plain and does the TLS
// handshake on it, with a clone of base raised to TLS 1.2 and named after h
// unless base names the server itself.
func client(h dial.Host, base *tls.Config, plain dial.Func) dial.Func {
	cfg := base.Clone()
	if cfg.MinVersion < tls.VersionTLS12 {
		cfg.MinVersion = tls.VersionTLS12
	}
	if cfg.ServerName == "" {
		if name, _, err := net.SplitHostPort(h.Addr); err == nil {
			cfg.ServerName = name
		}
	}
	host := h.String()
	return func(ctx context.Context) (net.Conn, error) {
		conn, err := plain(ctx)
		if err != nil {
			return nil, err
		}
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, &dial.Error{Op: "tls", Host: host, Err: ctxErr(ctx, err)}
		}
		return tc, nil
	}
}

// errInsecure reads without repeating dial.ErrInsecure's "dial:" prefix
// and matches it.
var errInsecure error = &reasonError{
	msg: "TLS without server verification refused: set Verify, or InsecureSkipVerify to accept an unverified server",
	err: dial.ErrInsecure,
}

type reasonError struct {
	msg string
	err error
}

func (e *reasonError) Error() string { return e.msg }
func (e *reasonError) Unwrap() error { return e.err }

// ctxErr makes sure a failure caused by ctx matches ctx's error.
func ctxErr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("%w: %w", cerr, err)
	}
	return err
}

// Compile-time check that transport fits the seam.
var _ dial.TLSTransport = transport
