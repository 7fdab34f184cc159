package dial

import (
	"context"
	"net"
)

// Func opens one connection to a daemon. It is the unit of composition
// between dial and the layers above it: wire's connection pool calls it
// whenever it needs a new connection, and transports that live in their own
// packages (ssh) provide one.
type Func func(ctx context.Context) (net.Conn, error)
