package mockdaemon_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// execOut runs argv as an attached, non-TTY exec in container id and
// returns its stdout, stderr and exit code.
func (c *client) execOut(id string, argv ...string) (string, string, int) {
	c.t.Helper()
	r := c.do("POST", "/v1.41/containers/"+id+"/exec", map[string]any{"Cmd": argv, "AttachStdout": true, "AttachStderr": true})
	var ex struct{ Id string }
	require.NoError(c.t, json.Unmarshal(r.body, &ex), "exec create %d %s", r.status, r.body)
	r = c.do("POST", "/v1.41/exec/"+ex.Id+"/start", map[string]any{"Detach": false, "Tty": false})
	require.Equal(c.t, 200, r.status, "exec start: %s", r.body)
	out, errOut := readFrames(c.t, r.body)
	var insp struct{ ExitCode int }
	require.NoError(c.t, json.Unmarshal(c.do("GET", "/v1.41/exec/"+ex.Id+"/json", nil).body, &insp))
	return out, errOut, insp.ExitCode
}

// sleeper starts a container that sleeps, for execs.
func (c *client) sleeper(name string) string {
	c.t.Helper()
	id := c.create(name, map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "300"}})
	r := c.do("POST", "/v1.41/containers/"+id+"/start", nil)
	require.Equal(c.t, 204, r.status, "start: %s", r.body)
	c.t.Cleanup(func() { c.do("DELETE", "/v1.41/containers/"+id+"?force=1", nil) })
	return id
}

// TestShellKeepsUTF8: a shell-form command, an exec-form CMD and a RUN
// step print UTF-8 as given (the shell once turned each byte of "ü" into
// a character of its own, so "ü" came back as "Ã¼").
func TestShellKeepsUTF8(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.sleeper("utf8")
	for _, argv := range [][]string{
		{"sh", "-c", "echo grüße ü"},
		{"sh", "-c", `x="grüße"; echo $x ü`},
		{"echo", "grüße", "ü"},
	} {
		out, errOut, code := c.execOut(id, argv...)
		assert.Equal(t, "grüße ü\n", out, "%q", argv)
		assert.Empty(t, errOut, "%q", argv)
		assert.Zero(t, code, "%q", argv)
	}
	out, ok := c.buildAndRun("utf8:run", "FROM busybox\nRUN echo grüße > /g && echo ü >> /g\nCMD [\"cat\", \"/g\"]\n")
	require.True(t, ok, "build: %s", out)
	assert.Equal(t, "grüße\nü\n", out, "RUN in shell form, CMD in exec form")
}

// TestAppletMissingInMock: the image links every busybox applet; one the
// mock's shell lacks fails like a missing command (sh: "not found", 127; an
// exec-form command: the runtime's "executable file not found"), never
// as a script with a syntax error.
func TestAppletMissingInMock(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.sleeper("noapplet")
	out, errOut, code := c.execOut(id, "sh", "-c", "vi /etc/hosts; echo $?; ls /bin/vi")
	assert.Equal(t, "127\n/bin/vi\n", out)
	assert.Equal(t, "sh: vi: not found\n", errOut)
	assert.Zero(t, code)

	const runc = "failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: "
	for cmd, want := range map[string]string{
		"vi":      `exec: "vi": executable file not found in $PATH`,
		"/bin/vi": `exec: "/bin/vi": stat /bin/vi: no such file or directory`,
	} {
		cid := c.create("", map[string]any{"Image": "busybox", "Cmd": []string{cmd}})
		r := c.do("POST", "/v1.41/containers/"+cid+"/start", nil)
		assert.Equal(t, 400, r.status, "start %s", cmd)
		assert.Equal(t, runc+want+": unknown", r.message(), "start %s", cmd)
	}
}
