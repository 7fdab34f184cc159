package tarstream

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// benchTree makes 200 files of 256 KiB (50 MiB) in 10 directories.
func benchTree(b *testing.B) (string, int64) {
	b.Helper()
	root := b.TempDir()
	data := bytes.Repeat([]byte("0123456789abcdef"), 256<<10/16)
	for i := range 200 {
		p := filepath.Join(root, fmt.Sprintf("d%d", i%10), fmt.Sprintf("f%03d", i))
		os.MkdirAll(filepath.Dir(p), 0o755)
		require.NoError(b, os.WriteFile(p, data, 0o644))
	}
	return root, 200 * int64(len(data))
}

func BenchmarkDir(b *testing.B) {
	root, size := benchTree(b)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		rc, err := Dir(root, DirOptions{})
		require.NoError(b, err)
		_, err = io.Copy(io.Discard, rc)
		require.NoError(b, err)
		rc.Close()
	}
}

func BenchmarkExtract(b *testing.B) {
	root, size := benchTree(b)
	rc, err := Dir(root, DirOptions{})
	require.NoError(b, err)
	archive, err := io.ReadAll(rc)
	rc.Close()
	require.NoError(b, err)
	dst := filepath.Join(b.TempDir(), "dst")
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		os.RemoveAll(dst)
		b.StartTimer()
		require.NoError(b, Extract(bytes.NewReader(archive), dst, ExtractOptions{}))
	}
}

func BenchmarkMatch(b *testing.B) {
	m, err := NewMatcher([]string{"**/*.go", "node_modules", "docs/**", "!docs/keep.md", "*.tmp"})
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		m.Match("src/internal/pkg/sub/file.txt")
	}
}
