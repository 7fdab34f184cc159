package shell

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// awk: the POSIX language as busybox's awk has it (patterns and ranges,
// BEGIN and END, user functions, arrays, getline, printf, redirected print,
// the string and math functions), with busybox's ways: byte strings,
// substr from 0, uninitialised values both "" and 0, "%.6g" numbers.

// ---------------------------------------------------------------- values

type awkKind uint8

const (
	awkNum    awkKind = iota
	awkStr            // a string constant or the result of a string operation
	awkStrNum         // input that looks like a number: compared as one
)

type awkVal struct {
	kind awkKind
	n    float64
	s    string
}

func awkNumber(n float64) awkVal { return awkVal{kind: awkNum, n: n} }
func awkString(s string) awkVal  { return awkVal{kind: awkStr, s: s} }

// awkInput is a value read from input: a strnum when it looks numeric.
func awkInput(s string) awkVal {
	if n, ok := looksNumeric(s); ok {
		return awkVal{kind: awkStrNum, n: n, s: s}
	}
	return awkString(s)
}

func looksNumeric(s string) (float64, bool) {
	t := strings.Trim(s, " \t\n")
	if t == "" {
		return 0, false
	}
	n, m := strtod(t)
	return n, m == len(t)
}

// strtod reads the longest decimal number at the start of s, like C's
// strtod without hex: the value and how many bytes it took.
func strtod(s string) (float64, int) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i, digits = i+1, digits+1
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, digits = i+1, digits+1
		}
	}
	if digits == 0 {
		return 0, 0
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && s[j] >= '0' && s[j] <= '9' {
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			i = j
		}
	}
	n, _ := strconv.ParseFloat(s[:i], 64)
	return n, i
}

func (v awkVal) num() float64 {
	if v.kind == awkStr {
		n, _ := strtod(strings.TrimLeft(v.s, " \t\n"))
		return n
	}
	return v.n
}

// str renders v as a string, numbers with format (CONVFMT or OFMT) unless
// they are integers.
func (v awkVal) str(format string) string {
	if v.kind != awkNum {
		return v.s
	}
	return awkNumString(v.n, format)
}

func awkNumString(n float64, format string) string {
	switch {
	case math.IsNaN(n):
		if math.Signbit(n) {
			return "-nan"
		}
		return "nan"
	case math.IsInf(n, 1):
		return "inf"
	case math.IsInf(n, -1):
		return "-inf"
	case n == math.Trunc(n) && math.Abs(n) < 1e18:
		return strconv.FormatInt(int64(n), 10)
	}
	return awkSprintf(format, []awkVal{awkNumber(n)})
}

func (v awkVal) bool() bool {
	switch v.kind {
	case awkNum:
		return v.n != 0
	case awkStrNum:
		return v.n != 0
	}
	return v.s != ""
}

// ---------------------------------------------------------------- lexer

type awkTok int

const (
	aEOF awkTok = iota
	aNewline
	aNumber
	aString
	aRegex
	aName
	aFuncName // a name followed at once by '('
	aBuiltin
	aKeyword
	aOp
)

type awkToken struct {
	kind awkTok
	s    string
	n    float64
	line int
}

var awkKeywords = map[string]bool{"BEGIN": true, "END": true, "function": true, "func": true, "if": true, "else": true,
	"while": true, "for": true, "do": true, "break": true, "continue": true, "next": true, "nextfile": true, "exit": true,
	"return": true, "delete": true, "in": true, "getline": true, "print": true, "printf": true}

var awkBuiltins = map[string]bool{"length": true, "substr": true, "index": true, "split": true, "sub": true, "gsub": true,
	"match": true, "sprintf": true, "tolower": true, "toupper": true, "int": true, "sqrt": true, "exp": true, "log": true,
	"sin": true, "cos": true, "atan2": true, "rand": true, "srand": true, "system": true, "close": true, "fflush": true}

var awkOps = []string{"+=", "-=", "*=", "/=", "%=", "^=", "**=", "==", "<=", ">=", "!=", "++", "--", "&&", "||", ">>", "!~", "**",
	"+", "-", "*", "/", "%", "^", "!", ">", "<", "|", "?", ":", "~", "$", "=", "(", ")", "[", "]", "{", "}", ",", ";"}

type awkSyntaxError struct{ msg string }

func (e *awkSyntaxError) Error() string { return e.msg }

func awkLex(src string) ([]awkToken, error) {
	var toks []awkToken
	line := 1
	regexOK := func() bool {
		if len(toks) == 0 {
			return true
		}
		t := toks[len(toks)-1]
		switch t.kind {
		case aNumber, aString, aRegex, aName, aBuiltin:
			return false
		case aKeyword:
			return t.s != "getline"
		case aOp:
			return t.s != ")" && t.s != "]" && t.s != "$" && t.s != "++" && t.s != "--"
		}
		return true
	}
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '\\' && i+1 < len(src) && src[i+1] == '\n':
			i += 2
			line++
		case c == '\\' && i+2 < len(src) && src[i+1] == '\r' && src[i+2] == '\n':
			i += 3
			line++
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '\n':
			toks = append(toks, awkToken{kind: aNewline, line: line})
			line++
			i++
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			if c == '0' && i+1 < len(src) && (src[i+1] == 'x' || src[i+1] == 'X') {
				j := i + 2
				for j < len(src) && isHex(src[j]) {
					j++
				}
				n, _ := strconv.ParseUint(src[i+2:j], 16, 64)
				toks = append(toks, awkToken{kind: aNumber, n: float64(n), line: line})
				i = j
				continue
			}
			n, m := strtod(src[i:])
			toks = append(toks, awkToken{kind: aNumber, n: n, line: line})
			i += m
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(src) && (src[j] == '_' || src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z' || src[j] >= '0' && src[j] <= '9') {
				j++
			}
			w := src[i:j]
			switch {
			case awkKeywords[w]:
				if w == "func" {
					w = "function"
				}
				toks = append(toks, awkToken{kind: aKeyword, s: w, line: line})
			case awkBuiltins[w]:
				toks = append(toks, awkToken{kind: aBuiltin, s: w, line: line})
			case j < len(src) && src[j] == '(':
				toks = append(toks, awkToken{kind: aFuncName, s: w, line: line})
			default:
				toks = append(toks, awkToken{kind: aName, s: w, line: line})
			}
			i = j
		case c == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(src) && src[j] != '"'; j++ {
				if src[j] == '\n' {
					return nil, &awkSyntaxError{"Unexpected end of string"}
				}
				if src[j] == '\\' && j+1 < len(src) {
					if src[j+1] == '"' || src[j+1] == '/' {
						b.WriteByte(src[j+1])
						j++
						continue
					}
					if src[j+1] == '\n' {
						j++
						continue
					}
					s, k, _ := escape(src, j, false)
					b.WriteString(s)
					j = k - 1
					continue
				}
				b.WriteByte(src[j])
			}
			if j >= len(src) {
				return nil, &awkSyntaxError{"Unexpected end of string"}
			}
			toks = append(toks, awkToken{kind: aString, s: b.String(), line: line})
			i = j + 1
		case c == '/' && regexOK():
			var b strings.Builder
			j := i + 1
			for ; j < len(src) && src[j] != '/'; j++ {
				if src[j] == '\n' {
					return nil, &awkSyntaxError{"Unexpected end of string"}
				}
				if src[j] == '\\' && j+1 < len(src) {
					if src[j+1] == '/' {
						b.WriteByte('/')
					} else {
						b.WriteString(src[j : j+2])
					}
					j++
					continue
				}
				b.WriteByte(src[j])
			}
			if j >= len(src) {
				return nil, &awkSyntaxError{"Unexpected end of string"}
			}
			toks = append(toks, awkToken{kind: aRegex, s: b.String(), line: line})
			i = j + 1
		default:
			found := false
			for _, op := range awkOps {
				if strings.HasPrefix(src[i:], op) {
					toks = append(toks, awkToken{kind: aOp, s: op, line: line})
					i += len(op)
					found = true
					break
				}
			}
			if !found {
				return nil, &awkSyntaxError{"Unexpected token"}
			}
		}
	}
	return append(toks, awkToken{kind: aEOF, line: line}), nil
}

// ---------------------------------------------------------------- syntax tree

type awkExpr interface{}

type (
	awkLit    struct{ v awkVal }
	awkRegexE struct{ re *regexp.Regexp } // /re/ alone: $0 ~ /re/
	awkVarRef struct {
		name  string
		local int // index into the frame, or -1
	}
	awkField struct{ index awkExpr }
	awkIndex struct {
		arr  *awkVarRef
		keys []awkExpr
	}
	awkAssign struct {
		op     string // "=", "+="...
		lv, rv awkExpr
	}
	awkCond   struct{ c, a, b awkExpr }
	awkBinary struct {
		op   string
		l, r awkExpr
	}
	awkUnary struct {
		op string
		e  awkExpr
	}
	awkIncDec struct {
		op   string
		pre  bool
		lval awkExpr
	}
	awkMatch struct {
		neg bool
		l   awkExpr
		re  awkExpr
	}
	awkIn struct {
		keys []awkExpr
		arr  *awkVarRef
	}
	awkCall struct {
		name string
		args []awkExpr
	}
	awkBuiltinCall struct {
		name string
		args []awkExpr
	}
	awkGetline struct {
		kind string // "" plain, "<" file, "|" command
		src  awkExpr
		lval awkExpr // nil: $0
	}
	awkGroup struct{ e awkExpr } // (expr), for print's > and the list
)

type awkStmt interface{}

