package tarstream

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Expectations follow the docker CLI (moby/patternmatcher's
// MatchesOrParentMatches and ignorefile.ReadAll), derived from its
// documented semantics and its quirks.
func TestMatcher(t *testing.T) {
	tests := []struct {
		patterns []string
		path     string
		want     bool
	}{
		{[]string{"*"}, "a", true},
		// An escaped "-" in a class is a member, not a range (found by
		// bench's FuzzMatcherDifferential, 6befad13fc684cfa).
		{[]string{`[ \-\\]`}, "0", false},
		{[]string{`[ \-\\]`}, "-", true},
		{[]string{`[ \-\\]`}, `\`, true},
		{[]string{`[a\-z]`}, "b", false},
		{[]string{`[a\-z]`}, "-", true},
		{[]string{"*"}, "a/b", true}, // the parent "a" matches
		{[]string{"*.go"}, "main.go", true},
		{[]string{"*.go"}, "cmd/main.go", false}, // "*" stops at "/"
		{[]string{"**/*.go"}, "main.go", true},
		{[]string{"**/*.go"}, "cmd/main.go", true},
		{[]string{"**/*.go"}, "a/b/c.go", true},
		{[]string{"**/*.go"}, "main.gox", false},
		{[]string{"**.go"}, "a/b.go", true}, // leading "**": a suffix test
		{[]string{"**.go"}, "go", false},
		{[]string{"**"}, "x", true},
		{[]string{"**"}, "x/y/z", true},
		{[]string{"a/**"}, "a/b", true},
		{[]string{"a/**"}, "a/b/c", true},
		{[]string{"a/**"}, "a", false},
		{[]string{"a/**"}, "ab", false},
		{[]string{"a**"}, "ab", true}, // trailing "**": a prefix test
		{[]string{"a/**/b"}, "a/b", true},
		{[]string{"a/**/b"}, "a/x/b", true},
		{[]string{"a/**/b"}, "a/x/y/b", true},
		{[]string{"a/**/b"}, "a/x/c", false},
		{[]string{"a/**/b"}, "a/b/c", true},
		{[]string{"**/foo"}, "foo", true},
		{[]string{"**/foo"}, "a/foo", true},
		{[]string{"**/foo"}, "a/foo/b", true},
		{[]string{"**/foo"}, "xfoo", false},
		{[]string{"**/a.b"}, "x/a.b", true},
		{[]string{"**/a.b"}, "x/aXb", false},
		{[]string{"docs"}, "docs", true},
		{[]string{"docs"}, "docs/x.md", true},
		{[]string{"docs"}, "docsx", false},
		{[]string{"docs"}, "a/docs", false}, // anchored at the root
		{[]string{"docs/"}, "docs/a", true}, // cleaned to "docs"
		{[]string{"/docs"}, "docs", false},  // New does not strip "/"; ReadIgnore does
		{[]string{"./a"}, "a", true},
		{[]string{"a/../b"}, "b", true},
		{[]string{"  a  "}, "a", true},
		{[]string{"", "   "}, "a", false},
		{[]string{"*.md", "!README.md"}, "README.md", false},
		{[]string{"*.md", "!README.md"}, "x.md", true},
		{[]string{"*.md", "!README.md"}, "docs/README.md", false},
		{[]string{"**/*.md", "!README.md"}, "docs/README.md", true},
		{[]string{"**/*.md", "!README.md"}, "README.md", false},
		{[]string{"docs", "!docs/keep.md"}, "docs/keep.md", false},
		{[]string{"docs", "!docs/keep.md"}, "docs/other.md", true},
		{[]string{"docs", "!docs/keep.md"}, "docs", true},
		{[]string{"!x", "*"}, "x", true}, // last match wins
		{[]string{"*", "!x"}, "x", false},
		{[]string{"*", "!x"}, "x/y", false}, // the exception matches the parent
		{[]string{"a/b", "!a"}, "a/b", false},
		{[]string{"!a", "a/b"}, "a/b", true},
		{[]string{"?.txt"}, "a.txt", true},
		{[]string{"?.txt"}, "ab.txt", false},
		{[]string{"[a-c].txt"}, "b.txt", true},
		{[]string{"[a-c].txt"}, "d.txt", false},
		{[]string{"[^a].txt"}, "b.txt", true},
		{[]string{"[^a].txt"}, "a.txt", false},
		{[]string{"[!a].txt"}, "!.txt", true}, // the CLI's regexp reads "!" literally
		{[]string{"[!a].txt"}, "b.txt", false},
		{[]string{`\*.txt`}, "*.txt", true},
		{[]string{`\*.txt`}, "a.txt", false},
		{[]string{"a.b"}, "axb", false},
		{[]string{"a+b(c)*"}, "a+b(c)d", true},
		{[]string{"a+b(c)*"}, "aab(c)d", false},
		{[]string{"x|y*"}, "y", false},
		{[]string{"dir/*/file"}, "dir/x/file", true},
		{[]string{"dir/*/file"}, "dir/x/y/file", false},
		{[]string{"é*"}, "été", true},
		{[]string{"*"}, ".", false}, // the root is never excluded
	}
	for _, tt := range tests {
		name := strings.Join(tt.patterns, ",") + "~" + tt.path
		t.Run(name, func(t *testing.T) {
			m, err := NewMatcher(tt.patterns)
			require.NoError(t, err)
			got, err := m.Match(tt.path)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got, "Match(%q) with %q", tt.path, tt.patterns)
		})
	}
}

func TestMatcherErrors(t *testing.T) {
	for _, p := range []string{"[", "a[b", "!", `\`, "[a-]"} {
		_, err := NewMatcher([]string{"ok", p})
		if assert.ErrorIs(t, err, ErrBadPattern, "NewMatcher(%q)", p) {
			assert.True(t, strings.HasPrefix(err.Error(), "tarstream: bad pattern"), "error %q lacks the prefix", err)
		}
	}
}

func TestMatcherExclusions(t *testing.T) {
	for _, tt := range []struct {
		patterns []string
		want     bool
	}{
		{nil, false},
		{[]string{"a", "b"}, false},
		{[]string{"a", "!a/b"}, true},
	} {
		m, err := NewMatcher(tt.patterns)
		require.NoError(t, err)
		assert.Equal(t, tt.want, m.Exclusions(), "Exclusions(%q)", tt.patterns)
	}
}

func TestReadIgnore(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"\xEF\xBB\xBF*.md\n", []string{"*.md"}},
		{"# comment\n\n  \nnode_modules\n", []string{"node_modules"}},
		{" # not a comment\n", []string{"# not a comment"}}, // "#" only counts in column one
		{"/abs/path\n", []string{"abs/path"}},
		{"!/x\n", []string{"!x"}},
		{"!  spaced \n", []string{"!spaced"}},
		{"a/./b/../c\n", []string{"a/c"}},
		{"dir/\r\n", []string{"dir"}},
		{"/\n", []string{"/"}},
		{"a\nb", []string{"a", "b"}},
		{"!\n", []string{"!"}}, // kept; NewMatcher refuses it
	}
	for _, tt := range tests {
		got, err := ReadIgnore(strings.NewReader(tt.in))
		if !assert.NoError(t, err, "ReadIgnore(%q)", tt.in) {
			continue
		}
		if tt.want == nil {
			assert.Empty(t, got, "ReadIgnore(%q)", tt.in)
		} else {
			assert.Equal(t, tt.want, got, "ReadIgnore(%q)", tt.in)
		}
	}
	_, err := ReadIgnore(strings.NewReader(strings.Repeat("x", maxIgnoreLine+1)))
	require.Error(t, err, "ReadIgnore(huge line)")
	assert.True(t, strings.HasPrefix(err.Error(), "tarstream: "), "ReadIgnore(huge line) = %v, want a tarstream error", err)
}
