package mux

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/internal/leakcheck"
	"github.com/dockwire/dockwire/internal/testcert"
)

// pair returns two connected ends: client and server.
type pairFunc func(t *testing.T) (client, server net.Conn)

func unixPair(t *testing.T) (net.Conn, net.Conn) {
	t.Helper()
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: filepath.Join(t.TempDir(), "s"), Net: "unix"})
	require.NoError(t, err)
	defer l.Close()
	return dialAccept(t, l, func() (net.Conn, error) { return net.Dial("unix", l.Addr().String()) })
}

func tcpPair(t *testing.T) (net.Conn, net.Conn) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return dialAccept(t, l, func() (net.Conn, error) { return net.Dial("tcp", l.Addr().String()) })
}

func dialAccept(t *testing.T, l net.Listener, dial func() (net.Conn, error)) (net.Conn, net.Conn) {
	t.Helper()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := l.Accept()
		assert.NoError(t, err, "accept")
		accepted <- c
	}()
	c, err := dial()
	require.NoError(t, err)
	s := <-accepted
	require.NotNil(t, s, "accepted conn")
	t.Cleanup(func() { c.Close(); s.Close() })
	return c, s
}

func tlsPair(t *testing.T) (net.Conn, net.Conn) {
	t.Helper()
	pki := testcert.New(t)
	c, s := tcpPair(t)
	tc := tls.Client(c, &tls.Config{RootCAs: pki.Pool(), ServerName: "127.0.0.1"})
	ts := tls.Server(s, &tls.Config{Certificates: []tls.Certificate{pki.ServerCertificate(t)}})
	errc := make(chan error, 1)
	go func() { errc <- ts.Handshake() }()
	require.NoError(t, tc.Handshake(), "client handshake")
	require.NoError(t, <-errc, "server handshake")
	t.Cleanup(func() { tc.Close(); ts.Close() })
	return tc, ts
}

// TestConnHalfClose: stdin reaches the peer, CloseWrite reaches it as EOF,
// and the peer can still answer on the read side.
func TestConnHalfClose(t *testing.T) {
	pairs := map[string]pairFunc{"unix": unixPair, "tcp": tcpPair, "tls": tlsPair}
	for name, pair := range pairs {
		t.Run(name, func(t *testing.T) {
			base := runtime.NumGoroutine()
			client, server := pair(t)
			done := make(chan error, 1)
			go func() { // the daemon: reads stdin to EOF, then reports it in frames
				stdin, err := io.ReadAll(server)
				if err != nil {
					done <- err
					return
				}
				m := NewMuxer(server)
				fmt.Fprintf(m.Stream(Stdout), "got %q", stdin)
				fmt.Fprint(m.Stream(Stderr), "bye")
				done <- server.Close()
			}()
			c := NewConn(t.Context(), client, bufio.NewReader(client), true)
			_, err := io.WriteString(c, "hello stdin")
			require.NoError(t, err)
			require.NoError(t, c.CloseWrite())
			var stdout, stderr bytes.Buffer
			n, err := c.Demux(&stdout, &stderr)
			require.NoError(t, err)
			want := `got "hello stdin"`
			require.Equal(t, want, stdout.String(), "stdout")
			require.Equal(t, "bye", stderr.String(), "stderr")
			require.Equal(t, int64(len(want)+3), n, "written")
			require.NoError(t, <-done, "daemon side")
			_, err = c.Write([]byte("late"))
			if assert.Error(t, err, "Write after CloseWrite") {
				assert.Regexp(t, "^mux: write: ", err.Error())
			}
			assert.NoError(t, c.Close(), "Close")
			leakcheck.Settle(t, base)
		})
	}
}

func TestConnCloseWriteUnsupported(t *testing.T) {
	client, server := net.Pipe()
	defer server.Close()
	c := NewConn(t.Context(), client, nil, false)
	defer c.Close()
	assert.ErrorIs(t, c.CloseWrite(), ErrCloseWriteUnsupported, "CloseWrite on net.Pipe")
}

// TestConnBufferedBytesFirst: bytes the HTTP layer read past the response
// headers are delivered before anything read from the conn.
func TestConnBufferedBytesFirst(t *testing.T) {
	for _, multiplexed := range []bool{false, true} {
		t.Run(fmt.Sprint("multiplexed=", multiplexed), func(t *testing.T) {
			client, server := unixPair(t)
			enc := func(s string) string {
				if multiplexed {
					return frame(Stdout, s)
				}
				return s
			}
			go func() {
				io.WriteString(server, "HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\n\r\n"+enc("first,"))
				time.Sleep(20 * time.Millisecond) // the head is read (and the frame buffered) first
				io.WriteString(server, enc("second"))
				server.Close()
			}()
			br := bufio.NewReader(client)
			for {
				line, err := br.ReadString('\n')
				require.NoError(t, err)
				if line == "\r\n" {
					break
				}
			}
			require.NotZero(t, br.Buffered(), "test setup: nothing buffered past the headers")
			c := NewConn(t.Context(), client, br, multiplexed)
			defer c.Close()
			require.Equal(t, multiplexed, c.Multiplexed(), "Multiplexed()")
			var out bytes.Buffer
			_, err := c.Demux(&out, nil)
			require.NoError(t, err)
			assert.Equal(t, "first,second", out.String(), "stdout")
		})
	}
}

