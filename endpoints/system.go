package endpoints

import (
	"context"
	"time"

	"github.com/dockwire/dockwire/wire"
)

// SystemService holds the System operations: ping, version, info, data
// usage, events and registry auth.
type SystemService struct {
	w *wire.Client
}

// SystemPingOptions tune [SystemService.Ping]; there is nothing to tune
// yet.
type SystemPingOptions struct{}

// SystemPingResult is what the daemon says about itself in /_ping's
// headers.
type SystemPingResult struct {
	wire.PingResult
}

// Ping asks the daemon whether it is up: HEAD /_ping, falling back to GET
// when HEAD does not give 200. It sends no version prefix and needs no
// negotiation, so it is the call to make first against an unknown daemon.
//
// API: HEAD /_ping
// API: GET /_ping
func (s *SystemService) Ping(ctx context.Context, opts SystemPingOptions) (SystemPingResult, error) {
	p, err := s.w.Ping(ctx)
	return SystemPingResult{p}, err
}

// ComponentVersion is one component of the daemon's version report
// (swagger: SystemVersion.Components).
type ComponentVersion struct {
	Name    string
	Version string
	Details map[string]string `json:",omitempty"`
}

// ServerPlatform names the daemon's product (swagger:
// SystemVersion.Platform): "Docker Engine - Community".
type ServerPlatform struct {
	Name string
}

