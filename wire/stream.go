package wire

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
)

// DefaultMaxRecord is StreamOptions.MaxRecord's default: 16 MiB, room for
// the largest records dockerd writes (BuildKit trace records of a big
// build) while bounding what a broken stream can make the client buffer.
const DefaultMaxRecord = 16 << 20

// StreamOptions tunes a Stream. The zero value means defaults.
type StreamOptions struct {
	// MaxRecord caps one JSON record's size in bytes; 0 means
	// DefaultMaxRecord. A bigger record stops the stream with an error
	// wrapping ErrTooLarge.
	MaxRecord int
	// Decode, when set, decodes each record in place of encoding/json: it
	// gets the record's bytes (valid during the call only) and v, a *T
	// holding T's zero value. An error stops the stream; Err returns it
	// wrapped.
	Decode func(rec []byte, v any) error
}

// Stream reads a JSON message stream (events, pull/push/build progress,
// stats) one record at a time:
//
//	s := wire.NewStream[Event](ctx, resp.Body, resp.Header.Get("Content-Type"), wire.StreamOptions{})
//	defer s.Close()
//	for s.Next() {
//		ev := s.Value()
//	}
//	if err := s.Err(); err != nil { ... }
//
// It reads newline-delimited JSON (application/x-ndjson, application/jsonl,
// application/json), JSON values concatenated without separators (as
// dockerd writes progress), and application/json-seq (RFC 7464: each record
// led by RS, 0x1E). A record carrying "error" or "errorDetail" (a failed
// pull or build step) stops the stream with a *StreamError. A stream cut
// inside a record fails with an error wrapping io.ErrUnexpectedEOF; a clean
// end between records is the end of the stream (Err returns nil).
//
// # Concurrency
//
// A Stream belongs to one goroutine, except that Close may be called from
// another to stop a blocked Next. Cancelling ctx closes the body: Next
// returns false and Err an error wrapping ctx.Err().
type Stream[T any] struct {
	ctx    context.Context
	body   io.ReadCloser
	stop   func() bool
	sc     recordScanner
	decode func([]byte, any) error
	val    T
	err    error
	done   bool
	shut   atomic.Bool // Close was called
}

// NewStream returns a Stream over body, which it owns and closes.
// contentType is the response's Content-Type; every type above is read the
// same way, so it may be empty.
func NewStream[T any](ctx context.Context, body io.ReadCloser, contentType string, opts StreamOptions) *Stream[T] {
	_ = contentType // all supported framings share one reader
	max := opts.MaxRecord
	if max <= 0 {
		max = DefaultMaxRecord
	}
	s := &Stream[T]{ctx: ctx, body: body, sc: recordScanner{r: body, max: max, rs: true}, decode: opts.Decode}
	if ctx.Done() != nil {
		s.stop = context.AfterFunc(ctx, func() { body.Close() })
	}
	return s
}

// Next decodes the next record; it returns false at the end of the stream
// or on an error (see Err).
func (s *Stream[T]) Next() bool {
	if s.done {
		return false
	}
	rec, err := s.sc.next()
	if err != nil {
		if cerr := s.ctx.Err(); cerr != nil {
			s.err = fmt.Errorf("wire: stream: %w", cerr)
		} else if err != io.EOF && !s.shut.Load() {
			s.err = err
		}
		s.done = true
		return false
	}
	if bytes.Contains(rec, []byte(`"error`)) {
		var e struct {
			Error       string `json:"error"`
			ErrorDetail *struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			} `json:"errorDetail"`
		}
		// Fields of other types are simply not an error record. Unmarshal
		// allocates ErrorDetail before it fails on {"errorDetail":0}: an
		// empty one from a failed decode is no error record either (found
		// by fuzz.FuzzWireStream, fuzz/testdata/fuzz/FuzzWireStream/0d80b405e56d975c).
		if err := json.Unmarshal(rec, &e); err != nil {
			if d := e.ErrorDetail; d != nil && d.Code == 0 && d.Message == "" {
				e.ErrorDetail = nil
			}
		}
		if e.Error != "" || e.ErrorDetail != nil {
			se := &StreamError{Message: e.Error}
			if d := e.ErrorDetail; d != nil {
				se.Code = d.Code
				if d.Message != "" {
					se.Message = d.Message
				}
			}
			s.err, s.done = se, true
			return false
		}
	}
	// Decoded in place: the previous value, which the caller may keep, shares
	// nothing with the new one (its maps, slices and pointers are new).
	var zero T
	s.val = zero
	if s.decode != nil {
		err = s.decode(rec, &s.val)
	} else {
		err = json.Unmarshal(rec, &s.val)
	}
	if err != nil {
		s.err, s.done = fmt.Errorf("wire: stream record: %w", err), true
		return false
	}
	return true
}

// Value returns the record decoded by the last successful Next.
func (s *Stream[T]) Value() T { return s.val }

// Err returns the error that ended the stream, nil after a clean end or
// after Close.
func (s *Stream[T]) Err() error { return s.err }

