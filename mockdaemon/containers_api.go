package mockdaemon

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

var validName = regexp.MustCompile(`^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$`)

type createBody struct {
	containerConfig
	HostConfig       *hostConfig `json:"HostConfig"`
	NetworkingConfig *struct {
		EndpointsConfig map[string]*endpointConfig `json:"EndpointsConfig"`
	} `json:"NetworkingConfig"`
}

type endpointConfig struct {
	IPAMConfig *struct {
		IPv4Address string `json:"IPv4Address"`
	} `json:"IPAMConfig"`
	Aliases []string `json:"Aliases"`
}

var defaultMaskedPaths = []string{"/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap"}
var defaultReadonlyPaths = []string{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}

func (d *Daemon) containerCreate(w http.ResponseWriter, r *http.Request) {
	var body createBody
	if err := decodeBody(r, &body); err != nil {
		writeError(w, r, err)
		return
	}
	name := r.URL.Query().Get("name")
	if name != "" && !validName.MatchString(name) {
		writeError(w, r, errInvalid("Invalid container name ("+name+"), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"))
		return
	}
	hc := body.HostConfig
	if hc == nil {
		hc = &hostConfig{}
	}
	if body.Image == "" {
		writeError(w, r, errInvalid("config cannot be empty in order to create a container"))
		return
	}
	if hc.AutoRemove && hc.RestartPolicy.Name != "" && hc.RestartPolicy.Name != "no" {
		writeError(w, r, errInvalid("can't create 'AutoRemove' container with restart policy"))
		return
	}
	switch hc.RestartPolicy.Name {
	case "", "no", "always", "unless-stopped", "on-failure":
	default:
		writeError(w, r, errInvalid("invalid restart policy: unknown policy '"+hc.RestartPolicy.Name+"'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'"))
		return
	}
	if hc.Memory > 0 && hc.Memory < 6*1024*1024 {
		writeError(w, r, errInvalid("Minimum memory limit allowed is 6MB"))
		return
	}
	if hc.MemorySwap > 0 && hc.Memory > 0 && hc.MemorySwap < hc.Memory {
		writeError(w, r, errInvalid("Minimum memoryswap limit should be larger than memory limit, see usage"))
		return
	}
	ver := infoOf(r).version

	d.mu.Lock()
	im, err := d.images.get(body.Image)
	if err != nil {
		d.mu.Unlock()
		writeError(w, r, err)
		return
	}
	id := d.newID()
	if name == "" {
		name = d.randomNameLocked()
	}
	name = "/" + strings.TrimPrefix(name, "/")
	if other, ok := d.names[name]; ok {
		d.mu.Unlock()
		writeError(w, r, errConflict(fmt.Sprintf("Conflict. The container name %q is already in use by container %q. You have to remove (or rename) that container to be able to reuse that name.", name, other)))
		return
	}
	c := &container{
		d:         d,
		id:        id,
		name:      name,
		created:   d.now(),
		imageID:   im.id,
		config:    body.containerConfig,
		host:      *hc,
		exited:    make(chan struct{}),
		removed:   make(chan struct{}),
		pauseGate: &gate{},
		eps:       map[string]*endpoint{},
		platform:  "linux",
	}
	mergeImageConfig(&c.config, im.file.Config)
	if len(c.config.Entrypoint)+len(c.config.Cmd) == 0 {
		d.mu.Unlock()
		writeError(w, r, errInvalid("no command specified"))
		return
	}
	argv := append(slices.Clone([]string(c.config.Entrypoint)), c.config.Cmd...)
	c.path, c.args = argv[0], nonNil(argv[1:])
	if c.config.Hostname == "" {
		c.config.Hostname = id[:12]
	}
	normalizeHostConfig(&c.host, ver)
	c.logs = newLogBuf(d.cfg.Clock, c.config.Tty)
	c.state = containerState{Status: "created"}
	c.fs = im.fs.Clone()
	c.base = im.fs
	if err := d.setupMountsLocked(c); err != nil {
		d.mu.Unlock()
		writeError(w, r, err)
		return
	}
	if err := d.setupNetworksLocked(c, body.NetworkingConfig); err != nil {
		d.detachVolumesLocked(c, true)
		d.mu.Unlock()
		writeError(w, r, err)
		return
	}
	d.indexContainerLocked(c)
	d.names[name] = id
	d.prepareRootfsLocked(c)
	attrs := c.eventAttrs()
	d.mu.Unlock()
	d.events.emit("container", "create", id, attrs)
	writeJSON(w, http.StatusCreated, map[string]any{"Id": id, "Warnings": []string{}})
}

