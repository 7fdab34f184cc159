package endpoints

import (
	"context"

	"github.com/dockwire/dockwire/wire"
)

// SecretService holds the Secret operations of a swarm manager: create,
// list, inspect, update and delete.
type SecretService struct {
	w *wire.Client
}

// SwarmDriver names a driver and its options (swagger: Driver): a secret
// store driver or a templating driver ("golang").
type SwarmDriver struct {
	Name    string
	Options map[string]string `json:",omitempty"`
}

// SecretSpec describes a secret (swagger: SecretSpec, the SecretCreate
// body). Data is the secret's
// bytes (base64 on the wire, as encoding/json does for []byte); the daemon
// never returns it.
type SecretSpec struct {
	Name   string
	Labels map[string]string `json:",omitempty"`
	Data   []byte            `json:",omitempty"`
	// Driver names an external secret store (API 1.31).
	Driver *SwarmDriver `json:",omitempty"`
	// Templating names a templating driver (API 1.37).
	Templating *SwarmDriver `json:",omitempty"`
}

// Secret is a secret as list and inspect report it (swagger: Secret).
type Secret struct {
	ID        string
	Version   ObjectVersion
	CreatedAt string
	UpdatedAt string
	Spec      SecretSpec
}

// SecretListOptions select the secrets [SecretService.List] returns:
// filters id, label, name, names.
type SecretListOptions struct {
	Filters wire.Filters
}

// SecretUpdateOptions replace a secret's spec; only Labels may change.
// Version is the secret's current Version.
type SecretUpdateOptions struct {
	Version ObjectVersion
	Spec    SecretSpec
}

// SecretCreateOptions describe a secret to create.
type SecretCreateOptions struct {
	Spec SecretSpec
}

// SecretCreateResult names the new secret (swagger: IDResponse).
type SecretCreateResult struct {
	ID string `json:"Id"`
}

// Create creates a secret. A name already taken is a *wire.Error matching
// wire.ErrConflict.
//
// API: POST /secrets/create
func (s *SecretService) Create(ctx context.Context, opts SecretCreateOptions) (SecretCreateResult, error) {
	r, err := newRequest("SecretCreate")
	if err != nil {
		return SecretCreateResult{}, err
	}
	if opts.Spec.Name == "" {
		return SecretCreateResult{}, argErr(r.Op, "Spec.Name", "", "must not be empty")
	}
	secretNeeds(r, opts.Spec)
	if err := setJSON(r, opts.Spec); err != nil {
		return SecretCreateResult{}, err
	}
	return decode[SecretCreateResult](ctx, s.w, r)
}

// secretNeeds records the versions a secret spec's fields need.
func secretNeeds(r *wire.Request, spec SecretSpec) {
	if spec.Driver != nil {
		need(r, "Driver", 31)
	}
	if spec.Templating != nil {
		need(r, "Templating", 37)
	}
}

// SecretListResult is what [SecretService.List] found.
type SecretListResult struct {
	Items []Secret
}

// List lists secrets (without their data).
//
// API: GET /secrets
func (s *SecretService) List(ctx context.Context, opts SecretListOptions) (SecretListResult, error) {
	r, err := newRequest("SecretList")
	if err != nil {
		return SecretListResult{}, err
	}
	setFilters(r.Query, opts.Filters)
	items, err := decode[[]Secret](ctx, s.w, r)
	return SecretListResult{Items: items}, err
}

// SecretInspectOptions tune [SecretService.Inspect]; there is nothing to
// tune yet.
type SecretInspectOptions struct{}

// SecretInspectResult is a secret as inspect reports it (without its
// data).
type SecretInspectResult struct {
	Secret
}

// Inspect reports a secret by id or name (without its data).
//
// API: GET /secrets/{id}
func (s *SecretService) Inspect(ctx context.Context, id string, opts SecretInspectOptions) (SecretInspectResult, error) {
	r, err := newRequest("SecretInspect", id)
	if err != nil {
		return SecretInspectResult{}, err
	}
	return decode[SecretInspectResult](ctx, s.w, r)
}

// SecretDeleteOptions tune [SecretService.Delete]; there is nothing to
// tune yet.
type SecretDeleteOptions struct{}

// SecretDeleteResult is an empty answer; fields may be added.
type SecretDeleteResult struct{}

// Delete removes a secret.
//
// API: DELETE /secrets/{id}
func (s *SecretService) Delete(ctx context.Context, id string, opts SecretDeleteOptions) (SecretDeleteResult, error) {
	r, err := newRequest("SecretDelete", id)
	if err != nil {
		return SecretDeleteResult{}, err
	}
	_, err = callNoContent(ctx, s.w, r)
	return SecretDeleteResult{}, err
}

// SecretUpdateResult is an empty answer; fields may be added.
type SecretUpdateResult struct{}

// Update replaces a secret's labels; changing anything else is a
// *wire.Error matching wire.ErrInvalidArgument.
//
// API: POST /secrets/{id}/update
func (s *SecretService) Update(ctx context.Context, id string, opts SecretUpdateOptions) (SecretUpdateResult, error) {
	r, err := newRequest("SecretUpdate", id)
	if err != nil {
		return SecretUpdateResult{}, err
	}
	secretNeeds(r, opts.Spec)
	setVersion(r, opts.Version)
	if err := setJSON(r, opts.Spec); err != nil {
		return SecretUpdateResult{}, err
	}
	_, err = callNoContent(ctx, s.w, r)
	return SecretUpdateResult{}, err
}
