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
	if err != nil {
		t.Fatalf("err = %v, want nil", err)
	}
}

func isUnexpectedEOF(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err = %v, want io.ErrUnexpectedEOF", err)
	}
}

func isFormat(offset int64, contains string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Fatalf("err = %v, want *FormatError", err)
		}
		if fe.Offset != offset {
			t.Errorf("Offset = %d, want %d", fe.Offset, offset)
		}
		if !strings.Contains(err.Error(), contains) || !strings.HasPrefix(err.Error(), "mux: ") {
			t.Errorf("err = %q, want it to contain %q", err, contains)
		}
	}
}

func isDaemon(msg string, truncated bool) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var de *DaemonError
		if !errors.As(err, &de) {
			t.Fatalf("err = %v, want *DaemonError", err)
		}
		if de.Message != msg {
			t.Errorf("Message = %q, want %q", de.Message, msg)
		}
		if got := errors.Is(err, io.ErrUnexpectedEOF); got != truncated {
			t.Errorf("errors.Is(err, io.ErrUnexpectedEOF) = %v, want %v", got, truncated)
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
				if n != tc.written {
					t.Errorf("written = %d, want %d", n, tc.written)
				}
				if stdout.String() != tc.stdout || stderr.String() != tc.stderr {
					t.Errorf("stdout, stderr = %q, %q; want %q, %q", stdout.String(), stderr.String(), tc.stdout, tc.stderr)
				}
			})
		}
	}
}

func TestCopyNilWriterDiscards(t *testing.T) {
	in := frame(Stdout, "out") + frame(Stderr, "err!") + frame(Stdout, "2")
	var stderr bytes.Buffer
	n, err := Copy(nil, &stderr, strings.NewReader(in))
	if err != nil || n != 8 || stderr.String() != "err!" {
		t.Fatalf("Copy(nil, stderr) = %d, %v, stderr %q; want 8, nil, %q", n, err, stderr.String(), "err!")
	}
	var stdout bytes.Buffer
	n, err = Copy(&stdout, nil, strings.NewReader(in))
	if err != nil || n != 8 || stdout.String() != "out2" {
		t.Fatalf("Copy(stdout, nil) = %d, %v, stdout %q; want 8, nil, %q", n, err, stdout.String(), "out2")
	}
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
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if n != tc.written {
				t.Fatalf("written = %d, want %d", n, tc.written)
			}
		})
	}
}

func TestCopyReaderError(t *testing.T) {
	boom := errors.New("boom")
	src := io.MultiReader(strings.NewReader(frame(Stdout, "ok")+header(Stdout, 5)+"ab"), iotest.ErrReader(boom))
	var out bytes.Buffer
	n, err := Copy(&out, nil, src)
	if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "mux: ") {
		t.Fatalf("err = %v, want mux-prefixed boom", err)
	}
	if n != 4 || out.String() != "okab" {
		t.Fatalf("written %d (%q), want 4 (%q)", n, out.String(), "okab")
	}
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
	if err != nil || n != 1006 {
		t.Fatalf("Copy = %d, %v; want 1006, nil", n, err)
	}
	if len(out.writes) != 2 || out.writes[0] != 1000 || out.writes[1] != 5 {
		t.Errorf("stdout writes = %v, want [1000 5]", out.writes)
	}
	if len(errw.writes) != 1 || errw.writes[0] != 1 {
		t.Errorf("stderr writes = %v, want [1]", errw.writes)
	}
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
	if _, err := pw.Write([]byte(frame(Stdout, "login: ") + header(Stdout, 6) + "ab")); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "login: ab" {
		t.Fatalf("first write = %q, want %q", s, "login: ab")
	}
	// A header alone, split: nothing is written, nothing is lost.
	if _, err := pw.Write([]byte("cdef" + header(Stderr, 0)[:3])); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "cdef" {
		t.Fatalf("second write = %q, want %q", s, "cdef")
	}
	pw.Close()
	if err := <-done; !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("Copy err = %v, want io.ErrUnexpectedEOF", err)
	}
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
	if n != 100<<10 {
		t.Errorf("written = %d, want %d", n, 100<<10)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc >= 64<<10 {
		t.Errorf("Copy allocated %d bytes, want < 64 KiB", alloc)
	}
	allocs := testing.AllocsPerRun(10, func() {
		_, _ = Copy(io.Discard, nil, bytes.NewReader(in))
	})
	if allocs > 8 {
		t.Errorf("Copy made %.0f allocations, want a handful", allocs)
	}
}

func TestCopySteadyStateAllocs(t *testing.T) {
	one := []byte(strings.Repeat(frame(Stdout, "0123456789abcdef")+frame(Stderr, "x"), 10))
	many := bytes.Repeat(one, 10000)
	r := bytes.NewReader(nil)
	measure := func(in []byte) float64 {
		return testing.AllocsPerRun(5, func() {
			r.Reset(in)
			if _, err := Copy(io.Discard, io.Discard, r); err != nil {
				t.Fatal(err)
			}
		})
	}
	if a, b := measure(one), measure(many); b > a {
		t.Errorf("allocations grow with frames: %.0f for 20 frames, %.0f for 200000", a, b)
	}
}
