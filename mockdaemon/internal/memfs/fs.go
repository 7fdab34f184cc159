package memfs

import (
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// maxSymlinks is the number of symbolic links one lookup may follow before
// it fails with syscall.ELOOP (Linux's MAXSYMLINKS).
const maxSymlinks = 40

// FS is an in-memory filesystem tree with its mount table. The zero value is
// not usable; call New. An FS may be a view of another's tree as a user
// sees it (As).
type FS struct {
	*tree
	cred *Cred // whose view it is, for the permission checks; nil: no checks
}

// tree is an FS's state, shared by its views.
type tree struct {
	id uint64 // lock order between FSes

	mu     sync.RWMutex
	root   *node
	ro     bool
	mounts map[string]*mount // by resolved mount point path
	gen    uint64            // bumped when mounts change
	now    func() time.Time
	limit  int64      // largest file size, 0 for no limit
	synth  *synthetic // the entries a Synthetic makes in a directory
}

type mount struct {
	path string
	src  *FS
	root *node
	ro   bool
	host *hostMount // a mount of the host's filesystem (src and root nil)
}

// New returns an empty filesystem: a root directory with mode 0755 owned by
// 0:0, and a clock reading time.Now.
func New() *FS {
	f := &FS{tree: &tree{id: rand.Uint64(), mounts: map[string]*mount{}, now: time.Now}}
	f.root = newDir(0o755, f.now())
	return f
}

// SetClock sets the clock used for modification times (nil means time.Now).
func (f *FS) SetClock(now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	f.mu.Lock()
	f.now = now
	f.mu.Unlock()
}

// SetMaxFileSize bounds the size of each file written through f's own
// tree (mounted FSes keep their own bound); a write past it fails with
// syscall.EFBIG. 0 means no bound.
func (f *FS) SetMaxFileSize(n int64) {
	f.mu.Lock()
	f.limit = max(n, 0)
	f.mu.Unlock()
}

// SetReadOnly makes the root tree read-only (writes fail with
// syscall.EROFS) or writable again. Mounts keep their own flag.
func (f *FS) SetReadOnly(ro bool) {
	f.mu.Lock()
	f.ro = ro
	f.mu.Unlock()
}

// lock locks f and every FS mounted in it, ordered by id, and returns the
// matching unlock.
func (f *FS) lock(write bool, extra ...*FS) (unlock func()) {
	for {
		f.mu.RLock()
		gen := f.gen
		set := []*tree{f.tree}
		for _, x := range extra {
			if !slices.Contains(set, x.tree) {
				set = append(set, x.tree)
			}
		}
		for _, m := range f.mounts {
			if m.src != nil && !slices.Contains(set, m.src.tree) {
				set = append(set, m.src.tree)
			}
		}
		f.mu.RUnlock()
		slices.SortFunc(set, func(a, b *tree) int {
			switch {
			case a.id < b.id:
				return -1
			case a.id > b.id:
				return 1
			}
			return 0
		})
		for _, x := range set {
			if write {
				x.mu.Lock()
			} else {
				x.mu.RLock()
			}
		}
		unlock = func() {
			for i := len(set) - 1; i >= 0; i-- {
				if write {
					set[i].mu.Unlock()
				} else {
					set[i].mu.RUnlock()
				}
			}
		}
		if f.gen == gen {
			return unlock
		}
		unlock()
	}
}

func perr(op, p string, err error) error {
	return &fs.PathError{Op: op, Path: p, Err: err}
}

// loc is a node reached by a lookup, with its resolved path and the mount
// that holds it (nil for the root tree).
type loc struct {
	n    *node
	path string
	m    *mount
	host *hostLoc // a place on the host, through a host mount (n nil)
}

func (f *FS) readOnly(l loc) bool {
	if l.m != nil {
		return l.m.ro
	}
	return f.ro
}

// walked is the result of a lookup: the parent directory, the final name and
// the target (target.n is nil when the final name does not exist); or,
// when the path leads into a host mount, host alone.
type walked struct {
	parent loc
	name   string
	target loc
	host   *hostLoc
}

func splitPath(p string) []string {
	var out []string
	for c := range strings.SplitSeq(p, "/") {
		if c != "" && c != "." {
			out = append(out, c)
		}
	}
	return out
}

func joinPath(dir, name string) string {
	if dir == "/" {
		return "/" + name
	}
	return dir + "/" + name
}

// walk resolves p (relative paths resolve from "/"). follow says whether a
// symbolic link in the final component is followed; useMounts whether the
// mount table applies. Callers hold the lock.
func (f *FS) walk(op, p string, follow, useMounts bool) (walked, error) {
	return f.walkFrom(loc{n: f.root, path: "/"}, op, p, follow, useMounts)
}

// walkFrom is walk with base as the root: ".." and absolute symbolic links
// never leave it. The walk resolves p one component at a time in this
// FS's namespace, as the kernel resolves a path in a container's mount
// namespace: at each step the mount table first (so a mount inside a
// host mount is found), then the tree, or the host through the host
// mount's os.Root. A symbolic link, in the tree or on the host, is
// resolved here too: an absolute one from base, a relative one from its
// directory, ".." going up the path walked so far (never to the host's
// parent of a host mount); the host only ever sees one name at a time
// under a directory already resolved, inside its os.Root.
func (f *FS) walkFrom(base loc, op, p string, follow, useMounts bool) (walked, error) {
	if strings.IndexByte(p, 0) >= 0 {
		return walked{}, perr(op, p, fs.ErrInvalid)
	}
	stack := []loc{base}
	comps := splitPath(p)
	links := 0
	for len(comps) > 0 {
		c := comps[0]
		comps = comps[1:]
		last := len(comps) == 0
		top := stack[len(stack)-1]
		if c == ".." {
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
			continue
		}
		if top.host == nil && !top.n.isDir() {
			return walked{}, perr(op, p, syscall.ENOTDIR)
		}
		if err := f.may(top, mayExec); err != nil {
			return walked{}, perr(op, p, err)
		}
		here, target, exists, err := f.step(top, c, useMounts)
		if err != nil {
			return walked{}, perr(op, p, err)
		}
		if !exists {
			if last {
				return walked{parent: top, name: c, target: here, host: here.host}, nil
			}
			return walked{}, perr(op, p, fs.ErrNotExist)
		}
		if here.host == nil && here.n.isSymlink() {
			target = &here.n.target
		}
		if target != nil && (!last || follow) {
			links++
			if links > maxSymlinks {
				return walked{}, perr(op, p, syscall.ELOOP)
			}
			if *target == "" {
				return walked{}, perr(op, p, fs.ErrNotExist)
			}
			if strings.HasPrefix(*target, "/") {
				stack = stack[:1]
			}
			comps = append(splitPath(*target), comps...)
			continue
		}
		if last {
			return walked{parent: top, name: c, target: here, host: here.host}, nil
		}
		stack = append(stack, here)
	}
	top := stack[len(stack)-1]
	parent := stack[max(0, len(stack)-2)]
	return walked{parent: parent, name: ".", target: top, host: top.host}, nil
}

// step resolves the name c in the directory top: what the mount table
// has at that path, else top's child (on the host when top is, here.host
// then set even for a name that does not exist, to make it there);
// target is the host symbolic link's target when c is one.
func (f *FS) step(top loc, c string, useMounts bool) (here loc, target *string, exists bool, err error) {
	cpath := joinPath(top.path, c)
	var child *node
	if top.host == nil {
		child = top.n.children[c]
	}
	if mm := f.mounts[cpath]; useMounts && mm != nil && (child != nil || top.host != nil) {
		if mm.host != nil {
			return loc{path: cpath, host: &hostLoc{m: mm, rel: mm.host.name}}, nil, true, nil
		}
		return loc{n: mm.root, path: cpath, m: mm}, nil, true, nil
	}
	if top.host == nil {
		if child == nil && useMounts {
			if l, ok := f.syntheticAt(top, c); ok {
				return l, nil, true, nil
			}
		}
		return loc{n: child, path: cpath, m: top.m}, nil, child != nil, nil
	}
	l := &hostLoc{m: top.host.m, rel: path.Join(top.host.rel, c)}
	fi, err := l.m.host.root.Lstat(l.rel)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return loc{path: cpath, host: l}, nil, false, nil
	case err != nil:
		return loc{}, nil, false, hostErrno(err)
	case fi.Mode()&fs.ModeSymlink != 0:
		t, err := l.m.host.root.Readlink(l.rel)
		if err != nil {
			return loc{}, nil, false, hostErrno(err)
		}
		return loc{path: cpath, host: l}, &t, true, nil
	}
	return loc{path: cpath, host: l}, nil, true, nil
}

