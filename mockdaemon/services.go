package mockdaemon

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"
)

// service is a swarm service; its tasks are containers on this node.
type service struct {
	swarmObj
	spec         serviceSpec  // canonical (normalizeServiceSpec)
	prev         *serviceSpec // PreviousSpec
	updateStatus *updateStatus
	endpoint     serviceEndpoint
	jobRun       time.Time // JobStatus.LastExecution of a job
	jobIter      uint64    // JobStatus.JobIteration of a job: its updates so far
	upd          *updater  // the update in progress (services_update.go)
}

// networks are the service's network attachments (its TaskTemplate's,
// or the deprecated ones of its spec), their targets resolved to ids.
func (s *service) networks() []networkAttachmentConfig {
	if nets := s.spec.TaskTemplate.Networks; len(nets) > 0 {
		return nets
	}
	return s.spec.Networks
}

// swarmNetworkUserLocked names what holds the swarm network n for
// swarmkit's control API, which will not remove it then: a service
// attached to it ("service <id>"), or a container attached to it, which
// swarmkit knows by the network attachment task it made for it ("task
// <id>"); "" when nothing does.
func (d *Daemon) swarmNetworkUserLocked(n *network) string {
	s := d.swarm
	if s == nil || n.scope != "swarm" {
		return ""
	}
	for _, svc := range sortedObjs(s.services) {
		if slices.ContainsFunc(svc.networks(), func(a networkAttachmentConfig) bool { return a.Target == n.id }) {
			return "service " + svc.id
		}
	}
	for _, id := range sortedKeys(n.containers) {
		c := d.containers[id]
		if c == nil || c.config.Labels["com.docker.swarm.task.id"] != "" {
			continue
		}
		key := id + "/" + n.id
		if s.attachments == nil {
			s.attachments = map[string]string{}
		}
		if s.attachments[key] == "" {
			s.attachments[key] = d.swarmID()
		}
		return "task " + s.attachments[key]
	}
	return ""
}

// leftTaskLocked reports whether the container id is a swarm task's that
// is no longer meant to run (its service removed, or it shut down): its
// endpoints go with it and do not hold its networks.
func (d *Daemon) leftTaskLocked(id string) bool {
	c := d.containers[id]
	if c == nil {
		return false
	}
	tid := c.config.Labels["com.docker.swarm.task.id"]
	if tid == "" {
		return false
	}
	if d.swarm == nil {
		return true
	}
	t := d.swarm.tasks[tid]
	return t == nil || !t.live()
}

// isJob reports whether the service is a job: its tasks run to completion
// (desired state "complete") instead of running for good.
func (s *service) isJob() bool {
	return s.spec.Mode.ReplicatedJob != nil || s.spec.Mode.GlobalJob != nil
}

func (s *service) name() string { return s.spec.Name }

// replicas is how many tasks the service's mode asks for on this one
// node.
func (s *service) replicas() int {
	switch m := s.spec.Mode; {
	case m.Replicated != nil && m.Replicated.Replicas != nil:
		return int(*m.Replicated.Replicas)
	case m.ReplicatedJob != nil && m.ReplicatedJob.MaxConcurrent != nil:
		return int(min(*m.ReplicatedJob.MaxConcurrent, *m.ReplicatedJob.TotalCompletions))
	}
	return 1
}

// global reports whether the service runs a task per node (no slots).
func (s *service) global() bool { return s.spec.Mode.Global != nil || s.spec.Mode.GlobalJob != nil }

