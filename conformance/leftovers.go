package conformance

import (
	"context"
	"net/url"
	"strings"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// leftoversName is the suite's last scenario: it fails when anything the
// run labelled is left behind.
const leftoversName = "suite/cleanup/nothing-left-behind"

// leftovers lists what run runID left behind: containers, images,
// networks and volumes that carry its label (and images whose tags name
// the run), and, when the daemon is a swarm manager, its services, secrets
// and configs.
func leftovers(ctx context.Context, cli *dockwire.Client, runID string) ([]string, error) {
	label := wire.Filters{"label": {LabelKey + "=" + runID}}
	f := label.Encode()
	var containers []struct {
		ID    string `json:"Id"`
		Names []string
	}
	if err := cli.Wire().DoJSON(ctx, &wire.Request{Method: "GET", Path: "/containers/json", Query: url.Values{"all": {"1"}, "filters": {f}}, Op: "ContainerList"}, &containers); err != nil {
		return nil, err
	}
	var left []string
	for _, c := range containers {
		left = append(left, "container "+c.ID)
	}
	images, err := cli.Images.List(ctx, endpoints.ImageListOptions{})
	if err != nil {
		return nil, err
	}
	for _, im := range images.Items {
		named := false
		for _, t := range im.RepoTags {
			if strings.Contains(t, runID) {
				left = append(left, "image "+t)
				named = true
			}
		}
		if !named && im.Labels[LabelKey] == runID {
			left = append(left, "image "+im.ID)
		}
	}
	networks, err := cli.Networks.List(ctx, endpoints.NetworkListOptions{Filters: label})
	if err != nil {
		return nil, err
	}
	for _, n := range networks.Items {
		left = append(left, "network "+n.Name)
	}
	volumes, err := cli.Volumes.List(ctx, endpoints.VolumeListOptions{Filters: label})
	if err != nil {
		return nil, err
	}
	for _, v := range volumes.Items {
		left = append(left, "volume "+v.Name)
	}
	info, err := cli.System.Info(ctx, endpoints.SystemInfoOptions{})
	if err != nil {
		return nil, err
	}
	if info.Swarm.LocalNodeState != "active" || !info.Swarm.ControlAvailable {
		return left, nil
	}
	services, err := cli.Services.List(ctx, endpoints.ServiceListOptions{Filters: label})
	if err != nil {
		return nil, err
	}
	for _, s := range services.Items {
		left = append(left, "service "+s.Spec.Name)
	}
	secrets, err := cli.Secrets.List(ctx, endpoints.SecretListOptions{Filters: label})
	if err != nil {
		return nil, err
	}
	for _, s := range secrets.Items {
		left = append(left, "secret "+s.Spec.Name)
	}
	configs, err := cli.Configs.List(ctx, endpoints.ConfigListOptions{Filters: label})
	if err != nil {
		return nil, err
	}
	for _, c := range configs.Items {
		left = append(left, "config "+c.Spec.Name)
	}
	return left, nil
}
