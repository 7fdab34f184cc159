package endpoints

import (
	"context"
	"net/netip"
	"strconv"

	"github.com/dockwire/dockwire/wire"
)

// NetworkService holds the Network operations: create, list, inspect,
// connect, disconnect, delete and prune.
type NetworkService struct {
	w *wire.Client
}

// IPAMPool is one address pool of a network (swagger: IPAMConfig; docker-py's
// IPAMPool). Subnet and IPRange are CIDRs, Gateway and the auxiliary
// addresses plain IPs.
type IPAMPool struct {
	Subnet             string            `json:",omitempty"`
	IPRange            string            `json:",omitempty"`
	Gateway            string            `json:",omitempty"`
	AuxiliaryAddresses map[string]string `json:"AuxiliaryAddresses,omitempty"`
}

// IPAM is a network's address management (swagger: IPAM; docker-py's
// IPAMConfig). Driver "" means "default".
type IPAM struct {
	Driver  string            `json:",omitempty"`
	Config  []IPAMPool        `json:",omitempty"`
	Options map[string]string `json:",omitempty"`
}

// ConfigReference names the config-only network a network takes its
// configuration from (swagger: ConfigReference).
type ConfigReference struct {
	Network string
}

// NetworkCreateOptions describe a network to create (swagger:
// the NetworkCreate body). Name is required.
type NetworkCreateOptions struct {
	Name string
	// Driver is "bridge" when empty; "overlay" needs a swarm.
	Driver     string            `json:",omitempty"`
	Scope      string            `json:",omitempty"`
	Internal   bool              `json:",omitempty"`
	Attachable bool              `json:",omitempty"`
	Ingress    bool              `json:",omitempty"`
	ConfigOnly bool              `json:",omitempty"`
	ConfigFrom *ConfigReference  `json:",omitempty"`
	IPAM       *IPAM             `json:",omitempty"`
	EnableIPv4 *bool             `json:",omitempty"` // API 1.48
	EnableIPv6 *bool             `json:",omitempty"`
	Options    map[string]string `json:",omitempty"`
	Labels     map[string]string `json:",omitempty"`
	// CheckDuplicate asks older daemons to refuse a duplicate name; API
	// 1.44 and later always do, and ignore it.
	CheckDuplicate bool `json:",omitempty"`
}

// NetworkCreateResult is the answer to a create (swagger:
// NetworkCreateResponse).
type NetworkCreateResult struct {
	ID      string `json:"Id"`
	Warning string
}

// NetworkContainer is a container's endpoint as network inspect reports it.
type NetworkContainer struct {
	Name        string
	EndpointID  string
	MacAddress  string
	IPv4Address string
	IPv6Address string
}

// Network is a network as list and inspect report it (swagger: Network,
// NetworkSummary, NetworkInspect). Containers and Services are filled by
// inspect only; Status (IPAM allocation statistics) by API 1.52 and later.
type Network struct {
	Name       string
	ID         string `json:"Id"`
	Created    string
	Scope      string
	Driver     string
	EnableIPv4 bool
	EnableIPv6 bool
	IPAM       IPAM
	Internal   bool
	Attachable bool
	Ingress    bool
	ConfigFrom ConfigReference
	ConfigOnly bool
	Containers map[string]NetworkContainer
	Services   map[string]any
	Options    map[string]string
	Labels     map[string]string
	Peers      []NetworkPeer
	Status     *NetworkStatus `json:",omitempty"` // API 1.52
}

// NetworkStatus is a network's runtime state (swagger: NetworkStatus).
type NetworkStatus struct {
	IPAM IPAMStatus
}

// IPAMStatus is a network's address use per subnet (swagger: IPAMStatus).
type IPAMStatus struct {
	Subnets map[string]SubnetStatus
}

// SubnetStatus is the address use of one subnet (swagger: SubnetStatus):
// the addresses in use or reserved, and those left for allocation, each
// saturating at 2^64-1 (an IPv6 subnet holds more).
type SubnetStatus struct {
	IPsInUse            uint64
	DynamicIPsAvailable uint64
}

// NetworkPeer is a node of a swarm-scope network (swagger: PeerInfo).
type NetworkPeer struct {
	Name string
	IP   string
}

// NetworkListOptions select the networks [NetworkService.List] returns:
// filters dangling, driver, id, label, name, scope, type.
type NetworkListOptions struct {
	Filters wire.Filters
}

// NetworkInspectOptions tune [NetworkService.Inspect].
type NetworkInspectOptions struct {
	// Verbose lists the services and tasks of a swarm network cluster-wide.
	Verbose bool
	// Scope restricts the lookup to "local", "swarm" or "global".
	Scope string
}

