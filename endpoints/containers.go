package endpoints

import (
	"context"
	"strconv"

	"github.com/dockwire/dockwire/wire"
)

// ContainerService holds the Container operations, and the docker-py style
// conveniences built on them (Run, ExecRun, CopyTo, CopyFrom).
type ContainerService struct {
	w *wire.Client
}

// NewContainers returns the Container operations over w.
func NewContainers(w *wire.Client) *ContainerService { return &ContainerService{w: w} }

// ContainerListOptions select the containers [ContainerService.List]
// returns. The zero value lists the running ones.
type ContainerListOptions struct {
	All     bool // stopped ones too
	Limit   int  // the n most recently created (all states); 0 = no limit
	Size    bool // fill SizeRw and SizeRootFs (slow)
	Filters wire.Filters
}

// List lists containers (docker ps).
//
// API: GET /containers/json
func (s *ContainerService) List(ctx context.Context, opts ContainerListOptions) ([]ContainerSummary, error) {
	const op = "ContainerList"
	if opts.Limit < 0 {
		return nil, argErr(op, "Limit", strconv.Itoa(opts.Limit), "must not be negative")
	}
	r := req("GET", "/containers/json", op)
	boolParam(r.Query, "all", opts.All)
	boolParam(r.Query, "size", opts.Size)
	if opts.Limit > 0 {
		r.Query.Set("limit", strconv.Itoa(opts.Limit))
	}
	if f := opts.Filters.Encode(); f != "" {
		r.Query.Set("filters", f)
	}
	var out []ContainerSummary
	err := call(ctx, s.w, r, &out)
	return out, err
}

// ContainerInspectOptions tune [ContainerService.Inspect].
type ContainerInspectOptions struct {
	Size bool // fill SizeRw and SizeRootFs
}

// Inspect returns the full state of a container: a fresh Inspect is
// docker-py's reload().
//
// API: GET /containers/{id}/json
func (s *ContainerService) Inspect(ctx context.Context, id string, opts ContainerInspectOptions) (ContainerInspect, error) {
	const op = "ContainerInspect"
	r, err := objectRequest(op, "GET", "/containers/", id, "/json", wire.Version{})
	if err != nil {
		return ContainerInspect{}, err
	}
	boolParam(r.Query, "size", opts.Size)
	var out ContainerInspect
	err = call(ctx, s.w, r, &out)
	return out, err
}

// TopOptions tune [ContainerService.Top].
type TopOptions struct {
	PsArgs string // ps arguments, default "-ef"
}

// Top lists the processes running in a container.
//
// API: GET /containers/{id}/top
func (s *ContainerService) Top(ctx context.Context, id string, opts TopOptions) (ContainerTop, error) {
	const op = "ContainerTop"
	r, err := objectRequest(op, "GET", "/containers/", id, "/top", wire.Version{})
	if err != nil {
		return ContainerTop{}, err
	}
	if opts.PsArgs != "" {
		r.Query.Set("ps_args", opts.PsArgs)
	}
	var out ContainerTop
	err = call(ctx, s.w, r, &out)
	return out, err
}

// Changes lists the paths changed in a container's filesystem since it was
// created.
//
// API: GET /containers/{id}/changes
func (s *ContainerService) Changes(ctx context.Context, id string) ([]FilesystemChange, error) {
	const op = "ContainerChanges"
	p, err := idPath(op, "/containers/", id, "/changes")
	if err != nil {
		return nil, err
	}
	var out []FilesystemChange
	err = call(ctx, s.w, req("GET", p, op), &out)
	return out, err
}
