package mockdaemon_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestExecOutputAfterUpgradeHead: docker-py reads an upgraded exec from
// the raw socket once http.client has parsed the head; output that arrives
// in the same read as the head would be lost, so it must come later.
func TestExecOutputAfterUpgradeHead(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("execpause", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "60"}})
	c.do("POST", "/containers/"+id+"/start", nil)
	t.Cleanup(func() { c.do("DELETE", "/containers/"+id+"?force=1", nil) })
	r := c.do("POST", "/containers/"+id+"/exec", map[string]any{"Cmd": []string{"echo", "fast"}, "AttachStdout": true})
	var ex struct{ Id string }
	require.NoError(t, json.Unmarshal(r.body, &ex), "exec create %d %s", r.status, r.body)
	require.NotEmpty(t, ex.Id, "exec create %d %s", r.status, r.body)

	var dl net.Dialer
	conn, err := dl.DialContext(t.Context(), "unix", c.sock)
	require.NoError(t, err)
	defer conn.Close()
	body := `{"Detach":false,"Tty":false}`
	_, err = io.WriteString(conn, "POST /v1.56/exec/"+ex.Id+"/start HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"+body)
	require.NoError(t, err)
	// Read the head with one unbuffered read after it has surely arrived.
	time.Sleep(5 * time.Millisecond)
	buf := make([]byte, 4096)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	n, err := conn.Read(buf)
	require.NoError(t, err)
	head := string(buf[:n])
	require.Regexp(t, `^HTTP/1\.1 101 UPGRADED\r\n(?s:.*)\r\n\r\n$`, head, "first read: output arrived together with the head")
	rest, _ := io.ReadAll(bufio.NewReader(conn))
	out, _ := readFrames(t, rest)
	assert.Equal(t, "fast\n", out, "exec output")
}

// stream is a hijacked exec start or attach connection.
type stream struct {
	t    *testing.T
	conn net.Conn
	head string
	rd   *bufio.Reader
}

// hijack sends POST path with a JSON body ("" for none) on a connection of
// its own, with the Upgrade headers when up, and reads the answer's head.
func (c *client) hijack(path, body string, up bool) *stream {
	c.t.Helper()
	var dl net.Dialer
	conn, err := dl.DialContext(c.t.Context(), "unix", c.sock)
	require.NoError(c.t, err)
	c.t.Cleanup(func() { conn.Close() })
	req := "POST " + path + " HTTP/1.1\r\nHost: docker\r\n"
	if up {
		req += "Connection: Upgrade\r\nUpgrade: tcp\r\n"
	}
	req += "Content-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
	_, err = io.WriteString(conn, req)
	require.NoError(c.t, err)
	require.NoError(c.t, conn.SetReadDeadline(time.Now().Add(10*time.Second)))
	s := &stream{t: c.t, conn: conn, rd: bufio.NewReader(conn)}
	for {
		line, err := s.rd.ReadString('\n')
		require.NoError(c.t, err, "head so far %q", s.head)
		s.head += line
		if line == "\r\n" {
			return s
		}
	}
}

func (s *stream) send(p string) {
	s.t.Helper()
	_, err := io.WriteString(s.conn, p)
	require.NoError(s.t, err)
}

func (s *stream) closeWrite() {
	s.t.Helper()
	require.NoError(s.t, s.conn.(*net.UnixConn).CloseWrite())
}

// until reads until what was read ends with suffix, and returns it all.
func (s *stream) until(suffix string) string {
	s.t.Helper()
	var b []byte
	buf := make([]byte, 1)
	for !strings.HasSuffix(string(b), suffix) {
		_, err := s.rd.Read(buf)
		require.NoError(s.t, err, "read %q, waiting for %q", b, suffix)
		b = append(b, buf[0])
	}
	return string(b)
}

// rest reads to the end of the stream; open reports whether it was still
// open after wait (then what came meanwhile is returned).
func (s *stream) rest(wait time.Duration) (out string, open bool) {
	s.t.Helper()
	require.NoError(s.t, s.conn.SetReadDeadline(time.Now().Add(wait)))
	b, err := io.ReadAll(s.rd)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return string(b), true
	}
	require.NoError(s.t, err)
	return string(b), false
}

