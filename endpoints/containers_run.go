package endpoints

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// ContainerRunOptions mirror the keywords of docker-py's containers.run. The zero
// value of each means the daemon's default.
type ContainerRunOptions struct {
	Image   string   // required
	Command []string // the image's CMD when nil

	// Detach starts the container and returns at once (result.ID set, no
	// output); otherwise Run waits for it to exit and returns its output.
	Detach bool
	// Stderr adds the container's stderr to the output (stdout is always
	// there); docker-py's stderr=True.
	Stderr bool
	// Remove deletes the container once it has exited and its output is
	// read (attached runs only); AutoRemove has the daemon delete it.
	Remove     bool
	AutoRemove bool

	Name        string
	Hostname    string
	Domainname  string
	User        string
	WorkingDir  string
	Entrypoint  []string
	Environment []string          // "KEY=value"
	Labels      map[string]string // docker-py's labels dict
	Tty         bool
	StdinOpen   bool
	StopSignal  string
	Healthcheck *HealthConfig
	Platform    string

	// Ports are docker run -p specs: "8080:80", "127.0.0.1:8080:80/udp",
	// "80" (see ParsePortSpec).
	Ports           []string
	PublishAllPorts bool
	// Network is the network to connect to at creation (with Aliases);
	// NetworkMode is the HostConfig form ("bridge", "host", "none",
	// "container:<id>").
	Network         string
	Aliases         []string
	NetworkMode     string
	NetworkDisabled bool
	MacAddress      string
	DNS             []string
	DNSSearch       []string
	DNSOptions      []string
	ExtraHosts      []string // "host:ip"

	// MemLimit is a memory limit as docker-py takes it, "512m", "1g"
	// (see ParseMemory); MemReservation and MemSwapLimit alike, and
	// ShmSize for /dev/shm.
	MemLimit       string
	MemReservation string
	MemSwapLimit   string
	ShmSize        string
	CPUShares      int64
	NanoCPUs       int64
	CpusetCpus     string
	PidsLimit      *int64
	Ulimits        []Ulimit
	// Devices are "host[:container[:perms]]" strings, like docker run
	// --device.
	Devices []string

	// Volumes are Binds: "host-or-volume:container[:ro]".
	Volumes      []string
	VolumesFrom  []string
	VolumeDriver string
	Mounts       []Mount
	Tmpfs        map[string]string

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
	GroupAdd      []string

	// Auth is the credential sent when Run pulls a missing image.
	Auth *AuthConfig
}

