package fuzz

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/wire"
)

// TestCaptureSeeds records seed corpus files from a real dockerd: raw
// responses for FuzzWireResponse and FuzzWireUpgrade, their bodies for
// FuzzMuxReader, FuzzWireStream and FuzzWireError. It runs only on demand,
// once, against the shared test daemon:
//
//	eval "$(scripts/dockerd.sh env)"
//	DOCKWIRE_FUZZ_CAPTURE=1 go test -run '^TestCaptureSeeds$' ./fuzz
//
// It writes testdata/fuzz/<Target>/real-<what> files, to be committed.
func TestCaptureSeeds(t *testing.T) {
	host := os.Getenv("DOCKWIRE_REAL_DOCKER_HOST")
	if os.Getenv("DOCKWIRE_FUZZ_CAPTURE") != "1" || !strings.HasPrefix(host, "unix://") {
		t.Skip("capture on demand: DOCKWIRE_FUZZ_CAPTURE=1 and a unix DOCKWIRE_REAL_DOCKER_HOST")
	}
	sock := strings.TrimPrefix(host, "unix://")
	image := os.Getenv("DOCKWIRE_REAL_IMAGE")
	if image == "" {
		image = "busybox:dockwire"
	}
	// raw sends one request on a fresh connection and returns every byte of
	// the answer until the daemon closes (Connection: close) or 20 s pass.
	raw := func(method, target, body string, extra ...string) []byte {
		t.Helper()
		c, err := net.Dial("unix", sock)
		require.NoError(t, err)
		defer c.Close()
		c.SetDeadline(time.Now().Add(20 * time.Second))
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: api.moby.localhost\r\n", method, target)
		for _, h := range extra {
			b.WriteString(h + "\r\n")
		}
		if len(extra) == 0 {
			b.WriteString("Connection: close\r\n")
		}
		if body != "" || method == "POST" {
			fmt.Fprintf(&b, "Content-Type: application/json\r\nContent-Length: %d\r\n", len(body))
		}
		b.WriteString("\r\n" + body)
		_, err = io.WriteString(c, b.String())
		require.NoError(t, err)
		out, _ := io.ReadAll(c)
		return out
	}
	bodyOf := func(resp []byte, method string) (*wire.Response, []byte) {
		t.Helper()
		r, err := wire.ReadResponse(bufio.NewReader(bytes.NewReader(resp)), method)
		require.NoError(t, err, "captured response %q", resp)
		b, err := io.ReadAll(r.Body)
		require.NoError(t, err, "captured body")
		return r, b
	}
	write := func(target, name string, values ...string) {
		t.Helper()
		dir := filepath.Join("testdata", "fuzz", target)
		require.NoError(t, os.MkdirAll(dir, 0o755))
		data := "go test fuzz v1\n" + strings.Join(values, "\n") + "\n"
		require.NoError(t, os.WriteFile(filepath.Join(dir, "real-"+name), []byte(data), 0o644))
		t.Logf("wrote %s/real-%s (%d bytes)", dir, name, len(data))
	}
	bytesV := func(b []byte) string { return fmt.Sprintf("[]byte(%q)", b) }
	create := func(cmd string) string {
		t.Helper()
		spec, _ := json.Marshal(map[string]any{"Image": image, "Cmd": []string{"sh", "-c", cmd}})
		_, b := bodyOf(raw("POST", "/v1.41/containers/create", string(spec)), "POST")
		var r struct{ Id string }
		require.NoError(t, json.Unmarshal(b, &r), "create: %s", b)
		require.NotEmpty(t, r.Id, "create: %s", b)
		t.Cleanup(func() { raw("DELETE", "/v1.41/containers/"+r.Id+"?force=1", "") })
		return r.Id
	}
	since := strconv.FormatInt(time.Now().Add(-time.Second).Unix(), 10)

	ping := raw("GET", "/_ping", "")
	write("FuzzWireResponse", "ping", bytesV(ping), "bool(false)")
	write("FuzzWireResponse", "ping-head", bytesV(raw("HEAD", "/_ping", "")), "bool(true)")

	nf := raw("GET", "/v1.41/containers/nosuchcontainer/json", "")
	write("FuzzWireResponse", "not-found", bytesV(nf), "bool(false)")
	r, b := bodyOf(nf, "GET")
	write("FuzzWireError", "not-found", fmt.Sprintf("int(%d)", r.StatusCode), fmt.Sprintf("string(%q)", r.Header.Get("Content-Type")), bytesV(b))
	bad := raw("POST", "/v1.41/containers/create", `{"Image":`)
	r, b = bodyOf(bad, "POST")
	write("FuzzWireError", "bad-create", fmt.Sprintf("int(%d)", r.StatusCode), fmt.Sprintf("string(%q)", r.Header.Get("Content-Type")), bytesV(b))

	// Logs: a multiplexed stream with stdout and stderr frames.
	id := create("echo out; echo err >&2; printf 'no newline'")
	raw("POST", "/v1.41/containers/"+id+"/start", "")
	raw("POST", "/v1.41/containers/"+id+"/wait", "")
	logs := raw("GET", "/v1.41/containers/"+id+"/logs?stdout=1&stderr=1&timestamps=1", "")
	write("FuzzWireResponse", "logs", bytesV(logs), "bool(false)")
	_, b = bodyOf(logs, "GET")
	write("FuzzMuxReader", "logs", bytesV(b))

	// Attach: 101, then the multiplexed stream until the container exits.
	id = create("sleep 1; echo hi; echo oops >&2; exit 3")
	done := make(chan []byte)
	go func() {
		done <- raw("POST", "/v1.41/containers/"+id+"/attach?stream=1&stdout=1&stderr=1", "",
			"Connection: Upgrade", "Upgrade: tcp", "Content-Length: 0")
	}()
	time.Sleep(300 * time.Millisecond)
	raw("POST", "/v1.41/containers/"+id+"/start", "")
	attach := <-done
	write("FuzzWireUpgrade", "attach", bytesV(attach))
	write("FuzzWireResponse", "attach", bytesV(attach), "bool(false)")
	if i := bytes.Index(attach, []byte("\r\n\r\n")); i > 0 {
		write("FuzzMuxReader", "attach", bytesV(attach[i+4:]))
	}
	write("FuzzWireUpgrade", "not-found", bytesV(raw("POST", "/v1.41/containers/nosuchcontainer/attach?stream=1&stdout=1", "",
		"Connection: Upgrade", "Upgrade: tcp", "Content-Length: 0")))

	// A pull from a closed port: progress, then an in-band error record.
	pull := raw("POST", "/v1.41/images/create?fromImage=127.0.0.1:9/x&tag=y", "")
	write("FuzzWireResponse", "pull-error", bytesV(pull), "bool(false)")
	_, b = bodyOf(pull, "POST")
	write("FuzzWireStream", "pull-error", bytesV(b), "uint8(199)", "bool(false)")
	write("FuzzWireStream", "pull-error-typed", bytesV(b), "uint8(199)", "bool(true)")

	// Events of the above, until now.
	until := strconv.FormatInt(time.Now().Unix()+1, 10)
	time.Sleep(1100 * time.Millisecond)
	ev := raw("GET", "/v1.41/events?since="+since+"&until="+until, "")
	write("FuzzWireResponse", "events", bytesV(ev), "bool(false)")
	_, b = bodyOf(ev, "GET")
	write("FuzzWireStream", "events", bytesV(b), "uint8(199)", "bool(true)")
}
