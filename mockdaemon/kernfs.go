package mockdaemon

import (
	"fmt"
	"hash/fnv"
	"io/fs"
	"maps"
	"path"
	"strconv"
	"strings"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
)

// What a container sees of its kernel: /proc/sys, the sysctls of its
// namespaces; /sys/fs/cgroup, the limits of its cgroup (v2, with the v1
// memory limit beside it); the /dev/shm of its IPC namespace; its mount
// table as /proc/<pid>/mountinfo shows it.

// writeProcSysLocked writes c's /proc/sys from procSysLocked; d.mu held.
func (d *Daemon) writeProcSysLocked(c *container) {
	f := c.fs
	if c.host.ReadonlyRootfs {
		f.SetReadOnly(false)
		defer f.SetReadOnly(true)
	}
	_ = f.RemoveAll("/proc/sys")
	sys := d.procSysLocked(c)
	for _, k := range sortedKeys(sys) {
		p := "/proc/sys/" + strings.ReplaceAll(k, ".", "/")
		_ = f.MkdirAll(p[:strings.LastIndexByte(p, '/')], 0o555)
		_ = f.WriteFile(p, []byte(sysctlText(sys[k])+"\n"), 0o644)
	}
}

// procSysLocked is the sysctls c's processes read, as runc sets them
// from the spec dockerd writes (daemon/oci_linux.go): the host name and
// NIS domain name of its UTS namespace; in a network namespace of its
// own (neither the host's nor another container's) the two dockerd
// grants by default, unprivileged ICMP echo sockets and ports below
// 1024, where the host's defaults hold otherwise; then
// HostConfig.Sysctls over them. A container joining another's network
// namespace sees that one's network sysctls.
func (d *Daemon) procSysLocked(c *container) map[string]string {
	domain := c.config.Domainname
	if domain == "" {
		domain = "(none)"
	}
	sys := map[string]string{
		"kernel.hostname":   c.config.Hostname,
		"kernel.domainname": domain,
		// the kernel's defaults, which the host's namespace keeps
		"net.ipv4.ping_group_range":           "1 0",
		"net.ipv4.ip_unprivileged_port_start": "1024",
	}
	switch o := d.netContainerLocked(c); {
	case o != nil:
		for k, v := range d.procSysLocked(o) {
			if strings.HasPrefix(k, "net.") {
				sys[k] = v
			}
		}
	case c.host.NetworkMode != "host":
		sys["net.ipv4.ping_group_range"] = "0 2147483647"
		sys["net.ipv4.ip_unprivileged_port_start"] = "0"
	}
	maps.Copy(sys, c.host.Sysctls)
	return sys
}

// sysctlText is a sysctl's value as the kernel reads it back: a vector
// of integers separated by tabs, any other value as it was written.
func sysctlText(v string) string {
	fields := strings.Fields(v)
	for _, f := range fields {
		if _, err := strconv.ParseInt(f, 10, 64); err != nil {
			return v
		}
	}
	return strings.Join(fields, "\t")
}

// writeCgroupFilesLocked writes c's cgroup files from its resources, as
// runc's cgroup v2 manager sets them (memory.max, memory.swap.max,
// memory.low, cpu.max, cpu.weight, pids.max) and the v1 memory limit;
// d.mu held. A container update writes them again.
func (d *Daemon) writeCgroupFilesLocked(c *container) {
	f := c.fs
	if c.host.ReadonlyRootfs {
		f.SetReadOnly(false)
		defer f.SetReadOnly(true)
	}
	_ = f.MkdirAll("/sys/fs/cgroup/memory", 0o755)
	v1 := "9223372036854771712"
	if c.host.Memory > 0 {
		v1 = strconv.FormatInt(c.host.Memory, 10)
	}
	_ = f.WriteFile("/sys/fs/cgroup/memory/memory.limit_in_bytes", []byte(v1+"\n"), 0o644)
	for name, v := range cgroupV2Files(&c.host) {
		_ = f.WriteFile("/sys/fs/cgroup/"+name, []byte(v+"\n"), 0o644)
	}
}

// cgroupV2Files are the cgroup v2 interface files of resources h, as runc
// converts the spec's limits: "max" for no limit; the swap limit is the
// swap beyond the memory limit (MemorySwap is memory plus swap); CPU
// quota and period from CPUQuota/CPUPeriod or NanoCPUs (dockerd's
// period of 100ms); cpu.weight from CPUShares.
func cgroupV2Files(h *hostConfig) map[string]string {
	limit := func(n int64) string {
		if n > 0 {
			return strconv.FormatInt(n, 10)
		}
		return "max"
	}
	swap := "max"
	if h.Memory > 0 && h.MemorySwap > 0 {
		swap = strconv.FormatInt(h.MemorySwap-h.Memory, 10)
	}
	period, quota := h.CPUPeriod, h.CPUQuota
	if h.NanoCPUs > 0 {
		period, quota = 100000, h.NanoCPUs*100000/1e9
	}
	if period <= 0 {
		period = 100000
	}
	weight := int64(100)
	if h.CPUShares > 0 {
		weight = 1 + ((h.CPUShares-2)*9999)/262142
	}
	pids := int64(0)
	if h.PidsLimit != nil {
		pids = *h.PidsLimit
	}
	low := "0"
	if h.MemoryReservation > 0 {
		low = strconv.FormatInt(h.MemoryReservation, 10)
	}
	return map[string]string{
		"memory.max":      limit(h.Memory),
		"memory.swap.max": swap,
		"memory.low":      low,
		"cpu.max":         limit(quota) + " " + strconv.FormatInt(period, 10),
		"cpu.weight":      strconv.FormatInt(weight, 10),
		"pids.max":        limit(pids),
	}
}

