package endpoints

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dockwire/dockwire/mux"
	"github.com/dockwire/dockwire/tarstream"
	"github.com/dockwire/dockwire/wire"
)

// ContainerService holds the Container operations, and the docker-py style
// conveniences built on them (Run, ExecRun, CopyTo, CopyFrom).
type ContainerService struct {
	w *wire.Client
}

// NewContainers returns the Container operations over w.
func NewContainers(w *wire.Client) *ContainerService { return &ContainerService{w: w} }

func req(method, path, op string) *wire.Request {
	return &wire.Request{Method: method, Path: path, Op: op, Query: url.Values{}}
}

func boolParam(q url.Values, key string, b bool) {
	if b {
		q.Set(key, "1")
	}
}

// ContainerListOptions select the containers [ContainerService.List]
// returns. The zero value lists the running ones.
type ContainerListOptions struct {
	All     bool // stopped ones too
	Limit   int  // the n most recently created (all states); 0 = no limit
	Size    bool // fill SizeRw and SizeRootFs (slow)
	Filters wire.Filters
}

// List lists containers (docker ps).
//
// API: GET /containers/json
func (s *ContainerService) List(ctx context.Context, opts ContainerListOptions) ([]ContainerSummary, error) {
	const op = "ContainerList"
	if opts.Limit < 0 {
		return nil, argErr(op, "Limit", strconv.Itoa(opts.Limit), "must not be negative")
	}
	r := req("GET", "/containers/json", op)
	boolParam(r.Query, "all", opts.All)
	boolParam(r.Query, "size", opts.Size)
	if opts.Limit > 0 {
		r.Query.Set("limit", strconv.Itoa(opts.Limit))
	}
	if f := opts.Filters.Encode(); f != "" {
		r.Query.Set("filters", f)
	}
	var out []ContainerSummary
	err := call(ctx, s.w, r, &out)
	return out, err
}

// ContainerCreateOptions describe a container to create.
type ContainerCreateOptions struct {
	// Name is the container's name ("" lets the daemon pick one): letters,
	// digits, "_", "." and "-", starting with a letter or digit.
	Name string
	// Platform is "os[/arch[/variant]]" of the image to use (API 1.41).
	Platform string
	Config   ContainerConfig
	// HostConfig and NetworkingConfig may be nil.
	HostConfig       *HostConfig
	NetworkingConfig *NetworkingConfig
}

