package fuzz

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
		if !errors.Is(err, wire.ErrInvalidArgument) || buf.Len() != 0 {
			t.Errorf("header value %q: err %v, wrote %q", v, err, buf.Bytes())
		}
	}
	req := &wire.Request{Method: "GET", Path: "/_ping", Header: wire.Header{"X-Ok": {"a\tb é"}}}
	var buf bytes.Buffer
	if err := wire.WriteRequest(bufio.NewWriter(&buf), "h", req, wire.Version{}); err != nil {
		t.Errorf("HTAB, space and UTF-8 refused: %v", err)
	}
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
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "dst")
	if err := tarstream.Extract(bytes.NewReader(data), dst, tarstream.ExtractOptions{}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dst, "\x83")); err != nil || !fi.IsDir() {
		t.Fatalf("directory \\x83 not extracted: %v", err)
	}
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
		s := wire.NewStream[json.RawMessage](context.Background(), io.NopCloser(strings.NewReader(tt.rec)), "", wire.StreamOptions{})
		n := 0
		for s.Next() {
			n++
		}
		var se *wire.StreamError
		if got := errors.As(s.Err(), &se); got != tt.wantErr || (!tt.wantErr && n != 1) {
			t.Errorf("%s: %d records, err %v; want error record %v", tt.rec, n, s.Err(), tt.wantErr)
		}
		if se != nil && strings.Contains(tt.rec, "boom") && se.Message != "boom" {
			t.Errorf("%s: message %q", tt.rec, se.Message)
		}
	}
}
