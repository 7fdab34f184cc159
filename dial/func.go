package dial

import (
	"context"
	"net"
	"sync"
)

// Func opens one connection to a daemon. It is the unit of composition
// between dial and the layers above it: wire's connection pool calls it
// whenever it needs a new connection, and transports that live in their own
// packages (ssh) provide one.
type Func func(ctx context.Context) (net.Conn, error)

// registry holds the transport a package of its own registers (dialtls,
// dial/ssh), so that dial links it only when that package is imported.
type registry[T any] struct {
	mu sync.RWMutex
	t  T
}

func (r *registry[T]) set(t T) {
	r.mu.Lock()
	r.t = t
	r.mu.Unlock()
}

func (r *registry[T]) get() T {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.t
}
