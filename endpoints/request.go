package endpoints

import (
	"context"
	"errors"
	"fmt"

	"github.com/dockwire/dockwire/wire"
)

// Every operation reaches the daemon through send, call or upgrade, which
// give the daemon's answers their meaning for the caller.

// send runs r and returns the response, whose body the caller reads and
// closes (streams, archives).
func send(ctx context.Context, w *wire.Client, r *wire.Request) (*wire.Response, error) {
	resp, err := w.Do(ctx, r)
	return resp, answerErr(r, err)
}

// call runs r and decodes the JSON answer into out (nil: read and drop it).
// 304 Not Modified is success, out left as it is (see notModified).
func call(ctx context.Context, w *wire.Client, r *wire.Request, out any) error {
	_, err := notModified(call0(ctx, w, r, out))
	return err
}

// callNoContent runs r, an operation whose success has no body, and reports
// whether the daemon answered 304 Not Modified (start of a running
// container, stop of a stopped one).
func callNoContent(ctx context.Context, w *wire.Client, r *wire.Request) (notMod bool, err error) {
	return notModified(call0(ctx, w, r, nil))
}

func call0(ctx context.Context, w *wire.Client, r *wire.Request, out any) error {
	return answerErr(r, w.DoJSON(ctx, r, out))
}

// notModified turns the daemon's 304 into success, as docker-py and moby's
// client do: the daemon sends it when the object is already in the state
// asked for.
func notModified(err error) (bool, error) {
	var werr *wire.Error
	if errors.As(err, &werr) && werr.StatusCode == 304 {
		return true, nil
	}
	return false, err
}

// upgrade runs r and takes over its connection (attach, exec start,
// session).
func upgrade(ctx context.Context, w *wire.Client, r *wire.Request) (*wire.Upgraded, error) {
	up, err := w.Upgrade(ctx, r)
	return up, answerErr(r, err)
}

// answerErr explains the answers a caller cannot act on as they come: a
// redirect (see ErrRedirect).
func answerErr(r *wire.Request, err error) error {
	var werr *wire.Error
	if !errors.As(err, &werr) {
		return err
	}
	if c := werr.StatusCode; c >= 300 && c < 400 && c != 304 {
		return fmt.Errorf("endpoints: %s: %w: dockerd sends one for a path it cleans (an empty, \".\" or \"..\" segment): %w", opName(r), ErrRedirect, err)
	}
	return err
}

func opName(r *wire.Request) string {
	if r.Op != "" {
		return r.Op
	}
	return r.Method + " " + r.Path
}
