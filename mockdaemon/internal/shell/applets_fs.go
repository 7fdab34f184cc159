package shell

import (
	"context"
	"fmt"
	"hash/fnv"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
)

// Filesystem applets: stat, df, chown and chgrp, mkfifo.

func init() {
	usageText["stat"] = "Usage: stat [-ltf] [-c FMT] FILE...\n\nDisplay file (default) or filesystem status\n\n\t-c FMT\tUse the specified format\n\t-f\tDisplay filesystem status\n\t-L\tFollow links\n\t-t\tTerse display\n\nFMT sequences for files:\n %a\tAccess rights in octal\n %A\tAccess rights in human readable form\n %b\tNumber of blocks allocated (see %B)\n %B\tSize in bytes of each block reported by %b\n %d\tDevice number in decimal\n %D\tDevice number in hex\n %f\tRaw mode in hex\n %F\tFile type\n %g\tGroup ID\n %G\tGroup name\n %h\tNumber of hard links\n %i\tInode number\n %n\tFile name\n %N\tFile name, with -> TARGET if symlink\n %o\tI/O block size\n %s\tTotal size in bytes\n %t\tMajor device type in hex\n %T\tMinor device type in hex\n %u\tUser ID\n %U\tUser name\n %x\tTime of last access\n %X\tTime of last access as seconds since Epoch\n %y\tTime of last modification\n %Y\tTime of last modification as seconds since Epoch\n %z\tTime of last change\n %Z\tTime of last change as seconds since Epoch\n\nFMT sequences for file systems:\n %a\tFree blocks available to non-superuser\n %b\tTotal data blocks\n %c\tTotal file nodes\n %d\tFree file nodes\n %f\tFree blocks\n %i\tFile System ID in hex\n %l\tMaximum length of filenames\n %n\tFile name\n %s\tBlock size (for faster transfer)\n %S\tFundamental block size (for block counts)\n %t\tType in hex\n %T\tType in human readable form\n"
	usageText["chown"] = "Usage: chown [-RhLHPcvf]... USER[:[GRP]] FILE...\n\nChange the owner and/or group of FILEs to USER and/or GRP\n\n\t-h\tAffect symlinks instead of symlink targets\n\t-L\tTraverse all symlinks to directories\n\t-H\tTraverse symlinks on command line only\n\t-P\tDon't traverse symlinks (default)\n\t-R\tRecurse\n\t-c\tList changed files\n\t-v\tList all files\n\t-f\tHide errors\n"
	usageText["chgrp"] = "Usage: chgrp [-RhLHPcvf]... GROUP FILE...\n\nChange the group membership of FILEs to GROUP\n\n\t-h\tAffect symlinks instead of symlink targets\n\t-L\tTraverse all symlinks to directories\n\t-H\tTraverse symlinks on command line only\n\t-P\tDon't traverse symlinks (default)\n\t-R\tRecurse\n\t-c\tList changed files\n\t-v\tList all files\n\t-f\tHide errors\n"
	usageText["mkfifo"] = "Usage: mkfifo [-m MODE] NAME\n\nCreate named pipe\n\n\t-m MODE\tMode (default a=rw)\n"
	usageText["df"] = "Usage: df [-PkmhTai] [-B SIZE] [-t TYPE] [FILESYSTEM]...\n\nPrint filesystem usage statistics\n\n\t-P\tPOSIX output format\n\t-k\t1024-byte blocks (default)\n\t-m\t1M-byte blocks\n\t-h\tHuman readable (e.g. 1K 243M 2G)\n\t-T\tPrint filesystem type\n\t-t TYPE\tPrint only mounts of this type\n\t-a\tShow all filesystems\n\t-i\tInodes\n\t-B SIZE\tBlocksize\n"
}

// fileStat is what stat shows of a file.
type fileStat struct {
	name    string
	mode    fs.FileMode
	size    int64
	uid     int
	gid     int
	nlink   int
	target  string
	mtime   time.Time
	inode   uint64
	rdevMaj int
	rdevMin int
}

// charDevices are the device files every container has, by major and
// minor number.
var charDevices = map[string][2]int{
	"/dev/null": {1, 3}, "/dev/zero": {1, 5}, "/dev/full": {1, 7}, "/dev/random": {1, 8},
	"/dev/urandom": {1, 9}, "/dev/tty": {5, 0},
}

