package bench

import (
	"errors"
	"math/rand/v2"
	"path"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dockwire/dockwire/tarstream"
	"github.com/moby/patternmatcher"
)

// The .dockerignore matcher of tarstream must decide like
// moby/patternmatcher's MatchesOrParentMatches, which the docker CLI uses
// to build contexts: a differential test over generated patterns and paths,
// and a fuzz target.

var (
	patternParts = []string{"a", "b", "ab", "c.go", "*", "?", "**", "a*", "*b", "*.go", "[ab]", "[!a]", "[a-c]", `\*`, ".", "..", "x?", "**.go", "a**"}
	pathParts    = []string{"a", "b", "ab", "ba", "c.go", "x", "xy", "*", ".go", "a.go", "bb"}
)

func genPattern(r *rand.Rand) string {
	n := 1 + r.IntN(4)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = patternParts[r.IntN(len(patternParts))]
	}
	p := strings.Join(parts, "/")
	switch r.IntN(8) {
	case 0:
		p = "!" + p
	case 1:
		p = "/" + p
	case 2:
		p += "/"
	}
	return p
}

func genPath(r *rand.Rand) string {
	n := 1 + r.IntN(4)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = pathParts[r.IntN(len(pathParts))]
	}
	return strings.Join(parts, "/")
}

// decide runs both matchers. ok is false when moby's matcher refuses the
// patterns or fails on the path (nothing to compare), or, when lenient,
// when tarstream refuses malformed patterns moby lets through.
func decide(t testing.TB, patterns []string, name string, lenient bool) (ours, theirs bool, ok bool) {
	t.Helper()
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		return false, false, false
	}
	theirs, err = pm.MatchesOrParentMatches(name)
	if err != nil {
		return false, false, false
	}
	m, err := tarstream.NewMatcher(patterns)
	if errors.Is(err, tarstream.ErrBadPattern) && lenient {
		// moby validates with filepath.Match(pattern, "."), which stops at
		// the first mismatch and so misses a malformed class or a trailing
		// backslash later in the pattern ("0*[*", "0*\\"); tarstream
		// refuses them up front. A known divergence.
		return false, false, false
	}
	if err != nil {
		t.Fatalf("patterns %q: moby/patternmatcher accepts them, tarstream refuses: %v", patterns, err)
	}
	ours, err = m.Match(name)
	if err != nil {
		t.Fatalf("patterns %q path %q: %v", patterns, name, err)
	}
	return ours, theirs, true
}

func TestMatcherDifferential(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 2026))
	const sets, pathsPer = 3000, 40
	compared, disagreements := 0, 0
	for i := 0; i < sets; i++ {
		patterns := make([]string, 1+r.IntN(4))
		for j := range patterns {
			patterns[j] = genPattern(r)
		}
		for j := 0; j < pathsPer; j++ {
			name := genPath(r)
			ours, theirs, ok := decide(t, patterns, name, false)
			if !ok {
				continue
			}
			compared++
			if ours != theirs {
				disagreements++
				if disagreements <= 20 {
					t.Errorf("patterns %q path %q: tarstream %v, moby/patternmatcher %v", patterns, name, ours, theirs)
				}
			}
		}
	}
	if compared < sets*pathsPer/2 {
		t.Errorf("only %d of %d cases compared: the generator makes too many patterns moby refuses", compared, sets*pathsPer)
	}
	t.Logf("%d cases compared, %d disagreements", compared, disagreements)
}

