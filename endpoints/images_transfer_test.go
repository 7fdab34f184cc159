package endpoints_test

import (
	"net/url"
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
