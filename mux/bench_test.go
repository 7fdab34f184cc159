package mux

import (
	"bytes"
	"io"
	"testing"
)

const benchPayload = 64 << 20

var benchFrames = []struct {
	name string
	size int
}{{"16B", 16}, {"1KiB", 1 << 10}, {"32KiB", 32 << 10}, {"1MiB", 1 << 20}}

// benchStream returns 64 MiB of payload in stdout frames of the given size.
func benchStream(size int) []byte {
	var buf bytes.Buffer
	buf.Grow(benchPayload / size * (size + HeaderSize))
	w := NewWriter(&buf, Stdout)
	p := bytes.Repeat([]byte{'x'}, size)
	for range benchPayload / size {
		w.Write(p)
	}
	return buf.Bytes()
}

func BenchmarkCopy(b *testing.B) {
	for _, fr := range benchFrames {
		b.Run("frame="+fr.name, func(b *testing.B) {
			in := benchStream(fr.size)
			r := bytes.NewReader(in)
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				r.Reset(in)
				if n, err := Copy(io.Discard, io.Discard, r); err != nil || n != benchPayload {
					b.Fatal(n, err)
				}
			}
		})
	}
}

// BenchmarkIOCopy is the ceiling: the same bytes through io.CopyBuffer with
// a 32 KiB buffer, no framing (WriterTo and ReaderFrom hidden).
func BenchmarkIOCopy(b *testing.B) {
	for _, fr := range benchFrames {
		b.Run("frame="+fr.name, func(b *testing.B) {
			in := benchStream(fr.size)
			r := bytes.NewReader(in)
			buf := make([]byte, 32<<10)
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				r.Reset(in)
				if _, err := io.CopyBuffer(struct{ io.Writer }{io.Discard}, struct{ io.Reader }{r}, buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkMuxerWrite: framing small writes, as the mock daemon does.
func BenchmarkMuxerWrite(b *testing.B) {
	for _, fr := range benchFrames[:2] {
		b.Run("frame="+fr.name, func(b *testing.B) {
			w := NewMuxer(io.Discard).Stream(Stdout)
			p := make([]byte, fr.size)
			b.SetBytes(int64(fr.size + HeaderSize))
			b.ReportAllocs()
			for b.Loop() {
				w.Write(p)
			}
		})
	}
}
