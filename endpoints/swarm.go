package endpoints

import (
	"context"
	"net"
	"strconv"

	"github.com/dockwire/dockwire/wire"
)

// SwarmService holds the Swarm operations: init, join, leave, update,
// inspect, unlock key and unlock.
type SwarmService struct {
	w *wire.Client
}

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
	Name             string               `json:",omitempty"`
	Labels           map[string]string    `json:",omitempty"`
	Orchestration    *OrchestrationConfig `json:",omitempty"`
	Raft             *RaftConfig          `json:",omitempty"`
	Dispatcher       *DispatcherConfig    `json:",omitempty"`
	CAConfig         *CAConfig            `json:",omitempty"`
	EncryptionConfig *EncryptionConfig    `json:",omitempty"`
	TaskDefaults     *TaskDefaults        `json:",omitempty"`
}

// OrchestrationConfig is the orchestration part of a [SwarmSpec].
type OrchestrationConfig struct {
	// TaskHistoryRetentionLimit is how many old tasks to keep per slot or
	// node (default 5).
	TaskHistoryRetentionLimit *int64 `json:",omitempty"`
}

// RaftConfig is the Raft consensus part of a [SwarmSpec] (docker-py's
// snapshot_interval, keep_old_snapshots, log_entries_for_slow_followers,
// election_tick, heartbeat_tick).
type RaftConfig struct {
	SnapshotInterval           uint64  `json:",omitempty"` // log entries between snapshots
	KeepOldSnapshots           *uint64 `json:",omitempty"`
	LogEntriesForSlowFollowers uint64  `json:",omitempty"`
	ElectionTick               int     `json:",omitempty"`
	HeartbeatTick              int     `json:",omitempty"`
}

// DispatcherConfig is the task dispatcher part of a [SwarmSpec].
type DispatcherConfig struct {
	HeartbeatPeriod int64 `json:",omitempty"` // nanoseconds
}

// CAConfig is the certificate authority part of a [SwarmSpec].
type CAConfig struct {
	NodeCertExpiry int64        `json:",omitempty"` // nanoseconds
	ExternalCAs    []ExternalCA `json:",omitempty"`
	SigningCACert  string       `json:",omitempty"`
	SigningCAKey   string       `json:",omitempty"`
	ForceRotate    uint64       `json:",omitempty"`
}

// EncryptionConfig is the encryption part of a [SwarmSpec].
type EncryptionConfig struct {
	// AutoLockManagers locks managers' keys at rest: a restarted manager
	// needs [SwarmService.Unlock].
	AutoLockManagers bool
}

