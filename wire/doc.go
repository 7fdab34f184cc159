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
// the sentinels (ErrNotFound, ErrConflict, ...), and its Error() is one
// line of a few hundred bytes however long the body. An operation or field
// newer than the negotiated API is a *VersionError, returned before any
// I/O. Bytes that are not HTTP are a *ProtocolError wrapping ErrMalformed
// or ErrTooLarge; truncated bodies wrap io.ErrUnexpectedEOF; an error
// record inside a 200 JSON stream is a *StreamError. Options.Timeout
// running out is a *TimeoutError naming the wait that ran out; it matches
// context.DeadlineExceeded.
//
// # The pool
//
// A Client keeps keep-alive connections to the daemon. Short calls (every
// request without Request.NoTimeout) hold at most Options.PoolSize
// connections at once; one more waits for a free connection, at most
// Options.Timeout, then fails with a *TimeoutError of phase "queue" without
// touching any connection. Long-lived calls (Request.NoTimeout: wait,
// followed logs, events, stats streams, attach and exec, pulls, builds)
// do not count against PoolSize: they take an idle connection when there
// is one and dial their own otherwise, so ten followed logs never starve a
// Ping. At most PoolSize idle connections are kept, each for
// Options.IdleTimeout.
//
// A connection goes back to the pool only when its response was read to
// the end and its reader holds no byte more; before it is reused, it is
// checked without waiting for bytes nobody asked for and for a close by the
// daemon (recv with MSG_PEEK on a unix or TCP socket; a read with a past
// deadline above a TLS layer and on connections that are no socket):
// either drops it. A request on a reused connection
// that died under it is retried once on a fresh connection when none of it
// was written (its body rewound when it is an io.Seeker), or when it is a
// GET or HEAD without body; anything else fails with an error wrapping
// ErrConnLost. An upgraded connection (Upgrade) leaves the pool for good.
//
// # Limits
//
// ReadResponse bounds a header block (MaxHeaderBytes, MaxHeaderFields) and
// chunk size lines; error bodies are read up to MaxErrorBody; a Stream's
// records are capped (StreamOptions.MaxRecord, DefaultMaxRecord); DoJSON's
// answer is capped at Options.MaxBody (DefaultMaxBody, 64 MiB), a
// Content-Length above it refused before reading. Every limit ends in an
// error wrapping ErrTooLarge. A stream's body (Do) has no cap: it is read
// as it comes, never held whole.
//
// # Timeouts and cancellation
//
// Options.Timeout bounds two waits of a call, each on its own clock: the
// wait for a free connection, then the exchange: the dial, the request
// write and the response headers and, for an answer read whole (DoJSON,
// Ping, the body of an error status), its body. Once DoJSON has decoded
// its value it waits 50 ms at most for the rest of the body, then drops
// the connection rather than block. A stream's body (Do: logs,
// events, an export) is never bounded by Timeout, and Request.NoTimeout
// lifts the bound once the request is written (a wait answers when the
// container exits). Cancelling the ctx of a call closes the connection it
// holds, beneath any TLS layer (no close_notify, which dockerd answers by
// ending the stream cleanly), so every blocked read or write returns at
// once; from then on the call's reads fail with an error wrapping
// ctx.Err(), never io.EOF. Upgrade's ctx bounds only the exchange: the
// upgraded connection is the caller's, and mux.NewConn binds it to a ctx.
package wire
