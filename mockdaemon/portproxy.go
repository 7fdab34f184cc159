package mockdaemon

import (
	"context"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/dockwire/dockwire/mockdaemon/internal/shell"
)

// dialFrom is how the processes of c connect (shell.Dialer): to the
// loopback or an address of the namespace c is in, to a running
// container's address on a network that namespace shares with it, and at
// any other address (the host's, a gateway's) to a port the daemon
// publishes, forwarded to the publishing container's port as dockerd's
// NAT rules and docker-proxy forward it. Anything else is refused.
func (d *Daemon) dialFrom(c *container) shell.Dialer {
	return func(_ context.Context, addr netip.Addr, port int) (shell.Conn, error) {
		target, tport := lockedValueOr(d, func() (*shell.Net, int) { return d.routeLocked(c, addr.Unmap(), port) })
		if target == nil {
			return nil, syscall.ECONNREFUSED
		}
		return target.Connect(tport)
	}
}

// lockedValueOr is lockedValue for a function of two results that cannot
// fail.
func lockedValueOr[A, B any](d *Daemon, f func() (A, B)) (A, B) {
	var a A
	var b B
	_ = d.locked(func() error {
		a, b = f()
		return nil
	})
	return a, b
}

// routeLocked is the namespace and port a connection from c to addr:port
// reaches (nil when none); d.mu held.
func (d *Daemon) routeLocked(c *container, addr netip.Addr, port int) (*shell.Net, int) {
	owner := c
	if o := d.netContainerLocked(c); o != nil {
		owner = o
	}
	if addr.IsLoopback() || addr.IsUnspecified() {
		return owner.netNS(), port
	}
	ownNets := map[*network]bool{}
	for _, ep := range owner.eps {
		if ep.active && ep.network != nil {
			ownNets[ep.network] = true
		}
	}
	for _, o := range d.sortedContainersLocked() {
		if !o.state.Running {
			continue
		}
		for _, ep := range o.eps {
			if ep.active && (ep.ip == addr.String() || ep.ip6 == addr.String()) && (o == owner || ownNets[ep.network]) {
				return o.netNS(), port
			}
		}
	}
	return d.publishedLocked(addr, port)
}

// publishedLocked is the running container and its port that the host
// port publishes at addr (bound to addr, or to every address); d.mu held.
func (d *Daemon) publishedLocked(addr netip.Addr, port int) (*shell.Net, int) {
	hp := strconv.Itoa(port)
	for _, o := range d.sortedContainersLocked() {
		if !o.state.Running {
			continue
		}
		for _, p := range sortedKeys(o.ports) {
			cport, proto, _ := strings.Cut(p, "/")
			if proto != "tcp" {
				continue
			}
			for _, b := range o.ports[p] {
				bound, err := netip.ParseAddr(b.HostIP)
				if b.HostPort == hp && err == nil && (bound.IsUnspecified() || bound == addr) {
					n, _ := strconv.Atoi(cport)
					return o.netNS(), n
				}
			}
		}
	}
	return nil, 0
}

// publishLocked serves c's published TCP ports on the machine when
// Config.PublishPorts is set, as docker-proxy does: each connection to a
// host port is forwarded to the container's port. A port the machine
// cannot give (taken, or privileged) is left unserved; d.mu held.
func (d *Daemon) publishLocked(c *container) {
	if !d.cfg.PublishPorts {
		return
	}
	seen := map[string]bool{}
	for _, p := range sortedKeys(c.ports) {
		if !strings.HasSuffix(p, "/tcp") {
			continue
		}
		for _, b := range c.ports[p] {
			host := b.HostIP
			if a, err := netip.ParseAddr(host); err == nil && a.IsUnspecified() {
				host = "" // 0.0.0.0 and :: are one listener on every address
			}
			hostPort := net.JoinHostPort(host, b.HostPort)
			if seen[hostPort] {
				continue
			}
			seen[hostPort] = true
			l, err := net.Listen("tcp", hostPort)
			if err != nil {
				continue
			}
			c.proxies = append(c.proxies, l)
			hostAddr, port := host, b.HostPort
			d.goTracked(func() { d.proxyAccept(l, hostAddr, port) })
		}
	}
}

// unpublishLocked stops serving c's published ports; d.mu held.
func (d *Daemon) unpublishLocked(c *container) {
	for _, l := range c.proxies {
		l.Close()
	}
	c.proxies = nil
}

// proxyAccept forwards the connections l accepts until l closes or the
// daemon does.
func (d *Daemon) proxyAccept(l net.Listener, host, port string) {
	stop := context.AfterFunc(d.ctx, func() { l.Close() })
	defer stop()
	addr, err := netip.ParseAddr(host)
	if err != nil {
		addr = netip.IPv4Unspecified()
	}
	n, _ := strconv.Atoi(port)
	for {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		d.goTracked(func() { d.proxyConn(conn, addr, n) })
	}
}

// proxyListenWait is how long a connection to a published port waits for
// the container's process to listen: the emulated processes take a
// moment to get there after the start (a real one is there at once).
const proxyListenWait = time.Second

// proxyConn joins conn to the container's port the host port publishes;
// a port with no listener in the container (after proxyListenWait) gets
// conn closed, as docker-proxy closes it.
func (d *Daemon) proxyConn(conn net.Conn, addr netip.Addr, port int) {
	defer conn.Close()
	var inner shell.Conn
	for deadline := time.Now().Add(proxyListenWait); ; {
		target, tport := lockedValueOr(d, func() (*shell.Net, int) { return d.publishedLocked(addr, port) })
		if target == nil {
			return
		}
		var err error
		if inner, err = target.Connect(tport); err == nil {
			break
		}
		if time.Now().After(deadline) {
			return
		}
		select {
		case <-time.After(10 * time.Millisecond):
		case <-d.ctx.Done():
			return
		}
	}
	defer inner.Close()
	stop := context.AfterFunc(d.ctx, func() {
		conn.Close()
		inner.Close()
	})
	defer stop()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _ = io.Copy(inner, conn)
		_ = inner.CloseWrite()
	}()
	_, _ = io.Copy(conn, inner)
	if tc, ok := conn.(interface{ CloseWrite() error }); ok {
		_ = tc.CloseWrite()
	}
	wg.Wait()
}