// mergeImageConfig fills what the request left empty from the image.
func mergeImageConfig(c *containerConfig, ic imageConfig) {
	if len(c.Entrypoint) == 0 && len(c.Cmd) == 0 {
		c.Entrypoint = ic.Entrypoint
		c.Cmd = ic.Cmd
	} else if len(c.Entrypoint) == 0 && len(ic.Entrypoint) > 0 && c.Entrypoint == nil {
		c.Entrypoint = ic.Entrypoint
	}
	c.Healthcheck = mergeHealthcheck(c.Healthcheck, ic.Healthcheck)
	if len(c.Shell) == 0 {
		c.Shell = ic.Shell
	}
	env := slices.Clone(ic.Env)
	for _, e := range c.Env {
		k, v, _ := strings.Cut(e, "=")
		env = setEnv(env, k, v)
	}
	c.Env = env
	if c.WorkingDir == "" {
		c.WorkingDir = ic.WorkingDir
	}
	if c.User == "" {
		c.User = ic.User
	}
	labels := map[string]string{}
	for k, v := range ic.Labels {
		labels[k] = v
	}
	for k, v := range c.Labels {
		labels[k] = v
	}
	c.Labels = labels
	for p := range ic.ExposedPorts {
		if c.ExposedPorts == nil {
			c.ExposedPorts = map[string]struct{}{}
		}
		c.ExposedPorts[p] = struct{}{}
	}
	for v := range ic.Volumes {
		if c.Volumes == nil {
			c.Volumes = map[string]struct{}{}
		}
		c.Volumes[v] = struct{}{}
	}
	if c.StopSignal == "" {
		c.StopSignal = ic.StopSignal
	}
	if c.OnBuild == nil {
		c.OnBuild = nil
	}
}

func normalizeHostConfig(h *hostConfig, ver apiVersion) {
	if h.NetworkMode == "" || h.NetworkMode == "default" {
		if ver.atLeast("1.44") {
			h.NetworkMode = "bridge"
		} else {
			h.NetworkMode = "default"
		}
	}
	if h.LogConfig.Type == "" {
		h.LogConfig.Type = "json-file"
	}
	if h.LogConfig.Config == nil {
		h.LogConfig.Config = map[string]string{}
	}
	if h.RestartPolicy.Name == "" {
		h.RestartPolicy.Name = "no"
	}
	if h.CgroupnsMode == "" {
		h.CgroupnsMode = "private"
	}
	if h.IpcMode == "" {
		h.IpcMode = "private"
	}
	if h.ShmSize == 0 {
		h.ShmSize = 64 << 20
	}
	if h.Runtime == "" {
		h.Runtime = "runc"
	}
	if h.Memory > 0 && h.MemorySwap == 0 {
		h.MemorySwap = 2 * h.Memory
	}
	if h.MaskedPaths == nil && !h.Privileged {
		h.MaskedPaths = defaultMaskedPaths
	}
	if h.ReadonlyPaths == nil && !h.Privileged {
		h.ReadonlyPaths = defaultReadonlyPaths
	}
	if h.PortBindings == nil {
		h.PortBindings = map[string][]portBinding{}
	}
}

var nameLeft = []string{"admiring", "brave", "clever", "dreamy", "eager", "focused", "gallant", "happy", "jolly", "keen", "loving", "modest", "nifty", "optimistic", "peaceful", "quirky", "relaxed", "serene", "tender", "upbeat", "vibrant", "wizardly", "xenodochial", "youthful", "zealous"}
var nameRight = []string{"albattani", "bardeen", "curie", "darwin", "einstein", "feynman", "goldberg", "hopper", "ishizaka", "jennings", "kepler", "lovelace", "mayer", "noether", "ohm", "pasteur", "ride", "shannon", "tesla", "turing", "villani", "wozniak", "yalow", "zhukovsky"}

