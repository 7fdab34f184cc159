// Package dialtls is dockwire's TLS transport: tcp+TLS connections to a
// Docker daemon, with mutual TLS as dockerd's --tlsverify expects.
//
// It lives apart from package dial so that programs talking to a local
// unix socket do not link crypto/tls and crypto/x509 (about 2 MiB). A
// program that may meet a TLS host (DOCKER_TLS_VERIFY, an https:// host,
// a context with TLS files) imports it for its side effect, which
// registers the transport with dial.RegisterTLS:
//
//	import _ "github.com/dockwire/dockwire/dial/dialtls"
//
// dial.Config.TLS (filled by dial.FromEnv) then takes effect in
// dial.Config.Dialer. Without the import, Dialer refuses TLS hosts with an
// error matching dial.ErrUnsupported that names this package.
//
// Config turns dial.TLSOptions into a *tls.Config: TLS 1.2 at least, a
// custom CA pool, a client certificate, a ServerName override (docker-py's
// assert_hostname), and InsecureSkipVerify only when asked for explicitly.
// Dialer uses a *tls.Config of the caller's own instead, through
// dial.Config.Dial.
//
// # Errors and cancellation
//
// Certificate problems (unreadable or malformed files, a key that does not
// match its certificate) are *dial.Error with Op "tls", returned by Config
// and by dial.Config.Dialer. A failed handshake is a *dial.Error with Op
// "tls" wrapping the cause: x509 errors (*x509.UnknownAuthorityError,
// x509.HostnameError) are reachable with errors.As, and a handshake ended
// by ctx or by dial.Config.DialTimeout matches context.Canceled or
// context.DeadlineExceeded. The handshake stops promptly when ctx is
// cancelled.
package dialtls
