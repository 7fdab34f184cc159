package endpoints

import (
	"context"

	"github.com/dockwire/dockwire/wire"
)

// NodeService holds the Node operations of a swarm manager: list,
// inspect, update and delete.
type NodeService struct {
	w *wire.Client
}

// NodeSpec is a node's user-modifiable configuration (swagger: NodeSpec).
type NodeSpec struct {
	Name   string            `json:",omitempty"`
	Labels map[string]string `json:",omitempty"`
	// Role is "worker" or "manager".
	Role string `json:",omitempty"`
	// Availability is "active", "pause" or "drain".
	Availability string `json:",omitempty"`
}

// SwarmPlatform is an OS and architecture (swagger: Platform), as nodes
// report theirs and placements restrict to.
type SwarmPlatform struct {
	Architecture string `json:",omitempty"`
	OS           string `json:",omitempty"`
}

// GenericResource is a named resource a node offers or a task reserves
// (swagger: GenericResources item): set one of the two.
type GenericResource struct {
	NamedResourceSpec    *NamedGenericResource    `json:",omitempty"`
	DiscreteResourceSpec *DiscreteGenericResource `json:",omitempty"`
}

// NamedGenericResource is one named resource ("GPU", "UUID1").
type NamedGenericResource struct {
	Kind  string
	Value string
}

// DiscreteGenericResource is a count of a resource ("SSD", 3).
type DiscreteGenericResource struct {
	Kind  string
	Value int64
}

// ResourceObject is a quantity of CPU, memory and generic resources
// (swagger: ResourceObject).
type ResourceObject struct {
	NanoCPUs         int64             `json:",omitempty"`
	MemoryBytes      int64             `json:",omitempty"`
	GenericResources []GenericResource `json:",omitempty"`
}

// Node is a swarm node (swagger: Node).
type Node struct {
	ID          string
	Version     ObjectVersion
	CreatedAt   string
	UpdatedAt   string
	Spec        NodeSpec
	Description NodeDescription
	Status      NodeStatus
	// ManagerStatus is nil for workers.
	ManagerStatus *ManagerStatus
}

// NodeDescription is what a node says of itself (swagger:
// NodeDescription).
type NodeDescription struct {
	Hostname  string
	Platform  SwarmPlatform
	Resources ResourceObject
	Engine    EngineDescription
	TLSInfo   TLSInfo
}

// EngineDescription is a node's Docker Engine (swagger:
// EngineDescription).
type EngineDescription struct {
	EngineVersion string
	Labels        map[string]string
	Plugins       []EnginePlugin
}

// EnginePlugin is a plugin a node's engine has.
type EnginePlugin struct {
	Type string
	Name string
}

// NodeStatus is a node's state as the managers see it (swagger:
// NodeStatus).
type NodeStatus struct {
	// State is unknown, down, ready or disconnected.
	State   string
	Message string
	Addr    string
}

// ManagerStatus is a manager node's part in the Raft cluster (swagger:
// ManagerStatus).
type ManagerStatus struct {
	Leader bool
	// Reachability is unknown, unreachable or reachable.
	Reachability string
	Addr         string
}

// NodeListOptions select the nodes [NodeService.List] returns: filters id,
// label, membership, name, node.label, role.
type NodeListOptions struct {
	Filters wire.Filters
}

// NodeDeleteOptions tune [NodeService.Delete].
type NodeDeleteOptions struct {
	// Force removes a node that is still up.
	Force bool
}

// NodeUpdateOptions replace a node's spec. Version is the node's current
// Version (from Inspect).
type NodeUpdateOptions struct {
	Version ObjectVersion
	Spec    NodeSpec
}

// NodeListResult is what [NodeService.List] found.
type NodeListResult struct {
	Items []Node
}

// List lists the swarm's nodes.
//
// API: GET /nodes
func (s *NodeService) List(ctx context.Context, opts NodeListOptions) (NodeListResult, error) {
	r, err := newRequest("NodeList")
	if err != nil {
		return NodeListResult{}, err
	}
	setFilters(r.Query, opts.Filters)
	items, err := decode[[]Node](ctx, s.w, r)
	return NodeListResult{Items: items}, err
}

// NodeInspectOptions tune [NodeService.Inspect]; there is nothing to tune
// yet.
type NodeInspectOptions struct{}

// NodeInspectResult is a node as inspect reports it.
type NodeInspectResult struct {
	Node
}

// Inspect reports a node by id or name ("self" is not special: use the id
// from Info.Swarm.NodeID).
//
// API: GET /nodes/{id}
func (s *NodeService) Inspect(ctx context.Context, id string, opts NodeInspectOptions) (NodeInspectResult, error) {
	r, err := newRequest("NodeInspect", id)
	if err != nil {
		return NodeInspectResult{}, err
	}
	return decode[NodeInspectResult](ctx, s.w, r)
}

// NodeDeleteResult is an empty answer; fields may be added.
type NodeDeleteResult struct{}

// Delete removes a node from the swarm.
//
// API: DELETE /nodes/{id}
func (s *NodeService) Delete(ctx context.Context, id string, opts NodeDeleteOptions) (NodeDeleteResult, error) {
	r, err := newRequest("NodeDelete", id)
	if err != nil {
		return NodeDeleteResult{}, err
	}
	setBool(r.Query, "force", opts.Force)
	_, err = callNoContent(ctx, s.w, r)
	return NodeDeleteResult{}, err
}

// NodeUpdateResult is an empty answer; fields may be added.
type NodeUpdateResult struct{}

// Update replaces a node's spec (role, availability, labels). A stale
// Version is a *wire.Error from the daemon (update out of sequence).
//
// API: POST /nodes/{id}/update
func (s *NodeService) Update(ctx context.Context, id string, opts NodeUpdateOptions) (NodeUpdateResult, error) {
	r, err := newRequest("NodeUpdate", id)
	if err != nil {
		return NodeUpdateResult{}, err
	}
	switch opts.Spec.Role {
	case "", "worker", "manager":
	default:
		return NodeUpdateResult{}, argErr(r.Op, "Spec.Role", opts.Spec.Role, `want "worker" or "manager"`)
	}
	switch opts.Spec.Availability {
	case "", "active", "pause", "drain":
	default:
		return NodeUpdateResult{}, argErr(r.Op, "Spec.Availability", opts.Spec.Availability, `want "active", "pause" or "drain"`)
	}
	setVersion(r, opts.Version)
	if err := setJSON(r, opts.Spec); err != nil {
		return NodeUpdateResult{}, err
	}
	_, err = callNoContent(ctx, s.w, r)
	return NodeUpdateResult{}, err
}
