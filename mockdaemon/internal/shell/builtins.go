package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

type builtin func(ctx context.Context, sh *shell, args []string) (int, error)

var builtins map[string]builtin

// special builtins keep the assignments that prefix them.
var special = map[string]bool{
	":": true, ".": true, "break": true, "continue": true, "eval": true, "exec": true, "exit": true,
	"export": true, "readonly": true, "return": true, "set": true, "shift": true, "trap": true, "unset": true,
}

func init() {
	builtins = map[string]builtin{
		":":        func(context.Context, *shell, []string) (int, error) { return 0, nil },
		"true":     func(context.Context, *shell, []string) (int, error) { return 0, nil },
		"false":    func(context.Context, *shell, []string) (int, error) { return 1, nil },
		"echo":     biEcho,
		"printf":   biPrintf,
		"read":     biRead,
		"exit":     biExit,
		"export":   biExport,
		"readonly": biExport,
		"local":    biLocal,
		"unset":    biUnset,
		"cd":       biCd,
		"pwd":      biPwd,
		"set":      biSet,
		"shift":    biShift,
		"test":     biTest,
		"[":        biTest,
		"trap":     biTrap,
		"wait":     biWait,
		"kill":     biKill,
		"return":   biReturn,
		"break":    biBreak,
		"continue": biBreak,
		"eval":     biEval,
		"exec":     biExec,
		"command":  biCommand,
		"type":     biType,
		".":        biSource,
		"umask":    biUmask,
		"ulimit":   biUlimit,
	}
}

func biEcho(_ context.Context, sh *shell, args []string) (int, error) {
	args = args[1:]
	newline, escapes := true, false
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' && strings.Trim(args[0][1:], "neE") == "" {
		for _, c := range args[0][1:] {
			switch c {
			case 'n':
				newline = false
			case 'e':
				escapes = true
			case 'E':
				escapes = false
			}
		}
		args = args[1:]
	}
	s := strings.Join(args, " ")
	if escapes {
		var stop bool
		s, stop = interpretEscapes(s, true)
		if stop {
			newline = false
		}
	}
	if newline {
		s += "\n"
	}
	if _, err := io.WriteString(sh.stdout, s); err != nil {
		return 1, killedOr(err)
	}
	return 0, nil
}

// killedOr passes errKilled on and swallows other write errors (a closed
// pipe ends the writer's output, not the shell).
func killedOr(err error) error {
	if errors.Is(err, errKilled) {
		return errKilled
	}
	return nil
}

// interpretEscapes handles backslash escapes; stop reports \c.
func interpretEscapes(s string, echo bool) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'v':
			b.WriteByte('\v')
		case 'e':
			b.WriteByte(0x1b)
		case '\\':
			b.WriteByte('\\')
		case 'c':
			return b.String(), true
		case '0', '1', '2', '3', '4', '5', '6', '7':
			j, v := i, 0
			if echo && s[i] != '0' {
				b.WriteByte('\\')
				b.WriteByte(s[i])
				continue
			}
			if echo {
				j++
			}
			k := j
			for k < len(s) && k < j+3 && s[k] >= '0' && s[k] <= '7' {
				v = v*8 + int(s[k]-'0')
				k++
			}
			b.WriteByte(byte(v))
			i = k - 1
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String(), false
}

func biPrintf(_ context.Context, sh *shell, args []string) (int, error) {
	if len(args) < 2 {
		sh.errorf("usage: printf FORMAT [ARGUMENT...]")
		return 2, nil
	}
	return printfTo(sh.stdout, sh.stderr, "sh: ", args[1], args[2:]), nil
}

func biRead(ctx context.Context, sh *shell, args []string) (int, error) {
	raw := false
	args = args[1:]
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-r":
			raw = true
		case "-p":
			if len(args) > 1 {
				io.WriteString(sh.stderr, args[1])
				args = args[1:]
			}
		case "--":
			args = args[1:]
			goto vars
		default:
			sh.errorf("read: illegal option %s", args[0])
			return 2, nil
		}
		args = args[1:]
	}
