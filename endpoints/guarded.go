package endpoints

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/dockwire/dockwire/wire"
)

// UpdateGuarded performs an update guarded by an object's version, and
// performs it again, from a fresh read, while the daemon refuses the
// version as stale. The updates of nodes, services, the swarm, secrets and
// configs take the Version the caller read ([NodeUpdateOptions].Version,
// [ServiceUpdateOptions].Version...); the daemon refuses any other version
// with "update out of sequence" ([OutOfSequence]). Between a caller's read
// and its update dockerd's own bookkeeping may write the object (a node's
// status, the allocation of a service's endpoints, the orchestrator), and
// on a busy machine it often does: such an update is worth reading and
// sending again.
//
// read returns the object as it is now; update sends the change made from
// it, with its version:
//
//	err := endpoints.UpdateGuarded(ctx,
//		func(ctx context.Context) (endpoints.NodeInspectResult, error) {
//			return cli.Nodes.Inspect(ctx, id, endpoints.NodeInspectOptions{})
//		},
//		func(ctx context.Context, n endpoints.NodeInspectResult) error {
//			spec := n.Spec
//			spec.Availability = "drain"
//			_, err := cli.Nodes.Update(ctx, id, endpoints.NodeUpdateOptions{Version: n.Version, Spec: spec})
//			return err
//		})
//
// It reads and updates at most [UpdateGuardedAttempts] times, waiting 20 ms
// before the second attempt and twice as long before each next one (at
// most half a second), and returns the last refusal when every attempt was
// refused. Any other error of read or update ends it at once and is
// returned as it is. A cancelled ctx ends the wait at once and its error
// (context.Canceled, context.DeadlineExceeded) is returned.
func UpdateGuarded[T any](ctx context.Context, read func(ctx context.Context) (T, error), update func(ctx context.Context, current T) error) error {
	wait := 20 * time.Millisecond
	var err error
	for attempt := 1; ; attempt++ {
		var cur T
		if cur, err = read(ctx); err != nil {
			return err
		}
		if err = update(ctx, cur); !OutOfSequence(err) || attempt == UpdateGuardedAttempts {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, 500*time.Millisecond)
	}
}

// UpdateGuardedAttempts is how many times [UpdateGuarded] reads and updates
// before it gives up on a version the daemon keeps refusing.
const UpdateGuardedAttempts = 8

// OutOfSequence reports whether err is the daemon's refusal of an update
// made from an older version of the object than the one it holds: a
// *wire.Error whose message says "update out of sequence" (swarmkit's
// words, which dockerd passes on).
func OutOfSequence(err error) bool {
	var werr *wire.Error
	return errors.As(err, &werr) && strings.Contains(werr.Message, "update out of sequence")
}
