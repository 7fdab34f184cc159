package mockdaemon

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Health check defaults and bounds, as in dockerd's daemon/health.go.
const (
	defaultProbeInterval = 30 * time.Second
	defaultProbeTimeout  = 30 * time.Second
	defaultProbeRetries  = 3
	maxHealthLogEntries  = 5
	maxHealthOutputLen   = 4096
)

// healthConfig is Config.Healthcheck (durations in nanoseconds).
type healthConfig struct {
	Test          []string      `json:"Test,omitempty"`
	Interval      time.Duration `json:"Interval,omitempty"`
	Timeout       time.Duration `json:"Timeout,omitempty"`
	StartPeriod   time.Duration `json:"StartPeriod,omitempty"`
	StartInterval time.Duration `json:"StartInterval,omitempty"`
	Retries       int           `json:"Retries,omitempty"`
}

func parseHealthConfig(raw json.RawMessage) *healthConfig {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var hc healthConfig
	if json.Unmarshal(raw, &hc) != nil {
		return nil
	}
	return &hc
}

// mergeHealthcheck fills what the container's Healthcheck leaves unset
// from the image's, like dockerd's merge at create.
func mergeHealthcheck(c, image json.RawMessage) json.RawMessage {
	ih := parseHealthConfig(image)
	ch := parseHealthConfig(c)
	if ch == nil {
		return image
	}
	if ih == nil {
		ih = &healthConfig{}
	}
	// what follows re-encodes ch as dockerd does: unset fields (null or
	// zero in the request) are left out
	if len(ch.Test) == 0 {
		ch.Test = ih.Test
	}
	if ch.Interval == 0 {
		ch.Interval = ih.Interval
	}
	if ch.Timeout == 0 {
		ch.Timeout = ih.Timeout
	}
	if ch.StartPeriod == 0 {
		ch.StartPeriod = ih.StartPeriod
	}
	if ch.StartInterval == 0 {
		ch.StartInterval = ih.StartInterval
	}
	if ch.Retries == 0 {
		ch.Retries = ih.Retries
	}
	b, err := json.Marshal(ch)
	if err != nil {
		return c
	}
	return b
}

// healthResult is one probe in State.Health.Log.
type healthResult struct {
	Start    time.Time
	End      time.Time
	ExitCode int
	Output   string
}

// healthState is State.Health.
type healthState struct {
	Status        string
	FailingStreak int
	Log           []healthResult
}

func (h *healthState) json() map[string]any {
	log := make([]any, 0, len(h.Log))
	for _, r := range h.Log {
		log = append(log, map[string]any{"Start": fmtTime(r.Start), "End": fmtTime(r.End), "ExitCode": r.ExitCode, "Output": r.Output})
	}
	return map[string]any{"Status": h.Status, "FailingStreak": h.FailingStreak, "Log": log}
}

// healthStatus is what the health= list filter and docker ps see:
// starting, healthy, unhealthy, or none without a healthcheck.
func (c *container) healthStatus() string {
	if c.health == nil {
		return "none"
	}
	return c.health.Status
}

// probeArgv is the probe's command: CMD runs its arguments, CMD-SHELL
// its string through the container's shell; nil when checks are off.
func probeArgv(hc *healthConfig, shell []string) []string {
	if hc == nil || len(hc.Test) == 0 {
		return nil
	}
	switch hc.Test[0] {
	case "CMD":
		if len(hc.Test) > 1 {
			return hc.Test[1:]
		}
	case "CMD-SHELL":
		if len(shell) == 0 {
			shell = []string{"/bin/sh", "-c"}
		}
		return append(append([]string(nil), shell...), strings.Join(hc.Test[1:], " "))
	}
	return nil // NONE, or nothing to run
}

// startHealthLocked begins health checking for the run that ends when
// exited closes: the status is "starting" until a probe decides.
func (d *Daemon) startHealthLocked(c *container, exited chan struct{}) {
	hc := parseHealthConfig(c.config.Healthcheck)
	argv := probeArgv(hc, c.config.Shell)
	if argv == nil {
		return
	}
	if c.health == nil {
		c.health = &healthState{Log: []healthResult{}}
	}
	c.health.Status, c.health.FailingStreak = "starting", 0
	d.goTracked(func() { d.healthMonitor(c, hc, argv, exited) })
}

