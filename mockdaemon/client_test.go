package mockdaemon_test

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// The tests' clients: client talks HTTP to a daemon's unix socket, serve
// goes straight through ServeHTTP.

// client talks HTTP to a daemon's unix socket.
type client struct {
	t    *testing.T
	sock string
	hc   *http.Client
}

func newClient(t *testing.T, cfg mockdaemon.Config) (*mockdaemon.Daemon, *client) {
	t.Helper()
	d, host := mockdaemon.StartUnix(t, cfg)
	sock := strings.TrimPrefix(host, "unix://")
	tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var dl net.Dialer
		return dl.DialContext(ctx, "unix", sock)
	}}
	t.Cleanup(tr.CloseIdleConnections)
	return d, &client{t: t, sock: sock, hc: &http.Client{Transport: tr}}
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) message() string {
	var m struct{ Message string }
	_ = json.Unmarshal(r.body, &m)
	return m.Message
}

// do sends a request with body as JSON (none when nil) and fails the
// test when no answer comes. It takes no context: cleanups call it after
// the test's context has ended.
func (c *client) do(method, path string, body any) reply {
	c.t.Helper()
	res := c.send(method, path, body)
	require.NoError(c.t, res.err, "%s %s", method, path)
	return res.reply
}

// result is a reply, or the error that kept it from coming.
type result struct {
	reply
	err error
}

// send is do for a goroutine other than the test's, where require must
// not stop the test: it returns the error for the test's goroutine to
// check.
func (c *client) send(method, path string, body any) result {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return result{err: err}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, "http://docker"+path, rd)
	if err != nil {
		return result{err: err}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return result{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return result{reply{resp.StatusCode, resp.Header, b}, err}
}

func (c *client) create(name string, cfg map[string]any) string {
	c.t.Helper()
	r := c.do("POST", "/v1.56/containers/create?name="+name, cfg)
	require.Equal(c.t, 201, r.status, "create: %s", r.body)
	var out struct{ Id string }
	require.NoError(c.t, json.Unmarshal(r.body, &out))
	return out.Id
}

// runWait creates and starts a container and waits for it to exit.
func (c *client) runWait(cfg map[string]any) string {
	c.t.Helper()
	id := c.create("", cfg)
	r := c.do("POST", "/v1.56/containers/"+id+"/start", nil)
	require.Equal(c.t, 204, r.status, "start: %s", r.body)
	r = c.do("POST", "/v1.56/containers/"+id+"/wait", nil)
	require.Equal(c.t, 200, r.status, "wait: %s", r.body)
	return id
}

// buildStream sends a build of the context files with query and returns
// its JSON stream.
func (c *client) buildStream(query string, files map[string]string) string {
	c.t.Helper()
	req, err := http.NewRequestWithContext(c.t.Context(), "POST", "http://docker/v1.56/build?"+query, bytes.NewReader(tarOf(c.t, files)))
	require.NoError(c.t, err)
	resp, err := c.hc.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return string(body)
}

// build builds a Dockerfile tagged tag and fails the test on error.
func (c *client) build(tag, dockerfile string) {
	c.t.Helper()
	out := c.buildStream("t="+tag, map[string]string{"Dockerfile": dockerfile})
	require.Contains(c.t, out, "Successfully tagged "+tag, "build %s", tag)
}

// buildAndRun builds a one-file context with dockerfile and returns what
// the built image's CMD prints, or the build stream when the build fails.
func (c *client) buildAndRun(tag, dockerfile string) (string, bool) {
	c.t.Helper()
	out := c.buildStream("t="+tag, map[string]string{"Dockerfile": dockerfile, "hello.txt": "hi\n"})
	if !strings.Contains(out, "Successfully tagged "+tag) {
		return out, false
	}
	id := c.runWait(map[string]any{"Image": tag})
	stdout, _ := readFrames(c.t, c.do("GET", "/containers/"+id+"/logs?stdout=1&stderr=1", nil).body)
	return stdout, true
}

// readFrames decodes stdcopy frames into stdout and stderr.
func readFrames(t *testing.T, b []byte) (string, string) {
	t.Helper()
	var out, errb strings.Builder
	for len(b) > 0 {
		require.GreaterOrEqual(t, len(b), 8, "truncated frame header: %q", b)
		n := int(binary.BigEndian.Uint32(b[4:8]))
		require.GreaterOrEqual(t, len(b), 8+n, "truncated frame")
		switch b[0] {
		case 1:
			out.Write(b[8 : 8+n])
		case 2:
			errb.Write(b[8 : 8+n])
		default:
			require.Failf(t, "bad frame", "stream %d", b[0])
		}
		b = b[8+n:]
	}
	return out.String(), errb.String()
}

func tarOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for name, data := range files {
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}))
		_, err := tw.Write([]byte(data))
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	return buf.Bytes()
}

