package mockdaemon

import (
	"strings"
	"time"
)

// service is a swarm service; its tasks are containers on this node.
type service struct {
	swarmObj
	prev         map[string]any // PreviousSpec
	updateStatus map[string]any
	nextSlot     int
}

// replicas is how many tasks the service's mode asks for.
func (s *service) replicas() int {
	mode := sub(s.spec, "Mode")
	if mode != nil {
		if _, ok := mode["Global"]; ok {
			return 1
		}
		if rep := sub(mode, "Replicated"); rep != nil {
			if n, ok := num(rep["Replicas"]); ok {
				return int(n)
			}
		}
	}
	return 1
}

func (d *Daemon) serviceLookupLocked(ref string) (*swarmState, *service, error) {
	s, err := d.managerLocked()
	if err != nil {
		return nil, nil, err
	}
	if svc := s.services[ref]; svc != nil {
		return s, svc, nil
	}
	for _, svc := range s.services {
		if svc.name() == ref {
			return s, svc, nil
		}
	}
	var found *service
	for id, svc := range s.services {
		if ref != "" && strings.HasPrefix(id, ref) {
			if found != nil {
				return nil, nil, errInvalid("service " + ref + " is ambiguous (2 matches found)")
			}
			found = svc
		}
	}
	if found == nil {
		return nil, nil, errNotFound("service " + ref + " not found")
	}
	return s, found, nil
}

func (s *service) json(st *swarmState, status bool) map[string]any {
	m := s.meta()
	if s.prev != nil {
		m["PreviousSpec"] = s.prev
	}
	ep := map[string]any{"Spec": map[string]any{}}
	if es := sub(s.spec, "EndpointSpec"); es != nil {
		ep["Spec"] = es
		if ports, ok := es["Ports"]; ok {
			ep["Ports"] = ports
		}
	}
	m["Endpoint"] = ep
	if s.updateStatus != nil {
		m["UpdateStatus"] = s.updateStatus
	}
	if status {
		running, completed := 0, 0
		for _, t := range st.tasks {
			if t.svc != s {
				continue
			}
			switch t.state() {
			case "running":
				running++
			case "complete":
				completed++
			}
		}
		m["ServiceStatus"] = map[string]any{"RunningTasks": running, "DesiredTasks": s.replicas(), "CompletedTasks": completed}
	}
	return m
}

// validateServiceSpec checks what dockerd checks before it schedules.
func (d *Daemon) validateServiceSpecLocked(s *swarmState, spec map[string]any) error {
	cs := sub(spec, "TaskTemplate", "ContainerSpec")
	if cs == nil {
		if sub(spec, "TaskTemplate", "PluginSpec") != nil || sub(spec, "TaskTemplate", "NetworkAttachmentSpec") != nil {
			return nil
		}
		return errInvalid("rpc error: code = InvalidArgument desc = ContainerSpec: missing in service spec")
	}
	img, _ := cs["Image"].(string)
	if img == "" {
		return errInvalid("rpc error: code = InvalidArgument desc = ContainerSpec: image reference must be provided")
	}
	for _, ref := range refsOf(cs["Secrets"]) {
		if s.secrets[ref.id] == nil {
			return errInvalid("rpc error: code = InvalidArgument desc = secret not found: " + ref.id)
		}
	}
	for _, ref := range refsOf(cs["Configs"]) {
		if s.configs[ref.id] == nil {
			return errInvalid("rpc error: code = InvalidArgument desc = config not found: " + ref.id)
		}
	}
	return nil
}

type objRef struct {
	id, name, file string
	mode           int64
}

// refsOf reads ContainerSpec.Secrets / Configs.
func refsOf(v any) []objRef {
	l, _ := v.([]any)
	var out []objRef
	for _, x := range l {
		m, _ := x.(map[string]any)
		if m == nil {
			continue
		}
		ref := objRef{}
		ref.id, _ = m["SecretID"].(string)
		if ref.id == "" {
			ref.id, _ = m["ConfigID"].(string)
		}
		ref.name, _ = m["SecretName"].(string)
		if ref.name == "" {
			ref.name, _ = m["ConfigName"].(string)
		}
		if f := sub(m, "File"); f != nil {
			ref.file, _ = f["Name"].(string)
			ref.mode, _ = num(f["Mode"])
		}
		out = append(out, ref)
	}
	return out
}

// stopGrace is the ContainerSpec's StopGracePeriod (10s by default).
func stopGrace(spec map[string]any) time.Duration {
	if n, ok := num(sub(spec, "TaskTemplate", "ContainerSpec")["StopGracePeriod"]); ok {
		return time.Duration(n)
	}
	return 10 * time.Second
}

func (d *Daemon) stopTaskContainers(cs []*container, grace time.Duration) {
	for _, c := range cs {
		d.stop(c, 15, grace)
	}
}

func (d *Daemon) removeTaskContainers(cs []*container, grace time.Duration) {
	d.stopTaskContainers(cs, grace)
	for _, c := range cs {
		_ = d.locked(func() error {
			_, present := d.containers[c.id]
			d.removeLocked(c, true)
			if present {
				d.emitContainerLocked(c, "destroy")
			}
			return nil
		})
	}
}

