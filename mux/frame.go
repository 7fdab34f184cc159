package mux

import (
	"errors"
	"fmt"
	"strconv"
)

// Stream identifies the stream a frame belongs to: the first byte of a
// frame header.
type Stream byte

// The stream identifiers of the stdcopy format. The Engine API documents
// Stdin, Stdout and Stderr; the daemon also sends Systemerr for errors that
// happen while it streams (moby's api/pkg/stdcopy).
const (
	Stdin     Stream = 0 // written to stdout by Copy, as the Engine API says
	Stdout    Stream = 1
	Stderr    Stream = 2
	Systemerr Stream = 3 // an error from the daemon; Copy returns it as *DaemonError
)

// String returns the stream's name ("stdout"), or "stream(N)" for an
// identifier the format does not define.
func (s Stream) String() string {
	switch s {
	case Stdin:
		return "stdin"
	case Stdout:
		return "stdout"
	case Stderr:
		return "stderr"
	case Systemerr:
		return "systemerr"
	}
	return "stream(" + strconv.Itoa(int(s)) + ")"
}

// valid reports whether s is one of the four defined streams.
func (s Stream) valid() bool { return s <= Systemerr }

// HeaderSize is the size of a frame header: [stream, 0, 0, 0, size as a
// big-endian uint32].
const HeaderSize = 8

// MaxFrameSize is the largest payload a Muxer puts in one frame; longer
// writes are split. The format allows 4 GiB - 1, but moby's StdCopy
// allocates a buffer as large as the biggest frame it reads, so writers
// keep frames small. Readers in this package accept any size.
const MaxFrameSize = 1 << 20

// ErrCloseWriteUnsupported is returned by (*Conn).CloseWrite when the
// connection has no way to half-close (net.Pipe, for example).
var ErrCloseWriteUnsupported = errors.New("mux: connection cannot half-close: no CloseWrite")

// FormatError reports a frame header that is not a stdcopy header: an
// unknown stream byte or non-zero reserved bytes. The usual causes are a raw
// (TTY) stream read as multiplexed, and a daemon that wrote a bare HTTP
// error response onto a hijacked connection.
type FormatError struct {
	Offset int64  // offset in the stream of the bad header
	Prefix []byte // the bad header and up to 56 bytes that were buffered after it
}

func (e *FormatError) Error() string {
	var hdr [HeaderSize]byte
	copy(hdr[:], e.Prefix)
	what := "reserved header bytes are not zero"
	if !Stream(hdr[0]).valid() {
		what = "unknown stream " + strconv.Itoa(int(hdr[0]))
	}
	msg := fmt.Sprintf("mux: malformed frame header at offset %d: %s, stream begins %q", e.Offset, what, e.Prefix)
	switch {
	case len(e.Prefix) >= 5 && string(e.Prefix[:5]) == "HTTP/":
		msg += " (an HTTP response: the daemon reported an error after the upgrade)"
	case printable(e.Prefix):
		msg += " (text: a raw TTY stream read as multiplexed?)"
	}
	return msg
}

func printable(p []byte) bool {
	if len(p) == 0 {
		return false
	}
	for _, c := range p {
		if (c < 0x20 || c > 0x7e) && c != '\n' && c != '\r' && c != '\t' {
			return false
		}
	}
	return true
}

// DaemonError is a Systemerr frame: an error the daemon reported inside
// the stream after it had started sending it. Copy stops at it.
type DaemonError struct {
	Message string // the frame's payload, cut at 16 KiB
}

func (e *DaemonError) Error() string { return "mux: error from daemon in stream: " + e.Message }

var errInvalidWrite = errors.New("writer returned an invalid count")
