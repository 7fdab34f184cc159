package tarstream

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"time"
)

// Default caps of ExtractOptions.
const (
	DefaultMaxBytes   int64 = 64 << 30 // 64 GiB of file data
	DefaultMaxEntries       = 1_000_000
)

// ExtractOptions tunes Extract. The zero value is the safe default: capped,
// no devices, no owners, no setuid or setgid bits.
type ExtractOptions struct {
	// MaxBytes caps the total size of regular files (as their headers
	// declare them, holes of sparse files included). 0 means
	// DefaultMaxBytes; a negative value means no limit. An entry that would
	// cross the cap fails with ErrTooLarge before anything of it is written.
	MaxBytes int64

	// MaxEntries caps the number of entries. 0 means DefaultMaxEntries; a
	// negative value means no limit.
	MaxEntries int

	// AllowDevices lets character devices, block devices and FIFOs be
	// created (devices need root, and Linux). Without it they fail with
	// ErrDevice.
	AllowDevices bool

	// NoOverwriteDirNonDir refuses, with ErrOverwrite, an entry that would
	// replace an existing directory with a non-directory or the reverse
	// (dockerd's noOverwriteDirNonDir). Without it the later entry wins.
	NoOverwriteDirNonDir bool

	// PreserveOwner gives entries the header's uid and gid (needs root) and
	// keeps setuid and setgid bits, which are dropped otherwise.
	PreserveOwner bool

	// AbsoluteSymlinks creates symbolic links with an absolute target as
	// they are, as docker cp does (a container's /etc holds several):
	// such a link points outside dst, so Extract never follows one. An
	// entry whose path goes through a link is refused with ErrInsecurePath,
	// and an entry named like a link replaces the link. Relative targets
	// that climb out of dst stay refused, as in docker cp. Without it an
	// absolute target is refused.
	AbsoluteSymlinks bool
}

// Extract unpacks the tar stream r under the directory dst (created if
// missing) and never writes, creates, links, chmods or chtimes anything
// outside it. Every filesystem operation goes through an os.Root opened on
// dst, and each entry is checked first:
//
//   - names must be relative, without ".." components or NUL bytes, at most
//     4096 bytes, and must not pass through a symbolic link (their parent
//     directories are created as needed and must be real directories);
//   - symbolic link targets must be relative, with ".." only as leading
//     components, and must stay inside dst when resolved from the link's
//     directory; absolute targets are refused, not rewritten (unless
//     AbsoluteSymlinks, which creates them and still never follows them);
//   - hard links must name a regular file already extracted inside dst;
//   - devices and FIFOs need AllowDevices; sizes and entry counts are capped.
//
// These rules keep every symbolic link pointing inside dst whatever the order
// of the entries (with AbsoluteSymlinks, every link but those with an
// absolute target), and no entry is ever written through a link.
// A refused entry stops the extraction with an *EntryError wrapping
// ErrInsecurePath (or ErrTooLarge, ErrDevice...); what was extracted before
// it stays. A name seen twice is replaced: the later entry wins, after the
// earlier one is removed (a directory seen twice is kept and updated).
// Directory modes and times are applied once all entries are written, so a
// read-only directory can still receive its files.
//
// Extract reads r until the end of the archive or the first error; to cancel
// it, close r (for an HTTP body, cancel the request).
func Extract(r io.Reader, dst string, opts ExtractOptions) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return fmt.Errorf("tarstream: %w", err)
	}
	root, err := os.OpenRoot(dst)
	if err != nil {
		return fmt.Errorf("tarstream: %w", err)
	}
	defer root.Close()
	if opts.MaxBytes == 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.MaxEntries == 0 {
		opts.MaxEntries = DefaultMaxEntries
	}
	x := &extractor{root: root, opts: opts}
	buf := getBuf()
	defer putBuf(buf)
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if hdr != nil && errors.Is(err, tar.ErrInsecurePath) {
			// Only with GODEBUG=tarinsecurepath=0: our own checks below
			// are stricter and give the entry's name.
			err = nil
		}
		if err != nil {
			return fmt.Errorf("tarstream: %w", err)
		}
		x.entries++
		if opts.MaxEntries > 0 && x.entries > opts.MaxEntries {
			return &EntryError{Name: hdr.Name, Err: fmt.Errorf("%w: more than %d", ErrTooManyEntries, opts.MaxEntries)}
		}
		if err := x.entry(hdr, tr, *buf); err != nil {
			return &EntryError{Name: hdr.Name, Err: err}
		}
	}
	return x.finish()
}

type dirMeta struct {
	name  string
	mode  os.FileMode
	mtime time.Time
}

type extractor struct {
	root    *os.Root
	opts    ExtractOptions
	dirs    []dirMeta
	written int64
	entries int
}