vars:
	if len(args) == 0 {
		args = []string{"REPLY"}
	}
	var line []byte
	var one [1]byte
	eof := false
	readByte := func() (int, error) { return sh.stdin.Read(one[:]) }
	if cr, ok := sh.stdin.(*ctxReader); ok && sh.main {
		readByte = func() (int, error) { return cr.read(one[:], sh.p.wake) }
	}
	for {
		n, err := readByte()
		if errors.Is(err, errInterrupted) {
			return 128 + int(syscall.SIGINT), nil
		}
		if n == 1 {
			c := one[0]
			if c == '\\' && !raw {
				if n, _ := readByte(); n == 1 {
					if one[0] != '\n' {
						line = append(line, '\\', one[0])
					}
				}
				continue
			}
			if c == '\n' {
				break
			}
			line = append(line, c)
			if len(line) > maxWord {
				break
			}
			continue
		}
		if errors.Is(err, errKilled) || ctx.Err() != nil {
			return 1, errKilled
		}
		if err != nil {
			eof = true
			break
		}
	}
	s := string(line)
	ifs := " \t\n"
	if v, ok := sh.get("IFS"); ok {
		ifs = v
	}
	isIFS := func(r rune) bool { return strings.ContainsRune(ifs, r) }
	s = strings.TrimLeftFunc(s, func(r rune) bool { return isIFS(r) && strings.ContainsRune(" \t\n", r) })
	for i, name := range args {
		if i == len(args)-1 {
			v := strings.TrimRightFunc(s, func(r rune) bool { return isIFS(r) && strings.ContainsRune(" \t\n", r) })
			sh.set(name, unbackslash(v, raw))
			break
		}
		j := strings.IndexFunc(s, isIFS)
		if j < 0 {
			sh.set(name, unbackslash(s, raw))
			s = ""
			continue
		}
		sh.set(name, unbackslash(s[:j], raw))
		s = strings.TrimLeftFunc(s[j:], func(r rune) bool { return isIFS(r) && strings.ContainsRune(" \t\n", r) })
		if s != "" && isIFS(rune(s[0])) && !strings.ContainsRune(" \t\n", rune(s[0])) {
			s = s[1:]
		}
	}
	if eof && len(line) == 0 {
		return 1, nil
	}
	if eof {
		return 1, nil
	}
	return 0, nil
}

func unbackslash(s string, raw bool) string {
	if raw {
		return s
	}
	return unescape(s)
}

func biExit(_ context.Context, sh *shell, args []string) (int, error) {
	code := sh.status
	if len(args) > 1 {
		n, err := strconv.Atoi(args[1])
		if err != nil {
			sh.errorf("exit: Illegal number: %s", args[1])
			return 2, exitErr{2}
		}
		code = n & 255
	}
	return code, exitErr{code}
}

func biExport(_ context.Context, sh *shell, args []string) (int, error) {
	if len(args) == 1 || args[1] == "-p" {
		names := make([]string, 0, len(sh.vars))
		for k, v := range sh.vars {
			if v.exported {
				names = append(names, k)
			}
		}
		sort.Strings(names)
		for _, k := range names {
			fmt.Fprintf(sh.stdout, "export %s=%s\n", k, shellQuote(sh.vars[k].val))
		}
		return 0, nil
	}
	st := 0
	for _, a := range args[1:] {
		name, val, hasVal := strings.Cut(a, "=")
		if !isName(name) {
			sh.errorf("%s: bad variable name", args[0])
			st = 1
			continue
		}
		if hasVal {
			sh.set(name, val)
		} else if _, ok := sh.vars[name]; !ok {
			sh.vars[name] = &svar{}
		}
		if args[0] == "export" {
			sh.vars[name].exported = true
		}
	}
	return st, nil
}

