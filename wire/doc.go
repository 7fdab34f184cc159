// Package wire speaks the Docker Engine API's HTTP/1.1 by hand, over
// connections opened by a dial.Func, without net/http.
//
// It has two halves, kept apart as in pgproto3 and x/net/http2's Framer:
//
//   - the codec: WriteRequest encodes a Request (versioned path, query,
//     header, Content-Length or chunked body) to a *bufio.Writer;
//     ReadResponse decodes a response (status line, bounded header block,
//     Content-Length, chunked with trailers, close-delimited, 1xx, 101) from
//     a *bufio.Reader. Both are strict and bounded, and fuzzed.
//   - the Client: a keep-alive connection pool over the dial.Func, API
//     version negotiation (/_ping), Do / DoJSON / Upgrade, and typed errors.
//
// Around them: Version and Negotiate; Path and Segment, which escape
// caller-supplied path segments so that a name can never change the
// shape of the path; Filters and EncodeAuth for the filters parameter and
// X-Registry-Auth header; and Stream, one generic reader for every JSON
// message stream (events, progress, stats, build).
//
// # Errors
//
// A daemon's answer with status >= 300 is a *Error; errors.Is maps it to
// the sentinels (ErrNotFound, ErrConflict, ...). An operation or field
// newer than the negotiated API is a *VersionError, returned before any
// I/O. Bytes that are not HTTP are a *ProtocolError wrapping ErrMalformed
// or ErrTooLarge; truncated bodies wrap io.ErrUnexpectedEOF; an error
// record inside a 200 JSON stream is a *StreamError.
//
// # Timeouts and cancellation
//
// Options.Timeout bounds the dial, the request write and the wait for the
// response headers, never the reading of a body: a followed log or an
// event stream runs as long as its ctx. Cancelling the ctx of a call
// closes the connection it holds, so every blocked read or write returns
// at once.
package wire
