package endpoints

import (
	"context"
	"net/url"
	"strconv"

	"github.com/dockwire/dockwire/wire"
)

// VolumeService holds the Volume operations: create, list, inspect, update
// (cluster volumes), delete and prune.
type VolumeService struct {
	w *wire.Client
}

// NewVolumes returns the Volume operations over w.
func NewVolumes(w *wire.Client) *VolumeService { return &VolumeService{w: w} }

// Topology is a CSI topology: key/value segments (swagger: Topology).
type Topology struct {
	Segments map[string]string `json:",omitempty"`
}

// ClusterVolumeSpec is the cluster-wide part of a CSI volume (swagger:
// ClusterVolumeSpec), API 1.42.
type ClusterVolumeSpec struct {
	Group      string `json:",omitempty"`
	AccessMode *struct {
		Scope       string         `json:",omitempty"` // single, multi
		Sharing     string         `json:",omitempty"` // none, readonly, onewriter, all
		MountVolume map[string]any `json:",omitempty"`
		Secrets     []struct {
			Key    string
			Secret string
		} `json:",omitempty"`
		AccessibilityRequirements *struct {
			Requisite []Topology `json:",omitempty"`
			Preferred []Topology `json:",omitempty"`
		} `json:",omitempty"`
		CapacityRange *struct {
			RequiredBytes int64 `json:",omitempty"`
			LimitBytes    int64 `json:",omitempty"`
		} `json:",omitempty"`
		Availability string `json:",omitempty"` // active, pause, drain
	} `json:",omitempty"`
}

// ObjectVersion is a swarm object's version, which an update must name
// (swagger: ObjectVersion).
type ObjectVersion struct {
	Index uint64
}

// ClusterVolume is the cluster part of a volume (swagger: ClusterVolume).
type ClusterVolume struct {
	ID        string
	Version   ObjectVersion
	CreatedAt string
	UpdatedAt string
	Spec      ClusterVolumeSpec
	Info      *struct {
		CapacityBytes      int64
		VolumeContext      map[string]string
		VolumeID           string
		AccessibleTopology []Topology
	}
	PublishStatus []struct {
		NodeID         string
		State          string
		PublishContext map[string]string
	}
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
	UsageData     *struct {
		Size     int64
		RefCount int64
	}
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
	Volumes  []Volume
	Warnings []string
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
	// Filters: label (label!=... too) and, on API 1.42+, all.
	Filters wire.Filters
	// All prunes named volumes too, not only anonymous ones (API 1.42; it
	// sets the "all" filter). Before 1.42 prune always took named volumes.
	All bool
}

// VolumePruneResult is what a prune removed (swagger: VolumePruneResponse).
type VolumePruneResult struct {
	VolumesDeleted []string
	SpaceReclaimed int64
}

// Create creates a volume; creating one that exists with the same driver
// returns it.
//
// API: POST /volumes/create
func (s *VolumeService) Create(ctx context.Context, opts VolumeCreateOptions) (Volume, error) {
	const op = "VolumeCreate"
	r, err := wire.JSONRequest("POST", "/volumes/create", opts)
	if err != nil {
		return Volume{}, err
	}
	r.Op = op
	if opts.ClusterVolumeSpec != nil {
		r.Requires = append(r.Requires, wire.Requirement{What: op + ": ClusterVolumeSpec", Version: v(42)})
	}
	var out Volume
	err = call(ctx, s.w, r, &out)
	return out, err
}

// List lists volumes.
//
// API: GET /volumes
func (s *VolumeService) List(ctx context.Context, opts VolumeListOptions) (VolumeListResult, error) {
	return doJSON[VolumeListResult](ctx, s.w, filterRequest("VolumeList", "GET", "/volumes", opts.Filters, wire.Version{}))
}

// Inspect reports a volume by name.
//
// API: GET /volumes/{name}
func (s *VolumeService) Inspect(ctx context.Context, name string) (Volume, error) {
	const op = "VolumeInspect"
	p, err := idPath(op, "/volumes/", name, "")
	if err != nil {
		return Volume{}, err
	}
	var out Volume
	err = call(ctx, s.w, req("GET", p, op), &out)
	return out, err
}

// Update changes a cluster volume's spec (API 1.42); only its
// availability can change.
//
// API: PUT /volumes/{name}
func (s *VolumeService) Update(ctx context.Context, name string, opts VolumeUpdateOptions) error {
	const op = "VolumeUpdate"
	p, err := idPath(op, "/volumes/", name, "")
	if err != nil {
		return err
	}
	r, err := wire.JSONRequest("PUT", p, struct{ Spec ClusterVolumeSpec }{opts.Spec})
	if err != nil {
		return err
	}
	r.Op, r.MinVersion = op, v(42)
	r.Query = url.Values{"version": {strconv.FormatUint(opts.Version.Index, 10)}}
	return call(ctx, s.w, r, nil)
}

// Delete removes a volume; one in use is a *wire.Error matching
// wire.ErrConflict.
//
// API: DELETE /volumes/{name}
func (s *VolumeService) Delete(ctx context.Context, name string, opts VolumeDeleteOptions) error {
	const op = "VolumeDelete"
	r, err := objectRequest(op, "DELETE", "/volumes/", name, "", wire.Version{})
	if err != nil {
		return err
	}
	boolParam(r.Query, "force", opts.Force)
	return call(ctx, s.w, r, nil)
}

// Prune removes the unused volumes the filters select. From API 1.42 on,
// only anonymous volumes unless All is set; API 1.41 refuses the "all"
// filter, so All on an older daemon is a *wire.VersionError before I/O.
//
// API: POST /volumes/prune
func (s *VolumeService) Prune(ctx context.Context, opts VolumePruneOptions) (VolumePruneResult, error) {
	const op = "VolumePrune"
	r := req("POST", "/volumes/prune", op)
	f := opts.Filters
	if opts.All {
		f = make(wire.Filters, len(opts.Filters)+1)
		for k, vs := range opts.Filters {
			f[k] = vs
		}
		f["all"] = []string{"true"}
	}
	if _, ok := f["all"]; ok {
		r.Requires = append(r.Requires, wire.Requirement{What: op + ": all filter", Version: v(42)})
	}
	if enc := f.Encode(); enc != "" {
		r.Query.Set("filters", enc)
	}
	var out VolumePruneResult
	err := call(ctx, s.w, r, &out)
	return out, err
}
