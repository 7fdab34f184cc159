package mockdaemon

import (
	"fmt"
	"maps"
	"net"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
	"github.com/dockwire/dockwire/mockdaemon/internal/shell"
)

// container is one container. Its fields are guarded by Daemon.mu except
// where noted.
type container struct {
	d            *Daemon
	pids         *shell.PIDs // the PID namespace of the current run: its processes and execs
	id           string
	name         string // with the leading '/'
	created      time.Time
	imageID      string
	config       containerConfig
	host         hostConfig
	state        containerState
	restartCount int
	// restartDelay is the restart policy's last wait (dockerd's
	// backoff); restartCancel ends the pending one.
	restartDelay  time.Duration
	restartCancel chan struct{}
	path          string
	args          []string
	platform      string

	fs *memfs.FS // root filesystem
	// shm is the /dev/shm tmpfs of its IPC namespace while it runs (nil
	// without one, IpcMode none or host); mountinfo its mount table as
	// its processes' /proc/<pid>/mountinfo shows it, made at a start
	shm       *memfs.FS
	mountinfo string
	base      *memfs.FS // the image's, for changes
	mounts    []mountPoint
	eps       map[string]*endpoint // by network name
	ports     map[string][]portBinding
	// anonymous: created without a name before API 1.44, so its endpoints
	// are anonymous (dockerd 20.10's IsAnonymousEndpoint): the embedded
	// DNS knows it by its aliases only (dns.go); a rename ends it, for
	// the endpoints made after (dockerd's rename clears the flag, the
	// endpoints of a running container stay as they are)
	anonymous bool

	// What the first start makes (dockerd's container files), and the
	// network sandbox of the last start.
	files     containerFiles
	etc       *memfs.FS // the daemon's hostname, hosts and resolv.conf of c
	sandboxID string
	netns     *shell.Net     // the interfaces its processes see (ip, ifconfig); see rootfs.go
	proxies   []net.Listener // its published ports served on the machine (portproxy.go)
	nics      nicNames       // the ethN of each endpoint in the current sandbox; see rootfs.go

	logs *logBuf

	proc       proc
	stdin      *stdinPipe    // the run's stdin without a TTY (OpenStdin)
	term       *terminal     // the run's terminal with a TTY
	termSize   termSize      // its window size (resize)
	exited     chan struct{} // closed when the current run ends; replaced by start
	health     *healthState  // State.Health; nil without a healthcheck
	removed    chan struct{} // closed when removed
	stopping   bool          // stop or kill asked for: no restart policy
	removing   bool
	execIDs    []string
	pauseGate  *gate
	hasRun     bool
	manualStop bool
	// restartingByRequest: a restart request is stopping c to start it
	// again; its exit does not auto-remove it
	restartingByRequest bool
	pid                 int
	autoRemoved         bool
}

// containerFiles are the paths of the files dockerd makes for a container
// at its first start.
type containerFiles struct {
	hostname, hosts, resolvConf, log string
}

// sortedContainersLocked lists containers newest first; d.mu held.
func (d *Daemon) sortedContainersLocked() []*container {
	return slices.Clone(d.ordered)
}

// newerContainer orders the container list: newest first, then by id.
func newerContainer(a, b *container) bool {
	if !a.created.Equal(b.created) {
		return a.created.After(b.created)
	}
	return a.id > b.id
}

// indexContainerLocked adds c to d.containers and to the list order,
// kept sorted incrementally; d.mu held.
func (d *Daemon) indexContainerLocked(c *container) {
	d.containers[c.id] = c
	i := sort.Search(len(d.ordered), func(i int) bool { return !newerContainer(d.ordered[i], c) })
	d.ordered = slices.Insert(d.ordered, i, c)
}

