package endpoints

import (
	"context"
	"time"

	"github.com/dockwire/dockwire/mux"
	"github.com/dockwire/dockwire/wire"
)

// ServiceService holds the Service operations of a swarm manager: create,
// list, inspect, update, delete and logs.
type ServiceService struct {
	w *wire.Client
}

// NewServices returns the Service operations over w.
func NewServices(w *wire.Client) *ServiceService { return &ServiceService{w: w} }

// ServiceCreateOptions tune [ServiceService.Create].
type ServiceCreateOptions struct {
	// RegistryAuth, when set, is sent as X-Registry-Auth so that nodes can
	// pull a private image.
	RegistryAuth *AuthConfig
}

// ServiceCreateResult is the answer to a create (swagger:
// ServiceCreateResponse).
type ServiceCreateResult struct {
	ID       string
	Warnings []string
}

// ServiceListOptions select the services [ServiceService.List] returns:
// filters id, label, mode, name.
type ServiceListOptions struct {
	Filters wire.Filters
	// Status fills ServiceStatus with running and desired task counts
	// (API 1.41).
	Status bool
}

// ServiceInspectOptions tune [ServiceService.Inspect].
type ServiceInspectOptions struct {
	// InsertDefaults fills in the daemon's defaults for unset fields.
	InsertDefaults bool
}

// ServiceUpdateOptions replace a service's spec. Version is the service's
// current Version (from Inspect); a stale one is refused by the daemon.
type ServiceUpdateOptions struct {
	Version ObjectVersion
	Spec    ServiceSpec
	// Rollback rolls back to the previous spec; Spec is then neither
	// checked nor used by the daemon (docker service rollback sends the
	// current one).
	Rollback bool
	// RegistryAuthFrom is where the daemon takes registry credentials
	// from when RegistryAuth is nil: "spec" (default) or "previous-spec".
	RegistryAuthFrom string
	RegistryAuth     *AuthConfig
}

// ServiceUpdateResult is the answer to an update (swagger:
// ServiceUpdateResponse).
type ServiceUpdateResult struct {
	Warnings []string
}

// ServiceLogsOptions select the lines of a service's or task's logs.
type ServiceLogsOptions struct {
	// Stdout and Stderr select the streams; both false means both.
	Stdout, Stderr bool
	// Follow keeps the stream open until ctx is cancelled.
	Follow bool
	Since  time.Time
	// Timestamps prefixes each line with its time; Details adds the extra
	// attributes (labels, env) the log driver was given.
	Timestamps, Details bool
	// Tail is "" or "all", or a non-negative number of lines from the end.
	Tail string
	// TTY is the service's (task's) ContainerSpec.TTY when the caller knows
	// it. Before API 1.42 the response does not say whether it is
	// multiplexed, and Logs inspects the service (task) unless TTY is set.
	TTY *bool
}

