package fuzz

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/wire"
)

// FuzzWireResponse (target 18): the HTTP/1.1 response reader returns typed
// errors, keeps memory bounded, never delivers more body than input and
// never hangs on finite input.
func FuzzWireResponse(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n",
		"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
		"HTTP/1.1 101 UPGRADED\r\nUpgrade: tcp\r\n\r\n\x01\x00\x00\x00\x00\x00\x00\x01x",
		"HTTP/1.0 200 OK\r\n\r\nclose delimited",
		"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\nshort",
	} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, head bool) {
		method := "GET"
		if head {
			method = "HEAD"
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		resp, err := wire.ReadResponse(bufio.NewReader(bytes.NewReader(data)), method)
		if err != nil {
			var pe *wire.ProtocolError
			require.True(t, errors.As(err, &pe) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF), "untyped error %T: %v", err, err)
			if pe != nil {
				require.True(t, errors.Is(err, wire.ErrMalformed) || errors.Is(err, wire.ErrTooLarge), "ProtocolError wraps neither ErrMalformed nor ErrTooLarge: %v", err)
				require.LessOrEqual(t, len(pe.Data), 64, "bytes the ProtocolError quotes")
			}
			return
		}
		require.GreaterOrEqual(t, resp.StatusCode, 100, "bad response %+v", resp)
		require.LessOrEqual(t, resp.StatusCode, 599, "bad response %+v", resp)
		require.NotNil(t, resp.Body, "bad response %+v", resp)
		require.NotNil(t, resp.Header, "bad response %+v", resp)
		n, err := io.Copy(io.Discard, resp.Body)
		runtime.ReadMemStats(&after)
		// A bufio.Reader, a copy buffer and the parsed header: never what a
		// length field claims.
		require.LessOrEqual(t, after.TotalAlloc-before.TotalAlloc, 256<<10+16*uint64(len(data)), "bytes allocated for %d input bytes", len(data))
		require.LessOrEqual(t, n, int64(len(data)), "body bytes from %d bytes of input", len(data))
		if resp.ContentLength >= 0 && err == nil && method == "GET" && resp.StatusCode >= 200 &&
			resp.StatusCode != 204 && resp.StatusCode != 304 {
			require.Equal(t, resp.ContentLength, n, "bytes read without error, against Content-Length")
		}
		if err != nil {
			var pe *wire.ProtocolError
			require.True(t, errors.As(err, &pe) || errors.Is(err, io.ErrUnexpectedEOF), "untyped body error %T: %v", err, err)
		}
		require.NoError(t, resp.Body.Close(), "Close")
	})
}

// jsonMessage is shaped like moby's jsonmessage.JSONMessage, the record of
// pull, push and build progress streams and of events (extra fields ignored).
type jsonMessage struct {
	Stream   string `json:"stream,omitempty"`
	Status   string `json:"status,omitempty"`
	Progress *struct {
		Current int64 `json:"current,omitempty"`
		Total   int64 `json:"total,omitempty"`
	} `json:"progressDetail,omitempty"`
	ID     string `json:"id,omitempty"`
	Type   string `json:"Type,omitempty"`
	Action string `json:"Action,omitempty"`
	Time   int64  `json:"time,omitempty"`
}

// endless is a reader that never ends: a prefix, then fill forever. It
// counts what was read from it.
type endless struct {
	prefix *bytes.Reader
	fill   byte
	n      int
}

func (e *endless) Read(p []byte) (int, error) {
	if e.prefix.Len() > 0 {
		n, _ := e.prefix.Read(p)
		e.n += n
		return n, nil
	}
	for i := range p {
		p[i] = e.fill
	}
	e.n += len(p)
	return len(p), nil
}

