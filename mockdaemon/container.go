package mockdaemon

import (
	"bytes"
	"encoding/json"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
)

// strSlice is a JSON string or array of strings (Cmd, Entrypoint).
type strSlice []string

func (s *strSlice) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var one string
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*s = strSlice{one}
		return nil
	}
	var l []string
	if err := json.Unmarshal(b, &l); err != nil {
		return err
	}
	*s = l
	return nil
}

// containerConfig is the container's Config as the API shows it.
type containerConfig struct {
	Hostname     string              `json:"Hostname"`
	Domainname   string              `json:"Domainname"`
	User         string              `json:"User"`
	AttachStdin  bool                `json:"AttachStdin"`
	AttachStdout bool                `json:"AttachStdout"`
	AttachStderr bool                `json:"AttachStderr"`
	ExposedPorts map[string]struct{} `json:"ExposedPorts,omitempty"`
	Tty          bool                `json:"Tty"`
	OpenStdin    bool                `json:"OpenStdin"`
	StdinOnce    bool                `json:"StdinOnce"`
	Env          []string            `json:"Env"`
	Cmd          strSlice            `json:"Cmd"`
	Healthcheck  json.RawMessage     `json:"Healthcheck,omitempty"`
	Image        string              `json:"Image"`
	Volumes      map[string]struct{} `json:"Volumes"`
	WorkingDir   string              `json:"WorkingDir"`
	Entrypoint   strSlice            `json:"Entrypoint"`
	OnBuild      []string            `json:"OnBuild"`
	Labels       map[string]string   `json:"Labels"`
	StopSignal   string              `json:"StopSignal,omitempty"`
	StopTimeout  *int                `json:"StopTimeout,omitempty"`
	Shell        []string            `json:"Shell,omitempty"`
}

type portBinding struct {
	HostIP   string `json:"HostIp"`
	HostPort string `json:"HostPort"`
}

type restartPolicy struct {
	Name              string `json:"Name"`
	MaximumRetryCount int    `json:"MaximumRetryCount"`
}

type logConfig struct {
	Type   string            `json:"Type"`
	Config map[string]string `json:"Config"`
}

type mountSpec struct {
	Type          string          `json:"Type"`
	Source        string          `json:"Source"`
	Target        string          `json:"Target"`
	ReadOnly      bool            `json:"ReadOnly,omitempty"`
	Consistency   string          `json:"Consistency,omitempty"`
	BindOptions   json.RawMessage `json:"BindOptions,omitempty"`
	VolumeOptions json.RawMessage `json:"VolumeOptions,omitempty"`
	TmpfsOptions  json.RawMessage `json:"TmpfsOptions,omitempty"`
}

