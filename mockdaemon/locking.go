package mockdaemon

import "sync"

// The engine's lock. Every field of Daemon under "engine state" is
// guarded by d.mu, taken through one of two functions:
//
//   - locked runs a function with the lock held, released by defer (on an
//     error return or a panic too). Handlers and background work read and
//     change state inside it; functions that must be called inside it are
//     named xxxLocked. Events are emitted inside it, so that the event log
//     orders them as the state changes they report (a start before the
//     die of a process that exits at once).
//   - await waits for the state to satisfy a condition: it tests the
//     condition and takes the channel that signals the next change in one
//     critical section, and the lock signals at the end of every locked
//     section, so a change between the test and the wait cannot be missed.
//     A wait for a state change that no channel of its own announces goes
//     through it (the lost wake-ups fixed in 583ea4d and f3a273d came from
//     a test and a wait taken under two different locks).

// engineLock is the engine's mutex. Its Unlock wakes every await, since
// the section it ends may have changed what they wait for.
type engineLock struct {
	mu   sync.Mutex
	wake chan struct{} // closed by the next Unlock; nil while nobody awaits
}

func (l *engineLock) Lock() { l.mu.Lock() }

func (l *engineLock) Unlock() {
	if l.wake != nil {
		close(l.wake)
		l.wake = nil
	}
	l.mu.Unlock()
}

// check tests ready under the lock; when it is false it also returns the
// channel the next Unlock closes. It releases the lock without waking
// anyone: a test changes nothing.
func (l *engineLock) check(ready func() bool) (<-chan struct{}, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ready() {
		return nil, true
	}
	if l.wake == nil {
		l.wake = make(chan struct{})
	}
	return l.wake, false
}

// locked runs f with the engine's lock held and returns its error.
func (d *Daemon) locked(f func() error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return f()
}

// lockedValue is locked for an f that computes a value.
func lockedValue[T any](d *Daemon, f func() (T, error)) (T, error) {
	var v T
	err := d.locked(func() error {
		var err error
		v, err = f()
		return err
	})
	return v, err
}

// await blocks until ready, called with the engine's lock held, reports
// true (await returns true), or until stop closes or the daemon closes
// (false). ready must not change state.
func (d *Daemon) await(stop <-chan struct{}, ready func() bool) bool {
	for {
		wake, ok := d.mu.check(ready)
		if ok {
			return true
		}
		select {
		case <-wake:
		case <-stop:
			return false
		case <-d.ctx.Done():
			return false
		}
	}
}

// isClosed reports whether ch is closed.
func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
