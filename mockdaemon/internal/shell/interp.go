package shell

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
)

// maxCallDepth bounds function, eval, sh and substitution nesting.
const maxCallDepth = 100

// Control flow unwinds as errors.
type exitErr struct{ code int }
type returnErr struct{ code int }
type loopErr struct {
	brk bool
	n   int
}

func (e exitErr) Error() string   { return "exit " + strconv.Itoa(e.code) }
func (e returnErr) Error() string { return "return" }
func (e loopErr) Error() string   { return "break/continue" }

type svar struct {
	val      string
	exported bool
}

// shell is one shell execution environment; subshells get a copy.
type shell struct {
	p         *Process
	vars      map[string]*svar
	funcs     map[string]*FuncDef
	dir       string
	arg0      string
	params    []string
	status    int
	lastBg    int
	opts      struct{ errexit, nounset, xtrace bool }
	main      bool
	depth     int
	jobs      map[int]*job
	lastSubst int

	// task is the process this shell is (a pipeline stage or background
	// job has one of its own), pid its $$ (a subshell keeps its
	// parent's).
	task *task
	pid  int
	// execNext lets the next program replace task, as exec does: the
	// command is the last thing the process does. execLast sets it for
	// the last command of a sh -c script.
	execNext, execLast bool

	stdin          io.Reader
	stdout, stderr io.Writer
}

type job struct {
	pid    int
	done   chan struct{}
	status int
	sig    syscall.Signal // what killed it, or 0
}

func newShell(p *Process, env []string, dir string) *shell {
	sh := &shell{p: p, vars: map[string]*svar{}, funcs: map[string]*FuncDef{}, dir: dir, arg0: "sh", jobs: map[int]*job{}}
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			sh.vars[k] = &svar{val: v, exported: true}
		}
	}
	return sh
}

// sub returns a copy of sh for a subshell.
func (sh *shell) sub() *shell {
	c := *sh
	c.vars = make(map[string]*svar, len(sh.vars))
	for k, v := range sh.vars {
		vv := *v
		c.vars[k] = &vv
	}
	c.funcs = maps.Clone(sh.funcs)
	c.params = append([]string(nil), sh.params...)
	c.jobs = map[int]*job{}
	c.main = false
	c.execNext, c.execLast = false, false
	return &c
}

func (sh *shell) get(name string) (string, bool) {
	if v, ok := sh.vars[name]; ok {
		return v.val, true
	}
	return "", false
}

func (sh *shell) set(name, val string) {
	if v, ok := sh.vars[name]; ok {
		v.val = val
		return
	}
	sh.vars[name] = &svar{val: val}
}

// environ returns the exported variables as KEY=value, sorted.
func (sh *shell) environ(extra []Assign, vals []string) []string {
	m := map[string]string{}
	for k, v := range sh.vars {
		if v.exported {
			m[k] = v.val
		}
	}
	for i, a := range extra {
		m[a.Name] = vals[i]
	}
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

func (sh *shell) errorf(format string, args ...any) {
	fmt.Fprintf(sh.stderr, "sh: "+format+"\n", args...)
}

// step is the checkpoint run before each command and loop iteration:
// killed, paused, out of budget, or a trapped signal to handle.
func (sh *shell) step(ctx context.Context) error {
	if ctx.Err() != nil {
		return errKilled
	}
	if err := sh.p.waitUnpaused(ctx); err != nil {
		return err
	}
	if b := sh.p.cfg.StepBudget; b > 0 && sh.p.steps.Add(1) > int64(b) {
		sh.p.kill(BudgetExitCode, ErrStepBudget)
		return errKilled
	}
	if sh.main {
		return sh.runTraps(ctx)
	}
	return nil
}

func (sh *shell) runTraps(ctx context.Context) error {
	if sh.p.takeInterrupt() {
		sh.p.kill(128+int(syscall.SIGINT), nil)
		return errKilled
	}
	for _, sig := range sh.p.takePending() {
		sh.p.mu.Lock()
		h := sh.p.traps[sig]
		sh.p.mu.Unlock()
		if h == "" {
			continue
		}
		saved := sh.status
		if _, err := sh.eval(ctx, h); err != nil {
			return err
		}
		sh.status = saved
	}
	return nil
}

// sleep waits d; a trapped signal interrupts the main shell's sleep.
func (sh *shell) sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	var wake chan struct{}
	if sh.main {
		wake = sh.p.wake
	}
	select {
	case <-t.C:
		return sh.p.waitUnpaused(ctx)
	case <-ctx.Done():
		return errKilled
	case <-wake:
		return errInterrupted
	}
}

