package mockdaemon

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/netip"
	"os"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
	"github.com/dockwire/dockwire/mockdaemon/internal/shell"
)

// bindFSLocked is the in-memory stand-in of the host path src bound into
// containers when the daemon does not bind the host (Config.HostBinds
// unset): one shared FS per path.
func (d *Daemon) bindFSLocked(src string) *memfs.FS {
	if d.binds == nil {
		d.binds = map[string]*memfs.FS{}
	}
	if f, ok := d.binds[src]; ok {
		return f
	}
	f := memfs.New()
	f.SetClock(d.cfg.Clock)
	d.binds[src] = f
	return f
}

// setupMountsLocked makes c's mount points as dockerd's
// registerMountPoints does, then mounts them with the tmpfs mounts of
// HostConfig.Tmpfs; d.mu held. One destination holds one mount point: the
// volumes of VolumesFrom, then Binds and Mounts (a destination twice
// among these is an error), then the container's own Volumes where
// nothing is mounted yet.
func (d *Daemon) setupMountsLocked(c *container, ver apiVersion) error {
	points := map[string]mountPoint{}
	// 1. the mount points of the containers of VolumesFrom
	for _, spec := range c.host.VolumesFrom {
		id, mode, err := parseVolumesFrom(spec)
		if err != nil {
			return err
		}
		from, err := d.getContainerLocked(id)
		if err != nil {
			return errInvalid(err.Error()) // dockerd checks them with the HostConfig: a 400
		}
		for _, m := range from.mounts {
			if m.hidden {
				continue
			}
			m.RW = m.RW && mountModeRW(mode)
			m.Mode = ""
			m.noCopy = true
			points[m.Destination] = m
		}
	}
	// 2. Binds, 3. Mounts
	taken := map[string]bool{}
	for _, raw := range c.host.Binds {
		m, err := parseBind(raw)
		if err != nil {
			if !ver.atLeast("1.42") {
				return errInternal(err.Error()) // untyped on dockerd 20.10: a 500
			}
			return errInvalid(err.Error())
		}
		if err := bindDaemonRoot(&m); err != nil {
			return err
		}
		if _, tmpfs := c.host.Tmpfs[m.Destination]; taken[m.Destination] || tmpfs {
			return errInvalid("Duplicate mount point: " + m.Destination)
		}
		taken[m.Destination] = true
		points[m.Destination] = m
	}
	for _, spec := range c.host.Mounts {
		m, err := d.mountSpecPoint(spec)
		if err != nil {
			return err
		}
		if err := bindDaemonRoot(&m); err != nil {
			return err
		}
		if taken[m.Destination] {
			return errInvalid("Duplicate mount point: " + spec.Target)
		}
		taken[m.Destination] = true
		points[m.Destination] = m
	}
	// 4. the image's and the request's Volumes, anonymous
	for _, dst := range sortedKeys(c.config.Volumes) {
		dst = path.Clean(dst)
		if _, ok := points[dst]; !ok && path.IsAbs(dst) {
			points[dst] = mountPoint{Type: "volume", Destination: dst, RW: true, anonymous: true, pathOnly: true}
		}
	}
	for _, dst := range sortedKeys(c.host.Tmpfs) {
		o := c.host.Tmpfs[dst]
		dst = path.Clean(dst)
		if !path.IsAbs(dst) || dst == "/" {
			return errInvalid(fmt.Sprintf("invalid tmpfs destination %q", dst))
		}
		points[dst] = mountPoint{Type: "tmpfs", Destination: dst, RW: !slices.Contains(strings.Split(o, ","), "ro"), opts: o, hidden: true}
	}
	// parents before what they hold, as dockerd sorts them
	dsts := slices.Collect(maps.Keys(points))
	slices.SortFunc(dsts, func(a, b string) int {
		if n, m := strings.Count(a, "/"), strings.Count(b, "/"); n != m {
			return n - m
		}
		return strings.Compare(a, b)
	})
	for _, dst := range dsts {
		m, err := d.attachMountLocked(c, points[dst], ver)
		if err != nil {
			return err
		}
		c.mounts = append(c.mounts, m)
	}
	return nil
}

