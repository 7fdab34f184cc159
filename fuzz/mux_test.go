package fuzz

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"runtime"
	"testing"

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
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 128<<10 {
			t.Fatalf("Copy allocated %d bytes for %d input bytes", alloc, len(in))
		}

		var stdout, stderr bytes.Buffer
		n, err := mux.Copy(&stdout, &stderr, bytes.NewReader(in))
		got := int64(stdout.Len() + stderr.Len())
		if n != got {
			t.Fatalf("Copy returned %d, delivered %d", n, got)
		}
		if got > int64(len(in)) {
			t.Fatalf("delivered %d bytes from %d input bytes", got, len(in))
		}
		if err != nil {
			var fe *mux.FormatError
			var de *mux.DaemonError
			if !errors.As(err, &fe) && !errors.As(err, &de) && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("untyped Copy error %T: %v", err, err)
			}
			if de != nil && len(de.Message) > 16<<10 {
				t.Fatalf("DaemonError message of %d bytes", len(de.Message))
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
			if s != r.Stream() {
				t.Fatalf("Next said %v, Stream says %v", s, r.Stream())
			}
			if s == mux.Systemerr {
				break
			}
			w := &out
			if s == mux.Stderr {
				w = &errb
			}
			k, err := io.Copy(w, r)
			if err == nil && k != int64(size) {
				t.Fatalf("frame of %d bytes read as %d without error", size, k)
			}
			if err != nil {
				ierr = err
				break
			}
		}
		if !bytes.Equal(out.Bytes(), stdout.Bytes()) || !bytes.Equal(errb.Bytes(), stderr.Bytes()) {
			t.Fatalf("iterator and Copy disagree")
		}
		var de *mux.DaemonError
		if (err == nil) != (ierr == nil) && !errors.As(err, &de) {
			t.Fatalf("Copy err %v, iterator err %v", err, ierr)
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
			if n, err := m.WriteFrame(w.s, w.p); n != len(w.p) || err != nil {
				t.Fatalf("WriteFrame = %d, %v", n, err)
			}
		}
		r := mux.NewReader(&wire)
		for i, w := range writes {
			s, size, err := r.Next()
			if err != nil || s != w.s || size != uint32(len(w.p)) {
				t.Fatalf("frame %d: Next = %v, %d, %v; want %v, %d", i, s, size, err, w.s, len(w.p))
			}
			p, err := io.ReadAll(r)
			if err != nil || !bytes.Equal(p, w.p) {
				t.Fatalf("frame %d: payload %q, %v; want %q", i, p, err, w.p)
			}
		}
		if _, _, err := r.Next(); err != io.EOF {
			t.Fatalf("after the last frame: %v, want io.EOF", err)
		}
	})
}
