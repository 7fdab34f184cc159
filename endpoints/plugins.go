package endpoints

import (
	"context"
	"io"
	"strconv"

	"github.com/dockwire/dockwire/wire"
)

// PluginService holds the Plugin operations: list, privileges, pull,
// inspect, delete, enable, disable, upgrade, create, push and set.
type PluginService struct {
	w *wire.Client
}

// PluginMount is a mount a plugin declares (swagger: PluginMount).
type PluginMount struct {
	Name        string
	Description string
	Settable    []string
	Source      string
	Destination string
	Type        string
	Options     []string
}

// PluginDevice is a device a plugin declares (swagger: PluginDevice).
type PluginDevice struct {
	Name        string
	Description string
	Settable    []string
	Path        string
}

// PluginEnv is an environment variable a plugin declares (swagger:
// PluginEnv).
type PluginEnv struct {
	Name        string
	Description string
	Settable    []string
	Value       string
}

// Plugin is an installed plugin (swagger: Plugin).
type Plugin struct {
	ID              string `json:"Id"`
	Name            string
	Enabled         bool
	Settings        PluginSettings
	PluginReference string
	Config          PluginConfig
}

// PluginSettings are a plugin's settable values, as set.
type PluginSettings struct {
	Mounts  []PluginMount
	Env     []string
	Args    []string
	Devices []PluginDevice
}

// PluginConfig is a plugin's config.json (swagger: Plugin.Config).
type PluginConfig struct {
	DockerVersion   string // deprecated in API 1.51
	Description     string
	Documentation   string
	Interface       PluginInterface
	Entrypoint      []string
	WorkDir         string
	User            PluginUser
	Network         PluginNetwork
	Linux           PluginLinux
	PropagatedMount string
	IpcHost         bool
	PidHost         bool
	Mounts          []PluginMount
	Env             []PluginEnv
	Args            PluginArgs
	Rootfs          *PluginRootfs `json:"rootfs"`
}

// PluginInterface is what a plugin implements and how it is reached.
type PluginInterface struct {
	Types          []string // "docker.volumedriver/1.0"
	Socket         string
	ProtocolScheme string
}

// PluginUser is the user a plugin runs as.
type PluginUser struct {
	UID uint32
	GID uint32
}

// PluginNetwork is a plugin's network ("host", "none").
type PluginNetwork struct {
	Type string
}

// PluginLinux are a plugin's Linux privileges.
type PluginLinux struct {
	Capabilities    []string
	AllowAllDevices bool
	Devices         []PluginDevice
}

// PluginArgs are the arguments a plugin declares.
type PluginArgs struct {
	Name        string
	Description string
	Settable    []string
	Value       []string
}

// PluginRootfs is a plugin's root filesystem.
type PluginRootfs struct {
	Type    string   `json:"type"`
	DiffIDs []string `json:"diff_ids"`
}

// PluginListOptions select the plugins [PluginService.List] returns:
// filters capability, enable.
type PluginListOptions struct {
	Filters wire.Filters
}

// PluginListResult is what [PluginService.List] found.
type PluginListResult struct {
	Items []Plugin
}

// List lists the installed plugins.
//
// API: GET /plugins
func (s *PluginService) List(ctx context.Context, opts PluginListOptions) (PluginListResult, error) {
	r, err := newRequest("PluginList")
	if err != nil {
		return PluginListResult{}, err
	}
	setFilters(r.Query, opts.Filters)
	items, err := decode[[]Plugin](ctx, s.w, r)
	return PluginListResult{Items: items}, err
}

// PluginPrivilegesOptions tune [PluginService.Privileges]; there is
// nothing to tune yet.
type PluginPrivilegesOptions struct{}

// PluginPrivilegesResult lists the permissions a remote plugin asks for.
type PluginPrivilegesResult struct {
	Items []PluginPrivilege
}

// Privileges reports the permissions a remote plugin asks for, to grant
// them in [PluginService.Pull]. The daemon contacts the registry.
//
// API: GET /plugins/privileges
func (s *PluginService) Privileges(ctx context.Context, remote string, opts PluginPrivilegesOptions) (PluginPrivilegesResult, error) {
	r, err := newRequest("GetPluginPrivileges")
	if err != nil {
		return PluginPrivilegesResult{}, err
	}
	if err := setRemote(r, remote); err != nil {
		return PluginPrivilegesResult{}, err
	}
	items, err := decode[[]PluginPrivilege](ctx, s.w, r)
	return PluginPrivilegesResult{Items: items}, err
}

func setRemote(r *wire.Request, remote string) error {
	if remote == "" {
		return argErr(r.Op, "remote", "", "must not be empty")
	}
	if err := checkNoControl(r.Op, "remote", remote); err != nil {
		return err
	}
	r.Query.Set("remote", remote)
	return nil
}

func checkNoControl(op, field, s string) error {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return argErr(op, field, s, "contains a control character")
		}
	}
	return nil
}

