package mockdaemon

import (
	"net/http"
	"sort"
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
	nodeID          string
	node            swarmObj
	listenAddr      string
	advertiseAddr   string
	dataPathPort    int
	defaultAddrPool []string
	subnetSize      int
	workerToken     string
	managerToken    string
	unlockKey       string
	locked          bool

	services map[string]*service
	tasks    map[string]*task
	secrets  map[string]*swarmObj
	configs  map[string]*swarmObj
}

// swarmObj is what every swarm object has: id, version, times and a spec
// kept as the client sent it (the API is an open schema).
type swarmObj struct {
	id      string
	version uint64
	created time.Time
	updated time.Time
	spec    map[string]any
}

func (o *swarmObj) meta() map[string]any {
	return map[string]any{
		"ID":        o.id,
		"Version":   map[string]any{"Index": o.version},
		"CreatedAt": fmtTime(o.created),
		"UpdatedAt": fmtTime(o.updated),
		"Spec":      o.spec,
	}
}

func (o *swarmObj) name() string { s, _ := o.spec["Name"].(string); return s }

func (o *swarmObj) labels() map[string]string { return strMap(o.spec["Labels"]) }

func strMap(v any) map[string]string {
	m := map[string]string{}
	if mm, ok := v.(map[string]any); ok {
		for k, x := range mm {
			if s, ok := x.(string); ok {
				m[k] = s
			}
		}
	}
	return m
}

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

func (s *swarmState) clusterJSON(tokens bool) map[string]any {
	m := s.obj.meta()
	m["TLSInfo"] = map[string]any{
		"TrustRoot":           "-----BEGIN CERTIFICATE-----\nMOCK\n-----END CERTIFICATE-----\n",
		"CertIssuerSubject":   "MBMxETAPBgNVBAMTCHN3YXJtLWNh",
		"CertIssuerPublicKey": "MOCK",
	}
	m["RootRotationInProgress"] = false
	m["DefaultAddrPool"] = s.defaultAddrPool
	m["SubnetSize"] = s.subnetSize
	m["DataPathPort"] = s.dataPathPort
	if tokens {
		m["JoinTokens"] = map[string]any{"Worker": s.workerToken, "Manager": s.managerToken}
	}
	return m
}

// defaultSwarmSpec is the spec dockerd fills in on init, under the
// client's.
func defaultSwarmSpec(in map[string]any) map[string]any {
	spec := map[string]any{
		"Name":          "default",
		"Labels":        map[string]any{},
		"Orchestration": map[string]any{"TaskHistoryRetentionLimit": 5},
		"Raft": map[string]any{"SnapshotInterval": 10000, "KeepOldSnapshots": 0, "LogEntriesForSlowFollowers": 500,
			"ElectionTick": 10, "HeartbeatTick": 1},
		"Dispatcher":       map[string]any{"HeartbeatPeriod": 5000000000},
		"CAConfig":         map[string]any{"NodeCertExpiry": 7776000000000000},
		"TaskDefaults":     map[string]any{},
		"EncryptionConfig": map[string]any{"AutoLockManagers": false},
	}
	for k, v := range in {
		if v == nil {
			continue
		}
		if vm, ok := v.(map[string]any); ok && k != "Labels" {
			if base, ok := spec[k].(map[string]any); ok {
				for kk, vv := range vm {
					base[kk] = vv
				}
				continue
			}
		}
		spec[k] = v
	}
	if spec["Name"] == "" {
		spec["Name"] = "default"
	}
	return spec
}

func autolock(spec map[string]any) bool {
	ec, _ := spec["EncryptionConfig"].(map[string]any)
	b, _ := ec["AutoLockManagers"].(bool)
	return b
}

func (d *Daemon) token(kind string) string {
	return "SWMTKN-1-" + d.newID()[:50] + "-" + d.newID()[:25] + kind
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
func (d *Daemon) swarmList(w http.ResponseWriter, r *http.Request, list func(s *swarmState, f filters) []any) error {
	f, err := parseFilters(r)
	if err != nil {
		return err
	}
	return d.respond(w, http.StatusOK, func() (any, error) {
		s, err := d.managerLocked()
		if err != nil {
			return nil, err
		}
		return list(s, f), nil
	})
}
