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

// ContainerListOptions select the containers [ContainerService.List]
// returns. The zero value lists the running ones.
type ContainerListOptions struct {
	All     bool // stopped ones too
	Limit   int  // the n most recently created (all states); 0 = no limit
	Size    bool // fill SizeRw and SizeRootFs (slow)
	Filters wire.Filters
}

// ContainerListResult is what [ContainerService.List] found.
type ContainerListResult struct {
	Items []ContainerSummary
}

// List lists containers (docker ps).
//
// API: GET /containers/json
func (s *ContainerService) List(ctx context.Context, opts ContainerListOptions) (ContainerListResult, error) {
	r, err := newRequest("ContainerList")
	if err != nil {
		return ContainerListResult{}, err
	}
	if opts.Limit < 0 {
		return ContainerListResult{}, argErr(r.Op, "Limit", strconv.Itoa(opts.Limit), "must not be negative")
	}
	setBool(r.Query, "all", opts.All)
	setBool(r.Query, "size", opts.Size)
	if opts.Limit > 0 {
		r.Query.Set("limit", strconv.Itoa(opts.Limit))
	}
	setFilters(r.Query, opts.Filters)
	items, err := decodeWith(ctx, s.w, r, decodeSliceContainerSummary)
	return ContainerListResult{Items: items}, err
}

// ContainerInspectOptions tune [ContainerService.Inspect].
type ContainerInspectOptions struct {
	Size bool // fill SizeRw and SizeRootFs
}

// Inspect returns the full state of a container: a fresh Inspect is
// docker-py's reload().
//
// API: GET /containers/{id}/json
func (s *ContainerService) Inspect(ctx context.Context, id string, opts ContainerInspectOptions) (ContainerInspectResult, error) {
	r, err := newRequest("ContainerInspect", id)
	if err != nil {
		return ContainerInspectResult{}, err
	}
	setBool(r.Query, "size", opts.Size)
	return decodeWith(ctx, s.w, r, decodeContainerInspectResult)
}

// ContainerTopOptions tune [ContainerService.Top].
type ContainerTopOptions struct {
	PsArgs string // ps arguments, default "-ef"
}

// ContainerTopResult is the process list of a container (swagger:
// ContainerTopResponse): Titles are the ps columns, Processes its rows.
type ContainerTopResult struct {
	Titles    []string
	Processes [][]string
}

// Top lists the processes running in a container.
//
// API: GET /containers/{id}/top
func (s *ContainerService) Top(ctx context.Context, id string, opts ContainerTopOptions) (ContainerTopResult, error) {
	r, err := newRequest("ContainerTop", id)
	if err != nil {
		return ContainerTopResult{}, err
	}
	setString(r.Query, "ps_args", opts.PsArgs)
	return decode[ContainerTopResult](ctx, s.w, r)
}

// ContainerChangesOptions tune [ContainerService.Changes]; there is nothing
// to tune yet.
type ContainerChangesOptions struct{}

// ContainerChangesResult lists the paths changed in a container's
// filesystem.
type ContainerChangesResult struct {
	Items []FilesystemChange
}

// Changes lists the paths changed in a container's filesystem since it was
// created.
//
// API: GET /containers/{id}/changes
func (s *ContainerService) Changes(ctx context.Context, id string, opts ContainerChangesOptions) (ContainerChangesResult, error) {
	r, err := newRequest("ContainerChanges", id)
	if err != nil {
		return ContainerChangesResult{}, err
	}
	items, err := decode[[]FilesystemChange](ctx, s.w, r)
	return ContainerChangesResult{Items: items}, err
}
