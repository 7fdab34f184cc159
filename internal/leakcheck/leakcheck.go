package leakcheck

import (
	"runtime"
	"testing"
	"time"
)

// timeout is how long Check and Settle wait for the count to come down
// (a variable so that this package's tests can shorten it).
var timeout = 5 * time.Second

// Check records the goroutine count now and, when the test ends (after the
// cleanups registered later have run), fails t if the count has not come
// back to it within five seconds.
func Check(t testing.TB) {
	t.Helper()
	base := runtime.NumGoroutine()
	t.Cleanup(func() { Settle(t, base) })
}

// Settle waits until at most base goroutines run and reports whether they
// did; if they did not within five seconds it fails t with t.Errorf and a dump of
// every goroutine's stack.
func Settle(t testing.TB, base int) bool {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			buf = buf[:runtime.Stack(buf, true)]
			t.Errorf("leakcheck: %d goroutines, want <= %d\n%s", runtime.NumGoroutine(), base, buf)
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}
