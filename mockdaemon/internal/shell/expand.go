package shell

import (
	"context"
	"errors"
	"io"
	"path"
	"strconv"
	"strings"
)

// maxWord bounds the size of one expansion, so `x=$x$x` loops fail
// instead of exhausting memory.
const maxWord = 16 << 20

// expandError is an expansion failure that ends a non-interactive shell
// (status 2), as ${x?} and set -u do.
type expandError struct{ msg string }

func (e *expandError) Error() string { return e.msg }

// expandFailed reports an expansion error and returns the error that
// unwinds the shell.
func (sh *shell) expandFailed(err error) error {
	if errors.Is(err, errKilled) {
		return err
	}
	sh.errorf("%s", err.Error())
	return exitErr{2}
}

type xfield struct {
	text, pat strings.Builder
	glob      bool
}

// expander turns raw words into fields.
type expander struct {
	sh     *shell
	ctx    context.Context
	split  bool // field splitting and globbing apply
	fields []*xfield
	cur    *xfield
	size   int
	err    error
}

func (e *expander) field() *xfield {
	if e.cur == nil {
		e.cur = &xfield{}
	}
	return e.cur
}

func (e *expander) lit(s string, quoted bool) {
	e.size += len(s)
	if e.size > maxWord {
		e.fail(&expandError{"out of memory"})
		return
	}
	f := e.field()
	f.text.WriteString(s)
	if quoted {
		for i := 0; i < len(s); i++ {
			if strings.IndexByte(`*?[\`, s[i]) >= 0 {
				f.pat.WriteByte('\\')
			}
			f.pat.WriteByte(s[i])
		}
		return
	}
	f.pat.WriteString(s)
	if strings.ContainsAny(s, "*?[") {
		f.glob = true
	}
}

// brk ends the current field, if one was started.
func (e *expander) brk() {
	if e.cur != nil {
		e.fields = append(e.fields, e.cur)
		e.cur = nil
	}
}

func (e *expander) ifs() string {
	if v, ok := e.sh.get("IFS"); ok {
		return v
	}
	return " \t\n"
}

// splitText adds the result of an unquoted expansion, split on IFS.
func (e *expander) splitText(s string) {
	ifs := e.ifs()
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if strings.IndexByte(ifs, c) < 0 {
			continue
		}
		if start < i {
			e.lit(s[start:i], false)
		}
		start = i + 1
		if c == ' ' || c == '\t' || c == '\n' {
			e.brk()
		} else {
			e.field()
			e.brk()
		}
	}
	if start < len(s) {
		e.lit(s[start:], false)
	}
}

func (e *expander) emit(v string, quoted bool) {
	if quoted || !e.split {
		e.lit(v, true)
		e.field()
		return
	}
	e.splitText(v)
}

func (e *expander) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

// word expands the raw text s; dq says it sits inside double quotes.
func (e *expander) word(s string, dq bool) {
	for i := 0; i < len(s) && e.err == nil; {
		c := s[i]
		switch {
		case c == '\'' && !dq:
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				j = len(s) - i - 1
			}
			e.lit(s[i+1:i+1+j], true)
			e.field()
			i += j + 2
		case c == '"' && !dq:
			end, _ := scanDouble(s, i+1)
			inner := s[i+1 : max(i+1, end-1)]
			if inner != "$@" && inner != "${@}" || len(e.sh.params) > 0 {
				e.field()
			}
			e.word(inner, true)
			i = end
		case c == '\\':
			if i+1 >= len(s) {
				e.lit("\\", true)
				i++
				continue
			}
			n := s[i+1]
			switch {
			case n == '\n':
			case !dq || strings.IndexByte("$`\"\\", n) >= 0:
				e.lit(s[i+1:i+2], true)
			default:
				e.lit(s[i:i+2], true)
			}
			i += 2
		case c == '`':
			end, _ := scanBackquote(s, i+1)
			inner := s[i+1 : max(i+1, end-1)]
			inner = strings.NewReplacer("\\$", "$", "\\`", "`", "\\\\", "\\").Replace(inner)
			e.emit(e.cmdSubst(inner), dq)
			i = end
		case c == '$':
			i = e.dollar(s, i, dq)
		case c == '~' && i == 0 && !dq:
			j := strings.IndexByte(s, '/')
			if j < 0 {
				j = len(s)
			}
			if j == 1 {
				home, _ := e.sh.get("HOME")
				e.lit(home, true)
				i = 1
				continue
			}
			e.lit("~", false)
			i++
		default:
			// s[i:i+1], not string(c): a byte of a multi-byte UTF-8
			// character must stay that byte, not become the rune U+00XX
			e.lit(s[i:i+1], dq)
			i++
		}
	}
}

