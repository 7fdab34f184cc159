package endpoints_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// guardedNode is a fake daemon's node n1 whose version moves on at every
// inspect (as dockerd's bookkeeping moves it) and whose update refuses
// the first refusals updates as out of sequence, then answers status.
type guardedNode struct {
	mu       sync.Mutex
	version  int
	refusals int
	status   int
	updates  []string // the version each update sent
}

func (g *guardedNode) routes(f *fake) {
	f.on("GET /nodes/n1", func(w http.ResponseWriter, r *http.Request, body []byte) {
		g.mu.Lock()
		g.version++
		v := g.version
		g.mu.Unlock()
		onJSON(200, map[string]any{"ID": "n1", "Version": map[string]any{"Index": v}, "Spec": map[string]any{"Availability": "active"}})(w, r, body)
	})
	f.on("POST /nodes/n1/update", func(w http.ResponseWriter, r *http.Request, body []byte) {
		g.mu.Lock()
		g.updates = append(g.updates, r.URL.Query().Get("version"))
		refuse := g.refusals > 0
		g.refusals--
		status := g.status
		g.mu.Unlock()
		switch {
		case refuse:
			onJSON(500, map[string]string{"message": "rpc error: code = Unknown desc = update out of sequence"})(w, r, body)
		case status != 200:
			onJSON(status, map[string]string{"message": "node n1 not found"})(w, r, body)
		default:
			w.WriteHeader(200)
		}
	})
}

// drain sets n1's availability to drain through UpdateGuarded.
func drain(ctx context.Context, nodes *endpoints.NodeService) error {
	return endpoints.UpdateGuarded(ctx,
		func(ctx context.Context) (endpoints.NodeInspectResult, error) {
			return nodes.Inspect(ctx, "n1", endpoints.NodeInspectOptions{})
		},
		func(ctx context.Context, n endpoints.NodeInspectResult) error {
			spec := n.Spec
			spec.Availability = "drain"
			_, err := nodes.Update(ctx, "n1", endpoints.NodeUpdateOptions{Version: n.Version, Spec: spec})
			return err
		})
}

func TestUpdateGuarded(t *testing.T) {
	tests := []struct {
		name     string
		refusals int
		status   int
		want     func(t *testing.T, err error)
		updates  []string
	}{
		{"accepted at once", 0, 200, func(t *testing.T, err error) { assert.NoError(t, err) }, []string{"1"}},
		{"refused twice, each retry from a fresh read", 2, 200, func(t *testing.T, err error) { assert.NoError(t, err) }, []string{"1", "2", "3"}},
		{"refused every time: the last refusal", 100, 200, func(t *testing.T, err error) {
			assert.True(t, endpoints.OutOfSequence(err), "%v is out of sequence", err)
			var werr *wire.Error
			if assert.ErrorAs(t, err, &werr) {
				assert.Equal(t, 500, werr.StatusCode)
			}
		}, []string{"1", "2", "3", "4", "5", "6", "7", "8"}},
		{"another error ends it at once", 0, 404, func(t *testing.T, err error) {
			assert.ErrorIs(t, err, wire.ErrNotFound)
			assert.False(t, endpoints.OutOfSequence(err))
		}, []string{"1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, w := newFake(t, "")
			g := &guardedNode{refusals: tt.refusals, status: tt.status}
			g.routes(f)
			tt.want(t, drain(t.Context(), endpoints.NewNodes(w)))
			assert.Equal(t, tt.updates, g.updates, "the version each update sent")
			for _, r := range f.requests() {
				if r.Method == "POST" {
					assert.Contains(t, string(r.Body), `"Availability":"drain"`)
				}
			}
		})
	}
	require.Equal(t, 8, endpoints.UpdateGuardedAttempts, "the table's last case counts 8 updates")
}

func TestUpdateGuardedReadError(t *testing.T) {
	boom := errors.New("boom")
	updates := 0
	err := endpoints.UpdateGuarded(t.Context(),
		func(context.Context) (int, error) { return 0, boom },
		func(context.Context, int) error { updates++; return nil })
	assert.ErrorIs(t, err, boom)
	assert.Zero(t, updates, "no update without a read")
}

// A cancel during the wait between attempts ends UpdateGuarded at once
// with the cancellation, not the refusal.
func TestUpdateGuardedCancel(t *testing.T) {
	f, w := newFake(t, "")
	g := &guardedNode{refusals: 100, status: 200}
	g.routes(f)
	ctx, cancel := context.WithCancel(t.Context())
	nodes := endpoints.NewNodes(w)
	done := make(chan error, 1)
	go func() { done <- drain(ctx, nodes) }()
	require.Eventually(t, func() bool {
		g.mu.Lock()
		defer g.mu.Unlock()
		return len(g.updates) >= 2
	}, 5*time.Second, 5*time.Millisecond, "two refused updates")
	cancel()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.Canceled)
	case <-time.After(2 * time.Second):
		t.Fatal("UpdateGuarded still running 2s after cancel")
	}
}

func TestOutOfSequence(t *testing.T) {
	assert.False(t, endpoints.OutOfSequence(nil))
	assert.False(t, endpoints.OutOfSequence(errors.New("update out of sequence")), "only the daemon's answer counts")
	assert.True(t, endpoints.OutOfSequence(&wire.Error{StatusCode: 500, Message: "rpc error: code = Unknown desc = update out of sequence"}))
	assert.False(t, endpoints.OutOfSequence(&wire.Error{StatusCode: 500, Message: "something else"}))
}
