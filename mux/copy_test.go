package mux

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// frame returns one stdcopy frame.
func frame(s Stream, payload string) string {
	var h [HeaderSize]byte
	h[0] = byte(s)
	binary.BigEndian.PutUint32(h[4:], uint32(len(payload)))
	return string(h[:]) + payload
}

// header returns a bare header claiming size bytes.
func header(s Stream, size uint32) string {
	var h [HeaderSize]byte
	h[0] = byte(s)
	binary.BigEndian.PutUint32(h[4:], size)
	return string(h[:])
}

type copyCase struct {
	name           string
	in             string
	stdout, stderr string
	written        int64
	check          func(t *testing.T, err error)
}

func isNil(t *testing.T, err error) {
	t.Helper()
	require.NoError(t, err)
}

func isUnexpectedEOF(t *testing.T, err error) {
	t.Helper()
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
}

func isFormat(offset int64, contains string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var fe *FormatError
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, offset, fe.Offset, "Offset")
		assert.ErrorContains(t, err, contains)
		assert.Regexp(t, "^mux: ", err.Error())
	}
}

func isDaemon(msg string, truncated bool) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var de *DaemonError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, msg, de.Message)
		if truncated {
			assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		} else {
			assert.NotErrorIs(t, err, io.ErrUnexpectedEOF)
		}
	}
}

var copyCases = []copyCase{
	{name: "empty", check: isNil},
	{name: "one stdout", in: frame(Stdout, "hello\n"), stdout: "hello\n", written: 6, check: isNil},
	{name: "stdin goes to stdout", in: frame(Stdin, "in") + frame(Stdout, "out"), stdout: "inout", written: 5, check: isNil},
	{
		name:   "interleaved",
		in:     frame(Stdout, "a") + frame(Stderr, "bb") + frame(Stdout, "ccc") + frame(Stdout, "d") + frame(Stderr, "e"),
		stdout: "acccd", stderr: "bbe", written: 8, check: isNil,
	},
	{name: "empty frames", in: frame(Stdout, "") + frame(Stderr, "") + frame(Stdout, "x"), stdout: "x", written: 1, check: isNil},
	{name: "truncated header", in: frame(Stdout, "ok") + "\x01\x00\x00", stdout: "ok", written: 2, check: isUnexpectedEOF},
	{name: "truncated payload", in: frame(Stdout, "ok") + header(Stderr, 10) + "12345", stdout: "ok", stderr: "12345", written: 7, check: isUnexpectedEOF},
	{name: "header without payload", in: header(Stdout, 1), check: isUnexpectedEOF},
	{name: "unknown stream", in: frame(Stdout, "ok") + frame(4, "x"), stdout: "ok", written: 2, check: isFormat(10, "unknown stream 4")},
	{name: "http response", in: "HTTP/1.1 500 Internal Server Error\r\n\r\n", check: isFormat(0, "HTTP response")},
	{name: "raw tty text", in: "total 0\nfile\n", check: isFormat(0, "raw TTY")},
	{name: "reserved bytes", in: "\x01\x00\x01\x00\x00\x00\x00\x01x", check: isFormat(0, "reserved")},
	{name: "systemerr", in: frame(Stdout, "ok") + frame(Systemerr, "boom") + frame(Stdout, "never"), stdout: "ok", written: 2, check: isDaemon("boom", false)},
	{name: "systemerr truncated", in: header(Systemerr, 100) + "boo", check: isDaemon("boo", true)},
	{name: "systemerr huge claim", in: header(Systemerr, 1<<32-1) + "x", check: isDaemon("x", true)},
}

func TestCopy(t *testing.T) {
	readers := map[string]func(io.Reader) io.Reader{
		"whole":    func(r io.Reader) io.Reader { return r },
		"onebyte":  iotest.OneByteReader,
		"half":     iotest.HalfReader,
		"dataerr":  iotest.DataErrReader,
		"noreadat": func(r io.Reader) io.Reader { return struct{ io.Reader }{r} },
	}
	for _, tc := range copyCases {
		for rname, wrap := range readers {
			t.Run(tc.name+"/"+rname, func(t *testing.T) {
				var stdout, stderr bytes.Buffer
				n, err := Copy(&stdout, &stderr, wrap(strings.NewReader(tc.in)))
				tc.check(t, err)
				assert.Equal(t, tc.written, n, "written")
				assert.Equal(t, tc.stdout, stdout.String(), "stdout")
				assert.Equal(t, tc.stderr, stderr.String(), "stderr")
			})
		}
	}
}

func TestCopyNilWriterDiscards(t *testing.T) {
	in := frame(Stdout, "out") + frame(Stderr, "err!") + frame(Stdout, "2")
	var stderr bytes.Buffer
	n, err := Copy(nil, &stderr, strings.NewReader(in))
	require.NoError(t, err, "Copy(nil, stderr)")
	assert.EqualValues(t, 8, n, "Copy(nil, stderr)")
	assert.Equal(t, "err!", stderr.String(), "Copy(nil, stderr)")
	var stdout bytes.Buffer
	n, err = Copy(&stdout, nil, strings.NewReader(in))
	require.NoError(t, err, "Copy(stdout, nil)")
	assert.EqualValues(t, 8, n, "Copy(stdout, nil)")
	assert.Equal(t, "out2", stdout.String(), "Copy(stdout, nil)")
}

