package mockdaemon

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
)

// COPY and ADD as dockerd 20.10's classic builder does them (moby's
// builder/dockerfile/copy.go): sources from the context or an image, with
// wildcards; a source's hash (its tarsum, or for a directory the hash of
// its entries' sums) makes the step's cache key and history line; the
// files go into a copy of the current image, owned by root or --chown,
// and ADD unpacks a local archive.

// copySource is where a COPY or ADD takes its files: the context (with
// the sums of what the client sent) or an image's files.
type copySource struct {
	fs   *memfs.FS
	sums map[string]string // nil for an image
}

// copyInfo is one source to copy.
type copyInfo struct {
	path string // relative to the source's root
	hash string // "file:<sum>" or "dir:<sum>"
}

// owner is the uid and gid copied files get.
type owner struct{ uid, gid int }

func isURL(s string) bool { return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") }

// copy runs a COPY or ADD step.
func (b *builder) copy(st *buildState, in *dfInstr) error {
	name := strings.ToUpper(in.kind)
	if in.chmod != "" {
		return errors.New("the --chmod option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled")
	}
	src := copySource{fs: b.bc.fs, sums: b.bc.sums}
	preserve := false
	if in.from != "" {
		im, err := b.copyFromImage(in.from)
		if err != nil {
			return fmt.Errorf("invalid from flag value %s: %w", in.from, err)
		}
		src = copySource{fs: im.fs}
		preserve = in.chown == ""
	}
	dest := in.paths[len(in.paths)-1]
	var infos []copyInfo
	for _, orig := range in.paths[:len(in.paths)-1] {
		if isURL(orig) {
			if in.kind == "copy" {
				return fmt.Errorf("%s failed: source can't be a URL for COPY", name)
			}
			return fmt.Errorf("%s failed: mockdaemon: sources from a URL are not supported: %s", name, orig)
		}
		sub, err := src.infos(orig, true)
		if err != nil {
			return fmt.Errorf("%s failed: %w", name, err)
		}
		infos = append(infos, sub...)
	}
	if len(infos) == 0 {
		return fmt.Errorf("%s failed: no source files were specified", name)
	}
	if len(infos) > 1 && !strings.HasSuffix(dest, "/") {
		return fmt.Errorf("When using %s with more than one source file, the destination must be a directory and end with a /", name)
	}
	chown := ""
	if in.chown != "" {
		chown = "--chown=" + in.chown
	}
	cc := st.cfg.clone()
	cc.Cmd = append(cc.shell(), fmt.Sprintf("#(nop) %s %s%s in %s ", name, chown, sourceHash(infos), dest))
	hit, err := b.probe(st, cc)
	if err != nil || hit {
		return err
	}
	base, _ := lockedValue(b.d, func() (*memfs.FS, error) {
		if im := b.d.images.byID[st.imageID]; im != nil {
			return im.fs, nil
		}
		return memfs.New(), nil // scratch
	})
	work := base.Clone()
	work.SetClock(b.d.cfg.Clock)
	destPath := dest
	if !path.IsAbs(dest) {
		destPath = path.Join("/", st.cfg.WorkingDir, dest)
		if strings.HasSuffix(dest, "/") {
			destPath += "/"
		}
	}
	own := &owner{}
	if in.chown != "" {
		if own, err = b.parseChown(work, in.chown); err != nil {
			return fmt.Errorf("unable to convert uid/gid chown string to host mapping: %w", err)
		}
	}
	if preserve {
		own = nil
	}
	for _, info := range infos {
		if err := b.copyInfo(src, info, work, destPath, own, in.kind == "add"); err != nil {
			return fmt.Errorf("failed to copy files: %w", err)
		}
	}
	lay, err := newLayer(work, memfs.Diff(base, work))
	if err != nil {
		return err
	}
	return b.stepImage(st, "", cc, lay, work)
}

// copyFromImage is the image of COPY --from: a finished stage (by name or
// index), else an image by name.
func (b *builder) copyFromImage(from string) (*image, error) {
	stage, err := b.stages.get(from)
	if err != nil {
		return nil, err
	}
	if stage != nil {
		if stage.Image == "" {
			fsys := memfs.New()
			return &image{fs: fsys}, nil // a stage of scratch with no step
		}
		return lockedValue(b.d, func() (*image, error) { return b.d.images.get(stage.Image) })
	}
	return b.fromImage(from, false)
}

func containsWildcards(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '*', '?', '[':
			return true
		}
	}
	return false
}

