package mockdaemon

import (
	"encoding/json"
	"time"
)

// The shapes of containers in the API: what create, update and inspect
// decode and show.

// strSlice is a JSON string or array of strings (Cmd, Entrypoint).
type strSlice []string

func (s *strSlice) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var one string
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*s = strSlice{one}
		return nil
	}
	var l []string
	if err := json.Unmarshal(b, &l); err != nil {
		return err
	}
	*s = l
	return nil
}

// containerConfig is the container's Config as the API shows it.
type containerConfig struct {
	Hostname        string              `json:"Hostname"`
	Domainname      string              `json:"Domainname"`
	User            string              `json:"User"`
	AttachStdin     bool                `json:"AttachStdin"`
	AttachStdout    bool                `json:"AttachStdout"`
	AttachStderr    bool                `json:"AttachStderr"`
	ExposedPorts    map[string]struct{} `json:"ExposedPorts,omitempty"`
	Tty             bool                `json:"Tty"`
	OpenStdin       bool                `json:"OpenStdin"`
	StdinOnce       bool                `json:"StdinOnce"`
	Env             []string            `json:"Env"`
	Cmd             strSlice            `json:"Cmd"`
	Healthcheck     json.RawMessage     `json:"Healthcheck,omitempty"`
	Image           string              `json:"Image"`
	Volumes         map[string]struct{} `json:"Volumes"`
	WorkingDir      string              `json:"WorkingDir"`
	Entrypoint      strSlice            `json:"Entrypoint"`
	OnBuild         []string            `json:"OnBuild"`
	Labels          map[string]string   `json:"Labels"`
	MacAddress      string              `json:"MacAddress,omitempty"`
	NetworkDisabled bool                `json:"NetworkDisabled,omitempty"`
	StopSignal      string              `json:"StopSignal,omitempty"`
	StopTimeout     *int                `json:"StopTimeout,omitempty"`
	Shell           []string            `json:"Shell,omitempty"`
}

type portBinding struct {
	HostIP   string `json:"HostIp"`
	HostPort string `json:"HostPort"`
}

type restartPolicy struct {
	Name              string `json:"Name"`
	MaximumRetryCount int    `json:"MaximumRetryCount"`
}

type logConfig struct {
	Type   string            `json:"Type"`
	Config map[string]string `json:"Config"`
}

type mountSpec struct {
	Type          string          `json:"Type,omitempty"`
	Source        string          `json:"Source,omitempty"`
	Target        string          `json:"Target,omitempty"`
	ReadOnly      bool            `json:"ReadOnly,omitempty"`
	Consistency   string          `json:"Consistency,omitempty"`
	BindOptions   json.RawMessage `json:"BindOptions,omitempty"`
	VolumeOptions json.RawMessage `json:"VolumeOptions,omitempty"`
	TmpfsOptions  json.RawMessage `json:"TmpfsOptions,omitempty"`
}

// hostConfig is the container's HostConfig as the API shows it.
type hostConfig struct {
	Binds                []string                 `json:"Binds"`
	ContainerIDFile      string                   `json:"ContainerIDFile"`
	LogConfig            logConfig                `json:"LogConfig"`
	NetworkMode          string                   `json:"NetworkMode"`
	PortBindings         map[string][]portBinding `json:"PortBindings"`
	RestartPolicy        restartPolicy            `json:"RestartPolicy"`
	AutoRemove           bool                     `json:"AutoRemove"`
	VolumeDriver         string                   `json:"VolumeDriver"`
	VolumesFrom          []string                 `json:"VolumesFrom"`
	ConsoleSize          [2]int                   `json:"ConsoleSize"`
	Annotations          map[string]string        `json:"Annotations,omitempty"`
	CapAdd               []string                 `json:"CapAdd"`
	CapDrop              []string                 `json:"CapDrop"`
	CgroupnsMode         string                   `json:"CgroupnsMode"`
	DNS                  []string                 `json:"Dns"`
	DNSOptions           []string                 `json:"DnsOptions"`
	DNSSearch            []string                 `json:"DnsSearch"`
	ExtraHosts           []string                 `json:"ExtraHosts"`
	GroupAdd             []string                 `json:"GroupAdd"`
	IpcMode              string                   `json:"IpcMode"`
	Cgroup               string                   `json:"Cgroup"`
	Links                []string                 `json:"Links"`
	OomScoreAdj          int                      `json:"OomScoreAdj"`
	PidMode              string                   `json:"PidMode"`
	Privileged           bool                     `json:"Privileged"`
	PublishAllPorts      bool                     `json:"PublishAllPorts"`
	ReadonlyRootfs       bool                     `json:"ReadonlyRootfs"`
	SecurityOpt          []string                 `json:"SecurityOpt"`
	StorageOpt           map[string]string        `json:"StorageOpt,omitempty"`
	Tmpfs                map[string]string        `json:"Tmpfs,omitempty"`
	UTSMode              string                   `json:"UTSMode"`
	UsernsMode           string                   `json:"UsernsMode"`
	ShmSize              int64                    `json:"ShmSize"`
	Sysctls              map[string]string        `json:"Sysctls,omitempty"`
	Runtime              string                   `json:"Runtime,omitempty"`
	Isolation            string                   `json:"Isolation"`
	CPUShares            int64                    `json:"CpuShares"`
	Memory               int64                    `json:"Memory"`
	NanoCPUs             int64                    `json:"NanoCpus"`
	CgroupParent         string                   `json:"CgroupParent"`
	BlkioWeight          uint16                   `json:"BlkioWeight"`
	BlkioWeightDevice    []json.RawMessage        `json:"BlkioWeightDevice"`
	BlkioDeviceReadBps   []json.RawMessage        `json:"BlkioDeviceReadBps"`
	BlkioDeviceWriteBps  []json.RawMessage        `json:"BlkioDeviceWriteBps"`
	BlkioDeviceReadIOps  []json.RawMessage        `json:"BlkioDeviceReadIOps"`
	BlkioDeviceWriteIOps []json.RawMessage        `json:"BlkioDeviceWriteIOps"`
	CPUPeriod            int64                    `json:"CpuPeriod"`
	CPUQuota             int64                    `json:"CpuQuota"`
	CPURealtimePeriod    int64                    `json:"CpuRealtimePeriod"`
	CPURealtimeRuntime   int64                    `json:"CpuRealtimeRuntime"`
	CpusetCpus           string                   `json:"CpusetCpus"`
	CpusetMems           string                   `json:"CpusetMems"`
	Devices              []json.RawMessage        `json:"Devices"`
	DeviceCgroupRules    []string                 `json:"DeviceCgroupRules"`
	DeviceRequests       []json.RawMessage        `json:"DeviceRequests"`
	KernelMemory         int64                    `json:"KernelMemory,omitempty"`
	KernelMemoryTCP      int64                    `json:"KernelMemoryTCP,omitempty"`
	MemoryReservation    int64                    `json:"MemoryReservation"`
	MemorySwap           int64                    `json:"MemorySwap"`
	MemorySwappiness     *int64                   `json:"MemorySwappiness"`
	OomKillDisable       *bool                    `json:"OomKillDisable"`
	PidsLimit            *int64                   `json:"PidsLimit"`
	Ulimits              []json.RawMessage        `json:"Ulimits"`
	CPUCount             int64                    `json:"CpuCount"`
	CPUPercent           int64                    `json:"CpuPercent"`
	IOMaximumIOps        uint64                   `json:"IOMaximumIOps"`
	IOMaximumBandwidth   uint64                   `json:"IOMaximumBandwidth"`
	Mounts               []mountSpec              `json:"Mounts,omitempty"`
	MaskedPaths          []string                 `json:"MaskedPaths"`
	ReadonlyPaths        []string                 `json:"ReadonlyPaths"`
	Init                 *bool                    `json:"Init,omitempty"`
}

