package fuzz

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/wire"
)

// fakeDaemon answers one connection with raw bytes: it reads and drops the
// request, writes resp, then closes its end. Wait reports whether both of
// its goroutines ended, which they only do once the client has closed its
// end or read everything.
type fakeDaemon struct {
	wg   sync.WaitGroup
	used bool
}

func (d *fakeDaemon) dial(resp []byte) func(context.Context) (net.Conn, error) {
	return func(ctx context.Context) (net.Conn, error) {
		if d.used {
			return nil, errors.New("fake daemon: one connection only")
		}
		d.used = true
		cli, srv := net.Pipe()
		d.wg.Add(2)
		go func() {
			defer d.wg.Done()
			io.Copy(io.Discard, srv)
		}()
		go func() {
			defer d.wg.Done()
			srv.Write(resp)
			srv.Close()
		}()
		return cli, nil
	}
}

func (d *fakeDaemon) wait(timeout time.Duration) bool {
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(timeout):
		return false
	}
}

// FuzzWireUpgrade (target 14): the hijack of attach and exec start. Raw bytes
// from a fake daemon on a net.Pipe go through wire.Client.Upgrade. Errors are
// typed (*wire.Error for a status that is not 101 or 200, *wire.ProtocolError,
// io.ErrUnexpectedEOF, ErrConnLost), nothing hangs (a ctx bounds the call and
// the test fails if it is the ctx that ended it), the bytes after the header
// block reach Upgraded.Reader intact, and after Client.Close no connection is
// left open.
func FuzzWireUpgrade(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n" +
			"\x01\x00\x00\x00\x00\x00\x00\x03hi\n",
		"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\nraw tty bytes",
		"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 42\r\n\r\n{\"message\":\"No such container: nosuchid\"}\n",
		"HTTP/1.1 409 Conflict\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nbusy!\r\n0\r\n\r\n",
		"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 101 Switching Protocols\r\n\r\n",
		"HTTP/1.1 101 UPGRADED\r\n",
		"",
		"\x01\x00\x00\x00\x00\x00\x00\x03hi\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, resp []byte) {
		if len(resp) > 1<<20 {
			return
		}
		d := &fakeDaemon{}
		c := wire.NewClient(d.dial(resp), wire.Options{Version: wire.Version{Major: 1, Minor: 41}, Timeout: -1})
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		p, _ := wire.Path("/containers/{}/attach", "abc")
		up, err := c.Upgrade(ctx, &wire.Request{Method: "POST", Path: p, NoTimeout: true})
		require.NoError(t, ctx.Err(), "Upgrade hung until its ctx ended (err %v)", err)
		if err != nil {
			var we *wire.Error
			var pe *wire.ProtocolError
			switch {
			case errors.As(err, &we):
				require.NotContains(t, []int{101, 200}, we.StatusCode, "bad *wire.Error %+v", we)
				require.GreaterOrEqual(t, we.StatusCode, 100, "bad *wire.Error %+v", we)
				require.LessOrEqual(t, we.StatusCode, 599, "bad *wire.Error %+v", we)
				require.NotEmpty(t, we.Message, "bad *wire.Error %+v", we)
			case errors.As(err, &pe), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, wire.ErrConnLost):
			default:
				require.FailNow(t, "untyped Upgrade error", "%T: %v", err, err)
			}
		} else {
			require.Contains(t, []int{101, 200}, up.StatusCode, "Upgraded with status %d", up.StatusCode)
			rest, rerr := io.ReadAll(up.Reader)
			if rerr != nil {
				require.True(t, errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrClosedPipe), "reading the upgraded stream: %v", rerr)
			}
			// What follows the header block arrives untouched.
			require.True(t, bytes.HasSuffix(resp, rest), "stream %q is not the tail of the response %q", rest, resp)
			require.Less(t, len(rest), len(resp), "stream %q is not the tail of the response %q", rest, resp)
			require.NoError(t, up.Conn.Close(), "closing the upgraded conn")
		}
		c.Close()
		require.True(t, d.wait(5*time.Second), "connection left open after Upgrade (err %v) and Client.Close", err)
	})
}