// hostConfig is the container's HostConfig as the API shows it.
type hostConfig struct {
	Binds                []string                 `json:"Binds"`
	ContainerIDFile      string                   `json:"ContainerIDFile"`
	LogConfig            logConfig                `json:"LogConfig"`
	NetworkMode          string                   `json:"NetworkMode"`
	PortBindings         map[string][]portBinding `json:"PortBindings"`
	RestartPolicy        restartPolicy            `json:"RestartPolicy"`
	AutoRemove           bool                     `json:"AutoRemove"`
	VolumeDriver         string                   `json:"VolumeDriver"`
	VolumesFrom          []string                 `json:"VolumesFrom"`
	ConsoleSize          [2]int                   `json:"ConsoleSize"`
	Annotations          map[string]string        `json:"Annotations,omitempty"`
	CapAdd               []string                 `json:"CapAdd"`
	CapDrop              []string                 `json:"CapDrop"`
	CgroupnsMode         string                   `json:"CgroupnsMode"`
	DNS                  []string                 `json:"Dns"`
	DNSOptions           []string                 `json:"DnsOptions"`
	DNSSearch            []string                 `json:"DnsSearch"`
	ExtraHosts           []string                 `json:"ExtraHosts"`
	GroupAdd             []string                 `json:"GroupAdd"`
	IpcMode              string                   `json:"IpcMode"`
	Cgroup               string                   `json:"Cgroup"`
	Links                []string                 `json:"Links"`
	OomScoreAdj          int                      `json:"OomScoreAdj"`
	PidMode              string                   `json:"PidMode"`
	Privileged           bool                     `json:"Privileged"`
	PublishAllPorts      bool                     `json:"PublishAllPorts"`
	ReadonlyRootfs       bool                     `json:"ReadonlyRootfs"`
	SecurityOpt          []string                 `json:"SecurityOpt"`
	StorageOpt           map[string]string        `json:"StorageOpt,omitempty"`
	Tmpfs                map[string]string        `json:"Tmpfs,omitempty"`
	UTSMode              string                   `json:"UTSMode"`
	UsernsMode           string                   `json:"UsernsMode"`
	ShmSize              int64                    `json:"ShmSize"`
	Sysctls              map[string]string        `json:"Sysctls,omitempty"`
	Runtime              string                   `json:"Runtime"`
	Isolation            string                   `json:"Isolation"`
	CPUShares            int64                    `json:"CpuShares"`
	Memory               int64                    `json:"Memory"`
	NanoCPUs             int64                    `json:"NanoCpus"`
	CgroupParent         string                   `json:"CgroupParent"`
	BlkioWeight          uint16                   `json:"BlkioWeight"`
	BlkioWeightDevice    []json.RawMessage        `json:"BlkioWeightDevice"`
	BlkioDeviceReadBps   []json.RawMessage        `json:"BlkioDeviceReadBps"`
	BlkioDeviceWriteBps  []json.RawMessage        `json:"BlkioDeviceWriteBps"`
	BlkioDeviceReadIOps  []json.RawMessage        `json:"BlkioDeviceReadIOps"`
	BlkioDeviceWriteIOps []json.RawMessage        `json:"BlkioDeviceWriteIOps"`
	CPUPeriod            int64                    `json:"CpuPeriod"`
	CPUQuota             int64                    `json:"CpuQuota"`
	CPURealtimePeriod    int64                    `json:"CpuRealtimePeriod"`
	CPURealtimeRuntime   int64                    `json:"CpuRealtimeRuntime"`
	CpusetCpus           string                   `json:"CpusetCpus"`
	CpusetMems           string                   `json:"CpusetMems"`
	Devices              []json.RawMessage        `json:"Devices"`
	DeviceCgroupRules    []string                 `json:"DeviceCgroupRules"`
	DeviceRequests       []json.RawMessage        `json:"DeviceRequests"`
	MemoryReservation    int64                    `json:"MemoryReservation"`
	MemorySwap           int64                    `json:"MemorySwap"`
	MemorySwappiness     *int64                   `json:"MemorySwappiness"`
	OomKillDisable       *bool                    `json:"OomKillDisable"`
	PidsLimit            *int64                   `json:"PidsLimit"`
	Ulimits              []json.RawMessage        `json:"Ulimits"`
	CPUCount             int64                    `json:"CpuCount"`
	CPUPercent           int64                    `json:"CpuPercent"`
	IOMaximumIOps        uint64                   `json:"IOMaximumIOps"`
	IOMaximumBandwidth   uint64                   `json:"IOMaximumBandwidth"`
	Mounts               []mountSpec              `json:"Mounts,omitempty"`
	MaskedPaths          []string                 `json:"MaskedPaths"`
	ReadonlyPaths        []string                 `json:"ReadonlyPaths"`
	Init                 *bool                    `json:"Init,omitempty"`
}

// containerState is State in inspect.
type containerState struct {
	Status     string    `json:"Status"`
	Running    bool      `json:"Running"`
	Paused     bool      `json:"Paused"`
	Restarting bool      `json:"Restarting"`
	OOMKilled  bool      `json:"OOMKilled"`
	Dead       bool      `json:"Dead"`
	Pid        int       `json:"Pid"`
	ExitCode   int       `json:"ExitCode"`
	Error      string    `json:"Error"`
	StartedAt  time.Time `json:"-"`
	FinishedAt time.Time `json:"-"`
}

