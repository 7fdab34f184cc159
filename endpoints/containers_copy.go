package endpoints

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/dockwire/dockwire/tarstream"
)

// ContainerCopyToOptions tune [ContainerService.CopyTo].
type ContainerCopyToOptions struct {
	// CopyUIDGID gives the files the container user's uid and gid.
	CopyUIDGID bool
	// NoOverwriteDirNonDir makes the daemon refuse to replace a directory
	// with a file or the reverse.
	NoOverwriteDirNonDir bool
}

// ContainerCopyToResult is an empty answer; fields may be added.
type ContainerCopyToResult struct{}

// CopyTo copies the host file or directory src into the existing
// directory dstDir of a container, as "docker cp src id:dstDir" does: the
// copy is named after src's base name. Directories are streamed with
// tarstream.Dir (symbolic links are copied as links, never followed).
func (s *ContainerService) CopyTo(ctx context.Context, id, src, dstDir string, opts ContainerCopyToOptions) (ContainerCopyToResult, error) {
	const op = "CopyTo"
	if _, err := segment(op, "id", id); err != nil {
		return ContainerCopyToResult{}, err
	}
	if dstDir == "" {
		return ContainerCopyToResult{}, argErr(op, "dstDir", "", "must not be empty")
	}
	fi, err := os.Lstat(src)
	if err != nil {
		return ContainerCopyToResult{}, fmt.Errorf("endpoints: %s: %w", op, err)
	}
	var archive io.ReadCloser
	if fi.IsDir() {
		archive, err = tarstream.Dir(src, tarstream.DirOptions{Prefix: filepath.Base(src)})
	} else {
		archive, err = fileTar(src, fi)
	}
	if err != nil {
		return ContainerCopyToResult{}, fmt.Errorf("endpoints: %s: %w", op, err)
	}
	defer archive.Close()
	_, err = s.PutArchive(ctx, id, dstDir, archive, ContainerPutArchiveOptions{CopyUIDGID: opts.CopyUIDGID, NoOverwriteDirNonDir: opts.NoOverwriteDirNonDir})
	return ContainerCopyToResult{}, err
}

// fileTar streams a one-entry archive of the file or symbolic link at
// path.
func fileTar(path string, fi os.FileInfo) (io.ReadCloser, error) {
	link := ""
	if fi.Mode()&os.ModeSymlink != 0 {
		l, err := os.Readlink(path)
		if err != nil {
			return nil, err
		}
		link = l
	} else if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file, directory or symbolic link", path)
	}
	hdr, err := tar.FileInfoHeader(fi, link)
	if err != nil {
		return nil, err
	}
	hdr.Uname, hdr.Gname = "", ""
	var f *os.File
	if link == "" {
		if f, err = os.Open(path); err != nil {
			return nil, err
		}
	}
	pr, pw := io.Pipe()
	go func() {
		tw := tar.NewWriter(pw)
		err := tw.WriteHeader(hdr)
		if err == nil && f != nil {
			_, err = io.Copy(tw, f)
		}
		if err == nil {
			err = tw.Close()
		}
		if f != nil {
			f.Close()
		}
		pw.CloseWithError(err)
	}()
	return &pipeCloser{pr}, nil
}

// pipeCloser closes the read end so the writer goroutine ends.
type pipeCloser struct{ *io.PipeReader }

func (p *pipeCloser) Close() error { return p.PipeReader.CloseWithError(io.ErrClosedPipe) }

// ContainerCopyFromOptions tune [ContainerService.CopyFrom].
type ContainerCopyFromOptions struct {
	// NoOverwriteDirNonDir refuses to replace a directory with a file or
	// the reverse (in tarstream.Extract).
	NoOverwriteDirNonDir bool
	// AbsoluteSymlinks copies symbolic links with an absolute target as
	// links, as docker cp does (a container's /etc holds several, such as
	// /etc/mtab -> /proc/mounts), where by default they stop the copy with
	// tarstream.ErrInsecurePath. They point outside dstDir, so nothing is
	// ever extracted through a link (see tarstream.ExtractOptions).
	AbsoluteSymlinks bool
	// Extract tunes the extraction (size caps, devices...).
	Extract tarstream.ExtractOptions
}

// ContainerCopyFromResult is the stat of the path copied.
type ContainerCopyFromResult struct {
	tarstream.PathStat
}

// CopyFrom copies the path src of a container into the host directory
// dstDir (created if missing), as "docker cp id:src dstDir" does: the copy
// is named after src's base name. Extraction goes through
// tarstream.Extract, which never writes outside dstDir: a symbolic link
// whose target is absolute, or climbs out, is refused unless
// opts.AbsoluteSymlinks keeps the absolute ones as links (docker cp's
// behaviour). It returns the stat of src.
func (s *ContainerService) CopyFrom(ctx context.Context, id, src, dstDir string, opts ContainerCopyFromOptions) (ContainerCopyFromResult, error) {
	const op = "CopyFrom"
	if dstDir == "" {
		return ContainerCopyFromResult{}, argErr(op, "dstDir", "", "must not be empty")
	}
	a, err := s.GetArchive(ctx, id, src, ContainerGetArchiveOptions{})
	if err != nil {
		return ContainerCopyFromResult{}, err
	}
	defer a.Body.Close()
	xo := opts.Extract
	xo.NoOverwriteDirNonDir = xo.NoOverwriteDirNonDir || opts.NoOverwriteDirNonDir
	xo.AbsoluteSymlinks = xo.AbsoluteSymlinks || opts.AbsoluteSymlinks
	res := ContainerCopyFromResult{a.Stat}
	if err := tarstream.Extract(a.Body, dstDir, xo); err != nil {
		return res, fmt.Errorf("endpoints: %s: %w", op, err)
	}
	return res, nil
}
