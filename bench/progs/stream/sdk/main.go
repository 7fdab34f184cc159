// Command sdk reads a container's logs (`sdk logs ID`, demultiplexed) or a
// path's archive (`sdk archive ID PATH`) to the end with the official SDK,
// discarding it, and prints the byte count.
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"
)

func main() {
	n, err := run(context.Background(), os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(n, "bytes")
}

func run(ctx context.Context, args []string) (int64, error) {
	cli, err := client.New(client.FromEnv)
	if err != nil {
		return 0, err
	}
	defer cli.Close()
	switch {
	case len(args) == 2 && args[0] == "logs":
		logs, err := cli.ContainerLogs(ctx, args[1], client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true})
		if err != nil {
			return 0, err
		}
		defer logs.Close()
		return stdcopy.StdCopy(io.Discard, io.Discard, logs)
	case len(args) == 3 && args[0] == "archive":
		res, err := cli.CopyFromContainer(ctx, args[1], client.CopyFromContainerOptions{SourcePath: args[2]})
		if err != nil {
			return 0, err
		}
		defer res.Content.Close()
		return io.Copy(io.Discard, res.Content)
	}
	return 0, fmt.Errorf("usage: logs ID | archive ID PATH")
}
