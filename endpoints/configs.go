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

// ConfigSpec describes a config (swagger: ConfigSpec, the ConfigCreate
// body). Data is the config's
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

// ConfigCreateOptions describe a config to create.
type ConfigCreateOptions struct {
	Spec ConfigSpec
}

// ConfigCreateResult names the new config (swagger: IDResponse).
type ConfigCreateResult struct {
	ID string `json:"Id"`
}

// Create creates a config. A name already taken is a *wire.Error matching
// wire.ErrConflict.
//
// API: POST /configs/create
func (s *ConfigService) Create(ctx context.Context, opts ConfigCreateOptions) (ConfigCreateResult, error) {
	r, err := newRequest("ConfigCreate")
	if err != nil {
		return ConfigCreateResult{}, err
	}
	if opts.Spec.Name == "" {
		return ConfigCreateResult{}, argErr(r.Op, "Spec.Name", "", "must not be empty")
	}
	if opts.Spec.Templating != nil {
		need(r, "Templating", 37)
	}
	if err := setJSON(r, opts.Spec); err != nil {
		return ConfigCreateResult{}, err
	}
	return decode[ConfigCreateResult](ctx, s.w, r)
}

// ConfigListResult is what [ConfigService.List] found.
type ConfigListResult struct {
	Items []Config
}

// List lists configs.
//
// API: GET /configs
func (s *ConfigService) List(ctx context.Context, opts ConfigListOptions) (ConfigListResult, error) {
	r, err := newRequest("ConfigList")
	if err != nil {
		return ConfigListResult{}, err
	}
	setFilters(r.Query, opts.Filters)
	items, err := decode[[]Config](ctx, s.w, r)
	return ConfigListResult{Items: items}, err
}

// ConfigInspectOptions tune [ConfigService.Inspect]; there is nothing to
// tune yet.
type ConfigInspectOptions struct{}

// ConfigInspectResult is a config as inspect reports it.
type ConfigInspectResult struct {
	Config
}

// Inspect reports a config by id or name.
//
// API: GET /configs/{id}
func (s *ConfigService) Inspect(ctx context.Context, id string, opts ConfigInspectOptions) (ConfigInspectResult, error) {
	r, err := newRequest("ConfigInspect", id)
	if err != nil {
		return ConfigInspectResult{}, err
	}
	return decode[ConfigInspectResult](ctx, s.w, r)
}

// ConfigDeleteOptions tune [ConfigService.Delete]; there is nothing to
// tune yet.
type ConfigDeleteOptions struct{}

// ConfigDeleteResult is an empty answer; fields may be added.
type ConfigDeleteResult struct{}

// Delete removes a config.
//
// API: DELETE /configs/{id}
func (s *ConfigService) Delete(ctx context.Context, id string, opts ConfigDeleteOptions) (ConfigDeleteResult, error) {
	r, err := newRequest("ConfigDelete", id)
	if err != nil {
		return ConfigDeleteResult{}, err
	}
	_, err = callNoContent(ctx, s.w, r)
	return ConfigDeleteResult{}, err
}

// ConfigUpdateResult is an empty answer; fields may be added.
type ConfigUpdateResult struct{}

// Update replaces a config's labels; changing anything else is a
// *wire.Error matching wire.ErrInvalidArgument.
//
// API: POST /configs/{id}/update
func (s *ConfigService) Update(ctx context.Context, id string, opts ConfigUpdateOptions) (ConfigUpdateResult, error) {
	r, err := newRequest("ConfigUpdate", id)
	if err != nil {
		return ConfigUpdateResult{}, err
	}
	if opts.Spec.Templating != nil {
		need(r, "Templating", 37)
	}
	setVersion(r, opts.Version)
	if err := setJSON(r, opts.Spec); err != nil {
		return ConfigUpdateResult{}, err
	}
	_, err = callNoContent(ctx, s.w, r)
	return ConfigUpdateResult{}, err
}