// validName reports whether name is a container name dockerd accepts:
// [a-zA-Z0-9][a-zA-Z0-9_.-]*, with an optional leading "/". Written by hand
// rather than as a package-level regexp, whose init would link all of
// regexp into every program.
func validName(name string) bool {
	name = strings.TrimPrefix(name, "/")
	if name == "" || !isAlnum(name[0]) {
		return false
	}
	for i := 1; i < len(name); i++ {
		if c := name[i]; !isAlnum(c) && c != '_' && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

type createBody struct {
	ContainerConfig
	HostConfig       *HostConfig       `json:",omitempty"`
	NetworkingConfig *NetworkingConfig `json:",omitempty"`
}

// Create creates a container. A missing image gives an error matching both
// ErrImageNotFound and wire.ErrNotFound. From API 1.44 a Config.MacAddress
// is sent as the MacAddress of the container's network endpoint, as the
// docker CLI does (daemons refuse the container-wide field from 1.52). The configuration is checked
// before any I/O: a malformed name, an unknown restart policy, AutoRemove
// with a restart policy, bad port keys or mounts are an *ArgError, and
// fields newer than the negotiated API a *wire.VersionError.
//
// API: POST /containers/create
func (s *ContainerService) Create(ctx context.Context, opts ContainerCreateOptions) (ContainerCreateResult, error) {
	const op = "ContainerCreate"
	if opts.Config.MacAddress != "" {
		ver, err := s.w.Version(ctx)
		if err != nil {
			return ContainerCreateResult{}, err
		}
		if !ver.Less(v(44)) {
			if err := moveMacAddress(op, &opts); err != nil {
				return ContainerCreateResult{}, err
			}
		}
	}
	reqs, err := checkCreate(op, &opts)
	if err != nil {
		return ContainerCreateResult{}, err
	}
	r, err := wire.JSONRequest("POST", "/containers/create", createBody{opts.Config, opts.HostConfig, opts.NetworkingConfig})
	if err != nil {
		return ContainerCreateResult{}, err
	}
	r.Op = op
	r.Requires = reqs
	r.Query = url.Values{}
	if opts.Name != "" {
		r.Query.Set("name", opts.Name)
	}
	if opts.Platform != "" {
		r.Query.Set("platform", opts.Platform)
	}
	var out ContainerCreateResult
	if err := call(ctx, s.w, r, &out); err != nil {
		return ContainerCreateResult{}, imageNotFound(err)
	}
	return out, nil
}

// moveMacAddress moves the container-wide Config.MacAddress, deprecated
// from API 1.44 and refused from 1.52, to the endpoint settings of the
// network the container joins (HostConfig.NetworkMode, "bridge" for the
// default one), as the docker CLI does. The caller's NetworkingConfig is
// copied, not changed. A network mode with no endpoint of its own (host,
// none, container:<id>), or another address already on that endpoint, is
// an *ArgError.
func moveMacAddress(op string, o *ContainerCreateOptions) error {
	mac := o.Config.MacAddress
	network := ""
	if o.HostConfig != nil {
		network = o.HostConfig.NetworkMode
	}
	switch {
	case network == "" || network == "default":
		network = "bridge"
	case network == "host" || network == "none" || strings.HasPrefix(network, "container:"):
		return argErr(op, "Config.MacAddress", mac, "conflicts with network mode "+strconv.Quote(network))
	}
	nc := &NetworkingConfig{EndpointsConfig: map[string]*EndpointSettings{}}
	if o.NetworkingConfig != nil {
		for k, es := range o.NetworkingConfig.EndpointsConfig {
			nc.EndpointsConfig[k] = es
		}
	}
	es := EndpointSettings{}
	if old := nc.EndpointsConfig[network]; old != nil {
		es = *old
	}
	if es.MacAddress != "" && es.MacAddress != mac {
		return argErr(op, "Config.MacAddress", mac, "differs from EndpointsConfig["+strconv.Quote(network)+"].MacAddress "+strconv.Quote(es.MacAddress))
	}
	es.MacAddress = mac
	nc.EndpointsConfig[network] = &es
	o.NetworkingConfig = nc
	o.Config.MacAddress = ""
	return nil
}

func checkRestart(op string, rp RestartPolicy, autoRemove bool) error {
	switch rp.Name {
	case "", RestartNo, RestartAlways, RestartUnlessStopped, RestartOnFailure:
	default:
		return argErr(op, "RestartPolicy.Name", rp.Name, "unknown restart policy: want no, always, unless-stopped or on-failure")
	}
	if rp.MaximumRetryCount < 0 {
		return argErr(op, "RestartPolicy.MaximumRetryCount", strconv.Itoa(rp.MaximumRetryCount), "must not be negative")
	}
	if rp.MaximumRetryCount > 0 && rp.Name != RestartOnFailure {
		return argErr(op, "RestartPolicy.MaximumRetryCount", strconv.Itoa(rp.MaximumRetryCount), "only applies to the on-failure policy")
	}
	if autoRemove && rp.Name != "" && rp.Name != RestartNo {
		return argErr(op, "HostConfig.AutoRemove", "true", "conflicts with restart policy "+strconv.Quote(rp.Name))
	}
	return nil
}

func checkResources(op string, r *Resources) error {
	for _, f := range []struct {
		name string
		v    int64
	}{{"Memory", r.Memory}, {"MemoryReservation", r.MemoryReservation}, {"NanoCPUs", r.NanoCPUs}, {"CPUShares", r.CPUShares}, {"CPUQuota", r.CPUQuota}, {"CPUPeriod", r.CPUPeriod}} {
		if f.v < 0 {
			return argErr(op, f.name, strconv.FormatInt(f.v, 10), "must not be negative")
		}
	}
	if r.MemorySwap < -1 {
		return argErr(op, "MemorySwap", strconv.FormatInt(r.MemorySwap, 10), "must be -1 (unlimited), 0 or positive")
	}
	for _, u := range r.Ulimits {
		if u.Name == "" {
			return argErr(op, "Ulimits.Name", "", "must not be empty")
		}
	}
	return nil
}

func checkPortKey(op, field string, p Port) error {
	if _, err := parsePort(op, string(p)); err != nil {
		var ae *ArgError
		if errors.As(err, &ae) {
			ae.Field = field
		}
		return err
	}
	return nil
}

// checkCreate refuses bad options and lists the version requirements.
func checkCreate(op string, o *ContainerCreateOptions) ([]wire.Requirement, error) {
	var reqs []wire.Requirement
	need := func(what string, minor int) {
		reqs = append(reqs, wire.Requirement{What: op + ": " + what, Version: v(minor)})
	}
	if o.Config.Image == "" {
		return nil, argErr(op, "Config.Image", "", "must not be empty")
	}
	if o.Name != "" && !validName(o.Name) {
		return nil, argErr(op, "Name", o.Name, "invalid container name: want [a-zA-Z0-9][a-zA-Z0-9_.-]*")
	}
	if o.Platform != "" {
		need("Platform", 41)
	}
	for p := range o.Config.ExposedPorts {
		if err := checkPortKey(op, "Config.ExposedPorts", p); err != nil {
			return nil, err
		}
	}
	if o.Config.StopTimeout != nil && *o.Config.StopTimeout < -1 {
		return nil, argErr(op, "Config.StopTimeout", strconv.Itoa(*o.Config.StopTimeout), "must be -1 or more")
	}
	if hc := o.Config.Healthcheck; hc != nil {
		if hc.StartInterval != 0 {
			need("Healthcheck.StartInterval", 44)
		}
		if hc.Retries < 0 || hc.Interval < 0 || hc.Timeout < 0 || hc.StartPeriod < 0 || hc.StartInterval < 0 {
			return nil, argErr(op, "Config.Healthcheck", fmt.Sprint(*hc), "durations and retries must not be negative")
		}
	}
	if hc := o.HostConfig; hc != nil {
		if err := checkRestart(op, hc.RestartPolicy, hc.AutoRemove); err != nil {
			return nil, err
		}
		if err := checkResources(op, &hc.Resources); err != nil {
			return nil, err
		}
		if len(hc.DeviceRequests) > 0 {
			need("HostConfig.DeviceRequests", 40)
		}
		if hc.ShmSize < 0 {
			return nil, argErr(op, "HostConfig.ShmSize", strconv.FormatInt(hc.ShmSize, 10), "must not be negative")
		}
		for p := range hc.PortBindings {
			if err := checkPortKey(op, "HostConfig.PortBindings", p); err != nil {
				return nil, err
			}
		}
		if len(hc.Annotations) > 0 {
			need("HostConfig.Annotations", 43)
		}
		if hc.CgroupnsMode != "" {
			need("HostConfig.CgroupnsMode", 41)
		}
		for i, m := range hc.Mounts {
			field := fmt.Sprintf("HostConfig.Mounts[%d]", i)
			if m.Target == "" {
				return nil, argErr(op, field+".Target", "", "must not be empty")
			}
			switch m.Type {
			case MountBind, MountVolume, MountTmpfs, MountNpipe, MountCluster:
			case MountImage:
				need(field+".Type image", 48)
			default:
				return nil, argErr(op, field+".Type", m.Type, "unknown mount type: want bind, volume, tmpfs, npipe, cluster or image")
			}
			if m.Type == MountBind && m.Source == "" {
				return nil, argErr(op, field+".Source", "", "a bind mount needs a source")
			}
			if (m.BindOptions != nil && m.Type != MountBind) || (m.VolumeOptions != nil && m.Type != MountVolume) ||
				(m.TmpfsOptions != nil && m.Type != MountTmpfs) || (m.ImageOptions != nil && m.Type != MountImage) {
				return nil, argErr(op, field+".Type", m.Type, "options set for another mount type")
			}
			if b := m.BindOptions; b != nil {
				if b.CreateMountpoint {
					need(field+".BindOptions.CreateMountpoint", 42)
				}
				if b.ReadOnlyNonRecursive || b.ReadOnlyForceRecursive {
					need(field+".BindOptions.ReadOnly*Recursive", 44)
				}
			}
			if vo := m.VolumeOptions; vo != nil && vo.Subpath != "" {
				need(field+".VolumeOptions.Subpath", 45)
			}
			if t := m.TmpfsOptions; t != nil {
				if t.SizeBytes < 0 {
					return nil, argErr(op, field+".TmpfsOptions.SizeBytes", strconv.FormatInt(t.SizeBytes, 10), "must not be negative")
				}
				if len(t.Options) > 0 {
					need(field+".TmpfsOptions.Options", 46)
				}
			}
		}
	}
	if nc := o.NetworkingConfig; nc != nil {
		if len(nc.EndpointsConfig) > 1 {
			need("NetworkingConfig: several EndpointsConfig", 44)
		}
		for name, es := range nc.EndpointsConfig {
			if name == "" {
				return nil, argErr(op, "NetworkingConfig.EndpointsConfig", "", "network name must not be empty")
			}
			if es == nil {
				continue
			}
			if es.MacAddress != "" {
				need("EndpointSettings.MacAddress", 44)
			}
			if len(es.DriverOpts) > 0 {
				need("EndpointSettings.DriverOpts", 32)
			}
			if es.GwPriority != 0 {
				need("EndpointSettings.GwPriority", 48)
			}
		}
	}
	return reqs, nil
}

// ContainerInspectOptions tune [ContainerService.Inspect].
type ContainerInspectOptions struct {
	Size bool // fill SizeRw and SizeRootFs
}

// Inspect returns the full state of a container: a fresh Inspect is
// docker-py's reload().
//
// API: GET /containers/{id}/json
func (s *ContainerService) Inspect(ctx context.Context, id string, opts ContainerInspectOptions) (ContainerInspect, error) {
	const op = "ContainerInspect"
	r, err := objectRequest(op, "GET", "/containers/", id, "/json", wire.Version{})
	if err != nil {
		return ContainerInspect{}, err
	}
	boolParam(r.Query, "size", opts.Size)
	var out ContainerInspect
	err = call(ctx, s.w, r, &out)
	return out, err
}

// TopOptions tune [ContainerService.Top].
type TopOptions struct {
	PsArgs string // ps arguments, default "-ef"
}

// Top lists the processes running in a container.
//
// API: GET /containers/{id}/top
func (s *ContainerService) Top(ctx context.Context, id string, opts TopOptions) (ContainerTop, error) {
	const op = "ContainerTop"
	r, err := objectRequest(op, "GET", "/containers/", id, "/top", wire.Version{})
	if err != nil {
		return ContainerTop{}, err
	}
	if opts.PsArgs != "" {
		r.Query.Set("ps_args", opts.PsArgs)
	}
	var out ContainerTop
	err = call(ctx, s.w, r, &out)
	return out, err
}

// LogsOptions select the log lines [ContainerService.Logs] streams.
type LogsOptions struct {
	// Stdout and Stderr select the streams; when both are false, both are
	// sent (the API refuses a request for neither).
	Stdout, Stderr bool
	// Follow keeps the stream open for new lines until the container stops
	// or ctx is cancelled.
	Follow bool
	// Since and Until bound the lines by time (Until: API 1.35).
	Since, Until time.Time
	// Timestamps prefixes every line with its RFC 3339 nano time.
	Timestamps bool
	// Tail is how many lines from the end to send: "" or "all" for all,
	// or a non-negative number.
	Tail string
	// TTY is the container's Tty setting when the caller knows it. Before
	// API 1.42 the logs response does not say whether it is multiplexed,
	// and Logs inspects the container to find out unless TTY is set.
	TTY *bool
}

// Logs is a container's log stream. Body is raw TTY bytes when Multiplexed
// is false, the stdcopy format otherwise: Demux splits it either way.
// The caller must Close it.
type Logs struct {
	Body        io.ReadCloser
	Multiplexed bool
}

// Demux copies the stream to stdout and stderr until it ends (a raw
// stream all goes to stdout; a nil writer discards).
func (l *Logs) Demux(stdout, stderr io.Writer) (int64, error) {
	if l.Multiplexed {
		return mux.Copy(stdout, stderr, l.Body)
	}
	if stdout == nil {
		stdout = io.Discard
	}
	return io.Copy(stdout, l.Body)
}

// Close closes the stream.
func (l *Logs) Close() error { return l.Body.Close() }

// Logs streams a container's logs. Whether the stream is multiplexed is
// decided by mux.Multiplexed: from the Content-Type on API 1.42 and later,
// else from the container's Tty, which Logs takes from opts.TTY or, when
// unset, from an Inspect of the container.
//
// API: GET /containers/{id}/logs
func (s *ContainerService) Logs(ctx context.Context, id string, opts LogsOptions) (*Logs, error) {
	const op = "ContainerLogs"
	r, err := logsQuery{Stdout: opts.Stdout, Stderr: opts.Stderr, Follow: opts.Follow,
		Timestamps: opts.Timestamps, Since: opts.Since, Tail: opts.Tail}.request(op, "/containers/", id)
	if err != nil {
		return nil, err
	}
	if !opts.Until.IsZero() {
		r.Query.Set("until", unixTimestamp(opts.Until))
		r.Requires = append(r.Requires, wire.Requirement{What: op + ": Until", Version: v(35)})
	}
	return openLogs(ctx, s.w, r, opts.TTY, s.ttyOf(id))
}

// logsQuery is what the container, service and task logs operations
// share in their query.
type logsQuery struct {
	Stdout, Stderr, Follow, Timestamps bool
	Since                              time.Time
	Tail                               string
}

// request is GET prefix+id+"/logs" with q (both streams when neither is
// asked for; no timeout when following); an empty id or a bad Tail is an
// *ArgError.
func (q logsQuery) request(op, prefix, id string) (*wire.Request, error) {
	r, err := objectRequest(op, "GET", prefix, id, "/logs", wire.Version{})
	if err != nil {
		return nil, err
	}
	stdout, stderr := q.Stdout, q.Stderr
	if !stdout && !stderr {
		stdout, stderr = true, true
	}
	boolParam(r.Query, "stdout", stdout)
	boolParam(r.Query, "stderr", stderr)
	boolParam(r.Query, "follow", q.Follow)
	boolParam(r.Query, "timestamps", q.Timestamps)
	if q.Follow {
		r.NoTimeout = true
	}
	if !q.Since.IsZero() {
		r.Query.Set("since", unixTimestamp(q.Since))
	}
	switch q.Tail {
	case "", "all":
	default:
		if n, err := strconv.Atoi(q.Tail); err != nil || n < 0 {
			return nil, argErr(op, "Tail", q.Tail, `want "all" or a non-negative number`)
		}
		r.Query.Set("tail", q.Tail)
	}
	return r, nil
}

// openLogs sends a logs request and tells from the response (or, before
// API 1.42, from hint or look) whether the stream is multiplexed.
func openLogs(ctx context.Context, w *wire.Client, r *wire.Request, hint *bool, look func(context.Context) (bool, error)) (*Logs, error) {
	mode, err := newStreamMode(ctx, w, hint, look)
	if err != nil {
		return nil, err
	}
	resp, err := send(ctx, w, r)
	if err != nil {
		return nil, err
	}
	muxed, err := mode.multiplexed(ctx, resp.Header.Get("Content-Type"))
	if err != nil {
		resp.Body.Close()
		return nil, err
	}
	return &Logs{Body: resp.Body, Multiplexed: muxed}, nil
}

func knownStreamType(ct string) bool {
	mt, _, _ := cutParams(ct)
	return mt == mux.MediaRawStream || mt == mux.MediaMultiplexedStream
}

func cutParams(ct string) (string, string, bool) {
	for i := 0; i < len(ct); i++ {
		if ct[i] == ';' {
			return trimSpace(ct[:i]), ct[i+1:], true
		}
	}
	return trimSpace(ct), "", false
}

func trimSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// tty reports a container's Config.Tty.
// ttyOf looks up a container's Tty setting.
func (s *ContainerService) ttyOf(id string) func(context.Context) (bool, error) {
	return func(ctx context.Context) (bool, error) {
		c, err := s.Inspect(ctx, id, ContainerInspectOptions{})
		if err != nil {
			return false, err
		}
		return c.Config != nil && c.Config.Tty, nil
	}
}

// Changes lists the paths changed in a container's filesystem since it was
// created.
//
// API: GET /containers/{id}/changes
func (s *ContainerService) Changes(ctx context.Context, id string) ([]FilesystemChange, error) {
	const op = "ContainerChanges"
	p, err := idPath(op, "/containers/", id, "/changes")
	if err != nil {
		return nil, err
	}
	var out []FilesystemChange
	err = call(ctx, s.w, req("GET", p, op), &out)
	return out, err
}

// Export streams a container's filesystem as a tar archive. The caller
// must Close it.
//
// API: GET /containers/{id}/export
func (s *ContainerService) Export(ctx context.Context, id string) (io.ReadCloser, error) {
	const op = "ContainerExport"
	p, err := idPath(op, "/containers/", id, "/export")
	if err != nil {
		return nil, err
	}
	resp, err := send(ctx, s.w, req("GET", p, op))
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// Stats streams a container's resource usage, about one sample a second,
// until ctx is cancelled, the stream is closed or the container stops. See
// [ContainerService.StatsOnce] for a single sample.
//
// API: GET /containers/{id}/stats
func (s *ContainerService) Stats(ctx context.Context, id string) (*wire.Stream[ContainerStats], error) {
	const op = "ContainerStats"
	r, err := objectRequest(op, "GET", "/containers/", id, "/stats", wire.Version{})
	if err != nil {
		return nil, err
	}
	r.Query.Set("stream", "1")
	r.NoTimeout = true
	resp, err := send(ctx, s.w, r)
	if err != nil {
		return nil, err
	}
	return wire.NewStream[ContainerStats](ctx, resp.Body, resp.Header.Get("Content-Type"), wire.StreamOptions{}), nil
}

// StatsOnceOptions tune [ContainerService.StatsOnce].
type StatsOnceOptions struct {
	// OneShot returns at once, without the second sample that fills
	// PreCPUStats (so CPUPercent is 0). API 1.41.
	OneShot bool
}

// StatsOnce returns a single sample of a container's resource usage (the
// stream=false form of [ContainerService.Stats]).
func (s *ContainerService) StatsOnce(ctx context.Context, id string, opts StatsOnceOptions) (ContainerStats, error) {
	const op = "ContainerStats"
	r, err := objectRequest(op, "GET", "/containers/", id, "/stats", wire.Version{})
	if err != nil {
		return ContainerStats{}, err
	}
	r.Query.Set("stream", "0")
	if opts.OneShot {
		r.Query.Set("one-shot", "1")
		r.Requires = []wire.Requirement{{What: op + ": OneShot", Version: v(41)}}
	}
	var out ContainerStats
	err = call(ctx, s.w, r, &out)
	return out, err
}

// ResizeOptions are a TTY's new size in characters.
type ResizeOptions struct {
	Height, Width uint
}

func resize(ctx context.Context, w *wire.Client, op, prefix, id string, opts ResizeOptions) error {
	p, err := idPath(op, prefix, id, "/resize")
	if err != nil {
		return err
	}
	if opts.Height == 0 || opts.Width == 0 {
		return argErr(op, "size", fmt.Sprintf("%dx%d", opts.Height, opts.Width), "height and width must be positive")
	}
	r := req("POST", p, op)
	r.Query.Set("h", strconv.FormatUint(uint64(opts.Height), 10))
	r.Query.Set("w", strconv.FormatUint(uint64(opts.Width), 10))
	return call(ctx, w, r, nil)
}

// Resize resizes a container's TTY.
//
// API: POST /containers/{id}/resize
func (s *ContainerService) Resize(ctx context.Context, id string, opts ResizeOptions) error {
	return resize(ctx, s.w, "ContainerResize", "/containers/", id, opts)
}

// StartOptions tune [ContainerService.Start].
type StartOptions struct {
	DetachKeys string // key sequence that detaches an attached client, "ctrl-p,ctrl-q"
}

// simple runs a POST /containers/{id}/<what> that answers 204 or 304.
func (s *ContainerService) simple(ctx context.Context, op, id, suffix string, q url.Values, reqs []wire.Requirement, noTimeout bool) error {
	p, err := idPath(op, "/containers/", id, suffix)
	if err != nil {
		return err
	}
	r := req("POST", p, op)
	if q != nil {
		r.Query = q
	}
	r.Requires = reqs
	r.NoTimeout = noTimeout
	return call(ctx, s.w, r, nil)
}

// Start starts a container. Starting a running container is success: the
// daemon answers 304 Not Modified.
//
// API: POST /containers/{id}/start
func (s *ContainerService) Start(ctx context.Context, id string, opts StartOptions) error {
	q := url.Values{}
	if opts.DetachKeys != "" {
		q.Set("detachKeys", opts.DetachKeys)
	}
	return s.simple(ctx, "ContainerStart", id, "/start", q, nil, false)
}

// StopOptions tune [ContainerService.Stop] and [ContainerService.Restart].
type StopOptions struct {
	// Signal replaces the container's stop signal ("SIGINT", "9"); API 1.42.
	Signal string
	// Timeout is how long to wait before killing, in seconds; nil means
	// the container's StopTimeout (10 by default), -1 forever.
	Timeout *int
}

func stopQuery(op string, opts StopOptions) (url.Values, []wire.Requirement, error) {
	q := url.Values{}
	var reqs []wire.Requirement
	if opts.Signal != "" {
		if err := checkSignal(op, opts.Signal); err != nil {
			return nil, nil, err
		}
		q.Set("signal", opts.Signal)
		reqs = append(reqs, wire.Requirement{What: op + ": Signal", Version: v(42)})
	}
	if opts.Timeout != nil {
		if *opts.Timeout < -1 {
			return nil, nil, argErr(op, "Timeout", strconv.Itoa(*opts.Timeout), "must be -1 or more")
		}
		q.Set("t", strconv.Itoa(*opts.Timeout))
	}
	return q, reqs, nil
}

// validSignal reports whether sig looks like a signal: a number of 1 to 3
// digits, or a name of 2 to 12 upper-case letters, digits, '+' or '-',
// optionally after "SIG" ("SIGTERM", "KILL", "SIGRTMIN+3").
func validSignal(sig string) bool {
	if n := len(sig); n >= 1 && n <= 3 && strings.Trim(sig, "0123456789") == "" {
		return true
	}
	name := sig
	if len(name) > 3 && strings.HasPrefix(name, "SIG") && validSignalName(name[3:]) {
		return true
	}
	return validSignalName(name)
}

func validSignalName(s string) bool {
	if len(s) < 2 || len(s) > 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-') {
			return false
		}
	}
	return true
}

func checkSignal(op, sig string) error {
	if !validSignal(sig) {
		return argErr(op, "Signal", sig, `not a signal: want a name ("SIGTERM", "KILL") or a number`)
	}
	return nil
}

// Stop stops a container: its stop signal, then SIGKILL after the
// timeout. Stopping a stopped container is success: the daemon answers
// 304 Not Modified. No client timeout cuts the wait.
//
// API: POST /containers/{id}/stop
func (s *ContainerService) Stop(ctx context.Context, id string, opts StopOptions) error {
	const op = "ContainerStop"
	q, reqs, err := stopQuery(op, opts)
	if err != nil {
		return err
	}
	return s.simple(ctx, op, id, "/stop", q, reqs, true)
}

// Restart stops then starts a container.
//
// API: POST /containers/{id}/restart
func (s *ContainerService) Restart(ctx context.Context, id string, opts StopOptions) error {
	const op = "ContainerRestart"
	q, reqs, err := stopQuery(op, opts)
	if err != nil {
		return err
	}
	return s.simple(ctx, op, id, "/restart", q, reqs, true)
}

// KillOptions tune [ContainerService.Kill].
type KillOptions struct {
	Signal string // "SIGKILL" when empty
}

// Kill sends a signal to a container's main process.
//
// API: POST /containers/{id}/kill
func (s *ContainerService) Kill(ctx context.Context, id string, opts KillOptions) error {
	const op = "ContainerKill"
	q := url.Values{}
	if opts.Signal != "" {
		if err := checkSignal(op, opts.Signal); err != nil {
			return err
		}
		q.Set("signal", opts.Signal)
	}
	return s.simple(ctx, op, id, "/kill", q, nil, false)
}

// UpdateOptions are the settings [ContainerService.Update] changes: the
// non-zero fields of Resources, and RestartPolicy when set.
type UpdateOptions struct {
	Resources
	RestartPolicy *RestartPolicy `json:",omitempty"`
}

// Update changes a container's resources and restart policy while it runs.
//
// API: POST /containers/{id}/update
func (s *ContainerService) Update(ctx context.Context, id string, opts UpdateOptions) (ContainerUpdateResult, error) {
	const op = "ContainerUpdate"
	p, err := idPath(op, "/containers/", id, "/update")
	if err != nil {
		return ContainerUpdateResult{}, err
	}
	if err := checkResources(op, &opts.Resources); err != nil {
		return ContainerUpdateResult{}, err
	}
	if opts.RestartPolicy != nil {
		if err := checkRestart(op, *opts.RestartPolicy, false); err != nil {
			return ContainerUpdateResult{}, err
		}
	}
	r, err := wire.JSONRequest("POST", p, opts)
	if err != nil {
		return ContainerUpdateResult{}, err
	}
	r.Op = op
	if opts.PidsLimit != nil {
		r.Requires = append(r.Requires, wire.Requirement{What: op + ": PidsLimit", Version: v(40)})
	}
	if opts.BlkioWeightDevice != nil || opts.BlkioDeviceReadBps != nil || opts.BlkioDeviceWriteBps != nil ||
		opts.BlkioDeviceReadIOps != nil || opts.BlkioDeviceWriteIOps != nil {
		// Accepted by older daemons, and ignored.
		r.Requires = append(r.Requires, wire.Requirement{What: op + ": per-device Blkio settings", Version: v(55)})
	}
	var out ContainerUpdateResult
	err = call(ctx, s.w, r, &out)
	return out, err
}

// Rename gives a container a new name.
//
// API: POST /containers/{id}/rename
func (s *ContainerService) Rename(ctx context.Context, id, name string) error {
	const op = "ContainerRename"
	if !validName(name) {
		return argErr(op, "name", name, "invalid container name: want [a-zA-Z0-9][a-zA-Z0-9_.-]*")
	}
	return s.simple(ctx, op, id, "/rename", url.Values{"name": {name}}, nil, false)
}

// Pause freezes every process of a container.
//
// API: POST /containers/{id}/pause
func (s *ContainerService) Pause(ctx context.Context, id string) error {
	return s.simple(ctx, "ContainerPause", id, "/pause", nil, nil, false)
}

// Unpause thaws a paused container.
//
// API: POST /containers/{id}/unpause
func (s *ContainerService) Unpause(ctx context.Context, id string) error {
	return s.simple(ctx, "ContainerUnpause", id, "/unpause", nil, nil, false)
}

// AttachOptions select the streams of [ContainerService.Attach]. With none
// of Stdin, Stdout, Stderr set, Stdout and Stderr are attached.
type AttachOptions struct {
	Stdin, Stdout, Stderr bool
	// Logs replays the container's past output first (before the live
	// stream, with Stream).
	Logs bool
	// NoStream attaches to past output only (Logs) and ends.
	NoStream   bool
	DetachKeys string
	// TTY is the container's Tty setting when the caller knows it; else
	// Attach inspects the container on daemons before API 1.42, whose
	// attach stream does not say if it is multiplexed.
	TTY *bool
}

// Attach attaches to a container's stdio over a hijacked connection:
// read (or Demux) the output, write stdin, CloseWrite to end stdin. The
// connection lives until closed or ctx is cancelled. Attach before Start
// to see all output.
//
// API: POST /containers/{id}/attach
func (s *ContainerService) Attach(ctx context.Context, id string, opts AttachOptions) (*mux.Conn, error) {
	const op = "ContainerAttach"
	r, err := objectRequest(op, "POST", "/containers/", id, "/attach", wire.Version{})
	if err != nil {
		return nil, err
	}
	r.NoTimeout = true
	if !opts.Stdin && !opts.Stdout && !opts.Stderr {
		opts.Stdout, opts.Stderr = true, true
	}
	boolParam(r.Query, "stdin", opts.Stdin)
	boolParam(r.Query, "stdout", opts.Stdout)
	boolParam(r.Query, "stderr", opts.Stderr)
	boolParam(r.Query, "logs", opts.Logs)
	if !opts.NoStream {
		r.Query.Set("stream", "1")
	}
	if opts.DetachKeys != "" {
		r.Query.Set("detachKeys", opts.DetachKeys)
	}
	mode, err := newStreamMode(ctx, s.w, opts.TTY, s.ttyOf(id))
	if err != nil {
		return nil, err
	}
	up, err := upgrade(ctx, s.w, r)
	if err != nil {
		return nil, err
	}
	muxed, err := mode.multiplexed(ctx, up.Header.Get("Content-Type"))
	if err != nil {
		up.Conn.Close()
		return nil, err
	}
	return mux.NewConn(ctx, up.Conn, up.Reader, muxed), nil
}

// Wait conditions.
const (
	WaitNotRunning = "not-running"
	WaitNextExit   = "next-exit"
	WaitRemoved    = "removed"
)

// WaitOptions tune [ContainerService.Wait].
type WaitOptions struct {
	// Condition is WaitNotRunning (the default), WaitNextExit or
	// WaitRemoved; API 1.30.
	Condition string
}

// Wait blocks until the container meets the condition and returns its exit
// code. Only ctx bounds it: no client timeout applies.
//
// API: POST /containers/{id}/wait
func (s *ContainerService) Wait(ctx context.Context, id string, opts WaitOptions) (ContainerWaitResult, error) {
	result, err := s.startWait(ctx, id, opts)
	if err != nil {
		return ContainerWaitResult{}, err
	}
	return result()
}

// startWait sends the wait request and returns once the daemon has
// registered it (API 1.30+ answers the headers at once); the returned func
// blocks for the result.
func (s *ContainerService) startWait(ctx context.Context, id string, opts WaitOptions) (func() (ContainerWaitResult, error), error) {
	const op = "ContainerWait"
	r, err := objectRequest(op, "POST", "/containers/", id, "/wait", wire.Version{})
	if err != nil {
		return nil, err
	}
	r.NoTimeout = true
	switch opts.Condition {
	case "":
	case WaitNotRunning, WaitNextExit, WaitRemoved:
		r.Query.Set("condition", opts.Condition)
		r.Requires = []wire.Requirement{{What: op + ": Condition", Version: v(30)}}
	default:
		return nil, argErr(op, "Condition", opts.Condition, "want not-running, next-exit or removed")
	}
	resp, err := send(ctx, s.w, r)
	if err != nil {
		return nil, err
	}
	return func() (ContainerWaitResult, error) {
		defer resp.Body.Close()
		var body struct {
			StatusCode int64
			Error      *struct{ Message string }
		}
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			if ctx.Err() != nil {
				return ContainerWaitResult{}, fmt.Errorf("endpoints: %s: %w", op, ctx.Err())
			}
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return ContainerWaitResult{}, fmt.Errorf("endpoints: %s: decoding response: %w", op, err)
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		out := ContainerWaitResult{StatusCode: body.StatusCode}
		if body.Error != nil {
			out.Error = body.Error.Message
		}
		return out, nil
	}, nil
}

// DeleteOptions tune [ContainerService.Delete].
type DeleteOptions struct {
	Force         bool // kill a running container first
	RemoveVolumes bool // remove its anonymous volumes
	RemoveLinks   bool // remove the link named id instead of a container
}

// Delete removes a container.
//
// API: DELETE /containers/{id}
func (s *ContainerService) Delete(ctx context.Context, id string, opts DeleteOptions) error {
	const op = "ContainerDelete"
	r, err := objectRequest(op, "DELETE", "/containers/", id, "", wire.Version{})
	if err != nil {
		return err
	}
	boolParam(r.Query, "force", opts.Force)
	boolParam(r.Query, "v", opts.RemoveVolumes)
	boolParam(r.Query, "link", opts.RemoveLinks)
	return call(ctx, s.w, r, nil)
}

func archiveRequest(op, method, id, path string) (*wire.Request, error) {
	p, err := idPath(op, "/containers/", id, "/archive")
	if err != nil {
		return nil, err
	}
	if path == "" {
		return nil, argErr(op, "path", "", "must not be empty")
	}
	r := req(method, p, op)
	r.Query.Set("path", path)
	return r, nil
}

func pathStat(op string, h wire.Header) (tarstream.PathStat, error) {
	st, err := tarstream.ParsePathStat(h.Get("X-Docker-Container-Path-Stat"))
	if err != nil {
		return tarstream.PathStat{}, fmt.Errorf("endpoints: %s: %w", op, err)
	}
	return st, nil
}

// StatPath describes a path in a container's filesystem (name, size,
// mode, mtime, link target), as the X-Docker-Container-Path-Stat header
// carries it. A missing path matches wire.ErrNotFound.
//
// API: HEAD /containers/{id}/archive
func (s *ContainerService) StatPath(ctx context.Context, id, path string) (tarstream.PathStat, error) {
	const op = "ContainerArchiveInfo"
	r, err := archiveRequest(op, "HEAD", id, path)
	if err != nil {
		return tarstream.PathStat{}, err
	}
	resp, err := send(ctx, s.w, r)
	if err != nil {
		return tarstream.PathStat{}, err
	}
	resp.Body.Close()
	return pathStat(op, resp.Header)
}

// Archive is a path of a container as a tar stream, with the path's
// stat. The caller must Close Body.
type Archive struct {
	Stat tarstream.PathStat
	Body io.ReadCloser
}

// GetArchive streams a path of a container's filesystem as a tar archive
// (docker cp out). Use [ContainerService.CopyFrom] to extract it.
//
// API: GET /containers/{id}/archive
func (s *ContainerService) GetArchive(ctx context.Context, id, path string) (Archive, error) {
	const op = "ContainerArchive"
	r, err := archiveRequest(op, "GET", id, path)
	if err != nil {
		return Archive{}, err
	}
	resp, err := send(ctx, s.w, r)
	if err != nil {
		return Archive{}, err
	}
	st, err := pathStat(op, resp.Header)
	if err != nil {
		resp.Body.Close()
		return Archive{}, err
	}
	return Archive{Stat: st, Body: resp.Body}, nil
}

// PutArchiveOptions tune [ContainerService.PutArchive].
type PutArchiveOptions struct {
	// Size is the archive's length; 0 sends it chunked.
	Size int64
	// CopyUIDGID gives the files the container's user and group for their
	// uid and gid (API 1.30).
	CopyUIDGID bool
	// NoOverwriteDirNonDir fails instead of replacing a directory with a
	// file or the reverse.
	NoOverwriteDirNonDir bool
}

// PutArchive extracts the tar archive r into the directory path of a
// container (docker cp in). Use [ContainerService.CopyTo] to send a host
// path.
//
// API: PUT /containers/{id}/archive
func (s *ContainerService) PutArchive(ctx context.Context, id, path string, r io.Reader, opts PutArchiveOptions) error {
	const op = "PutContainerArchive"
	rq, err := archiveRequest(op, "PUT", id, path)
	if err != nil {
		return err
	}
	if r == nil {
		return argErr(op, "archive", "<nil>", "must not be nil")
	}
	if opts.Size < 0 {
		return argErr(op, "Size", strconv.FormatInt(opts.Size, 10), "must not be negative")
	}
	if opts.CopyUIDGID {
		rq.Query.Set("copyUIDGID", "1")
		rq.Requires = []wire.Requirement{{What: op + ": CopyUIDGID", Version: v(30)}}
	}
	boolParam(rq.Query, "noOverwriteDirNonDir", opts.NoOverwriteDirNonDir)
	rq.Header = wire.Header{}
	rq.Header.Set("Content-Type", "application/x-tar")
	rq.Body = r
	rq.ContentLength = opts.Size
	if opts.Size == 0 {
		rq.ContentLength = -1
	}
	return call(ctx, s.w, rq, nil)
}

// PruneOptions select what [ContainerService.Prune] removes.
type PruneOptions struct {
	// Filters: "until" (a timestamp or duration), "label" and "label!".
	Filters wire.Filters
}

// Prune removes stopped containers.
//
// API: POST /containers/prune
func (s *ContainerService) Prune(ctx context.Context, opts PruneOptions) (ContainerPruneResult, error) {
	const op = "ContainerPrune"
	r := req("POST", "/containers/prune", op)
	if f := opts.Filters.Encode(); f != "" {
		r.Query.Set("filters", f)
	}
	var out ContainerPruneResult
	err := call(ctx, s.w, r, &out)
	return out, err
}