// isMountRoot reports whether l is the root of a mount.
func isMountRoot(l loc) bool { return l.m != nil && l.m.path == l.path }

// Stat returns information about the file at p, following symbolic links.
// Its Sys value is a *Stat.
func (f *FS) Stat(p string) (fs.FileInfo, error) { return f.stat("stat", p, true) }

// Lstat is Stat without following a final symbolic link.
func (f *FS) Lstat(p string) (fs.FileInfo, error) { return f.stat("lstat", p, false) }

func (f *FS) stat(op, p string, follow bool) (fs.FileInfo, error) {
	defer f.lock(false)()
	w, err := f.walk(op, p, follow, true)
	if err != nil {
		return nil, err
	}
	if w.host != nil {
		return w.host.info(op, p, path.Clean("/"+p), follow)
	}
	if w.target.n == nil {
		return nil, perr(op, p, fs.ErrNotExist)
	}
	return w.target.n.info(w.target.path), nil
}

// ReadFile returns the contents of the file at p.
func (f *FS) ReadFile(p string) ([]byte, error) {
	defer f.lock(false)()
	w, err := f.walk("open", p, true, true)
	if err != nil {
		return nil, err
	}
	if err := f.may(w.target, mayRead); err != nil {
		return nil, perr("open", p, err)
	}
	if w.host != nil {
		b, err := w.host.m.host.root.ReadFile(w.host.rel)
		return b, w.host.err("read", p, err)
	}
	n := w.target.n
	switch {
	case n == nil:
		return nil, perr("open", p, fs.ErrNotExist)
	case n.isDir():
		return nil, perr("read", p, syscall.EISDIR)
	}
	return append([]byte(nil), n.data...), nil
}

