package endpoints

import (
	"context"
	"encoding/json"
	"io"
	"net/url"
	"strings"
)

// ImageLoadOptions tune [ImageService.Load].
type ImageLoadOptions struct {
	Quiet     bool       // no progress records, only the loaded names
	Platforms []Platform // load only these platforms (1: API 1.48, several: 1.52)
	Progress  ProgressFunc
}

// ImageLoadResult lists what [ImageService.Load] loaded: the references it
// tagged ("busybox:dockwire") and, for untagged images, their ids
// ("sha256:...").
type ImageLoadResult struct {
	Images []string
}

// Load loads images from a tar stream made by save (docker load); r is read
// as it is sent. The loaded names are taken from the daemon's "Loaded image:"
// and "Loaded image ID:" lines.
//
// API: POST /images/load
func (s *ImageService) Load(ctx context.Context, r io.Reader, opts ImageLoadOptions) (ImageLoadResult, error) {
	rq, err := newRequest("ImageLoad")
	if err != nil {
		return ImageLoadResult{}, err
	}
	if r == nil {
		return ImageLoadResult{}, argErr(rq.Op, "r", "", "must not be nil")
	}
	setStream(rq, "application/x-tar", r)
	rq.NoTimeout = true
	if opts.Quiet {
		rq.Query.Set("quiet", "1")
	} else {
		rq.Query.Set("quiet", "0")
	}
	setPlatforms(rq, opts.Platforms, 48)
	resp, err := send(ctx, s.w, rq)
	if err != nil {
		return ImageLoadResult{}, err
	}
	var res ImageLoadResult
	_, err = readProgress(ctx, resp, func(p Progress) {
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
	return res, streamErr(rq.Op, "", err)
}

// ImagePullOptions tune [ImageService.Pull].
type ImagePullOptions struct {
	// AllTags pulls every tag of the repository; without it a reference
	// with no tag or digest pulls "latest".
	AllTags  bool
	Platform string // "os/arch[/variant]" (API 1.32)
	Auth     *AuthConfig
	Progress ProgressFunc
}

// ImagePullResult is the outcome of a pull: the last status line ("Status:
// Downloaded newer image for ...") and the digest it reported.
type ImagePullResult struct {
	Status string
	Digest string
}

// Pull pulls an image by name, tag or digest (docker pull). A registry that
// cannot be reached, refuses the credentials or lacks the image gives the
// daemon's error: a *wire.Error when the daemon fails before streaming, a
// *wire.StreamError (wrapped) when it fails midway.
//
// API: POST /images/create
func (s *ImageService) Pull(ctx context.Context, ref string, opts ImagePullOptions) (ImagePullResult, error) {
	r, err := newRequest("ImageCreate")
	if err != nil {
		return ImagePullResult{}, err
	}
	if err := checkRepo(r.Op, "ref", ref); err != nil {
		return ImagePullResult{}, err
	}
	repo, tag := splitRef(ref)
	if repo == "" {
		return ImagePullResult{}, argErr(r.Op, "ref", ref, "has no repository")
	}
	if opts.AllTags && tag != "" {
		return ImagePullResult{}, argErr(r.Op, "ref", ref, "AllTags pulls a repository: it must have no tag or digest")
	}
	if tag == "" && !opts.AllTags {
		tag = "latest"
	}
	r.Query.Set("fromImage", repo)
	setString(r.Query, "tag", tag)
	if opts.Platform != "" {
		r.Query.Set("platform", opts.Platform)
		need(r, "Platform", 32)
	}
	if err := setAuth(r, opts.Auth); err != nil {
		return ImagePullResult{}, err
	}
	r.NoTimeout = true
	resp, err := send(ctx, s.w, r)
	if err != nil {
		return ImagePullResult{}, err
	}
	var res ImagePullResult
	_, err = readProgress(ctx, resp, func(p Progress) {
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
	return res, streamErr(r.Op, ref, err)
}

// ImageImportOptions tune [ImageService.Import].
type ImageImportOptions struct {
	Reference string   // "repo" or "repo:tag" for the new image; empty leaves it untagged
	Message   string   // the commit message
	Changes   []string // Dockerfile instructions to apply ("CMD [\"sh\"]")
	Platform  string   // "os/arch" of the image (API 1.32)
	// URL, with a nil archive, is where the daemon fetches the root
	// filesystem tar from itself (http or https; docker import URL,
	// docker-py's import_image(src=url)).
	URL      string
	Progress ProgressFunc
}

// ImageImportResult names the imported image.
type ImageImportResult struct {
	ID string // "sha256:..."
}

// Import creates an image from a root filesystem tar stream (docker import
// -), or, with r nil and opts.URL, from the tar the daemon fetches at that
// URL: the same operation as [ImageService.Pull], POST /images/create,
// with fromSrc set to "-" (r is the body) or to the URL.
//
// docker-py's import_image(image=name) sends fromImage instead, which
// daemons serve as a pull of name: that is [ImageService.Pull].
func (s *ImageService) Import(ctx context.Context, r io.Reader, opts ImageImportOptions) (ImageImportResult, error) {
	rq, err := newRequest("ImageCreate")
	if err != nil {
		return ImageImportResult{}, err
	}
	switch {
	case r != nil && opts.URL != "":
		return ImageImportResult{}, argErr(rq.Op, "URL", opts.URL, "conflicts with an archive: give one")
	case opts.URL != "":
		u, err := url.Parse(opts.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return ImageImportResult{}, &ArgError{Op: rq.Op, Field: "URL", Value: opts.URL, Reason: "want an http or https URL", Err: err}
		}
		rq.Query.Set("fromSrc", opts.URL)
	case r == nil:
		return ImageImportResult{}, argErr(rq.Op, "r", "", "must not be nil without a URL")
	default:
		rq.Query.Set("fromSrc", "-")
	}
	if err := setRepoTag(rq, "Reference", opts.Reference); err != nil {
		return ImageImportResult{}, err
	}
	setString(rq.Query, "message", opts.Message)
	for _, c := range opts.Changes {
		rq.Query.Add("changes", c)
	}
	if opts.Platform != "" {
		rq.Query.Set("platform", opts.Platform)
		need(rq, "Platform", 32)
	}
	if r != nil {
		setStream(rq, "application/x-tar", r)
	}
	rq.NoTimeout = true
	resp, err := send(ctx, s.w, rq)
	if err != nil {
		return ImageImportResult{}, err
	}
	var res ImageImportResult
	_, err = readProgress(ctx, resp, func(p Progress) {
		// dockerd names the image in the status alone, podman in the
		// id as well.
		if strings.HasPrefix(p.Status, "sha256:") && (p.ID == "" || p.ID == p.Status) {
			res.ID = strings.TrimSpace(p.Status)
		}
		if opts.Progress != nil {
			opts.Progress(p)
		}
	})
	return res, streamErr(rq.Op, "import", err)
}

// ImagePushOptions tune [ImageService.Push].
type ImagePushOptions struct {
	// All pushes every tag of the repository (a name without tag);
	// without it a name with no tag pushes "latest".
	All      bool
	Platform *Platform // push one platform of a multi-platform image (API 1.46)
	Auth     *AuthConfig
	Progress ProgressFunc
}

// ImagePushResult is what the daemon reported about the pushed manifest
// (the push's aux record; the last one with All).
type ImagePushResult struct {
	Tag    string
	Digest string
	Size   int64
}

// Push pushes an image to its registry (docker push). ref names the image
// ("127.0.0.1:5000/a/b:tag").
//
// API: POST /images/{name}/push
func (s *ImageService) Push(ctx context.Context, ref string, opts ImagePushOptions) (ImagePushResult, error) {
	const op = "ImagePush"
	if err := checkRepo(op, "ref", ref); err != nil {
		return ImagePushResult{}, err
	}
	if strings.Contains(ref, "@") {
		return ImagePushResult{}, argErr(op, "ref", ref, "cannot push by digest")
	}
	repo, tag := splitRef(ref)
	if opts.All && tag != "" {
		return ImagePushResult{}, argErr(op, "ref", ref, "All pushes a repository: it must have no tag")
	}
	if tag == "" && !opts.All {
		tag = "latest"
	}
	r, err := newRequest("ImagePush", repo)
	if err != nil {
		return ImagePushResult{}, err
	}
	setString(r.Query, "tag", tag)
	if opts.Platform != nil {
		setPlatforms(r, []Platform{*opts.Platform}, 46)
	}
	if err := setAuth(r, opts.Auth); err != nil {
		return ImagePushResult{}, err
	}
	r.NoTimeout = true
	resp, err := send(ctx, s.w, r)
	if err != nil {
		return ImagePushResult{}, imageNotFound(err)
	}
	run, err := readProgress(ctx, resp, opts.Progress)
	var res ImagePushResult
	if run != nil {
		for _, a := range run.aux {
			var x ImagePushResult
			if json.Unmarshal(a, &x) == nil && x.Digest != "" {
				res = x
			}
		}
	}
	return res, streamErr(op, ref, err)
}
