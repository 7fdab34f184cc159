package mockdaemon_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestLoad sends 10,000 mixed requests (create, start, inspect, logs, list)
// from 200 goroutines over a unix socket: no failed request, no lost
// container, and the goroutines settle after Close. -short sends 2,000.
func TestLoad(t *testing.T) {
	const workers = 200
	total := 10000
	if testing.Short() {
		total = 2000
	}
	perWorker := total / workers
	before := runtime.NumGoroutine()

	d := mockdaemon.New(mockdaemon.Config{})
	l, err := net.Listen("unix", t.TempDir()+"/load.sock")
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- d.Serve(l) }()
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var dl net.Dialer
			return dl.DialContext(ctx, "unix", l.Addr().String())
		},
		MaxIdleConnsPerHost: workers,
	}
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}

	var reqs, failures atomic.Int64
	var mu sync.Mutex
	created := map[string]bool{}
	var firstErr atomic.Value
	fail := func(format string, a ...any) {
		failures.Add(1)
		firstErr.CompareAndSwap(nil, fmt.Sprintf(format, a...))
	}
	do := func(method, path string, body any, want int) []byte {
		reqs.Add(1)
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, "http://docker"+path, rd)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := hc.Do(req)
		if err != nil {
			fail("%s %s: %v", method, path, err)
			return nil
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != want {
			fail("%s %s: %d %v %s, want %d", method, path, resp.StatusCode, err, b, want)
		}
		return b
	}

	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var last string
			for i := range perWorker {
				switch i % 5 {
				case 0: // create
					b := do("POST", fmt.Sprintf("/v1.56/containers/create?name=load-%d-%d", w, i), map[string]any{
						"Image": "busybox", "Cmd": []string{"sh", "-c", "echo load " + fmt.Sprint(w)},
						"Labels": map[string]string{"load": "1"},
					}, 201)
					var cr struct{ Id string }
					if json.Unmarshal(b, &cr) == nil && cr.Id != "" {
						last = cr.Id
						mu.Lock()
						created[cr.Id] = true
						mu.Unlock()
					}
				case 1: // start
					if last != "" {
						do("POST", "/v1.56/containers/"+last+"/start", nil, 204)
					}
				case 2: // inspect
					if last != "" {
						do("GET", "/v1.56/containers/"+last+"/json", nil, 200)
					}
				case 3: // logs
					if last != "" {
						do("GET", "/v1.56/containers/"+last+"/logs?stdout=1&stderr=1", nil, 200)
					}
				case 4: // list
					do("GET", "/v1.56/containers/json?all=1&limit=5", nil, 200)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	t.Logf("%d requests from %d goroutines in %v: %.0f requests/s", reqs.Load(), workers, elapsed.Round(time.Millisecond), float64(reqs.Load())/elapsed.Seconds())
	assert.Zero(t, failures.Load(), "failed requests; first: %v", firstErr.Load())

	// No lost container: every created one is listed, with its label.
	var list []struct {
		Id     string
		Labels map[string]string
	}
	require.NoError(t, json.Unmarshal(do("GET", "/v1.56/containers/json?all=1", nil, 200), &list))
	listed := map[string]bool{}
	for _, c := range list {
		if c.Labels["load"] == "1" {
			listed[c.Id] = true
		}
	}
	assert.Len(t, created, total/5, "created containers")
	assert.Len(t, listed, len(created), "listed containers")
	for id := range created {
		if !assert.True(t, listed[id], "container %s lost", id) {
			break
		}
	}

	assert.NoError(t, d.Close())
	if err := <-served; err != nil {
		assert.ErrorContains(t, err, "closed", "Serve")
	}
	tr.CloseIdleConnections()
	settle(t, before)
}
