package mockdaemon

import (
	"strconv"
	"testing"
	"time"
)

// TestLogBufAttachedReaderLosesNothing: more entries than the log keeps,
// read by an attached stream slower than the writer: the writer waits for
// it, and absolute indexes survive the log's truncation.
func TestLogBufAttachedReaderLosesNothing(t *testing.T) {
	l := newLogBuf(time.Now, false)
	const n = maxLogEntries + maxLogEntries/2
	rd := l.addReader(0)
	got := make(chan int, 1)
	go func() {
		next, want := 0, 0
		defer func() { got <- want }()
		for {
			entries, end, ended, changed := l.since(next)
			for _, e := range entries {
				if string(e.data) != strconv.Itoa(want)+"\n" {
					return
				}
				want++
			}
			next = end
			l.advance(rd, next)
			if ended {
				return
			}
			<-changed
		}
	}()
	for i := range n {
		l.write(1, []byte(strconv.Itoa(i)+"\n"))
	}
	l.endRun()
	if w := <-got; w != n {
		t.Fatalf("reader got %d entries in order, want %d", w, n)
	}
	l.removeReader(rd)
	if e, end, _, _ := l.since(0); end != n || len(e) >= n {
		t.Errorf("since(0): %d entries up to %d, want a truncated log ending at %d", len(e), end, n)
	}
}
