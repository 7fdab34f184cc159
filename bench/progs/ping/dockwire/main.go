// Command dockwire pings the daemon with dockwire and prints "ok".
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/endpoints"
)

func main() {
	cli, err := dockwire.FromEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if _, err := cli.System.Ping(context.Background(), endpoints.SystemPingOptions{}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("ok")
}
