package mockdaemon

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
)

// dockerd's swarm errors, word for word (daemon/cluster/errors.go).
const (
	msgNotManager = `This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.`
	msgNoSwarm    = "This node is not part of a swarm"
	msgSwarmExist = `This node is already part of a swarm. Use "docker swarm leave" to leave this swarm and join another one.`
	msgSeqConfl   = "rpc error: code = Unknown desc = update out of sequence"
)

// swarmState is the one-node swarm this daemon manages (nil: inactive).
type swarmState struct {
	obj             swarmObj
	spec            swarmSpec
	ca              tlsInfo
	nodeID          string
	node            swarmObj
	nodeSpec        nodeSpec
	listenAddr      string
	advertiseAddr   string
	dataPathPort    uint32
	defaultAddrPool []string
	subnetSize      uint32
	workerToken     string
	managerToken    string
	unlockKey       string
	locked          bool
	ingress         *network          // the routing mesh's network
	predefined      map[string]string // swarm ids of the local bridge and host networks
	nextVXLAN       int               // the next overlay network's VXLAN id
	peerName        string            // this node in the overlay networks' Peers

	services    map[string]*service
	tasks       map[string]*task
	attachments map[string]string // the ids of the network attachment tasks of attached containers, by container/network id
	secrets     map[string]*dataObj
	configs     map[string]*dataObj
}

// swarmObj is what every swarm object has: an id, a version and times.
type swarmObj struct {
	id      string
	version uint64
	created time.Time
	updated time.Time
}

func (o *swarmObj) meta() objectMeta {
	return objectMeta{Version: objectVersion{Index: o.version}, CreatedAt: o.created, UpdatedAt: o.updated}
}

// dataObj is a secret or a config: annotations and data (templating and,
// for a secret, a driver).
type dataObj struct {
	swarmObj
	spec secretSpec
}

func (o *dataObj) name() string { return o.spec.Name }

// nextIndexLocked bumps the swarm's version index.
func (d *Daemon) nextIndexLocked() uint64 {
	d.swarmIndex++
	return d.swarmIndex
}

// managerLocked returns the swarm, or dockerd's error when this node is not
// a manager (or is locked).
func (d *Daemon) managerLocked() (*swarmState, error) {
	s := d.swarm
	if s == nil {
		return nil, errUnavailable(msgNotManager)
	}
	if s.locked {
		return nil, errUnavailable(`Swarm is encrypted and needs to be unlocked before it can be used. Please use "docker swarm unlock" to unlock it.`)
	}
	return s, nil
}

// swarmPingState is the Swarm header of /_ping.
func (d *Daemon) swarmPingState() string {
	st, _ := lockedValue(d, func() (string, error) {
		switch {
		case d.swarm == nil:
			return "inactive", nil
		case d.swarm.locked:
			return "locked", nil
		}
		return "active/manager", nil
	})
	return st
}

// swarmInfoLocked is the Swarm section of /info.
func (d *Daemon) swarmInfoLocked() map[string]any {
	s := d.swarm
	if s == nil {
		return map[string]any{"NodeID": "", "NodeAddr": "", "LocalNodeState": "inactive", "ControlAvailable": false, "Error": "", "RemoteManagers": nil}
	}
	state := "active"
	if s.locked {
		state = "locked"
	}
	return map[string]any{
		"NodeID": s.nodeID, "NodeAddr": s.advertiseAddr, "LocalNodeState": state,
		"ControlAvailable": !s.locked, "Error": "",
		"RemoteManagers": []any{map[string]any{"NodeID": s.nodeID, "Addr": s.listenAddr}},
		"Nodes":          1, "Managers": 1,
		"Cluster": s.clusterJSON(false),
	}
}

func (s *swarmState) clusterJSON(tokens bool) swarmJSON {
	out := swarmJSON{
		ID: s.obj.id, objectMeta: s.obj.meta(), Spec: s.spec, TLSInfo: s.ca,
		DefaultAddrPool: s.defaultAddrPool, SubnetSize: s.subnetSize, DataPathPort: s.dataPathPort,
	}
	if tokens {
		out.JoinTokens = &joinTokens{Worker: s.workerToken, Manager: s.managerToken}
	}
	return out
}

