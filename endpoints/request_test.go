package endpoints_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// TestRedirectSaysWhatHappened: a redirect that reaches the caller is
// never followed, and its error says it was a redirect (ErrRedirect),
// with the daemon's *wire.Error still reachable (issue 14: the user saw
// only "301: Moved Permanently (no error message)").
func TestRedirectSaysWhatHappened(t *testing.T) {
	for _, code := range []int{301, 302, 307, 308} {
		t.Run(http.StatusText(code), func(t *testing.T) {
			f, w := newFake(t, "")
			f.on("GET /containers/x/json", func(w http.ResponseWriter, r *http.Request, _ []byte) {
				w.Header().Set("Location", "/v1.41/containers/y/json")
				w.WriteHeader(code)
			})
			_, err := endpoints.NewContainers(w).Inspect(t.Context(), "x", endpoints.ContainerInspectOptions{})
			require.ErrorIs(t, err, endpoints.ErrRedirect)
			var werr *wire.Error
			require.ErrorAs(t, err, &werr)
			assert.Equal(t, code, werr.StatusCode)
			assert.Contains(t, err.Error(), "ContainerInspect")
			assert.Contains(t, err.Error(), "never followed")
			assert.Len(t, f.requests(), 1, "the redirect was followed")
		})
	}
}

// TestNotModifiedIsSuccess: 304 from start of a running container or stop
// of a stopped one is success, as in docker-py and moby's client (issue
// 14: it was an error matching wire.ErrNotModified).
func TestNotModifiedIsSuccess(t *testing.T) {
	notModified := func(w http.ResponseWriter, r *http.Request, _ []byte) { w.WriteHeader(304) }
	cases := []struct {
		name, route string
		call        func(c *endpoints.ContainerService) error
	}{
		{"start", "POST /containers/x/start", func(c *endpoints.ContainerService) error {
			return c.Start(t.Context(), "x", endpoints.StartOptions{})
		}},
		{"stop", "POST /containers/x/stop", func(c *endpoints.ContainerService) error {
			return c.Stop(t.Context(), "x", endpoints.StopOptions{})
		}},
		{"restart", "POST /containers/x/restart", func(c *endpoints.ContainerService) error {
			return c.Restart(t.Context(), "x", endpoints.StopOptions{})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, w := newFake(t, "")
			f.on(tc.route, notModified)
			require.NoError(t, tc.call(endpoints.NewContainers(w)))
			assert.Len(t, f.requests(), 1)
		})
	}
}