var errInterrupted = errors.New("interrupted")

// eval parses and runs src in sh.
func (sh *shell) eval(ctx context.Context, src string) (int, error) {
	l, err := Parse(src)
	if err != nil {
		sh.errorf("%s", strings.TrimPrefix(err.Error(), "shell: "))
		return 2, nil
	}
	if sh.depth >= maxCallDepth {
		sh.errorf("nesting too deep")
		return 2, nil
	}
	sh.depth++
	defer func() { sh.depth-- }()
	return sh.runList(ctx, l)
}

// runScript runs a whole script, turning exit into a status.
func (sh *shell) runScript(ctx context.Context, src string) int {
	st, err := sh.eval(ctx, src)
	return sh.finish(ctx, st, err)
}

// runStream runs the commands of a script read from r (sh without -c or
// a file: its standard input) as ash does, each complete command as soon
// as its last line has come, so an attached stdin drives the shell line
// by line. It reads a byte at a time, as ash does from a pipe, leaving
// what follows for the commands that read stdin themselves. A syntax
// error ends the shell (2).
func (sh *shell) runStream(ctx context.Context, r io.Reader) int {
	var buf []byte
	one := make([]byte, 1)
	st := 0
	for {
		n, err := r.Read(one)
		if n == 1 {
			buf = append(buf, one[0])
		}
		eof := err != nil
		if eof && ctx.Err() != nil {
			return sh.finish(ctx, st, errKilled)
		}
		if len(buf) > maxWord {
			sh.errorf("script too long")
			return sh.finish(ctx, 2, nil)
		}
		complete := n == 1 && one[0] == '\n' && !bytes.HasSuffix(buf, []byte("\\\n"))
		if len(buf) > 0 && (complete || eof) {
			src := string(buf)
			if _, perr := Parse(src); perr != nil && !eof && incompleteInput(perr) {
				continue // a command that goes on over the next lines
			} else if perr != nil {
				sh.errorf("%s", strings.TrimPrefix(perr.Error(), "shell: "))
				return sh.finish(ctx, 2, nil)
			}
			buf = buf[:0]
			var err error
			if st, err = sh.eval(ctx, src); err != nil {
				return sh.finish(ctx, st, err)
			}
		}
		if eof {
			return sh.finish(ctx, st, nil)
		}
	}
}

// incompleteInput reports whether a parse failed only because the input
// stopped inside a command.
func incompleteInput(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "end of file") || strings.Contains(msg, "unterminated quoted string") || strings.Contains(msg, "EOF in backquote")
}

// finish converts the unwinding error at the top of a shell into its exit
// status and runs the EXIT trap of the main shell.
func (sh *shell) finish(ctx context.Context, st int, err error) int {
	var ex exitErr
	var re returnErr
	switch {
	case errors.As(err, &ex):
		st = ex.code
	case errors.As(err, &re):
		st = re.code
	case errors.Is(err, errKilled):
		return st
	}
	if sh.main {
		sh.p.mu.Lock()
		h := sh.p.exitTrap
		sh.p.exitTrap = nil
		sh.p.mu.Unlock()
		if h != nil && *h != "" {
			sh.status = st
			if _, err := sh.eval(ctx, *h); errors.As(err, &ex) {
				st = ex.code
			}
		}
	}
	return st
}

func (sh *shell) runList(ctx context.Context, l *List) (int, error) {
	st := sh.status
	last := sh.execLast // for this list only, not the lists inside it
	sh.execLast = false
	for i, ao := range l.Items {
		if last && i == len(l.Items)-1 && !ao.Background && isSimple(single(ao)) && !sh.p.hasExitTrap() {
			sh.execNext = true
		}
		if ao.Background {
			sh.background(ctx, ao)
			st = 0
			sh.status = 0
			continue
		}
		var err error
		st, err = sh.runAndOr(ctx, ao)
		sh.status = st
		if err != nil {
			return st, err
		}
		if sh.main {
			if err := sh.runTraps(ctx); err != nil {
				return st, err
			}
		}
	}
	return st, nil
}

