package faultproxy_test

import (
	"context"
	"fmt"
	"io"
	"net"

	"github.com/dockwire/dockwire/internal/faultproxy"
)

// A proxy that cuts the response five bytes after the end of its headers.
func Example() {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		io.WriteString(c, "HTTP/1.1 200 OK\r\n\r\nhello, world")
		io.Copy(io.Discard, c)
	}()
	p, err := faultproxy.Start(faultproxy.Config{
		Upstream: func(ctx context.Context) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "tcp", ln.Addr().String())
		},
		Fault: &faultproxy.Fault{Dir: faultproxy.ToClient, Mark: []byte("\r\n\r\n"), After: 5},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()

	c, err := p.Dial(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	b, err := io.ReadAll(c)
	fmt.Printf("%q %v faults=%d\n", b, err, p.Faults())
	// Output: "HTTP/1.1 200 OK\r\n\r\nhello" <nil> faults=1
}
