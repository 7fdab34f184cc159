package shell

import (
	"fmt"
	"strconv"
	"strings"
)

// maxDepth bounds the nesting of the grammar so hostile input cannot
// exhaust the stack.
const maxDepth = 200

// Parse parses a shell script.
func Parse(src string) (*List, error) {
	p := &parser{lx: lexer{src: src}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	l, err := p.list()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tEOF {
		return nil, p.unexpected()
	}
	return l, nil
}

type parser struct {
	lx    lexer
	tok   token
	peek  *token
	depth int
}

func (p *parser) advance() error {
	if p.peek != nil {
		p.tok, p.peek = *p.peek, nil
		return nil
	}
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) lookahead() (token, error) {
	if p.peek == nil {
		t, err := p.lx.next()
		if err != nil {
			return t, err
		}
		p.peek = &t
	}
	return *p.peek, nil
}

func (p *parser) unexpected() error {
	return &SyntaxError{Offset: p.tok.pos, Msg: fmt.Sprintf("unexpected %s", quoteTok(p.tok))}
}

// expecting is ash's error for a missing token of a kind: "unexpected end
// of file (expecting word)".
func (p *parser) expecting(what string) error {
	return &SyntaxError{Offset: p.tok.pos, Msg: fmt.Sprintf("unexpected %s (expecting %s)", quoteTok(p.tok), what)}
}

// reserved are the words ash names in its errors; any other word is
// "word".
var reserved = map[string]bool{"if": true, "then": true, "else": true, "elif": true, "fi": true, "do": true, "done": true,
	"case": true, "esac": true, "while": true, "until": true, "for": true, "{": true, "}": true, "!": true, "in": true}

func quoteTok(t token) string {
	switch {
	case t.kind == tWord && !reserved[t.val]:
		return "word"
	case t.kind == tWord || t.kind == tOp:
		return strconv.Quote(t.val)
	}
	return t.String()
}

func (p *parser) isWord(w string) bool { return p.tok.kind == tWord && p.tok.val == w }
func (p *parser) isOp(op string) bool  { return p.tok.kind == tOp && p.tok.val == op }

func (p *parser) expectWord(w string) error {
	if !p.isWord(w) {
		return p.expecting(strconv.Quote(w))
	}
	return p.advance()
}

func (p *parser) skipNewlines() error {
	for p.tok.kind == tNewline {
		if err := p.advance(); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return &SyntaxError{Offset: p.tok.pos, Msg: "nesting too deep"}
	}
	return nil
}

var terminators = map[string]bool{"then": true, "else": true, "elif": true, "fi": true, "do": true, "done": true, "esac": true, "}": true}

func (p *parser) atListEnd() bool {
	switch p.tok.kind {
	case tEOF:
		return true
	case tOp:
		return p.tok.val == ")" || p.tok.val == ";;"
	case tWord:
		return terminators[p.tok.val]
	}
	return false
}

// list parses and-or lists until a terminator.
func (p *parser) list() (*List, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	l := &List{}
	for {
		if err := p.skipNewlines(); err != nil {
			return nil, err
		}
		if p.atListEnd() {
			return l, nil
		}
		ao, err := p.andOr()
		if err != nil {
			return nil, err
		}
		l.Items = append(l.Items, ao)
		switch {
		case p.isOp(";"):
		case p.isOp("&"):
			ao.Background = true
		case p.tok.kind == tNewline:
		default:
			if p.atListEnd() {
				return l, nil
			}
			return nil, p.unexpected()
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
	}
}

// body parses the compound list of a group, subshell, if or loop, which
// must hold a command: ash rejects "if then fi" or "{ }" at the token
// where the command should have been.
func (p *parser) body() (*List, error) {
	l, err := p.list()
	if err == nil && len(l.Items) == 0 {
		err = p.unexpected()
	}
	return l, err
}

func (p *parser) andOr() (*AndOr, error) {
	ao := &AndOr{}
	for {
		pl, err := p.pipeline()
		if err != nil {
			return nil, err
		}
		ao.Pipes = append(ao.Pipes, pl)
		if !p.isOp("&&") && !p.isOp("||") {
			return ao, nil
		}
		ao.Ops = append(ao.Ops, p.tok.val)
		if err := p.advance(); err != nil {
			return nil, err
		}
		if err := p.skipNewlines(); err != nil {
			return nil, err
		}
	}
}

func (p *parser) pipeline() (*Pipeline, error) {
	pl := &Pipeline{}
	if p.isWord("!") {
		pl.Negate = true
		if err := p.advance(); err != nil {
			return nil, err
		}
	}
	for {
		c, err := p.command()
		if err != nil {
			return nil, err
		}
		pl.Cmds = append(pl.Cmds, c)
		if !p.isOp("|") {
			return pl, nil
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		if err := p.skipNewlines(); err != nil {
			return nil, err
		}
	}
}

func (p *parser) command() (Command, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	var c Command
	var err error
	switch {
	case p.isWord("{"):
		c, err = p.group()
	case p.isOp("("):
		c, err = p.subshell()
	case p.isWord("if"):
		c, err = p.ifCmd()
	case p.isWord("while"), p.isWord("until"):
		c, err = p.loop()
	case p.isWord("for"):
		c, err = p.forCmd()
	case p.isWord("case"):
		c, err = p.caseCmd()
	case p.tok.kind == tWord || p.tok.kind == tIONum || (p.tok.kind == tOp && isRedirOp(p.tok.val)):
		return p.simple()
	default:
		return nil, p.unexpected()
	}
	if err != nil {
		return nil, err
	}
	var redirs []Redir
	for p.tok.kind == tIONum || (p.tok.kind == tOp && isRedirOp(p.tok.val)) {
		r, err := p.redir()
		if err != nil {
			return nil, err
		}
		redirs = append(redirs, r)
	}
	if redirs != nil {
		return &Redirected{Cmd: c, Redirs: redirs}, nil
	}
	return c, nil
}

func isRedirOp(op string) bool {
	switch op {
	case "<", ">", ">>", ">|", "<>", "<&", ">&", "<<", "<<-":
		return true
	}
	return false
}

func (p *parser) redir() (Redir, error) {
	r := Redir{Fd: -1}
	if p.tok.kind == tIONum {
		n, _ := strconv.Atoi(p.tok.val)
		r.Fd = n
		if err := p.advance(); err != nil {
			return r, err
		}
	}
	if p.tok.kind != tOp || !isRedirOp(p.tok.val) {
		return r, p.unexpected()
	}
	r.Op = p.tok.val
	if err := p.advance(); err != nil {
		return r, err
	}
	if p.tok.kind != tWord {
		return r, p.unexpected()
	}
	r.Target = Word(p.tok.val)
	if r.Op == "<<" || r.Op == "<<-" {
		quoted := strings.ContainsAny(p.tok.val, "'\"\\")
		delim := p.tok.val
		if quoted {
			delim = unquoteDelim(delim)
		}
		r.Doc = &HereDoc{Quoted: quoted}
		p.lx.pending = append(p.lx.pending, pendingDoc{delim: delim, strip: r.Op == "<<-", doc: r.Doc})
	}
	return r, p.advance()
}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9' {
			continue
		}
		return false
	}
	return true
}

