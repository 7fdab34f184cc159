package mockdaemon_test

import (
	"archive/tar"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// An import (POST /images/create?fromSrc=-) and a commit keep the layer
// they make once: what they need beyond it while reading the body or
// writing the layer does not grow with the layer (a body of unknown
// length, sent chunked, is read in pieces and copied once into the
// layer).

// TestImportAndCommitHoldOneCopy imports a 64 MiB layer, with and without
// a Content-Length, and commits a container holding a 64 MiB file, with
// the heap sampled: each keeps the layer once and the image's files share
// it.
func TestImportAndCommitHoldOneCopy(t *testing.T) {
	const size = 64 * mib
	m := importCommitRoundTrip(t, t.Context(), size)
	assert.Less(t, m.importSized, uint64(size+streamSlack), "an import of known length holds the layer once")
	assert.Less(t, m.importChunked, uint64(size+size/2+streamSlack), "a chunked import is sized by its tar headers")
	assert.Less(t, m.commit, uint64(size+streamSlack), "a commit holds the layer once")
	small := tarSizeSmall(size)
	assert.Less(t, m.importSmall, uint64(small+small/8+streamSlack), "a chunked import of small files holds the layer once")
}

// BenchmarkImportCommit reports the heap an import and a commit need
// beyond the live heap before them (which the layer they keep is part
// of), per layer size:
//
//	go test -run '^$' -bench ImportCommit -benchtime 1x ./mockdaemon/
func BenchmarkImportCommit(b *testing.B) {
	for _, size := range []int64{64 * mib, 200 * mib} {
		b.Run(fmt.Sprintf("%dMiB", size/mib), func(b *testing.B) {
			var m importCommitPeaks
			for b.Loop() {
				m = importCommitRoundTrip(b, b.Context(), size)
			}
			b.ReportMetric(float64(m.importSized)/mib, "import-sized-MiB")
			b.ReportMetric(float64(m.importChunked)/mib, "import-chunked-MiB")
			b.ReportMetric(float64(m.commit)/mib, "commit-MiB")
			b.ReportMetric(float64(m.importSmall)/mib, "import-small-files-MiB")
		})
	}
}

type importCommitPeaks struct{ importSized, importChunked, importSmall, commit uint64 }

// smallFile is the size of each file of tarOfSmallFiles.
const smallFile = 16 << 10

// tarSizeSmall is the length of tarOfSmallFiles's stream for size bytes.
func tarSizeSmall(size int64) int64 { return size/smallFile*(512+smallFile) + 1024 }

// tarOfSmallFiles is a tar stream of size bytes in files of 16 KiB, made
// as it is read.
func tarOfSmallFiles(tb testing.TB, size int64) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		tw := tar.NewWriter(pw)
		p := &pattern{}
		var err error
		for i := int64(0); i < size/smallFile && err == nil; i++ {
			err = tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: fmt.Sprintf("d%d/f%d", i/256, i), Size: smallFile, Mode: 0o644})
			if err == nil {
				_, err = io.CopyN(tw, p, smallFile)
			}
		}
		if err == nil {
			err = tw.Close()
		}
		pw.CloseWithError(err)
	}()
	return pr
}

// tarSize is the length of tarOfPattern's stream for a file of size
// bytes: its header, the data padded to a block, the two closing blocks.
func tarSize(size int64) int64 { return 512 + (size+511)/512*512 + 1024 }

func importCommitRoundTrip(tb testing.TB, ctx context.Context, size int64) importCommitPeaks {
	tb.Helper()
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	_, host := mockdaemon.StartUnix(tb, mockdaemon.Config{})
	hc := unixHTTP(tb, strings.TrimPrefix(host, "unix://"))
	call := func(method, path string, body io.Reader, length int64) []byte {
		tb.Helper()
		req, err := http.NewRequestWithContext(ctx, method, "http://docker/v1.41"+path, body)
		require.NoError(tb, err)
		req.ContentLength = length // -1: chunked
		if strings.HasPrefix(path, "/containers/create") || strings.HasPrefix(path, "/commit") {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := hc.Do(req)
		require.NoError(tb, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(tb, err)
		require.Less(tb, resp.StatusCode, 300, "%s %s: %s", method, path, b)
		return b
	}
	want := patternSum(size)
	var m importCommitPeaks
	m.importSized = measure(func() {
		assert.Contains(tb, string(call("POST", "/images/create?fromSrc=-&repo=imp&tag=sized", tarOfPattern(tb, "big", size), tarSize(size))), "sha256:")
	})
	m.importChunked = measure(func() {
		assert.Contains(tb, string(call("POST", "/images/create?fromSrc=-&repo=imp&tag=chunked", tarOfPattern(tb, "big2", size), -1)), "sha256:")
	})
	m.importSmall = measure(func() {
		assert.Contains(tb, string(call("POST", "/images/create?fromSrc=-&repo=imp&tag=small", tarOfSmallFiles(tb, size), -1)), "sha256:")
	})
	call("DELETE", "/images/imp:small", nil, 0)
	call("DELETE", "/images/imp:sized", nil, 0)
	call("DELETE", "/images/imp:chunked", nil, 0)

	var created struct{ Id string }
	require.NoError(tb, json.Unmarshal(call("POST", "/containers/create", strings.NewReader(`{"Image":"busybox"}`), -1), &created))
	call("PUT", "/containers/"+created.Id+"/archive?path=/", tarOfPattern(tb, "big", size), tarSize(size))
	m.commit = measure(func() {
		call("POST", "/commit?container="+created.Id+"&repo=big&tag=1", strings.NewReader(`{}`), -1)
	})
	call("DELETE", "/containers/"+created.Id, nil, 0)
	// the committed image holds the file
	req, err := http.NewRequestWithContext(ctx, "GET", "http://docker/v1.41/images/big:1/get", nil)
	require.NoError(tb, err)
	resp, err := hc.Do(req)
	require.NoError(tb, err)
	defer resp.Body.Close()
	assert.Equal(tb, want, sumOfLayerFile(tb, resp.Body, "big"), "the committed image holds the file")
	return m
}
