package mockdaemon_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestHandlersEndWithRequest: routes that wait (wait, attach, logs and
// events following, stats streaming, stop/restart with a negative timeout
// on a process ignoring SIGTERM) return soon after the request's context
// ends: a handler never outlives its request.
func TestHandlersEndWithRequest(t *testing.T) {
	for _, s := range []struct{ method, path, query, body string }{
		{"POST", "/containers/fz/wait", "", ""},
		{"POST", "/containers/fz/wait", "condition=removed", ""},
		{"POST", "/containers/fzstopped/wait", "condition=next-exit", ""},
		{"POST", "/containers/fz/attach", "stream=1&stdout=1&stdin=1", ""},
		{"GET", "/containers/fz/logs", "follow=1&stdout=1", ""},
		{"GET", "/containers/fz/stats", "", ""},
		{"GET", "/containers/fz/stats", "stream=0", ""},
		{"GET", "/events", "", ""},
		{"GET", "/events", "since=0", ""},
		{"POST", "/containers/fz/stop", "t=-1", ""},
		{"POST", "/containers/fz/restart", "t=-1", ""},
		{"POST", "/containers/fz/stop", "signal=SIGWINCH&t=-1", ""},
		{"POST", "/containers/fz/kill", "signal=SIGSTOP", ""},
		{"POST", "/containers/fz/pause", "", ""},
		{"POST", "/containers/fz/exec", "", `{"Cmd":["sleep","100"]}`},
		{"GET", "/containers/fz/attach/ws", "stream=1&stdout=1", ""},
		{"POST", "/session", "", ""},
		{"POST", "/build", "t=x", ""},
		{"POST", "/containers/fz/archive", "path=/", ""},
		{"PUT", "/containers/fz/archive", "path=/", ""},
		{"GET", "/containers/fz/export", "", ""},
		{"POST", "/images/load", "", ""},
		{"DELETE", "/containers/fz", "", ""},
		{"POST", "/containers/prune", "", ""},
		{"POST", "/swarm/init", "", `{}`},
		{"GET", "/services/x/logs", "follow=1&stdout=1", ""},
	} {
		d := mockdaemon.New(mockdaemon.Config{})
		for _, s := range fuzzSetup {
			req, _ := http.NewRequest(s.method, "http://docker"+s.path, strings.NewReader(s.body))
			req.Header.Set("Content-Type", "application/json")
			d.ServeHTTP(httptest.NewRecorder(), req)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 150*time.Millisecond)
		u := &url.URL{Scheme: "http", Host: "docker", Path: s.path, RawQuery: s.query}
		req, _ := http.NewRequestWithContext(ctx, s.method, u.String(), bytes.NewReader([]byte(s.body)))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		done := make(chan struct{})
		start := time.Now()
		go func() { defer close(done); d.ServeHTTP(rec, req) }()
		select {
		case <-done:
		case <-time.After(1500 * time.Millisecond):
		}
		assert.LessOrEqual(t, time.Since(start), time.Second, "%s %s?%s: still running long after its 150 ms request context ended", s.method, s.path, s.query)
		cancel()
		d.Close()
		<-done
	}
}