// reconcileLocked starts tasks until the service has as many running
// (desired) tasks as its mode asks for.
func (d *Daemon) reconcileLocked(s *swarmState, svc *service) {
	live := map[int]bool{}
	for _, t := range s.tasks {
		if t.svc == svc && t.desired == "running" {
			live[t.slot] = true
		}
	}
	want := svc.replicas()
	for slot := 1; len(live) < want && slot <= want+len(live); slot++ {
		if live[slot] {
			continue
		}
		live[slot] = true
		d.scheduleLocked(s, svc, slot)
	}
	// scale down: the highest slots go
	for _, t := range s.tasks {
		if t.svc == svc && t.desired == "running" && t.slot > want {
			t.desired = "shutdown"
			if c := t.c; c != nil {
				d.goTracked(func() { d.stopTaskContainers([]*container{c}, stopGrace(svc.spec)) })
			}
		}
	}
}

// scheduleLocked creates a task and its container and starts it.
func (d *Daemon) scheduleLocked(s *swarmState, svc *service, slot int) {
	now := d.now()
	t := &task{
		swarmObj: swarmObj{id: d.newID()[:25], created: now, updated: now, version: d.nextIndexLocked(),
			spec: cloneJSON(sub(svc.spec, "TaskTemplate"))},
		svc: svc, slot: slot, desired: "running",
	}
	if t.spec == nil {
		t.spec = map[string]any{}
	}
	s.tasks[t.id] = t
	c, err := d.taskContainerLocked(s, svc, t)
	if err != nil {
		t.final, t.errText, t.message = "rejected", err.Error(), "preparing"
		return
	}
	t.c = c
	if err := d.startLocked(c); err != nil {
		t.final, t.errText, t.message = "failed", err.Error(), "starting"
		return
	}
	d.emitContainerLocked(c, "start")
	d.goTracked(func() { d.watchTask(s, t, c) })
}

// createServiceLocked makes a service of spec, schedules its tasks and
// emits its create event.
func (d *Daemon) createServiceLocked(spec map[string]any) (string, error) {
	s, err := d.managerLocked()
	if err != nil {
		return "", err
	}
	if err := d.validateServiceSpecLocked(s, spec); err != nil {
		return "", err
	}
	if spec["Name"] == nil || spec["Name"] == "" {
		spec["Name"] = d.randomNameLocked()
	}
	for _, o := range s.services {
		if o.name() == spec["Name"] {
			return "", errConflict("rpc error: code = AlreadyExists desc = name conflicts with an existing object: service " + o.name() + " already exists")
		}
	}
	if spec["Mode"] == nil {
		spec["Mode"] = map[string]any{"Replicated": map[string]any{"Replicas": 1}}
	}
	now := d.now()
	svc := &service{swarmObj: swarmObj{id: d.newID()[:25], created: now, updated: now, version: d.nextIndexLocked(), spec: spec}}
	s.services[svc.id] = svc
	d.reconcileLocked(s, svc)
	d.events.emit("service", "create", svc.id, map[string]string{"name": svc.name()})
	return svc.id, nil
}

// updateServiceLocked updates (or, with rollback, rolls back) the service
// ref at version ver: its tasks are replaced when the task template
// changes, and UpdateStatus follows; it emits the update event.
func (d *Daemon) updateServiceLocked(ref string, ver uint64, spec map[string]any, rollback bool) error {
	s, svc, err := d.serviceLookupLocked(ref)
	switch {
	case err != nil:
		return err
	case ver != svc.version:
		return errInternal(msgSeqConfl)
	case rollback && svc.prev == nil:
		return errInternal("service does not have a previous spec")
	}
	if !rollback {
		if err := d.validateServiceSpecLocked(s, spec); err != nil {
			return err
		}
		if spec["Name"] != nil && spec["Name"] != svc.name() {
			return errInvalid("rpc error: code = Unimplemented desc = renaming services is not supported")
		}
	}
	old := svc.spec
	if rollback {
		spec = svc.prev
	}
	spec["Name"] = svc.name()
	if spec["Mode"] == nil {
		spec["Mode"] = old["Mode"]
	}
	svc.prev = old
	svc.spec = spec
	svc.version = d.nextIndexLocked()
	svc.updated = d.now()
	redeploy := !jsonEqual(old["TaskTemplate"], spec["TaskTemplate"])
	if redeploy {
		state, done, msg := "updating", "completed", "update in progress"
		if rollback {
			state, done, msg = "rollback_started", "rollback_completed", "manually requested rollback"
		}
		svc.updateStatus = map[string]any{"State": state, "StartedAt": fmtTime(d.now()), "Message": msg}
		var doomed []*container
		for _, t := range s.tasks {
			if t.svc == svc && t.desired == "running" {
				t.desired = "shutdown"
				if t.c != nil {
					doomed = append(doomed, t.c)
				}
			}
		}
		grace := stopGrace(old)
		d.goTracked(func() {
			d.stopTaskContainers(doomed, grace)
			_ = d.locked(func() error {
				if d.swarm != s || s.services[svc.id] != svc {
					return nil
				}
				d.reconcileLocked(s, svc)
				finished := "update completed"
				if rollback {
					finished = "rollback completed"
				}
				svc.updateStatus = map[string]any{"State": done, "StartedAt": svc.updateStatus["StartedAt"], "CompletedAt": fmtTime(d.now()), "Message": finished}
				return nil
			})
		})
	} else {
		d.reconcileLocked(s, svc)
	}
	d.events.emit("service", "update", svc.id, map[string]string{"name": svc.name()})
	return nil
}