type (
	awkExprStmt  struct{ e awkExpr }
	awkPrintStmt struct {
		printf bool
		args   []awkExpr
		redir  string // "", ">", ">>", "|"
		dest   awkExpr
	}
	awkIf struct {
		c    awkExpr
		then awkStmt
		els  awkStmt
	}
	awkWhile struct {
		c    awkExpr
		body awkStmt
		do   bool
	}
	awkFor struct {
		init, post awkStmt
		c          awkExpr
		body       awkStmt
	}
	awkForIn struct {
		v    *awkVarRef
		arr  *awkVarRef
		body awkStmt
	}
	awkBlock  struct{ stmts []awkStmt }
	awkSimple struct{ kind string } // next, nextfile, break, continue
	awkExit   struct{ e awkExpr }
	awkReturn struct{ e awkExpr }
	awkDelete struct {
		arr  *awkVarRef
		keys []awkExpr // nil: the whole array
	}
)

type awkRule struct {
	begin, end bool
	pattern    awkExpr
	pattern2   awkExpr // a range's end
	body       *awkBlock
	inRange    bool
}

type awkFunc struct {
	name   string
	params []string
	body   *awkBlock
}

type awkProgram struct {
	rules []*awkRule
	funcs map[string]*awkFunc
}

// ---------------------------------------------------------------- parser

type awkParser struct {
	toks   []awkToken
	pos    int
	locals map[string]int // the parameters of the function being parsed
	calls  []*awkCall
	prog   *awkProgram
}

func (p *awkParser) tok() awkToken { return p.toks[p.pos] }
func (p *awkParser) adv()          { p.pos++ }

func (p *awkParser) isOp(s string) bool {
	t := p.tok()
	return t.kind == aOp && t.s == s
}

func (p *awkParser) isKw(s string) bool {
	t := p.tok()
	return t.kind == aKeyword && t.s == s
}

func (p *awkParser) fail() error { return &awkSyntaxError{"Unexpected token"} }

func (p *awkParser) expectOp(s string) error {
	if !p.isOp(s) {
		return p.fail()
	}
	p.adv()
	return nil
}

func (p *awkParser) optNewlines() {
	for p.tok().kind == aNewline {
		p.adv()
	}
}

// terminators skips ; and newlines.
func (p *awkParser) terminators() {
	for p.tok().kind == aNewline || p.isOp(";") {
		p.adv()
	}
}

func awkParse(src string) (*awkProgram, error) {
	toks, err := awkLex(src)
	if err != nil {
		return nil, err
	}
	p := &awkParser{toks: toks, prog: &awkProgram{funcs: map[string]*awkFunc{}}}
	for {
		p.terminators()
		if p.tok().kind == aEOF {
			break
		}
		if err := p.item(); err != nil {
			return nil, err
		}
	}
	for _, c := range p.calls {
		if _, ok := p.prog.funcs[c.name]; !ok {
			return nil, &awkSyntaxError{"Call to undefined function"}
		}
	}
	return p.prog, nil
}

func (p *awkParser) item() error {
	switch {
	case p.isKw("function"):
		p.adv()
		t := p.tok()
		if t.kind != aName && t.kind != aFuncName {
			return p.fail()
		}
		p.adv()
		f := &awkFunc{name: t.s}
		if err := p.expectOp("("); err != nil {
			return err
		}
		p.locals = map[string]int{}
		for !p.isOp(")") {
			if p.tok().kind != aName {
				return p.fail()
			}
			p.locals[p.tok().s] = len(f.params)
			f.params = append(f.params, p.tok().s)
			p.adv()
			if p.isOp(",") {
				p.adv()
				p.optNewlines()
			}
		}
		p.adv()
		p.optNewlines()
		body, err := p.block()
		p.locals = nil
		if err != nil {
			return err
		}
		f.body = body
		p.prog.funcs[f.name] = f
		return nil
	case p.isKw("BEGIN"), p.isKw("END"):
		r := &awkRule{begin: p.isKw("BEGIN"), end: p.isKw("END")}
		p.adv()
		p.optNewlines()
		body, err := p.block()
		if err != nil {
			return err
		}
		r.body = body
		p.prog.rules = append(p.prog.rules, r)
		return nil
	}
	r := &awkRule{}
	if !p.isOp("{") {
		var err error
		if r.pattern, err = p.expr(false); err != nil {
			return err
		}
		if p.isOp(",") {
			p.adv()
			p.optNewlines()
			if r.pattern2, err = p.expr(false); err != nil {
				return err
			}
		}
	}
	if p.isOp("{") {
		body, err := p.block()
		if err != nil {
			return err
		}
		r.body = body
	}
	p.prog.rules = append(p.prog.rules, r)
	return nil
}

func (p *awkParser) block() (*awkBlock, error) {
	if err := p.expectOp("{"); err != nil {
		return nil, err
	}
	b := &awkBlock{}
	for {
		p.terminators()
		if p.isOp("}") {
			p.adv()
			return b, nil
		}
		if p.tok().kind == aEOF {
			return nil, p.fail()
		}
		s, err := p.stmt()
		if err != nil {
			return nil, err
		}
		b.stmts = append(b.stmts, s)
	}
}

// endStmt accepts what may end a simple statement.
func (p *awkParser) endStmt() error {
	switch {
	case p.isOp(";"), p.tok().kind == aNewline:
		p.adv()
	case p.isOp("}"), p.tok().kind == aEOF:
	default:
		return p.fail()
	}
	return nil
}

// body is the statement of if, while or for: a simple statement, a block
// or an empty one.
func (p *awkParser) body() (awkStmt, error) {
	p.optNewlines()
	if p.isOp(";") {
		p.adv()
		return &awkBlock{}, nil
	}
	return p.stmt()
}

func (p *awkParser) stmt() (awkStmt, error) {
	t := p.tok()
	if p.isOp("{") {
		return p.block()
	}
	if t.kind == aKeyword {
		switch t.s {
		case "if":
			p.adv()
			if err := p.expectOp("("); err != nil {
				return nil, err
			}
			c, err := p.expr(false)
			if err != nil {
				return nil, err
			}
			if err := p.expectOp(")"); err != nil {
				return nil, err
			}
			s := &awkIf{c: c}
			if s.then, err = p.body(); err != nil {
				return nil, err
			}
			save := p.pos
			p.terminators()
			if p.isKw("else") {
				p.adv()
				if s.els, err = p.body(); err != nil {
					return nil, err
				}
			} else {
				p.pos = save
			}
			return s, nil
		case "while":
			p.adv()
			if err := p.expectOp("("); err != nil {
				return nil, err
			}
			c, err := p.expr(false)
			if err != nil {
				return nil, err
			}
			if err := p.expectOp(")"); err != nil {
				return nil, err
			}
			if p.isOp(";") {
				p.adv()
				return &awkWhile{c: c, body: &awkBlock{}}, nil
			}
			b, err := p.body()
			return &awkWhile{c: c, body: b}, err
		case "do":
			p.adv()
			b, err := p.body()
			if err != nil {
				return nil, err
			}
			p.terminators()
			if !p.isKw("while") {
				return nil, p.fail()
			}
			p.adv()
			if err := p.expectOp("("); err != nil {
				return nil, err
			}
			c, err := p.expr(false)
			if err != nil {
				return nil, err
			}
			if err := p.expectOp(")"); err != nil {
				return nil, err
			}
			return &awkWhile{c: c, body: b, do: true}, p.endStmt()
		case "for":
			return p.forStmt()
		case "next", "nextfile", "break", "continue":
			p.adv()
			return &awkSimple{kind: t.s}, p.endStmt()
		case "exit", "return":
			p.adv()
			var e awkExpr
			if !p.isOp(";") && !p.isOp("}") && p.tok().kind != aNewline && p.tok().kind != aEOF {
				var err error
				if e, err = p.expr(false); err != nil {
					return nil, err
				}
			}
			if t.s == "exit" {
				return &awkExit{e: e}, p.endStmt()
			}
			return &awkReturn{e: e}, p.endStmt()
		case "delete":
			p.adv()
			if p.tok().kind != aName {
				return nil, p.fail()
			}
			d := &awkDelete{arr: p.varRef(p.tok().s)}
			p.adv()
			if p.isOp("[") {
				p.adv()
				keys, err := p.exprList("]")
				if err != nil {
					return nil, err
				}
				d.keys = keys
			}
			return d, p.endStmt()
		case "print", "printf":
			s, err := p.printStmt()
			if err != nil {
				return nil, err
			}
			return s, p.endStmt()
		}
	}
	e, err := p.expr(false)
	if err != nil {
		return nil, err
	}
	return &awkExprStmt{e: e}, p.endStmt()
}

func (p *awkParser) simpleStmt() (awkStmt, error) {
	if p.isKw("print") || p.isKw("printf") {
		return p.printStmt()
	}
	e, err := p.expr(false)
	return &awkExprStmt{e: e}, err
}

