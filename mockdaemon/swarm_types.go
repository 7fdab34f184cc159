package mockdaemon

import "time"

// The shapes of the swarm, its nodes, secrets and configs in the API, as
// dockerd's Go types (api/types/swarm) decode and encode them; the
// services' and tasks' are in services_types.go.

// annotations are the Name and Labels of a swarm object's spec.
type annotations struct {
	Name   string            `json:",omitempty"`
	Labels map[string]string `json:"Labels"`
}

// objectMeta is the version and times of a swarm object.
type objectMeta struct {
	Version   objectVersion `json:",omitempty"`
	CreatedAt time.Time     `json:",omitempty"`
	UpdatedAt time.Time     `json:",omitempty"`
}

type objectVersion struct {
	Index uint64 `json:",omitempty"`
}

// swarmDriver is a Driver: a log driver, a secret driver, a templating
// engine.
type swarmDriver struct {
	Name    string            `json:",omitempty"`
	Options map[string]string `json:",omitempty"`
}

// swarmSpec is the swarm's Spec.
type swarmSpec struct {
	annotations
	Orchestration struct {
		TaskHistoryRetentionLimit *int64 `json:",omitempty"`
	} `json:",omitempty"`
	Raft struct {
		SnapshotInterval           uint64  `json:",omitempty"`
		KeepOldSnapshots           *uint64 `json:",omitempty"`
		LogEntriesForSlowFollowers uint64  `json:",omitempty"`
		ElectionTick               int
		HeartbeatTick              int
	} `json:",omitempty"`
	Dispatcher struct {
		HeartbeatPeriod time.Duration `json:",omitempty"`
	} `json:",omitempty"`
	CAConfig struct {
		NodeCertExpiry time.Duration `json:",omitempty"`
		ExternalCAs    []*externalCA `json:",omitempty"`
		SigningCACert  string        `json:",omitempty"`
		SigningCAKey   string        `json:",omitempty"`
		ForceRotate    uint64        `json:",omitempty"`
	} `json:",omitempty"`
	TaskDefaults struct {
		LogDriver *swarmDriver `json:",omitempty"`
	} `json:",omitempty"`
	EncryptionConfig struct {
		AutoLockManagers bool
	} `json:",omitempty"`
}

func (*swarmSpec) apiType() string { return "Spec" }

type externalCA struct {
	Protocol string
	URL      string
	Options  map[string]string `json:",omitempty"`
	CACert   string
}

// swarmInitRequest is POST /swarm/init's body.
type swarmInitRequest struct {
	ListenAddr       string
	AdvertiseAddr    string
	DataPathAddr     string
	DataPathPort     uint32
	ForceNewCluster  bool
	Spec             swarmSpec
	AutoLockManagers bool
	Availability     string
	DefaultAddrPool  []string
	SubnetSize       uint32
}

func (*swarmInitRequest) apiType() string { return "InitRequest" }

// swarmJoinRequest is POST /swarm/join's body.
type swarmJoinRequest struct {
	ListenAddr    string
	AdvertiseAddr string
	DataPathAddr  string
	RemoteAddrs   []string
	JoinToken     string
	Availability  string
}

func (*swarmJoinRequest) apiType() string { return "JoinRequest" }

// swarmJSON is GET /swarm's answer (the Cluster of /info without
// JoinTokens).
type swarmJSON struct {
	ID string
	objectMeta
	Spec                   swarmSpec
	TLSInfo                tlsInfo
	RootRotationInProgress bool
	DefaultAddrPool        []string
	SubnetSize             uint32
	DataPathPort           uint32
	JoinTokens             *joinTokens `json:",omitempty"`
}

type tlsInfo struct {
	TrustRoot           string `json:",omitempty"`
	CertIssuerSubject   []byte `json:",omitempty"`
	CertIssuerPublicKey []byte `json:",omitempty"`
}

type joinTokens struct {
	Worker  string
	Manager string
}

// nodeSpec is a node's Spec.
type nodeSpec struct {
	annotations
	Role         string `json:",omitempty"`
	Availability string `json:",omitempty"`
}

func (*nodeSpec) apiType() string { return "NodeSpec" }

// secretSpec is a secret's Spec; configSpec a config's. Data is base64 in
// JSON ([]byte), as dockerd decodes it.
type secretSpec struct {
	annotations
	Data       []byte       `json:",omitempty"`
	Driver     *swarmDriver `json:",omitempty"`
	Templating *swarmDriver `json:",omitempty"`
}

func (*secretSpec) apiType() string { return "SecretSpec" }

type configSpec struct {
	annotations
	Data       []byte       `json:",omitempty"`
	Templating *swarmDriver `json:",omitempty"`
}

func (*configSpec) apiType() string { return "ConfigSpec" }

// secretJSON is a secret or a config as inspect and list show them.
type secretJSON struct {
	ID string
	objectMeta
	Spec any
}
