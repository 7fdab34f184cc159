package endpoints

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dockwire/dockwire/wire"
)

// ImageService holds the Image operations (list, inspect, tag, delete,
// search, prune, commit; save, load, pull, import and push in
// images_transfer.go; build in build.go) and conveniences built on them
// (BuildDir, BuildDockerfile).
//
// # Progress
//
// Pull, Import, Push, Load and Build read the daemon's JSON message stream to
// its end before they return; each record goes, as it arrives, to the
// options' Progress callback (a [ProgressFunc], nil to ignore them), and the
// operation's outcome comes back as a typed result (the pushed digest, the
// loaded images, the built image id). An error record inside the stream (a
// failed layer, a refused push, a failed build step) is the operation's
// error: a *wire.StreamError, or for Build a *[BuildError] carrying the
// build's output. Cancelling ctx stops the operation and closes its
// connection. [ProgressTotal] aggregates the records into overall bytes.
//
// Registry credentials go in the options' Auth (see [ConfigFile.AuthFor]
// to take them from the docker CLI's config.json). They are sent only in the
// X-Registry-Auth header of the one request, never logged.
type ImageService struct {
	w *wire.Client
}

// setAuth sets X-Registry-Auth to a; nil sends an empty config ("{}"),
// which daemons that insist on the header (push) accept.
func setAuth(r *wire.Request, a *AuthConfig) error {
	var v any = struct{}{}
	if a != nil {
		v = a
	}
	enc, err := wire.EncodeAuth(v)
	if err != nil {
		return err
	}
	if r.Header == nil {
		r.Header = wire.Header{}
	}
	r.Header.Set("X-Registry-Auth", enc)
	return nil
}

func checkRef(op, field, ref string) error {
	if strings.TrimSpace(ref) == "" {
		return argErr(op, field, ref, "must not be empty")
	}
	if strings.ContainsAny(ref, "\x00\r\n\t ") {
		return argErr(op, field, ref, "contains a space or control character")
	}
	return nil
}

// checkRepo refuses a reference whose repository path (after the registry
// host) holds upper-case letters, as the daemon's reference grammar does
// ("repository name must be lowercase").
func checkRepo(op, field, ref string) error {
	if err := checkRef(op, field, ref); err != nil {
		return err
	}
	repo, _ := splitRef(ref)
	if host := RegistryHost(repo); host != "docker.io" || strings.HasPrefix(repo, "docker.io/") {
		repo = repo[strings.IndexByte(repo, '/')+1:]
	}
	if strings.ToLower(repo) != repo {
		return argErr(op, field, ref, "repository name must be lowercase")
	}
	return nil
}

// setRepoTag sets the repo and tag parameters from a "repo[:tag]"
// reference (commit, import).
func setRepoTag(r *wire.Request, field, ref string) error {
	if ref == "" {
		return nil
	}
	if err := checkRepo(r.Op, field, ref); err != nil {
		return err
	}
	repo, tag := splitRef(ref)
	r.Query.Set("repo", repo)
	setString(r.Query, "tag", tag)
	return nil
}

// setPlatforms adds one platform parameter per platform: the first needs
// API 1.first, several 1.52.
func setPlatforms(r *wire.Request, ps []Platform, first int) {
	for _, p := range ps {
		r.Query.Add("platform", p.json())
	}
	if len(ps) > 0 {
		need(r, "Platform", first)
	}
	if len(ps) > 1 {
		need(r, "several Platforms", 52)
	}
}

// ImageListOptions select the images [ImageService.List] returns. The zero
// value lists the top-level images.
type ImageListOptions struct {
	All        bool // intermediate images too
	Digests    bool // fill RepoDigests (the daemon does by default)
	SharedSize bool // compute SharedSize (API 1.42)
	Manifests  bool // fill Manifests (API 1.47)
	Identity   bool // fill the manifests' Identity (API 1.54)
	// Filters: before, dangling, label, reference, since, until.
	Filters wire.Filters
}

// ImageListResult is what [ImageService.List] found.
type ImageListResult struct {
	Items []ImageSummary
}

// List lists images (docker images).
//
// API: GET /images/json
func (s *ImageService) List(ctx context.Context, opts ImageListOptions) (ImageListResult, error) {
	r, err := newRequest("ImageList")
	if err != nil {
		return ImageListResult{}, err
	}
	setBool(r.Query, "all", opts.All)
	setBool(r.Query, "digests", opts.Digests)
	if opts.SharedSize {
		r.Query.Set("shared-size", "1")
		need(r, "SharedSize", 42)
	}
	if opts.Manifests {
		r.Query.Set("manifests", "1")
		need(r, "Manifests", 47)
	}
	if opts.Identity {
		r.Query.Set("identity", "1")
		need(r, "Identity", 54)
	}
	setFilters(r.Query, opts.Filters)
	items, err := decode[[]ImageSummary](ctx, s.w, r)
	return ImageListResult{Items: items}, err
}

