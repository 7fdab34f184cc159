package shell

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Process applets: ps, top, pidof, kill, timeout, usleep, tty. They read
// and signal the PID namespace (PIDs) the process runs in.

func init() {
	usageText["timeout"] = "Usage: timeout [-s SIG] [-k KILL_SECS] SECS PROG ARGS\n\nRun PROG. Send SIG to it if it is not gone in SECS seconds.\nDefault SIG: TERM.If it still exists in KILL_SECS seconds, send KILL.\n"
	usageText["ps"] = "Usage: ps [-o COL1,COL2=HEADER] [-T]\n\nShow list of processes\n\n\t-o COL1,COL2=HEADER\tSelect columns for display\n\t-T\t\t\tShow threads\n"
	usageText["tty"] = "Usage: tty [-s]\n\nPrint file name of stdin's terminal\n\n\t-s\tPrint nothing, only return exit status\n"
	usageText["pidof"] = "Usage: pidof [OPTIONS] [NAME]...\n\nList PIDs of all processes with names that match NAMEs\n\n\t-s\t\tShow only one PID\n\t-o PID\t\tOmit given pid\n\t\t\tUse %PPID to omit pid of pidof's parent\n"
}

func apTty(_ context.Context, p *Proc) int {
	silent := false
	for _, a := range p.Args[1:] {
		if a != "-s" {
			return p.showUsage()
		}
		silent = true
	}
	if !p.IsTerminal(0) {
		if !silent {
			fmt.Fprintln(p.Stdout, "not a tty")
		}
		return 1
	}
	if !silent {
		fmt.Fprintf(p.Stdout, "/dev/pts/%d\n", p.task.tty)
	}
	return 0
}

// apStty is busybox stty over the process's terminal: size prints its
// window's rows and columns (what the last resize set: 0 0 before one);
// settings are taken and change nothing; without a terminal it fails as
// the ioctl does.
// apStty is busybox's stty over the terminal on stdin, or the one -F
// names (/dev/pts/N, or /proc/<pid>/fd/N linking to it): size, and the
// settings line alone.
func apStty(_ context.Context, p *Proc) int {
	args := p.Args[1:]
	in, dev := p.Stdin, "standard input"
	if len(args) > 1 && args[0] == "-F" {
		dev, args = args[1], args[2:]
		s, ok, err := openSpecial(p.sh.p, p.task, p.abs(dev))
		if !ok {
			f, ferr := p.FS.Open(p.abs(dev))
			if ferr == nil {
				f.Close()
			}
			s, err = nil, ferr
		}
		if err != nil {
			p.errf("can't open '%s': %s", dev, errText(err))
			return 1
		}
		in, _ = s.(io.Reader)
	}
	t, opened := in.(*terminalFile)
	if !opened && (dev != "standard input" || !p.IsTerminal(0)) {
		p.errf("%s: Inappropriate ioctl for device", dev)
		return 1
	}
	rows, cols := 0, 0
	switch {
	case opened:
		rows, cols = t.size()
	case p.sh.p.cfg.TermSize != nil:
		rows, cols = p.sh.p.cfg.TermSize()
	}
	for _, a := range args {
		if a == "size" {
			fmt.Fprintf(p.Stdout, "%d %d\n", rows, cols)
		}
	}
	if len(args) == 0 {
		fmt.Fprintf(p.Stdout, "speed 38400 baud; line = 0;\n")
	}
	return 0
}

func apUsleep(ctx context.Context, p *Proc) int {
	if len(p.Args) != 2 {
		return p.showUsage()
	}
	n, err := strconv.ParseUint(p.Args[1], 10, 32)
	if err != nil {
		p.errf("invalid number '%s'", p.Args[1])
		return 1
	}
	if err := p.Sleep(ctx, time.Duration(n)*time.Microsecond); err != nil {
		return 128 + int(syscall.SIGTERM)
	}
	return 0
}

func apKill(_ context.Context, p *Proc) int {
	return killCmd(p.sh.p.ns, p.task, p.Stdout, p.Stderr, "kill: ", p.Args[1:])
}

