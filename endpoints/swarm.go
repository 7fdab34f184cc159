package endpoints

import (
	"context"
	"net"
	"net/url"
	"strconv"

	"github.com/dockwire/dockwire/wire"
)

// SwarmService holds the Swarm operations: init, join, leave, update,
// inspect, unlock key and unlock.
type SwarmService struct {
	w *wire.Client
}

// NewSwarm returns the Swarm operations over w.
func NewSwarm(w *wire.Client) *SwarmService { return &SwarmService{w: w} }

// LogDriverSpec names a log driver and its options.
type LogDriverSpec struct {
	Name    string            `json:",omitempty"`
	Options map[string]string `json:",omitempty"`
}

// ExternalCA is a certificate authority the swarm's managers delegate
// node certificates to.
type ExternalCA struct {
	Protocol string            `json:",omitempty"` // cfssl
	URL      string            `json:",omitempty"`
	Options  map[string]string `json:",omitempty"`
	CACert   string            `json:",omitempty"`
}

// SwarmSpec is a swarm's user-modifiable configuration (swagger: SwarmSpec).
// Durations are nanoseconds as the API has them.
type SwarmSpec struct {
	Name          string            `json:",omitempty"`
	Labels        map[string]string `json:",omitempty"`
	Orchestration *struct {
		TaskHistoryRetentionLimit *int64 `json:",omitempty"`
	} `json:",omitempty"`
	Raft *struct {
		SnapshotInterval           uint64  `json:",omitempty"`
		KeepOldSnapshots           *uint64 `json:",omitempty"`
		LogEntriesForSlowFollowers uint64  `json:",omitempty"`
		ElectionTick               int     `json:",omitempty"`
		HeartbeatTick              int     `json:",omitempty"`
	} `json:",omitempty"`
	Dispatcher *struct {
		HeartbeatPeriod int64 `json:",omitempty"`
	} `json:",omitempty"`
	CAConfig *struct {
		NodeCertExpiry int64        `json:",omitempty"`
		ExternalCAs    []ExternalCA `json:",omitempty"`
		SigningCACert  string       `json:",omitempty"`
		SigningCAKey   string       `json:",omitempty"`
		ForceRotate    uint64       `json:",omitempty"`
	} `json:",omitempty"`
	EncryptionConfig *struct {
		AutoLockManagers bool
	} `json:",omitempty"`
	TaskDefaults *struct {
		LogDriver *LogDriverSpec `json:",omitempty"`
	} `json:",omitempty"`
}

// TLSInfo is the TLS trust of a swarm or node (swagger: TLSInfo).
type TLSInfo struct {
	TrustRoot           string
	CertIssuerSubject   string
	CertIssuerPublicKey string
}

// JoinTokens are the tokens workers and managers join the swarm with
// (swagger: JoinTokens).
type JoinTokens struct {
	Worker  string
	Manager string
}

// Swarm is the swarm as its managers report it (swagger: Swarm, ClusterInfo).
type Swarm struct {
	ID                     string
	Version                ObjectVersion
	CreatedAt              string
	UpdatedAt              string
	Spec                   SwarmSpec
	TLSInfo                TLSInfo
	RootRotationInProgress bool
	DataPathPort           uint32
	DefaultAddrPool        []string
	SubnetSize             uint32
	JoinTokens             JoinTokens
}

// SwarmInitOptions create a new swarm with this daemon as its first manager
// (swagger: SwarmInitRequest).
type SwarmInitOptions struct {
	// ListenAddr is the manager listener, "addr:port" or "iface:port"
	// ("0.0.0.0:2377" when empty).
	ListenAddr string `json:",omitempty"`
	// AdvertiseAddr is what other nodes reach this one at.
	AdvertiseAddr string `json:",omitempty"`
	// DataPathAddr carries data traffic (API 1.30).
	DataPathAddr string `json:",omitempty"`
	// DataPathPort is the VXLAN port, 4789 when 0 (API 1.40).
	DataPathPort uint32 `json:",omitempty"`
	// DefaultAddrPool are CIDRs for global-scope networks (API 1.39).
	DefaultAddrPool []string `json:",omitempty"`
	ForceNewCluster bool     `json:",omitempty"`
	// SubnetSize is the prefix length of networks carved from
	// DefaultAddrPool (API 1.39).
	SubnetSize uint32    `json:",omitempty"`
	Spec       SwarmSpec `json:"Spec"`
}

// SwarmJoinOptions join an existing swarm (swagger: SwarmJoinRequest).
type SwarmJoinOptions struct {
	ListenAddr    string `json:",omitempty"`
	AdvertiseAddr string `json:",omitempty"`
	DataPathAddr  string `json:",omitempty"` // API 1.30
	// RemoteAddrs are managers already in the swarm; JoinToken says
	// whether this node joins as worker or manager. Both are required.
	RemoteAddrs []string
	JoinToken   string
}

// SwarmLeaveOptions tune [SwarmService.Leave].
type SwarmLeaveOptions struct {
	// Force leaves even as the last manager, which destroys the swarm.
	Force bool
}

// SwarmUpdateOptions change the swarm's spec. Version is the swarm's
// current Version (from Inspect).
type SwarmUpdateOptions struct {
	Version                ObjectVersion
	Spec                   SwarmSpec
	RotateWorkerToken      bool
	RotateManagerToken     bool
	RotateManagerUnlockKey bool
}

// SwarmUnlockKey is the key that unlocks an autolocked manager.
type SwarmUnlockKey struct {
	UnlockKey string
}

