package mockdaemon

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"strings"
	"time"
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
	var body swarmInitRequest
	if err := decodeRequired(r, &body); err != nil {
		return err
	}
	if body.ListenAddr == "" {
		body.ListenAddr = "0.0.0.0:2377"
	}
	for _, p := range body.DefaultAddrPool {
		if _, _, err := net.ParseCIDR(p); err != nil {
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
	availability := enumOr(body.Availability, "", "active", "pause", "drain")
	if body.Availability == "" {
		availability = "active"
	} else if availability == "" {
		return errInvalid(fmt.Sprintf("invalid Availability: %q", body.Availability))
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
	spec := withSwarmDefaults(body.Spec)
	spec.EncryptionConfig.AutoLockManagers = spec.EncryptionConfig.AutoLockManagers || body.AutoLockManagers
	return d.respond(w, http.StatusOK, func() (any, error) {
		if d.swarm != nil && !body.ForceNewCluster {
			return "", errUnavailable(msgSwarmExist)
		}
		now := d.now()
		s := &swarmState{
			obj:             swarmObj{id: d.swarmID(), created: now, updated: now},
			spec:            spec,
			nodeID:          d.swarmID(),
			listenAddr:      body.ListenAddr,
			advertiseAddr:   adv,
			dataPathPort:    body.DataPathPort,
			defaultAddrPool: body.DefaultAddrPool,
			subnetSize:      body.SubnetSize,
			services:        map[string]*service{},
			tasks:           map[string]*task{},
			secrets:         map[string]*dataObj{},
			configs:         map[string]*dataObj{},
			predefined:      map[string]string{"bridge": d.swarmID(), "host": d.swarmID()},
			nextVXLAN:       4096,
			peerName:        d.newID()[:12],
		}
		var digest string
		s.ca, digest = d.swarmCA(now)
		s.workerToken, s.managerToken = d.token(digest), d.token(digest)
		if old := d.swarm; old != nil {
			s.services, s.tasks, s.secrets, s.configs = old.services, old.tasks, old.secrets, old.configs
			s.ingress, s.predefined, s.nextVXLAN = old.ingress, old.predefined, old.nextVXLAN
		}
		s.obj.version = d.nextIndexLocked()
		s.node = swarmObj{id: s.nodeID, created: now, updated: now, version: d.nextIndexLocked()}
		s.nodeSpec = nodeSpec{annotations: annotations{Labels: map[string]string{}}, Role: "manager", Availability: availability}
		if s.spec.EncryptionConfig.AutoLockManagers {
			s.unlockKey = d.unlockKey()
		}
		d.swarm = s
		if s.ingress == nil {
			ingress, err := d.createOverlayLocked(s, "ingress", networkCreateRequest{Ingress: true})
			if err != nil {
				return "", err
			}
			s.ingress = ingress
		}
		d.events.emit("node", "create", s.nodeID, map[string]string{"name": d.cfg.Hostname})
		return s.nodeID, nil
	})
}

// swarmCA makes the swarm's root CA as swarmkit does (ECDSA P-256,
// "swarm-ca", 20 years from five minutes ago) from the id source, and
// returns its TLS info and the digest that starts the join tokens.
func (d *Daemon) swarmCA(now time.Time) (tlsInfo, string) {
	var key *ecdsa.PrivateKey
	for key == nil {
		var seed [32]byte
		if err := d.readID(seed[:]); err != nil {
			_, _ = rand.Read(seed[:])
		}
		key, _ = ecdsa.ParseRawPrivateKey(elliptic.P256(), seed[:]) // a scalar out of range: draw again
	}
	var serial [20]byte
	if err := d.readID(serial[:]); err != nil {
		_, _ = rand.Read(serial[:])
	}
	serial[0] &= 0x7f
	start := now.Add(-5 * time.Minute).Round(time.Minute)
	tmpl := &x509.Certificate{
		SerialNumber: new(big.Int).SetBytes(serial[:]), Subject: pkix.Name{CommonName: "swarm-ca"},
		NotBefore: start, NotAfter: start.Add(20 * 365 * 24 * time.Hour),
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign, BasicConstraintsValid: true, IsCA: true,
	}
	// A nil random source signs deterministically (RFC 6979): the same
	// ids give the same certificate.
	der, err := x509.CreateCertificate(nil, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic("mockdaemon: the swarm CA: " + err.Error()) // only our own template reaches here
	}
	cert, _ := x509.ParseCertificate(der)
	sum := sha256.Sum256(der)
	digest := new(big.Int).SetBytes(sum[:]).Text(36)
	digest = strings.Repeat("0", 50-len(digest)) + digest
	return tlsInfo{
		TrustRoot:           string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		CertIssuerSubject:   cert.RawSubject,
		CertIssuerPublicKey: cert.RawSubjectPublicKeyInfo,
	}, digest
}

func (d *Daemon) unlockKey() string {
	var b [32]byte
	if err := d.readID(b[:]); err != nil {
		_, _ = rand.Read(b[:])
	}
	return "SWMKEY-1-" + base64.RawStdEncoding.EncodeToString(b[:])
}

func (d *Daemon) swarmJoin(w http.ResponseWriter, r *http.Request) error {
	var body swarmJoinRequest
	if err := decodeRequired(r, &body); err != nil {
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
		for _, svc := range s.services {
			svc.cancelUpdateLocked()
		}
		for _, n := range d.sortedNetworksLocked() {
			if n.scope == "swarm" {
				d.dropNetworkLocked(n)
			}
		}
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
	w.WriteHeader(http.StatusOK)
	return nil
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
	var spec swarmSpec
	ver, err := versionedBody(r, "swarm", &spec)
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
		wasLocked := s.spec.EncryptionConfig.AutoLockManagers
		s.spec = withSwarmDefaults(spec)
		digest := strings.Split(s.workerToken, "-")[2]
		if boolParam(r, "rotateWorkerToken") {
			s.workerToken = d.token(digest)
		}
		if boolParam(r, "rotateManagerToken") {
			s.managerToken = d.token(digest)
		}
		nowLocked := s.spec.EncryptionConfig.AutoLockManagers
		switch {
		case nowLocked && (!wasLocked || boolParam(r, "rotateManagerUnlockKey")):
			s.unlockKey = d.unlockKey()
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
	w.WriteHeader(http.StatusOK)
	return nil
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
	if err := decodeRequired(r, &body); err != nil {
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
	w.WriteHeader(http.StatusOK)
	return nil
}
