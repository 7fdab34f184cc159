package shell

import (
	"errors"
	"fmt"
	"strings"
)

// ErrSyntax is wrapped by every parse error.
var ErrSyntax = errors.New("shell: syntax error")

// SyntaxError is a parse error with the byte offset it was found at.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string { return "shell: syntax error: " + e.Msg }

// Unwrap lets errors.Is(err, ErrSyntax) match.
func (e *SyntaxError) Unwrap() error { return ErrSyntax }

type tokKind int

const (
	tEOF tokKind = iota
	tWord
	tIONum
	tOp
	tNewline
)

type token struct {
	kind tokKind
	val  string
	pos  int
}

func (t token) String() string {
	switch t.kind {
	case tEOF:
		return "end of file"
	case tNewline:
		return "newline"
	}
	return t.val
}

type lexer struct {
	src     string
	pos     int
	pending []pendingDoc // here-documents whose bodies follow the next newline
}

type pendingDoc struct {
	delim string
	strip bool // <<- strips leading tabs
	doc   *HereDoc
}

// readHereDocs reads the bodies of the pending here-documents, which start
// at l.pos (just after a newline).
func (l *lexer) readHereDocs() error {
	for _, pd := range l.pending {
		var body strings.Builder
		for {
			if l.pos >= len(l.src) {
				return &SyntaxError{Offset: l.pos, Msg: fmt.Sprintf("here-document delimited by end of file (wanted %q)", pd.delim)}
			}
			end := strings.IndexByte(l.src[l.pos:], '\n')
			var line string
			if end < 0 {
				line, l.pos = l.src[l.pos:], len(l.src)
			} else {
				line, l.pos = l.src[l.pos:l.pos+end], l.pos+end+1
			}
			if pd.strip {
				line = strings.TrimLeft(line, "\t")
			}
			if line == pd.delim {
				break
			}
			body.WriteString(line)
			body.WriteByte('\n')
		}
		pd.doc.Body = body.String()
	}
	l.pending = nil
	return nil
}

var ops = []string{"&&", "||", ";;", "<<-", "<<", ">>", "<&", ">&", "<>", ">|", ";", "&", "|", "(", ")", "<", ">"}

func isOpStart(c byte) bool { return strings.IndexByte(";&|()<>", c) >= 0 }

func (l *lexer) errf(format string, args ...any) error {
	return &SyntaxError{Offset: l.pos, Msg: fmt.Sprintf(format, args...)}
}

func (l *lexer) next() (token, error) {
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			l.pos++
		case c == '\\' && l.pos+1 < len(l.src) && l.src[l.pos+1] == '\n':
			l.pos += 2
		case c == '#':
			for l.pos < len(l.src) && l.src[l.pos] != '\n' {
				l.pos++
			}
		default:
			goto tok
		}
	}
tok:
	start := l.pos
	if l.pos >= len(l.src) {
		if len(l.pending) > 0 {
			return token{}, &SyntaxError{Offset: l.pos, Msg: fmt.Sprintf("here-document delimited by end of file (wanted %q)", l.pending[0].delim)}
		}
		return token{kind: tEOF, pos: start}, nil
	}
	c := l.src[l.pos]
	if c == '\n' {
		l.pos++
		if len(l.pending) > 0 {
			if err := l.readHereDocs(); err != nil {
				return token{}, err
			}
		}
		return token{kind: tNewline, val: "\n", pos: start}, nil
	}
	if isOpStart(c) {
		for _, op := range ops {
			if strings.HasPrefix(l.src[l.pos:], op) {
				l.pos += len(op)
				return token{kind: tOp, val: op, pos: start}, nil
			}
		}
	}
	end, err := scanWord(l.src, l.pos)
	if err != nil {
		l.pos = end
		return token{}, err
	}
	l.pos = end
	w := l.src[start:end]
	if end < len(l.src) && (l.src[end] == '<' || l.src[end] == '>') && isDigits(w) {
		return token{kind: tIONum, val: w, pos: start}, nil
	}
	return token{kind: tWord, val: w, pos: start}, nil
}

func isDigits(s string) bool {
	if s == "" || len(s) > 4 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// scanWord returns the end of the word starting at i.
func scanWord(s string, i int) (int, error) {
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || isOpStart(c):
			return i, nil
		}
		j, err := scanUnit(s, i)
		if err != nil {
			return j, err
		}
		i = j
	}
	return i, nil
}

// scanUnit skips one lexical unit at i: a quoted string, an escape, an
// expansion or a plain byte.
func scanUnit(s string, i int) (int, error) {
	switch s[i] {
	case '\'':
		j := strings.IndexByte(s[i+1:], '\'')
		if j < 0 {
			return len(s), &SyntaxError{i, "unterminated quoted string"}
		}
		return i + 1 + j + 1, nil
	case '"':
		return scanDouble(s, i+1)
	case '\\':
		return min(i+2, len(s)), nil
	case '`':
		return scanBackquote(s, i+1)
	case '$':
		if i+1 < len(s) {
			switch s[i+1] {
			case '(':
				return scanParens(s, i+1)
			case '{':
				return scanBraces(s, i+2)
			}
		}
	}
	return i + 1, nil
}

func scanDouble(s string, i int) (int, error) {
	for i < len(s) {
		switch s[i] {
		case '"':
			return i + 1, nil
		case '\\':
			i += 2
		case '`', '$':
			j, err := scanUnit(s, i)
			if err != nil {
				return j, err
			}
			i = j
		default:
			i++
		}
	}
	return len(s), &SyntaxError{len(s), "unterminated quoted string"}
}

func scanBackquote(s string, i int) (int, error) {
	for i < len(s) {
		switch s[i] {
		case '`':
			return i + 1, nil
		case '\\':
			i += 2
		default:
			i++
		}
	}
	return len(s), &SyntaxError{len(s), "EOF in backquote substitution"}
}

// scanParens skips a balanced (...) starting at the "(" at i.
func scanParens(s string, i int) (int, error) {
	depth, start := 0, i
	for i < len(s) {
		switch s[i] {
		case '(':
			depth++
			i++
		case ')':
			depth--
			i++
			if depth == 0 {
				return i, nil
			}
		case '\'', '"', '\\', '`', '$':
			j, err := scanUnit(s, i)
			if err != nil {
				return j, err
			}
			i = j
		case '#':
			if i > 0 && strings.IndexByte(" \t\n;", s[i-1]) >= 0 {
				for i < len(s) && s[i] != '\n' {
					i++
				}
				continue
			}
			i++
		default:
			i++
		}
	}
	if strings.HasPrefix(s[start:], "((") {
		return len(s), &SyntaxError{len(s), "missing '))'"}
	}
	return len(s), &SyntaxError{len(s), `unexpected end of file (expecting ")")`}
}

// scanBraces skips to after the "}" closing a ${ whose body starts at i.
func scanBraces(s string, i int) (int, error) {
	for i < len(s) {
		switch s[i] {
		case '}':
			return i + 1, nil
		case '\'', '"', '\\', '`', '$':
			j, err := scanUnit(s, i)
			if err != nil {
				return j, err
			}
			i = j
		default:
			i++
		}
	}
	return len(s), &SyntaxError{len(s), "missing '}'"}
}
