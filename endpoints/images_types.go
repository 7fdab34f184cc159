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
	// Manifests are the image's platform manifests (API 1.47, with
	// ImageListOptions.Manifests); Descriptor its index or manifest (API
	// 1.48). Both need the containerd image store.
	Manifests  []ImageManifestSummary `json:",omitempty"`
	Descriptor *Descriptor            `json:",omitempty"`
}

// Kinds of [ImageManifestSummary].
const (
	ManifestKindImage       = "image"
	ManifestKindAttestation = "attestation"
	ManifestKindUnknown     = "unknown"
)

// ImageManifestSummary is one manifest of an image index (swagger:
// ImageManifestSummary): a platform's image (Kind "image", ImageData set),
// an attestation of one (Kind "attestation", AttestationData set) or
// another artifact. Available says whether its content is in the store.
type ImageManifestSummary struct {
	ID              string
	Descriptor      Descriptor
	Available       bool
	Size            ManifestSize
	Kind            string
	ImageData       *ManifestImageData       `json:",omitempty"`
	AttestationData *ManifestAttestationData `json:",omitempty"`
}

// ManifestSize is the size of a manifest's content (swagger:
// ImageManifestSummary.Size): Total is all of it, the manifest, its
// config and layers; Content the part in the store.
type ManifestSize struct {
	Total   int64
	Content int64
}

// ManifestImageData describes the image of a platform manifest (swagger:
// ImageManifestSummary.ImageData): its platform, the containers using it,
// its identity (API 1.53) and unpacked size.
type ManifestImageData struct {
	Platform   Platform
	Identity   *Identity `json:",omitempty"`
	Containers []string
	Size       ManifestImageSize
}

// ManifestImageSize is a platform image's unpacked size (swagger:
// ImageManifestSummary.ImageData.Size).
type ManifestImageSize struct {
	Unpacked int64
}

// ManifestAttestationData names the manifest an attestation is for
// (swagger: ImageManifestSummary.AttestationData).
type ManifestAttestationData struct {
	For string
}

// Identity is what the daemon knows of where an image comes from (swagger:
// Identity), API 1.53: the builds that made it, the repositories it was
// pulled from, the signatures found on it.
type Identity struct {
	Build     []BuildIdentity     `json:",omitempty"`
	Pull      []PullIdentity      `json:",omitempty"`
	Signature []SignatureIdentity `json:",omitempty"`
}

// BuildIdentity is a build that made an image (swagger: BuildIdentity).
type BuildIdentity struct {
	Ref       string
	CreatedAt string
}

// PullIdentity is a repository an image was pulled from (swagger:
// PullIdentity).
type PullIdentity struct {
	Repository string
}

// SignatureIdentity is a signature of an image (swagger:
// SignatureIdentity). Error is set when it could not be verified.
type SignatureIdentity struct {
	Name            string
	Timestamps      []SignatureTimestamp `json:",omitempty"`
	KnownSigner     string               `json:",omitempty"` // "DHI" for Docker Hardened Images
	DockerReference string               `json:",omitempty"`
	Signer          *SignerIdentity      `json:",omitempty"`
	SignatureType   string               `json:",omitempty"` // "bundle-v0.3", "simplesigning-v1"
	Error           string               `json:",omitempty"`
	Warnings        []string             `json:",omitempty"`
}

// SignatureTimestamp is a timestamp of a signature (swagger:
// SignatureTimestamp): Type is "Tlog" or "TimestampAuthority".
type SignatureTimestamp struct {
	Type      string
	URI       string
	Timestamp string
}

// SignerIdentity is the certificate identity of a signer (swagger:
// SignerIdentity), as Sigstore's Fulcio certificate extensions name it.
type SignerIdentity struct {
	CertificateIssuer                   string `json:",omitempty"`
	SubjectAlternativeName              string `json:",omitempty"`
	Issuer                              string `json:",omitempty"`
	BuildSignerURI                      string `json:",omitempty"`
	BuildSignerDigest                   string `json:",omitempty"`
	RunnerEnvironment                   string `json:",omitempty"`
	SourceRepositoryURI                 string `json:",omitempty"`
	SourceRepositoryDigest              string `json:",omitempty"`
	SourceRepositoryRef                 string `json:",omitempty"`
	SourceRepositoryIdentifier          string `json:",omitempty"`
	SourceRepositoryOwnerURI            string `json:",omitempty"`
	SourceRepositoryOwnerIdentifier     string `json:",omitempty"`
	BuildConfigURI                      string `json:",omitempty"`
	BuildConfigDigest                   string `json:",omitempty"`
	BuildTrigger                        string `json:",omitempty"`
	RunInvocationURI                    string `json:",omitempty"`
	SourceRepositoryVisibilityAtSigning string `json:",omitempty"`
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
	Metadata      ImageMetadata
	Descriptor    *Descriptor
	// Manifests are the image's platform manifests (API 1.48, with
	// ImageInspectOptions.Manifests); Identity where it comes from (API
	// 1.53).
	Manifests []ImageManifestSummary `json:",omitempty"`
	Identity  *Identity              `json:",omitempty"`
}

// ImageMetadata is what the daemon keeps of an image beyond its config
// (swagger: ImageInspect.Metadata).
type ImageMetadata struct {
	LastTagTime string // RFC 3339; empty when never tagged here
}

// Labels returns Config.Labels (nil without a config).
func (i ImageInspectResult) Labels() map[string]string {
	if i.Config == nil {
		return nil
	}
	return i.Config.Labels
}

// ImageHistoryItem is one layer of an image's history (swagger:
// ImageHistoryResponseItem).
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
// the ImageSearch response, one item).
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
