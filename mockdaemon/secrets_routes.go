package mockdaemon

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"slices"
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

func (s *swarmState) store(k objKind) map[string]*dataObj {
	if k.keepData {
		return s.configs
	}
	return s.secrets
}

// objLookupLocked finds the secret or config ref: id, name or id prefix.
func (d *Daemon) objLookupLocked(k objKind, ref string) (*swarmState, *dataObj, error) {
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

// json is the secret or config as inspect and list show it: a secret
// without its data, a config without a driver.
func (k objKind) json(o *dataObj) secretJSON {
	out := secretJSON{ID: o.id, objectMeta: o.meta()}
	if k.keepData {
		out.Spec = configSpec{annotations: o.spec.annotations, Data: o.spec.Data, Templating: o.spec.Templating}
	} else {
		spec := o.spec
		spec.Data = nil
		out.Spec = spec
	}
	return out
}

// decode reads a secret or config spec body, into dockerd's type of
// the kind (a config has no driver).
func (k objKind) decode(r *http.Request, withVersion bool) (uint64, secretSpec, error) {
	var ver uint64
	var err error
	var spec secretSpec
	if k.keepData {
		var cs configSpec
		if withVersion {
			ver, err = versionedBody(r, k.singular, &cs)
		} else {
			err = decodeRequired(r, &cs)
		}
		spec = secretSpec{annotations: cs.annotations, Data: cs.Data, Templating: cs.Templating}
	} else if withVersion {
		ver, err = versionedBody(r, k.singular, &spec)
	} else {
		err = decodeRequired(r, &spec)
	}
	if spec.Labels == nil {
		spec.Labels = map[string]string{}
	}
	return ver, spec, err
}

func (d *Daemon) objList(k objKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		accepted := []string{"name", "id", "label"}
		if k.plural == "secrets" {
			accepted = append(accepted, "names") // configs have no names filter
		}
		return d.swarmList(w, r, accepted, func(s *swarmState, f filters) ([]any, error) {
			out := []any{}
			for _, o := range sortedObjs(s.store(k)) {
				if f.matchAny("id", func(v string) bool { return strings.HasPrefix(o.id, v) }) &&
					f.matchAny("name", func(v string) bool { return strings.HasPrefix(o.name(), v) }) &&
					f.matchAny("names", func(v string) bool { return v == o.name() }) &&
					f.matchLabels("label", o.spec.Labels) {
					out = append(out, k.json(o))
				}
			}
			return out, nil
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

// validObjName is swarmkit's rule for secret and config names.
var validObjName = regexp.MustCompile(`^[a-zA-Z0-9]+(?:[a-zA-Z0-9-_.]*[a-zA-Z0-9])?$`)

func (d *Daemon) objCreate(k objKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		_, spec, err := k.decode(r, false)
		if err != nil {
			return err
		}
		limit := 500 * 1024
		if k.keepData {
			limit = 1000 * 1024
		}
		id, err := lockedValue(d, func() (string, error) {
			s, err := d.managerLocked()
			switch {
			case err != nil:
				return "", err
			case !validObjName.MatchString(spec.Name) || len(spec.Name) > 64:
				return "", errInvalid("rpc error: code = InvalidArgument desc = invalid name, only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must be [a-zA-Z0-9]")
			case (len(spec.Data) == 0 || len(spec.Data) >= limit) && spec.Driver == nil:
				return "", errInvalid(fmt.Sprintf("rpc error: code = InvalidArgument desc = %s data must be larger than 0 and less than %d bytes", k.singular, limit))
			}
			for _, o := range s.store(k) {
				if o.name() == spec.Name {
					return "", errConflict("rpc error: code = AlreadyExists desc = " + k.singular + " " + spec.Name + " already exists")
				}
			}
			now := d.now()
			o := &dataObj{swarmObj: swarmObj{id: d.swarmID(), created: now, updated: now, version: d.nextIndexLocked()}, spec: spec}
			s.store(k)[o.id] = o
			d.events.emit(k.singular, "create", o.id, map[string]string{"name": spec.Name})
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
		ver, spec, err := k.decode(r, true)
		if err != nil {
			return err
		}
		return d.respondEmpty(w, http.StatusOK, func() error {
			_, o, err := d.objLookupLocked(k, r.PathValue("id"))
			if err != nil {
				return err
			}
			// Only the labels may change; the data may be left out.
			if spec.Name != o.name() || spec.Data != nil && !bytes.Equal(spec.Data, o.spec.Data) {
				return errInvalid("rpc error: code = InvalidArgument desc = only updates to Labels are allowed")
			}
			if ver != o.version {
				return errInternal(msgSeqConfl)
			}
			o.spec.Labels = spec.Labels
			o.version = d.nextIndexLocked()
			o.updated = d.now()
			d.events.emit(k.singular, "update", o.id, map[string]string{"name": o.name()})
			return nil
		})
	}
}

func (d *Daemon) objDelete(k objKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		return d.respondEmpty(w, http.StatusNoContent, func() error {
			s, o, err := d.objLookupLocked(k, r.PathValue("id"))
			if err != nil {
				return err
			}
			var users []string
			for _, svc := range sortedObjs(s.services) {
				if svc.uses(k, o.id) {
					users = append(users, svc.name())
				}
			}
			if len(users) > 0 {
				return errInvalid("rpc error: code = InvalidArgument desc = " + k.singular + " '" + o.name() + "' is in use by the following service: " + strings.Join(users, ", "))
			}
			delete(s.store(k), o.id)
			d.events.emit(k.singular, "remove", o.id, map[string]string{"name": o.name()})
			return nil
		})
	}
}

// uses reports whether the service refers to the secret or config id.
func (s *service) uses(k objKind, id string) bool {
	cs := s.spec.TaskTemplate.ContainerSpec
	if cs == nil {
		return false
	}
	if k.keepData {
		return slices.ContainsFunc(cs.Configs, func(r *configReference) bool { return r.ConfigID == id })
	}
	return slices.ContainsFunc(cs.Secrets, func(r *secretReference) bool { return r.SecretID == id })
}
