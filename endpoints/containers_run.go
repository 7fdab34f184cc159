package endpoints

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ContainerRunOptions are docker-py's containers.run keywords, one field
// each, named after the keyword in Go's spelling (mem_limit is MemLimit,
// cap_add CapAdd); the zero value of each is docker-py's default.
// docker-py's dict forms carry docker-py's name (Ports, Volumes,
// Environment, Links are maps), and the API's list forms their own name
// beside them (Publish, Binds, Env). docker-py's init_path, lxc_conf and
// kernel_memory have no field: daemons refuse InitPath from API 1.29,
// have had no LXC driver since Docker 1.10 and drop KernelMemory from API
// 1.42 (it is not in the v1.56 spec); version is
// dockwire.Options.APIVersion.
//
// Every other setting of the API is reachable through HostConfig and
// NetworkingConfig, with one rule: Run starts from a copy of them and sets
// each named field that is not zero on it. The same setting given both
// ways with different values (MemLimit "512m" and HostConfig.Memory 1 GiB)
// is an *ArgError, so no setting has two places that silently compete.
type ContainerRunOptions struct {
	Image string // required
	// Command is the command to run, the image's CMD when nil;
	// CommandLine is the same as one string, split as docker-py splits
	// a string command (POSIX shell words, shlex.split). Set one.
	Command     []string
	CommandLine string

	// Detach starts the container and returns at once (result.ID set, no
	// output); otherwise Run waits for it to exit and returns its output.
	Detach bool
	// NoStart creates the container and returns its ID without starting
	// it: docker-py's containers.create(image, command, **kwargs), with
	// the same fields as Run (a missing image is pulled first, as docker
	// create does).
	NoStart bool
	// Stderr adds the container's stderr to the output, NoStdout leaves
	// its stdout out (docker-py's stderr=True and stdout=False). With Tty
	// there is one stream, the terminal's, taken as stdout.
	Stderr, NoStdout bool
	// Stream, when set, receives the output as it comes instead of
	// result.Output (docker-py's stream=True); StreamStderr, when set too,
	// receives stderr apart from it (stderr is then in the output, as with
	// Stderr).
	Stream, StreamStderr io.Writer
	// Remove deletes the container once it has exited and its output is
	// read; with Detach it sets AutoRemove, as docker-py does. AutoRemove
	// has the daemon delete it.
	Remove     bool
	AutoRemove bool

	Name       string
	Hostname   string
	Domainname string
	User       string
	WorkingDir string
	// Entrypoint, or EntrypointLine split like CommandLine.
	Entrypoint     []string
	EntrypointLine string
	// Environment is docker-py's environment dict; Env its list form,
	// "KEY=value". Both may be set: Env comes first, then Environment
	// sorted by key.
	Environment map[string]string
	Env         []string
	Labels      map[string]string // docker-py's labels dict
	Tty         bool
	// StdinOpen keeps the container's stdin open; unless detached, it is
	// closed once the first client attached to it ends it (StdinOnce, as
	// docker-py sets it): attach with [ContainerService.Attach] to write
	// it.
	StdinOpen   bool
	StopSignal  string
	StopTimeout *int // seconds
	Healthcheck *HealthConfig
	Platform    string
	MacAddress  string
	// Config, when set, is the docker config whose proxies become the
	// container's proxy variables (docker-py's use_config_proxy, which is
	// on by default there: here it is on when Config is given), before Env
	// and never over a variable the caller sets; and, when Auth is nil,
	// the credentials Run pulls a missing image with.
	Config *ConfigFile

	// Ports is docker-py's ports dict: container port ("80", "80/tcp",
	// "53/udp") to host port, written "8080", "" for a free port,
	// "127.0.0.1:8080", "127.0.0.1:" (a free port of that address),
	// "[::1]:8080" or "8000-8010" (a free port of the range). Publish are
	// docker run -p specs ("8080:80", "8000-8010:80-90/udp", see
	// ParsePortSpec), for several host ports of one container port.
	Ports           map[string]string
	Publish         []string
	PublishAllPorts bool
	// Network is the network to connect to at creation (docker-py's
	// network), with Aliases on it; NetworkMode the HostConfig form
	// ("bridge", "host", "none", "container:<id>"), not both.
	// NetworkingConfig, docker-py's networking_config, holds the endpoint
	// settings: static addresses (IPAMConfig), several networks (API
	// 1.44). With one network there and neither Network nor NetworkMode
	// set, that network is the container's network mode.
	Network          string
	Aliases          []string
	NetworkMode      string
	NetworkDisabled  bool
	NetworkingConfig *NetworkingConfig
	DNS              []string
	DNSSearch        []string
	DNSOptions       []string // docker-py's dns_opt
	ExtraHosts       []string // "host:ip"
	// Links is docker-py's links dict, container name to alias ("" for
	// none).
	Links map[string]string

	// MemLimit is a memory limit as docker-py takes it, "512m", "1g"
	// (see ParseMemory); MemReservation, MemSwapLimit ("-1": unlimited)
	// and ShmSize alike.
	MemLimit          string
	MemReservation    string
	MemSwapLimit      string
	MemSwappiness     *int64 // 0 to 100
	ShmSize           string
	OomKillDisable    bool
	OomScoreAdj       int
	CPUShares         int64
	CPUCount          int64 // Windows
	CPUPercent        int64 // Windows
	CPUPeriod         int64 // microseconds
	CPUQuota          int64 // microseconds per CPUPeriod
	CPURtPeriod       int64
	CPURtRuntime      int64
	NanoCPUs          int64
	CpusetCpus        string
	CpusetMems        string
	CgroupParent      string
	Cgroupns          string // "private" or "host"; API 1.41
	PidsLimit         *int64
	Ulimits           []Ulimit
	BlkioWeight       uint16
	BlkioWeightDevice []WeightDevice
	DeviceReadBps     []ThrottleDevice
	DeviceReadIOps    []ThrottleDevice
	DeviceWriteBps    []ThrottleDevice
	DeviceWriteIOps   []ThrottleDevice
	// Devices are "host[:container[:perms]]" strings, like docker run
	// --device.
	Devices           []string
	DeviceCgroupRules []string
	// DeviceRequests ask a driver for devices, such as GPUs:
	// {Driver: "nvidia", Count: -1, Capabilities: [][]string{{"gpu"}}}.
	DeviceRequests []DeviceRequest

	// Volumes is docker-py's volumes dict: host path or volume name to
	// where it is mounted and how. Binds is its list form,
	// "host-or-volume:container[:mode]".
	Volumes      map[string]VolumeBind
	Binds        []string
	VolumesFrom  []string
	VolumeDriver string
	Mounts       []Mount
	Tmpfs        map[string]string // path to mount options
	StorageOpt   map[string]string

	ReadOnly      bool
	Init          bool
	Privileged    bool
	CapAdd        []string
	CapDrop       []string
	SecurityOpt   []string
	RestartPolicy RestartPolicy
	LogConfig     *LogConfig
	Sysctls       map[string]string
	Runtime       string
	IpcMode       string
	PidMode       string
	UsernsMode    string
	UTSMode       string
	Isolation     string
	GroupAdd      []string

	// HostConfig holds the settings docker-py has no keyword for
	// (Annotations, MaskedPaths, ConsoleSize...), under the named fields
	// (see the type's doc).
	HostConfig *HostConfig

	// Auth is the credential sent when Run pulls a missing image.
	Auth *AuthConfig
}

