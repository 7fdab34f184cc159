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

// NewNodes returns the Node operations over w.
func NewNodes(w *wire.Client) *NodeService { return &NodeService{w: w} }

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
// (swagger: GenericResources item).
type GenericResource struct {
	NamedResourceSpec *struct {
		Kind  string
		Value string
	} `json:",omitempty"`
	DiscreteResourceSpec *struct {
		Kind  string
		Value int64
	} `json:",omitempty"`
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
	Description struct {
		Hostname  string
		Platform  SwarmPlatform
		Resources ResourceObject
		Engine    struct {
			EngineVersion string
			Labels        map[string]string
			Plugins       []struct {
				Type string
				Name string
			}
		}
		TLSInfo TLSInfo
	}
	Status struct {
		// State is unknown, down, ready or disconnected.
		State   string
		Message string
		Addr    string
	}
	// ManagerStatus is nil for workers.
	ManagerStatus *struct {
		Leader bool
		// Reachability is unknown, unreachable or reachable.
		Reachability string
		Addr         string
	}
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

// List lists the swarm's nodes.
//
// API: GET /nodes
func (s *NodeService) List(ctx context.Context, opts NodeListOptions) ([]Node, error) {
	return doJSON[[]Node](ctx, s.w, filterRequest("NodeList", "GET", "/nodes", opts.Filters, wire.Version{}))
}

// Inspect reports a node by id or name ("self" is not special: use the id
// from Info.Swarm.NodeID).
//
// API: GET /nodes/{id}
func (s *NodeService) Inspect(ctx context.Context, id string) (Node, error) {
	r, err := objectRequest("NodeInspect", "GET", "/nodes/", id, "", wire.Version{})
	if err != nil {
		return Node{}, err
	}
	return doJSON[Node](ctx, s.w, r)
}

// Delete removes a node from the swarm.
//
// API: DELETE /nodes/{id}
func (s *NodeService) Delete(ctx context.Context, id string, opts NodeDeleteOptions) error {
	r, err := objectRequest("NodeDelete", "DELETE", "/nodes/", id, "", wire.Version{})
	if err != nil {
		return err
	}
	boolParam(r.Query, "force", opts.Force)
	return call(ctx, s.w, r, nil)
}

// Update replaces a node's spec (role, availability, labels). A stale
// Version is a *wire.Error from the daemon (update out of sequence).
//
// API: POST /nodes/{id}/update
func (s *NodeService) Update(ctx context.Context, id string, opts NodeUpdateOptions) error {
	const op = "NodeUpdate"
	p, err := idPath(op, "/nodes/", id, "/update")
	if err != nil {
		return err
	}
	switch opts.Spec.Role {
	case "", "worker", "manager":
	default:
		return argErr(op, "Spec.Role", opts.Spec.Role, `want "worker" or "manager"`)
	}
	switch opts.Spec.Availability {
	case "", "active", "pause", "drain":
	default:
		return argErr(op, "Spec.Availability", opts.Spec.Availability, `want "active", "pause" or "drain"`)
	}
	r, err := wire.JSONRequest("POST", p, opts.Spec)
	if err != nil {
		return err
	}
	r.Op = op
	r.Query = versionQuery(opts.Version)
	return call(ctx, s.w, r, nil)
}
