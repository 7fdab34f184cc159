package mockdaemon

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
)

// Default version window and identity of the mock.
const (
	DefaultMaxAPIVersion = "1.56"
	DefaultMinAPIVersion = "1.24"
	DefaultServerVersion = "29.0.0-mock"
	DefaultImage         = "busybox:latest"
)

// Config configures a Daemon. The zero value is a daemon with the default
// version window, the wall clock, random ids and busybox:latest present.
type Config struct {
	// MaxAPIVersion is the newest API version served ("1.56" when empty);
	// unversioned paths are served as this version.
	MaxAPIVersion string
	// MinAPIVersion is the oldest API version accepted ("1.24" when empty).
	MinAPIVersion string
	// ServerVersion is the engine version reported by /version and the
	// Server header.
	ServerVersion string
	// Hostname is the daemon's host name in /info (default "mockdaemon").
	Hostname string
	// Clock gives the current time (default time.Now).
	Clock func() time.Time
	// IDs is the source of bytes for every generated id (container, exec,
	// network, volume and image ids). Default crypto/rand. Reads are
	// serialised by the daemon.
	IDs io.Reader
	// Images lists the image references present at start. Nil means
	// just busybox:latest; an empty non-nil slice means none.
	Images []string
	// HostBinds makes bind mounts bind the host's directory or file of
	// that path, as dockerd does: the container reads the host's files as
	// they are and its writes land on the host; a missing Binds source is
	// made (cmd/mockdockerd sets it). Otherwise a bind is an empty
	// in-memory directory shared by every container that binds the same
	// host path.
	HostBinds bool
	// Registries are the credentials the emulated registries ask for, by
	// registry host ("127.0.0.1:5000", "docker.io"); any other host is an
	// open in-memory registry (see registry.go).
	Registries map[string]Credentials
	// MaxLogBytes bounds each container's output kept in memory for
	// logs and attach (DefaultMaxLogBytes when 0, at least 64 KiB): past
	// it the oldest output is dropped first.
	MaxLogBytes int64
	// HostResolvConf is the emulated host's /etc/resolv.conf, the file
	// dockerd makes each container's resolv.conf from (see resolvconf.go):
	// cmd/mockdockerd reads the machine's. Empty is a host without
	// nameservers, whose containers get dockerd's defaults (8.8.8.8 and
	// 8.8.4.4).
	HostResolvConf string
	// HostHosts is the emulated host's /etc/hosts, which a container on
	// the host's network without ExtraHosts gets a copy of, as
	// libnetwork's default sandbox does: cmd/mockdockerd reads the
	// machine's. Empty is a host whose file holds the records dockerd
	// writes for a container (localhost and the IPv6 names).
	HostHosts string
	// PublishPorts serves the published TCP ports of running containers
	// on the machine, as docker-proxy does: a connection to a host port
	// reaches the process listening on the container's port (busybox nc
	// -l in the container). A host port the machine cannot give is left
	// unserved, where dockerd would fail the start. cmd/mockdockerd sets
	// it unless -publish=false.
	PublishPorts bool
}

// Daemon is a mock Docker Engine. Use New to make one.
type Daemon struct {
	cfg        Config
	maxVersion apiVersion
	minVersion apiVersion
	mux        *http.ServeMux
	started    time.Time
	srv        *server // listeners, connections, request log, faults (server.go)

	idMu sync.Mutex

	// Engine state, guarded by mu (locking.go).
	mu         engineLock
	containers map[string]*container // by full id
	ordered    []*container          // d.containers newest first (list order), kept incrementally
	names      map[string]string     // "/name" -> id
	links      linkIndex             // legacy links (containers_links.go)
	execs      map[string]*execInst
	execTicks  int // ticks of the exec collector run (collectExecsLocked)
	images     *imageStore
	networks   map[string]*network
	volumes    map[string]*volume
	binds      map[string]*memfs.FS
	nextPID    int
	nextPort   int
	nextSubnet int // where the IPAM looks for the next default pool (networks_ipam.go)
	order      int
	sessions   map[string]bool    // open POST /session ids
	registry   registryStore      // what was pushed to the emulated registries
	swarm      *swarmState        // nil: no swarm
	swarmIndex uint64             // the swarm's version index (raft index stand-in), across swarms
	plugins    map[string]*plugin // by id

	events *eventLog

	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup // processes and streams
}

// New makes a Daemon from cfg.
func New(cfg Config) *Daemon {
	if cfg.MaxAPIVersion == "" {
		cfg.MaxAPIVersion = DefaultMaxAPIVersion
	}
	if cfg.MinAPIVersion == "" {
		cfg.MinAPIVersion = DefaultMinAPIVersion
	}
	if cfg.ServerVersion == "" {
		cfg.ServerVersion = DefaultServerVersion
	}
	if cfg.Hostname == "" {
		cfg.Hostname = "mockdaemon"
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.IDs == nil {
		cfg.IDs = rand.Reader
	}
	if cfg.Images == nil {
		cfg.Images = []string{DefaultImage}
	}
	d := &Daemon{
		cfg:        cfg,
		srv:        newServer(),
		containers: map[string]*container{},
		names:      map[string]string{},
		execs:      map[string]*execInst{},
		networks:   map[string]*network{},
		volumes:    map[string]*volume{},
		sessions:   map[string]bool{},
		plugins:    map[string]*plugin{},
		registry:   registryStore{images: map[string]*image{}, plugins: map[string]map[string]any{}},
	}
	var err error
	if d.maxVersion, err = parseAPIVersion(cfg.MaxAPIVersion); err != nil {
		d.maxVersion, _ = parseAPIVersion(DefaultMaxAPIVersion)
	}
	if d.minVersion, err = parseAPIVersion(cfg.MinAPIVersion); err != nil {
		d.minVersion, _ = parseAPIVersion(DefaultMinAPIVersion)
	}
	d.ctx, d.cancel = context.WithCancel(context.Background())
	d.started = d.now()
	d.events = newEventLog(d)
	d.images = newImageStore(d)
	for _, ref := range cfg.Images {
		d.images.addBase(ref)
	}
	d.initNetworks()
	d.mux = http.NewServeMux()
	d.register(d.routes())
	return d
}

func (d *Daemon) now() time.Time { return d.cfg.Clock().UTC() }

// newID returns 64 hex digits read from the id source.
func (d *Daemon) newID() string {
	var b [32]byte
	if err := d.readID(b[:]); err != nil {
		// An exhausted deterministic source falls back to crypto/rand
		// rather than handing out duplicate ids.
		_, _ = rand.Read(b[:])
	}
	return hex.EncodeToString(b[:])
}

// readID fills b from the id source; reads are serialised.
func (d *Daemon) readID(b []byte) error {
	d.idMu.Lock()
	defer d.idMu.Unlock()
	_, err := io.ReadFull(d.cfg.IDs, b)
	return err
}

// goTracked runs f as a goroutine that Close waits for.
func (d *Daemon) goTracked(f func()) {
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		f()
	}()
}
