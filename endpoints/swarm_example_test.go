package endpoints_test

import (
	"context"
	"fmt"
	"log"

	"github.com/dockwire/dockwire/endpoints"
)

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
