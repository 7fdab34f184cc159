package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
)

// Program is a command implemented in Go. It returns the exit status.
type Program func(ctx context.Context, p *Proc) int

// Clock returns the current time; the date applet reads it.
type Clock func() time.Time

// Proc is what a Program gets: its arguments, streams, environment and the
// filesystem it runs on.
type Proc struct {
	Args           []string // Args[0] is the name it was called by
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Env            []string // KEY=value
	Dir            string   // working directory
	FS             *memfs.FS
	UID, GID       int
	Hostname       string
	Clock          Clock

	sh   *shell
	task *task           // the process it is, in its namespace
	ctx  context.Context // ends when the process is killed (nil: the Process's)
}

// context ends when the program's process is killed or ends: what a
// blocking open (a named pipe) waits with.
func (p *Proc) context() context.Context {
	if p.ctx != nil {
		return p.ctx
	}
	return p.sh.p.ctx
}

// IsTerminal reports whether the program's file descriptor fd (0, 1 or 2)
// is the process's terminal: the process has one (Config.TTY) and fd is
// not redirected to a file or a pipe.
func (p *Proc) IsTerminal(fd int) bool {
	return p.sh.p.isTerminal(fd, p.Stdin, p.Stdout, p.Stderr)
}

// Getenv returns the value of key in p.Env.
func (p *Proc) Getenv(key string) string {
	for i := len(p.Env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(p.Env[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}

// Sleep waits for d like the sleep applet: it returns early with an error
// when ctx ends or the process is killed, or when a trapped signal arrives
// for the process's shell; it does not count time while the process is
// paused.
func (p *Proc) Sleep(ctx context.Context, d time.Duration) error {
	return p.sh.sleep(ctx, d)
}

// Config describes a process to Start.
type Config struct {
	FS             *memfs.FS // required
	Env            []string  // KEY=value, the container's environment
	Dir            string    // working directory; "" means "/"
	Stdin          io.Reader // nil means empty
	Stdout, Stderr io.Writer // nil means discard; may be the same writer
	Hostname       string    // the UTS name (hostname, uname -n)
	UID, GID       int
	GroupAdd       []int              // supplementary groups beyond the user's own (HostConfig.GroupAdd)
	Programs       map[string]Program // extra commands, by name or base name
	Clock          Clock              // nil means time.Now
	PID1           bool               // untrapped TERM, INT... are ignored, as for PID 1
	// Init runs argv under docker-init (tini, HostConfig.Init): the
	// namespace's PID 1 is /sbin/docker-init -- argv, argv its child in a
	// process group of its own; the init passes the signals it gets on to
	// the child and exits with the child's status (128+signal when a
	// signal ended it).
	Init       bool
	TTY        bool                    // Stdin, Stdout and Stderr are a terminal (a TTY container or exec)
	PIDs       *PIDs                   // the PID namespace to join (a container's); nil means one of its own
	Mounts     []Mount                 // the mount table (df, stat -f); nil means DockerMounts()
	Net        *Net                    // the network namespace (ip, ifconfig); nil means lo alone
	Rlimits    []Rlimit                // resource limits beyond a container's defaults (HostConfig.Ulimits)
	TermSize   func() (rows, cols int) // the terminal's window size (stty size); nil means 0 0
	StepBudget int                     // commands and loop iterations allowed; 0 = unlimited
}

// ErrStepBudget is reported by Process.Err when the step budget ran out;
// the exit status is then BudgetExitCode.
var ErrStepBudget = errors.New("shell: step budget exceeded")

// BudgetExitCode is the exit status of a process stopped by its step budget.
const BudgetExitCode = 124

// errKilled unwinds the interpreter once the process is killed.
var errKilled = errors.New("shell: killed")

// Process is a running command: a shell or applet over a memfs.
//
// # Concurrency
//
// All methods are safe for concurrent use.
type Process struct {
	cfg    Config
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	wg     sync.WaitGroup

	steps   atomic.Int64
	mainSet atomic.Bool
	ns      *PIDs
	main    *task     // the process's first task: argv
	init    *task     // docker-init, PID 1 over main (Config.Init), or nil
	fds     [3]string // what its standard streams are (/proc/<pid>/fd)

	stdin *pump
	// the process's own streams, to tell them from redirections
	ttyIn          io.Reader
	ttyOut, ttyErr io.Writer

	mu       sync.Mutex
	code     int
	killed   bool
	err      error
	traps    map[syscall.Signal]string // "" means ignored
	exitTrap *string
	pending  []syscall.Signal
	// catchINT: the process is busybox ash running -c, which catches
	// SIGINT; interrupted records one that came, acted on (exit 130) when
	// the shell next has control: after its foreground command ends.
	catchINT    bool
	interrupted bool
	// catchFatal: the process is an applet that installs handlers for
	// busybox's BB_FATAL_SIGS (top): one of them ends it with 128+sig,
	// PID 1 or not (its handler re-raises, then _exits).
	catchFatal bool
	rlimits    map[string][2]int64 // soft and hard, by Rlimit name (ulimit)
	wake       chan struct{}
	paused     bool
	resumeCh   chan struct{}
}

// Start runs argv (for instance ["sh", "-c", "echo hi"], ["cat"] or
// ["/bin/sleep", "100"]) in its own goroutine. argv[0] is found as the
// shell finds commands: a registered Program, or an applet or script at an
// explicit path or on $PATH. A command that cannot be found exits with 127.
func Start(ctx context.Context, argv []string, cfg Config) *Process {
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Dir == "" {
		cfg.Dir = "/"
	}
	if cfg.FS == nil {
		cfg.FS = memfs.New()
	}
	out, errw := wrapWriters(cfg.Stdout, cfg.Stderr)
	cfg.Stdout, cfg.Stderr = out, errw
	pctx, cancel := context.WithCancel(ctx)
	p := &Process{
		cfg:    cfg,
		ctx:    pctx,
		cancel: cancel,
		done:   make(chan struct{}),
		traps:  map[syscall.Signal]string{},
		wake:   make(chan struct{}, 1),
	}
	p.catchINT = len(argv) > 1 && commOf(argv) == "sh" && argv[1] == "-c"
	p.catchFatal = fatalCatchers[commOf(argv)]
	p.initRlimits()
	p.ns = cfg.PIDs
	if p.ns == nil {
		p.ns = NewPIDs()
	}
	var in io.Reader = nullDevice{}
	if cfg.Stdin != nil {
		p.stdin = &pump{src: cfg.Stdin, done: p.done}
		in = &ctxReader{p: p, pump: p.stdin}
	}
	ptyN := -1
	if cfg.TTY {
		ptyN = p.ns.openPty(&pty{in: in, out: cfg.Stdout, size: cfg.TermSize})
		tty := "/dev/pts/" + strconv.Itoa(ptyN)
		p.fds = [3]string{tty, tty, tty}
	} else {
		p.fds = [3]string{"/dev/null", newPipeInode(), ""}
		if cfg.Stdin != nil {
			p.fds[0] = newPipeInode()
		}
		p.fds[2] = p.fds[1]
		if errw != out {
			p.fds[2] = newPipeInode()
		}
		p.ns.addPipe(p.fds[1], out)
		p.ns.addPipe(p.fds[2], errw)
	}
	groups := []int{cfg.GID}
	if user, ok := lookupName(cfg.FS, "/etc/passwd", cfg.UID); ok {
		groups = userGroups(cfg.FS, user, cfg.GID)
	}
	for _, g := range cfg.GroupAdd {
		if !slices.Contains(groups, g) {
			groups = append(groups, g)
		}
	}
	cfg.FS.SetSynthetic("/proc", p.ns)
	// the kernel checks what a process does to files against its user:
	// the view of the filesystem as that user
	p.cfg.FS = cfg.FS.As(memfs.Cred{UID: cfg.UID, GIDs: groups})
	main := &task{uid: cfg.UID, gid: cfg.GID, groups: groups, tty: ptyN, start: cfg.Clock(), comm: commOf(argv), args: argv,
		signal: p.Signal, env: cfg.Env, dir: cfg.Dir, fds: p.fds}
	if cfg.Init {
		// docker-init forwards what it gets; SIGKILL and SIGSTOP sent to
		// a namespace's init from inside it are dropped by the kernel
		initArgs := append([]string{"/sbin/docker-init", "--"}, argv...)
		p.init = p.ns.add(&task{uid: cfg.UID, gid: cfg.GID, groups: groups, tty: ptyN, start: main.start, comm: "docker-init",
			args: initArgs, exe: "/sbin/docker-init", env: cfg.Env, dir: cfg.Dir, fds: p.fds,
			signal: func(sig syscall.Signal) {
				if sig != syscall.SIGKILL && sig != syscall.SIGSTOP {
					p.Signal(sig)
				}
			}}, nil)
	}
	p.main = p.ns.add(main, p.init)
	if p.init != nil {
		p.main.mu.Lock()
		p.main.pgid = p.main.pid // tini makes the child a process group leader
		p.main.mu.Unlock()
	}
	p.ttyIn, p.ttyOut, p.ttyErr = in, cfg.Stdout, cfg.Stderr
	sh := newShell(p, cfg.Env, cfg.Dir)
	sh.stdin, sh.stdout, sh.stderr = in, cfg.Stdout, cfg.Stderr
	sh.task, sh.pid = p.main, p.main.pid
	go func() {
		code := sh.runArgv(pctx, argv)
		p.mu.Lock()
		if !p.killed {
			p.code = code
		}
		p.killed = true
		p.mu.Unlock()
		cancel()
		p.wg.Wait()
		p.main.exit()
		if p.init != nil {
			p.init.exit()
		}
		if ptyN >= 0 {
			p.ns.closePty(ptyN)
		} else {
			p.ns.removePipe(p.fds[1])
			p.ns.removePipe(p.fds[2])
		}
		close(p.done)
	}()
	return p
}

// PID is the process's PID in its namespace (1 for the first process of a
// Config.PIDs).
func (p *Process) PID() int { return p.main.pid }

// Wait waits for the process to end and returns its exit status.
func (p *Process) Wait() int {
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.code
}

// Done is closed when the process has ended.
func (p *Process) Done() <-chan struct{} { return p.done }

// Err reports why the process was stopped from outside its script:
// ErrStepBudget, or nil.
func (p *Process) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// isTerminal reports whether fd, given a program's streams, is the
// process's terminal.
func (p *Process) isTerminal(fd int, in io.Reader, out, errw io.Writer) bool {
	if fd >= 0 && fd <= 2 {
		if _, ok := [3]any{in, out, errw}[fd].(*terminalFile); ok {
			return true // opened by name: /dev/pts/N, /proc/1/fd/0
		}
	}
	if !p.cfg.TTY {
		return false
	}
	switch fd {
	case 0:
		return in == p.ttyIn
	case 1:
		return out == p.ttyOut || out == p.ttyErr
	case 2:
		return errw == p.ttyOut || errw == p.ttyErr
	}
	return false
}

// hasExitTrap reports whether an EXIT trap is set, which keeps ash from
// exec-ing the last command of sh -c.
func (p *Process) hasExitTrap() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.exitTrap != nil
}

// kill ends the process with code unless it already has a status.
func (p *Process) kill(code int, err error) {
	p.mu.Lock()
	if !p.killed {
		p.killed, p.code, p.err = true, code, err
	}
	p.mu.Unlock()
	p.cancel()
}

// Signal delivers sig with Linux semantics. SIGKILL always kills (exit
// 137). A trapped signal runs its handler, interrupting a sleep or read; a
// signal trapped with an empty handler is ignored. An untrapped signal whose
// default action is to terminate kills the process with 128+sig, unless the
// process is PID 1, which has no default handlers. SIGSTOP and SIGCONT pause
// and resume.
func (p *Process) Signal(sig syscall.Signal) {
	switch sig {
	case syscall.SIGKILL:
		p.kill(128+int(sig), nil)
		return
	case syscall.SIGSTOP, syscall.SIGTSTP:
		p.Pause()
		return
	case syscall.SIGCONT:
		p.Resume()
		return
	}
	p.mu.Lock()
	h, trapped := p.traps[sig]
	switch {
	case trapped && h == "":
		p.mu.Unlock()
	case trapped:
		p.pending = append(p.pending, sig)
		p.mu.Unlock()
		select {
		case p.wake <- struct{}{}:
		default:
		}
	default:
		p.mu.Unlock()
		switch sig {
		case syscall.SIGCHLD, syscall.SIGWINCH, syscall.SIGURG:
			return // ignored by default
		}
		switch {
		case sig == syscall.SIGINT && p.catchINT:
			// ash -c catches SIGINT, PID 1 or not: it exits 130 once its
			// foreground command is over (a sleep is not cut short).
			p.mu.Lock()
			p.interrupted = true
			p.mu.Unlock()
		case p.catchFatal && fatalSignal(sig):
			p.kill(128+int(sig), nil)
		case !p.cfg.PID1:
			p.kill(128+int(sig), nil)
		}
	}
}

// fatalCatchers are the applets that catch busybox's BB_FATAL_SIGS
// (bb_signals(BB_FATAL_SIGS, ...)) to restore the terminal before they
// exit.
var fatalCatchers = map[string]bool{"top": true}

// fatalSignal reports whether sig is one of busybox's BB_FATAL_SIGS.
func fatalSignal(sig syscall.Signal) bool {
	switch sig {
	case syscall.SIGHUP, syscall.SIGINT, syscall.SIGPIPE, syscall.SIGQUIT, syscall.SIGABRT, syscall.SIGALRM,
		syscall.SIGVTALRM, syscall.SIGXCPU, syscall.SIGXFSZ, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGTERM:
		return true
	}
	return false
}

// Pause freezes the process: it stops at its next command, sleep or read
// until Resume.
func (p *Process) Pause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.paused {
		p.paused = true
		p.resumeCh = make(chan struct{})
	}
}

// Resume lets a paused process go on.
func (p *Process) Resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.paused {
		p.paused = false
		close(p.resumeCh)
	}
}