// unindexContainerLocked removes c from d.containers and the order; d.mu held.
func (d *Daemon) unindexContainerLocked(c *container) {
	delete(d.containers, c.id)
	i := sort.Search(len(d.ordered), func(i int) bool { return !newerContainer(d.ordered[i], c) })
	for ; i < len(d.ordered); i++ {
		if d.ordered[i] == c {
			d.ordered = slices.Delete(d.ordered, i, i+1)
			return
		}
	}
	// not where its key says (created changed?): fall back to a scan
	if j := slices.Index(d.ordered, c); j >= 0 {
		d.ordered = slices.Delete(d.ordered, j, j+1)
	}
}

// getContainerLocked resolves a full id, a name or a unique id prefix.
func (d *Daemon) getContainerLocked(ref string) (*container, error) {
	if ref == "" { // DELETE /containers/ names none
		return nil, errInvalid(`invalid name or ID supplied: ""`)
	}
	if c, ok := d.containers[ref]; ok {
		return c, nil
	}
	name := ref
	if !strings.HasPrefix(name, "/") {
		name = "/" + name
	}
	if id, ok := d.names[name]; ok {
		return d.containers[id], nil
	}
	var found *container
	for id, c := range d.containers {
		if strings.HasPrefix(id, ref) {
			if found != nil {
				return nil, errInvalid("Multiple IDs found with provided prefix: " + ref)
			}
			found = c
		}
	}
	if found == nil {
		return nil, noSuchContainer(ref)
	}
	return found, nil
}

// getContainer is getContainerLocked in a locked section of its own.
func (d *Daemon) getContainer(ref string) (*container, error) {
	return lockedValue(d, func() (*container, error) { return d.getContainerLocked(ref) })
}

var validName = regexp.MustCompile(`^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$`)

// mergeImageConfig fills what the request left empty from the image.
func mergeImageConfig(c *containerConfig, ic imageConfig) {
	if len(c.Entrypoint) == 0 { // an entrypoint given as [] resets the image's
		if len(c.Cmd) == 0 {
			c.Cmd = ic.Cmd
		}
		if c.Entrypoint == nil {
			c.Entrypoint = ic.Entrypoint
		}
	}
	c.Healthcheck = mergeHealthcheck(c.Healthcheck, ic.Healthcheck)
	if len(c.Shell) == 0 {
		c.Shell = ic.Shell
	}
	c.Env = mergeEnv(c.Env, ic.Env)
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
	if len(c.Volumes) == 0 { // dockerd's merge: an empty set is the image's (null without)
		c.Volumes = maps.Clone(ic.Volumes)
	} else {
		maps.Copy(c.Volumes, ic.Volumes)
	}
	if c.StopSignal == "" {
		c.StopSignal = ic.StopSignal
	}
	if c.OnBuild == nil {
		c.OnBuild = nil
	}
}

// normalizeHostConfig fills the defaults dockerd stores at create in a
// HostConfig (given says whether the request had one) for the API version
// of the request; what it leaves empty is filled at the first start.
// mergeEnv is a container's Env as dockerd merges it at create: the
// request's entries as given (an entry without "=" too), then the image's
// whose variable the request does not name.
func mergeEnv(user, image []string) []string {
	if len(user) == 0 {
		return slices.Clone(image)
	}
	out := slices.Clone(user)
	named := map[string]bool{}
	for _, e := range user {
		k, _, _ := strings.Cut(e, "=")
		named[k] = true
	}
	for _, e := range image {
		if k, _, _ := strings.Cut(e, "="); !named[k] {
			out = append(out, e)
		}
	}
	return out
}

