package fuzz

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/wire"
)

// readWritten parses what WriteRequest wrote with net/http's server-side
// parser, the one dockerd uses.
func readWritten(t *testing.T, b []byte) *http.Request {
	t.Helper()
	r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(b)))
	require.NoError(t, err, "net/http cannot parse the request %q", b)
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
			require.ErrorIs(t, err, wire.ErrInvalidArgument, "Path(%q)", id)
			require.Contains(t, []string{"", ".", ".."}, id, "Path(%q) refused: %v", id, err)
			return
		}
		seg := strings.TrimSuffix(strings.TrimPrefix(p, "/containers/"), "/json")
		require.Equal(t, p, "/containers/"+seg+"/json", "Path(%q) changes the path's shape", id)
		require.NotRegexp(t, "[/?# ]", seg, "Path(%q) = %q changes the path's shape", id, p)
		require.NotContains(t, []string{".", ".."}, seg, "Path(%q) = %q changes the path's shape", id, p)
		back, err := url.PathUnescape(seg)
		require.NoError(t, err, "Path(%q) segment %q", id, seg)
		require.Equal(t, id, back, "Path(%q) segment %q decoded", id, seg)

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
			require.ErrorIs(t, err, wire.ErrInvalidArgument, "header value %q", hval)
			require.Empty(t, buf.String(), "written for header value %q", hval)
			return
		}
		if err != nil && errors.Is(err, wire.ErrInvalidArgument) && buf.Len() == 0 && !validFieldValue(hval) {
			return // control bytes in a header value, refused up front
		}
		require.NoError(t, err, "WriteRequest")
		r := readWritten(t, buf.Bytes())
		require.Equal(t, "/v1.41"+p, r.URL.EscapedPath())
		require.Empty(t, r.URL.Fragment)
		// dockerd's router (gorilla/mux with UseEncodedPath) splits the
		// escaped path, then unescapes each variable.
		parts := strings.Split(r.URL.EscapedPath(), "/")
		require.Len(t, parts, 5, "escaped path %q has the wrong shape", r.URL.EscapedPath())
		require.Equal(t, "containers", parts[2], "escaped path %q has the wrong shape", r.URL.EscapedPath())
		require.Equal(t, "json", parts[4], "escaped path %q has the wrong shape", r.URL.EscapedPath())
		back, _ = url.PathUnescape(parts[3])
		require.Equal(t, id, back, "the id the daemon sees")
		got := r.URL.Query()
		require.Equal(t, q, got, "query %q", r.URL.RawQuery)
		if enc := got.Get("filters"); enc != "" {
			// dockerd's filters.FromJSON: name → value → true.
			var back map[string]map[string]bool
			require.NoError(t, json.Unmarshal([]byte(enc), &back), "filters %q", enc)
			// JSON carries text: invalid UTF-8 arrives as U+FFFD.
			require.Equal(t, map[string]map[string]bool{utf8Text(fname): {utf8Text(fval): true}}, back, "filters %q", enc)
		} else if fname != "" || fval != "" {
			// Encode leaves out names without values only.
			require.Empty(t, filters[fname], "filters %v encoded as nothing", filters)
		}
		require.Equal(t, strings.Trim(hval, " \t"), r.Header.Get("X-Fuzz"), "header value %q", hval)
		require.Len(t, r.Header, 1, "header fields")
		require.Equal(t, "api.moby.localhost", r.Host)
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
		require.NoError(t, err)
		req := &wire.Request{Method: "POST", Path: "/images/create", Header: wire.Header{}}
		req.Header.Set("X-Registry-Auth", s)
		var buf bytes.Buffer
		require.NoError(t, wire.WriteRequest(bufio.NewWriter(&buf), "h", req, wire.Version{}), "WriteRequest refuses the auth header %q", s)
		got := readWritten(t, buf.Bytes()).Header.Get("X-Registry-Auth")
		require.Equal(t, s, got, "the header as it arrives")
		_, err = base64.URLEncoding.Strict().DecodeString(got)
		require.NoError(t, err, "strict URL-safe base64 refuses %q", got)
		// dockerd: json.NewDecoder(base64.NewDecoder(base64.URLEncoding, ...)).Decode.
		var ac authConfig
		require.NoError(t, json.NewDecoder(base64.NewDecoder(base64.URLEncoding, strings.NewReader(got))).Decode(&ac), "dockerd cannot decode %q", got)
		// JSON carries text: invalid UTF-8 bytes become U+FFFD, one each.
		want := authConfig{Username: utf8Text(user), Password: utf8Text(pass), ServerAddress: utf8Text(server), IdentityToken: utf8Text(token)}
		require.Equal(t, want, ac, "what dockerd decodes")
		if strings.ContainsAny(got, "-_") {
			_, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, strings.NewReader(got)))
			require.Error(t, err, "%q decodes with the standard alphabet too", got)
		}
	})
}

// utf8Text is s as encoding/json writes it: each invalid byte replaced by
// U+FFFD.
func utf8Text(s string) string { return string([]rune(s)) }
