package dial

// TLSOptions says how to secure a tcp connection: which certificates to
// trust and present, and whether the daemon's certificate is verified. It
// is plain data; nothing is read or parsed until a TLS transport (package
// dial/dialtls) dials, so package dial does not link crypto/tls.
//
// Exactly one of Verify and InsecureSkipVerify must be set: the TLS
// transport refuses neither with an error matching ErrInsecure.
type TLSOptions struct {
	// CAFile, when set, holds the PEM certificates that are trusted to
	// sign the daemon's certificate, instead of the system roots.
	CAFile string
	// CertFile and KeyFile hold the client certificate and key, PEM; both
	// or neither.
	CertFile, KeyFile string
	// CAPEM, CertPEM and KeyPEM are the same in memory; each, when set,
	// is used instead of the matching file.
	CAPEM, CertPEM, KeyPEM []byte
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

// TLSTransport adds TLS to the tcp transport. Given the host, the options
// and plain, the Func that opens the tcp connection, it returns the Func
// that opens TLS connections with the handshake done. Config.Dialer bounds
// the returned Func's calls by Config.DialTimeout; errors from plain are
// already *Error and are passed on as they are.
type TLSTransport func(h Host, opts TLSOptions, plain Func) (Func, error)

var tlsTransport registry[TLSTransport]

// RegisterTLS makes t the transport Config.Dialer uses for TLS hosts. The
// dial/dialtls package registers itself when imported:
//
//	import _ "github.com/dockwire/dockwire/dial/dialtls"
//
// A later call replaces an earlier one; nil removes it.
func RegisterTLS(t TLSTransport) { tlsTransport.set(t) }

// errNoTLS is the reason given when a TLS host is dialed with no TLS
// transport registered.
const errNoTLS = `TLS hosts need a TLS transport: import _ "github.com/dockwire/dockwire/dial/dialtls"`