// VolumeBind is a value of docker-py's volumes dict: where the host path
// or volume is mounted in the container, and its mode ("rw" when empty,
// "ro", or options such as "ro,z").
type VolumeBind struct {
	Bind string
	Mode string
}

// ContainerRunResult is what [ContainerService.Run] returns.
type ContainerRunResult struct {
	ID       string   // the container's id
	Warnings []string // from create
	// Output is the selected output of an attached run (stdout, and
	// stderr with ContainerRunOptions.Stderr); nil for a detached run,
	// NoStart, or a run that streamed it.
	Output   []byte
	ExitCode int64
}

func parseDevice(op, s string) (DeviceMapping, error) {
	parts := strings.Split(s, ":")
	if len(parts) > 3 || parts[0] == "" {
		return DeviceMapping{}, argErr(op, "Devices", s, "want host[:container[:perms]]")
	}
	d := DeviceMapping{PathOnHost: parts[0], PathInContainer: parts[0], CgroupPermissions: "rwm"}
	if len(parts) > 1 && parts[1] != "" {
		d.PathInContainer = parts[1]
	}
	if len(parts) > 2 {
		if strings.Trim(parts[2], "rwm") != "" || parts[2] == "" {
			return DeviceMapping{}, argErr(op, "Devices", s, "permissions must be made of r, w and m")
		}
		d.CgroupPermissions = parts[2]
	}
	return d, nil
}

