package mockdaemon

import (
	"fmt"
	"net/http"
	"runtime"
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

// nextIndex bumps the swarm's version index.
func (d *Daemon) nextIndexLocked() uint64 {
	d.x.index++
	return d.x.index
}

// managerLocked returns the swarm, or dockerd's error when this node is not
// a manager (or is locked).
func (d *Daemon) managerLocked() (*swarmState, error) {
	s := d.x.swarm
	if s == nil {
		return nil, errUnavailable(msgNotManager)
	}
	if s.locked {
		return nil, errUnavailable(`Swarm is encrypted and needs to be unlocked before it can be used. Please use "docker swarm unlock" to unlock it.`)
	}
	return s, nil
}

func (d *Daemon) swarmPingState() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.x.swarm == nil {
		return "inactive"
	}
	if d.x.swarm.locked {
		return "locked"
	}
	return "active/manager"
}

// swarmInfo is the Swarm section of /info.
func (d *Daemon) swarmInfo() map[string]any {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.x.swarm
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

func (d *Daemon) swarmInit(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ListenAddr      string
		AdvertiseAddr   string
		DataPathPort    int
		DefaultAddrPool []string
		SubnetSize      int
		ForceNewCluster bool
		Spec            map[string]any
	}
	if err := decodeBody(r, &body); err != nil {
		writeError(w, r, err)
		return
	}
	if body.ListenAddr == "" {
		body.ListenAddr = "0.0.0.0:2377"
	}
	for _, p := range body.DefaultAddrPool {
		if !strings.Contains(p, "/") {
			writeError(w, r, errInvalid(fmt.Sprintf("invalid default address pool %s: invalid CIDR address: %s", p, p)))
			return
		}
	}
	if len(body.DefaultAddrPool) == 0 {
		body.DefaultAddrPool = []string{"10.0.0.0/8"}
	}
	if body.SubnetSize == 0 {
		body.SubnetSize = 24
	}
	if body.DataPathPort == 0 {
		body.DataPathPort = 4789
	}
	adv := body.AdvertiseAddr
	if adv == "" {
		host, _, _ := strings.Cut(body.ListenAddr, ":")
		if host == "" || host == "0.0.0.0" {
			host = "127.0.0.1"
		}
		adv = host
	}
	if !strings.Contains(adv, ":") {
		_, port, _ := strings.Cut(body.ListenAddr, ":")
		if port == "" {
			port = "2377"
		}
		adv += ":" + port
	}
	d.mu.Lock()
	if d.x.swarm != nil && !body.ForceNewCluster {
		d.mu.Unlock()
		writeError(w, r, errUnavailable(msgSwarmExist))
		return
	}
	now := d.now()
	s := &swarmState{
		obj:             swarmObj{id: d.newID()[:25], created: now, updated: now, spec: defaultSwarmSpec(body.Spec)},
		nodeID:          d.newID()[:25],
		listenAddr:      body.ListenAddr,
		advertiseAddr:   adv,
		dataPathPort:    body.DataPathPort,
		defaultAddrPool: body.DefaultAddrPool,
		subnetSize:      body.SubnetSize,
		workerToken:     d.token(""),
		managerToken:    d.token(""),
		services:        map[string]*service{},
		tasks:           map[string]*task{},
		secrets:         map[string]*swarmObj{},
		configs:         map[string]*swarmObj{},
	}
	if old := d.x.swarm; old != nil {
		s.services, s.tasks, s.secrets, s.configs = old.services, old.tasks, old.secrets, old.configs
	}
	s.obj.version = d.nextIndexLocked()
	s.node = swarmObj{id: s.nodeID, created: now, updated: now, version: d.nextIndexLocked(),
		spec: map[string]any{"Labels": map[string]any{}, "Role": "manager", "Availability": "active"}}
	if autolock(s.obj.spec) {
		s.unlockKey = "SWMKEY-1-" + d.newID()[:43]
	}
	d.x.swarm = s
	id := s.nodeID
	d.mu.Unlock()
	d.events.emit("node", "create", id, map[string]string{"name": d.cfg.Hostname})
	writeJSON(w, http.StatusOK, id)
}

