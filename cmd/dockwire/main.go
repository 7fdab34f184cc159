// Command dockwire is a small client for the Docker Engine API built on the
// dockwire packages.
//
//	dockwire demo       a tour of the client: against the environment's daemon
//	                    or, when none answers, an embedded mock daemon
//	dockwire version    client and daemon versions and the API version in use
//
// It finds the daemon the way the docker CLI does: DOCKER_HOST, DOCKER_CONTEXT,
// the current context of the docker config, then unix:///var/run/docker.sock;
// tcp+TLS and ssh:// hosts (checked against ~/.ssh/known_hosts) included.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/dockwire/dockwire"
	_ "github.com/dockwire/dockwire/dial/dialtls" // TLS hosts (DOCKER_TLS_VERIFY, https://)
	_ "github.com/dockwire/dockwire/dial/ssh"     // ssh:// hosts
	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: dockwire demo|version")
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "version":
		return version(stdout, stderr)
	case "demo":
		return demo(stdout, stderr)
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	default:
		fmt.Fprintf(stderr, "dockwire: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
}

func version(stdout, stderr io.Writer) int {
	fmt.Fprintf(stdout, "Client: dockwire %s\n", dockwire.Version)
	fmt.Fprintf(stdout, " API versions: %s to %s\n", wire.MinVersion, wire.MaxVersion)

	cli, err := dockwire.FromEnv()
	if err != nil {
		fmt.Fprintf(stderr, "dockwire: %v\n", err)
		return 1
	}
	defer cli.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	api, err := cli.APIVersion(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "dockwire: no daemon answered at %s: %v\n", cli.Host(), err)
		return 1
	}
	v, err := cli.System.Version(ctx, endpoints.SystemVersionOptions{})
	if err != nil {
		var werr *wire.Error
		if errors.As(err, &werr) {
			fmt.Fprintf(stderr, "dockwire: daemon at %s: %v\n", cli.Host(), err)
		} else {
			fmt.Fprintf(stderr, "dockwire: no daemon answered at %s: %v\n", cli.Host(), err)
		}
		return 1
	}
	fmt.Fprintf(stdout, "Server: %s %s\n", serverName(v.Platform.Name), v.Version)
	fmt.Fprintf(stdout, " Host: %s\n", cli.Host())
	fmt.Fprintf(stdout, " API versions: %s to %s\n", v.MinAPIVersion, v.APIVersion)
	fmt.Fprintf(stdout, " OS/Arch: %s/%s\n", v.Os, v.Arch)
	fmt.Fprintf(stdout, "API version in use: %s\n", api)
	return 0
}

func serverName(platform string) string {
	if platform == "" {
		return "Docker Engine"
	}
	return platform
}