// containerState is State in inspect.
type containerState struct {
	Status     string    `json:"Status"`
	Running    bool      `json:"Running"`
	Paused     bool      `json:"Paused"`
	Restarting bool      `json:"Restarting"`
	OOMKilled  bool      `json:"OOMKilled"`
	Dead       bool      `json:"Dead"`
	Pid        int       `json:"Pid"`
	ExitCode   int       `json:"ExitCode"`
	Error      string    `json:"Error"`
	StartedAt  time.Time `json:"-"`
	FinishedAt time.Time `json:"-"`
}

// mountPoint is one entry of a container's Mounts.
type mountPoint struct {
	Type        string `json:"Type"`
	Name        string `json:"Name,omitempty"`
	Source      string `json:"Source"`
	Destination string `json:"Destination"`
	Driver      string `json:"Driver,omitempty"`
	Mode        string `json:"Mode"`
	RW          bool   `json:"RW"`
	Propagation string `json:"Propagation"`

	anonymous bool              // a volume made without a name
	hidden    bool              // a tmpfs of HostConfig.Tmpfs: mounted, not listed
	pathOnly  bool              // a volume of Config.Volumes: dockerd records its volume, not a Source, so the list shows Source ""
	noCopy    bool              // a new volume is not seeded with the image's content
	unbound   bool              // a bind of a host path missing at create: made and bound at start
	failed    string            // runc's error for a mount point it cannot make, which fails the start (failedMount)
	opts      string            // tmpfs options, for /proc/mounts
	propGiven bool              // a bind's propagation was given (else Propagation is the default)
	nonRec    bool              // a bind without the mounts under its source (BindOptions.NonRecursive)
	volLabels map[string]string // the labels and options of a volume it makes
	volOpts   map[string]string
	made      []string // the mount point and its parents the image lacked: runc makes them in the container's layer at start
}

type createBody struct {
	containerConfig
	HostConfig       *hostConfig       `json:"HostConfig"`
	NetworkingConfig *networkingConfig `json:"NetworkingConfig"`

	platform *platformSpec // the request's platform parameter (API 1.41+), the image must match
}

var defaultMaskedPaths = []string{"/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap"}

var defaultReadonlyPaths = []string{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}

// updateBody is POST /containers/{id}/update's body; an alias, because a
// decoding error names the type.
type updateBody = struct {
	CPUShares         *int64         `json:"CpuShares"`
	Memory            *int64         `json:"Memory"`
	MemorySwap        *int64         `json:"MemorySwap"`
	MemoryReservation *int64         `json:"MemoryReservation"`
	NanoCPUs          *int64         `json:"NanoCpus"`
	CPUPeriod         *int64         `json:"CpuPeriod"`
	CPUQuota          *int64         `json:"CpuQuota"`
	CpusetCpus        *string        `json:"CpusetCpus"`
	CpusetMems        *string        `json:"CpusetMems"`
	BlkioWeight       *uint16        `json:"BlkioWeight"`
	PidsLimit         *int64         `json:"PidsLimit"`
	RestartPolicy     *restartPolicy `json:"RestartPolicy"`
}
