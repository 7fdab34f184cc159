package memfs

import (
	"io/fs"
	"path"
	"slices"
)

// A Synthetic makes the entries of a directory that the FS does not keep,
// the way the kernel's procfs makes /proc/<pid> when it is looked up: see
// FS.SetSynthetic.
//
// Its methods are called with the FS locked: they must not use the FS.
type Synthetic interface {
	// Names lists the entries it has now.
	Names() []string
	// Entry makes the entry name: a new FS whose root is that directory,
	// or nil when there is no such entry. The FS is read only to its
	// readers; its owner and mode are those of its root.
	Entry(name string) *FS
}

// synthetic is a Synthetic installed at a directory of the root tree.
type synthetic struct {
	dir string
	src Synthetic
}

// SetSynthetic makes dir, a directory of f's own tree (not of a mount),
// show beside its own entries those src makes (a name it keeps itself
// hides src's): a lookup of dir/name asks src for it and sees the FS it
// makes mounted there read-only; ReadDir of dir (and so Walk) lists
// src's names too. Diff, Clone and tar streams see only the entries f
// keeps, as an archive of a container never holds /proc's. A nil src removes it.
func (f *FS) SetSynthetic(dir string, src Synthetic) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if src == nil {
		f.synth = nil
		return
	}
	f.synth = &synthetic{dir: path.Clean("/" + dir), src: src}
}

// syntheticAt is the entry c of the directory top when the FS makes it
// there; the caller holds the lock and has found no child c.
func (f *FS) syntheticAt(top loc, c string) (loc, bool) {
	s := f.synth
	if s == nil || top.m != nil || top.host != nil || top.path != s.dir {
		return loc{}, false
	}
	sub := s.src.Entry(c)
	if sub == nil {
		return loc{}, false
	}
	cpath := joinPath(top.path, c)
	m := &mount{path: cpath, src: sub, root: sub.root, ro: true}
	return loc{n: sub.root, path: cpath, m: m}, true
}

// syntheticEntries are the entries the FS makes in the directory d (at
// path dir), beside its own children; the caller holds the lock.
func (f *FS) syntheticEntries(d loc) []fs.DirEntry {
	s := f.synth
	if s == nil || d.m != nil || d.host != nil || d.path != s.dir {
		return nil
	}
	var out []fs.DirEntry
	for _, name := range s.src.Names() {
		if d.n.children[name] != nil {
			continue
		}
		if sub := s.src.Entry(name); sub != nil {
			out = append(out, fs.FileInfoToDirEntry(sub.root.info(name)))
		}
	}
	return out
}

// sortEntries sorts directory entries by name.
func sortEntries(es []fs.DirEntry) {
	slices.SortFunc(es, func(a, b fs.DirEntry) int {
		switch {
		case a.Name() < b.Name():
			return -1
		case a.Name() > b.Name():
			return 1
		}
		return 0
	})
}
