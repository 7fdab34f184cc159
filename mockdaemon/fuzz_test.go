package mockdaemon_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// fuzzSetup is what every FuzzHandler input runs after, so that paths
// naming "fz", its exec and "fznet"/"fzvol" reach real state.
var fuzzSetup = []struct{ method, path, body string }{
	{"POST", "/containers/create?name=fz", `{"Image":"busybox","Cmd":["sh","-c","echo hi; sleep 100"],"OpenStdin":true,"Labels":{"a":"b"}}`},
	{"POST", "/containers/fz/start", ""},
	{"POST", "/containers/create?name=fzstopped", `{"Image":"busybox","Cmd":["true"]}`},
	{"POST", "/networks/create", `{"Name":"fznet","IPAM":{"Config":[{"Subnet":"10.99.0.0/24"}]}}`},
	{"POST", "/volumes/create", `{"Name":"fzvol"}`},
}

// settleFuzzSetup waits (at most a second) until fz has written its
// output, so that the coverage an input reaches does not depend on how far
// the container got before the request: the fuzzer's minimizer needs an
// input to reach the same code each time it runs.
func settleFuzzSetup(d *mockdaemon.Daemon) {
	for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Microsecond) {
		req, _ := http.NewRequest("GET", "http://docker/containers/fz/logs?stdout=1", nil)
		rec := httptest.NewRecorder()
		d.ServeHTTP(rec, req)
		if bytes.Contains(rec.Body.Bytes(), []byte("hi")) {
			return
		}
	}
}

// FuzzHandler sends an arbitrary method, path, query and body through
// ServeHTTP: it never panics or hangs, always answers a valid status, and a
// 4xx/5xx carries a JSON {"message": ...} body (but for HEAD and 304).
func FuzzHandler(f *testing.F) {
	seeds := []struct{ method, path, query, body string }{
		{"GET", "/_ping", "", ""},
		{"HEAD", "/_ping", "", ""},
		{"GET", "/v1.41/version", "", ""},
		{"GET", "/v1.99/info", "", ""},
		{"GET", "/v1.x/info", "", ""},
		{"GET", "/containers/json", "all=1&filters={\"label\":[\"a=b\"]}", ""},
		{"GET", "/containers/json", "filters={bad", ""},
		{"POST", "/containers/create", "name=x", `{"Image":"busybox","Cmd":["echo","hi"],"HostConfig":{"Memory":-1}}`},
		{"POST", "/containers/create", "", `{"Image":"nosuch"}`},
		{"POST", "/containers/create", "", `{`},
		{"GET", "/containers/fz/json", "size=1", ""},
		{"GET", "/containers/fz/logs", "stdout=1&stderr=1&timestamps=1&tail=x&since=abc", ""},
		{"GET", "/containers/fz/logs", "follow=1&stdout=1", ""},
		{"POST", "/containers/fz/kill", "signal=SIGWHAT", ""},
		{"POST", "/containers/fz/stop", "t=-5", ""},
		{"POST", "/containers/fz/wait", "condition=removed", ""},
		{"POST", "/containers/fz/exec", "", `{"Cmd":["sh","-c","exit 3"]}`},
		{"POST", "/containers/fz/resize", "h=-1&w=99999999999", ""},
		{"GET", "/containers/fz/archive", "path=/etc/hostname", ""},
		{"HEAD", "/containers/fz/archive", "path=../../..", ""},
		{"PUT", "/containers/fz/archive", "path=/tmp", "not a tar"},
		{"GET", "/containers/fz/stats", "stream=0", ""},
		{"GET", "/containers/fz/top", "ps_args=-ef", ""},
		{"POST", "/containers/fzstopped/update", "", `{"Memory":1,"RestartPolicy":{"Name":"always"}}`},
		{"POST", "/containers/fzstopped/rename", "name=", ""},
		{"DELETE", "/containers/fz", "force=1&v=1", ""},
		{"POST", "/containers/fz/attach", "stream=1&stdout=1", ""},
		{"GET", "/events", "since=0&until=1", ""},
		{"GET", "/events", "since=9999999999999999999", ""},
		{"POST", "/build", "t=x:y&buildargs={}", "\x00\x01"},
		{"POST", "/images/create", "fromImage=busybox&tag=latest", ""},
		{"POST", "/images/create", "fromSrc=-&repo=imp", "junk"},
		{"POST", "/images/load", "quiet=1", "junk"},
		{"GET", "/images/get", "names=busybox", ""},
		{"GET", "/images/busybox/history", "", ""},
		{"POST", "/images/busybox/tag", "repo=UPPER&tag=!!", ""},
		{"DELETE", "/images/sha256:", "", ""},
		{"GET", "/images/search", "term=127.0.0.1:9/x&limit=-1", ""},
		{"POST", "/networks/fznet/connect", "", `{"Container":"fz","EndpointConfig":{"IPAMConfig":{"IPv4Address":"10.99.0.300"}}}`},
		{"POST", "/networks/create", "", `{"Name":"n","IPAM":{"Config":[{"Subnet":"10.0.0.0/33"}]}}`},
		{"POST", "/volumes/prune", "filters={\"all\":[\"true\"]}", ""},
		{"GET", "/volumes/fzvol", "", ""},
		{"POST", "/commit", "container=fz&repo=c&changes=CMD%20x", ""},
		{"GET", "/system/df", "type=container", ""},
		{"POST", "/swarm/init", "", `{"ListenAddr":"0.0.0.0:2377"}`},
		{"GET", "/plugins", "", ""},
		{"GET", "/distribution/busybox/json", "", ""},
		{"PATCH", "/nowhere", "", ""},
		{"GET", "//containers//json", "", ""},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.query, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, method, path, query string, body []byte) {
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		if len(body) > 4<<10 {
			// Larger bodies reach no further, and only slow down the
			// minimizer.
			body = body[:4<<10]
		}
		d := mockdaemon.New(mockdaemon.Config{})
		defer d.Close()
		for _, s := range fuzzSetup {
			req, _ := http.NewRequest(s.method, "http://docker"+s.path, strings.NewReader(s.body))
			req.Header.Set("Content-Type", "application/json")
			d.ServeHTTP(httptest.NewRecorder(), req)
		}
		settleFuzzSetup(d)
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		u := &url.URL{Scheme: "http", Host: "docker", Path: path, RawQuery: query}
		req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(body))
		if err != nil {
			return // not a request a client can send
		}
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		done := make(chan struct{})
		go func() {
			defer close(done)
			d.ServeHTTP(rec, req)
		}()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			// no handler outlives its request's context (50 ms)
			d.Close()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				require.Failf(t, "no answer, even 10 s after Close", "%s %s?%s", method, path, query)
			}
			require.Failf(t, "still running 3 s after a 50 ms request context", "%s %s?%s", method, path, query)
		}
		code := rec.Code
		require.True(t, code >= 100 && code <= 599, "%s %s?%s: status %d", method, path, query, code)
		if code < 400 || method == "HEAD" {
			return
		}
		var msg struct {
			Message *string `json:"message"`
		}
		b := rec.Body.Bytes()
		answer := fmt.Sprintf("%s %s?%s: %d with body %q, want JSON {\"message\": ...}", method, path, query, code, b)
		require.NoError(t, json.Unmarshal(b, &msg), answer)
		require.NotNil(t, msg.Message, answer)
		require.NotEmpty(t, *msg.Message, answer)
		assert.Equal(t, "application/json", rec.Header().Get("Content-Type"), "%s %s?%s: %d", method, path, query, code)
	})
}
