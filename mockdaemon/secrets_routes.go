package mockdaemon

import (
	"encoding/base64"
	"net/http"
	"strings"
)

// objKind is secrets or configs: the same five operations, two stores.
type objKind struct {
	singular, plural, op string
	keepData             bool // configs show their data, secrets never
}

var kindSecret = objKind{singular: "secret", plural: "secrets", op: "Secret"}

// secretRoutes: the swarm's secrets. Configs (configs_routes.go) are the
// same five operations on another store, served by the same handlers.
func (d *Daemon) secretRoutes() []route { return d.objRoutes(kindSecret) }

// objRoutes is the route table of the secrets or the configs.
func (d *Daemon) objRoutes(k objKind) []route {
	base := "/" + k.plural
	return []route{
		{"GET", base, k.op + "List", d.objList(k)},
		{"POST", base + "/create", k.op + "Create", d.objCreate(k)},
		{"GET", base + "/{id}", k.op + "Inspect", d.objInspect(k)},
		{"DELETE", base + "/{id}", k.op + "Delete", d.objDelete(k)},
		{"POST", base + "/{id}/update", k.op + "Update", d.objUpdate(k)},
	}
}

func (s *swarmState) store(k objKind) map[string]*swarmObj {
	if k.keepData {
		return s.configs
	}
	return s.secrets
}

// objLookupLocked finds the secret or config ref: id, name or id prefix.
func (d *Daemon) objLookupLocked(k objKind, ref string) (*swarmState, *swarmObj, error) {
	s, err := d.managerLocked()
	if err != nil {
		return nil, nil, err
	}
	m := s.store(k)
	if o := m[ref]; o != nil {
		return s, o, nil
	}
	for _, o := range m {
		if o.name() == ref {
			return s, o, nil
		}
	}
	for id, o := range m {
		if ref != "" && strings.HasPrefix(id, ref) {
			return s, o, nil
		}
	}
	return nil, nil, errNotFound(k.singular + " " + ref + " not found")
}

func (k objKind) json(o *swarmObj) map[string]any {
	m := o.meta()
	if !k.keepData {
		spec := map[string]any{}
		for key, v := range o.spec {
			if key != "Data" {
				spec[key] = v
			}
		}
		m["Spec"] = spec
	}
	return m
}

func (d *Daemon) objList(k objKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		return d.swarmList(w, r, func(s *swarmState, f filters) []any {
			out := []any{}
			for _, o := range sortedObjs(s.store(k)) {
				if f.matchAny("id", func(v string) bool { return strings.HasPrefix(o.id, v) }) &&
					f.matchAny("name", func(v string) bool { return strings.HasPrefix(o.name(), v) }) &&
					f.matchAny("names", func(v string) bool { return v == o.name() }) &&
					f.matchLabels("label", o.labels()) {
					out = append(out, k.json(o))
				}
			}
			return out
		})
	}
}

func (d *Daemon) objInspect(k objKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		return d.respond(w, http.StatusOK, func() (any, error) {
			_, o, err := d.objLookupLocked(k, r.PathValue("id"))
			if err != nil {
				return nil, err
			}
			return k.json(o), nil
		})
	}
}

func (d *Daemon) objCreate(k objKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		spec, err := decodeSpec(r)
		if err != nil {
			return err
		}
		name, _ := spec["Name"].(string)
		data, _ := spec["Data"].(string)
		_, derr := base64.StdEncoding.DecodeString(data)
		id, err := lockedValue(d, func() (string, error) {
			s, err := d.managerLocked()
			switch {
			case err != nil:
				return "", err
			case name == "" || !validName.MatchString(name):
				return "", errInvalid("rpc error: code = InvalidArgument desc = invalid name, only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must be [a-zA-Z0-9]")
			case derr != nil:
				return "", errInvalid("invalid JSON: illegal base64 data")
			case len(data) == 0 && spec["Driver"] == nil && !k.keepData:
				return "", errInvalid("rpc error: code = InvalidArgument desc = secret data must be larger than 0 and less than 500KB")
			}
			for _, o := range s.store(k) {
				if o.name() == name {
					return "", errConflict("rpc error: code = AlreadyExists desc = " + k.singular + " " + name + " already exists")
				}
			}
			now := d.now()
			o := &swarmObj{id: d.newID()[:25], created: now, updated: now, version: d.nextIndexLocked(), spec: spec}
			s.store(k)[o.id] = o
			d.events.emit(k.singular, "create", o.id, map[string]string{"name": name})
			return o.id, nil
		})
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusCreated, map[string]string{"ID": id})
	}
}

func (d *Daemon) objUpdate(k objKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ver, spec, err := versionedSpec(r)
		if err != nil {
			return err
		}
		err = d.locked(func() error {
			_, o, err := d.objLookupLocked(k, r.PathValue("id"))
			if err != nil {
				return err
			}
			if ver != o.version {
				return errInternal(msgSeqConfl)
			}
			// Only the labels may change; the data may be left out.
			if data, ok := spec["Data"]; ok && data != nil && data != "" && data != o.spec["Data"] ||
				spec["Name"] != nil && spec["Name"] != o.name() {
				return errInvalid("rpc error: code = InvalidArgument desc = only updates to Labels are allowed")
			}
			o.spec["Labels"] = spec["Labels"]
			o.version = d.nextIndexLocked()
			o.updated = d.now()
			d.events.emit(k.singular, "update", o.id, map[string]string{"name": o.name()})
			return nil
		})
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, nil)
	}
}

func (d *Daemon) objDelete(k objKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		err := d.locked(func() error {
			s, o, err := d.objLookupLocked(k, r.PathValue("id"))
			if err != nil {
				return err
			}
			var users []string
			for _, svc := range sortedObjs(s.services) {
				for _, ref := range refsOf(sub(svc.spec, "TaskTemplate", "ContainerSpec")[k.op+"s"]) {
					if ref.id == o.id {
						users = append(users, svc.name())
						break
					}
				}
			}
			if len(users) > 0 {
				return errInvalid("rpc error: code = InvalidArgument desc = " + k.singular + " '" + o.name() + "' is in use by the following service: " + strings.Join(users, ", "))
			}
			delete(s.store(k), o.id)
			d.events.emit(k.singular, "remove", o.id, map[string]string{"name": o.name()})
			return nil
		})
		if err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}