// attachMountLocked mounts m in c's root filesystem: a volume (made, and
// seeded with the image's content at its destination, when new), a bind
// of a host directory or a new tmpfs; d.mu held.
func (d *Daemon) attachMountLocked(c *container, m mountPoint, ver apiVersion) (mountPoint, error) {
	var src *memfs.FS
	switch m.Type {
	case "volume":
		v, ok := d.volumes[m.Name]
		if !ok {
			var err error
			if v, err = d.createVolumeLocked(m.Name, m.Driver, m.volLabels, m.volOpts, ver); err != nil {
				return m, err
			}
		}
		// dockerd's volume service logs a create for every volume a
		// container's mount asks for, one that exists too
		d.events.emit("volume", "create", v.name, map[string]string{"driver": v.driver})
		m.Name, m.Driver = v.name, v.driver
		m.Source = "/var/lib/docker/volumes/" + v.name + "/_data"
		m.anonymous = v.anonymous
		if ents, _ := v.fs.ReadDir("/"); len(ents) == 0 && !m.noCopy {
			// a new volume is seeded with the image's content at its path
			if st, err := c.fs.Stat(m.Destination); err == nil && st.IsDir() {
				_ = copyTree(c.fs, m.Destination, v.fs)
			}
		}
		src = v.fs
	case "bind":
		if d.cfg.HostBinds {
			return mountHostLocked(c, m)
		}
		src = d.bindFSLocked(m.Source)
	case "tmpfs":
		src = memfs.New()
		src.SetClock(d.cfg.Clock)
		_ = src.Chmod("/", tmpfsMode(m.opts))
	}
	for p := m.Destination; p != "/"; p = path.Dir(p) {
		if _, err := c.fs.Lstat(p); err != nil {
			m.made = append(m.made, p)
		}
	}
	if err := c.fs.MkdirAll(m.Destination, 0o755); err != nil {
		return mountFailed(c, m, err)
	}
	if err := c.fs.Mount(m.Destination, src, !m.RW); err != nil {
		return m, errInternal("mockdaemon: mount " + m.Destination + ": " + err.Error())
	}
	return m, nil
}

// tmpfsMode is the mode of a tmpfs mount's root: its mode= option
// (octal), else the kernel's default, 1777 (anyone may write, only the
// owner remove, as in /tmp).
func tmpfsMode(opts string) fs.FileMode {
	for o := range strings.SplitSeq(opts, ",") {
		if v, ok := strings.CutPrefix(o, "mode="); ok {
			if n, err := strconv.ParseUint(v, 8, 32); err == nil {
				m := fs.FileMode(n) & fs.ModePerm
				if n&0o1000 != 0 {
					m |= fs.ModeSticky
				}
				return m
			}
		}
	}
	return fs.ModeSticky | 0o777
}

