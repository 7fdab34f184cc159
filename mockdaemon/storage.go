package mockdaemon

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"maps"
	"net/http"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
)

func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(io.LimitReader(zr, 1<<30))
}

func pathMatch(pat, s string) (bool, error) { return path.Match(pat, s) }

// binds are host paths bound into containers: one shared FS per path.
func (d *Daemon) bindFSLocked(src string) *memfs.FS {
	if d.binds == nil {
		d.binds = map[string]*memfs.FS{}
	}
	if f, ok := d.binds[src]; ok {
		return f
	}
	f := memfs.New()
	f.SetClock(d.cfg.Clock)
	if d.cfg.HostBinds {
		seedFromHost(src, f)
	}
	d.binds[src] = f
	return f
}

// setupMountsLocked makes c's volumes, binds and tmpfs mounts; d.mu held.
func (d *Daemon) setupMountsLocked(c *container) error {
	type want struct {
		typ, src, dst, opts string
		ro                  bool
	}
	var wants []want
	seen := map[string]bool{}
	add := func(w want) error {
		w.dst = path.Clean(w.dst)
		if !path.IsAbs(w.dst) {
			return errInvalid(fmt.Sprintf("invalid mount config for type %q: invalid mount path: '%s' mount path must be absolute", w.typ, w.dst))
		}
		if seen[w.dst] {
			return errInvalid("Duplicate mount point: " + w.dst)
		}
		seen[w.dst] = true
		wants = append(wants, w)
		return nil
	}
	for _, b := range c.host.Binds {
		parts := strings.Split(b, ":")
		if len(parts) < 2 {
			return errInvalid("invalid volume specification: '" + b + "'")
		}
		w := want{src: parts[0], dst: parts[1]}
		if len(parts) > 2 {
			w.ro = slices.Contains(strings.Split(parts[2], ","), "ro")
		}
		w.typ = "volume"
		if strings.HasPrefix(w.src, "/") {
			w.typ = "bind"
		}
		if err := add(w); err != nil {
			return err
		}
	}
	for _, m := range c.host.Mounts {
		typ := m.Type
		if typ == "" {
			typ = "volume"
		}
		if typ != "volume" && typ != "bind" && typ != "tmpfs" {
			return errInvalid("mount type unknown")
		}
		if typ == "bind" && m.Source == "" {
			return errInvalid("invalid mount config for type \"bind\": field Source must not be empty")
		}
		if err := add(want{typ: typ, src: m.Source, dst: m.Target, ro: m.ReadOnly, opts: tmpfsMountOpts(m.TmpfsOptions)}); err != nil {
			return err
		}
	}
	for _, dst := range sortedKeys(c.host.Tmpfs) {
		o := c.host.Tmpfs[dst]
		ro := slices.Contains(strings.Split(o, ","), "ro")
		if err := add(want{typ: "tmpfs", dst: dst, opts: o, ro: ro}); err != nil {
			return err
		}
	}
	var vols []string
	for v := range c.config.Volumes {
		vols = append(vols, v)
	}
	sort.Strings(vols)
	for _, v := range vols {
		if !seen[path.Clean(v)] {
			if err := add(want{typ: "volume", dst: v}); err != nil {
				return err
			}
		}
	}
	for _, w := range wants {
		mp := mountPoint{Type: w.typ, Destination: w.dst, RW: !w.ro, Mode: "", Propagation: "", opts: w.opts}
		var src *memfs.FS
		switch w.typ {
		case "volume":
			anon := w.src == ""
			name := w.src
			if anon {
				name = d.newID()
			}
			v := d.createVolumeLocked(name, nil, nil, anon)
			if anon && !v.anonymous {
				v.anonymous = true
			}
			mp.Name, mp.Driver = v.name, "local"
			mp.Source = "/var/lib/docker/volumes/" + v.name + "/_data"
			mp.anonymous = v.anonymous
			mp.Mode = "z"
			if w.ro {
				mp.Mode = "ro"
			}
			if ents, _ := v.fs.ReadDir("/"); len(ents) == 0 {
				// a new volume is seeded with the image's content at its path
				if st, err := c.fs.Stat(w.dst); err == nil && st.IsDir() {
					_ = copyTree(c.fs, w.dst, v.fs)
				}
			}
			src = v.fs
		case "bind":
			mp.Source = w.src
			mp.Propagation = "rprivate"
			src = d.bindFSLocked(w.src)
		case "tmpfs":
			src = memfs.New()
			src.SetClock(d.cfg.Clock)
		}
		if err := c.fs.MkdirAll(w.dst, 0o755); err != nil {
			return errInternal("mockdaemon: mount " + w.dst + ": " + err.Error())
		}
		if err := c.fs.Mount(w.dst, src, w.ro); err != nil {
			return errInternal("mockdaemon: mount " + w.dst + ": " + err.Error())
		}
		c.mounts = append(c.mounts, mp)
	}
	return nil
}