// isSimple reports whether ao is one simple command, which a forked
// process runs by exec.
// single is the one command of ao, or nil when ao is more than one
// command or a negated one.
func single(ao *AndOr) Command {
	if len(ao.Pipes) != 1 || len(ao.Pipes[0].Cmds) != 1 || ao.Pipes[0].Negate {
		return nil
	}
	return ao.Pipes[0].Cmds[0]
}

func isSimple(c Command) bool {
	_, ok := c.(*SimpleCmd)
	return ok
}

// knownProgram is the command line c will exec when it is a simple
// command of plain words (nothing to expand, so nothing runs to learn it)
// naming a program on $PATH, not a function or builtin; otherwise nil.
func (sh *shell) knownProgram(c Command) []string {
	sc, ok := c.(*SimpleCmd)
	if !ok || len(sc.Args) == 0 {
		return nil
	}
	args := make([]string, len(sc.Args))
	for i, w := range sc.Args {
		if strings.ContainsAny(string(w), "$`'\"\\*?[~") {
			return nil
		}
		args[i] = string(w)
	}
	if _, ok := sh.funcs[args[0]]; ok {
		return nil
	}
	if _, ok := builtins[args[0]]; ok {
		return nil
	}
	if run, _, _ := sh.findProgram(args[0]); run == nil {
		return nil
	}
	return args
}

// fork makes the subshell of a pipeline stage or a background job (c, or
// nil when it is more than one command): a process of its own that kill
// can end, whose simple command replaces it. When that command's program
// is known before it runs (see knownProgram), the process is in the PID
// namespace with its name from the start; ps in another stage of the
// pipeline, running at the same time, finds "sort", never the "sh" that
// was about to exec it.
func (sh *shell) fork(ctx context.Context, c Command) (*shell, context.Context, func()) {
	sub := sh.sub()
	sub.task = sh.task.fork(sh.knownProgram(c), sh.p.cfg.Clock())
	fctx, cancel := context.WithCancel(ctx)
	sub.task.setKill(cancel)
	sub.execNext = isSimple(c)
	return sub, fctx, func() {
		cancel()
		sub.task.exit()
	}
}

// exitStatus is a forked process's status: 128+signal when one killed it.
func (sh *shell) exitStatus(st int) (int, syscall.Signal) {
	if sig := sh.task.killedBy(); sig != 0 {
		return 128 + int(sig), sig
	}
	return st, 0
}

func (sh *shell) background(ctx context.Context, ao *AndOr) {
	sub, jctx, end := sh.fork(ctx, single(ao))
	sub.stdin = nullDevice{} // ash gives a background job /dev/null
	sub.task.setFDs(sub.fdTargets(sub.stdin, sub.stdout, sub.stderr))
	pid := sub.task.pid
	j := &job{pid: pid, done: make(chan struct{})}
	sh.jobs[pid] = j
	sh.lastBg = pid
	fg := *ao
	fg.Background = false
	sh.p.go_(func() {
		defer close(j.done)
		defer end()
		st, err := sub.runAndOr(jctx, &fg)
		j.status, j.sig = sub.exitStatus(sub.finish(jctx, st, err))
	})
}

func (sh *shell) runAndOr(ctx context.Context, ao *AndOr) (int, error) {
	st, err := sh.runPipeline(ctx, ao.Pipes[0])
	for i, op := range ao.Ops {
		if err != nil {
			return st, err
		}
		sh.status = st
		if (op == "&&") != (st == 0) {
			continue
		}
		st, err = sh.runPipeline(ctx, ao.Pipes[i+1])
	}
	if err == nil && st != 0 && sh.opts.errexit && len(ao.Ops) == 0 && !ao.Pipes[0].Negate {
		return st, exitErr{st}
	}
	return st, err
}

func (sh *shell) runPipeline(ctx context.Context, pl *Pipeline) (int, error) {
	var st int
	var err error
	if len(pl.Cmds) == 1 {
		st, err = sh.runCommand(ctx, pl.Cmds[0])
	} else {
		st, err = sh.runStages(ctx, pl.Cmds)
	}
	if pl.Negate && err == nil {
		if st == 0 {
			st = 1
		} else {
			st = 0
		}
	}
	return st, err
}