// mountPoint is one entry of a container's Mounts.
type mountPoint struct {
	Type        string `json:"Type"`
	Name        string `json:"Name,omitempty"`
	Source      string `json:"Source"`
	Destination string `json:"Destination"`
	Driver      string `json:"Driver,omitempty"`
	Mode        string `json:"Mode"`
	RW          bool   `json:"RW"`
	Propagation string `json:"Propagation"`
	anonymous   bool
	opts        string // tmpfs options, for /proc/mounts
}

// endpoint is a container's attachment to a network.
type endpoint struct {
	network    *network
	endpointID string
	ip         string
	mac        string
	aliases    []string
	ipamIP     string
	order      int
}

// container is one container. Its fields are guarded by Daemon.mu except
// where noted.
type container struct {
	d            *Daemon
	id           string
	name         string // with the leading '/'
	created      time.Time
	imageID      string
	config       containerConfig
	host         hostConfig
	state        containerState
	restartCount int
	path         string
	args         []string
	platform     string

	fs     *memfs.FS // root filesystem
	base   *memfs.FS // the image's, for changes
	mounts []mountPoint
	eps    map[string]*endpoint // by network name
	ports  map[string][]portBinding

	logs *logBuf

	proc        proc
	stdin       *stdinPipe
	exited      chan struct{} // closed when the current run ends; replaced by start
	health      *healthState  // State.Health; nil without a healthcheck
	removed     chan struct{} // closed when removed
	stopping    bool          // stop or kill asked for: no restart policy
	removing    bool
	execIDs     []string
	pauseGate   *gate
	hasRun      bool
	manualStop  bool
	pid         int
	autoRemoved bool
}

// gate blocks writers while a container is paused.
type gate struct {
	mu     sync.Mutex
	closed chan struct{} // nil when open
}

func (g *gate) pause() {
	g.mu.Lock()
	if g.closed == nil {
		g.closed = make(chan struct{})
	}
	g.mu.Unlock()
}

func (g *gate) resume() {
	g.mu.Lock()
	if g.closed != nil {
		close(g.closed)
		g.closed = nil
	}
	g.mu.Unlock()
}

func (g *gate) wait(done <-chan struct{}) {
	g.mu.Lock()
	ch := g.closed
	g.mu.Unlock()
	if ch != nil {
		select {
		case <-ch:
		case <-done:
		}
	}
}

// gatedWriter waits while the container is paused.
type gatedWriter struct {
	g    *gate
	done <-chan struct{}
	w    io.Writer
}

