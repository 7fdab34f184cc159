package mockdaemon

import (
	"maps"
	"strconv"
	"strings"
)

// What a container sees of its kernel's settings: /proc/sys, the
// sysctls of its namespaces, and /sys/fs/cgroup, the limits of its
// cgroup (v2, with the v1 memory limit beside it).

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