func (p *awkParser) forStmt() (awkStmt, error) {
	p.adv()
	if err := p.expectOp("("); err != nil {
		return nil, err
	}
	// for (k in arr)
	if p.tok().kind == aName && p.toks[p.pos+1].kind == aKeyword && p.toks[p.pos+1].s == "in" &&
		p.toks[p.pos+2].kind == aName && p.toks[p.pos+3].kind == aOp && p.toks[p.pos+3].s == ")" {
		s := &awkForIn{v: p.varRef(p.tok().s), arr: p.varRef(p.toks[p.pos+2].s)}
		p.pos += 4
		var err error
		s.body, err = p.body()
		return s, err
	}
	s := &awkFor{}
	var err error
	if !p.isOp(";") {
		if s.init, err = p.simpleStmt(); err != nil {
			return nil, err
		}
	}
	if err := p.expectOp(";"); err != nil {
		return nil, err
	}
	p.optNewlines()
	if !p.isOp(";") {
		if s.c, err = p.expr(false); err != nil {
			return nil, err
		}
	}
	if err := p.expectOp(";"); err != nil {
		return nil, err
	}
	p.optNewlines()
	if !p.isOp(")") {
		if s.post, err = p.simpleStmt(); err != nil {
			return nil, err
		}
	}
	if err := p.expectOp(")"); err != nil {
		return nil, err
	}
	if p.isOp(";") {
		p.adv()
		s.body = &awkBlock{}
		return s, nil
	}
	s.body, err = p.body()
	return s, err
}

func (p *awkParser) printStmt() (awkStmt, error) {
	s := &awkPrintStmt{printf: p.tok().s == "printf"}
	p.adv()
	if !p.isOp(";") && !p.isOp("}") && !p.isOp(">") && !p.isOp(">>") && !p.isOp("|") && p.tok().kind != aNewline && p.tok().kind != aEOF {
		args, err := p.printList()
		if err != nil {
			return nil, err
		}
		s.args = args
	}
	if s.printf && len(s.args) == 0 {
		return nil, p.fail()
	}
	if p.isOp(">") || p.isOp(">>") || p.isOp("|") {
		s.redir = p.tok().s
		p.adv()
		dest, err := p.concat(true)
		if err != nil {
			return nil, err
		}
		s.dest = dest
	}
	return s, nil
}

// printList is print's arguments: a list, perhaps in parentheses, where
// a bare > is a redirection.
func (p *awkParser) printList() ([]awkExpr, error) {
	var args []awkExpr
	for {
		e, err := p.expr(true)
		if err != nil {
			return nil, err
		}
		args = append(args, e)
		if !p.isOp(",") {
			break
		}
		p.adv()
		p.optNewlines()
	}
	if len(args) == 1 {
		if g, ok := args[0].(*awkGroup); ok {
			if l, ok := g.e.(awkList); ok {
				return l, nil
			}
		}
	}
	return args, nil
}

// awkList is a parenthesised list: print's (a, b) or (a, b) in arr.
type awkList []awkExpr

func (p *awkParser) exprList(end string) ([]awkExpr, error) {
	var list []awkExpr
	for {
		p.optNewlines()
		e, err := p.expr(false)
		if err != nil {
			return nil, err
		}
		list = append(list, e)
		p.optNewlines()
		if p.isOp(",") {
			p.adv()
			continue
		}
		return list, p.expectOp(end)
	}
}

func (p *awkParser) varRef(name string) *awkVarRef {
	if i, ok := p.locals[name]; ok {
		return &awkVarRef{name: name, local: i}
	}
	return &awkVarRef{name: name, local: -1}
}

// expr parses an expression; noGT makes a bare > end it (print's
// redirection).
func (p *awkParser) expr(noGT bool) (awkExpr, error) {
	return p.ternary(noGT)
}

func isLvalue(e awkExpr) bool {
	switch e.(type) {
	case *awkVarRef, *awkField, *awkIndex:
		return true
	}
	return false
}

func (p *awkParser) ternary(noGT bool) (awkExpr, error) {
	c, err := p.or(noGT)
	if err != nil {
		return nil, err
	}
	if p.isOp("?") {
		p.adv()
		p.optNewlines()
		a, err := p.ternary(noGT)
		if err != nil {
			return nil, err
		}
		p.optNewlines()
		if err := p.expectOp(":"); err != nil {
			return nil, err
		}
		p.optNewlines()
		b, err := p.ternary(noGT)
		if err != nil {
			return nil, err
		}
		return &awkCond{c, a, b}, nil
	}
	if isLvalue(c) && p.tok().kind == aOp {
		switch op := p.tok().s; op {
		case "=", "+=", "-=", "*=", "/=", "%=", "^=", "**=":
			p.adv()
			p.optNewlines()
			rv, err := p.ternary(noGT)
			if err != nil {
				return nil, err
			}
			if op == "**=" {
				op = "^="
			}
			return &awkAssign{op: op, lv: c, rv: rv}, nil
		}
	}
	return c, nil
}

func (p *awkParser) or(noGT bool) (awkExpr, error) {
	l, err := p.and(noGT)
	for err == nil && p.isOp("||") {
		p.adv()
		p.optNewlines()
		var r awkExpr
		if r, err = p.and(noGT); err == nil {
			l = &awkBinary{"||", l, r}
		}
	}
	return l, err
}

func (p *awkParser) and(noGT bool) (awkExpr, error) {
	l, err := p.in(noGT)
	for err == nil && p.isOp("&&") {
		p.adv()
		p.optNewlines()
		var r awkExpr
		if r, err = p.in(noGT); err == nil {
			l = &awkBinary{"&&", l, r}
		}
	}
	return l, err
}

func (p *awkParser) in(noGT bool) (awkExpr, error) {
	l, err := p.match(noGT)
	for err == nil && p.isKw("in") {
		p.adv()
		if p.tok().kind != aName {
			return nil, p.fail()
		}
		keys := []awkExpr{l}
		if g, ok := l.(*awkGroup); ok {
			if list, ok := g.e.(awkList); ok {
				keys = list
			}
		}
		l = &awkIn{keys: keys, arr: p.varRef(p.tok().s)}
		p.adv()
	}
	return l, err
}

func (p *awkParser) match(noGT bool) (awkExpr, error) {
	l, err := p.compare(noGT)
	for err == nil && (p.isOp("~") || p.isOp("!~")) {
		neg := p.isOp("!~")
		p.adv()
		var r awkExpr
		if r, err = p.compare(noGT); err == nil {
			l = &awkMatch{neg: neg, l: l, re: r}
		}
	}
	return l, err
}

func (p *awkParser) compare(noGT bool) (awkExpr, error) {
	l, err := p.concat(noGT)
	if err != nil {
		return nil, err
	}
	for {
		switch {
		case p.isOp("|") && p.toks[p.pos+1].kind == aKeyword && p.toks[p.pos+1].s == "getline":
			p.pos += 2
			g := &awkGetline{kind: "|", src: l}
			if lv, ok, err := p.optLvalue(); err != nil {
				return nil, err
			} else if ok {
				g.lval = lv
			}
			l = g
			continue
		case p.tok().kind == aOp:
			switch op := p.tok().s; op {
			case "<", "<=", "==", "!=", ">=", ">":
				if op == ">" && noGT {
					return l, nil
				}
				p.adv()
				r, err := p.concat(noGT)
				if err != nil {
					return nil, err
				}
				l = &awkBinary{op, l, r}
				continue
			}
		}
		return l, nil
	}
}

// startsOperand reports whether the token can begin an operand of
// concatenation.
func (p *awkParser) startsOperand() bool {
	t := p.tok()
	switch t.kind {
	case aNumber, aString, aRegex, aName, aFuncName, aBuiltin:
		return true
	case aKeyword:
		return t.s == "getline"
	case aOp:
		switch t.s {
		case "$", "!", "(", "-", "+", "++", "--":
			return true
		}
	}
	return false
}

func (p *awkParser) concat(noGT bool) (awkExpr, error) {
	l, err := p.additive()
	if err != nil {
		return nil, err
	}
	for p.startsOperand() && !p.isOp("-") && !p.isOp("+") && !(p.isOp("!") && p.toks[p.pos+1].kind == aOp && p.toks[p.pos+1].s == "~") {
		r, err := p.additive()
		if err != nil {
			return nil, err
		}
		l = &awkBinary{" ", l, r}
	}
	return l, nil
}

func (p *awkParser) additive() (awkExpr, error) {
	l, err := p.multiplicative()
	for err == nil && (p.isOp("+") || p.isOp("-")) {
		op := p.tok().s
		p.adv()
		var r awkExpr
		if r, err = p.multiplicative(); err == nil {
			l = &awkBinary{op, l, r}
		}
	}
	return l, err
}

func (p *awkParser) multiplicative() (awkExpr, error) {
	l, err := p.unary()
	for err == nil && (p.isOp("*") || p.isOp("/") || p.isOp("%")) {
		op := p.tok().s
		p.adv()
		var r awkExpr
		if r, err = p.unary(); err == nil {
			l = &awkBinary{op, l, r}
		}
	}
	return l, err
}

func (p *awkParser) unary() (awkExpr, error) {
	if p.isOp("!") || p.isOp("-") || p.isOp("+") {
		op := p.tok().s
		p.adv()
		e, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &awkUnary{op, e}, nil
	}
	return p.power()
}

func (p *awkParser) power() (awkExpr, error) {
	l, err := p.postfix()
	if err != nil {
		return nil, err
	}
	if p.isOp("^") || p.isOp("**") {
		p.adv()
		r, err := p.unaryPower()
		if err != nil {
			return nil, err
		}
		return &awkBinary{"^", l, r}, nil
	}
	return l, nil
}

// unaryPower is the right side of ^: right-associative, with a sign.
func (p *awkParser) unaryPower() (awkExpr, error) {
	if p.isOp("-") || p.isOp("+") || p.isOp("!") {
		op := p.tok().s
		p.adv()
		e, err := p.unaryPower()
		if err != nil {
			return nil, err
		}
		return &awkUnary{op, e}, nil
	}
	return p.power()
}

