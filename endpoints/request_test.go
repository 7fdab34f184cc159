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
// 14: it was an error matching wire.ErrNotModified); the results say so.
func TestNotModifiedIsSuccess(t *testing.T) {
	notModified := func(w http.ResponseWriter, r *http.Request, _ []byte) { w.WriteHeader(304) }
	noContent := func(w http.ResponseWriter, r *http.Request, _ []byte) { w.WriteHeader(204) }
	for _, answer := range []struct {
		name    string
		handler func(http.ResponseWriter, *http.Request, []byte)
		notMod  bool
	}{{"304", notModified, true}, {"204", noContent, false}} {
		t.Run(answer.name, func(t *testing.T) {
			f, c := newFakeClient(t, "")
			f.on("POST /containers/x/start", answer.handler)
			f.on("POST /containers/x/stop", answer.handler)
			f.on("POST /containers/x/restart", answer.handler)
			start, err := c.Containers.Start(t.Context(), "x", endpoints.ContainerStartOptions{})
			require.NoError(t, err)
			assert.Equal(t, answer.notMod, start.NotModified)
			stop, err := c.Containers.Stop(t.Context(), "x", endpoints.ContainerStopOptions{})
			require.NoError(t, err)
			assert.Equal(t, answer.notMod, stop.NotModified)
			_, err = c.Containers.Restart(t.Context(), "x", endpoints.ContainerRestartOptions{})
			require.NoError(t, err)
			assert.Len(t, f.requests(), 3)
		})
	}
}
