package mockdaemon_test

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// The tar streams (archive, export, save, load) hold a file's data once:
// the copy in the container's filesystem or the image's layer. What they
// need beyond it while streaming does not grow with the file.

const mib = 1 << 20

// streamSlack is what a stream may hold beyond the data it moves.
const streamSlack = 16 * mib

// TestTarStreamsHoldNoCopy sends a 64 MiB file into a container with
// PUT archive and back out with GET archive and export, commits it and
// saves and loads the image, with the heap sampled throughout: no step
// holds a copy of the file beyond the one that stays.
func TestTarStreamsHoldNoCopy(t *testing.T) {
	const size = 64 * mib
	m := streamRoundTrip(t, t.Context(), size)
	assert.Less(t, m.put, uint64(size+streamSlack), "PUT archive holds the file once")
	assert.Less(t, m.get, uint64(streamSlack), "GET archive streams")
	assert.Less(t, m.export, uint64(streamSlack), "export streams")
	assert.Less(t, m.save, uint64(streamSlack), "save streams")
	// load keeps the layer, whose files the image's filesystem shares
	assert.Less(t, m.load, uint64(size+streamSlack), "load holds the file once")
}

// BenchmarkTarStreams reports the heap each tar stream needs beyond what
// it keeps (peak minus the live heap before it), per file size:
//
//	go test -run '^$' -bench TarStreams -benchtime 1x ./mockdaemon/
func BenchmarkTarStreams(b *testing.B) {
	for _, size := range []int64{64 * mib, 200 * mib} {
		b.Run(fmt.Sprintf("%dMiB", size/mib), func(b *testing.B) {
			var m streamPeaks
			for b.Loop() {
				m = streamRoundTrip(b, b.Context(), size)
			}
			b.ReportMetric(float64(m.put)/mib, "put-MiB")
			b.ReportMetric(float64(m.get)/mib, "get-MiB")
			b.ReportMetric(float64(m.export)/mib, "export-MiB")
			b.ReportMetric(float64(m.save)/mib, "save-MiB")
			b.ReportMetric(float64(m.load)/mib, "load-MiB")
		})
	}
}

// streamPeaks is the heap each step took beyond the live heap before it.
type streamPeaks struct{ put, get, export, save, load uint64 }

func streamRoundTrip(tb testing.TB, ctx context.Context, size int64) streamPeaks {
	tb.Helper()
	// Garbage is collected soon after it is made, so that the peak is
	// what a step holds rather than when the collector ran.
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	_, host := mockdaemon.StartUnix(tb, mockdaemon.Config{})
	hc := unixHTTP(tb, strings.TrimPrefix(host, "unix://"))
	call := func(method, path string, body io.Reader) *http.Response {
		tb.Helper()
		req, err := http.NewRequestWithContext(ctx, method, "http://docker/v1.41"+path, body)
		require.NoError(tb, err)
		if body != nil && method == "POST" && !strings.Contains(path, "load") {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := hc.Do(req)
		require.NoError(tb, err)
		tb.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	answer := func(resp *http.Response, want int) []byte {
		tb.Helper()
		b, err := io.ReadAll(resp.Body)
		require.NoError(tb, err)
		require.Equal(tb, want, resp.StatusCode, "%s", b)
		return b
	}

	var created struct{ Id string }
	require.NoError(tb, json.Unmarshal(answer(call("POST", "/containers/create", strings.NewReader(`{"Image":"busybox"}`)), 201), &created))
	id := created.Id

	// a missing path is answered before any stream, like dockerd's 404
	missing := call("GET", "/containers/"+id+"/archive?path=/nope", nil)
	assert.Contains(tb, string(answer(missing, 404)), "Could not find the file /nope in container")

	var m streamPeaks
	want := patternSum(size)
	m.put = measure(func() {
		answer(call("PUT", "/containers/"+id+"/archive?path=/", tarOfPattern(tb, "big", size)), 200)
	})
	m.get = measure(func() {
		resp := call("GET", "/containers/"+id+"/archive?path=/big", nil)
		require.Equal(tb, 200, resp.StatusCode)
		assert.Equal(tb, want, sumOfTarFile(tb, resp.Body, "big"), "GET archive gives the file back")
	})
	m.export = measure(func() {
		resp := call("GET", "/containers/"+id+"/export", nil)
		require.Equal(tb, 200, resp.StatusCode)
		assert.Equal(tb, want, sumOfTarFile(tb, resp.Body, "big"), "export holds the file")
	})
	answer(call("POST", "/commit?container="+id+"&repo=big&tag=1", strings.NewReader(`{}`)), 201)
	answer(call("DELETE", "/containers/"+id, nil), 204)
	// the saved tar waits on disk for load, out of the heap measured
	saved, err := os.Create(filepath.Join(tb.TempDir(), "saved.tar"))
	require.NoError(tb, err)
	defer saved.Close()
	m.save = measure(func() {
		resp := call("GET", "/images/big:1/get", nil)
		require.Equal(tb, 200, resp.StatusCode)
		_, err := io.Copy(saved, resp.Body)
		require.NoError(tb, err)
	})
	answer(call("DELETE", "/images/big:1", nil), 200)
	_, err = saved.Seek(0, io.SeekStart)
	require.NoError(tb, err)
	m.load = measure(func() {
		assert.Contains(tb, string(answer(call("POST", "/images/load?quiet=1", saved), 200)), "Loaded image: big:1")
	})
	resp := call("GET", "/images/big:1/get", nil)
	require.Equal(tb, 200, resp.StatusCode)
	assert.Equal(tb, want, sumOfLayerFile(tb, resp.Body, "big"), "the loaded image holds the file")
	return m
}

// measure runs f with the heap sampled and returns the peak of the heap
// beyond the live heap before f.
func measure(f func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	base := read()
	stop, peak := make(chan struct{}), make(chan uint64)
	go func() {
		top := read()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				top = max(top, read())
			case <-stop:
				peak <- max(top, read())
				return
			}
		}
	}()
	f()
	close(stop)
	p := <-peak
	if p < base {
		return 0
	}
	return p - base
}

