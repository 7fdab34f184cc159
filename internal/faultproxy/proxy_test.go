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
)

// server is a loopback upstream whose behaviour each test picks.
type server struct {
	ln net.Listener
}

// startServer runs handle on every accepted connection.
func startServer(t *testing.T, handle func(c net.Conn)) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
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
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// readAll reads c until EOF or an error, failing the test after 5s.
func readAll(t *testing.T, c net.Conn) ([]byte, error) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	b, err := io.ReadAll(c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("read hung: %q so far", b)
	}
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
				c, err := p.Dial(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				if tt.want == "no mark here" {
					// Never fires: read what was sent, then close ourselves.
					buf := make([]byte, len(tt.want))
					c.SetReadDeadline(time.Now().Add(5 * time.Second))
					if _, err := io.ReadFull(c, buf); err != nil || string(buf) != tt.want {
						t.Fatalf("read %q %v", buf, err)
					}
					if p.Faults() != 0 {
						t.Errorf("faults %d, want 0", p.Faults())
					}
					return
				}
				got, _ := readAll(t, c)
				if string(got) != tt.want {
					t.Errorf("client got %q (%d bytes), want %q", trunc(got), len(got), tt.want)
				}
				if p.Faults() != 1 {
					t.Errorf("faults %d, want 1", p.Faults())
				}
				if n := p.Forwarded(faultproxy.ToClient); n != int64(len(tt.want)) {
					t.Errorf("Forwarded(ToClient) = %d, want %d", n, len(tt.want))
				}
			})
		}
	}
}

func trunc(b []byte) []byte {
	if len(b) > 40 {
		return b[:40]
	}
	return b
}

func TestToServerDrop(t *testing.T) {
	got := make(chan []byte, 1)
	s := startServer(t, func(c net.Conn) {
		b, _ := io.ReadAll(c)
		got <- b
	})
	p := start(t, faultproxy.Config{Upstream: s.dial, Fault: &faultproxy.Fault{Dir: faultproxy.ToServer, After: 700}})
	c, err := p.Dial(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	msg := bytes.Repeat([]byte("x"), 1000)
	c.Write(msg) // may or may not fail: the proxy reads it all before dropping
	select {
	case b := <-got:
		if len(b) != 700 {
			t.Errorf("upstream got %d bytes, want 700", len(b))
		}
	case <-time.After(5 * time.Second):
		t.Fatal("upstream never saw the drop")
	}
	// The client side is closed too.
	if b, err := readAll(t, c); len(b) != 0 || (err != nil && !isReset(err)) {
		t.Errorf("client after drop: %q %v, want EOF", b, err)
	}
}

func isReset(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "reset") || strings.Contains(err.Error(), "broken pipe"))
}

func TestHalfCloseForwarded(t *testing.T) {
	for _, network := range []string{"unix", "tcp"} {
		t.Run(network, func(t *testing.T) {
			s := startServer(t, echo)
			p := start(t, faultproxy.Config{Network: network, Upstream: s.dial})
			c, err := p.Dial(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			msg := strings.Repeat("half-close ", 10000)
			go func() {
				c.Write([]byte(msg))
				c.(interface{ CloseWrite() error }).CloseWrite()
			}()
			got, err := readAll(t, c)
			if err != nil || string(got) != msg {
				t.Fatalf("echo through the proxy: %d bytes %v, want %d", len(got), err, len(msg))
			}
			if p.Forwarded(faultproxy.ToServer) != int64(len(msg)) || p.Forwarded(faultproxy.ToClient) != int64(len(msg)) {
				t.Errorf("forwarded %d / %d, want %d each way", p.Forwarded(faultproxy.ToServer), p.Forwarded(faultproxy.ToClient), len(msg))
			}
			if p.Faults() != 0 {
				t.Errorf("faults %d without a Fault", p.Faults())
			}
		})
	}
}

func TestStall(t *testing.T) {
	s := startServer(t, sender("0123456789abcdef"))
	p := start(t, faultproxy.Config{Upstream: s.dial, Fault: &faultproxy.Fault{Dir: faultproxy.ToClient, After: 10, Action: faultproxy.Stall}})
	c, err := p.Dial(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	buf := make([]byte, 10)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "0123456789" {
		t.Fatalf("before the stall: %q %v", buf, err)
	}
	c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	n, err := c.Read(buf)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("stalled read: %d bytes, %v; want a timeout", n, err)
	}
	// Half-closing ends the stall: the connection closes.
	c.(interface{ CloseWrite() error }).CloseWrite()
	c.SetReadDeadline(time.Time{})
	if b, err := readAll(t, c); len(b) != 0 || err != nil {
		t.Errorf("after the stall ended: %q %v, want EOF", b, err)
	}
}

func TestFaultOnOneConnection(t *testing.T) {
	s := startServer(t, sender("abcdefghij"))
	p := start(t, faultproxy.Config{Upstream: s.dial, Fault: &faultproxy.Fault{Dir: faultproxy.ToClient, After: 4, Conn: 2}})
	for i, want := range []string{"abcdefghij", "abcd", "abcdefghij"} {
		c, err := p.Dial(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 10)
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, _ := io.ReadFull(c, buf)
		c.Close()
		if string(buf[:n]) != want {
			t.Errorf("connection %d: %q, want %q", i+1, buf[:n], want)
		}
	}
	if p.Accepted() != 3 || p.Faults() != 1 {
		t.Errorf("accepted %d faults %d, want 3 and 1", p.Accepted(), p.Faults())
	}
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
			if !errors.Is(err, faultproxy.ErrConfig) {
				if p != nil {
					p.Close()
				}
				t.Fatalf("Start: %v, want ErrConfig", err)
			}
		})
	}
}

// A failing upstream dial closes the client's connection.
func TestUpstreamDialFails(t *testing.T) {
	p := start(t, faultproxy.Config{Upstream: func(context.Context) (net.Conn, error) { return nil, errors.New("refused") }})
	c, err := p.Dial(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if b, err := readAll(t, c); len(b) != 0 || err != nil {
		t.Errorf("read %q %v, want EOF", b, err)
	}
}

// Close ends connections that are still open, stalled ones included, and
// leaves no goroutine behind.
func TestCloseLeavesNothing(t *testing.T) {
	s := startServer(t, sender("0123456789"))
	before := runtime.NumGoroutine()
	p, err := faultproxy.Start(faultproxy.Config{Network: "tcp", Upstream: s.dial, Fault: &faultproxy.Fault{Dir: faultproxy.ToClient, After: 3, Action: faultproxy.Stall}})
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	for range 3 {
		c, err := p.Dial(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		buf := make([]byte, 3)
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.ReadFull(c, buf); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan error, 1)
	go func() { done <- p.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close hung on stalled connections")
	}
	if err := p.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	for _, c := range conns {
		if b, err := readAll(t, c); len(b) != 0 || (err != nil && !isReset(err)) {
			t.Errorf("client after Close: %q %v", b, err)
		}
		c.Close()
	}
	if _, err := p.Dial(context.Background()); err == nil {
		t.Error("Dial after Close succeeded")
	}
	leakcheck.Settle(t, before)
}
