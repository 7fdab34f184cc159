package endpoints

import (
	"context"
	"strconv"

	"github.com/dockwire/dockwire/wire"
)

// VolumeService holds the Volume operations: create, list, inspect, update
// (cluster volumes), delete and prune.
type VolumeService struct {
	w *wire.Client
}

// Topology is a CSI topology: key/value segments (swagger: Topology).
type Topology struct {
	Segments map[string]string `json:",omitempty"`
}

// ClusterVolumeSpec is the cluster-wide part of a CSI volume (swagger:
// ClusterVolumeSpec), API 1.42.
type ClusterVolumeSpec struct {
	// Group names volumes that can be used interchangeably.
	Group      string                   `json:",omitempty"`
	AccessMode *ClusterVolumeAccessMode `json:",omitempty"`
}

// ClusterVolumeAccessMode is how a cluster volume may be used (swagger:
// ClusterVolumeSpec.AccessMode).
type ClusterVolumeAccessMode struct {
	Scope       string         `json:",omitempty"` // single, multi
	Sharing     string         `json:",omitempty"` // none, readonly, onewriter, all
	MountVolume map[string]any `json:",omitempty"`
	// Secrets are the swarm secrets handed to the CSI plugin, by key.
	Secrets                   []ClusterVolumeSecret `json:",omitempty"`
	AccessibilityRequirements *TopologyRequirement  `json:",omitempty"`
	CapacityRange             *CapacityRange        `json:",omitempty"`
	Availability              string                `json:",omitempty"` // active, pause, drain
}

// ClusterVolumeSecret hands a swarm secret to the CSI plugin under Key.
type ClusterVolumeSecret struct {
	Key    string
	Secret string
}

// TopologyRequirement says where a cluster volume must, and would rather,
// be accessible.
type TopologyRequirement struct {
	Requisite []Topology `json:",omitempty"`
	Preferred []Topology `json:",omitempty"`
}

// CapacityRange bounds a cluster volume's size, in bytes.
type CapacityRange struct {
	RequiredBytes int64 `json:",omitempty"`
	LimitBytes    int64 `json:",omitempty"`
}

// ObjectVersion is a swarm object's version, which an update must name
// (swagger: ObjectVersion).
type ObjectVersion struct {
	Index uint64
}

// ClusterVolume is the cluster part of a volume (swagger: ClusterVolume).
type ClusterVolume struct {
	ID            string
	Version       ObjectVersion
	CreatedAt     string
	UpdatedAt     string
	Spec          ClusterVolumeSpec
	Info          *ClusterVolumeInfo
	PublishStatus []ClusterVolumePublishStatus
}

// ClusterVolumeInfo is what the CSI plugin says of a created cluster
// volume.
type ClusterVolumeInfo struct {
	CapacityBytes      int64
	VolumeContext      map[string]string
	VolumeID           string
	AccessibleTopology []Topology
}

// ClusterVolumePublishStatus is a cluster volume's state on one node.
type ClusterVolumePublishStatus struct {
	NodeID         string
	State          string // pending-publish, published, pending-node-unpublish, pending-controller-unpublish
	PublishContext map[string]string
}

// Volume is a volume as list and inspect report it (swagger: Volume).
type Volume struct {
	Name          string
	Driver        string
	Mountpoint    string
	CreatedAt     string
	Status        map[string]any
	Labels        map[string]string
	Scope         string
	ClusterVolume *ClusterVolume
	Options       map[string]string
	UsageData     *VolumeUsageData
}

// VolumeUsageData is a volume's disk usage, filled by the data usage report
// (swagger: Volume.UsageData); -1 when not computed.
type VolumeUsageData struct {
	Size     int64
	RefCount int64
}

// VolumeCreateOptions describe a volume to create (swagger:
// VolumeCreateRequest). The zero value creates an anonymous local volume.
type VolumeCreateOptions struct {
	Name       string            `json:",omitempty"`
	Driver     string            `json:",omitempty"`
	DriverOpts map[string]string `json:",omitempty"`
	Labels     map[string]string `json:",omitempty"`
	// ClusterVolumeSpec makes a cluster (CSI) volume (API 1.42).
	ClusterVolumeSpec *ClusterVolumeSpec `json:",omitempty"`
}

// VolumeListOptions select the volumes [VolumeService.List] returns:
// filters dangling, driver, label, name.
type VolumeListOptions struct {
	Filters wire.Filters
}

// VolumeListResult is the answer to a list (swagger: VolumeListResponse).
type VolumeListResult struct {
	Items    []Volume `json:"Volumes"`
	Warnings []string
}

// volumeUpdateBody is what Update sends (swagger: the VolumeUpdate body).
type volumeUpdateBody struct {
	Spec ClusterVolumeSpec
}

// VolumeUpdateOptions update a cluster volume (API 1.42). Version is the
// volume's current ClusterVolume.Version.
type VolumeUpdateOptions struct {
	Version ObjectVersion
	Spec    ClusterVolumeSpec
}

// VolumeDeleteOptions tune [VolumeService.Delete].
type VolumeDeleteOptions struct {
	// Force removes a volume the driver has already lost.
	Force bool
}

