package differential

import (
	"archive/tar"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"io"
	"net/url"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEncodeQuery(t *testing.T) {
	q := encodeQuery(`all=1&filters={"name":["^/x$"]}&ps_args=-o%20pid&name=bad%name`)
	v, err := url.ParseQuery(q)
	require.NoError(t, err)
	assert.Equal(t, "1", v.Get("all"))
	assert.Equal(t, `{"name":["^/x$"]}`, v.Get("filters"))
	assert.Equal(t, "-o pid", v.Get("ps_args"), "%20 is a space")
	assert.Equal(t, "bad%name", v.Get("name"), "a % that starts no escape is itself")
}

func TestPrepare(t *testing.T) {
	v := vars{"c": "abc", "e": "def", "labels": `{"k":"v"}`}
	r, err := prepare(Step{Method: "POST", Path: "/containers/{{c}}/attach?stream=1", Stdin: []StdinChunk{{Data: "hi {{c}}"}}}, v, "1.41")
	require.NoError(t, err)
	assert.Equal(t, "/v1.41/containers/abc/attach?stream=1", r.target)
	assert.True(t, r.hijack)
	assert.Equal(t, "hi abc", r.stdin[0].Data)
	assert.Equal(t, defaultRead, r.read)

	r, err = prepare(Step{Method: "POST", Path: "/exec/{{e}}/start", Body: `{"Detach": true}`}, v, "1.41")
	require.NoError(t, err)
	assert.False(t, r.hijack, "a detached exec start is a plain request")
	assert.Equal(t, [][2]string{{"Content-Type", "application/json"}}, r.header)

	r, err = prepare(Step{Method: "POST", Path: "/containers/create", Body: `{"Labels":{{labels}},"X":"{{missing}}"}`}, v, "1.41")
	require.NoError(t, err)
	assert.Equal(t, `{"Labels":{"k":"v"},"X":"unset-missing"}`, string(r.body))
	assert.True(t, v.lacks(Step{Path: "/x/{{missing}}"}))
	assert.False(t, v.lacks(Step{Path: "/x/{{c}}"}))
}

func TestTarBody(t *testing.T) {
	files := []TarEntry{
		{Type: 'f', Name: "Dockerfile", Content: "FROM {{image}}\n", Mode: 0o644},
		{Type: 't', Name: "a.tar", Mode: 0o644, Members: []TarEntry{{Type: 'f', Name: "in.txt", Content: "inner", Mode: 0o600}}},
	}
	v := vars{"image": "busybox:dockwire"}
	check := func(r io.Reader) {
		t.Helper()
		tr := tar.NewReader(r)
		h, err := tr.Next()
		require.NoError(t, err)
		assert.Equal(t, "Dockerfile", h.Name)
		b, _ := io.ReadAll(tr)
		assert.Equal(t, "FROM busybox:dockwire\n", string(b))
		h, err = tr.Next()
		require.NoError(t, err)
		assert.Equal(t, "a.tar", h.Name)
		inner := tar.NewReader(tr)
		h, err = inner.Next()
		require.NoError(t, err)
		assert.Equal(t, "in.txt", h.Name)
		assert.Equal(t, int64(0o600), h.Mode)
		_, err = tr.Next()
		assert.ErrorIs(t, err, io.EOF)
	}
	plain, err := tarBody(files, v, "")
	require.NoError(t, err)
	check(bytes.NewReader(plain))
	gz, err := tarBody(files, v, "gzip")
	require.NoError(t, err)
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	require.NoError(t, err)
	check(zr)
	if _, err := exec.LookPath("bzip2"); err == nil {
		bz, err := tarBody(files, v, "bzip2")
		require.NoError(t, err)
		check(bzip2.NewReader(bytes.NewReader(bz)))
	}
}

// TestTarEntriesNumberIDsFromTheManifest holds that a save's ids get the
// same placeholders whichever of them sorts first in the tar: the config
// and layer of one image, with their ids' order swapped, decode alike.
func TestTarEntriesNumberIDsFromTheManifest(t *testing.T) {
	save := func(config, layer string) []byte {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		members := []struct{ name, content string }{
			{config + ".json", `{"rootfs":{"diff_ids":["sha256:` + strings.Repeat("d", 64) + `"]}}`},
			{layer + "/json", `{"id":"` + layer + `"}`},
			{"manifest.json", `[{"Config":"` + config + `.json","Layers":["` + layer + `/layer.tar"]}]`},
		}
		slices.SortFunc(members, func(a, b struct{ name, content string }) int { return strings.Compare(a.name, b.name) })
		for _, m := range members {
			require.NoError(t, tw.WriteHeader(&tar.Header{Name: m.name, Mode: 0o644, Size: int64(len(m.content))}))
			_, err := tw.Write([]byte(m.content))
			require.NoError(t, err)
		}
		require.NoError(t, tw.Close())
		return buf.Bytes()
	}
	low, high := "1a"+strings.Repeat("0", 62), "fa"+strings.Repeat("0", 62)
	a, err := tarEntries(save(low, high), newNormaliser(nil, ""))
	require.NoError(t, err)
	b, err := tarEntries(save(high, low), newNormaliser(nil, ""))
	require.NoError(t, err)
	assert.Equal(t, a, b)
	assert.Equal(t, "<id1>.json", a[0].(map[string]any)["name"], "the manifest's config is numbered first")
}

func TestPruneKind(t *testing.T) {
	assert.Equal(t, "images", pruneKind(`/v1.41/images/prune?filters={"label":["x"]}`))
	assert.Equal(t, "build", pruneKind("/v1.41/build/prune"))
	assert.Equal(t, "", pruneKind("/v1.41/images/json"))
	assert.Equal(t, "", pruneKind("/v1.41/containers/prune-me/json"))
}
