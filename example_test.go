package dockwire_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/dial"
	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/mockdaemon"
	"github.com/dockwire/dockwire/wire"
)

// startMock serves an in-process mock daemon on a unix socket and returns
// its DOCKER_HOST and a function that stops it.
func startMock(cfg mockdaemon.Config) (string, func()) {
	dir, err := os.MkdirTemp("", "dockwire-example")
	if err != nil {
		panic(err)
	}
	sock := filepath.Join(dir, "docker.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		panic(err)
	}
	d := mockdaemon.New(cfg)
	go d.Serve(ln)
	return "unix://" + sock, func() { d.Close(); os.RemoveAll(dir) }
}

func Example() {
	host, stop := startMock(mockdaemon.Config{ServerVersion: "28.2.2", MaxAPIVersion: "1.41"})
	defer stop()

	cli, err := dockwire.New(dial.Config{Host: host}, nil)
	if err != nil {
		panic(err)
	}
	defer cli.Close()
	ctx := context.Background()

	v, err := cli.System.Version(ctx, endpoints.SystemVersionOptions{})
	if err != nil {
		panic(err)
	}
	api, _ := cli.APIVersion(ctx)
	fmt.Println("daemon", v.Version, "speaks API", v.APIVersion, "- in use:", api)

	res, err := cli.Containers.Run(ctx, endpoints.ContainerRunOptions{
		Image:   "busybox:latest",
		Command: []string{"sh", "-c", "echo hello from a container"},
		Remove:  true,
	})
	if err != nil {
		panic(err)
	}
	fmt.Print(string(res.Output))

	_, err = cli.Containers.Inspect(ctx, "no-such-container", endpoints.ContainerInspectOptions{})
	fmt.Println("not found:", errors.Is(err, wire.ErrNotFound))
	// Output:
	// daemon 28.2.2 speaks API 1.41 - in use: 1.41
	// hello from a container
	// not found: true
}