// checkServiceSpec refuses bad specs and lists the version requirements.
func checkServiceSpec(op string, spec *ServiceSpec) ([]wire.Requirement, error) {
	var reqs []wire.Requirement
	need := func(what string, minor int) {
		reqs = append(reqs, wire.Requirement{What: op + ": " + what, Version: v(minor)})
	}
	tt := &spec.TaskTemplate
	if tt.ContainerSpec == nil && tt.PluginSpec == nil && tt.NetworkAttachmentSpec == nil {
		return nil, argErr(op, "TaskTemplate.ContainerSpec", "", "a container, plugin or network attachment spec is required")
	}
	if m := spec.Mode; m != nil {
		n := 0
		for _, set := range []bool{m.Replicated != nil, m.Global != nil, m.ReplicatedJob != nil, m.GlobalJob != nil} {
			if set {
				n++
			}
		}
		if n > 1 {
			return nil, argErr(op, "Mode", "", "set only one of Replicated, Global, ReplicatedJob, GlobalJob")
		}
		if m.ReplicatedJob != nil || m.GlobalJob != nil {
			need("Mode.ReplicatedJob/GlobalJob", 41)
		}
	}
	for _, u := range []struct {
		name string
		c    *UpdateConfig
	}{{"UpdateConfig", spec.UpdateConfig}, {"RollbackConfig", spec.RollbackConfig}} {
		if u.c == nil {
			continue
		}
		switch u.c.FailureAction {
		case "", "continue", "pause", "rollback":
		default:
			return nil, argErr(op, u.name+".FailureAction", u.c.FailureAction, `want "continue", "pause" or "rollback"`)
		}
		switch u.c.Order {
		case "", "stop-first", "start-first":
		default:
			return nil, argErr(op, u.name+".Order", u.c.Order, `want "stop-first" or "start-first"`)
		}
		if u.c.Parallelism < 0 || u.c.MaxFailureRatio < 0 || u.c.MaxFailureRatio > 1 {
			return nil, argErr(op, u.name, "", "Parallelism must not be negative and MaxFailureRatio must be in [0, 1]")
		}
	}
	if rp := tt.RestartPolicy; rp != nil {
		switch rp.Condition {
		case "", "none", "on-failure", "any":
		default:
			return nil, argErr(op, "TaskTemplate.RestartPolicy.Condition", rp.Condition, `want "none", "on-failure" or "any"`)
		}
	}
	if p := tt.Placement; p != nil && p.MaxReplicas != 0 {
		need("TaskTemplate.Placement.MaxReplicas", 40)
	}
	if r := tt.Resources; r != nil {
		if r.Limits != nil && r.Limits.Pids != 0 {
			need("TaskTemplate.Resources.Limits.Pids", 41)
		}
		if r.SwapBytes != nil || r.MemorySwappiness != nil {
			need("TaskTemplate.Resources.SwapBytes/MemorySwappiness", 52)
		}
	}
	if ep := spec.EndpointSpec; ep != nil {
		switch ep.Mode {
		case "", "vip", "dnsrr":
		default:
			return nil, argErr(op, "EndpointSpec.Mode", ep.Mode, `want "vip" or "dnsrr"`)
		}
		for _, p := range ep.Ports {
			switch p.Protocol {
			case "", "tcp", "udp", "sctp":
			default:
				return nil, argErr(op, "EndpointSpec.Ports.Protocol", p.Protocol, `want "tcp", "udp" or "sctp"`)
			}
		}
	}
	if cs := tt.ContainerSpec; cs != nil {
		if cs.Image == "" {
			return nil, argErr(op, "TaskTemplate.ContainerSpec.Image", "", "must not be empty")
		}
		if len(cs.Sysctls) > 0 {
			need("ContainerSpec.Sysctls", 40)
		}
		if len(cs.CapabilityAdd) > 0 || len(cs.CapabilityDrop) > 0 {
			need("ContainerSpec.CapabilityAdd/CapabilityDrop", 41)
		}
		if len(cs.Ulimits) > 0 {
			need("ContainerSpec.Ulimits", 41)
		}
		if cs.OomScoreAdj != 0 {
			need("ContainerSpec.OomScoreAdj", 46)
		}
		if pr := cs.Privileges; pr != nil && (pr.Seccomp != nil || pr.AppArmor != nil) {
			need("ContainerSpec.Privileges.Seccomp/AppArmor", 44)
		}
		if pr := cs.Privileges; pr != nil && pr.CredentialSpec != nil && pr.CredentialSpec.Config != "" {
			need("ContainerSpec.Privileges.CredentialSpec.Config", 40)
		}
		for _, c := range cs.Configs {
			if c.Runtime != nil {
				need("ContainerSpec.Configs.Runtime", 40)
			}
			if c.ConfigID == "" && c.ConfigName == "" {
				return nil, argErr(op, "ContainerSpec.Configs", "", "a config reference needs ConfigID or ConfigName")
			}
		}
		for _, s := range cs.Secrets {
			if s.SecretID == "" && s.SecretName == "" {
				return nil, argErr(op, "ContainerSpec.Secrets", "", "a secret reference needs SecretID or SecretName")
			}
		}
		for _, m := range cs.Mounts {
			if m.TmpfsOptions != nil && len(m.TmpfsOptions.Options) > 0 {
				need("ContainerSpec.Mounts.TmpfsOptions.Options", 46)
			}
			if m.BindOptions != nil && m.BindOptions.NonRecursive {
				need("ContainerSpec.Mounts.BindOptions.NonRecursive", 40)
			}
		}
	}
	return reqs, nil
}

func setRegistryAuth(r *wire.Request, auth *AuthConfig) error {
	if auth == nil {
		return nil
	}
	enc, err := wire.EncodeAuth(auth)
	if err != nil {
		return err
	}
	if r.Header == nil {
		r.Header = wire.Header{}
	}
	r.Header["X-Registry-Auth"] = []string{enc}
	return nil
}

// Create creates a service. The spec is checked before any I/O: no task
// template, an empty image, conflicting modes or unknown enum values are an
// *ArgError, fields newer than the negotiated API a *wire.VersionError.
// A daemon in no swarm answers a *wire.Error matching wire.ErrUnavailable.
//
// API: POST /services/create
func (s *ServiceService) Create(ctx context.Context, spec ServiceSpec, opts ServiceCreateOptions) (ServiceCreateResult, error) {
	const op = "ServiceCreate"
	reqs, err := checkServiceSpec(op, &spec)
	if err != nil {
		return ServiceCreateResult{}, err
	}
	r, err := wire.JSONRequest("POST", "/services/create", spec)
	if err != nil {
		return ServiceCreateResult{}, err
	}
	r.Op, r.Requires = op, reqs
	if err := setRegistryAuth(r, opts.RegistryAuth); err != nil {
		return ServiceCreateResult{}, err
	}
	var out ServiceCreateResult
	err = call(ctx, s.w, r, &out)
	return out, err
}

