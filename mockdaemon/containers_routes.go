package mockdaemon

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// containerRoutes: containers, their processes, streams and files.
// Handlers beside this table serve the containers themselves; the
// lifecycle (start, stop, kill, wait...), the streams (logs, attach) and
// the files (archive, export, changes) are in containers_run.go,
// containers_streams.go and containers_files.go.
func (d *Daemon) containerRoutes() []route {
	return []route{
		{"GET", "/containers/json", "ContainerList", d.containerList},
		{"POST", "/containers/create", "ContainerCreate", d.containerCreate},
		{"POST", "/containers/prune", "ContainerPrune", d.containerPrune},
		{"GET", "/containers/{id...}/json", "ContainerInspect", d.containerInspect},
		{"GET", "/containers/{id...}/top", "ContainerTop", d.containerTop},
		{"GET", "/containers/{id...}/logs", "ContainerLogs", d.containerLogs},
		{"GET", "/containers/{id...}/changes", "ContainerChanges", d.containerChanges},
		{"GET", "/containers/{id...}/export", "ContainerExport", d.containerExport},
		{"GET", "/containers/{id...}/stats", "ContainerStats", d.containerStats},
		{"POST", "/containers/{id...}/resize", "ContainerResize", d.containerResize},
		{"POST", "/containers/{id...}/start", "ContainerStart", d.containerStart},
		{"POST", "/containers/{id...}/stop", "ContainerStop", d.containerStop},
		{"POST", "/containers/{id...}/restart", "ContainerRestart", d.containerRestart},
		{"POST", "/containers/{id...}/kill", "ContainerKill", d.containerKill},
		{"POST", "/containers/{id...}/update", "ContainerUpdate", d.containerUpdate},
		{"POST", "/containers/{id...}/rename", "ContainerRename", d.containerRename},
		{"POST", "/containers/{id...}/pause", "ContainerPause", d.containerPause},
		{"POST", "/containers/{id...}/unpause", "ContainerUnpause", d.containerUnpause},
		{"POST", "/containers/{id...}/attach", "ContainerAttach", d.containerAttach},
		{"GET", "/containers/{id...}/attach/ws", "ContainerAttachWebsocket", d.containerAttachWS},
		{"POST", "/containers/{id...}/wait", "ContainerWait", d.containerWait},
		{"DELETE", "/containers/{id...}", "ContainerDelete", d.containerDelete},
		{"HEAD", "/containers/{id...}/archive", "ContainerArchiveInfo", d.archiveHead},
		{"GET", "/containers/{id...}/archive", "ContainerArchive", d.archiveGet},
		{"PUT", "/containers/{id...}/archive", "PutContainerArchive", d.archivePut},
		// routes dockerd keeps without an operation of the API reference:
		// the copy of API < 1.20 (gone since 1.24) and checkpoints, which
		// need an experimental daemon (the DELETE takes a one-element name)
		{"POST", "/containers/{id...}/copy", "ContainerCopy", containerCopy},
		{"GET", "/containers/{id...}/checkpoints", "CheckpointList", experimentalOnly},
		{"POST", "/containers/{id...}/checkpoints", "CheckpointCreate", experimentalOnly},
		{"DELETE", "/containers/{id}/checkpoints/{checkpoint}", "CheckpointDelete", experimentalOnly},
	}
}

// containerCopy answers POST /containers/{id}/copy as dockerd does for
// any API version it serves: a bare 404.
func containerCopy(w http.ResponseWriter, _ *http.Request) error {
	w.WriteHeader(http.StatusNotFound)
	return nil
}

// experimentalOnly answers a route of an experimental daemon's, as a
// daemon without experimental features does.
func experimentalOnly(http.ResponseWriter, *http.Request) error {
	return errNotImplemented("This experimental feature is disabled by default. Start the Docker daemon in experimental mode in order to enable it.")
}

