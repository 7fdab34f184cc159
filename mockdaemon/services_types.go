package mockdaemon

import "time"

// The shapes of services and tasks in the API, as dockerd's Go types
// (api/types/swarm) decode and encode them: a request body is decoded by
// encoding/json into these (keys matched case-insensitively, unknown keys
// dropped), stored in the canonical form dockerd's round trip through
// swarmkit gives (normalizeServiceSpec), and encoded with dockerd's keys and
// omissions.

// serviceSpec is a ServiceSpec.
type serviceSpec struct {
	annotations
	TaskTemplate   taskSpec                  `json:",omitempty"`
	Mode           serviceMode               `json:",omitempty"`
	UpdateConfig   *updateConfig             `json:",omitempty"`
	RollbackConfig *updateConfig             `json:",omitempty"`
	Networks       []networkAttachmentConfig `json:",omitempty"`
	EndpointSpec   *endpointSpec             `json:",omitempty"`
}

func (*serviceSpec) apiType() string { return "ServiceSpec" }

type serviceMode struct {
	Replicated    *replicatedService `json:",omitempty"`
	Global        *struct{}          `json:",omitempty"`
	ReplicatedJob *replicatedJob     `json:",omitempty"`
	GlobalJob     *struct{}          `json:",omitempty"`
}

type replicatedService struct {
	Replicas *uint64 `json:",omitempty"`
}

type replicatedJob struct {
	MaxConcurrent    *uint64 `json:",omitempty"`
	TotalCompletions *uint64 `json:",omitempty"`
}

type updateConfig struct {
	Parallelism     uint64
	Delay           time.Duration `json:",omitempty"`
	FailureAction   string        `json:",omitempty"`
	Monitor         time.Duration `json:",omitempty"`
	MaxFailureRatio float32
	Order           string
}

type endpointSpec struct {
	Mode  string       `json:",omitempty"`
	Ports []portConfig `json:",omitempty"`
}

type portConfig struct {
	Name          string `json:",omitempty"`
	Protocol      string `json:",omitempty"`
	TargetPort    uint32 `json:",omitempty"`
	PublishedPort uint32 `json:",omitempty"`
	PublishMode   string `json:",omitempty"`
}

type networkAttachmentConfig struct {
	Target     string            `json:",omitempty"`
	Aliases    []string          `json:",omitempty"`
	DriverOpts map[string]string `json:",omitempty"`
}

// taskSpec is a TaskSpec: a service's TaskTemplate, a task's Spec.
type taskSpec struct {
	ContainerSpec         *taskContainerSpec        `json:",omitempty"`
	PluginSpec            *pluginSpec               `json:",omitempty"`
	NetworkAttachmentSpec *networkAttachmentSpec    `json:",omitempty"`
	Resources             *resourceRequirements     `json:",omitempty"`
	RestartPolicy         *taskRestartPolicy        `json:",omitempty"`
	Placement             *placement                `json:",omitempty"`
	Networks              []networkAttachmentConfig `json:",omitempty"`
	LogDriver             *swarmDriver              `json:",omitempty"`
	ForceUpdate           uint64
	Runtime               string `json:",omitempty"`
}

// pluginSpec is swarmkit's protobuf type: its keys are lower-case.
type pluginSpec struct {
	Name       string             `json:"name,omitempty"`
	Remote     string             `json:"remote,omitempty"`
	Privileges []*pluginPrivilege `json:"privileges,omitempty"`
	Disabled   bool               `json:"disabled,omitempty"`
	Env        []string           `json:"env,omitempty"`
}

type pluginPrivilege struct {
	Name        string   `json:"name,omitempty"`
	Description string   `json:"description,omitempty"`
	Value       []string `json:"value,omitempty"`
}

type networkAttachmentSpec struct {
	ContainerID string
}

