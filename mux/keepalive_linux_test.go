package mux

import (
	"net"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConnKeepAlive(t *testing.T) {
	pairs := map[string]pairFunc{"tcp": tcpPair, "tls": tlsPair}
	for name, pair := range pairs {
		t.Run(name, func(t *testing.T) {
			client, _ := pair(t)
			c := NewConn(t.Context(), client, nil, false)
			defer c.Close()
			raw := c.conn
			if tc, ok := raw.(interface{ NetConn() net.Conn }); ok {
				raw = tc.NetConn()
			}
			sc, err := raw.(*net.TCPConn).SyscallConn()
			require.NoError(t, err)
			var on, idle int
			var serr error
			err = sc.Control(func(fd uintptr) {
				on, serr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_KEEPALIVE)
				if serr == nil {
					idle, serr = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE)
				}
			})
			require.NoError(t, err)
			require.NoError(t, serr)
			assert.NotZero(t, on, "SO_KEEPALIVE")
			assert.Equal(t, 30, idle, "TCP_KEEPIDLE")
		})
	}
}
