package memfs

import (
	"io"
	"io/fs"
	"os"
	"sync"
	"syscall"
)

// maxFileSize bounds every file, whatever SetMaxFileSize says.
const maxFileSize = 1 << 32

// File is an open file: an io.Reader, io.Writer, io.Seeker and io.Closer.
// Reads and writes go to the node the file was opened on, so they keep
// working after the file is renamed or removed.
type File struct {
	mu     sync.Mutex // guards off and closed
	f      *FS        // the FS owning the node
	n      *node
	host   *os.File // the host's file, for a file opened through a host mount
	pipe   *fifoEnd // the pipe, for a named pipe
	name   string
	flag   int
	off    int64
	closed bool
}

// Open opens the file at p for reading.
func (f *FS) Open(p string) (*File, error) { return f.OpenFile(p, os.O_RDONLY, 0) }

// Create creates or truncates the file at p (mode 0666) for writing.
func (f *FS) Create(p string) (*File, error) {
	return f.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
}

// OpenFile opens p with os.O_* flags: O_RDONLY, O_WRONLY, O_RDWR, O_APPEND,
// O_CREATE, O_EXCL, O_TRUNC. A created file gets perm and the clock's time.
func (f *FS) OpenFile(p string, flag int, perm fs.FileMode) (*File, error) {
	return f.openFile(p, flag, perm, false)
}

// openFile is OpenFile; a named pipe's open registers its end, without
// waiting for the other (block: a writer does not fail for want of a
// reader).
func (f *FS) openFile(p string, flag int, perm fs.FileMode, block bool) (*File, error) {
	defer f.lock(true)()
	w, err := f.walk("open", p, true, true)
	if err != nil {
		return nil, err
	}
	created, err := f.mayOpen(w, flag)
	if err != nil {
		return nil, perr("open", p, err)
	}
	if w.host != nil {
		h, err := w.host.openFile(p, flag, perm)
		if err == nil && created {
			f.ownNew(nil, w.host)
		}
		return h, err
	}
	writing := flag&(os.O_WRONLY|os.O_RDWR) != 0
	n := w.target.n
	now := f.now()
	if n == nil {
		switch {
		case flag&os.O_CREATE == 0:
			return nil, perr("open", p, fs.ErrNotExist)
		case f.readOnly(w.parent):
			return nil, perr("open", p, syscall.EROFS)
		}
		n = &node{mode: perm & fs.ModePerm, mtime: now, nlink: 1}
		f.ownNew(n, nil)
		w.parent.n.children[w.name] = n
		w.parent.n.mtime = now
	} else {
		switch {
		case flag&os.O_CREATE != 0 && flag&os.O_EXCL != 0:
			return nil, perr("open", p, fs.ErrExist)
		case n.isDir() && (writing || flag&os.O_TRUNC != 0):
			return nil, perr("open", p, syscall.EISDIR)
		case (writing || flag&os.O_TRUNC != 0) && f.readOnly(w.target):
			return nil, perr("open", p, syscall.EROFS)
		}
		if n.mode&fs.ModeNamedPipe != 0 {
			if n.fifo == nil {
				n.fifo = newFifo()
			}
			end, err := n.fifo.open(flag, block)
			if err != nil {
				return nil, perr("open", p, err)
			}
			return &File{f: f, n: n, name: p, flag: flag, pipe: end}, nil
		}
		if flag&os.O_TRUNC != 0 && len(n.data) > 0 {
			n.data, n.shared = nil, false
			n.mtime = now
		}
	}
	owner := f
	if w.target.m != nil {
		owner = w.target.m.src
	}
	return &File{f: owner, n: n, name: p, flag: flag}, nil
}

// Name returns the path the file was opened with.
func (h *File) Name() string { return h.name }

