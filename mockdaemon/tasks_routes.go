package mockdaemon

import (
	"net/http"
	"slices"
	"strings"
)

// taskRoutes: the tasks of the swarm's services.
func (d *Daemon) taskRoutes() []route {
	return []route{
		{"GET", "/tasks", "TaskList", d.taskList},
		{"GET", "/tasks/{id}", "TaskInspect", d.taskInspect},
		{"GET", "/tasks/{id}/logs", "TaskLogs", d.taskLogs},
	}
}

func (d *Daemon) taskList(w http.ResponseWriter, r *http.Request) error {
	ver := infoOf(r).version
	accepted := []string{"name", "id", "label", "service", "node", "desired-state", "_up-to-date", "runtime"}
	return d.swarmList(w, r, accepted, func(s *swarmState, f filters) ([]any, error) {
		desired, err := f.enumFilter("desired-state", taskStates...)
		if err != nil {
			return nil, err
		}
		out := []any{}
		for _, t := range sortedObjs(s.tasks) {
			name := taskName(s, t.svc, t)
			if f.matchAny("id", func(v string) bool { return strings.HasPrefix(t.id, v) }) &&
				f.matchAny("service", func(v string) bool { return v == t.svc.id || v == t.svc.name() || strings.HasPrefix(t.svc.id, v) }) &&
				f.matchAny("name", func(v string) bool { return strings.HasPrefix(name, v) }) &&
				f.matchAny("node", func(v string) bool { return strings.HasPrefix(s.nodeID, v) || v == d.cfg.Hostname }) &&
				(len(desired) == 0 || slices.ContainsFunc(desired, func(v string) bool { return v == t.desired || v == "accepted" && t.desired == "running" })) &&
				f.matchAny("runtime", func(v string) bool { return v == t.svc.spec.TaskTemplate.Runtime }) &&
				(!f.has("_up-to-date") || t.upToDate()) &&
				f.matchLabels("label", t.svcLbls) {
				out = append(out, versioned(t.json(s), ver))
			}
		}
		return out, nil
	})
}

// taskStates are swarmkit's task states, as the desired-state filter
// takes them.
var taskStates = []string{"new", "pending", "assigned", "accepted", "preparing", "ready", "starting",
	"running", "complete", "shutdown", "failed", "rejected", "remove", "orphaned"}

func (d *Daemon) taskInspect(w http.ResponseWriter, r *http.Request) error {
	ver := infoOf(r).version
	return d.respond(w, http.StatusOK, func() (any, error) {
		s, t, err := d.taskLookupLocked(r.PathValue("id"))
		if err != nil {
			return nil, err
		}
		return versioned(t.json(s), ver), nil
	})
}

func (d *Daemon) taskLogs(w http.ResponseWriter, r *http.Request) error {
	var cs []*container
	var tty bool
	if err := d.locked(func() error {
		_, t, err := d.taskLookupLocked(r.PathValue("id"))
		if err != nil {
			return err
		}
		if t.c != nil {
			cs = append(cs, t.c)
		}
		tty = t.spec.ContainerSpec != nil && t.spec.ContainerSpec.TTY
		return nil
	}); err != nil {
		return err
	}
	return d.swarmLogs(w, r, cs, tty)
}
