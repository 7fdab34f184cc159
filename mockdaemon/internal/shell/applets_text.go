package shell

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Text applets: cut, rev, xargs.

// busyboxBanner heads busybox's usage messages.
const busyboxBanner = "BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\n\n"

// usageText is each applet's usage, as busybox prints it (to stderr, exit
// 1) when the command line is wrong.
var usageText = map[string]string{
	"awk":    "Usage: awk [OPTIONS] [AWK_PROGRAM] [FILE]...\n\n\t-v VAR=VAL\tSet variable\n\t-F SEP\t\tUse SEP as field separator\n\t-f FILE\t\tRead program from FILE\n\t-e AWK_PROGRAM\n",
	"cut":    "Usage: cut [OPTIONS] [FILE]...\n\nPrint selected fields from FILEs to stdout\n\n\t-b LIST\tOutput only bytes from LIST\n\t-c LIST\tOutput only characters from LIST\n\t-d SEP\tField delimiter for input (default -f TAB, -F run of whitespace)\n\t-O SEP\tField delimiter for output (default = -d for -f, one space for -F)\n\t-D\tDon't sort/collate sections or match -fF lines without delimiter\n\t-f LIST\tPrint only these fields (-d is single char)\n\t-F LIST\tPrint only these fields (-d is regex)\n\t-s\tOutput only lines containing delimiter\n\t-n\tIgnored\n",
	"grep":   "Usage: grep [-HhnlLoqvsrRiwFEz] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...\n\nSearch for PATTERN in FILEs (or stdin)\n\n\t-H\tAdd 'filename:' prefix\n\t-h\tDo not add 'filename:' prefix\n\t-n\tAdd 'line_no:' prefix\n\t-l\tShow only names of files that match\n\t-L\tShow only names of files that don't match\n\t-c\tShow only count of matching lines\n\t-o\tShow only the matching part of line\n\t-q\tQuiet. Return 0 if PATTERN is found, 1 otherwise\n\t-v\tSelect non-matching lines\n\t-s\tSuppress open and read errors\n\t-r\tRecurse\n\t-R\tRecurse and dereference symlinks\n\t-i\tIgnore case\n\t-w\tMatch whole words only\n\t-x\tMatch whole lines only\n\t-F\tPATTERN is a literal (not regexp)\n\t-E\tPATTERN is an extended regexp\n\t-z\tNUL terminated input\n\t-m N\tMatch up to N times per file\n\t-A N\tPrint N lines of trailing context\n\t-B N\tPrint N lines of leading context\n\t-C N\tSame as '-A N -B N'\n\t-e PTRN\tPattern to match\n\t-f FILE\tRead pattern from file\n",
	"ping":   "Usage: ping [OPTIONS] HOST\n\nSend ICMP ECHO_REQUESTs to HOST\n\n\t-4,-6\t\tForce IP or IPv6 name resolution\n\t-c CNT\t\tSend only CNT pings\n\t-s SIZE\t\tSend SIZE data bytes in packets (default 56)\n\t-i SECS\t\tInterval\n\t-A\t\tPing as soon as reply is received\n\t-t TTL\t\tSet TTL\n\t-I IFACE/IP\tSource interface or IP address\n\t-W SEC\t\tSeconds to wait for the first response (default 10)\n\t\t\t(after all -c CNT packets are sent)\n\t-w SEC\t\tSeconds until ping exits (default:infinite)\n\t\t\t(can exit earlier with -c CNT)\n\t-q\t\tQuiet, only display output at start/finish\n\t-p HEXBYTE\tPayload pattern\n",
	"usleep": "Usage: usleep N\n\nPause for N microseconds\n",
}

// getopt parses leading options like busybox's getopt32: spec lists the
// letters, a ':' after one that takes a value ("dw:"). An unknown letter
// or a missing value prints busybox's complaint and usage: ok is false
// and the applet exits 1.
func (p *Proc) getopt(spec string) (opts map[byte]string, operands []string, ok bool) {
	var withArg strings.Builder
	for i := 0; i+1 < len(spec); i++ {
		if spec[i+1] == ':' {
			withArg.WriteByte(spec[i])
		}
	}
	opts = map[byte]string{}
	g := p.scanOpts(withArg.String(), false)
	for {
		c, v, more, missing := g.next()
		if !more {
			return opts, g.rest(), true
		}
		if c == ':' || strings.IndexByte(spec, c) < 0 {
			p.errf("invalid option -- '%c'", c)
			p.showUsage()
			return nil, nil, false
		}
		if missing {
			p.errf("option requires an argument -- '%c'", c)
			p.showUsage()
			return nil, nil, false
		}
		if v == "" && strings.IndexByte(withArg.String(), c) < 0 {
			v = "1"
		}
		opts[c] = v
	}
}

// showUsage prints the applet's usage like busybox and returns 1.
func (p *Proc) showUsage() int {
	fmt.Fprint(p.Stderr, busyboxBanner+usageText[p.name()])
	return 1
}

// span is a 1-based inclusive range of a cut list; hi 0 is open-ended.
type span struct{ lo, hi int }

