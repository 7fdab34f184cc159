package wire

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/dockwire/dockwire/internal/testnet"
	"github.com/dockwire/dockwire/mux"
)

// listBody is a /containers/json answer shaped like perf-baselines.md's:
// 50 rows, about 40 KB.
var listBody = func() []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i := 0; i < 50; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"Id":"%064d","Names":["/perfbench-%d"],"Image":"busybox:dockwire","ImageID":"sha256:%064d","Command":"sleep infinity","Created":1764000000,"Ports":[],"Labels":{"com.example.bench":"%d","com.example.owner":"dockwire"},"State":"running","Status":"Up 2 hours","HostConfig":{"NetworkMode":"bridge"},"NetworkSettings":{"Networks":{"bridge":{"IPAMConfig":null,"Links":null,"Aliases":null,"NetworkID":"%064d","EndpointID":"%064d","Gateway":"172.17.0.1","IPAddress":"172.17.0.%d","IPPrefixLen":16,"IPv6Gateway":"","GlobalIPv6Address":"","GlobalIPv6PrefixLen":0,"MacAddress":"02:42:ac:11:00:%02x","DriverOpts":null}}},"Mounts":[{"Type":"volume","Name":"%064d","Source":"/var/lib/docker/volumes/x/_data","Destination":"/data","Driver":"local","Mode":"","RW":true,"Propagation":""}]}`,
			i, i, i, i, i, i, i+2, i, i)
	}
	b.WriteString("]\n")
	return b.Bytes()
}()

type listRow struct {
	ID     string `json:"Id"`
	Names  []string
	Image  string
	State  string
	Status string
}

// answerAll answers every request on c with the same response, until c
// fails; it closes c.
func answerAll(c net.Conn, response []byte) {
	defer c.Close()
	br := bufio.NewReader(c)
	for {
		// Read a request header block (benchmark requests have no body).
		for {
			line, err := br.ReadSlice('\n')
			if err != nil {
				return
			}
			if len(line) <= 2 {
				break
			}
		}
		if _, err := c.Write(response); err != nil {
			return
		}
	}
}

// pipeDaemon answers every request on a net.Pipe with the same response.
func pipeDaemon(b *testing.B, response []byte) func(ctx context.Context) (net.Conn, error) {
	return func(ctx context.Context) (net.Conn, error) {
		client, server := net.Pipe()
		go answerAll(server, response)
		return client, nil
	}
}

func BenchmarkGetJSON(b *testing.B) {
	resp := []byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nDate: Thu, 26 Nov 2026 16:59:45 GMT\r\nDocker-Experimental: false\r\nOstype: linux\r\nServer: Docker/20.10.24+dfsg1 (linux)\r\nContent-Length: %d\r\n\r\n%s", len(listBody), listBody))
	c := NewClient(pipeDaemon(b, resp), Options{Version: Version{1, 41}})
	defer c.Close()
	ctx := b.Context()
	b.ReportAllocs()
	b.SetBytes(int64(len(listBody)))
	for b.Loop() {
		var out []listRow
		req := &Request{Method: "GET", Path: "/containers/json", Op: "ContainerList"}
		if err := c.DoJSON(ctx, req, &out); err != nil {
			b.Fatal(err)
		}
		if len(out) != 50 {
			b.Fatalf("%d rows", len(out))
		}
	}
}

// BenchmarkGetRaw is BenchmarkGetJSON without the JSON decode: the
// transport's own cost per request.
func BenchmarkGetRaw(b *testing.B) {
	resp := []byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nDate: Thu, 26 Nov 2026 16:59:45 GMT\r\nDocker-Experimental: false\r\nOstype: linux\r\nServer: Docker/20.10.24+dfsg1 (linux)\r\nContent-Length: %d\r\n\r\n%s", len(listBody), listBody))
	c := NewClient(pipeDaemon(b, resp), Options{Version: Version{1, 41}})
	defer c.Close()
	ctx := b.Context()
	buf := make([]byte, 32<<10)
	b.ReportAllocs()
	b.SetBytes(int64(len(listBody)))
	for b.Loop() {
		r, err := c.Do(ctx, &Request{Method: "GET", Path: "/containers/json"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{r.Body}, buf); err != nil {
			b.Fatal(err)
		}
		r.Body.Close()
	}
}

// BenchmarkGetRawUnix is BenchmarkGetRaw over a unix socket, where a
// pooled connection is checked with recv(MSG_PEEK) before its reuse.
func BenchmarkGetRawUnix(b *testing.B) {
	resp := []byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(listBody), listBody))
	ln, sock := testnet.Unix(b)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go answerAll(c, resp)
		}
	}()
	b.Cleanup(func() { ln.Close() })
	c := NewClient(func(ctx context.Context) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", sock)
	}, Options{Version: Version{1, 41}})
	defer c.Close()
	ctx := b.Context()
	buf := make([]byte, 32<<10)
	b.ReportAllocs()
	b.SetBytes(int64(len(listBody)))
	for b.Loop() {
		r, err := c.Do(ctx, &Request{Method: "GET", Path: "/containers/json"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{r.Body}, buf); err != nil {
			b.Fatal(err)
		}
		r.Body.Close()
	}
}

func BenchmarkErrorDecode(b *testing.B) {
	body := `{"message":"No such container: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}` + "\n"
	h := Header{"Content-Type": {"application/json"}}
	sr := strings.NewReader(body)
	resp := &Response{StatusCode: 404, Header: h, Body: io.NopCloser(sr)}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		sr.Reset(body)
		if e := ReadError("GET", "/containers/x/json", resp); e.StatusCode != 404 {
			b.Fatal(e)
		}
	}
}

