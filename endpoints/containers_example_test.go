package endpoints_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/endpoints"
)

// containerService is how the examples reach the daemon DOCKER_HOST names.
func containerService() *endpoints.ContainerService {
	cli, err := dockwire.FromEnv()
	if err != nil {
		log.Fatal(err)
	}
	return endpoints.NewContainers(cli.Wire())
}

// Run a command to completion and get its output, as docker-py's
// client.containers.run(image, command, remove=True) does.
func ExampleContainerService_Run() {
	ctx := context.Background()
	containers := containerService()
	res, err := containers.Run(ctx, endpoints.RunOptions{
		Image:    "busybox",
		Command:  []string{"sh", "-c", "echo hello; exit 3"},
		Remove:   true,
		MemLimit: "64m",
	})
	var cerr *endpoints.ContainerError
	switch {
	case errors.As(err, &cerr):
		fmt.Printf("exit %d, stderr %q\n", cerr.ExitCode, cerr.Stderr)
	case errors.Is(err, endpoints.ErrImageNotFound):
		fmt.Println("no such image, and it could not be pulled")
	case err != nil:
		log.Fatal(err)
	}
	fmt.Printf("%s", res.Output)
}

// Run a command in a running container and get its output and exit code,
// as docker-py's container.exec_run does.
func ExampleContainerService_ExecRun() {
	ctx := context.Background()
	containers := containerService()
	res, err := containers.ExecRun(ctx, "my-container", endpoints.ExecRunOptions{
		Cmd:        []string{"sh", "-c", "echo $GREETING from $(pwd)"},
		Env:        []string{"GREETING=hello"},
		WorkingDir: "/tmp",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("exit %d: %s", res.ExitCode, res.Stdout)
}

// Follow a container's logs, split into stdout and stderr, until ctx is
// cancelled or the container stops.
func ExampleContainerService_Logs() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	containers := containerService()
	logs, err := containers.Logs(ctx, "my-container", endpoints.LogsOptions{Follow: true, Tail: "10", Timestamps: true})
	if err != nil {
		log.Fatal(err)
	}
	defer logs.Close()
	if _, err := logs.Demux(os.Stdout, os.Stderr); err != nil && ctx.Err() == nil {
		log.Fatal(err)
	}
}

// Copy a host directory into a container and a container path out to a
// host directory (extracted safely: nothing is written outside it).
func ExampleContainerService_CopyTo() {
	ctx := context.Background()
	containers := containerService()
	if err := containers.CopyTo(ctx, "my-container", "./site", "/usr/share/html", endpoints.CopyOptions{}); err != nil {
		log.Fatal(err)
	}
	stat, err := containers.CopyFrom(ctx, "my-container", "/etc/hosts", "./out", endpoints.CopyOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("copied", stat.Name, stat.Size, "bytes")
}

// Parse docker-py style limits.
func ExampleParseMemory() {
	n, err := endpoints.ParseMemory("512m")
	fmt.Println(n, err)
	_, err = endpoints.ParseMemory("512x")
	fmt.Println(err)
	// Output:
	// 536870912 <nil>
	// endpoints: ParseMemory: "512x": unknown unit "x": want b, k, m, g, t or p
}

// Parse docker run -p specs.
func ExamplePortBindings() {
	exposed, bindings, err := endpoints.PortBindings("127.0.0.1:8080:80", "53/udp")
	fmt.Println(len(exposed), bindings["80/tcp"], bindings["53/udp"], err)
	_, _, err = endpoints.PortBindings("80/xyz")
	fmt.Println(err)
	// Output:
	// 2 [{127.0.0.1 8080}] [{ }] <nil>
	// endpoints: ParsePortSpec: port "80/xyz": unknown protocol "xyz": want tcp, udp or sctp
}