// Read reads from the current offset.
func (h *File) Read(b []byte) (int, error) {
	if h.host != nil {
		k, err := h.host.Read(b)
		return k, h.hostErr("read", err)
	}
	if h.pipe != nil {
		if !h.pipe.read {
			return 0, perr("read", h.name, syscall.EBADF)
		}
		k, err := h.pipe.readPipe(b)
		if err != nil && err != io.EOF {
			err = perr("read", h.name, err)
		}
		return k, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.f.mu.RLock()
	defer h.f.mu.RUnlock()
	switch {
	case h.closed:
		return 0, perr("read", h.name, fs.ErrClosed)
	case h.n.isDir():
		return 0, perr("read", h.name, syscall.EISDIR)
	case h.flag&os.O_WRONLY != 0:
		return 0, perr("read", h.name, syscall.EBADF)
	}
	if h.off >= int64(len(h.n.data)) {
		return 0, io.EOF
	}
	k := copy(b, h.n.data[h.off:])
	h.off += int64(k)
	return k, nil
}

// Write writes at the current offset (at the end with O_APPEND).
func (h *File) Write(b []byte) (int, error) {
	if h.host != nil {
		k, err := h.host.Write(b)
		return k, h.hostErr("write", err)
	}
	if h.pipe != nil {
		if !h.pipe.write {
			return 0, perr("write", h.name, syscall.EBADF)
		}
		k, err := h.pipe.writePipe(b)
		if err != nil {
			err = perr("write", h.name, err)
		}
		return k, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.f.mu.Lock()
	defer h.f.mu.Unlock()
	switch {
	case h.closed:
		return 0, perr("write", h.name, fs.ErrClosed)
	case h.flag&(os.O_WRONLY|os.O_RDWR) == 0:
		return 0, perr("write", h.name, syscall.EBADF)
	}
	n := h.n
	if h.flag&os.O_APPEND != 0 {
		h.off = int64(len(n.data))
	}
	if end := h.off + int64(len(b)); end > maxFileSize || h.f.limit > 0 && end > h.f.limit {
		return 0, perr("write", h.name, syscall.EFBIG)
	}
	n.own()
	end := h.off + int64(len(b))
	if end > int64(len(n.data)) {
		if end > int64(cap(n.data)) {
			grown := make([]byte, end, max(end, 2*int64(cap(n.data))))
			copy(grown, n.data)
			n.data = grown
		} else {
			n.data = n.data[:end]
		}
	}
	copy(n.data[h.off:], b)
	h.off = end
	n.mtime = h.f.now()
	return len(b), nil
}

// Seek sets the offset for the next Read or Write.
func (h *File) Seek(offset int64, whence int) (int64, error) {
	if h.host != nil {
		off, err := h.host.Seek(offset, whence)
		return off, h.hostErr("seek", err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.f.mu.RLock()
	defer h.f.mu.RUnlock()
	var base int64
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		base = h.off
	case io.SeekEnd:
		base = int64(len(h.n.data))
	default:
		return 0, perr("seek", h.name, fs.ErrInvalid)
	}
	if base+offset < 0 {
		return 0, perr("seek", h.name, fs.ErrInvalid)
	}
	h.off = base + offset
	return h.off, nil
}

// Stat returns information about the open file.
func (h *File) Stat() (fs.FileInfo, error) {
	if h.host != nil {
		fi, err := h.host.Stat()
		if err != nil {
			return nil, h.hostErr("stat", err)
		}
		return hostInfo(nil, "", h.name, fi), nil
	}
	h.f.mu.RLock()
	defer h.f.mu.RUnlock()
	return h.n.info(h.name), nil
}

// Close closes the file; later calls fail with fs.ErrClosed.
func (h *File) Close() error {
	if h.host != nil {
		return h.hostErr("close", h.host.Close())
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return perr("close", h.name, fs.ErrClosed)
	}
	h.closed = true
	if h.pipe != nil {
		h.pipe.close()
	}
	return nil
}

// hostErr is a host file's error shaped like memfs's own (io.EOF kept).
func (h *File) hostErr(op string, err error) error {
	if err == nil || err == io.EOF {
		return err
	}
	return perr(op, h.name, hostErrno(err))
}
