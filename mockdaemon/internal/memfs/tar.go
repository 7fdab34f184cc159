package memfs

import (
	"archive/tar"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/user"
	"path"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// entry is one node captured for a tar stream.
type entry struct {
	name string
	id   *node // identity, for hard links; not read unlocked
	n    node  // a copy of the metadata and (shared) contents
	// a host file's contents, read when the stream is written
	host *hostLoc
	size int64
}

// WriteTar writes p (not following a final symbolic link) to w as a tar
// stream whose root is p's base name, as GET /containers/{id}/archive does:
// archiving /etc yields "etc/", "etc/passwd"... Mounts under p are included.
// Names that are hard links to an earlier entry are written as links.
func (f *FS) WriteTar(w io.Writer, p string) error {
	return f.WriteTarAs(w, p, "")
}

// WriteTarAs is WriteTar with the stream's root named root instead of p's
// base name (when root is not empty): "." for a path that names a
// directory's content ("dir/."), whose entries then read "./", "./f"...;
// "/" for the root, whose entries read "/", "/f"...
func (f *FS) WriteTarAs(w io.Writer, p, root string) error {
	ents, err := f.collect(p, root)
	if err != nil {
		return err
	}
	return writeEntries(w, ents)
}

// Snapshot writes the whole root tree (without mounts) to w as a tar
// stream with names relative to "/", the shape of GET
// /containers/{id}/export and of a committed layer.
func (f *FS) Snapshot(w io.Writer) error {
	unlock := f.lock(true)
	var ents []entry
	for _, name := range f.root.names() {
		gather(name, f.root.children[name], nil, "", &ents)
	}
	unlock()
	return writeEntries(w, ents)
}

// collect captures the entries under p, marking file contents shared so
// that later writes copy them and the stream can be written unlocked.
func (f *FS) collect(p, root string) ([]entry, error) {
	defer f.lock(true)()
	w, err := f.walk("archive", p, false, true)
	if err != nil {
		return nil, err
	}
	if w.host != nil {
		var ents []entry
		if _, err := w.host.m.host.root.Lstat(w.host.rel); err != nil {
			return nil, w.host.err("archive", p, err)
		}
		gatherHost(cmp.Or(root, path.Base(path.Clean("/"+p))), w.host, &ents)
		return ents, nil
	}
	if w.target.n == nil {
		return nil, perr("archive", p, fs.ErrNotExist)
	}
	base := path.Base(w.target.path)
	if w.target.path == "/" {
		base = ""
	}
	base = cmp.Or(root, base)
	var ents []entry
	gather(base, w.target.n, f, w.target.path, &ents)
	return ents, nil
}

// gather appends n and its subtree; with f set, mounts under nsPath apply.
func gather(name string, n *node, f *FS, nsPath string, out *[]entry) {
	if n.isRegular() {
		n.shared = true
	}
	if name != "" {
		*out = append(*out, entry{name: name, id: n, n: node{
			mode: n.mode, uid: n.uid, gid: n.gid, mtime: n.mtime, data: n.data, target: n.target,
		}})
	}
	if !n.isDir() {
		return
	}
	for _, c := range n.names() {
		child := n.children[c]
		cp := joinPath(nsPath, c)
		cname := c
		if name != "" {
			cname = strings.TrimSuffix(name, "/") + "/" + c // the root "/" gives "/c"
		}
		if f != nil {
			if m := f.mounts[cp]; m != nil && m.host != nil {
				gatherHost(cname, &hostLoc{m: m, rel: m.host.name}, out)
				continue
			} else if m != nil {
				child = m.root
			}
		}
		gather(cname, child, f, cp, out)
	}
}

func writeEntries(w io.Writer, ents []entry) error {
	tw := tar.NewWriter(w)
	first := map[*node]string{}
	for _, e := range ents {
		n := &e.n
		hdr := &tar.Header{
			Name:    e.name,
			Mode:    int64(UnixMode(n.mode)),
			Uid:     n.uid,
			Gid:     n.gid,
			Uname:   hostUserName(n.uid),
			Gname:   hostGroupName(n.gid),
			ModTime: n.mtime,
		}
		switch {
		case n.isDir():
			hdr.Typeflag = tar.TypeDir
			if !strings.HasSuffix(hdr.Name, "/") {
				hdr.Name += "/"
			}
		case n.isSymlink():
			hdr.Typeflag = tar.TypeSymlink
			hdr.Linkname = n.target
		case n.mode&fs.ModeNamedPipe != 0:
			hdr.Typeflag = tar.TypeFifo
		case e.host != nil:
			hdr.Typeflag = tar.TypeReg
			hdr.Size = e.size
		default:
			if prev, ok := first[e.id]; ok {
				hdr.Typeflag = tar.TypeLink
				hdr.Linkname = prev
				break
			}
			first[e.id] = e.name
			hdr.Typeflag = tar.TypeReg
			hdr.Size = int64(len(n.data))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("memfs: write tar: %w", err)
		}
		if hdr.Typeflag == tar.TypeReg && e.host != nil {
			if err := e.host.copyTo(tw, e.size); err != nil {
				return fmt.Errorf("memfs: write tar: %w", err)
			}
		} else if hdr.Typeflag == tar.TypeReg {
			if _, err := tw.Write(n.data); err != nil {
				return fmt.Errorf("memfs: write tar: %w", err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("memfs: write tar: %w", err)
	}
	return nil
}

func tarMode(m fs.FileMode) int64 {
	v := int64(m.Perm())
	if m&fs.ModeSetuid != 0 {
		v |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		v |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		v |= 0o1000
	}
	return v
}

// UnixMode is m as a Unix st_mode: the permission and special bits
// with the file type's S_IF* bits (0100644 for a regular file, 040755 for
// a directory). stat prints it; archive/tar's FileInfoHeader writes it as
// a header's mode, and so do dockerd's archives (readers take the
// permission bits alone: fileMode).
func UnixMode(m fs.FileMode) uint32 {
	v := uint32(tarMode(m))
	switch {
	case m.IsDir():
		v |= 0o40000
	case m&fs.ModeSymlink != 0:
		v |= 0o120000
	case m&fs.ModeNamedPipe != 0:
		v |= 0o10000
	case m&fs.ModeSocket != 0:
		v |= 0o140000
	case m&fs.ModeCharDevice != 0:
		v |= 0o20000
	case m&fs.ModeDevice != 0:
		v |= 0o60000
	default:
		v |= 0o100000
	}
	return v
}

// hostUserName and hostGroupName name an owner as archive/tar's
// FileInfoHeader names it in dockerd's archives: from the user database
// of the machine the daemon runs on ("root" for 0; "" for an id it does
// not have), looked up once per id.
func hostUserName(uid int) string {
	return ownerName(&userNames, uid, func(id string) (string, error) {
		u, err := user.LookupId(id)
		if err != nil {
			return "", err
		}
		return u.Username, nil
	})
}

func hostGroupName(gid int) string {
	return ownerName(&groupNames, gid, func(id string) (string, error) {
		g, err := user.LookupGroupId(id)
		if err != nil {
			return "", err
		}
		return g.Name, nil
	})
}

var userNames, groupNames sync.Map // int -> string

func ownerName(cache *sync.Map, id int, lookup func(string) (string, error)) string {
	if v, ok := cache.Load(id); ok {
		return v.(string)
	}
	name, err := lookup(strconv.Itoa(id))
	if err != nil {
		name = ""
	}
	cache.Store(id, name)
	return name
}

func fileMode(v int64) fs.FileMode {
	m := fs.FileMode(v) & fs.ModePerm
	if v&0o4000 != 0 {
		m |= fs.ModeSetuid
	}
	if v&0o2000 != 0 {
		m |= fs.ModeSetgid
	}
	if v&0o1000 != 0 {
		m |= fs.ModeSticky
	}
	return m
}

// ExtractTar unpacks the tar stream r into the directory dst, as PUT
// /containers/{id}/archive does, with dockerd's unpacker chrooted to the
// container's root: entry names are cleaned and joined to dst (resolved),
// and an entry that leads out of it, by its name or a link's target,
// fails with a BreakoutError; then each entry's path resolves from the
// root of the FS, following the symbolic links on its way (in the FS or
// extracted earlier; absolute ones from the root, ".." stopping there),
// so nothing lands outside the FS. Links are stored as links. With
// noOverwriteDirNonDir, replacing a directory by a non-directory or the
// reverse fails (syscall.EISDIR / syscall.ENOTDIR) instead of replacing
// it. Device and fifo entries are skipped.
func (f *FS) ExtractTar(r io.Reader, dst string, noOverwriteDirNonDir bool) error {
	return f.extract(r, nil, dst, noOverwriteDirNonDir, false)
}

// Whiteout names in image layers.
const (
	whiteoutPrefix = ".wh."
	whiteoutOpaque = ".wh..wh..opq"
)

// ExtractLayer applies an image layer to the root tree: ExtractTar(r, "/",
// false) plus whiteouts: an entry ".wh.NAME" removes NAME, and
// ".wh..wh..opq" empties its directory of what earlier layers put there.
func (f *FS) ExtractLayer(r io.Reader) error {
	return f.extract(r, nil, "/", false, true)
}

// ExtractLayerBytes is ExtractLayer of a layer held in memory: the files
// it makes share their contents with layer (copied on their first write)
// instead of holding a copy, so layer must not change afterwards.
func (f *FS) ExtractLayerBytes(layer Tar) error {
	return f.extract(nil, &pieceReader{pieces: layer.pieces}, "/", false, true)
}

// WriteLayer writes the changes from base to current (see Diff) as an
// image layer: added and modified entries as themselves, deleted ones as
// ".wh." whiteouts; the shape of a committed container's layer.
func WriteLayer(w io.Writer, base, current *FS) error {
	unlock := current.lock(true, base)
	ents := layerEntries(current, diffLocked(base, current, nil))
	unlock()
	return writeEntries(w, ents)
}

// WriteChanges is WriteLayer for a list of changes of current that Diff
// gave (and the caller may have filtered): a committed container's layer
// leaves out what the daemon mounts in it.
func WriteChanges(w io.Writer, current *FS, changes []Change) error {
	unlock := current.lock(true)
	ents := layerEntries(current, changes)
	unlock()
	return writeEntries(w, ents)
}

// ChangesLayer is the layer WriteChanges writes, in one slice of its
// length: the entries are captured once, measured, then written into
// it, so no buffer grows (and is copied) on the way.
func ChangesLayer(current *FS, changes []Change) ([]byte, error) {
	unlock := current.lock(true)
	ents := layerEntries(current, changes)
	unlock()
	var n countWriter
	if err := writeEntries(&n, ents); err != nil {
		return nil, err
	}
	buf := bytes.NewBuffer(make([]byte, 0, int(n)))
	if err := writeEntries(buf, ents); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// countWriter counts the bytes written to it.
type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}

// ReadTar reads the tar stream r to its end into memory, failing with
// ErrTooLarge past max. size is the length r announces (ReadSized reads
// it into one slice), -1 if unknown: then the stream's own headers size
// the pieces it is read into as they arrive, so that each file's data
// lands in one piece, read straight into room made for it (a large
// file's once an eighth of it has arrived, as ReadSized trusts a size);
// nothing is copied again as it grows, the Tar is the one copy. What
// follows the archive, or a stream that is no tar, is kept as it comes.
func ReadTar(r io.Reader, size, max int64) (Tar, error) {
	if size > max {
		return Tar{}, ErrTooLarge
	}
	if size >= 0 {
		b, err := ReadSized(r, size)
		return TarOf(b), err
	}
	a := &appender{r: r, max: max}
	tr := tar.NewReader(a)
	for {
		hdr, err := tr.Next()
		if err != nil {
			break // the end, or no tar: the rest is read as it comes
		}
		if hdr.Size > trustedSize {
			if !a.holdEighth(tr, hdr.Size) {
				break
			}
		} else {
			a.reserve(hdr.Size + 2*blockSize) // with its padding and a header
		}
		if _, err := io.Copy(io.Discard, tr); err != nil {
			break
		}
	}
	_, _ = io.Copy(io.Discard, a)
	if a.err != nil {
		return Tar{}, a.err
	}
	return a.finish(), nil
}

const blockSize = 512

// Pieces of a Tar that ReadTar reads: the first is small, each next one
// twice the last, up to maxPiece (a file's data may need a larger one).
const (
	firstPiece = 64 << 10
	maxPiece   = 4 << 20
)

// appender keeps what is read through it, in pieces.
type appender struct {
	r      io.Reader
	pieces [][]byte
	cur    []byte // the piece being filled
	n, max int64
	hold   bool  // what is read is not kept (the caller keeps it)
	err    error // the first error but io.EOF
}

func (a *appender) Read(p []byte) (int, error) {
	if a.err != nil {
		return 0, a.err
	}
	n, err := a.r.Read(p)
	if a.n+int64(n) > a.max {
		a.err = ErrTooLarge
		return 0, a.err
	}
	a.n += int64(n)
	if !a.hold {
		a.put(p[:n])
	}
	if err != nil && err != io.EOF {
		a.err = err
	}
	return n, err
}

// put keeps b, in the current piece while it has room.
func (a *appender) put(b []byte) {
	for len(b) > 0 {
		if len(a.cur) == cap(a.cur) {
			a.next(0)
		}
		k := copy(a.cur[len(a.cur):cap(a.cur)], b)
		a.cur = a.cur[:len(a.cur)+k]
		b = b[k:]
	}
}

// reserve makes the next n bytes (at most up to max) go into one piece.
func (a *appender) reserve(n int64) {
	n = min(n, a.max-a.n+2*blockSize)
	if int64(cap(a.cur)-len(a.cur)) < n {
		a.next(n)
	}
}

// next starts a new piece of at least n bytes.
func (a *appender) next(n int64) {
	size := int64(firstPiece)
	if len(a.pieces) > 0 || a.cur != nil {
		size = min(int64(cap(a.cur))*2, maxPiece)
	}
	if len(a.cur) > 0 {
		a.pieces = append(a.pieces, a.cur)
	}
	a.cur = make([]byte, 0, max(size, n))
}

// holdEighth reads the first eighth of a large file's data before it
// reserves room for the file, so that a forged size costs at most eight
// times what was sent; the eighth is then kept in that room.
func (a *appender) holdEighth(tr io.Reader, size int64) bool {
	a.hold = true
	var head [][]byte
	var err error
	for n := int64(0); n < size/8 && err == nil; n += readPiece {
		p := make([]byte, readPiece)
		var k int
		k, err = io.ReadFull(tr, p)
		head = append(head, p[:k])
	}
	a.hold = false
	if err == nil {
		a.reserve(size + 2*blockSize)
	}
	for _, p := range head {
		a.put(p)
	}
	return err == nil
}

// finish is the Tar read, its last piece trimmed when mostly empty.
func (a *appender) finish() Tar {
	if len(a.cur) > 0 {
		if cap(a.cur)-len(a.cur) > len(a.cur)/8 {
			a.cur = bytes.Clone(a.cur)
		}
		a.pieces = append(a.pieces, a.cur)
	}
	return Tar{a.pieces}
}

// Tar is a tar stream held in memory, in pieces as ReadTar reads it, so
// that no piece is copied into a larger one as the stream grows: each
// regular file's data lies within one piece, where ExtractLayerBytes
// leaves it. The zero Tar is empty.
type Tar struct{ pieces [][]byte }

// TarOf is the Tar held in b.
func TarOf(b []byte) Tar {
	if len(b) == 0 {
		return Tar{}
	}
	return Tar{[][]byte{b}}
}

// Len is the stream's length.
func (t Tar) Len() int64 {
	var n int64
	for _, p := range t.pieces {
		n += int64(len(p))
	}
	return n
}

// Reader reads the stream.
func (t Tar) Reader() io.Reader { return &pieceReader{pieces: t.pieces} }

// WriteTo writes the stream to w.
func (t Tar) WriteTo(w io.Writer) (int64, error) {
	var n int64
	for _, p := range t.pieces {
		k, err := w.Write(p)
		n += int64(k)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Bytes is the stream in one slice: its piece when it has one, else a
// copy (for small files, such as an image's config).
func (t Tar) Bytes() []byte {
	if len(t.pieces) == 1 {
		return t.pieces[0]
	}
	b := make([]byte, 0, t.Len())
	for _, p := range t.pieces {
		b = append(b, p...)
	}
	return b
}

// pieceReader reads a Tar's pieces in turn.
type pieceReader struct {
	pieces [][]byte
	i, off int
}

func (r *pieceReader) Read(p []byte) (int, error) {
	for r.i < len(r.pieces) && r.off == len(r.pieces[r.i]) {
		r.i, r.off = r.i+1, 0
	}
	if r.i == len(r.pieces) {
		return 0, io.EOF
	}
	n := copy(p, r.pieces[r.i][r.off:])
	r.off += n
	return n, nil
}

// ahead is the next n bytes, where their piece holds them, when one
// piece holds them all.
func (r *pieceReader) ahead(n int64) ([]byte, bool) {
	i, off := r.i, r.off
	for i < len(r.pieces) && off == len(r.pieces[i]) && n > 0 {
		i, off = i+1, 0
	}
	if n == 0 {
		return []byte{}, true
	}
	if i == len(r.pieces) {
		return nil, false
	}
	if int64(len(r.pieces[i])-off) < n {
		return nil, false
	}
	end := off + int(n)
	return r.pieces[i][off:end:end], true
}

// ErrTooLarge is ReadTar's error for a stream longer than its bound.
var ErrTooLarge = errors.New("memfs: stream too large")

// layerEntries captures the entries of a layer; current is locked.
func layerEntries(current *FS, changes []Change) []entry {
	var ents []entry
	for _, c := range changes {
		name := strings.TrimPrefix(c.Path, "/")
		if c.Kind == Deleted {
			dir, file := path.Split(name)
			ents = append(ents, entry{name: dir + whiteoutPrefix + file, id: &node{}, n: node{mtime: current.now()}})
			continue
		}
		wk, err := current.walk("layer", c.Path, false, false)
		if err != nil || wk.target.n == nil {
			continue
		}
		n := wk.target.n
		if n.isRegular() {
			n.shared = true
		}
		ents = append(ents, entry{name: name, id: n, n: node{
			mode: n.mode, uid: n.uid, gid: n.gid, mtime: n.mtime, data: n.data, target: n.target,
		}})
	}
	return ents
}

// extract unpacks the tar stream r, or the tar held in src whose file
// contents the files then share.
func (f *FS) extract(r io.Reader, src *pieceReader, dst string, noOverwriteDirNonDir, layer bool) error {
	if src != nil {
		r = src
	}
	tr := tar.NewReader(r)
	seen := map[string]bool{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("memfs: read tar: %w", err)
		}
		var data []byte
		shared := false
		if hdr.Typeflag == tar.TypeReg || hdr.Typeflag == tar.TypeRegA {
			if hdr.Size > maxFileSize || f.limit > 0 && hdr.Size > f.limit {
				return perr("extract", hdr.Name, syscall.EFBIG)
			}
			if src != nil {
				data, shared = inPlace(src, hdr)
			}
			if !shared {
				if data, err = readEntry(tr, hdr); err != nil {
					return err
				}
			}
		}
		clean := path.Clean("/" + hdr.Name)
		if layer {
			dir, base := path.Split(clean)
			switch {
			case base == whiteoutOpaque:
				if err := f.opaque(dir, seen); err != nil {
					return err
				}
				continue
			case strings.HasPrefix(base, whiteoutPrefix):
				if err := f.RemoveAll(path.Join(dir, base[len(whiteoutPrefix):])); err != nil {
					return err
				}
				continue
			}
		}
		seen[clean] = true
		if err := f.extractOne(dst, hdr, data, shared, noOverwriteDirNonDir); err != nil {
			return err
		}
	}
}

// inPlace is the data of the entry tr has just read the header of, as
// the part of src that holds it: the tar reader stops at the first byte
// of an entry's data. Not for sparse entries, whose data is laid out
// otherwise, nor an entry cut short or split between pieces.
func inPlace(src *pieceReader, hdr *tar.Header) ([]byte, bool) {
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return nil, false
		}
	}
	return src.ahead(hdr.Size)
}

// readEntry reads the data of a regular file entry: ReadSized.
func readEntry(tr *tar.Reader, hdr *tar.Header) ([]byte, error) {
	data, err := ReadSized(tr, hdr.Size)
	if err != nil {
		return nil, fmt.Errorf("memfs: read tar: %w", noEOF(err))
	}
	return data, nil
}

// trustedSize is the largest size a header may reserve before its data
// arrives; beyond it, a size is reserved once an eighth of it came, read
// in pieces of readPiece.
const (
	trustedSize = 16 << 20
	readPiece   = 1 << 20
)

// ReadSized reads exactly size bytes of r into a slice of that size, the
// one a file keeps. Sizes up to 16 MiB are allocated at once. A larger
// size, which a forged header could claim, is reserved only once an
// eighth of it has arrived (read in 1 MiB pieces, then copied once), so
// a claim costs at most eight times the bytes sent, and a real file at
// most an eighth more than its size. A short r gives io.ErrUnexpectedEOF.
func ReadSized(r io.Reader, size int64) ([]byte, error) {
	var pieces [][]byte
	var n int64
	for size > trustedSize && n < size/8 {
		p := make([]byte, readPiece)
		if _, err := io.ReadFull(r, p); err != nil {
			return nil, noEOF(err)
		}
		pieces = append(pieces, p)
		n += readPiece
	}
	data := make([]byte, size)
	at := 0
	for _, p := range pieces {
		at += copy(data[at:], p)
	}
	pieces = nil
	if _, err := io.ReadFull(r, data[at:]); err != nil {
		return nil, noEOF(err)
	}
	return data, nil
}

// noEOF turns a stream's end inside an entry into io.ErrUnexpectedEOF.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func (f *FS) extractOne(dst string, hdr *tar.Header, data []byte, shared, noOverwrite bool) error {
	defer f.lock(true)()
	dw, err := f.walk("extract", dst, true, true)
	if err != nil {
		return err
	}
	switch {
	case dw.host != nil:
		if fi, err := dw.host.m.host.root.Stat(dw.host.rel); err != nil {
			return dw.host.err("extract", dst, err)
		} else if !fi.IsDir() {
			return perr("extract", dst, syscall.ENOTDIR)
		}
	case dw.target.n == nil:
		return perr("extract", dst, fs.ErrNotExist)
	case !dw.target.n.isDir():
		return perr("extract", dst, syscall.ENOTDIR)
	}
	dir := dw.target.path // dst resolved, as dockerd's ResolvePath gives it
	name, link, err := entryPaths(dir, hdr)
	if err != nil || name == dir {
		return err // name == dir: the "./" entry, dst itself
	}
	comps := splitPath(name)
	for i := range len(comps) - 1 {
		w, err := f.walk("extract", "/"+strings.Join(comps[:i+1], "/"), true, true)
		if err != nil {
			return err
		}
		if w.host != nil { // a directory on the host, made if missing
			if err := w.host.mkdirOne(name, 0o755); err != nil {
				return err
			}
			continue
		}
		switch {
		case w.target.n == nil:
			if f.readOnly(w.parent) {
				return perr("extract", name, syscall.EROFS)
			}
			w.parent.n.children[w.name] = newDir(0o755, hdr.ModTime)
		case !w.target.n.isDir():
			return perr("extract", name, syscall.ENOTDIR)
		}
	}
	w, err := f.walk("extract", name, false, true)
	if err != nil {
		return err
	}
	if w.host != nil {
		return f.extractHost(w.host, hdr, data, noOverwrite, dst, name, link)
	}
	if f.readOnly(w.parent) {
		return perr("extract", name, syscall.EROFS)
	}
	old := w.target.n
	isDir := hdr.Typeflag == tar.TypeDir
	if old != nil {
		switch {
		case isMountRoot(w.target):
			if isDir {
				return nil
			}
			return perr("extract", name, syscall.EBUSY)
		case noOverwrite && old.isDir() && !isDir:
			return &OverwriteError{Path: name, Dst: dst, Dir: true}
		case noOverwrite && !old.isDir() && isDir:
			return &OverwriteError{Path: name, Dst: dst}
		case old.isDir() && isDir:
			old.mode = fs.ModeDir | fileMode(hdr.Mode)
			old.uid, old.gid, old.mtime = hdr.Uid, hdr.Gid, hdr.ModTime
			return nil
		}
	}
	n := &node{mode: fileMode(hdr.Mode), uid: hdr.Uid, gid: hdr.Gid, mtime: hdr.ModTime, nlink: 1}
	switch hdr.Typeflag {
	case tar.TypeDir:
		n.mode |= fs.ModeDir
		n.children = map[string]*node{}
	case tar.TypeReg, tar.TypeRegA:
		n.data, n.shared = data, shared
	case tar.TypeSymlink:
		n.mode = fs.ModeSymlink | 0o777
		n.target = hdr.Linkname
	case tar.TypeFifo:
		n.mode |= fs.ModeNamedPipe
	case tar.TypeLink:
		lw, err := f.walk("extract", link, false, true)
		if err != nil {
			return err
		}
		switch {
		case lw.target.n == nil:
			return perr("extract", hdr.Linkname, fs.ErrNotExist)
		case lw.target.n.isDir():
			return perr("extract", hdr.Linkname, fs.ErrPermission)
		case lw.target.m != w.parent.m:
			return perr("extract", hdr.Linkname, syscall.EXDEV)
		}
		n = lw.target.n
		if n == old {
			return nil
		}
		n.nlink++
	default:
		return nil
	}
	if old != nil {
		old.nlink--
	}
	w.parent.n.children[w.name] = n
	return nil
}

// entryPaths checks a tar entry as pkg/archive's Unpack does before it
// writes anything, with dir the (resolved) destination: the entry's path
// is its cleaned name under dir, and a name that leads out of dir, a
// symbolic link whose target (from the link's directory) or a hard link
// whose target (from dir) is not under dir is a BreakoutError. It gives
// the entry's path and a hard link's target path. Both resolve from the
// root of the FS, as in dockerd's unpacker chrooted to the container's
// root: a symbolic link on the way, in the FS or extracted before, is
// followed, and an absolute one starts from that root.
func entryPaths(dir string, hdr *tar.Header) (name, link string, err error) {
	clean := path.Clean(hdr.Name)
	name = path.Join(dir, clean)
	if !under(name, dir) {
		return "", "", &BreakoutError{fmt.Sprintf("%q is outside of %q", clean, dir)}
	}
	switch hdr.Typeflag {
	case tar.TypeSymlink:
		if !strings.HasPrefix(path.Join(path.Dir(name), hdr.Linkname), dir) {
			return "", "", &BreakoutError{fmt.Sprintf("invalid symlink %q -> %q", name, hdr.Linkname)}
		}
	case tar.TypeLink:
		link = path.Join(dir, hdr.Linkname)
		if !strings.HasPrefix(link, dir) {
			return "", "", &BreakoutError{fmt.Sprintf("invalid hardlink %q -> %q", link, hdr.Linkname)}
		}
	}
	return name, link, nil
}

// under reports whether the clean path p is dir or lies in it.
func under(p, dir string) bool {
	return p == dir || dir == "/" || strings.HasPrefix(p, dir+"/")
}

// BreakoutError is an extraction's refusal of an entry that would lead
// out of its destination: a name with "..", a link whose target is out
// of it. Reason words it as pkg/archive does.
type BreakoutError struct{ reason string }

// Reason is the refusal in pkg/archive's words.
func (e *BreakoutError) Reason() string { return e.reason }

func (e *BreakoutError) Error() string { return "memfs: " + e.reason }

// opaque removes what dir holds except the entries this layer wrote.
func (f *FS) opaque(dir string, keep map[string]bool) error {
	ents, err := f.ReadDir(dir)
	if err != nil {
		if isNotExist(err) {
			return nil
		}
		return err
	}
	for _, e := range ents {
		p := path.Join(dir, e.Name())
		if keep[p] {
			continue
		}
		if err := f.RemoveAll(p); err != nil {
			return err
		}
	}
	return nil
}

// OverwriteError is ExtractTar's refusal, with noOverwriteDirNonDir, to
// replace a directory with a non-directory (Dir) or a non-directory with
// a directory. It matches syscall.EISDIR or syscall.ENOTDIR respectively.
type OverwriteError struct {
	Path string // the existing entry
	Dst  string // the extraction directory
	Dir  bool   // the existing entry is a directory
}

// Reason is the refusal in pkg/archive's words, without the prefix.
func (e *OverwriteError) Reason() string {
	if e.Dir {
		return fmt.Sprintf("cannot overwrite directory %q with non-directory %q", e.Path, e.Dst)
	}
	return fmt.Sprintf("cannot overwrite non-directory %q with directory %q", e.Path, e.Dst)
}

func (e *OverwriteError) Error() string { return "memfs: " + e.Reason() }

// Unwrap gives the errno the refusal corresponds to.
func (e *OverwriteError) Unwrap() error {
	if e.Dir {
		return syscall.EISDIR
	}
	return syscall.ENOTDIR
}
