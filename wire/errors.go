package wire

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinel errors. A *Error matches one of them with errors.Is according to
// its status code (see Error.Is); other packages may wrap them too.
var (
	ErrNotModified     = errors.New("wire: not modified")        // 304
	ErrInvalidArgument = errors.New("wire: invalid argument")    // 400 and other 4xx
	ErrUnauthorized    = errors.New("wire: unauthorized")        // 401
	ErrForbidden       = errors.New("wire: forbidden")           // 403
	ErrNotFound        = errors.New("wire: not found")           // 404
	ErrConflict        = errors.New("wire: conflict")            // 409
	ErrInternal        = errors.New("wire: internal error")      // 500 and other 5xx
	ErrNotImplemented  = errors.New("wire: not implemented")     // 501
	ErrUnavailable     = errors.New("wire: service unavailable") // 503
)

// Protocol and transport errors.
var (
	// ErrMalformed is wrapped by every *ProtocolError about bytes that are not
	// valid HTTP/1.1 (status line, header, Content-Length, chunk framing).
	ErrMalformed = errors.New("wire: malformed HTTP response")
	// ErrTooLarge is wrapped when a response header block, a stream record
	// or the answer DoJSON reads (Options.MaxBody) exceeds its limit.
	ErrTooLarge = errors.New("wire: limit exceeded")
	// ErrConnLost is wrapped when the daemon closed the connection before
	// sending any byte of a response. A pooled connection is checked before
	// it is reused (one the daemon closed while it sat idle is dropped
	// unused), and a request on a reused connection is retried once on a
	// fresh one when no byte of it was written, or when it is safe to
	// repeat (GET and HEAD without a body); otherwise the error is returned
	// and the caller decides.
	ErrConnLost = errors.New("wire: connection closed before a response")
)

// TimeoutError is Options.Timeout running out. Phase says which wait ran
// out:
//
//   - "queue": the wait for a free connection; every connection of the
//     pool stayed in use for the whole Timeout. No connection was touched.
//   - "dial": opening a new connection.
//   - "write": sending the request (for a request body, Timeout without
//     progress).
//   - "headers": the wait for the response headers.
//   - "body": reading an answer read whole (DoJSON, Ping, the body of an
//     error status).
//
// errors.Is(err, context.DeadlineExceeded) holds, as it does for a ctx
// deadline; Err is the I/O error beneath (nil for "queue"), so
// errors.Is(err, os.ErrDeadlineExceeded) holds for the other phases.
type TimeoutError struct {
	Phase   string
	Timeout time.Duration
	Err     error
}

var timeoutWaits = map[string]string{
	"queue":   "waiting for a free connection",
	"dial":    "dialling",
	"write":   "sending the request",
	"headers": "waiting for the response headers",
	"body":    "reading the response body",
}

func (e *TimeoutError) Error() string {
	what := timeoutWaits[e.Phase]
	if what == "" {
		what = e.Phase
	}
	s := "wire: " + e.Timeout.String() + " timeout " + what
	if e.Phase == "dial" && e.Err != nil {
		s += ": " + strings.TrimPrefix(e.Err.Error(), "wire: ")
	}
	return s
}

// Is reports context.DeadlineExceeded as a match.
func (e *TimeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

func (e *TimeoutError) Unwrap() error { return e.Err }

// Error is a daemon's answer with a status code >= 300. Message is the
// daemon's own message (the "message" field of a JSON body, or the trimmed
// text of any other body, at most MaxErrorBody bytes of it). Method and
// Path name the request (Path without the /vX.Y prefix).
//
// Error() is one line of at most a few hundred bytes: line breaks and tabs
// in Message become spaces, and a longer message is cut, saying how many
// bytes it left out (and, for a body over MaxErrorBody, how long the body
// was). Message itself keeps everything that was read.
type Error struct {
	StatusCode int
	Message    string
	Method     string
	Path       string

	// bodyLen is the length of a body cut at MaxErrorBody: -1 unknown, 0
	// when Message holds the whole body.
	bodyLen int64
}

// maxErrorLine is how many bytes of Message Error() quotes.
const maxErrorLine = 300

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("wire: ")
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.Path)
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	b.WriteString(": ")
	rest := oneLine(&b, e.Message, maxErrorLine)
	switch {
	case e.bodyLen > 0:
		fmt.Fprintf(&b, " … [%d more bytes; body of %d bytes]", rest, e.bodyLen)
	case e.bodyLen < 0:
		fmt.Fprintf(&b, " … [%d more bytes; body over %d MiB]", rest, MaxErrorBody>>20)
	case rest > 0:
		fmt.Fprintf(&b, " … [%d more bytes]", rest)
	}
	return b.String()
}

// oneLine writes at most max bytes of s to b, each run of spaces, tabs and
// line breaks as one space and other control bytes dropped, cut on a rune
// boundary. It returns how many bytes of s it left out.
func oneLine(b *strings.Builder, s string, max int) int {
	n := 0
	space := false
	for i, r := range s {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
			space = true
			continue
		}
		if r < ' ' || r == 0x7f {
			continue
		}
		w := utf8.RuneLen(r) // an invalid byte is written as U+FFFD: 3
		if space {
			w++
		}
		if n+w > max {
			return len(s) - i
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
		n += w
	}
	return 0
}

