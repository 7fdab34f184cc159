package endpoints

import (
	"context"

	"github.com/dockwire/dockwire/wire"
)

// DistributionService holds the Distribution operation: asking a registry,
// through the daemon, about an image it holds.
type DistributionService struct {
	w *wire.Client
}

// DistributionInspectOptions tune [DistributionService.Inspect].
type DistributionInspectOptions struct {
	Auth *AuthConfig // credentials for the image's registry
}

// Inspect asks the image's registry for its manifest descriptor and
// platforms (the data behind docker manifest inspect); the daemon
// contacts the registry, the image need not be local. It needs API 1.30.
//
// API: GET /distribution/{name}/json
func (s *DistributionService) Inspect(ctx context.Context, ref string, opts DistributionInspectOptions) (DistributionInspectResult, error) {
	r, err := newRequest("DistributionInspect", ref)
	if err != nil {
		return DistributionInspectResult{}, err
	}
	if err := checkRef(r.Op, "ref", ref); err != nil {
		return DistributionInspectResult{}, err
	}
	if err := setAuth(r, opts.Auth); err != nil {
		return DistributionInspectResult{}, err
	}
	return decode[DistributionInspectResult](ctx, s.w, r)
}
