package dockwire

import (
	"context"
	"fmt"
	"time"

	"github.com/dockwire/dockwire/dial"
	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// Version is this client's version.
const Version = "0.1.0"

// Options tune a [Client]. The zero value, or a nil *Options, means the
// defaults; a non-zero field overrides the matching field of dial.Config.
type Options struct {
	// APIVersion pins the API version ("1.41"): no negotiation happens.
	// Empty means the Config's pin (DOCKER_API_VERSION), or negotiation.
	APIVersion string
	// PoolSize is the most connections short calls hold at once, and idle
	// ones kept (docker-py's max_pool_size); long-lived calls (wait, logs
	// -f, events, attach) get their own beyond it (see wire.Options).
	// 0 means the Config's, default 10.
	PoolSize int
	// Timeout bounds each call's wait for a free connection, then its
	// connect, response headers and plain answer (see wire.Options); it
	// never cuts a stream that is delivering (logs -f, events, wait, pull).
	// 0 means the Config's, default 60s; negative means none.
	Timeout time.Duration
	// IdleTimeout is how long an idle pooled connection is kept. 0 means 90s.
	IdleTimeout time.Duration
	// UserAgent is sent with every request. Empty means "dockwire/<Version>".
	UserAgent string
}

// Client is a Docker Engine API client. Its fields are the API's services,
// one per resource.
type Client struct {
	// System: ping, version, info, data usage, events, registry auth.
	System *endpoints.SystemService
	// Containers: create, inspect, start, logs, attach, archive... and Run.
	Containers *endpoints.ContainerService
	// Exec: processes in running containers, and ExecRun.
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

	wire *wire.Client
	host string
}

// New returns a client for the daemon cfg names. It does no I/O: the
// connection is made, and the API version negotiated, on the first call.
//
// A TLS host (cfg.TLS set, or https://) needs the TLS transport: import
// _ "github.com/dockwire/dockwire/dial/dialtls" in the program, else New
// returns an error matching dial.ErrUnsupported that says so. Keeping TLS
// out unless imported keeps unix-socket programs about 1 MiB smaller.
func New(cfg dial.Config, opts *Options) (*Client, error) {
	if opts == nil {
		opts = &Options{}
	}
	d, err := cfg.Dialer()
	if err != nil {
		return nil, err
	}
	wo := wire.Options{
		PoolSize:    cfg.PoolSize,
		Timeout:     cfg.Timeout,
		IdleTimeout: opts.IdleTimeout,
		UserAgent:   opts.UserAgent,
	}
	if wo.UserAgent == "" {
		wo.UserAgent = "dockwire/" + Version
	}
	if opts.PoolSize != 0 {
		wo.PoolSize = opts.PoolSize
	}
	if opts.Timeout != 0 {
		wo.Timeout = opts.Timeout
	}
	pin := cfg.APIVersion
	if opts.APIVersion != "" {
		pin = opts.APIVersion
	}
	if pin != "" {
		v, err := wire.ParseVersion(pin)
		if err != nil {
			return nil, fmt.Errorf("dockwire: API version %q: %w", pin, err)
		}
		wo.Version = v
	}
	if h, err := dial.ParseHost(cfg.Host); err == nil && h.Scheme == "tcp" {
		wo.Host = h.Addr
	}
	w := wire.NewClient(d, wo)
	host := cfg.Host
	if host == "" {
		host = dial.DefaultHost
	}
	return &Client{
		System:       endpoints.NewSystem(w),
		Containers:   endpoints.NewContainers(w),
		Exec:         endpoints.NewExec(w),
		Images:       endpoints.NewImages(w),
		Distribution: endpoints.NewDistribution(w),
		Networks:     endpoints.NewNetworks(w),
		Volumes:      endpoints.NewVolumes(w),
		Swarm:        endpoints.NewSwarm(w),
		Nodes:        endpoints.NewNodes(w),
		Services:     endpoints.NewServices(w),
		Tasks:        endpoints.NewTasks(w),
		Secrets:      endpoints.NewSecrets(w),
		Configs:      endpoints.NewConfigs(w),
		Plugins:      endpoints.NewPlugins(w),
		Session:      endpoints.NewSession(w),
		wire:         w,
		host:         host,
	}, nil
}

// FromEnv returns a client configured the way the docker CLI would be, from
// DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, DOCKER_API_VERSION,
// DOCKER_CONFIG and DOCKER_CONTEXT (see dial.FromEnv), with default options.
func FromEnv() (*Client, error) {
	cfg, err := dial.FromEnv()
	if err != nil {
		return nil, err
	}
	return New(cfg, nil)
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
// their connections close when they do.
func (c *Client) Close() error { return c.wire.Close() }
