// Command mockdockerd serves the mock Docker Engine of package mockdaemon,
// so that any client (the docker CLI, docker-py, dockerode) can talk to it:
//
//	mockdockerd -H unix:///tmp/mock.sock -H tcp://127.0.0.1:2375 &
//	DOCKER_HOST=unix:///tmp/mock.sock docker run --rm busybox echo hi
//
// With --tlsverify (or --tls), TCP listeners speak TLS with --tlscert and
// --tlskey, and --tlsverify requires client certificates signed by
// --tlscacert. Each --registry names a registry the mock emulates in
// memory, so that push, pull and login work without one:
//
//	mockdockerd -H unix:///tmp/mock.sock --registry 127.0.0.1:5000 --registry 127.0.0.1:5001=me:secret
//
// SIGTERM or SIGINT stops it gracefully: listeners close, streams end
// (attach, exec, logs and events that follow), requests in flight finish
// their answer for at most --shutdown-timeout, and it exits 0. Each
// container keeps at most --max-log-bytes of its output for logs and
// attach, dropping the oldest first.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/dockwire/dockwire/mockdaemon"
)

type hosts []string

func (h *hosts) String() string     { return strings.Join(*h, ",") }
func (h *hosts) Set(v string) error { *h = append(*h, v); return nil }

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "mockdockerd:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("mockdockerd", flag.ContinueOnError)
	var hs hosts
	fs.Var(&hs, "H", "socket to listen on: unix:///path or tcp://host:port (repeatable)")
	fs.Var(&hs, "host", "same as -H")
	maxV := fs.String("api-version", mockdaemon.DefaultMaxAPIVersion, "newest API version served")
	minV := fs.String("min-api-version", mockdaemon.DefaultMinAPIVersion, "oldest API version accepted")
	useTLS := fs.Bool("tls", false, "use TLS on TCP sockets")
	verify := fs.Bool("tlsverify", false, "use TLS and verify client certificates")
	ca := fs.String("tlscacert", "", "CA certificate that signs client certificates")
	cert := fs.String("tlscert", "", "server certificate")
	key := fs.String("tlskey", "", "server key")
	images := fs.String("images", mockdaemon.DefaultImage, "comma-separated images present at start")
	maxLog := fs.Int64("max-log-bytes", mockdaemon.DefaultMaxLogBytes, "each container's output kept in memory for logs and attach; the oldest is dropped past it")
	grace := fs.Duration("shutdown-timeout", 15*time.Second, "on SIGTERM or SIGINT, how long requests in flight may take to finish (a second signal cuts it short)")
	publish := fs.Bool("publish", true, "serve containers' published TCP ports on this machine, forwarded to the container's listener (a port already taken is left unserved)")
	hostsFile := fs.String("hosts-file", "/etc/hosts", "the host's hosts file, copied into host-network containers as dockerd copies it (a missing file gives them the records dockerd writes)")
	resolv := fs.String("resolv-conf", "/etc/resolv.conf", "the host's resolv.conf, which containers' resolv.conf are made from as dockerd makes them (a missing file gives them dockerd's default servers)")
	var regs hosts
	fs.Var(&regs, "registry", "a registry to emulate in memory: host:port, or host:port=user:password for one that needs login (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if len(hs) == 0 {
		hs = hosts{"unix:///var/run/docker.sock"}
	}
	var tcfg *tls.Config
	if *useTLS || *verify {
		c, err := tls.LoadX509KeyPair(*cert, *key)
		if err != nil {
			return fmt.Errorf("load TLS key pair: %w", err)
		}
		tcfg = &tls.Config{Certificates: []tls.Certificate{c}, MinVersion: tls.VersionTLS12}
		if *verify {
			pem, err := os.ReadFile(*ca)
			if err != nil {
				return fmt.Errorf("read CA: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return errors.New("no certificate in " + *ca)
			}
			tcfg.ClientCAs = pool
			tcfg.ClientAuth = tls.RequireAndVerifyClientCert
		}
	}
	cfg := mockdaemon.Config{MaxAPIVersion: *maxV, MinAPIVersion: *minV, HostBinds: true, MaxLogBytes: *maxLog}
	// the daemon stands for this machine: /info's Name, a host-network
	// or UTSMode host container's host name
	cfg.Hostname, _ = os.Hostname()
	if b, err := os.ReadFile(*resolv); err == nil {
		cfg.HostResolvConf = string(b)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("-resolv-conf: %w", err)
	}
	if b, err := os.ReadFile(*hostsFile); err == nil {
		cfg.HostHosts = string(b)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("-hosts-file: %w", err)
	}
	cfg.PublishPorts = *publish
	cfg.Images = []string{}
	for _, im := range strings.Split(*images, ",") {
		if im = strings.TrimSpace(im); im != "" {
			cfg.Images = append(cfg.Images, im)
		}
	}
	for _, r := range regs {
		host, cred, hasCred := strings.Cut(r, "=")
		user, pass, _ := strings.Cut(cred, ":")
		if host == "" || (hasCred && user == "") {
			return fmt.Errorf("--registry %q: want host:port or host:port=user:password", r)
		}
		if cfg.Registries == nil {
			cfg.Registries = map[string]mockdaemon.Credentials{}
		}
		cfg.Registries[host] = mockdaemon.Credentials{Username: user, Password: pass}
	}
	d := mockdaemon.New(cfg)
	errc := make(chan error, len(hs))
	for _, h := range hs {
		l, err := listen(h, tcfg)
		if err != nil {
			d.Close()
			return err
		}
		fmt.Fprintf(os.Stderr, "mockdockerd: API %s listening on %s\n", *maxV, h)
		go func() { errc <- d.Serve(l) }()
	}
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	var err error
	select {
	case s := <-sig:
		shutdown(d, sig, s, *grace)
	case err = <-errc:
		d.Close()
	}
	for _, h := range hs {
		if p, ok := strings.CutPrefix(h, "unix://"); ok {
			os.Remove(p)
		}
	}
	return err
}

// shutdown ends the streams, lets the requests in flight finish for at
// most grace (or until a second signal) and closes the daemon.
func shutdown(d *mockdaemon.Daemon, sig <-chan os.Signal, got os.Signal, grace time.Duration) {
	fmt.Fprintf(os.Stderr, "mockdockerd: %v: finishing the requests in flight (at most %v)\n", got, grace)
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	go func() {
		select {
		case <-sig:
			cancel()
		case <-ctx.Done():
		}
	}()
	if err := d.Shutdown(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "mockdockerd: requests cut short:", err)
	}
}

func listen(h string, tcfg *tls.Config) (net.Listener, error) {
	switch {
	case strings.HasPrefix(h, "unix://"):
		p := strings.TrimPrefix(h, "unix://")
		if fi, err := os.Stat(p); err == nil && fi.Mode()&os.ModeSocket != 0 {
			os.Remove(p)
		}
		return net.Listen("unix", p)
	case strings.HasPrefix(h, "tcp://"):
		l, err := net.Listen("tcp", strings.TrimPrefix(h, "tcp://"))
		if err != nil {
			return nil, err
		}
		if tcfg != nil {
			l = tls.NewListener(l, tcfg)
		}
		return l, nil
	}
	return nil, fmt.Errorf("unsupported host %q (want unix:// or tcp://)", h)
}