// ImageInspectOptions tune [ImageService.Inspect].
type ImageInspectOptions struct {
	Manifests bool      // fill Manifests (API 1.48)
	Platform  *Platform // inspect one platform of a multi-platform image (API 1.49)
}

// Inspect returns an image's low-level information. A missing image is an
// error matching both wire.ErrNotFound and ErrImageNotFound.
//
// API: GET /images/{name}/json
func (s *ImageService) Inspect(ctx context.Context, name string, opts ImageInspectOptions) (ImageInspectResult, error) {
	r, err := newRequest("ImageInspect", name)
	if err != nil {
		return ImageInspectResult{}, err
	}
	if opts.Manifests && opts.Platform != nil {
		return ImageInspectResult{}, argErr(r.Op, "Platform", opts.Platform.String(), "cannot be combined with Manifests")
	}
	if opts.Manifests {
		r.Query.Set("manifests", "1")
		need(r, "Manifests", 48)
	}
	if opts.Platform != nil {
		setPlatforms(r, []Platform{*opts.Platform}, 49)
	}
	res, err := decode[ImageInspectResult](ctx, s.w, r)
	return res, imageNotFound(err)
}

// ImageHistoryOptions tune [ImageService.History].
type ImageHistoryOptions struct {
	Platform *Platform // API 1.48
}

// ImageHistoryResult lists an image's layers, newest first.
type ImageHistoryResult struct {
	Items []ImageHistoryItem
}

// History returns an image's layers, newest first (docker history).
//
// API: GET /images/{name}/history
func (s *ImageService) History(ctx context.Context, name string, opts ImageHistoryOptions) (ImageHistoryResult, error) {
	r, err := newRequest("ImageHistory", name)
	if err != nil {
		return ImageHistoryResult{}, err
	}
	if opts.Platform != nil {
		setPlatforms(r, []Platform{*opts.Platform}, 48)
	}
	items, err := decode[[]ImageHistoryItem](ctx, s.w, r)
	return ImageHistoryResult{Items: items}, imageNotFound(err)
}

// ImageAttestationsOptions tune [ImageService.Attestations].
type ImageAttestationsOptions struct {
	Platform *Platform // the variant; nil means the daemon's platform
	Types    []string  // in-toto predicate type URIs; empty means all
	// Statement asks for each statement's verbatim body.
	Statement bool
}

// ImageAttestationsResult lists an image's in-toto statements.
type ImageAttestationsResult struct {
	Items []AttestationStatement
}

// Attestations returns the in-toto statements attached to an image. It
// needs API 1.55.
//
// API: GET /images/{name}/attestations
func (s *ImageService) Attestations(ctx context.Context, name string, opts ImageAttestationsOptions) (ImageAttestationsResult, error) {
	r, err := newRequest("ImageAttestations", name)
	if err != nil {
		return ImageAttestationsResult{}, err
	}
	if opts.Platform != nil {
		r.Query.Set("platform", opts.Platform.json())
	}
	for _, t := range opts.Types {
		r.Query.Add("type", t)
	}
	setBool(r.Query, "statement", opts.Statement)
	items, err := decode[[]AttestationStatement](ctx, s.w, r)
	return ImageAttestationsResult{Items: items}, imageNotFound(err)
}

// ImageTagOptions tune [ImageService.Tag]; there is nothing to tune yet.
type ImageTagOptions struct{}

// ImageTagResult is an empty answer; fields may be added.
type ImageTagResult struct{}

// Tag gives the image source the reference target ("repo" or "repo:tag";
// a missing tag means "latest", as the daemon has it).
//
// API: POST /images/{name}/tag
func (s *ImageService) Tag(ctx context.Context, source, target string, opts ImageTagOptions) (ImageTagResult, error) {
	r, err := newRequest("ImageTag", source)
	if err != nil {
		return ImageTagResult{}, err
	}
	if err := checkRepo(r.Op, "target", target); err != nil {
		return ImageTagResult{}, err
	}
	if strings.Contains(target, "@") {
		return ImageTagResult{}, argErr(r.Op, "target", target, "a tag target cannot hold a digest")
	}
	repo, tag := splitRef(target)
	r.Query.Set("repo", repo)
	setString(r.Query, "tag", tag)
	_, err = callNoContent(ctx, s.w, r)
	return ImageTagResult{}, imageNotFound(err)
}

