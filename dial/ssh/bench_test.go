package ssh_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/dial"
	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/internal/sshtest"
)

// benchTarget is one way to the daemon.
type benchTarget struct {
	name string
	cfg  dial.Config
}

// benchTargets are the mock daemon over its unix socket, over ssh
// (streamlocal) and over ssh with dial-stdio (the in-process server joins
// the session to the socket: the channel's cost without a process); and
// the same three for the real daemon when scripts/dockerd.sh and
// scripts/sshd.sh are up (there dial-stdio starts a docker process per
// connection).
func benchTargets(b *testing.B) []benchTarget {
	f := newFixture(b, sshtest.Config{})
	stdio := f.config()
	stdio.SSH.Mode = dial.SSHDialStdio
	ts := []benchTarget{
		{"mock/unix", dial.Config{Host: "unix://" + f.sock}},
		{"mock/ssh", f.config()},
		{"mock/ssh-dial-stdio", stdio},
	}
	docker, sshHost, noFwd, dir := os.Getenv("DOCKWIRE_REAL_DOCKER_HOST"), os.Getenv("DOCKWIRE_REAL_SSH_HOST"),
		os.Getenv("DOCKWIRE_REAL_SSH_HOST_NO_FORWARDING"), os.Getenv("DOCKWIRE_REAL_SSH_DIR")
	if sock, ok := strings.CutPrefix(docker, "unix://"); ok && sshHost != "" && noFwd != "" && dir != "" {
		ts = append(ts,
			benchTarget{"real/unix", dial.Config{Host: docker}},
			benchTarget{"real/ssh", dial.Config{Host: sshHost + sock, SSH: &dial.SSHOptions{Dir: dir}}},
			benchTarget{"real/ssh-dial-stdio", dial.Config{Host: noFwd + sock, SSH: &dial.SSHOptions{Dir: dir}}},
		)
	} else {
		b.Log("no real daemon behind a real sshd: mock targets only (scripts/dockerd.sh up, scripts/sshd.sh up)")
	}
	return ts
}

// BenchmarkRequests runs Ping and ContainerList one after another on a warm
// client (its pooled connection reused): requests/s and the median latency.
func BenchmarkRequests(b *testing.B) {
	for _, tg := range benchTargets(b) {
		cli, err := dockwire.New(tg.cfg, nil)
		require.NoError(b, err)
		for _, op := range []struct {
			name string
			do   func(context.Context) error
		}{
			{"Ping", func(ctx context.Context) error {
				_, err := cli.System.Ping(ctx, endpoints.SystemPingOptions{})
				return err
			}},
			{"ContainerList", func(ctx context.Context) error {
				_, err := cli.Containers.List(ctx, endpoints.ContainerListOptions{All: true})
				return err
			}},
		} {
			b.Run(tg.name+"/"+op.name, func(b *testing.B) { measure(b, op.do) })
		}
		cli.Close()
	}
}

// BenchmarkNewConnection opens a fresh connection for each GET /_ping: a
// channel of the warm ssh connection (streamlocal), a session with its
// dial-stdio, or a unix socket. It is what a pool miss costs.
func BenchmarkNewConnection(b *testing.B) {
	for _, tg := range benchTargets(b) {
		b.Run(tg.name, func(b *testing.B) {
			open, closeFn, err := tg.cfg.Open()
			require.NoError(b, err)
			defer closeFn()
			measure(b, func(ctx context.Context) error { return pingOnce(ctx, open) })
		})
	}
}

// measure runs do once to warm up (connect, negotiate), then in the
// benchmark loop, and reports requests/s and the median latency.
func measure(b *testing.B, do func(context.Context) error) {
	ctx := b.Context()
	require.NoError(b, do(ctx), "warm-up")
	var lat []time.Duration
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		t0 := time.Now()
		if err := do(ctx); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	elapsed := time.Since(start)
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
}

// pingOnce opens a connection, sends GET /_ping and reads the answer.
func pingOnce(ctx context.Context, open dial.Func) error {
	c, err := open(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := io.WriteString(c, "GET /_ping HTTP/1.1\r\nHost: api.moby.localhost\r\nConnection: close\r\n\r\n"); err != nil {
		return err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}
