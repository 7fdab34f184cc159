package main

import (
	"debug/buildinfo"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// maxSize is the budget for a stripped binary that lists containers: the
// official SDK's equivalent is 6.95 MiB (shared/research/perf-baselines.md).
const maxSize = 3 << 20

// maxSSHCost is the budget for what the ssh transport adds (-tags
// sizecheck_ssh): x/crypto/ssh with its ciphers, key types and agent
// client, about 2 MiB.
const maxSSHCost = 5 << 19

// What the packages of a unix-socket program may link is depsRules'
// business (deps_test.go at the root); this test weighs the result, and
// reads the modules each binary records.
func TestBinarySize(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	unix := build(t, t.TempDir(), "", ".")
	unixSize := size(t, unix)
	t.Logf("sizecheck: %d bytes (%.2f MiB), budget %.2f MiB", unixSize, float64(unixSize)/(1<<20), float64(maxSize)/(1<<20))
	assert.LessOrEqual(t, unixSize, int64(maxSize), "stripped binary over the budget")
	assert.NotContains(t, modules(t, unix), "golang.org/x/crypto", "a unix-socket program links x/crypto")

	withSSH := build(t, t.TempDir(), "sizecheck_ssh", ".")
	sshSize := size(t, withSSH)
	t.Logf("sizecheck with dial/ssh: %d bytes (%.2f MiB, +%.2f MiB), budget +%.2f MiB",
		sshSize, float64(sshSize)/(1<<20), float64(sshSize-unixSize)/(1<<20), float64(maxSSHCost)/(1<<20))
	assert.Contains(t, modules(t, withSSH), "golang.org/x/crypto", "-tags sizecheck_ssh does not link x/crypto: the tag did not take effect")
	assert.LessOrEqual(t, sshSize-unixSize, int64(maxSSHCost), "dial/ssh adds more than its budget")
}

// testify is for tests only: no program of the module links it. Every
// package main of the module is built and its recorded modules read.
func TestNoBinaryLinksTestify(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every program")
	}
	dir := t.TempDir()
	build(t, dir, "sizecheck_ssh", "github.com/dockwire/dockwire/...")
	bins, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, b := range bins {
		names = append(names, b.Name())
		assert.NotContains(t, modules(t, filepath.Join(dir, b.Name())), "github.com/stretchr/testify", "%s links testify", b.Name())
	}
	assert.Subset(t, names, []string{"dockwire", "mockdockerd", "parity", "sizecheck"}, "go build wrote fewer programs than the module has")
}

// build builds pkgs stripped, with tags, into out (a file for one package,
// a directory for a pattern) and returns out.
func build(t *testing.T, dir, tags, pkgs string) string {
	t.Helper()
	out := dir + string(filepath.Separator)
	if pkgs == "." {
		out = filepath.Join(dir, "sizecheck")
	}
	cmd := exec.Command("go", "build", "-trimpath", "-tags="+tags, "-ldflags=-s -w", "-o", out, pkgs)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build -tags=%s %s:\n%s", tags, pkgs, b)
	return out
}

func size(t *testing.T, bin string) int64 {
	t.Helper()
	fi, err := os.Stat(bin)
	require.NoError(t, err)
	return fi.Size()
}

// modules returns the paths of the modules bin records as linked.
func modules(t *testing.T, bin string) []string {
	t.Helper()
	info, err := buildinfo.ReadFile(bin)
	require.NoError(t, err, "%s records no build info", bin)
	var mods []string
	for _, m := range info.Deps {
		mods = append(mods, m.Path)
	}
	return mods
}
