package fuzz

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/tarstream"
	"github.com/dockwire/dockwire/wire"
)

// Regression tests for crashers the fuzz targets found; each names its
// corpus file under testdata/fuzz.

// TestWireRequestControlByteInHeader: FuzzWireRequest/611bf68c6f943f41.
// WriteRequest wrote "X-Fuzz: \x10", which dockerd's HTTP server refuses as
// a malformed MIME header line; control bytes other than HTAB are now
// refused before anything is written.
func TestWireRequestControlByteInHeader(t *testing.T) {
	for _, v := range []string{"\x10", "a\x01b", "\x7f", "x\x1b[31m"} {
		req := &wire.Request{Method: "GET", Path: "/_ping", Header: wire.Header{}}
		req.Header.Set("X-Fuzz", v)
		var buf bytes.Buffer
		err := wire.WriteRequest(bufio.NewWriter(&buf), "h", req, wire.Version{})
		assert.ErrorIs(t, err, wire.ErrInvalidArgument, "header value %q", v)
		assert.Empty(t, buf.String(), "written for header value %q", v)
	}
	req := &wire.Request{Method: "GET", Path: "/_ping", Header: wire.Header{"X-Ok": {"a\tb é"}}}
	var buf bytes.Buffer
	assert.NoError(t, wire.WriteRequest(bufio.NewWriter(&buf), "h", req, wire.Version{}), "HTAB, space and UTF-8 refused")
}

// TestTarRoundTripNonUTF8Dir: FuzzTarRoundTrip/a7829b828a5f9947 (found when
// the target lived in tarstream). A directory named "\x83" (not UTF-8) was
// lost by Dir's walk; it must come back from Dir + Extract.
func TestTarRoundTripNonUTF8Dir(t *testing.T) {
	src := t.TempDir()
	if err := os.Mkdir(filepath.Join(src, "\x83"), 0o755); err != nil {
		t.Skipf("file system refuses a non-UTF-8 name: %v", err)
	}
	rc, err := tarstream.Dir(src, tarstream.DirOptions{Deterministic: true})
	require.NoError(t, err)
	data, err := io.ReadAll(rc)
	rc.Close()
	require.NoError(t, err)
	dst := filepath.Join(t.TempDir(), "dst")
	require.NoError(t, tarstream.Extract(bytes.NewReader(data), dst, tarstream.ExtractOptions{}))
	fi, err := os.Stat(filepath.Join(dst, "\x83"))
	require.NoError(t, err, "directory \\x83 not extracted")
	assert.True(t, fi.IsDir(), "\\x83 extracted as %v, not a directory", fi.Mode())
}

// TestWireStreamMistypedErrorDetail: FuzzWireStream/0d80b405e56d975c.
// {"errorDetAil":0} (a key encoding/json matches to errorDetail, with a
// number) stopped the stream with an empty *wire.StreamError: Unmarshal had
// allocated ErrorDetail before failing. It is a plain record now, while
// {"errorDetail":{}} stays an (empty) error record, as in moby's jsonmessage.
func TestWireStreamMistypedErrorDetail(t *testing.T) {
	for _, tt := range []struct {
		rec     string
		wantErr bool
	}{
		{`{"errorDetAil":0 }`, false},
		{`{"errorDetail":{"code":"x"}}`, false},
		{`{"errorDetail":{}}`, true},
		{`{"error":"boom","errorDetail":5}`, true},
	} {
		s := wire.NewStream[json.RawMessage](t.Context(), io.NopCloser(strings.NewReader(tt.rec)), "", wire.StreamOptions{})
		n := 0
		for s.Next() {
			n++
		}
		var se *wire.StreamError
		if tt.wantErr {
			assert.ErrorAs(t, s.Err(), &se, "%s: an error record", tt.rec)
		} else {
			assert.NotErrorAs(t, s.Err(), &se, "%s: a plain record", tt.rec)
			assert.Equal(t, 1, n, "%s: records", tt.rec)
		}
		if se != nil && strings.Contains(tt.rec, "boom") {
			assert.Equal(t, "boom", se.Message, tt.rec)
		}
	}
}