// ImageDeleteOptions tune [ImageService.Delete].
type ImageDeleteOptions struct {
	Force     bool       // remove even if in use by stopped containers or tagged in several repos
	NoPrune   bool       // keep untagged parents
	Platforms []Platform // remove only these platforms' content (API 1.50)
}

// ImageDeleteResult reports what a delete untagged and deleted.
type ImageDeleteResult struct {
	Items []ImageDeleteItem
}

// Delete removes an image (docker rmi) and reports what was untagged and
// deleted.
//
// API: DELETE /images/{name}
func (s *ImageService) Delete(ctx context.Context, name string, opts ImageDeleteOptions) (ImageDeleteResult, error) {
	r, err := newRequest("ImageDelete", name)
	if err != nil {
		return ImageDeleteResult{}, err
	}
	setBool(r.Query, "force", opts.Force)
	setBool(r.Query, "noprune", opts.NoPrune)
	if len(opts.Platforms) > 0 {
		for _, pl := range opts.Platforms {
			r.Query.Add("platforms", pl.json())
		}
		need(r, "Platforms", 50)
	}
	items, err := decode[[]ImageDeleteItem](ctx, s.w, r)
	return ImageDeleteResult{Items: items}, imageNotFound(err)
}

// ImageSearchOptions tune [ImageService.Search].
type ImageSearchOptions struct {
	Limit int // 0 means the daemon's default (25)
	// Filters: is-official, stars (is-automated is always false since 1.44).
	Filters wire.Filters
	Auth    *AuthConfig // for the registry searched
}

// ImageSearchResult lists the hits of a search.
type ImageSearchResult struct {
	Items []ImageSearchItem
}

// Search searches a registry for images (docker search). term may name a
// registry ("127.0.0.1:5000/busybox"); the default one is Docker Hub's.
// A v2 registry (which has no search API) answers with the daemon's error.
//
// API: GET /images/search
func (s *ImageService) Search(ctx context.Context, term string, opts ImageSearchOptions) (ImageSearchResult, error) {
	r, err := newRequest("ImageSearch")
	if err != nil {
		return ImageSearchResult{}, err
	}
	if err := checkRef(r.Op, "term", term); err != nil {
		return ImageSearchResult{}, err
	}
	if opts.Limit < 0 {
		return ImageSearchResult{}, argErr(r.Op, "Limit", strconv.Itoa(opts.Limit), "must not be negative")
	}
	r.Query.Set("term", term)
	if opts.Limit > 0 {
		r.Query.Set("limit", strconv.Itoa(opts.Limit))
	}
	setFilters(r.Query, opts.Filters)
	if opts.Auth != nil {
		if err := setAuth(r, opts.Auth); err != nil {
			return ImageSearchResult{}, err
		}
	}
	items, err := decode[[]ImageSearchItem](ctx, s.w, r)
	return ImageSearchResult{Items: items}, err
}

// ImagePruneOptions tune [ImageService.Prune].
type ImagePruneOptions struct {
	// Filters: dangling (default true: only untagged images; "false" prunes
	// every unused image), until, label, label!.
	Filters wire.Filters
}

// ImagePruneResult is the report of [ImageService.Prune] (swagger:
// the ImagePrune response).
type ImagePruneResult struct {
	ImagesDeleted  []ImageDeleteItem
	SpaceReclaimed uint64
}

// Prune removes unused images.
//
// API: POST /images/prune
func (s *ImageService) Prune(ctx context.Context, opts ImagePruneOptions) (ImagePruneResult, error) {
	r, err := newRequest("ImagePrune")
	if err != nil {
		return ImagePruneResult{}, err
	}
	setFilters(r.Query, opts.Filters)
	return decode[ImagePruneResult](ctx, s.w, r)
}

// ImageCommitOptions tune [ImageService.Commit].
type ImageCommitOptions struct {
	Reference string   // "repo" or "repo:tag"; empty leaves the image untagged
	Comment   string   // the commit message
	Author    string   // "Name <email>"
	NoPause   bool     // do not pause the container while committing
	Changes   []string // Dockerfile instructions to apply ("CMD [\"sh\"]", "ENV A=b")
	// Config is the image's configuration; nil takes the container's.
	Config *ContainerConfig
}

