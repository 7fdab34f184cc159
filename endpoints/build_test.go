package endpoints_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

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