// WriteFile writes data to the file at p, creating it with perm or
// truncating it.
func (f *FS) WriteFile(p string, data []byte, perm fs.FileMode) error {
	h, err := f.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := h.Write(data); err != nil {
		return err
	}
	return h.Close()
}

// Mkdir creates the directory p.
func (f *FS) Mkdir(p string, perm fs.FileMode) error {
	defer f.lock(true)()
	return f.mkdir(p, perm)
}

func (f *FS) mkdir(p string, perm fs.FileMode) error {
	w, err := f.walk("mkdir", p, false, true)
	if err != nil {
		return err
	}
	if w.host != nil {
		if err := w.host.writable("mkdir", p); err != nil {
			return err
		}
		if err := f.mayCreate(w); err != nil {
			return perr("mkdir", p, err)
		}
		if err := w.host.m.host.root.Mkdir(w.host.rel, perm); err != nil {
			return w.host.err("mkdir", p, err)
		}
		f.ownNew(nil, w.host)
		return nil
	}
	if w.target.n != nil || w.name == "." {
		return perr("mkdir", p, fs.ErrExist)
	}
	if f.readOnly(w.parent) {
		return perr("mkdir", p, syscall.EROFS)
	}
	if err := f.may(w.parent, mayWrite|mayExec); err != nil {
		return perr("mkdir", p, err)
	}
	now := f.now()
	d := newDir(perm, now)
	f.ownNew(d, nil)
	w.parent.n.children[w.name] = d
	w.parent.n.mtime = now
	return nil
}

// MkdirAll creates p and any missing parents; existing directories are fine.
func (f *FS) MkdirAll(p string, perm fs.FileMode) error {
	defer f.lock(true)()
	return f.mkdirAll(p, perm, false)
}

func (f *FS) mkdirAll(p string, perm fs.FileMode, force bool) error {
	comps := splitPath(p)
	for i := range comps {
		q := "/" + strings.Join(comps[:i+1], "/")
		w, err := f.walk("mkdir", q, true, true)
		if err != nil {
			return perr("mkdir", p, err.(*fs.PathError).Err)
		}
		if w.host != nil {
			if err := f.mayCreate(w); err != nil {
				return perr("mkdir", p, err)
			}
			_, _, _, existed := f.owner(w.target)
			if err := w.host.mkdirOne(p, perm); err != nil {
				return err
			}
			if !existed {
				f.ownNew(nil, w.host)
			}
			continue
		}
		if w.target.n != nil {
			if !w.target.n.isDir() {
				return perr("mkdir", p, syscall.ENOTDIR)
			}
			continue
		}
		if f.readOnly(w.parent) && !force {
			return perr("mkdir", p, syscall.EROFS)
		}
		if err := f.may(w.parent, mayWrite|mayExec); err != nil {
			return perr("mkdir", p, err)
		}
		now := f.now()
		d := newDir(perm, now)
		f.ownNew(d, nil)
		w.parent.n.children[w.name] = d
		w.parent.n.mtime = now
	}
	return nil
}

