package endpoints

import (
	"encoding/json"
	"strings"
)

// Platform is an OCI platform (swagger: OCIPlatform). Image operations that
// take one send it as JSON; [Platform.String] gives the "os/arch/variant"
// form build and pull use.
type Platform struct {
	Architecture string   `json:"architecture,omitempty"`
	OS           string   `json:"os,omitempty"`
	OSVersion    string   `json:"os.version,omitempty"`
	OSFeatures   []string `json:"os.features,omitempty"`
	Variant      string   `json:"variant,omitempty"`
}

// String returns "os/arch" or "os/arch/variant".
func (p Platform) String() string {
	s := p.OS + "/" + p.Architecture
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}

func (p Platform) json() string {
	b, _ := json.Marshal(p) // plain strings: cannot fail
	return string(b)
}

// Descriptor is an OCI content descriptor (swagger: OCIDescriptor).
type Descriptor struct {
	MediaType    string            `json:"mediaType"`
	Digest       string            `json:"digest"`
	Size         int64             `json:"size"`
	URLs         []string          `json:"urls,omitempty"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	Data         []byte            `json:"data,omitempty"`
	Platform     *Platform         `json:"platform,omitempty"`
	ArtifactType string            `json:"artifactType,omitempty"`
}

// ImageSummary is one image of [ImageService.List] (swagger: ImageSummary).
type ImageSummary struct {
	ID          string `json:"Id"`
	ParentID    string `json:"ParentId"`
	RepoTags    []string
	RepoDigests []string
	Created     int64 // Unix seconds
	Size        int64
	SharedSize  int64 // -1 unless asked for
	VirtualSize int64 `json:",omitempty"` // before API 1.44
	Labels      map[string]string
	Containers  int64 // -1 unless computed
	// Manifests (API 1.47, with ListOptions.Manifests) and Descriptor
	// (API 1.48, containerd store) are kept raw: both are experimental.
	Manifests  []json.RawMessage `json:",omitempty"`
	Descriptor *Descriptor       `json:",omitempty"`
}

// RootFS lists an image's layers (swagger: ImageInspect.RootFS).
type RootFS struct {
	Type   string
	Layers []string
}

// ImageInspectResult is an image's low-level information (swagger:
// ImageInspect).
// Config is the image's configuration, decoded with the container config
// type (the image's holds a subset of its fields).
type ImageInspectResult struct {
	ID            string `json:"Id"`
	RepoTags      []string
	RepoDigests   []string
	Parent        string
	Comment       string
	Created       string // RFC 3339; empty when the image config has none
	DockerVersion string
	Author        string
	Config        *ContainerConfig
	Architecture  string
	Variant       string
	Os            string
	OsVersion     string
	Size          int64
	VirtualSize   int64 `json:",omitempty"`
	GraphDriver   *GraphDriver
	RootFS        RootFS
	Metadata      struct {
		LastTagTime string
	}
	Descriptor *Descriptor
	// Manifests (API 1.48) and Identity (API 1.53) are left raw.
	Manifests []json.RawMessage `json:",omitempty"`
	Identity  json.RawMessage   `json:",omitempty"`
}

// Labels returns Config.Labels (nil without a config).
func (i ImageInspectResult) Labels() map[string]string {
	if i.Config == nil {
		return nil
	}
	return i.Config.Labels
}

// ImageHistoryItem is one layer of an image's history (swagger:
// HistoryResponseItem).
type ImageHistoryItem struct {
	ID        string `json:"Id"`
	Created   int64
	CreatedBy string
	Tags      []string
	Size      int64
	Comment   string
}

// ImageDeleteItem is one line of a delete's report: an untagged reference or
// a deleted image or layer id (swagger: ImageDeleteResponseItem).
type ImageDeleteItem struct {
	Untagged string `json:",omitempty"`
	Deleted  string `json:",omitempty"`
}

// ImageSearchItem is one hit of [ImageService.Search] (swagger:
// ImageSearchResponseItem).
type ImageSearchItem struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	StarCount   int    `json:"star_count"`
	IsOfficial  bool   `json:"is_official"`
	IsAutomated bool   `json:"is_automated"`
}

// AttestationStatement is one in-toto statement attached to an image
// (swagger: AttestationStatement, API 1.55).
type AttestationStatement struct {
	Descriptor    Descriptor
	PredicateType string
	Statement     json.RawMessage `json:",omitempty"`
}

// DistributionInspectResult is what the registry says about an image
// (swagger: DistributionInspect).
type DistributionInspectResult struct {
	Descriptor Descriptor
	Platforms  []Platform
}

// splitRef splits an image reference into its repository and its tag or
// digest: "reg:5000/a/b:t" → ("reg:5000/a/b", "t"), "a@sha256:..." →
// ("a", "sha256:..."), "a" → ("a", "").
func splitRef(ref string) (repo, tag string) {
	if i := strings.Index(ref, "@"); i >= 0 {
		return ref[:i], ref[i+1:]
	}
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		return ref[:i], ref[i+1:]
	}
	return ref, ""
}
