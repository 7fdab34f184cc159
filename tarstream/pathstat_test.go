package tarstream

import (
	"encoding/base64"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParsePathStat(t *testing.T) {
	mtime := time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC)
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name   string
		header string
		want   PathStat
		err    bool
	}{
		{"file", b64(`{"name":"hosts","size":174,"mode":420,"mtime":"2024-05-06T07:08:09.123456789Z","linkTarget":""}`),
			PathStat{Name: "hosts", Size: 174, Mode: 0o644, Mtime: mtime}, false},
		// dockerd marshals os.FileMode: ModeDir is bit 31, not S_IFDIR.
		{"dir", b64(`{"name":"etc","size":4096,"mode":2147484141,"mtime":"2024-05-06T07:08:09.123456789Z","linkTarget":""}`),
			PathStat{Name: "etc", Size: 4096, Mode: os.ModeDir | 0o755, Mtime: mtime}, false},
		{"symlink", b64(`{"name":"sh","size":7,"mode":134218239,"mtime":"2024-05-06T07:08:09.123456789Z","linkTarget":"/bin/busybox"}`),
			PathStat{Name: "sh", Size: 7, Mode: os.ModeSymlink | 0o777, Mtime: mtime, LinkTarget: "/bin/busybox"}, false},
		{"unknown fields ignored", b64(`{"name":"x","extra":[1,2]}`), PathStat{Name: "x"}, false},
		{"empty", "", PathStat{}, true},
		{"bad base64", "!!!!", PathStat{}, true},
		{"url alphabet", base64.URLEncoding.EncodeToString([]byte(`{"name":"?>?>"}`)), PathStat{}, true},
		{"unpadded", base64.RawStdEncoding.EncodeToString([]byte(`{"name":"ab"}`)), PathStat{}, true},
		{"bad json", b64(`{"name":`), PathStat{}, true},
		{"two documents", b64(`{"name":"a"}{"name":"b"}`), PathStat{}, true},
		{"wrong type", b64(`{"size":"big"}`), PathStat{}, true},
		{"array", b64(`[1]`), PathStat{}, true},
		{"too large", b64(`{"name":"` + strings.Repeat("a", 64<<10) + `"}`), PathStat{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePathStat(tt.header)
			if tt.err {
				require.ErrorIs(t, err, ErrPathStat, "ParsePathStat = %+v", got)
				assert.True(t, strings.HasPrefix(err.Error(), "tarstream: "), "ParsePathStat: %v, want a tarstream error", err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestPathStatRoundTrip(t *testing.T) {
	in := PathStat{Name: "dir é", Size: 1 << 40, Mode: os.ModeDir | os.ModeSetgid | 0o2775,
		Mtime: time.Date(2020, 1, 2, 3, 4, 5, 6, time.UTC), LinkTarget: "../x"}
	h, err := in.Encode()
	require.NoError(t, err)
	out, err := ParsePathStat(h)
	require.NoError(t, err)
	assert.Equal(t, in, out, "round trip")
	raw, err := base64.StdEncoding.DecodeString(h)
	require.NoError(t, err)
	for _, key := range []string{`"name"`, `"size"`, `"mode"`, `"mtime"`, `"linkTarget"`} {
		assert.Contains(t, string(raw), key, "encoded JSON")
	}
}
