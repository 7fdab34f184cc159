package mockdaemon

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
	"github.com/dockwire/dockwire/tarstream"
)

// buildContext is a build's context as dockerd's archive context holds it:
// the files, and the tarsum of each entry the client sent (the cache key
// of what COPY and ADD take from it).
type buildContext struct {
	fs   *memfs.FS
	sums map[string]string // "dir/file" (cleaned, relative) -> hex tarsum
}

// decompressStream detects the compression of r by its first bytes, as
// pkg/archive's DecompressStream does: gzip and bzip2 are read here, xz
// by the host's xz (as dockerd runs it); anything else is a plain tar.
// Build contexts, ADD's archives, imports, loads and uploads to a
// container all come through it.
func decompressStream(ctx context.Context, r io.Reader) (io.ReadCloser, error) {
	rc, _, err := decompress(ctx, r)
	return rc, err
}

// decompress is decompressStream, telling also whether r was compressed.
func decompress(ctx context.Context, r io.Reader) (io.ReadCloser, bool, error) {
	br := bufio.NewReaderSize(r, 32<<10)
	magic, err := br.Peek(10)
	if err != nil && err != io.EOF {
		return nil, false, err
	}
	var rc io.ReadCloser
	switch {
	case bytes.HasPrefix(magic, []byte{0x1F, 0x8B, 0x08}):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, true, err
		}
		rc = zr
	case bytes.HasPrefix(magic, []byte{0x42, 0x5A, 0x68}):
		rc = io.NopCloser(bzip2.NewReader(br))
	case bytes.HasPrefix(magic, []byte{0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00}):
		if rc, err = xzDecompress(ctx, br); err != nil {
			return nil, true, err
		}
	default:
		return io.NopCloser(br), false, nil
	}
	return &decompressReader{rc}, true, nil
}

// decompressReader marks the errors of a decompressor (a corrupt or
// short stream) as decompressError.
type decompressReader struct{ io.ReadCloser }

func (d *decompressReader) Read(p []byte) (int, error) {
	n, err := d.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = &decompressError{err}
	}
	return n, err
}

// decompressError is a decompressor's failure while a compressed archive
// is read.
type decompressError struct{ Err error }

func (e *decompressError) Error() string { return e.Err.Error() }
func (e *decompressError) Unwrap() error { return e.Err }

// decompressFailure is how dockerd's chrooted unpacker reports an archive
// it could not decompress to the end: its stdin copy failed, while the
// unpacker itself exited well.
func decompressFailure(err error) (error, bool) {
	var de *decompressError
	if !errors.As(err, &de) {
		return nil, false
	}
	return errInternal("Error processing tar file(" + de.Err.Error() + "): "), true
}

// xzDecompress runs "xz -d -c -q" over r, as pkg/archive does.
func xzDecompress(ctx context.Context, r io.Reader) (io.ReadCloser, error) {
	ctx, cancel := context.WithCancel(ctx)
	cmd := exec.CommandContext(ctx, "xz", "-d", "-c", "-q")
	cmd.Stdin = r
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, err
	}
	pr, pw := io.Pipe()
	go func() {
		_, err := io.Copy(pw, out)
		if werr := cmd.Wait(); err == nil && werr != nil {
			err = fmt.Errorf("%s: %s", werr, strings.TrimSpace(stderr.String()))
		}
		pw.CloseWithError(err)
	}()
	return &cancelReadCloser{ReadCloser: pr, cancel: cancel}, nil
}

type cancelReadCloser struct {
	io.ReadCloser
	cancel func()
}

func (c *cancelReadCloser) Close() error {
	c.cancel()
	return c.ReadCloser.Close()
}

// readBuildContext extracts the (maybe compressed) context tar r into
// memory, summing each entry as it goes by: the stream is read once and
// held once.
func readBuildContext(ctx context.Context, r io.Reader) (*buildContext, error) {
	rc, err := decompressStream(ctx, r)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	bc := &buildContext{fs: memfs.New(), sums: map[string]string{}}
	pr, pw := io.Pipe()
	sumsDone := make(chan error, 1)
	go func() {
		err := tarSums(pr, bc.sums)
		_, _ = io.Copy(io.Discard, pr) // the extraction may read on
		sumsDone <- err
	}()
	err = bc.fs.ExtractTar(io.TeeReader(rc, pw), "/", false)
	pw.Close()
	sumErr := <-sumsDone
	if err != nil {
		if inner := errors.Unwrap(err); inner != nil && strings.HasPrefix(err.Error(), "memfs: read tar: ") {
			err = inner
		}
		return nil, err
	}
	if sumErr != nil {
		return nil, sumErr
	}
	return bc, nil
}

