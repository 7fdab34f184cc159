package mockdaemon

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	iofs "io/fs"
	"path"
	"strconv"
	"strings"
	"time"
)

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
		if d.swarm != s || t.desired != "running" || s.services[t.svc.id] != t.svc {
			return nil
		}
		rp := sub(t.spec, "RestartPolicy")
		cond, _ := rp["Condition"].(string)
		code := c.state.ExitCode
		restart = cond == "" || cond == "any" || cond == "on-failure" && code != 0
		if n, ok := num(rp["Delay"]); ok {
			delay = time.Duration(n)
		}
		if restart {
			t.desired = "shutdown"
		}
		return nil
	})
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
	var cb createBody
	if err := decodeJSON(bytes.NewReader(b), &cb); err != nil {
		return nil, err
	}
	name := fmt.Sprintf("%s.%d.%s", svc.name(), t.slot, t.id)
	hc, err := checkCreate(cb, d.maxVersion)
	if err != nil {
		return nil, err
	}
	c, err := d.createContainerLocked(cb, hc, name, d.maxVersion)
	if err != nil {
		return nil, err
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
