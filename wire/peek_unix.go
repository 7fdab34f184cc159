//go:build unix

package wire

import (
	"net"
	"syscall"
)

// canPeek reports whether peekSocket can look into nc.
func canPeek(nc net.Conn) bool {
	_, ok := nc.(syscall.Conn)
	return ok
}

// peekSocket reports whether the socket beneath nc is idle and open: no
// byte waiting, no end of stream, no error. It looks with recv(MSG_PEEK) on
// the non-blocking socket, so it never waits and consumes nothing. A
// connection that is no socket counts as alive.
func peekSocket(nc net.Conn) bool {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return true
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return true
	}
	var (
		buf  [1]byte
		n    int
		perr error
	)
	err = rc.Read(func(fd uintptr) bool {
		n, _, perr = syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK)
		return true
	})
	if err != nil {
		return false // closed
	}
	// EAGAIN: nothing to read, the connection is open and quiet.
	return n <= 0 && (perr == syscall.EAGAIN || perr == syscall.EWOULDBLOCK)
}
