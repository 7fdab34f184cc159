package tarstream

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// benchTree makes 200 files of 256 KiB (50 MiB) in 10 directories.
func benchTree(b *testing.B) (string, int64) {
	b.Helper()
	root := b.TempDir()
	data := bytes.Repeat([]byte("0123456789abcdef"), 256<<10/16)
	for i := range 200 {
		p := filepath.Join(root, fmt.Sprintf("d%d", i%10), fmt.Sprintf("f%03d", i))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return root, 200 * int64(len(data))
}

func BenchmarkDir(b *testing.B) {
	root, size := benchTree(b)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		rc, err := Dir(root, DirOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, rc); err != nil {
			b.Fatal(err)
		}
		rc.Close()
	}
}

func BenchmarkExtract(b *testing.B) {
	root, size := benchTree(b)
	rc, err := Dir(root, DirOptions{})
	if err != nil {
		b.Fatal(err)
	}
	archive, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		b.Fatal(err)
	}
	dst := filepath.Join(b.TempDir(), "dst")
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		os.RemoveAll(dst)
		b.StartTimer()
		if err := Extract(bytes.NewReader(archive), dst, ExtractOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMatch(b *testing.B) {
	m, err := NewMatcher([]string{"**/*.go", "node_modules", "docs/**", "!docs/keep.md", "*.tmp"})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		m.Match("src/internal/pkg/sub/file.txt")
	}
}