// FuzzWireStream (target 3): records are valid JSON and no bigger than
// MaxRecord, errors are typed, an error record is a *wire.StreamError, and a
// record that never ends stops the stream at MaxRecord instead of eating
// memory.
func FuzzWireStream(f *testing.F) {
	for _, s := range []string{
		`{"status":"a"}` + "\n" + `{"status":"b"}`,
		`{"status":"a"}{"status":"b"}`,
		"\x1e{\"status\":\"a\"}\n",
		`{"errorDetail":{"code":1,"message":"x"},"error":"x"}`,
		`{"status":"a\"}{"}`,
		`[1,2,3] 4 "x" true`,
		`{"status":"Pulling fs layer","progressDetail":{},"id":"abc"}` + "\r\n",
	} {
		f.Add([]byte(s), uint8(64), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, max uint8, typed bool) {
		limit := int(max)%200 + 1
		check := func(err error) {
			if err == nil {
				return
			}
			var se *wire.StreamError
			var syn *json.SyntaxError
			var ute *json.UnmarshalTypeError
			switch {
			case errors.As(err, &se):
				// Empty only from an "errorDetail":{} record (keys match
				// case-insensitively, as encoding/json matches them).
				if !bytes.Contains(bytes.ToLower(data), []byte("errordetail")) {
					require.NotZero(t, *se, "empty StreamError from %q", data)
				}
			case errors.Is(err, wire.ErrTooLarge), errors.Is(err, io.ErrUnexpectedEOF),
				errors.As(err, &syn), errors.As(err, &ute):
			default:
				require.FailNow(t, "untyped stream error", "%T: %v", err, err)
			}
			require.Regexp(t, "^wire: ", err.Error(), "the package prefix")
		}
		ctx := t.Context()
		n := 0
		if typed {
			s := wire.NewStream[jsonMessage](ctx, io.NopCloser(bytes.NewReader(data)), "application/json", wire.StreamOptions{MaxRecord: limit})
			for s.Next() {
				n++
				require.LessOrEqual(t, n, len(data), "more records than bytes")
			}
			check(s.Err())
			s.Close()
		} else {
			s := wire.NewStream[json.RawMessage](ctx, io.NopCloser(bytes.NewReader(data)), "", wire.StreamOptions{MaxRecord: limit})
			for s.Next() {
				v := s.Value()
				require.LessOrEqual(t, len(v), limit, "record %q", v)
				require.True(t, json.Valid(v), "record %q is not JSON", v)
				n++
				require.LessOrEqual(t, n, len(data), "more records than bytes")
			}
			check(s.Err())
			require.NoError(t, s.Close(), "Close")
		}

		// Bounded: the same bytes followed by a record that never ends.
		// The stream must stop, having read at most what fits its buffer
		// beyond the limit.
		for _, fill := range []byte{'[', '1', 'a'} {
			src := &endless{prefix: bytes.NewReader(data), fill: fill}
			s := wire.NewStream[json.RawMessage](ctx, io.NopCloser(src), "", wire.StreamOptions{MaxRecord: limit})
			for i := 0; s.Next(); i++ {
				require.LessOrEqual(t, i, len(data)+1, "fill %q: records without end", fill)
			}
			require.Error(t, s.Err(), "fill %q: endless record ended without error", fill)
			require.LessOrEqual(t, src.n, len(data)+limit+64<<10, "fill %q: bytes read for a limit of %d", fill, limit)
			s.Close()
		}
	})
}

// statusSentinel is wire.Error.Is's documented mapping.
func statusSentinel(code int) error {
	switch code {
	case 304:
		return wire.ErrNotModified
	case 400:
		return wire.ErrInvalidArgument
	case 401:
		return wire.ErrUnauthorized
	case 403:
		return wire.ErrForbidden
	case 404:
		return wire.ErrNotFound
	case 409:
		return wire.ErrConflict
	case 500:
		return wire.ErrInternal
	case 501:
		return wire.ErrNotImplemented
	case 503:
		return wire.ErrUnavailable
	}
	switch {
	case code >= 400 && code < 500:
		return wire.ErrInvalidArgument
	case code >= 500 && code < 600:
		return wire.ErrInternal
	}
	return nil
}

var allSentinels = []error{wire.ErrNotModified, wire.ErrInvalidArgument, wire.ErrUnauthorized, wire.ErrForbidden,
	wire.ErrNotFound, wire.ErrConflict, wire.ErrInternal, wire.ErrNotImplemented, wire.ErrUnavailable}