func (p *Proc) statFile(name string, follow bool) (fileStat, error) {
	abs := p.abs(name)
	if dev, ok := charDevices[abs]; ok {
		return fileStat{name: name, mode: fs.ModeDevice | fs.ModeCharDevice | 0o666, nlink: 1, mtime: p.Clock(),
			inode: inodeOf(abs), rdevMaj: dev[0], rdevMin: dev[1]}, nil
	}
	var fi fs.FileInfo
	var err error
	if follow {
		fi, err = p.FS.Stat(abs)
	} else {
		fi, err = p.FS.Lstat(abs)
	}
	if err != nil {
		return fileStat{}, err
	}
	st := fileStat{name: name, mode: fi.Mode(), size: fi.Size(), mtime: fi.ModTime(), nlink: 1, inode: inodeOf(abs)}
	if s, ok := fi.Sys().(*memfs.Stat); ok {
		st.uid, st.gid, st.nlink, st.target = s.UID, s.GID, max(s.Nlink, 1), s.Target
	}
	switch {
	case fi.IsDir():
		st.size, st.nlink = 4096, max(st.nlink, 2)
	case fi.Mode()&fs.ModeSymlink != 0:
		st.size = int64(len(st.target))
	}
	return st, nil
}

// inodeOf is a stable inode number for a path.
func inodeOf(p string) uint64 {
	h := fnv.New32a()
	h.Write([]byte(p))
	return uint64(h.Sum32()%9000000) + 1000000
}

func (st fileStat) blocks() int64 {
	if st.mode.IsDir() {
		return 8
	}
	if !st.mode.IsRegular() {
		return 0
	}
	return (st.size + 4095) / 4096 * 8
}

func (st fileStat) fileType() string {
	switch m := st.mode; {
	case m.IsDir():
		return "directory"
	case m&fs.ModeSymlink != 0:
		return "symbolic link"
	case m&fs.ModeCharDevice != 0:
		return "character special file"
	case m&fs.ModeDevice != 0:
		return "block special file"
	case m&fs.ModeNamedPipe != 0:
		return "fifo"
	case m&fs.ModeSocket != 0:
		return "socket"
	case st.size == 0:
		return "regular empty file"
	}
	return "regular file"
}

// rawMode is the st_mode of the file, type bits included.
func (st fileStat) rawMode() uint32 { return memfs.UnixMode(st.mode) }

// statTime is a time as stat prints it.
func statTime(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04:05.000000000 -0700")
}

// statName is a name for %N: quoted, with its link target.
func (st fileStat) quotedName() string {
	if st.mode&fs.ModeSymlink != 0 {
		return "'" + st.name + "' -> '" + st.target + "'"
	}
	return "'" + st.name + "'"
}

func (p *Proc) statFormat(format string, st fileStat) string {
	var b strings.Builder
	owner := func(file string, id int) string {
		if n, ok := lookupName(p.FS, file, id); ok {
			return n
		}
		return "UNKNOWN"
	}
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c == '\\' {
			s, j, _ := escape(format, i, false)
			b.WriteString(s)
			i = j - 1
			continue
		}
		if c != '%' || i+1 >= len(format) {
			b.WriteByte(c)
			continue
		}
		i++
		switch format[i] {
		case 'a':
			fmt.Fprintf(&b, "%o", st.rawMode()&0o7777)
		case 'A':
			b.WriteString(modeString(st.mode))
		case 'b':
			b.WriteString(strconv.FormatInt(st.blocks(), 10))
		case 'B':
			b.WriteString("512")
		case 'd':
			b.WriteString("62")
		case 'D':
			b.WriteString("3e")
		case 'f':
			fmt.Fprintf(&b, "%x", st.rawMode())
		case 'F':
			b.WriteString(st.fileType())
		case 'g':
			b.WriteString(strconv.Itoa(st.gid))
		case 'G':
			b.WriteString(owner("/etc/group", st.gid))
		case 'h':
			b.WriteString(strconv.Itoa(st.nlink))
		case 'i':
			b.WriteString(strconv.FormatUint(st.inode, 10))
		case 'n':
			b.WriteString(st.name)
		case 'N':
			b.WriteString(st.quotedName())
		case 'o':
			b.WriteString("4096")
		case 's':
			b.WriteString(strconv.FormatInt(st.size, 10))
		case 't':
			fmt.Fprintf(&b, "%x", st.rdevMaj)
		case 'T':
			fmt.Fprintf(&b, "%x", st.rdevMin)
		case 'u':
			b.WriteString(strconv.Itoa(st.uid))
		case 'U':
			b.WriteString(owner("/etc/passwd", st.uid))
		case 'x', 'y', 'z':
			b.WriteString(statTime(st.mtime))
		case 'X', 'Y', 'Z':
			b.WriteString(strconv.FormatInt(st.mtime.Unix(), 10))
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte(format[i])
		}
	}
	return b.String()
}