func (d *Daemon) containerCreate(w http.ResponseWriter, r *http.Request) error {
	ver := infoOf(r).version
	var body createBody
	if err := decodeJSON(http.MaxBytesReader(nil, r.Body, 64<<20), &body); err != nil || r.ContentLength == 0 {
		msg := "EOF" // no body
		if err != nil {
			msg = strings.TrimPrefix(err.Error(), "invalid JSON: ")
		}
		if !ver.atLeast("1.42") { // dockerd 20.10 passes the decoder's error on
			return errInternal(msg)
		}
		if msg == "EOF" {
			msg = "got EOF while reading request body"
		}
		return errInvalid("invalid JSON: " + msg)
	}
	if reflect.ValueOf(body.containerConfig).IsZero() {
		return errInvalid(wording(ver, "Config cannot be empty in order to create a container", "config cannot be empty in order to create a container"))
	}
	name := r.URL.Query().Get("name")
	if s := r.URL.Query().Get("platform"); s != "" && ver.atLeast("1.41") {
		p, err := parsePlatform(s)
		if err != nil {
			return err
		}
		body.platform = &p
	}
	hc, err := checkCreate(&body, ver)
	if err != nil {
		return err
	}
	id, err := lockedValue(d, func() (string, error) {
		c, err := d.createContainerLocked(body, hc, name, ver)
		if err != nil {
			return "", err
		}
		return c.id, nil
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"Id": id, "Warnings": []string{}})
}

func (d *Daemon) containerInspect(w http.ResponseWriter, r *http.Request) error {
	ver := infoOf(r).version
	return d.respond(w, http.StatusOK, func() (any, error) {
		c, err := d.getContainerLocked(r.PathValue("id"))
		if err != nil {
			return nil, err
		}
		m := c.inspect(ver)
		if boolParam(r, "size") {
			rw := d.sizeRwLocked(c)
			root := d.images.byIDSize(c.imageID) + rw
			m.SizeRw, m.SizeRootFs = &rw, &root
		}
		return shapeFor(m, ver, containerFields), nil
	})
}

func (d *Daemon) containerList(w http.ResponseWriter, r *http.Request) error {
	ver := infoOf(r).version
	f, err := parseFilters(r)
	if err != nil {
		return err
	}
	all := boolParam(r, "all")
	limit, err := intParam(r, "limit", -1)
	if err != nil {
		return err
	}
	if limit > 0 {
		all = true
	}
	size := boolParam(r, "size")
	// dockerd's order of checks (its list's foldFilter): names, then each
	// value that must parse.
	if err := f.accept(ver, "ancestor", "before", "expose", "exited", "health", "id", "isolation", "is-task", "label", "label!", "name", "network", "publish", "since", "status", "volume"); err != nil {
		return err
	}
	for _, v := range f.values("exited") {
		if _, err := strconv.Atoi(v); err != nil {
			return errInternal(err.Error())
		}
	}
	for h := range f["health"] {
		switch h {
		case "starting", "healthy", "unhealthy", "none":
		default:
			return errInvalid("Unrecognised filter value for health: " + h)
		}
	}
	for s := range f["status"] {
		switch s {
		case "created", "restarting", "running", "removing", "paused", "exited", "dead":
		default:
			return errInvalidFilter(ver, "status="+s)
		}
	}
	// is-task: "true" lists a swarm's task containers only, "false" the
	// others; a value that is neither is refused.
	isTask, taskFilter := false, f.has("is-task")
	switch {
	case f["is-task"]["true"]:
		isTask = true
	case taskFilter && !f["is-task"]["false"]:
		return errInvalidFilter(ver, fmt.Sprintf("is-task=%v", f.values("is-task")))
	}
	if err := f.portFilter("publish"); err != nil {
		return err
	}
	if err := f.portFilter("expose"); err != nil {
		return err
	}
	out := []any{}
	return d.respond(w, http.StatusOK, func() (any, error) {
		// before and since name containers that must exist (dockerd
		// answers 500 for one it does not find).
		var beforeID, sinceID string
		for _, bound := range []struct {
			key string
			id  *string
		}{{"before", &beforeID}, {"since", &sinceID}} {
			for _, v := range f.values(bound.key) {
				c, err := d.getContainerLocked(v)
				if err != nil {
					return nil, errInternal("no such container " + v)
				}
				*bound.id = c.id
			}
		}
		// dockerd walks its containers newest first, skipping until the
		// before container and stopping at the since one; with a name or
		// id filter it walks only the containers those match (so a
		// before or since container outside them is never reached).
		for _, c := range d.nameIDCandidatesLocked(f) {
			if beforeID != "" {
				if c.id == beforeID {
					beforeID = ""
				}
				continue
			}
			if sinceID != "" && c.id == sinceID {
				break
			}
			if !all && !c.state.Running && !f.has("status") {
				continue
			}
			if taskFilter && isTask != (c.config.Labels["com.docker.swarm.task.id"] != "") {
				continue
			}
			if !d.containerMatchesLocked(f, c) {
				continue
			}
			out = append(out, d.containerSummaryLocked(c, size, ver))
			if limit > 0 && len(out) >= limit {
				break
			}
		}
		return out, nil
	})
}

