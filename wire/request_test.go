package wire

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeString(t *testing.T, req *Request, v Version) string {
	t.Helper()
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	require.NoError(t, WriteRequest(w, "api.moby.localhost", req, v), "WriteRequest")
	return buf.String()
}

func mustPath(t *testing.T, pattern string, args ...string) string {
	t.Helper()
	p, err := Path(pattern, args...)
	require.NoError(t, err)
	return p
}

func TestWriteRequestGolden(t *testing.T) {
	v := Version{1, 41}
	jsonReq, err := JSONRequest("POST", "/containers/create", map[string]any{"Image": "busybox"})
	require.NoError(t, err)
	jsonReq.Query = url.Values{"name": {"web"}}
	auth, _ := EncodeAuth(map[string]string{"username": "u", "password": "abc>>>def"})
	tests := []struct {
		name string
		req  *Request
		v    Version
		want string
	}{
		{"get", &Request{Method: "GET", Path: "/containers/json"}, v,
			"GET /v1.41/containers/json HTTP/1.1\r\nHost: api.moby.localhost\r\n\r\n"},
		{"unversioned ping", &Request{Method: "HEAD", Path: "/_ping", Unversioned: true}, v,
			"HEAD /_ping HTTP/1.1\r\nHost: api.moby.localhost\r\n\r\n"},
		{"escaped image name", &Request{Method: "GET", Path: mustPath(t, "/images/{}/json", "registry:5000/library/busybox@sha256:ab")}, v,
			"GET /v1.41/images/registry:5000%2Flibrary%2Fbusybox@sha256:ab/json HTTP/1.1\r\nHost: api.moby.localhost\r\n\r\n"},
		{"query and filters", &Request{Method: "GET", Path: "/containers/json", Query: url.Values{
			"all": {"1"}, "filters": {Filters{"label": {"a=b"}, "status": {"running", "exited"}}.Encode()}}}, v,
			"GET /v1.41/containers/json?all=1&filters=%7B%22label%22%3A%7B%22a%3Db%22%3Atrue%7D%2C%22status%22%3A%7B%22exited%22%3Atrue%2C%22running%22%3Atrue%7D%7D HTTP/1.1\r\nHost: api.moby.localhost\r\n\r\n"},
		{"json body", jsonReq, v,
			"POST /v1.41/containers/create?name=web HTTP/1.1\r\nHost: api.moby.localhost\r\nContent-Type: application/json\r\nContent-Length: 19\r\n\r\n{\"Image\":\"busybox\"}"},
		{"post without body", &Request{Method: "POST", Path: "/containers/abc/start"}, v,
			"POST /v1.41/containers/abc/start HTTP/1.1\r\nHost: api.moby.localhost\r\nContent-Length: 0\r\n\r\n"},
		{"chunked body", &Request{Method: "POST", Path: "/build", Body: io.MultiReader(strings.NewReader("hello"), strings.NewReader(" world!")),
			ContentLength: -1, Header: Header{"Content-Type": {"application/x-tar"}}}, v,
			"POST /v1.41/build HTTP/1.1\r\nHost: api.moby.localhost\r\nContent-Type: application/x-tar\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7\r\n world!\r\n0\r\n\r\n"},
		{"registry auth", &Request{Method: "POST", Path: "/images/create", Query: url.Values{"fromImage": {"busybox"}},
			Header: Header{"X-Registry-Auth": {auth}}}, v,
			"POST /v1.41/images/create?fromImage=busybox HTTP/1.1\r\nHost: api.moby.localhost\r\nX-Registry-Auth: " + auth + "\r\nContent-Length: 0\r\n\r\n"},
		{"codec headers ignored", &Request{Method: "GET", Path: "/x", Header: Header{"Content-Length": {"5"}, "Host": {"evil"}}}, v,
			"GET /v1.41/x HTTP/1.1\r\nHost: api.moby.localhost\r\n\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, writeString(t, tt.req, tt.v))
		})
	}
}