// List lists services.
//
// API: GET /services
func (s *ServiceService) List(ctx context.Context, opts ServiceListOptions) ([]Service, error) {
	const op = "ServiceList"
	r := req("GET", "/services", op)
	if f := opts.Filters.Encode(); f != "" {
		r.Query.Set("filters", f)
	}
	if opts.Status {
		r.Query.Set("status", "true")
		r.Requires = append(r.Requires, wire.Requirement{What: op + ": Status", Version: v(41)})
	}
	var out []Service
	err := call(ctx, s.w, r, &out)
	return out, err
}

// Inspect reports a service by id or name.
//
// API: GET /services/{id}
func (s *ServiceService) Inspect(ctx context.Context, id string, opts ServiceInspectOptions) (Service, error) {
	const op = "ServiceInspect"
	r, err := objectRequest(op, "GET", "/services/", id, "", wire.Version{})
	if err != nil {
		return Service{}, err
	}
	if opts.InsertDefaults {
		r.Query.Set("insertDefaults", "true")
	}
	var out Service
	err = call(ctx, s.w, r, &out)
	return out, err
}

// Update replaces a service's spec, or rolls it back to the previous one.
//
// API: POST /services/{id}/update
func (s *ServiceService) Update(ctx context.Context, id string, opts ServiceUpdateOptions) (ServiceUpdateResult, error) {
	const op = "ServiceUpdate"
	p, err := idPath(op, "/services/", id, "/update")
	if err != nil {
		return ServiceUpdateResult{}, err
	}
	var reqs []wire.Requirement
	if !opts.Rollback {
		if reqs, err = checkServiceSpec(op, &opts.Spec); err != nil {
			return ServiceUpdateResult{}, err
		}
	}
	switch opts.RegistryAuthFrom {
	case "", "spec", "previous-spec":
	default:
		return ServiceUpdateResult{}, argErr(op, "RegistryAuthFrom", opts.RegistryAuthFrom, `want "spec" or "previous-spec"`)
	}
	r, err := wire.JSONRequest("POST", p, opts.Spec)
	if err != nil {
		return ServiceUpdateResult{}, err
	}
	r.Op, r.Requires = op, reqs
	r.Query = versionQuery(opts.Version)
	if opts.Rollback {
		r.Query.Set("rollback", "previous")
	}
	if opts.RegistryAuthFrom != "" {
		r.Query.Set("registryAuthFrom", opts.RegistryAuthFrom)
	}
	if err := setRegistryAuth(r, opts.RegistryAuth); err != nil {
		return ServiceUpdateResult{}, err
	}
	var out ServiceUpdateResult
	err = call(ctx, s.w, r, &out)
	return out, err
}

// Delete removes a service and its tasks.
//
// API: DELETE /services/{id}
func (s *ServiceService) Delete(ctx context.Context, id string) error {
	const op = "ServiceDelete"
	p, err := idPath(op, "/services/", id, "")
	if err != nil {
		return err
	}
	return call(ctx, s.w, req("DELETE", p, op), nil)
}

// Logs streams a service's logs, gathered from all its tasks: the stdcopy
// format unless the service runs with a TTY (see mux.Multiplexed; before
// API 1.42 Logs takes TTY from opts.TTY or an Inspect of the service).
// The daemon needs a logging driver that can be read back (json-file,
// local, journald). The caller must Close the stream.
//
// API: GET /services/{id}/logs
func (s *ServiceService) Logs(ctx context.Context, id string, opts ServiceLogsOptions) (*mux.Output, error) {
	return swarmLogs(ctx, s.w, "ServiceLogs", id, opts, func(ctx context.Context) (bool, error) {
		svc, err := s.Inspect(ctx, id, ServiceInspectOptions{})
		if err != nil {
			return false, err
		}
		cs := svc.Spec.TaskTemplate.ContainerSpec
		return cs != nil && cs.TTY, nil
	})
}

// swarmLogs is the logs operation of services and tasks; tty reports the
// object's TTY setting when the response does not say.
func swarmLogs(ctx context.Context, w *wire.Client, op, id string, opts ServiceLogsOptions, tty func(context.Context) (bool, error)) (*mux.Output, error) {
	r, err := newRequest(op, id)
	if err != nil {
		return nil, err
	}
	q := logsQuery{Stdout: opts.Stdout, Stderr: opts.Stderr, Follow: opts.Follow, Timestamps: opts.Timestamps, Since: opts.Since, Tail: opts.Tail}
	if err := q.apply(r); err != nil {
		return nil, err
	}
	setBool(r.Query, "details", opts.Details)
	return openLogs(ctx, w, r, opts.TTY, tty)
}
