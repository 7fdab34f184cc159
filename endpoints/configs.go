package endpoints

import (
	"context"

	"github.com/dockwire/dockwire/wire"
)

// ConfigService holds the Config operations of a swarm manager: create,
// list, inspect, update and delete.
type ConfigService struct {
	w *wire.Client
}

// NewConfigs returns the Config operations over w.
func NewConfigs(w *wire.Client) *ConfigService { return &ConfigService{w: w} }

// ConfigSpec describes a config (swagger: ConfigSpec). Data is the config's
// bytes (base64 on the wire, as encoding/json does for []byte); unlike a
// secret's, inspect returns them.
type ConfigSpec struct {
	Name   string
	Labels map[string]string `json:",omitempty"`
	Data   []byte            `json:",omitempty"`
	// Templating names a templating driver (API 1.37).
	Templating *SwarmDriver `json:",omitempty"`
}

// Config is a config as list and inspect report it (swagger: Config), Spec.Data included.
type Config struct {
	ID        string
	Version   ObjectVersion
	CreatedAt string
	UpdatedAt string
	Spec      ConfigSpec
}

// ConfigListOptions select the configs [ConfigService.List] returns:
// filters id, label, name, names.
type ConfigListOptions struct {
	Filters wire.Filters
}

// ConfigUpdateOptions replace a config's spec; only Labels may change.
// Version is the config's current Version.
type ConfigUpdateOptions struct {
	Version ObjectVersion
	Spec    ConfigSpec
}

// Create creates a config. A name already taken is a *wire.Error matching
// wire.ErrConflict.
//
// API: POST /configs/create
func (s *ConfigService) Create(ctx context.Context, spec ConfigSpec) (IDResult, error) {
	const op = "ConfigCreate"
	if spec.Name == "" {
		return IDResult{}, argErr(op, "Name", "", "must not be empty")
	}
	r, err := wire.JSONRequest("POST", "/configs/create", spec)
	if err != nil {
		return IDResult{}, err
	}
	r.Op, r.MinVersion, r.Requires = op, v(30), specRequires(op, nil, spec.Templating, 0)
	var out IDResult
	err = call(ctx, s.w, r, &out)
	return out, err
}

// List lists configs.
//
// API: GET /configs
func (s *ConfigService) List(ctx context.Context, opts ConfigListOptions) ([]Config, error) {
	return doJSON[[]Config](ctx, s.w, filterRequest("ConfigList", "GET", "/configs", opts.Filters, v(30)))
}

// Inspect reports a config by id or name.
//
// API: GET /configs/{id}
func (s *ConfigService) Inspect(ctx context.Context, id string) (Config, error) {
	r, err := objectRequest("ConfigInspect", "GET", "/configs/", id, "", v(30))
	if err != nil {
		return Config{}, err
	}
	return doJSON[Config](ctx, s.w, r)
}

// Delete removes a config.
//
// API: DELETE /configs/{id}
func (s *ConfigService) Delete(ctx context.Context, id string) error {
	r, err := objectRequest("ConfigDelete", "DELETE", "/configs/", id, "", v(30))
	if err != nil {
		return err
	}
	return call(ctx, s.w, r, nil)
}

// Update replaces a config's labels; changing anything else is a
// *wire.Error matching wire.ErrInvalidArgument.
//
// API: POST /configs/{id}/update
func (s *ConfigService) Update(ctx context.Context, id string, opts ConfigUpdateOptions) error {
	const op = "ConfigUpdate"
	p, err := idPath(op, "/configs/", id, "/update")
	if err != nil {
		return err
	}
	r, err := wire.JSONRequest("POST", p, opts.Spec)
	if err != nil {
		return err
	}
	r.Op, r.MinVersion, r.Requires = op, v(30), specRequires(op, nil, opts.Spec.Templating, 0)
	r.Query = versionQuery(opts.Version)
	return call(ctx, s.w, r, nil)
}
