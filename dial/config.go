package dial

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"time"
)

const (
	// DefaultDialTimeout bounds connect plus TLS or ssh handshake when
	// Config.DialTimeout is 0.
	DefaultDialTimeout = 30 * time.Second
	// DefaultKeepAlive is the TCP and ssh keep-alive period when
	// Config.KeepAlive is 0. Like moby's hijack dialer, it keeps long
	// silent attach and exec sessions from being dropped by middleboxes.
	DefaultKeepAlive = 30 * time.Second
)

// Config says where the daemon is and how to reach it: the transport, and
// nothing of the API spoken over it (the API version, pool size and call
// timeout are the root package's Options). It is plain data: build one by
// hand, with FromEnv, or with FromLookup. The zero Config means DefaultHost
// with every default.
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
	// DialTimeout bounds connect plus TLS handshake (ssh: connect, ssh
	// handshake and channel open); 0 means DefaultDialTimeout, < 0 means
	// no bound beyond the ctx.
	DialTimeout time.Duration
	// KeepAlive is the TCP keep-alive period, and an ssh connection's
	// keep-alive interval (a keepalive@openssh.com request, the connection
	// given up when one goes unanswered for three intervals, like
	// OpenSSH's ServerAliveCountMax 3); 0 means
	// DefaultKeepAlive, < 0 disables keep-alives.
	KeepAlive time.Duration
	// ConfigDir is the docker config directory (config.json, contexts);
	// FromEnv sets it from DOCKER_CONFIG or ~/.docker.
	ConfigDir string
	// Context is the docker context the Host came from, "" if none.
	Context string
	// SSH says how to log in to an ssh:// host; FromEnv sets it for one.
	// Nil means what FromEnv would set: ~/.ssh and SSH_AUTH_SOCK. Either
	// way the connection needs the ssh transport registered by package
	// dial/ssh.
	SSH *SSHOptions
	// Dial, when non-nil, opens connections instead of the transport
	// chosen from Host: a dialer of your own (dialtls.Dialer with your
	// *tls.Config, dial/ssh's Dialer with a HostKeyCallback), or a test's.
	Dial Func
}

// Dialer returns the Func that opens connections to c's daemon: c.Dial when
// set, else a unix, tcp, tcp+TLS or ssh dialer for c.Host. It is Open
// without the close function: the ssh connection an ssh host's Func
// shares stays open until the process ends, so prefer Open there.
//
// No transport consults HTTP_PROXY and friends: unix sockets never go
// through a proxy (moby#10739), and dockwire does not implement HTTP
// proxies for tcp either.
//
// A tcp host with c.TLS set, or an https:// host, needs the TLS transport
// registered by package dial/dialtls, and an ssh:// host the ssh transport
// registered by package dial/ssh; without it Dialer returns an *Error
// matching ErrUnsupported that says which package to import, as it does
// for npipe off Windows. Connection errors from the returned Func are
// *Error with Op "dial", TLS errors (from dialtls) *Error with Op "tls",
// ssh errors (from dial/ssh) *Error with Op "ssh"; all wrap the underlying
// error (so *net.OpError and x509 errors are reachable with errors.As) and
// ctx's error when ctx ended the attempt.
func (c Config) Dialer() (Func, error) {
	f, _, err := c.Open()
	return f, err
}

// Open is Dialer plus close, which releases what the Func's connections
// share: for an ssh host, the ssh connection they are channels of. After
// close the Func fails, and that ssh connection closes as soon as the
// connections opened through it are (at once when none is open). For
// unix, tcp and TLS hosts, and when c.Dial is set, close does nothing.
// dockwire.Client calls it from Close.
//
// Open does no network I/O; for an ssh host it reads the ssh config.
func (c Config) Open() (open Func, close func() error, err error) {
	if c.Dial != nil {
		return c.Dial, noClose, nil
	}
	hs := c.Host
	if hs == "" {
		hs = DefaultHost
	}
	h, err := ParseHost(hs)
	if err != nil {
		return nil, nil, err
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
			return nil, nil, &Error{Op: "dial", Host: d.host, Err: errors.New("TLS is only supported on tcp hosts")}
		}
		d.network = "unix"
	case "tcp":
		if c.TLS != nil || h.TLS {
			f, err := d.withTLS(h, c.TLS)
			if err != nil {
				return nil, nil, err
			}
			return f, noClose, nil
		}
	case "ssh":
		return c.withSSH(h, timeout)
	default:
		return nil, nil, &Error{Op: "dial", Host: d.host, Err: because(ErrUnsupported,
			h.Scheme+" transport not supported")}
	}
	return d.dial, noClose, nil
}

func noClose() error { return nil }

// withSSH hands c, with its host canonical and its SSH options filled in,
// to the registered ssh transport, and bounds the Func's calls by timeout.
func (c Config) withSSH(h Host, timeout time.Duration) (Func, func() error, error) {
	t := sshTransport.get()
	if t == nil {
		return nil, nil, &Error{Op: "dial", Host: h.String(), Err: because(ErrUnsupported, errNoSSH)}
	}
	c.Host = h.String()
	if c.SSH == nil {
		opts, err := sshFromLookup(os.LookupEnv)
		if err != nil {
			return nil, nil, &Error{Op: "ssh", Host: c.Host, Err: err}
		}
		c.SSH = &opts
	}
	f, closeFn, err := t(c)
	if err != nil {
		var de *Error
		if !errors.As(err, &de) {
			err = &Error{Op: "ssh", Host: c.Host, Err: err}
		}
		return nil, nil, err
	}
	if f == nil || closeFn == nil {
		return nil, nil, &Error{Op: "ssh", Host: c.Host, Err: errors.New("ssh transport returned no dialer")}
	}
	return bounded(f, timeout), closeFn, nil
}

// bounded bounds each call of f by timeout; <= 0 means no bound.
func bounded(f Func, timeout time.Duration) Func {
	if timeout <= 0 {
		return f
	}
	return func(ctx context.Context) (net.Conn, error) {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		return f(ctx)
	}
}

// withTLS wraps d in the registered TLS transport, d's timeout bounding
// connect and handshake together. A nil opts (https://) means verify
// against the system roots.
func (d *dialer) withTLS(h Host, opts *TLSOptions) (Func, error) {
	t := tlsTransport.get()
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
	return bounded(f, timeout), nil
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
