package fuzz

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/dockwire/dockwire/wire"
)

// readWritten parses what WriteRequest wrote with net/http's server-side
// parser, the one dockerd uses.
func readWritten(t *testing.T, b []byte) *http.Request {
	t.Helper()
	r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(b)))
	if err != nil {
		t.Fatalf("net/http cannot parse the request %q: %v", b, err)
	}
	return r
}

// FuzzWireRequest (target 7): an id, a query parameter, a filter and a header
// value from the fuzzer. The id stays one path segment that decodes back to
// itself (no "..", "/", "?" or "#" smuggling), the query and the filters
// decode back to the input under net/http, and a header value that could
// split the request is refused before anything is written.
func FuzzWireRequest(f *testing.F) {
	for _, s := range [][5]string{
		{"abc", "all", "1", "label", "a=b"},
		{"..", "x", "", "name", ""},
		{"a/b?c#d", "a b", "é&=", "status", "running"},
		{"%2e%2e", "q;", "v+1", "before", "../../x"},
		{"x\x00y", "k", "v", "label", "x\r\nInjected: 1"},
		{"busybox:dockwire", "fromImage", "127.0.0.1:9/x", "dangling", "true"},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4], "value")
	}
	f.Fuzz(func(t *testing.T, id, key, val, fname, fval, hval string) {
		p, err := wire.Path("/containers/{}/json", id)
		if err != nil {
			if !errors.Is(err, wire.ErrInvalidArgument) || (id != "" && id != "." && id != "..") {
				t.Fatalf("Path(%q): %v", id, err)
			}
			return
		}
		seg := strings.TrimSuffix(strings.TrimPrefix(p, "/containers/"), "/json")
		if "/containers/"+seg+"/json" != p || strings.ContainsAny(seg, "/?# ") || seg == "." || seg == ".." {
			t.Fatalf("Path(%q) = %q changes the path's shape", id, p)
		}
		if back, err := url.PathUnescape(seg); err != nil || back != id {
			t.Fatalf("Path(%q) segment %q decodes to %q, %v", id, seg, back, err)
		}

		filters := wire.Filters{fname: {fval}}
		q := url.Values{key: {val}}
		if enc := filters.Encode(); enc != "" {
			q.Set("filters", enc)
		}
		req := &wire.Request{Method: "GET", Path: p, Query: q, Header: wire.Header{}}
		req.Header.Set("X-Fuzz", hval)
		var buf bytes.Buffer
		err = wire.WriteRequest(bufio.NewWriter(&buf), "api.moby.localhost", req, wire.Version{Major: 1, Minor: 41})
		if strings.ContainsAny(hval, "\r\n\x00") {
			if !errors.Is(err, wire.ErrInvalidArgument) || buf.Len() != 0 {
				t.Fatalf("header value %q: err %v, wrote %q", hval, err, buf.Bytes())
			}
			return
		}
		if err != nil {
			if errors.Is(err, wire.ErrInvalidArgument) && buf.Len() == 0 && !validFieldValue(hval) {
				return // control bytes in a header value, refused up front
			}
			t.Fatalf("WriteRequest: %v", err)
		}
		r := readWritten(t, buf.Bytes())
		if r.URL.EscapedPath() != "/v1.41"+p || r.URL.Fragment != "" {
			t.Fatalf("path %q, fragment %q; want /v1.41%s", r.URL.EscapedPath(), r.URL.Fragment, p)
		}
		// dockerd's router (gorilla/mux with UseEncodedPath) splits the
		// escaped path, then unescapes each variable.
		parts := strings.Split(r.URL.EscapedPath(), "/")
		if len(parts) != 5 || parts[2] != "containers" || parts[4] != "json" {
			t.Fatalf("escaped path %q has the wrong shape", r.URL.EscapedPath())
		}
		if back, _ := url.PathUnescape(parts[3]); back != id {
			t.Fatalf("the daemon sees id %q, want %q", back, id)
		}
		got := r.URL.Query()
		if !maps.EqualFunc(got, q, slices.Equal) {
			t.Fatalf("query %q decodes to %q, want %q", r.URL.RawQuery, got, q)
		}
		if enc := got.Get("filters"); enc != "" {
			// dockerd's filters.FromJSON: name → value → true.
			var back map[string]map[string]bool
			if err := json.Unmarshal([]byte(enc), &back); err != nil {
				t.Fatalf("filters %q: %v", enc, err)
			}
			// JSON carries text: invalid UTF-8 arrives as U+FFFD.
			if len(back) != 1 || len(back[utf8Text(fname)]) != 1 || !back[utf8Text(fname)][utf8Text(fval)] {
				t.Fatalf("filters %q decode to %v, want %q=%q", enc, back, fname, fval)
			}
		} else if fname != "" || fval != "" {
			// Encode leaves out names without values only.
			if len(filters[fname]) != 0 {
				t.Fatalf("filters %v encoded as nothing", filters)
			}
		}
		if h := r.Header.Get("X-Fuzz"); h != strings.Trim(hval, " \t") {
			t.Fatalf("header value %q arrives as %q", hval, h)
		}
		if len(r.Header) != 1 || r.Host != "api.moby.localhost" {
			t.Fatalf("extra header fields %v or host %q", r.Header, r.Host)
		}
	})
}

