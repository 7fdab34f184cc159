package endpoints

import (
	"context"
	"io"
	"net/url"
	"strconv"

	"github.com/dockwire/dockwire/wire"
)

// PluginService holds the Plugin operations: list, privileges, pull,
// inspect, delete, enable, disable, upgrade, create, push and set.
type PluginService struct {
	w *wire.Client
}

// NewPlugins returns the Plugin operations over w.
func NewPlugins(w *wire.Client) *PluginService { return &PluginService{w: w} }

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
	ID       string `json:"Id"`
	Name     string
	Enabled  bool
	Settings struct {
		Mounts  []PluginMount
		Env     []string
		Args    []string
		Devices []PluginDevice
	}
	PluginReference string
	Config          struct {
		DockerVersion string // deprecated in API 1.51
		Description   string
		Documentation string
		Interface     struct {
			Types          []string
			Socket         string
			ProtocolScheme string
		}
		Entrypoint []string
		WorkDir    string
		User       struct {
			UID uint32
			GID uint32
		}
		Network struct {
			Type string
		}
		Linux struct {
			Capabilities    []string
			AllowAllDevices bool
			Devices         []PluginDevice
		}
		PropagatedMount string
		IpcHost         bool
		PidHost         bool
		Mounts          []PluginMount
		Env             []PluginEnv
		Args            struct {
			Name        string
			Description string
			Settable    []string
			Value       []string
		}
		Rootfs *struct {
			Type    string   `json:"type"`
			DiffIDs []string `json:"diff_ids"`
		} `json:"rootfs"`
	}
}

// PluginProgress is one record of a plugin pull, upgrade or push stream.
// A failure arrives as the stream's *wire.StreamError.
type PluginProgress struct {
	Status         string `json:"status"`
	ID             string `json:"id"`
	Progress       string `json:"progress"`
	ProgressDetail struct {
		Current int64 `json:"current"`
		Total   int64 `json:"total"`
	} `json:"progressDetail"`
}

// PluginListOptions select the plugins [PluginService.List] returns:
// filters capability, enable.
type PluginListOptions struct {
	Filters wire.Filters
}

// PluginPullOptions tune [PluginService.Pull].
type PluginPullOptions struct {
	// Name is the local name to install as ("" : the remote reference).
	Name string
	// Privileges are the permissions granted, usually those
	// [PluginService.Privileges] reported for the remote.
	Privileges []PluginPrivilege
	// RegistryAuth is sent as X-Registry-Auth when set.
	RegistryAuth *AuthConfig
}

// PluginUpgradeOptions tune [PluginService.Upgrade].
type PluginUpgradeOptions struct {
	Privileges   []PluginPrivilege
	RegistryAuth *AuthConfig
}

// PluginPushOptions tune [PluginService.Push].
type PluginPushOptions struct {
	RegistryAuth *AuthConfig
}

// PluginDeleteOptions tune [PluginService.Delete].
type PluginDeleteOptions struct {
	// Force removes an enabled plugin.
	Force bool
}

// PluginEnableOptions tune [PluginService.Enable].
type PluginEnableOptions struct {
	// Timeout is how many seconds the daemon waits for the plugin to
	// start (0: its default).
	Timeout int
}

// PluginDisableOptions tune [PluginService.Disable].
type PluginDisableOptions struct {
	// Force disables a plugin still in use (API 1.28).
	Force bool
}

// pluginPath escapes a plugin name ("vieux/sshfs:latest") into
// /plugins/{name}{suffix}.
func pluginPath(op, name, suffix string) (string, error) {
	return idPath(op, "/plugins/", name, suffix)
}

