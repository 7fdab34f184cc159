package main

import (
	"archive/tar"
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSIGTERMFinishesRequestsInFlight starts the built mockdockerd,
// opens an events stream, a logs stream that follows, an attach and an
// archive upload that is half sent, and sends SIGTERM: the listener
// closes, the three streams end, the upload is still answered once its
// body is all there, and the process exits 0.
func TestSIGTERMFinishesRequestsInFlight(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "mockdockerd")
	build := exec.CommandContext(t.Context(), goTool(), "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	sock := filepath.Join(dir, "d.sock")
	logf, err := os.Create(filepath.Join(dir, "stderr"))
	require.NoError(t, err)
	defer logf.Close()
	stderr := func() string { b, _ := os.ReadFile(logf.Name()); return string(b) }
	cmd := exec.Command(bin, "-H", "unix://"+sock)
	cmd.Stderr = logf
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	require.Eventually(t, func() bool {
		c, err := net.Dial("unix", sock)
		if err == nil {
			c.Close()
		}
		return err == nil
	}, 10*time.Second, 10*time.Millisecond, "mockdockerd listens")

	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	hc := &http.Client{Transport: &http.Transport{
		DisableKeepAlives: true,
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		},
	}}
	send := func(method, path string, body io.Reader) *http.Response {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, method, "http://docker/v1.41"+path, body)
		require.NoError(t, err)
		if method == "POST" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := hc.Do(req)
		require.NoError(t, err, "%s %s", method, path)
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}

	resp := send("POST", "/containers/create", strings.NewReader(`{"Image":"busybox","Cmd":["sleep","100"]}`))
	require.Equal(t, 201, resp.StatusCode)
	var created struct{ Id string }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&created))
	id := created.Id
	require.Equal(t, 204, send("POST", "/containers/"+id+"/start", nil).StatusCode)

	// the streams: events, logs that follow, an attach (hijacked)
	events := send("GET", "/events", nil)
	require.Equal(t, 200, events.StatusCode)
	logs := send("GET", "/containers/"+id+"/logs?follow=1&stdout=1", nil)
	require.Equal(t, 200, logs.StatusCode)
	attach, err := net.Dial("unix", sock)
	require.NoError(t, err)
	defer attach.Close()
	_, err = io.WriteString(attach, "POST /v1.41/containers/"+id+"/attach?stream=1&stdout=1 HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n")
	require.NoError(t, err)
	attachR := bufio.NewReader(attach)
	head, err := http.ReadResponse(attachR, nil)
	require.NoError(t, err)
	require.Equal(t, 101, head.StatusCode)

	// the plain request: an upload whose first half is sent
	const size = 1 << 20
	pr, pw := io.Pipe()
	answer := make(chan *http.Response, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, "PUT", "http://docker/v1.41/containers/"+id+"/archive?path=/tmp", pr)
		resp, err := hc.Do(req)
		if err != nil {
			t.Log("PUT archive:", err)
			resp = nil
		}
		answer <- resp
	}()
	tw := tar.NewWriter(pw)
	require.NoError(t, tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "upload", Size: size, Mode: 0o644}))
	_, err = tw.Write(make([]byte, size/2))
	require.NoError(t, err)

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	require.Eventually(t, func() bool {
		c, err := net.Dial("unix", sock)
		if err == nil {
			c.Close()
		}
		return err != nil
	}, 10*time.Second, 10*time.Millisecond, "the listener closes")

	for name, r := range map[string]io.Reader{"events": events.Body, "logs": logs.Body, "attach": attachR} {
		ended := make(chan error, 1)
		go func() {
			_, err := io.Copy(io.Discard, r)
			ended <- err
		}()
		select {
		case err := <-ended:
			assert.True(t, err == nil || errors.Is(err, io.ErrUnexpectedEOF), "%s ends: %v", name, err)
		case <-time.After(10 * time.Second):
			assert.Fail(t, name+" still open after SIGTERM")
		}
	}

	// the upload finishes and is answered
	_, err = tw.Write(make([]byte, size/2))
	require.NoError(t, err)
	require.NoError(t, tw.Close())
	require.NoError(t, pw.Close())
	put := <-answer
	require.NotNil(t, put, "PUT archive answered")
	defer put.Body.Close()
	assert.Equal(t, 200, put.StatusCode)

	select {
	case err := <-exited:
		exited <- err // for the cleanup
		assert.NoError(t, err, "mockdockerd exits 0; stderr: %s", stderr())
	case <-time.After(30 * time.Second):
		assert.Fail(t, "mockdockerd still running after SIGTERM", "stderr: %s", stderr())
	}
	_, err = os.Stat(sock)
	assert.True(t, os.IsNotExist(err), "the socket is removed")
}

// goTool is the go command of the toolchain running this test.
func goTool() string {
	if p, err := exec.LookPath(filepath.Join(runtime.GOROOT(), "bin", "go")); err == nil {
		return p
	}
	return "go"
}
