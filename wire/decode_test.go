package wire

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// DoJSONFunc hands decode the answer's first JSON value, without what
// follows it, and reports decode's error as DoJSON reports a decoding
// error; an empty answer calls nothing.
func TestDoJSONFunc(t *testing.T) {
	answers := map[string]string{
		"/chunked": "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
			"6\r\n {\"a\":\r\n9\r\n\"}\\\"{\"}\n\r\n0\r\n\r\n",
		"/length": "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n[1,2,3]\n",
		"/empty":  "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
		"/cut":    "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n[1,2,3",
		"/none":   "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n \n",
	}
	s := newRawServer(t, func(c net.Conn, n int) {
		serveRequests(c, func(r *http.Request, w *bufio.Writer) bool {
			w.WriteString(answers[strings.TrimPrefix(r.URL.Path, "/v1.41")])
			return true
		})
	})
	c := NewClient(s.dial(), Options{Version: Version{1, 41}})
	defer c.Close()
	get := func(path string, decode func([]byte) error) error {
		return c.DoJSONFunc(t.Context(), &Request{Method: "GET", Path: path}, decode)
	}

	var got []string
	record := func(b []byte) error { got = append(got, string(b)); return nil }
	require.NoError(t, get("/chunked", record))
	require.NoError(t, get("/length", record))
	require.NoError(t, get("/empty", record))
	assert.Equal(t, []string{`{"a":"}\"{"}`, `[1,2,3]`}, got)

	boom := errors.New("boom")
	err := get("/length", func([]byte) error { return boom })
	assert.ErrorIs(t, err, boom)
	assert.EqualError(t, err, "wire: GET /length: decoding response: boom")

	for _, path := range []string{"/cut", "/none"} {
		err := get(path, record)
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF, path)
		assert.Contains(t, err.Error(), "decoding response", path)
	}
	assert.Len(t, got, 2, "nothing handed over from a cut or empty body")
}

// DoJSON decodes as encoding/json's Decoder did before it read answers
// whole: the same values, the same errors for cut answers and syntax.
func TestDoJSONLikeDecoder(t *testing.T) {
	bodies := []string{
		`{"a":[1,2,{"b":"c"}],"d":null}`, ` [1, "x\"y", true] `, `"a string"`, `42`, `true`, `null`,
		`{"a":1}{"b":2}`, `{"a":1} trailing`, `{"a":}`, `{"a":1`, `[`, ``, `   `, `{"a":"\\"}`,
	}
	for _, body := range bodies {
		s := newRawServer(t, func(c net.Conn, n int) {
			serveRequests(c, func(r *http.Request, w *bufio.Writer) bool {
				fmt.Fprintf(w, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
				return true
			})
		})
		c := NewClient(s.dial(), Options{Version: Version{1, 41}})
		var got, want any
		err := c.DoJSON(t.Context(), &Request{Method: "GET", Path: "/x"}, &got)
		c.Close()
		werr := json.NewDecoder(strings.NewReader(body)).Decode(&want)
		if len(body) == 0 {
			// Content-Length: 0 is no answer to decode, as before.
			assert.NoError(t, err)
			continue
		}
		if werr != nil {
			assert.Error(t, err, "%q", body)
			if werr == io.EOF || werr == io.ErrUnexpectedEOF {
				assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "%q", body)
			} else {
				var se *json.SyntaxError
				assert.ErrorAs(t, err, &se, "%q", body)
			}
			continue
		}
		assert.NoError(t, err, "%q", body)
		assert.Equal(t, want, got, "%q", body)
	}
}

// The record scanner finds the same records whatever the reads: quotes
// escaped by odd runs of backslashes, brackets inside strings, records
// split across reads and buffer growth.
func TestRecordScannerSplits(t *testing.T) {
	records := []string{
		`{"a":"\\"}`,
		`{"a":"\\\""}`,
		`{"a":"\\\\\"}{"}`,
		`[["]"],{"}":"{"}]`,
		`{"long":"` + strings.Repeat(`x\"`, 3000) + `"}`,
		`{"deep":` + strings.Repeat("[", 500) + strings.Repeat("]", 500) + `}`,
		`"a string"`,
		`{}`,
	}
	in := strings.Join(records, "\n") + "\n"
	for name, r := range map[string]io.Reader{
		"whole":      strings.NewReader(in),
		"one byte":   iotest.OneByteReader(strings.NewReader(in)),
		"half reads": iotest.HalfReader(strings.NewReader(in)),
	} {
		sc := recordScanner{r: r, max: 1 << 20, rs: true}
		var got []string
		for {
			rec, err := sc.next()
			if err == io.EOF {
				break
			}
			require.NoError(t, err, name)
			got = append(got, string(rec))
		}
		assert.Equal(t, records, got, name)
	}
}

type labelled struct {
	Labels map[string]string
	Names  []string
}

// StreamOptions.Decode decodes each record in place of encoding/json, into
// a zero value each time: a value the caller kept shares nothing with the
// next.
func TestStreamDecode(t *testing.T) {
	in := `{"Labels":{"a":"1"},"Names":["x"]}` + "\n" + `{"Labels":{"b":"2"}}` + "\n"
	var seen [][]byte
	decode := func(rec []byte, v any) error {
		seen = append(seen, bytes.Clone(rec))
		p := v.(*labelled)
		if p.Labels != nil || p.Names != nil {
			return errors.New("not a zero value")
		}
		return json.Unmarshal(rec, p)
	}
	s := NewStream[labelled](t.Context(), io.NopCloser(strings.NewReader(in)), "", StreamOptions{Decode: decode})
	defer s.Close()
	require.True(t, s.Next())
	first := s.Value()
	require.True(t, s.Next())
	second := s.Value()
	assert.False(t, s.Next())
	require.NoError(t, s.Err())
	assert.Equal(t, labelled{Labels: map[string]string{"a": "1"}, Names: []string{"x"}}, first)
	assert.Equal(t, labelled{Labels: map[string]string{"b": "2"}}, second)
	assert.Len(t, seen, 2)

	boom := errors.New("boom")
	s2 := NewStream[labelled](t.Context(), io.NopCloser(strings.NewReader(in)), "", StreamOptions{Decode: func([]byte, any) error { return boom }})
	defer s2.Close()
	assert.False(t, s2.Next())
	assert.ErrorIs(t, s2.Err(), boom)
	assert.EqualError(t, s2.Err(), "wire: stream record: boom")
}
