package ssh

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/dockwire/dockwire/dial"
)

func init() {
	dial.RegisterSSH(transport)
}

// defaultSocket is the daemon's socket on the remote host when the URL
// names none.
const defaultSocket = "/var/run/docker.sock"

// Options are what dial.SSHOptions, plain data, cannot say.
type Options struct {
	// HostKeyCallback checks the server's host key instead of
	// known_hosts. It is the only way past a *HostKeyError: dockwire never
	// accepts a key it has not checked.
	HostKeyCallback ssh.HostKeyCallback
}

// Dialer returns a Func that opens connections to the daemon behind c's
// ssh host, with o, and close, which ends them (see dial.SSHTransport).
// Put the Func in c.Dial; close is the caller's to call, as Client.Close
// does not know of it:
//
//	cfg.Dial, closeSSH, err = ssh.Dialer(cfg, ssh.Options{HostKeyCallback: check})
//	defer closeSSH()
//
// c.SSH nil means dial.Config.Open's default, ~/.ssh and SSH_AUTH_SOCK;
// c.KeepAlive and c.DialTimeout apply. A host that is not ssh:// gives an
// *dial.Error.
func Dialer(c dial.Config, o Options) (open dial.Func, close func() error, err error) {
	h, err := dial.ParseHost(c.Host)
	if err != nil {
		return nil, nil, err
	}
	if h.Scheme != "ssh" {
		return nil, nil, &dial.Error{Op: "ssh", Host: h.String(), Err: errors.New("not an ssh:// host")}
	}
	c.Host = h.String()
	if c.SSH == nil {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, nil, &dial.Error{Op: "ssh", Host: c.Host, Err: err}
		}
		c.SSH = &dial.SSHOptions{Dir: filepath.Join(home, ".ssh"), AgentSocket: os.Getenv("SSH_AUTH_SOCK")}
	}
	t, err := newTransport(c, h, o)
	if err != nil {
		return nil, nil, err
	}
	timeout := c.DialTimeout
	if timeout == 0 {
		timeout = dial.DefaultDialTimeout
	}
	f := t.dial
	if timeout > 0 {
		f = func(ctx context.Context) (net.Conn, error) {
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			return t.dial(ctx)
		}
	}
	return f, t.close, nil
}

// transport is the dial.SSHTransport this package registers.
func transport(c dial.Config) (dial.Func, func() error, error) {
	h, err := dial.ParseHost(c.Host)
	if err != nil {
		return nil, nil, err
	}
	t, err := newTransport(c, h, Options{})
	if err != nil {
		return nil, nil, err
	}
	return t.dial, t.close, nil
}

// sshTransport holds one ssh connection to a host at a time and opens
// channels on it.
type sshTransport struct {
	host      string // canonical ssh:// address, for errors
	tgt       target
	hostKey   ssh.HostKeyCallback // nil: known_hosts
	keepAlive time.Duration       // <= 0: none
	nd        net.Dialer

	dialing chan struct{} // a lock with ctx: one handshake at a time

	mu     sync.Mutex
	cur    *client // nil until dialed, and after it died
	closed bool
}

// client is one ssh connection and its channels.
type client struct {
	c       *ssh.Client
	refused error         // why streamlocal was last refused; under sshTransport.mu
	stdio   bool          // a dial-stdio fallback carried data: no more streamlocal; under sshTransport.mu
	holds   int           // channels open or being opened; under sshTransport.mu
	dead    bool          // closed, or found broken; under sshTransport.mu
	done    chan struct{} // closed with the connection
	once    sync.Once
}

func (cl *client) shut() {
	cl.once.Do(func() {
		close(cl.done)
		cl.c.Close()
	})
}

func newTransport(c dial.Config, h dial.Host, o Options) (*sshTransport, error) {
	opts := dial.SSHOptions{}
	if c.SSH != nil {
		opts = *c.SSH
	}
	tgt, err := resolve(h, opts)
	if err != nil {
		return nil, &dial.Error{Op: "ssh", Host: h.String(), Err: err}
	}
	t := &sshTransport{
		host:      h.String(),
		tgt:       tgt,
		hostKey:   o.HostKeyCallback,
		keepAlive: c.KeepAlive,
		dialing:   make(chan struct{}, 1),
	}
	if t.keepAlive == 0 {
		t.keepAlive = dial.DefaultKeepAlive
	}
	t.nd.KeepAlive = t.keepAlive
	return t, nil
}