// createOptions turns ContainerRunOptions into ContainerCreateOptions: the
// named fields, parsed, merged over HostConfig and NetworkingConfig.
func (o *ContainerRunOptions) createOptions() (ContainerCreateOptions, error) {
	const op = "Run"
	mem := func(field, s string) (int64, error) {
		if s == "" {
			return 0, nil
		}
		n, err := ParseMemory(s)
		if err != nil {
			var ae *ArgError
			if errors.As(err, &ae) {
				ae.Op, ae.Field = op, field
			}
		}
		return n, err
	}
	if err := o.checkModes(op); err != nil {
		return ContainerCreateOptions{}, err
	}
	cmd, err := commandOf(op, "Command", o.Command, o.CommandLine)
	if err != nil {
		return ContainerCreateOptions{}, err
	}
	entrypoint, err := commandOf(op, "Entrypoint", o.Entrypoint, o.EntrypointLine)
	if err != nil {
		return ContainerCreateOptions{}, err
	}
	attach := !o.Detach
	cfg := ContainerConfig{
		Image: o.Image, Cmd: cmd, Hostname: o.Hostname, Domainname: o.Domainname, User: o.User,
		WorkingDir: o.WorkingDir, Entrypoint: entrypoint, Env: o.env(), Labels: o.Labels,
		Tty: o.Tty, OpenStdin: o.StdinOpen, StopSignal: o.StopSignal, StopTimeout: o.StopTimeout, Healthcheck: o.Healthcheck,
		NetworkDisabled: o.NetworkDisabled, MacAddress: o.MacAddress,
		AttachStdout: attach, AttachStderr: attach,
		// As docker-py: an open stdin of a container not detached is
		// closed once the client attached to it ends it.
		AttachStdin: attach && o.StdinOpen, StdinOnce: attach && o.StdinOpen,
	}
	named := HostConfig{
		NetworkMode: o.NetworkMode, PublishAllPorts: o.PublishAllPorts, DNS: o.DNS, DNSSearch: o.DNSSearch,
		DNSOptions: o.DNSOptions, ExtraHosts: o.ExtraHosts, Binds: o.Binds, VolumesFrom: o.VolumesFrom,
		VolumeDriver: o.VolumeDriver, Mounts: o.Mounts, Tmpfs: o.Tmpfs, StorageOpt: o.StorageOpt, ReadonlyRootfs: o.ReadOnly,
		Privileged: o.Privileged, CapAdd: o.CapAdd, CapDrop: o.CapDrop, SecurityOpt: o.SecurityOpt,
		RestartPolicy: o.RestartPolicy, LogConfig: o.LogConfig, Sysctls: o.Sysctls, Runtime: o.Runtime,
		IpcMode: o.IpcMode, PidMode: o.PidMode, UsernsMode: o.UsernsMode, UTSMode: o.UTSMode, Isolation: o.Isolation,
		GroupAdd: o.GroupAdd, CgroupnsMode: o.Cgroupns, OomScoreAdj: o.OomScoreAdj,
		AutoRemove: o.AutoRemove || o.Remove && o.Detach,
		Resources: Resources{
			CPUShares: o.CPUShares, CPUCount: o.CPUCount, CPUPercent: o.CPUPercent, CPUPeriod: o.CPUPeriod, CPUQuota: o.CPUQuota,
			CPURealtimePeriod: o.CPURtPeriod, CPURealtimeRuntime: o.CPURtRuntime, NanoCPUs: o.NanoCPUs,
			CpusetCpus: o.CpusetCpus, CpusetMems: o.CpusetMems, CgroupParent: o.CgroupParent, PidsLimit: o.PidsLimit,
			Ulimits: o.Ulimits, MemorySwappiness: o.MemSwappiness, BlkioWeight: o.BlkioWeight,
			BlkioWeightDevice: o.BlkioWeightDevice, BlkioDeviceReadBps: o.DeviceReadBps, BlkioDeviceReadIOps: o.DeviceReadIOps,
			BlkioDeviceWriteBps: o.DeviceWriteBps, BlkioDeviceWriteIOps: o.DeviceWriteIOps,
			DeviceCgroupRules: o.DeviceCgroupRules, DeviceRequests: o.DeviceRequests,
		},
	}
	yes := true
	if o.OomKillDisable {
		named.OomKillDisable = &yes
	}
	if o.Init {
		named.Init = &yes
	}
	if named.Memory, err = mem("MemLimit", o.MemLimit); err != nil {
		return ContainerCreateOptions{}, err
	}
	if named.MemoryReservation, err = mem("MemReservation", o.MemReservation); err != nil {
		return ContainerCreateOptions{}, err
	}
	if o.MemSwapLimit == "-1" {
		named.MemorySwap = -1
	} else if named.MemorySwap, err = mem("MemSwapLimit", o.MemSwapLimit); err != nil {
		return ContainerCreateOptions{}, err
	}
	if named.ShmSize, err = mem("ShmSize", o.ShmSize); err != nil {
		return ContainerCreateOptions{}, err
	}
	for _, d := range o.Devices {
		dm, err := parseDevice(op, d)
		if err != nil {
			return ContainerCreateOptions{}, err
		}
		named.Devices = append(named.Devices, dm)
	}
	for _, k := range sortedKeys(o.Links) {
		if a := o.Links[k]; a != "" {
			named.Links = append(named.Links, k+":"+a)
		} else {
			named.Links = append(named.Links, k)
		}
	}
	for _, k := range sortedKeys(o.Volumes) {
		vb := o.Volumes[k]
		if k == "" || vb.Bind == "" {
			return ContainerCreateOptions{}, argErr(op, "Volumes", k+":"+vb.Bind, "want a source and a Bind path")
		}
		mode := vb.Mode
		if mode == "" {
			mode = "rw"
		}
		named.Binds = append(named.Binds, k+":"+vb.Bind+":"+mode)
	}
	if cfg.ExposedPorts, named.PortBindings, err = o.ports(op); err != nil {
		return ContainerCreateOptions{}, err
	}

	hc := HostConfig{}
	if o.HostConfig != nil {
		hc = *o.HostConfig
	}
	if err := mergeSettings(op, "HostConfig.", reflect.ValueOf(&hc).Elem(), reflect.ValueOf(named)); err != nil {
		return ContainerCreateOptions{}, err
	}
	co := ContainerCreateOptions{Name: o.Name, Platform: o.Platform, Config: cfg, HostConfig: &hc}
	if co.NetworkingConfig, err = o.networking(op, &hc); err != nil {
		return ContainerCreateOptions{}, err
	}
	if hc.NetworkMode == "host" && len(hc.PortBindings) > 0 {
		return ContainerCreateOptions{}, argErr(op, "NetworkMode", "host", "conflicts with published ports")
	}
	return co, nil
}

