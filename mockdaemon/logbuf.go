package mockdaemon

import (
	"bytes"
	"io"
	"slices"
	"sync"
	"time"
	"unsafe"
)

// gate blocks writers while a container is paused.
type gate struct {
	mu     sync.Mutex
	closed chan struct{} // nil when open
}

func (g *gate) pause() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed == nil {
		g.closed = make(chan struct{})
	}
}

func (g *gate) resume() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed != nil {
		close(g.closed)
		g.closed = nil
	}
}

// current is the channel closed at the resume; nil while open.
func (g *gate) current() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.closed
}

func (g *gate) wait(done <-chan struct{}) {
	if ch := g.current(); ch != nil {
		select {
		case <-ch:
		case <-done:
		}
	}
}

// gatedWriter waits while the container is paused.
type gatedWriter struct {
	g    *gate
	done <-chan struct{}
	w    io.Writer
}

func (w *gatedWriter) Write(p []byte) (int, error) {
	w.g.wait(w.done)
	return w.w.Write(p)
}

// logEntry is one chunk of output: a line, or a piece of one.
type logEntry struct {
	stream int // 1 stdout, 2 stderr
	t      time.Time
	data   []byte
	before int64 // what the log's entries before it cost, over its life
}

// logLineMax is the longest entry: a longer line is kept as pieces of
// this size, as dockerd's log copier splits one into partial messages.
const logLineMax = 16 * 1024

// entryOverhead is what an entry costs beside its data.
const entryOverhead = int64(unsafe.Sizeof(logEntry{}))

// DefaultMaxLogBytes is a container's output kept in memory when
// Config.MaxLogBytes is zero.
const DefaultMaxLogBytes = 16 << 20

// minLogBytes is the least a log keeps, whatever Config.MaxLogBytes says.
const minLogBytes = 4 * logLineMax

// logBuf is a container's output: kept for logs, fed to attached
// streams. It holds at most max bytes (data and per-entry overhead),
// the newest: past that the oldest entries are dropped, as a ring
// would drop them. It has its own lock.
type logBuf struct {
	mu      sync.Mutex
	entries []logEntry
	base    int   // entries dropped from the front: indexes are absolute
	max     int64 // bound of size
	size    int64 // bytes the entries hold
	dropped int64 // bytes of dropped entries the entries' array still reaches
	total   int64 // what every entry ever appended cost
	// readers are the attached streams' positions: a writer more than
	// maxAttachLag entries or half the log's bytes ahead of one waits
	// for it (dockerd's attach backpressures the process too), at most
	// attachStall per wait.
	readers  map[*logReader]struct{}
	progress chan struct{} // closed and replaced when a reader advances
	changed  chan struct{} // closed and replaced on every append
	closed   bool          // the current run has ended
	gen      int           // bumped on every run
	now      func() time.Time
	tty      bool
}

// newLogBuf makes a log that keeps at most maxBytes of output
// (DefaultMaxLogBytes when 0).
func newLogBuf(now func() time.Time, tty bool, maxBytes int64) *logBuf {
	if maxBytes == 0 {
		maxBytes = DefaultMaxLogBytes
	}
	return &logBuf{changed: make(chan struct{}), now: now, tty: tty, max: max(maxBytes, minLogBytes)}
}

const (
	maxAttachLag = 1024
	attachStall  = time.Second
)

// logReader is an attached stream's position in a logBuf.
type logReader struct{ pos int }

// addReader registers an attached stream at absolute position pos.
func (l *logBuf) addReader(pos int) *logReader {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.readers == nil {
		l.readers = map[*logReader]struct{}{}
		l.progress = make(chan struct{})
	}
	rd := &logReader{pos: pos}
	l.readers[rd] = struct{}{}
	return rd
}

// advance records that rd has sent everything before pos.
func (l *logBuf) advance(rd *logReader, pos int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	rd.pos = pos
	l.wakeLocked()
}

func (l *logBuf) removeReader(rd *logReader) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.readers, rd)
	l.wakeLocked()
}