// Remove removes the file or empty directory p.
func (f *FS) Remove(p string) error {
	defer f.lock(true)()
	return f.remove("remove", p)
}

func (f *FS) remove(op, p string) error {
	w, err := f.walk(op, p, false, true)
	if err != nil {
		return err
	}
	if h := w.host; h != nil {
		switch {
		case h.isRoot():
			return perr(op, p, syscall.EBUSY)
		case h.m.ro:
			return perr(op, p, syscall.EROFS)
		}
		if err := f.mayUnlink(w.parent, w.target); err != nil {
			return perr(op, p, err)
		}
		return h.err(op, p, h.m.host.root.Remove(h.rel))
	}
	t := w.target
	switch {
	case t.n == nil:
		return perr(op, p, fs.ErrNotExist)
	case w.name == ".":
		return perr(op, p, fs.ErrInvalid)
	case f.readOnly(w.parent):
		return perr(op, p, syscall.EROFS)
	}
	// the kernel's order: may_delete's permission checks, then a mount
	// point's EBUSY, then the directory's ENOTEMPTY
	if err := f.mayUnlink(w.parent, t); err != nil {
		return perr(op, p, err)
	}
	switch {
	case isMountRoot(t):
		return perr(op, p, syscall.EBUSY)
	case t.n.isDir() && len(t.n.children) > 0:
		return perr(op, p, syscall.ENOTEMPTY)
	}
	delete(w.parent.n.children, w.name)
	t.n.nlink--
	w.parent.n.mtime = f.now()
	return nil
}

// RemoveAll removes p and everything under it. A missing p is not an error.
func (f *FS) RemoveAll(p string) error {
	defer f.lock(true)()
	return f.removeAll(p)
}

func (f *FS) removeAll(p string) error {
	w, err := f.walk("remove", p, false, true)
	if err != nil {
		if isNotExist(err) {
			return nil
		}
		return err
	}
	if w.host != nil && f.cred == nil {
		return w.host.removeAll(p)
	}
	if w.host != nil {
		// a user's rm -rf: listed and removed one name at a time, each
		// checked
		fi, err := w.host.info("remove", p, w.name, false)
		if err != nil {
			return nil
		}
		if fi.IsDir() {
			if err := f.may(w.target, mayRead|mayExec); err != nil {
				return perr("remove", p, err)
			}
			es, err := w.host.readDir(p)
			if err != nil {
				return err
			}
			for _, e := range es {
				if err := f.removeAll(joinPath(w.target.path, e.Name())); err != nil {
					return err
				}
			}
		}
		return f.remove("remove", w.target.path)
	}
	if w.target.n == nil {
		return nil
	}
	if w.target.n.isDir() {
		if err := f.may(w.target, mayRead|mayExec); err != nil {
			return perr("remove", p, err)
		}
		for _, name := range w.target.n.names() {
			if err := f.removeAll(joinPath(w.target.path, name)); err != nil {
				return err
			}
		}
	}
	return f.remove("remove", w.target.path)
}

func isNotExist(err error) bool {
	pe, ok := err.(*fs.PathError)
	return ok && pe.Err == fs.ErrNotExist
}

