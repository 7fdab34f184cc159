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
	if code := run([]string{"version"}, &out, &errb); code != 1 {
		t.Fatalf("exit %d, want 1; stderr: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "Client: dockwire ") || !strings.Contains(out.String(), "API versions: 1.24 to 1.56") {
		t.Errorf("stdout lacks the client's version and API range:\n%s", out.String())
	}
	lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], host) {
		t.Errorf("stderr should be one line naming %s, got:\n%s", host, errb.String())
	}
}

func TestUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(nil, &out, &errb); code != 2 {
		t.Errorf("no args: exit %d, want 2", code)
	}
	if code := run([]string{"bogus"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), `unknown command "bogus"`) {
		t.Errorf("unknown command: exit %d, stderr %q", code, errb.String())
	}
}

// The CLI links the TLS transport: a TLS host gets a dialer, not the
// "import dialtls" refusal a program without it gets.
func TestTLSHostsSupported(t *testing.T) {
	open, err := dial.Config{Host: "https://docker.example", TLS: &dial.TLSOptions{Verify: true}}.Dialer()
	if err != nil || open == nil {
		t.Fatalf("Dialer() = %v, %v; want a TLS dialer", open != nil, err)
	}
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
	if code := run([]string{"demo"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	for _, want := range []string{
		"embedded mock daemon",
		"hello from a container",
		`exit code 3, stderr "oops"`,
		`exec: "in /tmp as 0", exit code 5`,
		`came back as "copied in and out"`,
		"errors.Is(err, wire.ErrNotFound) = true",
		"everything the demo created is removed",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(errb.String(), "no daemon answered") {
		t.Errorf("stderr should say why the mock is used: %q", errb.String())
	}
}