// execIn creates an exec in container id and returns its id.
func (c *client) execIn(id string, cfg map[string]any) string {
	c.t.Helper()
	r := c.do("POST", "/v1.56/containers/"+id+"/exec", cfg)
	require.Equal(c.t, 201, r.status, "exec create: %s", r.body)
	var ex struct{ Id string }
	require.NoError(c.t, json.Unmarshal(r.body, &ex))
	return ex.Id
}

// execInspect is GET /exec/{id}/json.
type execInspect struct {
	Running       bool
	ExitCode      *int
	Pid           int
	CanRemove     bool
	DetachKeys    string
	ProcessConfig map[string]any
}

func (c *client) inspectExec(id string) execInspect {
	c.t.Helper()
	r := c.do("GET", "/v1.56/exec/"+id+"/json", nil)
	require.Equal(c.t, 200, r.status, "exec inspect: %s", r.body)
	var in execInspect
	require.NoError(c.t, json.Unmarshal(r.body, &in))
	return in
}

// sleeper starts a container running sleep and returns its id.
func (c *client) sleeper(cfg map[string]any) string {
	c.t.Helper()
	if cfg == nil {
		cfg = map[string]any{}
	}
	cfg["Image"], cfg["Cmd"] = "busybox", []string{"sleep", "600"}
	id := c.create("", cfg)
	r := c.do("POST", "/v1.56/containers/"+id+"/start", nil)
	require.Equal(c.t, 204, r.status, "start: %s", r.body)
	c.t.Cleanup(func() { c.do("DELETE", "/containers/"+id+"?force=1", nil) })
	return id
}

// TestExecFramingFollowsStart: as on dockerd, the Tty of the start body
// decides raw or multiplexed (a raw stream has no stderr), the Tty of the
// create decides whether the process has a terminal; the upgraded head
// carries the daemon's headers, and a start without Upgrade answers a
// bare 200 raw-stream whatever the framing.
func TestExecFramingFollowsStart(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.sleeper(nil)
	cmd := []string{"sh", "-c", "echo out; echo err >&2"}

	e := c.execIn(id, map[string]any{"Cmd": cmd, "AttachStdout": true, "AttachStderr": true})
	s := c.hijack("/v1.56/exec/"+e+"/start", `{"Tty":true}`, true)
	assert.Contains(t, s.head, "Content-Type: application/vnd.docker.raw-stream\r\n")
	for _, h := range []string{"Api-Version: ", "Docker-Experimental: false", "Ostype: linux", "Server: Docker/"} {
		assert.Contains(t, s.head, h, "the 101 head carries the daemon's headers")
	}
	out, open := s.rest(5 * time.Second)
	assert.False(t, open)
	assert.Equal(t, "out\n", out, "raw by the start's Tty; no terminal by the create's, so no \\r and no stderr")

	e = c.execIn(id, map[string]any{"Cmd": cmd, "AttachStdout": true, "AttachStderr": true, "Tty": true})
	s = c.hijack("/v1.56/exec/"+e+"/start", `{"Tty":false}`, true)
	assert.Contains(t, s.head, "Content-Type: application/vnd.docker.multiplexed-stream\r\n")
	out, open = s.rest(5 * time.Second)
	assert.False(t, open)
	stdout, stderr := readFrames(t, []byte(out))
	assert.Equal(t, "out\r\nerr\r\n", stdout, "the terminal's one output, in stdout frames")
	assert.Empty(t, stderr)

	e = c.execIn(id, map[string]any{"Cmd": cmd, "AttachStdout": true, "AttachStderr": true})
	s = c.hijack("/v1.56/exec/"+e+"/start", `{"Tty":false}`, false)
	assert.True(t, strings.HasPrefix(s.head, "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n"), "head %q", s.head)
	assert.Contains(t, s.head, "Api-Version: ")
	out, _ = s.rest(5 * time.Second)
	stdout, stderr = readFrames(t, []byte(out))
	assert.Equal(t, "out\n", stdout)
	assert.Equal(t, "err\n", stderr)
}

