package dial

import (
	"errors"
	"strconv"
	"unicode"
)

// ErrUnsupported is wrapped by errors about transports or address forms that
// dial does not implement on this system (npipe off Windows, fd://), or
// not without a transport package (TLS without dial/dialtls, ssh without
// dial/ssh).
var ErrUnsupported = errors.New("dial: unsupported")

// ErrInsecure is wrapped by errors that refuse a TLS setup which would not
// verify the daemon's certificate, unless the caller opted in explicitly
// (TLSOptions.InsecureSkipVerify or DOCKWIRE_TLS_INSECURE=1).
var ErrInsecure = errors.New("dial: TLS without server verification refused")

// Error is the error returned by every function of the package. Op says what
// failed: "parse", "env", "context", "tls", "ssh" or "dial". Host is the
// daemon address (or the offending value) when there is one.
type Error struct {
	Host string
	Op   string
	Err  error
}

// Error formats as "dial: <op> <host>: <err>".
func (e *Error) Error() string {
	s := "dial: " + e.Op
	if e.Host != "" || e.Op == "parse" {
		s += " " + quoteIfOdd(e.Host)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// quoteIfOdd quotes s when it is empty or holds characters that would make an
// error message ambiguous (spaces, control characters, invalid UTF-8).
func quoteIfOdd(s string) string {
	if s == "" {
		return `""`
	}
	for _, r := range s {
		if r == unicode.ReplacementChar || !unicode.IsGraphic(r) || unicode.IsSpace(r) {
			return strconv.Quote(s)
		}
	}
	return s
}

// reasonError carries a readable message and a sentinel for errors.Is,
// without repeating the sentinel's own text in the message.
type reasonError struct {
	msg      string
	sentinel error
}

func (e *reasonError) Error() string { return e.msg }
func (e *reasonError) Unwrap() error { return e.sentinel }

// because returns an error whose message is msg and which matches sentinel.
func because(sentinel error, msg string) error {
	return &reasonError{msg: msg, sentinel: sentinel}
}