// taskContainerSpec is a TaskSpec's ContainerSpec.
type taskContainerSpec struct {
	Image           string             `json:",omitempty"`
	Labels          map[string]string  `json:",omitempty"`
	Command         []string           `json:",omitempty"`
	Args            []string           `json:",omitempty"`
	Hostname        string             `json:",omitempty"`
	Env             []string           `json:",omitempty"`
	Dir             string             `json:",omitempty"`
	User            string             `json:",omitempty"`
	Groups          []string           `json:",omitempty"`
	Privileges      *taskPrivileges    `json:",omitempty"`
	Init            *bool              `json:",omitempty"`
	StopSignal      string             `json:",omitempty"`
	TTY             bool               `json:",omitempty"`
	OpenStdin       bool               `json:",omitempty"`
	ReadOnly        bool               `json:",omitempty"`
	Mounts          []swarmMount       `json:",omitempty"`
	StopGracePeriod *time.Duration     `json:",omitempty"`
	Healthcheck     *healthConfig      `json:",omitempty"`
	Hosts           []string           `json:",omitempty"`
	DNSConfig       *dnsConfig         `json:",omitempty"`
	Secrets         []*secretReference `json:",omitempty"`
	Configs         []*configReference `json:",omitempty"`
	Isolation       string             `json:",omitempty"`
	Sysctls         map[string]string  `json:",omitempty"`
	CapabilityAdd   []string           `json:",omitempty"`
	CapabilityDrop  []string           `json:",omitempty"`
	Ulimits         []ulimit           `json:",omitempty"`
	OomScoreAdj     int64              `json:",omitempty" api:"1.46"`
}

type taskPrivileges struct {
	CredentialSpec  *credentialSpec `json:",omitempty"`
	SELinuxContext  *seLinuxContext `json:",omitempty"`
	Seccomp         *seccompOpts    `json:",omitempty" api:"1.44"`
	AppArmor        *appArmorOpts   `json:",omitempty" api:"1.44"`
	NoNewPrivileges bool            `json:",omitempty" api:"1.44"`
}

type credentialSpec struct {
	Config   string `json:",omitempty"`
	File     string `json:",omitempty"`
	Registry string `json:",omitempty"`
}

type seLinuxContext struct {
	Disable bool
	User    string
	Role    string
	Type    string
	Level   string
}

type seccompOpts struct {
	Mode    string `json:",omitempty"`
	Profile []byte `json:",omitempty"`
}

type appArmorOpts struct {
	Mode string `json:",omitempty"`
}

type dnsConfig struct {
	Nameservers []string `json:",omitempty"`
	Search      []string `json:",omitempty"`
	Options     []string `json:",omitempty"`
}

type ulimit struct {
	Name string
	Hard int64
	Soft int64
}

// swarmMount is a mount of a ContainerSpec, as swarmkit keeps it (no
// Consistency).
type swarmMount struct {
	Type          string              `json:",omitempty"`
	Source        string              `json:",omitempty"`
	Target        string              `json:",omitempty"`
	ReadOnly      bool                `json:",omitempty"`
	BindOptions   *swarmBindOptions   `json:",omitempty"`
	VolumeOptions *swarmVolumeOptions `json:",omitempty"`
	TmpfsOptions  *swarmTmpfsOptions  `json:",omitempty"`
}

type swarmBindOptions struct {
	Propagation  string `json:",omitempty"`
	NonRecursive bool   `json:",omitempty"`
}

type swarmVolumeOptions struct {
	NoCopy       bool              `json:",omitempty"`
	Labels       map[string]string `json:",omitempty"`
	DriverConfig *swarmDriver      `json:",omitempty"`
}

type swarmTmpfsOptions struct {
	SizeBytes int64  `json:",omitempty"`
	Mode      uint32 `json:",omitempty"`
}

type secretReference struct {
	File       *fileTarget
	SecretID   string
	SecretName string
}

type configReference struct {
	File       *fileTarget `json:",omitempty"`
	Runtime    *struct{}   `json:",omitempty"`
	ConfigID   string
	ConfigName string
}

type fileTarget struct {
	Name string
	UID  string
	GID  string
	Mode uint32
}

