package wire

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestErrorIs(t *testing.T) {
	all := []error{ErrNotModified, ErrInvalidArgument, ErrUnauthorized, ErrForbidden, ErrNotFound,
		ErrConflict, ErrInternal, ErrNotImplemented, ErrUnavailable}
	tests := []struct {
		code int
		want error
	}{
		{304, ErrNotModified}, {400, ErrInvalidArgument}, {401, ErrUnauthorized}, {403, ErrForbidden},
		{404, ErrNotFound}, {409, ErrConflict}, {500, ErrInternal}, {501, ErrNotImplemented},
		{503, ErrUnavailable}, {405, ErrInvalidArgument}, {422, ErrInvalidArgument}, {502, ErrInternal},
		{301, nil}, {302, nil},
	}
	for _, tt := range tests {
		var err error = fmt.Errorf("wrapped: %w", &Error{StatusCode: tt.code, Message: "m", Method: "GET", Path: "/x"})
		for _, s := range all {
			if s == tt.want {
				assert.ErrorIs(t, err, s, "status %d", tt.code)
			} else {
				assert.NotErrorIs(t, err, s, "status %d", tt.code)
			}
		}
		var e *Error
		if assert.ErrorAs(t, err, &e, "status %d", tt.code) {
			assert.Equal(t, tt.code, e.StatusCode)
		}
	}
}

func TestReadError(t *testing.T) {
	big := strings.Repeat("x", 2<<20)
	tests := []struct {
		name        string
		code        int
		contentType string
		body        string
		want        string
	}{
		{"json", 404, "application/json", `{"message":"No such container: abc"}` + "\n", "No such container: abc"},
		{"json with charset", 409, "application/json; charset=utf-8", `{"message":"conflict"}`, "conflict"},
		{"json untyped", 500, "", `{"message":"boom"}`, "boom"},
		{"json empty message", 500, "application/json", `{"message":""}`, "Internal Server Error (no error message)"},
		{"json no message", 400, "application/json", `{}`, "Bad Request (no error message)"},
		{"html typed json", 502, "application/json", "<html>bad gateway</html>", "<html>bad gateway</html>"},
		{"html", 502, "text/html", "\n<html><body>Bad Gateway</body></html>\n", "<html><body>Bad Gateway</body></html>"},
		{"text", 404, "text/plain; charset=utf-8", "page not found\n", "page not found"},
		{"empty", 503, "", "", "Service Unavailable (no error message)"},
		{"empty json", 404, "application/json", "", "Not Found (no error message)"},
		{"two json docs", 400, "application/json", `{"message":"a"}{"message":"b"}`, `{"message":"a"}{"message":"b"}`},
		{"invalid utf8", 400, "text/plain", "bad \xff byte", "bad \uFFFD byte"},
		{"oversized capped", 500, "text/plain", big, big[:MaxErrorBody]},
		{"unknown status", 418, "", "", "Status 418 (no error message)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &countingBody{r: strings.NewReader(tt.body)}
			resp := &Response{StatusCode: tt.code, Header: Header{}, Body: io.NopCloser(r)}
			if tt.contentType != "" {
				resp.Header.Set("Content-Type", tt.contentType)
			}
			e := ReadError("GET", "/containers/abc/json", resp)
			assert.Equal(t, tt.want, e.Message)
			assert.Equal(t, tt.code, e.StatusCode)
			assert.Equal(t, "GET", e.Method)
			assert.Equal(t, "/containers/abc/json", e.Path)
			// One more byte than the cap says whether the body went on.
			assert.LessOrEqual(t, r.n, MaxErrorBody+1, "bytes read, cap is %d", MaxErrorBody)
		})
	}
	e := &Error{StatusCode: 404, Message: "No such container: abc", Method: "GET", Path: "/containers/abc/json"}
	assert.Equal(t, "wire: GET /containers/abc/json: 404: No such container: abc", e.Error())
}

type countingBody struct {
	r io.Reader
	n int
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestStreamAndProtocolErrorMessages(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&StreamError{Message: "pull access denied"}, "wire: stream error: pull access denied"},
		{&StreamError{Code: 1, Message: "build failed"}, "wire: stream error 1: build failed"},
		{&ProtocolError{What: "status line", Data: "garbage", Err: ErrMalformed}, `wire: malformed HTTP response: status line: "garbage"`},
		{&ProtocolError{What: "header block", Err: ErrTooLarge}, "wire: HTTP response header block too large"},
	}
	for _, tt := range tests {
		assert.EqualError(t, tt.err, tt.want)
	}
}

// Error() is one readable line of a few hundred bytes whatever the body:
// a 50 MiB HTML page gave a 1,048,609-byte message (issue 13, defect 8).
// Message keeps what was read (MaxErrorBody), and Error() says how much it
// left out.
func TestErrorOneLine(t *testing.T) {
	page := "<html>\r\n<head><title>500 Internal Server Error</title></head>\n<body>\n" +
		strings.Repeat("<p>\tstack frame</p>\n", 50<<20/20)
	for _, tt := range []struct {
		name    string
		length  int64 // Content-Length, -1 unknown
		body    string
		message string // the start of Message
		says    string // in Error()
	}{
		{"50 MiB, length known", int64(len(page)), page, "<html>\r\n<head>", fmt.Sprintf("body of %d bytes", len(page))},
		{"50 MiB, chunked", -1, page, "<html>\r\n<head>", "body over 1 MiB"},
		{"1 KiB of text", -1, strings.Repeat("word ", 200), "word word", "more bytes"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp := &Response{StatusCode: 500, Header: Header{"Content-Type": {"text/html"}}, Body: io.NopCloser(strings.NewReader(tt.body)), ContentLength: tt.length}
			e := ReadError("GET", "/containers/json", resp)
			s := e.Error()
			assert.LessOrEqual(t, len(s), 512, s)
			assert.NotContains(t, s, "\n")
			assert.NotContains(t, s, "\r")
			assert.NotContains(t, s, "\t")
			assert.True(t, strings.HasPrefix(s, "wire: GET /containers/json: 500: "), s)
			assert.Contains(t, s, tt.says)
			assert.True(t, strings.HasPrefix(e.Message, tt.message), "Message starts %.40q", e.Message)
			assert.GreaterOrEqual(t, len(e.Message), min(len(tt.body), MaxErrorBody)-16, "Message lost the body")
		})
	}
	// Short messages read as before; inner newlines become spaces.
	e := &Error{StatusCode: 400, Message: "build failed:\n  step 3: exit 1", Method: "POST", Path: "/build"}
	assert.Equal(t, "wire: POST /build: 400: build failed: step 3: exit 1", e.Error())
}
