package mockdaemon_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// TestLoadKeepsTheConnection: a load answers while it reads its body (full
// duplex, as dockerd) and reads that body to its end, so a client sending
// it chunked on a kept-alive connection can send its next request there.
// The body's last bytes (the tar's end blocks) were left unread and the
// server closed the connection under the client (dockerode: EPIPE).
func TestLoadKeepsTheConnection(t *testing.T) {
	_, host := mockdaemon.StartUnix(t, mockdaemon.Config{})
	sock := strings.TrimPrefix(host, "unix://")
	cl := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", sock)
	}}}
	resp, err := cl.Get("http://d/v1.56/images/busybox/get")
	require.NoError(t, err)
	saved, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	resp.Body.Close()

	conn, err := net.Dial("unix", sock)
	require.NoError(t, err)
	defer conn.Close()
	br := bufio.NewReader(conn)
	// the body chunked as a streaming client sends it, its last chunk (the
	// terminator) only once the answer has come
	_, err = fmt.Fprintf(conn, "POST /v1.56/images/load?quiet=0 HTTP/1.1\r\nHost: d\r\nContent-Type: application/x-tar\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n", len(saved), saved)
	require.NoError(t, err)
	resp, err = http.ReadResponse(br, &http.Request{Method: "POST"})
	require.NoError(t, err)
	lines := bufio.NewReader(resp.Body)
	for {
		line, err := lines.ReadString('\n')
		require.NoError(t, err, "the answer before the body's end")
		if strings.Contains(line, "Loaded image") {
			break
		}
	}
	_, err = io.WriteString(conn, "0\r\n\r\n")
	require.NoError(t, err)
	_, err = io.Copy(io.Discard, lines)
	require.NoError(t, err)
	assert.False(t, resp.Close, "the answer keeps the connection")

	ping, err := http.NewRequest("GET", "http://d/_ping", nil)
	require.NoError(t, err)
	require.NoError(t, ping.Write(conn))
	resp, err = http.ReadResponse(br, ping)
	require.NoError(t, err, "the next request on the same connection")
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, "OK", string(body))
}
