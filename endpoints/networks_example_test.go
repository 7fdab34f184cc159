package endpoints_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// Create a network with its own subnet, attach a container with an alias
// and a static address, and see it in the network's inspect.
func ExampleNetworkService_Connect() {
	cli, stop := mockClient()
	defer stop()
	ctx := context.Background()
	networks, containers := cli.Networks, cli.Containers

	n, err := networks.Create(ctx, endpoints.NetworkCreateOptions{
		Name: "backend",
		IPAM: &endpoints.IPAM{Config: []endpoints.IPAMPool{{Subnet: "10.231.0.0/24", Gateway: "10.231.0.1"}}},
	})
	if err != nil {
		log.Fatal(err)
	}
	c, err := containers.Create(ctx, endpoints.ContainerCreateOptions{Config: endpoints.ContainerConfig{Image: "busybox:latest", Cmd: []string{"sleep", "60"}}})
	if err != nil {
		log.Fatal(err)
	}
	_, err = networks.Connect(ctx, n.ID, endpoints.NetworkConnectOptions{Container: c.ID, EndpointConfig: &endpoints.EndpointSettings{
		Aliases:    []string{"db"},
		IPAMConfig: &endpoints.EndpointIPAMConfig{IPv4Address: "10.231.0.10"},
	}})
	if err != nil {
		log.Fatal(err)
	}
	// Like dockerd, the network has an endpoint for the container once it runs.
	if _, err := containers.Start(ctx, c.ID, endpoints.ContainerStartOptions{}); err != nil {
		log.Fatal(err)
	}
	defer containers.Delete(ctx, c.ID, endpoints.ContainerDeleteOptions{Force: true})
	got, err := networks.Inspect(ctx, "backend", endpoints.NetworkInspectOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(got.IPAM.Config[0].Subnet, got.Containers[c.ID].IPv4Address)

	// A malformed subnet never reaches the daemon.
	_, err = networks.Create(ctx, endpoints.NetworkCreateOptions{Name: "bad", IPAM: &endpoints.IPAM{Config: []endpoints.IPAMPool{{Subnet: "10.231.0.0"}}}})
	fmt.Println(errors.Is(err, wire.ErrInvalidArgument))
	// Output:
	// 10.231.0.0/24 10.231.0.10/24
	// true
}

// Prune the named volumes carrying a label. From API 1.42 a prune takes
// only anonymous volumes unless All is set; API 1.41 refuses All before
// anything is sent.
func ExampleVolumeService_Prune() {
	cli, stop := mockClient()
	defer stop()
	ctx := context.Background()
	volumes := cli.Volumes
	for _, name := range []string{"cache-a", "cache-b"} {
		if _, err := volumes.Create(ctx, endpoints.VolumeCreateOptions{Name: name, Labels: map[string]string{"job": "42"}}); err != nil {
			log.Fatal(err)
		}
	}
	res, err := volumes.Prune(ctx, endpoints.VolumePruneOptions{
		Filters: wire.Filters{"label": {"job=42"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(res.VolumesDeleted))
	// Output: 2
}

// Run a one-replica service of an image named by id (so no node pulls it)
// with a secret mounted, and follow its logs. DOCKER_HOST must name a swarm
// manager; a daemon in no swarm answers wire.ErrUnavailable.
func ExampleServiceService_Create() {
	ctx := context.Background()
	cli, err := dockwire.FromEnv()
	if err != nil {
		log.Fatal(err)
	}
	secrets, services := endpoints.NewSecrets(cli.Wire()), endpoints.NewServices(cli.Wire())

	sec, err := secrets.Create(ctx, endpoints.SecretCreateOptions{Spec: endpoints.SecretSpec{Name: "db-password", Data: []byte("hunter2")}})
	if errors.Is(err, wire.ErrUnavailable) {
		log.Fatal("not a swarm manager: ", err)
	} else if err != nil {
		log.Fatal(err)
	}
	grace := time.Second
	svc, err := services.Create(ctx, endpoints.ServiceCreateOptions{Spec: endpoints.ServiceSpec{
		Name: "worker",
		TaskTemplate: endpoints.TaskSpec{ContainerSpec: &endpoints.ContainerSpec{
			Image:           "sha256:0123...", // the image id
			Command:         []string{"sh", "-c", "cat /run/secrets/db-password; exec sleep 3600"},
			StopGracePeriod: &grace,
			Secrets:         []endpoints.SecretReference{{SecretID: sec.ID, SecretName: "db-password", File: &endpoints.FileTarget{Name: "db-password", UID: "0", GID: "0", Mode: 0o400}}},
		}},
		Mode: endpoints.Replicated(1),
	}})
	if err != nil {
		log.Fatal(err)
	}
	logs, err := services.Logs(ctx, svc.ID, endpoints.ServiceLogsOptions{Follow: true})
	if err != nil {
		log.Fatal(err)
	}
	defer logs.Close()
	logs.Demux(os.Stdout, os.Stderr)
}
