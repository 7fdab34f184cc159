// Command dockwire runs `echo hello` in a container of $BENCH_IMAGE with
// dockwire: create, start, wait, logs to stdout, remove.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/endpoints"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	cli, err := dockwire.FromEnv()
	if err != nil {
		return err
	}
	defer cli.Close()
	c, err := cli.Containers.Create(ctx, endpoints.ContainerCreateOptions{
		Config: endpoints.ContainerConfig{Image: os.Getenv("BENCH_IMAGE"), Cmd: []string{"echo", "hello"}},
	})
	if err != nil {
		return err
	}
	defer cli.Containers.Delete(ctx, c.ID, endpoints.ContainerDeleteOptions{Force: true})
	if _, err := cli.Containers.Start(ctx, c.ID, endpoints.ContainerStartOptions{}); err != nil {
		return err
	}
	if _, err := cli.Containers.Wait(ctx, c.ID, endpoints.ContainerWaitOptions{}); err != nil {
		return err
	}
	f := false
	out, err := cli.Containers.Logs(ctx, c.ID, endpoints.ContainerLogsOptions{Stdout: true, Stderr: true, TTY: &f})
	if err != nil {
		return err
	}
	defer out.Close()
	_, err = out.Demux(os.Stdout, os.Stderr)
	return err
}
