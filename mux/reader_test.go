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

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStreamString(t *testing.T) {
	tests := []struct {
		s    Stream
		want string
	}{
		{Stdin, "stdin"}, {Stdout, "stdout"}, {Stderr, "stderr"}, {Systemerr, "systemerr"}, {4, "stream(4)"}, {255, "stream(255)"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, tc.s.String(), "Stream(%d).String()", byte(tc.s))
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
				require.NoError(t, err)
				assert.Equal(t, want, got)
			})
		}
	}
}

func TestReaderNextSkipsUnreadPayload(t *testing.T) {
	big := strings.Repeat("x", 100000)
	r := NewReader(iotest.HalfReader(strings.NewReader(frame(Stdout, big) + frame(Stderr, "tail"))))
	n, err := r.Read(make([]byte, 10))
	assert.Zero(t, n, "Read before Next")
	assert.Equal(t, io.EOF, err, "Read before Next")
	s, size, err := r.Next()
	require.NoError(t, err)
	require.Equal(t, Stdout, s)
	require.EqualValues(t, 100000, size)
	_, err = io.ReadFull(r, make([]byte, 10))
	require.NoError(t, err)
	s, size, err = r.Next()
	require.NoError(t, err, "second Next")
	assert.Equal(t, Stderr, s, "second Next")
	assert.EqualValues(t, 4, size, "second Next")
	assert.Equal(t, Stderr, r.Stream())
	rest, err := io.ReadAll(r)
	require.NoError(t, err)
	assert.Equal(t, "tail", string(rest), "payload")
	_, _, err = r.Next()
	assert.Equal(t, io.EOF, err, "last Next")
}

func TestReaderErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		read bool  // read the payload before the second Next
		want error // the error matched; nil: a *FormatError
	}{
		{"truncated header", "\x01\x00", false, io.ErrUnexpectedEOF},
		{"truncated payload skipped", header(Stdout, 1<<32-1) + "abc", false, io.ErrUnexpectedEOF},
		{"truncated payload read", header(Stdout, 1<<32-1) + "abc", true, io.ErrUnexpectedEOF},
		{"format", "\x09\x00\x00\x00\x00\x00\x00\x00", false, nil},
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
				if tc.want != nil {
					require.ErrorIs(t, err, tc.want)
				} else {
					var fe *FormatError
					require.ErrorAs(t, err, &fe)
				}
			}
			assert.Error(t, err, "no error after three Next")
		})
	}
}

func TestReaderZeroProgress(t *testing.T) {
	r := NewReader(zeroReader{})
	_, _, err := r.Next()
	assert.ErrorIs(t, err, io.ErrNoProgress)
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
		require.NoError(t, err, "Write(%v, %d bytes)", w.s, len(w.p))
		require.Equal(t, len(w.p), n, "Write(%v, %d bytes)", w.s, len(w.p))
	}
	got, err := readAll(NewReader(&buf), 1<<16)
	require.NoError(t, err)
	want := []gotFrame{{Stdout, 3, "out"}, {Stderr, 3, "err"}, {Stdout, MaxFrameSize, big[:MaxFrameSize]}, {Stdout, smallFrame + 3, big[MaxFrameSize:]}, {Systemerr, 3, "sys"}}
	assert.Equal(t, want, got)
	// WriteFrame writes an empty frame when asked to.
	buf.Reset()
	n, err := m.WriteFrame(Stderr, nil)
	require.NoError(t, err, "WriteFrame(nil)")
	assert.Zero(t, n, "WriteFrame(nil)")
	assert.Equal(t, header(Stderr, 0), buf.String(), "WriteFrame(nil) wrote")
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
			assert.Equal(t, tc.n, n, "written")
			require.ErrorIs(t, err, tc.want)
			assert.Regexp(t, "^mux: ", err.Error())
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
				if _, err := m.Stream(s).Write(p); !assert.NoError(t, err) {
					return
				}
			}
		})
	}
	wg.Wait()
	frames, err := readAll(NewReader(&buf), 1<<16)
	require.NoError(t, err)
	require.Len(t, frames, 8*50)
	for i, f := range frames {
		g := int(f.payload[0] - 'a')
		require.Equal(t, 100+g*1000, int(f.size), "frame %d: size", i)
		require.Empty(t, strings.Trim(f.payload, f.payload[:1]), "frame %d: mixed payload", i)
		require.Equal(t, Stream(1+g%2), f.s, "frame %d: stream", i)
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
		assert.Equal(t, tc.want, Multiplexed(tc.version, tc.contentType, tc.tty), "Multiplexed(%q, %q, %v)", tc.version, tc.contentType, tc.tty)
	}
}

// TestReaderDirectRead: a read of at least the buffer's size with nothing
// buffered goes straight into p, and stays strict about truncation.
func TestReaderDirectRead(t *testing.T) {
	payload := strings.Repeat("p", 50000)
	r := NewReader(iotest.HalfReader(strings.NewReader(header(Stdout, 1<<32-1)[:HeaderSize] + payload)))
	_, _, err := r.Next()
	require.NoError(t, err)
	p := make([]byte, 64<<10)
	var got int
	for {
		n, err := r.Read(p)
		got += n
		if err != nil {
			require.ErrorIs(t, err, io.ErrUnexpectedEOF)
			break
		}
		require.NotZero(t, n, "Read returned 0, nil")
	}
	assert.Equal(t, len(payload), got, "payload bytes read")
}
