package endpoints_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/dockwire/dockwire/endpoints"
)

// Commit a container's changes as a new image and run it, as docker-py's
// container.commit(repository, tag) and then containers.run.
func ExampleImageService_Commit() {
	cli, stop := mockClient() // an in-process mock daemon; dockwire.FromEnv() in real code
	defer stop()
	ctx := context.Background()

	c, err := cli.Containers.Run(ctx, endpoints.ContainerRunOptions{
		Image:       "busybox:latest",
		CommandLine: "sh -c 'echo committed > /greeting'",
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := cli.Images.Commit(ctx, c.ID, endpoints.ImageCommitOptions{
		Reference: "greeter:v1",
		Changes:   []string{`CMD ["cat", "/greeting"]`},
	}); err != nil {
		log.Fatal(err)
	}
	res, err := cli.Containers.Run(ctx, endpoints.ContainerRunOptions{Image: "greeter:v1", Remove: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s", res.Output)
	// Output: committed
}

// Save an image into a file and load it back, as docker-py's
// image.save() written to a file and client.images.load(data).
func ExampleImageService_GetFile() {
	cli, stop := mockClient()
	defer stop()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "save")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "busybox.tar")

	if _, err := cli.Images.GetFile(ctx, "busybox:latest", path, endpoints.ImageGetOptions{}); err != nil {
		log.Fatal(err)
	}
	if _, err := cli.Images.Delete(ctx, "busybox:latest", endpoints.ImageDeleteOptions{Force: true}); err != nil {
		log.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	loaded, err := cli.Images.Load(ctx, f, endpoints.ImageLoadOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(loaded.Images)
	// Output: [busybox:latest]
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

// Make the daemon a one-node swarm and run a service on it, as docker-py's
// client.swarm.init(...) and client.services.create(image, command, ...).
func ExampleSwarmService_Init() {
	cli, stop := mockClient()
	defer stop()
	ctx := context.Background()

	if _, err := cli.Swarm.Init(ctx, endpoints.SwarmInitOptions{
		AdvertiseAddr: "127.0.0.1",
		Spec:          endpoints.SwarmSpec{Raft: &endpoints.RaftConfig{SnapshotInterval: 5000}},
	}); err != nil {
		log.Fatal(err)
	}
	defer cli.Swarm.Leave(ctx, endpoints.SwarmLeaveOptions{Force: true})

	svc, err := cli.Services.Create(ctx, endpoints.ServiceCreateOptions{Spec: endpoints.ServiceSpec{
		Name: "web",
		TaskTemplate: endpoints.TaskSpec{ContainerSpec: &endpoints.ContainerSpec{
			Image: "busybox:latest", Command: []string{"sleep", "3600"},
		}},
		Mode: endpoints.Replicated(2),
	}})
	if err != nil {
		log.Fatal(err)
	}
	in, err := cli.Services.Inspect(ctx, svc.ID, endpoints.ServiceInspectOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(in.Spec.Name, *in.Spec.Mode.Replicated.Replicas)
	// Output: web 2
}

// Share a named volume between two containers: one writes, the other
// reads, with docker-py's volumes dict.
func ExampleVolumeService_Create_sharedByTwoContainers() {
	cli, stop := mockClient()
	defer stop()
	ctx := context.Background()
	if _, err := cli.Volumes.Create(ctx, endpoints.VolumeCreateOptions{Name: "shared"}); err != nil {
		log.Fatal(err)
	}
	defer cli.Volumes.Delete(ctx, "shared", endpoints.VolumeDeleteOptions{Force: true})
	mount := map[string]endpoints.VolumeBind{"shared": {Bind: "/data"}}

	if _, err := cli.Containers.Run(ctx, endpoints.ContainerRunOptions{
		Image: "busybox:latest", CommandLine: "sh -c 'echo written by the first > /data/note'", Volumes: mount, Remove: true,
	}); err != nil {
		log.Fatal(err)
	}
	res, err := cli.Containers.Run(ctx, endpoints.ContainerRunOptions{
		Image: "busybox:latest", Command: []string{"cat", "/data/note"}, Volumes: mount, Remove: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s", res.Output)
	// Output: written by the first
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
