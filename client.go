package dockwire

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/dockwire/dockwire/dial"
	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/internal/bind"
	"github.com/dockwire/dockwire/wire"
)

// Version is this client's version.
const Version = "0.1.0"

// Options tune a [Client]: what is spoken over the connection, where
// dial.Config says where the connection goes. The zero value, or a nil
// *Options, means the defaults; [FromEnv] fills APIVersion from
// DOCKER_API_VERSION.
type Options struct {
	// APIVersion pins the API version (wire.Version{Major: 1, Minor: 41}):
	// no negotiation happens. The zero Version negotiates with the daemon
	// on the first call.
	APIVersion wire.Version
	// PoolSize is the most connections short calls hold at once, and idle
	// ones kept (docker-py's max_pool_size); long-lived calls (wait, logs
	// -f, events, attach) get their own beyond it (see wire.Options).
	// 0 means 10.
	PoolSize int
	// Timeout bounds each call's wait for a free connection, then its
	// connect, response headers and plain answer (see wire.Options); it
	// never cuts a stream that is delivering (logs -f, events, wait, pull).
	// 0 means 60s; negative means none.
	Timeout time.Duration
	// IdleTimeout is how long an idle pooled connection is kept. 0 means
	// 90s; negative keeps idle connections until Close.
	IdleTimeout time.Duration
	// UserAgent is sent with every request. Empty means "dockwire/<Version>".
	UserAgent string
}

// Client is a Docker Engine API client. Its fields are the API's services,
// one per resource, and the one way to reach them: package endpoints
// exports no constructor.
type Client struct {
	// System: ping, version, info, data usage, events, registry auth.
	System *endpoints.SystemService
	// Containers: create, inspect, start, logs, attach, archive... and Run.
	Containers *endpoints.ContainerService
	// Exec: processes in running containers (Containers.ExecRun runs one
	// to completion).
	Exec *endpoints.ExecService
	// Images: list, pull, push, build, tag, save, load, import, commit...
	Images *endpoints.ImageService
	// Distribution: what a registry says of an image.
	Distribution *endpoints.DistributionService
	// Networks and Volumes.
	Networks *endpoints.NetworkService
	Volumes  *endpoints.VolumeService
	// Swarm mode: the swarm itself, its nodes, services, tasks, secrets
	// and configs.
	Swarm    *endpoints.SwarmService
	Nodes    *endpoints.NodeService
	Services *endpoints.ServiceService
	Tasks    *endpoints.TaskService
	Secrets  *endpoints.SecretService
	Configs  *endpoints.ConfigService
	// Plugins: managed plugins.
	Plugins *endpoints.PluginService
	// Session: the deprecated interactive session upgrade.
	Session *endpoints.SessionService

	wire      *wire.Client
	host      string
	closeDial func() error // releases the transport's shared state (the ssh connection)
}

// New returns a client for the daemon cfg names. It does no I/O: the
// connection is made, and the API version negotiated, on the first call.
//
// A TLS host (cfg.TLS set, or https://) needs the TLS transport: import
// _ "github.com/dockwire/dockwire/dial/dialtls" in the program, else New
// returns an error matching dial.ErrUnsupported that says so; an ssh://
// host likewise needs _ "github.com/dockwire/dockwire/dial/ssh". Keeping
// them out unless imported keeps unix-socket programs small.
func New(cfg dial.Config, opts *Options) (*Client, error) {
	if opts == nil {
		opts = &Options{}
	}
	if v := opts.APIVersion; !v.IsZero() && v.Less(wire.MinVersion) {
		return nil, fmt.Errorf("dockwire: API version %s: older than the oldest this client speaks, %s: %w", v, wire.MinVersion, wire.ErrInvalidArgument)
	}
	d, closeDial, err := cfg.Open()
	if err != nil {
		return nil, err
	}
	wo := wire.Options{
		Version:     opts.APIVersion,
		PoolSize:    opts.PoolSize,
		Timeout:     opts.Timeout,
		IdleTimeout: opts.IdleTimeout,
		UserAgent:   opts.UserAgent,
	}
	if wo.UserAgent == "" {
		wo.UserAgent = "dockwire/" + Version
	}
	if h, err := dial.ParseHost(cfg.Host); err == nil && h.Scheme == "tcp" {
		wo.Host = h.Addr
	}
	w := wire.NewClient(d, wo)
	host := cfg.Host
	if host == "" {
		host = dial.DefaultHost
	}
	c := &Client{wire: w, host: host, closeDial: closeDial}
	if err := bind.Services(w, &c.System, &c.Containers, &c.Exec, &c.Images, &c.Distribution, &c.Networks, &c.Volumes,
		&c.Swarm, &c.Nodes, &c.Services, &c.Tasks, &c.Secrets, &c.Configs, &c.Plugins, &c.Session); err != nil {
		return nil, err
	}
	return c, nil
}

// FromEnv returns a client configured the way the docker CLI would be:
// where the daemon is from dial.FromEnv (DOCKER_HOST, DOCKER_TLS_VERIFY,
// DOCKER_CERT_PATH, DOCKER_CONFIG, DOCKER_CONTEXT and the contexts store),
// and Options.APIVersion pinned by DOCKER_API_VERSION ("1.41" or "v1.41")
// when it is set; the other options keep their defaults.
func FromEnv() (*Client, error) {
	cfg, err := dial.FromEnv()
	if err != nil {
		return nil, err
	}
	opts, err := optionsFromLookup(os.LookupEnv)
	if err != nil {
		return nil, err
	}
	return New(cfg, opts)
}

// optionsFromLookup reads the Options the environment sets:
// DOCKER_API_VERSION.
func optionsFromLookup(lookup func(string) (string, bool)) (*Options, error) {
	opts := &Options{}
	if s, _ := lookup("DOCKER_API_VERSION"); s != "" {
		v, err := wire.ParseVersion(s)
		if err != nil {
			return nil, fmt.Errorf("dockwire: DOCKER_API_VERSION=%q: %w", s, err)
		}
		opts.APIVersion = v
	}
	return opts, nil
}

// Host is the daemon address the client talks to.
func (c *Client) Host() string { return c.host }

// APIVersion is the API version in use: the pinned one, or the one
// negotiated with the daemon (negotiating now if no call has yet).
func (c *Client) APIVersion(ctx context.Context) (wire.Version, error) {
	return c.wire.Version(ctx)
}

// Wire is the client's HTTP layer, for operations the typed services do not
// cover. Requests made on it share the client's pool and negotiated version.
func (c *Client) Wire() *wire.Client { return c.wire }

// Close closes the client's idle connections. Calls in flight finish, and
// their connections close when they do; over ssh, the ssh connection
// closes with the last of them.
func (c *Client) Close() error {
	err := c.wire.Close()
	if cerr := c.closeDial(); err == nil {
		err = cerr
	}
	return err
}
