package mockdaemon

import (
	"net/http"
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
	return d.swarmList(w, r, func(s *swarmState, f filters) []any {
		out := []any{}
		for _, t := range sortedObjs(s.tasks) {
			name := taskName(s, t.svc, t)
			if f.matchAny("id", func(v string) bool { return strings.HasPrefix(t.id, v) }) &&
				f.matchAny("service", func(v string) bool { return v == t.svc.id || v == t.svc.name() || strings.HasPrefix(t.svc.id, v) }) &&
				f.matchAny("name", func(v string) bool { return strings.HasPrefix(name, v) }) &&
				f.matchAny("node", func(v string) bool { return strings.HasPrefix(s.nodeID, v) || v == d.cfg.Hostname }) &&
				f.matchAny("desired-state", func(v string) bool { return v == t.desired || v == "accepted" && t.desired == "running" }) &&
				f.matchLabels("label", map[string]string{}) {
				out = append(out, versioned(t.json(s), ver))
			}
		}
		return out
	})
}

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
