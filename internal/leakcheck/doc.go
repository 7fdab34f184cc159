// Package leakcheck is a test helper that fails a test whose goroutines do
// not settle back to the count they started from.
//
//	func TestX(t *testing.T) {
//		leakcheck.Check(t) // first, so its cleanup runs after the others
//		...
//	}
//
// Settle does the same check in the middle of a test, against a count the
// test took itself with runtime.NumGoroutine.
//
// Only tests import it: it imports "testing".
package leakcheck
