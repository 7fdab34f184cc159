package leakcheck

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorder is a testing.TB that records Errorf instead of failing.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestSettle(t *testing.T) {
	defer func(d time.Duration) { timeout = d }(timeout)
	timeout = 300 * time.Millisecond
	tests := []struct {
		name   string
		extra  int           // goroutines started above base
		stopIn time.Duration // when they end; -1: only after Settle returns
		want   bool
	}{
		{"nothing started", 0, 0, true},
		{"end before the timeout", 3, 50 * time.Millisecond, true},
		{"outlive the timeout", 2, -1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := runtime.NumGoroutine()
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for range tt.extra {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if tt.stopIn >= 0 {
						time.Sleep(tt.stopIn)
						return
					}
					<-stop
				}()
			}
			r := &recorder{TB: t}
			got := Settle(r, base)
			close(stop)
			wg.Wait()
			assert.Equal(t, tt.want, got, "Settle")
			if tt.want {
				assert.Empty(t, r.errors, "Settle reported errors")
				return
			}
			require.Len(t, r.errors, 1, "Settle's reports")
			msg := r.errors[0]
			assert.True(t, strings.HasPrefix(msg, "leakcheck: "), "message %q: want the leakcheck: prefix", msg)
			assert.Contains(t, msg, fmt.Sprintf("want <= %d", base), "message: want the counts")
			assert.Contains(t, msg, "goroutine ", "message: want a stack dump")
		})
	}
}

// Check's cleanup runs after the test's own later cleanups, so a goroutine
// that such a cleanup stops is no leak; one that nothing stops is.
func TestCheck(t *testing.T) {
	defer func(d time.Duration) { timeout = d }(timeout)
	timeout = 300 * time.Millisecond
	for _, stopInCleanup := range []bool{true, false} {
		t.Run(fmt.Sprint("stopped in cleanup ", stopInCleanup), func(t *testing.T) {
			r := &recorder{}
			stop := make(chan struct{})
			done := make(chan struct{})
			t.Run("inner", func(t *testing.T) {
				r.TB = t
				quiesce()
				Check(r)
				go func() { <-stop; close(done) }()
				if stopInCleanup {
					t.Cleanup(func() { close(stop); <-done })
				}
			})
			if !stopInCleanup {
				close(stop)
				<-done
			}
			if stopInCleanup {
				assert.Empty(t, r.errors, "Check reported a goroutine its test's cleanup stops")
			} else {
				assert.NotEmpty(t, r.errors, "Check did not report a goroutine nothing stops")
			}
		})
	}
}

// quiesce waits until goroutines of earlier tests have finished exiting, so
// that a base count taken next is not inflated by one that then exits and
// hides a leak.
func quiesce() {
	n, same := runtime.NumGoroutine(), 0
	for deadline := time.Now().Add(2 * time.Second); same < 5 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		if m := runtime.NumGoroutine(); m == n {
			same++
		} else {
			n, same = m, 0
		}
	}
}
