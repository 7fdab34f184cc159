package endpoints

import (
	"context"

	"github.com/dockwire/dockwire/wire"
)

// Many list, prune, inspect and delete operations differ only in their
// path, their type and the API version that brought them: these helpers
// are that shared part.

// filterRequest is method path with filters (a list or a prune), for API
// min and later (the zero Version for no minimum).
func filterRequest(op, method, path string, filters wire.Filters, min wire.Version) *wire.Request {
	r := req(method, path, op)
	r.MinVersion = min
	if f := filters.Encode(); f != "" {
		r.Query.Set("filters", f)
	}
	return r
}

// objectRequest is method prefix+id+suffix, for API min and later (the
// zero Version for no minimum); an empty or unsafe id is an *ArgError.
func objectRequest(op, method, prefix, id, suffix string, min wire.Version) (*wire.Request, error) {
	p, err := idPath(op, prefix, id, suffix)
	if err != nil {
		return nil, err
	}
	r := req(method, p, op)
	r.MinVersion = min
	return r, nil
}

// doJSON sends r and decodes the answer into a T.
func doJSON[T any](ctx context.Context, w *wire.Client, r *wire.Request) (T, error) {
	var out T
	err := call(ctx, w, r, &out)
	return out, err
}
