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

// NewSecrets returns the Secret operations over w.
func NewSecrets(w *wire.Client) *SecretService { return &SecretService{w: w} }

// SwarmDriver names a driver and its options (swagger: Driver): a secret
// store driver or a templating driver ("golang").
type SwarmDriver struct {
	Name    string
	Options map[string]string `json:",omitempty"`
}

// SecretSpec describes a secret (swagger: SecretSpec). Data is the secret's
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

// IDResult is the answer of a create that returns only an id (swagger:
// IDResponse).
type IDResult struct {
	ID string `json:"Id"`
}

func specRequires(op string, driver, templating *SwarmDriver, driverMinor int) []wire.Requirement {
	var reqs []wire.Requirement
	if driver != nil {
		reqs = append(reqs, wire.Requirement{What: op + ": Driver", Version: v(driverMinor)})
	}
	if templating != nil {
		reqs = append(reqs, wire.Requirement{What: op + ": Templating", Version: v(37)})
	}
	return reqs
}

// Create creates a secret. A name already taken is a *wire.Error matching
// wire.ErrConflict.
//
// API: POST /secrets/create
func (s *SecretService) Create(ctx context.Context, spec SecretSpec) (IDResult, error) {
	const op = "SecretCreate"
	if spec.Name == "" {
		return IDResult{}, argErr(op, "Name", "", "must not be empty")
	}
	r, err := wire.JSONRequest("POST", "/secrets/create", spec)
	if err != nil {
		return IDResult{}, err
	}
	r.Op, r.MinVersion, r.Requires = op, v(25), specRequires(op, spec.Driver, spec.Templating, 31)
	var out IDResult
	err = call(ctx, s.w, r, &out)
	return out, err
}

// List lists secrets (without their data).
//
// API: GET /secrets
func (s *SecretService) List(ctx context.Context, opts SecretListOptions) ([]Secret, error) {
	return doJSON[[]Secret](ctx, s.w, filterRequest("SecretList", "GET", "/secrets", opts.Filters, v(25)))
}

// Inspect reports a secret by id or name (without its data).
//
// API: GET /secrets/{id}
func (s *SecretService) Inspect(ctx context.Context, id string) (Secret, error) {
	r, err := objectRequest("SecretInspect", "GET", "/secrets/", id, "", v(25))
	if err != nil {
		return Secret{}, err
	}
	return doJSON[Secret](ctx, s.w, r)
}

// Delete removes a secret.
//
// API: DELETE /secrets/{id}
func (s *SecretService) Delete(ctx context.Context, id string) error {
	r, err := objectRequest("SecretDelete", "DELETE", "/secrets/", id, "", v(25))
	if err != nil {
		return err
	}
	return call(ctx, s.w, r, nil)
}

// Update replaces a secret's labels; changing anything else is a
// *wire.Error matching wire.ErrInvalidArgument.
//
// API: POST /secrets/{id}/update
func (s *SecretService) Update(ctx context.Context, id string, opts SecretUpdateOptions) error {
	const op = "SecretUpdate"
	p, err := idPath(op, "/secrets/", id, "/update")
	if err != nil {
		return err
	}
	r, err := wire.JSONRequest("POST", p, opts.Spec)
	if err != nil {
		return err
	}
	r.Op, r.MinVersion, r.Requires = op, v(25), specRequires(op, opts.Spec.Driver, opts.Spec.Templating, 31)
	r.Query = versionQuery(opts.Version)
	return call(ctx, s.w, r, nil)
}
