package endpoints_test

import (
	"context"
	"fmt"
	"log"

	"github.com/dockwire/dockwire/endpoints"
)

// Drain this swarm's node: the update is made from the node as read, with
// its version, and made again from a fresh read if the daemon wrote the
// node in between.
func ExampleUpdateGuarded() {
	cli, stop := mockClient()
	defer stop()
	ctx := context.Background()
	init, err := cli.Swarm.Init(ctx, endpoints.SwarmInitOptions{ListenAddr: "127.0.0.1:2377", AdvertiseAddr: "127.0.0.1"})
	if err != nil {
		log.Fatal(err)
	}
	err = endpoints.UpdateGuarded(ctx,
		func(ctx context.Context) (endpoints.NodeInspectResult, error) {
			return cli.Nodes.Inspect(ctx, init.NodeID, endpoints.NodeInspectOptions{})
		},
		func(ctx context.Context, n endpoints.NodeInspectResult) error {
			spec := n.Spec
			spec.Availability = "drain"
			_, err := cli.Nodes.Update(ctx, init.NodeID, endpoints.NodeUpdateOptions{Version: n.Version, Spec: spec})
			return err
		})
	if err != nil {
		log.Fatal(err)
	}
	n, err := cli.Nodes.Inspect(ctx, init.NodeID, endpoints.NodeInspectOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n.Spec.Availability)
	// Output: drain
}
