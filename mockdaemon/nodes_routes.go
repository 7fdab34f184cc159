package mockdaemon

import (
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strings"
)

// nodeRoutes: the swarm's nodes, this one only.
func (d *Daemon) nodeRoutes() []route {
	return []route{
		{"GET", "/nodes", "NodeList", d.nodeList},
		{"GET", "/nodes/{id}", "NodeInspect", d.nodeInspect},
		{"DELETE", "/nodes/{id}", "NodeDelete", d.nodeDelete},
		{"POST", "/nodes/{id}/update", "NodeUpdate", d.nodeUpdate},
	}
}

func (d *Daemon) nodeJSONLocked(s *swarmState) map[string]any {
	meta := s.node.meta()
	m := map[string]any{"ID": s.nodeID, "Version": meta.Version, "CreatedAt": meta.CreatedAt, "UpdatedAt": meta.UpdatedAt, "Spec": s.nodeSpec}
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
		"TLSInfo": s.ca,
	}
	host, _, _ := strings.Cut(s.advertiseAddr, ":")
	m["Status"] = map[string]any{"State": "ready", "Addr": host}
	m["ManagerStatus"] = map[string]any{"Leader": true, "Reachability": "reachable", "Addr": s.advertiseAddr}
	return m
}

func (d *Daemon) nodeLookupLocked(ref string) (*swarmState, error) {
	s, err := d.managerLocked()
	if err != nil {
		return nil, err
	}
	if (ref == "" || !strings.HasPrefix(s.nodeID, ref)) && ref != d.cfg.Hostname {
		return nil, errNotFound("node " + ref + " not found")
	}
	return s, nil
}

func (d *Daemon) nodeList(w http.ResponseWriter, r *http.Request) error {
	accepted := []string{"name", "id", "label", "role", "membership", "node.label"}
	return d.swarmList(w, r, accepted, func(s *swarmState, f filters) ([]any, error) {
		roles, err := f.enumFilter("role", "worker", "manager")
		if err != nil {
			return nil, err
		}
		memberships, err := f.enumFilter("membership", "pending", "accepted")
		if err != nil {
			return nil, err
		}
		out := []any{}
		if f.matchAny("id", func(v string) bool { return strings.HasPrefix(s.nodeID, v) }) &&
			f.matchAny("name", func(v string) bool { return strings.HasPrefix(d.cfg.Hostname, v) }) &&
			(len(roles) == 0 || slices.Contains(roles, s.nodeSpec.Role)) &&
			(len(memberships) == 0 || slices.Contains(memberships, "accepted")) &&
			f.matchLabels("label", map[string]string{}) && // the engine's labels: the mock's has none
			f.matchLabels("node.label", s.nodeSpec.Labels) {
			out = append(out, d.nodeJSONLocked(s))
		}
		return out, nil
	})
}

func (d *Daemon) nodeInspect(w http.ResponseWriter, r *http.Request) error {
	return d.respond(w, http.StatusOK, func() (any, error) {
		s, err := d.nodeLookupLocked(r.PathValue("id"))
		if err != nil {
			return nil, err
		}
		return d.nodeJSONLocked(s), nil
	})
}

func (d *Daemon) nodeUpdate(w http.ResponseWriter, r *http.Request) error {
	var spec nodeSpec
	ver, err := versionedBody(r, "node", &spec)
	if err != nil {
		return err
	}
	// dockerd's conversion checks the enums before it looks for the node.
	role := enumOr(spec.Role, "", "manager", "worker")
	if role == "" {
		return errInvalid(fmt.Sprintf("invalid Role: %q", spec.Role))
	}
	availability := enumOr(spec.Availability, "", "active", "pause", "drain")
	if availability == "" {
		return errInvalid(fmt.Sprintf("invalid Availability: %q", spec.Availability))
	}
	spec.Role, spec.Availability = role, availability
	if spec.Labels == nil {
		spec.Labels = map[string]string{}
	}
	err = d.locked(func() error {
		s, err := d.nodeLookupLocked(r.PathValue("id"))
		if err != nil {
			return err
		}
		if ver != s.node.version {
			return errInternal(msgSeqConfl)
		}
		if spec.Role == "worker" {
			return errInvalid("rpc error: code = FailedPrecondition desc = attempting to demote the last manager of the swarm")
		}
		s.nodeSpec = spec
		s.node.version = d.nextIndexLocked()
		s.node.updated = d.now()
		d.events.emit("node", "update", s.nodeID, map[string]string{"name": d.cfg.Hostname})
		return nil
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

func (d *Daemon) nodeDelete(w http.ResponseWriter, r *http.Request) error {
	return d.locked(func() error {
		s, err := d.nodeLookupLocked(r.PathValue("id"))
		if err != nil {
			return err
		}
		return errInvalid("rpc error: code = FailedPrecondition desc = node " + s.nodeID + " is a cluster manager and is a member of the raft cluster. It must be demoted to worker before removal")
	})
}