// TestExecTerminal: an exec created with Tty runs on a terminal: it echoes
// what the client types, test -t sees it (not through a pipe), and TERM
// is set; an exec without one has no TERM even in a Tty container.
func TestExecTerminal(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.sleeper(map[string]any{"Tty": true})
	e := c.execIn(id, map[string]any{"Cmd": []string{"sh", "-c", `read x; echo "got $x"; test -t 0 && echo in; test -t 1 && echo out; test -t 1 | cat; test -t 2 && echo err; echo "TERM=$TERM"`},
		"AttachStdin": true, "AttachStdout": true, "Tty": true})
	s := c.hijack("/v1.56/exec/"+e+"/start", `{"Tty":true}`, true)
	s.send("hi\n")
	out, open := s.rest(5 * time.Second)
	assert.False(t, open)
	assert.Equal(t, "hi\r\ngot hi\r\nin\r\nout\r\nerr\r\nTERM=xterm\r\n", out)

	e = c.execIn(id, map[string]any{"Cmd": []string{"sh", "-c", `test -t 1 || echo "no tty, TERM=$TERM"`}, "AttachStdout": true})
	s = c.hijack("/v1.56/exec/"+e+"/start", `{}`, true)
	out, _ = s.rest(5 * time.Second)
	stdout, _ := readFrames(t, []byte(out))
	assert.Equal(t, "no tty, TERM=\n", stdout)
}

// TestExecDetachKeys: with a TTY, the detach keys (ctrl-p,ctrl-q unless
// the exec names others) end the stream with dockerd's error line; the
// exec then reads as ended with 126 and leaves ExecIDs, as on 20.10.
// Without a TTY the keys are input like any other bytes.
func TestExecDetachKeys(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.sleeper(nil)
	for _, tc := range []struct {
		keys, seq, inspect string
	}{
		{"", "\x10\x11", ""},
		{"ctrl-x,x", "\x18x", "GHg="},
	} {
		e := c.execIn(id, map[string]any{"Cmd": []string{"cat"}, "AttachStdin": true, "AttachStdout": true, "Tty": true, "DetachKeys": tc.keys})
		assert.Equal(t, tc.inspect, c.inspectExec(e).DetachKeys, "DetachKeys are the bytes, base64")
		s := c.hijack("/v1.56/exec/"+e+"/start", `{"Tty":true}`, true)
		s.send("hello\n")
		s.until("hello\r\nhello\r\n")
		s.send(tc.seq)
		out, open := s.rest(5 * time.Second)
		assert.False(t, open, "keys %q end the stream", tc.keys)
		assert.Equal(t, "exec attach failed: error on attach stdin: read escape sequence\r\n", out)
		in := c.inspectExec(e)
		assert.False(t, in.Running)
		require.NotNil(t, in.ExitCode)
		assert.Equal(t, 126, *in.ExitCode)
		assert.NotZero(t, in.Pid, "the process did start")
	}
	var ci struct{ ExecIDs []string }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.56/containers/"+id+"/json", nil).body, &ci))
	assert.Empty(t, ci.ExecIDs, "a detached exec leaves the container's list")

	e := c.execIn(id, map[string]any{"Cmd": []string{"cat"}, "AttachStdin": true, "AttachStdout": true, "DetachKeys": "ctrl-x,x"})
	s := c.hijack("/v1.56/exec/"+e+"/start", `{}`, true)
	s.send("a\x18xb\n")
	s.closeWrite()
	out, _ := s.rest(5 * time.Second)
	stdout, _ := readFrames(t, []byte(out))
	assert.Equal(t, "a\x18xb\n", stdout, "no TTY, no detach keys")

	r := c.do("POST", "/v1.56/containers/"+id+"/exec", map[string]any{"Cmd": []string{"true"}, "DetachKeys": "ctrl-?"})
	assert.Equal(t, 500, r.status)
	assert.Equal(t, "Invalid escape keys (ctrl-?) provided", r.message())
}

// TestExecStdinEndWithTTY: the end of the client's input ends a TTY
// exec's stream while the process runs on (dockerd closes the output,
// not the terminal).
func TestExecStdinEndWithTTY(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.sleeper(nil)
	e := c.execIn(id, map[string]any{"Cmd": []string{"cat"}, "AttachStdin": true, "AttachStdout": true, "Tty": true})
	s := c.hijack("/v1.56/exec/"+e+"/start", `{"Tty":true}`, true)
	s.send("x\n")
	s.until("x\r\nx\r\n")
	s.closeWrite()
	out, open := s.rest(5 * time.Second)
	assert.False(t, open)
	assert.Empty(t, out)
	in := c.inspectExec(e)
	assert.True(t, in.Running, "cat still waits on its terminal")
	assert.Nil(t, in.ExitCode)
}

