package shell

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// sed as busybox 1.35 has it: the commands s y p P d D n N g G h H x b
// t : = a i c r w q { } !, addresses (a line, $, /re/, \%re%, a,b and
// a,+n), basic or -E extended regular expressions, -n -e -f -i -s.

func init() {
	usageText["sed"] = "Usage: sed [-i[SFX]] [-nrE] [-f FILE]... [-e CMD]... [FILE]...\nor: sed [-i[SFX]] [-nrE] CMD [FILE]...\n\n\t-e CMD\tAdd CMD to sed commands to be executed\n\t-f FILE\tAdd FILE contents to sed commands to be executed\n\t-i[SFX]\tEdit files in-place (otherwise write to stdout)\n\t\tOptionally back files up, appending SFX\n\t-n\tSuppress automatic printing of pattern space\n\t-r,-E\tUse extended regex syntax\n\nIf no -e or -f, the first non-option argument is the sed command string.\nRemaining arguments are input files (stdin if none).\n"
}

type sedErr string

func (e sedErr) Error() string { return string(e) }

// sedAddr is one address: a line number, the last line, or a regexp.
type sedAddr struct {
	kind byte // 0 none, 'n' line, '$' last, '/' regexp, '+' relative (second address only)
	line int
	re   *regexp.Regexp
}

type sedCmd struct {
	a1, a2  sedAddr
	negate  bool
	name    byte
	text    string // a i c text, label, file name
	re      *regexp.Regexp
	repl    string
	global  bool
	nth     int
	print   bool
	wfile   string
	from    []byte // y
	to      []byte
	jump    int // b t: index of the label's command; { : index after its }
	inRange bool
	rangeTo int // the line a relative range ends at
}

type sedProg struct {
	cmds   []*sedCmd
	ere    bool
	lastRE *regexp.Regexp
}

// compileRE turns a sed regular expression into Go's, leftmost-longest
// as POSIX matches.
func (pr *sedProg) compileRE(src, flags string) (*regexp.Regexp, error) {
	if src == "" {
		if pr.lastRE == nil {
			return nil, sedErr("no previous regexp")
		}
		return pr.lastRE, nil
	}
	expr := src
	if !pr.ere {
		expr = breToRE(src)
	}
	expr = strings.NewReplacer(`\<`, `\b`, `\>`, `\b`, `\n`, "\n", `\t`, "\t").Replace(expr)
	if strings.Contains(flags, "I") {
		expr = "(?i)" + expr
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, sedErr("bad regex '" + src + "': " + err.Error())
	}
	re.Longest()
	pr.lastRE = re
	return re, nil
}

// delimited reads s from i up to the unescaped delimiter d; "\d" becomes
// d, other escapes stay.
func delimited(s string, i int, d byte) (string, int, bool) {
	var b strings.Builder
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			if s[i+1] == d {
				b.WriteByte(d)
			} else if s[i+1] == 'n' && d != 'n' {
				b.WriteString(`\n`)
			} else {
				b.WriteByte('\\')
				b.WriteByte(s[i+1])
			}
			i++
		case c == d:
			return b.String(), i + 1, true
		case c == '\n' && d != '\n':
			return "", i, false
		default:
			b.WriteByte(c)
		}
	}
	return "", i, false
}

func (pr *sedProg) parseAddr(s string, i int) (sedAddr, int, error) {
	if i >= len(s) {
		return sedAddr{}, i, nil
	}
	switch c := s[i]; {
	case c >= '0' && c <= '9':
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		n, _ := strconv.Atoi(s[i:j])
		return sedAddr{kind: 'n', line: n}, j, nil
	case c == '$':
		return sedAddr{kind: '$'}, i + 1, nil
	case c == '/' || c == '\\':
		d := byte('/')
		if c == '\\' {
			if i+1 >= len(s) {
				return sedAddr{}, i, sedErr("unexpected end of file")
			}
			d, i = s[i+1], i+1
		}
		src, j, ok := delimited(s, i+1, d)
		if !ok {
			return sedAddr{}, j, sedErr("unmatched '" + string([]byte{d}) + "'")
		}
		flags := ""
		if j < len(s) && s[j] == 'I' {
			flags, j = "I", j+1
		}
		re, err := pr.compileRE(src, flags)
		return sedAddr{kind: '/', re: re}, j, err
	}
	return sedAddr{}, i, nil
}