// SystemVersionResult is the daemon's version report (swagger: SystemVersion).
type SystemVersionResult struct {
	Platform      ServerPlatform
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

// SystemVersionOptions tune [SystemService.Version]; there is nothing to
// tune yet.
type SystemVersionOptions struct{}

// Version reports the daemon's version.
//
// API: GET /version
func (s *SystemService) Version(ctx context.Context, opts SystemVersionOptions) (SystemVersionResult, error) {
	r, err := newRequest("SystemVersion")
	if err != nil {
		return SystemVersionResult{}, err
	}
	return decode[SystemVersionResult](ctx, s.w, r)
}

// SwarmInfo is the swarm part of [SystemInfoResult] (swagger: SwarmInfo).
type SwarmInfo struct {
	NodeID           string
	NodeAddr         string
	LocalNodeState   string
	ControlAvailable bool
	Error            string
	RemoteManagers   []SwarmPeer
	Nodes            int
	Managers         int
	// Cluster is the swarm as a manager reports it (nil on a worker).
	Cluster *ClusterInfo `json:",omitempty"`
}

// SwarmPeer is a manager of the swarm a daemon is in (swagger: PeerNode).
type SwarmPeer struct {
	NodeID string
	Addr   string
}

// PluginsInfo lists the plugins available to the daemon by kind.
type PluginsInfo struct {
	Volume        []string
	Network       []string
	Authorization []string
	Log           []string
}

// Runtime is an OCI runtime the daemon knows (swagger: Runtime). Status
// is what the runtime reports of itself (API 1.46).
type Runtime struct {
	Path        string            `json:"path"`
	RuntimeArgs []string          `json:"runtimeArgs,omitempty"`
	Status      map[string]string `json:"status,omitempty"`
}

// RegistryConfig is the daemon's registry configuration (swagger:
// RegistryServiceConfig).
type RegistryConfig struct {
	InsecureRegistryCIDRs []string
	IndexConfigs          map[string]IndexInfo
	Mirrors               []string
}

// IndexInfo is a registry the daemon knows (swagger: IndexInfo).
type IndexInfo struct {
	Name     string
	Mirrors  []string
	Secure   bool
	Official bool
}

// Commit is the version control commit of a component the daemon runs,
// as Info reports it (swagger: Commit).
type Commit struct {
	ID string
}

// ContainerdInfo is the containerd the daemon uses (swagger:
// ContainerdInfo), API 1.46.
type ContainerdInfo struct {
	Address    string
	Namespaces ContainerdNamespaces
}

// ContainerdNamespaces are the containerd namespaces the daemon uses
// (swagger: ContainerdInfo.Namespaces).
type ContainerdNamespaces struct {
	Containers string
	Plugins    string
}

// NetworkAddressPool is a default address pool of the daemon's local
// networks (swagger: SystemInfo.DefaultAddressPools): networks get
// subnets of Size bits from Base.
type NetworkAddressPool struct {
	Base string
	Size int
}

// DeviceInfo is a device a device driver found (swagger: DeviceInfo), API
// 1.50.
type DeviceInfo struct {
	Source string
	ID     string
}

// FirewallInfo is the firewall backend the daemon uses (swagger:
// FirewallInfo), API 1.49: Driver is "iptables" or "nftables", Info its
// [name, value] pairs.
type FirewallInfo struct {
	Driver string
	Info   [][2]string
}

// NRIInfo is the daemon's Node Resource Interface configuration (swagger:
// NRIInfo), API 1.53, as [name, value] pairs.
type NRIInfo struct {
	Info [][2]string
}

// SystemInfoResult is the daemon's system-wide information (swagger: SystemInfo).
type SystemInfoResult struct {
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

	OomKillDisable      bool
	ProductLicense      string
	ContainerdCommit    Commit
	RuncCommit          Commit
	InitCommit          Commit
	DefaultAddressPools []NetworkAddressPool
	GenericResources    []GenericResource
	CDISpecDirs         []string        // API 1.46
	Containerd          *ContainerdInfo `json:",omitempty"` // API 1.46
	FirewallBackend     *FirewallInfo   `json:",omitempty"` // API 1.49
	DiscoveredDevices   []DeviceInfo    // API 1.50
	NRI                 *NRIInfo        `json:",omitempty"` // API 1.53
}

// SystemInfoOptions tune [SystemService.Info]; there is nothing to tune
// yet.
type SystemInfoOptions struct{}

// Info reports system-wide information.
//
// API: GET /info
func (s *SystemService) Info(ctx context.Context, opts SystemInfoOptions) (SystemInfoResult, error) {
	r, err := newRequest("SystemInfo")
	if err != nil {
		return SystemInfoResult{}, err
	}
	return decode[SystemInfoResult](ctx, s.w, r)
}

// SystemDataUsageOptions selects what [SystemService.DataUsage] computes.
type SystemDataUsageOptions struct {
	// Types limits the report to these object types: "container",
	// "image", "volume", "build-cache" (API 1.42). Empty means all.
	Types []string
	// Verbose asks for per-object detail in the 1.52+ usage fields (API 1.52).
	Verbose bool
}

// DiskUsageCounts are what the per-type disk usage reports of API 1.52+
// share: how many objects, how many in use, their size and how much of it
// a prune would free.
type DiskUsageCounts struct {
	ActiveCount int64
	TotalCount  int64
	Reclaimable int64
	TotalSize   int64
}

// ImagesDiskUsage is the images' disk usage (swagger: ImagesDiskUsage);
// Items, with SystemDataUsageOptions.Verbose, each image.
type ImagesDiskUsage struct {
	DiskUsageCounts
	Items []ImageSummary `json:",omitempty"`
}

// ContainersDiskUsage is the containers' disk usage (swagger:
// ContainersDiskUsage); Items, with SystemDataUsageOptions.Verbose, each
// container.
type ContainersDiskUsage struct {
	DiskUsageCounts
	Items []ContainerSummary `json:",omitempty"`
}

// VolumesDiskUsage is the volumes' disk usage (swagger:
// VolumesDiskUsage); Items, with SystemDataUsageOptions.Verbose, each
// volume.
type VolumesDiskUsage struct {
	DiskUsageCounts
	Items []Volume `json:",omitempty"`
}

// BuildCacheDiskUsage is the build cache's disk usage (swagger:
// BuildCacheDiskUsage); Items, with SystemDataUsageOptions.Verbose, each
// record.
type BuildCacheDiskUsage struct {
	DiskUsageCounts
	Items []BuildCacheRecord `json:",omitempty"`
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

// SystemDataUsageResult is the daemon's disk usage report (swagger:
// the SystemDataUsage response). Daemons before API 1.52 fill the legacy fields
// (LayersSize, Images, Containers, Volumes, BuildCache); 1.52 fills both;
// 1.53 and later only the per-type summaries.
type SystemDataUsageResult struct {
	LayersSize int64
	Images     []DataUsageImage
	Containers []DataUsageContainer
	Volumes    []DataUsageVolume
	BuildCache []BuildCacheRecord

	ImageUsage      *ImagesDiskUsage
	ContainerUsage  *ContainersDiskUsage
	VolumeUsage     *VolumesDiskUsage
	BuildCacheUsage *BuildCacheDiskUsage
}

// DataUsage reports how much disk the daemon's objects use (docker system df).
//
// API: GET /system/df
func (s *SystemService) DataUsage(ctx context.Context, opts SystemDataUsageOptions) (SystemDataUsageResult, error) {
	r, err := newRequest("SystemDataUsage")
	if err != nil {
		return SystemDataUsageResult{}, err
	}
	for _, t := range opts.Types {
		r.Query.Add("type", t)
	}
	if len(opts.Types) > 0 {
		need(r, "Types", 42)
	}
	if opts.Verbose {
		r.Query.Set("verbose", "1")
		need(r, "Verbose", 52)
	}
	return decode[SystemDataUsageResult](ctx, s.w, r)
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

// SystemEventsOptions selects the events to stream. With Until set the daemon ends
// the stream by itself at that time; without it the stream runs until ctx
// is cancelled or the stream is closed.
type SystemEventsOptions struct {
	Since   time.Time
	Until   time.Time
	Filters wire.Filters
}

// Events streams the daemon's events. The caller must Close the stream.
//
// API: GET /events
func (s *SystemService) Events(ctx context.Context, opts SystemEventsOptions) (*wire.Stream[Event], error) {
	r, err := newRequest("SystemEvents")
	if err != nil {
		return nil, err
	}
	r.NoTimeout = true
	if !opts.Since.IsZero() {
		r.Query.Set("since", unixTimestamp(opts.Since))
	}
	if !opts.Until.IsZero() {
		r.Query.Set("until", unixTimestamp(opts.Until))
	}
	setFilters(r.Query, opts.Filters)
	resp, err := send(ctx, s.w, r)
	if err != nil {
		return nil, err
	}
	return wire.NewStream[Event](ctx, resp.Body, resp.Header.Get("Content-Type"), wire.StreamOptions{Decode: recordDecoder(decodeEvent)}), nil
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

// SystemAuthResult is the daemon's answer to a successful login (swagger:
// AuthResponse). IdentityToken is set when the registry gave one.
type SystemAuthResult struct {
	Status        string
	IdentityToken string
}

// SystemAuthOptions are the credentials [SystemService.Auth] checks.
type SystemAuthOptions struct {
	Auth AuthConfig
}

// Auth checks credentials against a registry, through the daemon (docker
// login). Refused credentials are a *wire.Error with errors.Is(err,
// wire.ErrUnauthorized).
//
// API: POST /auth
func (s *SystemService) Auth(ctx context.Context, opts SystemAuthOptions) (SystemAuthResult, error) {
	r, err := newRequest("SystemAuth")
	if err != nil {
		return SystemAuthResult{}, err
	}
	if err := setJSON(r, opts.Auth); err != nil {
		return SystemAuthResult{}, err
	}
	return decode[SystemAuthResult](ctx, s.w, r)
}