func biLocal(_ context.Context, sh *shell, args []string) (int, error) {
	for _, a := range args[1:] {
		name, val, _ := strings.Cut(a, "=")
		if !isName(name) {
			sh.errorf("local: %s: bad variable name", name)
			return 1, nil
		}
		sh.set(name, val)
	}
	return 0, nil
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

func biUnset(_ context.Context, sh *shell, args []string) (int, error) {
	fn := false
	for _, a := range args[1:] {
		switch a {
		case "-f":
			fn = true
		case "-v":
			fn = false
		default:
			if fn {
				delete(sh.funcs, a)
			} else {
				delete(sh.vars, a)
			}
		}
	}
	return 0, nil
}

func biCd(_ context.Context, sh *shell, args []string) (int, error) {
	dir := ""
	if len(args) > 1 {
		dir = args[1]
	}
	switch dir {
	case "":
		dir, _ = sh.get("HOME")
		if dir == "" {
			dir = "/"
		}
	case "-":
		dir, _ = sh.get("OLDPWD")
		if dir == "" {
			dir = sh.dir
		}
		fmt.Fprintln(sh.stdout, dir)
	}
	target := sh.abs(dir)
	fi, err := sh.p.cfg.FS.Stat(target)
	if err == nil && !fi.IsDir() {
		err = syscall.ENOTDIR
	}
	if err == nil {
		err = sh.p.cfg.FS.Access(target, 1) // chdir needs search permission
	}
	if err != nil {
		sh.errorf("cd: can't cd to %s: %s", dir, errText(err))
		return 2, nil
	}
	sh.set("OLDPWD", sh.dir)
	sh.dir = target
	sh.task.setDir(target)
	sh.set("PWD", target)
	return 0, nil
}

func biPwd(_ context.Context, sh *shell, _ []string) (int, error) {
	_, err := fmt.Fprintln(sh.stdout, sh.dir)
	return 0, killedOr(err)
}

func biSet(_ context.Context, sh *shell, args []string) (int, error) {
	if len(args) == 1 {
		names := make([]string, 0, len(sh.vars))
		for k := range sh.vars {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			fmt.Fprintf(sh.stdout, "%s=%s\n", k, shellQuote(sh.vars[k].val))
		}
		return 0, nil
	}
	args = args[1:]
	for len(args) > 0 {
		a := args[0]
		if a == "--" {
			sh.params = append([]string(nil), args[1:]...)
			return 0, nil
		}
		if len(a) < 2 || (a[0] != '-' && a[0] != '+') {
			break
		}
		on := a[0] == '-'
		if a[1:] == "o" && len(args) > 1 {
			a = map[string]string{"errexit": "-e", "nounset": "-u", "xtrace": "-x"}[args[1]]
			if a == "" {
				sh.errorf("set: illegal option -o %s", args[1])
				return 2, nil
			}
			args = args[1:]
		}
		for _, c := range a[1:] {
			switch c {
			case 'e':
				sh.opts.errexit = on
			case 'u':
				sh.opts.nounset = on
			case 'x':
				sh.opts.xtrace = on
			case 'f', 'm', 'v', 'C', 'a', 'b', 'h', 'n':
			default:
				sh.errorf("set: illegal option %c%c", a[0], c)
				return 2, nil
			}
		}
		args = args[1:]
	}
	if len(args) > 0 {
		sh.params = append([]string(nil), args...)
	}
	return 0, nil
}

func biShift(_ context.Context, sh *shell, args []string) (int, error) {
	n := 1
	if len(args) > 1 {
		var err error
		if n, err = strconv.Atoi(args[1]); err != nil || n < 0 {
			sh.errorf("shift: Illegal number: %s", args[1])
			return 2, nil
		}
	}
	if n > len(sh.params) {
		sh.errorf("shift: can't shift that many")
		return 1, nil
	}
	sh.params = sh.params[n:]
	return 0, nil
}

func biTrap(_ context.Context, sh *shell, args []string) (int, error) {
	p := sh.p
	args = args[1:]
	if len(args) == 0 {
		// the listing is made under p.mu and written after: a write may
		// block on a pipe whose reader needs the lock
		var out strings.Builder
		p.mu.Lock()
		if p.exitTrap != nil {
			fmt.Fprintf(&out, "trap -- %s EXIT\n", shellQuote(*p.exitTrap))
		}
		sigs := make([]int, 0, len(p.traps))
		for s := range p.traps {
			sigs = append(sigs, int(s))
		}
		sort.Ints(sigs)
		for _, s := range sigs {
			fmt.Fprintf(&out, "trap -- %s %s\n", shellQuote(p.traps[syscall.Signal(s)]), signalName(syscall.Signal(s)))
		}
		p.mu.Unlock()
		io.WriteString(sh.stdout, out.String())
		return 0, nil
	}
	handler, reset := args[0], false
	conds := args[1:]
	if _, err := strconv.Atoi(handler); err == nil || handler == "-" {
		reset = true
		if handler != "-" {
			conds = args
		}
	}
	if len(conds) == 0 {
		if _, ok := parseSignal(handler); ok || handler == "EXIT" {
			reset, conds = true, args
		}
	}
	st := 0
	var bad []string
	p.mu.Lock()
	defer func() {
		p.mu.Unlock()
		for _, c := range bad {
			fmt.Fprintf(sh.stderr, "sh: trap: %s: bad trap\n", c)
		}
	}()
	for _, c := range conds {
		if c == "EXIT" || c == "0" {
			if reset {
				p.exitTrap = nil
			} else {
				h := handler
				p.exitTrap = &h
			}
			continue
		}
		sig, ok := parseSignal(c)
		if !ok {
			bad = append(bad, c)
			st = 1
			continue
		}
		if sig == syscall.SIGKILL || sig == syscall.SIGSTOP {
			continue
		}
		if reset {
			delete(p.traps, sig)
		} else {
			p.traps[sig] = handler
		}
	}
	return st, nil
}

func biWait(ctx context.Context, sh *shell, args []string) (int, error) {
	var jobs []*job
	if len(args) == 1 {
		pids := make([]int, 0, len(sh.jobs))
		for pid := range sh.jobs {
			pids = append(pids, pid)
		}
		sort.Ints(pids)
		for _, pid := range pids {
			jobs = append(jobs, sh.jobs[pid])
		}
	}
	st := 0
	for _, a := range args[1:] {
		pid, _ := strconv.Atoi(a)
		j, ok := sh.jobs[pid]
		if !ok {
			st = 127
			continue
		}
		jobs = append(jobs, j)
	}
	var wake chan struct{}
	if sh.main {
		wake = sh.p.wake
	}
	for _, j := range jobs {
		select {
		case <-j.done:
			st = j.status
			delete(sh.jobs, j.pid)
			if len(args) > 1 && j.sig != 0 {
				if txt := signalText(j.sig); txt != "" {
					fmt.Fprintln(sh.stderr, txt)
				}
			}
		case <-ctx.Done():
			return 1, errKilled
		case <-wake:
			return 128 + 15, sh.runTraps(ctx)
		}
	}
	if len(args) == 1 {
		return 0, nil
	}
	return st, nil
}

func biKill(_ context.Context, sh *shell, args []string) (int, error) {
	return killCmd(sh.p.ns, sh.task, sh.stdout, sh.stderr, "sh: ", args[1:]), nil
}

// killCmd is kill [-s SIG | -SIG] PID... and kill -l [SIG...], the
// builtin's and the applet's, over the namespace ns as seen from self.
func killCmd(ns *PIDs, self *task, out, errw io.Writer, prefix string, args []string) int {
	sig := syscall.SIGTERM
	if len(args) > 0 && args[0] == "-l" {
		if len(args) == 1 {
			for i := 1; i < len(linuxSignals); i++ {
				fmt.Fprintf(out, "%2d) %s\n", i, linuxSignals[i])
			}
			return 0
		}
		for _, a := range args[1:] {
			s, ok := parseSignal(a)
			switch {
			case !ok:
				fmt.Fprintf(errw, "%sbad signal name '%s'\n", prefix, a)
				return 1
			case strings.Trim(a, "0123456789") == "":
				fmt.Fprintln(out, signalName(s))
			default:
				fmt.Fprintln(out, int(s))
			}
		}
		return 0
	}
	if len(args) > 0 && strings.HasPrefix(args[0], "-") && len(args[0]) > 1 && args[0] != "--" {
		name := args[0][1:]
		args = args[1:]
		if name == "s" || name == "n" {
			if len(args) == 0 {
				fmt.Fprintf(errw, "%sbad signal name '%s'\n", prefix, name)
				return 1
			}
			name, args = args[0], args[1:]
		}
		s, ok := parseSignal(name)
		if !ok {
			fmt.Fprintf(errw, "%sbad signal name '%s'\n", prefix, name)
			return 1
		}
		sig = s
	}
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintf(errw, "%syou need to specify whom to kill\n", prefix)
		return 1
	}
	st := 0
	for _, a := range args {
		pid, err := strconv.Atoi(a)
		if err != nil {
			fmt.Fprintf(errw, "%sinvalid number '%s'\n", prefix, a)
			st = 1
			continue
		}
		var targets []*task
		switch {
		case pid == 0 || pid == -1:
			// 0: the caller's process group; -1: every process but
			// init and the caller
			for _, ti := range ns.list() {
				if pid == 0 && ti.pgid == self.pgid || pid == -1 && ti.pid != 1 && ti.pid != self.pid {
					if t := ns.lookup(ti.pid); t != nil {
						targets = append(targets, t)
					}
				}
			}
		default:
			if t := ns.lookup(max(pid, -pid)); t != nil {
				targets = append(targets, t)
			}
		}
		if len(targets) == 0 && pid != -1 {
			fmt.Fprintf(errw, "%scan't kill pid %d: No such process\n", prefix, pid)
			st = 1
			continue
		}
		for _, t := range targets {
			t.kill(sig)
		}
	}
	return st
}

