package mockdaemon

import (
	"fmt"
	iofs "io/fs"
	"maps"
	"path"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// task is one scheduled instance of a service, run as a container.
type task struct {
	swarmObj
	spec    taskSpec          // the service's TaskTemplate at scheduling time
	svcLbls map[string]string // the service's labels then (swarmkit's ServiceAnnotations): the list's label filter
	svc     *service
	slot    int
	iter    uint64 // the job's iteration it runs in (JobIteration); 0 for a service
	desired string // "running", "complete" (a job's) or "shutdown"
	c       *container
	final   string // a state the task reached for good ("shutdown", "rejected"...)
	message string
	errText string
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

// watchTask restarts a task whose container exited, as the restart policy
// of its service says (condition "any" by default, after Delay, 5s).
func (d *Daemon) watchTask(s *swarmState, t *task, c *container) {
	exited, _ := lockedValue(d, func() (chan struct{}, error) { return c.exited, nil })
	select {
	case <-exited:
	case <-c.removed:
	case <-d.ctx.Done():
		return
	}
	restart := false
	delay := 5 * time.Second
	_ = d.locked(func() error {
		if d.swarm != s || !t.live() || s.services[t.svc.id] != t.svc {
			return nil
		}
		cond := "any"
		if rp := t.spec.RestartPolicy; rp != nil {
			cond = rp.Condition
			if rp.Delay != nil {
				delay = *rp.Delay
			}
		}
		code := c.state.ExitCode
		restart = cond == "any" || cond == "on-failure" && code != 0
		if t.svc.isJob() {
			restart = code != 0 && cond != "none" // a job's task that completed is done
		}
		if restart {
			t.desired = "shutdown"
		}
		return nil
	})
	if !restart {
		if t.svc.isJob() { // the next of the job's completions may start
			_ = d.locked(func() error {
				if d.swarm == s && s.services[t.svc.id] == t.svc {
					d.reconcileLocked(s, t.svc)
				}
				return nil
			})
		}
		return
	}
	tm := time.NewTimer(delay)
	defer tm.Stop()
	select {
	case <-tm.C:
	case <-d.ctx.Done():
		return
	}
	_ = d.locked(func() error {
		if d.swarm == s && s.services[t.svc.id] == t.svc {
			d.reconcileLocked(s, t.svc)
		}
		return nil
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
	hc, err := checkCreate(&cb, d.maxVersion)
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
	cur.Runtime = "" // as scheduleLocked keeps it
	return reflect.DeepEqual(t.spec, cur)
}

// live reports whether t is meant to run (or, a job's, to run to its
// end): its desired state is not shutdown.
func (t *task) live() bool { return t.desired == "running" || t.desired == "complete" }

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