// waitUnpaused blocks while the process is paused.
func (p *Process) waitUnpaused(ctx context.Context) error {
	p.mu.Lock()
	paused, ch := p.paused, p.resumeCh
	p.mu.Unlock()
	if paused {
		select {
		case <-ch:
		case <-ctx.Done():
			return errKilled
		}
	}
	return nil
}

// takeInterrupt reports an SIGINT the shell caught and has not acted on.
func (p *Process) takeInterrupt() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	i := p.interrupted
	p.interrupted = false
	return i
}

func (p *Process) takePending() []syscall.Signal {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.pending
	p.pending = nil
	return s
}

func (p *Process) go_(fn func()) {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		fn()
	}()
}

// pump reads the process's stdin in one goroutine so reads can be
// abandoned when the process is signalled or killed. The goroutine ends at
// the stdin's EOF or error, or when the process ends and nobody reads.
type pump struct {
	once sync.Once
	src  io.Reader
	done chan struct{}
	ch   chan chunk
}

type chunk struct {
	b   []byte
	err error
}

func (u *pump) start() {
	u.once.Do(func() {
		u.ch = make(chan chunk)
		go func() {
			for {
				buf := make([]byte, 32*1024)
				n, err := u.src.Read(buf)
				if n > 0 || err != nil {
					select {
					case u.ch <- chunk{buf[:n], err}:
					case <-u.done:
						return
					}
				}
				if err != nil {
					return
				}
			}
		}()
	})
}

