package endpoints_test

import (
	"io"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/internal/testnet"
	"github.com/dockwire/dockwire/wire"
)

// TestSaveLoadPeakHeap pipes a 1 GiB save stream straight into a load, both
// through the client, and checks the heap stays under 64 MiB: the client
// holds a fixed buffer, never the archive.
func TestSaveLoadPeakHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 2 GiB through a socket")
	}
	const size = 1 << 30
	chunk := make([]byte, 32<<10)
	var loaded atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1.41/images/big/get", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-tar")
		for sent := 0; sent < size; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("POST /v1.41/images/load", func(w http.ResponseWriter, r *http.Request) {
		n, err := io.Copy(io.Discard, r.Body)
		loaded.Store(n)
		if err != nil {
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"stream":"Loaded image: big:latest\n"}`)
	})
	w := unixServer(t, mux)
	images := endpoints.NewImages(w)

	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()

	start := time.Now()
	ctx := t.Context()
	rc, err := images.Get(ctx, "big", endpoints.ImageGetOptions{})
	require.NoError(t, err)
	res, err := images.Load(ctx, rc, endpoints.ImageLoadOptions{Quiet: true})
	rc.Close()
	took := time.Since(start)
	close(stop)
	wg.Wait()
	require.NoError(t, err)
	require.EqualValues(t, size, loaded.Load(), "bytes loaded")
	require.Len(t, res.Images, 1, "images loaded")
	require.Regexp(t, "^big", res.Images[0])
	grew := int64(peak.Load()) - int64(base.HeapInuse)
	t.Logf("1 GiB save→load: peak heap in use %.1f MiB (%.1f MiB over the %.1f MiB before), %.0f MB/s",
		float64(peak.Load())/(1<<20), float64(grew)/(1<<20), float64(base.HeapInuse)/(1<<20), float64(size)/took.Seconds()/1e6)
	assert.LessOrEqual(t, grew, int64(64<<20), "peak heap growth in bytes (%d MiB)", grew>>20)
}

// unixServer serves h on a unix socket for the test and returns a client
// pinned to API 1.41 over it.
func unixServer(tb testing.TB, h http.Handler) *wire.Client {
	tb.Helper()
	w := wire.NewClient(testnet.UnixHTTP(tb, h), wire.Options{Version: wire.Version{Major: 1, Minor: 41}})
	tb.Cleanup(func() { w.Close() })
	return w
}