// setPrivileges makes the privileges granted r's body.
func setPrivileges(r *wire.Request, privs []PluginPrivilege) error {
	if privs == nil {
		privs = []PluginPrivilege{}
	}
	return setJSON(r, privs)
}

// runProgress sends r, whose answer is a progress stream, and reads it to
// its end, handing each record to fn.
func (s *PluginService) runProgress(ctx context.Context, r *wire.Request, auth *AuthConfig, fn ProgressFunc) error {
	if err := setRegistryAuth(r, auth); err != nil {
		return err
	}
	r.NoTimeout = true
	resp, err := send(ctx, s.w, r)
	if err != nil {
		return err
	}
	_, err = readProgress(ctx, resp, fn)
	return streamErr(r.Op, "", err)
}

// PluginPullOptions tune [PluginService.Pull].
type PluginPullOptions struct {
	// Name is the local name to install as ("" : the remote reference).
	Name string
	// Privileges are the permissions granted, usually those
	// [PluginService.Privileges] reported for the remote.
	Privileges []PluginPrivilege
	// Auth is sent as X-Registry-Auth when set.
	Auth     *AuthConfig
	Progress ProgressFunc
}

// PluginPullResult is an empty answer; fields may be added.
type PluginPullResult struct{}

// Pull installs a plugin from a registry, granting it opts.Privileges; it
// is installed disabled. It reads the daemon's progress to its end,
// handing each record to opts.Progress: a failure after the daemon started
// answering (registry unreachable, manifest unknown) is a
// *wire.StreamError, one before it a *wire.Error.
//
// API: POST /plugins/pull
func (s *PluginService) Pull(ctx context.Context, remote string, opts PluginPullOptions) (PluginPullResult, error) {
	r, err := newRequest("PluginPull")
	if err != nil {
		return PluginPullResult{}, err
	}
	if err := setRemote(r, remote); err != nil {
		return PluginPullResult{}, err
	}
	if opts.Name != "" {
		if err := checkNoControl(r.Op, "Name", opts.Name); err != nil {
			return PluginPullResult{}, err
		}
		r.Query.Set("name", opts.Name)
	}
	if err := setPrivileges(r, opts.Privileges); err != nil {
		return PluginPullResult{}, err
	}
	return PluginPullResult{}, s.runProgress(ctx, r, opts.Auth, opts.Progress)
}

// PluginInspectOptions tune [PluginService.Inspect]; there is nothing to
// tune yet.
type PluginInspectOptions struct{}

// PluginInspectResult is an installed plugin.
type PluginInspectResult struct {
	Plugin
}

// Inspect reports an installed plugin by name or id.
//
// API: GET /plugins/{name}/json
func (s *PluginService) Inspect(ctx context.Context, name string, opts PluginInspectOptions) (PluginInspectResult, error) {
	r, err := newRequest("PluginInspect", name)
	if err != nil {
		return PluginInspectResult{}, err
	}
	return decode[PluginInspectResult](ctx, s.w, r)
}

// PluginDeleteOptions tune [PluginService.Delete].
type PluginDeleteOptions struct {
	// Force removes an enabled plugin.
	Force bool
}

// PluginDeleteResult is the plugin as it was before it was removed.
type PluginDeleteResult struct {
	Plugin
}

// Delete removes a plugin and returns it as it was.
//
// API: DELETE /plugins/{name}
func (s *PluginService) Delete(ctx context.Context, name string, opts PluginDeleteOptions) (PluginDeleteResult, error) {
	r, err := newRequest("PluginDelete", name)
	if err != nil {
		return PluginDeleteResult{}, err
	}
	setBool(r.Query, "force", opts.Force)
	return decode[PluginDeleteResult](ctx, s.w, r)
}

// PluginEnableOptions tune [PluginService.Enable].
type PluginEnableOptions struct {
	// Timeout is how many seconds the daemon waits for the plugin to
	// start (0: its default).
	Timeout int
}

// PluginEnableResult is an empty answer; fields may be added.
type PluginEnableResult struct{}

// Enable starts a plugin.
//
// API: POST /plugins/{name}/enable
func (s *PluginService) Enable(ctx context.Context, name string, opts PluginEnableOptions) (PluginEnableResult, error) {
	r, err := newRequest("PluginEnable", name)
	if err != nil {
		return PluginEnableResult{}, err
	}
	if opts.Timeout < 0 {
		return PluginEnableResult{}, argErr(r.Op, "Timeout", strconv.Itoa(opts.Timeout), "must not be negative")
	}
	// Always sent: dockerd 20.10 fails with 500 (strconv.Atoi: parsing "")
	// when it is missing.
	r.Query.Set("timeout", strconv.Itoa(opts.Timeout))
	_, err = callNoContent(ctx, s.w, r)
	return PluginEnableResult{}, err
}

