package ssh

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/crypto/ssh"
)

// stdioCommand is the remote command of the dial-stdio mode: docker's own
// bridge from stdin/stdout to the daemon, pointed at socket when the URL
// names one (else the remote user's default, DOCKER_HOST included).
func stdioCommand(socket string) string {
	if socket == "" {
		return "docker system dial-stdio"
	}
	return "docker --host " + shellQuote("unix://"+socket) + " system dial-stdio"
}

// shellQuote quotes s as one word for a POSIX shell: inside single quotes
// nothing is special but the single quote, written '\”.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// maxStderr caps what is kept of dial-stdio's stderr, for errors.
const maxStderr = 2 << 10

// exitWait bounds the wait for dial-stdio's exit status once its output
// has ended.
const exitWait = 2 * time.Second

// openStdio runs docker system dial-stdio in a session channel and
// returns the channel as the connection. refused, when set, is why
// streamlocal was not used, for errors.
func (t *sshTransport) openStdio(ctx context.Context, cl *client, socket string, refused error) (net.Conn, error) {
	cmd := stdioCommand(socket)
	why := func(err error) error {
		if refused != nil {
			return fmt.Errorf("%w; fell back to %s, which failed: %w", refused, cmd, err)
		}
		return fmt.Errorf("%s: %w", cmd, err)
	}
	ch, reqs, err := openChannel(ctx, cl, "session", nil)
	if err != nil {
		return nil, why(fmt.Errorf("session: %w", err))
	}
	s := &stdioSession{transport: t, why: why, exited: make(chan struct{}), drained: make(chan struct{}), status: -1}
	go s.serve(reqs)
	go s.drain(ch.Stderr())
	stop := context.AfterFunc(ctx, func() { ch.Close() })
	ok, err := ch.SendRequest("exec", true, ssh.Marshal(struct{ Command string }{cmd}))
	if !stop() {
		ch.Close()
		return nil, why(ctx.Err())
	}
	if err != nil || !ok {
		ch.Close()
		if err == nil {
			err = errors.New("the server refused to run it")
		}
		return nil, why(err)
	}
	conn := newChanConn(ch, cl.c.LocalAddr(), cl.c.RemoteAddr(), func() { t.release(cl) })
	conn.fail = s.fail
	if refused != nil {
		conn.onData = func() {
			t.mu.Lock()
			cl.stdio = true
			t.mu.Unlock()
		}
	}
	return conn, nil
}

// stdioSession follows a dial-stdio process: its exit and its stderr.
type stdioSession struct {
	transport *sshTransport
	why       func(error) error

	exited  chan struct{} // closed when the exit is known, or the channel closed without one
	drained chan struct{} // closed at the end of stderr

	mu     sync.Mutex
	status int    // exit status, -1 when none was sent
	signal string // exit signal, "" when none
	stderr []byte // the first maxStderr bytes
}

// serve answers the session's requests, noting exit-status and
// exit-signal.
func (s *stdioSession) serve(reqs <-chan *ssh.Request) {
	once := sync.OnceFunc(func() { close(s.exited) })
	defer once()
	for req := range reqs {
		switch req.Type {
		case "exit-status":
			var m struct{ Status uint32 }
			if ssh.Unmarshal(req.Payload, &m) == nil {
				s.mu.Lock()
				s.status = int(m.Status)
				s.mu.Unlock()
				once()
			}
		case "exit-signal":
			var m struct {
				Signal     string
				CoreDumped bool
				Message    string
				Lang       string
			}
			if ssh.Unmarshal(req.Payload, &m) == nil {
				s.mu.Lock()
				s.signal = m.Signal
				s.mu.Unlock()
				once()
			}
		}
		if req.WantReply {
			req.Reply(false, nil)
		}
	}
}

// drain reads stderr to its end, keeping the first maxStderr bytes: an
// unread stderr would stall the channel once its window fills.
func (s *stdioSession) drain(r io.Reader) {
	defer close(s.drained)
	buf := make([]byte, 512)
	for {
		n, err := r.Read(buf)
		s.mu.Lock()
		if room := maxStderr - len(s.stderr); room > 0 {
			s.stderr = append(s.stderr, buf[:min(n, room)]...)
		}
		s.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// fail explains the end of the stream by the process's exit: a dial-stdio
// that could not start (no docker CLI, a bad socket) ends its output at
// once, and says why on stderr.
func (s *stdioSession) fail(err error) error {
	if !errors.Is(err, io.EOF) {
		return err
	}
	timeout := time.NewTimer(exitWait)
	defer timeout.Stop()
	select {
	case <-s.exited:
	case <-timeout.C:
		return err
	}
	select { // stderr comes before the exit: let it be read
	case <-s.drained:
	case <-timeout.C:
	}
	s.mu.Lock()
	status, signal, stderr := s.status, s.signal, sanitize(s.stderr)
	s.mu.Unlock()
	var how string
	switch {
	case signal != "":
		how = "killed by SIG" + signal
	case status > 0:
		how = fmt.Sprintf("exit status %d", status)
	default:
		return err
	}
	if stderr != "" {
		how += ": " + stderr
	}
	return s.transport.fail(context.Background(), s.why(fmt.Errorf("remote process ended (%s): %w", how, err)))
}

// sanitize makes a remote program's stderr fit on one line of an error.
func sanitize(b []byte) string {
	s := strings.Map(func(r rune) rune {
		if r == unicode.ReplacementChar || !unicode.IsGraphic(r) {
			return ' '
		}
		return r
	}, string(b))
	return strings.Join(strings.Fields(s), " ")
}
