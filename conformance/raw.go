package conformance

import (
	"context"
	"errors"
	"net/url"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/wire"
)

// The helpers here speak raw wire requests for the resources whose typed
// services have not landed yet; scenarios move to the services as they do.

// createContainer creates a labelled container running cmd and registers
// its removal. It returns the container's id.
func (e *Env) createContainer(cmd ...string) string {
	e.T.Helper()
	body := map[string]any{"Image": e.Image, "Cmd": cmd, "Labels": e.Labels()}
	req, err := wire.JSONRequest("POST", "/containers/create", body)
	if err != nil {
		e.T.Fatal(err)
	}
	req.Op = "ContainerCreate"
	var out struct {
		ID string `json:"Id"`
	}
	if err := e.Client.Wire().DoJSON(e.Ctx, req, &out); err != nil {
		e.T.Fatalf("create container: %v", err)
	}
	e.Cleanup(func(ctx context.Context) error { return removeContainer(ctx, e.Client, out.ID) })
	return out.ID
}

func removeContainer(ctx context.Context, cli *dockwire.Client, id string) error {
	path, err := wire.Path("/containers/{}", id)
	if err != nil {
		return err
	}
	err = cli.Wire().DoJSON(ctx, &wire.Request{Method: "DELETE", Path: path, Query: url.Values{"force": {"1"}, "v": {"1"}}, Op: "ContainerDelete"}, nil)
	if errors.Is(err, wire.ErrNotFound) {
		return nil
	}
	return err
}

// leftovers lists what run runID left behind.
func leftovers(ctx context.Context, cli *dockwire.Client, runID string) ([]string, error) {
	f := wire.Filters{"label": {LabelKey + "=" + runID}}.Encode()
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
	return left, nil
}
