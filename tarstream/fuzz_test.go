package tarstream

import (
	"archive/tar"
	"bytes"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// FuzzExtract extracts arbitrary bytes; the property is that nothing
// outside dst is created or changed and that every link in dst stays inside.
func FuzzExtract(f *testing.F) {
	for _, v := range vectors {
		if v.file != "deep-nesting.tar" { // seconds per run: it starves the fuzzer
			f.Add(v.data())
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 256<<10 {
			return
		}
		s := newSandbox(t)
		// Caps keep a header claiming terabytes from writing them.
		Extract(bytes.NewReader(data), s.dst, ExtractOptions{MaxBytes: 4 << 20, MaxEntries: 1000})
		s.verify(t)
		filepath.WalkDir(s.dst, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				os.Chmod(p, 0o755) // let TempDir clean up read-only dirs
			}
			return nil
		})
	})
}

// FuzzRoundTrip builds a tree from the fuzzer's names and contents, then
// checks Dir followed by Extract gives it back.
func FuzzRoundTrip(f *testing.F) {
	f.Add("a\nb/c\nd/\nl->a", []byte("hello"))
	f.Add("ü ñ\nx/y/z\nempty/", []byte{})
	f.Add("x\nx/y", []byte("conflict"))
	f.Fuzz(func(t *testing.T, spec string, body []byte) {
		if len(spec) > 4096 || len(body) > 1<<16 {
			return
		}
		src := t.TempDir()
		n := 0
		for line := range strings.SplitSeq(spec, "\n") {
			name, target, isLink := strings.Cut(line, "->")
			clean, err := cleanName(name)
			if err != nil || clean == "." || !validFuzzName(clean) {
				continue
			}
			p := filepath.Join(src, clean)
			os.MkdirAll(filepath.Dir(p), 0o755)
			switch {
			case isLink:
				os.Symlink(target, p)
			case strings.HasSuffix(name, "/"):
				os.Mkdir(p, 0o755)
			default:
				os.WriteFile(p, body[:n%(len(body)+1)], 0o644)
			}
			n++
		}
		rc, err := Dir(src, DirOptions{Deterministic: true})
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		data, err := io.ReadAll(rc)
		if err != nil {
			t.Fatalf("Dir: %v", err)
		}
		dst := filepath.Join(t.TempDir(), "dst")
		err = Extract(bytes.NewReader(data), dst, ExtractOptions{})
		// Links that Extract refuses (absolute, climbing) are the only
		// acceptable failure; anything else must come back identical.
		if err != nil {
			if hasUnsafeLink(t, data) {
				return
			}
			t.Fatalf("Extract: %v", err)
		}
		want := describeNoTimes(t, src)
		if got := describeNoTimes(t, dst); !slices.Equal(want, got) {
			t.Errorf("trees differ\n src %q\n dst %q", want, got)
		}
	})
}

func validFuzzName(name string) bool {
	for elem := range strings.SplitSeq(name, "/") {
		if len(elem) > 200 {
			return false
		}
	}
	return true
}

func hasUnsafeLink(t *testing.T, data []byte) bool {
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		hdr, err := tr.Next()
		if err != nil {
			return false
		}
		if hdr.Typeflag == tar.TypeSymlink {
			name, _ := cleanName(hdr.Name)
			if checkSymlink(name, hdr.Linkname) != nil {
				return true
			}
		}
	}
}

// describeNoTimes is describe without mtimes (the fuzzer's tree has none
// worth comparing with Deterministic).
func describeNoTimes(t *testing.T, root string) []string {
	d := describe(t, root)
	for i, s := range d {
		if j := strings.LastIndexByte(s, ' '); j > 0 && !strings.Contains(s, " -> ") {
			d[i] = s[:j]
		}
	}
	return d
}

func FuzzParsePathStat(f *testing.F) {
	f.Add(base64.StdEncoding.EncodeToString([]byte(`{"name":"x","size":1,"mode":2147484141,"mtime":"2024-01-01T00:00:00Z","linkTarget":"y"}`)))
	f.Add("")
	f.Add("e30=")
	f.Fuzz(func(t *testing.T, header string) {
		s, err := ParsePathStat(header)
		if err != nil {
			return
		}
		enc, err := s.Encode()
		if err != nil {
			return // e.g. a year the JSON encoder refuses
		}
		s2, err := ParsePathStat(enc)
		if err != nil {
			t.Fatalf("re-parse of %q: %v", enc, err)
		}
		if s2.Name != s.Name || s2.Size != s.Size || s2.Mode != s.Mode || !s2.Mtime.Equal(s.Mtime) || s2.LinkTarget != s.LinkTarget {
			t.Errorf("round trip %+v -> %+v", s, s2)
		}
	})
}

func FuzzMatcher(f *testing.F) {
	f.Add("**/*.go\n!main.go", "cmd/main.go")
	f.Add("[a-c]\\*", "b*")
	f.Add("a/**\n!a/b", "a/b/c")
	f.Fuzz(func(t *testing.T, patterns, name string) {
		if len(patterns) > 4096 || len(name) > 4096 {
			return
		}
		m, err := NewMatcher(strings.Split(patterns, "\n"))
		if err != nil {
			return
		}
		got, err := m.Match(name)
		if err != nil {
			t.Fatalf("Match: %v", err)
		}
		// Cleaning the path does not change the answer.
		if again, _ := m.Match("./" + name); again != got && !strings.HasPrefix(name, "/") {
			t.Errorf("Match(%q)=%v but Match(./%s)=%v", name, got, name, again)
		}
	})
}