// withSwarmDefaults is spec with swarmkit's defaults where it leaves a
// value out (zero or nil).
func withSwarmDefaults(spec swarmSpec) swarmSpec {
	if spec.Name == "" {
		spec.Name = "default"
	}
	if spec.Labels == nil {
		spec.Labels = map[string]string{}
	}
	if spec.Orchestration.TaskHistoryRetentionLimit == nil {
		spec.Orchestration.TaskHistoryRetentionLimit = ptr(int64(5))
	}
	r := &spec.Raft
	if r.SnapshotInterval == 0 {
		r.SnapshotInterval = 10000
	}
	if r.KeepOldSnapshots == nil {
		r.KeepOldSnapshots = new(uint64)
	}
	if r.LogEntriesForSlowFollowers == 0 {
		r.LogEntriesForSlowFollowers = 500
	}
	if r.ElectionTick == 0 {
		r.ElectionTick = 10
	}
	if r.HeartbeatTick == 0 {
		r.HeartbeatTick = 1
	}
	if spec.Dispatcher.HeartbeatPeriod == 0 {
		spec.Dispatcher.HeartbeatPeriod = 5 * time.Second
	}
	if spec.CAConfig.NodeCertExpiry == 0 {
		spec.CAConfig.NodeCertExpiry = 90 * 24 * time.Hour
	}
	return spec
}

// token is a join token: the CA's digest and a secret of its own.
func (d *Daemon) token(digest string) string {
	return "SWMTKN-1-" + digest + "-" + d.swarmID()
}

// swarmID is an id as swarmkit makes them: 128 random bits in base 36,
// 25 characters.
func (d *Daemon) swarmID() string {
	var b [16]byte
	if err := d.readID(b[:]); err != nil {
		_, _ = rand.Read(b[:])
	}
	s := new(big.Int).SetBytes(b[:]).Text(36)
	return strings.Repeat("0", 25-len(s)) + s
}

// LockSwarm locks the swarm as a restarted autolocked manager is: every
// swarm call answers dockerd's "Swarm is encrypted" until POST
// /swarm/unlock with the key. It reports false when there is no swarm or
// autolock is off.
func (d *Daemon) LockSwarm() bool {
	locked, _ := lockedValue(d, func() (bool, error) {
		s := d.swarm
		if s == nil || s.unlockKey == "" {
			return false, nil
		}
		s.locked = true
		return true, nil
	})
	return locked
}

// sortedObjs orders objects by creation, then id.
func sortedObjs[T interface{ base() *swarmObj }](m map[string]T) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].base(), out[j].base()
		if !a.created.Equal(b.created) {
			return a.created.Before(b.created)
		}
		return a.id < b.id
	})
	return out
}

func (o *swarmObj) base() *swarmObj { return o }

// swarmList answers a list of swarm objects: the filters parsed, then,
// with the engine lock held and this node a manager, what list makes of
// them.
func (d *Daemon) swarmList(w http.ResponseWriter, r *http.Request, accepted []string, list func(s *swarmState, f filters) ([]any, error)) error {
	f, err := parseFilters(r)
	if err != nil {
		return err
	}
	ver := infoOf(r).version
	return d.respond(w, http.StatusOK, func() (any, error) {
		s, err := d.managerLocked()
		if err != nil {
			return nil, err
		}
		// dockerd asks the manager first, then checks the filters
		if err := f.accept(ver, accepted...); err != nil {
			return nil, err
		}
		return list(s, f)
	})
}

// enumFilter checks the values of the swarm list filter k as dockerd
// converts them to swarmkit's enums (case-insensitively; an empty value
// is passed over), with its untyped error (a 500) for one it lacks; it
// gives the values in lower case.
func (f filters) enumFilter(k string, known ...string) ([]string, error) {
	var out []string
	for _, v := range f.values(k) {
		l := strings.ToLower(v)
		switch {
		case slices.Contains(known, l):
			out = append(out, l)
		case v != "":
			return nil, errInternal(fmt.Sprintf("Invalid %s filter: '%s'", k, v))
		}
	}
	return out, nil
}