func (p *parser) simple() (Command, error) {
	sc := &SimpleCmd{}
	for {
		switch {
		case p.tok.kind == tIONum || (p.tok.kind == tOp && isRedirOp(p.tok.val)):
			r, err := p.redir()
			if err != nil {
				return nil, err
			}
			sc.Redirs = append(sc.Redirs, r)
		case p.tok.kind == tWord:
			w := p.tok.val
			if len(sc.Args) == 0 {
				if eq := strings.IndexByte(w, '='); eq > 0 && isName(w[:eq]) {
					sc.Assigns = append(sc.Assigns, Assign{Name: w[:eq], Value: Word(w[eq+1:])})
					if err := p.advance(); err != nil {
						return nil, err
					}
					continue
				}
				if len(sc.Assigns) == 0 && len(sc.Redirs) == 0 {
					if nt, err := p.lookahead(); err != nil {
						return nil, err
					} else if nt.kind == tOp && nt.val == "(" {
						return p.funcDef(w)
					}
				}
			}
			sc.Args = append(sc.Args, Word(w))
			if err := p.advance(); err != nil {
				return nil, err
			}
		default:
			return sc, nil
		}
	}
}

func (p *parser) funcDef(name string) (Command, error) {
	if err := p.advance(); err != nil { // name
		return nil, err
	}
	if err := p.advance(); err != nil { // (
		return nil, err
	}
	if !p.isOp(")") {
		return nil, p.expecting(`")"`)
	}
	if !isName(name) {
		return nil, &SyntaxError{Offset: p.tok.pos, Msg: "bad function name"}
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if err := p.skipNewlines(); err != nil {
		return nil, err
	}
	body, err := p.command()
	if err != nil {
		return nil, err
	}
	return &FuncDef{Name: name, Body: body}, nil
}

func (p *parser) group() (Command, error) {
	if err := p.advance(); err != nil {
		return nil, err
	}
	body, err := p.body()
	if err != nil {
		return nil, err
	}
	if err := p.expectWord("}"); err != nil {
		return nil, err
	}
	return &Group{Body: body}, nil
}

func (p *parser) subshell() (Command, error) {
	if err := p.advance(); err != nil {
		return nil, err
	}
	body, err := p.body()
	if err != nil {
		return nil, err
	}
	if !p.isOp(")") {
		return nil, p.expecting(`")"`)
	}
	return &Subshell{Body: body}, p.advance()
}

func (p *parser) ifCmd() (Command, error) {
	c := &If{}
	for {
		if err := p.advance(); err != nil { // if / elif
			return nil, err
		}
		cond, err := p.body()
		if err != nil {
			return nil, err
		}
		if err := p.expectWord("then"); err != nil {
			return nil, err
		}
		body, err := p.body()
		if err != nil {
			return nil, err
		}
		c.Conds = append(c.Conds, cond)
		c.Bodies = append(c.Bodies, body)
		if p.isWord("elif") {
			continue
		}
		if p.isWord("else") {
			if err := p.advance(); err != nil {
				return nil, err
			}
			if c.Else, err = p.body(); err != nil {
				return nil, err
			}
		}
		return c, p.expectWord("fi")
	}
}

func (p *parser) doBody() (*List, error) {
	if err := p.expectWord("do"); err != nil {
		return nil, err
	}
	body, err := p.body()
	if err != nil {
		return nil, err
	}
	return body, p.expectWord("done")
}

func (p *parser) loop() (Command, error) {
	c := &Loop{Until: p.tok.val == "until"}
	if err := p.advance(); err != nil {
		return nil, err
	}
	var err error
	if c.Cond, err = p.body(); err != nil {
		return nil, err
	}
	c.Body, err = p.doBody()
	return c, err
}

func (p *parser) forCmd() (Command, error) {
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind != tWord || !isName(p.tok.val) {
		return nil, &SyntaxError{Offset: p.tok.pos, Msg: "bad for loop variable"}
	}
	c := &For{Var: p.tok.val}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if err := p.skipNewlines(); err != nil {
		return nil, err
	}
	if p.isWord("in") {
		c.In = true
		if err := p.advance(); err != nil {
			return nil, err
		}
		for p.tok.kind == tWord {
			c.Items = append(c.Items, Word(p.tok.val))
			if err := p.advance(); err != nil {
				return nil, err
			}
		}
	}
	if p.isOp(";") {
		if err := p.advance(); err != nil {
			return nil, err
		}
	}
	if err := p.skipNewlines(); err != nil {
		return nil, err
	}
	var err error
	c.Body, err = p.doBody()
	return c, err
}

func (p *parser) caseCmd() (Command, error) {
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind != tWord {
		return nil, p.expecting("word")
	}
	c := &Case{Word: Word(p.tok.val)}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if err := p.skipNewlines(); err != nil {
		return nil, err
	}
	if err := p.expectWord("in"); err != nil {
		return nil, err
	}
	for {
		if err := p.skipNewlines(); err != nil {
			return nil, err
		}
		if p.isWord("esac") {
			return c, p.advance()
		}
		if p.isOp("(") {
			if err := p.advance(); err != nil {
				return nil, err
			}
		}
		var item CaseItem
		for {
			if p.tok.kind != tWord {
				return nil, p.expecting(`")"`)
			}
			item.Patterns = append(item.Patterns, Word(p.tok.val))
			if err := p.advance(); err != nil {
				return nil, err
			}
			if p.isOp(")") {
				break
			}
			if !p.isOp("|") {
				return nil, p.expecting(`")"`)
			}
			if err := p.advance(); err != nil {
				return nil, err
			}
		}
		if err := p.advance(); err != nil { // )
			return nil, err
		}
		body, err := p.list()
		if err != nil {
			return nil, err
		}
		item.Body = body
		c.Items = append(c.Items, item)
		if p.isOp(";;") {
			if err := p.advance(); err != nil {
				return nil, err
			}
			continue
		}
		if err := p.skipNewlines(); err != nil {
			return nil, err
		}
		if !p.isWord("esac") {
			return nil, p.unexpected()
		}
	}
}

// unquoteDelim removes the quoting from a here-document delimiter.
func unquoteDelim(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'', '"':
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
