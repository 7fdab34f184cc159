package mockdaemon_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// jsonLines decodes a JSON message stream, one object a line.
func jsonLines(t *testing.T, body []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	for dec.More() {
		var m map[string]any
		require.NoError(t, dec.Decode(&m), "stream %q", body)
		out = append(out, m)
	}
	return out
}

// TestImportFromURL: POST /images/create?fromSrc=URL fetches the URL as
// dockerd's import does (http:// added to a URL without a scheme), reads
// it whether compressed or not, and streams "Downloading from URL", the
// "Importing" progress and the image's id; the comment defaults to
// "Imported from URL". A URL that answers 404 or cannot be reached is
// the request's error, with dockerd's status and wording.
func TestImportFromURL(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	plain := tarOf(t, map[string]string{"bin/hello": "hi\n", "etc/x": "x\n"})
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, err := zw.Write(plain)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/a.tar":
			w.Header().Set("Content-Length", strconv.Itoa(len(plain)))
			_, _ = w.Write(plain)
		case "/a.tar.gz":
			w.Header().Set("Content-Length", strconv.Itoa(gz.Len()))
			_, _ = w.Write(gz.Bytes())
		default:
			http.Error(w, "nothing here", http.StatusNotFound)
		}
	}))
	t.Cleanup(srv.Close)

	type inspect struct {
		Comment string
		RootFS  struct{ Layers []string }
	}
	get := func(ref string) inspect {
		var im inspect
		r := c.do("GET", "/v1.41/images/"+ref+"/json", nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		require.NoError(t, json.Unmarshal(r.body, &im))
		return im
	}

	src := srv.URL + "/a.tar"
	r := c.do("POST", "/v1.41/images/create?fromSrc="+url.QueryEscape(src)+"&repo=urlimp&tag=plain", nil)
	require.Equal(t, 200, r.status, "%s", r.body)
	msgs := jsonLines(t, r.body)
	require.Len(t, msgs, 3, "%s", r.body)
	assert.Equal(t, map[string]any{"status": "Downloading from " + src}, msgs[0])
	n := float64(len(plain))
	assert.Equal(t, "Importing", msgs[1]["status"])
	assert.Equal(t, map[string]any{"current": n, "total": n}, msgs[1]["progressDetail"])
	require.Len(t, plain, 3072)
	assert.Equal(t, "[==================================================>]  3.072kB/3.072kB", msgs[1]["progress"])
	assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, msgs[2]["status"])
	im := get("urlimp:plain")
	assert.Equal(t, "Imported from "+src, im.Comment)
	var hist []struct{ Comment string }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/images/urlimp:plain/history", nil).body, &hist))
	require.Len(t, hist, 1)
	assert.Equal(t, "Imported from "+src, hist[0].Comment)

	// no scheme: http://; compressed: the same layer as the plain tar
	noScheme := strings.TrimPrefix(srv.URL, "http://") + "/a.tar.gz"
	r = c.do("POST", "/v1.41/images/create?fromSrc="+url.QueryEscape(noScheme)+"&repo=urlimp&tag=gz&message=zipped", nil)
	require.Equal(t, 200, r.status, "%s", r.body)
	msgs = jsonLines(t, r.body)
	require.NotEmpty(t, msgs)
	assert.Equal(t, "Downloading from http://"+noScheme, msgs[0]["status"])
	gzIm := get("urlimp:gz")
	assert.Equal(t, "zipped", gzIm.Comment)
	assert.Equal(t, im.RootFS.Layers, gzIm.RootFS.Layers, "the layer is the uncompressed tar")

	r = c.do("POST", "/v1.41/images/create?fromSrc="+url.QueryEscape(srv.URL+"/nosuch.tar")+"&repo=urlimp&tag=missing", nil)
	assert.Equal(t, 404, r.status, "%s", r.body)
	assert.Equal(t, "failed to GET "+srv.URL+"/nosuch.tar with status 404 Not Found: nothing here", r.message())

	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := "http://" + l.Addr().String() + "/x.tar"
	require.NoError(t, l.Close())
	r = c.do("POST", "/v1.41/images/create?fromSrc="+url.QueryEscape(closed)+"&repo=urlimp&tag=refused", nil)
	assert.Equal(t, 500, r.status, "%s", r.body)
	assert.Equal(t, `Get "`+closed+`": dial tcp `+l.Addr().String()+`: connect: connection refused`, r.message())

	r = c.do("POST", "/v1.41/images/create?fromSrc="+url.QueryEscape(src)+"&repo=urlimp@sha256:"+strings.Repeat("0", 64), nil)
	assert.Equal(t, 400, r.status, "%s", r.body)
	assert.Equal(t, "cannot import digest reference", r.message())
}
