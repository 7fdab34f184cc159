package endpoints

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/dockwire/dockwire/wire"
)

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

// createBody is what Create sends (swagger: the ContainerCreate body).
type createBody struct {
	ContainerConfig
	HostConfig       *HostConfig       `json:",omitempty"`
	NetworkingConfig *NetworkingConfig `json:",omitempty"`
}

// ContainerCreateResult is the daemon's answer to create (swagger:
// ContainerCreateResponse).
type ContainerCreateResult struct {
	ID       string `json:"Id"`
	Warnings []string
}

// Create creates a container. A missing image gives an error matching both
// ErrImageNotFound and wire.ErrNotFound. The configuration is checked
// before any I/O: a malformed name, an unknown restart policy, AutoRemove
// with a restart policy, bad port keys or mounts are an *ArgError, and
// fields newer than the API in use a *wire.VersionError. From API 1.44 a
// Config.MacAddress is sent as the MacAddress of the container's network
// endpoint, as the docker CLI does (daemons refuse the container-wide
// field from 1.52).
//
// To create a container with docker-py's keywords (containers.create(image,
// **kwargs)), use [ContainerService.Run] with ContainerRunOptions.NoStart.
//
// API: POST /containers/create
func (s *ContainerService) Create(ctx context.Context, opts ContainerCreateOptions) (ContainerCreateResult, error) {
	r, err := newRequest("ContainerCreate")
	if err != nil {
		return ContainerCreateResult{}, err
	}
	if opts.Config.MacAddress != "" {
		ver, err := s.w.Version(ctx)
		if err != nil {
			return ContainerCreateResult{}, err
		}
		if !ver.Less(v(44)) {
			if err := moveMacAddress(r.Op, &opts); err != nil {
				return ContainerCreateResult{}, err
			}
		}
	}
	if err := checkCreate(r, &opts); err != nil {
		return ContainerCreateResult{}, err
	}
	setString(r.Query, "name", opts.Name)
	setString(r.Query, "platform", opts.Platform)
	if err := setJSON(r, createBody{opts.Config, opts.HostConfig, opts.NetworkingConfig}); err != nil {
		return ContainerCreateResult{}, err
	}
	res, err := decode[ContainerCreateResult](ctx, s.w, r)
	return res, imageNotFound(err)
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

// checkCreate refuses bad options and records on r the versions the
// fields set need.
func checkCreate(r *wire.Request, o *ContainerCreateOptions) error {
	op := r.Op
	if o.Config.Image == "" {
		return argErr(op, "Config.Image", "", "must not be empty")
	}
	if o.Name != "" && !validName(o.Name) {
		return argErr(op, "Name", o.Name, "invalid container name: want [a-zA-Z0-9][a-zA-Z0-9_.-]*")
	}
	if o.Platform != "" {
		need(r, "Platform", 41)
	}
	for p := range o.Config.ExposedPorts {
		if err := checkPortKey(op, "Config.ExposedPorts", p); err != nil {
			return err
		}
	}
	if o.Config.StopTimeout != nil && *o.Config.StopTimeout < -1 {
		return argErr(op, "Config.StopTimeout", strconv.Itoa(*o.Config.StopTimeout), "must be -1 or more")
	}
	if hc := o.Config.Healthcheck; hc != nil {
		if hc.StartInterval != 0 {
			need(r, "Healthcheck.StartInterval", 44)
		}
		if hc.Retries < 0 || hc.Interval < 0 || hc.Timeout < 0 || hc.StartPeriod < 0 || hc.StartInterval < 0 {
			return argErr(op, "Config.Healthcheck", fmt.Sprint(*hc), "durations and retries must not be negative")
		}
	}
	if hc := o.HostConfig; hc != nil {
		if err := checkRestart(op, hc.RestartPolicy, hc.AutoRemove); err != nil {
			return err
		}
		if err := checkResources(op, &hc.Resources); err != nil {
			return err
		}
		if len(hc.DeviceRequests) > 0 {
			need(r, "HostConfig.DeviceRequests", 40)
		}
		if hc.ShmSize < 0 {
			return argErr(op, "HostConfig.ShmSize", strconv.FormatInt(hc.ShmSize, 10), "must not be negative")
		}
		for p := range hc.PortBindings {
			if err := checkPortKey(op, "HostConfig.PortBindings", p); err != nil {
				return err
			}
		}
		if len(hc.Annotations) > 0 {
			need(r, "HostConfig.Annotations", 43)
		}
		if hc.CgroupnsMode != "" {
			need(r, "HostConfig.CgroupnsMode", 41)
		}
		for i, m := range hc.Mounts {
			field := fmt.Sprintf("HostConfig.Mounts[%d]", i)
			if m.Target == "" {
				return argErr(op, field+".Target", "", "must not be empty")
			}
			switch m.Type {
			case MountBind, MountVolume, MountTmpfs, MountNpipe, MountCluster:
			case MountImage:
				need(r, field+".Type image", 48)
			default:
				return argErr(op, field+".Type", m.Type, "unknown mount type: want bind, volume, tmpfs, npipe, cluster or image")
			}
			if m.Type == MountBind && m.Source == "" {
				return argErr(op, field+".Source", "", "a bind mount needs a source")
			}
			if (m.BindOptions != nil && m.Type != MountBind) || (m.VolumeOptions != nil && m.Type != MountVolume) ||
				(m.TmpfsOptions != nil && m.Type != MountTmpfs) || (m.ImageOptions != nil && m.Type != MountImage) {
				return argErr(op, field+".Type", m.Type, "options set for another mount type")
			}
			if b := m.BindOptions; b != nil {
				if b.CreateMountpoint {
					need(r, field+".BindOptions.CreateMountpoint", 42)
				}
				if b.ReadOnlyNonRecursive || b.ReadOnlyForceRecursive {
					need(r, field+".BindOptions.ReadOnly*Recursive", 44)
				}
			}
			if vo := m.VolumeOptions; vo != nil && vo.Subpath != "" {
				need(r, field+".VolumeOptions.Subpath", 45)
			}
			if t := m.TmpfsOptions; t != nil {
				if t.SizeBytes < 0 {
					return argErr(op, field+".TmpfsOptions.SizeBytes", strconv.FormatInt(t.SizeBytes, 10), "must not be negative")
				}
				if len(t.Options) > 0 {
					need(r, field+".TmpfsOptions.Options", 46)
				}
			}
		}
	}
	if nc := o.NetworkingConfig; nc != nil {
		if len(nc.EndpointsConfig) > 1 {
			need(r, "NetworkingConfig: several EndpointsConfig", 44)
		}
		for name, es := range nc.EndpointsConfig {
			if name == "" {
				return argErr(op, "NetworkingConfig.EndpointsConfig", "", "network name must not be empty")
			}
			if es == nil {
				continue
			}
			if es.MacAddress != "" {
				need(r, "EndpointSettings.MacAddress", 44)
			}
			if len(es.DriverOpts) > 0 {
				need(r, "EndpointSettings.DriverOpts", 32)
			}
			if es.GwPriority != 0 {
				need(r, "EndpointSettings.GwPriority", 48)
			}
		}
	}
	return nil
}
