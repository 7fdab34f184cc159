package mockdaemon

import (
	"archive/tar"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"strings"
)

// pluginRoutes: managed plugins, from the mock's catalogue, a tar, or an
// emulated registry.
func (d *Daemon) pluginRoutes() []route {
	return []route{
		{"GET", "/plugins", "PluginList", d.pluginList},
		{"GET", "/plugins/privileges", "GetPluginPrivileges", d.pluginPrivileges},
		{"POST", "/plugins/pull", "PluginPull", d.pluginPull},
		{"POST", "/plugins/create", "PluginCreate", d.pluginCreate},
		{"GET", "/plugins/{name...}/json", "PluginInspect", d.pluginInspect},
		{"POST", "/plugins/{name...}/enable", "PluginEnable", d.pluginEnable},
		{"POST", "/plugins/{name...}/disable", "PluginDisable", d.pluginDisable},
		{"POST", "/plugins/{name...}/upgrade", "PluginUpgrade", d.pluginUpgrade},
		{"POST", "/plugins/{name...}/push", "PluginPush", d.pluginPush},
		{"POST", "/plugins/{name...}/set", "PluginSet", d.pluginSet},
		{"DELETE", "/plugins/{name...}", "PluginDelete", d.pluginDelete},
	}
}

func (d *Daemon) pluginList(w http.ResponseWriter, r *http.Request) error {
	f, err := parseFilters(r)
	if err != nil {
		return err
	}
	for k := range f {
		if k != "capability" && k != "enabled" {
			return errInvalid("invalid filter '" + k + "'")
		}
	}
	out := []any{}
	_ = d.locked(func() error {
		for _, p := range d.sortedPluginsLocked() {
			types := strs(toAny(sub(p.config, "Interface")["Types"]))
			if f.matchAny("enabled", func(v string) bool { return v == fmt.Sprint(p.enabled) }) &&
				f.matchAny("capability", func(v string) bool {
					for _, t := range types {
						if strings.Contains(strings.ToLower(t), "."+strings.ToLower(v)) {
							return true
						}
					}
					return false
				}) {
				out = append(out, p.json())
			}
		}
		return nil
	})
	return writeJSON(w, http.StatusOK, out)
}

// remoteParam is the ?remote= of privileges and upgrade, normalised, once
// its registry has accepted the request's credentials.
func (d *Daemon) remoteParam(r *http.Request) (string, error) {
	full, _, err := normalizePluginRef(r.URL.Query().Get("remote"))
	if err != nil {
		return "", pluginRefError(r, err)
	}
	if err := d.checkRegistryAuth(r, full); err != nil {
		return "", err
	}
	return full, nil
}

// pluginRefError is a plugin route's answer to a remote reference that does
// not parse: dockerd 20.10's router returns the reference library's error
// untyped (500, in its older words).
func pluginRefError(r *http.Request, err error) error {
	ver := infoOf(r).version
	if ver.atLeast("1.42") {
		return err
	}
	var ae *apiError
	if errors.As(refError(ver, err), &ae) {
		return errInternal(ae.msg)
	}
	return err
}

func (d *Daemon) pluginPrivileges(w http.ResponseWriter, r *http.Request) error {
	remote := r.URL.Query().Get("remote")
	if _, _, err := normalizePluginRef(remote); err != nil {
		return pluginRefError(r, err)
	}
	full, err := d.remoteParam(r)
	if err == nil {
		var cfg map[string]any
		if cfg, err = lockedValue(d, func() (map[string]any, error) { return d.remotePluginLocked(full) }); err == nil {
			return writeJSON(w, http.StatusOK, privileges(cfg))
		}
	}
	if !infoOf(r).version.atLeast("1.42") {
		// dockerd 20.10's Privileges drops the fetch's error: nothing to grant
		return writeJSON(w, http.StatusOK, []any{})
	}
	return err
}

