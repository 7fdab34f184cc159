package mockdaemon_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
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

// compressors are the compressions pkg/archive's DecompressStream
// detects, each by the host's tool.
var compressors = []string{"gzip", "bzip2", "xz"}

func compress(t *testing.T, tool string, data []byte) []byte {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), tool, "-c")
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.Output()
	require.NoError(t, err, "%s", tool)
	return out
}

// send posts body (a tar, maybe compressed) as dockerd's clients do.
func (c *client) sendTar(method, path string, body []byte) reply {
	c.t.Helper()
	return c.raw(method, path, bytes.NewReader(body), "Content-Type", "application/x-tar")
}

// TestCompressedArchives: an import, a load (the image tar and the layers
// in it) and an upload to a container read gzip, bzip2 and xz archives as
// dockerd does (DecompressStream), keeping the uncompressed tar; a
// compressed stream cut short fails as dockerd's unpacker reports it.
func TestCompressedArchives(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	plain := tarOf(t, map[string]string{"bin/hello": "hi\n", "etc/x": "x\n"})
	layers := func(ref string) []string {
		var im struct{ RootFS struct{ Layers []string } }
		r := c.do("GET", "/v1.41/images/"+ref+"/json", nil)
		require.Equal(t, 200, r.status, "%s", r.body)
		require.NoError(t, json.Unmarshal(r.body, &im))
		return im.RootFS.Layers
	}
	r := c.sendTar("POST", "/v1.41/images/create?fromSrc=-&repo=zimp&tag=plain", plain)
	require.Equal(t, 200, r.status, "%s", r.body)
	want := layers("zimp:plain")
	saved := c.do("GET", "/v1.41/images/zimp:plain/get", nil).body
	id := c.create("ztarget", map[string]any{"Image": "busybox"})

	for _, tool := range compressors {
		r := c.sendTar("POST", "/v1.41/images/create?fromSrc=-&repo=zimp&tag="+tool, compress(t, tool, plain))
		require.Equal(t, 200, r.status, "import %s: %s", tool, r.body)
		assert.Equal(t, want, layers("zimp:"+tool), "import of a %s tar", tool)

		require.Equal(t, 200, c.do("DELETE", "/v1.41/images/zimp:plain", nil).status)
		r = c.sendTar("POST", "/v1.41/images/load", compress(t, tool, saved))
		require.Equal(t, 200, r.status, "load %s: %s", tool, r.body)
		assert.Contains(t, string(r.body), "Loaded image: zimp:plain", "load of a %s image tar", tool)
		assert.Equal(t, want, layers("zimp:plain"), "load of a %s image tar", tool)

		r = c.sendTar("PUT", "/v1.41/containers/"+id+"/archive?path=/tmp", compress(t, tool, plain))
		require.Equal(t, 200, r.status, "upload %s: %s", tool, r.body)
		r = c.do("HEAD", "/v1.41/containers/"+id+"/archive?path=/tmp/bin/hello", nil)
		assert.Equal(t, 200, r.status, "upload of a %s tar", tool)
	}

	// a save whose layer is compressed loads as the uncompressed layer
	require.Equal(t, 200, c.do("DELETE", "/v1.41/images/zimp:plain", nil).status)
	r = c.sendTar("POST", "/v1.41/images/load", compressLayers(t, saved))
	require.Equal(t, 200, r.status, "%s", r.body)
	assert.Contains(t, string(r.body), "Loaded image: zimp:plain")
	assert.Equal(t, want, layers("zimp:plain"), "load of gzipped layers")

	cut := compress(t, "gzip", plain)[:30]
	const short = "Error processing tar file(unexpected EOF): "
	r = c.sendTar("PUT", "/v1.41/containers/"+id+"/archive?path=/tmp", cut)
	assert.Equal(t, 500, r.status)
	assert.Equal(t, short, r.message())
	r = c.sendTar("POST", "/v1.41/images/create?fromSrc=-", cut)
	assert.Equal(t, 500, r.status)
	assert.Equal(t, short, r.message())
	r = c.sendTar("POST", "/v1.41/images/load", cut)
	assert.Equal(t, 200, r.status)
	assert.Contains(t, string(r.body), `"error":"`+short+`"`)
}

// compressLayers gzips the layer files of a saved image tar.
func compressLayers(t *testing.T, saved []byte) []byte {
	t.Helper()
	var manifest []struct{ Layers []string }
	var out bytes.Buffer
	tw := tar.NewWriter(&out)
	tr := tar.NewReader(bytes.NewReader(saved))
	files := map[string][]byte{}
	var order []*tar.Header
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		data, err := io.ReadAll(tr)
		require.NoError(t, err)
		files[hdr.Name] = data
		order = append(order, hdr)
	}
	require.NoError(t, json.Unmarshal(files["manifest.json"], &manifest))
	require.NotEmpty(t, manifest)
	isLayer := map[string]bool{}
	for _, l := range manifest[0].Layers {
		isLayer[l] = true
	}
	for _, hdr := range order {
		data := files[hdr.Name]
		if isLayer[hdr.Name] {
			data = compress(t, "gzip", data)
			hdr.Size = int64(len(data))
		}
		require.NoError(t, tw.WriteHeader(hdr))
		_, err := tw.Write(data)
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	return out.Bytes()
}

// TestImportChanges: an import takes the changes dockerd's
// validCommitCommands allow, HEALTHCHECK with its flags among them, and
// refuses the others (STOPSIGNAL, MAINTAINER) by name.
func TestImportChanges(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	body := tarOf(t, map[string]string{"f": "x"})
	r := c.sendTar("POST", "/v1.41/images/create?fromSrc=-&repo=chg&tag=h&changes="+url.QueryEscape("HEALTHCHECK --interval=5s --retries=2 CMD true"), body)
	require.Equal(t, 200, r.status, "%s", r.body)
	var im struct {
		Config struct{ Healthcheck map[string]any }
	}
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.41/images/chg:h/json", nil).body, &im))
	assert.Equal(t, map[string]any{"Test": []any{"CMD-SHELL", "true"}, "Interval": float64(5e9), "Retries": float64(2)}, im.Config.Healthcheck)
	for _, ch := range []string{"STOPSIGNAL SIGINT", "MAINTAINER me", "COPY a b"} {
		r = c.sendTar("POST", "/v1.41/images/create?fromSrc=-&repo=chg&tag=bad&changes="+url.QueryEscape(ch), body)
		assert.Equal(t, 400, r.status, ch)
		assert.Equal(t, strings.ToLower(strings.Fields(ch)[0])+" is not a valid change command", r.message())
	}
}

// TestJSONStreamLinesEndInCRLF: the progress streams of import and load
// end each message with "\r\n", as dockerd's streamformatter does (the
// mock ended them with json.Encoder's "\n").
func TestJSONStreamLinesEndInCRLF(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	r := c.sendTar("POST", "/v1.41/images/create?fromSrc=-&repo=crlf&tag=x", tarOf(t, map[string]string{"f": "x"}))
	require.Equal(t, 200, r.status, "%s", r.body)
	assert.True(t, strings.HasSuffix(string(r.body), "}\r\n"), "import: %q", r.body)
	r = c.sendTar("POST", "/v1.41/images/load", []byte("not a tar"))
	require.Equal(t, 200, r.status, "%s", r.body)
	assert.True(t, strings.HasSuffix(string(r.body), "}\r\n"), "load's error in the stream: %q", r.body)
}
