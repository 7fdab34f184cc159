package sshtest

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Key is an ed25519 key pair.
type Key struct {
	Signer ssh.Signer
	Public ssh.PublicKey
	// PEM is the private key in OpenSSH's format, unencrypted.
	PEM  []byte
	priv ed25519.PrivateKey
}

// NewKey generates a key.
func NewKey(t testing.TB) *Key {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "dockwire test")
	if err != nil {
		t.Fatal(err)
	}
	return &Key{Signer: s, Public: s.PublicKey(), PEM: pem.EncodeToMemory(block), priv: priv}
}

// AuthorizedKey is the public key as an authorized_keys line.
func (k *Key) AuthorizedKey() string { return string(ssh.MarshalAuthorizedKey(k.Public)) }

// Agent serves an ssh-agent holding keys on a fresh unix socket in dir
// until the test ends, and returns the socket's path.
func Agent(t testing.TB, dir string, keys ...*Key) string {
	t.Helper()
	ring := agent.NewKeyring()
	for _, k := range keys {
		if err := ring.Add(agent.AddedKey{PrivateKey: k.priv}); err != nil {
			t.Fatal(err)
		}
	}
	sock := dir + "/agent.sock"
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				agent.ServeAgent(ring, c)
			})
		}
	})
	t.Cleanup(func() {
		l.Close()
		wg.Wait()
	})
	return sock
}

// Config says how a Server behaves.
type Config struct {
	// AuthorizedKeys are the keys that may log in, as any user.
	AuthorizedKeys []ssh.PublicKey
	// HostKey is the server's key; nil means a new one.
	HostKey *Key
	// Socket is where `docker system dial-stdio` without --host connects
	// (the remote's default daemon).
	Socket string
	// NoStreamLocal refuses direct-streamlocal@openssh.com channels as
	// sshd with AllowStreamLocalForwarding no does: "connect failed (open
	// failed)", as for a socket it cannot reach.
	NoStreamLocal bool
	// NoDocker makes sessions fail like a host without the docker CLI:
	// "sh: 1: docker: not found" on stderr, exit status 127.
	NoDocker bool
	// MoreHostKeys are further host keys, offered beside HostKey.
	MoreHostKeys []ssh.Signer
	// Mute leaves global requests (keepalive@openssh.com) unanswered, as
	// a peer that is gone would.
	Mute bool
}

// Server is a running test server.
type Server struct {
	// Addr is its host:port on 127.0.0.1.
	Addr string
	// HostKey is its host key.
	HostKey *Key

	cfg      Config
	l        net.Listener
	wg       sync.WaitGroup
	conns    atomic.Int64
	channels atomic.Int64
	open     atomic.Int64
	requests atomic.Int64
	rejected atomic.Int64

	mu       sync.Mutex
	live     map[*ssh.ServerConn]bool
	commands []string
	users    []string
}

// Start starts a server on 127.0.0.1 that runs until the test ends.
func Start(t testing.TB, cfg Config) *Server {
	t.Helper()
	if cfg.HostKey == nil {
		cfg.HostKey = NewKey(t)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Addr: l.Addr().String(), HostKey: cfg.HostKey, cfg: cfg, l: l, live: map[*ssh.ServerConn]bool{}}
	sc := &ssh.ServerConfig{
		PublicKeyCallback: func(md ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			for _, k := range cfg.AuthorizedKeys {
				if string(k.Marshal()) == string(key.Marshal()) {
					return nil, nil
				}
			}
			return nil, errors.New("key not authorized")
		},
	}
	sc.AddHostKey(cfg.HostKey.Signer)
	for _, k := range cfg.MoreHostKeys {
		sc.AddHostKey(k)
	}
	s.wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s.wg.Go(func() { s.serve(c, sc) })
		}
	})
	t.Cleanup(s.close)
	return s
}

// KnownHostsLine is the server's known_hosts line, "[127.0.0.1]:port
// ssh-ed25519 ...".
func (s *Server) KnownHostsLine() string {
	return knownhosts.Line([]string{s.Addr}, s.HostKey.Public) + "\n"
}

// Port is the server's port.
func (s *Server) Port() string {
	_, p, _ := net.SplitHostPort(s.Addr)
	return p
}

// Conns is the number of ssh connections logged in so far.
func (s *Server) Conns() int { return int(s.conns.Load()) }

// Channels is the number of channels accepted so far, and of those still
// open.
func (s *Server) Channels() (total, open int) { return int(s.channels.Load()), int(s.open.Load()) }

// Rejected is the number of channels refused so far.
func (s *Server) Rejected() int { return int(s.rejected.Load()) }

// GlobalRequests is the number of global requests (keep-alives) received.
func (s *Server) GlobalRequests() int { return int(s.requests.Load()) }

// Commands are the commands sessions were asked to run.
func (s *Server) Commands() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.commands...)
}

// Users are the users that logged in, one per connection.
func (s *Server) Users() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.users...)
}

// Live is the number of ssh connections open now.
func (s *Server) Live() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.live)
}

// DropConns closes every ssh connection, as a network failure would.
func (s *Server) DropConns() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.live {
		c.Close()
	}
}

func (s *Server) close() {
	s.l.Close()
	s.DropConns()
	s.wg.Wait()
}

