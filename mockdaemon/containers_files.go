package mockdaemon

import (
	"archive/tar"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	iofs "io/fs"
	"net/http"
	"path"
	"strings"
	"syscall"
	"time"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
)

// pathStat is the X-Docker-Container-Path-Stat header's JSON.
func pathStatHeader(name string, fi iofs.FileInfo, link string) string {
	b, _ := json.Marshal(map[string]any{
		"name":       name,
		"size":       fi.Size(),
		"mode":       uint32(fi.Mode()),
		"mtime":      fi.ModTime().UTC().Format(time.RFC3339Nano),
		"linkTarget": link,
	})
	return base64.StdEncoding.EncodeToString(b)
}

// archivePath resolves ?path= for archive requests. A missing one is
// dockerd's badParameterError, in its words (no space before "cannot").
func archivePath(r *http.Request) (string, error) {
	p := r.URL.Query().Get("path")
	if p == "" {
		return "", errInvalid("bad parameter: pathcannot be empty")
	}
	return p, nil
}

// fsErr is dockerd's answer to err, met at path p of the container a
// request names ref.
func fsErr(ref, p string, err error) error {
	if errors.Is(err, iofs.ErrNotExist) {
		return errNotFound("Could not find the file " + p + " in container " + ref)
	}
	if errors.Is(err, syscall.EROFS) {
		return errForbidden("container rootfs is marked read-only")
	}
	// dockerd's chrooted unpacker reports its errors through its exit
	// status
	if re := unpackRefusal(nil); errors.As(err, &re) {
		return errInternal("Error processing tar file(exit status 1): " + re.Reason())
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, tar.ErrHeader) {
		return errInternal("Error processing tar file(exit status 1): " + errors.Unwrap(err).Error())
	}
	if errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.EISDIR) {
		return errInvalid(err.Error())
	}
	return errInternal(err.Error())
}

// statForArchive stats p the way the daemon does (its ResolvePath and
// StatPath): p is taken from the container's root, whatever its working
// directory, and a final symbolic link is followed only when p ends in
// "/" or "/." (the directory it names).
func statForArchive(c *container, p string) (string, iofs.FileInfo, string, error) {
	abs := path.Join("/", p)
	if strings.HasSuffix(p, "/") || strings.HasSuffix(p, "/.") {
		abs = finalLinkTarget(c.fs, abs)
	}
	fi, err := c.fs.Lstat(abs)
	if err != nil {
		return "", nil, "", err
	}
	link := ""
	if fi.Mode()&iofs.ModeSymlink != 0 {
		link, _ = c.fs.Readlink(abs)
		if !path.IsAbs(link) {
			link = path.Join(path.Dir(abs), link)
		}
	}
	return abs, fi, link, nil
}

// archiveEntry is the path an archive request names in its container,
// stat'ed as the daemon does.
type archiveEntry struct {
	c          *container
	path, abs  string // as asked, and absolute
	fi         iofs.FileInfo
	linkTarget string
}

func (d *Daemon) statArchive(r *http.Request) (archiveEntry, error) {
	p, err := archivePath(r)
	if err != nil {
		return archiveEntry{}, err
	}
	c, err := d.getContainer(r.PathValue("id"))
	if err != nil {
		return archiveEntry{}, err
	}
	abs, fi, link, err := statForArchive(c, p)
	if err != nil {
		return archiveEntry{}, fsErr(r.PathValue("id"), p, err)
	}
	return archiveEntry{c: c, path: p, abs: abs, fi: fi, linkTarget: link}, nil
}

// setStatHeader sets the X-Docker-Container-Path-Stat header of e.
func (e archiveEntry) setStatHeader(w http.ResponseWriter) {
	w.Header().Set("X-Docker-Container-Path-Stat", pathStatHeader(archiveBase(e.path), e.fi, e.linkTarget))
}

// archiveBase is the name dockerd gives the path an archive request
// names (its stat, the root of its tar): the base of the cleaned path, or
// "." for one that ends in "/." (the directory's content).
func archiveBase(p string) string {
	if path.Base(p) == "." {
		return "."
	}
	return path.Base(path.Clean("/" + p))
}

