package ssh

import (
	"net"
	"syscall"
)

// quickAck wraps an ssh server's tcp connection so that every segment read
// is acknowledged at once. sshd leaves Nagle's algorithm on for connections
// without a session (all of ours in streamlocal mode: it sets TCP_NODELAY
// when it starts a command): a response it writes in two pieces waits for
// the ack of the first, which Linux delays by up to 40 ms. TCP_QUICKACK
// does not stick, so it is set again after each read.
func quickAck(c net.Conn) net.Conn {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return c
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return c
	}
	q := &quickAckConn{TCPConn: tc, rc: rc}
	q.set()
	return q
}

type quickAckConn struct {
	*net.TCPConn
	rc syscall.RawConn
}

func (q *quickAckConn) Read(p []byte) (int, error) {
	n, err := q.TCPConn.Read(p)
	if n > 0 {
		q.set()
	}
	return n, err
}

func (q *quickAckConn) set() {
	q.rc.Control(func(fd uintptr) {
		syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 1)
	})
}
