package mockdaemon

import (
	"fmt"
	"sort"
	"strings"
)

// plugin is an installed plugin.
type plugin struct {
	id       string
	name     string // "repo:tag"
	ref      string // the remote it came from
	enabled  bool
	env      map[string]string
	config   map[string]any
	created  int
	refCount int
}

// catalogueEntry is a plugin the mock's fake registry serves at pull.
type catalogueEntry struct {
	config func() map[string]any
}

// pluginCatalogue is what a pull can fetch without a push first: a volume
// plugin that asks for privileges (vieux/sshfs's shape) and one that asks
// for none.
var pluginCatalogue = map[string]catalogueEntry{
	"docker.io/vieux/sshfs:latest": {config: func() map[string]any {
		return map[string]any{
			"Description":   "sshFS plugin for Docker",
			"Documentation": "https://docs.docker.com/engine/extend/plugins/",
			"Interface":     map[string]any{"Types": []string{"docker.volumedriver/1.0"}, "Socket": "sshfs.sock"},
			"Entrypoint":    []string{"/docker-volume-sshfs"},
			"WorkDir":       "",
			"User":          map[string]any{},
			"Network":       map[string]any{"Type": "host"},
			"Linux": map[string]any{"Capabilities": []string{"CAP_SYS_ADMIN"}, "AllowAllDevices": false,
				"Devices": []any{map[string]any{"Name": "", "Description": "", "Settable": nil, "Path": "/dev/fuse"}}},
			"PropagatedMount": "/mnt/volumes",
			"IpcHost":         false,
			"PidHost":         false,
			"Mounts": []any{map[string]any{"Name": "state", "Description": "", "Settable": []string{"source"},
				"Source": "/var/lib/docker/plugins/", "Destination": "/var/lib/docker/plugins/", "Type": "bind", "Options": []string{"rbind"}}},
			"Env":  []any{map[string]any{"Name": "DEBUG", "Description": "", "Settable": []string{"value"}, "Value": "0"}},
			"Args": map[string]any{"Name": "args", "Description": "", "Settable": []string{"value"}, "Value": []string{}},
		}
	}},
	"docker.io/mockdaemon/noop:latest": {config: func() map[string]any {
		return map[string]any{
			"Description":   "a plugin that does nothing, served by the mock daemon",
			"Documentation": "",
			"Interface":     map[string]any{"Types": []string{"docker.volumedriver/1.0"}, "Socket": "noop.sock"},
			"Entrypoint":    []string{"/noop"},
			"WorkDir":       "",
			"User":          map[string]any{},
			"Network":       map[string]any{"Type": "none"},
			"Linux":         map[string]any{"Capabilities": nil, "AllowAllDevices": false, "Devices": nil},
			"IpcHost":       false,
			"PidHost":       false,
			"Mounts":        []any{},
			"Env":           []any{map[string]any{"Name": "DEBUG", "Description": "", "Settable": []string{"value"}, "Value": "0"}},
			"Args":          map[string]any{"Name": "args", "Description": "", "Settable": []string{"value"}, "Value": []string{}},
		}
	}},
}

// normalizePluginRef is dockerd's: the reference parsed as an image's
// (parseRef's errors), a default tag and docker.io for a remote without a
// registry host.
func normalizePluginRef(ref string) (full, local string, err error) {
	if _, err := parseRef(ref, false); err != nil {
		return "", "", err
	}
	name := ref
	if i := strings.LastIndex(name, "/"); !strings.Contains(name[i+1:], ":") && !strings.Contains(name, "@") {
		name += ":latest"
	}
	local = name
	first, _, hasSlash := strings.Cut(name, "/")
	if !hasSlash || !strings.ContainsAny(first, ".:") && first != "localhost" {
		if !hasSlash {
			name = "library/" + name
		}
		full = "docker.io/" + name
		local = strings.TrimPrefix(local, "library/")
		return full, local, nil
	}
	return name, local, nil
}

func (p *plugin) json() map[string]any {
	cfg := cloneJSON(p.config)
	var envs []string
	var envKeys []string
	for k := range p.env {
		envKeys = append(envKeys, k)
	}
	sort.Strings(envKeys)
	for _, k := range envKeys {
		envs = append(envs, k+"="+p.env[k])
	}
	if envs == nil {
		envs = []string{}
	}
	return map[string]any{
		"Id":              p.id,
		"Name":            p.name,
		"Enabled":         p.enabled,
		"Settings":        map[string]any{"Mounts": []any{}, "Env": envs, "Args": []string{}, "Devices": []any{}},
		"PluginReference": p.ref,
		"Config":          cfg,
	}
}

func envDefaults(cfg map[string]any) map[string]string {
	env := map[string]string{}
	l, _ := cfg["Env"].([]any)
	for _, x := range l {
		m, _ := x.(map[string]any)
		name, _ := m["Name"].(string)
		val, _ := m["Value"].(string)
		if name != "" {
			env[name] = val
		}
	}
	return env
}