// runStages runs a multi-command pipeline, each stage in a subshell of its
// own goroutine, joined by io.Pipes.
func (sh *shell) runStages(ctx context.Context, cmds []Command) (int, error) {
	n := len(cmds)
	readers := make([]*io.PipeReader, n-1)
	writers := make([]*io.PipeWriter, n-1)
	inos := make([]string, n-1)
	for i := range n - 1 {
		readers[i], writers[i] = io.Pipe()
		inos[i] = newPipeInode()
	}
	stop := context.AfterFunc(ctx, func() {
		for i := range readers {
			readers[i].CloseWithError(errKilled)
			writers[i].CloseWithError(errKilled)
		}
	})
	defer stop()
	status := make([]int, n)
	done := make(chan struct{}, n)
	// every stage is in the PID namespace before any runs: ps in one
	// stage sees all the others
	subs := make([]*shell, n)
	ctxs := make([]context.Context, n)
	ends := make([]func(), n)
	for i, c := range cmds {
		subs[i], ctxs[i], ends[i] = sh.fork(ctx, c)
		if i > 0 {
			subs[i].stdin = &pipeReader{Reader: readers[i-1], ino: inos[i-1]}
		}
		if i < n-1 {
			subs[i].stdout = &pipeWriter{Writer: writers[i], ino: inos[i]}
		}
		subs[i].task.setFDs(subs[i].fdTargets(subs[i].stdin, subs[i].stdout, subs[i].stderr))
	}
	for i, c := range cmds {
		sub, sctx, end := subs[i], ctxs[i], ends[i]
		sh.p.go_(func() {
			defer func() { done <- struct{}{} }()
			defer end()
			st, err := sub.runCommand(sctx, c)
			status[i], _ = sub.exitStatus(sub.finish(sctx, st, err))
			if i < n-1 {
				writers[i].Close()
			}
			if i > 0 {
				readers[i-1].CloseWithError(io.ErrClosedPipe)
			}
		})
	}
	for range n {
		<-done
	}
	if ctx.Err() != nil {
		return status[n-1], errKilled
	}
	return status[n-1], nil
}

func (sh *shell) runCommand(ctx context.Context, c Command) (int, error) {
	switch c := c.(type) {
	case *SimpleCmd:
		return sh.runSimple(ctx, c)
	case *Redirected:
		restore, err := sh.redirect(ctx, c.Redirs)
		if err != nil {
			return 1, nil
		}
		defer restore()
		return sh.runCommand(ctx, c.Cmd)
	case *Group:
		return sh.runList(ctx, c.Body)
	case *Subshell:
		if err := sh.step(ctx); err != nil {
			return 1, err
		}
		sub := sh.sub()
		st, err := sub.runList(ctx, c.Body)
		st = sub.finish(ctx, st, err)
		if errors.Is(err, errKilled) {
			return st, err
		}
		return st, nil
	case *If:
		for i, cond := range c.Conds {
			st, err := sh.runCond(ctx, cond)
			if err != nil {
				return st, err
			}
			if st == 0 {
				return sh.runList(ctx, c.Bodies[i])
			}
		}
		if c.Else != nil {
			return sh.runList(ctx, c.Else)
		}
		return 0, nil
	case *Loop:
		return sh.runLoop(ctx, c)
	case *For:
		return sh.runFor(ctx, c)
	case *Case:
		return sh.runCase(ctx, c)
	case *FuncDef:
		sh.funcs[c.Name] = c
		return 0, nil
	}
	return 2, fmt.Errorf("shell: unknown command %T", c)
}

// runCond runs a condition list with errexit off.
func (sh *shell) runCond(ctx context.Context, l *List) (int, error) {
	saved := sh.opts.errexit
	sh.opts.errexit = false
	defer func() { sh.opts.errexit = saved }()
	return sh.runList(ctx, l)
}

// loopCtl handles break/continue raised in a loop body: done reports
// whether the loop must stop, err what to pass on outward.
func loopCtl(err error) (done bool, out error) {
	var le loopErr
	if !errors.As(err, &le) {
		return err != nil, err
	}
	if le.n > 1 {
		return true, loopErr{le.brk, le.n - 1}
	}
	return le.brk, nil
}