func (e *expander) cmdSubst(src string) string {
	sub := e.sh.sub()
	var buf capBuffer
	sub.stdout = &buf
	sub.depth++
	st, err := sub.eval(e.ctx, src)
	st = sub.finish(e.ctx, st, err)
	if errors.Is(err, errKilled) || e.ctx.Err() != nil {
		e.fail(errKilled)
	}
	if buf.over {
		e.fail(&expandError{"out of memory"})
	}
	e.sh.lastSubst = st
	return strings.TrimRight(buf.b.String(), "\n")
}

// capBuffer is a bounded output buffer for command substitution.
type capBuffer struct {
	b    strings.Builder
	over bool
}

func (c *capBuffer) Write(p []byte) (int, error) {
	if c.b.Len()+len(p) > maxWord {
		c.over = true
		return 0, io.ErrShortWrite
	}
	return c.b.Write(p)
}

func isSpecialParam(c byte) bool { return strings.IndexByte("@*#?$!-0123456789", c) >= 0 }

func (e *expander) dollar(s string, i int, dq bool) int {
	if i+1 >= len(s) {
		e.lit("$", true)
		return i + 1
	}
	switch n := s[i+1]; {
	case n == '(' && i+2 < len(s) && s[i+2] == '(':
		end, _ := scanParens(s, i+1)
		inner := s[i+3 : max(i+3, end-2)]
		if !strings.HasSuffix(s[:end], "))") {
			// $( (...) ) is a command substitution of a subshell
			return e.cmdSubstAt(s, i, dq)
		}
		v, err := e.sh.arithString(e.ctx, inner)
		if err != nil {
			e.fail(err)
			return end
		}
		e.emit(strconv.FormatInt(v, 10), dq)
		return end
	case n == '(':
		return e.cmdSubstAt(s, i, dq)
	case n == '{':
		end, _ := scanBraces(s, i+2)
		e.braced(s[i+2:max(i+2, end-1)], dq)
		return end
	case isSpecialParam(n):
		e.param(s[i+1:i+2], dq)
		return i + 2
	case n == '_' || n >= 'a' && n <= 'z' || n >= 'A' && n <= 'Z':
		j := i + 1
		for j < len(s) && (s[j] == '_' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
			j++
		}
		e.param(s[i+1:j], dq)
		return j
	}
	e.lit("$", true)
	return i + 1
}

func (e *expander) cmdSubstAt(s string, i int, dq bool) int {
	end, _ := scanParens(s, i+1)
	e.emit(e.cmdSubst(s[i+2:max(i+2, end-1)]), dq)
	return end
}

// lookup returns a parameter's value and whether it is set.
func (e *expander) lookup(name string) (string, bool) {
	sh := e.sh
	switch name {
	case "?":
		return strconv.Itoa(sh.status), true
	case "$":
		return strconv.Itoa(sh.pid), true
	case "#":
		return strconv.Itoa(len(sh.params)), true
	case "!":
		if sh.lastBg == 0 {
			return "", false
		}
		return strconv.Itoa(sh.lastBg), true
	case "-":
		f := ""
		if sh.opts.errexit {
			f += "e"
		}
		if sh.opts.nounset {
			f += "u"
		}
		if sh.opts.xtrace {
			f += "x"
		}
		return f, true
	case "0":
		return sh.arg0, true
	case "@", "*":
		return strings.Join(sh.params, " "), len(sh.params) > 0
	}
	if n, err := strconv.Atoi(name); err == nil {
		if n >= 1 && n <= len(sh.params) {
			return sh.params[n-1], true
		}
		return "", false
	}
	return sh.get(name)
}

func (e *expander) param(name string, dq bool) {
	if name == "@" || name == "*" {
		e.params(name, dq)
		return
	}
	v, ok := e.lookup(name)
	if !ok && e.sh.opts.nounset {
		e.fail(&expandError{name + ": parameter not set"})
		return
	}
	e.emit(v, dq)
}

func (e *expander) params(name string, dq bool) {
	ps := e.sh.params
	switch {
	case dq && name == "@":
		for k, p := range ps {
			if k > 0 {
				e.field()
				e.brk()
			}
			e.lit(p, true)
			e.field()
		}
	case dq || !e.split:
		sep := " "
		if ifs := e.ifs(); name == "*" && dq {
			sep = ifs[:min(1, len(ifs))]
		}
		e.lit(strings.Join(ps, sep), true)
	default:
		for k, p := range ps {
			if k > 0 {
				e.brk()
			}
			e.splitText(p)
		}
	}
}