// TestConnCancel: cancelling the context unblocks a blocked read and a
// blocked write promptly, and leaves no goroutine behind.
func TestConnCancel(t *testing.T) {
	pairs := map[string]pairFunc{
		"pipe": func(t *testing.T) (net.Conn, net.Conn) {
			c, s := net.Pipe()
			t.Cleanup(func() { s.Close() })
			return c, s
		},
		"unix": unixPair,
		"tls":  tlsPair,
	}
	for name, pair := range pairs {
		for _, op := range []string{"demux", "read", "write"} {
			t.Run(name+"/"+op, func(t *testing.T) {
				base := runtime.NumGoroutine()
				client, _ := pair(t)
				ctx, cancel := context.WithCancel(t.Context())
				c := NewConn(ctx, client, nil, true)
				errc := make(chan error, 1)
				go func() {
					var err error
					switch op {
					case "demux":
						_, err = c.Demux(io.Discard, io.Discard)
					case "read":
						_, err = c.Read(make([]byte, 10))
					case "write": // large enough to block on any conn
						buf := make([]byte, 64<<20)
						_, err = c.Write(buf)
					}
					errc <- err
				}()
				time.Sleep(50 * time.Millisecond)
				start := time.Now()
				cancel()
				select {
				case err := <-errc:
					require.ErrorIs(t, err, context.Canceled)
					require.Regexp(t, "^mux: ", err.Error())
					assert.LessOrEqual(t, time.Since(start), 2*time.Second, "time to stop")
				case <-time.After(5 * time.Second):
					require.FailNow(t, "blocked call did not return after cancel")
				}
				c.Close()
				c.Close() // idempotent
				leakcheck.Settle(t, base)
			})
		}
	}
}

// TestConnCloseReleasesWatch: a Conn closed before its context ends leaves
// no AfterFunc behind, and a later cancel does nothing.
func TestConnCloseReleasesWatch(t *testing.T) {
	base := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	for range 100 {
		client, server := net.Pipe()
		c := NewConn(ctx, client, nil, false)
		require.NoError(t, c.Close())
		server.Close()
	}
	cancel()
	leakcheck.Settle(t, base)
}

// TestConnDaemonHTTPError: after the upgrade, the daemon reports a failure by
// writing a bare HTTP response onto the hijacked conn; Demux says so instead
// of "unrecognized input header: 72".
func TestConnDaemonHTTPError(t *testing.T) {
	client, server := unixPair(t)
	go func() {
		io.WriteString(server, frame(Stdout, "partial")+"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\nboom")
		server.Close()
	}()
	c := NewConn(t.Context(), client, nil, true)
	defer c.Close()
	var out bytes.Buffer
	n, err := c.Demux(&out, nil)
	var fe *FormatError
	require.ErrorAs(t, err, &fe)
	require.ErrorContains(t, err, "HTTP response")
	assert.EqualValues(t, 15, fe.Offset, "Offset")
	assert.Regexp(t, `^HTTP/1\.1 500`, string(fe.Prefix), "Prefix")
	assert.EqualValues(t, 7, n, "delivered before the error")
	assert.Equal(t, "partial", out.String(), "delivered before the error")
}

// eofOnCancel is a connection whose peer ends the stream cleanly the
// moment the client cancels, as dockerd does when a close_notify reaches
// it before the socket is gone.
type eofOnCancel struct {
	net.Conn
	done <-chan struct{}
}

func (c eofOnCancel) Read(p []byte) (int, error) {
	<-c.done
	return 0, io.EOF
}

// A clean end of stream that races the cancel is reported as the cancel:
// a cancelled call never returns success (issue 13, defect 1).
func TestConnCancelRacingEOF(t *testing.T) {
	for _, op := range []string{"demux", "demux raw", "read"} {
		t.Run(op, func(t *testing.T) {
			client, server := net.Pipe()
			defer server.Close()
			ctx, cancel := context.WithCancel(t.Context())
			c := NewConn(ctx, eofOnCancel{client, ctx.Done()}, nil, op == "demux")
			defer c.Close()
			time.AfterFunc(10*time.Millisecond, cancel)
			var err error
			switch op {
			case "read":
				_, err = c.Read(make([]byte, 10))
			default:
				_, err = c.Demux(io.Discard, io.Discard)
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, context.Canceled)
			assert.Regexp(t, "^mux: ", err.Error())
		})
	}
}

// A cause given with the cancel is kept beside ctx.Err(): errors.Is finds
// both.
func TestConnCancelCause(t *testing.T) {
	client, server := net.Pipe()
	defer server.Close()
	ctx, cancel := context.WithCancelCause(t.Context())
	c := NewConn(ctx, client, nil, false)
	defer c.Close()
	boom := errors.New("user pressed ^C")
	time.AfterFunc(10*time.Millisecond, func() { cancel(boom) })
	_, err := c.Read(make([]byte, 10))
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, boom)
}
