//go:build !unix

package wire

import "net"

// canPeek reports whether peekSocket can look into nc: not on this
// platform, where alive falls back on a read that cannot wait.
func canPeek(net.Conn) bool { return false }

// peekSocket reports whether the socket beneath nc is idle and open; here
// it cannot tell, and says yes.
func peekSocket(net.Conn) bool { return true }