// braced expands the body of ${...}.
func (e *expander) braced(body string, dq bool) {
	if body == "" {
		e.fail(&expandError{"${}: bad substitution"})
		return
	}
	if body[0] == '#' && len(body) > 1 {
		v, ok := e.lookup(body[1:])
		if body[1:] == "@" || body[1:] == "*" {
			v = strconv.Itoa(len(e.sh.params))
		} else if !ok && e.sh.opts.nounset {
			e.fail(&expandError{body[1:] + ": parameter not set"})
			return
		}
		e.emit(strconv.Itoa(len([]rune(v))), dq)
		return
	}
	j := 0
	switch {
	case isSpecialParam(body[0]):
		j = 1
		for j < len(body) && body[0] >= '0' && body[0] <= '9' && body[j] >= '0' && body[j] <= '9' {
			j++
		}
	default:
		for j < len(body) && (body[j] == '_' || body[j] >= 'a' && body[j] <= 'z' || body[j] >= 'A' && body[j] <= 'Z' || j > 0 && body[j] >= '0' && body[j] <= '9') {
			j++
		}
	}
	name, rest := body[:j], body[j:]
	if name == "" {
		e.fail(&expandError{"${" + body + "}: bad substitution"})
		return
	}
	if rest == "" {
		e.param(name, dq)
		return
	}
	v, set := e.lookup(name)
	colon := strings.HasPrefix(rest, ":")
	op := strings.TrimPrefix(rest, ":")
	if op == "" {
		e.fail(&expandError{"${" + body + "}: bad substitution"})
		return
	}
	word := op[1:]
	null := !set || (colon && v == "")
	switch op[0] {
	case '-':
		if null {
			e.word(word, dq)
			return
		}
	case '=':
		if null {
			if !isName(name) {
				e.fail(&expandError{name + ": bad variable name"})
				return
			}
			v = e.sub(word)
			e.sh.set(name, v)
		}
	case '+':
		if !null {
			e.word(word, dq)
		}
		return
	case '?':
		if null {
			msg := e.sub(word)
			if msg == "" {
				msg = "parameter not set"
			}
			e.fail(&expandError{name + ": " + msg})
			return
		}
	case '#', '%':
		if colon {
			e.fail(&expandError{"${" + body + "}: bad substitution"})
			return
		}
		longest := len(op) > 1 && op[1] == op[0]
		if longest {
			word = op[2:]
		}
		pat := e.subPattern(word)
		e.emit(trimPattern(v, pat, op[0] == '#', longest), dq)
		return
	default:
		e.fail(&expandError{"${" + body + "}: bad substitution"})
		return
	}
	if !set && e.sh.opts.nounset && op[0] != '-' && op[0] != '=' {
		e.fail(&expandError{name + ": parameter not set"})
		return
	}
	e.emit(v, dq)
}

// sub expands s to one string, without splitting or globbing.
func (e *expander) sub(s string) string {
	x := &expander{sh: e.sh, ctx: e.ctx}
	x.word(s, false)
	if x.err != nil {
		e.fail(x.err)
	}
	return x.joined()
}

func (e *expander) subPattern(s string) string {
	x := &expander{sh: e.sh, ctx: e.ctx}
	x.word(s, false)
	if x.err != nil {
		e.fail(x.err)
	}
	x.brk()
	var b strings.Builder
	for _, f := range x.fields {
		b.WriteString(f.pat.String())
	}
	return b.String()
}

func (e *expander) joined() string {
	e.brk()
	parts := make([]string, len(e.fields))
	for i, f := range e.fields {
		parts[i] = f.text.String()
	}
	return strings.Join(parts, " ")
}

func trimPattern(v, pat string, prefix, longest bool) string {
	n := len(v)
	if prefix {
		if longest {
			for i := n; i >= 0; i-- {
				if matchPattern(pat, v[:i]) {
					return v[i:]
				}
			}
		} else {
			for i := 0; i <= n; i++ {
				if matchPattern(pat, v[:i]) {
					return v[i:]
				}
			}
		}
		return v
	}
	if longest {
		for i := 0; i <= n; i++ {
			if matchPattern(pat, v[i:]) {
				return v[:i]
			}
		}
	} else {
		for i := n; i >= 0; i-- {
			if matchPattern(pat, v[i:]) {
				return v[:i]
			}
		}
	}
	return v
}

// expandWords expands command words: substitutions, field splitting and
// globbing.
func (sh *shell) expandWords(ctx context.Context, ws []Word) ([]string, error) {
	var out []string
	for _, w := range ws {
		e := &expander{sh: sh, ctx: ctx, split: true}
		e.word(string(w), false)
		e.brk()
		if e.err != nil {
			return nil, e.err
		}
		for _, f := range e.fields {
			if f.glob {
				if m := sh.glob(f.pat.String()); len(m) > 0 {
					out = append(out, m...)
					continue
				}
			}
			out = append(out, f.text.String())
		}
	}
	return out, nil
}