// checkModes refuses the combinations docker-py refuses or that mean
// nothing: NoStart with what only a started run uses, Remove with a
// restart policy, Network with NetworkMode.
func (o *ContainerRunOptions) checkModes(op string) error {
	if o.NoStart {
		for _, f := range []struct {
			name string
			set  bool
		}{{"Detach", o.Detach}, {"Remove", o.Remove}, {"Stderr", o.Stderr}, {"NoStdout", o.NoStdout}, {"Stream", o.Stream != nil}, {"StreamStderr", o.StreamStderr != nil}} {
			if f.set {
				return argErr(op, f.name, "set", "means nothing with NoStart, which creates the container only")
			}
		}
	}
	if o.Detach && (o.Stream != nil || o.StreamStderr != nil) {
		return argErr(op, "Stream", "set", "conflicts with Detach, which returns no output")
	}
	if o.Remove && o.RestartPolicy.Name != "" && o.RestartPolicy.Name != RestartNo {
		return argErr(op, "Remove", "true", "conflicts with restart policy "+strconv.Quote(o.RestartPolicy.Name))
	}
	if o.Network != "" && o.NetworkMode != "" {
		return argErr(op, "Network", o.Network, "conflicts with NetworkMode "+strconv.Quote(o.NetworkMode)+": set one")
	}
	return nil
}

// commandOf returns the command given as words or as one line, not both.
func commandOf(op, field string, words []string, line string) ([]string, error) {
	if line == "" {
		return words, nil
	}
	if words != nil {
		return nil, argErr(op, field+"Line", line, "conflicts with "+field+": set one")
	}
	return splitCommand(op, field+"Line", line)
}