func biReturn(_ context.Context, sh *shell, args []string) (int, error) {
	code := sh.status
	if len(args) > 1 {
		n, err := strconv.Atoi(args[1])
		if err != nil {
			sh.errorf("return: Illegal number: %s", args[1])
			return 2, nil
		}
		code = n & 255
	}
	return code, returnErr{code}
}

func biBreak(_ context.Context, sh *shell, args []string) (int, error) {
	n := 1
	if len(args) > 1 {
		var err error
		if n, err = strconv.Atoi(args[1]); err != nil || n < 1 {
			sh.errorf("%s: Illegal number: %s", args[0], args[1])
			return 2, nil
		}
	}
	return 0, loopErr{brk: args[0] == "break", n: n}
}

func biEval(ctx context.Context, sh *shell, args []string) (int, error) {
	return sh.eval(ctx, strings.Join(args[1:], " "))
}

func biExec(ctx context.Context, sh *shell, args []string) (int, error) {
	if len(args) == 1 {
		return 0, nil
	}
	sh.execNext = true
	st := sh.runProgram(ctx, args[1:], sh.environ(nil, nil))
	if ctx.Err() != nil {
		return st, errKilled
	}
	return st, exitErr{st}
}

func biCommand(ctx context.Context, sh *shell, args []string) (int, error) {
	args = args[1:]
	verbose := 0
	for len(args) > 0 && (args[0] == "-v" || args[0] == "-V" || args[0] == "-p") {
		switch args[0] {
		case "-v":
			verbose = 1
		case "-V":
			verbose = 2
		}
		args = args[1:]
	}
	if len(args) == 0 {
		return 0, nil
	}
	if verbose > 0 {
		st := 0
		for _, name := range args {
			desc, ok := sh.describe(name)
			switch {
			case !ok:
				st = 127
				if verbose == 2 {
					fmt.Fprintf(sh.stderr, "%s: not found\n", name)
				}
			case verbose == 2:
				fmt.Fprintln(sh.stdout, desc)
			case strings.HasSuffix(desc, " is a shell builtin") || strings.HasSuffix(desc, " is a function"):
				fmt.Fprintln(sh.stdout, name)
			default:
				fmt.Fprintln(sh.stdout, strings.TrimPrefix(desc, name+" is "))
			}
		}
		return st, nil
	}
	if b, ok := builtins[args[0]]; ok {
		return b(ctx, sh, args)
	}
	return sh.runProgram(ctx, args, sh.environ(nil, nil)), nil
}