func normalizeHostConfig(h *hostConfig, ver apiVersion, given bool) {
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
	if h.RestartPolicy.Name == "" && ver.atLeast("1.44") {
		// dockerd 25 writes the default; older ones leave it empty
		h.RestartPolicy.Name = "no"
	}
	if h.CgroupnsMode == "" {
		h.CgroupnsMode = "private"
	}
	if h.IpcMode == "" {
		h.IpcMode = "private"
		if given && !ver.atLeast("1.40") {
			// dockerd's router: clients older than 1.40 that send a
			// HostConfig expect the default of their time, shareable
			h.IpcMode = "shareable"
		}
	}
	if h.ShmSize == 0 {
		h.ShmSize = 64 << 20
	}
	if h.Runtime == "" && (given || ver.atLeast("1.42")) {
		// dockerd 20.10 checks (and fills) a HostConfig only when the
		// request has one; else the runtime is set at start
		h.Runtime = defaultRuntime
	}
	if h.Memory > 0 && h.MemorySwap == 0 {
		h.MemorySwap = 2 * h.Memory
	}
	if h.OomKillDisable == nil {
		h.OomKillDisable = new(false)
	}
	if ver.atLeast("1.42") { // ignored from API 1.42 on
		h.KernelMemory = 0
	}
	if ver.atLeast("1.52") {
		h.KernelMemoryTCP = 0
	}
	if h.MaskedPaths == nil && !h.Privileged {
		h.MaskedPaths = defaultMaskedPaths
	}
	if h.ReadonlyPaths == nil && !h.Privileged {
		h.ReadonlyPaths = defaultReadonlyPaths
	}
}

// defaultRuntime is the daemon's OCI runtime.
const defaultRuntime = "runc"

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

