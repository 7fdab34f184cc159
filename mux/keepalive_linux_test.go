package mux

import (
	"context"
	"net"
	"syscall"
	"testing"
)

func TestConnKeepAlive(t *testing.T) {
	pairs := map[string]pairFunc{"tcp": tcpPair, "tls": tlsPair}
	for name, pair := range pairs {
		t.Run(name, func(t *testing.T) {
			client, _ := pair(t)
			c := NewConn(context.Background(), client, nil, false)
			defer c.Close()
			raw := c.conn
			if tc, ok := raw.(interface{ NetConn() net.Conn }); ok {
				raw = tc.NetConn()
			}
			sc, err := raw.(*net.TCPConn).SyscallConn()
			if err != nil {
				t.Fatal(err)
			}
			var on, idle int
			var serr error
			err = sc.Control(func(fd uintptr) {
				on, serr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_KEEPALIVE)
				if serr == nil {
					idle, serr = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE)
				}
			})
			if err != nil || serr != nil {
				t.Fatal(err, serr)
			}
			if on == 0 || idle != 30 {
				t.Fatalf("SO_KEEPALIVE = %d, TCP_KEEPIDLE = %d; want on, 30", on, idle)
			}
		})
	}
}
