// Command sizecheck prints the daemon's version and how many containers it
// has (System.Version and Containers.List), over DOCKER_HOST or the default unix socket. It is the yardstick for
// dockwire's binary size: see size_test.go. Built with -tags sizecheck_ssh it
// also speaks ssh (ssh.go).
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/endpoints"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cli, err := dockwire.FromEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer cli.Close()
	v, err := cli.System.Version(ctx, endpoints.SystemVersionOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	list, err := cli.Containers.List(ctx, endpoints.ContainerListOptions{All: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("docker %s, %d containers\n", v.Version, len(list.Items))
}
