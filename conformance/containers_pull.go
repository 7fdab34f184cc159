package conformance

import (
	"context"
	"errors"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

func init() {
	register("containers/run/pulls-missing-from-loopback-registry", func(e *Env) {
		reg := e.registry()
		images := e.Client.Images
		ref := reg + "/dockwire-run-" + e.RunID + ":v1"
		if _, err := images.Tag(e.Ctx, e.Image, ref, endpoints.ImageTagOptions{}); err != nil {
			e.T.Fatal(err)
		}
		e.Cleanup(func(ctx context.Context) error {
			_, err := images.Delete(ctx, ref, endpoints.ImageDeleteOptions{Force: true})
			if errors.Is(err, wire.ErrNotFound) {
				return nil
			}
			return err
		})
		if _, err := images.Push(e.Ctx, ref, endpoints.ImagePushOptions{}); err != nil {
			e.T.Fatalf("push %s: %v", ref, err)
		}
		if _, err := images.Delete(e.Ctx, ref, endpoints.ImageDeleteOptions{}); err != nil {
			e.T.Fatalf("untag %s: %v", ref, err)
		}
		res, err := e.Client.Containers.Run(e.Ctx, endpoints.ContainerRunOptions{Image: ref, Command: []string{"echo", "pulled"}, Remove: true, Labels: e.Labels()})
		if res.ID != "" {
			e.removeLater(res.ID)
		}
		if err != nil || string(res.Output) != "pulled\n" {
			e.T.Fatalf("run of a pushed then untagged image: %q %v", res.Output, err)
		}
	})
}
