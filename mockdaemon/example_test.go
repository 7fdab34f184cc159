package mockdaemon_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/mockdaemon"
)

// A daemon serves any listener; here a plain net/http client asks it for a
// container that does not exist and gets dockerd's answer.
func Example() {
	d := mockdaemon.New(mockdaemon.Config{})
	defer d.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go d.Serve(l)

	resp, err := http.Get("http://" + l.Addr().String() + "/v1.41/containers/nosuch/json")
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, resp.Header.Get("Api-Version"))
	fmt.Print(string(body))
	// Output:
	// 404 1.56
	// {"message":"No such container: nosuch"}
}

// Faults make the next request of an operation fail; the request log
// shows what the client sent.
func ExampleDaemon_Inject() {
	d := mockdaemon.New(mockdaemon.Config{})
	defer d.Close()
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	go d.Serve(l)

	d.Inject(mockdaemon.Fault{Operation: "ContainerList", Status: 500, Message: "boom", Times: 1})
	for range 2 {
		resp, err := http.Get("http://" + l.Addr().String() + "/v1.56/containers/json")
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
	}
	for _, r := range d.Requests() {
		fmt.Println(r.Operation, r.Method, r.Template, r.Status)
	}
	// Output:
	// ContainerList GET /containers/json 500
	// ContainerList GET /containers/json 200
}

func BenchmarkContainerInspect(b *testing.B) {
	benchRequest(b, "GET", "/v1.56/containers/bench/json")
}

func BenchmarkContainerList(b *testing.B) {
	benchRequest(b, "GET", "/v1.56/containers/json?all=1")
}

func benchRequest(b *testing.B, method, path string) {
	d, host := mockdaemon.StartUnix(b, mockdaemon.Config{})
	_ = d
	sock := strings.TrimPrefix(host, "unix://")
	tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var dl net.Dialer
		return dl.DialContext(ctx, "unix", sock)
	}}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	for i := range 20 {
		name := fmt.Sprintf("c%d", i)
		if i == 0 {
			name = "bench"
		}
		resp, err := hc.Post("http://d/v1.56/containers/create?name="+name, "application/json", strings.NewReader(`{"Image":"busybox","Cmd":["true"],"Labels":{"a":"b"}}`))
		require.NoError(b, err, "create %s", name)
		resp.Body.Close()
	}
	b.ReportAllocs()
	b.ResetTimer()
	var n int64
	for b.Loop() {
		req, _ := http.NewRequest(method, "http://d"+path, nil)
		resp, err := hc.Do(req)
		require.NoError(b, err)
		m, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		require.Equal(b, 200, resp.StatusCode)
		n = m
	}
	b.SetBytes(n)
}