// parseCutList reads "1,3-5,7-" into spans.
func parseCutList(s string) ([]span, error) {
	var out []span
	for part := range strings.SplitSeq(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		var sp span
		var err error
		switch {
		case !isRange:
			sp.lo, err = strconv.Atoi(part)
			sp.hi = sp.lo
		default:
			sp.lo = 1
			if lo != "" {
				sp.lo, err = strconv.Atoi(lo)
			}
			if err == nil && hi != "" {
				sp.hi, err = strconv.Atoi(hi)
			}
		}
		if err != nil || sp.lo < 0 || sp.hi < 0 || part == "-" {
			return nil, fmt.Errorf("invalid byte or character range")
		}
		if sp.hi != 0 && sp.hi < sp.lo {
			return nil, fmt.Errorf("invalid byte or character range")
		}
		out = append(out, sp)
	}
	return out, nil
}

func (sp span) has(i int) bool { return i >= sp.lo && (sp.hi == 0 || i <= sp.hi) }

func inSpans(spans []span, i int) bool {
	for _, sp := range spans {
		if sp.has(i) {
			return true
		}
	}
	return false
}

func apCut(ctx context.Context, p *Proc) int {
	opts, files, err := p.flags("bcfdOF")
	if err != nil {
		return p.showUsage()
	}
	var list string
	mode := byte(0)
	for _, m := range []byte("bcfF") {
		if v, ok := opts[m]; ok {
			if mode != 0 {
				p.errf("only one type of list may be specified")
				return 1
			}
			mode, list = m, v
		}
	}
	if mode == 0 {
		p.errf("expected a list of bytes, characters, or fields")
		return 1
	}
	spans, err := parseCutList(list)
	if err != nil {
		p.errf("%s", err)
		return 1
	}
	if opts['D'] == "" {
		slices.SortStableFunc(spans, func(a, b span) int { return a.lo - b.lo })
	}
	delim, hasDelim := opts['d']
	if mode == 'f' {
		if !hasDelim {
			delim = "\t"
		}
		if len(delim) > 1 {
			delim = delim[:1]
		}
	}
	var splitRE *regexp.Regexp
	if mode == 'F' {
		expr := `[[:space:]]+`
		if hasDelim {
			expr = breToRE(delim)
		}
		if splitRE, err = regexp.Compile(expr); err != nil {
			p.errf("bad regex '%s'", delim)
			return 1
		}
	}
	outDelim, hasOut := opts['O']
	if !hasOut {
		outDelim = delim
		if mode == 'F' {
			outDelim = " "
		}
	}
	onlyDelimited := opts['s'] != ""
	w := bufio.NewWriter(p.Stdout)
	defer w.Flush()
	cutLine := func(line string) (string, bool) {
		switch mode {
		case 'b', 'c':
			var b strings.Builder
			for i := 0; i < len(line); i++ {
				if inSpans(spans, i+1) {
					b.WriteByte(line[i])
				}
			}
			return b.String(), true
		case 'F':
			// empty fields (a leading blank, two delimiters) are
			// left out of the output
			var sel []string
			for i, f := range splitRE.Split(line, -1) {
				if f != "" && inSpans(spans, i+1) {
					sel = append(sel, f)
				}
			}
			return strings.Join(sel, outDelim), true
		}
		if !strings.Contains(line, delim) {
			return line, !onlyDelimited
		}
		return cutFields(strings.Split(line, delim), spans, outDelim), true
	}
	return p.inputs(files, func(_ string, r io.Reader) error {
		return eachLine(ctx, r, func(line string, nl bool) error {
			out, ok := cutLine(line)
			if !ok {
				return nil
			}
			_, err := w.WriteString(out + "\n")
			return err
		})
	})
}

// cutFields joins the fields the spans select as busybox 1.35 does: the
// spans in order, a field never twice, and once the line has run out each
// span left gives an empty field ("1:2" cut -d: -f1,3 is "1:").
func cutFields(fields []string, spans []span, delim string) string {
	var b strings.Builder
	printed := 0
	emit := func(s string) {
		if printed > 0 {
			b.WriteString(delim)
		}
		b.WriteString(s)
		printed++
	}
	next, ended := 1, false
	for _, sp := range spans {
		if ended || sp.lo > len(fields) {
			emit("")
			ended = true
			continue
		}
		for i := max(sp.lo, next, 1); i <= len(fields) && (sp.hi == 0 || i <= sp.hi); i++ {
			emit(fields[i-1])
			next = i + 1
			ended = i == len(fields)
		}
	}
	return b.String()
}

