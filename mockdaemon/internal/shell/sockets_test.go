package shell

import (
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNcLoopback: busybox nc listens and connects over the namespace's
// loopback: the server's stdin reaches the client, whose stdin's end
// shuts its half down; each ends when its peer's half ends.
func TestNcLoopback(t *testing.T) {
	n := NewNet(Loopback())
	withNet := func(c *Config) { c.Net = n }
	srv, srvOut, cancel := startBg(t, sh("echo hello from server | nc -l -p 8080"), withNet)
	defer cancel()
	waitFor(t, func() bool { return n.listening(8080) })
	r := run(t, busybox(t), []string{"nc", "127.0.0.1", "8080"}, "hello from client\n", withNet)
	assert.Equal(t, "hello from server\n", r.out)
	assert.Equal(t, 0, r.code, r.err)
	assert.Equal(t, 0, waitCode(t, srv))
	assert.Equal(t, "hello from client\n", srvOut.String(), "client stderr: %q", r.err)
}

// TestNcErrors: nc's messages and statuses as the busybox image's nc
// gives them.
func TestNcErrors(t *testing.T) {
	n := NewNet(Loopback())
	withNet := func(c *Config) { c.Net = n }
	f := busybox(t)
	for _, tc := range []struct {
		argv    []string
		errPart string
	}{
		{[]string{"nc", "127.0.0.1", "9"}, "nc: can't connect to remote host (127.0.0.1): Connection refused\n"},
		{[]string{"nc", "nosuch", "80"}, "nc: bad address 'nosuch'\n"},
		{[]string{"nc", "-z", "127.0.0.1", "9"}, "nc: invalid option -- 'z'\n"},
		{[]string{"nc"}, "Usage: nc [-iN] [-wN] [-l] [-p PORT] [-f FILE|IPADDR PORT] [-e PROG]\n"},
		{[]string{"nc", "-l", "-p", "8080", "x"}, "Usage: nc"},
	} {
		r := run(t, f, tc.argv, "", withNet)
		assert.Equal(t, 1, r.code, tc.argv)
		assert.Contains(t, r.err, tc.errPart, tc.argv)
	}
	l, err := n.Listen(8081)
	require.NoError(t, err)
	defer l.Close()
	r := run(t, f, []string{"nc", "-l", "-p", "8081"}, "", withNet)
	assert.Equal(t, "nc: bind: Address in use\n", r.err)
	r = run(t, f, []string{"nc", "-w", "1", "-l", "-p", "8082"}, "", withNet)
	assert.Equal(t, "nc: timed out\n", r.err)
	assert.Equal(t, 1, r.code)
}

// TestNcExec: nc -e runs a program with the connection as its stdin and
// stdout.
func TestNcExec(t *testing.T) {
	n := NewNet(Loopback())
	srv, _, cancel := startBg(t, []string{"nc", "-l", "-p", "7", "-e", "tr", "a-z", "A-Z"}, func(c *Config) { c.Net = n })
	defer cancel()
	waitFor(t, func() bool { return n.listening(7) })
	c, err := n.Connect(7)
	require.NoError(t, err)
	_, err = io.Copy(c, strings.NewReader("shout\n"))
	require.NoError(t, err)
	require.NoError(t, c.CloseWrite())
	b, err := io.ReadAll(c)
	require.NoError(t, err)
	assert.Equal(t, "SHOUT\n", string(b))
	assert.Equal(t, 0, waitCode(t, srv))
}

// TestNcServesInputBeforePeerEnd: a server whose input is ready sends it
// before it sees the client's half end, as nc's poll loop serves stdin
// first: a client with no input still reads it.
func TestNcServesInputBeforePeerEnd(t *testing.T) {
	r := run(t, busybox(t), sh("echo hi | nc -l -p 8080 & sleep 0.2; nc 127.0.0.1 8080 </dev/null; echo client $?; wait; echo server $?"), "",
		func(c *Config) { c.Net = NewNet(Loopback()) })
	assert.Equal(t, "hi\nclient 0\nserver 0\n", r.out, r.err)
}