func remoteQuery(op string, r *wire.Request, remote string) error {
	if remote == "" {
		return argErr(op, "remote", "", "must not be empty")
	}
	if err := checkNoControl(op, "remote", remote); err != nil {
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

// List lists the installed plugins.
//
// API: GET /plugins
func (s *PluginService) List(ctx context.Context, opts PluginListOptions) ([]Plugin, error) {
	return doJSON[[]Plugin](ctx, s.w, filterRequest("PluginList", "GET", "/plugins", opts.Filters, wire.Version{}))
}

// Privileges reports the permissions a remote plugin asks for, to grant
// them in [PluginService.Pull]. The daemon contacts the registry.
//
// API: GET /plugins/privileges
func (s *PluginService) Privileges(ctx context.Context, remote string) ([]PluginPrivilege, error) {
	const op = "GetPluginPrivileges"
	r := req("GET", "/plugins/privileges", op)
	if err := remoteQuery(op, r, remote); err != nil {
		return nil, err
	}
	var out []PluginPrivilege
	err := call(ctx, s.w, r, &out)
	return out, err
}

// progressStream sends a request whose answer is a JSON progress stream.
func (s *PluginService) progressStream(ctx context.Context, r *wire.Request, auth *AuthConfig) (*wire.Stream[PluginProgress], error) {
	if err := setRegistryAuth(r, auth); err != nil {
		return nil, err
	}
	r.NoTimeout = true
	resp, err := send(ctx, s.w, r)
	if err != nil {
		return nil, err
	}
	return wire.NewStream[PluginProgress](ctx, resp.Body, resp.Header.Get("Content-Type"), wire.StreamOptions{}), nil
}

func privilegesRequest(op, path string, privs []PluginPrivilege) (*wire.Request, error) {
	if privs == nil {
		privs = []PluginPrivilege{}
	}
	r, err := wire.JSONRequest("POST", path, privs)
	if err != nil {
		return nil, err
	}
	r.Op, r.Query = op, url.Values{}
	return r, nil
}

// Pull installs a plugin from a registry, granting it opts.Privileges; it
// is installed disabled. The caller reads the stream to its end (Next
// until false) and checks Err: a failure after the daemon started
// answering (registry unreachable, manifest unknown) is a
// *wire.StreamError there, one before it a *wire.Error from Pull.
//
// API: POST /plugins/pull
func (s *PluginService) Pull(ctx context.Context, remote string, opts PluginPullOptions) (*wire.Stream[PluginProgress], error) {
	const op = "PluginPull"
	r, err := privilegesRequest(op, "/plugins/pull", opts.Privileges)
	if err != nil {
		return nil, err
	}
	if err := remoteQuery(op, r, remote); err != nil {
		return nil, err
	}
	if opts.Name != "" {
		if err := checkNoControl(op, "Name", opts.Name); err != nil {
			return nil, err
		}
		r.Query.Set("name", opts.Name)
	}
	return s.progressStream(ctx, r, opts.RegistryAuth)
}

// Inspect reports an installed plugin by name or id.
//
// API: GET /plugins/{name}/json
func (s *PluginService) Inspect(ctx context.Context, name string) (Plugin, error) {
	const op = "PluginInspect"
	p, err := pluginPath(op, name, "/json")
	if err != nil {
		return Plugin{}, err
	}
	var out Plugin
	err = call(ctx, s.w, req("GET", p, op), &out)
	return out, err
}

// Delete removes a plugin and returns it as it was.
//
// API: DELETE /plugins/{name}
func (s *PluginService) Delete(ctx context.Context, name string, opts PluginDeleteOptions) (Plugin, error) {
	const op = "PluginDelete"
	p, err := pluginPath(op, name, "")
	if err != nil {
		return Plugin{}, err
	}
	r := req("DELETE", p, op)
	boolParam(r.Query, "force", opts.Force)
	var out Plugin
	err = call(ctx, s.w, r, &out)
	return out, err
}

// Enable starts a plugin.
//
// API: POST /plugins/{name}/enable
func (s *PluginService) Enable(ctx context.Context, name string, opts PluginEnableOptions) error {
	const op = "PluginEnable"
	p, err := pluginPath(op, name, "/enable")
	if err != nil {
		return err
	}
	if opts.Timeout < 0 {
		return argErr(op, "Timeout", strconv.Itoa(opts.Timeout), "must not be negative")
	}
	r := req("POST", p, op)
	// Always sent: dockerd 20.10 fails with 500 (strconv.Atoi: parsing "")
	// when it is missing.
	r.Query.Set("timeout", strconv.Itoa(opts.Timeout))
	return call(ctx, s.w, r, nil)
}

// Disable stops a plugin.
//
// API: POST /plugins/{name}/disable
func (s *PluginService) Disable(ctx context.Context, name string, opts PluginDisableOptions) error {
	const op = "PluginDisable"
	p, err := pluginPath(op, name, "/disable")
	if err != nil {
		return err
	}
	r := req("POST", p, op)
	if opts.Force {
		r.Query.Set("force", "1")
		r.Requires = append(r.Requires, wire.Requirement{What: op + ": Force", Version: v(28)})
	}
	return call(ctx, s.w, r, nil)
}

// Upgrade replaces a disabled plugin with another version from a registry
// (API 1.26); the stream is read as [PluginService.Pull]'s.
//
// API: POST /plugins/{name}/upgrade
func (s *PluginService) Upgrade(ctx context.Context, name, remote string, opts PluginUpgradeOptions) (*wire.Stream[PluginProgress], error) {
	const op = "PluginUpgrade"
	p, err := pluginPath(op, name, "/upgrade")
	if err != nil {
		return nil, err
	}
	r, err := privilegesRequest(op, p, opts.Privileges)
	if err != nil {
		return nil, err
	}
	r.MinVersion = v(26)
	if err := remoteQuery(op, r, remote); err != nil {
		return nil, err
	}
	return s.progressStream(ctx, r, opts.RegistryAuth)
}

// Create creates a plugin named name from a tar of its rootfs directory
// and config.json (sent as it is read, chunked).
//
// API: POST /plugins/create
func (s *PluginService) Create(ctx context.Context, name string, tarContext io.Reader) error {
	const op = "PluginCreate"
	if name == "" {
		return argErr(op, "name", "", "must not be empty")
	}
	if err := checkNoControl(op, "name", name); err != nil {
		return err
	}
	if tarContext == nil {
		return argErr(op, "tarContext", "", "must not be nil")
	}
	r := req("POST", "/plugins/create", op)
	r.Query.Set("name", name)
	r.Header = wire.Header{"Content-Type": {"application/x-tar"}}
	r.Body, r.ContentLength = tarContext, -1
	r.NoTimeout = true
	return call(ctx, s.w, r, nil)
}

// Push pushes a plugin to its registry; the stream is read as
// [PluginService.Pull]'s.
//
// API: POST /plugins/{name}/push
func (s *PluginService) Push(ctx context.Context, name string, opts PluginPushOptions) (*wire.Stream[PluginProgress], error) {
	const op = "PluginPush"
	p, err := pluginPath(op, name, "/push")
	if err != nil {
		return nil, err
	}
	return s.progressStream(ctx, req("POST", p, op), opts.RegistryAuth)
}

// Set changes a plugin's settings: "KEY=value" for env, "name.source=path"
// for mounts and devices, "args=value" for args.
//
// API: POST /plugins/{name}/set
func (s *PluginService) Set(ctx context.Context, name string, args []string) error {
	const op = "PluginSet"
	p, err := pluginPath(op, name, "/set")
	if err != nil {
		return err
	}
	if len(args) == 0 {
		return argErr(op, "args", "", "must name at least one setting")
	}
	for _, a := range args {
		if a == "" || a[0] == '=' {
			return argErr(op, "args", a, "want KEY=value")
		}
	}
	r, err := wire.JSONRequest("POST", p, args)
	if err != nil {
		return err
	}
	r.Op = op
	return call(ctx, s.w, r, nil)
}
