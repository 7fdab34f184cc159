package shell

import (
	"context"
	"slices"
	"strconv"
	"strings"
)

// arithString expands and evaluates the inside of $((...)).
func (sh *shell) arithString(ctx context.Context, src string) (int64, error) {
	e := &expander{sh: sh, ctx: ctx}
	e.word(src, true)
	if e.err != nil {
		return 0, e.err
	}
	expr := e.joined()
	a := &arith{sh: sh, src: expr}
	a.next()
	v, err := a.assign(0)
	if err == nil && a.tok != "" {
		err = errArithSyntax
	}
	return v, err
}

// ash's wording of arithmetic errors.
var (
	errArithSyntax = &expandError{"arithmetic syntax error"}
	errDivZero     = &expandError{"divide by zero"}
	errArithLoop   = &expandError{"expression recursion loop detected"}
)

// arith is a small precedence-climbing evaluator over int64 with shell
// variables.
type arith struct {
	sh    *shell
	src   string
	pos   int
	tok   string   // "" at end; a number, a name or an operator
	stack []string // variables being evaluated, outermost first
}

const arithMaxDepth = 200

var arithOps = []string{"<<=", ">>=", "**", "++", "--", "&&", "||", "==", "!=", "<=", ">=", "<<", ">>", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
	"+", "-", "*", "/", "%", "<", ">", "=", "!", "~", "&", "|", "^", "(", ")", "?", ":"}

func (a *arith) next() {
	for a.pos < len(a.src) && strings.IndexByte(" \t\n", a.src[a.pos]) >= 0 {
		a.pos++
	}
	if a.pos >= len(a.src) {
		a.tok = ""
		return
	}
	start := a.pos
	c := a.src[a.pos]
	if c >= '0' && c <= '9' || c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
		for a.pos < len(a.src) {
			c := a.src[a.pos]
			if c >= '0' && c <= '9' || c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
				a.pos++
				continue
			}
			break
		}
		a.tok = a.src[start:a.pos]
		return
	}
	for _, op := range arithOps {
		if strings.HasPrefix(a.src[a.pos:], op) {
			a.pos += len(op)
			a.tok = op
			return
		}
	}
	a.tok = a.src[a.pos : a.pos+1]
	a.pos++
}

func isArithName(t string) bool { return t != "" && !(t[0] >= '0' && t[0] <= '9') && isName(t) }

// value is a variable's value in an expression: a number, or else the
// value read as an expression of its own, as ash does (x=y y=3: $((x))
// is 3).
func (a *arith) value(name string) (int64, error) {
	v, _ := a.sh.get(name)
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	if n, err := parseArithNum(v); err == nil {
		return n, nil
	}
	if len(a.stack) > arithMaxDepth || slices.Contains(a.stack, name) {
		return 0, errArithLoop
	}
	sub := &arith{sh: a.sh, src: v, stack: append(slices.Clip(a.stack), name)}
	sub.next()
	n, err := sub.assign(0)
	if err == nil && sub.tok != "" {
		err = errArithSyntax
	}
	return n, err
}

func parseArithNum(s string) (int64, error) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var n int64
	var err error
	switch {
	case strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X"):
		var u uint64
		u, err = strconv.ParseUint(s[2:], 16, 64)
		n = int64(u)
	case len(s) > 1 && s[0] == '0':
		var u uint64
		u, err = strconv.ParseUint(s[1:], 8, 64)
		n = int64(u)
	default:
		var u uint64
		u, err = strconv.ParseUint(s, 10, 64)
		n = int64(u)
	}
	if neg {
		n = -n
	}
	return n, err
}

// assign parses assignment and the conditional operator (lowest
// precedence).
func (a *arith) assign(depth int) (int64, error) {
	if depth > arithMaxDepth {
		return 0, errArithLoop
	}
	if isArithName(a.tok) {
		save, savePos := a.tok, a.pos
		a.next()
		switch op := a.tok; op {
		case "=", "+=", "-=", "*=", "/=", "%=", "<<=", ">>=", "&=", "|=", "^=":
			a.next()
			rhs, err := a.assign(depth + 1)
			if err != nil {
				return 0, err
			}
			v := rhs
			if op != "=" {
				cur, err := a.value(save)
				if err != nil {
					return 0, err
				}
				if v, err = a.apply(op[:len(op)-1], cur, rhs); err != nil {
					return 0, err
				}
			}
			a.sh.set(save, strconv.FormatInt(v, 10))
			return v, nil
		}
		a.tok, a.pos = save, savePos
	}
	c, err := a.binary(0, depth+1)
	if err != nil {
		return 0, err
	}
	if a.tok == "?" {
		a.next()
		x, err := a.assign(depth + 1)
		if err != nil {
			return 0, err
		}
		if a.tok != ":" {
			return 0, &expandError{"malformed ?: operator"}
		}
		a.next()
		y, err := a.assign(depth + 1)
		if err != nil {
			return 0, err
		}
		if c != 0 {
			return x, nil
		}
		return y, nil
	}
	return c, nil
}

