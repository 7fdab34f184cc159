package conformance

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/dial"
	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/endpoints/attachws"
	"github.com/dockwire/dockwire/internal/faultproxy"
	"github.com/dockwire/dockwire/mux"
)

// prng is a deterministic stream of n pseudo-random bytes.
func prng(seed uint64, n int64) io.Reader {
	var key [32]byte
	for i := range key {
		key[i] = byte(seed >> (8 * (i % 8)))
	}
	return io.LimitReader(rand.NewChaCha8(key), n)
}

// countWriter counts and hashes what it is given.
type countWriter struct {
	n int64
	h interface {
		io.Writer
		Sum([]byte) []byte
	}
}

func newCountWriter() *countWriter { return &countWriter{h: sha256.New()} }

func (w *countWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return w.h.Write(p)
}

// settleGoroutines waits up to 5s for the goroutine count to fall back to
// before, and reports what is left over.
func settleGoroutines(e *Env, before int, what string) {
	e.T.Helper()
	if !eventually(e.Ctx, 5*time.Second, func() bool { return runtime.NumGoroutine() <= before }) {
		buf := make([]byte, 1<<16)
		buf = buf[:runtime.Stack(buf, true)]
		e.T.Errorf("%s: %d goroutines, %d before\n%s", what, runtime.NumGoroutine(), before, buf)
	}
}

// proxied returns a second client for the target that reaches it through
// a fault proxy, with the API version pinned to the one the target's
// client negotiated (so no /_ping goes first on the proxied connection).
// It skips when the target's bytes are not plain HTTP (TLS, ssh, a custom
// dialer), where a proxy cannot find a mark in the stream.
func (e *Env) proxied(f *faultproxy.Fault) (*dockwire.Client, *faultproxy.Proxy) {
	e.T.Helper()
	cfg := e.Target.Config
	host := cfg.Host
	if host == "" {
		host = dial.DefaultHost
	}
	h, err := dial.ParseHost(host)
	if cfg.Dial != nil || cfg.TLS != nil || err != nil || h.TLS || (h.Scheme != "unix" && h.Scheme != "tcp") {
		e.T.Skipf("target %s is not plain HTTP on unix or tcp (%s): the fault proxy cannot cut it at a mark", e.Target.Name, host)
	}
	up, err := cfg.Dialer()
	if err != nil {
		e.T.Fatal(err)
	}
	ver, err := e.Client.APIVersion(e.Ctx)
	if err != nil {
		e.T.Fatal(err)
	}
	p, err := faultproxy.Start(faultproxy.Config{Upstream: up, Fault: f})
	if err != nil {
		e.T.Fatal(err)
	}
	cli, err := dockwire.New(dial.Config{Host: p.Host()}, &dockwire.Options{APIVersion: ver})
	if err != nil {
		p.Close()
		e.T.Fatal(err)
	}
	return cli, p
}

// syncBuffer is a bytes.Buffer safe to read while another goroutine
// writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}