// TestExecStartFailures: an exec whose user, working directory or program
// cannot be found fails like dockerd's: exit code 126, no pid, the error
// as a line of the stream, or as the answer of a detached start.
func TestExecStartFailures(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.sleeper(nil)
	for _, tc := range []struct {
		cfg    map[string]any
		status int
		msg    string
	}{
		{map[string]any{"Cmd": []string{"id"}, "User": "nosuchuser"}, 500, "unable to find user nosuchuser: no matching entries in passwd file"},
		{map[string]any{"Cmd": []string{"id"}, "User": "0:nosuchgroup"}, 500, "unable to find group nosuchgroup: no matching entries in group file"},
		{map[string]any{"Cmd": []string{"pwd"}, "WorkingDir": "/no/such/dir"}, 400, `OCI runtime exec failed: exec failed: unable to start container process: chdir to cwd ("/no/such/dir") set in config.json failed: no such file or directory: unknown`},
		{map[string]any{"Cmd": []string{"nosuchbin"}, "WorkingDir": "/tmp"}, 400, `OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuchbin": executable file not found in $PATH: unknown`},
	} {
		tc.cfg["AttachStdout"] = true
		e := c.execIn(id, tc.cfg)
		s := c.hijack("/v1.56/exec/"+e+"/start", `{}`, true)
		out, _ := s.rest(5 * time.Second)
		stdout, _ := readFrames(t, []byte(out))
		assert.Equal(t, tc.msg+"\r\n", stdout)
		in := c.inspectExec(e)
		require.NotNil(t, in.ExitCode, tc.msg)
		assert.Equal(t, 126, *in.ExitCode, tc.msg)
		assert.Zero(t, in.Pid, tc.msg)

		e = c.execIn(id, tc.cfg)
		r := c.do("POST", "/v1.56/exec/"+e+"/start", map[string]any{"Detach": true})
		assert.Equal(t, tc.status, r.status, tc.msg)
		assert.Equal(t, tc.msg, r.message())
	}

	e := c.execIn(id, map[string]any{"Cmd": []string{"id"}, "AttachStdout": true, "User": "1234:5678"})
	s := c.hijack("/v1.56/exec/"+e+"/start", `{}`, true)
	out, _ := s.rest(5 * time.Second)
	stdout, _ := readFrames(t, []byte(out))
	assert.Equal(t, "uid=1234 gid=5678 groups=5678\n", stdout, "numeric ids need no passwd entry")
}

