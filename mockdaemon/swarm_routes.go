package mockdaemon

import (
	"fmt"
	"net/http"
	"strings"
)

// swarmRoutes: the one-node swarm this daemon manages.
func (d *Daemon) swarmRoutes() []route {
	return []route{
		{"GET", "/swarm", "SwarmInspect", d.swarmInspect},
		{"POST", "/swarm/init", "SwarmInit", d.swarmInit},
		{"POST", "/swarm/join", "SwarmJoin", d.swarmJoin},
		{"POST", "/swarm/leave", "SwarmLeave", d.swarmLeave},
		{"POST", "/swarm/update", "SwarmUpdate", d.swarmUpdate},
		{"GET", "/swarm/unlockkey", "SwarmUnlockkey", d.swarmUnlockKey},
		{"POST", "/swarm/unlock", "SwarmUnlock", d.swarmUnlock},
	}
}

func (d *Daemon) swarmInit(w http.ResponseWriter, r *http.Request) error {
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
		return err
	}
	if body.ListenAddr == "" {
		body.ListenAddr = "0.0.0.0:2377"
	}
	for _, p := range body.DefaultAddrPool {
		if !strings.Contains(p, "/") {
			return errInvalid(fmt.Sprintf("invalid default address pool %s: invalid CIDR address: %s", p, p))
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
	return d.respond(w, http.StatusOK, func() (any, error) {
		if d.swarm != nil && !body.ForceNewCluster {
			return "", errUnavailable(msgSwarmExist)
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
		if old := d.swarm; old != nil {
			s.services, s.tasks, s.secrets, s.configs = old.services, old.tasks, old.secrets, old.configs
		}
		s.obj.version = d.nextIndexLocked()
		s.node = swarmObj{id: s.nodeID, created: now, updated: now, version: d.nextIndexLocked(),
			spec: map[string]any{"Labels": map[string]any{}, "Role": "manager", "Availability": "active"}}
		if autolock(s.obj.spec) {
			s.unlockKey = "SWMKEY-1-" + d.newID()[:43]
		}
		d.swarm = s
		d.events.emit("node", "create", s.nodeID, map[string]string{"name": d.cfg.Hostname})
		return s.nodeID, nil
	})
}

func (d *Daemon) swarmJoin(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		ListenAddr  string
		RemoteAddrs []string
		JoinToken   string
	}
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	if in, _ := lockedValue(d, func() (bool, error) { return d.swarm != nil, nil }); in {
		return errUnavailable(msgSwarmExist)
	}
	if len(body.RemoteAddrs) == 0 {
		return errInvalid("at least 1 RemoteAddr is required to join")
	}
	if !strings.HasPrefix(body.JoinToken, "SWMTKN-") {
		return errInvalid("invalid join token")
	}
	// The mock is a single node: there is never a manager to reach.
	return errUnavailable("Timeout was reached before node joined. The attempt to join the swarm will continue in the background. Use the \"docker info\" command to see the current swarm status of your node.")
}

func (d *Daemon) swarmLeave(w http.ResponseWriter, r *http.Request) error {
	force := boolParam(r, "force")
	doomed, err := lockedValue(d, func() ([]*container, error) {
		s := d.swarm
		if s == nil {
			return nil, errUnavailable(msgNoSwarm)
		}
		if !force {
			return nil, errUnavailable("You are attempting to leave the swarm on a node that is participating as a manager. Removing the last manager erases all current state of the swarm. Use `--force` to ignore this message. ")
		}
		d.swarm = nil
		var doomed []*container
		for _, t := range s.tasks {
			if t.c != nil {
				doomed = append(doomed, t.c)
			}
		}
		return doomed, nil
	})
	if err != nil {
		return err
	}
	d.removeTaskContainers(doomed, 0)
	return writeJSON(w, http.StatusOK, nil)
}

func (d *Daemon) swarmInspect(w http.ResponseWriter, r *http.Request) error {
	return d.respond(w, http.StatusOK, func() (any, error) {
		s, err := d.managerLocked()
		if err != nil {
			return nil, err
		}
		return s.clusterJSON(true), nil
	})
}

func (d *Daemon) swarmUpdate(w http.ResponseWriter, r *http.Request) error {
	ver, spec, err := versionedSpec(r)
	if err != nil {
		return err
	}
	err = d.locked(func() error {
		s, err := d.managerLocked()
		if err != nil {
			return err
		}
		if ver != s.obj.version {
			return errInternal(msgSeqConfl)
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
		return nil
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, nil)
}

func (d *Daemon) swarmUnlockKey(w http.ResponseWriter, r *http.Request) error {
	key, err := lockedValue(d, func() (string, error) {
		s, err := d.managerLocked()
		if err != nil {
			return "", err
		}
		return s.unlockKey, nil
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]string{"UnlockKey": key})
}

func (d *Daemon) swarmUnlock(w http.ResponseWriter, r *http.Request) error {
	var body struct{ UnlockKey string }
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	err := d.locked(func() error {
		s := d.swarm
		switch {
		case s == nil:
			return errUnavailable(msgNotManager)
		case !s.locked:
			return errConflict("swarm is not locked")
		case body.UnlockKey != s.unlockKey:
			return errInvalid("swarm could not be unlocked: invalid key")
		}
		s.locked = false
		return nil
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, nil)
}
