package differential

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// A Sequence is a list of requests sent in order to each daemon; a step may
// use what an earlier answer gave ({{c}} after `save c .Id`).
type Sequence struct {
	// Name identifies the sequence in reports and in the known-differences
	// file: "exec/tty-only-at-start", "gen/container/017".
	Name string
	// Class groups the sequence's differences in the report (one of the
	// divergence classes: exec-framing, networks, build, ...).
	Class string
	Steps []Step
	// Finally runs after the steps, whatever happened, on both daemons; its
	// answers are not compared (swarm leave, a kill).
	Finally []Step
	// Source is where the sequence was written ("file.seq:12" or "gen").
	Source string
	// Alone says that nothing may run beside the sequence: it changes
	// the whole daemon (swarm init).
	Alone bool
}

// A Step is one request and what to do around it.
type Step struct {
	Method string
	// Path is the request target without the /v1.NN prefix; query values
	// are written unencoded ({"label":["a=b"]}) and encoded when sent.
	Path string
	// Body is the request body: JSON as written, Raw bytes, or a tar of
	// Files. At most one is set.
	Body  string
	Raw   *string
	Files []TarEntry
	// Compress is the tar body's compression: "", "gzip", "bzip2" or "xz".
	Compress string
	Header   [][2]string
	// Save captures values of the answer into variables, by JSON path.
	Save []Capture
	// Stdin is written to a hijacked connection after the response head.
	Stdin []StdinChunk
	// CloseStdin half-closes the connection after Stdin.
	CloseStdin bool
	// Read bounds the wait for a streamed body to end (0: the default).
	Read time.Duration
	// Volatile lists path patterns whose values are compared only by type
	// and zero-ness (stats samples, top's PIDs).
	Volatile []string
	// Mask lists regular expressions whose matches in the answers' strings
	// are replaced by <masked> before comparing (ping's round-trip times).
	Mask []*regexp.Regexp
	// Pause is a wait before the request (for what a daemon does in the
	// background, as swarm init's ingress network).
	Pause time.Duration
	// Line is the step's line in its file (0 when generated).
	Line int
}

// A Capture saves the value at Path in an answer as variable Var.
type Capture struct {
	Var  string
	Path string
}

// A StdinChunk is bytes written to a hijacked stream After a pause.
type StdinChunk struct {
	After time.Duration
	Data  string
}

// A TarEntry is one member of a tar body.
type TarEntry struct {
	// Type is 'f' (file), 'd' (directory), 'h' (hard link to Link), 's'
	// (symlink to Link) or 't' (a file that is itself a tar of Members).
	Type    byte
	Name    string
	Content string
	Link    string
	Mode    int64
	Members []TarEntry
}

// Request is the step's request line as written: "POST /exec/{{e}}/start".
func (s Step) Request() string { return s.Method + " " + pathOnly(s.Path) }

func pathOnly(p string) string {
	path, _, _ := strings.Cut(p, "?")
	return path
}

// ParseError is a malformed line of a sequence file.
type ParseError struct {
	File string
	Line int
	Msg  string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("differential: %s:%d: %s", e.File, e.Line, e.Msg)
}

var (
	methodRe = regexp.MustCompile(`^(GET|HEAD|POST|PUT|DELETE)$`)
	nameRe   = regexp.MustCompile(`^[a-z0-9][a-z0-9._/-]*$`)
	varRe    = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	modeRe   = regexp.MustCompile(`^0[0-7]{3,4}$`)
)

// Parse reads sequences in the text format described in the package doc.
// file names the input in errors.
func Parse(r io.Reader, file string) ([]Sequence, error) {
	p := &parser{file: file, sc: bufio.NewScanner(r)}
	p.sc.Buffer(make([]byte, 64<<10), 1<<20)
	return p.parse()
}

type parser struct {
	file string
	sc   *bufio.Scanner
	line int
	seqs []Sequence
}

