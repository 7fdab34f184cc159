// Package dial says where a Docker daemon is and opens connections to it.
//
// A Config is plain data about the transport: the daemon address (Host),
// its TLS or ssh options, dial timeout and keep-alive, and optionally a Dial
// func that replaces the built-in transports. FromEnv fills one the way the
// docker CLI does, from DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH,
// DOCKER_CONFIG, DOCKER_CONTEXT and the contexts store (and HOME and
// SSH_AUTH_SOCK for an ssh host). (What is spoken over the connection,
// DOCKER_API_VERSION included, is the root package's Options, which
// dockwire.FromEnv fills.)
// ParseHost parses and checks one address.
//
//	cfg, err := dial.FromEnv()
//	if err != nil { ... }
//	open, close, err := cfg.Open() // a Func: unix, tcp, tcp+TLS (dialtls) or ssh (dial/ssh)
//	defer close()
//	conn, err := open(ctx)
//
// Func is the unit of composition: the wire layer's connection pool calls
// one whenever it needs a connection. Dialer returns it alone; Open adds
// the function that releases what its connections share (the ssh
// connection of an ssh host). FromEnv is the only function of dockwire
// that reads the environment, but for one case: an ssh host whose
// Config.SSH is nil takes FromEnv's defaults (HOME and SSH_AUTH_SOCK) when
// Open, or dial/ssh's Dialer, is called.
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
// through Config.Dial.
//
// ssh works the same way: importing dial/ssh registers it (RegisterSSH),
// and ssh://[user@]host[:port][/socket] hosts, from DOCKER_HOST or a
// context, then connect with golang.org/x/crypto/ssh, with the
// SSHOptions (ssh directory, agent, identities, known_hosts, SSHMode) of
// Config.SSH. Without the import, Dialer refuses ssh hosts with an error
// matching ErrUnsupported that names it.
//
// # Security
//
// TLS is at least 1.2 and the daemon's certificate is verified. Where the
// docker CLI or moby's client would silently skip verification
// (DOCKER_CERT_PATH or DOCKER_TLS without DOCKER_TLS_VERIFY, a context with
// SkipTLSVerify), FromEnv refuses with ErrInsecure unless
// DOCKWIRE_TLS_INSECURE=1 opts in; TLSOptions.InsecureSkipVerify is the
// programmatic opt-in, and dialtls refuses TLSOptions with neither it nor
// Verify set. ssh host keys are always checked against known_hosts, unless
// a HostKeyCallback of your own is given to dial/ssh's Dialer. Host names
// and ssh users starting with "-" are refused, as are passwords in ssh
// URLs. No transport uses HTTP proxies.
//
// # Errors
//
// Every error is an *Error carrying the operation ("parse", "env",
// "context", "tls", "ssh", "dial") and the host, wrapping the cause:
// errors.Is works with ErrUnsupported, ErrInsecure, context.Canceled,
// context.DeadlineExceeded and syscall errors; errors.As reaches
// *net.OpError, x509 errors (from dialtls) and host key errors (from
// dial/ssh).
//
// # Cancellation
//
// A Func stops promptly when its ctx is cancelled, during connect and
// during the TLS or ssh handshake alike; Config.DialTimeout bounds both.
package dial
