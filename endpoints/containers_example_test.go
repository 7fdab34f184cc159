package endpoints_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/dockwire/dockwire/endpoints"
)

// Run a command to completion and get its output, as docker-py's
// client.containers.run(image, command, remove=True) does; a non-zero exit
// is a *ContainerError carrying the code and stderr.
func ExampleContainerService_Run() {
	cli, stop := mockClient() // an in-process mock daemon; dockwire.FromEnv() in real code
	defer stop()
	ctx := context.Background()
	containers := cli.Containers

	res, err := containers.Run(ctx, endpoints.ContainerRunOptions{
		Image:    "busybox:latest",
		Command:  []string{"sh", "-c", "echo hello"},
		Remove:   true,
		MemLimit: "64m",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s", res.Output)

	_, err = containers.Run(ctx, endpoints.ContainerRunOptions{
		Image:   "busybox:latest",
		Command: []string{"sh", "-c", "echo bad >&2; exit 3"},
		Remove:  true,
	})
	var cerr *endpoints.ContainerError
	if errors.As(err, &cerr) {
		fmt.Printf("exit %d, stderr %q\n", cerr.ExitCode, cerr.Stderr)
	}
	// Output:
	// hello
	// exit 3, stderr "bad\n"
}

// Run a command in a running container and get its output and exit code,
// as docker-py's container.exec_run does.
func ExampleContainerService_ExecRun() {
	cli, stop := mockClient()
	defer stop()
	ctx := context.Background()
	containers := cli.Containers
	c, err := containers.Run(ctx, endpoints.ContainerRunOptions{Image: "busybox:latest", Command: []string{"sleep", "60"}, Detach: true})
	if err != nil {
		log.Fatal(err)
	}
	defer containers.Delete(ctx, c.ID, endpoints.ContainerDeleteOptions{Force: true})

	res, err := containers.ExecRun(ctx, c.ID, endpoints.ContainerExecRunOptions{
		Cmd:        []string{"sh", "-c", "echo $GREETING from $(pwd); exit 2"},
		Env:        []string{"GREETING=hello"},
		WorkingDir: "/tmp",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("exit %d: %s", res.ExitCode, res.Stdout)
	// Output:
	// exit 2: hello from /tmp
}

// Read a container's logs, split into stdout and stderr. With Follow set,
// the stream runs until ctx is cancelled or the container stops.
func ExampleContainerService_Logs() {
	cli, stop := mockClient()
	defer stop()
	ctx := context.Background()
	containers := cli.Containers
	c, err := containers.Run(ctx, endpoints.ContainerRunOptions{
		Image: "busybox:latest", Command: []string{"sh", "-c", "echo one; echo two >&2; echo three"}, Detach: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer containers.Delete(ctx, c.ID, endpoints.ContainerDeleteOptions{Force: true})
	if _, err := containers.Wait(ctx, c.ID, endpoints.ContainerWaitOptions{}); err != nil {
		log.Fatal(err)
	}

	logs, err := containers.Logs(ctx, c.ID, endpoints.ContainerLogsOptions{Follow: true, Tail: "all"})
	if err != nil {
		log.Fatal(err)
	}
	defer logs.Close()
	var stdout, stderr strings.Builder
	if _, err := logs.Demux(&stdout, &stderr); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("stdout %q, stderr %q\n", stdout.String(), stderr.String())
	// Output:
	// stdout "one\nthree\n", stderr "two\n"
}

// Copy a host directory into a container, and a container path out to a
// host directory (extracted safely: nothing is written outside it).
func ExampleContainerService_CopyTo() {
	cli, stop := mockClient()
	defer stop()
	ctx := context.Background()
	containers := cli.Containers
	c, err := containers.Run(ctx, endpoints.ContainerRunOptions{Image: "busybox:latest", Command: []string{"sleep", "60"}, Detach: true})
	if err != nil {
		log.Fatal(err)
	}
	defer containers.Delete(ctx, c.ID, endpoints.ContainerDeleteOptions{Force: true})

	site, err := os.MkdirTemp("", "site")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(site)
	os.WriteFile(filepath.Join(site, "index.html"), []byte("<h1>hi</h1>\n"), 0o644)
	if _, err := containers.CopyTo(ctx, c.ID, site, "/tmp", endpoints.ContainerCopyToOptions{}); err != nil {
		log.Fatal(err)
	}
	out := filepath.Join(site, "out")
	stat, err := containers.CopyFrom(ctx, c.ID, "/tmp/"+filepath.Base(site)+"/index.html", out, endpoints.ContainerCopyFromOptions{})
	if err != nil {
		log.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(out, "index.html"))
	fmt.Printf("copied %s, %d bytes: %s", stat.Name, stat.Size, data)
	// Output:
	// copied index.html, 12 bytes: <h1>hi</h1>
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