func (c *container) stateJSON() containerStateJSON {
	out := containerStateJSON{containerState: c.state, StartedAt: fmtTime(c.state.StartedAt), FinishedAt: fmtTime(c.state.FinishedAt)}
	out.Running = c.state.Running || c.state.Restarting // dockerd counts a restarting container as running
	if c.health != nil {
		out.Health = c.health.json()
	}
	return out
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "0001-01-01T00:00:00Z"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// inspect is GET /containers/{id}/json as the API of ver shows it, but
// for containerFields; d.mu held.
func (c *container) inspect(ver apiVersion) containerInspectJSON {
	return containerInspectJSON{
		ID:             c.id,
		Created:        c.created.Format(time.RFC3339Nano),
		Path:           c.path,
		Args:           c.args,
		State:          c.stateJSON(),
		Image:          c.imageID,
		ResolvConfPath: c.files.resolvConf,
		HostnamePath:   c.files.hostname,
		HostsPath:      c.files.hosts,
		LogPath:        c.files.log,
		Name:           c.name,
		RestartCount:   c.restartCount,
		Driver:         "overlay2",
		Platform:       "linux",
		ExecIDs:        nilIfEmpty(c.execIDs),
		HostConfig:     c.d.hostConfigShownLocked(c),
		GraphDriver: graphDriverJSON{Name: "overlay2", Data: map[string]string{
			"MergedDir": "/var/lib/docker/overlay2/" + c.id + "/merged",
			"UpperDir":  "/var/lib/docker/overlay2/" + c.id + "/diff",
			"WorkDir":   "/var/lib/docker/overlay2/" + c.id + "/work",
		}},
		Mounts:          c.mountsJSON(),
		Config:          c.config,
		NetworkSettings: c.networkSettings(ver),
	}
}

// containerInspectJSON is a container's inspect in the order of dockerd's
// ContainerJSON (its ContainerJSONBase first): docker inspect prints the
// answer as it came, so the order is what a user sees.
type containerInspectJSON struct {
	ID              string             `json:"Id"`
	Created         string             `json:"Created"`
	Path            string             `json:"Path"`
	Args            []string           `json:"Args"`
	State           containerStateJSON `json:"State"`
	Image           string             `json:"Image"`
	ResolvConfPath  string             `json:"ResolvConfPath"`
	HostnamePath    string             `json:"HostnamePath"`
	HostsPath       string             `json:"HostsPath"`
	LogPath         string             `json:"LogPath"`
	Name            string             `json:"Name"`
	RestartCount    int                `json:"RestartCount"`
	Driver          string             `json:"Driver"`
	Platform        string             `json:"Platform"`
	MountLabel      string             `json:"MountLabel"`
	ProcessLabel    string             `json:"ProcessLabel"`
	AppArmorProfile string             `json:"AppArmorProfile"`
	ExecIDs         any                `json:"ExecIDs"`
	HostConfig      hostConfig         `json:"HostConfig"`
	GraphDriver     graphDriverJSON    `json:"GraphDriver"`
	SizeRw          *int64             `json:"SizeRw,omitempty"`
	SizeRootFs      *int64             `json:"SizeRootFs,omitempty"`
	Mounts          []mountPoint       `json:"Mounts"`
	Config          containerConfig    `json:"Config"`
	NetworkSettings any                `json:"NetworkSettings"`
}

// containerStateJSON is a container's State as inspect shows it, in
// dockerd's order: the state's fields, its times as text, the health.
type containerStateJSON struct {
	containerState
	StartedAt  string `json:"StartedAt"`
	FinishedAt string `json:"FinishedAt"`
	Health     any    `json:"Health,omitempty"`
}

// graphDriverJSON is the storage driver's part of an inspect.
type graphDriverJSON struct {
	Data map[string]string `json:"Data"`
	Name string            `json:"Name"`
}

// containerFields are the fields of container inspect that exist only in
// some API versions and that its types do not tag (versioned trims
// NetworkSettings by its type's tags).
var containerFields = []fieldWindow{
	// dockerd up to 20.10 shows the kernel memory limits even when unset;
	// later ones omit them when unset, and ignore them at create.
	{path: "HostConfig.KernelMemory", until: "1.41", old: 0, after: "DeviceRequests"},
	{path: "HostConfig.KernelMemoryTCP", until: "1.41", old: 0, after: "KernelMemory"},
	// dockerd 20.10's HostConfig has ConsoleSize among the fields of all
	// platforms, after Runtime; later ones after VolumesFrom
	{path: "HostConfig.ConsoleSize", until: "1.41", moveAfter: "Runtime"},
	{path: "HostConfig.KernelMemoryTCP", until: "1.51"},
}

// summaryMounts is the container list's Mounts: dockerd's snapshot shows
// each mount point's recorded Source, where inspect shows the volume's
// path.
func (c *container) summaryMounts() []mountPoint {
	out := c.mountsJSON()
	for i := range out {
		if out[i].pathOnly {
			out[i].Source = ""
		}
	}
	return out
}

func nilIfEmpty(s []string) any {
	if len(s) == 0 {
		return nil
	}
	return s
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
		if _, ok := c.ports[p]; ok || !c.state.Running {
			continue // the ports of the running container's sandbox
		}
		num, proto, _ := strings.Cut(p, "/")
		n, _ := strconv.Atoi(num)
		ports = append(ports, map[string]any{"PrivatePort": n, "Type": proto})
	}
	names := d.namesOfLocked(c)
	cmd := c.path
	for _, a := range c.args { // dockerd quotes an argument with a space, naively
		if strings.Contains(a, " ") {
			a = "'" + a + "'"
		}
		cmd += " " + a
	}
	nets := c.summaryNetworks(ver)
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
		"Mounts":          c.summaryMounts(),
	}
	if size {
		rw := d.sizeRwLocked(c)
		if rw != 0 { // omitted when empty, as SizeRootFs
			m["SizeRw"] = rw
		}
		if root := d.images.byIDSize(c.imageID) + rw; root != 0 {
			m["SizeRootFs"] = root
		}
	}
	return m
}

