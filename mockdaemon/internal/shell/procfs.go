package shell

import (
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
)

// The PID namespace is the container's /proc as well (see Start, which
// makes it the Synthetic of the filesystem's /proc): each task is a
// directory /proc/<pid> made from the process table when it is looked up,
// so ps, top, kill and /proc agree. /proc/self is the reading process's
// own (see procSelf).

// defaultCaps is the capability set of a container's root processes with
// docker's default capabilities (CapEff in /proc/<pid>/status).
const defaultCaps = "00000000a80425fb"

// Names lists the tasks' directories: their PIDs.
func (ns *PIDs) Names() []string {
	tasks := ns.list()
	out := make([]string, len(tasks))
	for i, t := range tasks {
		out[i] = strconv.Itoa(t.pid)
	}
	return out
}

// Entry makes /proc/<pid> of the task name: cmdline, comm, environ,
// stat, status, cgroup, mountinfo (Config.MountInfo), the cwd, exe and root links and fd/ with the
// links of its open standard streams, owned by the task's user as the
// kernel shows them.
func (ns *PIDs) Entry(name string) *memfs.FS {
	pid, err := strconv.Atoi(name)
	if err != nil || strconv.Itoa(pid) != name {
		return nil
	}
	t := ns.lookup(pid)
	if t == nil {
		return nil
	}
	t.mu.Lock()
	comm, args, env, dir, exe, fds := t.comm, t.args, t.env, t.dir, t.exe, t.fds
	if t.noexec && t.parent != nil {
		// a forked applet that did not exec: its parent's image
		t.parent.mu.Lock()
		args, exe = t.parent.args, t.parent.exe
		t.parent.mu.Unlock()
	}
	uid, gid, groups, tty, ppid, pgid := t.uid, t.gid, t.groups, t.tty, t.ppid, t.pgid
	t.mu.Unlock()
	if exe == "" {
		exe = "/bin/busybox"
	}
	if dir == "" {
		dir = "/"
	}
	f := memfs.New()
	file := func(name, text string, perm fs.FileMode) {
		_ = f.WriteFile(name, []byte(text), perm)
	}
	file("cmdline", nulJoin(args), 0o444)
	file("comm", comm+"\n", 0o444)
	file("environ", nulJoin(env), 0o400)
	file("cgroup", "0::/\n", 0o444)
	if t.mountinfo != "" {
		file("mountinfo", t.mountinfo, 0o444)
	}
	ttyNr, tpgid := 0, -1
	if tty >= 0 {
		ttyNr, tpgid = 136<<8|tty, pgid
	}
	// pid (comm) state ppid pgrp session tty_nr tpgid, then the counters
	file("stat", fmt.Sprintf("%d (%s) S %d %d %d %d %d 4194304%s\n", pid, comm, ppid, pgid, pgid, ttyNr, tpgid,
		strings.Repeat(" 0", 44)), 0o444)
	file("status", procStatus(pid, ppid, uid, gid, groups, comm), 0o444)
	_ = f.Symlink(dir, "cwd")
	_ = f.Symlink(exe, "exe")
	_ = f.Symlink("/", "root")
	_ = f.Mkdir("fd", 0o500)
	for i, target := range fds {
		if target != "" {
			link := "fd/" + strconv.Itoa(i)
			_ = f.Symlink(target, link)
			_ = f.Lchmod(link, fdLinkMode(i, target))
		}
	}
	_ = f.Chmod("/", fs.ModeDir|0o555)
	for _, p := range []string{"/", "cmdline", "comm", "environ", "cgroup", "stat", "status", "fd"} {
		_ = f.Chown(p, uid, gid)
	}
	return f
}

// fdLinkMode is the mode of the /proc/<pid>/fd link of a standard
// stream, which shows how it was opened: a terminal, and the /dev/null
// runc gives a process without stdin, read-write; another stdin read
// only; stdout and stderr write only.
func fdLinkMode(fd int, target string) fs.FileMode {
	switch {
	case strings.HasPrefix(target, "/dev/pts/"), fd == 0 && target == "/dev/null":
		return 0o700
	case fd == 0:
		return 0o500
	}
	return 0o300
}

