package mockdaemon_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dockwire/dockwire/mockdaemon"
)

// buildAndRun builds a one-file context with dockerfile and returns what
// the built image's CMD prints, or the build stream when the build fails.
func buildAndRun(t *testing.T, c *client, tag, dockerfile string) (string, bool) {
	t.Helper()
	ctx := tarOf(t, map[string]string{"Dockerfile": dockerfile, "hello.txt": "hi\n"})
	req, _ := http.NewRequest("POST", "http://docker/v1.56/build?t="+tag, bytes.NewReader(ctx))
	resp, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "Successfully tagged "+tag) {
		return string(body), false
	}
	id := c.create("", map[string]any{"Image": tag})
	c.do("POST", "/containers/"+id+"/start", nil)
	c.do("POST", "/containers/"+id+"/wait", nil)
	out, _ := readFrames(t, c.do("GET", "/containers/"+id+"/logs?stdout=1&stderr=1", nil).body)
	return out, true
}

func TestBuildCopyDestinations(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	tests := []struct {
		name, dockerfile, want string
	}{
		{"dot under workdir", "FROM busybox\nWORKDIR /app\nCOPY hello.txt .\nCMD [\"cat\", \"/app/hello.txt\"]\n", "hi\n"},
		{"dir with slash", "FROM busybox\nCOPY hello.txt /d/\nCMD [\"cat\", \"/d/hello.txt\"]\n", "hi\n"},
		{"existing dir", "FROM busybox\nCOPY hello.txt /tmp\nCMD [\"cat\", \"/tmp/hello.txt\"]\n", "hi\n"},
		{"slash dot", "FROM busybox\nCOPY hello.txt /e/.\nCMD [\"cat\", \"/e/hello.txt\"]\n", "hi\n"},
		{"new file name", "FROM busybox\nCOPY hello.txt /f.txt\nCMD [\"cat\", \"/f.txt\"]\n", "hi\n"},
		{"relative file", "FROM busybox\nWORKDIR /w\nCOPY hello.txt g.txt\nCMD [\"cat\", \"/w/g.txt\"]\n", "hi\n"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, ok := buildAndRun(t, c, "copy"+itoa(int64(i))+":t", tt.dockerfile)
			if !ok {
				t.Fatalf("build failed: %s", out)
			}
			if out != tt.want {
				t.Errorf("ran %q, want %q", out, tt.want)
			}
		})
	}
}

// TestExecOutputAfterUpgradeHead: docker-py reads an upgraded exec from
// the raw socket once http.client has parsed the head; output that arrives
// in the same read as the head would be lost, so it must come later.
func TestExecOutputAfterUpgradeHead(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("execpause", map[string]any{"Image": "busybox", "Cmd": []string{"sleep", "60"}})
	c.do("POST", "/containers/"+id+"/start", nil)
	r := c.do("POST", "/containers/"+id+"/exec", map[string]any{"Cmd": []string{"echo", "fast"}, "AttachStdout": true})
	var ex struct{ Id string }
	if err := json.Unmarshal(r.body, &ex); err != nil || ex.Id == "" {
		t.Fatalf("exec create %d %s", r.status, r.body)
	}
	conn, err := net.Dial("unix", c.sock)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"Detach":false,"Tty":false}`
	_, _ = io.WriteString(conn, "POST /v1.56/exec/"+ex.Id+"/start HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: "+itoa(int64(len(body)))+"\r\n\r\n"+body)
	// Read the head with one unbuffered read after it has surely arrived.
	time.Sleep(5 * time.Millisecond)
	buf := make([]byte, 4096)
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := conn.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	head := string(buf[:n])
	if !strings.HasPrefix(head, "HTTP/1.1 101 UPGRADED\r\n") || !strings.HasSuffix(head, "\r\n\r\n") {
		t.Fatalf("first read %q: output arrived together with the head", head)
	}
	rest, _ := io.ReadAll(bufio.NewReader(conn))
	out, _ := readFrames(t, rest)
	if out != "fast\n" {
		t.Errorf("exec output %q", out)
	}
	c.do("DELETE", "/containers/"+id+"?force=1", nil)
}

// TestAutoRemoveWaitAfterStart: dockerode's run starts, then waits; the
// container has exited by then, but like dockerd it is still there
// ("removing") and the wait answers its exit code; then it goes away.
func TestAutoRemoveWaitAfterStart(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	id := c.create("autorm", map[string]any{"Image": "busybox", "Cmd": []string{"sh", "-c", "exit 4"}, "HostConfig": map[string]any{"AutoRemove": true}})
	if r := c.do("POST", "/containers/"+id+"/start", nil); r.status != 204 {
		t.Fatalf("start %d", r.status)
	}
	if r := c.do("POST", "/containers/"+id+"/wait", nil); r.status != 200 || !strings.Contains(string(r.body), `"StatusCode":4`) {
		t.Fatalf("wait after start: %d %s", r.status, r.body)
	}
	if r := c.do("POST", "/containers/"+id+"/wait?condition=removed", nil); r.status != 200 && r.status != 404 {
		t.Fatalf("wait removed: %d %s", r.status, r.body)
	}
	if r := c.do("GET", "/containers/"+id+"/json", nil); r.status != 404 {
		t.Errorf("inspect after removal: %d", r.status)
	}
}

func TestNetworkCreateErrors(t *testing.T) {
	_, c := newClient(t, mockdaemon.Config{})
	tests := []struct {
		name   string
		body   map[string]any
		status int
		msg    string
	}{
		{"bad subnet", map[string]any{"Name": "n1", "IPAM": map[string]any{"Config": []any{map[string]any{"Subnet": "nonsense"}}}}, 400, "Invalid subnet nonsense : invalid CIDR address: nonsense"},
		{"no name", map[string]any{}, 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.do("POST", "/networks/create", tt.body)
			if r.status != tt.status || (tt.msg != "" && r.message() != tt.msg) {
				t.Errorf("%d %q, want %d %q", r.status, r.message(), tt.status, tt.msg)
			}
		})
	}
}