// TestExecLifecycle: the states of exec instances as dockerd keeps them:
// the exec's user and working directory default to the container's, no
// "user" key when there is none; an ended exec leaves ExecIDs, and a
// second start is refused inside the stream; when the container stops,
// an exec that never ran is forgotten (404) while a running one ends with
// 137; a start then is a 500 that names the container's state; once the
// container is removed, inspect finds none.
func TestExecLifecycle(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	plain := c.sleeper(nil)
	e := c.execIn(plain, map[string]any{"Cmd": []string{"true"}})
	_, hasUser := c.inspectExec(e).ProcessConfig["user"]
	assert.False(t, hasUser, "no user key when neither the exec nor the container has one")

	id := c.sleeper(map[string]any{"User": "1:2", "WorkingDir": "/made"})
	e = c.execIn(id, map[string]any{"Cmd": []string{"sh", "-c", "pwd; id"}, "AttachStdout": true})
	assert.Equal(t, "1:2", c.inspectExec(e).ProcessConfig["user"])
	s := c.hijack("/v1.56/exec/"+e+"/start", `{}`, true)
	out, _ := s.rest(5 * time.Second)
	stdout, _ := readFrames(t, []byte(out))
	assert.Equal(t, "/made\nuid=1(daemon) gid=2(bin) groups=2(bin)\n", stdout)
	var ci struct{ ExecIDs []string }
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.56/containers/"+id+"/json", nil).body, &ci))
	assert.Empty(t, ci.ExecIDs, "an ended exec leaves ExecIDs")

	s = c.hijack("/v1.56/exec/"+e+"/start", `{}`, true)
	out, _ = s.rest(5 * time.Second)
	stdout, _ = readFrames(t, []byte(out))
	assert.Equal(t, "Error: Exec command "+e+" has already run\r\n", stdout, "a start after the head reports in the stream")

	never := c.execIn(id, map[string]any{"Cmd": []string{"true"}})
	running := c.execIn(id, map[string]any{"Cmd": []string{"sleep", "100"}})
	r := c.do("POST", "/v1.56/exec/"+running+"/start", map[string]any{"Detach": true})
	require.Equal(t, 200, r.status, "%s", r.body)
	require.NoError(t, json.Unmarshal(c.do("GET", "/v1.56/containers/"+id+"/json", nil).body, &ci))
	assert.ElementsMatch(t, []string{never, running}, ci.ExecIDs)

	r = c.do("POST", "/v1.56/containers/"+id+"/kill", nil)
	require.Equal(t, 204, r.status)
	c.do("POST", "/v1.56/containers/"+id+"/wait", nil)
	r = c.do("POST", "/v1.56/exec/"+never+"/start", map[string]any{"Detach": false})
	assert.Equal(t, 404, r.status)
	assert.Equal(t, "No such exec instance: "+never, r.message())
	in := c.inspectExec(running)
	require.NotNil(t, in.ExitCode)
	assert.Equal(t, 137, *in.ExitCode)
	r = c.do("POST", "/v1.56/exec/"+running+"/start", map[string]any{"Detach": true})
	assert.Equal(t, 500, r.status)
	assert.Regexp(t, `^Container `+id+` is not running: Exited \(137\) `, r.message())
	r = c.do("POST", "/v1.56/containers/"+id+"/exec", map[string]any{"Cmd": []string{"true"}})
	assert.Equal(t, 409, r.status)
	assert.Equal(t, "Container "+id+" is not running", r.message())

	c.do("DELETE", "/v1.56/containers/"+id+"?force=1", nil)
	r = c.do("GET", "/v1.56/exec/"+e+"/json", nil)
	assert.Equal(t, 404, r.status, "no exec of a removed container")
}

// TestExecCreatePaused: exec create in a paused container names it as the
// request did.
func TestExecCreatePaused(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	c.create("exec-paused", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "600"}})
	require.Equal(t, 204, c.do("POST", "/v1.56/containers/exec-paused/start", nil).status)
	t.Cleanup(func() { c.do("DELETE", "/containers/exec-paused?force=1", nil) })
	require.Equal(t, 204, c.do("POST", "/v1.56/containers/exec-paused/pause", nil).status)
	r := c.do("POST", "/v1.56/containers/exec-paused/exec", map[string]any{"Cmd": []string{"true"}})
	assert.Equal(t, 409, r.status)
	assert.Equal(t, "Container exec-paused is paused, unpause the container before exec", r.message())
}

// TestExecCollector: like dockerd's collector, an exec no container lists
// (here: ended) turns CanRemove at the next 5-minute tick and is gone at
// the one after.
func TestExecCollector(t *testing.T) {
	var mu sync.Mutex
	now := time.Unix(1700000000, 0)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	advance := func(d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(d)
	}
	_, c := newClient(t, mockdaemon.Config{Clock: clock})
	id := c.sleeper(nil)
	ended := c.execIn(id, map[string]any{"Cmd": []string{"true"}, "AttachStdout": true})
	s := c.hijack("/v1.56/exec/"+ended+"/start", `{}`, true)
	s.rest(5 * time.Second)
	waiting := c.execIn(id, map[string]any{"Cmd": []string{"true"}})

	advance(4 * time.Minute)
	assert.False(t, c.inspectExec(ended).CanRemove, "before the first tick")
	advance(2 * time.Minute)
	assert.True(t, c.inspectExec(ended).CanRemove, "after the first tick")
	assert.False(t, c.inspectExec(waiting).CanRemove, "a created exec is live")
	advance(5 * time.Minute)
	assert.Equal(t, 404, c.do("GET", "/v1.56/exec/"+ended+"/json", nil).status, "dropped at the second tick")
	assert.False(t, c.inspectExec(waiting).CanRemove)
}