// FuzzWireError (target 4): any status, content type and body give a
// *wire.Error with a non-empty, bounded message that Error() quotes, and
// errors.Is matches exactly the documented sentinel.
func FuzzWireError(f *testing.F) {
	f.Add(404, "application/json", []byte(`{"message":"No such container: x"}`))
	f.Add(500, "text/html", []byte("<html>x</html>"))
	f.Add(400, "", []byte(""))
	f.Add(409, "application/json", []byte(`{"message":5}`))
	f.Add(503, "text/plain", []byte("  \n"))
	f.Fuzz(func(t *testing.T, code int, ct string, body []byte) {
		code = 300 + absInt(code)%300
		resp := &wire.Response{StatusCode: code, Header: wire.Header{"Content-Type": {ct}},
			Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body))}
		e := wire.ReadError("GET", "/x", resp)
		require.NotNil(t, e)
		require.Equal(t, code, e.StatusCode)
		require.Equal(t, "GET", e.Method)
		require.Equal(t, "/x", e.Path)
		require.NotEmpty(t, e.Message)
		require.LessOrEqual(t, len(e.Message), 3*wire.MaxErrorBody, "bytes of the message")
		require.Regexp(t, "^wire: GET /x: ", e.Error())
		// Error() is one readable line of a few hundred bytes (issue 13,
		// defect 8), quoting the message whole when it is short and plain.
		line := e.Error()
		require.LessOrEqual(t, len(line), 512, "Error() is not a short line: %q", line)
		require.False(t, strings.ContainsFunc(line, func(r rune) bool { return r < ' ' || r == 0x7f }), "Error() is not one line: %q", line)
		plain := !strings.ContainsFunc(e.Message, func(r rune) bool { return r < ' ' || r == 0x7f || r == utf8.RuneError }) &&
			!strings.Contains(e.Message, "  ")
		if plain && len(e.Message) <= 300 {
			require.Contains(t, line, e.Message, "Error() drops the message")
		}
		var err error = e
		var as *wire.Error
		require.ErrorAs(t, err, &as)
		require.Same(t, e, as, "errors.As finds another *wire.Error")
		want := statusSentinel(code)
		for _, s := range allSentinels {
			if s == want {
				require.ErrorIs(t, err, s, "status %d", code)
			} else {
				require.NotErrorIs(t, err, s, "status %d", code)
			}
		}
	})
}

func absInt(n int) int {
	if n < 0 {
		if n == -n { // math.MinInt
			return 0
		}
		return -n
	}
	return n
}

// FuzzWireVersion (target 5): ParseVersion(v.String()) == v for what it
// accepts, the input was canonical, and garbage is an ErrInvalidArgument.
func FuzzWireVersion(f *testing.F) {
	for _, s := range []string{"1.41", "v1.44", "01.2", "1.", "", "1.2.3", "9999.9999", "1.-1", "+1.2", " 1.2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := wire.ParseVersion(s)
		if err != nil {
			require.ErrorIs(t, err, wire.ErrInvalidArgument)
			require.Zero(t, v, "error with a version")
			return
		}
		back, err := wire.ParseVersion(v.String())
		require.NoError(t, err, "%q → %v → %q", s, v, v.String())
		require.Equal(t, v, back, "%q → %v → %q", s, v, v.String())
		require.Equal(t, strings.TrimPrefix(s, "v"), v.String(), "%q is not canonical", s)
		for _, n := range []int{v.Major, v.Minor} {
			require.GreaterOrEqual(t, n, 0, "%q parsed to %v", s, v)
			require.LessOrEqual(t, n, 9999, "%q parsed to %v", s, v)
		}
	})
}

// FuzzWireNegotiate (target 6): the result is within [MinVersion, client],
// never above a known daemon that is itself above the floor, and the same
// every time.
func FuzzWireNegotiate(f *testing.F) {
	f.Add(1, 56, 1, 41)
	f.Add(0, 0, 0, 0)
	f.Add(1, 20, 2, 0)
	f.Add(1, 41, 0, 0)
	f.Fuzz(func(t *testing.T, cmaj, cmin, dmaj, dmin int) {
		client := wire.Version{Major: absInt(cmaj) % 4, Minor: absInt(cmin) % 200}
		daemon := wire.Version{Major: absInt(dmaj) % 4, Minor: absInt(dmin) % 200}
		v := wire.Negotiate(client, daemon)
		effective := client
		if client.IsZero() {
			effective = wire.MaxVersion
		}
		require.False(t, v.Less(wire.MinVersion), "Negotiate(%v, %v) = %v below the floor", client, daemon, v)
		if v != wire.MinVersion {
			require.False(t, effective.Less(v), "Negotiate(%v, %v) = %v above the client", client, daemon, v)
		}
		if !daemon.IsZero() && !daemon.Less(wire.MinVersion) {
			require.False(t, daemon.Less(v), "Negotiate(%v, %v) = %v above the daemon", client, daemon, v)
		}
		// It is the older of the two, lifted to the floor.
		want := effective
		if !daemon.IsZero() && daemon.Less(want) {
			want = daemon
		}
		if want.Less(wire.MinVersion) {
			want = wire.MinVersion
		}
		require.Equal(t, want, v, "Negotiate(%v, %v)", client, daemon)
		require.Equal(t, v, wire.Negotiate(client, daemon), "Negotiate(%v, %v) again", client, daemon)
	})
}