// Rename moves oldp to newp, replacing newp when the POSIX rules allow it.
func (f *FS) Rename(oldp, newp string) error {
	defer f.lock(true)()
	o, err := f.walk("rename", oldp, false, true)
	if err != nil {
		return err
	}
	n, err := f.walk("rename", newp, false, true)
	if err != nil {
		return err
	}
	if o.host != nil || n.host != nil {
		switch {
		case !sameHost(o.host, n.host):
			return perr("rename", oldp, syscall.EXDEV)
		case o.host.isRoot() || n.host.isRoot():
			return perr("rename", oldp, syscall.EBUSY)
		case o.host.m.ro:
			return perr("rename", oldp, syscall.EROFS)
		}
		if err := f.mayRename(o, n); err != nil {
			return perr("rename", oldp, err)
		}
		return o.host.err("rename", oldp, o.host.m.host.root.Rename(o.host.rel, n.host.rel))
	}
	src, dst := o.target, n.target
	switch {
	case src.n == nil:
		return perr("rename", oldp, fs.ErrNotExist)
	case o.name == "." || n.name == ".":
		return perr("rename", oldp, syscall.EBUSY)
	case isMountRoot(src) || (dst.n != nil && isMountRoot(dst)):
		return perr("rename", oldp, syscall.EBUSY)
	case o.parent.m != n.parent.m:
		return perr("rename", oldp, syscall.EXDEV)
	case f.readOnly(o.parent) || f.readOnly(n.parent):
		return perr("rename", oldp, syscall.EROFS)
	case src.n == dst.n:
		return nil
	case src.n.isDir() && strings.HasPrefix(dst.path, src.path+"/"):
		return perr("rename", oldp, fs.ErrInvalid)
	}
	if err := f.mayRename(o, n); err != nil {
		return perr("rename", oldp, err)
	}
	if dst.n != nil {
		switch {
		case src.n.isDir() && !dst.n.isDir():
			return perr("rename", newp, syscall.ENOTDIR)
		case !src.n.isDir() && dst.n.isDir():
			return perr("rename", newp, syscall.EISDIR)
		case dst.n.isDir() && len(dst.n.children) > 0:
			return perr("rename", newp, syscall.ENOTEMPTY)
		}
		dst.n.nlink--
	}
	delete(o.parent.n.children, o.name)
	n.parent.n.children[n.name] = src.n
	now := f.now()
	o.parent.n.mtime, n.parent.n.mtime = now, now
	return nil
}

// Symlink creates link as a symbolic link to target.
func (f *FS) Symlink(target, link string) error {
	defer f.lock(true)()
	w, err := f.walk("symlink", link, false, true)
	if err != nil {
		return err
	}
	if w.host != nil {
		if err := w.host.writable("symlink", link); err != nil {
			return err
		}
		if err := f.mayCreate(w); err != nil {
			return perr("symlink", link, err)
		}
		if err := w.host.m.host.root.Symlink(target, w.host.rel); err != nil {
			return w.host.err("symlink", link, err)
		}
		f.ownNew(nil, w.host)
		return nil
	}
	if w.target.n != nil || w.name == "." {
		return perr("symlink", link, fs.ErrExist)
	}
	if f.readOnly(w.parent) {
		return perr("symlink", link, syscall.EROFS)
	}
	if err := f.may(w.parent, mayWrite|mayExec); err != nil {
		return perr("symlink", link, err)
	}
	now := f.now()
	l := &node{mode: fs.ModeSymlink | 0o777, mtime: now, nlink: 1, target: target}
	f.ownNew(l, nil)
	w.parent.n.children[w.name] = l
	w.parent.n.mtime = now
	return nil
}

// Link creates newp as a hard link to the file oldp.
func (f *FS) Link(oldp, newp string) error {
	defer f.lock(true)()
	o, err := f.walk("link", oldp, false, true)
	if err != nil {
		return err
	}
	n, err := f.walk("link", newp, false, true)
	if err != nil {
		return err
	}
	if o.host != nil || n.host != nil {
		switch {
		case !sameHost(o.host, n.host):
			return perr("link", oldp, syscall.EXDEV)
		case n.host.m.ro:
			return perr("link", newp, syscall.EROFS)
		}
		if err := f.mayCreate(n); err != nil {
			return perr("link", newp, err)
		}
		return o.host.err("link", oldp, o.host.m.host.root.Link(o.host.rel, n.host.rel))
	}
	switch {
	case o.target.n == nil:
		return perr("link", oldp, fs.ErrNotExist)
	case o.target.n.isDir():
		return perr("link", oldp, fs.ErrPermission)
	case n.target.n != nil || n.name == ".":
		return perr("link", newp, fs.ErrExist)
	case o.target.m != n.parent.m:
		return perr("link", oldp, syscall.EXDEV)
	case f.readOnly(n.parent):
		return perr("link", newp, syscall.EROFS)
	}
	if err := f.may(n.parent, mayWrite|mayExec); err != nil {
		return perr("link", newp, err)
	}
	o.target.n.nlink++
	n.parent.n.children[n.name] = o.target.n
	n.parent.n.mtime = f.now()
	return nil
}