func (sh *shell) runLoop(ctx context.Context, c *Loop) (int, error) {
	st := 0
	for {
		if err := sh.step(ctx); err != nil {
			return st, err
		}
		cst, err := sh.runCond(ctx, c.Cond)
		if err != nil {
			if done, err := loopCtl(err); done || err != nil {
				return st, err
			}
			continue
		}
		if (cst == 0) == c.Until {
			return st, nil
		}
		st, err = sh.runList(ctx, c.Body)
		if done, err := loopCtl(err); done || err != nil {
			return st, err
		}
	}
}

func (sh *shell) runFor(ctx context.Context, c *For) (int, error) {
	items := sh.params
	if c.In {
		var err error
		if items, err = sh.expandWords(ctx, c.Items); err != nil {
			return 1, sh.expandFailed(err)
		}
	}
	st := 0
	for _, it := range items {
		if err := sh.step(ctx); err != nil {
			return st, err
		}
		sh.set(c.Var, it)
		var err error
		st, err = sh.runList(ctx, c.Body)
		if done, err := loopCtl(err); done || err != nil {
			return st, err
		}
	}
	return st, nil
}

func (sh *shell) runCase(ctx context.Context, c *Case) (int, error) {
	w, err := sh.expandString(ctx, c.Word)
	if err != nil {
		return 1, sh.expandFailed(err)
	}
	for _, it := range c.Items {
		for _, pat := range it.Patterns {
			pp, err := sh.expandPattern(ctx, pat)
			if err != nil {
				return 1, sh.expandFailed(err)
			}
			if matchPattern(pp, w) {
				return sh.runList(ctx, it.Body)
			}
		}
	}
	return 0, nil
}

func (sh *shell) runSimple(ctx context.Context, c *SimpleCmd) (int, error) {
	if err := sh.step(ctx); err != nil {
		return 1, err
	}
	sh.lastSubst = 0
	args, err := sh.expandWords(ctx, c.Args)
	if err != nil {
		return 1, sh.expandFailed(err)
	}
	vals := make([]string, len(c.Assigns))
	for i, a := range c.Assigns {
		if vals[i], err = sh.expandString(ctx, a.Value); err != nil {
			return 1, sh.expandFailed(err)
		}
	}
	if sh.opts.xtrace {
		var b strings.Builder
		b.WriteString("+")
		for i, a := range c.Assigns {
			b.WriteString(" " + a.Name + "=" + vals[i])
		}
		for _, a := range args {
			b.WriteString(" " + a)
		}
		fmt.Fprintln(sh.stderr, b.String())
	}
	if len(args) == 0 {
		for i, a := range c.Assigns {
			sh.set(a.Name, vals[i])
		}
		restore, err := sh.redirect(ctx, c.Redirs)
		if err != nil {
			return 1, nil
		}
		restore()
		return sh.lastSubst, nil
	}
	if len(args) == 1 && args[0] == "exec" && sh.funcs["exec"] == nil {
		// exec with only redirections applies them to the shell itself
		if _, err := sh.redirect(ctx, c.Redirs); err != nil {
			return 1, nil
		}
		return 0, nil
	}
	restore, err := sh.redirect(ctx, c.Redirs)
	if err != nil {
		return 1, nil
	}
	defer restore()
	return sh.exec(ctx, args, c.Assigns, vals)
}

// exec runs a command by name: function, builtin, then program.
func (sh *shell) exec(ctx context.Context, args []string, assigns []Assign, vals []string) (int, error) {
	name := args[0]
	if f, ok := sh.funcs[name]; ok {
		sh.execNext = false
		return sh.callFunc(ctx, f, args)
	}
	if b, ok := builtins[name]; ok {
		sh.execNext = name == "exec" && sh.execNext
		if special[name] {
			for i, a := range assigns {
				sh.set(a.Name, vals[i])
			}
		}
		return b(ctx, sh, args)
	}
	return sh.runProgram(ctx, args, sh.environ(assigns, vals)), nil
}

