package dial

import (
	"context"
	"io"
	"net"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	_, err := io.ReadFull(c, buf)
	require.NoError(t, err)
	require.Equal(t, "hello", string(buf))
}

func TestDialUnix(t *testing.T) {
	leakcheck.Check(t)
	l, sock := testnet.Unix(t)
	testnet.Serve(t, l, greet)
	open, err := Config{Host: "unix://" + sock}.Dialer()
	require.NoError(t, err)
	c, err := open(t.Context())
	require.NoError(t, err)
	defer c.Close()
	require.Equal(t, "unix", c.RemoteAddr().Network())
	readHello(t, c)
}

func TestDialTCP(t *testing.T) {
	leakcheck.Check(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	testnet.Serve(t, l, greet)
	for _, ka := range []time.Duration{0, time.Second, -1} {
		open, err := Config{Host: "tcp://" + l.Addr().String(), KeepAlive: ka}.Dialer()
		require.NoError(t, err)
		c, err := open(t.Context())
		require.NoError(t, err, "KeepAlive %v", ka)
		require.IsType(t, (*net.TCPConn)(nil), c)
		readHello(t, c)
		c.Close()
	}
}

func TestDialErrors(t *testing.T) {
	leakcheck.Check(t)
	dir := testnet.ShortTempDir(t)
	// A port that was just closed: connection refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
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
			require.NoError(t, err)
			c, err := open(t.Context())
			if err == nil {
				c.Close()
			}
			var de *Error
			require.ErrorAs(t, err, &de)
			assert.Equal(t, "dial", de.Op)
			var oe *net.OpError
			assert.ErrorIs(t, err, tt.errno)
			assert.ErrorAs(t, err, &oe)
			assert.ErrorContains(t, err, "is the docker daemon running?")
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
			assert.Nil(t, f, "Dialer's Func on error")
			var de *Error
			require.ErrorAs(t, err, &de)
			assert.Equal(t, tt.op, de.Op)
			if tt.unsupported {
				assert.ErrorIs(t, err, ErrUnsupported)
			} else {
				assert.NotErrorIs(t, err, ErrUnsupported)
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
	require.NoError(t, err)
	c, err := f(t.Context())
	require.NoError(t, err)
	assert.Same(t, a, c, "the custom conn")
	assert.Equal(t, 1, calls, "calls to Dial")
}

func TestDefaultHostDialer(t *testing.T) {
	// The zero Config dials DefaultHost; whether or not a daemon runs
	// there, an error must name it.
	f, err := Config{}.Dialer()
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = f(ctx)
	var de *Error
	require.ErrorAs(t, err, &de)
	assert.Equal(t, DefaultHost, de.Host)
	assert.ErrorIs(t, err, context.Canceled)
}

// stallServer accepts connections and never says a word.
func stallServer(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
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
			require.NoError(t, err)
			ctx, cancel := context.WithCancel(t.Context())
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
			}
			var de *Error
			require.ErrorAs(t, err, &de)
			assert.Equal(t, tt.op, de.Op)
			assert.ErrorIs(t, err, tt.wantErr)
			assert.LessOrEqual(t, took, time.Second, "dial should return promptly")
		})
	}
}

func BenchmarkDialUnix(b *testing.B) {
	sock := filepath.Join(testnet.ShortTempDir(b), "d.sock")
	l, err := net.Listen("unix", sock)
	require.NoError(b, err)
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
	require.NoError(b, err)
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		c, err := open(ctx)
		if err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}