// env returns the container's environment: config.json's proxies (those
// the caller does not set), Env, then Environment sorted.
func (o *ContainerRunOptions) env() []string {
	var env []string
	for _, k := range sortedKeys(o.Environment) {
		env = append(env, k+"="+o.Environment[k])
	}
	env = append(append([]string(nil), o.Env...), env...)
	if o.Config == nil {
		return env
	}
	set := map[string]bool{}
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		set[k] = true
	}
	var proxies []string
	for _, kv := range o.Config.ProxyEnv("") {
		if k, _, _ := strings.Cut(kv, "="); !set[k] {
			proxies = append(proxies, kv)
		}
	}
	return append(proxies, env...)
}

// ports returns the exposed ports and bindings of Ports and Publish.
func (o *ContainerRunOptions) ports(op string) (map[Port]struct{}, PortMap, error) {
	if len(o.Ports) == 0 && len(o.Publish) == 0 {
		return nil, nil, nil
	}
	exposed, bindings, err := PortBindings(o.Publish...)
	if err != nil {
		return nil, nil, err
	}
	for _, k := range sortedKeys(o.Ports) {
		p, err := parsePort(op, k)
		if err != nil {
			var ae *ArgError
			if errors.As(err, &ae) {
				ae.Field = "Ports"
			}
			return nil, nil, err
		}
		b, err := parseHostBinding(op, "Ports["+strconv.Quote(k)+"]", o.Ports[k])
		if err != nil {
			return nil, nil, err
		}
		exposed[p] = struct{}{}
		bindings[p] = append(bindings[p], b)
	}
	return exposed, bindings, nil
}

// networking returns the NetworkingConfig of the create: a copy of the
// caller's, with Network's endpoint and Aliases, and sets hc's network
// mode from Network or from the one network given.
func (o *ContainerRunOptions) networking(op string, hc *HostConfig) (*NetworkingConfig, error) {
	if o.Network == "" && len(o.Aliases) > 0 {
		return nil, argErr(op, "Aliases", strings.Join(o.Aliases, ","), "need a Network")
	}
	if o.NetworkingConfig == nil && o.Network == "" {
		return nil, nil
	}
	nc := &NetworkingConfig{EndpointsConfig: map[string]*EndpointSettings{}}
	if o.NetworkingConfig != nil {
		for k, es := range o.NetworkingConfig.EndpointsConfig {
			nc.EndpointsConfig[k] = es
		}
	}
	if o.Network != "" {
		if hc.NetworkMode != "" && hc.NetworkMode != o.Network {
			return nil, argErr(op, "Network", o.Network, "conflicts with HostConfig.NetworkMode "+strconv.Quote(hc.NetworkMode))
		}
		hc.NetworkMode = o.Network
		es := EndpointSettings{}
		if old := nc.EndpointsConfig[o.Network]; old != nil {
			es = *old
		}
		if len(o.Aliases) > 0 {
			if len(es.Aliases) > 0 {
				return nil, argErr(op, "Aliases", strings.Join(o.Aliases, ","), "set both here and in NetworkingConfig")
			}
			es.Aliases = o.Aliases
		}
		nc.EndpointsConfig[o.Network] = &es
	}
	if hc.NetworkMode == "" && len(nc.EndpointsConfig) == 1 {
		for k := range nc.EndpointsConfig {
			hc.NetworkMode = k
		}
	}
	return nc, nil
}