func (p *awkParser) postfix() (awkExpr, error) {
	if p.isOp("++") || p.isOp("--") {
		op := p.tok().s
		p.adv()
		e, err := p.postfix()
		if err != nil {
			return nil, err
		}
		if !isLvalue(e) {
			return nil, p.fail()
		}
		return &awkIncDec{op: op, pre: true, lval: e}, nil
	}
	e, err := p.primary()
	if err != nil {
		return nil, err
	}
	if isLvalue(e) && (p.isOp("++") || p.isOp("--")) {
		op := p.tok().s
		p.adv()
		return &awkIncDec{op: op, lval: e}, nil
	}
	return e, nil
}

// optLvalue parses the variable of getline, when one follows.
func (p *awkParser) optLvalue() (awkExpr, bool, error) {
	switch {
	case p.tok().kind == aName, p.isOp("$"):
		e, err := p.postfixNoIncr()
		return e, err == nil, err
	}
	return nil, false, nil
}

func (p *awkParser) postfixNoIncr() (awkExpr, error) {
	if p.isOp("$") {
		p.adv()
		e, err := p.postfixNoIncr()
		if err != nil {
			return nil, err
		}
		return &awkField{e}, nil
	}
	return p.primary()
}

func (p *awkParser) primary() (awkExpr, error) {
	t := p.tok()
	switch t.kind {
	case aNumber:
		p.adv()
		return &awkLit{awkNumber(t.n)}, nil
	case aString:
		p.adv()
		return &awkLit{awkString(t.s)}, nil
	case aRegex:
		p.adv()
		re, err := awkRegexp(t.s)
		if err != nil {
			return nil, err
		}
		return &awkRegexE{re}, nil
	case aName:
		p.adv()
		ref := p.varRef(t.s)
		if p.isOp("[") {
			p.adv()
			keys, err := p.exprList("]")
			if err != nil {
				return nil, err
			}
			return &awkIndex{arr: ref, keys: keys}, nil
		}
		return ref, nil
	case aFuncName:
		p.adv()
		p.adv() // (
		var args []awkExpr
		p.optNewlines()
		if !p.isOp(")") {
			var err error
			if args, err = p.exprList(")"); err != nil {
				return nil, err
			}
		} else {
			p.adv()
		}
		c := &awkCall{name: t.s, args: args}
		p.calls = append(p.calls, c)
		return c, nil
	case aBuiltin:
		p.adv()
		c := &awkBuiltinCall{name: t.s}
		if p.isOp("(") {
			p.adv()
			p.optNewlines()
			if !p.isOp(")") {
				args, err := p.exprList(")")
				if err != nil {
					return nil, err
				}
				c.args = args
			} else {
				p.adv()
			}
		} else if t.s != "length" {
			return nil, p.fail()
		}
		return c, nil
	case aKeyword:
		if t.s == "getline" {
			p.adv()
			g := &awkGetline{}
			if lv, ok, err := p.optLvalue(); err != nil {
				return nil, err
			} else if ok {
				g.lval = lv
			}
			if p.isOp("<") {
				p.adv()
				src, err := p.postfixNoIncr()
				if err != nil {
					return nil, err
				}
				g.kind, g.src = "<", src
			}
			return g, nil
		}
	case aOp:
		switch t.s {
		case "$":
			p.adv()
			var e awkExpr
			var err error
			if p.isOp("-") || p.isOp("+") {
				op := p.tok().s
				p.adv()
				if e, err = p.postfix(); err == nil {
					e = &awkUnary{op, e}
				}
			} else {
				e, err = p.postfix()
			}
			if err != nil {
				return nil, err
			}
			return &awkField{e}, nil
		case "(":
			p.adv()
			p.optNewlines()
			e, err := p.expr(false)
			if err != nil {
				return nil, err
			}
			p.optNewlines()
			if p.isOp(",") {
				list := awkList{e}
				for p.isOp(",") {
					p.adv()
					p.optNewlines()
					e, err := p.expr(false)
					if err != nil {
						return nil, err
					}
					list = append(list, e)
					p.optNewlines()
				}
				if err := p.expectOp(")"); err != nil {
					return nil, err
				}
				return &awkGroup{list}, nil
			}
			if err := p.expectOp(")"); err != nil {
				return nil, err
			}
			return &awkGroup{e}, nil
		}
	}
	return nil, p.fail()
}

// awkRegexp compiles an awk (extended) regular expression.
func awkRegexp(src string) (*regexp.Regexp, error) {
	re, err := regexp.Compile(src)
	if err != nil {
		return nil, &awkSyntaxError{"bad regex '" + src + "'"}
	}
	re.Longest()
	return re, nil
}

// ---------------------------------------------------------------- interpreter

type awkCell struct {
	v   awkVal
	arr map[string]awkVal // non-nil once used as an array
}

type awkFrame struct {
	locals []*awkCell
}

type awkOutput struct {
	w     *bufio.Writer
	close func() error
}

type awkInputFile struct {
	r     *bufio.Reader
	close func()
}

type awk struct {
	ctx     context.Context
	p       *Proc
	prog    *awkProgram
	globals map[string]*awkCell
	frames  []*awkFrame
	out     *bufio.Writer

	fields   []string // $1..$NF
	record   string
	nf       int
	fieldsOK bool // fields split from record

	outputs map[string]*awkOutput
	inputs  map[string]*awkInputFile
	regexps map[string]*regexp.Regexp

	main     *awkMainInput
	exitCode int
	rng      *rand.Rand
	seed     float64
	depth    int
}

// control flow unwinding
type awkNext struct{}
type awkBreak struct{}
type awkContinue struct{}
type awkExitErr struct{}
type awkReturnVal struct{ v awkVal }

func (awkNext) Error() string      { return "next" }
func (awkBreak) Error() string     { return "break" }
func (awkContinue) Error() string  { return "continue" }
func (awkExitErr) Error() string   { return "exit" }
func (awkReturnVal) Error() string { return "return" }

type awkRuntimeError struct{ msg string }

func (e *awkRuntimeError) Error() string { return e.msg }

func (a *awk) cell(name string) *awkCell {
	c, ok := a.globals[name]
	if !ok {
		c = &awkCell{v: awkVal{kind: awkStrNum}}
		a.globals[name] = c
	}
	return c
}

func (a *awk) ref(r *awkVarRef) *awkCell {
	if r.local >= 0 && len(a.frames) > 0 {
		return a.frames[len(a.frames)-1].locals[r.local]
	}
	switch r.name {
	case "NF":
		a.splitFields()
		a.cell("NF").v = awkNumber(float64(a.nf))
	}
	return a.cell(r.name)
}

func (a *awk) getVar(name string) awkVal { return a.cell(name).v }

func (a *awk) getStr(name string) string { return a.getVar(name).str(a.convfmt()) }

func (a *awk) convfmt() string { return a.cell("CONVFMT").v.s }

func (a *awk) ofmt() string { return a.cell("OFMT").v.s }

func (a *awk) setRecord(s string) {
	a.record, a.fieldsOK = s, false
}

// splitFields splits the record with FS.
func (a *awk) splitFields() {
	if a.fieldsOK {
		return
	}
	a.fields = a.split(a.record, a.getStr("FS"))
	a.nf, a.fieldsOK = len(a.fields), true
}

// split splits s as awk's FS or split's separator sep does.
func (a *awk) split(s, sep string) []string {
	if s == "" {
		return nil
	}
	if a.cell("RS").v.kind != awkNum && a.getStr("RS") == "" && sep == " " {
		return strings.Fields(s)
	}
	switch {
	case sep == " ":
		return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' })
	case len(sep) == 1 && sep != "\\":
		parts := strings.Split(s, sep)
		if a.getStr("RS") == "" {
			var out []string
			for _, p := range parts {
				out = append(out, strings.Split(p, "\n")...)
			}
			return out
		}
		return parts
	}
	re, err := a.regex(sep)
	if err != nil {
		return []string{s}
	}
	return re.Split(s, -1)
}

func (a *awk) regex(src string) (*regexp.Regexp, error) {
	if re, ok := a.regexps[src]; ok {
		return re, nil
	}
	re, err := awkRegexp(src)
	if err != nil {
		return nil, &awkRuntimeError{err.Error()}
	}
	if len(a.regexps) < 1000 {
		a.regexps[src] = re
	}
	return re, nil
}

func (a *awk) field(i int) awkVal {
	if i == 0 {
		return awkInput(a.record)
	}
	a.splitFields()
	if i < 0 || i > a.nf {
		return awkVal{kind: awkStrNum}
	}
	return awkInput(a.fields[i-1])
}

func (a *awk) setField(i int, v string) error {
	if i == 0 {
		a.setRecord(v)
		return nil
	}
	if i < 0 {
		return &awkRuntimeError{"Access to negative field"}
	}
	if i > 100000 {
		return &awkRuntimeError{"Field index too large"}
	}
	a.splitFields()
	for len(a.fields) < i {
		a.fields = append(a.fields, "")
	}
	a.fields[i-1] = v
	a.nf = max(a.nf, i)
	a.rebuild()
	return nil
}

// rebuild makes $0 from the fields joined by OFS.
func (a *awk) rebuild() {
	a.record = strings.Join(a.fields[:a.nf], a.getStr("OFS"))
}

func (a *awk) setNF(n int) {
	a.splitFields()
	n = max(0, min(n, 100000))
	for len(a.fields) < n {
		a.fields = append(a.fields, "")
	}
	a.nf = n
	a.fields = a.fields[:n]
	a.rebuild()
}