type failWriter struct {
	n   int // accept this many bytes per write
	err error
}

func (w failWriter) Write(p []byte) (int, error) { return min(w.n, len(p)), w.err }

func TestCopyWriterErrors(t *testing.T) {
	boom := errors.New("boom")
	in := frame(Stdout, "hello") + frame(Stdout, "world")
	tests := []struct {
		name    string
		w       io.Writer
		want    error
		written int64
	}{
		{"error", failWriter{n: 0, err: boom}, boom, 0},
		{"error after 3", failWriter{n: 3, err: boom}, boom, 3},
		{"short write", failWriter{n: 2}, io.ErrShortWrite, 2},
		{"invalid count", failWriter{n: -1}, errInvalidWrite, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, err := Copy(tc.w, nil, strings.NewReader(in))
			assert.ErrorIs(t, err, tc.want)
			assert.Equal(t, tc.written, n, "written")
		})
	}
}

func TestCopyReaderError(t *testing.T) {
	boom := errors.New("boom")
	src := io.MultiReader(strings.NewReader(frame(Stdout, "ok")+header(Stdout, 5)+"ab"), iotest.ErrReader(boom))
	var out bytes.Buffer
	n, err := Copy(&out, nil, src)
	require.ErrorIs(t, err, boom)
	assert.Regexp(t, "^mux: ", err.Error())
	assert.EqualValues(t, 4, n, "written")
	assert.Equal(t, "okab", out.String())
}

// countWriter records the size of each Write.
type countWriter struct{ writes []int }

func (w *countWriter) Write(p []byte) (int, error) {
	w.writes = append(w.writes, len(p))
	return len(p), nil
}

func TestCopyMergesBufferedFrames(t *testing.T) {
	var in strings.Builder
	for range 100 {
		in.WriteString(frame(Stdout, "0123456789"))
	}
	in.WriteString(frame(Stderr, "e"))
	in.WriteString(frame(Stdin, "in"))
	in.WriteString(frame(Stdout, "out"))
	var out, errw countWriter
	n, err := Copy(&out, &errw, strings.NewReader(in.String()))
	require.NoError(t, err)
	require.EqualValues(t, 1006, n, "written")
	assert.Equal(t, []int{1000, 5}, out.writes, "stdout writes")
	assert.Equal(t, []int{1}, errw.writes, "stderr writes")
}

// TestCopyDoesNotWaitForNextFrame: an interactive prompt arrives in one frame
// and nothing follows until the user answers; the prompt must reach the
// writer while the next read blocks.
func TestCopyDoesNotWaitForNextFrame(t *testing.T) {
	pr, pw := io.Pipe()
	got := make(chan string, 4)
	done := make(chan error, 1)
	go func() {
		_, err := Copy(chanWriter(got), nil, pr)
		done <- err
	}()
	// Two frames in one write, the second cut in the middle of its payload.
	_, err := pw.Write([]byte(frame(Stdout, "login: ") + header(Stdout, 6) + "ab"))
	require.NoError(t, err)
	require.Equal(t, "login: ab", <-got, "first write")
	// A header alone, split: nothing is written, nothing is lost.
	_, err = pw.Write([]byte("cdef" + header(Stderr, 0)[:3]))
	require.NoError(t, err)
	require.Equal(t, "cdef", <-got, "second write")
	pw.Close()
	assert.ErrorIs(t, <-done, io.ErrUnexpectedEOF, "Copy")
}

type chanWriter chan string

func (c chanWriter) Write(p []byte) (int, error) {
	c <- string(p)
	return len(p), nil
}

// TestCopyBoundedMemory: a header claiming 4 GiB - 1 followed by a truncated
// payload costs the fixed buffer, not the claim (moby's StdCopy grows its
// buffer to the frame size).
func TestCopyBoundedMemory(t *testing.T) {
	in := []byte(header(Stdout, 1<<32-1) + strings.Repeat("x", 100<<10))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	n, err := Copy(io.Discard, nil, bytes.NewReader(in))
	runtime.ReadMemStats(&after)
	isUnexpectedEOF(t, err)
	assert.EqualValues(t, 100<<10, n, "written")
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<10), "bytes Copy allocated")
	allocs := testing.AllocsPerRun(10, func() {
		_, _ = Copy(io.Discard, nil, bytes.NewReader(in))
	})
	assert.LessOrEqual(t, allocs, 8.0, "allocations by Copy, want a handful")
}

func TestCopySteadyStateAllocs(t *testing.T) {
	one := []byte(strings.Repeat(frame(Stdout, "0123456789abcdef")+frame(Stderr, "x"), 10))
	many := bytes.Repeat(one, 10000)
	r := bytes.NewReader(nil)
	measure := func(in []byte) float64 {
		return testing.AllocsPerRun(5, func() {
			r.Reset(in)
			_, err := Copy(io.Discard, io.Discard, r)
			require.NoError(t, err)
		})
	}
	a, b := measure(one), measure(many)
	// allocations that grew with the frames would be thousands here; a
	// stray one (the race detector's or the runtime's, as CI saw under
	// -race: 0 and 1) is not growth
	assert.LessOrEqual(t, b, a+2, "allocations grow with frames: %.0f for 20 frames, %.0f for 200000", a, b)
}
