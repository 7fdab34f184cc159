//go:build unix

package wire

import (
	"net"
	"syscall"
)

// sockPeek looks into a socket without reading from it. It is made once
// per connection, so that a look allocates nothing.
type sockPeek struct {
	rc   syscall.RawConn
	fn   func(fd uintptr) bool // p.recv
	buf  [1]byte
	n    int
	perr error
}

// newSockPeek returns a sockPeek for nc, nil when nc is no socket.
func newSockPeek(nc net.Conn) *sockPeek {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	p := &sockPeek{rc: rc}
	p.fn = p.recv
	return p
}

func (p *sockPeek) recv(fd uintptr) bool {
	p.n, _, p.perr = syscall.Recvfrom(int(fd), p.buf[:], syscall.MSG_PEEK)
	return true
}

// idle reports whether the socket is open and quiet: no byte waiting, no
// end of stream, no error. recv(MSG_PEEK) on the non-blocking socket
// never waits and consumes nothing.
func (p *sockPeek) idle() bool {
	if err := p.rc.Read(p.fn); err != nil {
		return false // closed
	}
	// EAGAIN: nothing to read, the connection is open and quiet.
	return p.n <= 0 && (p.perr == syscall.EAGAIN || p.perr == syscall.EWOULDBLOCK)
}
