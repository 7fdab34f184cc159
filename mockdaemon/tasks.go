package mockdaemon

import (
	"fmt"
	iofs "io/fs"
	"maps"
	"path"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// task is one scheduled instance of a service, run as a container.
type task struct {
	swarmObj
	spec     taskSpec          // the service's TaskTemplate at scheduling time
	svcLbls  map[string]string // the service's labels then (swarmkit's ServiceAnnotations): the list's label filter
	svc      *service
	slot     int
	iter     uint64        // the job's iteration it runs in (JobIteration); 0 for a service
	desired  string        // "ready" (made, not started yet), "running", "complete" (a job's) or "shutdown"
	endpoint *endpointSpec // the service's EndpointSpec at scheduling time
	c        *container
	final    string // a state the task reached for good ("shutdown", "rejected"...)
	message  string
	errText  string
}

// task state as the API shows it, from its container's.
func (t *task) state() string {
	if t.final != "" {
		return t.final
	}
	c := t.c
	if c == nil {
		return "pending"
	}
	switch {
	case c.state.Running:
		return "running"
	case !c.hasRun && t.desired == "shutdown":
		return "shutdown"
	case !c.hasRun && t.desired == "ready":
		return "ready"
	case c.hasRun && t.desired == "shutdown" && c.manualStop:
		return "shutdown"
	case c.hasRun && c.state.ExitCode == 0:
		return "complete"
	case c.hasRun:
		return "failed"
	}
	return "assigned"
}

func (t *task) json(s *swarmState) taskJSON {
	st := t.state()
	status := taskStatusJSON{Timestamp: t.updated, State: st, Message: t.message, Err: t.errText}
	if status.Message == "" {
		status.Message = map[string]string{"running": "started", "complete": "finished", "shutdown": "shutdown", "failed": "started"}[st]
	}
	if c := t.c; c != nil {
		status.ContainerStatus = &containerStatusJSON{ContainerID: c.id, PID: c.state.Pid, ExitCode: c.state.ExitCode}
		if st == "failed" && t.errText == "" {
			status.Err = "task: non-zero exit (" + strconv.Itoa(c.state.ExitCode) + ")"
		}
		if !c.state.StartedAt.IsZero() {
			status.Timestamp = c.state.StartedAt.UTC()
		}
	}
	out := taskJSON{
		ID: t.id, objectMeta: t.meta(), annotations: annotations{Labels: map[string]string{}},
		Spec: t.spec, ServiceID: t.svc.id, Slot: t.slot, NodeID: s.nodeID, Status: status, DesiredState: t.desired,
	}
	if t.svc.isJob() {
		out.JobIteration = &objectVersion{Index: t.iter}
	}
	return out
}

func (d *Daemon) taskLookupLocked(ref string) (*swarmState, *task, error) {
	s, err := d.managerLocked()
	if err != nil {
		return nil, nil, err
	}
	if t := s.tasks[ref]; t != nil {
		return s, t, nil
	}
	for id, t := range s.tasks {
		if ref != "" && strings.HasPrefix(id, ref) {
			return s, t, nil
		}
	}
	return nil, nil, errNotFound("task " + ref + " not found")
}

// watchTask waits for the container of task t to exit, then hands t to
// the restart supervisor (taskEndedLocked).
func (d *Daemon) watchTask(s *swarmState, t *task, c *container) {
	exited, _ := lockedValue(d, func() (chan struct{}, error) { return c.exited, nil })
	select {
	case <-exited:
	case <-c.removed:
	case <-d.ctx.Done():
		return
	}
	_ = d.locked(func() error {
		d.taskEndedLocked(s, t)
		return nil
	})
}

// taskEndedLocked is swarmkit's restart supervisor for a task that ended
// (its container exited, or failed to start) while meant to run: when the
// restart policy says so (condition "any" by default; "on-failure" for a
// failure) the task is shut down and a replacement of the service's
// current spec takes its slot at once, in desired state ready, and starts
// after the policy's Delay (5s). A job's task that failed is replaced
// after the delay (reconcileJobLocked); one that completed lets the next
// of the job's completions start.
func (d *Daemon) taskEndedLocked(s *swarmState, t *task) {
	svc := t.svc
	if d.swarm != s || !t.live() || s.services[svc.id] != svc {
		return
	}
	cond, delay := "any", 5*time.Second
	if rp := t.spec.RestartPolicy; rp != nil {
		cond = rp.Condition
		if rp.Delay != nil {
			delay = *rp.Delay
		}
	}
	failed := t.state() != "complete"
	restart := cond == "any" || cond == "on-failure" && failed
	if svc.isJob() {
		restart = failed && cond != "none" // a job's task that completed is done
	}
	if !restart {
		if svc.isJob() { // the next of the job's completions may start
			d.reconcileLocked(s, svc)
		}
		return
	}
	t.desired = "shutdown"
	t.version = d.nextIndexLocked()
	var repl *task
	if !svc.isJob() && !s.gaveUp(svc, t.slot) {
		repl = d.newTaskLocked(s, svc, t.slot, "ready")
	}
	d.goTracked(func() {
		tm := time.NewTimer(delay)
		defer tm.Stop()
		select {
		case <-tm.C:
		case <-d.ctx.Done():
			return
		}
		_ = d.locked(func() error {
			if d.swarm != s || s.services[svc.id] != svc {
				return nil
			}
			switch {
			case repl != nil && repl.desired == "ready" && slices.ContainsFunc(s.slotLocked(svc, repl.slot), func(o *task) bool { return o != repl && o.desired == "running" }):
				// an update filled the slot meanwhile
				d.shutdownTasksLocked([]*task{repl})
			case repl != nil:
				d.startTaskLocked(s, repl)
			default:
				d.reconcileLocked(s, svc)
			}
			return nil
		})
	})
}

// taskContainerLocked creates the task's container from its ContainerSpec
// as a container create with that body would, and mounts the service's
// secrets and configs into it.
func (d *Daemon) taskContainerLocked(s *swarmState, svc *service, t *task) (*container, error) {
	cs := t.spec.ContainerSpec
	if cs == nil {
		return nil, errInvalid("the task has no container spec")
	}
	name := taskName(s, svc, t) + "." + t.id
	labels := map[string]string{}
	maps.Copy(labels, cs.Labels)
	maps.Copy(labels, map[string]string{
		"com.docker.swarm.node.id": s.nodeID, "com.docker.swarm.service.id": svc.id,
		"com.docker.swarm.service.name": svc.name(), "com.docker.swarm.task": "",
		"com.docker.swarm.task.id": t.id, "com.docker.swarm.task.name": name,
	})
	var cb createBody
	cb.Image, cb.Env, cb.WorkingDir, cb.User, cb.Hostname = cs.Image, cs.Env, cs.Dir, cs.User, cs.Hostname
	cb.Labels, cb.Tty, cb.OpenStdin, cb.StopSignal = labels, cs.TTY, cs.OpenStdin, cs.StopSignal
	cb.Entrypoint, cb.Cmd = strSlice(cs.Command), strSlice(cs.Args)
	cb.HostConfig = &hostConfig{Init: cs.Init, ReadonlyRootfs: cs.ReadOnly}
	for _, m := range cs.Mounts {
		cb.HostConfig.Mounts = append(cb.HostConfig.Mounts, m.containerMount())
	}
	// the task joins the service's networks (and no other)
	for _, a := range svc.networks() {
		n := d.networks[a.Target]
		if n == nil {
			continue
		}
		if cb.NetworkingConfig == nil {
			cb.HostConfig.NetworkMode = n.name
			cb.NetworkingConfig = &networkingConfig{EndpointsConfig: map[string]*endpointConfig{}}
		}
		cb.NetworkingConfig.EndpointsConfig[n.name] = &endpointConfig{}
	}
	hc, err := checkCreate(cb, d.maxVersion)
	if err != nil {
		return nil, err
	}
	c, err := d.createContainerLocked(cb, hc, name, d.maxVersion)
	if err != nil {
		return nil, err
	}
	for _, ref := range cs.Secrets {
		sec := s.secrets[ref.SecretID]
		if sec == nil {
			continue
		}
		p := ref.File.Name
		if p == "" {
			p = ref.SecretName
		}
		if !path.IsAbs(p) {
			p = "/run/secrets/" + p
		}
		writeObjFile(c, p, sec.spec.Data, ref.File.Mode, 0o444)
	}
	for _, ref := range cs.Configs {
		cfg := s.configs[ref.ConfigID]
		if cfg == nil || ref.File == nil {
			continue
		}
		p := ref.File.Name
		if p == "" {
			p = "/" + ref.ConfigName
		}
		if !path.IsAbs(p) {
			p = "/" + p
		}
		writeObjFile(c, p, cfg.spec.Data, ref.File.Mode, 0o444)
	}
	return c, nil
}

// taskName is the task's name without its id: <service>.<slot>, or
// <service>.<node id> for a global service.
func taskName(s *swarmState, svc *service, t *task) string {
	if svc.global() {
		return svc.name() + "." + s.nodeID
	}
	return fmt.Sprintf("%s.%d", svc.name(), t.slot)
}

// containerMount is m as a container's HostConfig.Mounts entry.
func (m swarmMount) containerMount() mountSpec {
	out := mountSpec{Type: m.Type, Source: m.Source, Target: m.Target, ReadOnly: m.ReadOnly}
	out.BindOptions = rawJSON(m.BindOptions)
	out.VolumeOptions = rawJSON(m.VolumeOptions)
	out.TmpfsOptions = rawJSON(m.TmpfsOptions)
	return out
}

func writeObjFile(c *container, p string, data []byte, mode, def uint32) {
	if mode == 0 {
		mode = def
	}
	_ = c.fs.MkdirAll(path.Dir(p), 0o755)
	_ = c.fs.WriteFile(p, data, 0o644)
	_ = c.fs.Chmod(p, iofs.FileMode(mode)&0o777)
}

// upToDate reports whether t runs its service's current task spec (the
// tasks list's _up-to-date filter: swarmkit compares the spec versions,
// and its updater moves a task whose spec did not change to the new one).
func (t *task) upToDate() bool {
	cur := cloneSpec(t.svc.spec.TaskTemplate)
	cur.Runtime = "" // as newTaskLocked keeps it
	return reflect.DeepEqual(t.spec, cur) && reflect.DeepEqual(t.endpoint, t.svc.spec.EndpointSpec)
}

// live reports whether t is meant to run (or, a job's, to run to its
// end): its desired state is not shutdown.
func (t *task) live() bool {
	return t.desired == "ready" || t.desired == "running" || t.desired == "complete"
}

// ended reports whether t is past running: complete, shut down, failed
// or rejected.
func (t *task) ended() bool {
	switch t.state() {
	case "complete", "shutdown", "failed", "rejected":
		return true
	}
	return false
}

// running reports whether t's container runs.
func (t *task) running() bool { return t.c != nil && t.c.state.Running }

// statusTime is when t's state last changed, as far as the mock knows:
// its container's exit, start, or the task's creation.
func (t *task) statusTime() time.Time {
	if c := t.c; c != nil {
		if !c.state.FinishedAt.IsZero() && !c.state.Running {
			return c.state.FinishedAt
		}
		if !c.state.StartedAt.IsZero() {
			return c.state.StartedAt
		}
	}
	return t.updated
}

// failedLocked counts the tasks of svc's slot that failed with the
// current spec (or in the job's current run): its restart policy's
// MaxAttempts bounds their replacements.
func (s *swarmState) failedLocked(svc *service, slot int) uint64 {
	var n uint64
	for _, t := range s.tasks {
		if t.svc == svc && t.slot == slot && t.iter == svc.jobIter && t.upToDate() && t.state() == "failed" {
			n++
		}
	}
	return n
}

// gaveUp reports whether slot of svc has used up its restart attempts.
func (s *swarmState) gaveUp(svc *service, slot int) bool {
	rp := svc.spec.TaskTemplate.RestartPolicy
	return rp != nil && rp.MaxAttempts != nil && *rp.MaxAttempts > 0 && s.failedLocked(svc, slot) > *rp.MaxAttempts
}