func checkAddr(op, field, s string, needPort bool) error {
	if s == "" {
		return nil
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		if needPort {
			return &ArgError{Op: op, Field: field, Value: s, Reason: "want host:port", Err: err}
		}
		return nil // an address or interface name without port
	}
	if host == "" && !needPort {
		return argErr(op, field, s, "no host")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return argErr(op, field, s, "bad port")
	}
	return nil
}

// Init makes this daemon the first manager of a new swarm and returns the
// node's id. A daemon already in a swarm answers a *wire.Error matching
// wire.ErrUnavailable (503).
//
// API: POST /swarm/init
func (s *SwarmService) Init(ctx context.Context, opts SwarmInitOptions) (string, error) {
	const op = "SwarmInit"
	if err := checkAddr(op, "ListenAddr", opts.ListenAddr, false); err != nil {
		return "", err
	}
	if err := checkAddr(op, "AdvertiseAddr", opts.AdvertiseAddr, false); err != nil {
		return "", err
	}
	for _, p := range opts.DefaultAddrPool {
		if err := checkCIDR(op, "DefaultAddrPool", p); err != nil {
			return "", err
		}
	}
	if opts.SubnetSize > 32 {
		return "", argErr(op, "SubnetSize", strconv.FormatUint(uint64(opts.SubnetSize), 10), "must be at most 32")
	}
	r, err := wire.JSONRequest("POST", "/swarm/init", opts)
	if err != nil {
		return "", err
	}
	r.Op = op
	if opts.DataPathAddr != "" {
		r.Requires = append(r.Requires, wire.Requirement{What: op + ": DataPathAddr", Version: v(30)})
	}
	if len(opts.DefaultAddrPool) > 0 || opts.SubnetSize != 0 {
		r.Requires = append(r.Requires, wire.Requirement{What: op + ": DefaultAddrPool/SubnetSize", Version: v(39)})
	}
	if opts.DataPathPort != 0 {
		r.Requires = append(r.Requires, wire.Requirement{What: op + ": DataPathPort", Version: v(40)})
	}
	var id string
	err = call(ctx, s.w, r, &id)
	return id, err
}

// Join makes this daemon join a swarm.
//
// API: POST /swarm/join
func (s *SwarmService) Join(ctx context.Context, opts SwarmJoinOptions) error {
	const op = "SwarmJoin"
	if len(opts.RemoteAddrs) == 0 {
		return argErr(op, "RemoteAddrs", "", "must name at least one manager")
	}
	if opts.JoinToken == "" {
		return argErr(op, "JoinToken", "", "must not be empty")
	}
	if opts.ListenAddr == "" {
		opts.ListenAddr = "0.0.0.0:2377"
	}
	r, err := wire.JSONRequest("POST", "/swarm/join", opts)
	if err != nil {
		return err
	}
	r.Op = op
	if opts.DataPathAddr != "" {
		r.Requires = append(r.Requires, wire.Requirement{What: op + ": DataPathAddr", Version: v(30)})
	}
	return call(ctx, s.w, r, nil)
}

// Leave makes this daemon leave its swarm. A manager needs Force, and
// a daemon in no swarm answers a *wire.Error matching wire.ErrUnavailable.
//
// API: POST /swarm/leave
func (s *SwarmService) Leave(ctx context.Context, opts SwarmLeaveOptions) error {
	r := req("POST", "/swarm/leave", "SwarmLeave")
	boolParam(r.Query, "force", opts.Force)
	return call(ctx, s.w, r, nil)
}

// Update changes the swarm's spec and rotates tokens or the unlock key.
//
// API: POST /swarm/update
func (s *SwarmService) Update(ctx context.Context, opts SwarmUpdateOptions) error {
	r, err := wire.JSONRequest("POST", "/swarm/update", opts.Spec)
	if err != nil {
		return err
	}
	r.Op = "SwarmUpdate"
	r.Query = versionQuery(opts.Version)
	if opts.RotateWorkerToken {
		r.Query.Set("rotateWorkerToken", "true")
	}
	if opts.RotateManagerToken {
		r.Query.Set("rotateManagerToken", "true")
	}
	if opts.RotateManagerUnlockKey {
		r.Query.Set("rotateManagerUnlockKey", "true")
	}
	return call(ctx, s.w, r, nil)
}

// Inspect reports the swarm, with its join tokens. A daemon in no swarm, or
// not a manager, answers a *wire.Error matching wire.ErrUnavailable.
//
// API: GET /swarm
func (s *SwarmService) Inspect(ctx context.Context) (Swarm, error) {
	var out Swarm
	err := call(ctx, s.w, req("GET", "/swarm", "SwarmInspect"), &out)
	return out, err
}

// UnlockKey reports the key that unlocks an autolocked manager.
//
// API: GET /swarm/unlockkey
func (s *SwarmService) UnlockKey(ctx context.Context) (SwarmUnlockKey, error) {
	var out SwarmUnlockKey
	err := call(ctx, s.w, req("GET", "/swarm/unlockkey", "SwarmUnlockkey"), &out)
	return out, err
}

// Unlock unlocks a locked manager with its key.
//
// API: POST /swarm/unlock
func (s *SwarmService) Unlock(ctx context.Context, key SwarmUnlockKey) error {
	const op = "SwarmUnlock"
	if key.UnlockKey == "" {
		return argErr(op, "UnlockKey", "", "must not be empty")
	}
	r, err := wire.JSONRequest("POST", "/swarm/unlock", key)
	if err != nil {
		return err
	}
	r.Op = op
	return call(ctx, s.w, r, nil)
}

// versionQuery is the "version" parameter every swarm object update needs.
func versionQuery(ov ObjectVersion) url.Values {
	return url.Values{"version": {strconv.FormatUint(ov.Index, 10)}}
}
