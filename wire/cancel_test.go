package wire

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/internal/leakcheck"
	"github.com/dockwire/dockwire/internal/testcert"
	"github.com/dockwire/dockwire/mux"
)

// slowClose delays the close of a TCP connection, as a loaded host does:
// the window in which a close_notify sent on cancel reaches the daemon,
// and the daemon's clean end of the stream comes back, before the socket
// is gone.
type slowClose struct{ net.Conn }

func (c slowClose) Close() error {
	time.Sleep(5 * time.Millisecond)
	return c.Conn.Close()
}

// tlsDaemon is a TLS daemon that behaves like dockerd on a followed logs
// stream or an attach: it sends a first frame, then waits; when the client
// ends its side (close_notify or a closed socket), it ends the stream
// cleanly (the chunked terminator, or its own close).
func tlsDaemon(t *testing.T) func(context.Context) (net.Conn, error) {
	t.Helper()
	pki := testcert.New(t)
	frame := "\x01\x00\x00\x00\x00\x00\x00\x03hi\n"
	s := newRawServer(t, func(c net.Conn, n int) {
		tc := tls.Server(c, pki.ServerConfig(t))
		br := bufio.NewReader(tc)
		r, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		switch r.URL.Path {
		case "/v1.41/containers/x/attach":
			fmt.Fprintf(tc, "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n%s", frame)
			io.Copy(io.Discard, br)
			tc.Close()
		default:
			fmt.Fprintf(tc, "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n", len(frame), frame)
			io.Copy(io.Discard, br)
			io.WriteString(tc, "0\r\n\r\n")
			tc.Close()
		}
	})
	plain := s.dial()
	cfg := &tls.Config{RootCAs: pki.Pool(), Certificates: []tls.Certificate{pki.ClientCertificate(t)}, ServerName: "127.0.0.1"}
	return func(ctx context.Context) (net.Conn, error) {
		c, err := plain(ctx)
		if err != nil {
			return nil, err
		}
		tc := tls.Client(slowClose{c}, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			c.Close()
			return nil, err
		}
		return tc, nil
	}
}

// Cancelling a followed logs stream or an attach over TLS always ends the
// call with the ctx's error, never with a clean end: the connection under
// TLS is closed without a close_notify, and an end of stream that races
// the cancel is reported as the cancel (issue 13, defect 1: 3-46 of 200
// cancels returned nil, ~190 of 200 with a 5 ms delay on TCP close).
func TestCancelOverTLSReturnsCtxErr(t *testing.T) {
	d := tlsDaemon(t)
	c := NewClient(d, Options{Version: Version{1, 41}})
	defer c.Close()
	base := runtime.NumGoroutine()
	for i := range 20 {
		t.Run(fmt.Sprint("logs/", i), func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			resp, err := c.Do(ctx, &Request{Method: "GET", Path: "/containers/x/logs", NoTimeout: true})
			require.NoError(t, err)
			defer resp.Body.Close()
			time.AfterFunc(10*time.Millisecond, cancel)
			n, err := mux.Copy(io.Discard, io.Discard, resp.Body)
			assert.EqualValues(t, 3, n)
			assert.ErrorIs(t, err, context.Canceled)
		})
		t.Run(fmt.Sprint("attach/", i), func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			up, err := c.Upgrade(ctx, &Request{Method: "POST", Path: "/containers/x/attach", NoTimeout: true})
			require.NoError(t, err)
			conn := mux.NewConn(ctx, up.Conn, up.Reader, true)
			defer conn.Close()
			time.AfterFunc(10*time.Millisecond, cancel)
			n, err := conn.Demux(io.Discard, io.Discard)
			assert.EqualValues(t, 3, n)
			assert.ErrorIs(t, err, context.Canceled)
		})
	}
	c.Close()
	leakcheck.Settle(t, base)
}
