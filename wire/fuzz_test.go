package wire

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"strings"
	"testing"
)

// FuzzReadResponse: the HTTP/1.1 response reader returns typed errors,
// keeps memory bounded and never hangs on finite input.
func FuzzReadResponse(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n",
		"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
		"HTTP/1.1 101 UPGRADED\r\nUpgrade: tcp\r\n\r\n\x01\x00\x00\x00\x00\x00\x00\x01x",
		"HTTP/1.0 200 OK\r\n\r\nclose delimited",
		"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n",
	} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, head bool) {
		method := "GET"
		if head {
			method = "HEAD"
		}
		resp, err := ReadResponse(bufio.NewReader(bytes.NewReader(data)), method)
		if err != nil {
			var pe *ProtocolError
			if !errors.As(err, &pe) && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		if resp.StatusCode < 100 || resp.StatusCode > 599 || resp.Body == nil {
			t.Fatalf("bad response %+v", resp)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		if n > int64(len(data)) {
			t.Fatalf("body of %d bytes from %d bytes of input", n, len(data))
		}
		if resp.ContentLength >= 0 && err == nil && method == "GET" && resp.StatusCode >= 200 &&
			resp.StatusCode != 204 && resp.StatusCode != 304 && n != resp.ContentLength {
			t.Fatalf("read %d bytes, Content-Length %d, no error", n, resp.ContentLength)
		}
		if err != nil {
			var pe *ProtocolError
			if !errors.As(err, &pe) && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("untyped body error %T: %v", err, err)
			}
		}
	})
}

// FuzzStream: records are bounded, errors typed, and the reader never
// loops on finite input.
func FuzzStream(f *testing.F) {
	for _, s := range []string{
		`{"status":"a"}` + "\n" + `{"status":"b"}`,
		`{"status":"a"}{"status":"b"}`,
		"\x1e{\"status\":\"a\"}\n",
		`{"errorDetail":{"code":1,"message":"x"},"error":"x"}`,
		`{"status":"a\"}{"}`,
		`[1,2,3] 4 "x" true`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := NewStream[json.RawMessage](context.Background(), io.NopCloser(bytes.NewReader(data)), "", StreamOptions{MaxRecord: 64})
		defer s.Close()
		n := 0
		for s.Next() {
			n++
			if v := s.Value(); len(v) > 64 || !json.Valid(v) {
				t.Fatalf("record %q", v)
			}
			if n > len(data) {
				t.Fatal("more records than bytes")
			}
		}
		if len(s.sc.buf) > 65 {
			t.Fatalf("buffer grew to %d with MaxRecord 64", len(s.sc.buf))
		}
	})
}

// FuzzErrorDecode: any body gives a non-empty message, capped and valid
// UTF-8, and the status maps consistently.
func FuzzErrorDecode(f *testing.F) {
	f.Add(404, "application/json", []byte(`{"message":"No such container: x"}`))
	f.Add(500, "text/html", []byte("<html>x</html>"))
	f.Add(400, "", []byte(""))
	f.Add(409, "application/json", []byte(`{"message":5}`))
	f.Fuzz(func(t *testing.T, code int, ct string, body []byte) {
		code = 300 + abs(code)%300
		resp := &Response{StatusCode: code, Header: Header{"Content-Type": {ct}}, Body: io.NopCloser(bytes.NewReader(body))}
		e := ReadError("GET", "/x", resp)
		if e.Message == "" || len(e.Message) > 3*MaxErrorBody || !strings.HasPrefix(e.Error(), "wire: GET /x: ") {
			t.Fatalf("message %q", e.Message)
		}
		if !strings.Contains(e.Error(), e.Message) {
			t.Fatal("Error() drops the message")
		}
		if s := sentinelFor(code); s != nil && !errors.Is(e, s) {
			t.Fatalf("status %d does not match %v", code, s)
		}
	})
}

func abs(n int) int {
	if n < 0 {
		if n == -n { // math.MinInt
			return 0
		}
		return -n
	}
	return n
}