type resourceRequirements struct {
	Limits       *limit     `json:",omitempty"`
	Reservations *resources `json:",omitempty"`
}

type limit struct {
	NanoCPUs    int64 `json:",omitempty"`
	MemoryBytes int64 `json:",omitempty"`
	Pids        int64 `json:",omitempty"`
}

type resources struct {
	NanoCPUs         int64             `json:",omitempty"`
	MemoryBytes      int64             `json:",omitempty"`
	GenericResources []genericResource `json:",omitempty"`
}

type genericResource struct {
	NamedResourceSpec    *namedResource    `json:",omitempty"`
	DiscreteResourceSpec *discreteResource `json:",omitempty"`
}

type namedResource struct {
	Kind  string `json:",omitempty"`
	Value string `json:",omitempty"`
}

type discreteResource struct {
	Kind  string `json:",omitempty"`
	Value int64  `json:",omitempty"`
}

type taskRestartPolicy struct {
	Condition   string         `json:",omitempty"`
	Delay       *time.Duration `json:",omitempty"`
	MaxAttempts *uint64        `json:",omitempty"`
	Window      *time.Duration `json:",omitempty"`
}

type placement struct {
	Constraints []string              `json:",omitempty"`
	Preferences []placementPreference `json:",omitempty"`
	MaxReplicas uint64                `json:",omitempty"`
	Platforms   []platform            `json:",omitempty"`
}

type placementPreference struct {
	Spread *struct{ SpreadDescriptor string }
}

type platform struct {
	Architecture string `json:",omitempty"`
	OS           string `json:",omitempty"`
}

// serviceJSON is a Service as inspect and list show it.
type serviceJSON struct {
	ID string
	objectMeta
	Spec          serviceSpec        `json:",omitempty"`
	PreviousSpec  *serviceSpec       `json:",omitempty"`
	Endpoint      serviceEndpoint    `json:",omitempty"`
	UpdateStatus  *updateStatus      `json:",omitempty"`
	ServiceStatus *serviceStatusJSON `json:",omitempty"`
	JobStatus     *jobStatusJSON     `json:",omitempty" api:"1.41"`
}

// jobStatusJSON is a job's JobStatus: its iteration (bumped by each
// update, which runs the job again) and when that one began.
type jobStatusJSON struct {
	JobIteration  objectVersion
	LastExecution time.Time `json:",omitempty"`
}

type serviceEndpoint struct {
	Spec       endpointSpec `json:",omitempty"`
	Ports      []portConfig `json:",omitempty"`
	VirtualIPs []virtualIP  `json:",omitempty"`
}

type virtualIP struct {
	NetworkID string `json:",omitempty"`
	Addr      string `json:",omitempty"`
}

type updateStatus struct {
	State       string     `json:",omitempty"`
	StartedAt   *time.Time `json:",omitempty"`
	CompletedAt *time.Time `json:",omitempty"`
	Message     string     `json:",omitempty"`
}

type serviceStatusJSON struct {
	RunningTasks   uint64
	DesiredTasks   uint64
	CompletedTasks uint64
}

// taskJSON is a Task as inspect and list show it.
type taskJSON struct {
	ID string
	objectMeta
	annotations
	Spec         taskSpec       `json:",omitempty"`
	ServiceID    string         `json:",omitempty"`
	Slot         int            `json:",omitempty"`
	NodeID       string         `json:",omitempty"`
	Status       taskStatusJSON `json:",omitempty"`
	DesiredState string         `json:",omitempty"`
	JobIteration *objectVersion `json:",omitempty" api:"1.41"`
}

type taskStatusJSON struct {
	Timestamp       time.Time            `json:",omitempty"`
	State           string               `json:",omitempty"`
	Message         string               `json:",omitempty"`
	Err             string               `json:",omitempty"`
	ContainerStatus *containerStatusJSON `json:",omitempty"`
	PortStatus      struct {
		Ports []portConfig `json:",omitempty"`
	} `json:",omitempty"`
}

type containerStatusJSON struct {
	ContainerID string
	PID         int
	ExitCode    int
}