func (w *gatedWriter) Write(p []byte) (int, error) {
	w.g.wait(w.done)
	return w.w.Write(p)
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

// getContainer resolves a full id, a name or a unique id prefix; d.mu held.
func (d *Daemon) getContainerLocked(ref string) (*container, error) {
	if ref == "" {
		return nil, noSuchContainer(ref)
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

func (d *Daemon) getContainer(ref string) (*container, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.getContainerLocked(ref)
}

// logEntry is one chunk of output, normally one line.
type logEntry struct {
	stream int // 1 stdout, 2 stderr
	t      time.Time
	data   []byte
}

// logBuf is a container's output: kept for logs, fed to attached
// streams. It has its own lock.
type logBuf struct {
	mu      sync.Mutex
	entries []logEntry
	base    int // entries dropped from the front: indexes are absolute
	// readers are the attached streams' positions: a writer more than
	// maxAttachLag entries ahead of one waits for it (dockerd's attach
	// backpressures the process too), at most attachStall per wait.
	readers  map[*logReader]struct{}
	progress chan struct{} // closed and replaced when a reader advances
	changed  chan struct{} // closed and replaced on every append
	closed   bool          // the current run has ended
	gen      int           // bumped on every run
	partial  [3][]byte
	now      func() time.Time
	tty      bool
}

func newLogBuf(now func() time.Time, tty bool) *logBuf {
	return &logBuf{changed: make(chan struct{}), now: now, tty: tty}
}

const maxLogEntries = 200000

const (
	maxAttachLag = 1024
	attachStall  = time.Second
)

// logReader is an attached stream's position in a logBuf.
type logReader struct{ pos int }

// addReader registers an attached stream at absolute position pos.
func (l *logBuf) addReader(pos int) *logReader {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.readers == nil {
		l.readers = map[*logReader]struct{}{}
		l.progress = make(chan struct{})
	}
	rd := &logReader{pos: pos}
	l.readers[rd] = struct{}{}
	return rd
}

// advance records that rd has sent everything before pos.
func (l *logBuf) advance(rd *logReader, pos int) {
	l.mu.Lock()
	rd.pos = pos
	l.wakeLocked()
	l.mu.Unlock()
}

func (l *logBuf) removeReader(rd *logReader) {
	l.mu.Lock()
	delete(l.readers, rd)
	l.wakeLocked()
	l.mu.Unlock()
}

func (l *logBuf) wakeLocked() {
	if l.progress != nil {
		close(l.progress)
		l.progress = make(chan struct{})
	}
}

// laggingLocked reports whether an attached stream is too far behind.
func (l *logBuf) laggingLocked() bool {
	end := l.base + len(l.entries)
	for rd := range l.readers {
		if end-rd.pos > maxAttachLag {
			return true
		}
	}
	return false
}

func (l *logBuf) write(stream int, p []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now().UTC()
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		var chunk []byte
		if i < 0 {
			chunk, p = p, nil
		} else {
			chunk, p = p[:i+1], p[i+1:]
		}
		l.entries = append(l.entries, logEntry{stream: stream, t: now, data: bytes.Clone(chunk)})
	}
	if len(l.entries) > maxLogEntries {
		drop := len(l.entries) - maxLogEntries/2
		l.entries = slices.Clone(l.entries[drop:])
		l.base += drop
	}
	close(l.changed)
	l.changed = make(chan struct{})
	var stall <-chan time.Time
	for l.laggingLocked() {
		if stall == nil {
			t := time.NewTimer(attachStall)
			defer t.Stop()
			stall = t.C
		}
		progress := l.progress
		l.mu.Unlock()
		select {
		case <-progress:
			l.mu.Lock()
		case <-stall:
			l.mu.Lock()
			return
		}
	}
}

// startRun marks a new run of the process.
func (l *logBuf) startRun() {
	l.mu.Lock()
	l.closed = false
	l.gen++
	close(l.changed)
	l.changed = make(chan struct{})
	l.mu.Unlock()
}

// endRun marks the end of the current run: followers stop.
func (l *logBuf) endRun() {
	l.mu.Lock()
	l.closed = true
	close(l.changed)
	l.changed = make(chan struct{})
	l.mu.Unlock()
}

// since returns the entries from absolute index i (or the oldest kept),
// the absolute index after them, whether the run has ended, and a channel
// closed at the next change.
func (l *logBuf) since(i int) ([]logEntry, int, bool, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	end := l.base + len(l.entries)
	i = min(max(i, l.base), end)
	return l.entries[i-l.base : len(l.entries) : len(l.entries)], end, l.closed, l.changed
}

func (l *logBuf) length() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.base + len(l.entries)
}

// logWriter feeds a stream of the process into the log.
type logWriter struct {
	l      *logBuf
	stream int
	tty    bool
}

func (w *logWriter) Write(p []byte) (int, error) {
	n := len(p)
	if w.tty {
		p = bytes.ReplaceAll(bytes.ReplaceAll(p, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
	}
	w.l.write(w.stream, p)
	return n, nil
}

// stdinPipe is a process's stdin: attach and exec write to it.
type stdinPipe struct {
	r *io.PipeReader
	w *io.PipeWriter
}

func newStdinPipe() *stdinPipe {
	r, w := io.Pipe()
	return &stdinPipe{r: r, w: w}
}