// mountsJSON is the container's Mounts: its mount points (not the tmpfs
// mounts of HostConfig.Tmpfs).
func (c *container) mountsJSON() []mountPoint {
	out := []mountPoint{}
	for _, m := range c.mounts {
		if !m.hidden {
			out = append(out, m)
		}
	}
	return out
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
		// dockerd's filters.Match: the value itself, or a regexp found in
		// the name with or without its "/"; one that does not compile
		// matches nothing
		re, err := regexp.Compile(v)
		return v == c.name || v == c.name[1:] || err == nil && (re.MatchString(c.name) || re.MatchString(c.name[1:]))
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
		// dockerd takes the image and every image made from it (its
		// children, theirs...): v's image on the parent chain of c's
		im, err := d.images.get(v)
		if err != nil {
			return false
		}
		for id, n := c.imageID, 0; id != "" && n < 1000; n++ {
			if id == im.id {
				return true
			}
			next := d.images.byID[id]
			if next == nil {
				break
			}
			id = next.parent
		}
		return false
	}) {
		return false
	}
	if !f.matchAny("network", func(v string) bool {
		for name, ep := range c.eps {
			if name == v || ep.networkID != "" && strings.HasPrefix(ep.networkID, v) {
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

func userName(u string) string {
	if u == "" || u == "0" || strings.HasPrefix(u, "0:") {
		return "root"
	}
	name, _, _ := strings.Cut(u, ":")
	return name
}

// statsLocked is the stats document of c the collector takes at time at,
// with prev (nil for none) as its previous sample; d.mu held. A container
// that does not run has dockerd's empty document.
func (d *Daemon) statsLocked(c *container, at time.Time, prev map[string]any, ver apiVersion) map[string]any {
	cpuZero := func() map[string]any {
		return map[string]any{
			"cpu_usage":       map[string]any{"total_usage": 0, "usage_in_kernelmode": 0, "usage_in_usermode": 0},
			"throttling_data": map[string]any{"periods": 0, "throttled_periods": 0, "throttled_time": 0},
		}
	}
	if !c.state.Running {
		// dockerd encodes a StatsJSON with only the name and id
		var blkio = map[string]any{}
		for _, k := range []string{"io_service_bytes_recursive", "io_serviced_recursive", "io_queue_recursive", "io_service_time_recursive",
			"io_wait_time_recursive", "io_merged_recursive", "io_time_recursive", "sectors_recursive"} {
			blkio[k] = nil
		}
		return map[string]any{
			"name": c.name, "id": c.id, "read": fmtTime(time.Time{}), "preread": fmtTime(time.Time{}),
			"pids_stats": map[string]any{}, "blkio_stats": blkio, "num_procs": 0, "storage_stats": map[string]any{},
			"cpu_stats": cpuZero(), "precpu_stats": cpuZero(), "memory_stats": map[string]any{},
		}
	}
	limit := c.host.Memory
	if limit == 0 {
		limit = mockMemTotal
	}
	usage := int64(4 << 20)
	pids := 1
	for _, eid := range c.execIDs {
		if e := d.execs[eid]; e != nil && e.running {
			pids++
		}
	}
	cpuTotal := uint64(max(at.Sub(c.state.StartedAt).Nanoseconds()/100, 0))
	// The kernel counts user and system time in ticks (USER_HZ, 10 ms):
	// cgroup v1's cpuacct.stat, which dockerd reads, has no finer grain.
	tick := func(ns uint64) uint64 { return ns / 10_000_000 * 10_000_000 }
	cpu := map[string]any{
		"cpu_usage":        map[string]any{"total_usage": cpuTotal, "usage_in_kernelmode": tick(cpuTotal / 4), "usage_in_usermode": tick(cpuTotal * 3 / 4)},
		"system_cpu_usage": uint64(at.UnixNano()),
		"online_cpus":      mockNCPU,
		"throttling_data":  map[string]any{"periods": 0, "throttled_periods": 0, "throttled_time": 0},
	}
	pre, preRead := cpuZero(), fmtTime(time.Time{})
	if prev != nil {
		pre, preRead = prev["cpu_stats"].(map[string]any), prev["read"].(string)
	}
	nets := map[string]any{}
	i := 0
	for range c.eps {
		nets["eth"+strconv.Itoa(i)] = map[string]any{"rx_bytes": 0, "rx_packets": 0, "rx_errors": 0, "rx_dropped": 0, "tx_bytes": 0, "tx_packets": 0, "tx_errors": 0, "tx_dropped": 0}
		i++
	}
	pidsStats := map[string]any{"current": pids}
	if c.host.PidsLimit != nil && *c.host.PidsLimit > 0 {
		pidsStats["limit"] = *c.host.PidsLimit
	}
	m := map[string]any{
		"name":          c.name,
		"id":            c.id,
		"read":          at.Format(time.RFC3339Nano),
		"preread":       preRead,
		"pids_stats":    pidsStats,
		"blkio_stats":   map[string]any{"io_service_bytes_recursive": nil, "io_serviced_recursive": nil},
		"num_procs":     0,
		"storage_stats": map[string]any{},
		"cpu_stats":     cpu,
		"precpu_stats":  pre,
		"memory_stats":  map[string]any{"usage": usage, "limit": limit, "stats": map[string]any{"inactive_file": 0, "anon": usage, "file": 0}},
		"networks":      nets,
	}
	if ver.atLeast("1.52") {
		m["os_type"] = "linux"
	}
	return m
}

// checkCreate checks a create body's HostConfig as dockerd does before
// it looks at anything else (its verifyContainerSettings), with the
// wording of API version ver, and returns it (empty when none was sent).
func checkCreate(body *createBody, ver apiVersion) (hostConfig, error) {
	hc := hostConfig{}
	if body.HostConfig != nil {
		hc = *body.HostConfig
	}
	if err := verifyConfig(&body.containerConfig); err != nil {
		return hostConfig{}, err
	}
	if err := verifyPortBindings(hc.PortBindings); err != nil {
		return hostConfig{}, err
	}
	if hc.AutoRemove && hc.RestartPolicy.Name != "" && hc.RestartPolicy.Name != "no" {
		return hostConfig{}, errInvalid("can't create 'AutoRemove' container with restart policy")
	}
	if err := checkRestartPolicy(hc.RestartPolicy, ver); err != nil {
		return hostConfig{}, err
	}
	if err := verifyResources(hc); err != nil {
		return hostConfig{}, err
	}
	// what clients send for "no limit" is stored as no value: dockerd's
	// router drops a PidsLimit of 0 or below, its fixMemorySwappiness a
	// MemorySwappiness of -1 (the docker CLI sends both on every run)
	if hc.PidsLimit != nil && *hc.PidsLimit <= 0 {
		hc.PidsLimit = nil
	}
	if hc.MemorySwappiness != nil && *hc.MemorySwappiness == -1 {
		hc.MemorySwappiness = nil
	}
	return hc, nil
}

// checkRestartPolicy checks a restart policy as dockerd does at create
// and at update, before anything changes.
func checkRestartPolicy(rp restartPolicy, ver apiVersion) error {
	switch rp.Name {
	case "", "no", "always", "unless-stopped":
		if rp.MaximumRetryCount != 0 {
			return errInvalid(wording(ver, "maximum retry count cannot be used with restart policy '"+rp.Name+"'",
				"invalid restart policy: maximum retry count can only be used with 'on-failure'"))
		}
	case "on-failure":
		if rp.MaximumRetryCount < 0 {
			return errInvalid(wording(ver, "maximum retry count cannot be negative",
				"invalid restart policy: maximum retry count cannot be negative"))
		}
	default:
		return errInvalid(wording(ver, "invalid restart policy '"+rp.Name+"'",
			"invalid restart policy: unknown policy '"+rp.Name+"'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'"))
	}
	return nil
}

// mergedConfig is the container config of body on im: what the request
// left empty taken from the image; a container with no command is refused.
func mergedConfig(body createBody, im *image) (containerConfig, error) {
	cfg := body.containerConfig
	mergeImageConfig(&cfg, im.file.Config)
	if len(cfg.Entrypoint) == 1 && cfg.Entrypoint[0] == "" {
		// --entrypoint '': no entrypoint, not even the image's (dockerd
		// resets [""] once the image's config is merged)
		cfg.Entrypoint = nil
	}
	if len(cfg.Entrypoint)+len(cfg.Cmd) == 0 {
		return cfg, errInvalid("No command specified")
	}
	return cfg, nil
}

// createContainerLocked makes a container of body named name ("" for a
// random name) and emits its create event.
func (d *Daemon) createContainerLocked(body createBody, hc hostConfig, name string, ver apiVersion) (*container, error) {
	for _, spec := range hc.Mounts { // checked with the HostConfig, before anything else
		if _, err := d.mountSpecPoint(spec); err != nil {
			return nil, err
		}
	}
	im := &image{fs: memfs.New()} // dockerd 20.10 makes a container of no image
	if body.Image != "" {
		var err error
		if im, err = d.images.get(body.Image); err != nil {
			return nil, err
		}
		if err := body.platform.matches(body.Image, im); err != nil {
			return nil, err
		}
	}
	// dockerd checks the command before the name
	if _, err := mergedConfig(body, im); err != nil {
		return nil, err
	}
	if err := verifyLogConfig(hc.LogConfig); err != nil {
		return nil, err
	}
	// the IPC and PID namespaces of another container: it must exist,
	// and dockerd keeps its id (a UTS mode is taken as given)
	for _, mode := range []*string{&hc.IpcMode, &hc.PidMode} {
		if ref, ok := strings.CutPrefix(*mode, "container:"); ok {
			o, err := d.getContainerLocked(ref)
			if err != nil {
				return nil, errInvalid("No such container: " + ref)
			}
			*mode = "container:" + o.id
		}
	}
	if name != "" && !validName.MatchString(name) {
		return nil, errInvalid("Invalid container name (" + name + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed")
	}
	return d.newContainerLocked(im, body, hc, name, ver)
}

// newContainerLocked makes a container of im (the builder's may be of
// scratch: an image without id or files) and emits its create event.
func (d *Daemon) newContainerLocked(im *image, body createBody, hc hostConfig, name string, ver apiVersion) (*container, error) {
	cfg, err := mergedConfig(body, im)
	if err != nil {
		return nil, err
	}
	id := d.newID()
	anonymous := name == "" && !ver.atLeast("1.44")
	if name == "" {
		name = d.randomNameLocked()
	}
	name = "/" + strings.TrimPrefix(name, "/")
	if other, ok := d.names[name]; ok {
		return nil, errConflict(fmt.Sprintf("Conflict. The container name %q is already in use by container %q. You have to remove (or rename) that container to be able to reuse that name.", name, other))
	}
	if err := checkStorageOpt(hc.StorageOpt); err != nil { // when dockerd makes the container's layer
		return nil, err
	}
	links, err := d.resolveLinksLocked(hc)
	if err != nil {
		return nil, err
	}
	c := &container{
		d:         d,
		id:        id,
		name:      name,
		created:   d.now(),
		imageID:   im.id,
		config:    cfg,
		host:      hc,
		exited:    make(chan struct{}),
		removed:   make(chan struct{}),
		pauseGate: &gate{},
		eps:       map[string]*endpoint{},
		platform:  "linux",
		anonymous: anonymous,
	}
	argv := append(slices.Clone([]string(c.config.Entrypoint)), c.config.Cmd...)
	c.path, c.args = argv[0], nonNil(argv[1:])
	if c.config.Hostname == "" {
		c.config.Hostname = id[:12]
		if hc.NetworkMode == "host" {
			c.config.Hostname = d.cfg.Hostname // the host's, as dockerd gives a host-network container
		}
	}
	normalizeHostConfig(&c.host, ver, body.HostConfig != nil)
	c.logs = newLogBuf(d.cfg.Clock, c.config.Tty, d.cfg.MaxLogBytes)
	c.state = containerState{Status: "created"}
	c.fs = im.fs.Clone()
	c.base = im.fs
	if err := d.setupMountsLocked(c, ver); err != nil {
		return nil, err
	}
	if err := d.setupNetworksLocked(c, body.NetworkingConfig, ver); err != nil {
		d.detachVolumesLocked(c, true)
		return nil, err
	}
	d.indexContainerLocked(c)
	d.names[name] = id
	d.registerLinksLocked(c, links)
	d.prepareRootfsLocked(c)
	d.events.emit("container", "create", id, c.eventAttrs())
	return c, nil
}

// updateLocked applies a container update as dockerd does, and emits its
// update event.
func (d *Daemon) updateLocked(c *container, body updateBody, ver apiVersion) error {
	h := &c.host
	if body.RestartPolicy != nil {
		if err := checkRestartPolicy(*body.RestartPolicy, ver); err != nil {
			return err
		}
	}
	if body.Memory != nil && *body.Memory != 0 {
		if *body.Memory < 6*1024*1024 {
			return errInvalid("Minimum memory limit allowed is 6MB")
		}
		// dockerd compares with the swap limit as set, so raising the
		// memory of a container with no swap limit (0, or -1: unlimited)
		// needs the swap limit in the same update.
		if (body.MemorySwap == nil || *body.MemorySwap == 0) && *body.Memory > h.MemorySwap {
			return errConflict("Cannot update container " + c.id + ": Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time")
		}
		h.Memory = *body.Memory
	}
	if body.MemorySwap != nil && *body.MemorySwap != 0 {
		h.MemorySwap = *body.MemorySwap
	}
	set := func(dst *int64, src *int64) {
		if src != nil && *src != 0 {
			*dst = *src
		}
	}
	set(&h.CPUShares, body.CPUShares)
	set(&h.MemoryReservation, body.MemoryReservation)
	set(&h.NanoCPUs, body.NanoCPUs)
	set(&h.CPUPeriod, body.CPUPeriod)
	set(&h.CPUQuota, body.CPUQuota)
	if body.CpusetCpus != nil && *body.CpusetCpus != "" {
		h.CpusetCpus = *body.CpusetCpus
	}
	if body.CpusetMems != nil && *body.CpusetMems != "" {
		h.CpusetMems = *body.CpusetMems
	}
	if body.BlkioWeight != nil && *body.BlkioWeight != 0 {
		h.BlkioWeight = *body.BlkioWeight
	}
	if body.PidsLimit != nil && ver.atLeast("1.40") { // older requests cannot set it
		// 0 and any negative value unset the limit: 0 is shown
		h.PidsLimit = new(max(*body.PidsLimit, 0))
	}
	if body.RestartPolicy != nil && body.RestartPolicy.Name != "" {
		if h.AutoRemove && body.RestartPolicy.Name != "no" {
			return errConflict("Cannot update container " + c.id + ": Restart policy cannot be updated because AutoRemove is enabled for the container")
		}
		h.RestartPolicy = *body.RestartPolicy
	}
	d.writeCgroupFilesLocked(c)
	d.events.emit("container", "update", c.id, c.eventAttrs())
	return nil
}

// topLocked is GET /containers/{id}/top of running c: the titles and the
// rows ps psArgs prints of its processes (psTable), or dockerd's error:
// the container's first process, then every other process of its PID
// namespace (the programs its shells run, its execs and theirs), numbered
// in the host's PID space. Under the daemon's init (HostConfig.Init) the
// init is the first process (the namespace's PID 1), the program its
// child.
func (d *Daemon) topLocked(c *container, psArgs string) (titles []string, procs [][]string, err error) {
	uid := func(u string) string {
		if n, _, _ := strings.Cut(u, ":"); n != "" {
			return n
		}
		return "0"
	}
	cmd := strings.Join(append([]string{c.path}, c.args...), " ")
	ps := []psProc{{c.pid, 1, userName(c.config.User), uid(c.config.User), cmd}}
	if c.pids != nil {
		host := func(pid int) int { return c.pid + pid - 1 }
		for _, p := range c.pids.Processes() {
			if p.PID == 1 {
				// what it runs now (ash's -c execs its last command), or
				// under HostConfig.Init the docker-init over it
				ps[0].cmd = strings.Join(p.Args, " ")
				continue
			}
			user, id := "root", strconv.Itoa(p.UID)
			if p.UID != 0 {
				user = id
			}
			ps = append(ps, psProc{host(p.PID), host(p.PPID), user, id, strings.Join(p.Args, " ")})
		}
	} else {
		for i, eid := range c.execIDs {
			if e := d.execs[eid]; e != nil && e.running {
				ps = append(ps, psProc{c.pid + 10 + i, 1, userName(e.user), uid(e.user), strings.Join(e.argv, " ")})
			}
		}
	}
	return psTable(psArgs, c.state.StartedAt.Format("15:04"), ps)
}