// expandString expands a word to one string (assignments, redirection
// targets, case words).
func (sh *shell) expandString(ctx context.Context, w Word) (string, error) {
	e := &expander{sh: sh, ctx: ctx}
	e.word(string(w), false)
	if e.err != nil {
		return "", e.err
	}
	return e.joined(), nil
}

// expandPattern expands a case pattern, keeping quoted characters literal.
func (sh *shell) expandPattern(ctx context.Context, w Word) (string, error) {
	e := &expander{sh: sh, ctx: ctx}
	p := e.subPattern(string(w))
	return p, e.err
}

// glob matches pattern against the filesystem; nil when nothing matches.
func (sh *shell) glob(pattern string) []string {
	abs := strings.HasPrefix(pattern, "/")
	comps := strings.Split(strings.Trim(pattern, "/"), "/")
	cands := []string{""}
	for ci, comp := range comps {
		var next []string
		last := ci == len(comps)-1
		if !hasMeta(comp) {
			lit := unescape(comp)
			for _, c := range cands {
				next = append(next, joinRel(c, lit))
			}
		} else {
			for _, c := range cands {
				dir := sh.dir
				if abs {
					dir = "/"
				}
				if c != "" {
					dir = path.Join(dir, c)
					if abs {
						dir = "/" + c
					}
				}
				ents, err := sh.p.cfg.FS.ReadDir(dir)
				if err != nil {
					continue
				}
				for _, en := range ents {
					name := en.Name()
					if strings.HasPrefix(name, ".") && !strings.HasPrefix(comp, ".") {
						continue
					}
					if !last && !sh.isDirPath(abs, joinRel(c, name)) {
						continue
					}
					if matchPattern(comp, name) {
						next = append(next, joinRel(c, name))
					}
				}
			}
		}
		cands = next
		if len(cands) == 0 {
			return nil
		}
	}
	var out []string
	for _, c := range cands {
		p := c
		if abs {
			p = "/" + c
		}
		if _, err := sh.p.cfg.FS.Lstat(sh.abs(p)); err == nil {
			out = append(out, p)
		}
	}
	return out
}

func (sh *shell) isDirPath(abs bool, rel string) bool {
	p := rel
	if abs {
		p = "/" + rel
	}
	fi, err := sh.p.cfg.FS.Stat(sh.abs(p))
	return err == nil && fi.IsDir()
}

func joinRel(a, b string) string {
	if a == "" {
		return b
	}
	return a + "/" + b
}

func hasMeta(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '*', '?', '[':
			return true
		}
	}
	return false
}

func unescape(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// matchPattern reports whether s matches the shell pattern pat (* ? [...]
// with ! or ^ negation and ranges; backslash quotes the next character).
func matchPattern(pat, s string) bool {
	px, sx := 0, 0
	starPx, starSx := -1, -1
	for sx < len(s) || px < len(pat) {
		if px < len(pat) {
			switch c := pat[px]; c {
			case '*':
				starPx, starSx = px, sx
				px++
				continue
			case '?':
				if sx < len(s) {
					px++
					sx++
					continue
				}
			case '[':
				if sx < len(s) {
					if ok, n, valid := matchClass(pat[px:], s[sx]); valid {
						if ok {
							px += n
							sx++
							continue
						}
					} else if s[sx] == '[' {
						px++
						sx++
						continue
					}
				}
			case '\\':
				if px+1 < len(pat) && sx < len(s) && s[sx] == pat[px+1] {
					px += 2
					sx++
					continue
				}
				if px+1 == len(pat) && sx < len(s) && s[sx] == '\\' {
					px++
					sx++
					continue
				}
			default:
				if sx < len(s) && s[sx] == c {
					px++
					sx++
					continue
				}
			}
		}
		if starPx >= 0 && starSx < len(s) {
			starSx++
			px, sx = starPx+1, starSx
			continue
		}
		return false
	}
	return true
}

// matchClass matches c against the bracket expression at the start of p;
// n is the expression's length, valid false when it is not closed.
func matchClass(p string, c byte) (ok bool, n int, valid bool) {
	i := 1
	neg := false
	if i < len(p) && (p[i] == '!' || p[i] == '^') {
		neg = true
		i++
	}
	first := true
	for i < len(p) {
		if p[i] == ']' && !first {
			return ok != neg, i + 1, true
		}
		first = false
		lo := p[i]
		if lo == '\\' && i+1 < len(p) {
			i++
			lo = p[i]
		}
		i++
		hi := lo
		if i+1 < len(p) && p[i] == '-' && p[i+1] != ']' {
			hi = p[i+1]
			i += 2
		}
		if lo <= c && c <= hi {
			ok = true
		}
	}
	return false, 0, false
}
