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

// maxSSHCost is the budget for what the ssh transport adds (-tags
// sizecheck_ssh): x/crypto/ssh with its ciphers, key types and agent
// client, about 2 MiB.
const maxSSHCost = 5 << 19

func TestBinarySize(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	unix := build(t, "")
	t.Logf("sizecheck: %d bytes (%.2f MiB), budget %.2f MiB", unix, float64(unix)/(1<<20), float64(maxSize)/(1<<20))
	if unix > maxSize {
		t.Errorf("stripped binary is %d bytes, over the %d budget", unix, maxSize)
	}
	withSSH := build(t, "sizecheck_ssh")
	t.Logf("sizecheck with dial/ssh: %d bytes (%.2f MiB, +%.2f MiB), budget +%.2f MiB",
		withSSH, float64(withSSH)/(1<<20), float64(withSSH-unix)/(1<<20), float64(maxSSHCost)/(1<<20))
	if withSSH-unix > maxSSHCost {
		t.Errorf("dial/ssh adds %d bytes, over the %d budget", withSSH-unix, maxSSHCost)
	}
	if withSSH <= unix {
		t.Errorf("the ssh build (%d bytes) is no larger than the unix one (%d): did the tag take effect?", withSSH, unix)
	}
}

// build builds sizecheck stripped, with tags, and returns its size.
func build(t *testing.T, tags string) int64 {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "sizecheck")
	cmd := exec.Command("go", "build", "-trimpath", "-tags="+tags, "-ldflags=-s -w", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build -tags=%s: %v\n%s", tags, err, out)
	}
	fi, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
