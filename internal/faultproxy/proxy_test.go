package faultproxy_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dockwire/dockwire/internal/faultproxy"
	"github.com/dockwire/dockwire/internal/leakcheck"
	"github.com/dockwire/dockwire/internal/testnet"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// server is a loopback upstream whose behaviour each test picks.
type server struct {
	ln net.Listener
}

// startServer runs handle on every accepted connection.
func startServer(t *testing.T, handle func(c net.Conn)) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	testnet.Serve(t, ln, handle)
	return &server{ln: ln}
}

func (s *server) dial(ctx context.Context) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "tcp", s.ln.Addr().String())
}

// sender writes parts with a pause between them, so each is read apart.
func sender(parts ...string) func(c net.Conn) {
	return func(c net.Conn) {
		for i, p := range parts {
			if i > 0 {
				time.Sleep(30 * time.Millisecond)
			}
			if _, err := c.Write([]byte(p)); err != nil {
				return
			}
		}
		io.Copy(io.Discard, c) // until the client closes
	}
}

func echo(c net.Conn) {
	io.Copy(c, c)
	c.(*net.TCPConn).CloseWrite()
}

func start(t *testing.T, cfg faultproxy.Config) *faultproxy.Proxy {
	t.Helper()
	p, err := faultproxy.Start(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { p.Close() })
	return p
}

// readAll reads c until EOF or an error, failing the test after 5s.
func readAll(t *testing.T, c net.Conn) ([]byte, error) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	b, err := io.ReadAll(c)
	var ne net.Error
	require.False(t, errors.As(err, &ne) && ne.Timeout(), "read hung: %q so far", b)
	return b, err
}

func TestToClientFaults(t *testing.T) {
	body := strings.Repeat("0123456789", 2000)
	tests := []struct {
		name  string
		parts []string
		fault faultproxy.Fault
		want  string
	}{
		{"no mark", []string{body}, faultproxy.Fault{Dir: faultproxy.ToClient, After: 1234}, body[:1234]},
		{"after 0", []string{body}, faultproxy.Fault{Dir: faultproxy.ToClient}, ""},
		{"mark in one read", []string{"HEAD\r\n\r\n" + body}, faultproxy.Fault{Dir: faultproxy.ToClient, Mark: []byte("\r\n\r\n"), After: 5}, "HEAD\r\n\r\n01234"},
		{"mark split across reads", []string{"HEAD\r\n", "\r\n" + body}, faultproxy.Fault{Dir: faultproxy.ToClient, Mark: []byte("\r\n\r\n"), After: 3}, "HEAD\r\n\r\n012"},
		{"mark split, count in a later read", []string{"HEAD\r\n\r", "\n", "abc", body}, faultproxy.Fault{Dir: faultproxy.ToClient, Mark: []byte("\r\n\r\n"), After: 5}, "HEAD\r\n\r\nabc01"},
		{"mark then zero", []string{"xxMARKyy"}, faultproxy.Fault{Dir: faultproxy.ToClient, Mark: []byte("MARK")}, "xxMARK"},
		{"count spans reads", []string{"aaaa", "bbbb", "cccc"}, faultproxy.Fault{Dir: faultproxy.ToClient, After: 10}, "aaaabbbbcc"},
		{"mark never seen", []string{"no mark here"}, faultproxy.Fault{Dir: faultproxy.ToClient, Mark: []byte("MARK")}, "no mark here"},
	}
	for _, network := range []string{"unix", "tcp"} {
		for _, tt := range tests {
			t.Run(network+"/"+tt.name, func(t *testing.T) {
				s := startServer(t, sender(tt.parts...))
				f := tt.fault
				p := start(t, faultproxy.Config{Network: network, Upstream: s.dial, Fault: &f})
				c, err := p.Dial(t.Context())
				require.NoError(t, err)
				defer c.Close()
				if tt.want == "no mark here" {
					// Never fires: read what was sent, then close ourselves.
					buf := make([]byte, len(tt.want))
					c.SetReadDeadline(time.Now().Add(5 * time.Second))
					_, err := io.ReadFull(c, buf)
					require.NoError(t, err)
					require.Equal(t, tt.want, string(buf))
					assert.Zero(t, p.Faults(), "faults")
					return
				}
				got, _ := readAll(t, c)
				assert.Equal(t, tt.want, string(got), "what the client got")
				assert.EqualValues(t, 1, p.Faults(), "faults")
				assert.EqualValues(t, len(tt.want), p.Forwarded(faultproxy.ToClient), "Forwarded(ToClient)")
			})
		}
	}
}