// Readlink returns the target of the symbolic link p.
func (f *FS) Readlink(p string) (string, error) {
	defer f.lock(false)()
	w, err := f.walk("readlink", p, false, true)
	if err != nil {
		return "", err
	}
	if w.host != nil {
		t, err := w.host.m.host.root.Readlink(w.host.rel)
		return t, w.host.err("readlink", p, err)
	}
	switch {
	case w.target.n == nil:
		return "", perr("readlink", p, fs.ErrNotExist)
	case !w.target.n.isSymlink():
		return "", perr("readlink", p, fs.ErrInvalid)
	}
	return w.target.n.target, nil
}

// modify runs fn on the node at p (following links), or onHost on the
// host's file, if it may be written and check lets the view's user.
func (f *FS) modify(op, p string, check func(loc) error, fn func(*node), onHost func(r *os.Root, rel string) error) error {
	defer f.lock(true)()
	w, err := f.walk(op, p, true, true)
	if err != nil {
		return err
	}
	if err := check(w.target); err != nil {
		return perr(op, p, err)
	}
	if w.host != nil {
		return w.host.modify(op, p, onHost)
	}
	switch {
	case w.target.n == nil:
		return perr(op, p, fs.ErrNotExist)
	case f.readOnly(w.target):
		return perr(op, p, syscall.EROFS)
	}
	fn(w.target.n)
	return nil
}

// Chmod changes the permission bits (and setuid, setgid, sticky) of p.
func (f *FS) Chmod(p string, mode fs.FileMode) error {
	const bits = fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky
	return f.modify("chmod", p, f.mayOwn, func(n *node) { n.mode = n.mode&^bits | mode&bits },
		func(r *os.Root, rel string) error { return r.Chmod(rel, mode&bits) })
}

// Chown changes the owner of p; -1 leaves an id unchanged.
func (f *FS) Chown(p string, uid, gid int) error {
	return f.modify("chown", p, func(l loc) error { return f.mayChown(l, uid, gid) }, func(n *node) {
		if uid >= 0 {
			n.uid = uid
		}
		if gid >= 0 {
			n.gid = gid
		}
	}, func(r *os.Root, rel string) error { return r.Chown(rel, uid, gid) })
}

// Chtimes sets the modification time of p (the access time is not kept).
func (f *FS) Chtimes(p string, atime, mtime time.Time) error {
	return f.modify("chtimes", p, f.mayTouch, func(n *node) { n.mtime = mtime }, chtimes(atime, mtime))
}

// ReadDir returns the entries of directory p sorted by name.
func (f *FS) ReadDir(p string) ([]fs.DirEntry, error) {
	defer f.lock(false)()
	w, err := f.walk("readdirent", p, true, true)
	if err != nil {
		return nil, err
	}
	if err := f.may(w.target, mayRead); err != nil {
		return nil, perr("open", p, err)
	}
	if w.host != nil {
		return w.host.readDir(p)
	}
	d := w.target
	switch {
	case d.n == nil:
		return nil, perr("open", p, fs.ErrNotExist)
	case !d.n.isDir():
		return nil, perr("readdirent", p, syscall.ENOTDIR)
	}
	names := d.n.names()
	out := make([]fs.DirEntry, 0, len(names))
	for _, name := range names {
		child := d.n.children[name]
		m := f.mounts[joinPath(d.path, name)]
		if m != nil && m.host != nil {
			l := &hostLoc{m: m, rel: m.host.name}
			fi, err := l.info("readdirent", p, name, true)
			if err != nil {
				return nil, err
			}
			out = append(out, fs.FileInfoToDirEntry(fi))
			continue
		}
		if m != nil {
			child = m.root
		}
		fi := child.info(name)
		out = append(out, fs.FileInfoToDirEntry(fi))
	}
	if more := f.syntheticEntries(d); len(more) > 0 {
		out = append(out, more...)
		sortEntries(out)
	}
	return out, nil
}

// Walk walks the tree rooted at root like fs.WalkDir: in lexical order,
// without following symbolic links, honouring fs.SkipDir and fs.SkipAll.
// fn runs without the lock held, so it may use the FS.
func (f *FS) Walk(root string, fn fs.WalkDirFunc) error {
	fi, err := f.Lstat(root)
	if err != nil {
		err = fn(root, nil, err)
	} else {
		err = f.walkDir(root, fs.FileInfoToDirEntry(fi), fn)
	}
	if err == fs.SkipDir || err == fs.SkipAll {
		return nil
	}
	return err
}

