package mockdaemon

import (
	"bytes"
	"encoding/base64"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readable is what the process could read now, ends of file as "<EOF>".
func readable(t *terminal) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var b strings.Builder
	for _, l := range t.ready {
		if len(l) == 0 {
			b.WriteString("<EOF>")
		}
		b.Write(l)
	}
	return b.String()
}

// TestTerminalLineDiscipline holds the terminal to what dockerd 20.10's
// pty answered to the same input, write by write (probed on the real
// daemon with `cat` behind docker exec -it).
func TestTerminalLineDiscipline(t *testing.T) {
	tests := []struct {
		name   string
		writes []string
		echo   string
		read   string
		sigs   []int
	}{
		{"echo and crlf", []string{"hello\n"}, "hello\r\n", "hello\n", nil},
		{"erase", []string{"one\ttwo\x7f\x7fX\n"}, "one\ttwo\b \b\b \bX\r\n", "one\ttX\n", nil},
		{"kill", []string{"abc\x15def\n"}, "abc\b \b\b \b\b \bdef\r\n", "def\n", nil},
		{"word erase", []string{"ghi\x17jkl\n"}, "ghi\b \b\b \b\b \bjkl\r\n", "jkl\n", nil},
		{"control bytes echo as ^X", []string{"\x1b[A\n"}, "^[[A\r\n", "\x1b[A\n", nil},
		{"utf-8", []string{"caf\xc3\xa9\n"}, "caf\xc3\xa9\r\n", "caf\xc3\xa9\n", nil},
		{"erasing tabs goes back to their column", []string{"x\ty\tz\x7f\x7f\x7f\x7f\n"},
			"x\ty\tz\b \b" + strings.Repeat("\b", 7) + "\b \b" + strings.Repeat("\b", 7) + "\r\n", "x\n", nil},
		{"^D sends the line without newline", []string{"a\x04"}, "a", "a", nil},
		{"^D alone is end of file", []string{"\x04"}, "", "<EOF>", nil},
		{"ixon takes ^S and ^Q", []string{"\x13c\x11\n"}, "c\r\n", "c\n", nil},
		{"icrnl", []string{"\r"}, "\r\n", "\n", nil},
		{"^C in a write of its own", []string{"abc\n", "\x03"}, "abc\r\n^C", "", []int{2}},
		{"^Z flushes and signals nothing", []string{"ab", "\x1a", "cd\n"}, "ab^Zcd\r\n", "cd\n", nil},
		{"a signal drops the echo of its write", []string{"ab\x16\x03\x12cd\x08\x01\x7f\x7f\x01\x15\x1c"}, "^\\", "", []int{3}},
		{"ctrl-p is input when it is not the detach key", []string{"ab\x10c\n"}, "ab^Pc\r\n", "ab\x10c\n", nil},
		{"^V takes the next byte literally", []string{"\x16\x03\n"}, "^\b^C\r\n", "\x03\n", nil},
		{"^R reprints the line", []string{"ab\x12c\n"}, "ab^R\r\nabc\r\n", "abc\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			term := newTerminal(&out)
			var sigs []int
			term.setSignal(func(sig int) { sigs = append(sigs, sig) })
			for _, w := range tt.writes {
				n, err := term.Write([]byte(w))
				require.NoError(t, err)
				require.Equal(t, len(w), n)
			}
			assert.Equal(t, tt.echo, out.String(), "echo")
			if tt.read == "" {
				assert.Empty(t, readable(term), "input left for the process")
			} else {
				assert.Equal(t, tt.read, readable(term), "input for the process")
			}
			assert.Equal(t, tt.sigs, sigs, "signals")
		})
	}
}

// TestTerminalReadAndOutput: the process reads a line at a time, end of
// file once per ^D, and its output gets \r\n.
func TestTerminalReadAndOutput(t *testing.T) {
	var out bytes.Buffer
	term := newTerminal(&out)
	_, err := term.Write([]byte("one\ntwo\n\x04three\n"))
	require.NoError(t, err)
	buf := make([]byte, 64)
	n, err := term.Read(buf)
	require.NoError(t, err)
	assert.Equal(t, "one\n", string(buf[:n]))
	n, err = term.Read(buf[:2])
	require.NoError(t, err)
	assert.Equal(t, "tw", string(buf[:n]))
	n, err = term.Read(buf)
	require.NoError(t, err)
	assert.Equal(t, "o\n", string(buf[:n]))
	_, err = term.Read(buf)
	assert.Equal(t, io.EOF, err, "^D is an end of file")
	n, err = term.Read(buf)
	require.NoError(t, err, "the terminal goes on after ^D")
	assert.Equal(t, "three\n", string(buf[:n]))

	_, err = term.output().Write([]byte("a\nb\r\n"))
	require.NoError(t, err)
	assert.Equal(t, "one\r\ntwo\r\nthree\r\na\r\nb\r\r\n", out.String(), "onlcr turns every \\n into \\r\\n")

	require.NoError(t, term.Close())
	_, err = term.Read(buf)
	assert.Equal(t, io.EOF, err)
	_, err = term.Write([]byte("x"))
	assert.ErrorIs(t, err, errTerminalClosed)
}