func (a *awk) assign(lv awkExpr, v awkVal) error {
	switch lv := lv.(type) {
	case *awkVarRef:
		c := a.ref(lv)
		c.v = v
		if lv.local < 0 && lv.name == "NF" {
			a.setNF(int(v.num()))
		}
	case *awkField:
		i, err := a.eval(lv.index)
		if err != nil {
			return err
		}
		return a.setField(int(i.num()), v.str(a.convfmt()))
	case *awkIndex:
		arr, err := a.array(lv.arr)
		if err != nil {
			return err
		}
		k, err := a.key(lv.keys)
		if err != nil {
			return err
		}
		arr[k] = v
	case *awkGroup:
		return a.assign(lv.e, v)
	}
	return nil
}

func (a *awk) array(r *awkVarRef) (map[string]awkVal, error) {
	c := a.ref(r)
	if c.arr == nil {
		c.arr = map[string]awkVal{}
	}
	return c.arr, nil
}

func (a *awk) key(keys []awkExpr) (string, error) {
	parts := make([]string, len(keys))
	for i, k := range keys {
		v, err := a.eval(k)
		if err != nil {
			return "", err
		}
		parts[i] = v.str(a.convfmt())
	}
	return strings.Join(parts, a.getStr("SUBSEP")), nil
}

func awkCompare(l, r awkVal, convfmt string) int {
	if l.kind != awkStr && r.kind != awkStr {
		switch {
		case l.n < r.n:
			return -1
		case l.n > r.n:
			return 1
		}
		return 0
	}
	return strings.Compare(l.str(convfmt), r.str(convfmt))
}

func (a *awk) matchRE(e awkExpr) (*regexp.Regexp, error) {
	if r, ok := e.(*awkRegexE); ok {
		return r.re, nil
	}
	v, err := a.eval(e)
	if err != nil {
		return nil, err
	}
	return a.regex(v.str(a.convfmt()))
}

func (a *awk) eval(e awkExpr) (awkVal, error) {
	switch e := e.(type) {
	case *awkLit:
		return e.v, nil
	case *awkRegexE:
		return awkNumber(float64(b2i(e.re.MatchString(a.record)))), nil
	case *awkGroup:
		if _, ok := e.e.(awkList); ok {
			return awkVal{}, &awkSyntaxError{"Unexpected token"}
		}
		return a.eval(e.e)
	case *awkVarRef:
		c := a.ref(e)
		if c.arr != nil {
			return awkVal{}, &awkRuntimeError{"Can't use array '" + e.name + "' as a scalar"}
		}
		return c.v, nil
	case *awkField:
		i, err := a.eval(e.index)
		if err != nil {
			return awkVal{}, err
		}
		if i.num() < 0 {
			return awkVal{}, &awkRuntimeError{"Access to negative field"}
		}
		return a.field(int(i.num())), nil
	case *awkIndex:
		arr, err := a.array(e.arr)
		if err != nil {
			return awkVal{}, err
		}
		k, err := a.key(e.keys)
		if err != nil {
			return awkVal{}, err
		}
		v, ok := arr[k]
		if !ok {
			v = awkVal{kind: awkStrNum}
			arr[k] = v
		}
		return v, nil
	case *awkAssign:
		rv, err := a.eval(e.rv)
		if err != nil {
			return awkVal{}, err
		}
		if e.op != "=" {
			lv, err := a.eval(e.lv)
			if err != nil {
				return awkVal{}, err
			}
			if rv, err = awkArith(e.op[:len(e.op)-1], lv.num(), rv.num()); err != nil {
				return awkVal{}, err
			}
		}
		return rv, a.assign(e.lv, rv)
	case *awkCond:
		c, err := a.eval(e.c)
		if err != nil {
			return awkVal{}, err
		}
		if c.bool() {
			return a.eval(e.a)
		}
		return a.eval(e.b)
	case *awkUnary:
		v, err := a.eval(e.e)
		if err != nil {
			return awkVal{}, err
		}
		switch e.op {
		case "!":
			return awkNumber(float64(b2i(!v.bool()))), nil
		case "-":
			return awkNumber(-v.num()), nil
		}
		return awkNumber(v.num()), nil
	case *awkIncDec:
		v, err := a.eval(e.lval)
		if err != nil {
			return awkVal{}, err
		}
		n := v.num()
		d := 1.0
		if e.op == "--" {
			d = -1
		}
		if err := a.assign(e.lval, awkNumber(n+d)); err != nil {
			return awkVal{}, err
		}
		if e.pre {
			return awkNumber(n + d), nil
		}
		return awkNumber(n), nil
	case *awkBinary:
		return a.binary(e)
	case *awkMatch:
		l, err := a.eval(e.l)
		if err != nil {
			return awkVal{}, err
		}
		re, err := a.matchRE(e.re)
		if err != nil {
			return awkVal{}, err
		}
		return awkNumber(float64(b2i(re.MatchString(l.str(a.convfmt())) != e.neg))), nil
	case *awkIn:
		arr, err := a.array(e.arr)
		if err != nil {
			return awkVal{}, err
		}
		k, err := a.key(e.keys)
		if err != nil {
			return awkVal{}, err
		}
		_, ok := arr[k]
		return awkNumber(float64(b2i(ok))), nil
	case *awkCall:
		return a.call(e)
	case *awkBuiltinCall:
		return a.builtin(e)
	case *awkGetline:
		return a.getline(e)
	}
	return awkVal{}, &awkSyntaxError{"Unexpected token"}
}

func awkArith(op string, x, y float64) (awkVal, error) {
	switch op {
	case "+":
		return awkNumber(x + y), nil
	case "-":
		return awkNumber(x - y), nil
	case "*":
		return awkNumber(x * y), nil
	case "/":
		if y == 0 {
			return awkVal{}, &awkRuntimeError{"Division by zero"}
		}
		return awkNumber(x / y), nil
	case "%":
		if y == 0 {
			return awkVal{}, &awkRuntimeError{"Division by zero"}
		}
		return awkNumber(math.Mod(x, y)), nil
	case "^", "**":
		return awkNumber(math.Pow(x, y)), nil
	}
	return awkVal{}, &awkSyntaxError{"Unexpected token"}
}

func (a *awk) binary(e *awkBinary) (awkVal, error) {
	l, err := a.eval(e.l)
	if err != nil {
		return awkVal{}, err
	}
	switch e.op {
	case "&&":
		if !l.bool() {
			return awkNumber(0), nil
		}
		r, err := a.eval(e.r)
		return awkNumber(float64(b2i(r.bool()))), err
	case "||":
		if l.bool() {
			return awkNumber(1), nil
		}
		r, err := a.eval(e.r)
		return awkNumber(float64(b2i(r.bool()))), err
	}
	r, err := a.eval(e.r)
	if err != nil {
		return awkVal{}, err
	}
	switch e.op {
	case " ":
		s := l.str(a.convfmt()) + r.str(a.convfmt())
		if len(s) > maxWord {
			return awkVal{}, &awkRuntimeError{"Out of memory"}
		}
		return awkString(s), nil
	case "<", "<=", "==", "!=", ">=", ">":
		c := awkCompare(l, r, a.convfmt())
		var t bool
		switch e.op {
		case "<":
			t = c < 0
		case "<=":
			t = c <= 0
		case "==":
			t = c == 0
		case "!=":
			t = c != 0
		case ">=":
			t = c >= 0
		default:
			t = c > 0
		}
		return awkNumber(float64(b2i(t))), nil
	}
	return awkArith(e.op, l.num(), r.num())
}

func (a *awk) call(c *awkCall) (awkVal, error) {
	f := a.prog.funcs[c.name]
	if len(c.args) > len(f.params) {
		return awkVal{}, &awkRuntimeError{"Too many arguments"}
	}
	if a.depth > 1000 {
		return awkVal{}, &awkRuntimeError{"Recursion too deep"}
	}
	fr := &awkFrame{locals: make([]*awkCell, len(f.params))}
	for i := range f.params {
		if i >= len(c.args) {
			fr.locals[i] = &awkCell{v: awkVal{kind: awkStrNum}}
			continue
		}
		// an array (or a name not yet used) is passed by reference
		if r, ok := c.args[i].(*awkVarRef); ok {
			cell := a.ref(r)
			if cell.arr != nil || cell.v.kind == awkStrNum && cell.v.s == "" && cell.v.n == 0 {
				if cell.arr == nil && !a.usedAsScalar(f, i) {
					cell.arr = map[string]awkVal{}
				}
				if cell.arr != nil {
					fr.locals[i] = cell
					continue
				}
			}
		}
		v, err := a.eval(c.args[i])
		if err != nil {
			return awkVal{}, err
		}
		fr.locals[i] = &awkCell{v: v}
	}
	a.frames = append(a.frames, fr)
	a.depth++
	defer func() {
		a.frames = a.frames[:len(a.frames)-1]
		a.depth--
	}()
	err := a.block(f.body)
	var ret awkReturnVal
	if errors.As(err, &ret) {
		return ret.v, nil
	}
	return awkVal{kind: awkStrNum}, err
}

