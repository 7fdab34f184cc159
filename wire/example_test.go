package wire_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/dockwire/dockwire/wire"
)

func ExamplePath() {
	p, err := wire.Path("/images/{}/json", "registry:5000/library/busybox:1.36")
	fmt.Println(p, err)
	_, err = wire.Path("/containers/{}/json", "..")
	fmt.Println(errors.Is(err, wire.ErrInvalidArgument))
	// Output:
	// /images/registry:5000%2Flibrary%2Fbusybox:1.36/json <nil>
	// true
}

func ExampleFilters_Encode() {
	f := wire.Filters{"label": {"com.example=1"}, "status": {"running"}}
	fmt.Println(f.Encode())
	// Output: {"label":{"com.example=1":true},"status":{"running":true}}
}

func ExampleNegotiate() {
	fmt.Println(wire.Negotiate(wire.MaxVersion, wire.Version{Major: 1, Minor: 41}))
	fmt.Println(wire.Negotiate(wire.Version{Major: 1, Minor: 44}, wire.Version{})) // daemon did not say
	// Output:
	// 1.41
	// 1.44
}

func ExampleWriteRequest() {
	var buf strings.Builder
	w := bufio.NewWriter(&buf)
	req := &wire.Request{Method: "GET", Path: "/containers/json", Query: map[string][]string{"all": {"1"}}}
	wire.WriteRequest(w, wire.DefaultHost, req, wire.Version{Major: 1, Minor: 41})
	fmt.Printf("%q\n", buf.String())
	// Output: "GET /v1.41/containers/json?all=1 HTTP/1.1\r\nHost: api.moby.localhost\r\n\r\n"
}

func ExampleReadResponse() {
	in := "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 38\r\n\r\n" +
		`{"message":"No such container: abc"}` + "\n\n"
	resp, err := wire.ReadResponse(bufio.NewReader(strings.NewReader(in)), "GET")
	if err != nil {
		panic(err)
	}
	e := wire.ReadError("GET", "/containers/abc/json", resp)
	fmt.Println(e, errors.Is(e, wire.ErrNotFound))
	// Output: wire: GET /containers/abc/json: 404: No such container: abc true
}

func ExampleStream() {
	type Event struct {
		Type, Action string
	}
	body := io.NopCloser(strings.NewReader(
		`{"Type":"container","Action":"start"}` + "\n" + `{"Type":"network","Action":"connect"}` + "\n"))
	s := wire.NewStream[Event](context.Background(), body, "application/x-ndjson", wire.StreamOptions{})
	defer s.Close()
	for s.Next() {
		fmt.Println(s.Value().Type, s.Value().Action)
	}
	fmt.Println(s.Err())
	// Output:
	// container start
	// network connect
	// <nil>
}

func ExampleClient() {
	// A one-shot fake daemon on loopback.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		br := bufio.NewReader(c)
		head := false
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			switch {
			case strings.HasPrefix(line, "HEAD "):
				head = true
			case line == "\r\n" && head:
				io.WriteString(c, "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 2\r\n\r\n")
				head = false
			case line == "\r\n":
				io.WriteString(c, "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 2\r\n\r\n[]")
			}
		}
	}()
	dialer := func(ctx context.Context) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "tcp", ln.Addr().String())
	}
	cli := wire.NewClient(dialer, wire.Options{})
	defer cli.Close()
	var list []struct{ ID string }
	err := cli.DoJSON(context.Background(), &wire.Request{Method: "GET", Path: "/containers/json", Op: "ContainerList"}, &list)
	v, _ := cli.Version(context.Background())
	fmt.Println(len(list), err, v)
	// Output: 0 <nil> 1.41
}

// A short call that finds every connection of the pool in use waits for
// one at most Options.Timeout, then fails with a *TimeoutError saying so;
// no connection is touched.
func ExampleTimeoutError() {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		br := bufio.NewReader(c)
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			if line == "\r\n" {
				io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
			}
		}
	}()
	dialer := func(ctx context.Context) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "tcp", ln.Addr().String())
	}
	cli := wire.NewClient(dialer, wire.Options{Version: wire.Version{Major: 1, Minor: 41}, PoolSize: 1, Timeout: 100 * time.Millisecond})
	defer cli.Close()
	ctx := context.Background()
	// An export holds the only connection while its body is unread.
	export, _ := cli.Do(ctx, &wire.Request{Method: "GET", Path: "/containers/x/export"})
	defer export.Body.Close()

	err := cli.DoJSON(ctx, &wire.Request{Method: "GET", Path: "/containers/json"}, nil)
	var te *wire.TimeoutError
	fmt.Println(errors.As(err, &te), te.Phase, errors.Is(err, context.DeadlineExceeded))
	fmt.Println(err)
	// Output:
	// true queue true
	// wire: GET /containers/json: 100ms timeout waiting for a free connection
}
