package testnet_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dockwire/dockwire/internal/leakcheck"
	"github.com/dockwire/dockwire/internal/testnet"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestShortTempDirRemoved(t *testing.T) {
	var dir string
	t.Run("inner", func(t *testing.T) {
		dir = testnet.ShortTempDir(t)
		assert.LessOrEqual(t, len(dir), 64, "dir %q: want a short path", dir)
		assert.DirExists(t, dir)
	})
	_, err := os.Stat(dir)
	assert.ErrorIs(t, err, os.ErrNotExist, "dir after the test")
}

// Serve answers every connection, and its cleanup closes the listener and
// waits for the handlers, so no goroutine outlives the test.
func TestServeUnix(t *testing.T) {
	leakcheck.Check(t)
	l, sock := testnet.Unix(t)
	testnet.Serve(t, l, func(c net.Conn) {
		line, _ := bufio.NewReader(c).ReadString('\n')
		io.WriteString(c, strings.ToUpper(line))
	})
	for _, msg := range []string{"one\n", "two\n"} {
		c, err := net.Dial("unix", sock)
		require.NoError(t, err)
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, msg)
		got, err := io.ReadAll(c)
		c.Close()
		require.NoError(t, err)
		assert.Equal(t, strings.ToUpper(msg), string(got), "reply")
	}
}

func TestUnixHTTP(t *testing.T) {
	leakcheck.Check(t)
	open := testnet.UnixHTTP(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.URL.Path)
	}))
	c, err := open(t.Context())
	require.NoError(t, err)
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, "GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err)
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	assert.Equal(t, 200, res.StatusCode)
	assert.Equal(t, "/ping", string(body))
}
