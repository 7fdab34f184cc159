package endpoints

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/dockwire/dockwire/wire"
)

// SystemService holds the System operations: ping, version, info, data
// usage, events and registry auth.
type SystemService struct {
	w *wire.Client
}

// NewSystem returns the System operations over w.
func NewSystem(w *wire.Client) *SystemService { return &SystemService{w: w} }

// Ping asks the daemon whether it is up: HEAD /_ping, falling back to GET
// when HEAD does not give 200. It sends no version prefix and needs no
// negotiation, so it is the call to make first against an unknown daemon.
//
// API: HEAD /_ping
// API: GET /_ping
func (s *SystemService) Ping(ctx context.Context) (wire.PingResult, error) {
	return s.w.Ping(ctx)
}

// ComponentVersion is one component of the daemon's version report
// (swagger: ComponentVersion).
type ComponentVersion struct {
	Name    string
	Version string
	Details map[string]string `json:",omitempty"`
}

// Version is the daemon's version report (swagger: SystemVersion).
type Version struct {
	Platform struct {
		Name string
	}
	Components    []ComponentVersion
	Version       string
	APIVersion    string `json:"ApiVersion"`
	MinAPIVersion string `json:"MinAPIVersion"`
	GitCommit     string
	GoVersion     string
	Os            string
	Arch          string
	KernelVersion string
	Experimental  bool
	BuildTime     string
}

// Version reports the daemon's version.
//
// API: GET /version
func (s *SystemService) Version(ctx context.Context) (Version, error) {
	var v Version
	err := call(ctx, s.w, &wire.Request{Method: "GET", Path: "/version", Op: "SystemVersion"}, &v)
	return v, err
}

// SwarmInfo is the swarm part of [Info] (swagger: SwarmInfo).
type SwarmInfo struct {
	NodeID           string
	NodeAddr         string
	LocalNodeState   string
	ControlAvailable bool
	Error            string
	RemoteManagers   []struct {
		NodeID string
		Addr   string
	}
	Nodes    int
	Managers int
}

// PluginsInfo lists the plugins available to the daemon by kind.
type PluginsInfo struct {
	Volume        []string
	Network       []string
	Authorization []string
	Log           []string
}

// Runtime is an OCI runtime the daemon knows.
type Runtime struct {
	Path        string   `json:"path"`
	RuntimeArgs []string `json:"runtimeArgs,omitempty"`
}

// RegistryConfig is the daemon's registry configuration (swagger:
// RegistryServiceConfig).
type RegistryConfig struct {
	InsecureRegistryCIDRs []string
	IndexConfigs          map[string]struct {
		Name     string
		Mirrors  []string
		Secure   bool
		Official bool
	}
	Mirrors []string
}

// Info is the daemon's system-wide information (swagger: SystemInfo).
type Info struct {
	ID                 string
	Containers         int
	ContainersRunning  int
	ContainersPaused   int
	ContainersStopped  int
	Images             int
	Driver             string
	DriverStatus       [][2]string
	DockerRootDir      string
	Plugins            PluginsInfo
	MemoryLimit        bool
	SwapLimit          bool
	CPUCfsPeriod       bool `json:"CpuCfsPeriod"`
	CPUCfsQuota        bool `json:"CpuCfsQuota"`
	CPUShares          bool
	CPUSet             bool
	PidsLimit          bool
	IPv4Forwarding     bool
	Debug              bool
	NFd                int
	NGoroutines        int
	SystemTime         string
	LoggingDriver      string
	CgroupDriver       string
	CgroupVersion      string
	NEventsListener    int
	KernelVersion      string
	OperatingSystem    string
	OSVersion          string
	OSType             string
	Architecture       string
	NCPU               int
	MemTotal           int64
	IndexServerAddress string
	RegistryConfig     *RegistryConfig
	HTTPProxy          string `json:"HttpProxy"`
	HTTPSProxy         string `json:"HttpsProxy"`
	NoProxy            string
	Name               string
	Labels             []string
	ExperimentalBuild  bool
	ServerVersion      string
	Runtimes           map[string]Runtime
	DefaultRuntime     string
	Swarm              SwarmInfo
	LiveRestoreEnabled bool
	Isolation          string
	InitBinary         string
	SecurityOptions    []string
	Warnings           []string
}

// Info reports system-wide information.
//
// API: GET /info
func (s *SystemService) Info(ctx context.Context) (Info, error) {
	var v Info
	err := call(ctx, s.w, &wire.Request{Method: "GET", Path: "/info", Op: "SystemInfo"}, &v)
	return v, err
}

// DataUsageOptions selects what [SystemService.DataUsage] computes.
type DataUsageOptions struct {
	// Types limits the report to these object types: "container",
	// "image", "volume", "build-cache" (API 1.42). Empty means all.
	Types []string
	// Verbose asks for per-object detail in the 1.52+ usage fields (API 1.52).
	Verbose bool
}

// DiskUsageSummary is the per-type summary of API 1.52+ (swagger:
// ImagesDiskUsage, ContainersDiskUsage, VolumesDiskUsage,
// BuildCacheDiskUsage); Items are left raw since their shape is the type's
// own summary.
type DiskUsageSummary struct {
	ActiveCount int64
	TotalCount  int64
	Reclaimable int64
	TotalSize   int64
}

// DataUsageImage is one image of the legacy data usage report.
type DataUsageImage struct {
	ID         string `json:"Id"`
	ParentID   string `json:"ParentId"`
	RepoTags   []string
	Created    int64
	Size       int64
	SharedSize int64
	Containers int64
	Labels     map[string]string
}

