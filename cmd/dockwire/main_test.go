package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/dial"
)

func TestVersionNoDaemon(t *testing.T) {
	host := "unix://" + filepath.Join(t.TempDir(), "none.sock")
	t.Setenv("DOCKER_HOST", host)
	t.Setenv("DOCKER_CONTEXT", "")
	t.Setenv("DOCKER_API_VERSION", "")
	var out, errb bytes.Buffer
	require.Equal(t, 1, run([]string{"version"}, &out, &errb), "exit code; stderr: %s", errb.String())
	assert.Contains(t, out.String(), "Client: dockwire ", "stdout lacks the client's version")
	assert.Contains(t, out.String(), "API versions: 1.24 to 1.56", "stdout lacks the client's API range")
	lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
	if assert.Len(t, lines, 1, "stderr should be one line") {
		assert.Contains(t, lines[0], host, "stderr should name the host")
	}
}

func TestUsage(t *testing.T) {
	var out, errb bytes.Buffer
	assert.Equal(t, 2, run(nil, &out, &errb), "no args: exit code")
	assert.Equal(t, 2, run([]string{"bogus"}, &out, &errb), "unknown command: exit code")
	assert.Contains(t, errb.String(), `unknown command "bogus"`)
}

// The CLI links the TLS transport: a TLS host gets a dialer, not the
// "import dialtls" refusal a program without it gets.
func TestTLSHostsSupported(t *testing.T) {
	open, err := dial.Config{Host: "https://docker.example", TLS: &dial.TLSOptions{Verify: true}}.Dialer()
	require.NoError(t, err)
	assert.NotNil(t, open, "want a TLS dialer")
}

// The CLI links the ssh transport: an ssh host gets a dialer, not the
// "import dial/ssh" refusal.
func TestSSHHostsSupported(t *testing.T) {
	open, closeSSH, err := dial.Config{Host: "ssh://me@docker.example", SSH: &dial.SSHOptions{}}.Open()
	require.NoError(t, err)
	assert.NotNil(t, open)
	assert.NoError(t, closeSSH())
}

func TestDemoOnEmbeddedMock(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix://"+filepath.Join(t.TempDir(), "none.sock"))
	t.Setenv("DOCKER_CONTEXT", "")
	t.Setenv("DOCKER_API_VERSION", "")
	var out, errb bytes.Buffer
	require.Zero(t, run([]string{"demo"}, &out, &errb), "exit code\nstdout:\n%s\nstderr:\n%s", out.String(), errb.String())
	for _, want := range []string{
		"embedded mock daemon",
		"hello from a container",
		`exit code 3, stderr "oops"`,
		`exec: "in /tmp as 0", exit code 5`,
		`came back as "copied in and out"`,
		"errors.Is(err, wire.ErrNotFound) = true",
		"everything the demo created is removed",
	} {
		assert.Contains(t, out.String(), want, "demo output")
	}
	assert.Contains(t, errb.String(), "no daemon answered", "stderr should say why the mock is used")
}
