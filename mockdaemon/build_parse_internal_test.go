package mockdaemon

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDockerfileLines: continuation lines (comments and blank lines inside
// them skipped, a warning for the blank ones), the escape directive, and
// each instruction's argument forms, as BuildKit's parser reads them.
func TestDockerfileLines(t *testing.T) {
	src := "# escape=`\nFROM busybox AS First\nRUN echo a `\n     b   `\n# comment inside\n  c\nRUN [\"sh\", \"-c\", \"x\"] trailing\nENV A=1 B=\"q w\" `\n\n    C=$A\nENV old form value\nLABEL \"a b\"=c\nCOPY --chown=1:2 --from=x a b /dst/\nHEALTHCHECK --interval=1s CMD [\"true\"]\nONBUILD RUN echo trig\nEXPOSE 80  53/udp\n"
	df, err := parseDockerfileText([]byte(src))
	require.NoError(t, err)
	assert.Equal(t, '`', df.escape)
	type line struct {
		cmd, original string
		flags, args   []string
		json          bool
	}
	var got []line
	for _, n := range df.nodes {
		got = append(got, line{n.cmd, n.original, n.flags, n.args, n.json})
	}
	assert.Equal(t, []line{
		{"from", "FROM busybox AS First", nil, []string{"busybox", "AS", "First"}, false},
		{"run", "RUN echo a      b     c", nil, []string{"echo a      b     c"}, false},
		{"run", `RUN ["sh", "-c", "x"] trailing`, nil, []string{"sh", "-c", "x"}, true},
		{"env", "ENV A=1 B=\"q w\"     C=$A", nil, []string{"A", "1", "B", `"q w"`, "C", "$A"}, false},
		{"env", "ENV old form value", nil, []string{"old", "form value"}, false},
		{"label", `LABEL "a b"=c`, nil, []string{`"a b"`, "c"}, false},
		{"copy", "COPY --chown=1:2 --from=x a b /dst/", []string{"--chown=1:2", "--from=x"}, []string{"a", "b", "/dst/"}, false},
		{"healthcheck", `HEALTHCHECK --interval=1s CMD ["true"]`, []string{"--interval=1s"}, []string{"CMD", "true"}, true},
		{"onbuild", "ONBUILD RUN echo trig", nil, nil, false},
		{"expose", "EXPOSE 80  53/udp", nil, []string{"80", "53/udp"}, false},
	}, got)
	assert.Equal(t, []string{"[WARNING]: Empty continuation line found in:\n    ENV A=1 B=\"q w\"     C=$A", "[WARNING]: Empty continuation lines will become errors in a future release."}, df.warnings)
	require.NotNil(t, df.nodes[8].sub)
	assert.Equal(t, "run", df.nodes[8].sub.cmd)

	_, err = parseDockerfileText([]byte("# escape=x\nFROM a\n"))
	assert.EqualError(t, err, "invalid escape token 'x' does not match ` or \\")
	_, err = parseDockerfileText([]byte("FROM a\nRUN [\"a\", 1]\n"))
	assert.ErrorIs(t, err, errNotStringArray)
}

// TestDockerfileWordExpansion: BuildKit's shell lexer: $x, ${x}, ${x:-w},
// ${x:+w}, quotes removed, the escape character, words split only where
// a variable's value or the bare text has blanks.
func TestDockerfileWordExpansion(t *testing.T) {
	env := []string{"A=1", "SP=a b", "EMPTY=", "A=shadowed"}
	tests := []struct {
		in, want string
		words    []string
	}{
		{"$A", "1", []string{"1"}},
		{"${A}x", "1x", []string{"1x"}},
		{"${NOPE:-dflt}", "dflt", []string{"dflt"}},
		{"${EMPTY:-dflt}", "dflt", []string{"dflt"}},
		{"${A:+set}/${NOPE:+set}", "set/", []string{"set/"}},
		{`"q $A w"`, "q 1 w", []string{"q 1 w"}},
		{`'q $A'`, "q $A", []string{"q $A"}},
		{`a\ b\$A`, "a b$A", []string{"a b$A"}},
		{"$SP c", "a b c", []string{"a", "b", "c"}},
		{`"$SP"`, "a b", []string{"a b"}},
		{"grüße ü", "grüße ü", []string{"grüße", "ü"}},
	}
	lex := dfLex{escape: '\\'}
	for _, tt := range tests {
		got, err := lex.expandWord(tt.in, env)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
		words, err := lex.expandWords(tt.in, env)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.words, words, tt.in)
	}
	for in, msg := range map[string]string{
		"${A":        `failed to process "${A": missing ':' in substitution`,
		"${}":        `failed to process "${}": syntax error: bad substitution`,
		"${NOPE:?x}": `failed to process "${NOPE:?x}": NOPE: x`,
		"${EMPTY:?}": `failed to process "${EMPTY:?}": EMPTY: is not allowed to be empty`,
		"${NOPE?}":   `failed to process "${NOPE?}": NOPE: is not allowed to be unset`,
		"${A:%x}":    `failed to process "${A:%x}": unsupported modifier (%) in substitution`,
		`"open`:      `failed to process "\"open": unexpected end of statement while looking for matching double-quote`,
	} {
		_, err := lex.expandWord(in, env)
		assert.EqualError(t, err, msg, in)
	}
}
