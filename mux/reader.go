package mux

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// bufSize is the Reader's fixed buffer. A frame of any size streams through
// it; nothing in this package allocates the size a header claims.
const bufSize = 32 << 10

// maxEmptyReads bounds how many (0, nil) reads the Reader tolerates from its
// source before it gives up with io.ErrNoProgress.
const maxEmptyReads = 100

// Reader reads stdcopy frames from a source, in the manner of x/net/http2's
// Framer: Next advances to the next frame header and Read reads that frame's
// payload. A frame's payload streams through a fixed 32 KiB buffer however
// large its header says it is, so a hostile or corrupt header costs nothing
// more than the buffer.
//
// Reader is strict: a stream that ends inside a header or a payload yields an
// error wrapping io.ErrUnexpectedEOF, a header with an unknown stream byte or
// non-zero reserved bytes yields a *FormatError. Neither is ever taken for a
// clean end.
//
// # Concurrency
//
// A Reader is not safe for concurrent use.
type Reader struct {
	src    io.Reader
	r, w   int   // buf[r:w] holds buffered, unconsumed bytes
	base   int64 // stream offset of buf[0]
	remain uint32
	stream Stream
	err    error // sticky error from src, returned once the buffer is drained
	ferr   error // sticky *FormatError
	buf    [bufSize]byte
}

// NewReader returns a Reader of the frames in src.
func NewReader(src io.Reader) *Reader {
	return &Reader{src: src}
}

// reset makes r a new Reader of src, keeping its buffer.
func (r *Reader) reset(src io.Reader) {
	r.src, r.r, r.w, r.base, r.remain, r.stream, r.err, r.ferr = src, 0, 0, 0, 0, 0, nil, nil
}

// Next skips what is left of the current frame's payload and reads the next
// frame header. It returns the frame's stream and payload size; the payload
// is then read with Read. At a clean end of the source, between frames, Next
// returns io.EOF.
//
// Next does not read ahead: it asks the source for bytes only when the
// header is not already buffered.
func (r *Reader) Next() (Stream, uint32, error) {
	if r.ferr != nil {
		return 0, 0, r.ferr
	}
	for r.remain > 0 {
		if r.r == r.w {
			if err := r.fill(); err != nil {
				return 0, 0, r.payloadErr(err)
			}
		}
		n := min(uint32(r.w-r.r), r.remain)
		r.r += int(n)
		r.remain -= n
	}
	for r.w-r.r < HeaderSize {
		if err := r.fill(); err != nil {
			if err == io.EOF {
				if r.r == r.w {
					return 0, 0, io.EOF
				}
				return 0, 0, fmt.Errorf("mux: truncated frame header (%d of %d bytes): %w", r.w-r.r, HeaderSize, io.ErrUnexpectedEOF)
			}
			return 0, 0, err
		}
	}
	h := r.buf[r.r : r.r+HeaderSize]
	s := Stream(h[0])
	if !s.valid() || h[1]|h[2]|h[3] != 0 {
		r.ferr = &FormatError{
			Offset: r.base + int64(r.r),
			Prefix: append([]byte(nil), r.buf[r.r:min(r.w, r.r+64)]...),
		}
		return 0, 0, r.ferr
	}
	r.stream = s
	r.remain = binary.BigEndian.Uint32(h[4:])
	r.r += HeaderSize
	return s, r.remain, nil
}

// Read reads the current frame's payload. It returns io.EOF at the end of
// the frame (and before the first call to Next); call Next for the next
// frame. Read never returns bytes of two frames at once.
func (r *Reader) Read(p []byte) (int, error) {
	if r.remain == 0 {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	if r.r == r.w {
		if len(p) >= len(r.buf) && r.err == nil {
			// Large read with an empty buffer: read straight into p.
			q := p[:min(uint32(len(p)), r.remain)]
			n, err := r.src.Read(q)
			if n < 0 || n > len(q) {
				n, err = 0, errInvalidCount
			}
			r.remain -= uint32(n)
			r.base += int64(n)
			if err != nil {
				r.err = err
				if n > 0 {
					return n, nil
				}
				return 0, r.payloadErr(r.takeErr())
			}
			return n, nil
		}
		if err := r.fill(); err != nil {
			return 0, r.payloadErr(err)
		}
	}
	n := copy(p, r.buf[r.r:r.r+int(min(uint32(r.w-r.r), r.remain))])
	r.r += n
	r.remain -= uint32(n)
	return n, nil
}

// Stream returns the stream of the current frame.
func (r *Reader) Stream() Stream { return r.stream }

// payloadErr turns the end of the source inside a payload into
// io.ErrUnexpectedEOF.
func (r *Reader) payloadErr(err error) error {
	if err == io.EOF {
		return fmt.Errorf("mux: truncated %s frame (%d payload bytes missing): %w", r.stream, r.remain, io.ErrUnexpectedEOF)
	}
	return err
}

// takeErr returns the source's sticky error: io.EOF as is, anything else
// wrapped.
func (r *Reader) takeErr() error {
	if r.err == io.EOF {
		return io.EOF
	}
	if _, ok := r.err.(*muxErr); ok { // from a Conn: already "mux: read: ..."
		return r.err
	}
	return &muxErr{op: "read", err: r.err}
}

var errInvalidCount = errors.New("source returned an invalid count")

// fill reads once from the source, after moving the buffered bytes (fewer
// than a header when fill is called with any) to the front of the buffer.
// It returns an error only when no byte was added: io.EOF as is, anything
// else wrapped.
func (r *Reader) fill() error {
	if r.r > 0 {
		n := copy(r.buf[:], r.buf[r.r:r.w])
		r.base += int64(r.r)
		r.r, r.w = 0, n
	}
	for range maxEmptyReads {
		if r.err != nil {
			return r.takeErr()
		}
		n, err := r.src.Read(r.buf[r.w:])
		if n < 0 || n > len(r.buf)-r.w {
			n, err = 0, errInvalidCount
		}
		r.w += n
		if err != nil {
			r.err = err
		}
		if n > 0 {
			return nil
		}
	}
	if r.err != nil {
		return r.takeErr()
	}
	return &muxErr{op: "read", err: io.ErrNoProgress}
}