func unixHTTP(tb testing.TB, sock string) *http.Client {
	tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var dl net.Dialer
		return dl.DialContext(ctx, "unix", sock)
	}}
	tb.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// pattern is an endless deterministic byte stream.
type pattern struct{ off uint64 }

func (p *pattern) Read(b []byte) (int, error) {
	for i := range b {
		x := p.off * 0x9E3779B97F4A7C15
		b[i] = byte(x >> 56)
		p.off++
	}
	return len(b), nil
}

func patternSum(size int64) [32]byte {
	h := sha256.New()
	_, _ = io.CopyN(h, &pattern{}, size)
	var s [32]byte
	h.Sum(s[:0])
	return s
}

// tarOfPattern is a tar stream of one file of size pattern bytes, made
// as it is read.
func tarOfPattern(tb testing.TB, name string, size int64) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		tw := tar.NewWriter(pw)
		err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Size: size, Mode: 0o644})
		if err == nil {
			_, err = io.CopyN(tw, &pattern{}, size)
		}
		if err == nil {
			err = tw.Close()
		}
		pw.CloseWithError(err)
	}()
	return pr
}

// sumOfTarFile reads a tar stream to its end and returns the sha256 of
// the file named name (with or without a leading directory).
func sumOfTarFile(tb testing.TB, r io.Reader, name string) [32]byte {
	tb.Helper()
	tr := tar.NewReader(r)
	var s [32]byte
	found := false
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(tb, err)
		if strings.TrimPrefix(hdr.Name, "./") == name || strings.HasSuffix(hdr.Name, "/"+name) {
			h := sha256.New()
			_, err := io.Copy(h, tr)
			require.NoError(tb, err)
			h.Sum(s[:0])
			found = true
		}
	}
	require.True(tb, found, "%s in the tar", name)
	return s
}

// sumOfLayerFile reads a docker save tar to its end and returns the
// sha256 of the file named name in its layers.
func sumOfLayerFile(tb testing.TB, r io.Reader, name string) [32]byte {
	tb.Helper()
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		require.NoError(tb, err, "no layer holds %s", name)
		if hdr.Typeflag != tar.TypeReg || !strings.HasPrefix(hdr.Name, "blobs/") && !strings.HasSuffix(hdr.Name, "/layer.tar") || hdr.Size < 1024 {
			continue
		}
		// a layer: read it through, looking for the file
		var s [32]byte
		ltr := tar.NewReader(tr)
		for {
			lh, err := ltr.Next()
			if err != nil {
				break
			}
			if strings.TrimPrefix(lh.Name, "./") == name {
				h := sha256.New()
				_, err := io.Copy(h, ltr)
				require.NoError(tb, err)
				return [32]byte(h.Sum(s[:0]))
			}
		}
	}
}

// TestArchiveErrorsBeforeTheStream: what an archive request lacks is
// answered with dockerd's status and words before any tar byte.
func TestArchiveErrorsBeforeTheStream(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("", map[string]any{"Image": "busybox", "Cmd": []string{"true"}})
	for _, tc := range []struct {
		method, path string
		status       int
		message      string
	}{
		{"GET", "/containers/" + id + "/archive?path=", 400, "bad parameter: pathcannot be empty"},
		{"HEAD", "/containers/" + id + "/archive", 400, ""},
		{"GET", "/containers/" + id + "/archive?path=/nope", 404, "Could not find the file /nope in container "},
		{"GET", "/containers/nosuch/archive?path=/", 404, "No such container: nosuch"},
		{"GET", "/containers/nosuch/export", 404, "No such container: nosuch"},
	} {
		r := c.do(tc.method, "/v1.41"+tc.path, nil)
		assert.Equal(t, tc.status, r.status, "%s %s", tc.method, tc.path)
		assert.Contains(t, r.message(), tc.message, "%s %s", tc.method, tc.path)
		assert.NotEqual(t, "application/x-tar", r.header.Get("Content-Type"), "%s %s", tc.method, tc.path)
	}
}
