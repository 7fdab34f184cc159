package endpoints

import "time"

// FileTarget is where a secret or config appears in a service's
// containers (under /run/secrets or / when Name is relative).
type FileTarget struct {
	Name string
	UID  string
	GID  string
	Mode uint32 // permission bits, e.g. 0o444
}

// SecretReference mounts a secret into a service's containers.
type SecretReference struct {
	File       *FileTarget `json:",omitempty"`
	SecretID   string
	SecretName string
}

// ServiceConfigReference mounts a config into a service's containers (File),
// or hands it to the runtime (Runtime, API 1.40).
type ServiceConfigReference struct {
	File       *FileTarget                   `json:",omitempty"`
	Runtime    *ConfigReferenceRuntimeTarget `json:",omitempty"`
	ConfigID   string
	ConfigName string
}

// ConfigReferenceRuntimeTarget hands a config to the runtime, not to a
// file (a credential spec); it has no fields.
type ConfigReferenceRuntimeTarget struct{}

// ServicePrivileges are the security options of a service's containers.
type ServicePrivileges struct {
	CredentialSpec  *CredentialSpec `json:",omitempty"`
	SELinuxContext  *SELinuxContext `json:",omitempty"`
	Seccomp         *SeccompOpts    `json:",omitempty"` // API 1.44
	AppArmor        *AppArmorOpts   `json:",omitempty"` // API 1.44
	NoNewPrivileges bool            `json:",omitempty"`
}

// CredentialSpec names a Windows gMSA credential spec: set one field
// (Config: API 1.40).
type CredentialSpec struct {
	Config   string `json:",omitempty"`
	File     string `json:",omitempty"`
	Registry string `json:",omitempty"`
}

// SELinuxContext is the SELinux label of a service's containers.
type SELinuxContext struct {
	Disable bool   `json:",omitempty"`
	User    string `json:",omitempty"`
	Role    string `json:",omitempty"`
	Type    string `json:",omitempty"`
	Level   string `json:",omitempty"`
}

// SeccompOpts is the seccomp profile of a service's containers: Mode
// "default", "unconfined", or "custom" with Profile.
type SeccompOpts struct {
	Mode    string `json:",omitempty"`
	Profile string `json:",omitempty"`
}

// AppArmorOpts is the AppArmor mode of a service's containers: "default"
// or "disabled".
type AppArmorOpts struct {
	Mode string `json:",omitempty"`
}

// ContainerSpec is what a service's task runs (swagger: TaskSpec.ContainerSpec).
type ContainerSpec struct {
	// Image should be pinned by digest or id: a plain name makes every
	// node pull it.
	Image      string             `json:",omitempty"`
	Labels     map[string]string  `json:",omitempty"`
	Command    []string           `json:",omitempty"`
	Args       []string           `json:",omitempty"`
	Hostname   string             `json:",omitempty"`
	Env        []string           `json:",omitempty"`
	Dir        string             `json:",omitempty"`
	User       string             `json:",omitempty"`
	Groups     []string           `json:",omitempty"`
	Privileges *ServicePrivileges `json:",omitempty"`
	TTY        bool               `json:",omitempty"`
	OpenStdin  bool               `json:",omitempty"`
	ReadOnly   bool               `json:",omitempty"`
	Mounts     []Mount            `json:",omitempty"`
	StopSignal string             `json:",omitempty"`
	// StopGracePeriod is sent in nanoseconds.
	StopGracePeriod *time.Duration           `json:",omitempty"`
	HealthCheck     *HealthConfig            `json:",omitempty"`
	Hosts           []string                 `json:",omitempty"`
	DNSConfig       *DNSConfig               `json:",omitempty"`
	Secrets         []SecretReference        `json:",omitempty"`
	Configs         []ServiceConfigReference `json:",omitempty"`
	OomScoreAdj     int64                    `json:",omitempty"` // API 1.46
	Isolation       string                   `json:",omitempty"`
	Init            *bool                    `json:",omitempty"`
	Sysctls         map[string]string        `json:",omitempty"` // API 1.40
	CapabilityAdd   []string                 `json:",omitempty"` // API 1.41
	CapabilityDrop  []string                 `json:",omitempty"` // API 1.41
	Ulimits         []Ulimit                 `json:",omitempty"` // API 1.41
}

// DNSConfig is the resolver configuration of a service's containers.
type DNSConfig struct {
	Nameservers []string `json:",omitempty"`
	Search      []string `json:",omitempty"`
	Options     []string `json:",omitempty"`
}

// PluginPrivilege is a permission a plugin asks for (swagger:
// PluginPrivilege).
type PluginPrivilege struct {
	Name        string
	Description string
	Value       []string
}

