// Command sdk lists all containers with the official SDK over tcp+TLS
// (the SDK links TLS whatever the host) and prints how many.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/moby/moby/client"
)

func main() {
	cli, err := client.New(client.FromEnv)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer cli.Close()
	res, err := cli.ContainerList(context.Background(), client.ContainerListOptions{All: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(len(res.Items), "containers")
}