func (d *Daemon) swarmJoin(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ListenAddr  string
		RemoteAddrs []string
		JoinToken   string
	}
	if err := decodeBody(r, &body); err != nil {
		writeError(w, r, err)
		return
	}
	d.mu.Lock()
	in := d.x.swarm != nil
	d.mu.Unlock()
	if in {
		writeError(w, r, errUnavailable(msgSwarmExist))
		return
	}
	if len(body.RemoteAddrs) == 0 {
		writeError(w, r, errInvalid("at least 1 RemoteAddr is required to join"))
		return
	}
	if !strings.HasPrefix(body.JoinToken, "SWMTKN-") {
		writeError(w, r, errInvalid("invalid join token"))
		return
	}
	// The mock is a single node: there is never a manager to reach.
	writeError(w, r, errUnavailable("Timeout was reached before node joined. The attempt to join the swarm will continue in the background. Use the \"docker info\" command to see the current swarm status of your node."))
}

func (d *Daemon) swarmLeave(w http.ResponseWriter, r *http.Request) {
	force := boolParam(r, "force")
	d.mu.Lock()
	s := d.x.swarm
	if s == nil {
		d.mu.Unlock()
		writeError(w, r, errUnavailable(msgNoSwarm))
		return
	}
	if !force {
		d.mu.Unlock()
		writeError(w, r, errUnavailable("You are attempting to leave the swarm on a node that is participating as a manager. Removing the last manager erases all current state of the swarm. Use `--force` to ignore this message. "))
		return
	}
	d.x.swarm = nil
	var doomed []*container
	for _, t := range s.tasks {
		if t.c != nil {
			doomed = append(doomed, t.c)
		}
	}
	d.mu.Unlock()
	d.removeTaskContainers(doomed, 0)
	writeJSON(w, http.StatusOK, nil)
}