var precedence = map[string]int{
	"||": 1, "&&": 2, "|": 3, "^": 4, "&": 5, "==": 6, "!=": 6,
	"<": 7, ">": 7, "<=": 7, ">=": 7, "<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10,
	"**": 11,
}

func (a *arith) binary(minPrec, depth int) (int64, error) {
	if depth > arithMaxDepth {
		return 0, errArithLoop
	}
	lhs, err := a.unary(depth + 1)
	if err != nil {
		return 0, err
	}
	for {
		op := a.tok
		prec, ok := precedence[op]
		if !ok || prec <= minPrec {
			return lhs, nil
		}
		a.next()
		next := prec
		if op == "**" {
			next-- // right-associative
		}
		rhs, err := a.binary(next, depth+1)
		if err != nil {
			return 0, err
		}
		if lhs, err = a.apply(op, lhs, rhs); err != nil {
			return 0, err
		}
	}
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func (a *arith) apply(op string, x, y int64) (int64, error) {
	switch op {
	case "||":
		return b2i(x != 0 || y != 0), nil
	case "&&":
		return b2i(x != 0 && y != 0), nil
	case "|":
		return x | y, nil
	case "^":
		return x ^ y, nil
	case "&":
		return x & y, nil
	case "==":
		return b2i(x == y), nil
	case "!=":
		return b2i(x != y), nil
	case "<":
		return b2i(x < y), nil
	case ">":
		return b2i(x > y), nil
	case "<=":
		return b2i(x <= y), nil
	case ">=":
		return b2i(x >= y), nil
	case "<<":
		return x << (uint64(y) & 63), nil
	case ">>":
		return x >> (uint64(y) & 63), nil
	case "+":
		return x + y, nil
	case "-":
		return x - y, nil
	case "*":
		return x * y, nil
	case "/", "%":
		if y == 0 {
			return 0, errDivZero
		}
		if y == -1 {
			if op == "/" {
				return -x, nil
			}
			return 0, nil
		}
		if op == "/" {
			return x / y, nil
		}
		return x % y, nil
	case "**":
		if y < 0 {
			return 0, &expandError{"exponent less than 0"}
		}
		r := int64(1)
		for ; y > 0; y >>= 1 {
			if y&1 == 1 {
				r *= x
			}
			x *= x
		}
		return r, nil
	}
	return 0, errArithSyntax
}

// incr applies ++ or -- to a variable and gives its new value (pre) or
// its old one (post).
func (a *arith) incr(name, op string, pre bool) (int64, error) {
	v, err := a.value(name)
	if err != nil {
		return 0, err
	}
	n := v + 1
	if op == "--" {
		n = v - 1
	}
	a.sh.set(name, strconv.FormatInt(n, 10))
	if pre {
		return n, nil
	}
	return v, nil
}

func (a *arith) unary(depth int) (int64, error) {
	if depth > arithMaxDepth {
		return 0, errArithLoop
	}
	switch a.tok {
	case "++", "--":
		op := a.tok
		a.next()
		if !isArithName(a.tok) {
			return 0, errArithSyntax
		}
		name := a.tok
		a.next()
		return a.incr(name, op, true)
	case "-", "+", "!", "~":
		op := a.tok
		a.next()
		v, err := a.unary(depth + 1)
		if err != nil {
			return 0, err
		}
		switch op {
		case "-":
			return -v, nil
		case "!":
			return b2i(v == 0), nil
		case "~":
			return ^v, nil
		}
		return v, nil
	case "(":
		a.next()
		v, err := a.assign(depth + 1)
		if err != nil {
			return 0, err
		}
		if a.tok != ")" {
			return 0, errArithSyntax
		}
		a.next()
		return v, nil
	case "":
		return 0, errArithSyntax
	}
	t := a.tok
	a.next()
	if isArithName(t) {
		if a.tok == "++" || a.tok == "--" {
			op := a.tok
			a.next()
			return a.incr(t, op, false)
		}
		return a.value(t)
	}
	n, err := parseArithNum(t)
	if err != nil {
		return 0, errArithSyntax
	}
	return n, nil
}
