package mockdaemon

import (
	"crypto/tls"
	"net"
	"os"
	"path/filepath"
	"testing"
)

// What a test needs to run a daemon: StartUnix, StartTCP and StartTLS
// serve one on a fresh listener and close it at the end of the test.

// StartUnix starts a daemon on a unix socket in a temporary directory and
// returns it with its DOCKER_HOST ("unix:///.../docker.sock"). The daemon is
// closed by t.Cleanup.
func StartUnix(t testing.TB, cfg Config) (*Daemon, string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "mockd")
	if err != nil {
		t.Fatalf("mockdaemon: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "docker.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatalf("mockdaemon: %v", err)
	}
	return startOn(t, cfg, l), "unix://" + sock
}

// StartTCP starts a daemon on a loopback TCP port and returns it with its
// DOCKER_HOST ("tcp://127.0.0.1:N"). The daemon is closed by t.Cleanup.
func StartTCP(t testing.TB, cfg Config) (*Daemon, string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mockdaemon: %v", err)
	}
	return startOn(t, cfg, l), "tcp://" + l.Addr().String()
}

// StartTLS starts a daemon on a loopback TCP port that speaks TLS with
// srv (which must hold a certificate) and returns it with its DOCKER_HOST.
// The daemon is closed by t.Cleanup.
func StartTLS(t testing.TB, cfg Config, srv *tls.Config) (*Daemon, string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mockdaemon: %v", err)
	}
	return startOn(t, cfg, tls.NewListener(l, srv)), "tcp://" + l.Addr().String()
}

func startOn(t testing.TB, cfg Config, l net.Listener) *Daemon {
	d := New(cfg)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = d.Serve(l)
	}()
	t.Cleanup(func() {
		d.Close()
		l.Close()
		<-done
	})
	return d
}
