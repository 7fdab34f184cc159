package testnet_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dockwire/dockwire/internal/leakcheck"
	"github.com/dockwire/dockwire/internal/testnet"
)

func TestShortTempDirRemoved(t *testing.T) {
	var dir string
	t.Run("inner", func(t *testing.T) {
		dir = testnet.ShortTempDir(t)
		if len(dir) > 64 {
			t.Errorf("dir %q: %d bytes, want a short path", dir, len(dir))
		}
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			t.Fatalf("stat %q: %v", dir, err)
		}
	})
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("dir %q after the test: %v, want removed", dir, err)
	}
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
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, msg)
		got, err := io.ReadAll(c)
		c.Close()
		if err != nil || string(got) != strings.ToUpper(msg) {
			t.Errorf("reply %q, %v; want %q", got, err, strings.ToUpper(msg))
		}
	}
}

func TestUnixHTTP(t *testing.T) {
	leakcheck.Check(t)
	open := testnet.UnixHTTP(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.URL.Path)
	}))
	c, err := open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, "GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || string(body) != "/ping" {
		t.Errorf("got %d %q, want 200 \"/ping\"", res.StatusCode, body)
	}
}
