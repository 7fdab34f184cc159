package memfs

import (
	"bytes"
	"slices"
)

// ChangeKind is the kind of a Change, numbered as the Engine API numbers
// them in GET /containers/{id}/changes.
type ChangeKind int

// The kinds of change.
const (
	Modified ChangeKind = 0
	Added    ChangeKind = 1
	Deleted  ChangeKind = 2
)

// String returns the letter `docker diff` prints: C, A or D.
func (k ChangeKind) String() string {
	switch k {
	case Modified:
		return "C"
	case Added:
		return "A"
	case Deleted:
		return "D"
	}
	return "?"
}

// Change is one changed path.
type Change struct {
	Path string
	Kind ChangeKind
}

// String formats c as `docker diff` does: "A /x".
func (c Change) String() string { return c.Kind.String() + " " + c.Path }

// Diff lists the changes that turn base's root tree into current's (mounts
// are not part of either), in the order dockerd reports them: a depth-first
// walk in lexical order. As in dockerd, an added directory lists all it
// holds as added, a deleted one is listed alone, and a directory (other than
// "/") that holds a change is itself listed as modified. A directory's own
// modification time does not count as a change.
func Diff(base, current *FS) []Change {
	return DiffSkip(base, current, nil)
}

// DiffSkip is Diff without the paths skip reports (and what they hold):
// they are not listed, and a change in them does not make the directory
// that holds them modified. skip may be nil.
func DiffSkip(base, current *FS, skip func(path string) bool) []Change {
	defer current.lock(false, base)()
	return diffLocked(base, current, skip)
}

func diffLocked(base, current *FS, skip func(string) bool) []Change {
	var out []Change
	diffDir("/", base.root, current.root, skip, &out)
	return out
}

func diffDir(dir string, old, cur *node, skip func(string) bool, out *[]Change) {
	names := cur.names()
	for _, name := range old.names() {
		if _, ok := cur.children[name]; !ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		p := joinPath(dir, name)
		if skip != nil && skip(p) {
			continue
		}
		o, n := old.children[name], cur.children[name]
		switch {
		case n == nil:
			*out = append(*out, Change{p, Deleted})
		case o == nil:
			addAll(p, n, out)
		default:
			mark := len(*out)
			changed := nodeChanged(o, n)
			if changed {
				*out = append(*out, Change{p, Modified})
			}
			if !o.isDir() && n.isDir() {
				// a file became a directory: all it holds is new
				for _, name := range n.names() {
					addAll(joinPath(p, name), n.children[name], out)
				}
			}
			if o.isDir() && n.isDir() {
				diffDir(p, o, n, skip, out)
				if !changed && len(*out) > mark {
					*out = append(*out, Change{})
					copy((*out)[mark+1:], (*out)[mark:])
					(*out)[mark] = Change{p, Modified}
				}
			}
		}
	}
}

func addAll(p string, n *node, out *[]Change) {
	*out = append(*out, Change{p, Added})
	if n.isDir() {
		for _, name := range n.names() {
			addAll(joinPath(p, name), n.children[name], out)
		}
	}
}

func nodeChanged(o, n *node) bool {
	if o == n {
		return false
	}
	if o.mode != n.mode || o.uid != n.uid || o.gid != n.gid {
		return true
	}
	switch {
	case n.isSymlink():
		return o.target != n.target
	case n.isDir():
		return false
	}
	return !o.mtime.Equal(n.mtime) || !bytes.Equal(o.data, n.data)
}