func (p *Proc) statLong(st fileStat) string {
	name := st.name
	if st.mode&fs.ModeSymlink != 0 {
		name = st.quotedName()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "  File: %s\n", name)
	fmt.Fprintf(&b, "  Size: %-10d\tBlocks: %-10d IO Block: %-6d %s\n", st.size, st.blocks(), 4096, st.fileType())
	if st.mode&fs.ModeDevice != 0 {
		fmt.Fprintf(&b, "Device: 3eh/62d\tInode: %-10d  Links: %-5d Device type: %x,%x\n", st.inode, st.nlink, st.rdevMaj, st.rdevMin)
	} else {
		fmt.Fprintf(&b, "Device: 3eh/62d\tInode: %-10d  Links: %d\n", st.inode, st.nlink)
	}
	fmt.Fprintf(&b, "Access: (%04o/%s)  Uid: (%5d/%8s)   Gid: (%5d/%8s)\n", st.rawMode()&0o7777, modeString(st.mode),
		st.uid, p.statFormat("%U", st), st.gid, p.statFormat("%G", st))
	t := statTime(st.mtime)
	fmt.Fprintf(&b, "Access: %s\nModify: %s\nChange: %s\n", t, t, t)
	return b.String()
}

func apStat(_ context.Context, p *Proc) int {
	opts, files, ok := p.getopt("c:fLt")
	if !ok {
		return 1
	}
	if len(files) == 0 {
		return p.showUsage()
	}
	st := 0
	for _, name := range files {
		if opts['f'] != "" {
			if _, err := p.statFile(name, true); err != nil {
				p.errf("can't read file system information for '%s': %s", name, errText(err))
				st = 1
				continue
			}
			m := p.mountOf(p.abs(name))
			fmt.Fprint(p.Stdout, fsStat(m, name, opts['c']))
			continue
		}
		fi, err := p.statFile(name, opts['L'] != "")
		if err != nil {
			p.errf("can't stat '%s': %s", name, errText(err))
			st = 1
			continue
		}
		switch {
		case opts['c'] != "":
			fmt.Fprintln(p.Stdout, p.statFormat(opts['c'], fi))
		case opts['t'] != "":
			fmt.Fprintln(p.Stdout, p.statFormat("%n %s %b %f %u %g %D %i %h %t %T %X %Y %Z %o", fi))
		default:
			fmt.Fprint(p.Stdout, p.statLong(fi))
		}
	}
	return st
}

// fsStat is stat -f of a mount, in format (or the long form).
func fsStat(m Mount, name, format string) string {
	total, free, avail := m.blocks()
	typ := map[string]string{"tmpfs": "tmpfs", "ext4": "ext2/ext3", "proc": "proc", "sysfs": "sysfs"}[m.Type]
	magic := map[string]string{"tmpfs": "1021994", "ext4": "ef53", "proc": "9fa0", "sysfs": "62656572", "overlay": "794c7630"}[m.Type]
	if typ == "" {
		typ = "UNKNOWN"
	}
	if magic == "" {
		magic = "0"
	}
	const id = "a500b6bd80240ddf"
	if format == "" {
		return fmt.Sprintf("  File: \"%s\"\n    ID: %s Namelen: 255     Type: %s\nBlock size: 4096      \nBlocks: Total: %-10d Free: %-10d Available: %d\nInodes: Total: %-10d Free: %d\n",
			name, id, typ, total/4, free/4, avail/4, 16777216, 16257151)
	}
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		if format[i] != '%' || i+1 >= len(format) {
			b.WriteByte(format[i])
			continue
		}
		i++
		switch format[i] {
		case 'a':
			b.WriteString(strconv.FormatInt(avail/4, 10))
		case 'b':
			b.WriteString(strconv.FormatInt(total/4, 10))
		case 'c':
			b.WriteString("16777216")
		case 'd':
			b.WriteString("16257151")
		case 'f':
			b.WriteString(strconv.FormatInt(free/4, 10))
		case 'i':
			b.WriteString(id)
		case 'l':
			b.WriteString("255")
		case 'n':
			b.WriteString(name)
		case 's', 'S':
			b.WriteString("4096")
		case 't':
			b.WriteString(magic)
		case 'T':
			b.WriteString(typ)
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('?')
		}
	}
	return b.String() + "\n"
}

