package ssh

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/dockwire/dockwire/dial"
)

// ErrAuth is matched by the error of a connection the server refused to
// log in: no key offered was accepted for the user.
var ErrAuth = errors.New("ssh: authentication failed")

// connect dials the ssh server, checks its host key and logs in.
func (t *sshTransport) connect(ctx context.Context) (*client, error) {
	addr := t.tgt.addr()
	nc, err := t.nd.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, &dial.Error{Op: "dial", Host: t.host, Err: ctxErr(ctx, err)}
	}
	a := t.tgt.authenticator(ctx)
	defer a.close()
	hostKey, algos, err := t.hostKeyCheck()
	if err != nil {
		nc.Close()
		return nil, t.fail(ctx, err)
	}
	cfg := &ssh.ClientConfig{
		User:              t.tgt.user,
		Auth:              []ssh.AuthMethod{ssh.PublicKeysCallback(a.signers)},
		HostKeyCallback:   hostKey,
		HostKeyAlgorithms: algos,
		ClientVersion:     "SSH-2.0-dockwire",
	}
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	conn, chans, reqs, err := ssh.NewClientConn(quickAck(nc), addr, cfg)
	if !stop() {
		if err == nil {
			conn.Close()
		}
		return nil, t.fail(ctx, fmt.Errorf("ssh handshake with %s: %w", addr, ctx.Err()))
	}
	if err != nil {
		var hke *HostKeyError
		switch {
		case errors.As(err, &hke):
			return nil, t.fail(ctx, hke)
		case strings.Contains(err.Error(), "unable to authenticate"):
			return nil, t.fail(ctx, &authError{user: t.tgt.user, addr: addr, tried: a.tried(), err: err})
		}
		return nil, t.fail(ctx, fmt.Errorf("ssh handshake with %s: %w", addr, err))
	}
	cl := &client{c: ssh.NewClient(conn, chans, reqs), done: make(chan struct{})}
	if t.keepAlive > 0 {
		go t.keepAliveLoop(cl)
	}
	return cl, nil
}

// authError says who could not log in and which keys were offered.
type authError struct {
	user, addr string
	tried      string
	err        error
}

func (e *authError) Error() string {
	return fmt.Sprintf("ssh: authentication as %q on %s failed (offered %s): %v", e.user, e.addr, e.tried, e.err)
}

func (e *authError) Unwrap() []error { return []error{ErrAuth, e.err} }

// open opens a channel to the daemon on cl, in the mode the options ask
// for. In SSHAuto mode a refused streamlocal channel falls back to
// dial-stdio; once a dial-stdio connection has carried data, cl stays with
// dial-stdio for good.
func (t *sshTransport) open(ctx context.Context, cl *client) (net.Conn, error) {
	mode := t.tgt.mode
	if mode == dial.SSHDialStdio {
		return t.openStdio(ctx, cl, t.tgt.socket, nil)
	}
	t.mu.Lock()
	why, stdio := cl.refused, cl.stdio
	t.mu.Unlock()
	if mode == dial.SSHAuto && stdio {
		return t.openStdio(ctx, cl, t.tgt.socket, why)
	}
	conn, err := t.openStreamLocal(ctx, cl, t.tgt.streamSocket())
	if err == nil || mode != dial.SSHAuto || !refused(err) {
		return conn, err
	}
	t.mu.Lock()
	cl.refused = err
	t.mu.Unlock()
	return t.openStdio(ctx, cl, t.tgt.socket, err)
}

// refused reports whether the server turned the channel down. OpenSSH
// gives the same answer, "connect failed (open failed)", whether
// forwarding is disabled or the socket cannot be reached, so any refusal
// is worth the fallback, whose error then tells both.
func refused(err error) bool {
	var oe *ssh.OpenChannelError
	return errors.As(err, &oe)
}

// openStreamLocal opens a direct-streamlocal@openssh.com channel to socket.
func (t *sshTransport) openStreamLocal(ctx context.Context, cl *client, socket string) (net.Conn, error) {
	payload := ssh.Marshal(struct {
		SocketPath string
		Reserved0  string
		Reserved1  uint32
	}{SocketPath: socket})
	ch, reqs, err := openChannel(ctx, cl, "direct-streamlocal@openssh.com", payload)
	if err != nil {
		return nil, fmt.Errorf("direct-streamlocal@openssh.com to %s: %w", socket, err)
	}
	go ssh.DiscardRequests(reqs)
	return newChanConn(ch, cl.c.LocalAddr(), &net.UnixAddr{Net: "unix", Name: socket}, func() { t.release(cl) }), nil
}

// openChannel opens a channel, giving up when ctx ends (a channel that
// opens later is closed). An error from the connection rather than the
// server's answer matches errConnDead.
func openChannel(ctx context.Context, cl *client, kind string, payload []byte) (ssh.Channel, <-chan *ssh.Request, error) {
	type opened struct {
		ch   ssh.Channel
		reqs <-chan *ssh.Request
		err  error
	}
	res := make(chan opened, 1)
	go func() {
		ch, reqs, err := cl.c.OpenChannel(kind, payload)
		res <- opened{ch, reqs, err}
	}()
	select {
	case r := <-res:
		if r.err != nil {
			var oe *ssh.OpenChannelError
			if !errors.As(r.err, &oe) {
				return nil, nil, fmt.Errorf("%w: %w", errConnDead, r.err)
			}
			return nil, nil, r.err
		}
		return r.ch, r.reqs, nil
	case <-ctx.Done():
		go func() {
			if r := <-res; r.err == nil {
				go ssh.DiscardRequests(r.reqs)
				r.ch.Close()
			}
		}()
		return nil, nil, ctx.Err()
	}
}

// ctxErr makes sure a failure caused by ctx matches ctx's error.
func ctxErr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("%w: %w", cerr, err)
	}
	return err
}
