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

// ServiceCreateOptions describe a service to create.
type ServiceCreateOptions struct {
	Spec ServiceSpec
	// Auth, when set, is sent as X-Registry-Auth so that nodes can pull a
	// private image.
	Auth *AuthConfig
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
	// from when Auth is nil: "spec" (default) or "previous-spec".
	RegistryAuthFrom string
	Auth             *AuthConfig
}

// ServiceUpdateResult is the answer to an update (swagger:
// ServiceUpdateResponse).
type ServiceUpdateResult struct {
	Warnings []string
}

// ServiceLogsOptions select the lines of a service's logs.
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

// checkServiceSpec refuses bad specs and records on r the versions the
// fields set need.
func checkServiceSpec(r *wire.Request, spec *ServiceSpec) error {
	op := r.Op
	tt := &spec.TaskTemplate
	if tt.ContainerSpec == nil && tt.PluginSpec == nil && tt.NetworkAttachmentSpec == nil {
		return argErr(op, "TaskTemplate.ContainerSpec", "", "a container, plugin or network attachment spec is required")
	}
	if m := spec.Mode; m != nil {
		n := 0
		for _, set := range []bool{m.Replicated != nil, m.Global != nil, m.ReplicatedJob != nil, m.GlobalJob != nil} {
			if set {
				n++
			}
		}
		if n > 1 {
			return argErr(op, "Mode", "", "set only one of Replicated, Global, ReplicatedJob, GlobalJob")
		}
		if m.ReplicatedJob != nil || m.GlobalJob != nil {
			need(r, "Mode.ReplicatedJob/GlobalJob", 41)
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
			return argErr(op, u.name+".FailureAction", u.c.FailureAction, `want "continue", "pause" or "rollback"`)
		}
		switch u.c.Order {
		case "", "stop-first", "start-first":
		default:
			return argErr(op, u.name+".Order", u.c.Order, `want "stop-first" or "start-first"`)
		}
		if u.c.Parallelism < 0 || u.c.MaxFailureRatio < 0 || u.c.MaxFailureRatio > 1 {
			return argErr(op, u.name, "", "Parallelism must not be negative and MaxFailureRatio must be in [0, 1]")
		}
	}
	if rp := tt.RestartPolicy; rp != nil {
		switch rp.Condition {
		case "", "none", "on-failure", "any":
		default:
			return argErr(op, "TaskTemplate.RestartPolicy.Condition", rp.Condition, `want "none", "on-failure" or "any"`)
		}
	}
	if p := tt.Placement; p != nil && p.MaxReplicas != 0 {
		need(r, "TaskTemplate.Placement.MaxReplicas", 40)
	}
	if res := tt.Resources; res != nil {
		if res.Limits != nil && res.Limits.Pids != 0 {
			need(r, "TaskTemplate.Resources.Limits.Pids", 41)
		}
		if res.SwapBytes != nil || res.MemorySwappiness != nil {
			need(r, "TaskTemplate.Resources.SwapBytes/MemorySwappiness", 52)
		}
	}
	if ep := spec.EndpointSpec; ep != nil {
		switch ep.Mode {
		case "", "vip", "dnsrr":
		default:
			return argErr(op, "EndpointSpec.Mode", ep.Mode, `want "vip" or "dnsrr"`)
		}
		for _, p := range ep.Ports {
			switch p.Protocol {
			case "", "tcp", "udp", "sctp":
			default:
				return argErr(op, "EndpointSpec.Ports.Protocol", p.Protocol, `want "tcp", "udp" or "sctp"`)
			}
		}
	}
	if cs := tt.ContainerSpec; cs != nil {
		if cs.Image == "" {
			return argErr(op, "TaskTemplate.ContainerSpec.Image", "", "must not be empty")
		}
		if len(cs.Sysctls) > 0 {
			need(r, "ContainerSpec.Sysctls", 40)
		}
		if len(cs.CapabilityAdd) > 0 || len(cs.CapabilityDrop) > 0 {
			need(r, "ContainerSpec.CapabilityAdd/CapabilityDrop", 41)
		}
		if len(cs.Ulimits) > 0 {
			need(r, "ContainerSpec.Ulimits", 41)
		}
		if cs.OomScoreAdj != 0 {
			need(r, "ContainerSpec.OomScoreAdj", 46)
		}
		if pr := cs.Privileges; pr != nil && (pr.Seccomp != nil || pr.AppArmor != nil) {
			need(r, "ContainerSpec.Privileges.Seccomp/AppArmor", 44)
		}
		if pr := cs.Privileges; pr != nil && pr.CredentialSpec != nil && pr.CredentialSpec.Config != "" {
			need(r, "ContainerSpec.Privileges.CredentialSpec.Config", 40)
		}
		for _, c := range cs.Configs {
			if c.Runtime != nil {
				need(r, "ContainerSpec.Configs.Runtime", 40)
			}
			if c.ConfigID == "" && c.ConfigName == "" {
				return argErr(op, "ContainerSpec.Configs", "", "a config reference needs ConfigID or ConfigName")
			}
		}
		for _, s := range cs.Secrets {
			if s.SecretID == "" && s.SecretName == "" {
				return argErr(op, "ContainerSpec.Secrets", "", "a secret reference needs SecretID or SecretName")
			}
		}
		for _, m := range cs.Mounts {
			if m.TmpfsOptions != nil && len(m.TmpfsOptions.Options) > 0 {
				need(r, "ContainerSpec.Mounts.TmpfsOptions.Options", 46)
			}
			if m.BindOptions != nil && m.BindOptions.NonRecursive {
				need(r, "ContainerSpec.Mounts.BindOptions.NonRecursive", 40)
			}
		}
	}
	return nil
}

