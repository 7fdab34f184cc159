package mux

import (
	"encoding/binary"
	"fmt"
	"io"
	"sync"
)

// smallFrame is the payload size up to which a frame's header and payload
// go to the underlying writer in one Write.
const smallFrame = 4 << 10

// Muxer multiplexes streams onto one writer in the stdcopy format: what the
// daemon does on a non-TTY attach, exec or logs stream.
//
//	m := mux.NewMuxer(conn)
//	stdout, stderr := m.Stream(mux.Stdout), m.Stream(mux.Stderr)
//
// # Concurrency
//
// A Muxer and its stream writers are safe for concurrent use: each frame
// (header and payload) is written under one lock, so frames of different
// streams never interleave on the underlying writer.
type Muxer struct {
	mu  sync.Mutex
	w   io.Writer
	buf [HeaderSize + smallFrame]byte
}

// NewMuxer returns a Muxer that writes frames to w.
func NewMuxer(w io.Writer) *Muxer {
	return &Muxer{w: w}
}

// Stream returns a writer that frames each Write as stream s. A Write longer
// than MaxFrameSize becomes several frames; an empty Write writes nothing.
// s is written as given: a value above Systemerr produces a stream that
// readers reject, which is useful for fault injection.
func (m *Muxer) Stream(s Stream) io.Writer {
	return &streamWriter{m: m, s: s}
}

// NewWriter returns a writer that frames each Write as stream s on w. It is
// NewMuxer(w).Stream(s): writers made by two NewWriter calls on one w do not
// share a lock; use one Muxer for streams that share a writer concurrently.
func NewWriter(w io.Writer, s Stream) io.Writer {
	return NewMuxer(w).Stream(s)
}

type streamWriter struct {
	m *Muxer
	s Stream
}

func (sw *streamWriter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return sw.m.WriteFrame(sw.s, p)
}

// WriteFrame writes p as frames of stream s, one frame when p holds no more
// than MaxFrameSize bytes and exactly one empty frame when p is empty. It
// returns the number of payload bytes written.
func (m *Muxer) WriteFrame(s Stream, p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	written := 0
	for {
		chunk := p[:min(len(p), MaxFrameSize)]
		n, err := m.writeFrame(s, chunk)
		written += n
		if err != nil {
			return written, fmt.Errorf("mux: write %s frame: %w", s, err)
		}
		p = p[len(chunk):]
		if len(p) == 0 {
			return written, nil
		}
	}
}

// writeFrame writes one frame; m.mu is held.
func (m *Muxer) writeFrame(s Stream, p []byte) (int, error) {
	hdr := m.buf[:HeaderSize]
	hdr[0], hdr[1], hdr[2], hdr[3] = byte(s), 0, 0, 0
	binary.BigEndian.PutUint32(hdr[4:], uint32(len(p)))
	if len(p) <= smallFrame {
		frame := m.buf[:HeaderSize+copy(m.buf[HeaderSize:], p)]
		n, err := m.w.Write(frame)
		return max(0, min(n, len(frame))-HeaderSize), shortWrite(n, len(frame), err)
	}
	n, err := m.w.Write(hdr)
	if err = shortWrite(n, HeaderSize, err); err != nil {
		return 0, err
	}
	n, err = m.w.Write(p)
	return max(0, min(n, len(p))), shortWrite(n, len(p), err)
}

func shortWrite(n, want int, err error) error {
	if err == nil && n != want {
		return io.ErrShortWrite
	}
	return err
}