// NetworkConnectOptions attach a container to a network (swagger:
// NetworkConnectRequest). Container is required.
type NetworkConnectOptions struct {
	Container string
	// EndpointConfig may be nil: aliases, links, static addresses
	// (IPAMConfig), DriverOpts (API 1.32), MacAddress (applied from API
	// 1.54: older daemons ignore it), GwPriority (API 1.48).
	EndpointConfig *EndpointSettings
}

// NetworkDisconnectOptions detach a container from a network (swagger:
// NetworkDisconnectRequest).
type NetworkDisconnectOptions struct {
	Container string
	Force     bool
}

// NetworkPruneOptions select what [NetworkService.Prune] removes: filters
// until and label (label!=... too).
type NetworkPruneOptions struct {
	Filters wire.Filters
}

// NetworkPruneResult lists the networks pruned (swagger: the NetworkPrune response).
type NetworkPruneResult struct {
	NetworksDeleted []string
}

func checkCIDR(op, field, s string) error {
	if s == "" {
		return nil
	}
	if _, err := netip.ParsePrefix(s); err != nil {
		return &ArgError{Op: op, Field: field, Value: s, Reason: "not a CIDR", Err: err}
	}
	return nil
}

func checkIP(op, field, s string) error {
	if s == "" {
		return nil
	}
	if _, err := netip.ParseAddr(s); err != nil {
		return &ArgError{Op: op, Field: field, Value: s, Reason: "not an IP address", Err: err}
	}
	return nil
}

func checkIPAM(op string, ipam *IPAM) error {
	if ipam == nil {
		return nil
	}
	for i, p := range ipam.Config {
		f := "IPAM.Config[" + strconv.Itoa(i) + "]."
		if err := checkCIDR(op, f+"Subnet", p.Subnet); err != nil {
			return err
		}
		if err := checkCIDR(op, f+"IPRange", p.IPRange); err != nil {
			return err
		}
		if err := checkIP(op, f+"Gateway", p.Gateway); err != nil {
			return err
		}
		for k, a := range p.AuxiliaryAddresses {
			if err := checkIP(op, f+"AuxiliaryAddresses["+k+"]", a); err != nil {
				return err
			}
		}
		if (p.IPRange != "" || p.Gateway != "" || len(p.AuxiliaryAddresses) > 0) && p.Subnet == "" {
			return argErr(op, f+"Subnet", "", "required with IPRange, Gateway or AuxiliaryAddresses")
		}
	}
	return nil
}

// Create creates a network. The IPAM pools are checked before any I/O
// (subnets and ranges must be CIDRs, gateways IPs): a malformed one is an
// *ArgError. A name already taken is a *wire.Error matching wire.ErrConflict.
//
// API: POST /networks/create
func (s *NetworkService) Create(ctx context.Context, opts NetworkCreateOptions) (NetworkCreateResult, error) {
	r, err := newRequest("NetworkCreate")
	if err != nil {
		return NetworkCreateResult{}, err
	}
	if opts.Name == "" {
		return NetworkCreateResult{}, argErr(r.Op, "Name", "", "must not be empty")
	}
	if err := checkIPAM(r.Op, opts.IPAM); err != nil {
		return NetworkCreateResult{}, err
	}
	if opts.EnableIPv4 != nil {
		need(r, "EnableIPv4", 48)
	}
	if err := setJSON(r, opts); err != nil {
		return NetworkCreateResult{}, err
	}
	return decode[NetworkCreateResult](ctx, s.w, r)
}

// NetworkListResult is what [NetworkService.List] found.
type NetworkListResult struct {
	Items []Network
}

// List lists networks. Containers is not filled: inspect a network for it.
//
// API: GET /networks
func (s *NetworkService) List(ctx context.Context, opts NetworkListOptions) (NetworkListResult, error) {
	r, err := newRequest("NetworkList")
	if err != nil {
		return NetworkListResult{}, err
	}
	setFilters(r.Query, opts.Filters)
	items, err := decode[[]Network](ctx, s.w, r)
	return NetworkListResult{Items: items}, err
}

// NetworkInspectResult is a network with its containers.
type NetworkInspectResult struct {
	Network
}