func (d *Daemon) pluginPull(w http.ResponseWriter, r *http.Request) error {
	remote := r.URL.Query().Get("remote")
	full, local, err := normalizePluginRef(remote)
	if err != nil {
		return pluginRefError(r, err)
	}
	if n := r.URL.Query().Get("name"); n != "" {
		if _, local, err = normalizePluginRef(n); err != nil {
			return err
		}
	}
	if err := d.checkRegistryAuth(r, full); err != nil {
		return err
	}
	p, err := lockedValue(d, func() (*plugin, error) {
		if _, err := d.pluginLookupLocked(local); err == nil {
			return nil, errConflict(fmt.Sprintf("plugin %q already exists", local))
		}
		cfg, err := d.remotePluginLocked(full)
		if err != nil {
			return nil, err
		}
		return d.installPluginLocked(local, full, cfg), nil
	})
	if err != nil {
		return err
	}
	s := newJSONStream(w)
	repo, tag := splitPluginTag(strings.TrimPrefix(full, "docker.io/"))
	s.msg(map[string]any{"status": "Pulling from " + repo, "id": tag})
	s.msg(map[string]any{"status": "Digest: sha256:" + p.id})
	s.msg(map[string]any{"status": "Status: Downloaded newer image for " + strings.TrimPrefix(full, "docker.io/")})
	d.emit("plugin", "pull", p.id, map[string]string{"name": p.name})
	return nil
}

func (d *Daemon) pluginInspect(w http.ResponseWriter, r *http.Request) error {
	return d.respond(w, http.StatusOK, func() (any, error) {
		p, err := d.pluginLookupLocked(r.PathValue("name"))
		if err != nil {
			return nil, err
		}
		return p.json(), nil
	})
}

func (d *Daemon) pluginEnable(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	if _, err := intParam(r, "timeout", 30); err != nil {
		return err
	}
	return d.setPluginEnabled(w, r, name, "enable", func(p *plugin) error {
		if p.enabled {
			return errConflict("plugin already enabled: plugin " + p.name + " is enabled")
		}
		p.enabled = true
		return nil
	})
}

// setPluginEnabled runs change on the named plugin under the daemon's lock;
// on success it emits the plugin event action and answers 200.
func (d *Daemon) setPluginEnabled(w http.ResponseWriter, r *http.Request, name, action string, change func(p *plugin) error) error {
	return d.respondEmpty(w, http.StatusOK, func() error {
		p, err := d.pluginLookupLocked(name)
		if err != nil {
			return err
		}
		if err := change(p); err != nil {
			return err
		}
		d.events.emit("plugin", action, p.id, map[string]string{"name": p.name})
		return nil
	})
}

func (d *Daemon) pluginDisable(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	force := boolParam(r, "force")
	return d.setPluginEnabled(w, r, name, "disable", func(p *plugin) error {
		switch {
		case !p.enabled:
			return errConflict("plugin is already disabled: plugin " + p.name + " found but disabled")
		case p.refCount > 0 && !force:
			return errConflict(fmt.Sprintf("plugin %s is in use", p.name))
		}
		p.enabled = false
		return nil
	})
}

func (d *Daemon) pluginDelete(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	force := boolParam(r, "force")
	return d.respond(w, http.StatusOK, func() (any, error) {
		p, err := d.pluginLookupLocked(name)
		if err != nil {
			return nil, err
		}
		if p.enabled && !force {
			return nil, errConflict("plugin " + p.name + " is enabled")
		}
		delete(d.plugins, p.id)
		d.events.emit("plugin", "remove", p.id, map[string]string{"name": p.name})
		return p.json(), nil
	})
}

func (d *Daemon) pluginSet(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	var args []string
	if err := decodeBody(r, &args); err != nil {
		return err
	}
	return d.respondEmpty(w, http.StatusNoContent, func() error {
		p, err := d.pluginLookupLocked(name)
		if err != nil {
			return err
		}
		if p.enabled {
			return errInternal("cannot set on an active plugin, disable plugin before setting")
		}
		next := maps.Clone(p.env)
		for _, a := range args {
			k, v, ok := strings.Cut(a, "=")
			if !ok {
				return errInvalid(fmt.Sprintf("invalid argument %q: must be of the form key=value", a))
			}
			if _, known := p.env[k]; !known {
				// a plain error in dockerd (its plugin's Set): a 500
				return errInternal(fmt.Sprintf("setting %q not found in the plugin configuration", k))
			}
			next[k] = v
		}
		p.env = next
		return nil
	})
}

