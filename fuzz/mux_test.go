package fuzz

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mux"
)

// muxFrame is one stdcopy frame: header and payload.
func muxFrame(s mux.Stream, payload string) []byte {
	return append(muxHeader(s, uint32(len(payload))), payload...)
}

func muxHeader(s mux.Stream, size uint32) []byte {
	h := make([]byte, mux.HeaderSize)
	h[0] = byte(s)
	binary.BigEndian.PutUint32(h[4:], size)
	return h
}

// FuzzMuxReader (target 1) feeds arbitrary bytes to mux.Copy and to the frame
// iterator: no panic, never more payload than input, Copy's count equals the
// bytes delivered, the iterator agrees with Copy, and memory stays bounded
// whatever the headers claim.
func FuzzMuxReader(f *testing.F) {
	var m bytes.Buffer
	mx := mux.NewMuxer(&m)
	mx.WriteFrame(mux.Stdout, []byte("hello\n"))
	mx.WriteFrame(mux.Stderr, []byte("world\n"))
	f.Add(m.Bytes())
	f.Add(append(muxHeader(mux.Stdout, 1<<32-1), "abc"...))
	f.Add(muxFrame(mux.Systemerr, "boom"))
	f.Add([]byte("HTTP/1.1 500 Internal Server Error\r\n"))
	f.Add(append(muxFrame(mux.Stdin, ""), "\x01\x00\x00"...))
	f.Fuzz(func(t *testing.T, in []byte) {
		// Memory: whatever the headers claim, Copy costs its buffer (plus a
		// capped Systemerr message).
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, _ = mux.Copy(io.Discard, io.Discard, bytes.NewReader(in))
		runtime.ReadMemStats(&after)
		require.LessOrEqual(t, after.TotalAlloc-before.TotalAlloc, uint64(128<<10), "bytes Copy allocated for %d input bytes", len(in))

		var stdout, stderr bytes.Buffer
		n, err := mux.Copy(&stdout, &stderr, bytes.NewReader(in))
		got := int64(stdout.Len() + stderr.Len())
		require.Equal(t, got, n, "Copy's count, against the bytes it delivered")
		require.LessOrEqual(t, got, int64(len(in)), "bytes delivered from %d input bytes", len(in))
		if err != nil {
			var fe *mux.FormatError
			var de *mux.DaemonError
			require.True(t, errors.As(err, &fe) || errors.As(err, &de) || errors.Is(err, io.ErrUnexpectedEOF), "untyped Copy error %T: %v", err, err)
			if de != nil {
				require.LessOrEqual(t, len(de.Message), 16<<10, "bytes of the DaemonError's message")
			}
		}
		// The iterator sees the same payload bytes, in the same order.
		r := mux.NewReader(bytes.NewReader(in))
		var out, errb bytes.Buffer
		var ierr error
		for {
			s, size, err := r.Next()
			if err != nil {
				if err != io.EOF {
					ierr = err
				}
				break
			}
			require.Equal(t, s, r.Stream(), "Stream(), against what Next said")
			if s == mux.Systemerr {
				break
			}
			w := &out
			if s == mux.Stderr {
				w = &errb
			}
			k, err := io.Copy(w, r)
			if err != nil {
				ierr = err
				break
			}
			require.EqualValues(t, size, k, "bytes of a frame read without error")
		}
		require.Equal(t, stdout.String(), out.String(), "stdout: iterator and Copy disagree")
		require.Equal(t, stderr.String(), errb.String(), "stderr: iterator and Copy disagree")
		var de *mux.DaemonError
		if !errors.As(err, &de) {
			require.Equal(t, err == nil, ierr == nil, "Copy err %v, iterator err %v", err, ierr)
		}
	})
}

// FuzzMuxRoundTrip (target 2) writes frames with a mux.Muxer and reads them
// back. The input is a script: each step is a stream byte, a 2-byte length
// and that many payload bytes.
func FuzzMuxRoundTrip(f *testing.F) {
	f.Add([]byte("\x01\x00\x05hello\x02\x00\x05world"))
	f.Add([]byte("\x03\x00\x00\x00\x00\x01x"))
	f.Fuzz(func(t *testing.T, script []byte) {
		type write struct {
			s mux.Stream
			p []byte
		}
		var writes []write
		for len(script) >= 3 {
			s := mux.Stream(script[0] % 4)
			size := min(int(binary.BigEndian.Uint16(script[1:3])), len(script)-3)
			writes = append(writes, write{s, script[3 : 3+size]})
			script = script[3+size:]
		}
		var wire bytes.Buffer
		m := mux.NewMuxer(&wire)
		for _, w := range writes {
			n, err := m.WriteFrame(w.s, w.p)
			require.NoError(t, err, "WriteFrame")
			require.Equal(t, len(w.p), n, "WriteFrame")
		}
		r := mux.NewReader(&wire)
		for i, w := range writes {
			s, size, err := r.Next()
			require.NoError(t, err, "frame %d: Next", i)
			require.Equal(t, w.s, s, "frame %d: stream", i)
			require.EqualValues(t, len(w.p), size, "frame %d: size", i)
			p, err := io.ReadAll(r)
			require.NoError(t, err, "frame %d: payload", i)
			require.Equal(t, string(w.p), string(p), "frame %d: payload", i)
		}
		_, _, err := r.Next()
		require.Equal(t, io.EOF, err, "after the last frame")
	})
}
