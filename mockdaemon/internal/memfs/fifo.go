package memfs

import (
	"context"
	"io"
	"io/fs"
	"os"
	"sync"
	"syscall"
)

// fifoSize is a named pipe's buffer, as Linux's default pipe size.
const fifoSize = 64 << 10

// fifo is the pipe of a named pipe node, shared by every open of it.
type fifo struct {
	mu               sync.Mutex
	readers, writers int
	ropens, wopens   uint64 // opens of each end so far: a peer that came and went still meets an open waiting
	buf              []byte
	wake             chan struct{} // closed and replaced at every change
}

func newFifo() *fifo { return &fifo{wake: make(chan struct{})} }

// changed wakes every waiter; the caller holds q.mu.
func (q *fifo) changed() {
	close(q.wake)
	q.wake = make(chan struct{})
}

// wait blocks until cond (called with q.mu held) is true or ctx ends.
func (q *fifo) wait(ctx context.Context, cond func() bool) error {
	for {
		q.mu.Lock()
		if cond() {
			q.mu.Unlock()
			return nil
		}
		ch := q.wake
		q.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// fifoEnd is one open of a named pipe: its read or write end (both for
// O_RDWR).
type fifoEnd struct {
	q           *fifo
	read, write bool
	peers       uint64          // the other end's opens when this one opened
	ctx         context.Context // ends a blocked read or write
	once        sync.Once
}

// open registers the end; without block, a write end with no reader
// fails with ENXIO, as an O_NONBLOCK open does.
func (q *fifo) open(flag int, block bool) (*fifoEnd, error) {
	e := &fifoEnd{q: q, ctx: context.Background()}
	switch flag & (os.O_RDONLY | os.O_WRONLY | os.O_RDWR) {
	case os.O_RDONLY:
		e.read = true
	case os.O_WRONLY:
		e.write = true
	default:
		e.read, e.write = true, true
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if e.write && !e.read && !block && q.readers == 0 {
		return nil, syscall.ENXIO
	}
	if e.read {
		q.readers++
		q.ropens++
		e.peers = q.wopens
	}
	if e.write {
		q.writers++
		q.wopens++
		e.peers = q.ropens
	}
	q.changed()
	return e, nil
}

// waitPeer blocks until the other end is open too, or has been since
// this one opened (not for O_RDWR, which Linux never blocks), or ctx
// ends.
func (e *fifoEnd) waitPeer(ctx context.Context) error {
	if e.read && e.write {
		return nil
	}
	q := e.q
	return q.wait(ctx, func() bool {
		if e.read {
			return q.writers > 0 || q.wopens > e.peers
		}
		return q.readers > 0 || q.ropens > e.peers
	})
}

func (e *fifoEnd) readPipe(b []byte) (int, error) {
	q := e.q
	if err := q.wait(e.ctx, func() bool { return len(q.buf) > 0 || q.writers == 0 }); err != nil {
		return 0, err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(b, q.buf)
	q.buf = q.buf[n:]
	if len(q.buf) == 0 {
		q.buf = nil
	}
	q.changed()
	return n, nil
}

func (e *fifoEnd) writePipe(b []byte) (int, error) {
	q := e.q
	done := 0
	for done < len(b) {
		if err := q.wait(e.ctx, func() bool { return q.readers == 0 || len(q.buf) < fifoSize }); err != nil {
			return done, err
		}
		q.mu.Lock()
		if q.readers == 0 {
			q.mu.Unlock()
			return done, syscall.EPIPE
		}
		n := min(fifoSize-len(q.buf), len(b)-done)
		q.buf = append(q.buf, b[done:done+n]...)
		done += n
		q.changed()
		q.mu.Unlock()
	}
	return done, nil
}

func (e *fifoEnd) close() {
	e.once.Do(func() {
		q := e.q
		q.mu.Lock()
		defer q.mu.Unlock()
		if e.read {
			q.readers--
		}
		if e.write {
			q.writers--
		}
		if q.readers == 0 && q.writers == 0 {
			q.buf = nil // what nobody read is gone with the last close
		}
		q.changed()
	})
}

// Mkfifo makes the named pipe p with perm, as mkfifo(3) does. Its File
// is a pipe (see OpenFileContext); it has no contents of its own, an
// archive holds it as a FIFO entry.
func (f *FS) Mkfifo(p string, perm fs.FileMode) error {
	defer f.lock(true)()
	w, err := f.walk("mkfifo", p, false, true)
	if err != nil {
		return err
	}
	switch {
	case w.host != nil:
		return perr("mkfifo", p, syscall.EPERM) // not made on the host
	case w.target.n != nil || w.name == ".":
		return perr("mkfifo", p, fs.ErrExist)
	case f.readOnly(w.parent):
		return perr("mkfifo", p, syscall.EROFS)
	}
	if err := f.may(w.parent, mayWrite|mayExec); err != nil {
		return perr("mkfifo", p, err)
	}
	now := f.now()
	n := &node{mode: fs.ModeNamedPipe | perm&fs.ModePerm, mtime: now, nlink: 1}
	f.ownNew(n, nil)
	w.parent.n.children[w.name] = n
	w.parent.n.mtime = now
	return nil
}

// OpenFileContext is OpenFile that, for a named pipe, waits as open(2)
// does for the other end (a reader for a writer, a writer for a reader)
// until ctx ends, and ends the pipe's blocked reads and writes with
// ctx. OpenFile itself opens a named pipe without waiting, as
// O_NONBLOCK does: a reader at once, a writer with no reader fails
// with ENXIO.
func (f *FS) OpenFileContext(ctx context.Context, p string, flag int, perm fs.FileMode) (*File, error) {
	h, err := f.openFile(p, flag, perm, true)
	if err != nil || h.pipe == nil {
		return h, err
	}
	if err := h.pipe.waitPeer(ctx); err != nil {
		h.Close()
		return nil, perr("open", p, err)
	}
	h.pipe.ctx = ctx
	return h, nil
}