// FuzzParseVersion: ParseVersion(v.String()) == v for what it accepts.
func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{"1.41", "v1.44", "01.2", "1.", "", "1.2.3", "9999.9999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVersion(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidArgument) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		back, err := ParseVersion(v.String())
		if err != nil || back != v {
			t.Fatalf("%q → %v → %q → %v, %v", s, v, v.String(), back, err)
		}
		if strings.TrimPrefix(s, "v") != v.String() {
			t.Fatalf("%q is not canonical %q", s, v.String())
		}
	})
}

// FuzzNegotiate: the result is within [MinVersion, client] and never
// above a known daemon version that is itself above the floor.
func FuzzNegotiate(f *testing.F) {
	f.Add(1, 56, 1, 41)
	f.Add(0, 0, 0, 0)
	f.Add(1, 20, 2, 0)
	f.Fuzz(func(t *testing.T, cmaj, cmin, dmaj, dmin int) {
		client := Version{abs(cmaj) % 4, abs(cmin) % 200}
		daemon := Version{abs(dmaj) % 4, abs(dmin) % 200}
		v := Negotiate(client, daemon)
		effective := client
		if client.IsZero() {
			effective = MaxVersion
		}
		if v.Less(MinVersion) {
			t.Fatalf("Negotiate(%v, %v) = %v below the floor", client, daemon, v)
		}
		if effective.Less(v) && v != MinVersion {
			t.Fatalf("Negotiate(%v, %v) = %v above the client", client, daemon, v)
		}
		if !daemon.IsZero() && daemon.Less(v) && !daemon.Less(MinVersion) {
			t.Fatalf("Negotiate(%v, %v) = %v above the daemon", client, daemon, v)
		}
		if v != Negotiate(client, daemon) {
			t.Fatal("not deterministic")
		}
	})
}

// FuzzPathSegment: a segment never adds a path separator, query or
// fragment, and decodes back to itself.
func FuzzPathSegment(f *testing.F) {
	for _, s := range []string{"abc", "..", ".", "", "a/b", "../../etc", "a?b#c", "%2e%2e", "x\x00y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Path("/containers/{}/json", s)
		if err != nil {
			if !errors.Is(err, ErrInvalidArgument) || (s != "" && s != "." && s != "..") {
				t.Fatalf("Path(%q): %v", s, err)
			}
			return
		}
		u, err := url.Parse(p)
		if err != nil || u.RawQuery != "" || u.Fragment != "" {
			t.Fatalf("Path(%q) = %q parses as %v, %v", s, p, u, err)
		}
		parts := strings.Split(p, "/")
		if len(parts) != 4 || parts[1] != "containers" || parts[3] != "json" {
			t.Fatalf("Path(%q) = %q changes the path's shape", s, p)
		}
		if back, err := url.PathUnescape(parts[2]); err != nil || back != s {
			t.Fatalf("Path(%q) segment %q decodes to %q, %v", s, parts[2], back, err)
		}
		if err := checkRequest("h", "", &Request{Method: "GET", Path: p}); err != nil {
			t.Fatalf("WriteRequest refuses Path(%q) = %q: %v", s, p, err)
		}
	})
}

// FuzzEncodeAuth: the header decodes with the daemon's decoder (URL
// alphabet, padding, strict) into the same JSON.
func FuzzEncodeAuth(f *testing.F) {
	f.Add("me", "abc>>>def", "127.0.0.1:5000")
	f.Add("", "", "")
	f.Add("ÿ", "???~~~", "\x00")
	f.Fuzz(func(t *testing.T, user, pass, server string) {
		in := map[string]string{"username": user, "password": pass, "serveraddress": server}
		s, err := EncodeAuth(in)
		if err != nil {
			t.Fatal(err)
		}
		b, err := base64.URLEncoding.Strict().DecodeString(s)
		if err != nil {
			t.Fatalf("daemon cannot decode %q: %v", s, err)
		}
		want, _ := json.Marshal(in)
		if !bytes.Equal(b, want) {
			t.Fatalf("decoded %q, want %q", b, want)
		}
	})
}