// TestTerminalInputBounded: a process that does not read makes the
// client's writes wait instead of the terminal growing; a long line is cut
// at the kernel's 4095 bytes.
func TestTerminalInputBounded(t *testing.T) {
	term := newTerminal(io.Discard)
	long := strings.Repeat("x", 10000) + "\n"
	_, err := term.Write([]byte(long))
	require.NoError(t, err)
	assert.Equal(t, ttyLineMax+1, len(readable(term)), "a line is cut at 4095 bytes plus its newline")

	done := make(chan error, 1)
	go func() {
		_, err := term.Write([]byte(long))
		done <- err
	}()
	select {
	case <-done:
		require.Fail(t, "a write beyond the input queue returned while the process read nothing")
	default:
	}
	buf := make([]byte, 8192)
	_, err = term.Read(buf)
	require.NoError(t, err)
	require.NoError(t, <-done, "reading makes room")
	require.NoError(t, term.Close())
}

func TestParseDetachKeys(t *testing.T) {
	for in, want := range map[string]string{
		"ctrl-p,ctrl-q": "EBE=",
		"ctrl-x,x":      "GHg=",
		"DEL":           "fw==",
		"ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_,ctrl-@,ctrl-z,a": "GxwdHh8AGmE=",
	} {
		keys, err := parseDetachKeys(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, base64.StdEncoding.EncodeToString(keys), in)
	}
	for _, bad := range []string{"CTRL-A", "a,,b", ",", "ctrl-?", "ü", "ab", "ctrl-", "del"} {
		_, err := parseDetachKeys(bad)
		assert.Error(t, err, bad)
	}
}

// chunks is a reader giving one string per Read.
type chunks []string

func (c *chunks) Read(p []byte) (int, error) {
	if len(*c) == 0 {
		return 0, io.EOF
	}
	n := copy(p, (*c)[0])
	(*c)[0] = (*c)[0][n:]
	if (*c)[0] == "" {
		*c = (*c)[1:]
	}
	return n, nil
}

// TestEscapeReader holds the detach keys to what dockerd did with the same
// writes: the bytes before the keys still go in, a broken sequence is
// input after all, and keys split across writes still detach.
func TestEscapeReader(t *testing.T) {
	tests := []struct {
		name   string
		keys   string
		writes []string
		read   string
		detach bool
	}{
		{"default keys", "", []string{"hello\n", "\x10\x11", "more\n"}, "hello\n", true},
		{"in one write with bytes around", "", []string{"x\x10\x11y\n"}, "x", true},
		{"split across writes", "", []string{"ab\x10", "c\n", "\x10", "\x11"}, "ab\x10c\n", true},
		{"a broken sequence is input", "a,b,c", []string{"zab", "x\n", "abc"}, "zabx\n", true},
		{"other keys pass the default ones", "ctrl-a,a", []string{"\x10\x11", "\x01a"}, "\x10\x11", true},
		{"no keys, no detach", "", []string{"plain"}, "plain", false},
		{"the breaking byte does not restart the sequence", "", []string{"\x10\x10\x11"}, "\x10\x10\x11", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var keys []byte
			if tt.keys != "" {
				var err error
				keys, err = parseDetachKeys(tt.keys)
				require.NoError(t, err)
			}
			src := chunks(tt.writes)
			got, err := io.ReadAll(newEscapeReader(&src, keys))
			if tt.detach {
				assert.ErrorIs(t, err, errDetached)
			} else {
				assert.NoError(t, err)
			}
			assert.Equal(t, tt.read, string(got))
		})
	}
}

// TestEscapeReaderSmallReads: held-back key bytes that turn out to be input
// reach a reader with a small buffer in order.
func TestEscapeReaderSmallReads(t *testing.T) {
	keys, err := parseDetachKeys("a,b,c,d")
	require.NoError(t, err)
	src := chunks{"abc", "x", "abcd"}
	r := newEscapeReader(&src, keys)
	var got []byte
	buf := make([]byte, 2)
	for {
		n, err := r.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			assert.ErrorIs(t, err, errDetached)
			break
		}
	}
	assert.Equal(t, "abcx", string(got))
}