// ctxReader reads the pump, giving up when the process is killed.
type ctxReader struct {
	p    *Process
	pump *pump
	mu   sync.Mutex
	left []byte
	err  error
}

func (r *ctxReader) Read(b []byte) (int, error) { return r.read(b, nil) }

// read is Read that also gives up with errInterrupted on wake.
func (r *ctxReader) read(b []byte, wake chan struct{}) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.p.waitUnpaused(r.p.ctx); err != nil {
		return 0, err
	}
	if len(r.left) == 0 && r.err == nil {
		r.pump.start()
		select {
		case c := <-r.pump.ch:
			r.left, r.err = c.b, c.err
		case <-r.p.ctx.Done():
			return 0, errKilled
		case <-wake:
			return 0, errInterrupted
		}
	}
	if len(r.left) > 0 {
		n := copy(b, r.left)
		r.left = r.left[n:]
		return n, nil
	}
	return 0, r.err
}

// lockedWriter serialises writes from concurrent pipeline stages.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

func wrapWriters(out, errw io.Writer) (io.Writer, io.Writer) {
	if out == nil {
		out = io.Discard
	}
	if errw == nil {
		errw = io.Discard
	}
	mu := &sync.Mutex{}
	o := &lockedWriter{mu, out}
	if errw == out {
		return o, o
	}
	return o, &lockedWriter{&sync.Mutex{}, errw}
}