// randomNameLocked picks an unused adjective_name; d.mu held.
func (d *Daemon) randomNameLocked() string {
	for i := 0; ; i++ {
		id := d.newID()
		a, _ := strconv.ParseUint(id[:8], 16, 64)
		b, _ := strconv.ParseUint(id[8:16], 16, 64)
		n := "/" + nameLeft[a%uint64(len(nameLeft))] + "_" + nameRight[b%uint64(len(nameRight))]
		if i > 5 {
			n += strconv.Itoa(int(a % 100))
		}
		if _, ok := d.names[n]; !ok {
			return n[1:]
		}
	}
}

func (c *container) eventAttrs() map[string]string {
	m := map[string]string{}
	for k, v := range c.config.Labels {
		m[k] = v
	}
	m["image"] = c.config.Image
	m["name"] = strings.TrimPrefix(c.name, "/")
	return m
}

func (c *container) stateJSON() map[string]any {
	s := c.state
	m := map[string]any{
		"Status":     s.Status,
		"Running":    s.Running,
		"Paused":     s.Paused,
		"Restarting": s.Restarting,
		"OOMKilled":  s.OOMKilled,
		"Dead":       s.Dead,
		"Pid":        s.Pid,
		"ExitCode":   s.ExitCode,
		"Error":      s.Error,
		"StartedAt":  fmtTime(s.StartedAt),
		"FinishedAt": fmtTime(s.FinishedAt),
	}
	if c.health != nil {
		m["Health"] = c.health.json()
	}
	return m
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "0001-01-01T00:00:00Z"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// inspect is GET /containers/{id}/json; d.mu held.
func (c *container) inspect(ver apiVersion) map[string]any {
	mounts := []mountPoint{}
	mounts = append(mounts, c.mounts...)
	cfg := c.config
	hc := c.host
	m := map[string]any{
		"Id":              c.id,
		"Created":         c.created.Format(time.RFC3339Nano),
		"Path":            c.path,
		"Args":            c.args,
		"State":           c.stateJSON(),
		"Image":           c.imageID,
		"ResolvConfPath":  "/var/lib/docker/containers/" + c.id + "/resolv.conf",
		"HostnamePath":    "/var/lib/docker/containers/" + c.id + "/hostname",
		"HostsPath":       "/var/lib/docker/containers/" + c.id + "/hosts",
		"LogPath":         "/var/lib/docker/containers/" + c.id + "/" + c.id + "-json.log",
		"Name":            c.name,
		"RestartCount":    c.restartCount,
		"Driver":          "overlay2",
		"Platform":        "linux",
		"MountLabel":      "",
		"ProcessLabel":    "",
		"AppArmorProfile": "",
		"ExecIDs":         nilIfEmpty(c.execIDs),
		"HostConfig":      hc,
		"GraphDriver":     map[string]any{"Name": "overlay2", "Data": map[string]string{"MergedDir": "/var/lib/docker/overlay2/" + c.id + "/merged", "UpperDir": "/var/lib/docker/overlay2/" + c.id + "/diff", "WorkDir": "/var/lib/docker/overlay2/" + c.id + "/work"}},
		"Mounts":          mounts,
		"Config":          cfg,
		"NetworkSettings": c.networkSettings(ver),
	}
	return m
}

func nilIfEmpty(s []string) any {
	if len(s) == 0 {
		return nil
	}
	return s
}

func (d *Daemon) containerInspect(w http.ResponseWriter, r *http.Request) {
	ver := infoOf(r).version
	d.mu.Lock()
	c, err := d.getContainerLocked(r.PathValue("id"))
	var m map[string]any
	if err == nil {
		m = c.inspect(ver)
		if boolParam(r, "size") {
			rw := d.sizeRwLocked(c)
			m["SizeRw"] = rw
			m["SizeRootFs"] = d.images.byIDSize(c.imageID) + rw
		}
	}
	d.mu.Unlock()
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

func (s *imageStore) byIDSize(id string) int64 {
	if im := s.byID[id]; im != nil {
		return im.size
	}
	return 0
}

// statusText is the Status column of docker ps.
func (c *container) statusText(now time.Time) string {
	s := c.state
	switch {
	case s.Restarting:
		return fmt.Sprintf("Restarting (%d) %s ago", s.ExitCode, humanDuration(now.Sub(s.FinishedAt)))
	case s.Running && s.Paused:
		return "Up " + humanDuration(now.Sub(s.StartedAt)) + " (Paused)"
	case s.Running:
		switch c.healthStatus() {
		case "starting":
			return "Up " + humanDuration(now.Sub(s.StartedAt)) + " (health: starting)"
		case "healthy", "unhealthy":
			return "Up " + humanDuration(now.Sub(s.StartedAt)) + " (" + c.health.Status + ")"
		}
		return "Up " + humanDuration(now.Sub(s.StartedAt))
	case s.Status == "removing":
		return "Removal In Progress"
	case s.Dead:
		return "Dead"
	case s.Status == "created":
		return "Created"
	case s.FinishedAt.IsZero():
		return ""
	}
	return fmt.Sprintf("Exited (%d) %s ago", s.ExitCode, humanDuration(now.Sub(s.FinishedAt)))
}

// humanDuration is docker's units.HumanDuration.
func humanDuration(d time.Duration) string {
	if s := int(d.Seconds()); s < 1 {
		return "Less than a second"
	} else if s == 1 {
		return "1 second"
	} else if s < 60 {
		return fmt.Sprintf("%d seconds", s)
	} else if m := int(d.Minutes()); m == 1 {
		return "About a minute"
	} else if m < 60 {
		return fmt.Sprintf("%d minutes", m)
	} else if h := int(d.Round(time.Hour).Hours()); h == 1 {
		return "About an hour"
	} else if h < 48 {
		return fmt.Sprintf("%d hours", h)
	} else if h < 24*7*2 {
		return fmt.Sprintf("%d days", h/24)
	} else if h < 24*30*2 {
		return fmt.Sprintf("%d weeks", h/24/7)
	} else if h < 24*365*2 {
		return fmt.Sprintf("%d months", h/24/30)
	} else {
		return fmt.Sprintf("%d years", int(d.Hours())/24/365)
	}
}

// containerSummaryLocked is one entry of GET /containers/json; d.mu held.
func (d *Daemon) containerSummaryLocked(c *container, size bool, ver apiVersion) map[string]any {
	ports := []any{}
	for p, bs := range c.ports {
		num, proto, _ := strings.Cut(p, "/")
		n, _ := strconv.Atoi(num)
		for _, b := range bs {
			hp, _ := strconv.Atoi(b.HostPort)
			ports = append(ports, map[string]any{"IP": b.HostIP, "PrivatePort": n, "PublicPort": hp, "Type": proto})
		}
	}
	for p := range c.config.ExposedPorts {
		if _, ok := c.ports[p]; ok {
			continue
		}
		num, proto, _ := strings.Cut(p, "/")
		n, _ := strconv.Atoi(num)
		ports = append(ports, map[string]any{"PrivatePort": n, "Type": proto})
	}
	names := []string{c.name}
	cmd := strings.Join(append([]string{c.path}, c.args...), " ")
	nets := map[string]any{}
	for name, ep := range c.eps {
		nets[name] = ep.json()
	}
	labels := c.config.Labels
	if labels == nil {
		labels = map[string]string{}
	}
	imageName := c.config.Image
	m := map[string]any{
		"Id":              c.id,
		"Names":           names,
		"Image":           imageName,
		"ImageID":         c.imageID,
		"Command":         cmd,
		"Created":         c.created.Unix(),
		"Ports":           ports,
		"Labels":          labels,
		"State":           c.state.Status,
		"Status":          c.statusText(d.now()),
		"HostConfig":      map[string]any{"NetworkMode": c.host.NetworkMode},
		"NetworkSettings": map[string]any{"Networks": nets},
		"Mounts":          c.mountsJSON(),
	}
	if size {
		rw := d.sizeRwLocked(c)
		m["SizeRw"] = rw
		m["SizeRootFs"] = d.images.byIDSize(c.imageID) + rw
	}
	return m
}

func (c *container) mountsJSON() []any {
	out := []any{}
	for _, mp := range c.mounts {
		out = append(out, mp)
	}
	return out
}

func (d *Daemon) containerList(w http.ResponseWriter, r *http.Request) {
	ver := infoOf(r).version
	f, err := parseFilters(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	all := boolParam(r, "all")
	limit, err := intParam(r, "limit", -1)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if limit > 0 {
		all = true
	}
	size := boolParam(r, "size")
	for k := range f {
		switch k {
		case "ancestor", "before", "expose", "exited", "health", "id", "isolation", "is-task", "label", "label!", "name", "network", "publish", "since", "status", "volume":
		default:
			writeError(w, r, errInvalid("invalid filter '"+k+"'"))
			return
		}
	}
	for h := range f["health"] {
		switch h {
		case "starting", "healthy", "unhealthy", "none":
		default:
			writeError(w, r, errInvalid("Unrecognised filter value for health: "+h))
			return
		}
	}
	for s := range f["status"] {
		switch s {
		case "created", "restarting", "running", "removing", "paused", "exited", "dead":
		default:
			writeError(w, r, errInvalid("invalid filter 'status="+s+"'"))
			return
		}
	}
	d.mu.Lock()
	var out []any
	var beforeT, sinceT *time.Time
	for v := range f["before"] {
		if c, err := d.getContainerLocked(v); err == nil {
			t := c.created
			beforeT = &t
		}
	}
	for v := range f["since"] {
		if c, err := d.getContainerLocked(v); err == nil {
			t := c.created
			sinceT = &t
		}
	}
	for _, c := range d.ordered { // newest first; nothing is removed meanwhile
		if !all && !c.state.Running && !f.has("status") {
			continue
		}
		if beforeT != nil && !c.created.Before(*beforeT) || sinceT != nil && !c.created.After(*sinceT) {
			continue
		}
		if !d.containerMatchesLocked(f, c) {
			continue
		}
		out = append(out, d.containerSummaryLocked(c, size, ver))
		if limit > 0 && len(out) >= limit {
			break
		}
	}
	d.mu.Unlock()
	if out == nil {
		out = []any{}
	}
	writeJSON(w, http.StatusOK, out)
}

// containerMatchesLocked applies list and prune filters; d.mu held.
func (d *Daemon) containerMatchesLocked(f filters, c *container) bool {
	if !f.matchLabels("label", c.config.Labels) || !f.matchLabels("label!", c.config.Labels) {
		return false
	}
	if !f.matchAny("status", func(v string) bool { return v == c.state.Status }) {
		return false
	}
	if !f.matchAny("health", func(v string) bool { return v == c.healthStatus() }) {
		return false
	}
	if !f.matchAny("id", func(v string) bool { return strings.HasPrefix(c.id, v) }) {
		return false
	}
	if !f.matchAny("name", func(v string) bool {
		n := strings.TrimPrefix(c.name, "/")
		if re, err := regexp.Compile(strings.TrimPrefix(v, "/")); err == nil {
			return re.MatchString(n)
		}
		return strings.Contains(n, v)
	}) {
		return false
	}
	if !f.matchAny("exited", func(v string) bool {
		n, err := strconv.Atoi(v)
		return err == nil && c.state.Status == "exited" && c.state.ExitCode == n
	}) {
		return false
	}
	if !f.matchAny("ancestor", func(v string) bool {
		if c.config.Image == v {
			return true
		}
		im, err := d.images.get(v)
		return err == nil && im.id == c.imageID
	}) {
		return false
	}
	if !f.matchAny("network", func(v string) bool {
		for name, ep := range c.eps {
			if name == v || strings.HasPrefix(ep.network.id, v) {
				return true
			}
		}
		return false
	}) {
		return false
	}
	if !f.matchAny("volume", func(v string) bool {
		for _, m := range c.mounts {
			if m.Name == v || m.Destination == v || m.Source == v {
				return true
			}
		}
		return false
	}) {
		return false
	}
	if !f.matchAny("publish", func(v string) bool {
		for p, bs := range c.ports {
			for _, b := range bs {
				if v == b.HostPort || v == b.HostPort+"/"+strings.SplitN(p, "/", 2)[1] {
					return true
				}
			}
		}
		return false
	}) {
		return false
	}
	if !f.matchAny("expose", func(v string) bool {
		if !strings.Contains(v, "/") {
			v += "/tcp"
		}
		_, ok := c.config.ExposedPorts[v]
		return ok
	}) {
		return false
	}
	if f.has("until") {
		for u := range f["until"] {
			if t, err := parseUntil(u); err == nil && !c.created.Before(t) {
				return false
			}
		}
	}
	return true
}