// procStatus is /proc/<pid>/status as Linux 6 writes it, for a process
// in the container's PID namespace (one level: NSpid is its pid).
func procStatus(pid, ppid, uid, gid int, groups []int, comm string) string {
	caps := defaultCaps
	if uid != 0 {
		caps = "0000000000000000"
	}
	var gs strings.Builder
	for i, g := range groups {
		if i > 0 {
			gs.WriteByte(' ')
		}
		gs.WriteString(strconv.Itoa(g))
	}
	u, g := strconv.Itoa(uid), strconv.Itoa(gid)
	lines := [][2]string{
		{"Name", comm}, {"Umask", "0022"}, {"State", "S (sleeping)"}, {"Tgid", strconv.Itoa(pid)}, {"Ngid", "0"},
		{"Pid", strconv.Itoa(pid)}, {"PPid", strconv.Itoa(ppid)}, {"TracerPid", "0"},
		{"Uid", u + "\t" + u + "\t" + u + "\t" + u}, {"Gid", g + "\t" + g + "\t" + g + "\t" + g},
		{"FDSize", "64"}, {"Groups", gs.String() + " "},
		{"NStgid", strconv.Itoa(pid)}, {"NSpid", strconv.Itoa(pid)}, {"NSpgid", strconv.Itoa(pid)}, {"NSsid", "1"},
		{"Threads", "1"}, {"SigQ", "0/96362"}, {"SigPnd", "0000000000000000"}, {"ShdPnd", "0000000000000000"},
		{"SigBlk", "0000000000000000"}, {"SigIgn", "0000000000000000"}, {"SigCgt", "0000000000000000"},
		{"CapInh", "0000000000000000"}, {"CapPrm", caps}, {"CapEff", caps}, {"CapBnd", defaultCaps},
		{"CapAmb", "0000000000000000"}, {"NoNewPrivs", "0"}, {"Seccomp", "2"}, {"Seccomp_filters", "1"},
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l[0] + ":\t" + l[1] + "\n")
	}
	return b.String()
}

// nulJoin is a NUL-terminated list, as cmdline and environ are.
func nulJoin(s []string) string {
	var b strings.Builder
	for _, a := range s {
		b.WriteString(a)
		b.WriteByte(0)
	}
	return b.String()
}

// procSelf rewrites /proc/self (and /proc/thread-self) at the head of
// the absolute path p to the directory of the process pid, as the
// kernel's link resolves for the reader.
func procSelf(p string, pid int) string {
	for _, self := range []string{"/proc/self", "/proc/thread-self"} {
		if rest, ok := strings.CutPrefix(p, self); ok && (rest == "" || rest[0] == '/') {
			return "/proc/" + strconv.Itoa(pid) + rest
		}
	}
	return p
}

// pipeInodes numbers the pipes the processes' streams are, as pipe:[N]
// in /proc/<pid>/fd.
var pipeInodes atomic.Int64

func init() { pipeInodes.Store(8_388_608) }

func newPipeInode() string { return "pipe:[" + strconv.FormatInt(pipeInodes.Add(1), 10) + "]" }

// pipeReader and pipeWriter are the two ends of one pipe of a pipeline,
// with the inode /proc shows.
type pipeReader struct {
	io.Reader
	ino string
}

type pipeWriter struct {
	io.Writer
	ino string
}

// nullDevice is /dev/null opened for reading or writing.
type nullDevice struct{}

func (nullDevice) Read([]byte) (int, error)    { return 0, io.EOF }
func (nullDevice) Write(b []byte) (int, error) { return len(b), nil }