func (sh *shell) callFunc(ctx context.Context, f *FuncDef, args []string) (int, error) {
	if sh.depth >= maxCallDepth {
		sh.errorf("%s: nesting too deep", f.Name)
		return 2, nil
	}
	sh.depth++
	saved := sh.params
	sh.params = append([]string(nil), args[1:]...)
	defer func() {
		sh.params = saved
		sh.depth--
	}()
	st, err := sh.runCommand(ctx, f.Body)
	var re returnErr
	if errors.As(err, &re) {
		return re.code, nil
	}
	return st, err
}

// runArgv runs argv as the process's first command: it is the process.
func (sh *shell) runArgv(ctx context.Context, argv []string) int {
	if len(argv) == 0 {
		return 0
	}
	sh.execNext = true
	return sh.runProgram(ctx, argv, sh.environ(nil, nil))
}

const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// lookPath finds name as the shell would: "" and an error message when it
// cannot.
func (sh *shell) lookPath(name, pathEnv string) (string, error) {
	if strings.Contains(name, "/") {
		return sh.abs(name), nil
	}
	for _, dir := range strings.Split(pathEnv, ":") {
		if dir == "" {
			dir = "."
		}
		p := path.Join(sh.abs(dir), name)
		if fi, err := sh.p.cfg.FS.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	return "", fs.ErrNotExist
}

func (sh *shell) abs(p string) string {
	if !strings.HasPrefix(p, "/") {
		p = path.Join(sh.dir, p)
	}
	return procSelf(path.Clean(p), sh.task.pid)
}

// runProgram runs a registered Program, an applet or a script file, or
// says why it cannot ("sh: x: not found", 127).
func (sh *shell) runProgram(ctx context.Context, args []string, env []string) int {
	run, code, why := sh.findProgram(args[0])
	if run == nil {
		sh.execNext = false
		sh.errorf("%s: %s", args[0], why)
		return code
	}
	return sh.spawn(ctx, run, args, env, true)
}

// spawn runs a program found by findProgram as a process of its own, a
// child of sh's, or in place of sh's when execNext is set. When a signal
// kills the child its status is 128+signal, and report prints what ash
// says of it ("Terminated").
func (sh *shell) spawn(ctx context.Context, run Program, args, env []string, report bool) int {
	proc := sh.newProc(args, env)
	if sh.execNext {
		// exec: the program replaces this process
		sh.execNext = false
		sh.task.exec(args)
		sh.task.setIO(env, sh.dir, sh.fdTargets(proc.Stdin, proc.Stdout, proc.Stderr))
		proc.task, proc.ctx = sh.task, ctx
		return run(ctx, proc)
	}
	t := sh.task.fork(args, sh.p.cfg.Clock())
	defer t.exit()
	t.setIO(env, sh.dir, sh.fdTargets(proc.Stdin, proc.Stdout, proc.Stderr))
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	t.setKill(cancel)
	proc.task, proc.ctx = t, cctx
	st := run(cctx, proc)
	if sig := t.killedBy(); sig != 0 && ctx.Err() == nil {
		if txt := signalText(sig); txt != "" && report {
			fmt.Fprintln(sh.stderr, txt)
		}
		return 128 + int(sig)
	}
	return st
}

// newProc is what a program started by sh gets.
func (sh *shell) newProc(args, env []string) *Proc {
	return &Proc{
		Args: args, Stdin: sh.stdin, Stdout: sh.stdout, Stderr: sh.stderr, Env: env,
		Dir: sh.dir, FS: sh.p.cfg.FS, UID: sh.p.cfg.UID, GID: sh.p.cfg.GID,
		Hostname: sh.p.cfg.Hostname, Clock: sh.p.cfg.Clock, sh: sh,
	}
}

// findProgram finds what name runs as a program (not a function or a
// builtin): a registered Program, the applet a binary is named for, or a
// script. When there is none, run is nil and code and why say why, as
// ash does: 127 "not found", 126 "Permission denied".
func (sh *shell) findProgram(name string) (run Program, code int, why string) {
	if prog, ok := sh.p.cfg.Programs[name]; ok {
		return prog, 0, ""
	}
	pathEnv, ok := sh.get("PATH")
	if !ok {
		pathEnv = defaultPath
	}
	file, err := sh.lookPath(name, pathEnv)
	if err != nil {
		return nil, 127, "not found"
	}
	fi, err := sh.p.cfg.FS.Stat(file)
	if err != nil {
		return nil, 127, "not found"
	}
	base := path.Base(name)
	if prog, ok := sh.p.cfg.Programs[base]; ok {
		return prog, 0, ""
	}
	if fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
		return nil, 126, "Permission denied"
	}
	if isBinary(readHead(sh.p.cfg.FS, file)) {
		// A program: the busybox binary runs the applet it is called
		// by. An applet the mock does not have, or any other binary, is
		// as good as missing; it is never read as a script.
		if a, ok := applets[base]; ok {
			return a, 0, ""
		}
		return nil, 127, "not found"
	}
	return func(ctx context.Context, proc *Proc) int { return proc.sh.runFile(ctx, proc, file) }, 0, ""
}

