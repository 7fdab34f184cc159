package tarstream

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"time"
)

// DirOptions tunes Dir. The zero value archives the whole tree with the
// files' own owners and times.
type DirOptions struct {
	// Exclude holds .dockerignore patterns (see ReadIgnore and Matcher).
	Exclude []string

	// Dockerfile is the path of the Dockerfile relative to the root
	// (default "Dockerfile"). Like the docker CLI, Dir keeps it, and
	// .dockerignore, even when Exclude matches them.
	Dockerfile string

	// Deterministic makes the archive depend only on names, contents,
	// modes and link targets: entries are sorted (the walk is), every
	// modification time is ModTime (the Unix epoch when zero), uid and gid
	// are 0, and no user or group names, access or change times are
	// written.
	Deterministic bool

	// ModTime is the modification time of every entry with Deterministic.
	ModTime time.Time

	// Prefix is a slash-separated path put in front of every name in the
	// archive, with an entry for the root itself: for PUT
	// /containers/{id}/archive, the base name of the copied directory.
	Prefix string

	// ExtraFiles are regular files appended after the tree, for instance a
	// Dockerfile that lives outside the build context (see the package
	// documentation).
	ExtraFiles []File
}

// File is an in-memory regular file for DirOptions.ExtraFiles.
type File struct {
	Name string      // slash-separated, relative, no ".." (Prefix is not applied)
	Data []byte      // the content
	Mode os.FileMode // permission bits; 0 means 0644
}

// Dir streams the directory tree at root as a tar archive. A goroutine walks
// the tree and writes into an io.Pipe; walk errors surface from Read. Close
// stops the walk and waits for the goroutine, so nothing leaks; the caller
// must always Close.
//
// Dir reads through an os.Root: symbolic links are archived as links and
// never followed, so nothing outside root is read. Sockets are skipped.
// Files with several hard links inside the tree are written once, then as
// hard link entries. An error opening root is returned at once; everything
// else (bad patterns excepted, also returned at once) comes from Read.
func Dir(root string, opts DirOptions) (io.ReadCloser, error) {
	m, err := dirMatcher(opts)
	if err != nil {
		return nil, err
	}
	prefix := ""
	if opts.Prefix != "" {
		p, err := cleanName(opts.Prefix)
		if err != nil || p == "." {
			return nil, fmt.Errorf("tarstream: prefix %q: %w", opts.Prefix, ErrInsecurePath)
		}
		prefix = p
	}
	for _, f := range opts.ExtraFiles {
		if p, err := cleanName(f.Name); err != nil || p == "." {
			return nil, fmt.Errorf("tarstream: extra file %q: %w", f.Name, ErrInsecurePath)
		}
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, fmt.Errorf("tarstream: %w", err)
	}
	pr, pw := io.Pipe()
	d := &dirReader{pr: pr, done: make(chan struct{})}
	w := &dirWriter{
		root:   r,
		tw:     tar.NewWriter(pw),
		opts:   opts,
		m:      m,
		prefix: prefix,
		links:  map[[2]uint64]string{},
	}
	go func() {
		defer close(d.done)
		err := w.run()
		r.Close()
		pw.CloseWithError(err) // nil closes with io.EOF
	}()
	return d, nil
}

// dirMatcher builds the matcher for opts, re-including the Dockerfile and
// .dockerignore as the docker CLI does.
func dirMatcher(opts DirOptions) (*Matcher, error) {
	if len(opts.Exclude) == 0 {
		return nil, nil
	}
	m, err := NewMatcher(opts.Exclude)
	if err != nil {
		return nil, err
	}
	dockerfile := opts.Dockerfile
	if dockerfile == "" {
		dockerfile = "Dockerfile"
	}
	var keep []string
	for _, name := range []string{".dockerignore", dockerfile} {
		name, err := cleanName(name)
		if err != nil || name == "." {
			continue // outside the context: nothing to keep
		}
		if excluded, _ := m.Match(name); excluded {
			keep = append(keep, "!"+name)
		}
	}
	if len(keep) == 0 {
		return m, nil
	}
	return NewMatcher(append(append([]string(nil), opts.Exclude...), keep...))
}