// TestMatcherDifferentialCLI replays the examples of the docker CLI's
// .dockerignore documentation and its well-known corner cases.
func TestMatcherDifferentialCLI(t *testing.T) {
	cases := []struct {
		patterns []string
		paths    []string
	}{
		{[]string{"*/temp*", "*/*/temp*", "temp?"}, []string{"somedir/temporary.txt", "somedir/temp", "a/b/temp.x", "temp1", "temp12", "tempx/y"}},
		{[]string{"**/*.go", "!main.go"}, []string{"main.go", "a/main.go", "x.go", "a/b/c.go", "a/b/c.txt"}},
		{[]string{"*.md", "!README*.md", "README-secret.md"}, []string{"README.md", "README-secret.md", "CHANGES.md", "docs/a.md"}},
		{[]string{"a/**", "!a/b/**"}, []string{"a", "a/x", "a/b", "a/b/c", "ab"}},
		{[]string{"/a/../b", "./c/", "d/./e"}, []string{"b", "b/x", "c", "c/y", "d/e", "a"}},
		{[]string{"**"}, []string{"a", "a/b"}},
		{[]string{"*", "!Dockerfile"}, []string{"Dockerfile", "x", "x/Dockerfile"}},
		{[]string{`\*`, `a\?b`}, []string{"*", "x", "a?b", "axb"}},
		{[]string{"[a-c]*", "![b]*"}, []string{"apple", "banana", "cherry", "date"}},
		{[]string{"**.go", "**/a.b"}, []string{"a/b.go", "a.b", "xa.b", "x/a.b", "x/yab"}},
	}
	for _, tc := range cases {
		for _, name := range tc.paths {
			ours, theirs, ok := decide(t, tc.patterns, name, false)
			if !ok {
				t.Errorf("patterns %q: moby refuses (test case broken)", tc.patterns)
				continue
			}
			if ours != theirs {
				t.Errorf("patterns %q path %q: tarstream %v, moby/patternmatcher %v", tc.patterns, name, ours, theirs)
			}
		}
	}
}

// mobyRegexpQuirk reports the pattern text where moby/patternmatcher is
// known to differ from the semantics the docker documentation gives (and
// tarstream implements), found by this fuzz target and left out of the
// comparison:
//   - moby copies a backslash before a letter or digit into its regular
//     expression, so `\d` matches any digit, `\0` a NUL byte (octal) and
//     `\b` a word boundary; tarstream takes the next character literally;
//   - moby escapes only "." and "$" of the regexp metacharacters, so "|",
//     "+", "(", ")", "{", "}" and "^" act as regexp syntax ("*|" matches
//     everything, "foo(1).txt" matches "foo1.txt" and not itself, "c++"
//     fails at match time); tarstream takes them literally;
//   - a pattern that is not UTF-8: moby's scanner turns bad bytes into
//     U+FFFD and matches; tarstream refuses the pattern.
func mobyRegexpQuirk(s string) bool {
	if !utf8.ValidString(s) || strings.ContainsAny(s, "|+(){}^") {
		return true
	}
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '\\' {
			c := s[i+1]
			if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
				return true
			}
			i++
		}
	}
	return false
}

// FuzzMatcherDifferential: patterns (one per line) and a clean relative
// path; tarstream.Matcher must agree with moby/patternmatcher whenever moby
// accepts the patterns.
func FuzzMatcherDifferential(f *testing.F) {
	for _, s := range [][2]string{
		{"*.go\n!main.go", "main.go"},
		{"**/x", "a/b/x"},
		{"a/**", "a/b/c"},
		{"[!a]*", "bc"},
		{`\[x`, "[x"},
		{"**.go", "a/b.go"},
		{"/a/../b", "b/c"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, patterns, name string) {
		if len(patterns) > 512 || len(name) > 256 || name == "" || name == "." || path.Clean(name) != name ||
			path.IsAbs(name) || name == ".." || strings.HasPrefix(name, "../") || strings.ContainsAny(name, "\x00\\") {
			t.Skip()
		}
		if mobyRegexpQuirk(patterns) {
			t.Skip()
		}
		list := strings.Split(patterns, "\n")
		if len(list) > 16 {
			t.Skip()
		}
		ours, theirs, ok := decide(t, list, name, true)
		if ok && ours != theirs {
			t.Errorf("patterns %q path %q: tarstream %v, moby/patternmatcher %v", list, name, ours, theirs)
		}
	})
}