// linuxSignals names Linux's signals 1 to 31 as kill -l lists them.
var linuxSignals = [...]string{"", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV",
	"USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ",
	"VTALRM", "PROF", "WINCH", "POLL", "PWR", "SYS"}

// parseSignal reads TERM, SIGTERM or 15; ok is false for anything else.
func parseSignal(s string) (syscall.Signal, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		return syscall.Signal(n), n >= 0 && n < 65
	}
	name := strings.TrimPrefix(strings.ToUpper(s), "SIG")
	switch name {
	case "IOT":
		name = "ABRT"
	case "IO":
		name = "POLL"
	case "CLD":
		name = "CHLD"
	}
	for i, n := range linuxSignals {
		if i > 0 && n == name {
			return syscall.Signal(i), true
		}
	}
	return 0, false
}

// signalName is sig's name without SIG, or its number.
func signalName(sig syscall.Signal) string {
	if sig > 0 && int(sig) < len(linuxSignals) {
		return linuxSignals[sig]
	}
	return strconv.Itoa(int(sig))
}

// ErrNotFound is wrapped by LookPath's error when a command cannot be found.
var ErrNotFound = errors.New("executable file not found in $PATH")

// LookPath reports what Start would run for name with this configuration,
// so a daemon can refuse to start a container whose command does not exist,
// as dockerd does: the name itself for a registered Program, otherwise the
// file found at an explicit path or on $PATH (from Env, or the default).
// A binary that is not an applet the shell has (nor a Program by its base
// name) cannot run here and is reported as not found.
func (c Config) LookPath(name string) (string, error) {
	if _, ok := c.Programs[name]; ok {
		return name, nil
	}
	fsys := c.FS
	if fsys == nil || name == "" {
		return "", fmt.Errorf("shell: %q: %w", name, ErrNotFound)
	}
	pathEnv, dir := defaultPath, c.Dir
	if dir == "" {
		dir = "/"
	}
	for _, kv := range c.Env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			pathEnv = v
		}
	}
	var cands []string
	if strings.Contains(name, "/") {
		cands = []string{name}
	} else {
		for _, d := range strings.Split(pathEnv, ":") {
			cands = append(cands, path.Join(d, name))
		}
	}
	for _, p := range cands {
		if !strings.HasPrefix(p, "/") {
			p = path.Join(dir, p)
		}
		if fi, err := fsys.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0 && c.runnable(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("shell: %q: %w", name, ErrNotFound)
}

// runnable reports whether the executable file can run here: a script, a
// binary named for an applet, or one named for a Program.
func (c Config) runnable(file string) bool {
	if !isBinary(readHead(c.FS, file)) {
		return true
	}
	base := path.Base(file)
	_, applet := applets[base]
	_, prog := c.Programs[base]
	return applet || prog
}
