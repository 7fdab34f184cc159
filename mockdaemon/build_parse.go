package mockdaemon

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The Dockerfile parser of dockerd 20.10's classic builder (BuildKit's
// frontend/dockerfile parser and instructions, v0.8): a text to nodes
// pass (directives, continuation lines, comments, each instruction's line
// parser), then nodes to instructions grouped in stages.

// dfNode is one instruction line as the parser reads it.
type dfNode struct {
	cmd      string // lower case
	original string // the line, continuations joined
	line     int    // where it starts, from 1
	flags    []string
	args     []string
	json     bool    // the arguments were a JSON array
	sub      *dfNode // ONBUILD's instruction
}

// dfParsed is a parsed Dockerfile.
type dfParsed struct {
	nodes    []*dfNode
	escape   rune
	warnings []string
}

var (
	dfWhitespace = regexp.MustCompile(`[\t\v\f\r ]+`)
	dfDirective  = regexp.MustCompile(`^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`)
	dfComment    = regexp.MustCompile(`^#.*$`)
)

// errNotStringArray is the line parsers' refusal of a JSON array that
// holds something other than strings.
var errNotStringArray = errors.New("when using JSON array syntax, arrays must be comprised of strings only")

// parseDockerfileText splits src into instruction nodes like BuildKit's
// parser.Parse.
func parseDockerfileText(src []byte) (*dfParsed, error) {
	p := &dfParsed{escape: '\\'}
	cont := regexp.MustCompile(`\\[ \t]*$`)
	directives := true
	escapeSeen := false
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 0, 64<<10), len(src)+1)
	line := 0
	// processLine drops a leading blank run (first lines only) and
	// comments, and looks for the escape directive before anything else.
	processLine := func(b []byte, stripLeft bool) ([]byte, error) {
		if stripLeft {
			b = bytes.TrimLeftFunc(b, unicode.IsSpace)
		}
		if directives {
			m := dfDirective.FindStringSubmatch(string(b))
			key := ""
			if m != nil {
				key = strings.ToLower(m[1])
			}
			switch key {
			case "escape":
				if escapeSeen {
					return nil, errors.New("only one escape parser directive can be used")
				}
				escapeSeen = true
				if m[2] != "`" && m[2] != "\\" {
					return nil, fmt.Errorf("invalid escape token '%s' does not match ` or \\", m[2])
				}
				p.escape = rune(m[2][0])
				cont = regexp.MustCompile(`\` + m[2] + `[ \t]*$`)
			case "syntax":
			default:
				directives = false
			}
		}
		return dfComment.ReplaceAll(b, nil), nil
	}
	trimCont := func(s string) (string, bool) {
		if cont.MatchString(s) {
			return cont.ReplaceAllString(s, ""), false
		}
		return s, true
	}
	for sc.Scan() {
		b := sc.Bytes()
		if line == 0 {
			b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
		}
		b, err := processLine(b, true)
		if err != nil {
			return nil, err
		}
		line++
		start := line
		text, end := trimCont(string(b))
		if end && text == "" {
			continue
		}
		emptyCont := false
		for !end && sc.Scan() {
			raw := sc.Bytes()
			nb, err := processLine(raw, false)
			if err != nil {
				return nil, err
			}
			line++
			if dfComment.Match(bytes.TrimLeftFunc(raw, unicode.IsSpace)) {
				continue
			}
			if len(bytes.TrimLeftFunc(nb, unicode.IsSpace)) == 0 {
				emptyCont = true
				continue
			}
			var more string
			more, end = trimCont(string(nb))
			text += more
		}
		if emptyCont {
			p.warnings = append(p.warnings, "[WARNING]: Empty continuation line found in:\n    "+text)
		}
		n, err := parseDockerfileLine(text, p.escape)
		if err != nil {
			return nil, err
		}
		n.line = start
		p.nodes = append(p.nodes, n)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(p.warnings) > 0 {
		p.warnings = append(p.warnings, "[WARNING]: Empty continuation lines will become errors in a future release.")
	}
	return p, nil
}

// parseDockerfileLine splits one instruction line into its command, flags
// and arguments, the arguments by the command's line parser.
func parseDockerfileLine(text string, escape rune) (*dfNode, error) {
	parts := dfWhitespace.Split(strings.TrimSpace(text), 2)
	n := &dfNode{cmd: strings.ToLower(parts[0]), original: text}
	rest := ""
	if len(parts) == 2 {
		rest, n.flags = extractBuilderFlags(parts[1])
		rest = strings.TrimSpace(rest)
	}
	var err error
	switch n.cmd {
	case "run", "cmd", "entrypoint", "shell":
		n.args, n.json, err = parseMaybeJSON(rest)
	case "add", "copy", "volume":
		n.args, n.json, err = parseJSONArray(rest)
		if err != nil && err != errNotStringArray {
			n.args, err = dfWhitespace.Split(rest, -1), nil
			if rest == "" {
				n.args = nil
			}
		}
	case "expose", "from":
		if rest != "" {
			n.args = dfWhitespace.Split(rest, -1)
		}
	case "maintainer", "stopsignal", "user", "workdir":
		if rest != "" {
			n.args = []string{rest}
		}
	case "arg":
		n.args = parseWords(rest, escape)
	case "env", "label":
		n.args, err = parseNameVal(rest, strings.ToUpper(n.cmd), escape)
	case "healthcheck":
		n.args, n.json, err = parseHealthArgs(rest)
	case "onbuild":
		if rest != "" {
			n.sub, err = parseDockerfileLine(rest, escape)
		}
	}
	if err != nil {
		return nil, err
	}
	return n, nil
}

// extractBuilderFlags takes the leading "--flag=value" words off line.
func extractBuilderFlags(line string) (string, []string) {
	const (
		inSpaces = iota
		inWord
		inQuote
	)
	var words []string
	phase := inSpaces
	word := ""
	var quote byte
	blankOK := false
	for pos := 0; pos <= len(line); pos++ {
		var ch byte
		if pos != len(line) {
			ch = line[pos]
		}
		if phase == inSpaces {
			if pos == len(line) {
				break
			}
			if unicode.IsSpace(rune(ch)) {
				continue
			}
			if ch != '-' || pos+1 == len(line) || line[pos+1] != '-' {
				return line[pos:], words
			}
			phase = inWord
		}
		if pos == len(line) {
			if word != "--" && (blankOK || word != "") {
				words = append(words, word)
			}
			break
		}
		switch phase {
		case inWord:
			if unicode.IsSpace(rune(ch)) {
				phase = inSpaces
				if word == "--" {
					return line[pos:], words
				}
				if blankOK || word != "" {
					words = append(words, word)
				}
				word, blankOK = "", false
				continue
			}
			if ch == '\'' || ch == '"' {
				quote, blankOK, phase = ch, true, inQuote
				continue
			}
			if ch == '\\' {
				if pos+1 == len(line) {
					continue
				}
				pos++
				ch = line[pos]
			}
			word += string(ch)
		case inQuote:
			if ch == quote {
				phase = inWord
				continue
			}
			if ch == '\\' {
				if pos+1 == len(line) {
					phase = inWord
					continue
				}
				pos++
				ch = line[pos]
			}
			word += string(ch)
		}
	}
	return "", words
}

// parseJSONArray reads rest as a JSON array of strings (what follows the
// array is ignored, as json.Decoder does).
func parseJSONArray(rest string) ([]string, bool, error) {
	rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
	if !strings.HasPrefix(rest, "[") {
		return nil, false, fmt.Errorf("Error parsing %q as a JSON array", rest)
	}
	var l []any
	if err := json.NewDecoder(strings.NewReader(rest)).Decode(&l); err != nil {
		return nil, false, err
	}
	out := make([]string, 0, len(l))
	for _, v := range l {
		s, ok := v.(string)
		if !ok {
			return nil, false, errNotStringArray
		}
		out = append(out, s)
	}
	return out, true, nil
}

// parseMaybeJSON is the line parser of RUN, CMD, ENTRYPOINT and SHELL: a
// JSON array, else the whole text as one argument.
func parseMaybeJSON(rest string) ([]string, bool, error) {
	if rest == "" {
		return nil, false, nil
	}
	args, isJSON, err := parseJSONArray(rest)
	if err == nil {
		return args, isJSON, nil
	}
	if err == errNotStringArray {
		return nil, false, err
	}
	return []string{rest}, false, nil
}

// parseHealthArgs is HEALTHCHECK's line parser: the type word, then the
// command as parseMaybeJSON reads it.
func parseHealthArgs(rest string) ([]string, bool, error) {
	sep := strings.IndexFunc(rest, unicode.IsSpace)
	if sep == 0 || rest == "" {
		return nil, false, nil
	}
	if sep < 0 {
		sep = len(rest)
	}
	cmd, isJSON, err := parseMaybeJSON(strings.TrimLeftFunc(rest[sep:], unicode.IsSpace))
	if err != nil {
		return nil, false, err
	}
	return append([]string{rest[:sep]}, cmd...), isJSON, nil
}

// parseWords splits rest on blanks outside quotes, keeping the quotes and
// escapes in the words (the shell lexer removes them later).
func parseWords(rest string, escape rune) []string {
	const (
		inSpaces = iota
		inWord
		inQuote
	)
	words := []string{}
	phase := inSpaces
	var word strings.Builder
	var quote rune
	blankOK := false
	var ch rune
	var width int
	for pos := 0; pos <= len(rest); pos += width {
		if pos != len(rest) {
			ch, width = utf8.DecodeRuneInString(rest[pos:])
		}
		if phase == inSpaces {
			if pos == len(rest) {
				break
			}
			if unicode.IsSpace(ch) {
				continue
			}
			phase = inWord
		}
		if pos == len(rest) {
			if blankOK || word.Len() > 0 {
				words = append(words, word.String())
			}
			break
		}
		if phase == inWord {
			if unicode.IsSpace(ch) {
				phase = inSpaces
				if blankOK || word.Len() > 0 {
					words = append(words, word.String())
				}
				word.Reset()
				blankOK = false
				continue
			}
			if ch == '\'' || ch == '"' {
				quote, blankOK, phase = ch, true, inQuote
			}
			if ch == escape {
				if pos+width == len(rest) {
					continue
				}
				word.WriteRune(ch)
				pos += width
				ch, width = utf8.DecodeRuneInString(rest[pos:])
			}
			word.WriteRune(ch)
			continue
		}
		// inQuote
		if ch == quote {
			phase = inWord
		}
		if ch == escape && quote != '\'' {
			if pos+width == len(rest) {
				phase = inWord
				continue
			}
			pos += width
			word.WriteRune(ch)
			ch, width = utf8.DecodeRuneInString(rest[pos:])
		}
		word.WriteRune(ch)
	}
	return words
}

// parseNameVal is the line parser of ENV and LABEL: "name value" (the
// legacy form) or name=value words; the result alternates names and
// values.
func parseNameVal(rest, key string, escape rune) ([]string, error) {
	words := parseWords(rest, escape)
	if len(words) == 0 {
		return nil, nil
	}
	if !strings.Contains(words[0], "=") {
		parts := dfWhitespace.Split(rest, 2)
		if len(parts) < 2 {
			return nil, errors.New(key + " must have two arguments")
		}
		return []string{parts[0], parts[1]}, nil
	}
	var out []string
	for _, w := range words {
		k, v, ok := strings.Cut(w, "=")
		if !ok {
			return nil, fmt.Errorf("Syntax error - can't find = in %q. Must be of the form: name=value", w)
		}
		out = append(out, k, v)
	}
	return out, nil
}

// The instructions a stage holds.

// kvPair is one name=value of ENV, LABEL or ARG (an ARG may lack the
// value).
type kvPair struct {
	key, value string
	hasValue   bool
}

// dfInstr is one instruction of a stage; kind says which fields it uses.
type dfInstr struct {
	kind string // lower case: "run", "copy"...
	code string // the trimmed line, printed in "Step N/M : code"
	line int

	kvs          []kvPair      // env, label, arg
	noExpand     bool          // a LABEL of the labels parameter
	cmdLine      []string      // run, cmd, entrypoint
	prependShell bool          // run, cmd, entrypoint: shell form
	paths        []string      // add, copy: sources then the destination; volume
	chown, from  string        // add, copy
	chmod        string        // add, copy: refused when the step runs
	mounts       []*runMount   // run: refused when the step runs
	words        []string      // expose ports, shell
	value        string        // workdir path, user, stopsignal, maintainer, onbuild expression
	health       *healthConfig // healthcheck
}

// dfStage is one FROM and its instructions.
type dfStage struct {
	baseName string
	name     string // lower case, "" without AS
	code     string
	instrs   []*dfInstr
}

// dfParseError is an instruction's refusal, placed on its line as
// BuildKit's instructions.Parse does.
type dfParseError struct {
	line int
	err  error
}

func (e *dfParseError) Error() string {
	return fmt.Sprintf("dockerfile parse error line %d: %v", e.line, e.err)
}

// parseStages turns nodes into stages and the ARGs before the first FROM.
func parseStages(nodes []*dfNode) ([]*dfStage, []*dfInstr, error) {
	var stages []*dfStage
	var meta []*dfInstr
	for _, n := range nodes {
		if n.cmd == "from" {
			st, err := parseFrom(n)
			if err != nil {
				return nil, nil, &dfParseError{n.line, err}
			}
			stages = append(stages, st)
			continue
		}
		in, err := parseInstruction(n)
		if err != nil {
			return nil, nil, &dfParseError{n.line, err}
		}
		if in.kind == "arg" && len(stages) == 0 {
			meta = append(meta, in)
			continue
		}
		if len(stages) == 0 {
			return nil, nil, errors.New("no build stage in current context")
		}
		st := stages[len(stages)-1]
		st.instrs = append(st.instrs, in)
	}
	return stages, meta, nil
}

var stageNameRE = regexp.MustCompile(`^[a-z][a-z0-9-_\.]*$`)

func parseFrom(n *dfNode) (*dfStage, error) {
	st := &dfStage{code: strings.TrimSpace(n.original)}
	switch {
	case len(n.args) == 3 && strings.EqualFold(n.args[1], "as"):
		st.name = strings.ToLower(n.args[2])
		if !stageNameRE.MatchString(st.name) {
			return nil, fmt.Errorf("invalid name for build stage: %q, name can't start with a number or contain symbols", n.args[2])
		}
	case len(n.args) != 1:
		return nil, errors.New("FROM requires either one or three arguments")
	}
	fl := newDFFlags(n.flags)
	fl.add("platform", flagString)
	if err := fl.parse(); err != nil {
		return nil, err
	}
	st.baseName = n.args[0]
	return st, nil
}

// flag kinds of instruction flags.
const (
	flagString = iota
	flagBool
	flagStrings // may be given again: each value is kept (RUN --mount)
)

// dfFlags are an instruction's --flags, parsed like BuildKit's BFlags.
type dfFlags struct {
	args   []string
	kinds  map[string]int
	values map[string]string
	lists  map[string][]string // of flagStrings
}

func newDFFlags(args []string) *dfFlags {
	return &dfFlags{args: args, kinds: map[string]int{}, values: map[string]string{}, lists: map[string][]string{}}
}

func (f *dfFlags) add(name string, kind int) { f.kinds[name] = kind }

func (f *dfFlags) parse() error {
	used := map[string]bool{}
	for _, a := range f.args {
		if !strings.HasPrefix(a, "--") {
			return fmt.Errorf("Arg should start with -- : %s", a)
		}
		if a == "--" {
			return nil
		}
		name, value, hasValue := strings.Cut(a[2:], "=")
		kind, ok := f.kinds[name]
		if !ok {
			return fmt.Errorf("Unknown flag: %s", name)
		}
		if used[name] && kind != flagStrings {
			return fmt.Errorf("Duplicate flag specified: %s", name)
		}
		used[name] = true
		switch kind {
		case flagStrings:
			if !hasValue {
				return fmt.Errorf("Missing a value on flag: %s", name)
			}
			f.lists[name] = append(f.lists[name], value)
		case flagBool:
			if hasValue && value == "" {
				return fmt.Errorf("Missing a value on flag: %s", name)
			}
			switch lower := strings.ToLower(value); lower {
			case "":
				f.values[name] = "true"
			case "true", "false":
				f.values[name] = lower
			default:
				return fmt.Errorf("Expecting boolean value for flag %s, not: %s", name, value)
			}
		default:
			if !hasValue {
				return fmt.Errorf("Missing a value on flag: %s", name)
			}
			f.values[name] = value
		}
	}
	return nil
}

// nodeArgs lists a node's arguments as BuildKit's instructions see them:
// ONBUILD's are its instruction's name and arguments.
func nodeArgs(n *dfNode) []string {
	if n.sub != nil {
		return append([]string{n.sub.cmd}, nodeArgs(n.sub)...)
	}
	return n.args
}

func errAtLeastOne(cmd string) error { return fmt.Errorf("%s requires at least one argument", cmd) }
func errExactlyOne(cmd string) error { return fmt.Errorf("%s requires exactly one argument", cmd) }

var onbuildPrefix = regexp.MustCompile(`(?i)^\s*ONBUILD\s*`)

// parseInstruction parses one node other than FROM.
func parseInstruction(n *dfNode) (*dfInstr, error) {
	in := &dfInstr{kind: n.cmd, code: strings.TrimSpace(n.original), line: n.line}
	args := nodeArgs(n)
	fl := newDFFlags(n.flags)
	upper := strings.ToUpper(n.cmd)
	shellDependent := func(emptyAsNil bool) {
		switch {
		case len(args) == 0:
			in.cmdLine = []string{}
		case n.json:
			in.cmdLine = args
		default:
			in.cmdLine = []string{strings.Join(args, " ")}
		}
		if emptyAsNil && len(in.cmdLine) == 0 {
			in.cmdLine = nil
		}
		in.prependShell = !n.json
	}
	switch n.cmd {
	case "env", "label":
		if err := fl.parse(); err != nil {
			return nil, err
		}
		if len(args) == 0 {
			return nil, errAtLeastOne(upper)
		}
		if len(args)%2 != 0 {
			return nil, fmt.Errorf("Bad input to %s, too many arguments", upper)
		}
		for i := 0; i < len(args); i += 2 {
			if args[i] == "" {
				return nil, fmt.Errorf("%s names can not be blank", upper)
			}
			in.kvs = append(in.kvs, kvPair{args[i], args[i+1], true})
		}
	case "maintainer", "workdir", "user", "stopsignal":
		if len(args) != 1 {
			return nil, errExactlyOne(upper)
		}
		if err := fl.parse(); err != nil {
			return nil, err
		}
		in.value = args[0]
	case "add", "copy":
		if len(args) < 2 {
			return nil, fmt.Errorf("%s requires at least two arguments, but only one was provided. Destination could not be determined", upper)
		}
		fl.add("chown", flagString)
		fl.add("chmod", flagString)
		if n.cmd == "copy" {
			fl.add("from", flagString)
		}
		if err := fl.parse(); err != nil {
			return nil, err
		}
		in.paths, in.chown, in.chmod, in.from = args, fl.values["chown"], fl.values["chmod"], fl.values["from"]
	case "onbuild":
		if len(args) == 0 {
			return nil, errAtLeastOne("ONBUILD")
		}
		if err := fl.parse(); err != nil {
			return nil, err
		}
		switch trigger := strings.ToUpper(strings.TrimSpace(args[0])); trigger {
		case "ONBUILD":
			return nil, errors.New("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")
		case "MAINTAINER", "FROM":
			return nil, fmt.Errorf("%s isn't allowed as an ONBUILD trigger", trigger)
		}
		in.value = onbuildPrefix.ReplaceAllString(n.original, "")
	case "run", "cmd":
		if n.cmd == "run" {
			fl.add("mount", flagStrings)
		}
		if err := fl.parse(); err != nil {
			return nil, err
		}
		for _, v := range fl.lists["mount"] {
			m, err := parseRunMount(v)
			if err != nil {
				return nil, err
			}
			in.mounts = append(in.mounts, m)
		}
		shellDependent(false)
	case "entrypoint":
		if err := fl.parse(); err != nil {
			return nil, err
		}
		shellDependent(true)
	case "healthcheck":
		h, err := parseHealthcheck(args, n.json, fl)
		if err != nil {
			return nil, err
		}
		in.health = h
	case "expose":
		if len(args) == 0 {
			return nil, errAtLeastOne("EXPOSE")
		}
		if err := fl.parse(); err != nil {
			return nil, err
		}
		in.words = append([]string(nil), args...)
		sort.Strings(in.words)
	case "volume":
		if len(args) == 0 {
			return nil, errAtLeastOne("VOLUME")
		}
		if err := fl.parse(); err != nil {
			return nil, err
		}
		for _, v := range args {
			if v = strings.TrimSpace(v); v == "" {
				return nil, errors.New("VOLUME specified can not be an empty string")
			}
			in.paths = append(in.paths, v)
		}
	case "arg":
		if len(args) == 0 {
			return nil, errAtLeastOne("ARG")
		}
		if err := fl.parse(); err != nil {
			return nil, err
		}
		for _, a := range args {
			k, v, ok := strings.Cut(a, "=")
			if ok && k == "" {
				return nil, errors.New("ARG names can not be blank")
			}
			in.kvs = append(in.kvs, kvPair{k, v, ok})
		}
	case "shell":
		if err := fl.parse(); err != nil {
			return nil, err
		}
		switch {
		case len(args) == 0:
			return nil, errAtLeastOne("SHELL")
		case !n.json:
			return nil, errors.New("SHELL requires the arguments to be in JSON form")
		}
		in.words = args
	default:
		return nil, fmt.Errorf("unknown instruction: %s", upper)
	}
	return in, nil
}

func parseHealthcheck(args []string, isJSON bool, fl *dfFlags) (*healthConfig, error) {
	if len(args) == 0 {
		return nil, errAtLeastOne("HEALTHCHECK")
	}
	typ := strings.ToUpper(args[0])
	rest := args[1:]
	if typ == "NONE" {
		if len(rest) != 0 {
			return nil, errors.New("HEALTHCHECK NONE takes no arguments")
		}
		return &healthConfig{Test: []string{typ}}, nil
	}
	for _, name := range []string{"interval", "timeout", "start-period", "retries"} {
		fl.add(name, flagString)
	}
	if err := fl.parse(); err != nil {
		return nil, err
	}
	h := &healthConfig{}
	switch typ {
	case "CMD":
		cmd := rest
		if !isJSON && len(rest) > 0 {
			cmd = []string{strings.Join(rest, " ")}
		}
		if len(cmd) == 0 {
			return nil, errors.New("Missing command after HEALTHCHECK CMD")
		}
		if !isJSON {
			typ = "CMD-SHELL"
		}
		h.Test = append([]string{typ}, cmd...)
	default:
		return nil, fmt.Errorf("Unknown type %#v in HEALTHCHECK (try CMD)", typ)
	}
	for _, d := range []struct {
		name string
		to   *time.Duration
	}{{"interval", &h.Interval}, {"timeout", &h.Timeout}, {"start-period", &h.StartPeriod}} {
		s := fl.values[d.name]
		if s == "" {
			continue
		}
		v, err := time.ParseDuration(s)
		if err != nil {
			return nil, err
		}
		if v < time.Millisecond {
			return nil, fmt.Errorf("Interval %#v cannot be less than %s", d.name, time.Millisecond)
		}
		*d.to = v
	}
	if s := fl.values["retries"]; s != "" {
		n, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return nil, err
		}
		if n < 1 {
			return nil, fmt.Errorf("--retries must be at least 1 (not %d)", n)
		}
		h.Retries = int(n)
	}
	return h, nil
}
