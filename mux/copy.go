package mux

import (
	"encoding/binary"
	"fmt"
	"io"
	"sync"
)

// maxMerge is the largest frame Copy moves down in its buffer to merge it
// into the Write of the frames before it: merging saves a Write per small
// frame, and costs a memmove that outweighs the saved Write on big ones.
const maxMerge = 512

// maxDaemonMessage caps the message kept from a Systemerr frame.
const maxDaemonMessage = 16 << 10

// Copy demultiplexes the stdcopy stream src: stdout and stdin frames go to
// stdout, stderr frames to stderr. A nil writer discards its stream. It
// returns the number of payload bytes delivered (discarded ones included)
// and the first error:
//
//   - nil when src ends cleanly between two frames;
//   - an error wrapping io.ErrUnexpectedEOF when src ends inside a frame;
//   - *FormatError for a header that is not a stdcopy header;
//   - *DaemonError for a Systemerr frame, which ends the copy;
//   - a writer's error, or io.ErrShortWrite, when a writer fails.
//
// Copy never allocates what a header claims: every frame goes through one
// 32 KiB buffer. It never waits for more input while it holds output: the
// payload bytes it has read are written before it reads again, so a prompt
// reaches the terminal even when no frame follows. Consecutive frames bound
// for the same writer whose bytes are already buffered are written with one
// Write (small frames, up to 512 bytes, are merged).
func Copy(stdout, stderr io.Writer, src io.Reader) (written int64, err error) {
	r := readerPool.Get().(*Reader)
	r.reset(src)
	written, err = r.copy(stdout, stderr)
	r.reset(nil) // errors returned hold copies, never r.buf
	readerPool.Put(r)
	return written, err
}

// readerPool keeps Copy from allocating a 32 KiB buffer per call.
var readerPool = sync.Pool{New: func() any { return new(Reader) }}

// copy runs Copy on r, from wherever r is: a frame already begun with Next is
// finished first.
func (r *Reader) copy(stdout, stderr io.Writer) (written int64, err error) {
	for {
		if r.remain == 0 && r.w-r.r >= HeaderSize && r.ferr == nil {
			// Fast path: a buffered, well-formed stdout, stdin or stderr
			// header. Anything else goes through Next.
			h := r.buf[r.r : r.r+HeaderSize]
			if h[0] < byte(Systemerr) && h[1]|h[2]|h[3] == 0 {
				r.stream = Stream(h[0])
				r.remain = binary.BigEndian.Uint32(h[4:])
				r.r += HeaderSize
				if r.remain == 0 {
					continue
				}
			}
		}
		if r.remain == 0 {
			s, size, err := r.Next()
			if err == io.EOF {
				return written, nil
			}
			if err != nil {
				return written, err
			}
			if s == Systemerr {
				return written, r.daemonError(size)
			}
			if size == 0 {
				continue
			}
		}
		if r.r == r.w {
			if err := r.fill(); err != nil {
				return written, r.payloadErr(err)
			}
		}
		// The current frame's buffered payload, then the payloads of the
		// following buffered frames for the same writer, moved down over
		// their headers so that one Write takes them all.
		cur := r.stream
		start := r.r
		n := min(uint32(r.w-r.r), r.remain)
		end := start + int(n)
		q := end
		r.remain -= n
		for r.remain == 0 && r.w-q >= HeaderSize {
			h := r.buf[q : q+HeaderSize]
			s := Stream(h[0])
			if h[1]|h[2]|h[3] != 0 || !sameWriter(s, cur) {
				break
			}
			size := binary.BigEndian.Uint32(h[4:])
			if size > maxMerge {
				break
			}
			m := min(uint32(r.w-q-HeaderSize), size)
			copy(r.buf[end:], r.buf[q+HeaderSize:q+HeaderSize+int(m)])
			end += int(m)
			q += HeaderSize + int(m)
			r.remain = size - m
			r.stream = s
		}
		r.r = q
		dst := stdout
		if cur == Stderr {
			dst = stderr
		}
		if dst == nil {
			written += int64(end - start)
			continue
		}
		nw, werr := dst.Write(r.buf[start:end])
		if nw < 0 || nw > end-start {
			nw = 0
			if werr == nil {
				werr = errInvalidWrite
			}
		}
		written += int64(nw)
		if werr != nil {
			return written, fmt.Errorf("mux: write %s: %w", cur, werr)
		}
		if nw != end-start {
			return written, fmt.Errorf("mux: write %s: %w", cur, io.ErrShortWrite)
		}
	}
}

// sameWriter reports whether frames of s go where frames of cur go.
func sameWriter(s, cur Stream) bool {
	if cur == Stderr {
		return s == Stderr
	}
	return s == Stdout || s == Stdin
}

// daemonError reads the payload of the Systemerr frame just begun (up to
// maxDaemonMessage bytes) into a *DaemonError.
func (r *Reader) daemonError(size uint32) error {
	msg := make([]byte, min(size, maxDaemonMessage))
	n, err := io.ReadFull(r, msg)
	derr := &DaemonError{Message: string(msg[:n])}
	if err != nil {
		return fmt.Errorf("%w (%w)", derr, err)
	}
	return derr
}