// ServiceLimit is a task's resource ceiling (swagger: Limit).
type ServiceLimit struct {
	NanoCPUs    int64 `json:",omitempty"`
	MemoryBytes int64 `json:",omitempty"`
	Pids        int64 `json:",omitempty"` // API 1.41
}

// TaskResources are a task's limits and reservations.
type TaskResources struct {
	Limits           *ServiceLimit   `json:",omitempty"`
	Reservations     *ResourceObject `json:",omitempty"`
	SwapBytes        *int64          `json:",omitempty"` // API 1.52
	MemorySwappiness *int64          `json:",omitempty"` // API 1.52
}

// TaskRestartPolicy says when a service's tasks restart.
type TaskRestartPolicy struct {
	// Condition is "none", "on-failure" or "any".
	Condition   string         `json:",omitempty"`
	Delay       *time.Duration `json:",omitempty"`
	MaxAttempts uint64         `json:",omitempty"`
	Window      time.Duration  `json:",omitempty"`
}

// Placement restricts the nodes a service's tasks run on.
type Placement struct {
	Constraints []string              `json:",omitempty"`
	Preferences []PlacementPreference `json:",omitempty"`
	MaxReplicas uint64                `json:",omitempty"` // API 1.40
	Platforms   []SwarmPlatform       `json:",omitempty"`
}

// PlacementPreference spreads tasks over the values of a node label.
type PlacementPreference struct {
	Spread SpreadOver
}

// SpreadOver names the label to spread over ("node.labels.zone").
type SpreadOver struct {
	SpreadDescriptor string
}

// NetworkAttachmentConfig attaches a service to a network (swagger:
// NetworkAttachmentConfig).
type NetworkAttachmentConfig struct {
	Target     string
	Aliases    []string          `json:",omitempty"`
	DriverOpts map[string]string `json:",omitempty"`
}

// TaskSpec is the template of a service's tasks (swagger: TaskSpec).
type TaskSpec struct {
	// Set one of PluginSpec, ContainerSpec and NetworkAttachmentSpec.
	PluginSpec            *PluginSpec            `json:",omitempty"`
	ContainerSpec         *ContainerSpec         `json:",omitempty"`
	NetworkAttachmentSpec *NetworkAttachmentSpec `json:",omitempty"`
	Resources             *TaskResources         `json:",omitempty"`
	RestartPolicy         *TaskRestartPolicy     `json:",omitempty"`
	Placement             *Placement             `json:",omitempty"`
	// ForceUpdate, incremented, redeploys the tasks though nothing changed.
	ForceUpdate uint64                    `json:",omitempty"`
	Runtime     string                    `json:",omitempty"`
	Networks    []NetworkAttachmentConfig `json:",omitempty"`
	LogDriver   *LogDriverSpec            `json:",omitempty"`
}

// PluginSpec is what a plugin task installs (TaskTemplate.Runtime
// "plugin").
type PluginSpec struct {
	Name            string            `json:",omitempty"`
	Remote          string            `json:",omitempty"`
	Disabled        bool              `json:",omitempty"`
	PluginPrivilege []PluginPrivilege `json:",omitempty"`
}

// NetworkAttachmentSpec is a task that attaches a container to a network.
type NetworkAttachmentSpec struct {
	ContainerID string
}

// ServiceMode is how many tasks a service runs: set exactly one field (none
// means replicated with one replica).
type ServiceMode struct {
	Replicated *ReplicatedMode `json:",omitempty"`
	Global     *GlobalMode     `json:",omitempty"`
	// ReplicatedJob and GlobalJob run to completion (API 1.41).
	ReplicatedJob *ReplicatedJobMode `json:",omitempty"`
	GlobalJob     *GlobalJobMode     `json:",omitempty"`
}

// GlobalMode runs one task on every node; it has no fields.
type GlobalMode struct{}

// GlobalJobMode runs one task to completion on every node; it has no
// fields.
type GlobalJobMode struct{}

// ReplicatedMode runs Replicas tasks (1 when nil).
type ReplicatedMode struct {
	Replicas *uint64 `json:",omitempty"`
}

// ReplicatedJobMode runs TotalCompletions tasks to completion, at most
// MaxConcurrent at a time.
type ReplicatedJobMode struct {
	MaxConcurrent    *uint64 `json:",omitempty"`
	TotalCompletions *uint64 `json:",omitempty"`
}

// Replicated returns the mode of a service with n replicas.
func Replicated(n uint64) *ServiceMode {
	return &ServiceMode{Replicated: &ReplicatedMode{Replicas: &n}}
}