// Mount is one line of a container's mount table, as df, stat -f and
// /proc/mounts show it.
type Mount struct {
	Source, Target, Type string
	// SizeKB and UsedKB size the filesystem; a SizeKB of 0 is the
	// emulated host's disk.
	SizeKB, UsedKB int64
}

// The emulated host: its disk (which holds the image layers, volumes and
// the files docker writes) and its memory (which sizes a tmpfs).
const (
	hostDiskKB  = 61202244
	hostUsedKB  = 20401640
	hostAvailKB = 37658388
	hostMemKB   = 4021876
)

// blocks is the mount's size, free and available space, in KiB.
func (m Mount) blocks() (total, free, avail int64) {
	if m.SizeKB == 0 {
		return hostDiskKB, hostDiskKB - hostUsedKB, hostAvailKB
	}
	return m.SizeKB, m.SizeKB - m.UsedKB, m.SizeKB - m.UsedKB
}

// DockerMounts is the mount table dockerd gives a container on the
// overlay2 storage driver, with the container's own mounts (volumes,
// binds, tmpfs) after /dev/shm, where dockerd puts them.
func DockerMounts(own ...Mount) []Mount {
	out := []Mount{
		{Source: "overlay", Target: "/", Type: "overlay"},
		{Source: "proc", Target: "/proc", Type: "proc", SizeKB: -1},
		{Source: "tmpfs", Target: "/dev", Type: "tmpfs", SizeKB: 65536},
		{Source: "devpts", Target: "/dev/pts", Type: "devpts", SizeKB: -1},
		{Source: "sysfs", Target: "/sys", Type: "sysfs", SizeKB: -1},
		{Source: "tmpfs", Target: "/sys/fs/cgroup", Type: "tmpfs", SizeKB: hostMemKB},
		{Source: "mqueue", Target: "/dev/mqueue", Type: "mqueue", SizeKB: -1},
		{Source: "shm", Target: "/dev/shm", Type: "tmpfs", SizeKB: 65536},
	}
	out = append(out, own...)
	for _, f := range []string{"/etc/resolv.conf", "/etc/hostname", "/etc/hosts"} {
		out = append(out, Mount{Source: "/dev/vda", Target: f, Type: "ext4"})
	}
	return append(out,
		Mount{Source: "tmpfs", Target: "/proc/acpi", Type: "tmpfs", SizeKB: hostMemKB},
		Mount{Source: "tmpfs", Target: "/proc/keys", Type: "tmpfs", SizeKB: 65536},
		Mount{Source: "tmpfs", Target: "/proc/timer_list", Type: "tmpfs", SizeKB: 65536},
		Mount{Source: "tmpfs", Target: "/sys/firmware", Type: "tmpfs", SizeKB: hostMemKB},
	)
}

// mounts is the mount table: Config.Mounts, else the container's
// /proc/mounts (where busybox's df reads it), else DockerMounts.
func (p *Proc) mounts() []Mount {
	if m := p.sh.p.cfg.Mounts; m != nil {
		return m
	}
	if data, err := p.FS.ReadFile("/proc/mounts"); err == nil {
		if m := parseMounts(string(data)); len(m) > 0 {
			return m
		}
	}
	return DockerMounts()
}

