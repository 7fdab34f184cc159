package endpoints_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/internal/leakcheck"
)

// Cancelling Start's ctx ends the session: wire.Client.Upgrade hands the
// connection over unwatched, and Start binds it to ctx itself.
func TestSessionCancelEnds(t *testing.T) {
	leakcheck.Check(t)
	f, w := newFake(t, "1.41")
	release := make(chan struct{})
	defer close(release)
	f.on("POST /session", hijack("", func(c net.Conn, br *bufio.Reader) { <-release }))
	ctx, cancel := context.WithCancel(t.Context())
	up, err := endpoints.NewSession(w).Start(ctx, endpoints.SessionStartOptions{ID: "sess-1"})
	require.NoError(t, err)
	defer up.Conn.Close()
	time.AfterFunc(20*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() { _, err := io.ReadAll(up.Reader); done <- err }()
	select {
	case err := <-done:
		assert.Error(t, err)
	case <-time.After(5 * time.Second):
		require.FailNow(t, "cancelling ctx did not end the session")
	}
}
