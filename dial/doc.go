// Package dial says where a Docker daemon is and opens connections to it.
//
// A Config is plain data about the transport: the daemon address (Host),
// its TLS options, dial timeout and keep-alive, and optionally a Dial func
// that replaces the built-in transports. FromEnv fills one the way the
// docker CLI does, from DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH,
// DOCKER_CONFIG, DOCKER_CONTEXT and the contexts store. (What is spoken
// over the connection, DOCKER_API_VERSION included, is the root package's
// Options, which dockwire.FromEnv fills.)
// ParseHost parses and checks one address.
//
//	cfg, err := dial.FromEnv()
//	if err != nil { ... }
//	open, err := cfg.Dialer()   // a Func: unix, tcp, or tcp+TLS with dialtls
//	conn, err := open(ctx)
//
// Func is the unit of composition: the wire layer's connection pool calls
// one whenever it needs a connection, and transports living in their own
// packages (ssh, in dial/ssh) provide one through Config.Dial.
//
// # TLS and ssh
//
// Package dial itself speaks only unix and plain tcp, so a program that
// talks to a local daemon does not link crypto/tls, crypto/x509 or an ssh
// client. TLS lives in dial/dialtls: importing it for its side effect
//
//	import _ "github.com/dockwire/dockwire/dial/dialtls"
//
// registers it (RegisterTLS), and Config.Dialer then handles https:// hosts
// and Config.TLS, the TLSOptions (certificate files, ServerName, Verify)
// that FromEnv fills from DOCKER_TLS_VERIFY, DOCKER_CERT_PATH or a
// context. Without it, Dialer refuses TLS hosts with an error matching
// ErrUnsupported that names the import; certificates are read by dialtls,
// when Dialer is called. dialtls.Dialer uses a *tls.Config of your own
// through Config.Dial. ssh works the same way through Config.Dial, with a
// Func from dial/ssh.
//
// # Security
//
// TLS is at least 1.2 and the daemon's certificate is verified. Where the
// docker CLI or moby's client would silently skip verification
// (DOCKER_CERT_PATH or DOCKER_TLS without DOCKER_TLS_VERIFY, a context with
// SkipTLSVerify), FromEnv refuses with ErrInsecure unless
// DOCKWIRE_TLS_INSECURE=1 opts in; TLSOptions.InsecureSkipVerify is the
// programmatic opt-in, and dialtls refuses TLSOptions with neither it nor
// Verify set. Host names and ssh users starting with "-" are
// refused, as are passwords in ssh URLs. No transport uses HTTP proxies.
//
// # Errors
//
// Every error is an *Error carrying the operation ("parse", "env",
// "context", "tls", "dial") and the host, wrapping the cause: errors.Is
// works with ErrUnsupported, ErrInsecure, context.Canceled,
// context.DeadlineExceeded and syscall errors; errors.As reaches
// *net.OpError and (from dialtls) x509 errors.
//
// # Cancellation
//
// A Func stops promptly when its ctx is cancelled, during connect and
// during the TLS handshake alike; Config.DialTimeout bounds both.
package dial
