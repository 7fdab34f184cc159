package mux

import (
	"fmt"
	"io"
)

// Output is a process's output as the daemon streams it without a
// connection to write back to: container, service and task logs. It has
// the output side of a Conn, with the same methods: Read for the bytes as
// they come (raw TTY bytes, or the stdcopy frames themselves when
// Multiplexed), Demux to split them onto two writers, Close to end it.
//
// # Concurrency
//
// One goroutine may read (Read or Demux); Close may be called from any
// goroutine to end a blocked Read.
type Output struct {
	body        io.ReadCloser
	multiplexed bool
}

// NewOutput wraps body, a response body the caller hands over, whose bytes
// are in the stdcopy format when multiplexed is true (see Multiplexed).
func NewOutput(body io.ReadCloser, multiplexed bool) *Output {
	return &Output{body: body, multiplexed: multiplexed}
}

// Multiplexed reports whether the output is in the stdcopy format.
func (o *Output) Multiplexed() bool { return o.multiplexed }

// Read reads the raw output: for a TTY stream, the terminal's bytes; for a
// multiplexed one, the frames themselves (use Demux to split them).
func (o *Output) Read(p []byte) (int, error) { return o.body.Read(p) }

// Demux copies the output until it ends, as Conn.Demux does: a multiplexed
// stream is split as Copy does, a raw one goes to stdout as is; a nil
// writer discards. It returns the number of bytes delivered and nil when
// the stream ended cleanly.
func (o *Output) Demux(stdout, stderr io.Writer) (int64, error) {
	if o.multiplexed {
		return Copy(stdout, stderr, o.body)
	}
	return copyRaw(stdout, o.body)
}

// Close ends the stream.
func (o *Output) Close() error { return o.body.Close() }

// copyRaw copies a raw (TTY) stream to w in 32 KiB steps, writing each read
// at once, so that a prompt reaches w without waiting for more. A nil w
// discards. Write errors are wrapped "mux: write stdout"; read errors are
// returned as they come.
func copyRaw(w io.Writer, r io.Reader) (int64, error) {
	if w == nil {
		w = io.Discard
	}
	buf := make([]byte, bufSize)
	var total int64
	for {
		n, err := r.Read(buf)
		if n > 0 {
			m, werr := w.Write(buf[:n])
			total += int64(m)
			if werr == nil && m < n {
				werr = io.ErrShortWrite
			}
			if werr != nil {
				return total, fmt.Errorf("mux: write stdout: %w", werr)
			}
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}