// copyTree copies the contents of dir in src to the root of dst.
func copyTree(src *memfs.FS, dir string, dst *memfs.FS) error {
	ents, err := src.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		var buf bytes.Buffer
		if err := src.WriteTar(&buf, path.Join(dir, e.Name())); err != nil {
			return err
		}
		if err := dst.ExtractTar(&buf, "/", false); err != nil {
			return err
		}
	}
	return nil
}

// prepareRootfsLocked writes the files the daemon provides in every
// container: /etc/hostname, /etc/hosts, /etc/resolv.conf, /sys/class/net
// and the cgroup memory files; d.mu held.
func (d *Daemon) prepareRootfsLocked(c *container) {
	f := c.fs
	_ = f.MkdirAll("/etc", 0o755)
	_ = f.WriteFile("/etc/hostname", []byte(c.config.Hostname+"\n"), 0o644)
	_ = f.WriteFile("/etc/hosts", []byte(d.hostsFileLocked(c)), 0o644)
	_ = f.WriteFile("/etc/resolv.conf", []byte(resolvConf(c)), 0o644)
	_ = f.MkdirAll("/proc", 0o555)
	_ = f.WriteFile("/proc/mounts", []byte(d.procMountsLocked(c)), 0o444)
	if wd := c.config.WorkingDir; wd != "" {
		_ = f.MkdirAll(wd, 0o755)
	}
	d.writeNetFilesLocked(c)
	d.writeCgroupFilesLocked(c)
	c.base = c.fs.Clone()
	if c.host.ReadonlyRootfs {
		f.SetReadOnly(true)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	ks := slices.Collect(maps.Keys(m))
	sort.Strings(ks)
	return ks
}

// writeNetFilesLocked writes /sys/class/net: lo and one ethN per network.
func (d *Daemon) writeNetFilesLocked(c *container) {
	f := c.fs
	ro := c.host.ReadonlyRootfs
	if ro {
		f.SetReadOnly(false)
		defer f.SetReadOnly(true)
	}
	_ = f.RemoveAll("/sys/class/net")
	_ = f.MkdirAll("/sys/class/net/lo", 0o755)
	write := func(dir string, files map[string]string) {
		_ = f.MkdirAll(dir, 0o755)
		for _, k := range sortedKeys(files) {
			_ = f.WriteFile(dir+"/"+k, []byte(files[k]+"\n"), 0o444)
		}
	}
	write("/sys/class/net/lo", sysNetFiles("00:00:00:00:00:00", 65536, 1, 1, true))
	i := 0
	for _, name := range c.netOrder() {
		ep := c.eps[name]
		if ep.network.driver == "null" || ep.network.driver == "host" {
			continue
		}
		// veth pairs: the container's end links to the host's, numbered after it
		write("/sys/class/net/eth"+strconv.Itoa(i), sysNetFiles(ep.mac, mtuOf(ep.network), 2*i+10, 2*i+11, false))
		i++
	}
}

// writeCgroupFilesLocked writes the memory limit files (cgroup v1 and v2).
func (d *Daemon) writeCgroupFilesLocked(c *container) {
	f := c.fs
	if c.host.ReadonlyRootfs {
		f.SetReadOnly(false)
		defer f.SetReadOnly(true)
	}
	v1, v2 := "9223372036854771712", "max"
	if c.host.Memory > 0 {
		v1 = strconv.FormatInt(c.host.Memory, 10)
		v2 = v1
	}
	_ = f.MkdirAll("/sys/fs/cgroup/memory", 0o755)
	_ = f.WriteFile("/sys/fs/cgroup/memory/memory.limit_in_bytes", []byte(v1+"\n"), 0o644)
	_ = f.WriteFile("/sys/fs/cgroup/memory.max", []byte(v2+"\n"), 0o644)
}

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

// archivePath resolves ?path= for archive requests.
func archivePath(r *http.Request) (string, error) {
	p := r.URL.Query().Get("path")
	if p == "" {
		return "", errInvalid("path is empty")
	}
	return p, nil
}

func fsErr(c *container, p string, err error) error {
	if errors.Is(err, iofs.ErrNotExist) {
		return errNotFound("Could not find the file " + p + " in container " + strings.TrimPrefix(c.name, "/"))
	}
	if errors.Is(err, syscall.EROFS) {
		return errForbidden("container rootfs is marked read-only")
	}
	if oe := (*memfs.OverwriteError)(nil); errors.As(err, &oe) {
		// dockerd's chrooted unpacker reports it through its exit status
		return errInternal("Error processing tar file(exit status 1): " + oe.Reason())
	}
	if errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.EISDIR) {
		return errInvalid(err.Error())
	}
	return errInternal(err.Error())
}

