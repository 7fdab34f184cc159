package mockdaemon

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// hostsFileLocked is the container's /etc/hosts like dockerd's etchosts.Build:
// the default records, HostConfig.ExtraHosts ("name:ip", host-gateway
// resolved to the default bridge's gateway), then the container's own
// address with its hostname. A container in another's network namespace
// has that one's file; one on the host's network without ExtraHosts a
// copy of the host's (Config.HostHosts).
func (d *Daemon) hostsFileLocked(c *container) string {
	if o := d.netContainerLocked(c); o != nil {
		return d.hostsFileLocked(o)
	}
	if c.host.NetworkMode == "host" && len(c.host.ExtraHosts) == 0 && d.cfg.HostHosts != "" {
		return d.cfg.HostHosts
	}
	var b strings.Builder
	b.WriteString("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n")
	for _, h := range c.host.ExtraHosts {
		name, ip, ok := strings.Cut(h, ":")
		if !ok {
			if name, ip, ok = strings.Cut(h, "="); !ok {
				continue
			}
		}
		if ip == "host-gateway" {
			ip = "172.17.0.1"
			if n := d.networkByNameLocked("bridge"); n != nil && n.pool4() != nil {
				ip = n.pool4().gateway.String()
			}
		}
		b.WriteString(ip + "\t" + name + "\n")
	}
	b.WriteString(d.linkHostsLocked(c))
	for _, name := range c.netOrder() {
		if ep := c.eps[name]; ep.active && ep.ip != "" {
			host := c.config.Hostname
			if dn := c.config.Domainname; dn != "" {
				host += "." + dn + " " + c.config.Hostname
			}
			b.WriteString(ep.ip + "\t" + host + "\n")
			if ep.ip6 != "" {
				b.WriteString(ep.ip6 + "\t" + host + "\n")
			}
			break
		}
	}
	return b.String()
}

// mtuOf is the interface MTU a network gives its endpoints: the driver's
// com.docker.network.driver.mtu option, else 1500.
func mtuOf(n *network) int {
	if v, err := strconv.Atoi(n.options["com.docker.network.driver.mtu"]); err == nil && v > 0 {
		return v
	}
	return 1500
}

// sysNetFiles are the sysfs attributes of one interface.
func sysNetFiles(mac string, mtu, index, link int, loopback bool) map[string]string {
	f := map[string]string{
		"address":      mac,
		"addr_len":     "6",
		"mtu":          strconv.Itoa(mtu),
		"ifindex":      strconv.Itoa(index),
		"iflink":       strconv.Itoa(link),
		"tx_queue_len": "0",
		"carrier":      "1",
		"dormant":      "0",
		"type":         "1",
		"operstate":    "up",
		"flags":        "0x1003",
		"broadcast":    "ff:ff:ff:ff:ff:ff",
	}
	if loopback {
		f["type"], f["operstate"], f["flags"], f["broadcast"] = "772", "unknown", "0x9", "00:00:00:00:00:00"
		f["tx_queue_len"] = "1000"
	}
	return f
}

