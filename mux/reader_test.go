package mux

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
)

func TestStreamString(t *testing.T) {
	tests := []struct {
		s    Stream
		want string
	}{
		{Stdin, "stdin"}, {Stdout, "stdout"}, {Stderr, "stderr"}, {Systemerr, "systemerr"}, {4, "stream(4)"}, {255, "stream(255)"},
	}
	for _, tc := range tests {
		if got := tc.s.String(); got != tc.want {
			t.Errorf("Stream(%d).String() = %q, want %q", byte(tc.s), got, tc.want)
		}
	}
}

type gotFrame struct {
	s       Stream
	size    uint32
	payload string
}

// readAll reads every frame with Next and Read, through p-sized reads.
func readAll(r *Reader, bufLen int) ([]gotFrame, error) {
	var frames []gotFrame
	buf := make([]byte, bufLen)
	for {
		s, size, err := r.Next()
		if err != nil {
			if err == io.EOF {
				return frames, nil
			}
			return frames, err
		}
		var p bytes.Buffer
		for {
			n, err := r.Read(buf)
			p.Write(buf[:n])
			if err == io.EOF {
				break
			}
			if err != nil {
				frames = append(frames, gotFrame{s, size, p.String()})
				return frames, err
			}
		}
		frames = append(frames, gotFrame{s, size, p.String()})
	}
}

func TestReaderFrames(t *testing.T) {
	big := strings.Repeat("0123456789abcdef", 5000) // 80000 bytes: spans the buffer
	in := frame(Stdout, "a") + frame(Stderr, "") + frame(Stdin, big) + frame(Systemerr, "oops") + frame(Stdout, "z")
	want := []gotFrame{{Stdout, 1, "a"}, {Stderr, 0, ""}, {Stdin, uint32(len(big)), big}, {Systemerr, 4, "oops"}, {Stdout, 1, "z"}}
	for _, bufLen := range []int{1, 7, 4096, bufSize, 100000} {
		for _, rd := range []struct {
			name string
			wrap func(io.Reader) io.Reader
		}{{"whole", func(r io.Reader) io.Reader { return r }}, {"onebyte", iotest.OneByteReader}, {"dataerr", iotest.DataErrReader}} {
			t.Run(fmt.Sprintf("%s/buf=%d", rd.name, bufLen), func(t *testing.T) {
				got, err := readAll(NewReader(rd.wrap(strings.NewReader(in))), bufLen)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(want) {
					t.Fatalf("got %d frames, want %d", len(got), len(want))
				}
				for i := range want {
					if got[i] != want[i] {
						t.Errorf("frame %d = {%v %d %d bytes}, want {%v %d %d bytes}", i, got[i].s, got[i].size, len(got[i].payload), want[i].s, want[i].size, len(want[i].payload))
					}
				}
			})
		}
	}
}

func TestReaderNextSkipsUnreadPayload(t *testing.T) {
	big := strings.Repeat("x", 100000)
	r := NewReader(iotest.HalfReader(strings.NewReader(frame(Stdout, big) + frame(Stderr, "tail"))))
	if n, err := r.Read(make([]byte, 10)); n != 0 || err != io.EOF {
		t.Fatalf("Read before Next = %d, %v; want 0, EOF", n, err)
	}
	if s, size, err := r.Next(); s != Stdout || size != 100000 || err != nil {
		t.Fatalf("Next = %v, %d, %v", s, size, err)
	}
	if _, err := io.ReadFull(r, make([]byte, 10)); err != nil {
		t.Fatal(err)
	}
	s, size, err := r.Next()
	if s != Stderr || size != 4 || err != nil || r.Stream() != Stderr {
		t.Fatalf("second Next = %v, %d, %v; want stderr, 4, nil", s, size, err)
	}
	rest, err := io.ReadAll(r)
	if err != nil || string(rest) != "tail" {
		t.Fatalf("payload = %q, %v", rest, err)
	}
	if _, _, err := r.Next(); err != io.EOF {
		t.Fatalf("last Next err = %v, want io.EOF", err)
	}
}

func TestReaderErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		read bool // read the payload before the second Next
		want func(error) bool
	}{
		{"truncated header", "\x01\x00", false, func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }},
		{"truncated payload skipped", header(Stdout, 1<<32-1) + "abc", false, func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }},
		{"truncated payload read", header(Stdout, 1<<32-1) + "abc", true, func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }},
		{"format", "\x09\x00\x00\x00\x00\x00\x00\x00", false, func(err error) bool { var fe *FormatError; return errors.As(err, &fe) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tc.in))
			var err error
			for range 3 { // the error is sticky, never a later io.EOF
				_, _, err = r.Next()
				if err == nil && tc.read {
					_, err = io.Copy(io.Discard, r)
				}
				if err == nil {
					continue
				}
				if !tc.want(err) {
					t.Fatalf("err = %v", err)
				}
			}
			if err == nil {
				t.Fatal("no error")
			}
		})
	}
}

func TestReaderZeroProgress(t *testing.T) {
	r := NewReader(zeroReader{})
	if _, _, err := r.Next(); !errors.Is(err, io.ErrNoProgress) {
		t.Fatalf("err = %v, want io.ErrNoProgress", err)
	}
}

type zeroReader struct{}

func (zeroReader) Read([]byte) (int, error) { return 0, nil }

func TestMuxerRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	m := NewMuxer(&buf)
	big := strings.Repeat("B", MaxFrameSize+smallFrame+3)
	writes := []struct {
		s Stream
		p string
	}{{Stdout, "out"}, {Stderr, "err"}, {Stdout, ""}, {Stdout, big}, {Systemerr, "sys"}}
	for _, w := range writes {
		n, err := m.Stream(w.s).Write([]byte(w.p))
		if n != len(w.p) || err != nil {
			t.Fatalf("Write(%v, %d bytes) = %d, %v", w.s, len(w.p), n, err)
		}
	}
	got, err := readAll(NewReader(&buf), 1<<16)
	if err != nil {
		t.Fatal(err)
	}
	want := []gotFrame{{Stdout, 3, "out"}, {Stderr, 3, "err"}, {Stdout, MaxFrameSize, big[:MaxFrameSize]}, {Stdout, smallFrame + 3, big[MaxFrameSize:]}, {Systemerr, 3, "sys"}}
	if len(got) != len(want) {
		t.Fatalf("got %d frames, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("frame %d: {%v %d} want {%v %d}", i, got[i].s, got[i].size, want[i].s, want[i].size)
		}
	}
	// WriteFrame writes an empty frame when asked to.
	buf.Reset()
	if n, err := m.WriteFrame(Stderr, nil); n != 0 || err != nil || buf.String() != header(Stderr, 0) {
		t.Fatalf("WriteFrame(nil) = %d, %v, wrote %q", n, err, buf.String())
	}
}

func TestMuxerWriteErrors(t *testing.T) {
	boom := errors.New("boom")
	big := make([]byte, smallFrame+1)
	tests := []struct {
		name string
		w    io.Writer
		p    []byte
		n    int
		want error
	}{
		{"small error", failWriter{n: 0, err: boom}, []byte("abc"), 0, boom},
		{"small short", failWriter{n: 9}, []byte("abc"), 1, io.ErrShortWrite},
		{"big header short", failWriter{n: 4}, big, 0, io.ErrShortWrite},
		{"big payload error", &limitWriter{n: HeaderSize + 10, err: boom}, big, 10, boom},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, err := NewWriter(tc.w, Stdout).Write(tc.p)
			if n != tc.n || !errors.Is(err, tc.want) || !strings.HasPrefix(err.Error(), "mux: ") {
				t.Fatalf("Write = %d, %v; want %d, %v", n, err, tc.n, tc.want)
			}
		})
	}
}

// limitWriter accepts n bytes in total, then fails with err.
type limitWriter struct {
	n   int
	err error
}

func (w *limitWriter) Write(p []byte) (int, error) {
	k := min(w.n, len(p))
	w.n -= k
	if k < len(p) {
		return k, w.err
	}
	return k, nil
}

// TestMuxerConcurrent: stdout and stderr written from many goroutines onto
// one writer; every frame read back is whole and of one writer's bytes.
func TestMuxerConcurrent(t *testing.T) {
	var buf bytes.Buffer
	m := NewMuxer(&buf)
	var wg sync.WaitGroup
	for g := range 8 {
		s := Stream(1 + g%2)
		wg.Go(func() {
			p := bytes.Repeat([]byte{byte('a' + g)}, 100+g*1000) // some above smallFrame
			for range 50 {
				if _, err := m.Stream(s).Write(p); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	frames, err := readAll(NewReader(&buf), 1<<16)
	if err != nil {
		t.Fatal(err)
	}
	if len(frames) != 8*50 {
		t.Fatalf("%d frames, want %d", len(frames), 8*50)
	}
	for _, f := range frames {
		g := int(f.payload[0] - 'a')
		if int(f.size) != 100+g*1000 || strings.Trim(f.payload, f.payload[:1]) != "" || f.s != Stream(1+g%2) {
			t.Fatalf("mixed frame: stream %v size %d", f.s, f.size)
		}
	}
}

func TestMultiplexed(t *testing.T) {
	tests := []struct {
		version, contentType string
		tty, want            bool
	}{
		// >= 1.42: the content type decides, whatever tty says.
		{"1.42", MediaMultiplexedStream, true, true},
		{"1.42", MediaRawStream, false, false},
		{"1.56", "application/vnd.docker.multiplexed-stream; charset=x", true, true},
		{"v1.44", " Application/VND.docker.raw-stream", false, false},
		{"2.0", MediaRawStream, false, false},
		// >= 1.42 without a known content type: tty decides.
		{"1.44", "", false, true},
		{"1.44", "text/plain", true, false},
		// < 1.42: attach says raw-stream even when multiplexed; tty decides.
		{"1.41", MediaRawStream, false, true},
		{"1.41", MediaRawStream, true, false},
		{"1.24", MediaMultiplexedStream, true, false},
		{"1.41", "", false, true},
		// Unparsable versions count as old.
		{"", MediaRawStream, false, true},
		{"latest", MediaRawStream, false, true},
		{"1.x", MediaMultiplexedStream, true, false},
	}
	for _, tc := range tests {
		if got := Multiplexed(tc.version, tc.contentType, tc.tty); got != tc.want {
			t.Errorf("Multiplexed(%q, %q, %v) = %v, want %v", tc.version, tc.contentType, tc.tty, got, tc.want)
		}
	}
}

// TestReaderDirectRead: a read of at least the buffer's size with nothing
// buffered goes straight into p, and stays strict about truncation.
func TestReaderDirectRead(t *testing.T) {
	payload := strings.Repeat("p", 50000)
	r := NewReader(iotest.HalfReader(strings.NewReader(header(Stdout, 1<<32-1)[:HeaderSize] + payload)))
	if _, _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	p := make([]byte, 64<<10)
	var got int
	for {
		n, err := r.Read(p)
		got += n
		if err != nil {
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("err = %v, want io.ErrUnexpectedEOF", err)
			}
			break
		}
		if n == 0 {
			t.Fatal("Read returned 0, nil")
		}
	}
	if got != len(payload) {
		t.Fatalf("read %d payload bytes, want %d", got, len(payload))
	}
}