// parseMounts reads a /proc/mounts table. A tmpfs is as large as its
// size= option (half the host's memory without one), the kernel's
// pseudo filesystems have no size, and the rest is on the host's disk.
func parseMounts(table string) []Mount {
	var out []Mount
	for line := range strings.SplitSeq(table, "\n") {
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		m := Mount{Source: f[0], Target: f[1], Type: f[2]}
		switch m.Type {
		case "proc", "sysfs", "devpts", "mqueue", "cgroup", "cgroup2":
			m.SizeKB = -1
		case "tmpfs":
			m.SizeKB = hostMemKB / 2
			for o := range strings.SplitSeq(f[3], ",") {
				if v, ok := strings.CutPrefix(o, "size="); ok {
					if n, ok := parseKB(v); ok {
						m.SizeKB = n
					}
				}
			}
		}
		out = append(out, m)
	}
	return out
}

// parseKB reads a mount's size option (65536k, 1m, 1g, or bytes) in KiB.
func parseKB(v string) (int64, bool) {
	mult := int64(1)
	switch {
	case strings.HasSuffix(v, "k"):
		v, mult = v[:len(v)-1], 1<<10
	case strings.HasSuffix(v, "m"):
		v, mult = v[:len(v)-1], 1<<20
	case strings.HasSuffix(v, "g"):
		v, mult = v[:len(v)-1], 1<<30
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n * mult >> 10, true
}

// mountOf is the mount that holds the absolute path abs (the last
// mounted one wins, as on Linux).
func (p *Proc) mountOf(abs string) Mount {
	best := Mount{Source: "overlay", Target: "/", Type: "overlay"}
	for _, m := range p.mounts() {
		if m.Target == abs || m.Target == "/" || strings.HasPrefix(abs, strings.TrimSuffix(m.Target, "/")+"/") {
			if len(m.Target) >= len(best.Target) {
				best = m
			}
		}
	}
	return best
}

// humanKB renders a size in KiB as df -h does ("252.0G", "64.0M", "0").
func humanKB(kb int64) string {
	if kb == 0 {
		return "0"
	}
	v := float64(kb)
	units := "KMGTPE"
	u := 0
	for v >= 1024 && u < len(units)-1 {
		v /= 1024
		u++
	}
	if u == 0 {
		return strconv.FormatInt(kb, 10) + "K"
	}
	return fmt.Sprintf("%.1f%c", v, units[u])
}

func apDf(_ context.Context, p *Proc) int {
	opts, files, ok := p.getopt("PkmhTaiB:t:")
	if !ok {
		return 1
	}
	var list []Mount
	st := 0
	if len(files) == 0 {
		for _, m := range p.mounts() {
			if m.SizeKB >= 0 || opts['a'] != "" {
				list = append(list, m)
			}
		}
	}
	for _, f := range files {
		if _, err := p.statFile(f, true); err != nil {
			p.errf("%s: can't find mount point", f)
			st = 1
			continue
		}
		list = append(list, p.mountOf(p.abs(f)))
	}
	if t := opts['t']; t != "" {
		kept := list[:0]
		for _, m := range list {
			if m.Type == t {
				kept = append(kept, m)
			}
		}
		list = kept
	}
	human, mega, posix, typed := opts['h'] != "", opts['m'] != "", opts['P'] != "", opts['T'] != ""
	var b strings.Builder
	b.WriteString("Filesystem          ")
	if typed {
		b.WriteString(" Type      ")
	}
	switch {
	case posix:
		b.WriteString(" 1024-blocks    Used Available Capacity Mounted on\n")
	case human:
		b.WriteString("      Size      Used Available Use% Mounted on\n")
	case mega:
		b.WriteString(" 1M-blocks      Used Available Use% Mounted on\n")
	default:
		b.WriteString(" 1K-blocks      Used Available Use% Mounted on\n")
	}
	for _, m := range list {
		total, free, avail := m.blocks()
		if m.SizeKB < 0 {
			total, free, avail = 0, 0, 0
		}
		used := total - free
		pct := int64(0)
		if used+avail > 0 {
			pct = (used*100 + (used+avail)/2) / (used + avail)
		}
		num := func(kb int64) string {
			switch {
			case human:
				return humanKB(kb)
			case mega:
				return strconv.FormatInt((kb+512)/1024, 10)
			}
			return strconv.FormatInt(kb, 10)
		}
		src := m.Source
		if len(src) > 20 && !posix {
			fmt.Fprintf(&b, "%s\n%20s", src, "")
			src = ""
		}
		fmt.Fprintf(&b, "%-20s", src)
		if typed {
			fmt.Fprintf(&b, " %-10s", m.Type)
		}
		fmt.Fprintf(&b, " %9s %9s %9s %3d%% %s\n", num(total), num(used), num(avail), pct, m.Target)
	}
	fmt.Fprint(p.Stdout, b.String())
	return st
}

// apChown is busybox's chown (and chgrp): chown [-R] USER[:GROUP] FILE...,
// chgrp [-R] GROUP FILE...; a name resolves in /etc/passwd or
// /etc/group, a number is taken as it is. Only root gives a file away
// ("Operation not permitted" otherwise).
func apChown(_ context.Context, p *Proc) int {
	args := p.Args[1:]
	rec := false
	if len(args) > 0 && args[0] == "-R" {
		rec, args = true, args[1:]
	}
	if len(args) < 2 {
		return p.showUsage()
	}
	spec, files := args[0], args[1:]
	user, group, hasGroup := strings.Cut(spec, ":")
	if p.name() == "chgrp" {
		user, group, hasGroup = "", spec, true
	}
	id := func(file, name string) (int, bool) {
		if name == "" {
			return -1, true
		}
		if n, err := strconv.Atoi(name); err == nil && n >= 0 {
			return n, true
		}
		for _, r := range userDB(p.FS, file) {
			if len(r) > 2 && r[0] == name {
				n, err := strconv.Atoi(r[2])
				return n, err == nil
			}
		}
		return 0, false
	}
	uid, ok := id("/etc/passwd", user)
	if !ok {
		p.errf("unknown user %s", user)
		return 1
	}
	gid := -1
	if hasGroup {
		if gid, ok = id("/etc/group", group); !ok {
			p.errf("unknown group %s", group)
			return 1
		}
	}
	st := 0
	var apply func(name string)
	apply = func(name string) {
		if err := p.FS.Chown(p.abs(name), uid, gid); err != nil {
			p.errf("%s: %s", name, errText(err))
			st = 1
			return
		}
		if fi, err := p.FS.Lstat(p.abs(name)); rec && err == nil && fi.IsDir() {
			ents, _ := p.FS.ReadDir(p.abs(name))
			for _, e := range ents {
				apply(path.Join(name, e.Name()))
			}
		}
	}
	for _, f := range files {
		apply(f)
	}
	return st
}

// apMkfifo is busybox's mkfifo [-m MODE] NAME...: named pipes, mode
// 0666 less the umask (022) unless -m gives one.
func apMkfifo(_ context.Context, p *Proc) int {
	opts, args, err := p.flags("m")
	if err != nil {
		return p.usage(err)
	}
	if len(args) == 0 {
		return p.showUsage()
	}
	mode := fs.FileMode(0o644)
	if m, ok := opts['m']; ok {
		v, ok := applyMode(m, 0o666)
		if !ok {
			p.errf("invalid mode '%s'", m)
			return 1
		}
		mode = v
	}
	st := 0
	for _, a := range args {
		if err := p.FS.Mkfifo(p.abs(a), mode); err != nil {
			p.errf("%s: %s", a, errText(err))
			st = 1
		}
	}
	return st
}

// apMount is busybox's mount without CAP_SYS_ADMIN, as in a container:
// with no operands it lists /proc/mounts as "SRC on DIR type TYPE (OPTS)"
// (only the mounts of TYPE with -t TYPE); mounting anything is refused.
func apMount(_ context.Context, p *Proc) int {
	opts, operands, ok := p.getopt("t:o:rwanfviO:")
	if !ok {
		return 1
	}
	if len(operands) > 0 || opts['a'] != "" {
		p.errf("permission denied (are you root?)")
		return 1
	}
	data, err := p.FS.ReadFile("/proc/mounts")
	if err != nil {
		p.errf("can't read '/proc/mounts': No such file or directory")
		return 1
	}
	var b strings.Builder
	for line := range strings.SplitSeq(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || opts['t'] != "" && f[2] != opts['t'] {
			continue
		}
		fmt.Fprintf(&b, "%s on %s type %s (%s)\n", f[0], f[1], f[2], f[3])
	}
	fmt.Fprint(p.Stdout, b.String())
	return 0
}
