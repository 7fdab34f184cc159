//go:build unix

package fuzz

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/wire"
)

// poolDaemon answers, on every connection the client dials, "/one" with
// the fuzzed bytes (one write, then optionally a close) and "/two" with a
// well-formed answer whose body is a nonce the fuzzer cannot know. It
// signals each write of the fuzzed bytes on written.
type poolDaemon struct {
	one     []byte
	close   bool
	nonce   string
	written chan struct{}
	wg      sync.WaitGroup
}

// socketPair returns the two ends of a connected unix stream socket pair:
// real sockets (so that bytes written arrive at once and a close is seen),
// without a listener.
func socketPair() (client, server net.Conn, err error) {
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		return nil, nil, err
	}
	var conns [2]net.Conn
	for i, fd := range fds {
		f := os.NewFile(uintptr(fd), "socketpair")
		conns[i], err = net.FileConn(f)
		f.Close()
		if err != nil {
			if i == 1 {
				conns[0].Close()
			}
			return nil, nil, err
		}
	}
	return conns[0], conns[1], nil
}

func (d *poolDaemon) dial(ctx context.Context) (net.Conn, error) {
	client, server, err := socketPair()
	if err != nil {
		return nil, err
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		defer server.Close()
		br := bufio.NewReader(server)
		for {
			r, err := http.ReadRequest(br)
			if err != nil {
				return
			}
			io.Copy(io.Discard, r.Body)
			switch r.URL.Path {
			case "/v1.41/one":
				server.Write(d.one)
				if d.close {
					server.Close()
				}
				d.written <- struct{}{}
				if d.close {
					return
				}
			case "/v1.41/two":
				fmt.Fprintf(server, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s", len(d.nonce), d.nonce)
			default:
				return
			}
		}
	}()
	return client, nil
}

// FuzzWirePool (target 19): two requests run one after the other over a
// client with one pooled connection, against a daemon whose answer to the
// first is fuzzed bytes: a clean response, a response followed by another
// nobody asked for, a HEAD answered with a body, a truncated or malformed
// one, a connection closed after it. The second request's answer is a
// nonce the fuzzer cannot know. Property: no answer is ever given to the
// wrong request. The second request always gets its own answer (the
// nonce, status 200): never bytes meant for the first, never an error
// caused by them, whether the pool reused the connection or dropped it.
// Stray bytes count when they arrived before the second request was sent
// (later ones no HTTP/1.1 client can tell from an answer).
//
// mode picks the first request's shape: bit 0 HEAD (else GET), bits 1-2
// how it is read (DoJSON, Do read to the end, Do closed unread), bit 3 the
// daemon closes the connection after its fuzzed answer, bit 4 the second
// request is a POST with a body.
func FuzzWirePool(f *testing.F) {
	// The hostile seeds (a stray response, a HEAD with a body, a stream
	// without end...) live under testdata/fuzz/FuzzWirePool.
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"), uint8(0))
	f.Fuzz(func(t *testing.T, one []byte, mode uint8) {
		if len(one) > 64<<10 {
			return // more than a socket buffer: the daemon's write would block
		}
		var nonce [16]byte
		rand.Read(nonce[:])
		d := &poolDaemon{one: one, close: mode&8 != 0, nonce: hex.EncodeToString(nonce[:]), written: make(chan struct{}, 4)}
		c := wire.NewClient(d.dial, wire.Options{Version: wire.Version{Major: 1, Minor: 41}, PoolSize: 1, Timeout: 100 * time.Millisecond})
		// The first answer may be a stream that never ends (a body without
		// length on a connection the daemon keeps): its own ctx ends it.
		ctx1, cancel1 := context.WithTimeout(t.Context(), 300*time.Millisecond)
		defer cancel1()
		first := &wire.Request{Method: "GET", Path: "/one"}
		if mode&1 != 0 {
			first.Method = "HEAD"
		}
		switch mode >> 1 & 3 {
		case 0:
			var v any
			c.DoJSON(ctx1, first, &v)
		case 1:
			if resp, err := c.Do(ctx1, first); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		default:
			if resp, err := c.Do(ctx1, first); err == nil {
				resp.Body.Close()
			}
		}
		select {
		case <-d.written:
		case <-time.After(5 * time.Second):
			require.FailNow(t, "the daemon never wrote its answer to the first request")
		}

		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		second := &wire.Request{Method: "GET", Path: "/two"}
		if mode&16 != 0 {
			second.Method, second.Body, second.ContentLength = "POST", strings.NewReader("{}"), 2
		}
		resp, err := c.Do(ctx, second)
		require.NoError(t, err, "second request, after %q (mode %#x)", one, mode)
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err, "second request's body, after %q (mode %#x)", one, mode)
		require.Equal(t, 200, resp.StatusCode, "second request's status, after %q (mode %#x)", one, mode)
		require.Equal(t, d.nonce, string(got), "second request's answer, after %q (mode %#x)", one, mode)
		require.NoError(t, ctx.Err(), "the requests ran until their ctx ended")
		c.Close()
		done := make(chan struct{})
		go func() { d.wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			require.FailNow(t, "a connection was left open after Client.Close")
		}
	})
}
