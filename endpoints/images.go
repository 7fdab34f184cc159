package endpoints

import (
	"context"
	"encoding/json"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/dockwire/dockwire/wire"
)

// ImageService holds the Image operations (list, inspect, pull, push, build,
// save, load, ...) and conveniences built on them (BuildDir,
// BuildDockerfile, Import).
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

// NewImages returns the Image operations over w.
func NewImages(w *wire.Client) *ImageService { return &ImageService{w: w} }

// authHeader encodes a for X-Registry-Auth; nil sends an empty config ("{}"),
// which daemons that insist on the header (push) accept.
func authHeader(a *AuthConfig) (wire.Header, error) {
	var v any = struct{}{}
	if a != nil {
		v = a
	}
	enc, err := wire.EncodeAuth(v)
	if err != nil {
		return nil, err
	}
	return wire.Header{"X-Registry-Auth": {enc}}, nil
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

func platformsParam(op string, r *wire.Request, ps []Platform, first int) {
	for _, p := range ps {
		r.Query.Add("platform", p.json())
	}
	if len(ps) > 0 {
		r.Requires = append(r.Requires, wire.Requirement{What: op + ": Platform", Version: v(first)})
	}
	if len(ps) > 1 {
		r.Requires = append(r.Requires, wire.Requirement{What: op + ": several Platforms", Version: v(52)})
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

// List lists images (docker images).
//
// API: GET /images/json
func (s *ImageService) List(ctx context.Context, opts ImageListOptions) ([]ImageSummary, error) {
	r := req("GET", "/images/json", "ImageList")
	boolParam(r.Query, "all", opts.All)
	boolParam(r.Query, "digests", opts.Digests)
	if opts.SharedSize {
		r.Query.Set("shared-size", "1")
		r.Requires = append(r.Requires, wire.Requirement{What: "ImageList: SharedSize", Version: v(42)})
	}
	if opts.Manifests {
		r.Query.Set("manifests", "1")
		r.Requires = append(r.Requires, wire.Requirement{What: "ImageList: Manifests", Version: v(47)})
	}
	if opts.Identity {
		r.Query.Set("identity", "1")
		r.Requires = append(r.Requires, wire.Requirement{What: "ImageList: Identity", Version: v(54)})
	}
	if f := opts.Filters.Encode(); f != "" {
		r.Query.Set("filters", f)
	}
	var out []ImageSummary
	err := call(ctx, s.w, r, &out)
	return out, err
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
func (s *ImageService) Inspect(ctx context.Context, name string, opts ImageInspectOptions) (ImageInspect, error) {
	const op = "ImageInspect"
	p, err := idPath(op, "/images/", name, "/json")
	if err != nil {
		return ImageInspect{}, err
	}
	if opts.Manifests && opts.Platform != nil {
		return ImageInspect{}, argErr(op, "Platform", opts.Platform.String(), "cannot be combined with Manifests")
	}
	r := req("GET", p, op)
	if opts.Manifests {
		r.Query.Set("manifests", "1")
		r.Requires = append(r.Requires, wire.Requirement{What: op + ": Manifests", Version: v(48)})
	}
	if opts.Platform != nil {
		platformsParam(op, r, []Platform{*opts.Platform}, 49)
	}
	var out ImageInspect
	err = call(ctx, s.w, r, &out)
	return out, imageNotFound(err)
}

// HistoryOptions tune [ImageService.History].
type HistoryOptions struct {
	Platform *Platform // API 1.48
}

// History returns an image's layers, newest first (docker history).
//
// API: GET /images/{name}/history
func (s *ImageService) History(ctx context.Context, name string, opts HistoryOptions) ([]HistoryItem, error) {
	const op = "ImageHistory"
	r, err := objectRequest(op, "GET", "/images/", name, "/history", wire.Version{})
	if err != nil {
		return nil, err
	}
	if opts.Platform != nil {
		platformsParam(op, r, []Platform{*opts.Platform}, 48)
	}
	var out []HistoryItem
	err = call(ctx, s.w, r, &out)
	return out, imageNotFound(err)
}

// AttestationsOptions tune [ImageService.Attestations].
type AttestationsOptions struct {
	Platform *Platform // the variant; nil means the daemon's platform
	Types    []string  // in-toto predicate type URIs; empty means all
	// Statement asks for each statement's verbatim body.
	Statement bool
}

// Attestations returns the in-toto statements attached to an image. It
// needs API 1.55.
//
// API: GET /images/{name}/attestations
func (s *ImageService) Attestations(ctx context.Context, name string, opts AttestationsOptions) ([]AttestationStatement, error) {
	const op = "ImageAttestations"
	r, err := objectRequest(op, "GET", "/images/", name, "/attestations", wire.Version{})
	if err != nil {
		return nil, err
	}
	r.MinVersion = v(55)
	if opts.Platform != nil {
		r.Query.Set("platform", opts.Platform.json())
	}
	for _, t := range opts.Types {
		r.Query.Add("type", t)
	}
	boolParam(r.Query, "statement", opts.Statement)
	var out []AttestationStatement
	err = call(ctx, s.w, r, &out)
	return out, imageNotFound(err)
}

// Tag gives the image source the reference target ("repo" or "repo:tag";
// a missing tag means "latest", as the daemon has it).
//
// API: POST /images/{name}/tag
func (s *ImageService) Tag(ctx context.Context, source, target string) error {
	const op = "ImageTag"
	p, err := idPath(op, "/images/", source, "/tag")
	if err != nil {
		return err
	}
	if err := checkRepo(op, "target", target); err != nil {
		return err
	}
	repo, tag := splitRef(target)
	if strings.Contains(target, "@") {
		return argErr(op, "target", target, "a tag target cannot hold a digest")
	}
	r := req("POST", p, op)
	r.Query.Set("repo", repo)
	if tag != "" {
		r.Query.Set("tag", tag)
	}
	return imageNotFound(call(ctx, s.w, r, nil))
}

// ImageDeleteOptions tune [ImageService.Delete].
type ImageDeleteOptions struct {
	Force     bool       // remove even if in use by stopped containers or tagged in several repos
	NoPrune   bool       // keep untagged parents
	Platforms []Platform // remove only these platforms' content (API 1.50)
}

// Delete removes an image (docker rmi) and reports what was untagged and
// deleted.
//
// API: DELETE /images/{name}
func (s *ImageService) Delete(ctx context.Context, name string, opts ImageDeleteOptions) ([]ImageDeleteItem, error) {
	const op = "ImageDelete"
	r, err := objectRequest(op, "DELETE", "/images/", name, "", wire.Version{})
	if err != nil {
		return nil, err
	}
	boolParam(r.Query, "force", opts.Force)
	boolParam(r.Query, "noprune", opts.NoPrune)
	if len(opts.Platforms) > 0 {
		for _, pl := range opts.Platforms {
			r.Query.Add("platforms", pl.json())
		}
		r.Requires = append(r.Requires, wire.Requirement{What: op + ": Platforms", Version: v(50)})
	}
	var out []ImageDeleteItem
	err = call(ctx, s.w, r, &out)
	return out, imageNotFound(err)
}

// SearchOptions tune [ImageService.Search].
type SearchOptions struct {
	Limit int // 0 means the daemon's default (25)
	// Filters: is-official, stars (is-automated is always false since 1.44).
	Filters wire.Filters
	Auth    *AuthConfig // for the registry searched
}

// Search searches a registry for images (docker search). term may name a
// registry ("127.0.0.1:5000/busybox"); the default one is Docker Hub's.
// A v2 registry (which has no search API) answers with the daemon's error.
//
// API: GET /images/search
func (s *ImageService) Search(ctx context.Context, term string, opts SearchOptions) ([]ImageSearchResult, error) {
	const op = "ImageSearch"
	if err := checkRef(op, "term", term); err != nil {
		return nil, err
	}
	if opts.Limit < 0 {
		return nil, argErr(op, "Limit", strconv.Itoa(opts.Limit), "must not be negative")
	}
	r := req("GET", "/images/search", op)
	r.Query.Set("term", term)
	if opts.Limit > 0 {
		r.Query.Set("limit", strconv.Itoa(opts.Limit))
	}
	if f := opts.Filters.Encode(); f != "" {
		r.Query.Set("filters", f)
	}
	if opts.Auth != nil {
		h, err := authHeader(opts.Auth)
		if err != nil {
			return nil, err
		}
		r.Header = h
	}
	var out []ImageSearchResult
	err := call(ctx, s.w, r, &out)
	return out, err
}

// ImagePruneOptions tune [ImageService.Prune].
type ImagePruneOptions struct {
	// Filters: dangling (default true: only untagged images; "false" prunes
	// every unused image), until, label, label!.
	Filters wire.Filters
}

// Prune removes unused images.
//
// API: POST /images/prune
func (s *ImageService) Prune(ctx context.Context, opts ImagePruneOptions) (ImagePruneResult, error) {
	return doJSON[ImagePruneResult](ctx, s.w, filterRequest("ImagePrune", "POST", "/images/prune", opts.Filters, wire.Version{}))
}

// CommitOptions tune [ImageService.Commit].
type CommitOptions struct {
	Reference string   // "repo" or "repo:tag"; empty leaves the image untagged
	Comment   string   // the commit message
	Author    string   // "Name <email>"
	NoPause   bool     // do not pause the container while committing
	Changes   []string // Dockerfile instructions to apply ("CMD [\"sh\"]", "ENV A=b")
	// Config is the image's configuration; nil takes the container's.
	Config *ContainerConfig
}

// CommitResult names the committed image (swagger: IDResponse).
type CommitResult struct {
	ID string `json:"Id"`
}

// Commit creates an image from a container's changes (docker commit).
//
// API: POST /commit
func (s *ImageService) Commit(ctx context.Context, container string, opts CommitOptions) (CommitResult, error) {
	const op = "ImageCommit"
	if _, err := segment(op, "container", container); err != nil {
		return CommitResult{}, err
	}
	var r *wire.Request
	var err error
	if opts.Config != nil {
		r, err = wire.JSONRequest("POST", "/commit", opts.Config)
	} else {
		r, err = wire.JSONRequest("POST", "/commit", struct{}{})
	}
	if err != nil {
		return CommitResult{}, err
	}
	r.Op = op
	r.Query = url.Values{"container": {container}}
	if opts.Reference != "" {
		if err := checkRepo(op, "Reference", opts.Reference); err != nil {
			return CommitResult{}, err
		}
		repo, tag := splitRef(opts.Reference)
		r.Query.Set("repo", repo)
		if tag != "" {
			r.Query.Set("tag", tag)
		}
	}
	if opts.Comment != "" {
		r.Query.Set("comment", opts.Comment)
	}
	if opts.Author != "" {
		r.Query.Set("author", opts.Author)
	}
	if opts.NoPause {
		r.Query.Set("pause", "0")
	}
	for _, c := range opts.Changes {
		r.Query.Add("changes", c)
	}
	var out CommitResult
	err = call(ctx, s.w, r, &out)
	return out, err
}

// SaveOptions tune [ImageService.Get] and [ImageService.GetAll].
type SaveOptions struct {
	// Platforms saves only these platforms of a multi-platform image: one
	// needs API 1.48, several 1.52. Empty saves them all.
	Platforms []Platform
}

func (s *ImageService) save(ctx context.Context, r *wire.Request, opts SaveOptions) (io.ReadCloser, error) {
	platformsParam(r.Op, r, opts.Platforms, 48)
	r.NoTimeout = true // the daemon writes nothing until it has exported the layers
	resp, err := send(ctx, s.w, r)
	if err != nil {
		return nil, imageNotFound(err)
	}
	return resp.Body, nil
}

// Get saves an image (by name or id) with its tags and layers as a tar
// stream (docker save). The caller must Close it; it is read as it comes, so
// memory stays flat however large the image.
//
// API: GET /images/{name}/get
func (s *ImageService) Get(ctx context.Context, name string, opts SaveOptions) (io.ReadCloser, error) {
	const op = "ImageGet"
	p, err := idPath(op, "/images/", name, "/get")
	if err != nil {
		return nil, err
	}
	return s.save(ctx, req("GET", p, op), opts)
}

// GetAll saves several images (names or ids) into one tar stream. The
// caller must Close it.
//
// API: GET /images/get
func (s *ImageService) GetAll(ctx context.Context, names []string, opts SaveOptions) (io.ReadCloser, error) {
	const op = "ImageGetAll"
	if len(names) == 0 {
		return nil, argErr(op, "names", "", "must name at least one image")
	}
	r := req("GET", "/images/get", op)
	for _, n := range names {
		if err := checkRef(op, "names", n); err != nil {
			return nil, err
		}
		r.Query.Add("names", n)
	}
	return s.save(ctx, r, opts)
}

// LoadOptions tune [ImageService.Load].
type LoadOptions struct {
	Quiet     bool       // no progress records, only the loaded names
	Platforms []Platform // load only these platforms (1: API 1.48, several: 1.52)
	Progress  ProgressFunc
}

// LoadResult lists what [ImageService.Load] loaded: the references it
// tagged ("busybox:dockwire") and, for untagged images, their ids
// ("sha256:...").
type LoadResult struct {
	Images []string
}

// Load loads images from a tar stream made by save (docker load); r is read
// as it is sent. The loaded names are taken from the daemon's "Loaded image:"
// and "Loaded image ID:" lines.
//
// API: POST /images/load
func (s *ImageService) Load(ctx context.Context, r io.Reader, opts LoadOptions) (LoadResult, error) {
	const op = "ImageLoad"
	if r == nil {
		return LoadResult{}, argErr(op, "r", "", "must not be nil")
	}
	rq := req("POST", "/images/load", op)
	rq.Header = wire.Header{"Content-Type": {"application/x-tar"}}
	rq.Body, rq.ContentLength = r, -1
	rq.NoTimeout = true
	if opts.Quiet {
		rq.Query.Set("quiet", "1")
	} else {
		rq.Query.Set("quiet", "0")
	}
	platformsParam(op, rq, opts.Platforms, 48)
	resp, err := send(ctx, s.w, rq)
	if err != nil {
		return LoadResult{}, err
	}
	var res LoadResult
	_, err = s.runProgress(ctx, resp, func(p Progress) {
		for _, line := range strings.Split(p.Stream+p.Status, "\n") {
			line = strings.TrimSpace(line)
			if n, ok := strings.CutPrefix(line, "Loaded image ID: "); ok {
				res.Images = append(res.Images, strings.TrimSpace(n))
			} else if n, ok := strings.CutPrefix(line, "Loaded image: "); ok {
				res.Images = append(res.Images, strings.TrimSpace(n))
			}
		}
		if opts.Progress != nil {
			opts.Progress(p)
		}
	})
	return res, streamErr(op, "", err)
}

// PullOptions tune [ImageService.Pull].
type PullOptions struct {
	// AllTags pulls every tag of the repository; without it a reference
	// with no tag or digest pulls "latest".
	AllTags  bool
	Platform string // "os/arch[/variant]" (API 1.32)
	Auth     *AuthConfig
	Progress ProgressFunc
}

// PullResult is the outcome of a pull: the last status line ("Status:
// Downloaded newer image for ...") and the digest it reported.
type PullResult struct {
	Status string
	Digest string
}

// Pull pulls an image by name, tag or digest (docker pull). A registry that
// cannot be reached, refuses the credentials or lacks the image gives the
// daemon's error: a *wire.Error when the daemon fails before streaming, a
// *wire.StreamError (wrapped) when it fails midway.
//
// API: POST /images/create
func (s *ImageService) Pull(ctx context.Context, ref string, opts PullOptions) (PullResult, error) {
	const op = "ImageCreate"
	if err := checkRepo(op, "ref", ref); err != nil {
		return PullResult{}, err
	}
	repo, tag := splitRef(ref)
	if repo == "" {
		return PullResult{}, argErr(op, "ref", ref, "has no repository")
	}
	if opts.AllTags && tag != "" {
		return PullResult{}, argErr(op, "ref", ref, "AllTags pulls a repository: it must have no tag or digest")
	}
	if tag == "" && !opts.AllTags {
		tag = "latest"
	}
	r := req("POST", "/images/create", op)
	r.Query.Set("fromImage", repo)
	if tag != "" {
		r.Query.Set("tag", tag)
	}
	if opts.Platform != "" {
		r.Query.Set("platform", opts.Platform)
		r.Requires = append(r.Requires, wire.Requirement{What: op + ": Platform", Version: v(32)})
	}
	h, err := authHeader(opts.Auth)
	if err != nil {
		return PullResult{}, err
	}
	r.Header = h
	r.NoTimeout = true
	resp, err := send(ctx, s.w, r)
	if err != nil {
		return PullResult{}, err
	}
	var res PullResult
	_, err = s.runProgress(ctx, resp, func(p Progress) {
		if p.ID == "" && p.Status != "" {
			if d, ok := strings.CutPrefix(p.Status, "Digest: "); ok {
				res.Digest = d
			} else {
				res.Status = p.Status
			}
		}
		if opts.Progress != nil {
			opts.Progress(p)
		}
	})
	return res, streamErr(op, ref, err)
}

// ImportOptions tune [ImageService.Import].
type ImportOptions struct {
	Reference string   // "repo" or "repo:tag" for the new image; empty leaves it untagged
	Message   string   // the commit message
	Changes   []string // Dockerfile instructions to apply ("CMD [\"sh\"]")
	Platform  string   // "os/arch" of the image (API 1.32)
	Progress  ProgressFunc
}

// ImportResult names the imported image.
type ImportResult struct {
	ID string // "sha256:..."
}

// Import creates an image from a root filesystem tar stream (docker import
// -): the same operation as [ImageService.Pull], POST /images/create, with
// fromSrc=- and r as the body.
func (s *ImageService) Import(ctx context.Context, r io.Reader, opts ImportOptions) (ImportResult, error) {
	const op = "ImageCreate"
	if r == nil {
		return ImportResult{}, argErr(op, "r", "", "must not be nil")
	}
	rq := req("POST", "/images/create", op)
	rq.Query.Set("fromSrc", "-")
	if opts.Reference != "" {
		if err := checkRepo(op, "Reference", opts.Reference); err != nil {
			return ImportResult{}, err
		}
		repo, tag := splitRef(opts.Reference)
		rq.Query.Set("repo", repo)
		if tag != "" {
			rq.Query.Set("tag", tag)
		}
	}
	if opts.Message != "" {
		rq.Query.Set("message", opts.Message)
	}
	for _, c := range opts.Changes {
		rq.Query.Add("changes", c)
	}
	if opts.Platform != "" {
		rq.Query.Set("platform", opts.Platform)
		rq.Requires = append(rq.Requires, wire.Requirement{What: op + ": Platform", Version: v(32)})
	}
	rq.Header = wire.Header{"Content-Type": {"application/x-tar"}}
	rq.Body, rq.ContentLength = r, -1
	rq.NoTimeout = true
	resp, err := send(ctx, s.w, rq)
	if err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	_, err = s.runProgress(ctx, resp, func(p Progress) {
		if p.ID == "" && strings.HasPrefix(p.Status, "sha256:") {
			res.ID = strings.TrimSpace(p.Status)
		}
		if opts.Progress != nil {
			opts.Progress(p)
		}
	})
	return res, streamErr(op, "import", err)
}

// PushOptions tune [ImageService.Push].
type PushOptions struct {
	// All pushes every tag of the repository (a name without tag);
	// without it a name with no tag pushes "latest".
	All      bool
	Platform *Platform // push one platform of a multi-platform image (API 1.46)
	Auth     *AuthConfig
	Progress ProgressFunc
}

// PushResult is what the daemon reported about the pushed manifest (the
// push's aux record; the last one with All).
type PushResult struct {
	Tag    string
	Digest string
	Size   int64
}

// Push pushes an image to its registry (docker push). ref names the image
// ("127.0.0.1:5000/a/b:tag").
//
// API: POST /images/{name}/push
func (s *ImageService) Push(ctx context.Context, ref string, opts PushOptions) (PushResult, error) {
	const op = "ImagePush"
	if err := checkRepo(op, "ref", ref); err != nil {
		return PushResult{}, err
	}
	if strings.Contains(ref, "@") {
		return PushResult{}, argErr(op, "ref", ref, "cannot push by digest")
	}
	repo, tag := splitRef(ref)
	if opts.All && tag != "" {
		return PushResult{}, argErr(op, "ref", ref, "All pushes a repository: it must have no tag")
	}
	if tag == "" && !opts.All {
		tag = "latest"
	}
	r, err := objectRequest(op, "POST", "/images/", repo, "/push", wire.Version{})
	if err != nil {
		return PushResult{}, err
	}
	if tag != "" {
		r.Query.Set("tag", tag)
	}
	if opts.Platform != nil {
		platformsParam(op, r, []Platform{*opts.Platform}, 46)
	}
	h, err := authHeader(opts.Auth)
	if err != nil {
		return PushResult{}, err
	}
	r.Header = h
	r.NoTimeout = true
	resp, err := send(ctx, s.w, r)
	if err != nil {
		return PushResult{}, imageNotFound(err)
	}
	run, err := s.runProgress(ctx, resp, opts.Progress)
	var res PushResult
	if run != nil {
		for _, a := range run.aux {
			var x PushResult
			if json.Unmarshal(a, &x) == nil && x.Digest != "" {
				res = x
			}
		}
	}
	return res, streamErr(op, ref, err)
}
