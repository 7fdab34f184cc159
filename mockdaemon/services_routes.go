package mockdaemon

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// serviceRoutes: the swarm's services; their tasks are containers on
// this node (tasks_routes.go).
func (d *Daemon) serviceRoutes() []route {
	return []route{
		{"GET", "/services", "ServiceList", d.serviceList},
		{"POST", "/services/create", "ServiceCreate", d.serviceCreate},
		{"GET", "/services/{id}", "ServiceInspect", d.serviceInspect},
		{"DELETE", "/services/{id}", "ServiceDelete", d.serviceDelete},
		{"POST", "/services/{id}/update", "ServiceUpdate", d.serviceUpdate},
		{"GET", "/services/{id}/logs", "ServiceLogs", d.serviceLogs},
	}
}

func (d *Daemon) serviceList(w http.ResponseWriter, r *http.Request) error {
	status, ver := boolParam(r, "status"), infoOf(r).version
	return d.swarmList(w, r, []string{"name", "id", "label", "mode", "runtime"}, func(s *swarmState, f filters) ([]any, error) {
		out := []any{}
		for _, svc := range sortedObjs(s.services) {
			if f.matchAny("id", func(v string) bool { return strings.HasPrefix(svc.id, v) }) &&
				f.matchAny("name", func(v string) bool { return strings.HasPrefix(svc.name(), v) }) &&
				f.matchAny("mode", func(v string) bool { return v == svc.modeName() }) &&
				f.matchAny("runtime", func(v string) bool { return v == svc.spec.TaskTemplate.Runtime }) &&
				f.matchLabels("label", svc.spec.Labels) {
				out = append(out, versioned(svc.json(s, status, false), ver))
			}
		}
		return out, nil
	})
}

func (d *Daemon) serviceInspect(w http.ResponseWriter, r *http.Request) error {
	defaults, ver := boolParam(r, "insertDefaults"), infoOf(r).version
	return d.respond(w, http.StatusOK, func() (any, error) {
		s, svc, err := d.serviceLookupLocked(r.PathValue("id"))
		if err != nil {
			return nil, err
		}
		return versioned(svc.json(s, false, defaults), ver), nil
	})
}

func (d *Daemon) serviceCreate(w http.ResponseWriter, r *http.Request) error {
	var spec serviceSpec
	if err := decodeRequired(r, &spec); err != nil {
		return err
	}
	spec = ofVersion(spec, infoOf(r).version)
	id, err := lockedValue(d, func() (string, error) { return d.createServiceLocked(spec) })
	if err != nil {
		return err
	}
	// dockerd's answer leaves Warnings out when there are none.
	return writeJSON(w, http.StatusCreated, struct {
		ID       string
		Warnings []string `json:",omitempty"`
	}{ID: id})
}

func (d *Daemon) serviceUpdate(w http.ResponseWriter, r *http.Request) error {
	var spec serviceSpec
	ver, err := versionedBody(r, "service", &spec)
	if err != nil {
		return err
	}
	spec = ofVersion(spec, infoOf(r).version)
	var rollback bool
	switch v := r.URL.Query().Get("rollback"); v {
	case "", "none":
	case "previous":
		rollback = true
	default:
		return errInternal("unrecognized rollback option " + v)
	}
	if err := d.locked(func() error { return d.updateServiceLocked(r.PathValue("id"), ver, spec, rollback) }); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, struct{ Warnings []string }{})
}

func (d *Daemon) serviceDelete(w http.ResponseWriter, r *http.Request) error {
	var doomed []*container
	var grace time.Duration
	if err := d.locked(func() error {
		s, svc, err := d.serviceLookupLocked(r.PathValue("id"))
		if err != nil {
			return err
		}
		delete(s.services, svc.id)
		svc.cancelUpdateLocked()
		for id, t := range s.tasks {
			if t.svc == svc {
				delete(s.tasks, id)
				if t.c != nil {
					doomed = append(doomed, t.c)
				}
			}
		}
		grace = stopGrace(svc.spec)
		d.releaseEndpointLocked(svc)
		d.events.emit("service", "remove", svc.id, map[string]string{"name": svc.name()})
		return nil
	}); err != nil {
		return err
	}
	d.goTracked(func() { d.removeTaskContainers(doomed, grace) })
	w.WriteHeader(http.StatusOK)
	return nil
}

func (d *Daemon) serviceLogs(w http.ResponseWriter, r *http.Request) error {
	var cs []*container
	var tty bool
	if err := d.locked(func() error {
		s, svc, err := d.serviceLookupLocked(r.PathValue("id"))
		if err != nil {
			return err
		}
		for _, t := range sortedObjs(s.tasks) {
			if t.svc == svc && t.c != nil {
				cs = append(cs, t.c)
			}
		}
		tty = svc.spec.TaskTemplate.ContainerSpec != nil && svc.spec.TaskTemplate.ContainerSpec.TTY
		return nil
	}); err != nil {
		return err
	}
	return d.swarmLogs(w, r, cs, tty)
}

// swarmLogs writes the logs of the containers as dockerd's service logs:
// always stdcopy frames, entries in time order; follow waits for more
// until every container's run ended or the client goes.
func (d *Daemon) swarmLogs(w http.ResponseWriter, r *http.Request, cs []*container, tty bool) error {
	stdout, stderr := boolParam(r, "stdout"), boolParam(r, "stderr")
	if !stdout && !stderr {
		return errInvalid("Bad parameters: you must choose at least one stream")
	}
	follow, timestamps := boolParam(r, "follow"), boolParam(r, "timestamps")
	tail := -1
	if v := r.URL.Query().Get("tail"); v != "" && v != "all" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return errInvalid("invalid value for tail: " + v)
		}
		tail = n
	}
	ct := "application/vnd.docker.raw-stream"
	if !tty && infoOf(r).version.atLeast("1.42") {
		ct = "application/vnd.docker.multiplexed-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(http.StatusOK)
	ew := newEntryWriter(w, false, stdout, stderr, timestamps)
	var all []logEntry
	next := make([]int, len(cs))
	for i, c := range cs {
		es, n, _, _ := c.logs.since(0)
		next[i] = n
		all = append(all, es...)
	}
	slices.SortStableFunc(all, func(a, b logEntry) int { return a.t.Compare(b.t) })
	if tail >= 0 && tail < len(all) {
		all = all[len(all)-tail:]
	}
	if ew.writeAll(all) != nil {
		return nil
	}
	flush(w)
	if !follow {
		return nil
	}
	for {
		var chs []<-chan struct{}
		for i, c := range cs {
			es, n, _, ch := c.logs.since(next[i])
			next[i] = n
			if ew.writeAll(es) != nil {
				return nil
			}
			chs = append(chs, ch)
		}
		flush(w)
		if !waitAny(r, d, chs) {
			return nil
		}
	}
}

// waitAny waits for a change on one of chs; false when the client or the
// daemon goes away.
func waitAny(r *http.Request, d *Daemon, chs []<-chan struct{}) bool {
	done := make(chan struct{})
	defer close(done)
	woke := make(chan struct{}, 1)
	for _, ch := range chs {
		go func() {
			select {
			case <-ch:
				select {
				case woke <- struct{}{}:
				default:
				}
			case <-done:
			}
		}()
	}
	select {
	case <-woke:
		return true
	case <-r.Context().Done():
		return false
	case <-d.ctx.Done():
		return false
	}
}
