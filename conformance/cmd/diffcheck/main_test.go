package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

func TestRunWithoutADaemon(t *testing.T) {
	t.Setenv("DOCKWIRE_REAL_DOCKER_HOST", "")
	var out, errOut strings.Builder
	assert.Equal(t, 2, run(nil, &out, &errOut))
	assert.Contains(t, errOut.String(), "no reference daemon")
	assert.Equal(t, 2, run([]string{"-real", "tcp://127.0.0.1:2375"}, &out, &errOut))
	assert.Contains(t, errOut.String(), "only unix:// hosts")
	assert.Equal(t, 2, run([]string{"-nosuchflag"}, &out, &errOut))
}

// A mock as the reference: the in-process mock matches it, the exit status
// is 0, and a saved result reports the same again.
func TestRunMockAsReference(t *testing.T) {
	if testing.Short() {
		t.Skip("runs sequences against two mocks")
	}
	_, host := mockdaemon.StartUnix(t, mockdaemon.Config{MaxAPIVersion: "1.41", Images: []string{"busybox:dockwire"}})
	saved := filepath.Join(t.TempDir(), "result.json")
	var out, errOut strings.Builder
	code := run([]string{"-real", host, "-gen", "20", "-run", `^(system/ping|containers/create-inspect|gen/network/00\d)$`, "-save", saved}, &out, &errOut)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
	assert.Contains(t, out.String(), "sequences: 5\n")
	assert.Contains(t, out.String(), "differences: 0 (known 0, new 0)\n")
	assert.Contains(t, out.String(), "stale known entries: not checked (a part of the sequences ran)")

	var again strings.Builder
	require.Equal(t, 0, run([]string{"-load", saved}, &again, &errOut))
	summary := func(s string) string { return s[strings.Index(s, "== summary"):] }
	assert.Equal(t, summary(out.String()), summary(again.String()))
}
