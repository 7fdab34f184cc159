package shell

import (
	"context"
	"io"
	"path"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// PIDs is a PID namespace: the processes of one container as ps, top,
// kill, pidof and $$ see them. Every Process started with the same PIDs
// (a container's main process and its execs) joins it; the first gets PID
// 1. Inside a Process, each program the shell runs, each pipeline stage
// and each background job is a process of its own, with its own PID, that
// kill can end without ending the shell.
//
// # Concurrency
//
// A PIDs is safe for concurrent use.
type PIDs struct {
	mu    sync.Mutex
	last  int
	tasks map[int]*task
	ptys  map[int]*pty         // the terminals open in the container, by their /dev/pts/N number
	pipes map[string]io.Writer // the processes' output pipes, by pipe:[N] (/proc/<pid>/fd/1)
}

// addPipe makes w the pipe ino ("pipe:[N]") that opening a process's fd
// link to it writes to; removePipe forgets it.
func (ns *PIDs) addPipe(ino string, w io.Writer) {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	if ns.pipes == nil {
		ns.pipes = map[string]io.Writer{}
	}
	ns.pipes[ino] = w
}

func (ns *PIDs) removePipe(ino string) {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	delete(ns.pipes, ino)
}

// pipe is the writer of pipe ino, or nil.
func (ns *PIDs) pipe(ino string) io.Writer {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	return ns.pipes[ino]
}

// pty is a terminal of the namespace: what its process reads and writes
// and its window size.
type pty struct {
	in   io.Reader
	out  io.Writer
	size func() (rows, cols int) // nil: 0 0
}

// NewPIDs returns an empty PID namespace.
func NewPIDs() *PIDs { return &PIDs{tasks: map[int]*task{}} }

// task is one process of a namespace.
type task struct {
	ns    *PIDs
	pid   int
	ppid  int
	pgid  int
	uid   int
	gid   int
	tty   int // its terminal: /dev/pts/N, or -1 for none
	start time.Time
	// parent is the task that forked it (nil for a Process's first);
	// groups its supplementary groups
	parent *task
	groups []int
	// mountinfo is its mount namespace's table (/proc/<pid>/mountinfo)
	mountinfo string

	mu     sync.Mutex
	comm   string   // the program's name
	args   []string // its command line
	noexec bool     // a busybox NOEXEC applet: its command line is its parent's
	exe    string   // the file it runs ("": /bin/busybox)
	env    []string // its environment (/proc/<pid>/environ)
	dir    string   // its working directory
	fds    [3]string
	sig    syscall.Signal
	cancel context.CancelFunc       // ends it (a child task)
	signal func(sig syscall.Signal) // delivers sig (a Process's first task)
}

// taskInfo is what ps reads of a task.
type taskInfo struct {
	pid, ppid, pgid, uid, gid int
	tty                       int
	comm                      string
	args                      []string
	noexec                    bool
	start                     time.Time
}

// noexecApplets are the applets busybox (1.35, Debian) runs in a forked
// shell without exec: ps shows them as "{name} <the shell's command line>".
var noexecApplets = map[string]bool{
	"awk": true, "cut": true, "dd": true, "fold": true, "head": true, "hexdump": true, "md5sum": true,
	"paste": true, "ps": true, "sha1sum": true, "sha256sum": true, "sha512sum": true, "sha3sum": true,
	"sort": true, "tac": true, "xargs": true, "yes": true,
}

// add makes t, whose program, command line and owner are already set, a
// process of the namespace: a child of parent (nil for a Process's first
// task). It gets its PID here, so ps never sees it half made (as a
// pipeline stage named "sh" that is about to run sort).
func (ns *PIDs) add(t *task, parent *task) *task {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	ns.last++
	for ns.tasks[ns.last] != nil {
		ns.last++
	}
	t.ns, t.pid, t.pgid, t.parent = ns, ns.last, ns.last, parent
	if parent != nil {
		t.ppid, t.pgid = parent.pid, parent.pgid
	}
	ns.tasks[t.pid] = t
	if t.pid == 1 {
		// runc's init is a Go program: its threads took the PIDs after
		// 1 before it exec'd the container's first process, so the
		// next process of the namespace is 7
		ns.last = max(ns.last, 6)
	}
	return t
}

func commOf(args []string) string {
	if len(args) == 0 {
		return "sh"
	}
	c := path.Base(args[0])
	if len(c) > 15 {
		c = c[:15] // the kernel's TASK_COMM_LEN
	}
	return c
}

// openPty opens a terminal of the namespace: the lowest /dev/pts number
// no open terminal has, as the kernel's devpts gives it.
func (ns *PIDs) openPty(t *pty) int {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	if ns.ptys == nil {
		ns.ptys = map[int]*pty{}
	}
	n := 0
	for ns.ptys[n] != nil {
		n++
	}
	ns.ptys[n] = t
	return n
}

// pty is the open terminal /dev/pts/n, or nil.
func (ns *PIDs) pty(n int) *pty {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	return ns.ptys[n]
}

// closePty frees terminal n.
func (ns *PIDs) closePty(n int) {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	delete(ns.ptys, n)
}

// exit removes the task from its namespace.
func (t *task) exit() {
	t.ns.mu.Lock()
	defer t.ns.mu.Unlock()
	if t.ns.tasks[t.pid] == t {
		delete(t.ns.tasks, t.pid)
	}
}

// fork adds a child of t to the namespace: a subshell with t's command
// line when args is nil, otherwise a child that already runs args (fork
// and exec in one step, as ps sees a child that has exec'd).
func (t *task) fork(args []string, now time.Time) *task {
	t.mu.Lock()
	c := &task{uid: t.uid, gid: t.gid, groups: t.groups, tty: t.tty, start: now, comm: "sh", args: t.args,
		exe: t.exe, env: t.env, dir: t.dir, fds: t.fds, mountinfo: t.mountinfo}
	t.mu.Unlock()
	if args != nil {
		c.setProgram(args)
	}
	return t.ns.add(c, t)
}

// exec replaces the program t runs, as execve does.
func (t *task) exec(args []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.setProgram(args)
}

// setProgram makes args t's program; a busybox NOEXEC applet keeps the
// command line it was forked with. The caller holds t.mu or t is not yet
// in a namespace.
func (t *task) setProgram(args []string) {
	t.comm = commOf(args)
	t.noexec = noexecApplets[t.comm]
	if !t.noexec {
		t.args = args
	}
}

// setIO records the environment, working directory and standard
// streams of the program t runs (/proc/<pid>/environ, cwd, fd).
func (t *task) setIO(env []string, dir string, fds [3]string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.env, t.dir, t.fds = env, dir, fds
}

// setFDs records what t's standard streams are.
func (t *task) setFDs(fds [3]string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.fds = fds
}

// openFDs is what t's standard streams are.
func (t *task) openFDs() [3]string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.fds
}