func TestWriteRequestRefusesInjection(t *testing.T) {
	tests := []struct {
		name string
		req  *Request
	}{
		{"nil", nil},
		{"empty method", &Request{Path: "/x"}},
		{"method with space", &Request{Method: "GET /y", Path: "/x"}},
		{"relative path", &Request{Method: "GET", Path: "x"}},
		{"path with space", &Request{Method: "GET", Path: "/x HTTP/1.1\r\n"}},
		{"path with query", &Request{Method: "GET", Path: "/x?a=b"}},
		{"path with fragment", &Request{Method: "GET", Path: "/x#a"}},
		{"header value CRLF", &Request{Method: "GET", Path: "/x", Header: Header{"X-A": {"a\r\nX-B: b"}}}},
		{"header value NUL", &Request{Method: "GET", Path: "/x", Header: Header{"X-A": {"a\x00"}}}},
		{"header name colon", &Request{Method: "GET", Path: "/x", Header: Header{"X-A:": {"a"}}}},
		{"bad content length", &Request{Method: "POST", Path: "/x", Body: strings.NewReader(""), ContentLength: -2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := WriteRequest(bufio.NewWriter(&buf), "h", tt.req, Version{1, 41})
			require.ErrorIs(t, err, ErrInvalidArgument)
			assert.Empty(t, buf.String(), "written before refusing")
		})
	}
}

func TestWriteRequestShortBody(t *testing.T) {
	var buf bytes.Buffer
	err := WriteRequest(bufio.NewWriter(&buf), "h", &Request{Method: "POST", Path: "/x", Body: strings.NewReader("abc"), ContentLength: 5}, Version{1, 41})
	assert.ErrorIs(t, err, errBodyShort)
}

func TestSegmentAndPath(t *testing.T) {
	tests := []struct {
		seg  string
		want string
		ok   bool
	}{
		{"abc", "abc", true},
		{"library/busybox", "library%2Fbusybox", true},
		{"a?b#c", "a%3Fb%23c", true},
		{"50%", "50%25", true},
		{"../etc", "..%2Fetc", true},
		{"a b", "a%20b", true},
		{"", "", false},
		{".", "", false},
		{"..", "", false},
	}
	for _, tt := range tests {
		got, err := Segment(tt.seg)
		if tt.ok {
			assert.NoError(t, err, "Segment(%q)", tt.seg)
		} else {
			assert.ErrorIs(t, err, ErrInvalidArgument, "Segment(%q)", tt.seg)
		}
		assert.Equal(t, tt.want, got, "Segment(%q)", tt.seg)
		if tt.ok {
			back, err := url.PathUnescape(got)
			assert.NoError(t, err, "Segment(%q) decodes back", tt.seg)
			assert.Equal(t, tt.seg, back, "Segment(%q) decodes back", tt.seg)
		}
	}
	p, err := Path("/containers/{}/json", "a/b")
	assert.NoError(t, err)
	assert.Equal(t, "/containers/a%2Fb/json", p)
	p, err = Path("/networks/{}/connect/{}", "n", "c")
	assert.NoError(t, err)
	assert.Equal(t, "/networks/n/connect/c", p)
	for _, bad := range [][]string{{}, {"a", "b"}, {".."}} {
		_, err := Path("/containers/{}/json", bad...)
		assert.ErrorIs(t, err, ErrInvalidArgument, "Path with %q", bad)
	}
}

func TestFiltersEncode(t *testing.T) {
	tests := []struct {
		f    Filters
		want string
	}{
		{nil, ""},
		{Filters{}, ""},
		{Filters{"label": nil}, ""},
		{Filters{"label": {"a=b"}}, `{"label":{"a=b":true}}`},
		{Filters{"status": {"running", "exited", "running"}, "dangling": {"true"}},
			`{"dangling":{"true":true},"status":{"exited":true,"running":true}}`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.f.Encode(), "Encode(%v)", tt.f)
	}
}

func TestEncodeAuthStrictURLDecoding(t *testing.T) {
	// Passwords whose JSON encodes to '+' or '/' in the standard alphabet:
	// the daemon's strict base64.URLEncoding must still decode them.
	urlAlphabet := false
	for _, pw := range []string{"abc>>>def", "???~~~", "x", "", "ÿÿÿ>?", "a???", "aa???", "~~~~"} {
		cfg := map[string]string{"username": "me", "password": pw}
		s, err := EncodeAuth(cfg)
		require.NoError(t, err)
		urlAlphabet = urlAlphabet || strings.ContainsAny(s, "-_")
		b, err := base64.URLEncoding.Strict().DecodeString(s)
		require.NoError(t, err, "password %q: daemon decoder rejects %q", pw, s)
		var back map[string]string
		assert.NoError(t, json.Unmarshal(b, &back), "password %q round trip", pw)
		assert.Equal(t, pw, back["password"], "password %q round trip", pw)
	}
	assert.True(t, urlAlphabet, "no password exercised the URL alphabet ('-' or '_')")
	_, err := EncodeAuth(func() {})
	assert.Error(t, err, "EncodeAuth of a func")
}