func (s *Server) serve(c net.Conn, sc *ssh.ServerConfig) {
	defer c.Close()
	conn, chans, reqs, err := ssh.NewServerConn(c, sc)
	if err != nil {
		return
	}
	s.mu.Lock()
	s.live[conn] = true
	s.users = append(s.users, conn.User())
	s.mu.Unlock()
	s.conns.Add(1)
	defer func() {
		s.mu.Lock()
		delete(s.live, conn)
		s.mu.Unlock()
	}()
	s.wg.Go(func() {
		for r := range reqs {
			s.requests.Add(1)
			// keepalive@openssh.com and the like: answered, refused, as
			// sshd does for requests it does not know.
			if r.WantReply && !s.cfg.Mute {
				r.Reply(false, nil)
			}
		}
	})
	var wg sync.WaitGroup
	for nc := range chans {
		switch nc.ChannelType() {
		case "direct-streamlocal@openssh.com":
			if s.cfg.NoStreamLocal {
				s.rejected.Add(1)
				nc.Reject(ssh.ConnectionFailed, "open failed")
				continue
			}
			var m struct {
				Socket    string
				Reserved0 string
				Reserved1 uint32
			}
			if err := ssh.Unmarshal(nc.ExtraData(), &m); err != nil {
				nc.Reject(ssh.ConnectionFailed, "bad payload")
				continue
			}
			up, err := net.Dial("unix", m.Socket)
			if err != nil {
				s.rejected.Add(1)
				nc.Reject(ssh.ConnectionFailed, "open failed")
				continue
			}
			ch, creqs, err := nc.Accept()
			if err != nil {
				up.Close()
				continue
			}
			s.accepted()
			closed := discard(&wg, creqs)
			wg.Go(func() {
				defer s.open.Add(-1)
				join(ch, up, closed)
				ch.Close()
			})
		case "session":
			ch, creqs, err := nc.Accept()
			if err != nil {
				continue
			}
			s.accepted()
			wg.Go(func() {
				defer s.open.Add(-1)
				s.session(&wg, ch, creqs)
			})
		default:
			nc.Reject(ssh.UnknownChannelType, "unknown channel type")
		}
	}
	conn.Close()
	wg.Wait()
}

func (s *Server) accepted() {
	s.channels.Add(1)
	s.open.Add(1)
}

// session runs one exec request: docker's dial-stdio, or a command that
// is not found.
func (s *Server) session(wg *sync.WaitGroup, ch ssh.Channel, reqs <-chan *ssh.Request) {
	defer ch.Close()
	for req := range reqs {
		if req.Type != "exec" {
			if req.WantReply {
				req.Reply(false, nil)
			}
			continue
		}
		var m struct{ Command string }
		if ssh.Unmarshal(req.Payload, &m) != nil {
			req.Reply(false, nil)
			continue
		}
		s.mu.Lock()
		s.commands = append(s.commands, m.Command)
		s.mu.Unlock()
		req.Reply(true, nil)
		status := s.run(ch, discard(wg, reqs), m.Command)
		ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{uint32(status)}))
		return
	}
}

// run runs command on ch and returns its exit status; closed is closed
// with the channel.
func (s *Server) run(ch ssh.Channel, closed <-chan struct{}, command string) int {
	argv, err := Words(command)
	if err != nil || len(argv) == 0 {
		fmt.Fprintf(ch.Stderr(), "sh: 1: syntax error: %v\n", err)
		return 2
	}
	if argv[0] != "docker" || s.cfg.NoDocker {
		fmt.Fprintf(ch.Stderr(), "sh: 1: %s: not found\n", argv[0])
		return 127
	}
	sock := s.cfg.Socket
	switch {
	case len(argv) == 3 && argv[1] == "system" && argv[2] == "dial-stdio":
	case len(argv) == 5 && (argv[1] == "--host" || argv[1] == "-H") && argv[3] == "system" && argv[4] == "dial-stdio" &&
		strings.HasPrefix(argv[2], "unix://"):
		sock = strings.TrimPrefix(argv[2], "unix://")
	default:
		fmt.Fprintf(ch.Stderr(), "docker: unexpected arguments %q\n", argv[1:])
		return 1
	}
	up, err := net.Dial("unix", sock)
	if err != nil {
		fmt.Fprintf(ch.Stderr(), "error during connect: %v\n", err)
		return 1
	}
	join(ch, up, closed)
	return 0
}

// discard refuses a channel's requests in a goroutine of wg, and returns a
// channel closed when they end: when the channel is closed.
func discard(wg *sync.WaitGroup, reqs <-chan *ssh.Request) <-chan struct{} {
	closed := make(chan struct{})
	wg.Go(func() {
		defer close(closed)
		ssh.DiscardRequests(reqs)
	})
	return closed
}

// join copies both ways between an ssh channel and a unix connection,
// passing half-closes on, until both directions end or the channel is
// closed.
func join(ch ssh.Channel, up net.Conn, closed <-chan struct{}) {
	defer up.Close()
	done := make(chan struct{})
	var wg sync.WaitGroup
	defer wg.Wait()
	defer close(done)
	wg.Go(func() {
		select {
		case <-closed:
			up.Close()
		case <-done:
		}
	})
	wg.Go(func() {
		io.Copy(up, ch)
		up.(*net.UnixConn).CloseWrite()
	})
	io.Copy(ch, up)
	ch.CloseWrite()
}

// Words splits a command line as a POSIX shell would, for the quoting
// dockwire uses: words separated by blanks, '...' quoting everything but
// ', and \ escaping one character outside quotes. Expansions are not
// supported: $, `, ", *, ?, ;, &, |, <, >, ( and ) outside quotes are
// refused.
func Words(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	in := false // inside a word
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, errors.New("unterminated '")
			}
			cur.WriteString(s[i+1 : i+1+end])
			i += end + 1
			in = true
		case c == '\\':
			if i+1 == len(s) {
				return nil, errors.New("trailing \\")
			}
			i++
			cur.WriteByte(s[i])
			in = true
		case strings.IndexByte("$`\"*?;&|<>()\n", c) >= 0:
			return nil, fmt.Errorf("unsupported %q in command", c)
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words, nil
}
