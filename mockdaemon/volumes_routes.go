package mockdaemon

import (
	"net/http"
	"strconv"
	"strings"
)

// volumeRoutes: named and anonymous local volumes.
func (d *Daemon) volumeRoutes() []route {
	return []route{
		{"GET", "/volumes", "VolumeList", d.volumeList},
		{"POST", "/volumes/create", "VolumeCreate", d.volumeCreate},
		{"POST", "/volumes/prune", "VolumePrune", d.volumePrune},
		// dockerd's names are {name:.*}: with slashes, or none
		{"GET", "/volumes/{name...}", "VolumeInspect", d.volumeInspect},
		{"DELETE", "/volumes/{name...}", "VolumeDelete", d.volumeDelete},
		{"PUT", "/volumes/{name...}", "VolumeUpdate", d.volumeUpdate},
	}
}

func (d *Daemon) volumeList(w http.ResponseWriter, r *http.Request) error {
	f, err := parseFilters(r)
	if err != nil {
		return err
	}
	ver := infoOf(r).version
	if err := f.accept(ver, "dangling", "driver", "label", "name"); err != nil {
		return err
	}
	if dangling, set, err := f.boolFilter(ver, "dangling"); err != nil {
		return err
	} else if set {
		f["dangling"] = map[string]bool{strconv.FormatBool(dangling): true}
	}
	out := []any{}
	_ = d.locked(func() error {
		for _, v := range d.sortedVolumesLocked() {
			if d.volumeMatchesLocked(f, v) {
				out = append(out, v.json(-1))
			}
		}
		return nil
	})
	// dockerd has no warnings to give for its local driver: null
	return writeJSON(w, http.StatusOK, map[string]any{"Volumes": out, "Warnings": nil})
}

func (d *Daemon) volumeCreate(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Name       string
		Driver     string
		DriverOpts map[string]string
		Labels     map[string]string
	}
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	m, err := lockedValue(d, func() (map[string]any, error) {
		v, ok := d.volumes[body.Name]
		if !ok {
			var err error
			if v, err = d.createVolumeLocked(body.Name, body.Driver, body.Labels, body.DriverOpts, infoOf(r).version); err != nil {
				return nil, err
			}
		}
		// dockerd's volume service logs a create for one that exists too
		d.events.emit("volume", "create", v.name, map[string]string{"driver": "local"})
		return v.json(-1), nil
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, m)
}

func (d *Daemon) volumeInspect(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	return d.respond(w, http.StatusOK, func() (any, error) {
		v, ok := d.volumes[name]
		if !ok {
			return nil, errNoSuchVolume(name)
		}
		return v.json(-1), nil
	})
}

func (d *Daemon) volumeDelete(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	force := boolParam(r, "force")
	return d.respondEmpty(w, http.StatusNoContent, func() error {
		v, ok := d.volumes[name]
		switch {
		case !ok:
			if !force {
				return errNoSuchVolume(name)
			}
			return nil
		case d.volumeRefCountLocked(name) > 0:
			var users []string
			for _, c := range d.sortedContainersLocked() {
				for _, m := range c.mounts {
					if m.Name == name {
						users = append(users, c.id)
					}
				}
			}
			return errConflict("remove " + name + ": volume is in use - [" + strings.Join(users, ", ") + "]")
		}
		delete(d.volumes, name)
		d.events.emit("volume", "destroy", v.name, map[string]string{"driver": "local"})
		return nil
	})
}

func (d *Daemon) volumePrune(w http.ResponseWriter, r *http.Request) error {
	accepted := []string{"label", "label!"}
	if infoOf(r).version.atLeast("1.42") {
		accepted = append(accepted, "all")
	}
	f, err := pruneFilters(r, accepted...)
	if err != nil {
		return err
	}
	all := false
	if v := f["all"]; len(v) > 0 {
		all = v["true"] || v["1"]
		delete(f, "all")
	}
	if !infoOf(r).version.atLeast("1.42") {
		all = true
	}
	deleted := []string{}
	_ = d.locked(func() error {
		for _, v := range d.sortedVolumesLocked() {
			if d.volumeRefCountLocked(v.name) > 0 || !d.volumeMatchesLocked(f, v) || (!all && !v.anonymous) {
				continue
			}
			delete(d.volumes, v.name)
			deleted = append(deleted, v.name)
		}
		for _, name := range deleted {
			d.events.emit("volume", "destroy", name, map[string]string{"driver": "local"})
		}
		d.events.emit("volume", "prune", "", map[string]string{"reclaimed": "0"})
		return nil
	})
	return writeJSON(w, http.StatusOK, map[string]any{"VolumesDeleted": deleted, "SpaceReclaimed": 0})
}

// volumeUpdate serves PUT /volumes/{name} (API 1.42): only cluster volumes
// can be updated, and the mock's single node has none.
func (d *Daemon) volumeUpdate(w http.ResponseWriter, r *http.Request) error {
	if _, err := versionParam(r, "swarm"); err != nil {
		return err
	}
	return d.locked(func() error {
		if d.swarm == nil {
			return errUnavailable("volume update only valid for cluster volumes, but swarm is unavailable")
		}
		return errNotFound("volume " + r.PathValue("name") + " not found")
	})
}

// errNoSuchVolume is the volume store's error for a missing name, an OpErr
// that leaves out an empty name: "get x: no such volume", "get: no such
// volume".
func errNoSuchVolume(name string) error {
	op := "get"
	if name != "" {
		op += " " + name
	}
	return errNotFound(op + ": no such volume")
}