func (l *logBuf) wakeLocked() {
	if l.progress != nil {
		close(l.progress)
		l.progress = make(chan struct{})
	}
}

// laggingLocked reports whether an attached stream is too far behind:
// more entries than maxAttachLag, or more bytes than half the log keeps
// (so that dropping the oldest output never passes a stream's position).
func (l *logBuf) laggingLocked() bool {
	end := l.base + len(l.entries)
	for rd := range l.readers {
		pos := max(rd.pos, l.base)
		if pos >= end {
			continue
		}
		if end-pos > maxAttachLag || l.total-l.entries[pos-l.base].before > l.max/2 {
			return true
		}
	}
	return false
}

func (l *logBuf) write(stream int, p []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now().UTC()
	for len(p) > 0 {
		n := len(p)
		if i := bytes.IndexByte(p, '\n'); i >= 0 {
			n = i + 1
		}
		n = min(n, logLineMax)
		e := logEntry{stream: stream, t: now, data: bytes.Clone(p[:n]), before: l.total}
		p = p[n:]
		l.entries = append(l.entries, e)
		l.size += entrySize(e)
		l.total += entrySize(e)
	}
	l.dropLocked()
	close(l.changed)
	l.changed = make(chan struct{})
	var stall <-chan time.Time
	for l.laggingLocked() {
		if stall == nil {
			t := time.NewTimer(attachStall)
			defer t.Stop()
			stall = t.C
		}
		progress := l.progress
		l.mu.Unlock()
		select {
		case <-progress:
			l.mu.Lock()
		case <-stall:
			l.mu.Lock()
			return
		}
	}
}

func entrySize(e logEntry) int64 { return int64(cap(e.data)) + entryOverhead }

// dropLocked drops the oldest entries until the log is within its
// bound. The dropped ones stay reachable through the entries' array
// until it is copied, which happens once they weigh a quarter of the
// bound: views that since handed out keep the old array intact.
func (l *logBuf) dropLocked() {
	k := 0
	for l.size > l.max && k < len(l.entries) {
		es := entrySize(l.entries[k])
		l.size -= es
		l.dropped += es
		k++
	}
	if k == 0 {
		return
	}
	l.entries = l.entries[k:]
	l.base += k
	if l.dropped > l.max/4 {
		l.entries = slices.Clone(l.entries)
		l.dropped = 0
	}
}

// held is what the log holds in memory: the entries it keeps and those
// dropped but not yet released.
func (l *logBuf) held() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.size + l.dropped
}

// startRun marks a new run of the process.
func (l *logBuf) startRun() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = false
	l.gen++
	close(l.changed)
	l.changed = make(chan struct{})
}

// endRun marks the end of the current run: followers stop.
func (l *logBuf) endRun() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	close(l.changed)
	l.changed = make(chan struct{})
}

// since returns the entries from absolute index i (or the oldest kept),
// the absolute index after them, whether the run has ended, and a channel
// closed at the next change.
func (l *logBuf) since(i int) ([]logEntry, int, bool, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	end := l.base + len(l.entries)
	i = min(max(i, l.base), end)
	return l.entries[i-l.base : len(l.entries) : len(l.entries)], end, l.closed, l.changed
}

func (l *logBuf) length() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.base + len(l.entries)
}

// logWriter feeds a stream of the process into the log.
type logWriter struct {
	l      *logBuf
	stream int
	tty    bool
}

func (w *logWriter) Write(p []byte) (int, error) {
	n := len(p)
	if w.tty {
		p = bytes.ReplaceAll(bytes.ReplaceAll(p, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
	}
	w.l.write(w.stream, p)
	return n, nil
}

// stdinPipe is a process's stdin: attach and exec write to it.
type stdinPipe struct {
	r *io.PipeReader
	w *io.PipeWriter
}

func newStdinPipe() *stdinPipe {
	r, w := io.Pipe()
	return &stdinPipe{r: r, w: w}
}

func (l *logBuf) generation() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.gen
}
