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

var (
	kindSecret = objKind{singular: "secret", plural: "secrets", op: "Secret"}
	kindConfig = objKind{singular: "config", plural: "configs", op: "Config", keepData: true}
)

func (s *swarmState) store(k objKind) map[string]*swarmObj {
	if k.keepData {
		return s.configs
	}
	return s.secrets
}

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

func (d *Daemon) objList(k objKind) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		f, err := parseFilters(r)
		if err != nil {
			writeError(w, r, err)
			return
		}
		d.mu.Lock()
		s, err := d.managerLocked()
		out := []any{}
		if err == nil {
			for _, o := range sortedObjs(s.store(k)) {
				if f.matchAny("id", func(v string) bool { return strings.HasPrefix(o.id, v) }) &&
					f.matchAny("name", func(v string) bool { return strings.HasPrefix(o.name(), v) }) &&
					f.matchAny("names", func(v string) bool { return v == o.name() }) &&
					f.matchLabels("label", o.labels()) {
					out = append(out, k.json(o))
				}
			}
		}
		d.mu.Unlock()
		if err != nil {
			writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, out)
	}
}

func (d *Daemon) objInspect(k objKind) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		_, o, err := d.objLookupLocked(k, r.PathValue("id"))
		var out map[string]any
		if err == nil {
			out = k.json(o)
		}
		d.mu.Unlock()
		if err != nil {
			writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, out)
	}
}

func (d *Daemon) objCreate(k objKind) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		spec, err := decodeSpec(r)
		if err != nil {
			writeError(w, r, err)
			return
		}
		name, _ := spec["Name"].(string)
		data, _ := spec["Data"].(string)
		_, derr := base64.StdEncoding.DecodeString(data)
		d.mu.Lock()
		s, err := d.managerLocked()
		switch {
		case err != nil:
		case name == "" || !validName.MatchString(name):
			err = errInvalid("rpc error: code = InvalidArgument desc = invalid name, only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must be [a-zA-Z0-9]")
		case derr != nil:
			err = errInvalid("invalid JSON: illegal base64 data")
		case len(data) == 0 && spec["Driver"] == nil && !k.keepData:
			err = errInvalid("rpc error: code = InvalidArgument desc = secret data must be larger than 0 and less than 500KB")
		}
		if err == nil {
			for _, o := range s.store(k) {
				if o.name() == name {
					err = errConflict("rpc error: code = AlreadyExists desc = " + k.singular + " " + name + " already exists")
				}
			}
		}
		if err != nil {
			d.mu.Unlock()
			writeError(w, r, err)
			return
		}
		now := d.now()
		o := &swarmObj{id: d.newID()[:25], created: now, updated: now, version: d.nextIndexLocked(), spec: spec}
		s.store(k)[o.id] = o
		d.mu.Unlock()
		d.events.emit(k.singular, "create", o.id, map[string]string{"name": name})
		writeJSON(w, http.StatusCreated, map[string]string{"ID": o.id})
	}
}

func (d *Daemon) objUpdate(k objKind) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
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
		_, o, err := d.objLookupLocked(k, r.PathValue("id"))
		if err == nil && ver != o.version {
			err = errInternal(msgSeqConfl)
		}
		if err == nil {
			// Only the labels may change; the data may be left out.
			if data, ok := spec["Data"]; ok && data != nil && data != "" && data != o.spec["Data"] ||
				spec["Name"] != nil && spec["Name"] != o.name() {
				err = errInvalid("rpc error: code = InvalidArgument desc = only updates to Labels are allowed")
			}
		}
		if err == nil {
			o.spec["Labels"] = spec["Labels"]
			o.version = d.nextIndexLocked()
			o.updated = d.now()
		}
		d.mu.Unlock()
		if err != nil {
			writeError(w, r, err)
			return
		}
		d.events.emit(k.singular, "update", o.id, map[string]string{"name": o.name()})
		writeJSON(w, http.StatusOK, nil)
	}
}

func (d *Daemon) objDelete(k objKind) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		s, o, err := d.objLookupLocked(k, r.PathValue("id"))
		if err == nil {
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
				err = errInvalid("rpc error: code = InvalidArgument desc = " + k.singular + " '" + o.name() + "' is in use by the following service: " + strings.Join(users, ", "))
			}
		}
		if err == nil {
			delete(s.store(k), o.id)
		}
		d.mu.Unlock()
		if err != nil {
			writeError(w, r, err)
			return
		}
		d.events.emit(k.singular, "remove", o.id, map[string]string{"name": o.name()})
		w.WriteHeader(http.StatusNoContent)
	}
}
