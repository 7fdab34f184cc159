package memfs

import (
	"archive/tar"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// hostMount is the host side of a mount made by MountHost: an os.Root
// opened on the host directory (or on the directory holding the host
// file), so no path or symbolic link under it ever reaches outside.
type hostMount struct {
	root *os.Root
	name string // "." for a directory, the file's name for a file
}

// hostLoc is a path reached through a host mount: rel is the path in
// m.host.root, never leaving it.
type hostLoc struct {
	m   *mount
	rel string
}

// isRoot reports whether l is the mounted directory or file itself.
func (l *hostLoc) isRoot() bool { return l.rel == l.m.host.name }

// MountHost mounts the host directory (or file, socket, device) dir at p,
// made if missing (a file for a non-directory) even on a read-only root. Everything under p
// then lives on the host: reads see the host's files as they are, writes
// land there. The host side is opened with os.Root, so neither ".." nor a
// symbolic link under p reaches outside dir: a symbolic link resolves in
// f (see walkFrom), and the host sees one name at a time under a
// directory already resolved. Writes through a read-only mount fail with
// syscall.EROFS. p may lie inside another host mount: its mount point is
// made there (see Bind).
func (f *FS) MountHost(p, dir string, readOnly bool) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return perr("mount", dir, hostErrno(err))
	}
	hm := &hostMount{name: "."}
	open := dir
	if !fi.IsDir() { // a file, a socket (docker.sock), a device
		open, hm.name = filepath.Dir(dir), filepath.Base(dir)
	}
	if hm.root, err = os.OpenRoot(open); err != nil {
		return perr("mount", dir, hostErrno(err))
	}
	defer f.lock(true)()
	mountPoint := p
	if hm.name != "." {
		mountPoint = path.Dir(path.Clean("/" + p))
	}
	if err := f.mkdirAll(mountPoint, 0o755, true); err != nil {
		hm.root.Close()
		return err
	}
	w, err := f.walk("mount", p, true, true)
	if err == nil && w.host != nil { // inside another host mount
		if err = w.host.mountPoint(p, hm.name != "."); err == nil {
			f.mounts[w.target.path] = &mount{path: w.target.path, host: hm, ro: readOnly}
			f.gen++
			return nil
		}
	}
	if err != nil {
		hm.root.Close()
		return err
	}
	if hm.name != "." && w.target.n == nil && w.name != "." {
		w.target.n = &node{mode: 0o644, mtime: f.now(), nlink: 1}
		w.parent.n.children[w.name] = w.target.n
	}
	switch {
	case w.target.path == "/":
		err = perr("mount", p, syscall.EBUSY)
	case hm.name != "." && !w.target.n.isRegular():
		err = perr("mount", p, syscall.EISDIR)
	case hm.name == "." && !w.target.n.isDir():
		err = perr("mount", p, syscall.ENOTDIR)
	}
	if err != nil {
		hm.root.Close()
		return err
	}
	if old := f.mounts[w.target.path]; old != nil && old.host != nil {
		old.host.root.Close()
	}
	f.mounts[w.target.path] = &mount{path: w.target.path, host: hm, ro: readOnly}
	f.gen++
	return nil
}

// mountPoint makes ready the mount point l of a mount inside a host
// mount, as runc makes one: a directory, or for a file an empty file
// (mode 0755, as runc makes it), made if missing; what is there must be
// of the same kind. A read-only host mount refuses to make one.
func (l *hostLoc) mountPoint(p string, file bool) error {
	r := l.m.host.root
	fi, err := r.Stat(l.rel)
	if errors.Is(err, fs.ErrNotExist) && file {
		if err := l.writable("mount", p); err != nil {
			return err
		}
		var h *os.File
		if h, err = r.OpenFile(l.rel, os.O_CREATE|os.O_WRONLY, 0o755); err == nil {
			fi, err = h.Stat()
			h.Close()
		}
	}
	switch {
	case err != nil:
		return l.err("mount", p, err)
	case file && !fi.Mode().IsRegular():
		return perr("mount", p, syscall.EISDIR)
	case !file && !fi.IsDir():
		return perr("mount", p, syscall.ENOTDIR)
	}
	return nil
}

// hostErrno is the errno (or fs sentinel) of an os error, so callers see
// the same errors as for the in-memory tree; a path escaping the root
// reads as fs.ErrPermission.
func hostErrno(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	}
	var en syscall.Errno
	if !errors.As(err, &en) {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrExist) || errors.Is(err, fs.ErrInvalid) || errors.Is(err, fs.ErrPermission) || errors.Is(err, fs.ErrClosed) {
			return err
		}
		return fs.ErrPermission // "path escapes from parent" and the like
	}
	switch en {
	case syscall.ENOENT:
		return fs.ErrNotExist
	case syscall.EEXIST:
		return fs.ErrExist
	case syscall.EINVAL:
		return fs.ErrInvalid
	case syscall.EACCES, syscall.EPERM:
		return fs.ErrPermission
	}
	return en
}