// VolumePruneOptions select what [VolumeService.Prune] removes.
type VolumePruneOptions struct {
	// Filters: label (label!=... too).
	Filters wire.Filters
	// AnonymousOnly spares named volumes: only volumes created without a
	// name are pruned, the default of daemons from API 1.42 (API 1.42:
	// older daemons cannot tell them apart).
	AnonymousOnly bool
}

// VolumePruneResult is what a prune removed (swagger: the VolumePrune response).
type VolumePruneResult struct {
	VolumesDeleted []string
	SpaceReclaimed int64
}

// VolumeCreateResult is the volume created (or found).
type VolumeCreateResult struct {
	Volume
}

// Create creates a volume; creating one that exists with the same driver
// returns it.
//
// API: POST /volumes/create
func (s *VolumeService) Create(ctx context.Context, opts VolumeCreateOptions) (VolumeCreateResult, error) {
	r, err := newRequest("VolumeCreate")
	if err != nil {
		return VolumeCreateResult{}, err
	}
	if opts.ClusterVolumeSpec != nil {
		need(r, "ClusterVolumeSpec", 42)
	}
	if err := setJSON(r, opts); err != nil {
		return VolumeCreateResult{}, err
	}
	return decode[VolumeCreateResult](ctx, s.w, r)
}

// List lists volumes.
//
// API: GET /volumes
func (s *VolumeService) List(ctx context.Context, opts VolumeListOptions) (VolumeListResult, error) {
	r, err := newRequest("VolumeList")
	if err != nil {
		return VolumeListResult{}, err
	}
	setFilters(r.Query, opts.Filters)
	return decode[VolumeListResult](ctx, s.w, r)
}

// VolumeInspectOptions tune [VolumeService.Inspect]; there is nothing to
// tune yet.
type VolumeInspectOptions struct{}

// VolumeInspectResult is a volume as inspect reports it.
type VolumeInspectResult struct {
	Volume
}

// Inspect reports a volume by name.
//
// API: GET /volumes/{name}
func (s *VolumeService) Inspect(ctx context.Context, name string, opts VolumeInspectOptions) (VolumeInspectResult, error) {
	r, err := newRequest("VolumeInspect", name)
	if err != nil {
		return VolumeInspectResult{}, err
	}
	return decode[VolumeInspectResult](ctx, s.w, r)
}

// VolumeUpdateResult is an empty answer; fields may be added.
type VolumeUpdateResult struct{}

// Update changes a cluster volume's spec (API 1.42); only its
// availability can change.
//
// API: PUT /volumes/{name}
func (s *VolumeService) Update(ctx context.Context, name string, opts VolumeUpdateOptions) (VolumeUpdateResult, error) {
	r, err := newRequest("VolumeUpdate", name)
	if err != nil {
		return VolumeUpdateResult{}, err
	}
	r.Query.Set("version", strconv.FormatUint(opts.Version.Index, 10))
	if err := setJSON(r, volumeUpdateBody{opts.Spec}); err != nil {
		return VolumeUpdateResult{}, err
	}
	_, err = callNoContent(ctx, s.w, r)
	return VolumeUpdateResult{}, err
}

// VolumeDeleteResult is an empty answer; fields may be added.
type VolumeDeleteResult struct{}

// Delete removes a volume; one in use is a *wire.Error matching
// wire.ErrConflict.
//
// API: DELETE /volumes/{name}
func (s *VolumeService) Delete(ctx context.Context, name string, opts VolumeDeleteOptions) (VolumeDeleteResult, error) {
	r, err := newRequest("VolumeDelete", name)
	if err != nil {
		return VolumeDeleteResult{}, err
	}
	setBool(r.Query, "force", opts.Force)
	_, err = callNoContent(ctx, s.w, r)
	return VolumeDeleteResult{}, err
}

// Prune removes every unused volume the filters select, named or
// anonymous, whatever the API version: docker-py's prune, which speaks API
// 1.41, where that is what prune means. Daemons from API 1.42 prune only
// anonymous volumes unless asked for all, so from 1.42 Prune sends the
// "all" filter; AnonymousOnly asks for the newer meaning instead. An "all"
// filter of the caller's own is sent as it is (it needs API 1.42).
//
// API: POST /volumes/prune
func (s *VolumeService) Prune(ctx context.Context, opts VolumePruneOptions) (VolumePruneResult, error) {
	r, err := newRequest("VolumePrune")
	if err != nil {
		return VolumePruneResult{}, err
	}
	f := opts.Filters
	_, explicit := f["all"]
	switch {
	case explicit && opts.AnonymousOnly:
		return VolumePruneResult{}, argErr(r.Op, "AnonymousOnly", "true", `conflicts with an "all" filter: set one`)
	case explicit:
		need(r, "all filter", 42)
	case opts.AnonymousOnly:
		need(r, "AnonymousOnly", 42)
	default:
		ver, err := s.w.Version(ctx)
		if err != nil {
			return VolumePruneResult{}, err
		}
		if !ver.Less(v(42)) {
			f = make(wire.Filters, len(opts.Filters)+1)
			for k, vs := range opts.Filters {
				f[k] = vs
			}
			f["all"] = []string{"true"}
		}
	}
	setFilters(r.Query, f)
	return decode[VolumePruneResult](ctx, s.w, r)
}
