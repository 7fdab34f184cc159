package mockdaemon_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"strconv"
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
