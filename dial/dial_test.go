package dial

import (
	"context"
	"errors"
	"io"
	"net"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dockwire/dockwire/internal/leakcheck"
	"github.com/dockwire/dockwire/internal/testnet"
)

// greet writes "hello" and waits for the peer to close.
func greet(c net.Conn) {
	io.WriteString(c, "hello")
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	io.Copy(io.Discard, c)
}

func readHello(t *testing.T, c net.Conn) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 5)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "hello" {
		t.Fatalf("read %q, %v; want hello", buf, err)
	}
}

func TestDialUnix(t *testing.T) {
	leakcheck.Check(t)
	l, sock := testnet.Unix(t)
	testnet.Serve(t, l, greet)
	open, err := Config{Host: "unix://" + sock}.Dialer()
	if err != nil {
		t.Fatal(err)
	}
	c, err := open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.RemoteAddr().Network() != "unix" {
		t.Fatalf("network %q, want unix", c.RemoteAddr().Network())
	}
	readHello(t, c)
}

func TestDialTCP(t *testing.T) {
	leakcheck.Check(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	testnet.Serve(t, l, greet)
	for _, ka := range []time.Duration{0, time.Second, -1} {
		open, err := Config{Host: "tcp://" + l.Addr().String(), KeepAlive: ka}.Dialer()
		if err != nil {
			t.Fatal(err)
		}
		c, err := open(context.Background())
		if err != nil {
			t.Fatalf("KeepAlive %v: %v", ka, err)
		}
		if _, ok := c.(*net.TCPConn); !ok {
			t.Fatalf("conn is %T, want *net.TCPConn", c)
		}
		readHello(t, c)
		c.Close()
	}
}

func TestDialErrors(t *testing.T) {
	leakcheck.Check(t)
	dir := testnet.ShortTempDir(t)
	// A port that was just closed: connection refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := l.Addr().String()
	l.Close()

	tests := []struct {
		name  string
		host  string
		errno syscall.Errno
	}{
		{"missing socket", "unix://" + filepath.Join(dir, "nope.sock"), syscall.ENOENT},
		{"refused", "tcp://" + closedAddr, syscall.ECONNREFUSED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			open, err := Config{Host: tt.host}.Dialer()
			if err != nil {
				t.Fatal(err)
			}
			c, err := open(context.Background())
			if err == nil {
				c.Close()
				t.Fatal("dial succeeded")
			}
			var de *Error
			if !errors.As(err, &de) || de.Op != "dial" {
				t.Fatalf("error %v is not *Error{Op: dial}", err)
			}
			var oe *net.OpError
			if !errors.Is(err, tt.errno) || !errors.As(err, &oe) {
				t.Fatalf("error %v: want errno %v and a *net.OpError inside", err, tt.errno)
			}
			if !strings.Contains(err.Error(), "is the docker daemon running?") {
				t.Fatalf("error %q lacks the hint", err)
			}
		})
	}
}

func TestDialerConfigErrors(t *testing.T) {
	tests := []struct {
		name        string
		cfg         Config
		op          string
		unsupported bool
	}{
		{"bad host", Config{Host: "tcp://h:2375/x"}, "parse", false},
		{"ssh without the ssh transport", Config{Host: "ssh://me@host"}, "dial", true},
		{"tls on unix", Config{Host: "unix:///x.sock", TLS: &TLSOptions{Verify: true}}, "dial", false},
		{"https without a TLS transport", Config{Host: "https://h"}, "dial", true},
		{"TLS options without a TLS transport", Config{Host: "tcp://h:2376", TLS: &TLSOptions{Verify: true}}, "dial", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := tt.cfg.Dialer()
			var de *Error
			if err == nil || f != nil || !errors.As(err, &de) || de.Op != tt.op {
				t.Fatalf("Dialer() = %v, %v; want nil and *Error{Op: %s}", f != nil, err, tt.op)
			}
			if errors.Is(err, ErrUnsupported) != tt.unsupported {
				t.Fatalf("errors.Is(%v, ErrUnsupported) = %v", err, !tt.unsupported)
			}
		})
	}
}

func TestDialerUsesConfigDial(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	calls := 0
	custom := func(ctx context.Context) (net.Conn, error) { calls++; return a, nil }
	// Even an ssh host, which has no built-in transport, dials through Dial.
	f, err := Config{Host: "ssh://me@host", Dial: custom}.Dialer()
	if err != nil {
		t.Fatal(err)
	}
	c, err := f(context.Background())
	if err != nil || c != a || calls != 1 {
		t.Fatalf("got %v, %v after %d calls; want the custom conn after 1", c, err, calls)
	}
}

func TestDefaultHostDialer(t *testing.T) {
	// The zero Config dials DefaultHost; whether or not a daemon runs
	// there, an error must name it.
	f, err := Config{}.Dialer()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = f(ctx)
	var de *Error
	if !errors.As(err, &de) || de.Host != DefaultHost || !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v: want *Error for %s matching context.Canceled", err, DefaultHost)
	}
}

// stallServer accepts connections and never says a word.
func stallServer(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	testnet.Serve(t, l, func(c net.Conn) {
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		io.Copy(io.Discard, c)
	})
	return l.Addr().String()
}

func TestDialCancel(t *testing.T) {
	leakcheck.Check(t)
	addr := stallServer(t)
	ul, sock := testnet.Unix(t)
	testnet.Serve(t, ul, greet)

	tests := []struct {
		name    string
		cfg     Config
		cancel  time.Duration // cancel the ctx after this; < 0: before dialing
		op      string
		wantErr error
	}{
		{"tcp, ctx already cancelled", Config{Host: "tcp://" + addr}, -1, "dial", context.Canceled},
		{"unix, ctx already cancelled", Config{Host: "unix://" + sock}, -1, "dial", context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			open, err := tt.cfg.Dialer()
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancel < 0 {
				cancel()
			} else {
				timer := time.AfterFunc(tt.cancel, cancel)
				defer timer.Stop()
			}
			start := time.Now()
			c, err := open(ctx)
			took := time.Since(start)
			if err == nil {
				c.Close()
				t.Fatal("dial succeeded")
			}
			var de *Error
			if !errors.As(err, &de) || de.Op != tt.op || !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v: want *Error{Op: %s} matching %v", err, tt.op, tt.wantErr)
			}
			if took > time.Second {
				t.Fatalf("dial returned after %v, want promptly", took)
			}
		})
	}
}

func BenchmarkDialUnix(b *testing.B) {
	sock := filepath.Join(testnet.ShortTempDir(b), "d.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	open, err := Config{Host: "unix://" + sock}.Dialer()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		c, err := open(ctx)
		if err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}