func TestWriteRequestUpgradeProtocol(t *testing.T) {
	for _, tc := range []struct {
		name string
		hdr  Header
		want string
	}{
		{"tcp by default", nil,
			"POST /v1.41/containers/abc/attach HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n"},
		{"h2c for a session", Header{"Upgrade": {"h2c"}, "Connection": {"close"}},
			"POST /v1.41/containers/abc/attach HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: h2c\r\nContent-Length: 0\r\n\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := bufio.NewWriter(&buf)
			req := &Request{Method: "POST", Path: "/containers/abc/attach", Header: tc.hdr}
			require.NoError(t, writeRequest(w, "h", "", req, Version{1, 41}, true))
			assert.Equal(t, tc.want, buf.String())
		})
	}
}

// spellings returns every upper/lower-case spelling of s.
func spellings(s string) []string {
	out := []string{""}
	for _, c := range s {
		lo, up := strings.ToLower(string(c)), strings.ToUpper(string(c))
		next := make([]string, 0, 2*len(out))
		for _, p := range out {
			next = append(next, p+lo)
			if up != lo {
				next = append(next, p+up)
			}
		}
		out = next
	}
	return out
}

// The framing header fields are the codec's whatever their spelling in a
// raw Request.Header: a caller's content-length, transfer-encoding or host
// (or connection and upgrade on an upgrade) never goes out beside the
// codec's own, which would give the daemon two Content-Lengths, CL+TE or two
// Hosts (issue 13, defect 7). Checked over every spelling with net/http's
// request parser, which refuses such requests.
func TestFramingHeadersAnySpelling(t *testing.T) {
	for _, tt := range []struct {
		key, value string
		upgrade    bool
	}{
		{"Content-Length", "5", false},
		{"Transfer-Encoding", "chunked", false},
		{"Host", "evil.example", false},
		{"Connection", "keep-alive", true},
		{"User-Agent", "other/1.0", false},
	} {
		n := 0
		for _, key := range spellings(tt.key) {
			n++
			req := &Request{Method: "POST", Path: "/containers/abc/attach", Header: Header{key: {tt.value}},
				Body: strings.NewReader("{}"), ContentLength: 2}
			var buf bytes.Buffer
			w := bufio.NewWriter(&buf)
			require.NoError(t, writeRequest(w, "api.moby.localhost", "dockwire/test", req, Version{1, 41}, tt.upgrade), key)
			raw := buf.String()
			counts := map[string]int{}
			for _, line := range strings.Split(strings.SplitN(raw, "\r\n\r\n", 2)[0], "\r\n")[1:] {
				k, _, _ := strings.Cut(line, ":")
				counts[http.CanonicalHeaderKey(k)]++
			}
			assert.Equal(t, map[string]int{"Host": 1, "User-Agent": 1, "Content-Length": 1}, map[string]int{
				"Host": counts["Host"], "User-Agent": counts["User-Agent"], "Content-Length": counts["Content-Length"]}, "%s: %q", key, raw)
			assert.Zero(t, counts["Transfer-Encoding"], "%s: %q", key, raw)
			hr, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
			require.NoError(t, err, "%s: %q", key, raw)
			assert.Equal(t, "api.moby.localhost", hr.Host, key)
			assert.EqualValues(t, 2, hr.ContentLength, key)
			if tt.upgrade {
				assert.Equal(t, 1, counts["Connection"], "%s: %q", key, raw)
				assert.Equal(t, "Upgrade", hr.Header.Get("Connection"), key)
			}
			if tt.key == "User-Agent" {
				assert.Equal(t, "other/1.0", hr.Header.Get("User-Agent"), "the caller's User-Agent replaces the client's")
			}
			if t.Failed() {
				return
			}
		}
		assert.Greater(t, n, 15, tt.key)
	}
	// The upgrade protocol is found whatever the key's spelling.
	for _, key := range spellings("upgrade") {
		var buf bytes.Buffer
		w := bufio.NewWriter(&buf)
		req := &Request{Method: "POST", Path: "/session", Header: Header{key: {"h2c"}}}
		require.NoError(t, writeRequest(w, "h", "", req, Version{1, 41}, true))
		assert.Equal(t, 1, strings.Count(strings.ToLower(buf.String()), "\r\nupgrade: "), "%s: %q", key, buf.String())
		assert.Contains(t, buf.String(), "\r\nUpgrade: h2c\r\n", key)
	}
}
