package mockdaemon_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestNonRootPermissions: a container's process running as a user other
// than root is held to the kernel's permission checks, in the image's
// tree, a volume and a host bind alike, with busybox's words for each
// refusal (as dockerd 20.10 runs busybox:dockwire with -u 1000:1000:
// the same lines, in stderr's order).
func TestNonRootPermissions(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{HostBinds: true})
	host := t.TempDir()
	require.NoError(t, os.Chmod(host, 0o755))
	setup := c.runWait(map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c",
		"mkdir /v/sticky /v/d700 /v/open; chmod 1777 /v/sticky; touch /v/sticky/rootf /v/rootf /v/d700/f; chmod 600 /v/rootf; chmod 700 /v/d700; chmod 777 /v/open"},
		"HostConfig": map[string]any{"Binds": []string{"permvol:/v"}}})
	_, errOut := readFrames(t, c.do("GET", "/v1.41/containers/"+setup+"/logs?stdout=1&stderr=1", nil).body)
	require.Empty(t, errOut)
	id := c.runWait(map[string]any{"Image": "busybox", "User": "1000:1000", "Cmd": []string{"sh", "-c", `touch /v/x; touch /h/x; mkdir /m; echo hi > /etc/foo
cat /v/rootf; ls /v/d700; cat /v/d700/f; rm /v/sticky/rootf; touch /v/sticky/mine; stat -c "%u %g %a" /v/sticky/mine
mkdir /v/open/md; stat -c "%u %g %a" /v/open/md; rm /v/sticky/mine; mv /v/rootf /v/open/x; ln -s x /v/l; chmod 777 /v/rootf
touch /v/rootf; cp /v/rootf /v/open/c; rm -rf /v/d700; echo rc=$?; chown 1000 /v/open/md; echo rc=$?; chown 0 /v/open/md
cd /v/d700 2>/dev/null; echo cd=$?; ls /v/open; echo x > /h/y; mkdir /h/z; >> /v/rootf
touch /run/t/x && echo tmpfs-rw; touch /run/u/x`},
		"HostConfig": map[string]any{"Binds": []string{"permvol:/v", host + ":/h"}, "Tmpfs": map[string]string{"/run/t": "", "/run/u": "mode=700"}}})
	out, errOut := readFrames(t, c.do("GET", "/v1.41/containers/"+id+"/logs?stdout=1&stderr=1", nil).body)
	assert.Equal(t, "1000 1000 644\n1000 1000 755\nrc=1\nrc=0\ncd=2\nmd\ntmpfs-rw\n", out, "a tmpfs is 1777 unless its mode says")
	lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
	want := []string{
		"touch: /v/x: Permission denied",
		"touch: /h/x: Permission denied",
		"mkdir: can't create directory '/m': Permission denied",
		"sh: can't create /etc/foo: Permission denied",
		"cat: can't open '/v/rootf': Permission denied",
		"ls: can't open '/v/d700': Permission denied",
		"cat: can't open '/v/d700/f': Permission denied",
		"rm: can't remove '/v/sticky/rootf': Operation not permitted",
		"mv: can't rename '/v/rootf': Permission denied",
		"ln: /v/l: Permission denied",
		"chmod: /v/rootf: Operation not permitted",
		"touch: /v/rootf: Permission denied",
		"cp: can't open '/v/rootf': Permission denied",
		"chown: /v/open/md: Operation not permitted",
		"sh: can't create /h/y: Permission denied",
		"mkdir: can't create directory '/h/z': Permission denied",
		"sh: can't create /v/rootf: Permission denied",
		"touch: /run/u/x: Permission denied",
	}
	assert.Equal(t, want, lines)
	entries, err := os.ReadDir(host)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing made on the host")
}