func (d *Daemon) pluginUpgrade(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	full, err := d.remoteParam(r)
	if err != nil {
		return err
	}
	p, err := lockedValue(d, func() (*plugin, error) {
		p, err := d.pluginLookupLocked(name)
		if err != nil {
			return nil, err
		}
		if p.enabled {
			return nil, errConflict("plugin must be disabled before upgrading")
		}
		cfg, err := d.remotePluginLocked(full)
		if err != nil {
			return nil, err
		}
		cfg["DockerVersion"] = d.cfg.ServerVersion
		cfg["rootfs"] = map[string]any{"type": "layers", "diff_ids": []string{"sha256:" + d.newID()}}
		p.config, p.ref = cfg, full
		for k, v := range envDefaults(cfg) {
			if _, ok := p.env[k]; !ok {
				p.env[k] = v
			}
		}
		return p, nil
	})
	if err != nil {
		return err
	}
	s := newJSONStream(w)
	repo, tag := splitPluginTag(strings.TrimPrefix(full, "docker.io/"))
	s.msg(map[string]any{"status": "Pulling from " + repo, "id": tag})
	s.msg(map[string]any{"status": "Status: Downloaded newer image for " + strings.TrimPrefix(full, "docker.io/")})
	d.emit("plugin", "upgrade", p.id, map[string]string{"name": p.name})
	return nil
}

func (d *Daemon) pluginPush(w http.ResponseWriter, r *http.Request) error {
	p, err := lockedValue(d, func() (*plugin, error) { return d.pluginLookupLocked(r.PathValue("name")) })
	if err != nil {
		return err
	}
	full, _, _ := normalizePluginRef(p.name)
	if err := d.checkRegistryAuth(r, full); err != nil {
		return err
	}
	s := newJSONStream(w)
	repo, tag := splitPluginTag(full)
	s.msg(map[string]any{"status": "The push refers to repository [" + repo + "]"})
	if strings.HasPrefix(full, "docker.io/") {
		// the mock never reaches Docker Hub
		s.fail(errors.New("denied: requested access to the resource is denied"))
		return nil
	}
	_ = d.locked(func() error {
		d.registry.plugins[full] = cloneJSON(p.config)
		return nil
	})
	s.msg(map[string]any{"status": tag + ": digest: sha256:" + p.id + " size: 525"})
	d.emit("plugin", "push", p.id, map[string]string{"name": p.name})
	return nil
}

// splitPluginTag splits a plugin reference into its repository and tag:
// the tag follows the last ':' after the last '/' (a registry's port is
// part of the repository).
func splitPluginTag(ref string) (repo, tag string) {
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		return ref[:i], ref[i+1:]
	}
	return ref, ""
}

// pluginCreate installs a plugin from a tar of config.json and rootfs/.
func (d *Daemon) pluginCreate(w http.ResponseWriter, r *http.Request) error {
	name := r.URL.Query().Get("name")
	full, local, err := normalizePluginRef(name)
	if err != nil {
		return err
	}
	var cfg map[string]any
	tr := tar.NewReader(io.LimitReader(r.Body, 1<<30))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return errInvalid("failed to read plugin archive: " + err.Error())
		}
		if strings.TrimPrefix(h.Name, "./") == "config.json" {
			dec := json.NewDecoder(io.LimitReader(tr, 1<<20))
			dec.UseNumber()
			if err := dec.Decode(&cfg); err != nil {
				return errInvalid("failed to decode config.json: " + err.Error())
			}
		}
	}
	if cfg == nil {
		return errInvalid("open /var/lib/docker/tmp/plugin-create/config.json: no such file or directory")
	}
	cfg = canonPluginConfig(cfg).(map[string]any)
	return d.respondEmpty(w, http.StatusNoContent, func() error {
		if _, err := d.pluginLookupLocked(local); err == nil {
			return errConflict(fmt.Sprintf("plugin %q already exists", local))
		}
		p := d.installPluginLocked(local, full, cfg)
		d.events.emit("plugin", "create", p.id, map[string]string{"name": p.name})
		return nil
	})
}
