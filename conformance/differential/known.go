package differential

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// A KnownEntry is one line of the known-differences file: the differences
// it accepts and why.
//
//	SEQUENCE | REQUEST | PATH | REASON
//
// SEQUENCE, REQUEST and PATH are patterns where * stands for any run of
// characters (slashes and dots included); REQUEST is the step as written
// ("GET /containers/{{c}}/json"). REASON starts with "TODO(mock): CLASS"
// for a mock bug still to fix, otherwise it says why the difference is
// accepted.
type KnownEntry struct {
	Seq, Request, Path string
	Reason             string
	Line               int
	// Hits counts the differences the entry matched in a run.
	Hits int
}

func (e *KnownEntry) String() string {
	return fmt.Sprintf("%s | %s | %s", e.Seq, e.Request, e.Path)
}

// Matches reports whether the entry accepts d.
func (e *KnownEntry) Matches(d Difference) bool {
	return globMatch(e.Seq, d.Seq) && globMatch(e.Request, d.Request) && globMatch(e.Path, d.Path)
}

// Known is the known-differences file, in order: the first entry that
// matches a difference lists it.
type Known struct {
	Entries []*KnownEntry
}

// ParseKnown reads a known-differences file; blank lines and lines starting
// with # are comments.
func ParseKnown(r io.Reader, file string) (*Known, error) {
	k := &Known{}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimSpace(sc.Text())
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		f := strings.SplitN(t, " | ", 4)
		if len(f) != 4 {
			return nil, &ParseError{File: file, Line: line, Msg: "want `SEQUENCE | REQUEST | PATH | REASON`"}
		}
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
			if f[i] == "" {
				return nil, &ParseError{File: file, Line: line, Msg: "empty field: every entry names sequence, request, path and reason"}
			}
		}
		k.Entries = append(k.Entries, &KnownEntry{Seq: f[0], Request: f[1], Path: f[2], Reason: f[3], Line: line})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("differential: reading %s: %w", file, err)
	}
	return k, nil
}

// Mark sets d.Known for each difference some entry lists, and counts the
// entry's hits. Follow-on differences are left alone.
func (k *Known) Mark(ds []Difference) {
	if k == nil {
		return
	}
	for i := range ds {
		if ds[i].FollowOn {
			continue
		}
		for _, e := range k.Entries {
			if e.Matches(ds[i]) {
				ds[i].Known = e
				e.Hits++
				break
			}
		}
	}
}

// Stale returns the entries that matched nothing although a sequence they
// name ran: fixed in the mock, or written wrong.
func (k *Known) Stale(ran []string) []*KnownEntry {
	if k == nil {
		return nil
	}
	var out []*KnownEntry
	for _, e := range k.Entries {
		if e.Hits > 0 {
			continue
		}
		for _, s := range ran {
			if globMatch(e.Seq, s) {
				out = append(out, e)
				break
			}
		}
	}
	return out
}

// globMatch matches s against pattern, where * is any run of characters
// and every other character stands for itself.
func globMatch(pattern, s string) bool {
	// Iterative matching with backtracking to the last star.
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && pattern[p] == s[i]:
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