// mode returns the permission bits to apply for hdr.
func (x *extractor) mode(hdr *tar.Header) os.FileMode {
	m := os.FileMode(hdr.Mode & 0o777)
	if hdr.Mode&0o1000 != 0 {
		m |= os.ModeSticky
	}
	if x.opts.PreserveOwner {
		if hdr.Mode&0o4000 != 0 {
			m |= os.ModeSetuid
		}
		if hdr.Mode&0o2000 != 0 {
			m |= os.ModeSetgid
		}
	}
	return m
}

func (x *extractor) entry(hdr *tar.Header, r io.Reader, buf []byte) error {
	switch hdr.Typeflag {
	case tar.TypeXGlobalHeader:
		return nil
	case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		if !x.opts.AllowDevices {
			return ErrDevice
		}
	case tar.TypeReg, tar.TypeRegA, tar.TypeGNUSparse, tar.TypeDir, tar.TypeSymlink, tar.TypeLink:
	default:
		return fmt.Errorf("%w %q", ErrEntryType, hdr.Typeflag)
	}
	name, err := cleanName(hdr.Name)
	if err != nil {
		return err
	}
	if name == "." {
		if hdr.Typeflag != tar.TypeDir {
			return fmt.Errorf("%w: non-directory entry for the destination itself", ErrInsecurePath)
		}
		return nil // the destination exists; its own mode is left alone
	}
	isReg := hdr.Typeflag == tar.TypeReg || hdr.Typeflag == tar.TypeRegA || hdr.Typeflag == tar.TypeGNUSparse
	if isReg {
		// Refuse before touching the filesystem.
		if hdr.Size < 0 {
			return fmt.Errorf("tarstream: negative size %d", hdr.Size)
		}
		if x.opts.MaxBytes > 0 && hdr.Size > x.opts.MaxBytes-x.written {
			return fmt.Errorf("%w: %d bytes more would exceed %d", ErrTooLarge, hdr.Size, x.opts.MaxBytes)
		}
	}
	if hdr.Typeflag == tar.TypeSymlink {
		if err := checkSymlink(name, hdr.Linkname, x.opts.AbsoluteSymlinks); err != nil {
			return err
		}
	}
	// Every operation below is relative to the entry's parent directory,
	// opened one component at a time: the cost of an entry is linear in
	// its depth, not quadratic.
	dir, base, err := x.parent(name, true)
	if err != nil {
		return err
	}
	if dir != x.root {
		defer dir.Close()
	}
	isDir := hdr.Typeflag == tar.TypeDir
	fi, err := dir.Lstat(base)
	switch {
	case err == nil:
		if x.opts.NoOverwriteDirNonDir && fi.IsDir() != isDir {
			return ErrOverwrite
		}
		if isDir && fi.IsDir() {
			x.dirs = append(x.dirs, dirMeta{name, x.mode(hdr), hdr.ModTime})
			return x.chown(dir, base, hdr)
		}
		if err := dir.RemoveAll(base); err != nil {
			return err
		}
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}

	switch hdr.Typeflag {
	case tar.TypeDir:
		if err := dir.Mkdir(base, 0o700); err != nil {
			return err
		}
		x.dirs = append(x.dirs, dirMeta{name, x.mode(hdr), hdr.ModTime})
		return x.chown(dir, base, hdr)
	case tar.TypeSymlink:
		if err := dir.Symlink(hdr.Linkname, base); err != nil {
			return err
		}
		return x.chown(dir, base, hdr)
	case tar.TypeLink:
		return x.link(name, hdr)
	case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		if err := mknod(dir, base, hdr.Typeflag, x.mode(hdr), hdr.Devmajor, hdr.Devminor); err != nil {
			if errors.Is(err, ErrDevice) {
				return fmt.Errorf("%w: cannot create %q entries here", ErrDevice, hdr.Typeflag)
			}
			return err
		}
		if err := x.chown(dir, base, hdr); err != nil {
			return err
		}
		return dir.Chtimes(base, hdr.ModTime, hdr.ModTime)
	default: // regular file
		return x.file(dir, base, hdr, r, buf)
	}
}

// link creates the hard link name to hdr.Linkname, which must be a regular
// file inside the root reached without symbolic links.
func (x *extractor) link(name string, hdr *tar.Header) error {
	target, err := cleanName(hdr.Linkname)
	if err != nil {
		return fmt.Errorf("%w: hard link to %s", err, quote(hdr.Linkname))
	}
	if target == "." || target == name {
		return fmt.Errorf("%w: hard link to %s", ErrInsecurePath, quote(hdr.Linkname))
	}
	tdir, tbase, err := x.parent(target, false)
	if err != nil {
		return err
	}
	if tdir != x.root {
		defer tdir.Close()
	}
	tfi, err := tdir.Lstat(tbase)
	if err != nil {
		return err
	}
	if !tfi.Mode().IsRegular() {
		return fmt.Errorf("%w: hard link to %s, not a regular file", ErrInsecurePath, quote(hdr.Linkname))
	}
	return x.root.Link(target, name)
}