// privileges is what dockerd asks the user to grant for cfg.
func privileges(cfg map[string]any) []any {
	out := []any{}
	if nt, _ := sub(cfg, "Network")["Type"].(string); nt != "" && nt != "null" && nt != "bridge" && nt != "none" {
		out = append(out, map[string]any{"Name": "network", "Description": "permission to access the network", "Value": []string{nt}})
	}
	if l, _ := cfg["Mounts"].([]any); len(l) > 0 {
		var srcs []string
		for _, x := range l {
			m, _ := x.(map[string]any)
			if s, _ := m["Source"].(string); s != "" {
				srcs = append(srcs, s)
			}
		}
		if len(srcs) > 0 {
			out = append(out, map[string]any{"Name": "mount", "Description": "host path to mount", "Value": srcs})
		}
	}
	linux := sub(cfg, "Linux")
	if l, _ := linux["Devices"].([]any); len(l) > 0 {
		var paths []string
		for _, x := range l {
			m, _ := x.(map[string]any)
			if s, _ := m["Path"].(string); s != "" {
				paths = append(paths, s)
			}
		}
		out = append(out, map[string]any{"Name": "device", "Description": "host device to access", "Value": paths})
	}
	if caps := strs(linux["Capabilities"]); len(caps) > 0 {
		out = append(out, map[string]any{"Name": "capabilities", "Description": "list of additional capabilities required", "Value": caps})
	}
	return out
}

// remotePluginLocked finds a remote plugin: the catalogue, then what was
// pushed to the emulated registry; otherwise the registry's error.
func (d *Daemon) remotePluginLocked(full string) (map[string]any, error) {
	if e, ok := pluginCatalogue[full]; ok {
		return cloneJSON(e.config()), nil
	}
	if p, ok := d.registry.plugins[full]; ok {
		return cloneJSON(p), nil
	}
	return nil, d.registryMissErrorLocked(full)
}

func (d *Daemon) pluginLookupLocked(ref string) (*plugin, error) {
	if ref == "" {
		return nil, errNotFound(`plugin "" not found`)
	}
	_, local, err := normalizePluginRef(ref)
	for _, p := range d.plugins {
		if err == nil && p.name == local || p.name == ref {
			return p, nil
		}
	}
	var found *plugin
	for id, p := range d.plugins {
		if strings.HasPrefix(id, ref) {
			if found != nil {
				return nil, errInvalid(fmt.Sprintf("multiple plugins found for %q", ref))
			}
			found = p
		}
	}
	if found == nil {
		return nil, errNotFound(fmt.Sprintf("plugin %q not found", ref))
	}
	return found, nil
}

func (d *Daemon) sortedPluginsLocked() []*plugin {
	var out []*plugin
	for _, p := range d.plugins {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].created < out[j].created })
	return out
}

// toAny turns a []string into []any so strs reads both shapes.
func toAny(v any) any {
	if l, ok := v.([]string); ok {
		out := make([]any, len(l))
		for i, s := range l {
			out[i] = s
		}
		return out
	}
	return v
}

func (d *Daemon) installPluginLocked(local, full string, cfg map[string]any) *plugin {
	if _, ok := cfg["rootfs"]; !ok {
		cfg["rootfs"] = map[string]any{"type": "layers", "diff_ids": []string{"sha256:" + d.newID()}}
	}
	cfg["DockerVersion"] = d.cfg.ServerVersion
	d.order++
	p := &plugin{id: d.newID(), name: local, ref: full, config: cfg, env: envDefaults(cfg), created: d.order}
	d.plugins[p.id] = p
	return p
}

// pluginConfigKeys are config.json's field names: dockerd decodes it with
// encoding/json, so any letter case is accepted; the API shows these.
var pluginConfigKeys = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{"Description", "Documentation", "Interface", "Types", "Socket", "ProtocolScheme",
		"Entrypoint", "WorkDir", "User", "UID", "GID", "Network", "Type", "Linux", "Capabilities",
		"AllowAllDevices", "Devices", "PropagatedMount", "IpcHost", "PidHost", "Mounts", "Env", "Args",
		"Name", "Settable", "Value", "Source", "Destination", "Options", "Path", "DockerVersion"} {
		m[strings.ToLower(k)] = k
	}
	return m
}()

func canonPluginConfig(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			if c, ok := pluginConfigKeys[strings.ToLower(k)]; ok && k != "rootfs" {
				k = c
			}
			if k == "Value" || k == "Types" || k == "Entrypoint" || k == "Settable" || k == "Capabilities" || k == "Options" {
				out[k] = val
				continue
			}
			out[k] = canonPluginConfig(val)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = canonPluginConfig(e)
		}
		return out
	}
	return v
}
