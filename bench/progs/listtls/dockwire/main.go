// Command dockwire lists all containers with dockwire over tcp+TLS and
// prints how many.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/endpoints"

	_ "github.com/dockwire/dockwire/dial/dialtls" // the TLS transport
)

func main() {
	cli, err := dockwire.FromEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer cli.Close()
	res, err := cli.Containers.List(context.Background(), endpoints.ContainerListOptions{All: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(len(res.Items), "containers")
}
