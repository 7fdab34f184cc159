package mockdaemon

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	iofs "io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"sort"
	"strconv"
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

// task is one scheduled instance of a service, run as a container.
type task struct {
	swarmObj // spec: the service's TaskTemplate at scheduling time
	svc      *service
	slot     int
	desired  string // "running" or "shutdown"
	c        *container
	final    string // a state the task reached for good ("shutdown", "rejected"...)
	message  string
	errText  string
}

func num(v any) (int64, bool) {
	switch x := v.(type) {
	case json.Number:
		n, err := x.Int64()
		if err != nil {
			f, err := x.Float64()
			return int64(f), err == nil
		}
		return n, true
	case float64:
		return int64(x), true
	case int:
		return int64(x), true
	case int64:
		return x, true
	}
	return 0, false
}

func sub(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		next, _ := m[k].(map[string]any)
		if next == nil {
			return nil
		}
		m = next
	}
	return m
}

func strs(v any) []string {
	l, _ := v.([]any)
	var out []string
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// cloneJSON deep-copies a decoded JSON value.
func cloneJSON(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	b, _ := json.Marshal(m)
	var out map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	_ = dec.Decode(&out)
	return out
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
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

func (d *Daemon) serviceList(w http.ResponseWriter, r *http.Request) {
	f, err := parseFilters(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	status := boolParam(r, "status")
	d.mu.Lock()
	s, err := d.managerLocked()
	out := []any{}
	if err == nil {
		for _, svc := range sortedObjs(s.services) {
			mode := "replicated"
			if m := sub(svc.spec, "Mode"); m != nil && m["Global"] != nil {
				mode = "global"
			}
			if f.matchAny("id", func(v string) bool { return strings.HasPrefix(svc.id, v) }) &&
				f.matchAny("name", func(v string) bool { return strings.HasPrefix(svc.name(), v) }) &&
				f.matchAny("mode", func(v string) bool { return v == mode }) &&
				f.matchLabels("label", svc.labels()) {
				out = append(out, svc.json(s, status))
			}
		}
	}
	d.mu.Unlock()
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// sortedObjs orders objects by creation, then id.
func sortedObjs[T interface{ base() *swarmObj }](m map[string]T) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].base(), out[j].base()
		if !a.created.Equal(b.created) {
			return a.created.Before(b.created)
		}
		return a.id < b.id
	})
	return out
}

func (o *swarmObj) base() *swarmObj { return o }

