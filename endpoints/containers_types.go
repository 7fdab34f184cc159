package endpoints

import (
	"strings"
	"time"
)

// Port is a container port with its protocol, as the API writes it in
// ExposedPorts and PortBindings: "80/tcp", "53/udp", "9/sctp". Build one
// with [ParsePort] to have it checked.
type Port string

// Number returns the port number part ("80" of "80/tcp").
func (p Port) Number() string {
	n, _, _ := strings.Cut(string(p), "/")
	return n
}

// Proto returns the protocol part, "tcp" when absent.
func (p Port) Proto() string {
	_, proto, ok := strings.Cut(string(p), "/")
	if !ok || proto == "" {
		return "tcp"
	}
	return proto
}

// PortBinding is one host side of a published port (swagger: PortBinding).
// An empty HostIP means every address; an empty HostPort a free port.
type PortBinding struct {
	HostIP   string `json:"HostIp"`
	HostPort string
}

// PortMap maps container ports to their host bindings (swagger: PortMap).
type PortMap map[Port][]PortBinding

// HealthConfig is a container's healthcheck (swagger: HealthConfig).
// Durations are nanoseconds on the wire; 0 means inherit.
type HealthConfig struct {
	// Test is the check: [] inherit, ["NONE"] disable, ["CMD", args...]
	// exec, ["CMD-SHELL", command] through the shell.
	Test          []string      `json:",omitempty"`
	Interval      time.Duration `json:",omitempty"`
	Timeout       time.Duration `json:",omitempty"`
	Retries       int           `json:",omitempty"`
	StartPeriod   time.Duration `json:",omitempty"`
	StartInterval time.Duration `json:",omitempty"` // API 1.44
}

// ContainerConfig is the portable configuration of a container (swagger:
// ContainerConfig): what runs and with which environment.
type ContainerConfig struct {
	Hostname        string              `json:",omitempty"`
	Domainname      string              `json:",omitempty"`
	User            string              `json:",omitempty"`
	AttachStdin     bool                `json:",omitempty"`
	AttachStdout    bool                `json:",omitempty"`
	AttachStderr    bool                `json:",omitempty"`
	ExposedPorts    map[Port]struct{}   `json:",omitempty"`
	Tty             bool                `json:",omitempty"`
	OpenStdin       bool                `json:",omitempty"`
	StdinOnce       bool                `json:",omitempty"`
	Env             []string            `json:",omitempty"`
	Cmd             []string            `json:",omitempty"`
	Healthcheck     *HealthConfig       `json:",omitempty"`
	ArgsEscaped     bool                `json:",omitempty"`
	Image           string              `json:",omitempty"`
	Volumes         map[string]struct{} `json:",omitempty"`
	WorkingDir      string              `json:",omitempty"`
	Entrypoint      []string            `json:",omitempty"`
	NetworkDisabled bool                `json:",omitempty"`
	// MacAddress is the container's MAC address on its network. From API
	// 1.44, where the container-wide field is deprecated (and from 1.52
	// refused), Create sends it as the MacAddress of the endpoint of
	// HostConfig.NetworkMode's network ("bridge" by default).
	MacAddress  string            `json:",omitempty"`
	OnBuild     []string          `json:",omitempty"`
	Labels      map[string]string `json:",omitempty"`
	StopSignal  string            `json:",omitempty"`
	StopTimeout *int              `json:",omitempty"` // seconds
	Shell       []string          `json:",omitempty"`
}

// RestartPolicy says what the daemon does when the container exits
// (swagger: RestartPolicy). Name is "", "no", "always", "unless-stopped" or
// "on-failure"; MaximumRetryCount applies to "on-failure" only.
type RestartPolicy struct {
	Name              string `json:",omitempty"`
	MaximumRetryCount int    `json:",omitempty"`
}

// Restart policy names.
const (
	RestartNo            = "no"
	RestartAlways        = "always"
	RestartUnlessStopped = "unless-stopped"
	RestartOnFailure     = "on-failure"
)

// LogConfig selects the container's logging driver (swagger:
// HostConfig.LogConfig).
type LogConfig struct {
	Type   string            `json:",omitempty"`
	Config map[string]string `json:",omitempty"`
}

