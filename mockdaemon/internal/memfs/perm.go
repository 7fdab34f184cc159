package memfs

import (
	"io/fs"
	"os"
	"slices"
	"syscall"
)

// Cred is the user a view of an FS acts as (see As).
type Cred struct {
	UID  int
	GIDs []int // the primary group first, then the supplementary ones
}

// As returns a view of f's tree (mounts, contents, everything but the
// checks) that does what it is asked as the user cred, with the kernel's
// discretionary access checks, in the tree and on host mounts alike:
// searching a directory needs x on it, listing it r, reading a file r and
// writing it w; making, removing or renaming a name needs w on its
// directory, and in a sticky directory (/tmp) removing or renaming one
// needs to own it or the directory; chmod and utimes to a given time need
// the owner, chown root. A failed check is fs.ErrPermission ("Permission
// denied"), or syscall.EPERM where the kernel says "Operation not
// permitted". What the view creates is owned by the user and its primary
// group. Root (UID 0, which in a container has CAP_DAC_OVERRIDE) is not
// checked: As returns f for it.
func (f *FS) As(cred Cred) *FS {
	if cred.UID == 0 {
		return f
	}
	c := cred
	c.GIDs = slices.Clone(cred.GIDs)
	if len(c.GIDs) == 0 {
		c.GIDs = []int{c.UID}
	}
	return &FS{tree: f.tree, cred: &c}
}

// Access bits, as access(2) takes them.
const (
	mayRead  = 4
	mayWrite = 2
	mayExec  = 1
)

// owner is the mode and owner of the place l (following a final link on
// the host); ok is false when it cannot be read.
func (f *FS) owner(l loc) (mode fs.FileMode, uid, gid int, ok bool) {
	if l.host != nil {
		fi, err := l.host.m.host.root.Stat(l.host.rel)
		if err != nil {
			return 0, 0, 0, false
		}
		st, _ := fi.Sys().(*syscall.Stat_t)
		if st == nil {
			return fi.Mode(), 0, 0, true
		}
		return fi.Mode(), int(st.Uid), int(st.Gid), true
	}
	if l.n == nil {
		return 0, 0, 0, false
	}
	return l.n.mode, l.n.uid, l.n.gid, true
}

// may checks that the view's user has the access bits want on l.
func (f *FS) may(l loc, want fs.FileMode) error {
	if f.cred == nil {
		return nil
	}
	mode, uid, gid, ok := f.owner(l)
	if !ok {
		return nil // the operation reports what is wrong
	}
	perm := mode.Perm()
	switch {
	case f.cred.UID == uid:
		perm >>= 6
	case slices.Contains(f.cred.GIDs, gid):
		perm >>= 3
	}
	if perm&want != want {
		return fs.ErrPermission
	}
	return nil
}

// mayUnlink checks that the view's user may remove (or rename away) the
// name whose directory is dir and whose file is target: w and x on the
// directory, and in a sticky one, owning the file or the directory.
func (f *FS) mayUnlink(dir, target loc) error {
	if f.cred == nil {
		return nil
	}
	if err := f.may(dir, mayWrite|mayExec); err != nil {
		return err
	}
	dmode, duid, _, ok := f.owner(dir)
	if !ok || dmode&fs.ModeSticky == 0 || duid == f.cred.UID {
		return nil
	}
	if _, tuid, _, ok := f.owner(target); ok && tuid != f.cred.UID {
		return syscall.EPERM
	}
	return nil
}

// mayOwn checks that the view's user owns l (chmod, utimes to a time).
func (f *FS) mayOwn(l loc) error {
	if f.cred == nil {
		return nil
	}
	if _, uid, _, ok := f.owner(l); ok && uid != f.cred.UID {
		return syscall.EPERM
	}
	return nil
}

// openAccess is the access an open with flag needs on the file.
func openAccess(flag int) fs.FileMode {
	var want fs.FileMode
	switch flag & (os.O_RDONLY | os.O_WRONLY | os.O_RDWR) {
	case os.O_RDONLY:
		want = mayRead
	case os.O_WRONLY:
		want = mayWrite
	default:
		want = mayRead | mayWrite
	}
	if flag&os.O_TRUNC != 0 {
		want |= mayWrite
	}
	return want
}

