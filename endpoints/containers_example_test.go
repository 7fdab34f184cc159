package endpoints_test

import (
	"context"
	"errors"
	"fmt"
	"io"
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

// Read one sample of a running container's resource usage, as docker-py's
// container.stats(stream=False).
func ExampleContainerService_StatsOnce() {
	cli, stop := mockClient()
	defer stop()
	ctx := context.Background()
	c, err := cli.Containers.Run(ctx, endpoints.ContainerRunOptions{Image: "busybox:latest", Name: "busy", Command: []string{"sleep", "60"}, Detach: true})
	if err != nil {
		log.Fatal(err)
	}
	defer cli.Containers.Delete(ctx, c.ID, endpoints.ContainerDeleteOptions{Force: true})

	s, err := cli.Containers.StatsOnce(ctx, c.ID, endpoints.ContainerStatsOnceOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Name, s.PidsStats.Current > 0, s.MemoryStats.Limit > 0)
	// CPU use since the sample before, in percent of one CPU:
	_ = s.CPUPercent()
	// Output: /busy true true
}

// Attach to a container's stdin and stdout, write to it, end its input and
// read what it answered: docker-py's attach_socket, with the half-close
// docker-py lacks.
func ExampleContainerService_Attach() {
	cli, stop := mockClient()
	defer stop()
	ctx := context.Background()
	c, err := cli.Containers.Run(ctx, endpoints.ContainerRunOptions{
		Image: "busybox:latest", Command: []string{"cat"}, StdinOpen: true, NoStart: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer cli.Containers.Delete(ctx, c.ID, endpoints.ContainerDeleteOptions{Force: true})

	conn, err := cli.Containers.Attach(ctx, c.ID, endpoints.ContainerAttachOptions{Stdin: true, Stdout: true})
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	if _, err := cli.Containers.Start(ctx, c.ID, endpoints.ContainerStartOptions{}); err != nil {
		log.Fatal(err)
	}
	io.WriteString(conn, "hello from stdin\n")
	conn.CloseWrite() // cat sees the end of its input and exits
	if _, err := conn.Demux(os.Stdout, os.Stderr); err != nil {
		log.Fatal(err)
	}
	// Output: hello from stdin
}

// Wait for a container to exit and read its exit code, as docker-py's
// container.wait().
func ExampleContainerService_Wait() {
	cli, stop := mockClient()
	defer stop()
	ctx := context.Background()
	c, err := cli.Containers.Run(ctx, endpoints.ContainerRunOptions{Image: "busybox:latest", CommandLine: "sh -c 'sleep 0.1; exit 3'", Detach: true})
	if err != nil {
		log.Fatal(err)
	}
	defer cli.Containers.Delete(ctx, c.ID, endpoints.ContainerDeleteOptions{Force: true})

	res, err := cli.Containers.Wait(ctx, c.ID, endpoints.ContainerWaitOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("exit code", res.StatusCode)
	// Output: exit code 3
}

// Change a running container's limits and restart policy, as docker-py's
// container.update(mem_limit=..., restart_policy=...).
func ExampleContainerService_Update() {
	cli, stop := mockClient()
	defer stop()
	ctx := context.Background()
	c, err := cli.Containers.Run(ctx, endpoints.ContainerRunOptions{Image: "busybox:latest", Command: []string{"sleep", "60"}, Detach: true, MemLimit: "64m"})
	if err != nil {
		log.Fatal(err)
	}
	defer cli.Containers.Delete(ctx, c.ID, endpoints.ContainerDeleteOptions{Force: true})

	mem, err := endpoints.ParseMemory("128m")
	if err != nil {
		log.Fatal(err)
	}
	_, err = cli.Containers.Update(ctx, c.ID, endpoints.ContainerUpdateOptions{
		Resources:     endpoints.Resources{Memory: mem},
		RestartPolicy: &endpoints.RestartPolicy{Name: endpoints.RestartOnFailure, MaximumRetryCount: 2},
	})
	if err != nil {
		log.Fatal(err)
	}
	in, err := cli.Containers.Inspect(ctx, c.ID, endpoints.ContainerInspectOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(in.HostConfig.Memory>>20, "MiB,", in.HostConfig.RestartPolicy.Name, in.HostConfig.RestartPolicy.MaximumRetryCount)
	// Output: 128 MiB, on-failure 2
}

// Read a container's logs whole, as docker-py's container.logs().
func ExampleContainerService_LogsBytes() {
	cli, stop := mockClient()
	defer stop()
	ctx := context.Background()
	c, err := cli.Containers.Run(ctx, endpoints.ContainerRunOptions{Image: "busybox:latest", CommandLine: "sh -c 'echo out; echo err >&2'", Stderr: true})
	if err != nil {
		log.Fatal(err)
	}
	defer cli.Containers.Delete(ctx, c.ID, endpoints.ContainerDeleteOptions{})

	logs, err := cli.Containers.LogsBytes(ctx, c.ID, endpoints.ContainerLogsOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("stdout %q, stderr %q\n", logs.Stdout, logs.Stderr)
	// Output: stdout "out\n", stderr "err\n"
}