// nameIDCandidatesLocked is what dockerd's list walks, newest first: every
// container, or with name or id filters those they match (an id filter
// value finds the one container it is a unique prefix of; names match
// among those when ids are given); d.mu held.
func (d *Daemon) nameIDCandidatesLocked(f filters) []*container {
	if !f.has("name") && !f.has("id") {
		return d.ordered // nothing is removed while d.mu is held
	}
	ids := map[string]bool{}
	for _, v := range f.values("id") {
		var found []string
		for id := range d.containers {
			if strings.HasPrefix(id, v) {
				found = append(found, id)
			}
		}
		if len(found) == 1 {
			ids[found[0]] = true
		}
	}
	var out []*container
	for _, c := range d.ordered {
		if f.has("id") && !ids[c.id] {
			continue
		}
		if f.has("name") && !f.match("name", c.name) && !f.match("name", c.name[1:]) {
			continue
		}
		out = append(out, c)
	}
	return out
}

func (d *Daemon) containerDelete(w http.ResponseWriter, r *http.Request) error {
	ver := infoOf(r).version
	force := boolParam(r, "force")
	vols := boolParam(r, "v")
	ref := r.PathValue("id") // a link's name too, /parent/alias
	if boolParam(r, "link") {
		return d.containerUnlink(w, ref, ver)
	}
	var c *container
	var p proc
	var exited chan struct{}
	if err := d.locked(func() error {
		var err error
		if c, err = d.getContainerLocked(ref); err != nil {
			return err
		}
		if c.removing {
			return errConflict("removal of container " + c.id + " is already in progress")
		}
		if (c.state.Running || c.state.Restarting) && !force {
			if c.state.Paused {
				return errConflict(wording(ver, "You cannot remove a paused container "+c.id+". Unpause and then stop the container before attempting removal or force remove",
					fmt.Sprintf("cannot remove container %q: container is paused and must be unpaused first", c.name)))
			}
			return errConflict(wording(ver, "You cannot remove a running container "+c.id+". Stop the container before attempting removal or force remove",
				fmt.Sprintf("cannot remove container %q: container is running: stop the container before removing or force remove", c.name)))
		}
		c.removing = true
		c.stopping = true
		p, exited = c.proc, c.exited
		c.pauseGate.resume()
		if p != nil {
			d.events.emit("container", "kill", c.id, mergeAttrs(c.eventAttrs(), "signal", "9"))
		}
		return nil
	}); err != nil {
		return err
	}
	if p != nil {
		p.Signal(9)
		<-exited
	}
	_ = d.locked(func() error {
		d.removeLocked(c, vols)
		d.events.emit("container", "destroy", c.id, c.eventAttrs())
		return nil
	})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (d *Daemon) containerPrune(w http.ResponseWriter, r *http.Request) error {
	f, err := pruneFilters(r, "until", "label", "label!")
	if err != nil {
		return err
	}
	var deleted []string // dockerd's report: null when none went
	var reclaimed int64  // the removed containers' writable layers
	_ = d.locked(func() error {
		var removed []*container
		for _, c := range d.sortedContainersLocked() {
			if c.state.Running || c.state.Restarting || c.removing || !d.containerMatchesLocked(f, c) {
				continue
			}
			reclaimed += d.sizeRwLocked(c)
			d.removeLocked(c, false)
			deleted = append(deleted, c.id)
			removed = append(removed, c)
		}
		for _, c := range removed {
			d.events.emit("container", "destroy", c.id, c.eventAttrs())
		}
		d.events.emit("container", "prune", "", map[string]string{"reclaimed": fmt.Sprint(reclaimed)})
		return nil
	})
	return writeJSON(w, http.StatusOK, map[string]any{"ContainersDeleted": deleted, "SpaceReclaimed": reclaimed})
}

func (d *Daemon) containerRename(w http.ResponseWriter, r *http.Request) error {
	newName := r.URL.Query().Get("name")
	if newName == "" {
		return errInvalid("Neither old nor new names may be empty")
	}
	valid := validName.MatchString(newName)
	newName = "/" + strings.TrimPrefix(newName, "/")
	return d.respondEmpty(w, http.StatusNoContent, func() error {
		c, err := d.getContainerLocked(r.PathValue("id"))
		if err != nil {
			return err
		}
		old := c.name
		if old == newName {
			return errInvalid("Renaming a container with the same name as its current name")
		}
		if !valid {
			// dockerd finds the container first, and checks the name
			// (with its slash) when it reserves it.
			return errInvalid("Error when allocating new name: Invalid container name (" + newName + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed")
		}
		if other, ok := d.names[newName]; ok {
			return errConflict(fmt.Sprintf("Error when allocating new name: Conflict. The container name %q is already in use by container %q. You have to remove (or rename) that container to be able to reuse that name.", newName, other))
		}
		delete(d.names, old)
		d.names[newName] = c.id
		c.name = newName
		c.anonymous = false
		d.renameLinksLocked(c, old)
		d.events.emit("container", "rename", c.id, mergeAttrs(c.eventAttrs(), "oldName", old))
		return nil
	})
}

func (d *Daemon) containerUpdate(w http.ResponseWriter, r *http.Request) error {
	var body updateBody
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	err := d.locked(func() error {
		c, err := d.getContainerLocked(r.PathValue("id"))
		if err != nil {
			return err
		}
		return d.updateLocked(c, body, infoOf(r).version)
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"Warnings": nil})
}

func (d *Daemon) containerResize(w http.ResponseWriter, r *http.Request) error {
	size, err := resizeParams(r)
	if err != nil {
		return err
	}
	err = d.locked(func() error {
		c, err := d.getContainerLocked(r.PathValue("id"))
		if err != nil {
			return err
		}
		if !c.state.Running {
			return errNotRunning(infoOf(r).version, c.id)
		}
		c.termSize.set(size[0], size[1])
		d.events.emit("container", "resize", c.id, mergeAttrs(c.eventAttrs(), "height", r.URL.Query().Get("h"), "width", r.URL.Query().Get("w")))
		return nil
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

func (d *Daemon) containerTop(w http.ResponseWriter, r *http.Request) error {
	var titles []string
	var procs [][]string
	err := d.locked(func() error {
		c, err := d.getContainerLocked(r.PathValue("id"))
		if err != nil {
			return err
		}
		if !c.state.Running {
			return errNotRunning(infoOf(r).version, c.id)
		}
		if titles, procs, err = d.topLocked(c, r.URL.Query().Get("ps_args")); err != nil {
			return err
		}
		// dockerd's ContainerTop logs the event once ps has answered
		d.emitContainerLocked(c, "top")
		return nil
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"Titles": titles, "Processes": procs})
}

func (d *Daemon) containerStats(w http.ResponseWriter, r *http.Request) error {
	stream := true
	if s := r.URL.Query().Get("stream"); s != "" {
		stream = boolParam(r, "stream")
	}
	ver := infoOf(r).version
	oneShot := boolParam(r, "one-shot") && ver.atLeast("1.41")
	if oneShot && stream {
		return errInvalid("cannot have stream=true and one-shot=true")
	}
	c, err := lockedValue(d, func() (*container, error) { return d.getContainerLocked(r.PathValue("id")) })
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	flush(w)
	var prev map[string]any
	if !stream && !oneShot {
		// dockerd primes the answer with the collector's next sample of a
		// running container and answers the one after it
		_ = d.locked(func() error {
			if c.state.Running {
				prev = d.statsLocked(c, d.now(), nil, ver)
			}
			return nil
		})
		if prev != nil && !d.sleep(r.Context(), statsInterval) {
			return nil
		}
	}
	for {
		var st map[string]any
		var present, running bool
		_ = d.locked(func() error {
			st = d.statsLocked(c, d.now(), prev, ver)
			_, present = d.containers[c.id]
			running = c.state.Running
			return nil
		})
		if !stream || !present {
			writeJSONBody(w, st)
			return nil
		}
		if running { // the collector samples running containers only
			writeJSONBody(w, st)
			prev = st
		} else {
			prev = nil
		}
		if !d.sleep(r.Context(), statsInterval) {
			return nil
		}
	}
}

// sleep waits for dur; it reports false when ctx or the daemon ended
// first.
func (d *Daemon) sleep(ctx context.Context, dur time.Duration) bool {
	t := time.NewTimer(dur)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-d.ctx.Done():
		return false
	}
}

// statsInterval is how often dockerd's stats collector samples.
const statsInterval = time.Second
