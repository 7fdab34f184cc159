package tarstream

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// Matcher decides which paths a .dockerignore excludes, with the semantics of
// the docker CLI (moby/patternmatcher's MatchesOrParentMatches):
//
//   - Patterns are trimmed and cleaned (filepath.Clean); blank ones are
//     skipped. A leading "!" makes an exception that re-includes what it
//     matches.
//   - "*" matches any run of characters but "/", "?" one character but "/",
//     "[...]" a character class, "\" escapes the next character.
//   - "**" matches any number of directories, including none: "**/x" matches
//     "x" and "a/b/x"; a pattern ending in "**" matches every path that
//     starts with what precedes it ("a/**" matches everything under "a/").
//   - A pattern matches a path when it matches the path itself or one of its
//     parent directories, so "a" excludes "a/b/c".
//   - Patterns are evaluated in order and the last one that matches wins.
//
// The CLI's quirks are kept on purpose, because a build must see the same
// context with dockwire as with docker build: a pattern that starts with "**"
// and has no other wildcard is a plain suffix test ("**.go" matches
// "a/b.go"; "**/a.b" does not treat "." specially).
//
// # Concurrency
//
// A Matcher is immutable once built; Match may be called from several
// goroutines at once.
type Matcher struct {
	patterns   []pattern
	exclusions bool
}

type matchKind uint8

const (
	matchExact matchKind = iota
	matchPrefix
	matchSuffix
	matchRegexp
)

type pattern struct {
	text      string // cleaned, without the "!"
	exclusion bool
	kind      matchKind
	re        *regexp.Regexp
}

// NewMatcher compiles .dockerignore patterns (as ReadIgnore returns them). A
// pattern that does not compile ("[" unterminated, a lone "!") gives an error
// wrapping ErrBadPattern.
func NewMatcher(patterns []string) (*Matcher, error) {
	m := &Matcher{patterns: make([]pattern, 0, len(patterns))}
	for _, raw := range patterns {
		p := strings.TrimSpace(raw)
		if p == "" {
			continue
		}
		p = filepath.ToSlash(filepath.Clean(p))
		var pat pattern
		if p[0] == '!' {
			if len(p) == 1 {
				return nil, fmt.Errorf("%w: %q: exception without a pattern", ErrBadPattern, raw)
			}
			pat.exclusion = true
			m.exclusions = true
			p = p[1:]
		}
		// path.Match reports the syntax errors filepath.Match would.
		if _, err := path.Match(p, "."); err != nil {
			return nil, fmt.Errorf("%w: %q: %w", ErrBadPattern, raw, err)
		}
		pat.text = p
		if err := pat.compile(); err != nil {
			return nil, fmt.Errorf("%w: %q: %w", ErrBadPattern, raw, err)
		}
		m.patterns = append(m.patterns, pat)
	}
	return m, nil
}

// compile picks the cheapest test that is equivalent to the pattern: an
// exact comparison, a prefix test (literal text then a final "**"), a suffix
// test (a leading "**" then literal text) or a regular expression.
func (p *pattern) compile() error {
	var re strings.Builder
	re.WriteString("^")
	kind := matchExact
	s := p.text
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '*' && i+1 < len(s) && s[i+1] == '*':
			start := i == 0
			i += 2
			if i < len(s) && s[i] == '/' {
				i++
			}
			if i == len(s) {
				if kind == matchExact {
					kind = matchPrefix
				} else {
					re.WriteString(".*")
					kind = matchRegexp
				}
			} else {
				re.WriteString("(.*/)?")
				kind = matchRegexp
			}
			if start {
				kind = matchSuffix
			}
			continue
		case c == '*':
			re.WriteString("[^/]*")
			kind = matchRegexp
		case c == '?':
			re.WriteString("[^/]")
			kind = matchRegexp
		case c == '\\':
			if i+1 < len(s) {
				// Quote the escaped character, whatever it is (it may be a
				// multi-byte rune: copy all of it).
				j := i + 1
				for j+1 < len(s) && s[j+1]&0xC0 == 0x80 {
					j++
				}
				if e := s[i+1]; j == i+1 && isPunct(e) {
					// ASCII punctuation: a backslash escape means the
					// character itself inside a class too ("[a\-z]" is
					// a, -, z), where QuoteMeta would leave "-" bare and
					// make a range.
					re.WriteByte('\\')
					re.WriteByte(e)
				} else {
					re.WriteString(regexp.QuoteMeta(s[i+1 : j+1]))
				}
				kind = matchRegexp
				i = j + 1
				continue
			}
			re.WriteString(`\\`)
		case c == '[' || c == ']':
			re.WriteByte(c)
			kind = matchRegexp
		case strings.IndexByte(".+()|{}$", c) >= 0:
			re.WriteByte('\\')
			re.WriteByte(c)
		default:
			re.WriteByte(c)
		}
		i++
	}
	p.kind = kind
	if kind == matchRegexp {
		re.WriteString("$")
		r, err := regexp.Compile(re.String())
		if err != nil {
			return err
		}
		p.re = r
	}
	return nil
}