// ImageCommitResult names the committed image (swagger: IDResponse).
type ImageCommitResult struct {
	ID string `json:"Id"`
}

// Commit creates an image from a container's changes (docker commit).
//
// API: POST /commit
func (s *ImageService) Commit(ctx context.Context, container string, opts ImageCommitOptions) (ImageCommitResult, error) {
	r, err := newRequest("ImageCommit")
	if err != nil {
		return ImageCommitResult{}, err
	}
	if _, err := segment(r.Op, "container", container); err != nil {
		return ImageCommitResult{}, err
	}
	r.Query.Set("container", container)
	if err := setRepoTag(r, "Reference", opts.Reference); err != nil {
		return ImageCommitResult{}, err
	}
	setString(r.Query, "comment", opts.Comment)
	setString(r.Query, "author", opts.Author)
	if opts.NoPause {
		r.Query.Set("pause", "0")
	}
	for _, c := range opts.Changes {
		r.Query.Add("changes", c)
	}
	var body any = struct{}{}
	if opts.Config != nil {
		body = opts.Config
	}
	if err := setJSON(r, body); err != nil {
		return ImageCommitResult{}, err
	}
	return decode[ImageCommitResult](ctx, s.w, r)
}

// ImageGetOptions tune [ImageService.Get].
type ImageGetOptions struct {
	// Platforms saves only these platforms of a multi-platform image: one
	// needs API 1.48, several 1.52. Empty saves them all.
	Platforms []Platform
}

// Get saves an image (by name or id) with its tags and layers as a tar
// stream (docker save). The caller must Close it; it is read as it comes, so
// memory stays flat however large the image.
//
// API: GET /images/{name}/get
func (s *ImageService) Get(ctx context.Context, name string, opts ImageGetOptions) (io.ReadCloser, error) {
	r, err := newRequest("ImageGet", name)
	if err != nil {
		return nil, err
	}
	return s.save(ctx, r, opts.Platforms)
}

// ImageGetFileResult is the archive [ImageService.GetFile] wrote.
type ImageGetFileResult struct {
	Size int64 // bytes written
}

// GetFile saves an image into the file at path, as docker save -o does
// (docker-py: writing image.save()'s chunks to a file): the archive streams
// to a temporary file beside path, renamed to path (mode 0644) once whole,
// so path holds a complete archive or is left as it was. Memory stays
// flat however large the image.
func (s *ImageService) GetFile(ctx context.Context, name, path string, opts ImageGetOptions) (ImageGetFileResult, error) {
	const op = "GetFile"
	if path == "" {
		return ImageGetFileResult{}, argErr(op, "path", "", "must not be empty")
	}
	rc, err := s.Get(ctx, name, opts)
	if err != nil {
		return ImageGetFileResult{}, err
	}
	defer rc.Close()
	n, err := writeFileAtomic(path, rc)
	if err != nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	if err != nil {
		return ImageGetFileResult{}, fmt.Errorf("endpoints: %s: %w", op, err)
	}
	return ImageGetFileResult{Size: n}, nil
}

// writeFileAtomic copies r into a temporary file beside path and renames
// it to path once r has ended; on an error the temporary file goes and
// path is untouched.
func writeFileAtomic(path string, r io.Reader) (int64, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(f, r)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return n, err
	}
	return n, nil
}

// ImageGetAllOptions tune [ImageService.GetAll].
type ImageGetAllOptions struct {
	// Platforms saves only these platforms of multi-platform images: one
	// needs API 1.48, several 1.52. Empty saves them all.
	Platforms []Platform
}

// GetAll saves several images (names or ids) into one tar stream. The
// caller must Close it.
//
// API: GET /images/get
func (s *ImageService) GetAll(ctx context.Context, names []string, opts ImageGetAllOptions) (io.ReadCloser, error) {
	r, err := newRequest("ImageGetAll")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, argErr(r.Op, "names", "", "must name at least one image")
	}
	for _, n := range names {
		if err := checkRef(r.Op, "names", n); err != nil {
			return nil, err
		}
		r.Query.Add("names", n)
	}
	return s.save(ctx, r, opts.Platforms)
}

func (s *ImageService) save(ctx context.Context, r *wire.Request, platforms []Platform) (io.ReadCloser, error) {
	setPlatforms(r, platforms, 48)
	r.NoTimeout = true // the daemon writes nothing until it has exported the layers
	resp, err := send(ctx, s.w, r)
	if err != nil {
		return nil, imageNotFound(err)
	}
	return resp.Body, nil
}