func (d *Daemon) swarmInspect(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	s, err := d.managerLocked()
	var out map[string]any
	if err == nil {
		out = s.clusterJSON(true)
	}
	d.mu.Unlock()
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (d *Daemon) swarmUpdate(w http.ResponseWriter, r *http.Request) {
	ver, err := versionParam(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	spec, err := decodeSpec(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	s, err := d.managerLocked()
	if err != nil {
		writeError(w, r, err)
		return
	}
	if ver != s.obj.version {
		writeError(w, r, errInternal(msgSeqConfl))
		return
	}
	wasLocked := autolock(s.obj.spec)
	s.obj.spec = defaultSwarmSpec(spec)
	if boolParam(r, "rotateWorkerToken") {
		s.workerToken = d.token("")
	}
	if boolParam(r, "rotateManagerToken") {
		s.managerToken = d.token("")
	}
	nowLocked := autolock(s.obj.spec)
	switch {
	case nowLocked && (!wasLocked || boolParam(r, "rotateManagerUnlockKey")):
		s.unlockKey = "SWMKEY-1-" + d.newID()[:43]
	case !nowLocked:
		s.unlockKey = ""
	}
	s.obj.version = d.nextIndexLocked()
	s.obj.updated = d.now()
	writeJSON(w, http.StatusOK, nil)
}

func (d *Daemon) swarmUnlockKey(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	s, err := d.managerLocked()
	key := ""
	if err == nil {
		key = s.unlockKey
	}
	d.mu.Unlock()
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"UnlockKey": key})
}

func (d *Daemon) swarmUnlock(w http.ResponseWriter, r *http.Request) {
	var body struct{ UnlockKey string }
	if err := decodeBody(r, &body); err != nil {
		writeError(w, r, err)
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.x.swarm
	switch {
	case s == nil:
		writeError(w, r, errUnavailable(msgNotManager))
	case !s.locked:
		writeError(w, r, errConflict("swarm is not locked"))
	case body.UnlockKey != s.unlockKey:
		writeError(w, r, errInvalid("swarm could not be unlocked: invalid key"))
	default:
		s.locked = false
		writeJSON(w, http.StatusOK, nil)
	}
}

// Lock locks the swarm as a restarted autolocked manager is: every swarm
// call answers dockerd's "Swarm is encrypted" until POST /swarm/unlock with
// the key. It reports false when there is no swarm or autolock is off.
func (d *Daemon) Lock() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.x.swarm
	if s == nil || s.unlockKey == "" {
		return false
	}
	s.locked = true
	return true
}

// nodes: this one only

func (d *Daemon) nodeJSONLocked(s *swarmState) map[string]any {
	m := s.node.meta()
	arch := map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[runtime.GOARCH]
	if arch == "" {
		arch = runtime.GOARCH
	}
	m["Description"] = map[string]any{
		"Hostname":  d.cfg.Hostname,
		"Platform":  map[string]any{"Architecture": arch, "OS": "linux"},
		"Resources": map[string]any{"NanoCPUs": int64(mockNCPU) * 1e9, "MemoryBytes": mockMemTotal},
		"Engine": map[string]any{"EngineVersion": d.cfg.ServerVersion, "Plugins": []any{
			map[string]any{"Type": "Log", "Name": "json-file"}, map[string]any{"Type": "Network", "Name": "bridge"},
			map[string]any{"Type": "Network", "Name": "overlay"}, map[string]any{"Type": "Volume", "Name": "local"}}},
		"TLSInfo": s.clusterJSON(false)["TLSInfo"],
	}
	host, _, _ := strings.Cut(s.advertiseAddr, ":")
	m["Status"] = map[string]any{"State": "ready", "Addr": host}
	m["ManagerStatus"] = map[string]any{"Leader": true, "Reachability": "reachable", "Addr": s.advertiseAddr}
	return m
}

func (s *swarmState) nodeRef(ref string) bool {
	return ref != "" && (strings.HasPrefix(s.nodeID, ref) || ref == s.node.hostname())
}

func (o *swarmObj) hostname() string { return "" }

func (d *Daemon) nodeLookupLocked(ref string) (*swarmState, error) {
	s, err := d.managerLocked()
	if err != nil {
		return nil, err
	}
	if !s.nodeRef(ref) && ref != d.cfg.Hostname {
		return nil, errNotFound("node " + ref + " not found")
	}
	return s, nil
}

func (d *Daemon) nodeList(w http.ResponseWriter, r *http.Request) {
	f, err := parseFilters(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	d.mu.Lock()
	s, err := d.managerLocked()
	out := []any{}
	if err == nil {
		labels := s.node.labels()
		ok := f.matchAny("id", func(v string) bool { return strings.HasPrefix(s.nodeID, v) }) &&
			f.matchAny("name", func(v string) bool { return v == d.cfg.Hostname }) &&
			f.matchAny("role", func(v string) bool { return v == s.node.spec["Role"] }) &&
			f.matchAny("membership", func(v string) bool { return v == "accepted" }) &&
			f.matchLabels("node.label", labels)
		if ok {
			out = append(out, d.nodeJSONLocked(s))
		}
	}
	d.mu.Unlock()
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (d *Daemon) nodeInspect(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	s, err := d.nodeLookupLocked(r.PathValue("id"))
	var out map[string]any
	if err == nil {
		out = d.nodeJSONLocked(s)
	}
	d.mu.Unlock()
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (d *Daemon) nodeUpdate(w http.ResponseWriter, r *http.Request) {
	ver, err := versionParam(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	spec, err := decodeSpec(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	d.mu.Lock()
	s, err := d.nodeLookupLocked(r.PathValue("id"))
	if err == nil && ver != s.node.version {
		err = errInternal(msgSeqConfl)
	}
	if err == nil && spec["Role"] == "worker" {
		err = errInvalid("rpc error: code = FailedPrecondition desc = attempting to demote the last manager of the swarm")
	}
	if err == nil {
		if spec["Role"] == nil || spec["Role"] == "" {
			spec["Role"] = "manager"
		}
		if spec["Availability"] == nil || spec["Availability"] == "" {
			spec["Availability"] = "active"
		}
		s.node.spec = spec
		s.node.version = d.nextIndexLocked()
		s.node.updated = d.now()
	}
	id := ""
	if s != nil {
		id = s.nodeID
	}
	d.mu.Unlock()
	if err != nil {
		writeError(w, r, err)
		return
	}
	d.events.emit("node", "update", id, map[string]string{"name": d.cfg.Hostname})
	writeJSON(w, http.StatusOK, nil)
}

func (d *Daemon) nodeDelete(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	s, err := d.nodeLookupLocked(r.PathValue("id"))
	d.mu.Unlock()
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeError(w, r, errInvalid("rpc error: code = FailedPrecondition desc = node "+s.nodeID+" is a cluster manager and is a member of the raft cluster. It must be demoted to worker before removal"))
}
