package endpoints_test

import (
	"context"
	"fmt"
	"log"

	"github.com/dockwire/dockwire/endpoints"
)

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
