package mockdaemon

import (
	"bytes"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLogBufAttachedReaderLosesNothing: far more output than the log
// keeps, read by an attached stream slower than the writer: the writer
// waits for it, and absolute indexes survive the log's truncation.
func TestLogBufAttachedReaderLosesNothing(t *testing.T) {
	l := newLogBuf(time.Now, false, minLogBytes)
	const n = 50000 // about 50 times what the log keeps
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
	assert.Equal(t, n, <-got, "entries the reader got in order")
	l.removeReader(rd)
	e, end, _, _ := l.since(0)
	assert.Equal(t, n, end, "the log ends at the last entry")
	assert.Less(t, len(e), n, "the log dropped its oldest entries")
}

// TestLogBufBoundedInBytes writes a hundred times the log's bound, in
// short lines and in lines longer than dockerd's 16 KiB pieces: what the
// log holds stays within its bound (plus the quarter it may keep before
// releasing dropped entries), the heap does not grow with the output,
// and the newest output reads back whole.
func TestLogBufBoundedInBytes(t *testing.T) {
	const bound = 1 << 20
	l := newLogBuf(time.Now, false, bound)
	long := bytes.Repeat([]byte("x"), 3*logLineMax+100) // no newline: pieces

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var last []string
	written := 0
	for i := 0; written < 100*bound; i++ {
		line := "line " + strconv.Itoa(i) + "\n"
		l.write(1, []byte(line))
		written += len(line)
		if i%50 == 0 {
			l.write(2, long)
			l.write(2, []byte("\n"))
			written += len(long) + 1
		}
		last = append(last[max(len(last)-9, 0):], line)
		require.LessOrEqual(t, l.held(), int64(bound+bound/4), "held after %d bytes", written)
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	assert.Less(t, int64(after.HeapAlloc)-int64(before.HeapAlloc), int64(3*bound),
		"heap grown by %d bytes of output", written)

	entries, _, _, _ := l.since(0)
	var out []string
	for _, e := range entries {
		if e.stream == 1 {
			out = append(out, string(e.data))
		}
		assert.LessOrEqual(t, len(e.data), logLineMax, "an entry is at most one piece")
	}
	require.GreaterOrEqual(t, len(out), len(last))
	assert.Equal(t, last, out[len(out)-len(last):], "the newest lines")
	var stderr bytes.Buffer
	for _, e := range entries {
		if e.stream == 2 {
			stderr.Write(e.data)
		}
	}
	assert.True(t, bytes.HasSuffix(stderr.Bytes(), append(long, '\n')), "the newest long line, in pieces")
}