// ContainerRunResult is what [ContainerService.Run] returns.
type ContainerRunResult struct {
	ID       string   // the container's id
	Warnings []string // from create
	// Output is stdout (and stderr with ContainerRunOptions.Stderr) of an attached
	// run; nil for a detached one.
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

// createOptions turns ContainerRunOptions into ContainerCreateOptions, parsing
// the docker-py style strings.
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
	cfg := ContainerConfig{
		Image: o.Image, Cmd: o.Command, Hostname: o.Hostname, Domainname: o.Domainname, User: o.User,
		WorkingDir: o.WorkingDir, Entrypoint: o.Entrypoint, Env: o.Environment, Labels: o.Labels,
		Tty: o.Tty, OpenStdin: o.StdinOpen, StopSignal: o.StopSignal, Healthcheck: o.Healthcheck,
		NetworkDisabled: o.NetworkDisabled, MacAddress: o.MacAddress,
		AttachStdout: !o.Detach, AttachStderr: !o.Detach,
	}
	hc := &HostConfig{
		NetworkMode: o.NetworkMode, PublishAllPorts: o.PublishAllPorts, DNS: o.DNS, DNSSearch: o.DNSSearch,
		DNSOptions: o.DNSOptions, ExtraHosts: o.ExtraHosts, Binds: o.Volumes, VolumesFrom: o.VolumesFrom,
		VolumeDriver: o.VolumeDriver, Mounts: o.Mounts, Tmpfs: o.Tmpfs, ReadonlyRootfs: o.ReadOnly,
		Privileged: o.Privileged, CapAdd: o.CapAdd, CapDrop: o.CapDrop, SecurityOpt: o.SecurityOpt,
		RestartPolicy: o.RestartPolicy, LogConfig: o.LogConfig, Sysctls: o.Sysctls, Runtime: o.Runtime,
		IpcMode: o.IpcMode, PidMode: o.PidMode, UsernsMode: o.UsernsMode, GroupAdd: o.GroupAdd,
		AutoRemove: o.AutoRemove,
	}
	hc.CPUShares, hc.NanoCPUs, hc.CpusetCpus, hc.PidsLimit, hc.Ulimits = o.CPUShares, o.NanoCPUs, o.CpusetCpus, o.PidsLimit, o.Ulimits
	if o.Init {
		t := true
		hc.Init = &t
	}
	var err error
	if hc.Memory, err = mem("MemLimit", o.MemLimit); err != nil {
		return ContainerCreateOptions{}, err
	}
	if hc.MemoryReservation, err = mem("MemReservation", o.MemReservation); err != nil {
		return ContainerCreateOptions{}, err
	}
	if o.MemSwapLimit == "-1" {
		hc.MemorySwap = -1
	} else if hc.MemorySwap, err = mem("MemSwapLimit", o.MemSwapLimit); err != nil {
		return ContainerCreateOptions{}, err
	}
	if hc.ShmSize, err = mem("ShmSize", o.ShmSize); err != nil {
		return ContainerCreateOptions{}, err
	}
	for _, d := range o.Devices {
		dm, err := parseDevice(op, d)
		if err != nil {
			return ContainerCreateOptions{}, err
		}
		hc.Devices = append(hc.Devices, dm)
	}
	if len(o.Ports) > 0 {
		exposed, bindings, err := PortBindings(o.Ports...)
		if err != nil {
			return ContainerCreateOptions{}, err
		}
		cfg.ExposedPorts, hc.PortBindings = exposed, bindings
	}
	if o.Remove && o.Detach {
		return ContainerCreateOptions{}, argErr(op, "Remove", "true", "conflicts with Detach (use AutoRemove)")
	}
	if o.Remove && o.RestartPolicy.Name != "" && o.RestartPolicy.Name != RestartNo {
		return ContainerCreateOptions{}, argErr(op, "Remove", "true", "conflicts with restart policy "+fmt.Sprintf("%q", o.RestartPolicy.Name))
	}
	co := ContainerCreateOptions{Name: o.Name, Platform: o.Platform, Config: cfg, HostConfig: hc}
	if o.Network != "" {
		if hc.NetworkMode == "" {
			hc.NetworkMode = o.Network
		}
		co.NetworkingConfig = &NetworkingConfig{EndpointsConfig: map[string]*EndpointSettings{o.Network: {Aliases: o.Aliases}}}
	} else if len(o.Aliases) > 0 {
		return ContainerCreateOptions{}, argErr(op, "Aliases", strings.Join(o.Aliases, ","), "need a Network")
	}
	return co, nil
}

// Run runs a container the way docker-py's containers.run does: it creates
// it (pulling the image first when the daemon does not have it), starts it,
// and then:
//
//   - detached, returns at once with the container's ID;
//   - attached, collects its output (stdout, plus stderr with
//     opts.Stderr) until it exits, removes it with opts.Remove, and returns
//     the output and exit code; a non-zero exit is a *ContainerError
//     carrying the exit code, command, image and stderr (the result is
//     returned too).
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
		if _, perr := (&ImageService{s.w}).Pull(ctx, opts.Image, ImagePullOptions{Platform: opts.Platform, Auth: opts.Auth}); perr != nil {
			return ContainerRunResult{}, fmt.Errorf("endpoints: Run: image %s is missing and pulling it failed: %w", opts.Image, perr)
		}
		created, err = s.Create(ctx, co)
	}
	if err != nil {
		return ContainerRunResult{}, err
	}
	res := ContainerRunResult{ID: created.ID, Warnings: created.Warnings}
	if opts.Detach {
		_, err := s.Start(ctx, created.ID, ContainerStartOptions{})
		return res, err
	}
	removeIt := func() {
		if opts.Remove && !opts.AutoRemove {
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
	if opts.AutoRemove {
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
	stderr := &stderrTail{max: 64 << 10}
	var errw io.Writer = stderr
	if opts.Stderr {
		errw = io.MultiWriter(stderr, &out)
	}
	_, copyErr := conn.Demux(&out, errw)
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
	res.Output, res.ExitCode = out.Bytes(), wr.StatusCode
	if wr.Error != "" {
		return res, fmt.Errorf("endpoints: Run: waiting for %s: %s", shortID(created.ID), wr.Error)
	}
	if wr.StatusCode != 0 {
		errOut := stderr.Bytes()
		if tty {
			errOut = out.Bytes()
		}
		return res, &ContainerError{ContainerID: created.ID, ExitCode: wr.StatusCode, Command: opts.Command, Image: opts.Image, Stderr: errOut}
	}
	return res, nil
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
	Cmd        []string // required
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
	cfg := ExecCreateOptions{
		Cmd: opts.Cmd, Env: opts.Env, User: opts.User, WorkingDir: opts.WorkingDir, Privileged: opts.Privileged, Tty: opts.Tty,
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