// own makes what the view created (n in the tree, or rel on the host)
// its user's.
func (f *FS) ownNew(n *node, h *hostLoc) {
	if f.cred == nil {
		return
	}
	if n != nil {
		n.uid, n.gid = f.cred.UID, f.cred.GIDs[0]
	}
	if h != nil {
		_ = h.m.host.root.Lchown(h.rel, f.cred.UID, f.cred.GIDs[0])
	}
}

// mayCreate checks that the view's user may make the name w ends in:
// w and x on its directory, unless it exists (the operation then
// reports that).
func (f *FS) mayCreate(w walked) error {
	if f.cred == nil {
		return nil
	}
	if _, _, _, exists := f.owner(w.target); exists {
		return nil
	}
	return f.may(w.parent, mayWrite|mayExec)
}

// mayRename checks that the view's user may move the name o to n.
func (f *FS) mayRename(o, n walked) error {
	if f.cred == nil {
		return nil
	}
	if err := f.mayUnlink(o.parent, o.target); err != nil {
		return err
	}
	if _, _, _, exists := f.owner(n.target); exists {
		return f.mayUnlink(n.parent, n.target)
	}
	return f.may(n.parent, mayWrite|mayExec)
}

// mayChown checks a chown of l to uid:gid (-1 unchanged): only root
// gives a file away; its owner may change its group to one of theirs.
func (f *FS) mayChown(l loc, uid, gid int) error {
	if f.cred == nil {
		return nil
	}
	_, ouid, ogid, ok := f.owner(l)
	switch {
	case !ok:
		return nil
	case ouid != f.cred.UID || (uid >= 0 && uid != ouid):
		return syscall.EPERM
	case gid >= 0 && gid != ogid && !slices.Contains(f.cred.GIDs, gid):
		return syscall.EPERM
	}
	return nil
}

// mayTouch checks utimes on l: its owner, or (touch sets the current
// time) one who may write it.
func (f *FS) mayTouch(l loc) error {
	if f.mayOwn(l) == nil {
		return nil
	}
	return f.may(l, mayWrite)
}

// mayOpen checks an open of w with flag: the file's own access, or to
// make it, its directory's; created reports that it does not exist yet.
func (f *FS) mayOpen(w walked, flag int) (created bool, err error) {
	if f.cred == nil {
		return false, nil
	}
	if _, _, _, exists := f.owner(w.target); exists {
		return false, f.may(w.target, openAccess(flag))
	}
	if flag&os.O_CREATE == 0 {
		return false, nil
	}
	return true, f.may(w.parent, mayWrite|mayExec)
}

// Access checks, as access(2) does, that the view's user may read (4),
// write (2) and/or search or execute (1) the file at p, following
// links; 0 checks only that it can be reached. On an FS that is no
// user's view only the lookup is checked.
func (f *FS) Access(p string, mode uint32) error {
	defer f.lock(false)()
	w, err := f.walk("access", p, true, true)
	if err != nil {
		return err
	}
	if _, _, _, ok := f.owner(w.target); !ok {
		return perr("access", p, fs.ErrNotExist)
	}
	if err := f.may(w.target, fs.FileMode(mode&7)); err != nil {
		return perr("access", p, err)
	}
	return nil
}

// Lchmod sets the permission bits of p itself, a symbolic link too (as
// procfs shows an open file's access in the mode of its /proc/<pid>/fd
// link); the view's user must own it.
func (f *FS) Lchmod(p string, perm fs.FileMode) error {
	defer f.lock(true)()
	w, err := f.walk("lchmod", p, false, true)
	if err != nil {
		return err
	}
	switch {
	case w.host != nil:
		return perr("lchmod", p, syscall.EOPNOTSUPP)
	case w.target.n == nil:
		return perr("lchmod", p, fs.ErrNotExist)
	case f.readOnly(w.target):
		return perr("lchmod", p, syscall.EROFS)
	}
	if err := f.mayOwn(w.target); err != nil {
		return perr("lchmod", p, err)
	}
	n := w.target.n
	n.mode = n.mode&^fs.ModePerm | perm&fs.ModePerm
	return nil
}