// mergeSettings sets on dst each field of src that is not zero (the
// fields of embedded structs one by one); a field set in both to different
// values is an *ArgError naming it.
func mergeSettings(op, prefix string, dst, src reflect.Value) error {
	t := src.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		sv, dv := src.Field(i), dst.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			if err := mergeSettings(op, prefix, dv, sv); err != nil {
				return err
			}
			continue
		}
		if sv.IsZero() {
			continue
		}
		if !dv.IsZero() && !reflect.DeepEqual(dv.Interface(), sv.Interface()) {
			return argErr(op, prefix+f.Name, fmt.Sprint(reflect.Indirect(dv).Interface()),
				"set both there and by a named field ("+fmt.Sprint(reflect.Indirect(sv).Interface())+"): give a setting one place")
		}
		dv.Set(sv)
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Run runs a container the way docker-py's containers.run does: it creates
// it (pulling the image first when the daemon does not have it), starts it,
// and then:
//
//   - with NoStart, returns before the start (docker-py's create);
//   - detached, returns at once with the container's ID;
//   - attached, collects its output (stdout, plus stderr with
//     opts.Stderr), or writes it to opts.Stream as it comes, until it
//     exits, removes it with opts.Remove, and returns the output and exit
//     code; a non-zero exit is a *ContainerError carrying the exit code,
//     command, image and stderr (the result is returned too).
//
// Options are checked before any I/O (*ArgError). The output is attached
// before the start, so nothing is lost and the log driver does not matter.
func (s *ContainerService) Run(ctx context.Context, opts ContainerRunOptions) (ContainerRunResult, error) {
	co, err := opts.createOptions()
	if err != nil {
		return ContainerRunResult{}, err
	}
	created, err := s.Create(ctx, co)
	if errors.Is(err, ErrImageNotFound) {
		auth := opts.Auth
		if auth == nil && opts.Config != nil {
			if auth, err = opts.Config.AuthFor(ctx, opts.Image); err != nil {
				return ContainerRunResult{}, err
			}
		}
		if _, perr := (&ImageService{s.w}).Pull(ctx, opts.Image, ImagePullOptions{Platform: opts.Platform, Auth: auth}); perr != nil {
			return ContainerRunResult{}, fmt.Errorf("endpoints: Run: image %s is missing and pulling it failed: %w", opts.Image, perr)
		}
		created, err = s.Create(ctx, co)
	}
	if err != nil {
		return ContainerRunResult{}, err
	}
	res := ContainerRunResult{ID: created.ID, Warnings: created.Warnings}
	if opts.NoStart {
		return res, nil
	}
	if opts.Detach {
		_, err := s.Start(ctx, created.ID, ContainerStartOptions{})
		return res, err
	}
	autoRemove := co.HostConfig.AutoRemove
	removeIt := func() {
		if opts.Remove && !autoRemove {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			s.Delete(rctx, created.ID, ContainerDeleteOptions{Force: true, RemoveVolumes: true})
		}
	}

	tty := opts.Tty
	conn, err := s.Attach(ctx, created.ID, ContainerAttachOptions{Stdout: true, Stderr: true, TTY: &tty})
	if err != nil {
		removeIt()
		return res, err
	}
	defer conn.Close()
	cond := WaitNextExit
	if autoRemove {
		cond = WaitRemoved
	}
	waitResult, err := s.startWait(ctx, created.ID, ContainerWaitOptions{Condition: cond})
	if err != nil {
		removeIt()
		return res, err
	}
	if _, err := s.Start(ctx, created.ID, ContainerStartOptions{}); err != nil {
		removeIt()
		return res, err
	}
	var out bytes.Buffer
	stdoutW, stderrW, stderr := opts.outputWriters(&out)
	_, copyErr := conn.Demux(stdoutW, stderrW)
	wr, err := waitResult()
	if err != nil {
		removeIt()
		return res, err
	}
	if copyErr != nil && ctx.Err() == nil {
		removeIt()
		return res, fmt.Errorf("endpoints: Run: reading output: %w", copyErr)
	}
	removeIt()
	res.ExitCode = wr.StatusCode
	if opts.Stream == nil {
		res.Output = out.Bytes()
	}
	if wr.Error != "" {
		return res, fmt.Errorf("endpoints: Run: waiting for %s: %s", shortID(created.ID), wr.Error)
	}
	if wr.StatusCode != 0 {
		return res, &ContainerError{ContainerID: created.ID, ExitCode: wr.StatusCode, Command: co.Config.Cmd, Image: opts.Image, Stderr: stderr.Bytes()}
	}
	return res, nil
}

// outputWriters returns where an attached run's stdout and stderr go: the
// selected streams to out or to Stream (stderr to StreamStderr when set),
// and stderr, or the TTY's output, always to the returned tail too, for
// a *ContainerError.
func (o *ContainerRunOptions) outputWriters(out io.Writer) (stdout, stderr io.Writer, tail *stderrTail) {
	tail = &stderrTail{max: 64 << 10}
	sink := out
	if o.Stream != nil {
		sink = o.Stream
	}
	errSink := sink
	if o.StreamStderr != nil {
		errSink = o.StreamStderr
	}
	stdout = io.Discard
	if !o.NoStdout {
		stdout = sink
	}
	if o.Tty {
		stdout = io.MultiWriter(stdout, tail)
	}
	stderr = tail
	if o.Stderr || o.StreamStderr != nil {
		stderr = io.MultiWriter(tail, errSink)
	}
	return stdout, stderr, tail
}

