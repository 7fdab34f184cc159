package mockdaemon

import (
	"bytes"
	"fmt"
	"maps"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
)

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
// and the cgroup memory files, then the working directory; d.mu held.
func (d *Daemon) prepareRootfsLocked(c *container) {
	f := c.fs
	_ = f.MkdirAll("/etc", 0o755)
	_ = f.WriteFile("/etc/hostname", []byte(c.config.Hostname+"\n"), 0o644)
	_ = f.WriteFile("/etc/hosts", []byte(d.hostsFileLocked(c)), 0o644)
	_ = f.WriteFile("/etc/resolv.conf", []byte(resolvConf(c)), 0o644)
	_ = f.MkdirAll("/proc", 0o555)
	_ = f.WriteFile("/proc/mounts", []byte(d.procMountsLocked(c)), 0o444)
	d.writeNetFilesLocked(c)
	d.writeCgroupFilesLocked(c)
	c.base = c.fs.Clone()
	// dockerd makes the working directory in the container's own layer
	// (a change, and part of a commit), not in its init layer.
	if wd := c.config.WorkingDir; wd != "" {
		_ = f.MkdirAll(wd, 0o755)
	}
	if c.host.ReadonlyRootfs {
		f.SetReadOnly(true)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	ks := slices.Collect(maps.Keys(m))
	sort.Strings(ks)
	return ks
}

// writeNetFilesLocked writes /etc/hosts and /sys/class/net: lo and one
// ethN per endpoint of the running container.
func (d *Daemon) writeNetFilesLocked(c *container) {
	f := c.fs
	ro := c.host.ReadonlyRootfs
	if ro {
		f.SetReadOnly(false)
		defer f.SetReadOnly(true)
	}
	_ = f.WriteFile("/etc/hosts", []byte(d.hostsFileLocked(c)), 0o644)
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
		if !ep.active || ep.network.driver == "null" || ep.network.driver == "host" {
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

// hiddenFromDiff are the paths the daemon itself writes.
var hiddenFromDiff = []string{"/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/sys", "/proc", "/dev"}

// changesLocked lists c's changes to its image: what the daemon writes
// is no change (nor does it make the directory holding it changed, as
// dockerd keeps those files in the init layer), nor what is in a mount;
// d.mu held.
func (d *Daemon) changesLocked(c *container) []memfs.Change {
	under := func(p, dir string) bool { return p == dir || strings.HasPrefix(p, dir+"/") }
	var out []memfs.Change
	for _, ch := range memfs.DiffSkip(c.base, c.fs, func(p string) bool {
		return slices.ContainsFunc(hiddenFromDiff, func(h string) bool { return under(p, h) })
	}) {
		if !slices.ContainsFunc(c.mounts, func(m mountPoint) bool { return under(ch.Path, m.Destination) }) {
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
