package endpoints_test

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// TestImportURL: docker import URL, fromSrc=URL and no body.
func TestImportURL(t *testing.T) {
	f, w := newFake(t, "1.41")
	f.on("POST /images/create", onStream(`{"status":"Downloading","progressDetail":{"current":10,"total":10}}`, `{"status":"sha256:feed"}`))
	res, err := endpoints.NewImages(w).Import(t.Context(), nil, endpoints.ImageImportOptions{URL: "http://127.0.0.1:8080/rootfs.tar", Reference: "imp:v"})
	require.NoError(t, err)
	assert.Equal(t, "sha256:feed", res.ID)
	r := f.requests()[0]
	assert.Equal(t, url.Values{"fromSrc": {"http://127.0.0.1:8080/rootfs.tar"}, "repo": {"imp"}, "tag": {"v"}}, url.Values(r.Query))
	assert.Empty(t, r.Body)
}

func TestImportBadInput(t *testing.T) {
	f, w := newFake(t, "1.41")
	s := endpoints.NewImages(w)
	for name, call := range map[string]func() error{
		"url-and-archive": func() error {
			_, err := s.Import(t.Context(), strings.NewReader("x"), endpoints.ImageImportOptions{URL: "http://h/x.tar"})
			return err
		},
		"url-not-http": func() error {
			_, err := s.Import(t.Context(), nil, endpoints.ImageImportOptions{URL: "file:///etc/passwd"})
			return err
		},
		"url-no-host": func() error {
			_, err := s.Import(t.Context(), nil, endpoints.ImageImportOptions{URL: "http:///x.tar"})
			return err
		},
		"neither": func() error {
			_, err := s.Import(t.Context(), nil, endpoints.ImageImportOptions{})
			return err
		},
	} {
		err := call()
		var ae *endpoints.ArgError
		assert.ErrorAs(t, err, &ae, name)
		assert.ErrorIs(t, err, wire.ErrInvalidArgument, name)
	}
	assert.Empty(t, f.requests())
}

// TestBuildKitRefused: a build asking for BuildKit (version 2, outputs)
// is refused before any I/O with ErrBuildKit, never run by the classic
// builder; version 1 is sent.
func TestBuildKitRefused(t *testing.T) {
	f, w := newFake(t, "1.41")
	s := endpoints.NewImages(w)
	for name, opts := range map[string]endpoints.ImageBuildOptions{
		"version-2": {Version: "2"},
		"outputs":   {Outputs: []endpoints.BuildOutput{{Type: "moby", Attrs: map[string]string{"type": "image"}}}},
	} {
		_, err := s.Build(t.Context(), strings.NewReader("tar"), opts)
		assert.ErrorIs(t, err, endpoints.ErrBuildKit, name)
		var ae *endpoints.ArgError
		assert.ErrorAs(t, err, &ae, name)
	}
	_, err := s.Build(t.Context(), strings.NewReader("tar"), endpoints.ImageBuildOptions{Version: "3"})
	assert.ErrorIs(t, err, wire.ErrInvalidArgument)
	assert.NotErrorIs(t, err, endpoints.ErrBuildKit)
	assert.Empty(t, f.requests(), "a request was sent")

	f.on("POST /build", onStream(`{"aux":{"ID":"sha256:b1"}}`))
	res, err := s.Build(t.Context(), strings.NewReader("tar"), endpoints.ImageBuildOptions{Version: "1"})
	require.NoError(t, err)
	assert.Equal(t, "sha256:b1", res.ID)
	assert.Equal(t, []string{"1"}, f.requests()[0].Query["version"])
}

// TestGetFile: docker save -o: the archive lands whole at path; a failed
// save leaves path as it was and no temporary file behind.
func TestGetFile(t *testing.T) {
	f, w := newFake(t, "1.41")
	archive := strings.Repeat("layer", 1000)
	f.on("GET /images/busybox:latest/get", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Header().Set("Content-Type", "application/x-tar")
		w.Write([]byte(archive))
	})
	dir := t.TempDir()
	path := filepath.Join(dir, "busybox.tar")
	res, err := endpoints.NewImages(w).GetFile(t.Context(), "busybox:latest", path, endpoints.ImageGetOptions{})
	require.NoError(t, err)
	assert.EqualValues(t, len(archive), res.Size)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, archive, string(data))

	// A body cut short: an error, path untouched.
	f.on("GET /images/busybox:latest/get", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Header().Set("Content-Length", "100000")
		w.Write([]byte("partial"))
	})
	_, err = endpoints.NewImages(w).GetFile(t.Context(), "busybox:latest", path, endpoints.ImageGetOptions{})
	require.Error(t, err)
	data, err = os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, archive, string(data), "the earlier archive was replaced by a partial one")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "a temporary file was left behind")

	_, err = endpoints.NewImages(w).GetFile(t.Context(), "busybox:latest", "", endpoints.ImageGetOptions{})
	assert.ErrorIs(t, err, wire.ErrInvalidArgument)
}