func BenchmarkReadResponse(b *testing.B) {
	header := "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nDate: Thu, 26 Nov 2026 16:59:45 GMT\r\nDocker-Experimental: false\r\nOstype: linux\r\nServer: Docker/20.10.24+dfsg1 (linux)\r\n"
	fixed := []byte(fmt.Sprintf("%sContent-Length: %d\r\n\r\n%s", header, len(listBody), listBody))
	var chunked bytes.Buffer
	chunked.WriteString(header + "Transfer-Encoding: chunked\r\n\r\n")
	for rest := listBody; len(rest) > 0; {
		n := min(len(rest), 4096) // net/http's chunk size
		fmt.Fprintf(&chunked, "%x\r\n%s\r\n", n, rest[:n])
		rest = rest[n:]
	}
	chunked.WriteString("0\r\n\r\n")
	for _, bc := range []struct {
		name string
		in   []byte
	}{{"fixed", fixed}, {"chunked", chunked.Bytes()}} {
		b.Run(bc.name, func(b *testing.B) {
			r := bytes.NewReader(bc.in)
			br := bufio.NewReaderSize(r, 32<<10)
			buf := make([]byte, 32<<10)
			b.ReportAllocs()
			b.SetBytes(int64(len(listBody)))
			for b.Loop() {
				r.Reset(bc.in)
				br.Reset(r)
				resp, err := ReadResponse(br, "GET")
				if err != nil {
					b.Fatal(err)
				}
				n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{resp.Body}, buf)
				if err != nil || n != int64(len(listBody)) {
					b.Fatal(n, err)
				}
			}
		})
	}
}

func BenchmarkStream(b *testing.B) {
	var in bytes.Buffer
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&in, `{"status":"Downloading","progressDetail":{"current":%d,"total":1000000},"id":"abcdef012345"}`+"\n", i)
	}
	data := in.Bytes()
	ctx := b.Context()
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		s := NewStream[progress](ctx, io.NopCloser(bytes.NewReader(data)), "", StreamOptions{})
		n := 0
		for s.Next() {
			n++
		}
		if s.Err() != nil || n != 1000 {
			b.Fatal(n, s.Err())
		}
	}
}

// countingReader counts the Reads made on it.
type countingReader struct {
	r     io.Reader
	reads int
}

func (c *countingReader) Read(p []byte) (int, error) {
	c.reads++
	return c.r.Read(p)
}

// countingWriter counts the Writes made on it and drops their bytes.
type countingWriter struct{ writes int }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.writes++
	return len(p), nil
}

// BenchmarkChunkedLogs reads a logs stream as dockerd sends it: each
// stdcopy frame flushed in its own chunk, demultiplexed by mux.Copy
// straight from Response.Body. reads/frame is how many Body.Reads (each
// one a refill of mux's buffer) a frame costs; writes/frame how many
// Writes to stdout (each a syscall on a terminal or a file): mux.Copy
// merges the small frames it finds buffered together.
func BenchmarkChunkedLogs(b *testing.B) {
	const total = 4 << 20 // payload bytes per op
	for _, size := range []int{16, 1 << 10, 32 << 10} {
		b.Run(fmt.Sprintf("frame=%d", size), func(b *testing.B) {
			var in bytes.Buffer
			in.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
			var frame bytes.Buffer
			w := mux.NewMuxer(&frame).Stream(mux.Stdout)
			w.Write(bytes.Repeat([]byte{'x'}, size))
			frames := total / size
			for range frames {
				fmt.Fprintf(&in, "%x\r\n%s\r\n", frame.Len(), frame.Bytes())
			}
			in.WriteString("0\r\n\r\n")
			data := in.Bytes()
			r := bytes.NewReader(data)
			br := bufio.NewReaderSize(r, 32<<10)
			reads, writes := 0, 0
			b.SetBytes(int64(total))
			b.ReportAllocs()
			for b.Loop() {
				r.Reset(data)
				br.Reset(r)
				resp, err := ReadResponse(br, "GET")
				if err != nil {
					b.Fatal(err)
				}
				cr := &countingReader{r: resp.Body}
				var cw countingWriter
				if n, err := mux.Copy(&cw, io.Discard, cr); err != nil || n != int64(frames*size) {
					b.Fatal(n, err)
				}
				reads += cr.reads
				writes += cw.writes
			}
			b.ReportMetric(float64(reads)/float64(b.N*frames), "reads/frame")
			b.ReportMetric(float64(writes)/float64(b.N*frames), "writes/frame")
		})
	}
}