// Ulimit is one resource limit of the container's processes (swagger:
// Resources.Ulimits).
type Ulimit struct {
	Name string
	Soft int64
	Hard int64
}

// DeviceMapping maps a host device into the container (swagger:
// DeviceMapping). CgroupPermissions is a combination of "r", "w", "m".
type DeviceMapping struct {
	PathOnHost        string
	PathInContainer   string
	CgroupPermissions string `json:",omitempty"`
}

// DeviceRequest asks for devices from a driver, such as GPUs (swagger:
// DeviceRequest).
type DeviceRequest struct {
	Driver       string            `json:",omitempty"`
	Count        int               `json:",omitempty"`
	DeviceIDs    []string          `json:",omitempty"`
	Capabilities [][]string        `json:",omitempty"`
	Options      map[string]string `json:",omitempty"`
}

// ThrottleDevice is a per-device I/O limit (swagger: ThrottleDevice).
type ThrottleDevice struct {
	Path string
	Rate uint64
}

// WeightDevice is a per-device I/O weight.
type WeightDevice struct {
	Path   string
	Weight uint16
}

// Resources are the container's resource limits (swagger: Resources).
// Memory values are bytes ([ParseMemory] reads "512m"); NanoCPUs is CPUs
// in units of 1e-9.
type Resources struct {
	CPUShares            int64            `json:"CpuShares,omitempty"`
	Memory               int64            `json:",omitempty"`
	CgroupParent         string           `json:",omitempty"`
	BlkioWeight          uint16           `json:",omitempty"`
	BlkioWeightDevice    []WeightDevice   `json:",omitempty"`
	BlkioDeviceReadBps   []ThrottleDevice `json:",omitempty"`
	BlkioDeviceWriteBps  []ThrottleDevice `json:",omitempty"`
	BlkioDeviceReadIOps  []ThrottleDevice `json:",omitempty"`
	BlkioDeviceWriteIOps []ThrottleDevice `json:",omitempty"`
	CPUPeriod            int64            `json:"CpuPeriod,omitempty"`
	CPUQuota             int64            `json:"CpuQuota,omitempty"`
	CPURealtimePeriod    int64            `json:"CpuRealtimePeriod,omitempty"`
	CPURealtimeRuntime   int64            `json:"CpuRealtimeRuntime,omitempty"`
	CpusetCpus           string           `json:",omitempty"`
	CpusetMems           string           `json:",omitempty"`
	Devices              []DeviceMapping  `json:",omitempty"`
	DeviceCgroupRules    []string         `json:",omitempty"`
	DeviceRequests       []DeviceRequest  `json:",omitempty"`
	MemoryReservation    int64            `json:",omitempty"`
	MemorySwap           int64            `json:",omitempty"`
	MemorySwappiness     *int64           `json:",omitempty"`
	NanoCPUs             int64            `json:"NanoCpus,omitempty"`
	OomKillDisable       *bool            `json:",omitempty"`
	Init                 *bool            `json:",omitempty"`
	PidsLimit            *int64           `json:",omitempty"`
	Ulimits              []Ulimit         `json:",omitempty"`
	CPUCount             int64            `json:"CpuCount,omitempty"`
	CPUPercent           int64            `json:"CpuPercent,omitempty"`
	IOMaximumIOps        uint64           `json:",omitempty"`
	IOMaximumBandwidth   uint64           `json:",omitempty"`
}

// Mount types.
const (
	MountBind    = "bind"
	MountVolume  = "volume"
	MountTmpfs   = "tmpfs"
	MountNpipe   = "npipe"
	MountCluster = "cluster"
	MountImage   = "image" // API 1.48
)

// MountBindOptions configure a "bind" mount.
type MountBindOptions struct {
	Propagation            string `json:",omitempty"` // "private", "rshared", ...
	NonRecursive           bool   `json:",omitempty"`
	CreateMountpoint       bool   `json:",omitempty"` // API 1.42
	ReadOnlyNonRecursive   bool   `json:",omitempty"` // API 1.44
	ReadOnlyForceRecursive bool   `json:",omitempty"` // API 1.44
}