func (f *FS) walkDir(p string, d fs.DirEntry, fn fs.WalkDirFunc) error {
	if err := fn(p, d, nil); err != nil || !d.IsDir() {
		if err == fs.SkipDir && d.IsDir() {
			err = nil
		}
		return err
	}
	ents, err := f.ReadDir(p)
	if err != nil {
		if err = fn(p, d, err); err != nil {
			if err == fs.SkipDir {
				err = nil
			}
			return err
		}
	}
	for _, e := range ents {
		if err := f.walkDir(path.Join(p, e.Name()), e, fn); err != nil {
			if err == fs.SkipDir {
				break
			}
			return err
		}
	}
	return nil
}

// Mount mounts the whole of src at directory p (created if missing, even
// on a read-only root). See Bind.
func (f *FS) Mount(p string, src *FS, readOnly bool) error {
	return f.Bind(p, src, "/", readOnly)
}

// Bind mounts src's directory dir at p, the way a volume, bind or tmpfs is
// attached to a container; or, when dir is a regular file, that file at
// the file p (made empty if missing, its directory too), the way dockerd
// mounts /etc/hosts. Writes through a read-only mount fail with
// syscall.EROFS. src's own mounts are not visible through the mount. p
// may lie inside a host mount (MountHost): its mount point is then made
// on the host, as runc makes it (EROFS through a read-only one), and the
// mount shadows it.
func (f *FS) Bind(p string, src *FS, dir string, readOnly bool) error {
	defer f.lock(true, src)()
	sw, err := src.walk("mount", dir, true, false)
	if err != nil {
		return err
	}
	if sw.target.n == nil {
		return perr("mount", dir, fs.ErrNotExist)
	}
	file := sw.target.n.isRegular()
	if !sw.target.n.isDir() && !file {
		return perr("mount", dir, syscall.ENOTDIR)
	}
	mountPoint := p
	if file {
		mountPoint = path.Dir(path.Clean("/" + p))
	}
	if err := f.mkdirAll(mountPoint, 0o755, true); err != nil {
		return err
	}
	w, err := f.walk("mount", p, true, true)
	if err != nil {
		return err
	}
	if w.host != nil { // inside a host mount: the mount point is made there
		if err := w.host.mountPoint(p, file); err != nil {
			return err
		}
		f.mounts[w.target.path] = &mount{path: w.target.path, src: src, root: sw.target.n, ro: readOnly}
		f.gen++
		return nil
	}
	if file && w.target.n == nil && w.name != "." {
		w.target.n = &node{mode: 0o644, mtime: f.now(), nlink: 1}
		w.parent.n.children[w.name] = w.target.n
	}
	if file != w.target.n.isRegular() || !file && !w.target.n.isDir() {
		if file {
			return perr("mount", p, syscall.EISDIR)
		}
		return perr("mount", p, syscall.ENOTDIR)
	}
	if w.target.path == "/" {
		return perr("mount", p, syscall.EBUSY)
	}
	f.mounts[w.target.path] = &mount{path: w.target.path, src: src, root: sw.target.n, ro: readOnly}
	f.gen++
	return nil
}

// Unmount removes the mount at p.
func (f *FS) Unmount(p string) error {
	defer f.lock(true)()
	w, err := f.walk("umount", p, true, true)
	if err != nil {
		return err
	}
	if w.host != nil {
		if !w.host.isRoot() {
			return perr("umount", p, fs.ErrInvalid)
		}
		w.host.m.host.root.Close()
		delete(f.mounts, w.host.m.path)
		f.gen++
		return nil
	}
	if w.target.n == nil || !isMountRoot(w.target) {
		return perr("umount", p, fs.ErrInvalid)
	}
	delete(f.mounts, w.target.path)
	f.gen++
	return nil
}

// Clone returns a copy of the root tree (not its mounts), sharing file
// contents copy-on-write. The copy is writable and keeps the clock.
func (f *FS) Clone() *FS {
	f.mu.Lock() // clone marks shared data, a write
	defer f.mu.Unlock()
	c := &FS{tree: &tree{id: rand.Uint64(), mounts: map[string]*mount{}, now: f.now, limit: f.limit}}
	c.root = f.root.clone(map[*node]*node{})
	return c
}