func (d *Daemon) serviceInspect(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	s, svc, err := d.serviceLookupLocked(r.PathValue("id"))
	var out map[string]any
	if err == nil {
		out = svc.json(s, false)
	}
	d.mu.Unlock()
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
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

func (d *Daemon) serviceCreate(w http.ResponseWriter, r *http.Request) {
	spec, err := decodeSpec(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	d.mu.Lock()
	s, err := d.managerLocked()
	if err == nil {
		err = d.validateServiceSpecLocked(s, spec)
	}
	if err == nil {
		if spec["Name"] == nil || spec["Name"] == "" {
			spec["Name"] = d.randomNameLocked()
		}
		for _, o := range s.services {
			if o.name() == spec["Name"] {
				err = errConflict("rpc error: code = AlreadyExists desc = name conflicts with an existing object: service " + o.name() + " already exists")
			}
		}
	}
	if err != nil {
		d.mu.Unlock()
		writeError(w, r, err)
		return
	}
	if spec["Mode"] == nil {
		spec["Mode"] = map[string]any{"Replicated": map[string]any{"Replicas": 1}}
	}
	now := d.now()
	svc := &service{swarmObj: swarmObj{id: d.newID()[:25], created: now, updated: now, version: d.nextIndexLocked(), spec: spec}}
	s.services[svc.id] = svc
	d.reconcileLocked(s, svc)
	id, name := svc.id, svc.name()
	d.mu.Unlock()
	d.events.emit("service", "create", id, map[string]string{"name": name})
	writeJSON(w, http.StatusCreated, map[string]any{"ID": id, "Warnings": []string{}})
}

func (d *Daemon) serviceUpdate(w http.ResponseWriter, r *http.Request) {
	ver, err := versionParam(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	spec, err := decodeSpec(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	rollback := r.URL.Query().Get("rollback") == "previous"
	d.mu.Lock()
	s, svc, err := d.serviceLookupLocked(r.PathValue("id"))
	if err == nil && ver != svc.version {
		err = errInternal(msgSeqConfl)
	}
	if err == nil && rollback && svc.prev == nil {
		err = errInternal("service does not have a previous spec")
	}
	if err == nil && !rollback {
		err = d.validateServiceSpecLocked(s, spec)
	}
	if err == nil && !rollback && spec["Name"] != nil && spec["Name"] != svc.name() {
		err = errInvalid("rpc error: code = Unimplemented desc = renaming services is not supported")
	}
	if err != nil {
		d.mu.Unlock()
		writeError(w, r, err)
		return
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
			d.mu.Lock()
			defer d.mu.Unlock()
			if d.swarm != s || s.services[svc.id] != svc {
				return
			}
			d.reconcileLocked(s, svc)
			finished := "update completed"
			if rollback {
				finished = "rollback completed"
			}
			svc.updateStatus = map[string]any{"State": done, "StartedAt": svc.updateStatus["StartedAt"], "CompletedAt": fmtTime(d.now()), "Message": finished}
		})
	} else {
		d.reconcileLocked(s, svc)
	}
	id, name := svc.id, svc.name()
	d.mu.Unlock()
	d.events.emit("service", "update", id, map[string]string{"name": name})
	writeJSON(w, http.StatusOK, map[string]any{"Warnings": []string{}})
}

func (d *Daemon) serviceDelete(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	s, svc, err := d.serviceLookupLocked(r.PathValue("id"))
	if err != nil {
		d.mu.Unlock()
		writeError(w, r, err)
		return
	}
	delete(s.services, svc.id)
	var doomed []*container
	for id, t := range s.tasks {
		if t.svc == svc {
			delete(s.tasks, id)
			if t.c != nil {
				doomed = append(doomed, t.c)
			}
		}
	}
	grace := stopGrace(svc.spec)
	d.mu.Unlock()
	d.goTracked(func() { d.removeTaskContainers(doomed, grace) })
	d.events.emit("service", "remove", svc.id, map[string]string{"name": svc.name()})
	w.WriteHeader(http.StatusOK)
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
		d.mu.Lock()
		_, present := d.containers[c.id]
		d.removeLocked(c, true)
		attrs := c.eventAttrs()
		d.mu.Unlock()
		if present {
			d.events.emit("container", "destroy", c.id, attrs)
		}
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
	id, attrs := c.id, c.eventAttrs()
	d.goTracked(func() {
		d.events.emit("container", "start", id, attrs)
		d.watchTask(s, t, c)
	})
}

// watchTask restarts a task whose container exited, as the restart policy
// of its service says (condition "any" by default, after Delay, 5s).
func (d *Daemon) watchTask(s *swarmState, t *task, c *container) {
	d.mu.Lock()
	exited := c.exited
	d.mu.Unlock()
	select {
	case <-exited:
	case <-c.removed:
	case <-d.ctx.Done():
		return
	}
	d.mu.Lock()
	if d.swarm != s || t.desired != "running" || s.services[t.svc.id] != t.svc {
		d.mu.Unlock()
		return
	}
	rp := sub(t.spec, "RestartPolicy")
	cond, _ := rp["Condition"].(string)
	code := c.state.ExitCode
	restart := cond == "" || cond == "any" || cond == "on-failure" && code != 0
	delay := 5 * time.Second
	if n, ok := num(rp["Delay"]); ok {
		delay = time.Duration(n)
	}
	if restart {
		t.desired = "shutdown"
	}
	d.mu.Unlock()
	if !restart {
		return
	}
	tm := time.NewTimer(delay)
	defer tm.Stop()
	select {
	case <-tm.C:
	case <-d.ctx.Done():
		return
	}
	d.mu.Lock()
	if d.swarm == s && s.services[t.svc.id] == t.svc {
		d.reconcileLocked(s, t.svc)
	}
	d.mu.Unlock()
}

// recorder is an in-process http.ResponseWriter for reusing handlers.
type recorder struct {
	h    http.Header
	code int
	body bytes.Buffer
}

func (r *recorder) Header() http.Header {
	if r.h == nil {
		r.h = http.Header{}
	}
	return r.h
}
func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
}
func (r *recorder) Write(p []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.body.Write(p)
}

// taskContainerLocked creates the task's container from its ContainerSpec
// through the container create handler, and mounts the service's secrets
// and configs into it.
func (d *Daemon) taskContainerLocked(s *swarmState, svc *service, t *task) (*container, error) {
	cs := sub(t.spec, "ContainerSpec")
	labels := strMap(cs["Labels"])
	for k, v := range map[string]string{
		"com.docker.swarm.node.id": s.nodeID, "com.docker.swarm.service.id": svc.id,
		"com.docker.swarm.service.name": svc.name(), "com.docker.swarm.task": "",
		"com.docker.swarm.task.id": t.id, "com.docker.swarm.task.name": fmt.Sprintf("%s.%d.%s", svc.name(), t.slot, t.id),
	} {
		labels[k] = v
	}
	body := map[string]any{
		"Image":      cs["Image"],
		"Env":        cs["Env"],
		"WorkingDir": cs["Dir"],
		"User":       cs["User"],
		"Hostname":   cs["Hostname"],
		"Labels":     labels,
		"Tty":        cs["TTY"],
		"OpenStdin":  cs["OpenStdin"],
		"StopSignal": cs["StopSignal"],
		"HostConfig": map[string]any{"Mounts": cs["Mounts"], "Init": cs["Init"], "ReadonlyRootfs": cs["ReadOnly"]},
	}
	if cmd := strs(cs["Command"]); len(cmd) > 0 {
		body["Entrypoint"] = cmd
	}
	if args := strs(cs["Args"]); len(args) > 0 {
		body["Cmd"] = args
	}
	for k, v := range body {
		if v == nil {
			delete(body, k)
		}
	}
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", "/containers/create?name="+url.QueryEscape(fmt.Sprintf("%s.%d.%s", svc.name(), t.slot, t.id)), bytes.NewReader(b))
	req = req.WithContext(withReqInfo(d.ctx, &reqInfo{version: d.maxVersion, rec: &Request{}}))
	rec := &recorder{}
	d.mu.Unlock()
	err := d.containerCreate(rec, req)
	d.mu.Lock()
	if err != nil {
		return nil, err
	}
	var res struct {
		ID      string `json:"Id"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(rec.body.Bytes(), &res)
	if rec.code != http.StatusCreated {
		return nil, fmt.Errorf("%s", res.Message)
	}
	c := d.containers[res.ID]
	if c == nil {
		return nil, fmt.Errorf("No such container: %s", res.ID)
	}
	for _, ref := range refsOf(cs["Secrets"]) {
		sec := s.secrets[ref.id]
		if sec == nil {
			continue
		}
		p := ref.file
		if p == "" {
			p = ref.name
		}
		if !path.IsAbs(p) {
			p = "/run/secrets/" + p
		}
		writeObjFile(c, p, objData(sec), ref.mode, 0o444)
	}
	for _, ref := range refsOf(cs["Configs"]) {
		cfg := s.configs[ref.id]
		if cfg == nil {
			continue
		}
		p := ref.file
		if p == "" {
			p = "/" + ref.name
		}
		if !path.IsAbs(p) {
			p = "/" + p
		}
		writeObjFile(c, p, objData(cfg), ref.mode, 0o444)
	}
	return c, nil
}

func objData(o *swarmObj) []byte {
	s, _ := o.spec["Data"].(string)
	b, _ := base64.StdEncoding.DecodeString(s)
	return b
}

func writeObjFile(c *container, p string, data []byte, mode, def int64) {
	if mode == 0 {
		mode = def
	}
	_ = c.fs.MkdirAll(path.Dir(p), 0o755)
	_ = c.fs.WriteFile(p, data, 0o644)
	_ = c.fs.Chmod(p, iofs.FileMode(mode)&0o777)
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

func (t *task) json(s *swarmState) map[string]any {
	m := t.meta()
	m["Labels"] = map[string]any{}
	m["ServiceID"] = t.svc.id
	m["Slot"] = t.slot
	m["NodeID"] = s.nodeID
	m["DesiredState"] = t.desired
	st := t.state()
	status := map[string]any{"Timestamp": fmtTime(t.updated), "State": st, "Message": t.message, "PortStatus": map[string]any{}}
	if status["Message"] == "" {
		status["Message"] = map[string]string{"running": "started", "complete": "finished", "shutdown": "shutdown", "failed": "started"}[st]
	}
	if t.errText != "" {
		status["Err"] = t.errText
	}
	if c := t.c; c != nil {
		cst := map[string]any{"ContainerID": c.id, "PID": c.state.Pid, "ExitCode": c.state.ExitCode}
		status["ContainerStatus"] = cst
		if st == "failed" && t.errText == "" {
			status["Err"] = "task: non-zero exit (" + strconv.Itoa(c.state.ExitCode) + ")"
		}
		if !c.state.StartedAt.IsZero() {
			status["Timestamp"] = fmtTime(c.state.StartedAt)
		}
	}
	m["Status"] = status
	return m
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

func (d *Daemon) taskList(w http.ResponseWriter, r *http.Request) {
	f, err := parseFilters(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	d.mu.Lock()
	s, err := d.managerLocked()
	out := []any{}
	if err == nil {
		for _, t := range sortedObjs(s.tasks) {
			name := fmt.Sprintf("%s.%d", t.svc.name(), t.slot)
			if f.matchAny("id", func(v string) bool { return strings.HasPrefix(t.id, v) }) &&
				f.matchAny("service", func(v string) bool { return v == t.svc.id || v == t.svc.name() || strings.HasPrefix(t.svc.id, v) }) &&
				f.matchAny("name", func(v string) bool { return strings.HasPrefix(name, v) }) &&
				f.matchAny("node", func(v string) bool { return strings.HasPrefix(s.nodeID, v) || v == d.cfg.Hostname }) &&
				f.matchAny("desired-state", func(v string) bool { return v == t.desired || v == "accepted" && t.desired == "running" }) &&
				f.matchLabels("label", map[string]string{}) {
				out = append(out, t.json(s))
			}
		}
	}
	d.mu.Unlock()
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (d *Daemon) taskInspect(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	s, t, err := d.taskLookupLocked(r.PathValue("id"))
	var out map[string]any
	if err == nil {
		out = t.json(s)
	}
	d.mu.Unlock()
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (d *Daemon) serviceLogs(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	s, svc, err := d.serviceLookupLocked(r.PathValue("id"))
	var cs []*container
	var tty bool
	if err == nil {
		for _, t := range sortedObjs(s.tasks) {
			if t.svc == svc && t.c != nil {
				cs = append(cs, t.c)
			}
		}
		tty, _ = sub(svc.spec, "TaskTemplate", "ContainerSpec")["TTY"].(bool)
	}
	d.mu.Unlock()
	if err != nil {
		writeError(w, r, err)
		return
	}
	d.swarmLogs(w, r, cs, tty)
}

func (d *Daemon) taskLogs(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	_, t, err := d.taskLookupLocked(r.PathValue("id"))
	var cs []*container
	var tty bool
	if err == nil {
		if t.c != nil {
			cs = append(cs, t.c)
		}
		tty, _ = sub(t.spec, "ContainerSpec")["TTY"].(bool)
	}
	d.mu.Unlock()
	if err != nil {
		writeError(w, r, err)
		return
	}
	d.swarmLogs(w, r, cs, tty)
}

// swarmLogs writes the logs of the containers as dockerd's service logs:
// always stdcopy frames, entries in time order; follow waits for more
// until every container's run ended or the client goes.
func (d *Daemon) swarmLogs(w http.ResponseWriter, r *http.Request, cs []*container, tty bool) {
	stdout, stderr := boolParam(r, "stdout"), boolParam(r, "stderr")
	if !stdout && !stderr {
		writeError(w, r, errInvalid("Bad parameters: you must choose at least one stream"))
		return
	}
	follow, timestamps := boolParam(r, "follow"), boolParam(r, "timestamps")
	tail := -1
	if v := r.URL.Query().Get("tail"); v != "" && v != "all" {
		n, err := strconv.Atoi(v)
		if err != nil {
			writeError(w, r, errInvalid("invalid value for tail: "+v))
			return
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
	for _, e := range all {
		if ew.write(e) != nil {
			return
		}
	}
	flush(w)
	if !follow {
		return
	}
	for {
		var chs []<-chan struct{}
		for i, c := range cs {
			es, n, _, ch := c.logs.since(next[i])
			next[i] = n
			for _, e := range es {
				if ew.write(e) != nil {
					return
				}
			}
			chs = append(chs, ch)
		}
		flush(w)
		if !waitAny(r, d, chs) {
			return
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