// attachScenarios are the scenarios of what an attach delivers, byte for byte, when everything goes right and when the process or the connection dies under it.
var attachScenarios = []scenario{
	{"attach/stdio/separated-ordered", func(e *Env) {
		id, conn := e.attachStarted(endpoints.ContainerConfig{
			Cmd:          []string{"sh", "-c", "echo out1; echo err1 >&2; echo out2; echo err2 >&2"},
			AttachStdout: true, AttachStderr: true,
		}, endpoints.ContainerAttachOptions{Stdout: true, Stderr: true})
		if !conn.Multiplexed() {
			e.T.Fatalf("attach to a non-TTY container: raw stream, want multiplexed")
		}
		var out, errb bytes.Buffer
		n, err := conn.Demux(&out, &errb)
		if err != nil {
			e.T.Fatalf("demux: %v", err)
		}
		if out.String() != "out1\nout2\n" || errb.String() != "err1\nerr2\n" || n != 20 {
			e.T.Errorf("stdout %q stderr %q (%d bytes), want %q and %q (20)", out.String(), errb.String(), n, "out1\nout2\n", "err1\nerr2\n")
		}
		if code := e.wait(id); code != 0 {
			e.T.Errorf("exit code %d, want 0", code)
		}
	}},

	{"attach/stdin/64MiB-cat", func(e *Env) {
		const size = 64 << 20
		id, conn := e.attachStarted(endpoints.ContainerConfig{
			Cmd: []string{"cat"}, OpenStdin: true, StdinOnce: true,
			AttachStdin: true, AttachStdout: true, AttachStderr: true,
		}, endpoints.ContainerAttachOptions{Stdin: true, Stdout: true, Stderr: true})
		sent := newCountWriter()
		werr := make(chan error, 1)
		go func() {
			_, err := io.Copy(conn, io.TeeReader(prng(64, size), sent))
			if err == nil {
				err = conn.CloseWrite()
			}
			werr <- err
		}()
		got := newCountWriter()
		var errb bytes.Buffer
		start := time.Now()
		n, err := conn.Demux(got, &errb)
		if err != nil {
			conn.Close()
			e.T.Fatalf("demux after %d bytes: %v (writer: %v)", n, err, <-werr)
		}
		if err := <-werr; err != nil {
			e.T.Fatalf("stdin: %v", err)
		}
		e.T.Logf("64 MiB through cat in %v (%.0f MB/s)", time.Since(start), float64(size)/time.Since(start).Seconds()/1e6)
		if sent.n != size || got.n != size || !bytes.Equal(sent.h.Sum(nil), got.h.Sum(nil)) {
			e.T.Errorf("sent %d bytes (sha256 %x), got %d back (sha256 %x)", sent.n, sent.h.Sum(nil), got.n, got.h.Sum(nil))
		}
		if errb.Len() != 0 {
			e.T.Errorf("stderr %q", errb.String())
		}
		if code := e.wait(id); code != 0 {
			e.T.Errorf("cat exited %d, want 0", code)
		}
	}},

	// containers/attach-ws/echo-then-eof covers the TTY round trip.
	{"attach/ws/non-tty", func(e *Env) {
		id := e.container(endpoints.ContainerConfig{
			Cmd:       []string{"sh", "-c", `read line; echo "got $line"; echo err >&2`},
			OpenStdin: true, AttachStdin: true, AttachStdout: true, AttachStderr: true,
		}, nil)
		c, err := attachws.Attach(e.Ctx, e.Client.Wire(), id, attachws.Options{})
		if err != nil {
			e.T.Fatal(err)
		}
		defer c.Close()
		e.start(id)
		if _, err := c.Write([]byte("ws non-tty\n")); err != nil {
			e.T.Fatal(err)
		}
		done := make(chan struct{})
		var got []byte
		go func() { defer close(done); got, err = io.ReadAll(c) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			c.Close()
			<-done
			e.T.Fatalf("no EOF within 20s: %q %v", got, err)
		}
		if err != nil {
			e.T.Fatalf("read: %q %v", got, err)
		}
		// Raw, never framed: stdout and stderr interleave as they come (two
		// pipes, so either order).
		if s := string(got); s != "got ws non-tty\nerr\n" && s != "err\ngot ws non-tty\n" {
			e.T.Errorf("websocket output %q, want the two lines unframed", s)
		}
		if code := e.wait(id); code != 0 {
			e.T.Errorf("exit code %d, want 0", code)
		}
	}},

	{"attach/dies-mid-stream/killed", func(e *Env) {
		id, conn := e.attachStarted(endpoints.ContainerConfig{
			Cmd:          []string{"sh", "-c", "i=0; while true; do echo line$i; i=$((i+1)); sleep 0.02; done"},
			AttachStdout: true,
		}, endpoints.ContainerAttachOptions{Stdout: true})
		pr, pw := io.Pipe()
		derr := make(chan error, 1)
		go func() {
			_, err := conn.Demux(pw, nil)
			pw.CloseWithError(err)
			derr <- err
		}()
		sc := bufio.NewScanner(pr)
		var lines []string
		killed := false
		for sc.Scan() {
			lines = append(lines, sc.Text())
			if len(lines) == 10 {
				if _, err := e.Client.Containers.Kill(e.Ctx, id, endpoints.ContainerKillOptions{}); err != nil {
					e.T.Fatal(err)
				}
				killed = true
			}
		}
		if err := sc.Err(); err != nil || !killed {
			e.T.Fatalf("after %d lines: %v", len(lines), err)
		}
		if err := <-derr; err != nil {
			e.T.Errorf("stream of a killed container ended with %v, want a clean end", err)
		}
		for i, l := range lines {
			if l != "line"+strconv.Itoa(i) {
				e.T.Fatalf("line %d is %q: lost or damaged output before the kill (%q)", i, l, lines)
			}
		}
		if code := e.wait(id); code != 137 {
			e.T.Errorf("exit code %d after SIGKILL, want 137", code)
		}
	}},

	{"attach/dies-mid-stream/exits", func(e *Env) {
		id, conn := e.attachStarted(endpoints.ContainerConfig{
			Cmd:          []string{"sh", "-c", "echo a; echo b >&2; sleep 0.3; echo c; exit 3"},
			AttachStdout: true, AttachStderr: true,
		}, endpoints.ContainerAttachOptions{Stdout: true, Stderr: true})
		var out, errb bytes.Buffer
		if _, err := conn.Demux(&out, &errb); err != nil {
			e.T.Errorf("stream of an exiting container: %v, want a clean end", err)
		}
		if out.String() != "a\nc\n" || errb.String() != "b\n" {
			e.T.Errorf("stdout %q stderr %q, want %q and %q", out.String(), errb.String(), "a\nc\n", "b\n")
		}
		if code := e.wait(id); code != 3 {
			e.T.Errorf("exit code %d, want 3", code)
		}
	}},

	// The proxy drops the connection 1000 bytes into the payload of the
	// frame that carries cat's echo of mark: mux.Copy must say the stream was
	// cut, deliver what came before, and leave nothing running.
	{"attach/cut-mid-frame/drop", func(e *Env) {
		const mark = "dockwire-cut-mid"
		payload := []byte(mark + strings.Repeat("0123456789abcdef", 249)) // 4000 bytes: one pipe write
		before := runtime.NumGoroutine()
		pcli, p := e.proxied(&faultproxy.Fault{Dir: faultproxy.ToClient, Mark: []byte(mark), After: 1000})
		defer p.Close()
		defer pcli.Close()
		id := e.container(endpoints.ContainerConfig{
			Cmd: []string{"cat"}, OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true,
		}, nil)
		tty := false
		conn, err := pcli.Containers.Attach(e.Ctx, id, endpoints.ContainerAttachOptions{Stdin: true, Stdout: true, TTY: &tty})
		if err != nil {
			e.T.Fatal(err)
		}
		defer conn.Close()
		e.start(id)
		if _, err := conn.Write(payload); err != nil {
			e.T.Fatal(err)
		}
		var out bytes.Buffer
		n, err := mux.Copy(&out, &out, conn)
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			e.T.Errorf("copy of a stream cut inside a frame: %d bytes, %v; want io.ErrUnexpectedEOF", n, err)
		}
		if p.Faults() != 1 {
			e.T.Errorf("the proxy fired %d faults, want 1", p.Faults())
		}
		e.T.Logf("cut: %d bytes delivered, %v", n, err)
		// Everything up to the cut, and nothing else: the mark and 1000
		// bytes after it, less the headers of any frames in between.
		got := out.Bytes()
		if int64(len(got)) != n || len(got) < len(mark) || len(got) > len(mark)+1000 || !bytes.HasPrefix(payload, got) {
			e.T.Errorf("delivered %d bytes (counted %d) %q..., want a prefix of the payload of at most %d bytes", len(got), n, got[:min(len(got), 32)], len(mark)+1000)
		}
		conn.Close()
		pcli.Close()
		p.Close()
		e.remove(id) // an in-process daemon's goroutines for it count too
		settleGoroutines(e, before, "after a cut attach")
	}},

	// The proxy stops forwarding the daemon's output inside a frame:
	// cancelling the attach's context must end the copy promptly.
	{"attach/cut-mid-frame/stall-then-cancel", func(e *Env) {
		const mark = "dockwire-stalled"
		payload := []byte(mark + strings.Repeat("0123456789abcdef", 249))
		before := runtime.NumGoroutine()
		pcli, p := e.proxied(&faultproxy.Fault{Dir: faultproxy.ToClient, Mark: []byte(mark), After: 100, Action: faultproxy.Stall})
		defer p.Close()
		defer pcli.Close()
		id := e.container(endpoints.ContainerConfig{
			Cmd: []string{"cat"}, OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true,
		}, nil)
		ctx, cancel := context.WithCancel(e.Ctx)
		defer cancel()
		tty := false
		conn, err := pcli.Containers.Attach(ctx, id, endpoints.ContainerAttachOptions{Stdin: true, Stdout: true, TTY: &tty})
		if err != nil {
			e.T.Fatal(err)
		}
		defer conn.Close()
		e.start(id)
		if _, err := conn.Write(payload); err != nil {
			e.T.Fatal(err)
		}
		var out syncBuffer
		type result struct {
			n   int64
			err error
		}
		done := make(chan result, 1)
		go func() { n, err := mux.Copy(&out, &out, conn); done <- result{n, err} }()
		if !eventually(e.Ctx, 10*time.Second, func() bool { return out.Len() == len(mark)+100 }) {
			e.T.Fatalf("before the stall: %d bytes delivered, want %d", out.Len(), len(mark)+100)
		}
		select {
		case r := <-done:
			e.T.Fatalf("copy ended during the stall: %d %v", r.n, r.err)
		case <-time.After(200 * time.Millisecond):
		}
		cancel()
		select {
		case r := <-done:
			if !errors.Is(r.err, context.Canceled) {
				e.T.Errorf("copy after cancel: %v, want an error wrapping context.Canceled", r.err)
			}
			if r.n != int64(len(mark)+100) {
				e.T.Errorf("copy delivered %d bytes, want %d", r.n, len(mark)+100)
			}
		case <-time.After(5 * time.Second):
			e.T.Fatal("copy still blocked 5s after cancel")
		}
		conn.Close()
		pcli.Close()
		p.Close()
		e.remove(id) // an in-process daemon's goroutines for it count too
		settleGoroutines(e, before, "after a cancelled stalled attach")
	}},
}