// apTimeout is busybox's timeout: the program replaces timeout's process
// and a watcher process sends it the signal when the time is up.
func apTimeout(ctx context.Context, p *Proc) int {
	sig := syscall.SIGTERM
	var killAfter time.Duration
	g := p.scanOpts("sk", false)
	for {
		c, v, more, missing := g.next()
		if !more {
			break
		}
		switch c {
		case 's', 'k':
			if missing {
				p.errf("option requires an argument -- '%c'", c)
				return p.showUsage()
			}
			if c == 's' {
				s, ok := parseSignal(v)
				if !ok {
					p.errf("unknown signal '%s'", v)
					return 1
				}
				sig = s
			} else {
				d, ok := parseDuration(v)
				if !ok {
					p.errf("invalid number '%s'", v)
					return 1
				}
				killAfter = d
			}
		default:
			p.errf("invalid option -- '%c'", c)
			return p.showUsage()
		}
	}
	args := g.rest()
	if len(args) < 2 {
		return p.showUsage()
	}
	d, ok := parseDuration(args[0])
	if !ok {
		p.errf("invalid number '%s'", args[0])
		return 1
	}
	sh := p.shell()
	run, _, _ := sh.findProgram(args[1])
	if run == nil {
		p.errf("can't execute '%s': No such file or directory", args[1])
		return 127
	}
	watcher := p.task.fork(p.Args, p.Clock())
	wctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	target := p.task
	go func() {
		defer close(done)
		defer watcher.exit()
		if sleepCtx(wctx, d) != nil {
			return
		}
		target.kill(sig)
		if killAfter > 0 && sleepCtx(wctx, killAfter) == nil {
			target.kill(syscall.SIGKILL)
		}
	}()
	sh.execNext = true
	st := sh.spawn(ctx, run, args[1:], p.Env, false)
	stop()
	<-done
	return st
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func apPidof(_ context.Context, p *Proc) int {
	args := p.Args[1:]
	single := false
	omit := map[int]bool{}
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch a := args[0]; {
		case a == "-s":
			single = true
		case a == "-o" && len(args) > 1:
			for o := range strings.SplitSeq(args[1], ",") {
				if o == "%PPID" {
					omit[p.task.ppid] = true
				} else if n, err := strconv.Atoi(o); err == nil {
					omit[n] = true
				}
			}
			args = args[1:]
		default:
			return p.showUsage()
		}
		args = args[1:]
	}
	tasks := p.sh.p.ns.list()
	slices.Reverse(tasks)
	var pids []string
	for _, name := range args {
		for _, t := range tasks {
			if omit[t.pid] || t.comm != name && !(len(t.args) > 0 && !t.noexec && commOf(t.args) == name) {
				continue
			}
			pids = append(pids, strconv.Itoa(t.pid))
			if single {
				break
			}
		}
	}
	if len(pids) == 0 {
		return 1
	}
	fmt.Fprintln(p.Stdout, strings.Join(pids, " "))
	return 0
}

// psColumn is one column of ps -o, as busybox's table has it.
type psColumn struct {
	name, header string
	width        int
	right        bool // numbers are right-aligned
	value        func(p *Proc, t taskInfo) string
}

// psColumns in the order busybox lists them.
var psColumns = []psColumn{
	{"user", "USER", 8, false, func(p *Proc, t taskInfo) string { return userName(p, t.uid) }},
	{"group", "GROUP", 8, false, func(p *Proc, t taskInfo) string { return groupName(p, t.gid) }},
	{"comm", "COMMAND", 16, false, func(_ *Proc, t taskInfo) string { return t.comm }},
	{"args", "COMMAND", 0, false, func(_ *Proc, t taskInfo) string { return cmdline(t) }},
	{"pid", "PID", 5, true, func(_ *Proc, t taskInfo) string { return strconv.Itoa(t.pid) }},
	{"ppid", "PPID", 5, true, func(_ *Proc, t taskInfo) string { return strconv.Itoa(t.ppid) }},
	{"pgid", "PGID", 5, true, func(_ *Proc, t taskInfo) string { return strconv.Itoa(t.pgid) }},
	{"nice", "NI", 5, true, func(*Proc, taskInfo) string { return "0" }},
	{"rgroup", "RGROUP", 8, false, func(p *Proc, t taskInfo) string { return groupName(p, t.gid) }},
	{"ruser", "RUSER", 8, false, func(p *Proc, t taskInfo) string { return userName(p, t.uid) }},
	{"tty", "TT", 6, false, func(_ *Proc, t taskInfo) string { return ttyName(t) }},
	{"vsz", "VSZ", 4, true, func(*Proc, taskInfo) string { return "2268" }},
	{"sid", "SID", 5, true, func(_ *Proc, t taskInfo) string { return strconv.Itoa(t.pgid) }},
	{"stat", "STAT", 4, false, func(p *Proc, t taskInfo) string { return taskState(p, t) }},
	{"rss", "RSS", 4, true, func(_ *Proc, t taskInfo) string { return rssOf(t) }},
}

func userName(p *Proc, uid int) string {
	n, _ := lookupName(p.FS, "/etc/passwd", uid)
	return n
}

func groupName(p *Proc, gid int) string {
	n, _ := lookupName(p.FS, "/etc/group", gid)
	return n
}

func ttyName(t taskInfo) string {
	if t.tty >= 0 {
		return "136," + strconv.Itoa(t.tty) // /dev/pts/N: major 136
	}
	return "?"
}

// taskState is R for the process that is looking (ps, top), S for the
// others, which wait.
func taskState(p *Proc, t taskInfo) string {
	if t.pid == p.task.pid {
		return "R"
	}
	return "S"
}

func rssOf(t taskInfo) string {
	if t.comm == "sh" {
		return "1392"
	}
	return "1264"
}

// cmdline is a task's command line as ps and top show it: "{comm} args"
// when the program is not what its command line names.
func cmdline(t taskInfo) string {
	if len(t.args) == 0 {
		return "[" + t.comm + "]"
	}
	s := strings.Join(t.args, " ")
	if t.noexec || commOf(t.args) != t.comm {
		return "{" + t.comm + "} " + s
	}
	return s
}