func (l *hostLoc) err(op, p string, err error) error {
	if err == nil {
		return nil
	}
	return perr(op, p, hostErrno(err))
}

// writable fails with EROFS when the mount is read-only.
func (l *hostLoc) writable(op, p string) error {
	if l.m.ro {
		return perr(op, p, syscall.EROFS)
	}
	return nil
}

// info is the FileInfo of rel in the host root, shaped like memfs's own
// (Sys is a *Stat), named name.
func (l *hostLoc) info(op, p, name string, follow bool) (fs.FileInfo, error) {
	stat := l.m.host.root.Lstat
	if follow {
		stat = l.m.host.root.Stat
	}
	fi, err := stat(l.rel)
	if err != nil {
		return nil, l.err(op, p, err)
	}
	return hostInfo(l.m.host.root, l.rel, name, fi), nil
}

func hostInfo(root *os.Root, rel, name string, fi fs.FileInfo) fs.FileInfo {
	st := &Stat{Nlink: 1}
	if sys, ok := fi.Sys().(*syscall.Stat_t); ok {
		st.UID, st.GID, st.Nlink = int(sys.Uid), int(sys.Gid), int(sys.Nlink)
	}
	size := fi.Size()
	if fi.Mode()&fs.ModeSymlink != 0 {
		st.Target, _ = root.Readlink(rel)
		size = int64(len(st.Target))
	}
	if name == "" {
		name = "/"
	}
	return &fileInfo{name: path.Base(name), size: size, mode: fi.Mode(), mtime: fi.ModTime(), sys: st}
}

// readDir lists the host directory rel, sorted by name.
func (l *hostLoc) readDir(p string) ([]fs.DirEntry, error) {
	d, err := l.m.host.root.Open(l.rel)
	if err != nil {
		return nil, l.err("open", p, err)
	}
	defer d.Close()
	ents, err := d.ReadDir(-1)
	if err != nil {
		return nil, l.err("readdirent", p, err)
	}
	slices.SortFunc(ents, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	out := make([]fs.DirEntry, 0, len(ents))
	for _, e := range ents {
		fi, err := e.Info()
		if err != nil {
			continue // gone since listed
		}
		out = append(out, fs.FileInfoToDirEntry(hostInfo(l.m.host.root, path.Join(l.rel, e.Name()), e.Name(), fi)))
	}
	return out, nil
}

// mkdirOne makes rel, its parent being there; a directory already there
// is fine. A read-only mount refuses it (EROFS) even when the daemon
// makes a mount point (force, which a read-only root allows): runc's
// mkdir of a mount point fails so on a read-only bind.
func (l *hostLoc) mkdirOne(p string, perm fs.FileMode) error {
	r := l.m.host.root
	if fi, err := r.Stat(l.rel); err == nil {
		if !fi.IsDir() {
			return perr("mkdir", p, syscall.ENOTDIR)
		}
		return nil
	}
	if err := l.writable("mkdir", p); err != nil {
		return err
	}
	if err := r.Mkdir(l.rel, perm); err != nil && !errors.Is(err, fs.ErrExist) {
		return l.err("mkdir", p, err)
	}
	return nil
}

// removeAll removes rel and what it holds; the mounted directory itself
// is emptied, then refused with EBUSY, as rm -rf on a mount point does.
func (l *hostLoc) removeAll(p string) error {
	if err := l.writable("remove", p); err != nil {
		return err
	}
	if !l.isRoot() {
		return l.err("remove", p, l.m.host.root.RemoveAll(l.rel))
	}
	if l.m.host.name == "." {
		ents, err := l.readDir(p)
		if err != nil {
			return err
		}
		for _, e := range ents {
			if err := l.m.host.root.RemoveAll(e.Name()); err != nil {
				return l.err("remove", p, err)
			}
		}
	}
	return perr("remove", p, syscall.EBUSY)
}

// modify runs a change of metadata on rel.
func (l *hostLoc) modify(op, p string, fn func(r *os.Root, rel string) error) error {
	if err := l.writable(op, p); err != nil {
		return err
	}
	return l.err(op, p, fn(l.m.host.root, l.rel))
}

// openFile opens rel with flag as OpenFile does.
func (l *hostLoc) openFile(p string, flag int, perm fs.FileMode) (*File, error) {
	writing := flag&(os.O_WRONLY|os.O_RDWR|os.O_TRUNC) != 0
	if l.m.ro && (writing || flag&os.O_CREATE != 0) {
		if _, err := l.m.host.root.Stat(l.rel); writing || err != nil {
			return nil, perr("open", p, syscall.EROFS)
		}
	}
	h, err := l.m.host.root.OpenFile(l.rel, flag, perm)
	if err != nil {
		return nil, l.err("open", p, err)
	}
	return &File{host: h, name: p, flag: flag}, nil
}

// sameHost reports whether two lookups end in the same host mount.
func sameHost(a, b *hostLoc) bool { return a != nil && b != nil && a.m == b.m }

// chtimes sets both times on the host (memfs keeps only mtime).
func chtimes(atime, mtime time.Time) func(r *os.Root, rel string) error {
	return func(r *os.Root, rel string) error { return r.Chtimes(rel, atime, mtime) }
}

// gatherHost appends the host's tree at l, named name in the stream; the
// contents of files are read when the stream is written. A symbolic link
// at l is archived as the link, as everywhere else in the tree.
func gatherHost(name string, l *hostLoc, out *[]entry) {
	r := l.m.host.root
	if fi, err := r.Lstat(l.rel); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		if e, ok := hostEntry(l, l.rel, name, fi); ok {
			*out = append(*out, e)
		}
		return
	}
	_ = fs.WalkDir(r.FS(), l.rel, func(rel string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // gone since listed, or unreadable: left out
		}
		fi, err := d.Info()
		if err != nil {
			return nil
		}
		ename := name
		switch {
		case rel == l.rel:
		case l.rel == ".":
			ename = path.Join(name, rel)
		default:
			ename = path.Join(name, strings.TrimPrefix(rel, l.rel+"/"))
		}
		if e, ok := hostEntry(l, rel, ename, fi); ok {
			*out = append(*out, e)
		}
		return nil
	})
}

