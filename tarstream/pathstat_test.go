package tarstream

import (
	"encoding/base64"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
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
				if !errors.Is(err, ErrPathStat) || !strings.HasPrefix(err.Error(), "tarstream: ") {
					t.Errorf("ParsePathStat = %+v, %v; want ErrPathStat", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != tt.want.Name || got.Size != tt.want.Size || got.Mode != tt.want.Mode ||
				!got.Mtime.Equal(tt.want.Mtime) || got.LinkTarget != tt.want.LinkTarget {
				t.Errorf("ParsePathStat = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestPathStatRoundTrip(t *testing.T) {
	in := PathStat{Name: "dir é", Size: 1 << 40, Mode: os.ModeDir | os.ModeSetgid | 0o2775,
		Mtime: time.Date(2020, 1, 2, 3, 4, 5, 6, time.UTC), LinkTarget: "../x"}
	h, err := in.Encode()
	if err != nil {
		t.Fatal(err)
	}
	out, err := ParsePathStat(h)
	if err != nil {
		t.Fatal(err)
	}
	if out.Name != in.Name || out.Size != in.Size || out.Mode != in.Mode || !out.Mtime.Equal(in.Mtime) || out.LinkTarget != in.LinkTarget {
		t.Errorf("round trip: %+v, want %+v", out, in)
	}
	raw, _ := base64.StdEncoding.DecodeString(h)
	for _, key := range []string{`"name"`, `"size"`, `"mode"`, `"mtime"`, `"linkTarget"`} {
		if !strings.Contains(string(raw), key) {
			t.Errorf("encoded JSON %s lacks %s", raw, key)
		}
	}
}
