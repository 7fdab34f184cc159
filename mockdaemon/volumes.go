package mockdaemon

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
)

// volume is a named volume; its files are an FS shared by every container
// that mounts it.
type volume struct {
	name      string
	driver    string
	labels    map[string]string
	options   map[string]string
	created   time.Time
	fs        *memfs.FS
	anonymous bool
}

func (v *volume) json(refs int) map[string]any {
	// Labels as given: null for a volume made without them (dockerd
	// keeps the create's map, nil included)
	m := map[string]any{
		"Name":       v.name,
		"Driver":     v.driver,
		"Mountpoint": "/var/lib/docker/volumes/" + v.name + "/_data",
		"CreatedAt":  v.created.Format(time.RFC3339),
		"Labels":     v.labels,
		"Scope":      "local",
		"Options":    v.options,
	}
	if refs >= 0 {
		m["UsageData"] = map[string]any{"Size": int64(0), "RefCount": refs}
	}
	return m
}

// sortedVolumesLocked lists the volumes by name.
func (d *Daemon) sortedVolumesLocked() []*volume {
	out := slices.Collect(maps.Values(d.volumes))
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// volumeRefCountLocked counts the mounts of the volume called name.
func (d *Daemon) volumeRefCountLocked(name string) int {
	n := 0
	for _, c := range d.containers {
		for _, m := range c.mounts {
			if m.Type == "volume" && m.Name == name {
				n++
			}
		}
	}
	return n
}

// createVolumeLocked makes the volume called name (a random name when
// ""), with its driver, labels and driver options, as the API version ver
// does: from 1.42 a volume made without a name carries the anonymous label.
// It refuses as dockerd's volume store does (volumeCreateError).
func (d *Daemon) createVolumeLocked(name, driver string, labels, opts map[string]string, ver apiVersion) (*volume, error) {
	anonymous := name == ""
	if anonymous {
		name = d.newID()
	}
	if err := volumeCreateError(name, driver); err != nil {
		return nil, err
	}
	v := &volume{name: name, driver: "local", labels: maps.Clone(labels), options: opts, created: d.now(), fs: memfs.New(), anonymous: anonymous}
	v.fs.SetClock(d.cfg.Clock)
	if anonymous && ver.atLeast("1.42") {
		if v.labels == nil {
			v.labels = map[string]string{}
		}
		v.labels["com.docker.volume.anonymous"] = ""
	}
	d.volumes[name] = v
	return v, nil
}

// volumeCreateError is dockerd's volume store's verdict on making the volume
// name with driver ("" or "local" for the local driver), as the store's
// "create NAME: ..." error: the driver is looked up first (only the local
// one exists here: 404 "error looking up volume plugin"), then the local
// driver judges the name (400: one character is too short, else it must
// match validVolumeName).
func volumeCreateError(name, driver string) error {
	switch {
	case driver != "" && driver != "local":
		return errNotFound(fmt.Sprintf("create %s: error looking up volume plugin %s: plugin %q not found", name, driver, driver))
	case len(name) == 1:
		return errInvalid("create " + name + ": volume name is too short, names should be at least two alphanumeric characters")
	case !validVolumeName.MatchString(name):
		return errInvalid(fmt.Sprintf("create %s: %q includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path", name, name))
	}
	return nil
}

// detachVolumesLocked forgets c's mounts, removing its anonymous volumes
// when asked; d.mu held.
func (d *Daemon) detachVolumesLocked(c *container, removeAnonymous bool) {
	for _, m := range c.mounts {
		if m.Type == "volume" && m.anonymous && removeAnonymous {
			if d.volumeRefCountLocked(m.Name) <= 1 {
				delete(d.volumes, m.Name)
			}
		}
	}
}

func (d *Daemon) volumeMatchesLocked(f filters, v *volume) bool {
	if !f.matchLabels("label", v.labels) || !f.matchLabels("label!", v.labels) {
		return false
	}
	if !f.matchAny("name", func(x string) bool { return strings.Contains(v.name, x) }) {
		return false
	}
	if !f.matchAny("driver", func(x string) bool { return v.driver == x }) {
		return false
	}
	if !f.matchAny("dangling", func(x string) bool { return (x == "true" || x == "1") == (d.volumeRefCountLocked(v.name) == 0) }) {
		return false
	}
	return true
}

// volumeEventsLocked emits a volume event per named or anonymous volume
// c mounts, as dockerd does when it mounts them for a start ("mount",
// with the destination and mode) and releases them at exit ("unmount");
// d.mu held.
func (d *Daemon) volumeEventsLocked(c *container, action string) {
	for _, m := range c.mounts {
		if m.Type != "volume" {
			continue
		}
		attrs := map[string]string{"container": c.id, "driver": m.Driver}
		if action == "mount" {
			attrs["destination"] = m.Destination
			attrs["propagation"] = m.Propagation
			attrs["read/write"] = strconv.FormatBool(m.RW)
		}
		d.events.emit("volume", action, m.Name, attrs)
	}
}