// PluginDisableOptions tune [PluginService.Disable].
type PluginDisableOptions struct {
	// Force disables a plugin still in use (API 1.28).
	Force bool
}

// PluginDisableResult is an empty answer; fields may be added.
type PluginDisableResult struct{}

// Disable stops a plugin.
//
// API: POST /plugins/{name}/disable
func (s *PluginService) Disable(ctx context.Context, name string, opts PluginDisableOptions) (PluginDisableResult, error) {
	r, err := newRequest("PluginDisable", name)
	if err != nil {
		return PluginDisableResult{}, err
	}
	if opts.Force {
		r.Query.Set("force", "1")
		need(r, "Force", 28)
	}
	_, err = callNoContent(ctx, s.w, r)
	return PluginDisableResult{}, err
}

// PluginUpgradeOptions tune [PluginService.Upgrade].
type PluginUpgradeOptions struct {
	Privileges []PluginPrivilege
	Auth       *AuthConfig
	Progress   ProgressFunc
}

// PluginUpgradeResult is an empty answer; fields may be added.
type PluginUpgradeResult struct{}

// Upgrade replaces a disabled plugin with another version from a registry
// (API 1.26), reading the progress as [PluginService.Pull] does.
//
// API: POST /plugins/{name}/upgrade
func (s *PluginService) Upgrade(ctx context.Context, name, remote string, opts PluginUpgradeOptions) (PluginUpgradeResult, error) {
	r, err := newRequest("PluginUpgrade", name)
	if err != nil {
		return PluginUpgradeResult{}, err
	}
	if err := setRemote(r, remote); err != nil {
		return PluginUpgradeResult{}, err
	}
	if err := setPrivileges(r, opts.Privileges); err != nil {
		return PluginUpgradeResult{}, err
	}
	return PluginUpgradeResult{}, s.runProgress(ctx, r, opts.Auth, opts.Progress)
}

// PluginCreateOptions tune [PluginService.Create]; there is nothing to
// tune yet.
type PluginCreateOptions struct{}

// PluginCreateResult is an empty answer; fields may be added.
type PluginCreateResult struct{}

// Create creates a plugin named name from a tar of its rootfs directory
// and config.json (sent as it is read, chunked).
//
// API: POST /plugins/create
func (s *PluginService) Create(ctx context.Context, name string, tarContext io.Reader, opts PluginCreateOptions) (PluginCreateResult, error) {
	r, err := newRequest("PluginCreate")
	if err != nil {
		return PluginCreateResult{}, err
	}
	if name == "" {
		return PluginCreateResult{}, argErr(r.Op, "name", "", "must not be empty")
	}
	if err := checkNoControl(r.Op, "name", name); err != nil {
		return PluginCreateResult{}, err
	}
	if tarContext == nil {
		return PluginCreateResult{}, argErr(r.Op, "tarContext", "", "must not be nil")
	}
	r.Query.Set("name", name)
	setStream(r, "application/x-tar", tarContext)
	r.NoTimeout = true
	_, err = callNoContent(ctx, s.w, r)
	return PluginCreateResult{}, err
}

// PluginPushOptions tune [PluginService.Push].
type PluginPushOptions struct {
	Auth     *AuthConfig
	Progress ProgressFunc
}

// PluginPushResult is an empty answer; fields may be added.
type PluginPushResult struct{}

// Push pushes a plugin to its registry, reading the progress as
// [PluginService.Pull] does.
//
// API: POST /plugins/{name}/push
func (s *PluginService) Push(ctx context.Context, name string, opts PluginPushOptions) (PluginPushResult, error) {
	r, err := newRequest("PluginPush", name)
	if err != nil {
		return PluginPushResult{}, err
	}
	return PluginPushResult{}, s.runProgress(ctx, r, opts.Auth, opts.Progress)
}

// PluginSetOptions are the settings [PluginService.Set] changes.
type PluginSetOptions struct {
	// Args are "KEY=value" for env, "name.source=path" for mounts and
	// devices, "args=value" for args.
	Args []string
}

// PluginSetResult is an empty answer; fields may be added.
type PluginSetResult struct{}

// Set changes a plugin's settings.
//
// API: POST /plugins/{name}/set
func (s *PluginService) Set(ctx context.Context, name string, opts PluginSetOptions) (PluginSetResult, error) {
	r, err := newRequest("PluginSet", name)
	if err != nil {
		return PluginSetResult{}, err
	}
	if len(opts.Args) == 0 {
		return PluginSetResult{}, argErr(r.Op, "Args", "", "must name at least one setting")
	}
	for _, a := range opts.Args {
		if a == "" || a[0] == '=' {
			return PluginSetResult{}, argErr(r.Op, "Args", a, "want KEY=value")
		}
	}
	if err := setJSON(r, opts.Args); err != nil {
		return PluginSetResult{}, err
	}
	_, err = callNoContent(ctx, s.w, r)
	return PluginSetResult{}, err
}