// readHead reads the start of a file, enough to tell a program from a
// script.
func readHead(fsys *memfs.FS, file string) []byte {
	f, err := fsys.Open(file)
	if err != nil {
		return nil
	}
	defer f.Close()
	b := make([]byte, 512)
	n, _ := io.ReadFull(f, b)
	return b[:n]
}

// isBinary reports whether a file starting with head is a program (an ELF
// executable, or anything with a NUL byte before its first newline, which
// no script has) rather than a script.
func isBinary(head []byte) bool {
	if bytes.HasPrefix(head, []byte("\x7fELF")) {
		return true
	}
	line, _, _ := bytes.Cut(head, []byte("\n"))
	return bytes.IndexByte(line, 0) >= 0
}

// runFile runs a script file (a #! line naming any shell, or none).
func (sh *shell) runFile(ctx context.Context, proc *Proc, file string) int {
	data, err := sh.p.cfg.FS.ReadFile(file)
	if err != nil {
		sh.errorf("%s: %s", proc.Args[0], errText(err))
		return 126
	}
	src := string(data)
	if strings.HasPrefix(src, "#!") {
		line, _, _ := strings.Cut(src[2:], "\n")
		fields := strings.Fields(line)
		if len(fields) > 0 {
			interp := path.Base(fields[0])
			if interp == "env" && len(fields) > 1 {
				interp = fields[1]
			}
			switch interp {
			case "sh", "ash", "bash", "dash", "busybox":
			default:
				if prog, ok := sh.p.cfg.Programs[interp]; ok {
					proc.Args = append([]string{interp, file}, proc.Args[1:]...)
					return prog(ctx, proc)
				}
				sh.errorf("%s: not found", proc.Args[0])
				return 127
			}
		}
	}
	child := sh.newChild(proc)
	child.arg0 = proc.Args[0]
	child.params = proc.Args[1:]
	return child.runScript(ctx, src)
}

// newChild makes the shell a program runs in: a new process image with the
// program's environment.
func (sh *shell) newChild(proc *Proc) *shell {
	child := newShell(sh.p, proc.Env, proc.Dir)
	child.stdin, child.stdout, child.stderr = proc.Stdin, proc.Stdout, proc.Stderr
	child.depth = sh.depth + 1
	child.task, child.pid = proc.task, proc.task.pid
	child.vars["PPID"] = &svar{val: strconv.Itoa(proc.task.ppid)}
	child.main = sh.p.mainSet.CompareAndSwap(false, true)
	return child
}