func errForbidden(msg string) error { return &apiError{http.StatusForbidden, msg} }

// statForArchive stats p the way the daemon does (following a final link
// only when p ends in "/." or "/").
func statForArchive(c *container, p string) (string, iofs.FileInfo, string, error) {
	abs := p
	if !path.IsAbs(abs) {
		abs = path.Join(workDir(c.config.WorkingDir), abs)
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

func (d *Daemon) archiveHead(w http.ResponseWriter, r *http.Request) {
	p, err := archivePath(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	c, err := d.getContainer(r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	_, fi, link, err := statForArchive(c, p)
	if err != nil {
		writeError(w, r, fsErr(c, p, err))
		return
	}
	w.Header().Set("X-Docker-Container-Path-Stat", pathStatHeader(path.Base(p), fi, link))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
}

func (d *Daemon) archiveGet(w http.ResponseWriter, r *http.Request) {
	p, err := archivePath(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	c, err := d.getContainer(r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	abs, fi, link, err := statForArchive(c, p)
	if err != nil {
		writeError(w, r, fsErr(c, p, err))
		return
	}
	var buf bytes.Buffer
	if err := c.fs.WriteTar(&buf, abs); err != nil {
		writeError(w, r, fsErr(c, p, err))
		return
	}
	w.Header().Set("X-Docker-Container-Path-Stat", pathStatHeader(path.Base(p), fi, link))
	w.Header().Set("Content-Type", "application/x-tar")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

func (d *Daemon) archivePut(w http.ResponseWriter, r *http.Request) {
	p, err := archivePath(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	c, err := d.getContainer(r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	abs := p
	if !path.IsAbs(abs) {
		abs = path.Join(workDir(c.config.WorkingDir), abs)
	}
	fi, err := c.fs.Stat(abs)
	if err != nil {
		writeError(w, r, fsErr(c, p, err))
		return
	}
	if !fi.IsDir() {
		writeError(w, r, errInvalid("extraction point is not a directory"))
		return
	}
	if c.host.ReadonlyRootfs {
		writeError(w, r, errForbidden("container rootfs is marked read-only"))
		return
	}
	if err := c.fs.ExtractTar(r.Body, abs, boolParam(r, "noOverwriteDirNonDir")); err != nil {
		writeError(w, r, fsErr(c, p, err))
		return
	}
	d.events.emit("container", "extract-to-dir", c.id, c.eventAttrs())
	w.WriteHeader(http.StatusOK)
}

func (d *Daemon) containerExport(w http.ResponseWriter, r *http.Request) {
	c, err := d.getContainer(r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := c.fs.Snapshot(&buf); err != nil {
		writeError(w, r, errInternal(err.Error()))
		return
	}
	d.events.emit("container", "export", c.id, c.eventAttrs())
	w.Header().Set("Content-Type", "application/x-tar")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

// hiddenFromDiff are the paths the daemon itself writes.
var hiddenFromDiff = []string{"/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/sys", "/proc", "/dev"}

func (d *Daemon) changesLocked(c *container) []memfs.Change {
	var out []memfs.Change
	for _, ch := range memfs.Diff(c.base, c.fs) {
		hidden := false
		for _, h := range hiddenFromDiff {
			if ch.Path == h || strings.HasPrefix(ch.Path, h+"/") {
				hidden = true
			}
		}
		for _, m := range c.mounts {
			if ch.Path == m.Destination || strings.HasPrefix(ch.Path, m.Destination+"/") {
				hidden = true
			}
		}
		if !hidden {
			out = append(out, ch)
		}
	}
	return out
}

// sizeRwLocked is the size of c's writable layer like dockerd's: the
// bytes of the regular files and symlinks it added or changed relative
// to its image (mounts and the daemon's /etc files excluded); d.mu held.
func (d *Daemon) sizeRwLocked(c *container) int64 {
	var n int64
	for _, ch := range d.changesLocked(c) {
		if ch.Kind == memfs.Deleted {
			continue
		}
		if fi, err := c.fs.Lstat(ch.Path); err == nil && !fi.IsDir() {
			n += fi.Size()
		}
	}
	return n
}

func (d *Daemon) containerChanges(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	c, err := d.getContainerLocked(r.PathValue("id"))
	var chs []memfs.Change
	if err == nil {
		chs = d.changesLocked(c)
	}
	d.mu.Unlock()
	if err != nil {
		writeError(w, r, err)
		return
	}
	out := []any{}
	for _, ch := range chs {
		out = append(out, map[string]any{"Path": ch.Path, "Kind": int(ch.Kind)})
	}
	writeJSON(w, http.StatusOK, out)
}

// commit makes an image from a container: its config (with the body's
// overrides and the changes) over one layer holding its filesystem.
func (d *Daemon) commit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var body containerConfig
	if err := decodeBody(r, &body); err != nil {
		writeError(w, r, err)
		return
	}
	var ref imageRef
	if repo := q.Get("repo"); repo != "" {
		s := repo
		if tag := q.Get("tag"); tag != "" {
			s += ":" + tag
		}
		var err error
		if ref, err = parseRef(s, true); err != nil {
			writeError(w, r, err)
			return
		}
	}
	d.mu.Lock()
	c, err := d.getContainerLocked(q.Get("container"))
	if err != nil {
		d.mu.Unlock()
		writeError(w, r, err)
		return
	}
	parent := d.images.byID[c.imageID]
	var f imageFile
	if parent != nil {
		f = parent.file
		f.History = slices.Clone(parent.file.History)
	}
	f.Architecture, f.OS = goArch(), "linux"
	f.Created = d.now()
	f.Author = q.Get("author")
	f.Comment = q.Get("comment")
	cc := c.config
	f.Config = imageConfig{User: cc.User, ExposedPorts: cc.ExposedPorts, Env: cc.Env, Cmd: cc.Cmd, Entrypoint: cc.Entrypoint, Volumes: cc.Volumes, WorkingDir: cc.WorkingDir, Labels: maps.Clone(cc.Labels), StopSignal: cc.StopSignal, OnBuild: cc.OnBuild}
	if body.Cmd != nil {
		f.Config.Cmd = body.Cmd
	}
	if body.Entrypoint != nil {
		f.Config.Entrypoint = body.Entrypoint
	}
	if body.Env != nil {
		f.Config.Env = body.Env
	}
	if body.Labels != nil {
		f.Config.Labels = body.Labels
	}
	if body.WorkingDir != "" {
		f.Config.WorkingDir = body.WorkingDir
	}
	if body.User != "" {
		f.Config.User = body.User
	}
	for _, ch := range q["changes"] {
		for _, line := range strings.Split(ch, "\n") {
			if err := applyChange(&f.Config, line); err != nil {
				d.mu.Unlock()
				writeError(w, r, err)
				return
			}
		}
	}
	f.History = append(f.History, historyEntry{Created: f.Created, CreatedBy: strings.Join(append([]string{c.path}, c.args...), " "), Comment: f.Comment, Author: f.Author})
	fsys := c.fs
	d.mu.Unlock()

	var buf bytes.Buffer
	if err := fsys.Snapshot(&buf); err != nil {
		writeError(w, r, errInternal(err.Error()))
		return
	}
	data := buf.Bytes()
	lay := layer{data: data, diffID: digestOf(data)}
	d.mu.Lock()
	im, err := d.images.build(f, []layer{lay})
	if err == nil {
		im.parent = c.imageID
		im = d.images.put(im)
		if ref.tag != "" {
			d.images.tag(im, ref)
		}
	}
	d.mu.Unlock()
	if err != nil {
		writeError(w, r, errInternal(err.Error()))
		return
	}
	d.events.emit("container", "commit", c.id, mergeAttrs(c.eventAttrs(), "comment", f.Comment))
	writeJSON(w, http.StatusCreated, map[string]any{"Id": im.id})
}
