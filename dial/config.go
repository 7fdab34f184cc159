package dial

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"
)

const (
	// DefaultPoolSize is the number of connections short calls hold at
	// once per daemon when Config.PoolSize is 0 (see wire.Options.PoolSize).
	DefaultPoolSize = 10
	// DefaultTimeout bounds a call's wait for a free connection and then
	// its exchange (connect, response headers, a plain answer's body) when
	// Config.Timeout is 0. It never cuts off a stream that is delivering.
	DefaultTimeout = 60 * time.Second
	// DefaultDialTimeout bounds connect plus TLS handshake when
	// Config.DialTimeout is 0.
	DefaultDialTimeout = 30 * time.Second
	// DefaultKeepAlive is the TCP keep-alive period when Config.KeepAlive is
	// 0. Like moby's hijack dialer, it keeps long silent attach and exec
	// sessions from being dropped by middleboxes.
	DefaultKeepAlive = 30 * time.Second
)

// Config says where the daemon is and how to reach it. It is plain data:
// build one by hand, with FromEnv, or with FromLookup. The zero Config means
// DefaultHost with every default.
//
// Timeout and PoolSize are not used by dial itself; they are carried here
// for the wire layer, so one Config describes a whole connection setup.
type Config struct {
	// Host is the daemon address, in a form ParseHost accepts;
	// "" means DefaultHost.
	Host string
	// TLS, when non-nil, secures tcp hosts; an https:// host with a nil
	// TLS verifies the daemon against the system roots. Either way the
	// connection needs a registered TLS transport: import package
	// dial/dialtls, or set Dial with dialtls.Dialer to use a *tls.Config
	// of your own.
	TLS *TLSOptions
	// APIVersion pins the API version ("1.41"); "" means negotiate.
	APIVersion string
	// PoolSize is the most connections short calls hold at once per
	// daemon (see wire.Options.PoolSize); 0 means DefaultPoolSize.
	PoolSize int
	// DialTimeout bounds connect plus TLS handshake; 0 means
	// DefaultDialTimeout, < 0 means no bound beyond the ctx.
	DialTimeout time.Duration
	// Timeout bounds a call's wait for a free connection and then its
	// exchange (see wire.Options.Timeout), never a stream that is
	// delivering; 0 means DefaultTimeout, < 0 means none.
	Timeout time.Duration
	// KeepAlive is the TCP keep-alive period; 0 means DefaultKeepAlive,
	// < 0 disables keep-alives.
	KeepAlive time.Duration
	// ConfigDir is the docker config directory (config.json, contexts);
	// FromEnv sets it from DOCKER_CONFIG or ~/.docker.
	ConfigDir string
	// Context is the docker context the Host came from, "" if none.
	Context string
	// Dial, when non-nil, opens connections instead of the transport
	// chosen from Host. The ssh transport (package dial/ssh) and tests
	// set it.
	Dial Func
}

// Dialer returns the Func that opens connections to c's daemon: c.Dial when
// set, else a unix, tcp or tcp+TLS dialer for c.Host.
//
// No transport consults HTTP_PROXY and friends: unix sockets never go
// through a proxy (moby#10739), and dockwire does not implement HTTP
// proxies for tcp either.
//
// A tcp host with c.TLS set, or an https:// host, needs the TLS transport
// registered by package dial/dialtls; without it Dialer returns an *Error
// matching ErrUnsupported that says which package to import. An ssh://
// host needs c.Dial (from the dial/ssh package); without it, and for
// npipe, Dialer returns an *Error matching ErrUnsupported. Connection
// errors from the returned Func are *Error with Op "dial", TLS errors
// (from dialtls) *Error with Op "tls"; both wrap the underlying error (so
// *net.OpError and x509 errors are reachable with errors.As) and ctx's
// error when ctx ended the attempt.
func (c Config) Dialer() (Func, error) {
	if c.Dial != nil {
		return c.Dial, nil
	}
	hs := c.Host
	if hs == "" {
		hs = DefaultHost
	}
	h, err := ParseHost(hs)
	if err != nil {
		return nil, err
	}
	nd := &net.Dialer{KeepAlive: c.KeepAlive}
	if nd.KeepAlive == 0 {
		nd.KeepAlive = DefaultKeepAlive
	}
	timeout := c.DialTimeout
	if timeout == 0 {
		timeout = DefaultDialTimeout
	}
	d := &dialer{host: h.String(), network: "tcp", addr: h.Addr, nd: nd, timeout: timeout}
	switch h.Scheme {
	case "unix":
		if c.TLS != nil {
			return nil, &Error{Op: "dial", Host: d.host, Err: errors.New("TLS is only supported on tcp hosts")}
		}
		d.network = "unix"
	case "tcp":
		if c.TLS != nil || h.TLS {
			return d.withTLS(h, c.TLS)
		}
	case "ssh":
		return nil, &Error{Op: "dial", Host: d.host, Err: because(ErrUnsupported,
			"ssh hosts need Config.Dial from the dial/ssh package")}
	default:
		return nil, &Error{Op: "dial", Host: d.host, Err: because(ErrUnsupported,
			h.Scheme+" transport not supported")}
	}
	return d.dial, nil
}

// withTLS wraps d in the registered TLS transport, d's timeout bounding
// connect and handshake together. A nil opts (https://) means verify
// against the system roots.
func (d *dialer) withTLS(h Host, opts *TLSOptions) (Func, error) {
	t := registeredTLS()
	if t == nil {
		return nil, &Error{Op: "dial", Host: d.host, Err: because(ErrUnsupported, errNoTLS)}
	}
	o := TLSOptions{Verify: true}
	if opts != nil {
		o = *opts
	}
	timeout := d.timeout
	d.timeout = -1 // bounded below, with the handshake
	f, err := t(h, o, d.dial)
	if err != nil {
		var de *Error
		if !errors.As(err, &de) {
			err = &Error{Op: "tls", Host: d.host, Err: err}
		}
		return nil, err
	}
	if f == nil {
		return nil, &Error{Op: "tls", Host: d.host, Err: errors.New("TLS transport returned no dialer")}
	}
	if timeout <= 0 {
		return f, nil
	}
	return func(ctx context.Context) (net.Conn, error) {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		return f(ctx)
	}, nil
}

type dialer struct {
	host    string // canonical, for errors
	network string
	addr    string
	nd      *net.Dialer
	timeout time.Duration // connect, <0 none
}

func (d *dialer) dial(ctx context.Context) (net.Conn, error) {
	if d.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.timeout)
		defer cancel()
	}
	conn, err := d.nd.DialContext(ctx, d.network, d.addr)
	if err != nil {
		return nil, &Error{Op: "dial", Host: d.host, Err: dialErr(ctx, err)}
	}
	return conn, nil
}

// dialErr makes sure a failure caused by ctx matches ctx's error, and adds
// a hint when nothing listens at the address.
func dialErr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("%w: %w", cerr, err)
	}
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ENOENT) {
		return &hintError{err: err, hint: "is the docker daemon running?"}
	}
	return err
}

type hintError struct {
	err  error
	hint string
}

func (e *hintError) Error() string { return e.err.Error() + " (" + e.hint + ")" }
func (e *hintError) Unwrap() error { return e.err }