// eachLine calls fn for each line of r without its newline; nl reports
// whether the line had one. Lines are bounded by maxWord.
func eachLine(ctx context.Context, r io.Reader, fn func(line string, nl bool) error) error {
	br := bufio.NewReaderSize(r, 64*1024)
	for {
		if ctx.Err() != nil {
			return errKilled
		}
		line, err := readLine(br)
		if len(line) > 0 || err == nil {
			nl := err == nil
			if e := fn(strings.TrimSuffix(line, "\n"), nl); e != nil {
				return e
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// readLine reads up to and including a newline, at most maxWord bytes.
func readLine(br *bufio.Reader) (string, error) {
	var b []byte
	for {
		chunk, err := br.ReadSlice('\n')
		b = append(b, chunk...)
		if err != bufio.ErrBufferFull {
			return string(b), err
		}
		if len(b) > maxWord {
			return string(b), nil
		}
	}
}

func apRev(ctx context.Context, p *Proc) int {
	_, files, err := p.flags("")
	if err != nil {
		return p.usage(err)
	}
	w := bufio.NewWriter(p.Stdout)
	defer w.Flush()
	return p.inputs(files, func(_ string, r io.Reader) error {
		return eachLine(ctx, r, func(line string, nl bool) error {
			b := []byte(line)
			for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
				b[i], b[j] = b[j], b[i]
			}
			if nl {
				b = append(b, '\n')
			}
			_, err := w.Write(b)
			return err
		})
	})
}

// run runs args as a program from p (no functions or builtins: what exec
// would find) with p's environment and streams, stdin replaced when in is
// not nil. A program that cannot be found gives code 127 or 126 and why.
func (p *Proc) run(ctx context.Context, args []string, in io.Reader) (code int, why string) {
	sh := p.shell()
	run, code, why := sh.findProgram(args[0])
	if run == nil {
		return code, why
	}
	if in != nil {
		sh.stdin = in
	}
	return sh.spawn(ctx, run, args, p.Env, false), ""
}

// xargsWords splits xargs input: blanks separate words; quotes and
// backslashes protect them.
func xargsWords(s string) ([]string, error) {
	var words []string
	var b strings.Builder
	in, quote := false, byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else if c == '\n' {
				return nil, fmt.Errorf("unmatched %s quote", map[byte]string{'\'': "single", '"': "double"}[quote])
			} else {
				b.WriteByte(c)
			}
		case c == '\'' || c == '"':
			quote, in = c, true
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
			in = true
		case c == ' ' || c == '\t' || c == '\n':
			if in {
				words = append(words, b.String())
				b.Reset()
				in = false
			}
		default:
			b.WriteByte(c)
			in = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unmatched %s quote", map[byte]string{'\'': "single", '"': "double"}[quote])
	}
	if in {
		words = append(words, b.String())
	}
	return words, nil
}

func apXargs(ctx context.Context, p *Proc) int {
	maxArgs, repl, nul, noEmpty, trace := 0, "", false, false, false
	g := p.scanOpts("nIsEPaL", false)
	for {
		c, v, more, missing := g.next()
		if !more {
			break
		}
		switch c {
		case 'n':
			n, err := strconv.Atoi(v)
			if missing || err != nil || n <= 0 {
				p.errf("invalid number '%s'", v)
				return 1
			}
			maxArgs = n
		case 'I':
			if missing {
				p.errf("option requires an argument -- I")
				return 1
			}
			repl = v
		case 's', 'E', 'P', 'a', 'L':
			if missing {
				p.errf("option requires an argument -- %c", c)
				return 1
			}
		case '0':
			nul = true
		case 'r':
			noEmpty = true
		case 't':
			trace = true
		case 'x', 'p', 'o', 'e':
		default:
			p.errf("invalid option -- '%c'", c)
			return 1
		}
	}
	args := g.rest()
	if len(args) == 0 {
		args = []string{"echo"}
	}
	data, err := io.ReadAll(io.LimitReader(p.Stdin, maxWord))
	if err != nil && ctx.Err() != nil {
		return 1
	}
	var words []string
	var batches [][]string
	switch {
	case repl != "":
		for line := range strings.SplitSeq(strings.TrimSuffix(string(data), "\n"), "\n") {
			if line = strings.TrimLeft(line, " \t"); line == "" {
				continue
			}
			cmd := make([]string, len(args))
			for i, a := range args {
				cmd[i] = strings.ReplaceAll(a, repl, line)
			}
			batches = append(batches, cmd)
		}
	case nul:
		for w := range strings.SplitSeq(string(data), "\x00") {
			if w != "" {
				words = append(words, w)
			}
		}
	default:
		if words, err = xargsWords(string(data)); err != nil {
			p.errf("%s", err)
			return 1
		}
	}
	if repl == "" {
		if maxArgs == 0 {
			maxArgs = max(len(words), 1)
		}
		for len(words) > 0 {
			n := min(maxArgs, len(words))
			batches = append(batches, append(append([]string(nil), args...), words[:n]...))
			words = words[n:]
		}
		if len(batches) == 0 && !noEmpty {
			batches = append(batches, args)
		}
	}
	st := 0
	for _, cmd := range batches {
		if trace {
			fmt.Fprintln(p.Stderr, strings.Join(cmd, " "))
		}
		code, why := p.run(ctx, cmd, devNullReader())
		if ctx.Err() != nil {
			return 1
		}
		switch {
		case why != "":
			p.errf("%s: No such file or directory", cmd[0])
			return code
		case code == 255:
			p.errf("%s: exited with status 255; aborting", cmd[0])
			return 124
		case code > 128:
			return 125
		case code != 0:
			st = 123
		}
	}
	return st
}

func devNullReader() io.Reader { return strings.NewReader("") }