// setDir records t's new working directory (cd).
func (t *task) setDir(dir string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.dir = dir
}

// setKill makes cancel the way t ends when it is killed.
func (t *task) setKill(cancel context.CancelFunc) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.cancel = cancel
}

// killedBy is the signal that ended t, or 0.
func (t *task) killedBy() syscall.Signal {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.sig
}

// kill delivers sig to t with Linux's default actions: a Process's first
// task follows Process.Signal (traps, PID 1); another task ends on every
// signal whose default is to terminate. Signal 0 checks that t exists.
func (t *task) kill(sig syscall.Signal) {
	if sig == 0 {
		return
	}
	t.mu.Lock()
	signal, cancel := t.signal, t.cancel
	t.mu.Unlock()
	if signal != nil {
		signal(sig)
		return
	}
	switch sig {
	case syscall.SIGCHLD, syscall.SIGWINCH, syscall.SIGURG, syscall.SIGCONT, syscall.SIGSTOP, syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU:
		return
	}
	t.mu.Lock()
	if t.sig == 0 {
		t.sig = sig
	}
	t.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// lookup finds the task with pid.
func (ns *PIDs) lookup(pid int) *task {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	return ns.tasks[pid]
}

// list is every task, by PID.
func (ns *PIDs) list() []taskInfo {
	ns.mu.Lock()
	tasks := make([]*task, 0, len(ns.tasks))
	for _, t := range ns.tasks {
		tasks = append(tasks, t)
	}
	ns.mu.Unlock()
	out := make([]taskInfo, 0, len(tasks))
	for _, t := range tasks {
		t.mu.Lock()
		out = append(out, taskInfo{pid: t.pid, ppid: t.ppid, pgid: t.pgid, uid: t.uid, gid: t.gid, tty: t.tty,
			comm: t.comm, args: t.args, noexec: t.noexec, start: t.start})
		t.mu.Unlock()
	}
	slices.SortFunc(out, func(a, b taskInfo) int { return a.pid - b.pid })
	return out
}

// signalText is what ash prints when a command it waited for was killed
// by sig ("" for INT and PIPE, which it passes over).
func signalText(sig syscall.Signal) string {
	switch sig {
	case syscall.SIGINT, syscall.SIGPIPE:
		return ""
	case syscall.SIGHUP:
		return "Hangup"
	case syscall.SIGQUIT:
		return "Quit"
	case syscall.SIGILL:
		return "Illegal instruction"
	case syscall.SIGTRAP:
		return "Trace/breakpoint trap"
	case syscall.SIGABRT:
		return "Aborted"
	case syscall.SIGBUS:
		return "Bus error"
	case syscall.SIGFPE:
		return "Floating point exception"
	case syscall.SIGKILL:
		return "Killed"
	case syscall.SIGUSR1:
		return "User defined signal 1"
	case syscall.SIGSEGV:
		return "Segmentation fault"
	case syscall.SIGUSR2:
		return "User defined signal 2"
	case syscall.SIGALRM:
		return "Alarm clock"
	case syscall.SIGTERM:
		return "Terminated"
	}
	return "Signal " + strconv.Itoa(int(sig))
}