type dirReader struct {
	pr   *io.PipeReader
	done chan struct{}
	once sync.Once
}

func (d *dirReader) Read(p []byte) (int, error) { return d.pr.Read(p) }

// Close stops the walk and waits for its goroutine to end.
func (d *dirReader) Close() error {
	d.once.Do(func() {
		d.pr.CloseWithError(errDirClosed)
		<-d.done
	})
	return nil
}

var errDirClosed = errors.New("tarstream: archive closed")

type dirWriter struct {
	root   *os.Root
	tw     *tar.Writer
	opts   DirOptions
	m      *Matcher
	prefix string
	links  map[[2]uint64]string // (dev, ino) of multiply linked files -> first name
}

func (w *dirWriter) run() error {
	buf := getBuf()
	defer putBuf(buf)
	if w.prefix != "" {
		if _, err := w.add(".", *buf); err != nil {
			return err
		}
	}
	if err := w.walk(".", *buf); err != nil {
		return err
	}
	for _, f := range w.opts.ExtraFiles {
		if err := w.addExtra(f); err != nil {
			return err
		}
	}
	if err := w.tw.Close(); err != nil {
		return fmt.Errorf("tarstream: %w", err)
	}
	return nil
}

// walk archives the entries of directory dir, sorted by name, depth first.
// It reads directories through the root itself rather than fs.WalkDir over
// root.FS(), which refuses names that are not valid UTF-8 (legal on unix).
func (w *dirWriter) walk(dir string, buf []byte) error {
	f, err := w.root.Open(dir)
	if err != nil {
		return fmt.Errorf("tarstream: %w", err)
	}
	entries, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		return fmt.Errorf("tarstream: %w", err)
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	for _, d := range entries {
		name := d.Name()
		if dir != "." {
			name = dir + "/" + name
		}
		if w.m != nil {
			if excluded, _ := w.m.Match(name); excluded {
				if d.IsDir() && w.m.mayReinclude(name) {
					// Walk it for the exceptions, without its own entry.
					if err := w.walk(name, buf); err != nil {
						return err
					}
				}
				continue
			}
		}
		isDir, err := w.add(name, buf)
		if err != nil {
			return err
		}
		if isDir { // as archived: a directory swapped for a link is not entered
			if err := w.walk(name, buf); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *dirWriter) archiveName(name string) string {
	if w.prefix == "" {
		return name
	}
	if name == "." {
		return w.prefix
	}
	return w.prefix + "/" + name
}

func (w *dirWriter) header(fi fs.FileInfo, st sysStat) *tar.Header {
	hdr := &tar.Header{
		Mode:    int64(fi.Mode().Perm()),
		ModTime: fi.ModTime().Truncate(time.Second),
		Format:  tar.FormatPAX,
	}
	if fi.Mode()&fs.ModeSetuid != 0 {
		hdr.Mode |= 0o4000
	}
	if fi.Mode()&fs.ModeSetgid != 0 {
		hdr.Mode |= 0o2000
	}
	if fi.Mode()&fs.ModeSticky != 0 {
		hdr.Mode |= 0o1000
	}
	if w.opts.Deterministic {
		hdr.ModTime = w.opts.ModTime.Truncate(time.Second)
		if w.opts.ModTime.IsZero() {
			hdr.ModTime = time.Unix(0, 0)
		}
	} else if st.ok {
		hdr.Uid, hdr.Gid = st.uid, st.gid
	}
	return hdr
}

func (w *dirWriter) add(name string, buf []byte) (isDir bool, err error) {
	fi, err := w.root.Lstat(name)
	if err != nil {
		return false, fmt.Errorf("tarstream: %w", err)
	}
	st := statOf(fi)
	hdr := w.header(fi, st)
	hdr.Name = w.archiveName(name)
	mode := fi.Mode()
	switch {
	case mode.IsDir():
		hdr.Typeflag = tar.TypeDir
		hdr.Name += "/"
	case mode&fs.ModeSymlink != 0:
		target, err := w.root.Readlink(name)
		if err != nil {
			return false, fmt.Errorf("tarstream: %w", err)
		}
		hdr.Typeflag = tar.TypeSymlink
		hdr.Linkname = target
	case mode.IsRegular():
		if st.ok && st.nlink > 1 {
			key := [2]uint64{st.dev, st.ino}
			if first, ok := w.links[key]; ok {
				hdr.Typeflag = tar.TypeLink
				hdr.Linkname = first
				break
			}
			w.links[key] = hdr.Name
		}
		hdr.Typeflag = tar.TypeReg
		hdr.Size = fi.Size()
		return false, w.addFile(name, hdr, buf)
	case mode&fs.ModeNamedPipe != 0:
		hdr.Typeflag = tar.TypeFifo
	case mode&fs.ModeDevice != 0:
		hdr.Typeflag = tar.TypeBlock
		if mode&fs.ModeCharDevice != 0 {
			hdr.Typeflag = tar.TypeChar
		}
		hdr.Devmajor, hdr.Devminor = st.rdevMajor, st.rdevMinor
	default:
		return false, nil // sockets and other kinds have no place in an archive
	}
	if err := w.tw.WriteHeader(hdr); err != nil {
		return false, fmt.Errorf("tarstream: %s: %w", name, err)
	}
	return hdr.Typeflag == tar.TypeDir, nil
}

// addFile writes a regular file. The file is opened through the root; if it
// is no longer a regular file of the announced size, the archive fails
// rather than lie.
func (w *dirWriter) addFile(name string, hdr *tar.Header, buf []byte) error {
	f, err := w.root.Open(name)
	if err != nil {
		return fmt.Errorf("tarstream: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return fmt.Errorf("tarstream: %s: changed while archiving", name)
	}
	if err := w.tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("tarstream: %s: %w", name, err)
	}
	n, err := io.CopyBuffer(w.tw, io.LimitReader(f, hdr.Size), buf)
	if err != nil {
		return fmt.Errorf("tarstream: %s: %w", name, err)
	}
	if n != hdr.Size {
		return fmt.Errorf("tarstream: %s: file shrank while archiving (%d of %d bytes): %w", name, n, hdr.Size, io.ErrUnexpectedEOF)
	}
	return nil
}

func (w *dirWriter) addExtra(f File) error {
	name, _ := cleanName(f.Name)
	mode := int64(f.Mode.Perm())
	if mode == 0 {
		mode = 0o644
	}
	hdr := &tar.Header{
		Typeflag: tar.TypeReg,
		Name:     name,
		Mode:     mode,
		Size:     int64(len(f.Data)),
		ModTime:  time.Now().Truncate(time.Second),
		Format:   tar.FormatPAX,
	}
	if w.opts.Deterministic {
		hdr.ModTime = time.Unix(0, 0)
		if !w.opts.ModTime.IsZero() {
			hdr.ModTime = w.opts.ModTime.Truncate(time.Second)
		}
	}
	if err := w.tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("tarstream: %s: %w", name, err)
	}
	if _, err := w.tw.Write(f.Data); err != nil {
		return fmt.Errorf("tarstream: %s: %w", name, err)
	}
	return nil
}

// cleanName turns an archive name into a clean, slash-separated relative
// path, or refuses it: NUL bytes, absolute names and ".." components are
// ErrInsecurePath, names over 4096 bytes ErrNameTooLong. The root itself is
// ".".
func cleanName(name string) (string, error) {
	if len(name) > maxName {
		return "", ErrNameTooLong
	}
	if strings.IndexByte(name, 0) >= 0 || strings.HasPrefix(name, "/") {
		return "", ErrInsecurePath
	}
	var b strings.Builder
	for elem := range strings.SplitSeq(name, "/") {
		switch elem {
		case "", ".":
			continue
		case "..":
			return "", ErrInsecurePath
		}
		if b.Len() > 0 {
			b.WriteByte('/')
		}
		b.WriteString(elem)
	}
	if b.Len() == 0 {
		return ".", nil
	}
	return path.Clean(b.String()), nil
}

// maxName caps entry names and link targets (PATH_MAX on Linux).
const maxName = 4096
