//go:build !unix

package wire

import "net"

// sockPeek would look into a socket without reading from it; on this
// platform it cannot, and alive falls back on a read that cannot wait.
type sockPeek struct{}

func newSockPeek(net.Conn) *sockPeek { return nil }

func (*sockPeek) idle() bool { return true }
