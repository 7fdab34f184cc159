package mockdaemon

import (
	"fmt"
	"net/http"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Legacy links (HostConfig.Links) as dockerd 20.10 keeps them on the
// default bridge: a link is a second name of the linked container,
// /parent/alias, reserved beside its own (so the container is found, and
// listed, by it too), and an entry of the daemon's link index from which
// the parent's HostConfig.Links is shown, its environment (ALIAS_PORT...,
// ALIAS_NAME, ALIAS_ENV_...) and its /etc/hosts records are made at
// start. A container on a user-defined network registers none.

// containerLink is one link: parent reaches child under name
// ("/parent/alias").
type containerLink struct {
	name          string
	parent, child *container
}

// linkIndex holds the links by parent and by child id, each in the order
// they were made (dockerd walks a map: no order is promised).
type linkIndex struct {
	byParent map[string][]*containerLink
	byChild  map[string][]*containerLink
}

func (x *linkIndex) add(l *containerLink) {
	if x.byParent == nil {
		x.byParent, x.byChild = map[string][]*containerLink{}, map[string][]*containerLink{}
	}
	x.byParent[l.parent.id] = append(x.byParent[l.parent.id], l)
	x.byChild[l.child.id] = append(x.byChild[l.child.id], l)
}

// remove drops l from both sides of the index.
func (x *linkIndex) remove(l *containerLink) {
	drop := func(m map[string][]*containerLink, id string) {
		if ls := slices.DeleteFunc(m[id], func(o *containerLink) bool { return o == l }); len(ls) > 0 {
			m[id] = ls
		} else {
			delete(m, id)
		}
	}
	drop(x.byParent, l.parent.id)
	drop(x.byChild, l.child.id)
}

// parseLink splits a HostConfig.Links entry as dockerd's opts.ParseLink
// does: "name", "name:alias", or the canonical "/name:/parent/alias" that
// inspect shows (the alias is its last element).
func parseLink(s string) (name, alias string, err error) {
	if s == "" {
		return "", "", errInternal("empty string specified for links")
	}
	parts := strings.Split(s, ":")
	switch {
	case len(parts) > 2:
		return "", "", errInternal("bad format for links: " + s)
	case len(parts) == 1:
		return s, s, nil
	case strings.HasPrefix(parts[0], "/"):
		return parts[0][1:], path.Base(parts[1]), nil
	}
	return parts[0], parts[1], nil
}

// linkTarget is a link resolved at create, before the parent exists.
type linkTarget struct {
	alias string
	child *container
}

const (
	errHostNetLinks      = "conflicting options: host type networking can't be used with links. This would result in undefined behavior"
	errContainerNetLinks = "conflicting options: container type network can't be used with links. This would result in undefined behavior"
)

// resolveLinksLocked checks the links of a container about to be created
// with hc as dockerd's create does: none beside a host or container
// network mode; on the default bridge (or none) each names an existing
// container (the one whose network it shares, if it shares one) that is
// not on the host's network. On a user-defined network links are not
// registered at all.
func (d *Daemon) resolveLinksLocked(hc hostConfig) ([]linkTarget, error) {
	if len(hc.Links) == 0 {
		return nil, nil
	}
	mode := hc.NetworkMode
	switch {
	case mode == "host":
		return nil, errInvalid(errHostNetLinks)
	case strings.HasPrefix(mode, "container:"):
		return nil, errInvalid(errContainerNetLinks)
	case mode != "" && mode != "default" && mode != "bridge" && mode != "none":
		return nil, nil
	}
	var out []linkTarget
	for _, l := range hc.Links {
		name, alias, err := parseLink(l)
		if err != nil {
			return nil, err
		}
		child, err := d.getContainerLocked(name)
		if err != nil {
			// dockerd reports a missing peer as bad input, not as a 404
			// that clients would take for a missing image
			return nil, errInvalid("could not get container for " + name + ": " + err.Error())
		}
		for strings.HasPrefix(child.host.NetworkMode, "container:") {
			ref := strings.TrimPrefix(child.host.NetworkMode, "container:")
			if child, err = d.getContainerLocked(ref); err != nil {
				return nil, errInvalid("Could not get container for " + ref + ": " + err.Error())
			}
		}
		if child.host.NetworkMode == "host" {
			return nil, errInvalid(errHostNetLinks)
		}
		out = append(out, linkTarget{alias: alias, child: child})
	}
	return out, nil
}

// registerLinksLocked reserves c's links under /c/alias; a name already
// reserved (the same alias twice) is skipped, as dockerd only warns.
func (d *Daemon) registerLinksLocked(c *container, targets []linkTarget) {
	for _, t := range targets {
		name := path.Join(c.name, t.alias)
		if _, taken := d.names[name]; taken {
			continue
		}
		d.names[name] = t.child.id
		d.links.add(&containerLink{name: name, parent: c, child: t.child})
	}
}

// linksShownLocked is c's HostConfig.Links as inspect shows it: one
// "/child:/c/alias" per link, or null.
func (d *Daemon) linksShownLocked(c *container) []string {
	var out []string
	for _, l := range d.links.byParent[c.id] {
		out = append(out, l.child.name+":"+l.name)
	}
	return out
}

// namesOfLocked is c's names as the container list shows them: its own
// and the link names it is reached by, sorted.
func (d *Daemon) namesOfLocked(c *container) []string {
	names := []string{c.name}
	for _, l := range d.links.byChild[c.id] {
		names = append(names, l.name)
	}
	sort.Strings(names)
	return names
}

// bridgeIP is c's address on the default bridge, "" when it has none.
func bridgeIP(c *container) string {
	if ep := c.eps["bridge"]; ep != nil && ep.active {
		return ep.ip
	}
	return ""
}

// onBridge says whether c has an endpoint on the default bridge (active
// or not): dockerd makes links only for such a container.
func onBridge(c *container) bool { return c.eps["bridge"] != nil }

// linkFailureLocked is why the start of a container on the default
// bridge fails for its links, or nil: a peer not on that network, or not
// running. dockerd finds it once the sandbox is made, as it makes the
// process's spec; the error is its own (a 500), like a user lookup's.
func (d *Daemon) linkFailureLocked(c *container) *startFailure {
	if !onBridge(c) {
		return nil
	}
	links := d.links.byParent[c.id]
	for _, l := range links {
		if !onBridge(l.child) {
			return &startFailure{daemon: true, msg: "Cannot link to " + l.child.name + ", as it does not belong to the default network"}
		}
	}
	for _, l := range links {
		if !l.child.state.Running {
			return &startFailure{daemon: true, msg: "Cannot link to a non running container: " + l.child.name + " AS " + l.name}
		}
	}
	return nil
}

// linkEnvLocked is the environment c's links give its processes, as
// dockerd's links.Link.ToEnv makes it for each running peer on the
// default bridge.
func (d *Daemon) linkEnvLocked(c *container) []string {
	if !onBridge(c) {
		return nil
	}
	var env []string
	for _, l := range d.links.byParent[c.id] {
		if ip := bridgeIP(l.child); ip != "" && l.child.state.Running {
			env = append(env, linkEnv(l.name, ip, l.child)...)
		}
	}
	return env
}

// linkPort is an exposed port of a linked container.
type linkPort struct {
	num   int
	proto string
}

// linkEnv is the environment of one link named name to child at ip: the
// lowest exposed port as ALIAS_PORT, a range of consecutive ports as
// its _START/_END variables, every port's four variables, ALIAS_NAME,
// and the child's Env (but HOME and PATH) as ALIAS_ENV_<var>.
func linkEnv(name, ip string, child *container) []string {
	alias := strings.ReplaceAll(strings.ToUpper(path.Base(name)), "-", "_")
	var ports []linkPort
	for p := range child.config.ExposedPorts {
		num, proto, _ := strings.Cut(p, "/")
		n, _ := strconv.Atoi(num)
		if proto == "" {
			proto = "tcp"
		}
		ports = append(ports, linkPort{n, proto})
	}
	// by number, tcp first among equals (dockerd's withTCP order)
	sort.Slice(ports, func(i, j int) bool {
		if ports[i].num == ports[j].num {
			return ports[i].proto == "tcp" && ports[j].proto != "tcp"
		}
		return ports[i].num < ports[j].num
	})
	var env []string
	add := func(format string, args ...any) { env = append(env, fmt.Sprintf(format, args...)) }
	if len(ports) > 0 {
		add("%s_PORT=%s://%s:%d", alias, ports[0].proto, ip, ports[0].num)
	}
	for i := 0; i < len(ports); {
		p := ports[i]
		// dockerd's nextContiguous: each further port may be at most one
		// above the count so far (so 8000/tcp 8001/tcp 8001/udp 8002/tcp
		// is a range too)
		j, want := i, p.num
		for j+1 < len(ports) && ports[j+1].num <= want+1 {
			j++
			want++
		}
		if j > i+1 { // three ports or more
			pre := fmt.Sprintf("%s_PORT_%d_%s", alias, p.num, strings.ToUpper(p.proto))
			q := ports[j]
			add("%s_START=%s://%s:%d", pre, p.proto, ip, p.num)
			add("%s_ADDR=%s", pre, ip)
			add("%s_PROTO=%s", pre, p.proto)
			add("%s_PORT_START=%d", pre, p.num)
			add("%s_PORT_%d_%s_END=%s://%s:%d", alias, p.num, strings.ToUpper(q.proto), q.proto, ip, q.num)
			add("%s_PORT_%d_%s_PORT_END=%d", alias, p.num, strings.ToUpper(q.proto), q.num)
			i = j + 1
			continue
		}
		i++
	}
	for _, p := range ports {
		pre := fmt.Sprintf("%s_PORT_%d_%s", alias, p.num, strings.ToUpper(p.proto))
		add("%s=%s://%s:%d", pre, p.proto, ip, p.num)
		add("%s_ADDR=%s", pre, ip)
		add("%s_PORT=%d", pre, p.num)
		add("%s_PROTO=%s", pre, p.proto)
	}
	add("%s_NAME=%s", alias, name)
	for _, e := range child.config.Env {
		k, v, ok := strings.Cut(e, "=")
		if !ok || k == "HOME" || k == "PATH" {
			continue
		}
		add("%s_ENV_%s=%s", alias, k, v)
	}
	return env
}

// linkHostsLocked is the /etc/hosts records of c's links: the peer's
// bridge address with the alias, the peer's hostname and, when it differs
// from the alias, its name.
func (d *Daemon) linkHostsLocked(c *container) string {
	if !onBridge(c) {
		return ""
	}
	var b strings.Builder
	for _, l := range d.links.byParent[c.id] {
		ip := bridgeIP(l.child)
		if ip == "" {
			continue
		}
		alias := path.Base(l.name)
		b.WriteString(ip + "\t" + alias + " " + l.child.config.Hostname)
		if own := strings.TrimPrefix(l.child.name, "/"); own != alias {
			b.WriteString(" " + own)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// removeLinkLocked removes the link named ref (DELETE
// /containers/{parent}/{alias}?link=1), child being the container that
// name resolved to, as dockerd's rmLink does: a container's own name is
// refused, and so is a parent that does not exist.
func (d *Daemon) removeLinkLocked(child *container, ref string, ver apiVersion) error {
	name := "/" + strings.TrimPrefix(ref, "/")
	parent, _ := path.Split(name)
	if parent == "/" {
		const msg = "Conflict, cannot remove the default link name of the container"
		if ver.atLeast("1.42") {
			return errInvalid(msg)
		}
		return errInternal(msg)
	}
	parent = strings.TrimSuffix(parent, "/")
	if _, ok := d.names[parent]; !ok {
		return errInternal("Cannot get parent " + parent + " for link " + name)
	}
	delete(d.names, name)
	for _, l := range d.links.byChild[child.id] {
		if l.name == name {
			d.links.remove(l)
			break
		}
	}
	return nil
}

// forgetLinksLocked releases the link names of a container being
// removed: those of its own links, and those it is reached by. Its
// parents keep showing their link to it, as dockerd's do.
func (d *Daemon) forgetLinksLocked(c *container) {
	for _, l := range slices.Clone(d.links.byParent[c.id]) {
		delete(d.names, l.name)
		d.links.remove(l)
	}
	for _, l := range d.links.byChild[c.id] {
		if d.names[l.name] == c.id {
			delete(d.names, l.name)
		}
	}
	delete(d.links.byChild, c.id)
}

// renameLinksLocked moves c's links from under its old name to its new
// one, as dockerd's rename does.
func (d *Daemon) renameLinksLocked(c *container, old string) {
	for _, l := range d.links.byParent[c.id] {
		delete(d.names, l.name)
		l.name = c.name + strings.TrimPrefix(l.name, old)
		d.names[l.name] = l.child.id
	}
}

// containerUnlink answers DELETE /containers/{ref}?link=1.
func (d *Daemon) containerUnlink(w http.ResponseWriter, ref string, ver apiVersion) error {
	if err := d.locked(func() error {
		child, err := d.getContainerLocked(ref)
		if err != nil {
			return err
		}
		return d.removeLinkLocked(child, ref, ver)
	}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// hostConfigShownLocked is c's HostConfig as inspect shows it, its Links
// made from the link index.
func (d *Daemon) hostConfigShownLocked(c *container) hostConfig {
	h := c.host
	h.Links = d.linksShownLocked(c)
	return h
}