func TestToServerDrop(t *testing.T) {
	got := make(chan []byte, 1)
	s := startServer(t, func(c net.Conn) {
		b, _ := io.ReadAll(c)
		got <- b
	})
	p := start(t, faultproxy.Config{Upstream: s.dial, Fault: &faultproxy.Fault{Dir: faultproxy.ToServer, After: 700}})
	c, err := p.Dial(t.Context())
	require.NoError(t, err)
	defer c.Close()
	msg := bytes.Repeat([]byte("x"), 1000)
	c.Write(msg) // may or may not fail: the proxy reads it all before dropping
	select {
	case b := <-got:
		assert.Len(t, b, 700, "what upstream got")
	case <-time.After(5 * time.Second):
		require.FailNow(t, "upstream never saw the drop")
	}
	// The client side is closed too.
	b, err := readAll(t, c)
	assert.Empty(t, b, "client after drop")
	assertEOFOrReset(t, err)
}

// assertEOFOrReset asserts that a read ended at EOF (nil from io.ReadAll)
// or with the connection reset by a peer that closed with unread data.
func assertEOFOrReset(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		assert.True(t, strings.Contains(err.Error(), "reset") || strings.Contains(err.Error(), "broken pipe"), "read: %v, want EOF or a reset", err)
	}
}

func TestHalfCloseForwarded(t *testing.T) {
	for _, network := range []string{"unix", "tcp"} {
		t.Run(network, func(t *testing.T) {
			s := startServer(t, echo)
			p := start(t, faultproxy.Config{Network: network, Upstream: s.dial})
			c, err := p.Dial(t.Context())
			require.NoError(t, err)
			defer c.Close()
			msg := strings.Repeat("half-close ", 10000)
			go func() {
				c.Write([]byte(msg))
				c.(interface{ CloseWrite() error }).CloseWrite()
			}()
			got, err := readAll(t, c)
			require.NoError(t, err, "echo through the proxy")
			require.Equal(t, msg, string(got), "echo through the proxy")
			assert.EqualValues(t, len(msg), p.Forwarded(faultproxy.ToServer), "Forwarded(ToServer)")
			assert.EqualValues(t, len(msg), p.Forwarded(faultproxy.ToClient), "Forwarded(ToClient)")
			assert.Zero(t, p.Faults(), "faults without a Fault")
		})
	}
}

func TestStall(t *testing.T) {
	s := startServer(t, sender("0123456789abcdef"))
	p := start(t, faultproxy.Config{Upstream: s.dial, Fault: &faultproxy.Fault{Dir: faultproxy.ToClient, After: 10, Action: faultproxy.Stall}})
	c, err := p.Dial(t.Context())
	require.NoError(t, err)
	defer c.Close()
	buf := make([]byte, 10)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = io.ReadFull(c, buf)
	require.NoError(t, err, "before the stall")
	require.Equal(t, "0123456789", string(buf), "before the stall")
	c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	n, err := c.Read(buf)
	var ne net.Error
	require.ErrorAs(t, err, &ne, "stalled read: %d bytes; want a timeout", n)
	require.True(t, ne.Timeout(), "stalled read: %v, want a timeout", err)
	// Half-closing ends the stall: the connection closes.
	c.(interface{ CloseWrite() error }).CloseWrite()
	c.SetReadDeadline(time.Time{})
	b, err := readAll(t, c)
	assert.NoError(t, err, "after the stall ended: want EOF")
	assert.Empty(t, b, "after the stall ended")
}