func (p *parser) errf(format string, args ...any) error {
	return &ParseError{File: p.file, Line: p.line, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) next() (string, bool) {
	if !p.sc.Scan() {
		return "", false
	}
	p.line++
	return p.sc.Text(), true
}

func (p *parser) parse() ([]Sequence, error) {
	seen := map[string]int{}
	var step *Step // the step option lines apply to
	for {
		raw, ok := p.next()
		if !ok {
			break
		}
		trimmed := strings.TrimSpace(raw)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		indented := raw[0] == ' ' || raw[0] == '\t'
		if indented {
			if step == nil {
				return nil, p.errf("option %q outside a step", trimmed)
			}
			if err := p.option(step, trimmed); err != nil {
				return nil, err
			}
			continue
		}
		word, rest, _ := strings.Cut(trimmed, " ")
		rest = strings.TrimSpace(rest)
		switch {
		case word == "seq":
			f := strings.Fields(rest)
			if len(f) < 2 || len(f) > 3 || (len(f) == 3 && f[2] != "alone") {
				return nil, p.errf("want `seq NAME CLASS [alone]`, got %q", trimmed)
			}
			if !nameRe.MatchString(f[0]) || !nameRe.MatchString(f[1]) {
				return nil, p.errf("sequence name and class are lower-case words: %q", trimmed)
			}
			if at, dup := seen[f[0]]; dup {
				return nil, p.errf("sequence %s already defined at line %d", f[0], at)
			}
			seen[f[0]] = p.line
			p.seqs = append(p.seqs, Sequence{Name: f[0], Class: f[1], Alone: len(f) == 3, Source: fmt.Sprintf("%s:%d", p.file, p.line)})
			step = nil
		case len(p.seqs) == 0:
			return nil, p.errf("%q before the first `seq` line", trimmed)
		case word == "finally":
			m, r, _ := strings.Cut(rest, " ")
			s, err := p.request(m, strings.TrimSpace(r))
			if err != nil {
				return nil, err
			}
			cur := &p.seqs[len(p.seqs)-1]
			cur.Finally = append(cur.Finally, s)
			step = &cur.Finally[len(cur.Finally)-1]
		default:
			s, err := p.request(word, rest)
			if err != nil {
				return nil, err
			}
			cur := &p.seqs[len(p.seqs)-1]
			cur.Steps = append(cur.Steps, s)
			step = &cur.Steps[len(cur.Steps)-1]
		}
	}
	if err := p.sc.Err(); err != nil {
		return nil, fmt.Errorf("differential: reading %s: %w", p.file, err)
	}
	for _, s := range p.seqs {
		if err := Validate(s); err != nil {
			return nil, &ParseError{File: p.file, Line: seen[s.Name], Msg: strings.TrimPrefix(err.Error(), "differential: ")}
		}
	}
	return p.seqs, nil
}

// request parses "METHOD PATH [JSON]".
func (p *parser) request(method, rest string) (Step, error) {
	if !methodRe.MatchString(method) {
		return Step{}, p.errf("unknown line %q: want seq, finally, an HTTP method or an indented option", method+" "+rest)
	}
	path, body, _ := strings.Cut(rest, " ")
	if !strings.HasPrefix(path, "/") {
		return Step{}, p.errf("path %q does not start with /", path)
	}
	body = strings.TrimSpace(body)
	if body != "" {
		if !json.Valid([]byte(expandForCheck(body))) {
			return Step{}, p.errf("body is not JSON: %s", body)
		}
	}
	return Step{Method: method, Path: path, Body: body, Line: p.line}, nil
}

// expandForCheck replaces variables by a JSON-neutral value so that a body
// can be checked for JSON syntax before it is expanded: {{labels}} stands
// for an object, any other variable sits inside a string or stands for one.
func expandForCheck(s string) string {
	return varUse.ReplaceAllStringFunc(s, func(m string) string {
		if m == "{{labels}}" {
			return "{}"
		}
		return "0"
	})
}

// option parses an indented line under a step.
func (p *parser) option(s *Step, line string) error {
	word, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	switch word {
	case "save":
		f := strings.Fields(rest)
		if len(f) != 2 || !varRe.MatchString(f[0]) || !strings.HasPrefix(f[1], ".") {
			return p.errf("want `save VAR .path`, got %q", line)
		}
		if builtin[f[0]] {
			return p.errf("variable %s is built in", f[0])
		}
		s.Save = append(s.Save, Capture{Var: f[0], Path: f[1]})
	case "body":
		if s.Body != "" || s.Raw != nil || s.Files != nil {
			return p.errf("step already has a body")
		}
		v, err := p.text(rest)
		if err != nil {
			return err
		}
		s.Raw = &v
	case "header":
		k, v, ok := strings.Cut(rest, " ")
		if !ok || k == "" {
			return p.errf("want `header NAME VALUE`, got %q", line)
		}
		s.Header = append(s.Header, [2]string{k, strings.TrimSpace(v)})
	case "file", "dir", "link", "symlink":
		if s.Body != "" || s.Raw != nil {
			return p.errf("step already has a body")
		}
		e, err := p.tarEntry(word, rest)
		if err != nil {
			return err
		}
		s.Files = append(s.Files, e)
	case "compress":
		switch rest {
		case "gzip", "bzip2", "xz":
			s.Compress = rest
		default:
			return p.errf("compress %q: want gzip, bzip2 or xz", rest)
		}
	case "stdin":
		var c StdinChunk
		if after, r, ok := strings.Cut(rest, " "); ok && after == "after" {
			d, r2, _ := strings.Cut(strings.TrimSpace(r), " ")
			dur, err := time.ParseDuration(d)
			if err != nil {
				return p.errf("stdin after %q: %v", d, err)
			}
			c.After, rest = dur, strings.TrimSpace(r2)
		}
		v, err := p.text(rest)
		if err != nil {
			return err
		}
		c.Data = v
		s.Stdin = append(s.Stdin, c)
	case "close-stdin":
		s.CloseStdin = true
	case "read":
		d, err := time.ParseDuration(rest)
		if err != nil || d <= 0 {
			return p.errf("read %q: want a positive duration", rest)
		}
		s.Read = d
	case "pause":
		d, err := time.ParseDuration(rest)
		if err != nil || d <= 0 {
			return p.errf("pause %q: want a positive duration", rest)
		}
		s.Pause = d
	case "mask":
		re, err := regexp.Compile(rest)
		if err != nil || rest == "" {
			return p.errf("mask %q: want a regular expression: %v", rest, err)
		}
		s.Mask = append(s.Mask, re)
	case "tarfile":
		// tarfile NAME MEMBER TEXT: a member of the tar file NAME inside
		// the body (ADD unpacks such files).
		name, r, _ := strings.Cut(rest, " ")
		member, text, _ := strings.Cut(strings.TrimSpace(r), " ")
		if name == "" || member == "" {
			return p.errf("want `tarfile NAME MEMBER TEXT`, got %q", line)
		}
		v, err := p.text(strings.TrimSpace(text))
		if err != nil {
			return err
		}
		m := TarEntry{Type: 'f', Name: member, Content: v, Mode: 0o644}
		for i := range s.Files {
			if s.Files[i].Type == 't' && s.Files[i].Name == name {
				s.Files[i].Members = append(s.Files[i].Members, m)
				return nil
			}
		}
		if s.Body != "" || s.Raw != nil {
			return p.errf("step already has a body")
		}
		s.Files = append(s.Files, TarEntry{Type: 't', Name: name, Mode: 0o644, Members: []TarEntry{m}})
	case "volatile":
		if rest == "" {
			return p.errf("volatile needs a path pattern")
		}
		s.Volatile = append(s.Volatile, strings.Fields(rest)...)
	default:
		return p.errf("unknown option %q", word)
	}
	return nil
}

// text reads a Go-quoted string, or a here-document: <<WORD then lines up
// to a line holding WORD alone, each line ending in \n.
func (p *parser) text(arg string) (string, error) {
	if word, ok := strings.CutPrefix(arg, "<<"); ok {
		if word == "" || strings.ContainsAny(word, " \t") {
			return "", p.errf("here-document needs a word: <<END")
		}
		start := p.line
		var b strings.Builder
		for {
			l, ok := p.next()
			if !ok {
				p.line = start
				return "", p.errf("here-document <<%s has no end line %s", word, word)
			}
			if strings.TrimSpace(l) == word {
				return b.String(), nil
			}
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	v, err := strconv.Unquote(arg)
	if err != nil || !strings.HasPrefix(arg, `"`) {
		return "", p.errf("want a double-quoted string or <<WORD, got %s", arg)
	}
	return v, nil
}

// tarEntry parses `file NAME [MODE] TEXT`, `dir NAME`, `link NAME TARGET`,
// `symlink NAME TARGET`.
func (p *parser) tarEntry(kind, rest string) (TarEntry, error) {
	name, arg, _ := strings.Cut(rest, " ")
	arg = strings.TrimSpace(arg)
	if name == "" {
		return TarEntry{}, p.errf("%s needs a name", kind)
	}
	switch kind {
	case "dir":
		return TarEntry{Type: 'd', Name: name, Mode: 0o755}, nil
	case "link", "symlink":
		if arg == "" {
			return TarEntry{}, p.errf("%s %s needs a target", kind, name)
		}
		t := byte('h')
		if kind == "symlink" {
			t = 's'
		}
		return TarEntry{Type: t, Name: name, Link: arg, Mode: 0o777}, nil
	}
	mode := int64(0o644)
	if m, r, ok := strings.Cut(arg, " "); ok && modeRe.MatchString(m) {
		v, _ := strconv.ParseInt(m, 8, 32)
		mode, arg = v, strings.TrimSpace(r)
	}
	v, err := p.text(arg)
	if err != nil {
		return TarEntry{}, err
	}
	return TarEntry{Type: 'f', Name: name, Content: v, Mode: mode}, nil
}