func setRegistryAuth(r *wire.Request, auth *AuthConfig) error {
	if auth == nil {
		return nil
	}
	return setAuth(r, auth)
}

// Create creates a service. The spec is checked before any I/O: no task
// template, an empty image, conflicting modes or unknown enum values are an
// *ArgError, fields newer than the negotiated API a *wire.VersionError.
// A daemon in no swarm answers a *wire.Error matching wire.ErrUnavailable.
//
// API: POST /services/create
func (s *ServiceService) Create(ctx context.Context, opts ServiceCreateOptions) (ServiceCreateResult, error) {
	r, err := newRequest("ServiceCreate")
	if err != nil {
		return ServiceCreateResult{}, err
	}
	if err := checkServiceSpec(r, &opts.Spec); err != nil {
		return ServiceCreateResult{}, err
	}
	if err := setRegistryAuth(r, opts.Auth); err != nil {
		return ServiceCreateResult{}, err
	}
	if err := setJSON(r, opts.Spec); err != nil {
		return ServiceCreateResult{}, err
	}
	return decode[ServiceCreateResult](ctx, s.w, r)
}

// ServiceListResult is what [ServiceService.List] found.
type ServiceListResult struct {
	Items []Service
}

// List lists services.
//
// API: GET /services
func (s *ServiceService) List(ctx context.Context, opts ServiceListOptions) (ServiceListResult, error) {
	r, err := newRequest("ServiceList")
	if err != nil {
		return ServiceListResult{}, err
	}
	setFilters(r.Query, opts.Filters)
	if opts.Status {
		r.Query.Set("status", "true")
		need(r, "Status", 41)
	}
	items, err := decode[[]Service](ctx, s.w, r)
	return ServiceListResult{Items: items}, err
}

// ServiceInspectResult is a service as inspect reports it.
type ServiceInspectResult struct {
	Service
}

// Inspect reports a service by id or name.
//
// API: GET /services/{id}
func (s *ServiceService) Inspect(ctx context.Context, id string, opts ServiceInspectOptions) (ServiceInspectResult, error) {
	r, err := newRequest("ServiceInspect", id)
	if err != nil {
		return ServiceInspectResult{}, err
	}
	if opts.InsertDefaults {
		r.Query.Set("insertDefaults", "true")
	}
	return decode[ServiceInspectResult](ctx, s.w, r)
}

// Update replaces a service's spec, or rolls it back to the previous one.
//
// API: POST /services/{id}/update
func (s *ServiceService) Update(ctx context.Context, id string, opts ServiceUpdateOptions) (ServiceUpdateResult, error) {
	r, err := newRequest("ServiceUpdate", id)
	if err != nil {
		return ServiceUpdateResult{}, err
	}
	if !opts.Rollback {
		if err := checkServiceSpec(r, &opts.Spec); err != nil {
			return ServiceUpdateResult{}, err
		}
	}
	switch opts.RegistryAuthFrom {
	case "", "spec", "previous-spec":
	default:
		return ServiceUpdateResult{}, argErr(r.Op, "RegistryAuthFrom", opts.RegistryAuthFrom, `want "spec" or "previous-spec"`)
	}
	setVersion(r, opts.Version)
	if opts.Rollback {
		r.Query.Set("rollback", "previous")
	}
	setString(r.Query, "registryAuthFrom", opts.RegistryAuthFrom)
	if err := setRegistryAuth(r, opts.Auth); err != nil {
		return ServiceUpdateResult{}, err
	}
	if err := setJSON(r, opts.Spec); err != nil {
		return ServiceUpdateResult{}, err
	}
	return decode[ServiceUpdateResult](ctx, s.w, r)
}

// ServiceDeleteOptions tune [ServiceService.Delete]; there is nothing to
// tune yet.
type ServiceDeleteOptions struct{}

// ServiceDeleteResult is an empty answer; fields may be added.
type ServiceDeleteResult struct{}

// Delete removes a service and its tasks.
//
// API: DELETE /services/{id}
func (s *ServiceService) Delete(ctx context.Context, id string, opts ServiceDeleteOptions) (ServiceDeleteResult, error) {
	r, err := newRequest("ServiceDelete", id)
	if err != nil {
		return ServiceDeleteResult{}, err
	}
	_, err = callNoContent(ctx, s.w, r)
	return ServiceDeleteResult{}, err
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
