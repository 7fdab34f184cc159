package mockdaemon

import (
	"cmp"
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// dfLex expands the variables of a Dockerfile word like BuildKit's
// shell.Lex: $name, ${name}, ${name:-word}, ${name:+word}, ${name?word}
// and ${name:?word}, single and double quotes (removed), and the escape
// character.
type dfLex struct{ escape rune }

// expandWord expands word with env ("k=v", the first of a name wins).
func (l dfLex) expandWord(word string, env []string) (string, error) {
	s, _, err := l.process(word, env)
	return s, err
}

// expandWords expands word and splits the result into words on blanks
// that were not quoted (EXPOSE's "$PORTS").
func (l dfLex) expandWords(word string, env []string) ([]string, error) {
	_, words, err := l.process(word, env)
	return words, err
}

// expandInstr expands the words of the instructions that take variables
// (BuildKit's SupportsSingleWordExpansion) with env.
func (l dfLex) expandInstr(in *dfInstr, env []string) error {
	word := func(s *string) error {
		v, err := l.expandWord(*s, env)
		if err != nil {
			return errInvalid(err.Error())
		}
		*s = v
		return nil
	}
	switch in.kind {
	case "env", "arg", "label":
		if in.noExpand {
			return nil
		}
		for i := range in.kvs {
			if err := word(&in.kvs[i].key); err != nil {
				return err
			}
			if err := word(&in.kvs[i].value); err != nil {
				return err
			}
		}
	case "add", "copy":
		if err := word(&in.chown); err != nil {
			return err
		}
		for i := range in.paths {
			if err := word(&in.paths[i]); err != nil {
				return err
			}
		}
	case "volume":
		for i := range in.paths {
			if err := word(&in.paths[i]); err != nil {
				return err
			}
		}
	case "workdir", "user", "stopsignal":
		return word(&in.value)
	}
	return nil
}

func (l dfLex) process(word string, env []string) (string, []string, error) {
	sw := &shellWord{src: []rune(word), env: env, escape: l.escape}
	s, words, err := sw.stopOn(eofRune)
	if err != nil {
		return "", nil, fmt.Errorf("failed to process %q: %w", word, err)
	}
	return s, words, nil
}

const eofRune = -1

// shellWord is one word being expanded.
type shellWord struct {
	src    []rune
	pos    int
	env    []string
	escape rune
}

func (sw *shellWord) peek() rune {
	if sw.pos >= len(sw.src) {
		return eofRune
	}
	return sw.src[sw.pos]
}

func (sw *shellWord) next() rune {
	r := sw.peek()
	if r != eofRune {
		sw.pos++
	}
	return r
}

// wordSplitter collects the words of an expansion: blanks that come from
// a variable's value or the text split words, quoted text never does.
type wordSplitter struct {
	word   strings.Builder
	words  []string
	inWord bool
}

func (w *wordSplitter) addChar(ch rune) {
	if unicode.IsSpace(ch) {
		if w.inWord && w.word.Len() != 0 {
			w.words = append(w.words, w.word.String())
			w.word.Reset()
			w.inWord = false
		}
		return
	}
	w.addRawChar(ch)
}

func (w *wordSplitter) addRawChar(ch rune) { w.word.WriteRune(ch); w.inWord = true }

func (w *wordSplitter) addString(s string) {
	for _, ch := range s {
		w.addChar(ch)
	}
}

func (w *wordSplitter) addRawString(s string) { w.word.WriteString(s); w.inWord = true }

func (w *wordSplitter) result() []string {
	if w.word.Len() > 0 {
		w.words = append(w.words, w.word.String())
		w.word.Reset()
		w.inWord = false
	}
	return w.words
}

func (sw *shellWord) stopOn(stop rune) (string, []string, error) {
	var out strings.Builder
	var words wordSplitter
	for sw.peek() != eofRune {
		ch := sw.peek()
		if stop != eofRune && ch == stop {
			sw.next()
			return out.String(), words.result(), nil
		}
		switch ch {
		case '\'', '"', '$':
			var s string
			var err error
			switch ch {
			case '\'':
				s, err = sw.singleQuote()
			case '"':
				s, err = sw.doubleQuote()
			default:
				s, err = sw.dollar()
			}
			if err != nil {
				return "", nil, err
			}
			out.WriteString(s)
			if ch == '$' {
				words.addString(s)
			} else {
				words.addRawString(s)
			}
			continue
		}
		ch = sw.next()
		if ch == sw.escape {
			ch = sw.next()
			if ch == eofRune {
				break
			}
			words.addRawChar(ch)
		} else {
			words.addChar(ch)
		}
		out.WriteRune(ch)
	}
	if stop != eofRune {
		return "", nil, fmt.Errorf("unexpected end of statement while looking for matching %s", string(stop))
	}
	return out.String(), words.result(), nil
}

func (sw *shellWord) singleQuote() (string, error) {
	var out strings.Builder
	sw.next()
	for {
		switch ch := sw.next(); ch {
		case eofRune:
			return "", errors.New("unexpected end of statement while looking for matching single-quote")
		case '\'':
			return out.String(), nil
		default:
			out.WriteRune(ch)
		}
	}
}

func (sw *shellWord) doubleQuote() (string, error) {
	var out strings.Builder
	sw.next()
	for {
		ch := sw.peek()
		switch ch {
		case eofRune:
			return "", errors.New("unexpected end of statement while looking for matching double-quote")
		case '"':
			sw.next()
			return out.String(), nil
		case '$':
			v, err := sw.dollar()
			if err != nil {
				return "", err
			}
			out.WriteString(v)
			continue
		}
		ch = sw.next()
		if ch == sw.escape {
			switch sw.peek() {
			case eofRune:
				continue
			case '"', '$', sw.escape:
				ch = sw.next()
			}
		}
		out.WriteRune(ch)
	}
}

func (sw *shellWord) dollar() (string, error) {
	sw.next()
	if sw.peek() != '{' {
		name := sw.name()
		if name == "" {
			return "$", nil
		}
		v, _ := sw.lookup(name)
		return v, nil
	}
	sw.next()
	switch sw.peek() {
	case eofRune:
		return "", errors.New("syntax error: missing '}'")
	case '{', '}', ':':
		return "", errors.New("syntax error: bad substitution")
	}
	name := sw.name()
	word := func() (string, error) {
		w, _, err := sw.stopOn('}')
		if err != nil && sw.peek() == eofRune {
			return "", errors.New("syntax error: missing '}'")
		}
		return w, err
	}
	switch ch := sw.next(); ch {
	case '}':
		v, _ := sw.lookup(name)
		return v, nil
	case '?':
		w, err := word()
		if err != nil {
			return "", err
		}
		v, found := sw.lookup(name)
		if !found {
			return "", fmt.Errorf("%s: %s", name, cmp.Or(w, "is not allowed to be unset"))
		}
		return v, nil
	case ':':
		modifier := sw.next()
		word, err := word()
		if err != nil {
			return "", err
		}
		v, found := sw.lookup(name)
		switch modifier {
		case '?':
			if !found {
				return "", fmt.Errorf("%s: %s", name, cmp.Or(word, "is not allowed to be unset"))
			}
			if v == "" {
				return "", fmt.Errorf("%s: %s", name, cmp.Or(word, "is not allowed to be empty"))
			}
			return v, nil
		case '+':
			if v != "" {
				v = word
			}
			return v, nil
		case '-':
			if v == "" {
				v = word
			}
			return v, nil
		default:
			return "", fmt.Errorf("unsupported modifier (%c) in substitution", modifier)
		}
	}
	return "", errors.New("missing ':' in substitution")
}

// name reads a variable name: letters, digits and '_', or a run of
// digits, or one special parameter character.
func (sw *shellWord) name() string {
	var b strings.Builder
	for sw.peek() != eofRune {
		ch := sw.peek()
		if b.Len() == 0 && unicode.IsDigit(ch) {
			for unicode.IsDigit(sw.peek()) {
				b.WriteRune(sw.next())
			}
			return b.String()
		}
		if b.Len() == 0 && strings.ContainsRune("@*#?-$!0", ch) {
			return string(sw.next())
		}
		if !unicode.IsLetter(ch) && !unicode.IsDigit(ch) && ch != '_' {
			break
		}
		b.WriteRune(sw.next())
	}
	return b.String()
}

func (sw *shellWord) lookup(name string) (string, bool) {
	for _, e := range sw.env {
		k, v, ok := strings.Cut(e, "=")
		if k != name {
			continue
		}
		if !ok {
			return "", true
		}
		return v, true
	}
	return "", false
}