// redirect applies redirections and returns the function that undoes them.
func (sh *shell) redirect(ctx context.Context, rs []Redir) (restore func(), err error) {
	in, out, errw := sh.stdin, sh.stdout, sh.stderr
	fds := sh.task.openFDs()
	var closers []io.Closer
	restore = func() {
		for _, c := range closers {
			c.Close()
		}
		sh.stdin, sh.stdout, sh.stderr = in, out, errw
		sh.task.setFDs(fds)
	}
	for _, r := range rs {
		if r.Doc != nil {
			body := r.Doc.Body
			if !r.Doc.Quoted {
				e := &expander{sh: sh, ctx: ctx}
				e.word(body, true)
				if e.err != nil {
					restore()
					return nil, sh.expandFailed(e.err)
				}
				body = e.joined()
			}
			fd := r.Fd
			if fd < 0 {
				fd = 0
			}
			if err := sh.setFd(fd, strings.NewReader(body)); err != nil {
				restore()
				return nil, err
			}
			continue
		}
		target, err := sh.expandString(ctx, r.Target)
		if err != nil {
			restore()
			sh.expandFailed(err)
			return nil, err
		}
		fd := r.Fd
		if fd < 0 {
			fd = 1
			if r.Op == "<" || r.Op == "<&" || r.Op == "<>" {
				fd = 0
			}
		}
		if fd > 2 {
			continue // only 0, 1 and 2 exist here
		}
		if r.Op == ">&" || r.Op == "<&" {
			var s any
			switch target {
			case "0":
				s = sh.stdin
			case "1":
				s = sh.stdout
			case "2":
				s = sh.stderr
			case "-":
				s = io.Discard
			default:
				sh.errorf("%s: bad file descriptor", target)
				restore()
				return nil, errors.New("bad fd")
			}
			if err := sh.setFd(fd, s); err != nil {
				sh.errorf("%s: bad file descriptor", target)
				restore()
				return nil, err
			}
			continue
		}
		s, c, err := sh.openRedir(ctx, r.Op, target)
		if err != nil && ctx.Err() != nil {
			restore()
			return nil, errKilled // killed while the open waited (a named pipe)
		}
		if err != nil {
			verb := "create"
			if r.Op == "<" {
				verb = "open"
			}
			sh.errorf("can't %s %s: %s", verb, target, errText(err))
			restore()
			return nil, err
		}
		if c != nil {
			closers = append(closers, c)
		}
		if err := sh.setFd(fd, s); err != nil {
			restore()
			return nil, err
		}
	}
	if len(rs) > 0 {
		sh.task.setFDs(sh.fdTargets(sh.stdin, sh.stdout, sh.stderr))
	}
	return restore, nil
}

func (sh *shell) setFd(fd int, s any) error {
	switch fd {
	case 0:
		r, ok := s.(io.Reader)
		if !ok {
			return errors.New("not readable")
		}
		sh.stdin = r
	case 1, 2:
		w, ok := s.(io.Writer)
		if !ok {
			return errors.New("not writable")
		}
		if fd == 1 {
			sh.stdout = w
		} else {
			sh.stderr = w
		}
	}
	return nil
}

func (sh *shell) openRedir(ctx context.Context, op, target string) (any, io.Closer, error) {
	switch target {
	case "/dev/null", "/dev/zero", "/dev/random", "/dev/urandom":
		if op == "<" {
			return deviceReader(target), nil, nil
		}
		return nullDevice{}, nil, nil
	case "/dev/stdout":
		return sh.stdout, nil, nil
	case "/dev/stderr":
		return sh.stderr, nil, nil
	case "/dev/stdin":
		return sh.stdin, nil, nil
	}
	if s, ok, err := openSpecial(sh.p, sh.task, sh.abs(target)); ok {
		return s, nil, err
	}
	var flag int
	switch op {
	case "<":
		flag = os.O_RDONLY
	case ">", ">|":
		flag = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	case ">>":
		flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	case "<>":
		flag = os.O_RDWR | os.O_CREATE
	}
	f, err := sh.p.cfg.FS.OpenFileContext(ctx, sh.abs(target), flag, 0o644)
	if err != nil {
		return nil, nil, err
	}
	if op != "<" {
		if fi, _ := f.Stat(); fi != nil && fi.IsDir() {
			return nil, nil, &fs.PathError{Op: "open", Path: target, Err: syscall.EISDIR}
		}
	}
	return f, f, nil
}

// errText renders err the way busybox prints errno strings.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	switch {
	case errors.Is(err, syscall.EPERM):
		return "Operation not permitted" // errors.Is counts it as fs.ErrPermission too
	case errors.Is(err, fs.ErrNotExist):
		return "No such file or directory"
	case errors.Is(err, fs.ErrExist):
		return "File exists"
	case errors.Is(err, fs.ErrPermission):
		return "Permission denied"
	case errors.Is(err, fs.ErrInvalid):
		return "Invalid argument"
	case errors.Is(err, syscall.ELOOP):
		return "Symbolic link loop"
	}
	var en syscall.Errno
	if errors.As(err, &en) {
		s := en.Error()
		return strings.ToUpper(s[:1]) + s[1:]
	}
	return err.Error()
}
