// Package mux handles the streams of a container's process: the stdcopy
// format that multiplexes stdout and stderr on one byte stream, raw TTY
// streams, and hijacked connections whose write side is the process's stdin.
//
// mux knows nothing of HTTP: it works on io.Reader, io.Writer and, for
// hijacked streams, on the net.Conn and *bufio.Reader the HTTP layer hands
// over.
//
// # Frames
//
// A multiplexed stream is a sequence of frames, each an 8-byte header
// [stream, 0, 0, 0, size as big-endian uint32] and size bytes of payload.
// Reader is the frame iterator (Next, then Read the payload); Copy splits a
// whole stream onto two writers; Muxer and NewWriter produce frames.
//
//	n, err := mux.Copy(os.Stdout, os.Stderr, body)
//
// Reading is strict and bounded. A stream cut inside a frame is an error
// wrapping io.ErrUnexpectedEOF, never a silent success; a header that is not
// a frame header is a *FormatError that quotes the bytes found; a Systemerr
// frame is a *DaemonError. A header claiming 4 GiB costs no more memory than
// the Reader's fixed 32 KiB buffer.
//
// # Raw or multiplexed
//
// A TTY stream is raw bytes and must not be demultiplexed. Multiplexed
// decides from the API version, the Content-Type and the Tty setting; it
// never guesses from the bytes.
//
// # Hijacked connections
//
// Conn wraps an attach or exec connection: Read or Demux for the output,
// Write for stdin, CloseWrite to end stdin while still reading, and a
// context that closes everything when cancelled.
package mux