// healthMonitor probes on a timer (no polling) until the run ends or the
// daemon closes: every StartInterval while starting within StartPeriod,
// else every Interval.
func (d *Daemon) healthMonitor(c *container, hc *healthConfig, argv []string, exited chan struct{}) {
	interval := orDefault(hc.Interval, defaultProbeInterval)
	next := func() time.Duration {
		if hc.StartInterval > 0 && hc.StartPeriod > 0 {
			starting, _ := lockedValue(d, func() (bool, error) {
				return c.health != nil && c.health.Status == "starting" && d.now().Sub(c.state.StartedAt) < hc.StartPeriod, nil
			})
			if starting {
				return hc.StartInterval
			}
		}
		return interval
	}
	t := time.NewTimer(next())
	defer t.Stop()
	for {
		select {
		case <-exited:
			return
		case <-d.ctx.Done():
			return
		case <-t.C:
		}
		if !d.probe(c, hc, argv, exited) {
			return
		}
		t.Reset(next())
	}
}

func orDefault(v, def time.Duration) time.Duration {
	if v <= 0 {
		return def
	}
	return v
}

// probe runs one check and records it; false once the run is over.
func (d *Daemon) probe(c *container, hc *healthConfig, argv []string, exited chan struct{}) bool {
	out := &capWriter{max: maxHealthOutputLen}
	var spec procSpec
	over, skip := false, false
	_ = d.locked(func() error {
		if over = c.exited != exited || !c.state.Running; over {
			return nil
		}
		if skip = c.state.Paused; skip {
			return nil // dockerd skips probes of a paused container
		}
		spec = procSpec{
			Argv: argv, Env: d.processEnvLocked(c, c.config.Env, c.config.User, false), Dir: workDir(c.config.WorkingDir),
			User: c.config.User, GroupAdd: c.host.GroupAdd, Ulimits: c.rlimits(), Hostname: c.config.Hostname, FS: c.fs, Stdin: eofReader{}, Stdout: out, Stderr: out,
			PIDs: c.pids, Net: c.netNS(), MountInfo: c.mountinfo,
		}
		return nil
	})
	if over || skip {
		return !over
	}
	res := healthResult{Start: d.now()}
	timeout := orDefault(hc.Timeout, defaultProbeTimeout)
	p := startProc(spec)
	t := time.NewTimer(timeout)
	select {
	case <-p.Done():
		t.Stop()
		res.ExitCode, res.Output = p.ExitCode(), out.String()
	case <-t.C:
		p.Signal(9)
		res.ExitCode, res.Output = -1, fmt.Sprintf("Health check exceeded timeout (%v)", timeout)
	case <-exited:
		t.Stop()
		p.Signal(9)
		return false
	case <-d.ctx.Done():
		t.Stop()
		p.Signal(9)
		return false
	}
	res.End = d.now()

	return d.recordProbe(c, hc, exited, res)
}

// recordProbe adds a probe's result to c's health, and emits
// health_status when the status changes; false once the run is over.
func (d *Daemon) recordProbe(c *container, hc *healthConfig, exited chan struct{}, res healthResult) bool {
	current, _ := lockedValue(d, func() (bool, error) {
		h := c.health
		if c.exited != exited || h == nil {
			return false, nil
		}
		h.Log = append(h.Log, res)
		if n := len(h.Log); n > maxHealthLogEntries {
			h.Log = append([]healthResult(nil), h.Log[n-maxHealthLogEntries:]...)
		}
		old := h.Status
		if res.ExitCode == 0 {
			h.FailingStreak, h.Status = 0, "healthy"
		} else if h.Status != "starting" || res.Start.Sub(c.state.StartedAt) >= hc.StartPeriod {
			// failures in the start period do not count until a first success
			h.FailingStreak++
			retries := hc.Retries
			if retries <= 0 {
				retries = defaultProbeRetries
			}
			if h.FailingStreak >= retries {
				h.Status = "unhealthy"
			}
		}
		if h.Status != old {
			d.emitContainerLocked(c, "health_status: "+h.Status)
		}
		return true, nil
	})
	return current
}

// capWriter keeps the first max bytes written to it, from any goroutine.
type capWriter struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (w *capWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if room := w.max - len(w.b); room > 0 {
		w.b = append(w.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (w *capWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.b)
}