// untilNow is an events until parameter for this instant (seconds.nanos).
func untilNow() string {
	now := time.Now()
	return fmt.Sprintf("%d.%09d", now.Unix(), now.Nanosecond())
}

// eventActions reads an events stream into "action id" lines, calling
// check (when not nil) on each event's attributes.
func eventActions(t *testing.T, body []byte, check func(action string, attrs map[string]string)) []string {
	t.Helper()
	var got []string
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		var ev struct {
			Action string
			Actor  struct {
				ID         string
				Attributes map[string]string
			}
		}
		if err := dec.Decode(&ev); err == io.EOF {
			return got
		} else {
			require.NoError(t, err)
		}
		got = append(got, ev.Action+" "+ev.Actor.ID)
		if check != nil {
			check(ev.Action, ev.Actor.Attributes)
		}
	}
}

// serve sends one request straight through ServeHTTP.
func serve(d *mockdaemon.Daemon, method, path string, body []byte) *httptest.ResponseRecorder {
	req, _ := http.NewRequest(method, "http://docker"+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if method == "PUT" {
		req.Header.Set("Content-Type", "application/x-tar")
	}
	rec := httptest.NewRecorder()
	d.ServeHTTP(rec, req)
	return rec
}

// message is the {"message": ...} of an error answer.
func message(rec *httptest.ResponseRecorder) string {
	var m struct{ Message string }
	_ = json.Unmarshal(rec.Body.Bytes(), &m)
	return m.Message
}

// poll calls cond every 10 ms, in the caller's goroutine (cond may fail
// the test), until it reports true or timeout passes; it reports whether
// cond did.
func poll(timeout time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(timeout); ; time.Sleep(10 * time.Millisecond) {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

// settle fails the test, showing every goroutine's stack, when the
// goroutines do not come back to about n (the count before the daemon
// started) within 10 s.
func settle(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > n+2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !assert.LessOrEqual(t, runtime.NumGoroutine(), n+2, "goroutines, %d before", n) {
		buf := make([]byte, 1<<16)
		t.Logf("goroutines:\n%s", buf[:runtime.Stack(buf, true)])
	}
}

// tarFile is the content of the member name of the tar archive b.
func tarFile(t *testing.T, b []byte, name string) string {
	t.Helper()
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		require.NoError(t, err, "no %s in the archive", name)
		if h.Name == name {
			data, err := io.ReadAll(tr)
			require.NoError(t, err)
			return string(data)
		}
	}
}

// pastEvents lists the events logged so far that the filters (JSON) match,
// each decoded; it waits for the end of the current second (until).
func (c *client) pastEvents(filters string) []map[string]any {
	c.t.Helper()
	until := strconv.FormatInt(time.Now().Unix()+1, 10)
	r := c.do("GET", "/v1.41/events?since=0&until="+until+"&filters="+url.QueryEscape(filters), nil)
	require.Equal(c.t, 200, r.status, "events: %s", r.body)
	var out []map[string]any
	dec := json.NewDecoder(bytes.NewReader(r.body))
	for dec.More() {
		var ev map[string]any
		require.NoError(c.t, dec.Decode(&ev), "events: %s", r.body)
		out = append(out, ev)
	}
	return out
}

// actionsOf lists the events' actions.
func actionsOf(evs []map[string]any) []string {
	var out []string
	for _, ev := range evs {
		a, _ := ev["Action"].(string)
		out = append(out, a)
	}
	return out
}