// dial opens one connection to the daemon: a channel of the current ssh
// connection, made first when there is none or it died.
func (t *sshTransport) dial(ctx context.Context) (net.Conn, error) {
	for attempt := 0; ; attempt++ {
		cl, fresh, err := t.hold(ctx)
		if err != nil {
			return nil, err
		}
		conn, err := t.open(ctx, cl)
		if err == nil {
			return conn, nil
		}
		t.release(cl)
		if errors.Is(err, errConnDead) {
			// The shared connection broke: drop it, and make a new one
			// once, unless this one was new already.
			t.drop(cl)
			if !fresh && attempt == 0 && ctx.Err() == nil {
				continue
			}
		}
		return nil, t.fail(ctx, err)
	}
}

// errConnDead marks channel-open failures caused by the ssh connection
// itself, not by the server's answer.
var errConnDead = errors.New("ssh connection lost")

// hold returns the current ssh connection, dialing one when there is none,
// with a hold on it for a channel about to be opened. fresh says it was
// made by this call.
func (t *sshTransport) hold(ctx context.Context) (cl *client, fresh bool, err error) {
	if cl, err := t.holdCurrent(); cl != nil || err != nil {
		return cl, false, err
	}
	select {
	case t.dialing <- struct{}{}:
	case <-ctx.Done():
		return nil, false, t.fail(ctx, fmt.Errorf("waiting for the ssh connection: %w", ctx.Err()))
	}
	defer func() { <-t.dialing }()
	if cl, err := t.holdCurrent(); cl != nil || err != nil {
		return cl, false, err // another call dialed meanwhile
	}
	cl, err = t.connect(ctx)
	if err != nil {
		return nil, false, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		cl.dead = true
		cl.shut()
		return nil, false, t.errClosed()
	}
	t.cur = cl
	cl.holds++
	return cl, true, nil
}

func (t *sshTransport) holdCurrent() (*client, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil, t.errClosed()
	}
	if t.cur == nil {
		return nil, nil
	}
	t.cur.holds++
	return t.cur, nil
}

func (t *sshTransport) errClosed() error {
	return &dial.Error{Op: "ssh", Host: t.host, Err: fmt.Errorf("closed: %w", net.ErrClosed)}
}

// release drops a hold on cl, closing cl when it was the last one and the
// transport is closed or cl was dropped.
func (t *sshTransport) release(cl *client) {
	t.mu.Lock()
	cl.holds--
	last := cl.holds == 0 && (t.closed || cl.dead)
	t.mu.Unlock()
	if last {
		cl.shut()
	}
}

// drop forgets cl as the current connection and closes it: it is broken.
func (t *sshTransport) drop(cl *client) {
	t.mu.Lock()
	cl.dead = true
	if t.cur == cl {
		t.cur = nil
	}
	t.mu.Unlock()
	cl.shut()
}

// close makes dial fail from now on, and closes the ssh connection once
// the channels open on it are closed (at once when there are none).
func (t *sshTransport) close() error {
	t.mu.Lock()
	t.closed = true
	cl := t.cur
	t.cur = nil
	idle := cl != nil && cl.holds == 0
	if cl != nil {
		cl.dead = true
	}
	t.mu.Unlock()
	if idle {
		cl.shut()
	}
	return nil
}

// fail wraps err for the caller: an *dial.Error (kept when err is one),
// matching ctx's error when ctx ended the attempt.
func (t *sshTransport) fail(ctx context.Context, err error) error {
	err = ctxErr(ctx, err)
	var de *dial.Error
	if errors.As(err, &de) {
		return err
	}
	return &dial.Error{Op: "ssh", Host: t.host, Err: err}
}

// keepAliveMissed is how many intervals a keep-alive may go unanswered
// (OpenSSH's ServerAliveCountMax): a busy machine or peer answering late
// is not a dead one.
const keepAliveMissed = 3

// keepAliveLoop sends keepalive@openssh.com every interval and drops the
// connection when an answer takes longer than keepAliveMissed intervals,
// or the request fails, so that the next call dials anew instead of
// waiting on a dead peer.
func (t *sshTransport) keepAliveLoop(cl *client) {
	// Ticks that come while an answer is awaited are dropped by the
	// ticker, so one request is in flight at a time.
	tick := time.NewTicker(t.keepAlive)
	defer tick.Stop()
	answered := make(chan error, 1)
	for {
		select {
		case <-cl.done:
			return
		case <-tick.C:
		}
		go func() {
			_, _, err := cl.c.SendRequest("keepalive@openssh.com", true, nil)
			answered <- err
		}()
		timer := time.NewTimer(keepAliveMissed * t.keepAlive)
		var err error
		select {
		case err = <-answered:
		case <-timer.C:
			t.drop(cl)
			<-answered // SendRequest returns once the connection is closed
			return
		case <-cl.done:
			timer.Stop()
			<-answered
			return
		}
		timer.Stop()
		if err != nil {
			t.drop(cl)
			return
		}
	}
}