// setupShmLocked mounts c's /dev/shm for a start as its IpcMode has it:
// a new tmpfs of its own (private and shareable; another container may
// join a shareable one), the one of the container it joins (container:<id>,
// checked by ipcFailureLocked), none at all (none: not even the
// directory), or the directory as it is (host); d.mu held.
func (d *Daemon) setupShmLocked(c *container) {
	f := c.fs
	_ = f.Unmount("/dev/shm")
	c.shm = nil
	switch mode := c.host.IpcMode; {
	case mode == "none":
		_ = f.RemoveAll("/dev/shm")
	case mode == "host":
	case strings.HasPrefix(mode, "container:"):
		if o := d.ipcDonorLocked(c); o != nil && o.shm != nil {
			c.shm = o.shm
			_ = f.Mount("/dev/shm", c.shm, false)
		}
	default:
		c.shm = memfs.New()
		c.shm.SetClock(d.cfg.Clock)
		_ = c.shm.Chmod("/", fs.ModeDir|fs.ModeSticky|0o777)
		_ = f.Mount("/dev/shm", c.shm, false)
	}
}

// releaseShm unmounts c's /dev/shm when its process ends: a tmpfs of its
// own is gone with its content (a container that joined it keeps it).
func (c *container) releaseShm() {
	if c.shm != nil {
		_ = c.fs.Unmount("/dev/shm")
		c.shm = nil
	}
}

// ipcDonorLocked is the container whose IPC namespace c joins (IpcMode
// container:<id>), or nil; d.mu held.
func (d *Daemon) ipcDonorLocked(c *container) *container {
	ref, ok := strings.CutPrefix(c.host.IpcMode, "container:")
	if !ok {
		return nil
	}
	o, err := d.getContainerLocked(ref)
	if err != nil {
		return nil
	}
	return o
}

// ipcFailureLocked is why c cannot join the IPC namespace of its IpcMode
// container:<id>, as dockerd's getIpcContainer refuses it when it makes
// the spec (a 500): the container must exist, run, and have a /dev/shm
// others may join (its own shareable one, or one it joined); d.mu held.
func (d *Daemon) ipcFailureLocked(c *container) *startFailure {
	ref, ok := strings.CutPrefix(c.host.IpcMode, "container:")
	if !ok {
		return nil
	}
	msg := "can't join IPC of container " + ref + ": "
	o, err := d.getContainerLocked(ref)
	switch {
	case err != nil:
		msg += err.Error()
	case o.state.Restarting:
		msg += "container " + o.id + " is restarting, wait until the container is running"
	case !o.state.Running:
		msg += "container " + o.id + " is not running"
	case o.shm == nil || o.host.IpcMode != "shareable" && !strings.HasPrefix(o.host.IpcMode, "container:"):
		msg += "non-shareable IPC (hint: use IpcMode:shareable for the donor container)"
	default:
		return nil
	}
	return &startFailure{daemon: true, msg: msg}
}

// deviceLocked is the device number (major:minor) the kernel shows for
// c's mount of src at dst: the host's disk for what dockerd binds from
// it, else an anonymous device of its own, the same for every container
// that shares the mount (the /dev/shm of an IPC namespace), chosen above
// the numbers a host's own mounts take; d.mu held.
func (d *Daemon) deviceLocked(c *container, src, dst string) string {
	if strings.HasPrefix(src, "/dev/sd") {
		return "8:1"
	}
	owner := c.id
	if dst == "/dev/shm" {
		if o := d.ipcDonorLocked(c); o != nil {
			owner = o.id
		}
	}
	h := fnv.New32a()
	h.Write([]byte(owner + dst))
	return "0:" + strconv.Itoa(4096+int(h.Sum32()%(1<<18)))
}

// mountFlags are the options of a mount itself in mountinfo; the rest
// of a /proc/mounts entry's options are its superblock's.
var mountFlags = map[string]bool{"rw": true, "ro": true, "nosuid": true, "nodev": true, "noexec": true,
	"relatime": true, "noatime": true, "nodiratime": true, "strictatime": true, "nosymfollow": true}

// mountInfo is the /proc/<pid>/mountinfo of the mount table table (in
// /proc/mounts form): one line per mount in the same order, numbered
// from mountIDBase, its parent the last mount before it at or above its
// mount point (the root's parent outside the namespace), its device from
// dev, its options split into the mount's flags and its superblock's.
func mountInfo(table string, dev func(src, dst, typ string) string) string {
	const mountIDBase, outside = 1000, 999
	ids := map[string]int{}
	var b strings.Builder
	next := mountIDBase
	for line := range strings.SplitSeq(table, "\n") {
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		src, dst, typ := f[0], f[1], f[2]
		parent := outside
		for p := dst; ; p = path.Dir(p) {
			if id, ok := ids[p]; ok {
				parent = id
				break
			}
			if p == "/" {
				break
			}
		}
		var mnt, super []string
		for o := range strings.SplitSeq(f[3], ",") {
			if mountFlags[o] {
				mnt = append(mnt, o)
			} else {
				super = append(super, o)
			}
		}
		fmt.Fprintf(&b, "%d %d %s / %s %s - %s %s %s\n", next, parent, dev(src, dst, typ), dst,
			strings.Join(mnt, ","), typ, src, strings.Join(append([]string{"rw"}, super...), ","))
		ids[dst] = next
		next++
	}
	return b.String()
}