func (p *pattern) match(name string) bool {
	switch p.kind {
	case matchExact:
		return name == p.text
	case matchPrefix:
		return strings.HasPrefix(name, p.text[:len(p.text)-2])
	case matchSuffix:
		suffix := p.text[2:]
		if strings.HasSuffix(name, suffix) {
			return true
		}
		return suffix != "" && suffix[0] == '/' && name == suffix[1:]
	default:
		return p.re.MatchString(name)
	}
}

// Match reports whether the slash-separated relative path name is excluded:
// the last pattern that matches it or one of its parent directories decides.
// The error is always nil today; it is kept so that a future pattern form can
// fail at match time without an API change.
func (m *Matcher) Match(name string) (bool, error) {
	name = path.Clean(name)
	if name == "." || name == "" {
		return false, nil
	}
	matched := false
	for i := range m.patterns {
		p := &m.patterns[i]
		// An inclusion cannot change an already excluded path, nor an
		// exception a path that is not excluded.
		if p.exclusion != matched {
			continue
		}
		ok := p.match(name)
		if !ok {
			for j := 0; j < len(name); j++ {
				if name[j] == '/' && p.match(name[:j]) {
					ok = true
					break
				}
			}
		}
		if ok {
			matched = !p.exclusion
		}
	}
	return matched, nil
}

// Exclusions reports whether any pattern is an exception ("!...").
func (m *Matcher) Exclusions() bool { return m.exclusions }

// mayReinclude reports whether an exception could re-include something
// under the excluded directory dir, so that the walk must enter it. Like the
// docker CLI, it only looks at exceptions that literally start with "dir/".
func (m *Matcher) mayReinclude(dir string) bool {
	if !m.exclusions {
		return false
	}
	prefix := dir + "/"
	for i := range m.patterns {
		p := &m.patterns[i]
		if p.exclusion && strings.HasPrefix(p.text+"/", prefix) {
			return true
		}
	}
	return false
}

// maxIgnoreLine caps one line of a .dockerignore file.
const maxIgnoreLine = 1 << 20

// ReadIgnore parses a .dockerignore file the way the docker CLI does: a UTF-8
// byte order mark is dropped, lines starting with "#" are comments, lines are
// trimmed and blank ones skipped, each pattern is cleaned (filepath.Clean,
// slash-separated, a leading "/" removed) and a leading "!" is kept. A line
// longer than 1 MiB is an error.
func ReadIgnore(r io.Reader) ([]string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxIgnoreLine)
	var out []string
	first := true
	for sc.Scan() {
		line := sc.Bytes()
		if first {
			line = bytes.TrimPrefix(line, []byte("\xEF\xBB\xBF"))
			first = false
		}
		if len(line) > 0 && line[0] == '#' {
			continue
		}
		p := strings.TrimSpace(string(line))
		if p == "" {
			continue
		}
		invert := p[0] == '!'
		if invert {
			p = strings.TrimSpace(p[1:])
		}
		if p != "" {
			p = filepath.ToSlash(filepath.Clean(p))
			if len(p) > 1 && p[0] == '/' {
				p = p[1:]
			}
		}
		if invert {
			p = "!" + p
		}
		out = append(out, p)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("tarstream: read .dockerignore: line longer than %d bytes: %w", maxIgnoreLine, err)
		}
		return nil, fmt.Errorf("tarstream: read .dockerignore: %w", err)
	}
	return out, nil
}

// isPunct reports whether c is ASCII punctuation, which RE2 lets a
// backslash escape anywhere, in a class or not.
func isPunct(c byte) bool {
	return strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) >= 0
}