// validFieldValue is RFC 9110's field-value: visible bytes, obs-text, SP and
// HTAB.
func validFieldValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// authConfig has the JSON shape of moby's registry.AuthConfig, the struct
// dockerd decodes X-Registry-Auth into.
type authConfig struct {
	Username      string `json:"username,omitempty"`
	Password      string `json:"password,omitempty"`
	Auth          string `json:"auth,omitempty"`
	Email         string `json:"email,omitempty"`
	ServerAddress string `json:"serveraddress,omitempty"`
	IdentityToken string `json:"identitytoken,omitempty"`
	RegistryToken string `json:"registrytoken,omitempty"`
}

// FuzzWireAuth (target 17): what wire.EncodeAuth produces survives an HTTP
// header (written by WriteRequest, read by net/http) and decodes under
// dockerd's rules: base64.URLEncoding (checked strict too), then JSON into
// an AuthConfig-shaped struct, giving back the caller's values. dockerd
// drops an X-Registry-Auth it cannot decode silently (a pull goes out
// anonymous), so anything short of exact would be a quiet failure.
func FuzzWireAuth(f *testing.F) {
	f.Add("me", "abc>>>def", "127.0.0.1:5000", "", true)
	f.Add("", "", "", "", false)
	f.Add("ÿ", "???~~~", "\x00", "tok", true)
	f.Add("user", "p\xffw", "https://index.docker.io/v1/", "", false)
	f.Fuzz(func(t *testing.T, user, pass, server, token string, typed bool) {
		in := authConfig{Username: user, Password: pass, ServerAddress: server, IdentityToken: token}
		var v any = in
		if !typed {
			v = map[string]string{"username": user, "password": pass, "serveraddress": server, "identitytoken": token}
		}
		s, err := wire.EncodeAuth(v)
		if err != nil {
			t.Fatal(err)
		}
		req := &wire.Request{Method: "POST", Path: "/images/create", Header: wire.Header{}}
		req.Header.Set("X-Registry-Auth", s)
		var buf bytes.Buffer
		if err := wire.WriteRequest(bufio.NewWriter(&buf), "h", req, wire.Version{}); err != nil {
			t.Fatalf("WriteRequest refuses the auth header %q: %v", s, err)
		}
		got := readWritten(t, buf.Bytes()).Header.Get("X-Registry-Auth")
		if got != s {
			t.Fatalf("header %q arrives as %q", s, got)
		}
		if _, err := base64.URLEncoding.Strict().DecodeString(got); err != nil {
			t.Fatalf("strict URL-safe base64 refuses %q: %v", got, err)
		}
		// dockerd: json.NewDecoder(base64.NewDecoder(base64.URLEncoding, ...)).Decode.
		var ac authConfig
		if err := json.NewDecoder(base64.NewDecoder(base64.URLEncoding, strings.NewReader(got))).Decode(&ac); err != nil {
			t.Fatalf("dockerd cannot decode %q: %v", got, err)
		}
		// JSON carries text: invalid UTF-8 bytes become U+FFFD, one each.
		want := authConfig{Username: utf8Text(user), Password: utf8Text(pass), ServerAddress: utf8Text(server), IdentityToken: utf8Text(token)}
		if ac != want {
			t.Fatalf("dockerd decodes %+v, want %+v", ac, want)
		}
		if _, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, strings.NewReader(got))); err == nil &&
			strings.ContainsAny(got, "-_") {
			t.Fatalf("%q decodes with the standard alphabet too", got)
		}
	})
}

// utf8Text is s as encoding/json writes it: each invalid byte replaced by
// U+FFFD.
func utf8Text(s string) string { return string([]rune(s)) }