// UpdateConfig says how a service's tasks are updated or rolled back.
type UpdateConfig struct {
	Parallelism int64         `json:",omitempty"`
	Delay       time.Duration `json:",omitempty"`
	// FailureAction is "continue", "pause" or "rollback".
	FailureAction   string        `json:",omitempty"`
	Monitor         time.Duration `json:",omitempty"`
	MaxFailureRatio float64       `json:",omitempty"`
	// Order is "stop-first" or "start-first".
	Order string `json:",omitempty"`
}

// EndpointPortConfig is a published port (swagger: EndpointPortConfig).
type EndpointPortConfig struct {
	Name          string `json:",omitempty"`
	Protocol      string `json:",omitempty"` // tcp, udp, sctp
	TargetPort    uint32 `json:",omitempty"`
	PublishedPort uint32 `json:",omitempty"`
	PublishMode   string `json:",omitempty"` // ingress, host
}

// EndpointSpec is how a service is reached (swagger: EndpointSpec).
type EndpointSpec struct {
	Mode  string               `json:",omitempty"` // vip, dnsrr
	Ports []EndpointPortConfig `json:",omitempty"`
}

// ServiceSpec is a service's user-modifiable configuration (swagger:
// ServiceSpec, the ServiceCreate body, the ServiceUpdate body).
type ServiceSpec struct {
	Name           string            `json:",omitempty"`
	Labels         map[string]string `json:",omitempty"`
	TaskTemplate   TaskSpec
	Mode           *ServiceMode  `json:",omitempty"`
	UpdateConfig   *UpdateConfig `json:",omitempty"`
	RollbackConfig *UpdateConfig `json:",omitempty"`
	// Networks is deprecated: use TaskTemplate.Networks.
	Networks     []NetworkAttachmentConfig `json:",omitempty"`
	EndpointSpec *EndpointSpec             `json:",omitempty"`
}

// Service is a service as list and inspect report it (swagger: Service).
type Service struct {
	ID           string
	Version      ObjectVersion
	CreatedAt    string
	UpdatedAt    string
	Spec         ServiceSpec
	PreviousSpec *ServiceSpec
	Endpoint     ServiceEndpoint
	UpdateStatus *UpdateStatus
	// ServiceStatus is filled by List with Status set (API 1.41).
	ServiceStatus *ServiceStatus
	JobStatus     *JobStatus
}

// ServiceEndpoint is how a service is reached: its spec, published ports
// and virtual IPs.
type ServiceEndpoint struct {
	Spec       EndpointSpec
	Ports      []EndpointPortConfig
	VirtualIPs []EndpointVirtualIP
}

// EndpointVirtualIP is a service's address on one network.
type EndpointVirtualIP struct {
	NetworkID string
	Addr      string
}

// UpdateStatus is the progress of a service update or rollback.
type UpdateStatus struct {
	// State: updating, paused, completed, rollback_started,
	// rollback_paused, rollback_completed.
	State       string
	StartedAt   string
	CompletedAt string
	Message     string
}

// ServiceStatus counts a service's tasks (API 1.41).
type ServiceStatus struct {
	RunningTasks   uint64
	DesiredTasks   uint64
	CompletedTasks uint64
}

// JobStatus is the state of a job service's latest run.
type JobStatus struct {
	JobIteration  ObjectVersion
	LastExecution string
}

// TaskStatus is a task's observed state (swagger: TaskStatus).
type TaskStatus struct {
	Timestamp string
	// State: new, allocated, pending, assigned, accepted, preparing, ready,
	// starting, running, complete, shutdown, failed, rejected, remove, orphaned.
	State           string
	Message         string
	Err             string
	ContainerStatus *ContainerStatus
	PortStatus      *PortStatus
}

// ContainerStatus is the container of a task.
type ContainerStatus struct {
	ContainerID string
	PID         int
	ExitCode    int
}

// PortStatus lists the ports a task published in host mode.
type PortStatus struct {
	Ports []EndpointPortConfig
}

// Task is one scheduled unit of a service (swagger: Task).
type Task struct {
	ID                       string
	Version                  ObjectVersion
	CreatedAt                string
	UpdatedAt                string
	Name                     string
	Labels                   map[string]string
	Spec                     TaskSpec
	ServiceID                string
	Slot                     int
	NodeID                   string
	AssignedGenericResources []GenericResource
	Status                   TaskStatus
	DesiredState             string
	JobIteration             *ObjectVersion
	NetworksAttachments      []NetworkAttachment
}

// NetworkAttachment is a task's place on one network: the network as the
// daemon reports it, and the task's addresses on it.
type NetworkAttachment struct {
	Network   map[string]any
	Addresses []string
}