// infos resolves a source path (with wildcards when allowed) to what it
// copies, each with its hash.
func (s copySource) infos(orig string, wildcards bool) ([]copyInfo, error) {
	p := strings.TrimPrefix(orig, "/")
	p = strings.TrimPrefix(p, "./")
	if wildcards && containsWildcards(p) {
		var out []copyInfo
		err := s.fs.Walk("/", func(fp string, _ fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel := strings.TrimPrefix(fp, "/")
			if rel == "" {
				return nil
			}
			if ok, _ := path.Match(p, rel); !ok {
				return nil
			}
			sub, err := s.infos(rel, false)
			out = append(out, sub...)
			return err
		})
		return out, err
	}
	if p == "" {
		p = "."
	}
	real := resolveScoped(s.fs, p)
	fi, err := s.fs.Stat(real)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("file not found in build context or excluded by .dockerignore: stat %s: file does not exist", p)
		}
		return nil, err
	}
	if !fi.IsDir() {
		return []copyInfo{{path: p, hash: "file:" + s.hash(p)}}, nil
	}
	var subs []string
	err = s.fs.Walk(real, func(fp string, _ fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if fp == real {
			return nil
		}
		subs = append(subs, s.hash(strings.TrimPrefix(fp, "/")))
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(subs)
	return []copyInfo{{path: p, hash: hashStrings("dir", subs)}}, nil
}

func hashStrings(prefix string, l []string) string {
	h := sha256.Sum256([]byte(strings.Join(l, ",")))
	return prefix + ":" + hex.EncodeToString(h[:])
}

// sourceHash is the hash of a step's sources: the one source's, or a
// hash of them all.
func sourceHash(infos []copyInfo) string {
	if len(infos) == 1 {
		return infos[0].hash
	}
	var l []string
	for _, i := range infos {
		l = append(l, i.hash)
	}
	return hashStrings("multi", l)
}

// hash is a path's sum: its tarsum in the context (of what a symbolic
// link points to), or in an image the same sum of its header and data.
func (s copySource) hash(rel string) string {
	real := strings.TrimPrefix(resolveScoped(s.fs, rel), "/")
	if real == "" {
		real = "."
	}
	if s.sums != nil {
		if sum, ok := s.sums[real]; ok {
			return sum
		}
		return rel
	}
	fi, err := s.fs.Lstat("/" + real)
	if err != nil {
		return rel
	}
	hdr := &tar.Header{Name: real, Mode: int64(fi.Mode().Perm()), ModTime: fi.ModTime(), Typeflag: tar.TypeReg}
	hdr.Uid, hdr.Gid = ownerOf(fi)
	h := sha256.New()
	switch {
	case fi.IsDir():
		hdr.Typeflag, hdr.Name = tar.TypeDir, real+"/"
	case fi.Mode()&fs.ModeSymlink != 0:
		hdr.Typeflag = tar.TypeSymlink
		hdr.Linkname, _ = s.fs.Readlink("/" + real)
	default:
		hdr.Size = fi.Size()
	}
	writeTarsumHeader(h, hdr)
	if hdr.Typeflag == tar.TypeReg {
		data, _ := s.fs.ReadFile("/" + real)
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// resolveScoped resolves p's symbolic links (the last one too) with the
// root of fsys as "/", like moby's FollowSymlinkInScope.
func resolveScoped(fsys *memfs.FS, p string) string {
	parts := strings.Split(strings.Trim(path.Clean("/"+p), "/"), "/")
	cur := "/"
	for hops := 0; len(parts) > 0; {
		comp := parts[0]
		parts = parts[1:]
		switch comp {
		case "", ".":
			continue
		case "..":
			cur = path.Dir(cur)
			continue
		}
		next := path.Join(cur, comp)
		target, err := fsys.Readlink(next)
		if err != nil || hops >= 40 {
			cur = next
			continue
		}
		hops++
		if path.IsAbs(target) {
			cur = "/"
		}
		parts = append(strings.Split(strings.Trim(target, "/"), "/"), parts...)
	}
	return cur
}

// copyInfo copies one source into work at dest (moby's
// performCopyForInfo): a directory's contents, an archive unpacked (ADD),
// else a file.
func (b *builder) copyInfo(src copySource, info copyInfo, work *memfs.FS, dest string, own *owner, decompress bool) error {
	srcPath := resolveScoped(src.fs, info.path)
	fi, err := src.fs.Stat(srcPath)
	if err != nil {
		return err
	}
	destPath := resolveScoped(work, dest)
	if fi.IsDir() {
		return copyDirContents(src.fs, srcPath, work, destPath, own)
	}
	if decompress && isArchiveFile(b.ctx, src.fs, srcPath) {
		return b.untarInto(src.fs, srcPath, work, destPath)
	}
	if dfi, err := work.Stat(destPath); strings.HasSuffix(dest, "/") || err == nil && dfi.IsDir() {
		destPath = path.Join(destPath, path.Base(info.path))
	}
	return copyFile(src.fs, srcPath, fi, work, destPath, own)
}

// mkdirAllOwned makes dir and its missing parents (0755), the new ones
// owned by own when given.
func mkdirAllOwned(fsys *memfs.FS, dir string, own *owner) error {
	cur := "/"
	for _, c := range strings.Split(strings.Trim(path.Clean(dir), "/"), "/") {
		if c == "" {
			continue
		}
		cur = path.Join(cur, c)
		if _, err := fsys.Stat(cur); err == nil {
			continue
		}
		if err := fsys.Mkdir(cur, 0o755); err != nil {
			return err
		}
		if own != nil {
			if err := fsys.Chown(cur, own.uid, own.gid); err != nil {
				return err
			}
		}
	}
	return nil
}

// copyFile copies one file (what a link points to) to dst, with its mode
// and time, owned by own when given.
func copyFile(srcFS *memfs.FS, src string, fi fs.FileInfo, dstFS *memfs.FS, dst string, own *owner) error {
	if err := mkdirAllOwned(dstFS, path.Dir(dst), own); err != nil {
		return err
	}
	data, err := srcFS.ReadFile(src)
	if err != nil {
		return err
	}
	if lfi, err := dstFS.Lstat(dst); err == nil && !lfi.IsDir() {
		_ = dstFS.Remove(dst)
	} else if err == nil {
		_ = dstFS.RemoveAll(dst)
	}
	if err := dstFS.WriteFile(dst, data, fi.Mode().Perm()); err != nil {
		return err
	}
	if err := dstFS.Chmod(dst, fi.Mode()); err != nil {
		return err
	}
	uid, gid := ownerOf(fi)
	if own != nil {
		uid, gid = own.uid, own.gid
	}
	if err := dstFS.Chown(dst, uid, gid); err != nil {
		return err
	}
	return dstFS.Chtimes(dst, time.Time{}, fi.ModTime().Truncate(time.Second))
}

// ownerOf is the uid and gid memfs keeps of a file.
func ownerOf(fi fs.FileInfo) (int, int) {
	if st, ok := fi.Sys().(*memfs.Stat); ok {
		return st.UID, st.GID
	}
	return 0, 0
}

// copyDirContents copies what the directory src holds into dst (made
// 0755 when missing), through a tar stream as dockerd's CopyWithTar does:
// links stay links, modes and times are kept, owners become own when
// given (dst too when it is new).
func copyDirContents(srcFS *memfs.FS, src string, dstFS *memfs.FS, dst string, own *owner) error {
	_, statErr := dstFS.Stat(dst)
	if err := dstFS.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	if own != nil && statErr != nil {
		if err := dstFS.Chown(dst, own.uid, own.gid); err != nil {
			return err
		}
	}
	prefix := ""
	if src != "/" {
		prefix = path.Base(src) + "/"
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(srcFS.WriteTar(pw, src)) }()
	tr, tw := io.Pipe()
	go func() {
		tw.CloseWithError(retarred(pr, tw, prefix, own))
		_, _ = io.Copy(io.Discard, pr)
	}()
	err := dstFS.ExtractTar(tr, dst, false)
	tr.CloseWithError(io.ErrClosedPipe)
	return err
}

// retarred copies the tar stream r to w without the prefix of its names
// (and without the entry of the prefix itself), owners set to own.
func retarred(r io.Reader, w io.Writer, prefix string, own *owner) error {
	in := tar.NewReader(r)
	out := tar.NewWriter(w)
	for {
		hdr, err := in.Next()
		if err == io.EOF {
			return out.Close()
		}
		if err != nil {
			return err
		}
		if prefix != "" {
			if hdr.Name == prefix || !strings.HasPrefix(hdr.Name, prefix) {
				continue
			}
			hdr.Name = strings.TrimPrefix(hdr.Name, prefix)
			if hdr.Typeflag == tar.TypeLink {
				hdr.Linkname = strings.TrimPrefix(hdr.Linkname, prefix)
			}
		}
		if own != nil {
			hdr.Uid, hdr.Gid = own.uid, own.gid
		}
		if err := out.WriteHeader(hdr); err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			return err
		}
	}
}

// isArchiveFile reports whether ADD unpacks the file: a tar, maybe
// compressed, with at least one entry.
func isArchiveFile(ctx context.Context, fsys *memfs.FS, p string) bool {
	f, err := fsys.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	rc, err := decompressStream(ctx, f)
	if err != nil {
		return false
	}
	defer rc.Close()
	_, err = tar.NewReader(rc).Next()
	return err == nil
}

// untarInto unpacks the archive src into the directory dst (made when
// missing), keeping the owners it records.
func (b *builder) untarInto(srcFS *memfs.FS, src string, dstFS *memfs.FS, dst string) error {
	f, err := srcFS.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	rc, err := decompressStream(b.ctx, f)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := dstFS.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	return dstFS.ExtractTar(rc, dst, false)
}

// parseChown reads --chown's user[:group] (a group defaults to the user's
// name) through the image's /etc/passwd and /etc/group.
func (b *builder) parseChown(work *memfs.FS, chown string) (*owner, error) {
	parts := strings.Split(chown, ":")
	if len(parts) > 2 {
		return nil, errors.New("invalid chown string format: " + chown)
	}
	user, group := parts[0], parts[0]
	if len(parts) == 2 {
		group = parts[1]
	}
	root := "/var/lib/docker/overlay2/" + strings.TrimPrefix(b.d.newID(), "sha256:") + "/merged"
	lookup := func(name, file string) (int, error) {
		if n, err := strconv.Atoi(name); err == nil {
			return n, nil
		}
		data, err := work.ReadFile(resolveScoped(work, file))
		if err != nil {
			return 0, fmt.Errorf("open %s%s: no such file or directory", root, file)
		}
		for _, line := range strings.Split(string(data), "\n") {
			f := strings.Split(line, ":")
			if len(f) > 2 && f[0] == name {
				if n, err := strconv.Atoi(f[2]); err == nil {
					return n, nil
				}
			}
		}
		what := "user"
		if file == "/etc/group" {
			what = "group"
		}
		return 0, fmt.Errorf("no such %s: %s", what, name)
	}
	uid, err := lookup(user, "/etc/passwd")
	if err != nil {
		return nil, fmt.Errorf("can't find uid for user %s: %w", user, err)
	}
	gid, err := lookup(group, "/etc/group")
	if err != nil {
		return nil, fmt.Errorf("can't find gid for group %s: %w", group, err)
	}
	return &owner{uid, gid}, nil
}