// DataUsageContainer is one container of the legacy data usage report.
type DataUsageContainer struct {
	ID         string `json:"Id"`
	Names      []string
	Image      string
	SizeRw     int64
	SizeRootFs int64
	State      string
	Status     string
	Labels     map[string]string
}

// DataUsageVolume is one volume of the legacy data usage report.
type DataUsageVolume struct {
	Name       string
	Driver     string
	Mountpoint string
	Labels     map[string]string
	Scope      string
	UsageData  *VolumeUsageData
}

// BuildCacheRecord is one build cache record (swagger: BuildCache).
type BuildCacheRecord struct {
	ID          string
	Parents     []string
	Type        string
	Description string
	InUse       bool
	Shared      bool
	Size        int64
	CreatedAt   string
	LastUsedAt  string
	UsageCount  int
}

// DataUsage is the daemon's disk usage report (swagger:
// SystemDataUsageResponse). Daemons before API 1.52 fill the legacy fields
// (LayersSize, Images, Containers, Volumes, BuildCache); 1.52 fills both;
// 1.53 and later only the per-type summaries.
type DataUsage struct {
	LayersSize int64
	Images     []DataUsageImage
	Containers []DataUsageContainer
	Volumes    []DataUsageVolume
	BuildCache []BuildCacheRecord

	ImageUsage      *DiskUsageSummary
	ContainerUsage  *DiskUsageSummary
	VolumeUsage     *DiskUsageSummary
	BuildCacheUsage *DiskUsageSummary
}

// DataUsage reports how much disk the daemon's objects use (docker system df).
//
// API: GET /system/df
func (s *SystemService) DataUsage(ctx context.Context, opts DataUsageOptions) (DataUsage, error) {
	req := &wire.Request{Method: "GET", Path: "/system/df", Op: "SystemDataUsage", Query: url.Values{}}
	for _, t := range opts.Types {
		req.Query.Add("type", t)
	}
	if len(opts.Types) > 0 {
		req.Requires = append(req.Requires, wire.Requirement{What: "SystemDataUsage: Types", Version: wire.Version{Major: 1, Minor: 42}})
	}
	if opts.Verbose {
		req.Query.Set("verbose", "1")
		req.Requires = append(req.Requires, wire.Requirement{What: "SystemDataUsage: Verbose", Version: wire.Version{Major: 1, Minor: 52}})
	}
	var v DataUsage
	err := call(ctx, s.w, req, &v)
	return v, err
}

// EventActor is the object an event is about (swagger: EventActor).
type EventActor struct {
	ID         string
	Attributes map[string]string
}

// Event is one record of the events stream (swagger: EventMessage).
type Event struct {
	Type     string
	Action   string
	Actor    EventActor
	Scope    string `json:"scope"`
	Time     int64  `json:"time"`
	TimeNano int64  `json:"timeNano"`
}

// EventsOptions selects the events to stream. With Until set the daemon ends
// the stream by itself at that time; without it the stream runs until ctx
// is cancelled or the stream is closed.
type EventsOptions struct {
	Since   time.Time
	Until   time.Time
	Filters wire.Filters
}

// unixTimestamp formats t as dockerd's "seconds.nanoseconds" timestamp.
func unixTimestamp(t time.Time) string {
	ns := t.UnixNano()
	sec, frac := ns/1e9, ns%1e9
	if frac < 0 {
		sec, frac = sec-1, frac+1e9
	}
	s := strconv.FormatInt(frac, 10)
	for len(s) < 9 {
		s = "0" + s
	}
	return strconv.FormatInt(sec, 10) + "." + s
}

// Events streams the daemon's events. The caller must Close the stream.
//
// API: GET /events
func (s *SystemService) Events(ctx context.Context, opts EventsOptions) (*wire.Stream[Event], error) {
	req := &wire.Request{Method: "GET", Path: "/events", Op: "SystemEvents", Query: url.Values{}, NoTimeout: true}
	if !opts.Since.IsZero() {
		req.Query.Set("since", unixTimestamp(opts.Since))
	}
	if !opts.Until.IsZero() {
		req.Query.Set("until", unixTimestamp(opts.Until))
	}
	if f := opts.Filters.Encode(); f != "" {
		req.Query.Set("filters", f)
	}
	resp, err := send(ctx, s.w, req)
	if err != nil {
		return nil, err
	}
	return wire.NewStream[Event](ctx, resp.Body, resp.Header.Get("Content-Type"), wire.StreamOptions{}), nil
}

// AuthConfig is a registry credential (swagger: AuthConfig). It is what
// [SystemService.Auth] checks and what X-Registry-Auth carries.
type AuthConfig struct {
	Username      string `json:"username,omitempty"`
	Password      string `json:"password,omitempty"`
	Auth          string `json:"auth,omitempty"`
	Email         string `json:"email,omitempty"`
	ServerAddress string `json:"serveraddress,omitempty"`
	IdentityToken string `json:"identitytoken,omitempty"`
	RegistryToken string `json:"registrytoken,omitempty"`
}

// AuthResult is the daemon's answer to a successful login (swagger:
// AuthResponse). IdentityToken is set when the registry gave one.
type AuthResult struct {
	Status        string
	IdentityToken string
}

// Auth checks credentials against a registry, through the daemon. Refused
// credentials are a *wire.Error with errors.Is(err, wire.ErrUnauthorized).
//
// API: POST /auth
func (s *SystemService) Auth(ctx context.Context, auth AuthConfig) (AuthResult, error) {
	req, err := wire.JSONRequest("POST", "/auth", auth)
	if err != nil {
		return AuthResult{}, err
	}
	req.Op = "SystemAuth"
	var v AuthResult
	err = call(ctx, s.w, req, &v)
	return v, err
}