// TaskDefaults are the defaults of every task of a swarm.
type TaskDefaults struct {
	LogDriver *LogDriverSpec `json:",omitempty"`
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

// ClusterInfo is the swarm as its managers report it, without the join
// tokens (swagger: ClusterInfo): in [Swarm] and in Info's
// SwarmInfo.Cluster.
type ClusterInfo struct {
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
}

// Swarm is the swarm as its managers report it, with its join tokens
// (swagger: Swarm).
type Swarm struct {
	ClusterInfo
	JoinTokens JoinTokens
}

// SwarmInitOptions create a new swarm with this daemon as its first manager
// (swagger: the SwarmInit body).
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

// SwarmJoinOptions join an existing swarm (swagger: the SwarmJoin body).
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

// SwarmUnlockOptions carry the key that unlocks an autolocked manager
// (swagger: the SwarmUnlock body).
type SwarmUnlockOptions struct {
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

// SwarmInitResult is the new swarm's first manager.
type SwarmInitResult struct {
	NodeID string // this daemon's node id
}

// Init makes this daemon the first manager of a new swarm. A daemon
// already in a swarm answers a *wire.Error matching wire.ErrUnavailable
// (503).
//
// API: POST /swarm/init
func (s *SwarmService) Init(ctx context.Context, opts SwarmInitOptions) (SwarmInitResult, error) {
	r, err := newRequest("SwarmInit")
	if err != nil {
		return SwarmInitResult{}, err
	}
	if err := checkAddr(r.Op, "ListenAddr", opts.ListenAddr, false); err != nil {
		return SwarmInitResult{}, err
	}
	if err := checkAddr(r.Op, "AdvertiseAddr", opts.AdvertiseAddr, false); err != nil {
		return SwarmInitResult{}, err
	}
	for _, p := range opts.DefaultAddrPool {
		if err := checkCIDR(r.Op, "DefaultAddrPool", p); err != nil {
			return SwarmInitResult{}, err
		}
	}
	if opts.SubnetSize > 32 {
		return SwarmInitResult{}, argErr(r.Op, "SubnetSize", strconv.FormatUint(uint64(opts.SubnetSize), 10), "must be at most 32")
	}
	if opts.DataPathAddr != "" {
		need(r, "DataPathAddr", 30)
	}
	if len(opts.DefaultAddrPool) > 0 || opts.SubnetSize != 0 {
		need(r, "DefaultAddrPool/SubnetSize", 39)
	}
	if opts.DataPathPort != 0 {
		need(r, "DataPathPort", 40)
	}
	if err := setJSON(r, opts); err != nil {
		return SwarmInitResult{}, err
	}
	id, err := decode[string](ctx, s.w, r)
	return SwarmInitResult{NodeID: id}, err
}

// SwarmJoinResult is an empty answer; fields may be added.
type SwarmJoinResult struct{}

// Join makes this daemon join a swarm.
//
// API: POST /swarm/join
func (s *SwarmService) Join(ctx context.Context, opts SwarmJoinOptions) (SwarmJoinResult, error) {
	r, err := newRequest("SwarmJoin")
	if err != nil {
		return SwarmJoinResult{}, err
	}
	if len(opts.RemoteAddrs) == 0 {
		return SwarmJoinResult{}, argErr(r.Op, "RemoteAddrs", "", "must name at least one manager")
	}
	if opts.JoinToken == "" {
		return SwarmJoinResult{}, argErr(r.Op, "JoinToken", "", "must not be empty")
	}
	if opts.ListenAddr == "" {
		opts.ListenAddr = "0.0.0.0:2377"
	}
	if opts.DataPathAddr != "" {
		need(r, "DataPathAddr", 30)
	}
	if err := setJSON(r, opts); err != nil {
		return SwarmJoinResult{}, err
	}
	_, err = callNoContent(ctx, s.w, r)
	return SwarmJoinResult{}, err
}

// SwarmLeaveResult is an empty answer; fields may be added.
type SwarmLeaveResult struct{}

// Leave makes this daemon leave its swarm. A manager needs Force, and
// a daemon in no swarm answers a *wire.Error matching wire.ErrUnavailable.
//
// API: POST /swarm/leave
func (s *SwarmService) Leave(ctx context.Context, opts SwarmLeaveOptions) (SwarmLeaveResult, error) {
	r, err := newRequest("SwarmLeave")
	if err != nil {
		return SwarmLeaveResult{}, err
	}
	setBool(r.Query, "force", opts.Force)
	_, err = callNoContent(ctx, s.w, r)
	return SwarmLeaveResult{}, err
}

// SwarmUpdateResult is an empty answer; fields may be added.
type SwarmUpdateResult struct{}

// Update changes the swarm's spec and rotates tokens or the unlock key.
//
// API: POST /swarm/update
func (s *SwarmService) Update(ctx context.Context, opts SwarmUpdateOptions) (SwarmUpdateResult, error) {
	r, err := newRequest("SwarmUpdate")
	if err != nil {
		return SwarmUpdateResult{}, err
	}
	setVersion(r, opts.Version)
	if opts.RotateWorkerToken {
		r.Query.Set("rotateWorkerToken", "true")
	}
	if opts.RotateManagerToken {
		r.Query.Set("rotateManagerToken", "true")
	}
	if opts.RotateManagerUnlockKey {
		r.Query.Set("rotateManagerUnlockKey", "true")
	}
	if err := setJSON(r, opts.Spec); err != nil {
		return SwarmUpdateResult{}, err
	}
	_, err = callNoContent(ctx, s.w, r)
	return SwarmUpdateResult{}, err
}

// SwarmInspectOptions tune [SwarmService.Inspect]; there is nothing to
// tune yet.
type SwarmInspectOptions struct{}

// SwarmInspectResult is the swarm as its managers report it.
type SwarmInspectResult struct {
	Swarm
}

// Inspect reports the swarm, with its join tokens. A daemon in no swarm, or
// not a manager, answers a *wire.Error matching wire.ErrUnavailable.
//
// API: GET /swarm
func (s *SwarmService) Inspect(ctx context.Context, opts SwarmInspectOptions) (SwarmInspectResult, error) {
	r, err := newRequest("SwarmInspect")
	if err != nil {
		return SwarmInspectResult{}, err
	}
	return decode[SwarmInspectResult](ctx, s.w, r)
}

// SwarmUnlockKeyOptions tune [SwarmService.UnlockKey]; there is nothing to
// tune yet.
type SwarmUnlockKeyOptions struct{}

// SwarmUnlockKeyResult is the key that unlocks an autolocked manager
// (swagger: the SwarmUnlockkey response).
type SwarmUnlockKeyResult struct {
	UnlockKey string
}

// UnlockKey reports the key that unlocks an autolocked manager.
//
// API: GET /swarm/unlockkey
func (s *SwarmService) UnlockKey(ctx context.Context, opts SwarmUnlockKeyOptions) (SwarmUnlockKeyResult, error) {
	r, err := newRequest("SwarmUnlockkey")
	if err != nil {
		return SwarmUnlockKeyResult{}, err
	}
	return decode[SwarmUnlockKeyResult](ctx, s.w, r)
}

// SwarmUnlockResult is an empty answer; fields may be added.
type SwarmUnlockResult struct{}

// Unlock unlocks a locked manager with its key.
//
// API: POST /swarm/unlock
func (s *SwarmService) Unlock(ctx context.Context, opts SwarmUnlockOptions) (SwarmUnlockResult, error) {
	r, err := newRequest("SwarmUnlock")
	if err != nil {
		return SwarmUnlockResult{}, err
	}
	if opts.UnlockKey == "" {
		return SwarmUnlockResult{}, argErr(r.Op, "UnlockKey", "", "must not be empty")
	}
	if err := setJSON(r, opts); err != nil {
		return SwarmUnlockResult{}, err
	}
	_, err = callNoContent(ctx, s.w, r)
	return SwarmUnlockResult{}, err
}

// setVersion sets the "version" parameter every swarm object update needs.
func setVersion(r *wire.Request, ov ObjectVersion) {
	r.Query.Set("version", strconv.FormatUint(ov.Index, 10))
}
