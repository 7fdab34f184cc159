package memfs

import (
	"io/fs"
	"path"
	"sort"
	"time"
)

// node is one inode: a file, a directory or a symbolic link. Several
// directory entries may point at the same node (hard links).
type node struct {
	mode     fs.FileMode // type bits (fs.ModeDir, fs.ModeSymlink) and permissions
	uid, gid int
	mtime    time.Time
	nlink    int

	data   []byte // file contents
	shared bool   // data is shared with a clone: copy before writing

	target string // symlink target

	children map[string]*node // directory entries

	fifo *fifo // a named pipe's pipe, made at its first open
}

func (n *node) isDir() bool     { return n.mode&fs.ModeDir != 0 }
func (n *node) isSymlink() bool { return n.mode&fs.ModeSymlink != 0 }
func (n *node) isRegular() bool { return n.mode&fs.ModeType == 0 }

func newDir(perm fs.FileMode, now time.Time) *node {
	return &node{mode: fs.ModeDir | perm&fs.ModePerm, mtime: now, nlink: 1, children: map[string]*node{}}
}

// own makes the node's data private before a write.
func (n *node) own() {
	if n.shared {
		n.data = append([]byte(nil), n.data...)
		n.shared = false
	}
}

func (n *node) size() int64 {
	switch {
	case n.isSymlink():
		return int64(len(n.target))
	case n.isDir():
		return 4096
	}
	return int64(len(n.data))
}

// names returns the directory's entry names, sorted.
func (n *node) names() []string {
	out := make([]string, 0, len(n.children))
	for k := range n.children {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// clone deep-copies the tree under n; seen keeps hard links linked.
func (n *node) clone(seen map[*node]*node) *node {
	if c, ok := seen[n]; ok {
		return c
	}
	c := &node{mode: n.mode, uid: n.uid, gid: n.gid, mtime: n.mtime, nlink: n.nlink, target: n.target}
	seen[n] = c
	if n.isRegular() {
		c.data = n.data
		c.shared = true
		n.shared = true
	}
	if n.children != nil {
		c.children = make(map[string]*node, len(n.children))
		for k, v := range n.children {
			c.children[k] = v.clone(seen)
		}
	}
	return c
}

// Stat is the value of FileInfo.Sys for memfs files.
type Stat struct {
	UID, GID int
	Nlink    int
	// Target is the link target of a symbolic link.
	Target string
}

type fileInfo struct {
	name  string
	size  int64
	mode  fs.FileMode
	mtime time.Time
	sys   *Stat
}

func (fi *fileInfo) Name() string       { return fi.name }
func (fi *fileInfo) Size() int64        { return fi.size }
func (fi *fileInfo) Mode() fs.FileMode  { return fi.mode }
func (fi *fileInfo) ModTime() time.Time { return fi.mtime }
func (fi *fileInfo) IsDir() bool        { return fi.mode.IsDir() }
func (fi *fileInfo) Sys() any           { return fi.sys }

func (n *node) info(name string) fs.FileInfo {
	if name == "" {
		name = "/"
	}
	return &fileInfo{
		name:  path.Base(name),
		size:  n.size(),
		mode:  n.mode,
		mtime: n.mtime,
		sys:   &Stat{UID: n.uid, GID: n.gid, Nlink: n.nlink, Target: n.target},
	}
}