// hostEntry is the stream's entry for the host's rel (fi its Lstat),
// named name; devices, sockets and fifos are not archived.
func hostEntry(l *hostLoc, rel, name string, fi fs.FileInfo) (entry, bool) {
	e := entry{name: name, n: node{mode: fi.Mode(), mtime: fi.ModTime()}}
	if sys, ok := fi.Sys().(*syscall.Stat_t); ok {
		e.n.uid, e.n.gid = int(sys.Uid), int(sys.Gid)
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		e.n.target, _ = l.m.host.root.Readlink(rel)
	case fi.Mode().IsRegular():
		e.host, e.size = &hostLoc{m: l.m, rel: rel}, fi.Size()
	case !fi.IsDir():
		return entry{}, false
	}
	return e, true
}

// copyTo writes the host file's first size bytes to w.
func (l *hostLoc) copyTo(w io.Writer, size int64) error {
	h, err := l.m.host.root.Open(l.rel)
	if err != nil {
		return err
	}
	defer h.Close()
	_, err = io.CopyN(w, h, size)
	return err
}

// extractHost writes one tar entry, named name, at l on the host (its
// parent there already), as extractOne does in memory; dst is the
// extraction's destination, link a hard link's target path.
func (f *FS) extractHost(l *hostLoc, hdr *tar.Header, data []byte, noOverwrite bool, dst, name, link string) error {
	rel := l.rel
	if l.isRoot() { // the mount point itself
		if hdr.Typeflag == tar.TypeDir {
			return nil
		}
		return perr("extract", name, syscall.EBUSY)
	}
	if l.m.ro {
		return perr("extract", name, syscall.EROFS)
	}
	r := l.m.host.root
	fail := func(err error) error { return perr("extract", name, hostErrno(err)) }
	isDir := hdr.Typeflag == tar.TypeDir
	if old, err := r.Lstat(rel); err == nil {
		switch {
		case noOverwrite && old.IsDir() && !isDir:
			return &OverwriteError{Path: name, Dst: dst, Dir: true}
		case noOverwrite && !old.IsDir() && isDir:
			return &OverwriteError{Path: name, Dst: dst}
		case old.IsDir() && isDir:
			_ = r.Chmod(rel, fileMode(hdr.Mode).Perm())
			_ = r.Chtimes(rel, hdr.ModTime, hdr.ModTime)
			return nil
		}
		if hdr.Typeflag == tar.TypeDir || hdr.Typeflag == tar.TypeReg || hdr.Typeflag == tar.TypeRegA ||
			hdr.Typeflag == tar.TypeSymlink || hdr.Typeflag == tar.TypeLink {
			if err := r.RemoveAll(rel); err != nil {
				return fail(err)
			}
		}
	}
	var err error
	switch hdr.Typeflag {
	case tar.TypeDir:
		err = r.Mkdir(rel, fileMode(hdr.Mode).Perm())
	case tar.TypeReg, tar.TypeRegA:
		err = r.WriteFile(rel, data, fileMode(hdr.Mode).Perm())
	case tar.TypeSymlink:
		return fail(r.Symlink(hdr.Linkname, rel))
	case tar.TypeLink:
		lw, werr := f.walk("extract", link, false, true)
		switch {
		case werr != nil:
			return werr
		case lw.host == nil || lw.host.m != l.m:
			return perr("extract", hdr.Linkname, syscall.EXDEV)
		}
		return fail(r.Link(lw.host.rel, rel))
	default:
		return nil
	}
	if err != nil {
		return fail(err)
	}
	_ = r.Chmod(rel, fileMode(hdr.Mode)&(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky))
	_ = r.Lchown(rel, hdr.Uid, hdr.Gid)
	_ = r.Chtimes(rel, hdr.ModTime, hdr.ModTime)
	return nil
}
