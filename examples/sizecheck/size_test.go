package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// maxSize is the budget for a stripped binary that lists containers: the
// official SDK's equivalent is 6.95 MiB (shared/research/perf-baselines.md).
const maxSize = 3 << 20

func TestBinarySize(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := filepath.Join(t.TempDir(), "sizecheck")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	fi, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("sizecheck: %d bytes (%.2f MiB), budget %.2f MiB", fi.Size(), float64(fi.Size())/(1<<20), float64(maxSize)/(1<<20))
	if fi.Size() > maxSize {
		t.Errorf("stripped binary is %d bytes, over the %d budget", fi.Size(), maxSize)
	}
}
