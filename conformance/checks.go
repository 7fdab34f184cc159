package conformance

import (
	"context"
	"errors"
	"time"

	"github.com/dockwire/dockwire/wire"
)

// apiAtLeast reports whether the client's negotiated (or pinned) API
// version is 1.minor or newer.
func (e *Env) apiAtLeast(minor int) bool {
	e.T.Helper()
	ver, err := e.Client.Wire().Version(e.Ctx)
	if err != nil {
		e.T.Fatalf("version: %v", err)
	}
	return !ver.Less(wire.Version{Major: 1, Minor: minor})
}

// wantVersionError calls call with a context that is already cancelled and
// wants a *wire.VersionError: any I/O would have failed with
// context.Canceled instead, so the refusal came before the request was sent.
func (e *Env) wantVersionError(what string, call func(ctx context.Context) error) {
	e.T.Helper()
	ctx, cancel := context.WithCancel(e.Ctx)
	cancel()
	err := call(ctx)
	var verr *wire.VersionError
	if !errors.As(err, &verr) {
		e.T.Errorf("%s: %v, want a *wire.VersionError before any I/O", what, err)
	}
}

// typedFailure reports whether err is the daemon's refusal, either as the
// answer's *wire.Error (4xx/5xx) or inside a progress stream as a
// *wire.StreamError.
func typedFailure(err error) bool {
	var werr *wire.Error
	var serr *wire.StreamError
	return (errors.As(err, &werr) && werr.StatusCode >= 400) || errors.As(err, &serr)
}

// wantStatus checks that err is a *wire.Error with status code and that it
// matches sentinel with errors.Is.
func (e *Env) wantStatus(what string, err error, code int, sentinel error) {
	e.T.Helper()
	var werr *wire.Error
	if !errors.As(err, &werr) || werr.StatusCode != code || !errors.Is(err, sentinel) {
		e.T.Errorf("%s: %v, want a %d *wire.Error matching %v", what, err, code, sentinel)
	}
}

// closedRegistry is a loopback port nothing listens on: a registry the
// daemon cannot reach, so that registry operations fail without leaving
// the machine.
const closedRegistry = "127.0.0.1:9"

// eventually polls cond every 50ms for up to d.
func eventually(ctx context.Context, d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// errOf returns the error of a call's two results.
func errOf[T any](_ T, err error) error { return err }