func (s *service) modeName() string {
	switch m := s.spec.Mode; {
	case m.Global != nil:
		return "global"
	case m.ReplicatedJob != nil:
		return "replicated-job"
	case m.GlobalJob != nil:
		return "global-job"
	}
	return "replicated"
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

// json is the service as inspect and list show it; insertDefaults fills
// what swarmkit's defaults would (?insertDefaults=true).
func (s *service) json(st *swarmState, status, insertDefaults bool) serviceJSON {
	out := serviceJSON{ID: s.id, objectMeta: s.meta(), Spec: s.spec, PreviousSpec: s.prev, Endpoint: s.endpoint, UpdateStatus: s.updateStatus}
	if s.isJob() {
		out.JobStatus = &jobStatusJSON{JobIteration: objectVersion{Index: s.jobIter}, LastExecution: s.jobRun}
	}
	if insertDefaults {
		out.Spec = withServiceDefaults(s.spec)
		if s.prev != nil {
			p := withServiceDefaults(*s.prev)
			out.PreviousSpec = &p
		}
	}
	if status {
		running, completed := 0, 0
		for _, t := range st.tasks {
			if t.svc != s || t.iter != s.jobIter {
				continue // a job counts the tasks of its current run
			}
			switch t.state() {
			case "running":
				running++
			case "complete":
				completed++
			}
		}
		out.ServiceStatus = &serviceStatusJSON{RunningTasks: uint64(running), DesiredTasks: uint64(s.replicas()), CompletedTasks: uint64(completed)}
	}
	return out
}

// The errors of dockerd's conversion of a service spec (ServiceSpecToGRPC),
// answered 400.
var (
	errMismatchedRuntime = errInvalid("mismatched Runtime and *Spec fields")
	errOneMode           = errInvalid("must specify only one service mode")
)

// normalizeServiceSpec checks spec and brings it to the form dockerd
// shows after its round trip through swarmkit: one mode (replicated with
// one replica when none), defaults of the restart policy, update configs,
// endpoint spec and isolation, canonical enum values, Runtime "container".
// name gives a spec without a name one.
func normalizeServiceSpec(spec *serviceSpec, name func() string) error {
	if spec.Name == "" {
		spec.Name = name()
	}
	if spec.Labels == nil {
		spec.Labels = map[string]string{}
	}
	tt := &spec.TaskTemplate
	switch tt.Runtime {
	case "", "container":
		if tt.ContainerSpec == nil {
			return errMismatchedRuntime
		}
		tt.Runtime = "container"
		if err := normalizeContainerSpec(tt.ContainerSpec); err != nil {
			return err
		}
	case "plugin":
		if tt.PluginSpec == nil {
			return errMismatchedRuntime
		}
		if spec.Mode.Replicated != nil {
			return errInvalid("plugins must not use replicated mode")
		}
		spec.Mode.Global = &struct{}{}
	default:
		return errInvalid("unsupported runtime")
	}
	if rp := tt.RestartPolicy; rp != nil {
		switch rp.Condition {
		case "none", "on-failure", "any":
		case "":
			rp.Condition = "any"
		default:
			return errInvalid(fmt.Sprintf("invalid RestartCondition: %q", rp.Condition))
		}
		if rp.MaxAttempts == nil {
			rp.MaxAttempts = new(uint64)
		}
	}
	for _, uc := range []*updateConfig{spec.UpdateConfig, spec.RollbackConfig} {
		if uc == nil {
			continue
		}
		switch uc.FailureAction {
		case "", "pause":
			uc.FailureAction = "pause"
		case "continue", "rollback":
		default:
			return errInvalid("unrecognized update failure action " + uc.FailureAction)
		}
		switch uc.Order {
		case "", "stop-first":
			uc.Order = "stop-first"
		case "start-first":
		default:
			return errInvalid("unrecognized update order " + uc.Order)
		}
	}
	if es := spec.EndpointSpec; es != nil {
		switch es.Mode {
		case "", "vip":
			es.Mode = "vip"
		case "dnsrr":
		default:
			return errInvalid(fmt.Sprintf("invalid resolution mode: %q", es.Mode))
		}
		for i := range es.Ports {
			p := &es.Ports[i]
			p.Protocol = enumOr(p.Protocol, "tcp", "tcp", "udp", "sctp")
			p.PublishMode = enumOr(p.PublishMode, "ingress", "ingress", "host")
		}
	}
	return normalizeMode(&spec.Mode)
}

// normalizeMode keeps one mode, with swarmkit's defaults.
func normalizeMode(m *serviceMode) error {
	n := 0
	for _, set := range []bool{m.Replicated != nil, m.Global != nil, m.ReplicatedJob != nil, m.GlobalJob != nil} {
		if set {
			n++
		}
	}
	switch {
	case n > 1:
		return errOneMode
	case m.ReplicatedJob != nil:
		j := m.ReplicatedJob
		if j.MaxConcurrent == nil {
			j.MaxConcurrent = ptr(uint64(1))
		}
		if j.TotalCompletions == nil {
			j.TotalCompletions = ptr(*j.MaxConcurrent)
		}
	case m.Global != nil || m.GlobalJob != nil:
	case m.Replicated == nil || m.Replicated.Replicas == nil:
		m.Replicated = &replicatedService{Replicas: ptr(uint64(1))}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

// enumOr is v as swarmkit keeps an enum given by name: matched without
// regard to case, def when it names none of values.
func enumOr(v, def string, values ...string) string {
	for _, x := range values {
		if strings.EqualFold(v, x) {
			return x
		}
	}
	return def
}

// normalizeContainerSpec is the ContainerSpec part of
// normalizeServiceSpec: mount types and propagations checked and lower
// case, secrets without a file target dropped, configs with exactly one
// target, isolation "default" unless hyperv or process.
func normalizeContainerSpec(c *taskContainerSpec) error {
	c.Isolation = enumOr(c.Isolation, "default", "default", "process", "hyperv")
	for i := range c.Mounts {
		m := &c.Mounts[i]
		switch t := strings.ToLower(m.Type); t {
		case "":
			m.Type = "bind"
		case "bind", "volume", "tmpfs", "npipe":
			m.Type = t
		default:
			return errInvalid(fmt.Sprintf("invalid MountType: %q", m.Type))
		}
		if b := m.BindOptions; b != nil {
			switch p := strings.ToLower(b.Propagation); p {
			case "rprivate", "private", "rshared", "shared", "rslave", "slave":
				b.Propagation = p
			case "":
				if !b.NonRecursive {
					m.BindOptions = nil
				} else {
					b.Propagation = "rprivate"
				}
			default:
				return errInvalid(fmt.Sprintf("invalid MountPropagation: %q", b.Propagation))
			}
		}
	}
	c.Secrets = slices.DeleteFunc(c.Secrets, func(r *secretReference) bool { return r == nil || r.File == nil })
	for _, r := range c.Configs {
		switch {
		case r == nil:
		case r.File == nil && r.Runtime == nil:
			return errInvalid("invalid Config: either File or Runtime should be set")
		case r.File != nil && r.Runtime != nil:
			return errInvalid("invalid Config: cannot specify both File and Runtime")
		}
	}
	c.Configs = slices.DeleteFunc(c.Configs, func(r *configReference) bool { return r == nil })
	return nil
}

// withServiceDefaults is spec with what swarmkit's InterpolateService
// fills in: the stop grace period and DNS config of the container,
// resources, restart policy (and its delay), placement, and both update
// configs (and their monitor).
func withServiceDefaults(spec serviceSpec) serviceSpec {
	spec = cloneSpec(spec)
	tt := &spec.TaskTemplate
	if c := tt.ContainerSpec; c != nil {
		if c.StopGracePeriod == nil {
			c.StopGracePeriod = ptr(10 * time.Second)
		}
		if c.DNSConfig == nil {
			c.DNSConfig = &dnsConfig{}
		}
	}
	if tt.Resources == nil {
		tt.Resources = &resourceRequirements{}
	}
	if tt.RestartPolicy == nil {
		tt.RestartPolicy = &taskRestartPolicy{Condition: "any", MaxAttempts: new(uint64)}
	}
	if tt.RestartPolicy.Delay == nil {
		tt.RestartPolicy.Delay = ptr(5 * time.Second)
	}
	if tt.Placement == nil {
		tt.Placement = &placement{}
	}
	for _, uc := range []**updateConfig{&spec.UpdateConfig, &spec.RollbackConfig} {
		if *uc == nil {
			*uc = &updateConfig{Parallelism: 1, FailureAction: "pause", Order: "stop-first"}
		}
		if (*uc).Monitor == 0 {
			(*uc).Monitor = 5 * time.Second
		}
	}
	return spec
}

// cloneSpec deep-copies a spec through its JSON.
func cloneSpec[T any](v T) T {
	var out T
	if err := jsonRoundTrip(v, &out); err != nil {
		panic("mockdaemon: a spec does not survive its own JSON: " + err.Error())
	}
	return out
}

// validServiceName is swarmkit's rule: a DNS name component.
var validServiceName = regexp.MustCompile(`^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$`)

// validateServiceSpecLocked checks what swarmkit checks before it stores
// a spec: the name, the image reference, a job's lack of an update
// config, the secrets and configs named.
func (d *Daemon) validateServiceSpecLocked(s *swarmState, spec *serviceSpec) error {
	if !validServiceName.MatchString(spec.Name) {
		return errInvalid("rpc error: code = InvalidArgument desc = name must be valid as a DNS name component")
	}
	if len(spec.Name) > 63 {
		return errInvalid("rpc error: code = InvalidArgument desc = name must be 63 characters or fewer")
	}
	cs := spec.TaskTemplate.ContainerSpec
	if cs == nil {
		return nil
	}
	if cs.Image == "" {
		return errInvalid("rpc error: code = InvalidArgument desc = ContainerSpec: image reference must be provided")
	}
	if _, err := parseRef(cs.Image, false); err != nil {
		return errInvalid(fmt.Sprintf("rpc error: code = InvalidArgument desc = ContainerSpec: %q is not a valid repository/tag", cs.Image))
	}
	if (spec.Mode.ReplicatedJob != nil || spec.Mode.GlobalJob != nil) && spec.UpdateConfig != nil {
		// swarmkit's validateJob: a job is never updated in place
		return errInvalid("rpc error: code = InvalidArgument desc = Jobs may not have an update config")
	}
	var missing []string
	for _, ref := range cs.Secrets {
		if o := s.secrets[ref.SecretID]; o == nil || o.spec.Name != ref.SecretName {
			missing = append(missing, ref.SecretName)
		}
	}
	if err := missingRefs("secret", missing); err != nil {
		return err
	}
	missing = nil
	for _, ref := range cs.Configs {
		if o := s.configs[ref.ConfigID]; o == nil || o.spec.Name != ref.ConfigName {
			missing = append(missing, ref.ConfigName)
		}
	}
	return missingRefs("config", missing)
}

func missingRefs(kind string, names []string) error {
	switch len(names) {
	case 0:
		return nil
	case 1:
		return errInvalid("rpc error: code = InvalidArgument desc = " + kind + " not found: " + names[0])
	}
	return errInvalid("rpc error: code = InvalidArgument desc = " + kind + "s not found: " + strings.Join(names, ", "))
}

// resolveServiceNetworksLocked puts the ids of the networks a spec names
// in place of their names, as dockerd does before it hands a spec to
// swarmkit: the task template's networks, or the service's (deprecated)
// when the template has none. A network is a swarm one (full id, name or
// id prefix) or one of the predefined bridge and host; a local network is
// refused (403), a missing one is dockerd's plain error (500).
func (d *Daemon) resolveServiceNetworksLocked(s *swarmState, spec *serviceSpec) error {
	nets := spec.TaskTemplate.Networks
	if len(nets) == 0 {
		nets = spec.Networks
	}
	for i := range nets {
		id, err := d.swarmNetworkIDLocked(s, nets[i].Target)
		if err != nil {
			return err
		}
		nets[i].Target = id
	}
	return nil
}

// swarmNetworkIDLocked resolves ref as swarmkit's getNetwork does.
func (d *Daemon) swarmNetworkIDLocked(s *swarmState, ref string) (string, error) {
	var byName, byPrefix []string
	for _, n := range d.networks {
		if n.scope != "swarm" {
			continue
		}
		switch {
		case n.id == ref:
			return n.id, nil
		case n.name == ref:
			byName = append(byName, n.id)
		case ref != "" && strings.HasPrefix(n.id, ref):
			byPrefix = append(byPrefix, n.id)
		}
	}
	for name, id := range s.predefined {
		switch {
		case id == ref:
			return id, nil
		case name == ref:
			byName = append(byName, id)
		case ref != "" && strings.HasPrefix(id, ref):
			byPrefix = append(byPrefix, id)
		}
	}
	found := byName
	if len(found) == 0 {
		found = byPrefix
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		if n, err := d.getNetworkLocked(ref); err == nil {
			return "", errForbidden("The network " + n.name + " cannot be used with services. Only networks scoped to the swarm can be used, such as those created with the overlay driver.")
		}
		return "", errors.New("network " + ref + " not found")
	}
	return "", fmt.Errorf("network %s is ambiguous (%d matches found)", ref, len(found))
}

// prepareServiceSpecLocked is what create and update do to a spec before
// they store it: dockerd's conversion, its network lookup, swarmkit's
// checks.
func (d *Daemon) prepareServiceSpecLocked(s *swarmState, spec *serviceSpec) error {
	if err := normalizeServiceSpec(spec, d.randomNameLocked); err != nil {
		return err
	}
	if err := d.resolveServiceNetworksLocked(s, spec); err != nil {
		return err
	}
	return d.validateServiceSpecLocked(s, spec)
}

// stopGrace is the ContainerSpec's StopGracePeriod (10s by default).
func stopGrace(spec serviceSpec) time.Duration {
	if cs := spec.TaskTemplate.ContainerSpec; cs != nil && cs.StopGracePeriod != nil {
		return *cs.StopGracePeriod
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
	if svc.isJob() {
		d.reconcileJobLocked(s, svc)
		return
	}
	live := map[int]bool{}
	for _, t := range s.tasks {
		if t.svc == svc && (t.desired == "running" || t.desired == "ready") {
			live[t.slot] = true
		}
	}
	want := svc.replicas()
	if svc.global() {
		if len(live) == 0 && !s.gaveUp(svc, 0) {
			d.scheduleLocked(s, svc, 0)
		}
		return
	}
	for slot := 1; len(live) < want && slot <= want+len(live); slot++ {
		if live[slot] || s.gaveUp(svc, slot) {
			continue
		}
		live[slot] = true
		d.scheduleLocked(s, svc, slot)
	}
	// scale down: the highest slots go
	var gone []*task
	for _, t := range s.tasks {
		if t.svc == svc && (t.desired == "running" || t.desired == "ready") && t.slot > want {
			gone = append(gone, t)
		}
	}
	d.shutdownTasksLocked(gone)
}

// reconcileJobLocked runs what the job's current run still needs, as
// swarmkit's job orchestrators do: a replicated job TotalCompletions
// tasks, MaxConcurrent at a time, in slots 0 to TotalCompletions-1 (a
// failed one replaced in its slot while its restart policy allows); a
// global job one task. Tasks that completed are done for this run.
func (d *Daemon) reconcileJobLocked(s *swarmState, svc *service) {
	busy := map[int]bool{} // slots with a task running or done
	active := 0
	for _, t := range s.tasks {
		if t.svc != svc || t.iter != svc.jobIter {
			continue
		}
		switch st := t.state(); {
		case st == "complete":
			busy[t.slot] = true
		case t.live() && (st == "failed" || st == "rejected"):
			busy[t.slot] = true // its restart policy lets it be
		case t.live():
			busy[t.slot] = true
			active++
		}
	}
	total, concurrent := 1, 1
	if j := svc.spec.Mode.ReplicatedJob; j != nil {
		total, concurrent = int(*j.TotalCompletions), int(*j.MaxConcurrent)
	}
	for slot := 0; slot < total && active < concurrent; slot++ {
		if busy[slot] || s.gaveUp(svc, slot) {
			continue
		}
		active++
		d.scheduleLocked(s, svc, slot)
	}
}

// scheduleLocked creates a task of svc in slot and starts it.
func (d *Daemon) scheduleLocked(s *swarmState, svc *service, slot int) {
	desired := "running"
	if svc.isJob() {
		desired = "complete" // swarmkit's job tasks run to completion
	}
	d.newTaskLocked(s, svc, slot, desired)
}

// newTaskLocked creates a task of svc's current spec in slot and its
// container, which it starts unless the task's desired state is "ready"
// (startTaskLocked starts it then); then the slot's history is trimmed.
func (d *Daemon) newTaskLocked(s *swarmState, svc *service, slot int, desired string) *task {
	now := d.now()
	spec := cloneSpec(svc.spec.TaskTemplate)
	spec.Runtime = "" // a task's spec shows no runtime
	t := &task{
		swarmObj: swarmObj{id: d.swarmID(), created: now, updated: now, version: d.nextIndexLocked()},
		spec:     spec, svcLbls: maps.Clone(svc.spec.Labels), svc: svc, slot: slot, desired: desired, iter: svc.jobIter,
		endpoint: svc.spec.EndpointSpec,
	}
	s.tasks[t.id] = t
	defer d.reapSlotLocked(s, svc, slot)
	c, err := d.taskContainerLocked(s, svc, t)
	if err != nil {
		t.final, t.errText, t.message = "rejected", err.Error(), "preparing"
		return t
	}
	t.c = c
	if desired != "ready" {
		d.runTaskLocked(s, t)
	}
	return t
}

// startTaskLocked moves a task waiting in ready to running and starts
// its container.
func (d *Daemon) startTaskLocked(s *swarmState, t *task) {
	if t.desired != "ready" {
		return
	}
	t.desired = "running"
	t.version = d.nextIndexLocked()
	if t.c != nil && t.final == "" {
		d.runTaskLocked(s, t)
	}
}

func (d *Daemon) runTaskLocked(s *swarmState, t *task) {
	c := t.c
	if err := d.startLocked(c); err != nil {
		// the agent's wording (dockerd's container adapter)
		t.final, t.errText, t.message = "failed", "starting container failed: "+err.Error(), "starting"
		d.taskEndedLocked(s, t)
		return
	}
	d.emitContainerLocked(c, "start")
	d.goTracked(func() { d.watchTask(s, t, c) })
}

// shutdownTasksLocked sets the tasks' desired state to shutdown and stops
// their containers (in the background, each with its spec's grace
// period).
func (d *Daemon) shutdownTasksLocked(ts []*task) {
	for _, t := range ts {
		if t.desired == "shutdown" {
			continue
		}
		t.desired = "shutdown"
		t.version = d.nextIndexLocked()
		if c := t.c; c != nil {
			grace := taskGrace(t)
			d.goTracked(func() { d.stopTaskContainers([]*container{c}, grace) })
		}
	}
}

// taskGrace is the StopGracePeriod of t's ContainerSpec (10s by default).
func taskGrace(t *task) time.Duration {
	if cs := t.spec.ContainerSpec; cs != nil && cs.StopGracePeriod != nil {
		return *cs.StopGracePeriod
	}
	return 10 * time.Second
}

// reapSlotLocked is swarmkit's task reaper on one slot of svc (a global
// service's node): past the swarm's TaskHistoryRetentionLimit tasks, the
// oldest that are not meant to run (or are past running) are deleted,
// with their containers. A negative limit keeps every task.
func (d *Daemon) reapSlotLocked(s *swarmState, svc *service, slot int) {
	limit := int64(5)
	if l := s.spec.Orchestration.TaskHistoryRetentionLimit; l != nil {
		limit = *l
	}
	if limit < 0 || svc.isJob() {
		return
	}
	var hist []*task
	for _, t := range s.tasks {
		if t.svc == svc && t.slot == slot {
			hist = append(hist, t)
		}
	}
	if int64(len(hist)) <= limit {
		return
	}
	slices.SortStableFunc(hist, func(a, b *task) int { return a.statusTime().Compare(b.statusTime()) })
	var doomed []*container
	for _, t := range hist {
		if t.live() && !t.ended() {
			continue
		}
		delete(s.tasks, t.id)
		if t.c != nil {
			doomed = append(doomed, t.c)
		}
		if limit++; int64(len(hist)) <= limit {
			break
		}
	}
	if len(doomed) > 0 {
		d.goTracked(func() { d.removeTaskContainers(doomed, 0) })
	}
}

// createServiceLocked makes a service of spec, schedules its tasks and
// emits its create event.
func (d *Daemon) createServiceLocked(spec serviceSpec) (string, error) {
	s, err := d.managerLocked()
	if err != nil {
		return "", err
	}
	if err := d.prepareServiceSpecLocked(s, &spec); err != nil {
		return "", err
	}
	for _, o := range s.services {
		if o.name() == spec.Name {
			return "", errConflict("rpc error: code = AlreadyExists desc = name conflicts with an existing object: service " + o.name() + " already exists")
		}
	}
	if err := s.checkPortsFree(spec, ""); err != nil {
		return "", err
	}
	now := d.now()
	svc := &service{swarmObj: swarmObj{id: d.swarmID(), created: now, updated: now, version: d.nextIndexLocked()}, spec: spec}
	if spec.Mode.ReplicatedJob != nil || spec.Mode.GlobalJob != nil {
		svc.jobRun = now
	}
	d.allocateEndpointLocked(s, svc)
	s.services[svc.id] = svc
	d.reconcileLocked(s, svc)
	d.events.emit("service", "create", svc.id, map[string]string{"name": svc.name()})
	return svc.id, nil
}

// updateServiceLocked updates (or, with rollback, rolls back) the service
// ref at version ver: its tasks are replaced when the task template
// changes, and UpdateStatus follows; it emits the update event. The
// checks come in swarmkit's order: the spec, the name, the previous spec
// of a rollback, the mode, and the version last (the store's).
func (d *Daemon) updateServiceLocked(ref string, ver uint64, spec serviceSpec, rollback bool) error {
	s, svc, err := d.serviceLookupLocked(ref)
	if err != nil {
		return err
	}
	if err := d.prepareServiceSpecLocked(s, &spec); err != nil {
		return err
	}
	switch {
	case spec.Name != svc.name():
		return errNotImplemented("rpc error: code = Unimplemented desc = renaming services is not supported")
	case rollback && svc.prev == nil:
		return errInvalid("rpc error: code = FailedPrecondition desc = service " + svc.id + " does not have a previous spec")
	case !rollback && (spec.Mode.Global != nil != (svc.spec.Mode.Global != nil) || spec.Mode.ReplicatedJob != nil != (svc.spec.Mode.ReplicatedJob != nil) || spec.Mode.GlobalJob != nil != (svc.spec.Mode.GlobalJob != nil)):
		return errNotImplemented("rpc error: code = Unimplemented desc = service mode change is not allowed")
	case ver != svc.version:
		return errInternal(msgSeqConfl)
	}
	if rollback {
		spec = cloneSpec(*svc.prev)
		spec.TaskTemplate.ForceUpdate = svc.spec.TaskTemplate.ForceUpdate
	}
	if err := s.checkPortsFree(spec, svc.id); err != nil {
		return err
	}
	old := svc.spec
	svc.prev = &old
	svc.spec = spec
	svc.version = d.nextIndexLocked()
	svc.updated = d.now()
	// swarmkit's control API: a rollback is marked started at once, any
	// other update clears the status of the last one
	svc.updateStatus = nil
	if rollback {
		now := d.now()
		svc.updateStatus = &updateStatus{State: "rollback_started", StartedAt: &now, Message: "manually requested rollback"}
	}
	if svc.isJob() {
		// an update runs the job again: a new iteration, whose tasks
		// replace what still runs of the last one
		svc.jobIter++
		svc.jobRun = svc.updated
		var stale []*task
		for _, t := range s.tasks {
			if t.svc == svc && t.iter < svc.jobIter && t.live() && t.state() != "complete" {
				stale = append(stale, t)
			}
		}
		d.shutdownTasksLocked(stale)
	}
	d.allocateEndpointLocked(s, svc)
	if svc.isJob() {
		if rollback {
			d.completeUpdateLocked(svc)
		}
		d.reconcileLocked(s, svc)
	} else {
		d.reconcileLocked(s, svc)
		d.startUpdateLocked(s, svc)
	}
	d.events.emit("service", "update", svc.id, map[string]string{"name": svc.name()})
	return nil
}

// checkPortsFree refuses published ingress ports another service (not
// self) already publishes, as swarmkit does.
func (s *swarmState) checkPortsFree(spec serviceSpec, self string) error {
	if spec.EndpointSpec == nil {
		return nil
	}
	for _, p := range spec.EndpointSpec.Ports {
		if p.PublishedPort == 0 || p.PublishMode != "ingress" {
			continue
		}
		for _, o := range sortedObjs(s.services) {
			if o.id == self {
				continue
			}
			for _, q := range o.endpoint.Ports {
				if q.PublishedPort == p.PublishedPort && q.Protocol == p.Protocol && q.PublishMode == "ingress" {
					return errInvalid(fmt.Sprintf("rpc error: code = InvalidArgument desc = port '%d' is already in use by service '%s' (%s) as an ingress port", p.PublishedPort, o.name(), o.id))
				}
			}
		}
	}
	return nil
}

// allocateEndpointLocked gives the service its Endpoint as swarmkit's
// allocator does: the spec as given, published ports with an ingress
// port each (from 30000 on when none was asked for), and a virtual IP on
// every network of a vip service (on the ingress network when a port is
// published there). A vip service with neither ports nor networks needs
// nothing and keeps an empty endpoint; one that is allocated gets a new
// version, as the allocator's write of it does on dockerd.
func (d *Daemon) allocateEndpointLocked(s *swarmState, svc *service) {
	defer func() {
		if !reflect.DeepEqual(svc.endpoint, serviceEndpoint{}) {
			svc.version = d.nextIndexLocked()
			svc.updated = d.now()
		}
	}()
	old := svc.endpoint
	ep := serviceEndpoint{}
	if es := svc.spec.EndpointSpec; es != nil {
		ep.Spec = cloneSpec(*es)
		used := map[uint32]bool{}
		for _, o := range s.services {
			if o != svc {
				for _, p := range o.endpoint.Ports {
					used[p.PublishedPort] = true
				}
			}
		}
		for _, p := range es.Ports {
			if p.PublishMode == "ingress" && p.PublishedPort == 0 {
				p.PublishedPort = oldPort(old.Ports, p)
				for port := uint32(30000); p.PublishedPort == 0 && port < 32768; port++ {
					if !used[port] {
						p.PublishedPort = port
					}
				}
				used[p.PublishedPort] = true
			}
			ep.Ports = append(ep.Ports, p)
		}
	}
	vip := svc.spec.EndpointSpec == nil || svc.spec.EndpointSpec.Mode != "dnsrr"
	nets := svc.spec.TaskTemplate.Networks
	if len(nets) == 0 {
		nets = svc.spec.Networks
	}
	if len(ep.Ports) == 0 && len(nets) == 0 && vip {
		ep = serviceEndpoint{} // nothing to allocate: the allocator leaves the endpoint as it is
	}
	var ids []string
	if vip && slices.ContainsFunc(ep.Ports, func(p portConfig) bool { return p.PublishMode == "ingress" }) && s.ingress != nil {
		ids = append(ids, s.ingress.id)
	}
	for _, n := range nets {
		ids = append(ids, n.Target)
	}
	for _, v := range old.VirtualIPs {
		if n := d.networks[v.NetworkID]; n != nil && !slices.Contains(ids, v.NetworkID) {
			n.releaseVIP(v.Addr)
		}
	}
	if vip {
		for _, id := range ids {
			v := virtualIP{NetworkID: id}
			if n := d.networks[id]; n != nil {
				v.Addr = oldVIP(old.VirtualIPs, id)
				if v.Addr == "" {
					v.Addr = n.allocVIP()
				}
			}
			ep.VirtualIPs = append(ep.VirtualIPs, v)
		}
	}
	svc.endpoint = ep
}

func oldPort(ports []portConfig, p portConfig) uint32 {
	for _, q := range ports {
		if q.TargetPort == p.TargetPort && q.Protocol == p.Protocol && q.PublishMode == p.PublishMode {
			return q.PublishedPort
		}
	}
	return 0
}

func oldVIP(vips []virtualIP, network string) string {
	for _, v := range vips {
		if v.NetworkID == network {
			return v.Addr
		}
	}
	return ""
}

// releaseEndpointLocked gives the service's virtual IPs back.
func (d *Daemon) releaseEndpointLocked(svc *service) {
	for _, v := range svc.endpoint.VirtualIPs {
		if n := d.networks[v.NetworkID]; n != nil {
			n.releaseVIP(v.Addr)
		}
	}
}