// VolumeDriverConfig names a volume driver and its options.
type VolumeDriverConfig struct {
	Name    string            `json:",omitempty"`
	Options map[string]string `json:",omitempty"`
}

// MountVolumeOptions configure a "volume" mount.
type MountVolumeOptions struct {
	NoCopy       bool                `json:",omitempty"`
	Labels       map[string]string   `json:",omitempty"`
	DriverConfig *VolumeDriverConfig `json:",omitempty"`
	Subpath      string              `json:",omitempty"` // API 1.45
}

// MountImageOptions configure an "image" mount (API 1.48).
type MountImageOptions struct {
	Subpath string `json:",omitempty"`
}

// MountTmpfsOptions configure a "tmpfs" mount.
type MountTmpfsOptions struct {
	SizeBytes int64 `json:",omitempty"`
	Mode      int   `json:",omitempty"` // permission bits, e.g. 0o1777
	// Options are extra mount options, each ["name"] or ["name", "value"]
	// (API 1.46).
	Options [][]string `json:",omitempty"`
}

// Mount is one entry of HostConfig.Mounts (swagger: Mount).
type Mount struct {
	Target        string
	Source        string `json:",omitempty"`
	Type          string
	ReadOnly      bool                `json:",omitempty"`
	Consistency   string              `json:",omitempty"`
	BindOptions   *MountBindOptions   `json:",omitempty"`
	VolumeOptions *MountVolumeOptions `json:",omitempty"`
	ImageOptions  *MountImageOptions  `json:",omitempty"`
	TmpfsOptions  *MountTmpfsOptions  `json:",omitempty"`
}

// HostConfig is the non-portable configuration of a container (swagger:
// HostConfig): how it is wired to the host.
type HostConfig struct {
	Resources

	// Binds are "host-src:container-dest[:options]" or
	// "volume-name:container-dest[:options]" strings.
	Binds           []string          `json:",omitempty"`
	ContainerIDFile string            `json:",omitempty"`
	LogConfig       *LogConfig        `json:",omitempty"`
	NetworkMode     string            `json:",omitempty"`
	PortBindings    PortMap           `json:",omitempty"`
	RestartPolicy   RestartPolicy     `json:",omitzero"`
	AutoRemove      bool              `json:",omitempty"`
	VolumeDriver    string            `json:",omitempty"`
	VolumesFrom     []string          `json:",omitempty"`
	Mounts          []Mount           `json:",omitempty"`
	ConsoleSize     *[2]uint          `json:",omitempty"` // [height, width]
	Annotations     map[string]string `json:",omitempty"` // API 1.43
	CapAdd          []string          `json:",omitempty"`
	CapDrop         []string          `json:",omitempty"`
	CgroupnsMode    string            `json:",omitempty"` // API 1.41
	DNS             []string          `json:"Dns,omitempty"`
	DNSOptions      []string          `json:"DnsOptions,omitempty"`
	DNSSearch       []string          `json:"DnsSearch,omitempty"`
	ExtraHosts      []string          `json:",omitempty"` // "host:ip"
	GroupAdd        []string          `json:",omitempty"`
	IpcMode         string            `json:",omitempty"`
	Cgroup          string            `json:",omitempty"`
	Links           []string          `json:",omitempty"`
	OomScoreAdj     int               `json:",omitempty"`
	PidMode         string            `json:",omitempty"`
	Privileged      bool              `json:",omitempty"`
	PublishAllPorts bool              `json:",omitempty"`
	ReadonlyRootfs  bool              `json:",omitempty"`
	SecurityOpt     []string          `json:",omitempty"`
	StorageOpt      map[string]string `json:",omitempty"`
	Tmpfs           map[string]string `json:",omitempty"`
	UTSMode         string            `json:",omitempty"`
	UsernsMode      string            `json:",omitempty"`
	ShmSize         int64             `json:",omitempty"`
	Sysctls         map[string]string `json:",omitempty"`
	Runtime         string            `json:",omitempty"`
	Isolation       string            `json:",omitempty"`
	MaskedPaths     []string          `json:",omitempty"`
	ReadonlyPaths   []string          `json:",omitempty"`
}