// procMountsLocked is the container's /proc/mounts: the overlay root, the
// kernel filesystems runc mounts, the files dockerd bind-mounts under
// /etc, then the container's volumes, binds and tmpfs mounts.
func (d *Daemon) procMountsLocked(c *container) string {
	var b strings.Builder
	line := func(dev, dst, typ, opts string) { fmt.Fprintf(&b, "%s %s %s %s 0 0\n", dev, dst, typ, opts) }
	root := "rw"
	if c.host.ReadonlyRootfs {
		root = "ro"
	}
	dir := "/var/lib/docker/overlay2/" + c.id
	line("overlay", "/", "overlay", root+",relatime,lowerdir="+dir+"-init/diff,upperdir="+dir+"/diff,workdir="+dir+"/work")
	line("proc", "/proc", "proc", "rw,nosuid,nodev,noexec,relatime")
	line("tmpfs", "/dev", "tmpfs", "rw,nosuid,size=65536k,mode=755")
	line("devpts", "/dev/pts", "devpts", "rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=666")
	line("sysfs", "/sys", "sysfs", "ro,nosuid,nodev,noexec,relatime")
	line("cgroup", "/sys/fs/cgroup", "cgroup2", "ro,nosuid,nodev,noexec,relatime")
	line("mqueue", "/dev/mqueue", "mqueue", "rw,nosuid,nodev,noexec,relatime")
	shm := int64(64 << 20)
	if c.host.ShmSize > 0 {
		shm = c.host.ShmSize
	}
	line("shm", "/dev/shm", "tmpfs", "rw,nosuid,nodev,noexec,relatime,size="+strconv.FormatInt(shm>>10, 10)+"k")
	for _, f := range [][2]string{{"/etc/resolv.conf", c.files.resolvConf}, {"/etc/hostname", c.files.hostname}, {"/etc/hosts", c.files.hosts}} {
		if f[1] != "" { // not without a network sandbox
			line("/dev/sda1", f[0], "ext4", root+",relatime")
		}
	}
	ms := append([]mountPoint(nil), c.mounts...)
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].Destination < ms[j].Destination })
	for _, m := range ms {
		rw := "rw"
		if !m.RW {
			rw = "ro"
		}
		switch m.Type {
		case "tmpfs":
			line("tmpfs", m.Destination, "tmpfs", rw+",nosuid,nodev,noexec,relatime"+tmpfsOpts(m.opts))
		case "volume":
			if v := d.volumes[m.Name]; v != nil && v.options["type"] != "" {
				dev := v.options["device"]
				if dev == "" {
					dev = "none"
				}
				opts := rw + ",relatime"
				if v.options["type"] == "tmpfs" {
					opts += tmpfsOpts(v.options["o"])
				} else if o := v.options["o"]; o != "" {
					opts += "," + o
				}
				line(dev, m.Destination, v.options["type"], opts)
				continue
			}
			line("/dev/sda1", m.Destination, "ext4", rw+",relatime")
		default:
			line("/dev/sda1", m.Destination, "ext4", rw+",relatime")
		}
	}
	for _, p := range defaultReadonlyPaths {
		line("proc", p, "proc", "ro,nosuid,nodev,noexec,relatime")
	}
	for _, p := range defaultMaskedPaths {
		if maskedDirs[p] {
			line("tmpfs", p, "tmpfs", "ro,relatime")
		} else { // a file masked by binding /dev/null over it
			line("tmpfs", p, "tmpfs", "rw,nosuid,size=65536k,mode=755")
		}
	}
	return b.String()
}

// tmpfsOpts renders tmpfs mount options the way the kernel lists them:
// rw/ro and the nosuid-style flags dropped (the caller writes them),
// size in KiB, mode in octal, the rest as given; with a leading comma.
func tmpfsOpts(o string) string {
	var out []string
	for _, kv := range strings.Split(o, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(kv), "=")
		switch k {
		case "", "rw", "ro", "nosuid", "suid", "nodev", "dev", "noexec", "exec", "relatime":
		case "size":
			if n, ok := parseSize(v); ok {
				out = append(out, "size="+strconv.FormatInt((n+1023)>>10, 10)+"k")
			}
		default:
			out = append(out, strings.TrimSpace(kv))
		}
	}
	if len(out) == 0 {
		return ""
	}
	return "," + strings.Join(out, ",")
}

// parseSize reads 1024, 64k, 1m, 2g (case-insensitive).
func parseSize(s string) (int64, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	mul := int64(1)
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 'k':
			mul, s = 1<<10, s[:n-1]
		case 'm':
			mul, s = 1<<20, s[:n-1]
		case 'g':
			mul, s = 1<<30, s[:n-1]
		case 'b':
			s = s[:n-1]
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<50)/mul {
		return 0, false
	}
	return n * mul, true
}

// tmpfsMountOpts turns a Mounts entry's TmpfsOptions into option text.
func tmpfsMountOpts(raw json.RawMessage) string {
	var o struct {
		SizeBytes int64  `json:"SizeBytes"`
		Mode      uint32 `json:"Mode"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &o) != nil {
		return ""
	}
	var parts []string
	if o.SizeBytes > 0 {
		parts = append(parts, "size="+strconv.FormatInt(o.SizeBytes, 10))
	}
	if o.Mode != 0 {
		parts = append(parts, "mode="+strconv.FormatUint(uint64(o.Mode), 8))
	}
	return strings.Join(parts, ",")
}

// maskedDirs are the masked paths runc covers with a read-only tmpfs
// (the others are files it covers with /dev/null).
var maskedDirs = map[string]bool{"/proc/asound": true, "/proc/acpi": true, "/proc/scsi": true, "/sys/firmware": true, "/sys/devices/virtual/powercap": true}