// Inspect reports a network by id or name, with its containers.
//
// API: GET /networks/{id}
func (s *NetworkService) Inspect(ctx context.Context, id string, opts NetworkInspectOptions) (NetworkInspectResult, error) {
	r, err := newRequest("NetworkInspect", id)
	if err != nil {
		return NetworkInspectResult{}, err
	}
	switch opts.Scope {
	case "", "local", "swarm", "global":
	default:
		return NetworkInspectResult{}, argErr(r.Op, "Scope", opts.Scope, `want "local", "swarm" or "global"`)
	}
	setBool(r.Query, "verbose", opts.Verbose)
	setString(r.Query, "scope", opts.Scope)
	return decode[NetworkInspectResult](ctx, s.w, r)
}

// NetworkDeleteOptions tune [NetworkService.Delete]; there is nothing to
// tune yet.
type NetworkDeleteOptions struct{}

// NetworkDeleteResult is an empty answer; fields may be added.
type NetworkDeleteResult struct{}

// Delete removes a network.
//
// API: DELETE /networks/{id}
func (s *NetworkService) Delete(ctx context.Context, id string, opts NetworkDeleteOptions) (NetworkDeleteResult, error) {
	r, err := newRequest("NetworkDelete", id)
	if err != nil {
		return NetworkDeleteResult{}, err
	}
	_, err = callNoContent(ctx, s.w, r)
	return NetworkDeleteResult{}, err
}

// NetworkConnectResult is an empty answer; fields may be added.
type NetworkConnectResult struct{}

// Connect attaches a container to a network. Static addresses in
// EndpointConfig.IPAMConfig are checked before any I/O.
//
// API: POST /networks/{id}/connect
func (s *NetworkService) Connect(ctx context.Context, id string, opts NetworkConnectOptions) (NetworkConnectResult, error) {
	r, err := newRequest("NetworkConnect", id)
	if err != nil {
		return NetworkConnectResult{}, err
	}
	if opts.Container == "" {
		return NetworkConnectResult{}, argErr(r.Op, "Container", "", "must not be empty")
	}
	if es := opts.EndpointConfig; es != nil {
		if ic := es.IPAMConfig; ic != nil {
			if err := checkIP(r.Op, "EndpointConfig.IPAMConfig.IPv4Address", ic.IPv4Address); err != nil {
				return NetworkConnectResult{}, err
			}
			if err := checkIP(r.Op, "EndpointConfig.IPAMConfig.IPv6Address", ic.IPv6Address); err != nil {
				return NetworkConnectResult{}, err
			}
			for _, a := range ic.LinkLocalIPs {
				if err := checkIP(r.Op, "EndpointConfig.IPAMConfig.LinkLocalIPs", a); err != nil {
					return NetworkConnectResult{}, err
				}
			}
		}
		if es.MacAddress != "" {
			need(r, "EndpointConfig.MacAddress", 54) // in the API since 1.44, applied only from 1.54
		}
		if len(es.DriverOpts) > 0 {
			need(r, "EndpointConfig.DriverOpts", 32)
		}
		if es.GwPriority != 0 {
			need(r, "EndpointConfig.GwPriority", 48)
		}
	}
	body := struct {
		Container      string
		EndpointConfig *EndpointSettings `json:",omitempty"`
	}{opts.Container, opts.EndpointConfig}
	if err := setJSON(r, body); err != nil {
		return NetworkConnectResult{}, err
	}
	_, err = callNoContent(ctx, s.w, r)
	return NetworkConnectResult{}, err
}

// NetworkDisconnectResult is an empty answer; fields may be added.
type NetworkDisconnectResult struct{}

// Disconnect detaches a container from a network; Force detaches even a
// container that is gone or whose endpoint is stale.
//
// API: POST /networks/{id}/disconnect
func (s *NetworkService) Disconnect(ctx context.Context, id string, opts NetworkDisconnectOptions) (NetworkDisconnectResult, error) {
	r, err := newRequest("NetworkDisconnect", id)
	if err != nil {
		return NetworkDisconnectResult{}, err
	}
	if opts.Container == "" {
		return NetworkDisconnectResult{}, argErr(r.Op, "Container", "", "must not be empty")
	}
	if err := setJSON(r, opts); err != nil {
		return NetworkDisconnectResult{}, err
	}
	_, err = callNoContent(ctx, s.w, r)
	return NetworkDisconnectResult{}, err
}

// Prune removes the unused networks the filters select.
//
// API: POST /networks/prune
func (s *NetworkService) Prune(ctx context.Context, opts NetworkPruneOptions) (NetworkPruneResult, error) {
	r, err := newRequest("NetworkPrune")
	if err != nil {
		return NetworkPruneResult{}, err
	}
	setFilters(r.Query, opts.Filters)
	return decode[NetworkPruneResult](ctx, s.w, r)
}