// EndpointIPAMConfig holds an endpoint's static addresses (swagger:
// EndpointIPAMConfig).
type EndpointIPAMConfig struct {
	IPv4Address  string   `json:",omitempty"`
	IPv6Address  string   `json:",omitempty"`
	LinkLocalIPs []string `json:",omitempty"`
}

// EndpointSettings is a container's attachment to one network (swagger:
// EndpointSettings): what to ask for on create, and what inspect reports.
type EndpointSettings struct {
	IPAMConfig *EndpointIPAMConfig `json:",omitempty"`
	Links      []string            `json:",omitempty"`
	Aliases    []string            `json:",omitempty"`
	MacAddress string              `json:",omitempty"` // API 1.44 on create, 1.54 on connect
	DriverOpts map[string]string   `json:",omitempty"` // API 1.32
	GwPriority int                 `json:",omitempty"` // API 1.48

	// Reported by inspect.
	NetworkID           string   `json:",omitempty"`
	EndpointID          string   `json:",omitempty"`
	Gateway             string   `json:",omitempty"`
	IPAddress           string   `json:",omitempty"`
	IPPrefixLen         int      `json:",omitempty"`
	IPv6Gateway         string   `json:",omitempty"`
	GlobalIPv6Address   string   `json:",omitempty"`
	GlobalIPv6PrefixLen int      `json:",omitempty"`
	DNSNames            []string `json:",omitempty"`
}

// NetworkingConfig attaches a new container to networks (swagger:
// NetworkingConfig), keyed by network name or id.
type NetworkingConfig struct {
	EndpointsConfig map[string]*EndpointSettings `json:",omitempty"`
}

// MountPoint is a mount as inspect and list report it (swagger:
// MountPoint).
type MountPoint struct {
	Type        string
	Name        string
	Source      string
	Destination string
	Driver      string
	Mode        string
	RW          bool
	Propagation string
}

// PortSummary is a port as list reports it (swagger: PortSummary).
type PortSummary struct {
	IP          string
	PrivatePort uint16
	PublicPort  uint16
	Type        string
}

// ContainerSummary is one container of [ContainerService.List] (swagger:
// ContainerSummary).
type ContainerSummary struct {
	ID         string `json:"Id"`
	Names      []string
	Image      string
	ImageID    string
	Command    string
	Created    int64
	Ports      []PortSummary
	SizeRw     int64
	SizeRootFs int64
	Labels     map[string]string
	// State is "created", "running", "paused", "restarting", "exited",
	// "removing" or "dead".
	State           string
	Status          string                  // "Up 4 days"
	Health          *ContainerSummaryHealth // API 1.50
	HostConfig      ContainerSummaryHostConfig
	NetworkSettings ContainerSummaryNetworkSettings
	Mounts          []MountPoint
	// ImageManifestDescriptor is the descriptor of the image's platform
	// manifest the container runs (API 1.48, containerd image store).
	ImageManifestDescriptor *Descriptor `json:",omitempty"`
}

// ContainerSummaryHealth is a listed container's health (swagger:
// ContainerSummary.Health): Status is "none", "starting", "healthy" or
// "unhealthy".
type ContainerSummaryHealth struct {
	Status        string
	FailingStreak int
}

// ContainerSummaryHostConfig is the part of the host configuration a list
// reports (swagger: ContainerSummary.HostConfig).
type ContainerSummaryHostConfig struct {
	NetworkMode string
	Annotations map[string]string `json:",omitempty"` // API 1.46
}

// ContainerSummaryNetworkSettings are a listed container's networks
// (swagger: ContainerSummary.NetworkSettings).
type ContainerSummaryNetworkSettings struct {
	Networks map[string]*EndpointSettings
}

// ShortID is the first 12 characters of the id, as docker ps prints it.
func (c ContainerSummary) ShortID() string { return shortID(c.ID) }

// Name is the container's name without its leading "/" ("" if it has none).
func (c ContainerSummary) Name() string {
	if len(c.Names) == 0 {
		return ""
	}
	return strings.TrimPrefix(c.Names[0], "/")
}

