package endpoints_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/endpoints"
)

// TestContainerNameLeadingSlash: a container name with the leading "/" the
// API itself reports (Names[0], ContainerInspectResult.Name) addresses the
// container, as in the docker CLI (issue 14): dockerd redirects
// /containers//web/... and /containers/%2Fweb/..., so the "/" is dropped.
// Other slashes stay, escaped: "/web/alias" is a link, removed with link=1.
func TestContainerNameLeadingSlash(t *testing.T) {
	cases := []struct {
		name string
		call func(ctx context.Context, c *endpoints.ContainerService, e *endpoints.ExecService) error
		uri  string
	}{
		{"inspect", func(ctx context.Context, c *endpoints.ContainerService, e *endpoints.ExecService) error {
			_, err := c.Inspect(ctx, "/web", endpoints.ContainerInspectOptions{})
			return err
		}, "/v1.41/containers/web/json"},
		{"stop", func(ctx context.Context, c *endpoints.ContainerService, e *endpoints.ExecService) error {
			_, err := c.Stop(ctx, "/web", endpoints.ContainerStopOptions{})
			return err
		}, "/v1.41/containers/web/stop"},
		{"start", func(ctx context.Context, c *endpoints.ContainerService, e *endpoints.ExecService) error {
			_, err := c.Start(ctx, "/web", endpoints.ContainerStartOptions{})
			return err
		}, "/v1.41/containers/web/start"},
		{"remove-link", func(ctx context.Context, c *endpoints.ContainerService, e *endpoints.ExecService) error {
			_, err := c.Delete(ctx, "/web/db", endpoints.ContainerDeleteOptions{RemoveLinks: true})
			return err
		}, "/v1.41/containers/web%2Fdb?link=1"},
		{"exec-create", func(ctx context.Context, c *endpoints.ContainerService, e *endpoints.ExecService) error {
			_, err := e.Create(ctx, "/web", endpoints.ExecCreateOptions{Cmd: []string{"true"}})
			return err
		}, "/v1.41/containers/web/exec"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, w := newFake(t, "")
			require.NoError(t, tc.call(t.Context(), endpoints.NewContainers(w), endpoints.NewExec(w)))
			reqs := f.requests()
			require.Len(t, reqs, 1)
			assert.Equal(t, tc.uri, reqs[0].URI)
		})
	}
	t.Run("slash-alone", func(t *testing.T) {
		f, w := newFake(t, "")
		_, err := endpoints.NewContainers(w).Inspect(t.Context(), "/", endpoints.ContainerInspectOptions{})
		var ae *endpoints.ArgError
		require.ErrorAs(t, err, &ae)
		assert.Empty(t, f.requests())
	})
}