// Close stops the stream and closes its body. It is safe to call more
// than once.
func (s *Stream[T]) Close() error {
	s.shut.Store(true)
	if s.stop != nil {
		s.stop()
	}
	return s.body.Close()
}

// recordScanner splits a byte stream into top-level JSON values, skipping
// whitespace (and, with rs, the RS of application/json-seq) between them,
// with a bounded buffer. It finds where a value ends, by its brackets and
// quotes, without checking its syntax: the decoder does that.
type recordScanner struct {
	r        io.Reader
	buf      []byte
	off, end int
	max      int
	rs       bool // skip RS (0x1e) between records
	rerr     error
}

func (s *recordScanner) isSep(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0x1e && s.rs
}

// fill compacts the buffer, grows it if full (up to max+1), and reads.
func (s *recordScanner) fill() {
	if s.off > 0 {
		copy(s.buf, s.buf[s.off:s.end])
		s.end -= s.off
		s.off = 0
	}
	if s.end == len(s.buf) {
		n := 2 * len(s.buf)
		if n == 0 {
			n = 4 << 10
		}
		if n > s.max+1 {
			n = s.max + 1
		}
		nb := make([]byte, n)
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for tries := 0; tries < 100; tries++ {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.rerr = err
			return
		}
		if n > 0 {
			return
		}
	}
	s.rerr = io.ErrNoProgress
}

func (s *recordScanner) next() ([]byte, error) {
	rec, err := s.scan()
	if err == nil && len(rec) > s.max {
		return nil, s.tooLarge()
	}
	return rec, err
}

func (s *recordScanner) tooLarge() error {
	return fmt.Errorf("wire: stream record over %d bytes: %w", s.max, ErrTooLarge)
}

func (s *recordScanner) scan() ([]byte, error) {
	for {
		for s.off < s.end && s.isSep(s.buf[s.off]) {
			s.off++
		}
		if s.off < s.end {
			break
		}
		if s.rerr != nil {
			return nil, s.rerr
		}
		s.fill()
	}
	if c := s.buf[s.off]; c == '{' || c == '[' {
		return s.scanNested()
	}
	var (
		i        = s.off // next byte to scan
		inStr    = false
		esc      = false
		first    = s.buf[s.off]
		scalar   = first != '"'
		strValue = first == '"'
	)
	for {
		for ; i < s.end; i++ {
			c := s.buf[i]
			switch {
			case scalar:
				if i > s.off && (s.isSep(c) || c == '{' || c == '[' || c == '"') {
					rec := s.buf[s.off:i]
					s.off = i
					return rec, nil
				}
			case esc:
				esc = false
			case inStr:
				if c == '\\' {
					esc = true
				} else if c == '"' {
					inStr = false
					if strValue {
						rec := s.buf[s.off : i+1]
						s.off = i + 1
						return rec, nil
					}
				}
			case c == '"':
				inStr = true
			}
		}
		if err := s.more(scalar); err != nil {
			if err == errScalarEnd {
				rec := s.buf[s.off:s.end]
				s.off = s.end
				return rec, nil
			}
			return nil, err
		}
		i -= s.off
		s.fill()
		i += s.off // off is 0 after fill
	}
}

// structural marks the bytes scanNested stops at outside strings.
var structural = [256]bool{'"': true, '{': true, '}': true, '[': true, ']': true}

// scanNested scans an object or an array, its first byte at off: quotes
// found with IndexByte, brackets counted.
func (s *recordScanner) scanNested() ([]byte, error) {
	i, depth, inStr := s.off, 0, false
	for {
		buf := s.buf[:s.end]
		for i < len(buf) {
			if inStr {
				j := bytes.IndexByte(buf[i:], '"')
				if j < 0 {
					i = len(buf)
					break
				}
				i += j
				// A quote after an odd run of backslashes is escaped. The
				// run stays inside the string, which is in the buffer
				// from its opening quote.
				k := i - 1
				for buf[k] == '\\' {
					k--
				}
				i++
				inStr = (i-2-k)%2 == 1
				continue
			}
			c := buf[i]
			i++
			if !structural[c] {
				continue
			}
			switch c {
			case '"':
				inStr = true
			case '{', '[':
				depth++
			default:
				if depth--; depth == 0 {
					rec := buf[s.off:i]
					s.off = i
					return rec, nil
				}
			}
		}
		if err := s.more(false); err != nil {
			return nil, err
		}
		i -= s.off
		s.fill()
		i += s.off // off is 0 after fill
	}
}

// errRecordCut is the error of a stream cut inside a record.
var errRecordCut = fmt.Errorf("wire: stream record truncated: %w", io.ErrUnexpectedEOF)

// errScalarEnd is more's answer when the stream ends after a scalar: the
// scalar is a whole record.
var errScalarEnd = errors.New("scalar ends the stream")

// more checks whether the record being scanned may read on: within max,
// the stream not ended.
func (s *recordScanner) more(scalar bool) error {
	if s.end-s.off > s.max {
		return s.tooLarge()
	}
	if s.rerr != nil {
		if s.rerr == io.EOF {
			if scalar {
				return errScalarEnd
			}
			return errRecordCut
		}
		return s.rerr
	}
	return nil
}