// tarSums records the tarsum (version 1) of each entry of the tar stream
// r: the sha256 of its selected header fields and its contents.
func tarSums(r io.Reader, sums map[string]string) error {
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		h := sha256.New()
		writeTarsumHeader(h, hdr)
		if _, err := io.Copy(h, tr); err != nil {
			return err
		}
		name := strings.TrimPrefix(path.Clean("/"+hdr.Name), "/")
		if name == "" {
			name = "."
		}
		if _, ok := sums[name]; !ok {
			sums[name] = hex.EncodeToString(h.Sum(nil))
		}
	}
}

// writeTarsumHeader writes the header fields tarsum v1 selects (v0's
// without mtime, user and group names blanked, then the sorted xattrs).
func writeTarsumHeader(w io.Writer, hdr *tar.Header) {
	fields := [][2]string{
		{"name", hdr.Name},
		{"mode", strconv.FormatInt(hdr.Mode, 10)},
		{"uid", strconv.Itoa(hdr.Uid)},
		{"gid", strconv.Itoa(hdr.Gid)},
		{"size", strconv.FormatInt(hdr.Size, 10)},
		{"typeflag", string([]byte{hdr.Typeflag})},
		{"linkname", hdr.Linkname},
		{"uname", ""},
		{"gname", ""},
		{"devmajor", strconv.FormatInt(hdr.Devmajor, 10)},
		{"devminor", strconv.FormatInt(hdr.Devminor, 10)},
	}
	var xattrs []string
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "SCHILY.xattr.") {
			xattrs = append(xattrs, k)
		}
	}
	sort.Strings(xattrs)
	for _, k := range xattrs {
		fields = append(fields, [2]string{strings.TrimPrefix(k, "SCHILY.xattr."), hdr.PAXRecords[k]})
	}
	for _, f := range fields {
		_, _ = io.WriteString(w, f[0]+f[1])
	}
}

// dockerfileOf reads and parses the Dockerfile named name in the context
// (dockerd tries "dockerfile" when the default "Dockerfile" is missing),
// then removes it and .dockerignore from the context when .dockerignore
// lists them. It returns the name it used.
func (bc *buildContext) dockerfileOf(name string) (*dfParsed, string, error) {
	src, err := bc.fs.ReadFile(path.Join("/", name))
	if err != nil && name == "Dockerfile" {
		if b, lerr := bc.fs.ReadFile("/dockerfile"); lerr == nil {
			src, err, name = b, nil, "dockerfile"
		}
	}
	if err != nil {
		return nil, "", errInternal("Cannot locate specified Dockerfile: " + name)
	}
	if len(src) == 0 {
		return nil, "", errInvalid(fmt.Sprintf("the Dockerfile (%s) cannot be empty", name))
	}
	df, err := parseDockerfileText(src)
	if err != nil {
		return nil, "", errInvalid(fmt.Sprintf("failed to parse %s: %v", name, err))
	}
	if err := bc.removeIgnored(".dockerignore", name); err != nil {
		return nil, "", err
	}
	return df, name, nil
}

// removeIgnored removes those of names that .dockerignore excludes: the
// daemon's only use of the file (the client leaves the rest out).
func (bc *buildContext) removeIgnored(names ...string) error {
	f, err := bc.fs.Open("/.dockerignore")
	if err != nil {
		return nil
	}
	patterns, err := tarstream.ReadIgnore(f)
	f.Close()
	if err != nil {
		return errInternal(err.Error())
	}
	m, err := tarstream.NewMatcher(patterns)
	if err != nil {
		return errInternal(err.Error())
	}
	for _, n := range names {
		if rm, _ := m.Match(path.Clean(n)); rm {
			_ = bc.fs.RemoveAll(path.Join("/", n))
		}
	}
	return nil
}