func (x *extractor) file(dir *os.Root, base string, hdr *tar.Header, r io.Reader, buf []byte) error {
	// O_EXCL: the name was removed above, and a link planted since is not
	// followed.
	f, err := dir.OpenFile(base, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	n, err := io.CopyBuffer(onlyWriter{f}, r, buf)
	x.written += n
	if err == nil && n != hdr.Size {
		err = io.ErrUnexpectedEOF
	}
	if err == nil && x.opts.PreserveOwner {
		err = f.Chown(hdr.Uid, hdr.Gid)
	}
	if err == nil {
		err = f.Chmod(x.mode(hdr))
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return dir.Chtimes(base, hdr.ModTime, hdr.ModTime)
}

// onlyWriter hides *os.File's ReadFrom, so io.CopyBuffer uses the pooled
// buffer instead of allocating its own.
type onlyWriter struct{ io.Writer }

func (x *extractor) chown(dir *os.Root, base string, hdr *tar.Header) error {
	if !x.opts.PreserveOwner {
		return nil
	}
	return dir.Lchown(base, hdr.Uid, hdr.Gid)
}

// parent opens the parent directory of name (a clean relative path) one
// component at a time, and returns it with the last component of name. Each
// component must be a real directory: a symbolic link is ErrInsecurePath.
// With create, missing directories are created (0755); without, they are an
// fs.ErrNotExist error. The caller closes the returned root unless it is
// x.root.
func (x *extractor) parent(name string, create bool) (*os.Root, string, error) {
	cur := x.root
	closeCur := func() {
		if cur != x.root {
			cur.Close()
		}
	}
	for {
		i := strings.IndexByte(name, '/')
		if i < 0 {
			return cur, name, nil
		}
		elem := name[:i]
		name = name[i+1:]
		fi, err := cur.Lstat(elem)
		switch {
		case errors.Is(err, fs.ErrNotExist) && create:
			err = cur.Mkdir(elem, 0o755)
		case err != nil:
		case fi.Mode()&fs.ModeSymlink != 0:
			err = fmt.Errorf("%w: %s is a symbolic link", ErrInsecurePath, quote(elem))
		case !fi.IsDir():
			err = fmt.Errorf("tarstream: %s is not a directory: %w", quote(elem), fs.ErrExist)
		}
		var next *os.Root
		if err == nil {
			next, err = cur.OpenRoot(elem)
		}
		closeCur()
		if err != nil {
			return nil, "", err
		}
		cur = next
	}
}

// checkSymlink validates the target of a symbolic link created at name (a
// clean relative path): it must be relative, hold ".." only as leading
// components, and, resolved lexically from the link's directory, stay under
// the root. With parent directories that are never symbolic links (see
// parents), such a link cannot resolve outside the root whatever other links
// exist or appear later. With absolute, an absolute target is allowed too:
// it leads outside the root, and is safe only because no entry is ever
// written through a link (parent refuses them).
func checkSymlink(name, target string, absolute bool) error {
	if target == "" {
		return fmt.Errorf("%w: empty symbolic link target", ErrInsecurePath)
	}
	if len(target) > maxName {
		return ErrNameTooLong
	}
	if strings.IndexByte(target, 0) >= 0 {
		return fmt.Errorf("%w: symbolic link to %s", ErrInsecurePath, quote(target))
	}
	if strings.HasPrefix(target, "/") {
		if absolute {
			return nil
		}
		return fmt.Errorf("%w: symbolic link to %s (absolute; see ExtractOptions.AbsoluteSymlinks)", ErrInsecurePath, quote(target))
	}
	up, downward := 0, false
	for elem := range strings.SplitSeq(target, "/") {
		switch elem {
		case "", ".":
		case "..":
			if downward {
				return fmt.Errorf("%w: symbolic link to %s (\"..\" after a name)", ErrInsecurePath, quote(target))
			}
			up++
		default:
			downward = true
		}
	}
	depth := strings.Count(path.Dir(name), "/") + 1
	if path.Dir(name) == "." {
		depth = 0
	}
	if up > depth {
		return fmt.Errorf("%w: symbolic link to %s climbs out", ErrInsecurePath, quote(target))
	}
	return nil
}

// finish applies directory modes and times, deepest first.
func (x *extractor) finish() error {
	for i := len(x.dirs) - 1; i >= 0; i-- {
		d := x.dirs[i]
		if fi, err := x.root.Lstat(d.name); err != nil || !fi.IsDir() {
			continue // replaced by a later entry
		}
		if err := x.root.Chmod(d.name, d.mode); err != nil {
			return &EntryError{Name: d.name, Err: err}
		}
		if err := x.root.Chtimes(d.name, d.mtime, d.mtime); err != nil {
			return &EntryError{Name: d.name, Err: err}
		}
	}
	return nil
}