// Is maps the status code to the sentinels: 304 ErrNotModified, 400
// ErrInvalidArgument, 401 ErrUnauthorized, 403 ErrForbidden, 404
// ErrNotFound, 409 ErrConflict, 500 ErrInternal, 501 ErrNotImplemented,
// 503 ErrUnavailable; any other 4xx is ErrInvalidArgument and any other 5xx
// ErrInternal (as moby's client maps them).
func (e *Error) Is(target error) bool {
	return target != nil && target == sentinelFor(e.StatusCode)
}

func sentinelFor(code int) error {
	switch code {
	case 304:
		return ErrNotModified
	case 400:
		return ErrInvalidArgument
	case 401:
		return ErrUnauthorized
	case 403:
		return ErrForbidden
	case 404:
		return ErrNotFound
	case 409:
		return ErrConflict
	case 500:
		return ErrInternal
	case 501:
		return ErrNotImplemented
	case 503:
		return ErrUnavailable
	}
	switch {
	case code >= 400 && code < 500:
		return ErrInvalidArgument
	case code >= 500 && code < 600:
		return ErrInternal
	}
	return nil
}

// MaxErrorBody is how many bytes of an error body ReadError reads.
const MaxErrorBody = 1 << 20

// ReadError builds the *Error for resp, reading at most MaxErrorBody bytes
// of its body (and one more, to tell whether the body went on; it does not
// close it). The message is the "message" field when the body is JSON (a
// Content-Type containing "json", or a body starting with '{') and decodes
// as such, else the trimmed body text; an empty message becomes
// "<status text> (no error message)". A body that fails or stalls part way
// gives the message of what arrived.
func ReadError(method, path string, resp *Response) *Error {
	e := &Error{StatusCode: resp.StatusCode, Method: method, Path: path}
	var body []byte
	if resp.Body != nil {
		body, _ = io.ReadAll(io.LimitReader(resp.Body, MaxErrorBody+1))
	}
	if len(body) > MaxErrorBody {
		body = body[:MaxErrorBody]
		e.bodyLen = -1
		if resp.ContentLength > MaxErrorBody {
			e.bodyLen = resp.ContentLength
		}
	}
	e.Message = errorMessage(resp.Header.Get("Content-Type"), body)
	if e.Message == "" {
		e.Message = StatusText(resp.StatusCode) + " (no error message)"
	}
	return e
}

func errorMessage(contentType string, body []byte) string {
	trimmed := bytes.TrimSpace(body)
	if strings.Contains(strings.ToLower(contentType), "json") || (len(trimmed) > 0 && trimmed[0] == '{') {
		var m struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(trimmed, &m) == nil {
			return strings.TrimSpace(m.Message)
		}
	}
	return strings.ToValidUTF8(string(trimmed), "\uFFFD")
}

// StatusText returns the reason phrase of the status codes the Engine API
// uses ("Not Found"), or "Status <code>" for others.
func StatusText(code int) string {
	switch code {
	case 100:
		return "Continue"
	case 101:
		return "Switching Protocols"
	case 200:
		return "OK"
	case 201:
		return "Created"
	case 204:
		return "No Content"
	case 301:
		return "Moved Permanently"
	case 302:
		return "Found"
	case 304:
		return "Not Modified"
	case 307:
		return "Temporary Redirect"
	case 308:
		return "Permanent Redirect"
	case 400:
		return "Bad Request"
	case 401:
		return "Unauthorized"
	case 403:
		return "Forbidden"
	case 404:
		return "Not Found"
	case 405:
		return "Method Not Allowed"
	case 406:
		return "Not Acceptable"
	case 409:
		return "Conflict"
	case 412:
		return "Precondition Failed"
	case 413:
		return "Request Entity Too Large"
	case 500:
		return "Internal Server Error"
	case 501:
		return "Not Implemented"
	case 502:
		return "Bad Gateway"
	case 503:
		return "Service Unavailable"
	case 504:
		return "Gateway Timeout"
	}
	return "Status " + strconv.Itoa(code)
}

// ProtocolError reports bytes from the daemon that are not valid HTTP/1.1
// or exceed a limit. It wraps ErrMalformed or ErrTooLarge.
type ProtocolError struct {
	What string // "status line", "chunk size", "Content-Length", "header block"...
	Data string // the offending bytes (at most 64), may be empty
	Err  error  // ErrMalformed or ErrTooLarge
}

func (e *ProtocolError) Error() string {
	s := "wire: malformed HTTP response: " + e.What
	if e.Err == ErrTooLarge {
		s = "wire: HTTP response " + e.What + " too large"
	}
	if e.Data != "" {
		s += ": " + strconv.Quote(e.Data)
	}
	return s
}

func (e *ProtocolError) Unwrap() error { return e.Err }

func malformed(what string, data []byte) error {
	if len(data) > 64 {
		data = data[:64]
	}
	return &ProtocolError{What: what, Data: string(data), Err: ErrMalformed}
}

// StreamError is an error record inside a JSON message stream (a record
// with "error" or "errorDetail"), such as a failed pull or build step. The
// HTTP status of such a stream is 200: the error arrives in-band.
type StreamError struct {
	Code    int    // errorDetail.code, often 0
	Message string // errorDetail.message, else error
}

func (e *StreamError) Error() string {
	if e.Code != 0 {
		return "wire: stream error " + strconv.Itoa(e.Code) + ": " + e.Message
	}
	return "wire: stream error: " + e.Message
}