func (d *Daemon) archiveHead(w http.ResponseWriter, r *http.Request) error {
	e, err := d.statArchive(r)
	if err != nil {
		return err
	}
	e.setStatHeader(w)
	w.WriteHeader(http.StatusOK)
	return nil
}

func (d *Daemon) archiveGet(w http.ResponseWriter, r *http.Request) error {
	e, err := d.statArchive(r)
	if err != nil {
		return err
	}
	// dockerd logs the event once the archive is ready to stream
	d.emitContainer(e.c, "archive-path")
	// The tar goes straight to the client: file data is read where the
	// container's filesystem holds it, never copied into a buffer.
	sw := &streamHead{w: w, head: func(h http.Header) {
		e.setStatHeader(w)
		h.Set("Content-Type", "application/x-tar")
	}}
	if err := e.c.fs.WriteTarAs(sw, e.abs, archiveBase(e.path)); err != nil {
		if !sw.started {
			return fsErr(r.PathValue("id"), e.path, err)
		}
		return err
	}
	sw.start()
	return nil
}

func (d *Daemon) archivePut(w http.ResponseWriter, r *http.Request) error {
	p, err := archivePath(r)
	if err != nil {
		return err
	}
	c, err := d.getContainer(r.PathValue("id"))
	if err != nil {
		return err
	}
	abs := path.Join("/", p) // from the root, as for a GET
	fi, err := c.fs.Stat(abs)
	if err != nil {
		return fsErr(r.PathValue("id"), p, err)
	}
	if !fi.IsDir() {
		if !infoOf(r).version.atLeast("1.42") {
			return errInternal("extraction point is not a directory") // untyped on dockerd 20.10
		}
		return errInvalid("extraction point is not a directory")
	}
	if c.host.ReadonlyRootfs {
		if !infoOf(r).version.atLeast("1.42") {
			return errInternal("container rootfs is marked read-only") // untyped on dockerd 20.10
		}
		return errForbidden("container rootfs is marked read-only")
	}
	// the archive may be compressed, as pkg/archive's Untar reads it
	body, err := decompressStream(r.Context(), r.Body)
	if err != nil {
		return errInternal(err.Error())
	}
	defer body.Close()
	if err := c.fs.ExtractTar(body, abs, boolParam(r, "noOverwriteDirNonDir")); err != nil {
		if de, ok := decompressFailure(err); ok {
			return de
		}
		return fsErr(r.PathValue("id"), p, err)
	}
	d.emitContainer(c, "extract-to-dir")
	w.WriteHeader(http.StatusOK)
	return nil
}

func (d *Daemon) containerExport(w http.ResponseWriter, r *http.Request) error {
	c, err := d.getContainer(r.PathValue("id"))
	if err != nil {
		return err
	}
	d.emitContainer(c, "export")
	sw := &streamHead{w: w, head: func(h http.Header) { h.Set("Content-Type", "application/x-tar") }}
	if err := c.fs.Snapshot(sw); err != nil {
		if !sw.started {
			return errInternal(err.Error())
		}
		return err
	}
	sw.start()
	return nil
}

func (d *Daemon) containerChanges(w http.ResponseWriter, r *http.Request) error {
	chs, err := lockedValue(d, func() ([]memfs.Change, error) {
		c, err := d.getContainerLocked(r.PathValue("id"))
		if err != nil {
			return nil, err
		}
		return d.changesLocked(c), nil
	})
	if err != nil {
		return err
	}
	var out []any // null when nothing changed, as dockerd answers
	for _, ch := range chs {
		out = append(out, map[string]any{"Path": ch.Path, "Kind": int(ch.Kind)})
	}
	return writeJSON(w, http.StatusOK, out)
}

// finalLinkTarget follows the symbolic links that abs (a clean absolute
// path) names until it names something else, in f, as the kernel does.
func finalLinkTarget(f *memfs.FS, abs string) string {
	for range 40 { // the kernel's MAXSYMLINKS
		fi, err := f.Lstat(abs)
		if err != nil || fi.Mode()&iofs.ModeSymlink == 0 {
			return abs
		}
		t, err := f.Readlink(abs)
		if err != nil {
			return abs
		}
		if !path.IsAbs(t) {
			t = path.Join(path.Dir(abs), t)
		}
		abs = path.Clean(t)
	}
	return abs
}