func TestFaultOnOneConnection(t *testing.T) {
	s := startServer(t, sender("abcdefghij"))
	p := start(t, faultproxy.Config{Upstream: s.dial, Fault: &faultproxy.Fault{Dir: faultproxy.ToClient, After: 4, Conn: 2}})
	for i, want := range []string{"abcdefghij", "abcd", "abcdefghij"} {
		c, err := p.Dial(t.Context())
		require.NoError(t, err)
		buf := make([]byte, 10)
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, _ := io.ReadFull(c, buf)
		c.Close()
		assert.Equal(t, want, string(buf[:n]), "connection %d", i+1)
	}
	assert.EqualValues(t, 3, p.Accepted(), "accepted")
	assert.EqualValues(t, 1, p.Faults(), "faults")
}

func TestConfigErrors(t *testing.T) {
	up := func(context.Context) (net.Conn, error) { return nil, errors.New("unused") }
	for _, tt := range []struct {
		name string
		cfg  faultproxy.Config
	}{
		{"no upstream", faultproxy.Config{}},
		{"bad network", faultproxy.Config{Network: "udp", Upstream: up}},
		{"no direction", faultproxy.Config{Upstream: up, Fault: &faultproxy.Fault{After: 1}}},
		{"negative after", faultproxy.Config{Upstream: up, Fault: &faultproxy.Fault{Dir: faultproxy.ToClient, After: -1}}},
		{"bad action", faultproxy.Config{Upstream: up, Fault: &faultproxy.Fault{Dir: faultproxy.ToClient, Action: 9}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := faultproxy.Start(tt.cfg)
			if p != nil {
				p.Close()
			}
			assert.ErrorIs(t, err, faultproxy.ErrConfig, "Start")
		})
	}
}

// A failing upstream dial closes the client's connection.
func TestUpstreamDialFails(t *testing.T) {
	p := start(t, faultproxy.Config{Upstream: func(context.Context) (net.Conn, error) { return nil, errors.New("refused") }})
	c, err := p.Dial(t.Context())
	require.NoError(t, err)
	defer c.Close()
	b, err := readAll(t, c)
	assert.NoError(t, err, "want EOF")
	assert.Empty(t, b)
}

// Close ends connections that are still open, stalled ones included, and
// leaves no goroutine behind.
func TestCloseLeavesNothing(t *testing.T) {
	s := startServer(t, sender("0123456789"))
	before := runtime.NumGoroutine()
	p, err := faultproxy.Start(faultproxy.Config{Network: "tcp", Upstream: s.dial, Fault: &faultproxy.Fault{Dir: faultproxy.ToClient, After: 3, Action: faultproxy.Stall}})
	require.NoError(t, err)
	var conns []net.Conn
	for range 3 {
		c, err := p.Dial(t.Context())
		require.NoError(t, err)
		conns = append(conns, c)
		buf := make([]byte, 3)
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, err = io.ReadFull(c, buf)
		require.NoError(t, err)
	}
	done := make(chan error, 1)
	go func() { done <- p.Close() }()
	select {
	case err := <-done:
		assert.NoError(t, err, "Close")
	case <-time.After(5 * time.Second):
		require.FailNow(t, "Close hung on stalled connections")
	}
	assert.NoError(t, p.Close(), "second Close")
	for _, c := range conns {
		b, err := readAll(t, c)
		assert.Empty(t, b, "client after Close")
		assertEOFOrReset(t, err)
		c.Close()
	}
	_, err = p.Dial(t.Context())
	assert.Error(t, err, "Dial after Close")
	leakcheck.Settle(t, before)
}
