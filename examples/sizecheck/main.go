// Command sizecheck prints the daemon's version and how many containers it
// has, over DOCKER_HOST or the default unix socket. It is the yardstick for
// dockwire's binary size: see size_test.go.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/dockwire/dockwire"
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
	v, err := cli.System.Version(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	info, err := cli.System.Info(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("docker %s, %d containers\n", v.Version, info.Containers)
}
