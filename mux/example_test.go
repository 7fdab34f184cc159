package mux_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"

	"github.com/dockwire/dockwire/mux"
)

func ExampleCopy() {
	// What the daemon sends for a non-TTY container: framed stdout and stderr.
	var body bytes.Buffer
	m := mux.NewMuxer(&body)
	fmt.Fprintln(m.Stream(mux.Stdout), "hello from stdout")
	fmt.Fprintln(m.Stream(mux.Stderr), "hello from stderr")

	var stderr strings.Builder
	n, err := mux.Copy(os.Stdout, &stderr, &body)
	fmt.Println(n, err)
	fmt.Print("stderr: ", stderr.String())
	// Output:
	// hello from stdout
	// 36 <nil>
	// stderr: hello from stderr
}

func ExampleCopy_errors() {
	// A stream cut in the middle of a frame is not a success.
	var body bytes.Buffer
	mux.NewWriter(&body, mux.Stdout).Write([]byte("partial output"))
	_, err := mux.Copy(io.Discard, io.Discard, bytes.NewReader(body.Bytes()[:12]))
	fmt.Println(errors.Is(err, io.ErrUnexpectedEOF))

	// A raw TTY stream is not a multiplexed one.
	_, err = mux.Copy(io.Discard, io.Discard, strings.NewReader("root@c0ffee:/# "))
	var fe *mux.FormatError
	fmt.Println(errors.As(err, &fe))

	// The daemon reports an error inside the stream.
	body.Reset()
	mux.NewWriter(&body, mux.Systemerr).Write([]byte("container killed"))
	_, err = mux.Copy(io.Discard, io.Discard, &body)
	var de *mux.DaemonError
	fmt.Println(errors.As(err, &de), de.Message)
	// Output:
	// true
	// true
	// true container killed
}

func ExampleReader() {
	var body bytes.Buffer
	m := mux.NewMuxer(&body)
	m.Stream(mux.Stdout).Write([]byte("out"))
	m.Stream(mux.Stderr).Write([]byte("err"))

	r := mux.NewReader(&body)
	for {
		stream, size, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		payload, _ := io.ReadAll(r) // or stream it: r reads this frame only
		fmt.Println(stream, size, string(payload))
	}
	// Output:
	// stdout 3 out
	// stderr 3 err
}

func ExampleMultiplexed() {
	// API >= 1.42: the Content-Type decides.
	fmt.Println(mux.Multiplexed("1.44", mux.MediaMultiplexedStream, false))
	// API 1.41 sends raw-stream for every attach: the container's Tty decides.
	fmt.Println(mux.Multiplexed("1.41", mux.MediaRawStream, false))
	fmt.Println(mux.Multiplexed("1.41", mux.MediaRawStream, true))
	// Output:
	// true
	// true
	// false
}

func ExampleNewConn() {
	// A stand-in for the daemon's end of a hijacked exec: it reads stdin to
	// EOF, then answers on stdout and stderr.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Close()
	go func() {
		server, err := l.Accept()
		if err != nil {
			return
		}
		defer server.Close()
		stdin, _ := io.ReadAll(server)
		m := mux.NewMuxer(server)
		fmt.Fprintf(m.Stream(mux.Stdout), "read %d bytes\n", len(stdin))
		fmt.Fprintln(m.Stream(mux.Stderr), "done")
	}()

	conn, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		fmt.Println(err)
		return
	}
	// The HTTP layer hands over the conn and its bufio.Reader after the
	// 101 response.
	c := mux.NewConn(context.Background(), conn, bufio.NewReader(conn), true)
	defer c.Close()
	io.WriteString(c, "some input")
	c.CloseWrite() // stdin EOF; the output stays open
	_, err = c.Demux(os.Stdout, os.Stdout)
	fmt.Println(err)
	// Output:
	// read 10 bytes
	// done
	// <nil>
}