// describe says what name runs, as type does.
func (sh *shell) describe(name string) (string, bool) {
	if _, ok := sh.funcs[name]; ok {
		return name + " is a function", true
	}
	if _, ok := builtins[name]; ok {
		return name + " is a shell builtin", true
	}
	if _, ok := sh.p.cfg.Programs[name]; ok {
		return name + " is " + name, true
	}
	pathEnv, ok := sh.get("PATH")
	if !ok {
		pathEnv = defaultPath
	}
	if p, err := sh.lookPath(name, pathEnv); err == nil {
		if _, err := sh.p.cfg.FS.Stat(p); err == nil {
			return name + " is " + p, true
		}
	}
	return "", false
}

func biType(_ context.Context, sh *shell, args []string) (int, error) {
	st := 0
	for _, name := range args[1:] {
		desc, ok := sh.describe(name)
		if !ok {
			fmt.Fprintf(sh.stdout, "%s: not found\n", name)
			st = 127
			continue
		}
		fmt.Fprintln(sh.stdout, desc)
	}
	return st, nil
}

func biSource(ctx context.Context, sh *shell, args []string) (int, error) {
	if len(args) < 2 {
		sh.errorf(".: .: Usage: . FILE")
		return 2, nil
	}
	file := args[1]
	if !strings.Contains(file, "/") {
		pathEnv, _ := sh.get("PATH")
		if p, err := sh.lookPath(file, pathEnv); err == nil {
			file = p
		}
	}
	data, err := sh.p.cfg.FS.ReadFile(sh.abs(file))
	if err != nil {
		sh.errorf(".: can't open '%s': %s", args[1], errText(err))
		return 2, exitErr{2}
	}
	return sh.eval(ctx, string(data))
}

