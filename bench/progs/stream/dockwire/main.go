// Command dockwire reads a container's logs (`dockwire logs ID`,
// demultiplexed) or a path's archive (`dockwire archive ID PATH`) to the
// end with dockwire, discarding it, and prints the byte count.
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/endpoints"
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
	cli, err := dockwire.FromEnv()
	if err != nil {
		return 0, err
	}
	defer cli.Close()
	switch {
	case len(args) == 2 && args[0] == "logs":
		f := false
		out, err := cli.Containers.Logs(ctx, args[1], endpoints.ContainerLogsOptions{Stdout: true, Stderr: true, TTY: &f})
		if err != nil {
			return 0, err
		}
		defer out.Close()
		return out.Demux(io.Discard, io.Discard)
	case len(args) == 3 && args[0] == "archive":
		res, err := cli.Containers.GetArchive(ctx, args[1], args[2], endpoints.ContainerGetArchiveOptions{})
		if err != nil {
			return 0, err
		}
		defer res.Body.Close()
		return io.Copy(io.Discard, res.Body)
	}
	return 0, fmt.Errorf("usage: logs ID | archive ID PATH")
}