// usedAsScalar reports whether the function uses its parameter i as a
// scalar; otherwise an unset argument is passed as an array.
func (a *awk) usedAsScalar(f *awkFunc, i int) bool {
	used := false
	var walkE func(e awkExpr)
	var walkS func(s awkStmt)
	isParam := func(r *awkVarRef) bool { return r != nil && r.local == i }
	walkE = func(e awkExpr) {
		switch e := e.(type) {
		case *awkVarRef:
			if isParam(e) {
				used = true
			}
		case *awkField:
			walkE(e.index)
		case *awkIndex:
			for _, k := range e.keys {
				walkE(k)
			}
		case *awkAssign:
			walkE(e.lv)
			walkE(e.rv)
		case *awkCond:
			walkE(e.c)
			walkE(e.a)
			walkE(e.b)
		case *awkBinary:
			walkE(e.l)
			walkE(e.r)
		case *awkUnary:
			walkE(e.e)
		case *awkIncDec:
			walkE(e.lval)
		case *awkMatch:
			walkE(e.l)
			walkE(e.re)
		case *awkIn:
			for _, k := range e.keys {
				walkE(k)
			}
		case *awkCall:
			for _, x := range e.args {
				if r, ok := x.(*awkVarRef); ok && isParam(r) {
					continue // passed on: could be either
				}
				walkE(x)
			}
		case *awkBuiltinCall:
			for j, x := range e.args {
				if r, ok := x.(*awkVarRef); ok && isParam(r) && e.name == "split" && j == 1 {
					continue
				}
				walkE(x)
			}
		case *awkGetline:
			walkE(e.src)
			walkE(e.lval)
		case *awkGroup:
			walkE(e.e)
		case awkList:
			for _, x := range e {
				walkE(x)
			}
		}
	}
	walkS = func(s awkStmt) {
		switch s := s.(type) {
		case *awkExprStmt:
			walkE(s.e)
		case *awkPrintStmt:
			for _, x := range s.args {
				walkE(x)
			}
			walkE(s.dest)
		case *awkIf:
			walkE(s.c)
			walkS(s.then)
			walkS(s.els)
		case *awkWhile:
			walkE(s.c)
			walkS(s.body)
		case *awkFor:
			walkS(s.init)
			walkE(s.c)
			walkS(s.post)
			walkS(s.body)
		case *awkForIn:
			walkS(s.body)
		case *awkBlock:
			for _, x := range s.stmts {
				walkS(x)
			}
		case *awkExit:
			walkE(s.e)
		case *awkReturn:
			walkE(s.e)
		case *awkDelete:
			for _, k := range s.keys {
				walkE(k)
			}
		}
	}
	walkS(f.body)
	return used
}

func (a *awk) argStr(args []awkExpr, i int) (string, error) {
	v, err := a.eval(args[i])
	return v.str(a.convfmt()), err
}

func (a *awk) argNum(args []awkExpr, i int) (float64, error) {
	v, err := a.eval(args[i])
	return v.num(), err
}

func (a *awk) builtin(c *awkBuiltinCall) (awkVal, error) {
	args := c.args
	need := func(lo, hi int) error {
		if len(args) < lo || len(args) > hi {
			return &awkSyntaxError{"Unexpected token"}
		}
		return nil
	}
	switch c.name {
	case "length":
		if len(args) == 0 {
			return awkNumber(float64(len(a.record))), nil
		}
		if r, ok := args[0].(*awkVarRef); ok {
			if cell := a.ref(r); cell.arr != nil {
				return awkNumber(float64(len(cell.arr))), nil
			}
		}
		s, err := a.argStr(args, 0)
		return awkNumber(float64(len(s))), err
	case "substr":
		if err := need(2, 3); err != nil {
			return awkVal{}, err
		}
		s, err := a.argStr(args, 0)
		if err != nil {
			return awkVal{}, err
		}
		m, err := a.argNum(args, 1)
		if err != nil {
			return awkVal{}, err
		}
		// busybox: a start before 1 is 1, the length is not shortened
		start := int(math.Round(m)) - 1
		start = max(0, start)
		if start > len(s) {
			return awkString(""), nil
		}
		end := len(s)
		if len(args) == 3 {
			n, err := a.argNum(args, 2)
			if err != nil {
				return awkVal{}, err
			}
			if n = math.Round(n); n < 0 {
				n = 0
			}
			if float64(start)+n < float64(end) {
				end = start + int(n)
			}
		}
		return awkString(s[start:end]), nil
	case "index":
		if err := need(2, 2); err != nil {
			return awkVal{}, err
		}
		s, err := a.argStr(args, 0)
		if err != nil {
			return awkVal{}, err
		}
		t, err := a.argStr(args, 1)
		if err != nil {
			return awkVal{}, err
		}
		if t == "" {
			return awkNumber(0), nil
		}
		return awkNumber(float64(strings.Index(s, t) + 1)), nil
	case "split":
		if err := need(2, 3); err != nil {
			return awkVal{}, err
		}
		s, err := a.argStr(args, 0)
		if err != nil {
			return awkVal{}, err
		}
		r, ok := args[1].(*awkVarRef)
		if !ok {
			return awkVal{}, &awkSyntaxError{"Unexpected token"}
		}
		var parts []string
		switch {
		case len(args) < 3:
			parts = a.split(s, a.getStr("FS"))
		default:
			if re, ok := args[2].(*awkRegexE); ok {
				if s != "" {
					parts = re.re.Split(s, -1)
				}
				break
			}
			sep, err := a.argStr(args, 2)
			if err != nil {
				return awkVal{}, err
			}
			parts = a.split(s, sep)
		}
		arr, err := a.array(r)
		if err != nil {
			return awkVal{}, err
		}
		clear(arr)
		for i, p := range parts {
			arr[strconv.Itoa(i+1)] = awkInput(p)
		}
		return awkNumber(float64(len(parts))), nil
	case "sub", "gsub":
		if err := need(2, 3); err != nil {
			return awkVal{}, err
		}
		re, err := a.matchRE(args[0])
		if err != nil {
			return awkVal{}, err
		}
		repl, err := a.argStr(args, 1)
		if err != nil {
			return awkVal{}, err
		}
		var target awkExpr = &awkField{&awkLit{awkNumber(0)}}
		if len(args) == 3 {
			target = args[2]
		}
		tv, err := a.eval(target)
		if err != nil {
			return awkVal{}, err
		}
		s := tv.str(a.convfmt())
		out, n := awkSub(re, repl, s, c.name == "gsub")
		if n > 0 && isLvalue(target) {
			if err := a.assign(target, awkString(out)); err != nil {
				return awkVal{}, err
			}
		}
		return awkNumber(float64(n)), nil
	case "match":
		if err := need(2, 2); err != nil {
			return awkVal{}, err
		}
		s, err := a.argStr(args, 0)
		if err != nil {
			return awkVal{}, err
		}
		re, err := a.matchRE(args[1])
		if err != nil {
			return awkVal{}, err
		}
		m := re.FindStringIndex(s)
		start, length := 0, -1
		if m != nil {
			start, length = m[0]+1, m[1]-m[0]
		}
		a.cell("RSTART").v, a.cell("RLENGTH").v = awkNumber(float64(start)), awkNumber(float64(length))
		return awkNumber(float64(start)), nil
	case "sprintf":
		if len(args) == 0 {
			return awkVal{}, &awkSyntaxError{"Unexpected token"}
		}
		vals := make([]awkVal, len(args))
		for i := range args {
			v, err := a.eval(args[i])
			if err != nil {
				return awkVal{}, err
			}
			vals[i] = v
		}
		return awkString(awkSprintf(vals[0].str(a.convfmt()), vals[1:])), nil
	case "tolower", "toupper":
		if err := need(1, 1); err != nil {
			return awkVal{}, err
		}
		s, err := a.argStr(args, 0)
		b := []byte(s)
		for i, ch := range b {
			if c.name == "tolower" && ch >= 'A' && ch <= 'Z' {
				b[i] = ch + 32
			}
			if c.name == "toupper" && ch >= 'a' && ch <= 'z' {
				b[i] = ch - 32
			}
		}
		return awkString(string(b)), err
	case "int", "sqrt", "exp", "log", "sin", "cos":
		if err := need(1, 1); err != nil {
			return awkVal{}, err
		}
		x, err := a.argNum(args, 0)
		f := map[string]func(float64) float64{"int": math.Trunc, "sqrt": math.Sqrt, "exp": math.Exp, "log": math.Log, "sin": math.Sin, "cos": math.Cos}[c.name]
		return awkNumber(f(x)), err
	case "atan2":
		if err := need(2, 2); err != nil {
			return awkVal{}, err
		}
		y, err := a.argNum(args, 0)
		if err != nil {
			return awkVal{}, err
		}
		x, err := a.argNum(args, 1)
		return awkNumber(math.Atan2(y, x)), err
	case "rand":
		return awkNumber(a.rng.Float64()), nil
	case "srand":
		prev := a.seed
		seed := float64(a.p.Clock().Unix())
		if len(args) > 0 {
			var err error
			if seed, err = a.argNum(args, 0); err != nil {
				return awkVal{}, err
			}
		}
		a.seed = seed
		a.rng = rand.New(rand.NewSource(int64(seed)))
		return awkNumber(prev), nil
	case "system":
		if err := need(1, 1); err != nil {
			return awkVal{}, err
		}
		cmd, err := a.argStr(args, 0)
		if err != nil {
			return awkVal{}, err
		}
		a.flushAll()
		code, _ := a.p.run(a.ctx, []string{"sh", "-c", cmd}, nil)
		return awkNumber(float64(code)), nil
	case "close":
		if err := need(1, 1); err != nil {
			return awkVal{}, err
		}
		name, err := a.argStr(args, 0)
		if err != nil {
			return awkVal{}, err
		}
		return awkNumber(float64(a.closeStream(name))), nil
	case "fflush":
		a.flushAll()
		return awkNumber(0), nil
	}
	return awkVal{}, &awkSyntaxError{"Unexpected token"}
}