func biUmask(_ context.Context, sh *shell, args []string) (int, error) {
	if len(args) == 1 {
		fmt.Fprintln(sh.stdout, "0022")
	}
	return 0, nil
}

func biTest(_ context.Context, sh *shell, args []string) (int, error) {
	return testCmd(sh, "sh: ", args), nil
}

// testCmd is test and [, the builtin's and the applet's: errors are
// prefix and busybox's message ("sh: a: bad number"), status 2.
func testCmd(sh *shell, prefix string, args []string) int {
	name := args[0]
	args = args[1:]
	if name == "[" {
		if len(args) == 0 || args[len(args)-1] != "]" {
			fmt.Fprintln(sh.stderr, prefix+"missing ]")
			return 2
		}
		args = args[:len(args)-1]
	}
	t := &tester{sh: sh, args: args}
	ok, err := t.run()
	if err != nil {
		fmt.Fprintln(sh.stderr, prefix+err.Error())
		return 2
	}
	if ok {
		return 0
	}
	return 1
}

func isUnaryTestOp(op string) bool {
	return len(op) == 2 && op[0] == '-' && strings.IndexByte("bcdefghkLnprsStuwxzGO", op[1]) >= 0
}

// testNumber reads an integer operand of test like busybox: blanks
// first, nothing after.
func testNumber(s string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimLeft(s, " \t\n"), 10, 64)
	var ne *strconv.NumError
	if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
		return 0, fmt.Errorf("%s: out of range", s)
	}
	if err != nil {
		return 0, fmt.Errorf("%s: bad number", s)
	}
	return n, nil
}

type tester struct {
	sh   *shell
	args []string
	pos  int
}

var binaryTestOps = map[string]bool{"=": true, "==": true, "!=": true, "-eq": true, "-ne": true, "-lt": true, "-le": true, "-gt": true, "-ge": true, "-nt": true, "-ot": true, "-ef": true, "<": true, ">": true}

func (t *tester) run() (bool, error) {
	a := t.args
	switch len(a) {
	case 0:
		return false, nil
	case 1:
		return a[0] != "", nil
	case 2:
		if a[0] == "!" {
			return a[1] == "", nil
		}
		if !isUnaryTestOp(a[0]) {
			if binaryTestOps[a[1]] {
				return false, fmt.Errorf("%s: argument expected", a[1])
			}
			return false, fmt.Errorf("%s: unknown operand", a[0])
		}
	case 3:
		if binaryTestOps[a[1]] {
			return t.binary(a[0], a[1], a[2])
		}
	}
	v, err := t.or()
	if err == nil && t.pos < len(t.args) {
		err = fmt.Errorf("%s: unknown operand", t.args[t.pos])
	}
	return v, err
}

func (t *tester) or() (bool, error) {
	v, err := t.and()
	for err == nil && t.pos < len(t.args) && t.args[t.pos] == "-o" {
		t.pos++
		var w bool
		w, err = t.and()
		v = v || w
	}
	return v, err
}

func (t *tester) and() (bool, error) {
	v, err := t.not()
	for err == nil && t.pos < len(t.args) && t.args[t.pos] == "-a" {
		t.pos++
		var w bool
		w, err = t.not()
		v = v && w
	}
	return v, err
}

func (t *tester) not() (bool, error) {
	if t.pos < len(t.args) && t.args[t.pos] == "!" {
		t.pos++
		if t.pos-1 > 100 {
			return false, errors.New("too many !")
		}
		v, err := t.not()
		return !v, err
	}
	return t.primary()
}

