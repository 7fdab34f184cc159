package memfs

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWriteChanges: a layer of the changes a caller kept (a build step's
// container leaves out the files the daemon writes in it) holds those and
// no others.
func TestWriteChanges(t *testing.T) {
	image := seeded(t)
	c := image.Clone()
	require.NoError(t, c.WriteFile("/etc/hosts", []byte("daemon's"), 0o644))
	require.NoError(t, c.WriteFile("/tmp/made", []byte("m"), 0o644))
	var kept []Change
	for _, ch := range Diff(image, c) {
		if !strings.HasPrefix(ch.Path, "/etc") {
			kept = append(kept, ch)
		}
	}
	var layer bytes.Buffer
	require.NoError(t, WriteChanges(&layer, c, kept))
	assert.Equal(t, "tmp/ tmp/made", tarNames(t, layer.Bytes()))
}

// TestDiffSkip: a skipped path is not listed, and a change in it does not
// make the directory that holds it modified; other changes still do.
func TestDiffSkip(t *testing.T) {
	image := seeded(t)
	c := image.Clone()
	require.NoError(t, c.WriteFile("/etc/hosts", []byte("daemon's"), 0o644))
	skipHosts := func(p string) bool { return p == "/etc/hosts" }
	assert.Empty(t, DiffSkip(image, c, skipHosts))
	assert.Equal(t, []Change{{"/etc", Modified}, {"/etc/hosts", Added}}, Diff(image, c))

	require.NoError(t, c.WriteFile("/etc/other", []byte("o"), 0o644))
	assert.Equal(t, []Change{{"/etc", Modified}, {"/etc/other", Added}}, DiffSkip(image, c, skipHosts))
}