// validVolumeName is the name a local volume may have.
var validVolumeName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]+$`)

// parseBind reads a Binds entry ([source:]destination[:mode]) as dockerd's
// Linux parser does: an absolute source is a bind of a host directory,
// another a named volume, none an anonymous volume; the mode is kept as
// given ("z" for a volume with none).
func parseBind(raw string) (mountPoint, error) {
	bad := errors.New("invalid volume specification: '" + raw + "'")
	arr := strings.SplitN(raw, ":", 4)
	if arr[0] == "" {
		return mountPoint{}, bad
	}
	spec := mountSpec{}
	mode := ""
	switch len(arr) {
	case 1:
		spec.Target = arr[0]
	case 2:
		if validMountMode(arr[1]) { // a destination and a mode, no source
			return mountPoint{}, bad
		}
		spec.Source, spec.Target = arr[0], arr[1]
	case 3:
		spec.Source, spec.Target, mode = arr[0], arr[1], arr[2]
	default:
		return mountPoint{}, bad
	}
	if !validMountMode(mode) {
		return mountPoint{}, errors.New("invalid mode: " + mode)
	}
	spec.Type = "volume"
	if path.IsAbs(spec.Source) {
		spec.Type = "bind"
	}
	spec.ReadOnly = !mountModeRW(mode)
	m, err := checkMountSpec(spec, false, false)
	if err != nil {
		return mountPoint{}, fmt.Errorf("invalid volume specification: '%s': %w", raw, err)
	}
	m.Mode = mode
	if m.Type == "bind" && mountModeHas(mode, propagationModes) {
		m.Propagation = mountModeFirst(mode, propagationModes)
		m.propGiven = true
	}
	if m.Type == "volume" {
		m.noCopy = slices.Contains(strings.Split(mode, ","), "nocopy")
		if m.Mode == "" {
			m.Mode = "z"
		}
	}
	return m, nil
}

// mountSpecPoint is the mount point of a Mounts entry, checked (bind
// sources exist) when the create checks HostConfig.
func (d *Daemon) mountSpecPoint(spec mountSpec) (mountPoint, error) {
	m, err := checkMountSpec(spec, true, d.cfg.HostBinds)
	if err != nil {
		return mountPoint{}, errInvalid(err.Error())
	}
	if m.Type == "volume" {
		m.Mode = "z"
	}
	return m, nil
}

// checkMountSpec checks a mount as dockerd's ValidateMountConfig does (a
// bind's source must exist on the host, when checkSource and hostBinds),
// and gives its mount point.
func checkMountSpec(spec mountSpec, checkSource, hostBinds bool) (mountPoint, error) {
	fail := func(msg string) (mountPoint, error) {
		return mountPoint{}, fmt.Errorf("invalid mount config for type %q: %s", spec.Type, msg)
	}
	target := path.Clean(spec.Target)
	switch {
	case spec.Target == "":
		return fail("field Target must not be empty")
	case target == "/":
		return fail("invalid specification: destination can't be '/'")
	case !path.IsAbs(spec.Target):
		return fail("invalid mount path: '" + spec.Target + "' mount path must be absolute")
	}
	m := mountPoint{Type: spec.Type, Destination: target, RW: !spec.ReadOnly}
	var bind struct {
		Propagation  string
		NonRecursive bool
	}
	var vol struct {
		NoCopy       bool
		Labels       map[string]string
		DriverConfig *struct {
			Name    string
			Options map[string]string
		}
	}
	switch spec.Type {
	case "bind":
		if spec.Source == "" {
			return fail("field Source must not be empty")
		}
		if given(spec.BindOptions) {
			if err := json.Unmarshal(spec.BindOptions, &bind); err != nil {
				return fail(err.Error())
			}
			if bind.Propagation != "" && !propagationModes[bind.Propagation] {
				return fail("invalid propagation mode: " + bind.Propagation)
			}
		}
		if given(spec.VolumeOptions) {
			return fail("field VolumeOptions must not be specified")
		}
		if !path.IsAbs(spec.Source) {
			return fail("invalid mount path: '" + spec.Source + "' mount path must be absolute")
		}
		if checkSource && hostBinds {
			if _, err := os.Stat(spec.Source); err != nil {
				return fail("bind source path does not exist: " + spec.Source)
			}
		}
		m.Source = path.Clean(spec.Source)
		m.Propagation = "rprivate"
		m.nonRec = bind.NonRecursive
		if bind.Propagation != "" {
			m.Propagation = bind.Propagation
			m.propGiven = true
		}
	case "volume":
		if given(spec.BindOptions) {
			return fail("field BindOptions must not be specified")
		}
		if given(spec.VolumeOptions) {
			if err := json.Unmarshal(spec.VolumeOptions, &vol); err != nil {
				return fail(err.Error())
			}
		}
		m.Name = spec.Source
		m.anonymous = spec.Source == ""
		m.noCopy = vol.NoCopy
		m.volLabels = vol.Labels
		if vol.DriverConfig != nil {
			// the driver is looked up when the volume is made (createVolumeLocked)
			m.Driver, m.volOpts = vol.DriverConfig.Name, vol.DriverConfig.Options
		}
	case "tmpfs":
		if given(spec.BindOptions) {
			return fail("field BindOptions must not be specified")
		}
		if spec.Source != "" {
			return fail("field Source must not be specified")
		}
		m.opts = tmpfsMountOpts(spec.TmpfsOptions)
	default:
		return fail("mount type unknown")
	}
	return m, nil
}

// given reports whether an optional JSON field was sent.
func given(raw json.RawMessage) bool { return len(raw) > 0 && string(raw) != "null" }

// parseVolumesFrom reads a VolumesFrom entry: a container and an optional
// mode (rw when none); propagation and copy modes are refused.
func parseVolumesFrom(spec string) (id, mode string, err error) {
	if spec == "" {
		return "", "", errInvalid("volumes-from specification cannot be an empty string")
	}
	id, mode, _ = strings.Cut(spec, ":")
	if mode == "" {
		return id, "rw", nil
	}
	if !validMountMode(mode) || mountModeHas(mode, propagationModes) || mountModeHas(mode, copyModes) {
		return "", "", errInvalid("invalid mode: " + mode)
	}
	return id, mode, nil
}

// The options of a bind's mode, each kind at most once.
var (
	rwModes          = map[string]bool{"rw": true, "ro": true}
	labelModes       = map[string]bool{"z": true, "Z": true}
	propagationModes = map[string]bool{"private": true, "rprivate": true, "slave": true, "rslave": true, "shared": true, "rshared": true}
	copyModes        = map[string]bool{"nocopy": true}
	consistencyModes = map[string]bool{"consistent": true, "cached": true, "delegated": true}
)

// validMountMode reports whether mode is a valid bind mode: a comma list
// of at most one option of each kind.
func validMountMode(mode string) bool {
	if mode == "" {
		return true
	}
	kinds := []map[string]bool{rwModes, labelModes, propagationModes, copyModes, consistencyModes}
	count := make([]int, len(kinds))
	for o := range strings.SplitSeq(mode, ",") {
		k := slices.IndexFunc(kinds, func(kind map[string]bool) bool { return kind[o] })
		if k < 0 {
			return false
		}
		if count[k]++; count[k] > 1 {
			return false
		}
	}
	return true
}

// mountModeRW reports whether a valid mode leaves the mount writable.
func mountModeRW(mode string) bool {
	return validMountMode(mode) && !slices.Contains(strings.Split(mode, ","), "ro")
}

// mountModeHas reports whether mode has an option of kind.
func mountModeHas(mode string, kind map[string]bool) bool {
	return mountModeFirst(mode, kind) != ""
}

// mountModeFirst is mode's option of kind, "" for none.
func mountModeFirst(mode string, kind map[string]bool) string {
	for o := range strings.SplitSeq(mode, ",") {
		if kind[o] {
			return o
		}
	}
	return ""
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

// prepareRootfsLocked makes c's root filesystem at create: dockerd's init
// layer (/.dockerenv, the mount points of /dev, /proc, /sys and of the
// daemon's files under /etc, /etc/mtab), the working directory, and the
// base its changes are counted from; d.mu held.
func (d *Daemon) prepareRootfsLocked(c *container) {
	f := c.fs
	for _, dir := range []string{"/dev/pts", "/dev/shm", "/etc", "/proc", "/sys"} {
		_ = f.MkdirAll(dir, 0o755)
	}
	for _, p := range append([]string{"/.dockerenv", "/dev/console"}, daemonFiles...) {
		if _, err := f.Lstat(p); err != nil {
			_ = f.WriteFile(p, nil, 0o755)
		}
	}
	if _, err := f.Lstat("/etc/mtab"); err != nil {
		_ = f.Symlink("/proc/mounts", "/etc/mtab")
	}
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

// daemonFiles are the files dockerd writes for a container (in its
// container directory) and mounts in it.
var daemonFiles = []string{"/etc/hostname", "/etc/hosts", "/etc/resolv.conf"}

// writeDaemonFilesLocked binds the host paths missing at create, then
// writes the files the daemon provides in a container that starts: /etc/hostname, /etc/hosts and /etc/resolv.conf,
// mounted from the container's directory at the first start (and kept
// there, as dockerd's archive sees them), then /proc/mounts,
// /sys/class/net and the cgroup memory files; d.mu held.
func (d *Daemon) writeDaemonFilesLocked(c *container) {
	bindMissingLocked(c)
	files := map[string]string{
		"/etc/hostname":    c.config.Hostname + "\n",
		"/etc/hosts":       d.hostsFileLocked(c),
		"/etc/resolv.conf": d.resolvConfLocked(c),
	}
	first := c.etc == nil
	if first {
		c.etc = memfs.New()
		c.etc.SetClock(d.cfg.Clock)
	}
	mounted := map[string]bool{"/etc/hostname": true, "/etc/hosts": c.files.hosts != "", "/etc/resolv.conf": c.files.resolvConf != ""}
	for _, p := range daemonFiles {
		if !mounted[p] { // a container without a network sandbox keeps the image's
			continue
		}
		_ = c.etc.WriteFile(path.Base(p), []byte(files[p]), 0o644)
		if first && !slices.ContainsFunc(c.mounts, func(m mountPoint) bool { return m.Destination == p }) {
			_ = c.fs.Bind(p, c.etc, path.Base(p), c.host.ReadonlyRootfs)
		}
	}
	f := c.fs
	if c.host.ReadonlyRootfs {
		f.SetReadOnly(false)
		defer f.SetReadOnly(true)
	}
	d.setupShmLocked(c)
	_ = f.MkdirAll("/proc", 0o555)
	mounts := d.procMountsLocked(c)
	_ = f.WriteFile("/proc/mounts", []byte(mounts), 0o444)
	c.mountinfo = mountInfo(mounts, func(src, dst, typ string) string { return d.deviceLocked(c, src, dst) })
	d.writeNetFilesLocked(c)
	d.writeCgroupFilesLocked(c)
	d.writeProcSysLocked(c)
}

func sortedKeys[V any](m map[string]V) []string {
	ks := slices.Collect(maps.Keys(m))
	sort.Strings(ks)
	return ks
}

// writeNetFilesLocked writes /etc/hosts (and resolv.conf once the
// embedded DNS server starts) and /sys/class/net: lo and one
// ethN per endpoint of the running container.
func (d *Daemon) writeNetFilesLocked(c *container) {
	f := c.fs
	ro := c.host.ReadonlyRootfs
	if ro {
		f.SetReadOnly(false)
		defer f.SetReadOnly(true)
	}
	if c.etc != nil && c.files.hosts != "" { // the container's hosts file, mounted at /etc/hosts from its first start
		_ = c.etc.WriteFile("hosts", []byte(d.hostsFileLocked(c)), 0o644)
	}
	d.refreshResolvConfLocked(c)
	_ = f.RemoveAll("/sys/class/net")
	_ = f.MkdirAll("/sys/class/net/lo", 0o755)
	write := func(dir string, files map[string]string) {
		_ = f.MkdirAll(dir, 0o755)
		for _, k := range sortedKeys(files) {
			_ = f.WriteFile(dir+"/"+k, []byte(files[k]+"\n"), 0o444)
		}
	}
	ifs := c.interfaces()
	for _, i := range ifs {
		write("/sys/class/net/"+i.Name, sysNetFiles(i.MAC, i.MTU, i.Index, max(i.Link, i.Index), i.Loopback))
	}
	c.netNS().Set(ifs)
	_ = f.MkdirAll("/proc/net", 0o555)
	_ = f.WriteFile("/proc/net/route", []byte(shell.ProcNetRoute(ifs)), 0o444)
	_ = f.WriteFile("/proc/net/dev", []byte(procNetDev(ifs)), 0o444)
}

// netNS is the network namespace c's processes see, made on first use
// and kept up to date by writeNetFilesLocked.
func (c *container) netNS() *shell.Net {
	if c.netns == nil {
		c.netns = shell.NewNet(shell.Loopback())
		c.netns.SetDNS(embeddedServer{c})  // dns.go
		c.netns.SetDialer(c.d.dialFrom(c)) // portproxy.go
	}
	return c.netns
}

// interfaces are c's network interfaces: lo, then one ethN per active
// endpoint in the order the container joined its networks, the
// container's end of a veth pair whose host end is numbered after it;
// it names the endpoints new to the sandbox.
func (c *container) interfaces() []shell.Interface {
	ifs := []shell.Interface{shell.Loopback()}
	if c.nics.sandbox != c.sandboxID { // a new sandbox numbers its interfaces from eth0
		c.nics = nicNames{sandbox: c.sandboxID, byEndpoint: map[string]int{}}
	}
	for _, name := range c.netOrder() {
		ep := c.eps[name]
		if !ep.active || ep.network.driver == "null" || ep.network.driver == "host" {
			continue
		}
		n := ep.network
		i, ok := c.nics.byEndpoint[ep.endpointID]
		if !ok {
			i = c.nics.next
			c.nics.byEndpoint[ep.endpointID] = i
			c.nics.next++
		}
		eth := shell.Interface{Name: "eth" + strconv.Itoa(i), Index: 2*i + 10, Link: 2*i + 11, MAC: ep.mac, MTU: mtuOf(n)}
		if a, err := netip.ParseAddr(ep.ip); err == nil && n.pool4() != nil {
			eth.Addrs = append(eth.Addrs, netip.PrefixFrom(a, n.prefixOf(ep.ip)))
			if !n.internal {
				eth.Gateway = n.pool4().gateway
			}
		}
		if ep.cfg.IPAMConfig != nil { // libnetwork adds them to the interface in 169.254/16
			for _, ll := range ep.cfg.IPAMConfig.LinkLocalIPs {
				if a, err := netip.ParseAddr(ll); err == nil && a.Is4() {
					eth.Addrs = append(eth.Addrs, netip.PrefixFrom(a, 16))
				}
			}
		}
		ifs = append(ifs, eth)
	}
	return ifs
}

// nicNames numbers the interfaces of a sandbox as libnetwork names them:
// ethN with the next N as each endpoint joins, kept while it stays (a
// disconnect renames nothing) and not given again.
type nicNames struct {
	sandbox    string
	byEndpoint map[string]int
	next       int
}

// procNetDev is /proc/net/dev for ifs: no traffic.
func procNetDev(ifs []shell.Interface) string {
	var s strings.Builder
	s.WriteString("Inter-|   Receive                                                |  Transmit\n")
	s.WriteString(" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n")
	for _, i := range ifs {
		fmt.Fprintf(&s, "%6s:%8d %7d %4d %4d %4d %5d %10d %9d %8d %7d %4d %4d %4d %5d %7d %10d\n", i.Name, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
	}
	return s.String()
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
	if !c.hasRun {
		return out
	}
	// the mount points (and their parents) the image lacked, which runc
	// made for the start in the container's layer (the mock makes them at
	// create, in what changes are counted from)
	n := len(out)
	for _, m := range c.mounts {
		for _, p := range m.made {
			if !slices.ContainsFunc(out, func(ch memfs.Change) bool { return ch.Path == p }) {
				out = append(out, memfs.Change{Path: p, Kind: memfs.Added})
			}
		}
	}
	if len(out) > n {
		slices.SortStableFunc(out, func(a, b memfs.Change) int { return strings.Compare(a.Path, b.Path) })
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

// daemonRoot is the daemon's data directory (Info's DockerRootDir).
const daemonRoot = "/var/lib/docker"

// bindDaemonRoot is dockerd's validateBindDaemonRoot: a bind whose source
// lies within the daemon's root, or holds it (by prefix, as dockerd
// compares them), takes propagation rslave when none was given, and
// refuses any but rslave and rshared, lest the daemon's own mounts leak.
func bindDaemonRoot(m *mountPoint) error {
	if m.Type != "bind" || !strings.HasPrefix(m.Source, daemonRoot) && !strings.HasPrefix(daemonRoot, m.Source) {
		return nil
	}
	switch {
	case !m.propGiven:
		m.Propagation = "rslave"
	case m.Propagation != "rslave" && m.Propagation != "rshared":
		return errInvalid(fmt.Sprintf(`invalid mount config: must use either propagation mode "rslave" or "rshared" when mount source is within the daemon root, daemon root: %q, bind mount source: %q, propagation: %q`,
			daemonRoot, m.Source, m.Propagation))
	}
	return nil
}