func apPs(_ context.Context, p *Proc) int {
	var specs []string
	args := p.Args[1:]
	for len(args) > 0 {
		a := strings.TrimPrefix(args[0], "-")
		args = args[1:]
		for i := 0; i < len(a); i++ {
			switch a[i] {
			case 'o':
				v := a[i+1:]
				if v == "" {
					if len(args) == 0 {
						p.errf("option requires an argument -- 'o'")
						return p.showUsage()
					}
					v, args = args[0], args[1:]
				}
				specs = append(specs, v)
				i = len(a)
			case 'T', 'A', 'e', 'f', 'a', 'u', 'x', 'l':
			default:
				p.errf("invalid option -- '%c'", a[i])
				return p.showUsage()
			}
		}
	}
	if len(specs) == 0 {
		specs = []string{"pid,user,args"}
	}
	type col struct {
		psColumn
		header string
	}
	var cols []col
	for _, spec := range specs {
		for item := range strings.SplitSeq(spec, ",") {
			name, header, hasHeader := strings.Cut(item, "=")
			i := slices.IndexFunc(psColumns, func(c psColumn) bool { return c.name == name })
			if i < 0 {
				names := make([]string, len(psColumns))
				for j, c := range psColumns {
					names[j] = c.name
				}
				p.errf("bad -o argument '%s', supported arguments: %s", name, strings.Join(names, ","))
				return 1
			}
			c := col{psColumns[i], psColumns[i].header}
			if hasHeader {
				c.header = header
			}
			c.width = max(c.width, len(c.header))
			cols = append(cols, c)
		}
	}
	w := bufio.NewWriter(p.Stdout)
	defer w.Flush()
	line := func(vals []string, header bool) {
		var b strings.Builder
		for i, c := range cols {
			if i > 0 {
				b.WriteByte(' ')
			}
			v := vals[i]
			switch {
			case i == len(cols)-1:
				if c.right && !header {
					fmt.Fprintf(&b, "%*s", c.width, v)
				} else {
					b.WriteString(v)
				}
			case c.right && !header:
				fmt.Fprintf(&b, "%*s", c.width, v)
			default:
				fmt.Fprintf(&b, "%-*s", c.width, truncate(v, c.width, c.name == "user" || c.name == "group" || c.name == "ruser" || c.name == "rgroup"))
			}
		}
		w.WriteString(b.String() + "\n")
	}
	headers := make([]string, len(cols))
	anyHeader := false
	for i, c := range cols {
		headers[i] = c.header
		anyHeader = anyHeader || c.header != ""
	}
	if anyHeader {
		line(headers, true)
	}
	for _, t := range p.sh.p.ns.list() {
		vals := make([]string, len(cols))
		for i, c := range cols {
			vals[i] = c.value(p, t)
		}
		line(vals, false)
	}
	return 0
}

func truncate(s string, n int, cut bool) string {
	if cut && len(s) > n {
		return s[:n]
	}
	return s
}

// apTop is top in batch mode (-b, or any run: the mock has no screen to
// draw): the summary and the process list, -n times, -d seconds apart.
func apTop(ctx context.Context, p *Proc) int {
	opts, _, err := p.flags("ndmo")
	if err != nil {
		return p.usage(err)
	}
	iterations := -1
	if v, ok := opts['n']; ok {
		if iterations, err = strconv.Atoi(v); err != nil {
			p.errf("invalid number '%s'", v)
			return 1
		}
	}
	delay := 5 * time.Second
	if v, ok := opts['d']; ok {
		d, ok := parseDuration(v)
		if !ok {
			p.errf("invalid number '%s'", v)
			return 1
		}
		delay = d
	}
	for i := 0; iterations < 0 || i < iterations; i++ {
		if i > 0 {
			if err := p.Sleep(ctx, delay); err != nil {
				return 128 + int(syscall.SIGTERM)
			}
		}
		if err := topScreen(p, p.Stdout); err != nil {
			return 1
		}
	}
	return 0
}

func topScreen(p *Proc, out io.Writer) error {
	tasks := p.sh.p.ns.list()
	last := 0
	if len(tasks) > 0 {
		last = tasks[len(tasks)-1].pid
	}
	var b strings.Builder
	b.WriteString("Mem: 1931580K used, 6059396K free, 1152K shrd, 86244K buff, 1203452K cached\n")
	b.WriteString("CPU:   0% usr   0% sys   0% nic 100% idle   0% io   0% irq   0% sirq\n")
	fmt.Fprintf(&b, "Load average: 0.00 0.00 0.00 1/%d %d\n", len(tasks), last)
	b.WriteString("  PID  PPID USER     STAT   VSZ %VSZ %CPU COMMAND\n")
	for _, t := range tasks {
		fmt.Fprintf(&b, "%5d %5d %-8.8s %-4s %5s %3d%% %3d%% %s\n", t.pid, t.ppid, userName(p, t.uid), taskState(p, t), "2268", 0, 0, cmdline(t))
	}
	b.WriteString("\n")
	_, err := io.WriteString(out, b.String())
	return err
}
