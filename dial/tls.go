package dial

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"os"
)

// TLSOptions names the files and the policy for TLSFromFiles.
type TLSOptions struct {
	// CAFile, when set, holds the PEM certificates that are trusted to
	// sign the daemon's certificate, instead of the system roots.
	CAFile string
	// CertFile and KeyFile hold the client certificate and key, PEM; both
	// or neither.
	CertFile, KeyFile string
	// ServerName overrides the name checked in the daemon's certificate
	// (docker-py's assert_hostname); "" means the host's name.
	ServerName string
	// Verify asks for the daemon's certificate to be verified
	// (DOCKER_TLS_VERIFY).
	Verify bool
	// InsecureSkipVerify is the explicit opt-in to NOT verifying the
	// daemon's certificate. Without it, a config that does not verify is
	// refused with ErrInsecure.
	InsecureSkipVerify bool
}

// TLSFromFiles builds a client TLS config: TLS 1.2 at least, the CA pool
// from CAFile (else the system roots), the client certificate when
// CertFile and KeyFile are set. Exactly one of Verify and
// InsecureSkipVerify must be set: neither gives an *Error matching
// ErrInsecure. Errors are *Error with Op "tls".
func TLSFromFiles(opts TLSOptions) (*tls.Config, error) {
	cfg, err := tlsFromFiles(opts)
	if err != nil {
		return nil, &Error{Op: "tls", Err: err}
	}
	return cfg, nil
}

func tlsFromFiles(opts TLSOptions) (*tls.Config, error) {
	switch {
	case opts.Verify && opts.InsecureSkipVerify:
		return nil, errors.New("both Verify and InsecureSkipVerify are set")
	case !opts.Verify && !opts.InsecureSkipVerify:
		return nil, because(ErrInsecure, "TLS without server verification refused: set Verify, or InsecureSkipVerify to accept an unverified server")
	}
	cfg := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         opts.ServerName,
		InsecureSkipVerify: opts.InsecureSkipVerify,
	}
	if opts.CAFile != "" {
		pem, err := os.ReadFile(opts.CAFile)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, errors.New("no PEM certificate found in " + opts.CAFile)
		}
		cfg.RootCAs = pool
	}
	if (opts.CertFile == "") != (opts.KeyFile == "") {
		return nil, errors.New("client certificate and key must be given together")
	}
	if opts.CertFile != "" {
		pair, err := tls.LoadX509KeyPair(opts.CertFile, opts.KeyFile)
		if err != nil {
			return nil, err
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}