func (t *tester) primary() (bool, error) {
	a := t.args
	if t.pos >= len(a) {
		return false, errors.New("argument expected")
	}
	if a[t.pos] == "(" {
		t.pos++
		v, err := t.or()
		if err != nil {
			return false, err
		}
		if t.pos >= len(a) || a[t.pos] != ")" {
			return false, errors.New("missing )")
		}
		t.pos++
		return v, nil
	}
	if t.pos+2 < len(a) && binaryTestOps[a[t.pos+1]] {
		x, op, y := a[t.pos], a[t.pos+1], a[t.pos+2]
		t.pos += 3
		return t.binary(x, op, y)
	}
	if op := a[t.pos]; len(op) == 2 && op[0] == '-' && t.pos+1 < len(a) {
		t.pos += 2
		return t.unary(op, a[t.pos-1])
	}
	t.pos++
	return a[t.pos-1] != "", nil
}

func (t *tester) unary(op, x string) (bool, error) {
	switch op {
	case "-z":
		return x == "", nil
	case "-n":
		return x != "", nil
	case "-t":
		fd, err := testNumber(x)
		if err != nil {
			return false, err
		}
		return t.sh.p.isTerminal(int(fd), t.sh.stdin, t.sh.stdout, t.sh.stderr), nil
	}
	fsys := t.sh.p.cfg.FS
	p := t.sh.abs(x)
	if x == "" {
		return false, nil
	}
	var fi fs.FileInfo
	var err error
	if op == "-h" || op == "-L" {
		fi, err = fsys.Lstat(p)
	} else {
		fi, err = fsys.Stat(p)
	}
	if err != nil {
		switch op {
		case "-e", "-f", "-d", "-s", "-r", "-w", "-x", "-h", "-L", "-b", "-c", "-p", "-S", "-u", "-g", "-k":
			return false, nil
		}
		return false, fmt.Errorf("%s: unknown operand", op)
	}
	m := fi.Mode()
	switch op {
	case "-e":
		return true, nil
	case "-f":
		return m.IsRegular(), nil
	case "-d":
		return m.IsDir(), nil
	case "-s":
		return fi.Size() > 0 && !m.IsDir() || m.IsDir(), nil
	case "-r":
		return fsys.Access(p, 4) == nil, nil
	case "-w":
		return fsys.Access(p, 2) == nil, nil
	case "-x": // root too needs an x bit on a file
		return fsys.Access(p, 1) == nil && (m.IsDir() || m.Perm()&0o111 != 0), nil
	case "-h", "-L":
		return m&fs.ModeSymlink != 0, nil
	case "-u":
		return m&fs.ModeSetuid != 0, nil
	case "-g":
		return m&fs.ModeSetgid != 0, nil
	case "-k":
		return m&fs.ModeSticky != 0, nil
	case "-p":
		return m&fs.ModeNamedPipe != 0, nil
	case "-S":
		return m&fs.ModeSocket != 0, nil
	case "-b":
		return m&fs.ModeDevice != 0 && m&fs.ModeCharDevice == 0, nil
	case "-c":
		return m&fs.ModeCharDevice != 0, nil
	}
	return false, fmt.Errorf("%s: unknown operand", op)
}

func (t *tester) binary(x, op, y string) (bool, error) {
	switch op {
	case "=", "==":
		return x == y, nil
	case "!=":
		return x != y, nil
	case "<":
		return x < y, nil
	case ">":
		return x > y, nil
	case "-nt", "-ot", "-ef":
		a, err1 := t.sh.p.cfg.FS.Stat(t.sh.abs(x))
		b, err2 := t.sh.p.cfg.FS.Stat(t.sh.abs(y))
		if err1 != nil || err2 != nil {
			return false, nil
		}
		switch op {
		case "-nt":
			return a.ModTime().After(b.ModTime()), nil
		case "-ot":
			return a.ModTime().Before(b.ModTime()), nil
		}
		return path.Clean(t.sh.abs(x)) == path.Clean(t.sh.abs(y)), nil
	}
	a, err := testNumber(x)
	if err != nil {
		return false, err
	}
	b, err := testNumber(y)
	if err != nil {
		return false, err
	}
	switch op {
	case "-eq":
		return a == b, nil
	case "-ne":
		return a != b, nil
	case "-lt":
		return a < b, nil
	case "-le":
		return a <= b, nil
	case "-gt":
		return a > b, nil
	}
	return a >= b, nil
}