// awkSub replaces the first (or every) match of re in s; & is the match
// and \& a plain ampersand.
func awkSub(re *regexp.Regexp, repl, s string, global bool) (string, int) {
	var b strings.Builder
	n, last := 0, 0
	for _, m := range re.FindAllStringIndex(s, -1) {
		b.WriteString(s[last:m[0]])
		for i := 0; i < len(repl); i++ {
			switch {
			case repl[i] == '\\' && i+1 < len(repl) && (repl[i+1] == '&' || repl[i+1] == '\\'):
				i++
				b.WriteByte(repl[i])
			case repl[i] == '&':
				b.WriteString(s[m[0]:m[1]])
			default:
				b.WriteByte(repl[i])
			}
		}
		last = m[1]
		n++
		if !global {
			break
		}
	}
	if n == 0 {
		return s, 0
	}
	b.WriteString(s[last:])
	return b.String(), n
}

// awkSprintf formats like awk's printf: numbers for %d and friends, the
// first byte of a string or the character of a number for %c.
func awkSprintf(format string, args []awkVal) string {
	var b strings.Builder
	next := func() (awkVal, bool) {
		if len(args) == 0 {
			return awkVal{kind: awkStrNum}, false
		}
		v := args[0]
		args = args[1:]
		return v, true
	}
	for i := 0; i < len(format); {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			i++
			continue
		}
		if i+1 < len(format) && format[i+1] == '%' {
			b.WriteByte('%')
			i += 2
			continue
		}
		spec, j, ok := parseConv(format, i, func() int {
			v, _ := next()
			return int(v.num())
		})
		if !ok {
			b.WriteString(format[i:])
			break
		}
		i = j
		v, _ := next()
		switch spec.verb {
		case 'd', 'i':
			n := v.num()
			if math.IsNaN(n) || math.IsInf(n, 0) {
				b.WriteString(spec.float(n))
				break
			}
			b.WriteString(spec.int(int64(n)))
		case 'o', 'x', 'X', 'u':
			b.WriteString(spec.int(int64(v.num())))
		case 'e', 'E', 'f', 'F', 'g', 'G', 'a', 'A':
			b.WriteString(spec.float(v.num()))
		case 'c':
			if v.kind == awkNum {
				b.WriteString(spec.pad(string([]byte{byte(int(v.n))})))
			} else if s := v.s; s != "" {
				b.WriteString(spec.pad(s[:1]))
			} else {
				b.WriteString(spec.pad(""))
			}
		case 's':
			b.WriteString(spec.str(v.str("%.6g")))
		default:
			b.WriteString(format[i-1 : i])
		}
		if b.Len() > maxWord {
			break
		}
	}
	return b.String()
}

func (a *awk) output(redir, name string) (*bufio.Writer, error) {
	if redir == "" {
		return a.out, nil
	}
	if o, ok := a.outputs[name]; ok {
		return o.w, nil
	}
	var o *awkOutput
	switch {
	case redir == "|":
		var buf bytes.Buffer
		o = &awkOutput{w: bufio.NewWriter(&buf)}
		o.close = func() error {
			a.out.Flush()
			code, _ := a.p.run(a.ctx, []string{"sh", "-c", name}, &buf)
			if code != 0 {
				return fmt.Errorf("exit %d", code)
			}
			return nil
		}
	case name == "/dev/stdout" || name == "-":
		return a.out, nil
	case name == "/dev/stderr":
		o = &awkOutput{w: bufio.NewWriter(a.p.Stderr), close: func() error { return nil }}
	default:
		flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		if redir == ">>" {
			flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
		}
		f, err := a.p.FS.OpenFile(a.p.abs(name), flag, 0o644)
		if err != nil {
			return nil, &awkRuntimeError{"cannot open '" + name + "' for writing: " + errText(err)}
		}
		o = &awkOutput{w: bufio.NewWriter(f), close: f.Close}
	}
	a.outputs[name] = o
	return o.w, nil
}

func (a *awk) closeStream(name string) int {
	st := -1
	if o, ok := a.outputs[name]; ok {
		o.w.Flush()
		st = 0
		if o.close() != nil {
			st = 1
		}
		delete(a.outputs, name)
	}
	if in, ok := a.inputs[name]; ok {
		in.close()
		delete(a.inputs, name)
		st = 0
	}
	return st
}

func (a *awk) flushAll() {
	a.out.Flush()
	for _, o := range a.outputs {
		o.w.Flush()
	}
}

func (a *awk) closeAll() {
	a.out.Flush()
	for _, name := range sortedNames(a.outputs) {
		a.closeStream(name)
	}
	for name := range a.inputs {
		a.closeStream(name)
	}
}

func sortedNames(m map[string]*awkOutput) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	return names
}

// readRecord reads one record with RS from br; ok false at the end.
func (a *awk) readRecord(br *bufio.Reader) (string, bool, error) {
	rs := a.getStr("RS")
	switch {
	case rs == "":
		// paragraph mode: blank lines separate records
		var b strings.Builder
		for {
			line, err := readLine(br)
			if line == "\n" && b.Len() == 0 {
				continue
			}
			if line == "" && err != nil {
				// busybox keeps the newline that ends the input
				return b.String(), b.Len() > 0, nil
			}
			if line == "\n" {
				return strings.TrimSuffix(b.String(), "\n"), true, nil
			}
			b.WriteString(line)
			if err != nil {
				return b.String(), true, nil
			}
		}
	case len(rs) == 1:
		var b []byte
		for {
			c, err := br.ReadByte()
			if err != nil {
				if len(b) == 0 {
					return "", false, nil
				}
				return string(b), true, nil
			}
			if c == rs[0] {
				return string(b), true, nil
			}
			b = append(b, c)
			if len(b) > maxWord {
				return string(b), true, nil
			}
		}
	}
	line, err := readLine(br)
	if line == "" && err != nil {
		return "", false, nil
	}
	return strings.TrimSuffix(line, "\n"), true, nil
}

// awkMainInput walks the operands: files, and var=value assignments.
type awkMainInput struct {
	a       *awk
	args    []string
	cur     *bufio.Reader
	close   func()
	usedAny bool
	status  int
}

func (m *awkMainInput) next() (string, bool, error) {
	for {
		if m.cur == nil {
			name, ok := m.nextFile()
			if !ok {
				return "", false, nil
			}
			r, done, err := m.a.p.open(name)
			if err != nil {
				m.a.p.errf("%s: %s", name, errText(err))
				m.status = 1
				continue
			}
			m.cur, m.close = bufio.NewReader(r), done
			m.a.cell("FILENAME").v = awkString(name)
			m.a.cell("FNR").v = awkNumber(0)
		}
		rec, ok, err := m.a.readRecord(m.cur)
		if err != nil {
			return "", false, err
		}
		if ok {
			return rec, true, nil
		}
		m.close()
		m.cur = nil
	}
}

func (m *awkMainInput) nextFile() (string, bool) {
	for len(m.args) > 0 {
		arg := m.args[0]
		m.args = m.args[1:]
		if k, v, ok := strings.Cut(arg, "="); ok && isName(k) {
			m.a.cell(k).v = awkInput(awkUnescape(v))
			continue
		}
		if arg == "" {
			continue
		}
		m.usedAny = true
		return arg, true
	}
	if !m.usedAny {
		m.usedAny = true
		return "-", true
	}
	return "", false
}

func awkUnescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '\\' {
			e, j, _ := escape(s, i, false)
			b.WriteString(e)
			i = j
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

func (a *awk) getline(g *awkGetline) (awkVal, error) {
	var rec string
	var ok bool
	switch g.kind {
	case "":
		var err error
		rec, ok, err = a.main.next()
		if err != nil {
			return awkNumber(-1), nil
		}
		if ok {
			a.incr("NR")
			a.incr("FNR")
		}
	default:
		v, err := a.eval(g.src)
		if err != nil {
			return awkVal{}, err
		}
		name := v.str(a.convfmt())
		in, exists := a.inputs[name]
		if !exists {
			if g.kind == "<" {
				r, done, err := a.p.open(name)
				if err != nil {
					return awkNumber(-1), nil
				}
				in = &awkInputFile{r: bufio.NewReader(r), close: done}
			} else {
				a.flushAll()
				var buf bytes.Buffer
				a.p.runTo(a.ctx, []string{"sh", "-c", name}, &buf)
				in = &awkInputFile{r: bufio.NewReader(&buf), close: func() {}}
			}
			a.inputs[name] = in
		}
		rec, ok, _ = a.readRecord(in.r)
		if ok && g.kind == "|" {
			a.incr("NR")
		}
	}
	if !ok {
		return awkNumber(0), nil
	}
	if g.lval == nil {
		a.setRecord(rec)
	} else if err := a.assign(g.lval, awkInput(rec)); err != nil {
		return awkVal{}, err
	}
	return awkNumber(1), nil
}

func (a *awk) incr(name string) {
	c := a.cell(name)
	c.v = awkNumber(c.v.num() + 1)
}

func (a *awk) block(b *awkBlock) error {
	for _, s := range b.stmts {
		if err := a.exec(s); err != nil {
			return err
		}
	}
	return nil
}

func (a *awk) exec(s awkStmt) error {
	if a.ctx.Err() != nil {
		return errKilled
	}
	switch s := s.(type) {
	case nil:
		return nil
	case *awkBlock:
		return a.block(s)
	case *awkExprStmt:
		_, err := a.eval(s.e)
		return err
	case *awkPrintStmt:
		return a.print(s)
	case *awkIf:
		c, err := a.eval(s.c)
		if err != nil {
			return err
		}
		if c.bool() {
			return a.exec(s.then)
		}
		return a.exec(s.els)
	case *awkWhile:
		for first := true; ; first = false {
			if !(s.do && first) {
				c, err := a.eval(s.c)
				if err != nil {
					return err
				}
				if !c.bool() {
					return nil
				}
			}
			if stop, err := loopBody(a.exec(s.body)); stop || err != nil {
				return err
			}
			if a.ctx.Err() != nil {
				return errKilled
			}
		}
	case *awkFor:
		if err := a.exec(s.init); err != nil {
			return err
		}
		for {
			if s.c != nil {
				c, err := a.eval(s.c)
				if err != nil {
					return err
				}
				if !c.bool() {
					return nil
				}
			}
			if stop, err := loopBody(a.exec(s.body)); stop || err != nil {
				return err
			}
			if err := a.exec(s.post); err != nil {
				return err
			}
			if a.ctx.Err() != nil {
				return errKilled
			}
		}
	case *awkForIn:
		arr, err := a.array(s.arr)
		if err != nil {
			return err
		}
		keys := make([]string, 0, len(arr))
		for k := range arr {
			keys = append(keys, k)
		}
		sortAwkKeys(keys)
		for _, k := range keys {
			if _, ok := arr[k]; !ok {
				continue
			}
			if err := a.assign(s.v, awkInput(k)); err != nil {
				return err
			}
			if stop, err := loopBody(a.exec(s.body)); stop || err != nil {
				return err
			}
		}
		return nil
	case *awkSimple:
		switch s.kind {
		case "next", "nextfile":
			return awkNext{}
		case "break":
			return awkBreak{}
		}
		return awkContinue{}
	case *awkExit:
		if s.e != nil {
			v, err := a.eval(s.e)
			if err != nil {
				return err
			}
			a.exitCode = int(v.num()) & 255
		}
		return awkExitErr{}
	case *awkReturn:
		v := awkVal{kind: awkStrNum}
		if s.e != nil {
			var err error
			if v, err = a.eval(s.e); err != nil {
				return err
			}
		}
		return awkReturnVal{v}
	case *awkDelete:
		arr, err := a.array(s.arr)
		if err != nil {
			return err
		}
		if s.keys == nil {
			clear(arr)
			return nil
		}
		k, err := a.key(s.keys)
		if err != nil {
			return err
		}
		delete(arr, k)
	}
	return nil
}

// sortAwkKeys orders for-in keys: numbers by value, then strings.
func sortAwkKeys(keys []string) {
	num := func(s string) (float64, bool) { return looksNumeric(s) }
	less := func(x, y string) bool {
		a, okA := num(x)
		b, okB := num(y)
		switch {
		case okA && okB:
			return a < b
		case okA != okB:
			return okA
		}
		return x < y
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && less(keys[j], keys[j-1]); j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
}

// loopBody handles break and continue from a loop's body.
func loopBody(err error) (stop bool, out error) {
	switch err.(type) {
	case nil:
		return false, nil
	case awkBreak:
		return true, nil
	case awkContinue:
		return false, nil
	}
	return true, err
}

func (a *awk) print(s *awkPrintStmt) error {
	var dest string
	if s.dest != nil {
		v, err := a.eval(s.dest)
		if err != nil {
			return err
		}
		dest = v.str(a.convfmt())
	}
	w, err := a.output(s.redir, dest)
	if err != nil {
		return err
	}
	vals := make([]awkVal, len(s.args))
	for i, e := range s.args {
		v, err := a.eval(e)
		if err != nil {
			return err
		}
		vals[i] = v
	}
	if s.printf {
		_, err := w.WriteString(awkSprintf(vals[0].str(a.convfmt()), vals[1:]))
		return err
	}
	if len(vals) == 0 {
		vals = []awkVal{awkString(a.record)}
	}
	for i, v := range vals {
		if i > 0 {
			w.WriteString(a.getStr("OFS"))
		}
		w.WriteString(v.str(a.ofmt()))
	}
	w.WriteString(a.getStr("ORS"))
	if w.Buffered() > 64*1024 {
		return w.Flush()
	}
	return nil
}

func (a *awk) runRules(begin, end bool) error {
	for _, r := range a.prog.rules {
		if r.begin != begin || r.end != end {
			continue
		}
		if err := a.block(r.body); err != nil {
			return err
		}
	}
	return nil
}

// matches reports whether a main rule applies to the current record.
func (a *awk) matches(r *awkRule) (bool, error) {
	if r.pattern == nil {
		return true, nil
	}
	if r.pattern2 == nil {
		v, err := a.eval(r.pattern)
		return v.bool(), err
	}
	if !r.inRange {
		v, err := a.eval(r.pattern)
		if err != nil || !v.bool() {
			return false, err
		}
		r.inRange = true
	}
	v, err := a.eval(r.pattern2)
	if err != nil {
		return false, err
	}
	if v.bool() {
		r.inRange = false
	}
	return true, nil
}

func (a *awk) run() (int, error) {
	err := a.runRules(true, false)
	var exit awkExitErr
	if errors.As(err, &exit) {
		err = nil
		goto end
	}
	if err != nil {
		return 2, err
	}
	{
		hasMain := false
		for _, r := range a.prog.rules {
			hasMain = hasMain || !r.begin
		}
		if !hasMain {
			return a.exitCode, nil
		}
	}
	for {
		rec, ok, rerr := a.main.next()
		if rerr != nil || !ok {
			break
		}
		a.setRecord(rec)
		a.incr("NR")
		a.incr("FNR")
		for _, r := range a.prog.rules {
			if r.begin || r.end {
				continue
			}
			m, err := a.matches(r)
			if err == nil && m {
				if r.body == nil {
					err = a.print(&awkPrintStmt{})
				} else {
					err = a.block(r.body)
				}
			}
			if _, isNext := err.(awkNext); isNext {
				break
			}
			if errors.As(err, &exit) {
				goto end
			}
			if err != nil {
				return 2, err
			}
		}
	}
end:
	if err := a.runRules(false, true); err != nil && !errors.As(err, &exit) {
		return 2, err
	}
	if a.exitCode == 0 && a.main.status != 0 {
		return a.main.status, nil
	}
	return a.exitCode, nil
}

func apAwk(ctx context.Context, p *Proc) int {
	var progSrc string
	var haveProg bool
	fs := " "
	var assigns []string
	g := p.scanOpts("Fvfe", false)
	for {
		c, v, more, missing := g.next()
		if !more {
			break
		}
		if strings.IndexByte("Fvfe", c) < 0 {
			p.errf("invalid option -- '%c'", c)
			return p.showUsage()
		}
		if missing {
			p.errf("option requires an argument -- '%c'", c)
			return p.showUsage()
		}
		switch c {
		case 'F':
			fs = awkUnescape(v)
			if fs == "t" {
				fs = "\t"
			}
		case 'v':
			assigns = append(assigns, v)
		case 'f':
			data, err := p.FS.ReadFile(p.abs(v))
			if err != nil {
				p.errf("can't open '%s': %s", v, errText(err))
				return 1
			}
			progSrc += string(data) + "\n"
			haveProg = true
		case 'e':
			progSrc += v + "\n"
			haveProg = true
		}
	}
	args := g.rest()
	if !haveProg {
		if len(args) == 0 {
			return p.showUsage()
		}
		progSrc, args = args[0], args[1:]
	}
	prog, err := awkParse(progSrc)
	if err != nil {
		p.errf("cmd. line:1: %s", err)
		return 1
	}
	a := &awk{ctx: ctx, p: p, prog: prog, globals: map[string]*awkCell{}, out: bufio.NewWriter(p.Stdout),
		outputs: map[string]*awkOutput{}, inputs: map[string]*awkInputFile{}, regexps: map[string]*regexp.Regexp{},
		rng: rand.New(rand.NewSource(0))}
	for k, v := range map[string]awkVal{"FS": awkString(fs), "OFS": awkString(" "), "ORS": awkString("\n"), "RS": awkString("\n"),
		"NR": awkNumber(0), "FNR": awkNumber(0), "SUBSEP": awkString("\x1c"), "CONVFMT": awkString("%.6g"),
		"OFMT": awkString("%.6g"), "RSTART": awkNumber(0), "RLENGTH": awkNumber(-1), "FILENAME": awkString("")} {
		a.cell(k).v = v
	}
	env := a.cell("ENVIRON")
	env.arr = map[string]awkVal{}
	for _, kv := range p.Env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env.arr[k] = awkInput(v)
		}
	}
	argv := a.cell("ARGV")
	argv.arr = map[string]awkVal{"0": awkString("awk")}
	for i, arg := range args {
		argv.arr[strconv.Itoa(i+1)] = awkInput(arg)
	}
	a.cell("ARGC").v = awkNumber(float64(len(args) + 1))
	for _, kv := range assigns {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || !isName(k) {
			p.errf("bad variable name '%s'", kv)
			return 1
		}
		a.cell(k).v = awkInput(awkUnescape(v))
	}
	a.main = &awkMainInput{a: a, args: args}
	code, err := a.run()
	a.closeAll()
	if a.main.cur != nil {
		a.main.close()
	}
	if err != nil {
		if errors.Is(err, errKilled) {
			return 1
		}
		p.errf("cmd. line:1: %s", err)
		return 1
	}
	return code
}

// runTo runs args from p with its output captured in w.
func (p *Proc) runTo(ctx context.Context, args []string, w io.Writer) int {
	q := *p
	q.Stdout = w
	code, _ := q.run(ctx, args, nil)
	return code
}