// stderrTail keeps the last max bytes written to it.
type stderrTail struct {
	max int
	buf []byte
}

func (t *stderrTail) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

func (t *stderrTail) Bytes() []byte { return t.buf }

// ContainerExecRunOptions mirror docker-py's exec_run keywords.
type ContainerExecRunOptions struct {
	// Cmd is the command, required; or CmdLine, the same as one string
	// split as docker-py splits it (shlex.split).
	Cmd        []string
	CmdLine    string
	Env        []string // "KEY=value"
	User       string
	WorkingDir string
	Privileged bool
	Tty        bool
	// Stdin, when set, is copied to the process's stdin, which is then
	// closed.
	Stdin io.Reader
	// Detach starts the process and returns at once (no output, no exit
	// code).
	Detach bool
	// Stdout and Stderr, when set, receive the output as it arrives (the
	// streaming form) instead of the result's Stdout and Stderr. With Tty
	// everything goes to Stdout.
	Stdout, Stderr io.Writer
}

// ContainerExecRunResult is what [ContainerService.ExecRun] returns.
type ContainerExecRunResult struct {
	ExecID   string
	ExitCode int // -1 for a detached run
	Stdout   []byte
	Stderr   []byte
}

// ExecRun runs a command in a running container, as docker-py's
// exec_run: exec create, start, output demultiplexed into Stdout and
// Stderr (or streamed to opts.Stdout and opts.Stderr), and the exit code
// from an exec inspect once the output ends. A non-zero exit code is not
// an error.
func (s *ContainerService) ExecRun(ctx context.Context, id string, opts ContainerExecRunOptions) (ContainerExecRunResult, error) {
	ex := &ExecService{w: s.w}
	cmd, err := commandOf("ExecRun", "Cmd", opts.Cmd, opts.CmdLine)
	if err != nil {
		return ContainerExecRunResult{}, err
	}
	cfg := ExecCreateOptions{
		Cmd: cmd, Env: opts.Env, User: opts.User, WorkingDir: opts.WorkingDir, Privileged: opts.Privileged, Tty: opts.Tty,
		AttachStdin: opts.Stdin != nil && !opts.Detach, AttachStdout: !opts.Detach, AttachStderr: !opts.Detach,
	}
	created, err := ex.Create(ctx, id, cfg)
	if err != nil {
		return ContainerExecRunResult{}, err
	}
	res := ContainerExecRunResult{ExecID: created.ID, ExitCode: -1}
	if opts.Detach {
		_, err := ex.Start(ctx, created.ID, ExecStartOptions{Detach: true, Tty: opts.Tty})
		return res, err
	}
	conn, err := ex.Start(ctx, created.ID, ExecStartOptions{Tty: opts.Tty})
	if err != nil {
		return res, err
	}
	defer conn.Close()
	var wg sync.WaitGroup
	var stdinErr error
	if opts.Stdin != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, stdinErr = io.Copy(conn, opts.Stdin)
			if stdinErr == nil {
				stdinErr = conn.CloseWrite()
			}
		}()
	}
	var outBuf, errBuf bytes.Buffer
	stdout, stderr := opts.Stdout, opts.Stderr
	if stdout == nil && stderr == nil {
		stdout, stderr = &outBuf, &errBuf
	}
	_, copyErr := conn.Demux(stdout, stderr)
	conn.Close() // unblocks a stdin copy still writing
	wg.Wait()
	res.Stdout, res.Stderr = outBuf.Bytes(), errBuf.Bytes()
	if copyErr != nil {
		return res, fmt.Errorf("endpoints: ExecRun: reading output: %w", copyErr)
	}
	// The output ends when the process exits, but the daemon may record the
	// exit code a moment later.
	for delay := 5 * time.Millisecond; ; delay *= 2 {
		in, err := ex.Inspect(ctx, created.ID, ExecInspectOptions{})
		if err != nil {
			return res, err
		}
		if !in.Running && in.ExitCode != nil {
			res.ExitCode = *in.ExitCode
			return res, nil
		}
		if delay > 2*time.Second {
			return res, fmt.Errorf("endpoints: ExecRun: exec %s output ended but it is still running", shortID(created.ID))
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return res, fmt.Errorf("endpoints: ExecRun: %w", ctx.Err())
		case <-t.C:
		}
	}
}