func skipBlanks(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// sedText reads the text of a, i or c: "a text" or "a\" newline "text",
// continued by lines ending in a backslash.
func sedText(s string, i int) (string, int) {
	i = skipBlanks(s, i)
	if i < len(s) && s[i] == '\\' {
		i++
		if i < len(s) && s[i] == '\n' {
			i++
		}
	}
	var b strings.Builder
	for ; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			i++
			b.WriteByte(s[i])
			continue
		}
		if c == '\n' {
			return b.String(), i + 1
		}
		b.WriteByte(c)
	}
	return b.String(), i
}

func (pr *sedProg) parse(script string) error {
	var blocks []int
	labels := map[string]int{}
	i := 0
	for {
		for i < len(script) && strings.IndexByte(" \t\n;", script[i]) >= 0 {
			i++
		}
		if i >= len(script) {
			break
		}
		if script[i] == '#' {
			for i < len(script) && script[i] != '\n' {
				i++
			}
			continue
		}
		cmd := &sedCmd{}
		var err error
		if cmd.a1, i, err = pr.parseAddr(script, i); err != nil {
			return err
		}
		if cmd.a1.kind != 0 && i < len(script) && script[i] == ',' {
			i++
			if i < len(script) && script[i] == '+' {
				j := i + 1
				for j < len(script) && script[j] >= '0' && script[j] <= '9' {
					j++
				}
				n, _ := strconv.Atoi(script[i+1 : j])
				cmd.a2, i = sedAddr{kind: '+', line: n}, j
			} else if cmd.a2, i, err = pr.parseAddr(script, i); err != nil {
				return err
			}
			if cmd.a2.kind == 0 {
				return sedErr("unexpected ','")
			}
		}
		i = skipBlanks(script, i)
		for i < len(script) && script[i] == '!' {
			cmd.negate = true
			i = skipBlanks(script, i+1)
		}
		if i >= len(script) {
			return sedErr("missing command")
		}
		cmd.name = script[i]
		i++
		switch cmd.name {
		case '{':
			blocks = append(blocks, len(pr.cmds))
		case '}':
			if len(blocks) == 0 {
				return sedErr("unexpected '}'")
			}
			pr.cmds[blocks[len(blocks)-1]].jump = len(pr.cmds) + 1
			blocks = blocks[:len(blocks)-1]
		case 'p', 'P', 'd', 'D', 'n', 'N', 'g', 'G', 'h', 'H', 'x', '=', 'l', 'q':
		case 'a', 'i', 'c':
			cmd.text, i = sedText(script, i)
		case ':':
			if cmd.a1.kind != 0 {
				return sedErr(": doesn't want any addresses")
			}
			name, j := sedLabel(script, i)
			if name == "" {
				return sedErr("\":\" lacks a label")
			}
			labels[name], i = len(pr.cmds), j
		case 'b', 't', 'T':
			cmd.text, i = sedLabel(script, i)
		case 'r', 'w':
			cmd.text, i = sedFile(script, i)
		case 's':
			if err := pr.parseSubst(script, &i, cmd); err != nil {
				return err
			}
		case 'y':
			if i >= len(script) {
				return sedErr("unterminated y command")
			}
			d := script[i]
			from, j, ok1 := delimited(script, i+1, d)
			to, k, ok2 := delimited(script, j, d)
			if !ok1 || !ok2 {
				return sedErr("unmatched '" + string([]byte{d}) + "'")
			}
			f, t := unescapeSed(from), unescapeSed(to)
			if len(f) != len(t) {
				return sedErr("strings for y command are different lengths")
			}
			cmd.from, cmd.to, i = []byte(f), []byte(t), k
		default:
			return sedErr("unsupported command " + string([]byte{cmd.name}))
		}
		pr.cmds = append(pr.cmds, cmd)
	}
	if len(blocks) > 0 {
		return sedErr("unmatched '{'")
	}
	for _, c := range pr.cmds {
		if c.name == 'b' || c.name == 't' || c.name == 'T' {
			if c.text == "" {
				c.jump = len(pr.cmds)
				continue
			}
			j, ok := labels[c.text]
			if !ok {
				return sedErr("can't find label for jump to '" + c.text + "'")
			}
			c.jump = j
		}
	}
	return nil
}

func sedLabel(s string, i int) (string, int) {
	i = skipBlanks(s, i)
	j := i
	for j < len(s) && s[j] != '\n' && s[j] != ';' {
		j++
	}
	return strings.TrimRight(s[i:j], " \t"), j
}

