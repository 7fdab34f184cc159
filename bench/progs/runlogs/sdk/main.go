// Command sdk runs `echo hello` in a container of $BENCH_IMAGE with the
// official SDK: create, start, wait, logs to stdout, remove.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	cli, err := client.New(client.FromEnv)
	if err != nil {
		return err
	}
	defer cli.Close()
	c, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config: &container.Config{Image: os.Getenv("BENCH_IMAGE"), Cmd: []string{"echo", "hello"}},
	})
	if err != nil {
		return err
	}
	defer cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true})
	if _, err := cli.ContainerStart(ctx, c.ID, client.ContainerStartOptions{}); err != nil {
		return err
	}
	wait := cli.ContainerWait(ctx, c.ID, client.ContainerWaitOptions{})
	select {
	case err := <-wait.Error:
		return err
	case <-wait.Result:
	}
	logs, err := cli.ContainerLogs(ctx, c.ID, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		return err
	}
	defer logs.Close()
	_, err = stdcopy.StdCopy(os.Stdout, os.Stderr, logs)
	return err
}