// fdTargets is what /proc/<pid>/fd/0, 1 and 2 link to for a program
// whose standard streams are in, out and errw: the terminal, a file, a
// pipe or /dev/null.
func (sh *shell) fdTargets(in io.Reader, out, errw io.Writer) [3]string {
	p := sh.p
	var t [3]string
	for fd, s := range []any{in, out, errw} {
		switch v := s.(type) {
		case *memfs.File:
			t[fd] = path.Clean("/" + v.Name())
			continue
		case nullDevice:
			t[fd] = "/dev/null"
			continue
		case *pipeReader:
			t[fd] = v.ino
			continue
		case *pipeWriter:
			t[fd] = v.ino
			continue
		case *terminalFile:
			t[fd] = "/dev/pts/" + strconv.Itoa(v.n)
			continue
		}
		switch {
		case fd == 0 && s == p.ttyIn, fd > 0 && s == p.ttyOut:
			t[fd] = p.fds[min(fd, 1)]
		case fd > 0 && s == p.ttyErr:
			t[fd] = p.fds[2]
		default:
			t[fd] = newPipeInode() // a command substitution's
		}
	}
	return t
}

// terminalFile is a terminal of the namespace opened by its name
// (/dev/pts/N, /dev/tty, or a /proc/<pid>/fd link to one).
type terminalFile struct {
	n int
	t *pty
}

func (f *terminalFile) Read(b []byte) (int, error)  { return f.t.in.Read(b) }
func (f *terminalFile) Write(b []byte) (int, error) { return f.t.out.Write(b) }

// size is the terminal's window size.
func (f *terminalFile) size() (rows, cols int) {
	if f.t.size == nil {
		return 0, 0
	}
	return f.t.size()
}

// openSpecial opens what the kernel opens for a name that is no file
// of the filesystem: a terminal of the namespace, or a pipe a process's
// fd links to (echo hi > /proc/1/fd/1 writes to the container's output).
// ok is false for any other name, which the caller opens in the FS.
func openSpecial(p *Process, t *task, name string) (s any, ok bool, err error) {
	if !strings.HasPrefix(name, "/proc/") && !strings.HasPrefix(name, "/dev/") {
		return nil, false, nil
	}
	target := resolveLinks(p.cfg.FS, name)
	ns := p.ns
	switch {
	case target == "/dev/tty":
		n := t.tty
		if n < 0 || ns.pty(n) == nil {
			return nil, true, &fs.PathError{Op: "open", Path: name, Err: syscall.ENXIO}
		}
		return &terminalFile{n: n, t: ns.pty(n)}, true, nil
	case strings.HasPrefix(target, "/dev/pts/"):
		n, err := strconv.Atoi(strings.TrimPrefix(target, "/dev/pts/"))
		if err != nil || ns.pty(n) == nil {
			return nil, true, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		return &terminalFile{n: n, t: ns.pty(n)}, true, nil
	case strings.HasPrefix(target, "pipe:["):
		if w := ns.pipe(target); w != nil {
			return &pipeWriter{Writer: w, ino: target}, true, nil
		}
		return nil, true, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	case target == "/dev/null":
		return nullDevice{}, true, nil
	}
	return nil, false, nil
}

// resolveLinks follows the symbolic links of name (an absolute path
// under /proc or /dev) to what they name at last, as far as the
// filesystem has them: a pipe:[N] target is returned as it is.
func resolveLinks(f *memfs.FS, name string) string {
	for range maxLinkHops {
		fi, err := f.Lstat(name)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return name
		}
		t, err := f.Readlink(name)
		if err != nil {
			return name
		}
		if strings.HasPrefix(t, "pipe:[") || strings.HasPrefix(t, "socket:[") {
			return t
		}
		if !strings.HasPrefix(t, "/") {
			t = path.Join(path.Dir(name), t)
		}
		name = path.Clean(t)
	}
	return name
}

// maxLinkHops bounds resolveLinks, as the kernel's MAXSYMLINKS.
const maxLinkHops = 40