func sedFile(s string, i int) (string, int) {
	i = skipBlanks(s, i)
	j := i
	for j < len(s) && s[j] != '\n' {
		j++
	}
	return s[i:j], j
}

// unescapeSed resolves \n, \t and \\ in y strings.
func unescapeSed(s string) string {
	return strings.NewReplacer(`\n`, "\n", `\t`, "\t", `\\`, `\`).Replace(s)
}

func (pr *sedProg) parseSubst(s string, i *int, cmd *sedCmd) error {
	if *i >= len(s) {
		return sedErr("unterminated s command")
	}
	d := s[*i]
	pat, j, ok := delimited(s, *i+1, d)
	if !ok {
		return sedErr("unmatched '" + string([]byte{d}) + "'")
	}
	repl, k, ok := delimited(s, j, d)
	if !ok {
		return sedErr("unmatched '" + string([]byte{d}) + "'")
	}
	flags := ""
	for k < len(s) && strings.IndexByte("gpiIw0123456789", s[k]) >= 0 {
		switch c := s[k]; {
		case c == 'g':
			cmd.global = true
		case c == 'p':
			cmd.print = true
		case c == 'i' || c == 'I':
			flags += "I"
		case c == 'w':
			cmd.wfile, k = sedFile(s, k+1)
			k--
		default:
			n := 0
			for k < len(s) && s[k] >= '0' && s[k] <= '9' {
				n = n*10 + int(s[k]-'0')
				k++
			}
			k--
			cmd.nth = n
		}
		k++
	}
	k = skipBlanks(s, k)
	if k < len(s) && strings.IndexByte(";\n}#", s[k]) < 0 {
		return sedErr("unknown option to s")
	}
	re, err := pr.compileRE(pat, flags)
	if err != nil {
		return err
	}
	cmd.re, cmd.repl, *i = re, repl, k
	return nil
}

// expand builds a replacement: & is the match, \1..\9 the groups, \n a
// newline, \t a tab.
func expandRepl(repl, s string, m []int) string {
	var b strings.Builder
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		switch {
		case c == '&':
			b.WriteString(s[m[0]:m[1]])
		case c == '\\' && i+1 < len(repl):
			i++
			switch n := repl[i]; {
			case n >= '0' && n <= '9':
				g := int(n - '0')
				if 2*g+1 < len(m) && m[2*g] >= 0 {
					b.WriteString(s[m[2*g]:m[2*g+1]])
				}
			case n == 'n':
				b.WriteByte('\n')
			case n == 't':
				b.WriteByte('\t')
			case n == '\n':
				b.WriteByte('\n')
			default:
				b.WriteByte(n)
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// subst applies s to ps; ok reports a replacement.
func (c *sedCmd) subst(ps string) (string, bool) {
	ms := c.re.FindAllStringSubmatchIndex(ps, -1)
	if len(ms) == 0 {
		return ps, false
	}
	var b strings.Builder
	last, done := 0, false
	for k, m := range ms {
		n := k + 1
		if c.global || n == max(c.nth, 1) {
			b.WriteString(ps[last:m[0]])
			b.WriteString(expandRepl(c.repl, ps, m))
			last, done = m[1], true
			if !c.global {
				break
			}
		}
	}
	if !done {
		return ps, false
	}
	b.WriteString(ps[last:])
	return b.String(), true
}

// sedInput reads lines across the input files, knowing which is the
// last.
type sedInput struct {
	p      *Proc
	files  []string
	cur    *bufio.Reader
	close  func()
	next   string // the line read ahead
	nextNL bool
	have   bool
	lineNo int
	st     int
}

func (in *sedInput) fill() {
	for !in.have {
		if in.cur == nil {
			if len(in.files) == 0 {
				return
			}
			name := in.files[0]
			in.files = in.files[1:]
			r, done, err := in.p.open(name)
			if err != nil {
				in.p.errf("%s: %s", name, errText(err))
				in.st = 1
				continue
			}
			in.cur, in.close = bufio.NewReader(r), done
		}
		line, err := readLine(in.cur)
		if line != "" {
			in.next, in.nextNL, in.have = strings.TrimSuffix(line, "\n"), strings.HasSuffix(line, "\n"), true
		}
		if err != nil {
			in.close()
			in.cur = nil
		}
	}
}

// read returns the next line; ok false at the end of input.
func (in *sedInput) read() (line string, nl, ok bool) {
	in.fill()
	if !in.have {
		return "", false, false
	}
	in.have = false
	in.lineNo++
	return in.next, in.nextNL, true
}

func (in *sedInput) last() bool {
	in.fill()
	return !in.have
}

func (c *sedCmd) matchAddr(a sedAddr, ps string, in *sedInput) bool {
	switch a.kind {
	case 'n':
		return in.lineNo == a.line
	case '$':
		return in.last()
	case '/':
		return a.re.MatchString(ps)
	}
	return false
}

// selected reports whether the command applies to the current line.
func (c *sedCmd) selected(ps string, in *sedInput) bool {
	r := true
	switch {
	case c.a1.kind == 0:
	case c.a2.kind == 0:
		r = c.matchAddr(c.a1, ps, in)
	case c.inRange:
		switch c.a2.kind {
		case 'n':
			c.inRange = in.lineNo < c.a2.line
			r = true
		case '+':
			c.inRange = in.lineNo < c.rangeTo
		default:
			c.inRange = !c.matchAddr(c.a2, ps, in)
		}
	default:
		start := c.matchAddr(c.a1, ps, in)
		r = start
		if start {
			switch c.a2.kind {
			case 'n':
				c.inRange = in.lineNo < c.a2.line
			case '+':
				c.rangeTo = in.lineNo + c.a2.line
				c.inRange = in.lineNo < c.rangeTo
			default:
				c.inRange = true
			}
		}
	}
	return r != c.negate
}

// sedRun runs the program over the input, writing to w.
func (pr *sedProg) run(ctx context.Context, p *Proc, in *sedInput, w *bufio.Writer, quiet bool) (int, error) {
	hold := ""
	wfiles := map[string]io.Writer{}
	defer func() {
		for _, f := range wfiles {
			if c, ok := f.(io.Closer); ok {
				c.Close()
			}
		}
	}()
	writeFile := func(name, s string) {
		f, ok := wfiles[name]
		if !ok {
			switch name {
			case "/dev/stdout":
				f = w
			case "/dev/stderr":
				f = p.Stderr
			default:
				file, err := p.FS.OpenFile(p.abs(name), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
				if err != nil {
					return
				}
				f = file
			}
			wfiles[name] = f
		}
		io.WriteString(f, s+"\n")
	}
	ps, nl, ok := in.read()
	for ok {
		if ctx.Err() != nil {
			return 1, errKilled
		}
		var appendQ []string
		deleted, quit, substituted, restart := false, false, false, false
		out := func(s string, newline bool) {
			w.WriteString(s)
			if newline {
				w.WriteByte('\n')
			}
		}
	cycle:
		for pc := 0; pc < len(pr.cmds); pc++ {
			c := pr.cmds[pc]
			if !c.selected(ps, in) {
				if c.name == '{' {
					pc = c.jump - 1
				}
				continue
			}
			switch c.name {
			case '{', '}':
			case 'p':
				out(ps, true)
			case 'P':
				first, _, _ := strings.Cut(ps, "\n")
				out(first, true)
			case 'd':
				deleted = true
				break cycle
			case 'D':
				i := strings.IndexByte(ps, '\n')
				if i < 0 {
					deleted = true
					break cycle
				}
				ps, restart = ps[i+1:], true
				break cycle
			case 'n':
				if in.last() {
					quit = true
					break cycle
				}
				if !quiet {
					out(ps, nl)
				}
				ps, nl, _ = in.read()
			case 'N':
				if in.last() {
					quit = true
					break cycle
				}
				line, lnl, _ := in.read()
				ps, nl = ps+"\n"+line, lnl
			case 'g':
				ps = hold
			case 'G':
				ps += "\n" + hold
			case 'h':
				hold = ps
			case 'H':
				hold += "\n" + ps
			case 'x':
				ps, hold = hold, ps
			case '=':
				fmt.Fprintf(w, "%d\n", in.lineNo)
			case 'l':
			case 'q':
				quit = true
				break cycle
			case 'a':
				appendQ = append(appendQ, c.text+"\n")
			case 'i':
				out(c.text, true)
			case 'c':
				if c.a2.kind == 0 || !c.inRange {
					out(c.text, true)
				}
				deleted = true
				break cycle
			case 'r':
				if data, err := p.FS.ReadFile(p.abs(c.text)); err == nil {
					appendQ = append(appendQ, string(data))
				}
			case 'w':
				writeFile(c.text, ps)
			case 's':
				r, done := c.subst(ps)
				if done {
					ps, substituted = r, true
					if c.print {
						out(ps, true)
					}
					if c.wfile != "" {
						writeFile(c.wfile, ps)
					}
				}
			case 'y':
				b := []byte(ps)
				for k, ch := range b {
					if j := bytes.IndexByte(c.from, ch); j >= 0 {
						b[k] = c.to[j]
					}
				}
				ps = string(b)
			case 'b':
				pc = c.jump - 1
			case 't', 'T':
				if substituted == (c.name == 't') {
					pc = c.jump - 1
				}
				if c.name == 't' {
					substituted = false
				}
			}
		}
		if !deleted && !restart && !quiet {
			out(ps, nl || len(appendQ) > 0 || !in.last())
		}
		for _, a := range appendQ {
			w.WriteString(a)
		}
		if quit {
			return 0, nil
		}
		if restart {
			continue
		}
		ps, nl, ok = in.read()
	}
	return 0, nil
}

func apSed(ctx context.Context, p *Proc) int {
	pr := &sedProg{}
	var scripts []string
	quiet, inPlace, separate := false, false, false
	suffix := ""
	args := p.Args[1:]
	var files []string
	for len(args) > 0 {
		a := args[0]
		args = args[1:]
		if a == "--" {
			files = append(files, args...)
			break
		}
		if a == "--version" {
			fmt.Fprintln(p.Stdout, "This is not GNU sed version 4.0")
			return 0
		}
		if len(a) < 2 || a[0] != '-' {
			files = append(files, a)
			continue
		}
	letters:
		for i := 1; i < len(a); i++ {
			switch c := a[i]; c {
			case 'n':
				quiet = true
			case 'r', 'E':
				pr.ere = true
			case 's':
				separate = true
			case 'i':
				inPlace, suffix = true, a[i+1:]
				break letters
			case 'e', 'f':
				v := a[i+1:]
				if v == "" {
					if len(args) == 0 {
						p.errf("option requires an argument -- '%c'", c)
						return p.showUsage()
					}
					v, args = args[0], args[1:]
				}
				if c == 'f' {
					data, err := p.FS.ReadFile(p.abs(v))
					if err != nil {
						p.errf("can't open '%s': %s", v, errText(err))
						return 1
					}
					v = strings.TrimSuffix(string(data), "\n")
				}
				scripts = append(scripts, v)
				break letters
			default:
				p.errf("invalid option -- '%c'", c)
				return p.showUsage()
			}
		}
	}
	if len(scripts) == 0 {
		if len(files) == 0 {
			return p.showUsage()
		}
		scripts, files = files[:1], files[1:]
	}
	if err := pr.parse(strings.Join(scripts, "\n")); err != nil {
		p.errf("%s", err)
		return 1
	}
	if inPlace {
		if len(files) == 0 {
			p.errf("no files for -i")
			return 1
		}
		st := 0
		for _, f := range files {
			abs := p.abs(f)
			data, err := p.FS.ReadFile(abs)
			if err != nil {
				p.errf("can't open '%s': %s", f, errText(err))
				st = 4
				continue
			}
			var buf bytes.Buffer
			w := bufio.NewWriter(&buf)
			in := &sedInput{p: p, cur: bufio.NewReader(bytes.NewReader(data)), close: func() {}}
			if _, err := pr.run(ctx, p, in, w, quiet); err != nil {
				return 1
			}
			w.Flush()
			if suffix != "" {
				if err := p.FS.WriteFile(abs+suffix, data, 0o644); err != nil {
					p.errf("%s: %s", f+suffix, errText(err))
					return 4
				}
			}
			mode := os.FileMode(0o644)
			if fi, err := p.FS.Stat(abs); err == nil {
				mode = fi.Mode().Perm()
			}
			if err := p.FS.WriteFile(abs, buf.Bytes(), mode); err != nil {
				p.errf("%s: %s", f, errText(err))
				return 4
			}
		}
		return st
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	w := bufio.NewWriter(p.Stdout)
	defer w.Flush()
	inputs := [][]string{files}
	if separate {
		inputs = nil
		for _, f := range files {
			inputs = append(inputs, []string{f})
		}
	}
	st := 0
	for _, fs := range inputs {
		in := &sedInput{p: p, files: fs}
		if _, err := pr.run(ctx, p, in, w, quiet); err != nil {
			return 1
		}
		st = max(st, in.st)
	}
	return st
}
