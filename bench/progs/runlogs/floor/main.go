// Command floor runs `echo hello` in a container of $BENCH_IMAGE with
// net/http over the unix socket of DOCKER_HOST, API version pinned:
// create, start, wait, logs (demultiplexed by hand) to stdout, remove.
package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
)

const base = "http://docker/v1.41"

var hc *http.Client

func main() {
	sock := strings.TrimPrefix(os.Getenv("DOCKER_HOST"), "unix://")
	if sock == "" {
		sock = "/var/run/docker.sock"
	}
	hc = &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", sock)
	}}}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// call makes a request and returns the body of a 2xx answer.
func call(method, path string, body any) (io.ReadCloser, error) {
	var in io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		in = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, base+path, in)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		return nil, fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, msg)
	}
	return resp.Body, nil
}

func run() error {
	body, err := call("POST", "/containers/create", map[string]any{"Image": os.Getenv("BENCH_IMAGE"), "Cmd": []string{"echo", "hello"}})
	if err != nil {
		return err
	}
	var c struct {
		ID string `json:"Id"`
	}
	err = json.NewDecoder(body).Decode(&c)
	body.Close()
	if err != nil {
		return err
	}
	defer func() {
		if b, err := call("DELETE", "/containers/"+c.ID+"?force=1", nil); err == nil {
			b.Close()
		}
	}()
	for _, p := range []string{"/start", "/wait"} {
		b, err := call("POST", "/containers/"+c.ID+p, nil)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, b)
		b.Close()
	}
	logs, err := call("GET", "/containers/"+c.ID+"/logs?stdout=1&stderr=1", nil)
	if err != nil {
		return err
	}
	defer logs.Close()
	return demux(os.Stdout, os.Stderr, logs)
}

// demux copies stdcopy frames: an 8-byte header (stream, 0, 0, 0, size)
// then size bytes.
func demux(stdout, stderr io.Writer, r io.Reader) error {
	var h [8]byte
	for {
		if _, err := io.ReadFull(r, h[:]); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		w := stdout
		if h[0] == 2 {
			w = stderr
		}
		if _, err := io.CopyN(w, r, int64(binary.BigEndian.Uint32(h[4:]))); err != nil {
			return err
		}
	}
}