func shortID(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// HealthcheckResult is one run of the healthcheck.
type HealthcheckResult struct {
	Start    time.Time
	End      time.Time
	ExitCode int
	Output   string
}

// Health is the container's health (swagger: Health): Status is "none",
// "starting", "healthy" or "unhealthy".
type Health struct {
	Status        string
	FailingStreak int
	Log           []HealthcheckResult
}

// ContainerState is the runtime state of a container (swagger:
// ContainerState).
type ContainerState struct {
	Status     string // "created", "running", "paused", "restarting", "removing", "exited", "dead"
	Running    bool
	Paused     bool
	Restarting bool
	OOMKilled  bool
	Dead       bool
	Pid        int
	ExitCode   int
	Error      string
	StartedAt  string
	FinishedAt string
	Health     *Health
}

// NetworkSettings is a container's network state (swagger:
// NetworkSettings).
type NetworkSettings struct {
	SandboxID  string
	SandboxKey string
	Ports      PortMap
	Networks   map[string]*EndpointSettings

	// Deprecated fields kept by daemons before API 1.44 (1.52 for some).
	Bridge      string `json:",omitempty"`
	Gateway     string `json:",omitempty"`
	IPAddress   string `json:",omitempty"`
	IPPrefixLen int    `json:",omitempty"`
	MacAddress  string `json:",omitempty"`
}

// GraphDriver names the storage driver's data of a container.
type GraphDriver struct {
	Name string
	Data map[string]string
}

// ContainerInspectResult is the full state of a container (swagger:
// ContainerInspectResponse).
type ContainerInspectResult struct {
	ID              string `json:"Id"`
	Created         string
	Path            string
	Args            []string
	State           *ContainerState
	Image           string
	ResolvConfPath  string
	HostnamePath    string
	HostsPath       string
	LogPath         string
	Name            string
	RestartCount    int
	Driver          string
	Platform        string
	MountLabel      string
	ProcessLabel    string
	AppArmorProfile string
	ExecIDs         []string
	HostConfig      *HostConfig
	GraphDriver     *GraphDriver
	SizeRw          *int64
	SizeRootFs      *int64
	Mounts          []MountPoint
	Config          *ContainerConfig
	NetworkSettings *NetworkSettings
	// ImageManifestDescriptor is the descriptor of the image's platform
	// manifest the container runs (API 1.48, containerd image store).
	ImageManifestDescriptor *Descriptor `json:",omitempty"`
	// Storage is the container's storage as the containerd snapshotter
	// keeps it (API 1.51).
	Storage *Storage `json:",omitempty"`
}

// Storage is a container's storage (swagger: Storage).
type Storage struct {
	RootFS *RootFSStorage `json:",omitempty"`
}

// RootFSStorage is a container's root filesystem storage (swagger:
// RootFSStorage).
type RootFSStorage struct {
	Snapshot *RootFSStorageSnapshot `json:",omitempty"`
}

// RootFSStorageSnapshot names the snapshot of a container's root
// filesystem (swagger: RootFSStorageSnapshot).
type RootFSStorageSnapshot struct {
	Name string
}

// ShortID is the first 12 characters of the id.
func (c ContainerInspectResult) ShortID() string { return shortID(c.ID) }

// Status is State.Status ("running", "exited"...), "" if the daemon sent
// no state.
func (c ContainerInspectResult) Status() string {
	if c.State == nil {
		return ""
	}
	return c.State.Status
}

// Labels are Config.Labels (nil without a config).
func (c ContainerInspectResult) Labels() map[string]string {
	if c.Config == nil {
		return nil
	}
	return c.Config.Labels
}

// Ports are NetworkSettings.Ports (nil without network settings).
func (c ContainerInspectResult) Ports() PortMap {
	if c.NetworkSettings == nil {
		return nil
	}
	return c.NetworkSettings.Ports
}

// Change kinds of [FilesystemChange].
const (
	ChangeModify = 0
	ChangeAdd    = 1
	ChangeDelete = 2
)

// FilesystemChange is one path changed in the container's filesystem
// (swagger: FilesystemChange); Kind is ChangeModify, ChangeAdd or
// ChangeDelete.
type FilesystemChange struct {
	Path string
	Kind int
}

// CPUUsage is a part of [CPUStats].
type CPUUsage struct {
	TotalUsage        uint64   `json:"total_usage"`
	PercpuUsage       []uint64 `json:"percpu_usage"`
	UsageInKernelmode uint64   `json:"usage_in_kernelmode"`
	UsageInUsermode   uint64   `json:"usage_in_usermode"`
}

// CPUStats is a CPU sample (swagger: ContainerCPUStats).
type CPUStats struct {
	CPUUsage       CPUUsage       `json:"cpu_usage"`
	SystemCPUUsage uint64         `json:"system_cpu_usage"` // Linux
	OnlineCPUs     uint32         `json:"online_cpus"`      // Linux
	ThrottlingData ThrottlingData `json:"throttling_data"`  // Linux
}

// ThrottlingData counts the CPU throttling of a container (swagger:
// ContainerThrottlingData).
type ThrottlingData struct {
	Periods          uint64 `json:"periods"`
	ThrottledPeriods uint64 `json:"throttled_periods"`
	ThrottledTime    uint64 `json:"throttled_time"`
}

// MemoryStats is a memory sample (swagger: ContainerMemoryStats). Usage,
// MaxUsage, Stats, Failcnt and Limit are Linux's; Commit, CommitPeak and
// PrivateWorkingSet Windows'.
type MemoryStats struct {
	Usage             uint64            `json:"usage"`
	MaxUsage          uint64            `json:"max_usage"`
	Stats             map[string]uint64 `json:"stats"`
	Failcnt           uint64            `json:"failcnt"`
	Limit             uint64            `json:"limit"`
	Commit            uint64            `json:"commitbytes"`
	CommitPeak        uint64            `json:"commitpeakbytes"`
	PrivateWorkingSet uint64            `json:"privateworkingset"`
}

// NetworkStats are one interface's counters (swagger:
// ContainerNetworkStats); EndpointID and InstanceID are Windows'.
type NetworkStats struct {
	RxBytes    uint64 `json:"rx_bytes"`
	RxPackets  uint64 `json:"rx_packets"`
	RxErrors   uint64 `json:"rx_errors"`
	RxDropped  uint64 `json:"rx_dropped"`
	TxBytes    uint64 `json:"tx_bytes"`
	TxPackets  uint64 `json:"tx_packets"`
	TxErrors   uint64 `json:"tx_errors"`
	TxDropped  uint64 `json:"tx_dropped"`
	EndpointID string `json:"endpoint_id,omitempty"`
	InstanceID string `json:"instance_id,omitempty"`
}

// BlkioStatEntry is one block I/O counter (swagger:
// ContainerBlkioStatEntry).
type BlkioStatEntry struct {
	Major uint64 `json:"major"`
	Minor uint64 `json:"minor"`
	Op    string `json:"op"`
	Value uint64 `json:"value"`
}

// BlkioStats are a container's block I/O counters (swagger:
// ContainerBlkioStats). On cgroup v2 only IOServiceBytesRecursive and
// IOServicedRecursive are filled; Windows fills none (see StorageStats).
type BlkioStats struct {
	IOServiceBytesRecursive []BlkioStatEntry `json:"io_service_bytes_recursive"`
	IOServicedRecursive     []BlkioStatEntry `json:"io_serviced_recursive"`
	IOQueueRecursive        []BlkioStatEntry `json:"io_queue_recursive"`
	IOServiceTimeRecursive  []BlkioStatEntry `json:"io_service_time_recursive"`
	IOWaitTimeRecursive     []BlkioStatEntry `json:"io_wait_time_recursive"`
	IOMergedRecursive       []BlkioStatEntry `json:"io_merged_recursive"`
	IOTimeRecursive         []BlkioStatEntry `json:"io_time_recursive"`
	SectorsRecursive        []BlkioStatEntry `json:"sectors_recursive"`
}

// PidsStats count a container's processes (swagger: ContainerPidsStats).
type PidsStats struct {
	Current uint64 `json:"current"`
	Limit   uint64 `json:"limit"`
}

// StorageStats are a Windows container's storage counters (swagger:
// ContainerStorageStats).
type StorageStats struct {
	ReadCountNormalized  uint64 `json:"read_count_normalized"`
	ReadSizeBytes        uint64 `json:"read_size_bytes"`
	WriteCountNormalized uint64 `json:"write_count_normalized"`
	WriteSizeBytes       uint64 `json:"write_size_bytes"`
}

// ContainerStats is one sample of a container's resource usage (swagger:
// ContainerStatsResponse).
type ContainerStats struct {
	Name         string                  `json:"name"`
	ID           string                  `json:"id"`
	OSType       string                  `json:"os_type"` // API 1.52
	Read         time.Time               `json:"read"`
	PreRead      time.Time               `json:"preread"`
	PidsStats    PidsStats               `json:"pids_stats"`
	BlkioStats   BlkioStats              `json:"blkio_stats"`
	NumProcs     uint32                  `json:"num_procs"` // Windows
	StorageStats *StorageStats           `json:"storage_stats,omitempty"`
	CPUStats     CPUStats                `json:"cpu_stats"`
	PreCPUStats  CPUStats                `json:"precpu_stats"`
	MemoryStats  MemoryStats             `json:"memory_stats"`
	Networks     map[string]NetworkStats `json:"networks"`
}

// CPUPercent is the CPU use between PreCPUStats and CPUStats as docker
// stats computes it. On Linux: the container's CPU time over the host's,
// times the number of CPUs, in percent (200 is two CPUs busy). On Windows
// (NumProcs set, no system usage): the container's CPU time over the
// wall time between PreRead and Read times NumProcs. It is 0 when the
// sample has no previous one (ContainerStatsOnceOptions.OneShot, a
// stream's first sample).
func (s ContainerStats) CPUPercent() float64 {
	cpuDelta := float64(s.CPUStats.CPUUsage.TotalUsage) - float64(s.PreCPUStats.CPUUsage.TotalUsage)
	if cpuDelta <= 0 {
		return 0
	}
	if s.OSType == "windows" || s.CPUStats.SystemCPUUsage == 0 && s.NumProcs > 0 {
		// Windows counts CPU time in 100 ns intervals.
		wall := s.Read.Sub(s.PreRead)
		if s.PreRead.IsZero() || wall <= 0 || s.NumProcs == 0 {
			return 0
		}
		possible := float64(wall.Nanoseconds()) / 100 * float64(s.NumProcs)
		return cpuDelta / possible * 100
	}
	sysDelta := float64(s.CPUStats.SystemCPUUsage) - float64(s.PreCPUStats.SystemCPUUsage)
	n := float64(s.CPUStats.OnlineCPUs)
	if n == 0 {
		n = float64(len(s.CPUStats.CPUUsage.PercpuUsage))
	}
	if sysDelta <= 0 {
		return 0
	}
	return cpuDelta / sysDelta * n * 100
}

// ExecCreateOptions is the process [ExecService.Create] sets up (swagger:
// the ContainerExec body).
type ExecCreateOptions struct {
	AttachStdin  bool     `json:",omitempty"`
	AttachStdout bool     `json:",omitempty"`
	AttachStderr bool     `json:",omitempty"`
	ConsoleSize  *[2]uint `json:",omitempty"` // [height, width]; API 1.42
	DetachKeys   string   `json:",omitempty"`
	Tty          bool     `json:",omitempty"`
	Env          []string `json:",omitempty"`
	Cmd          []string
	Privileged   bool   `json:",omitempty"`
	User         string `json:",omitempty"`
	WorkingDir   string `json:",omitempty"` // API 1.35
}

// ProcessConfig is the process of an exec instance (swagger:
// ProcessConfig).
type ProcessConfig struct {
	Privileged bool     `json:"privileged"`
	User       string   `json:"user"`
	Tty        bool     `json:"tty"`
	Entrypoint string   `json:"entrypoint"`
	Arguments  []string `json:"arguments"`
}

// ExecInspectResult is an exec instance's state (swagger: the ExecInspect
// response).
type ExecInspectResult struct {
	ID            string `json:"ID"`
	Running       bool
	ExitCode      *int
	ProcessConfig ProcessConfig
	OpenStdin     bool
	OpenStderr    bool
	OpenStdout    bool
	CanRemove     bool
	ContainerID   string
	DetachKeys    string
	Pid           int
}
