package endpoints

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dockwire/dockwire/internal/digest"
	"github.com/dockwire/dockwire/tarstream"
	"github.com/dockwire/dockwire/wire"
)

// ImageBuildOptions tune [ImageService.Build] and its conveniences. The zero
// value builds ./Dockerfile of the context, untagged, with the daemon's
// defaults (intermediate containers removed after a successful build).
type ImageBuildOptions struct {
	// Dockerfile is the Dockerfile's path inside the context (default
	// "Dockerfile"). For BuildDir it may also be a path outside the
	// directory, as with docker build -f.
	Dockerfile   string
	Tags         []string          // "repo:tag" names for the image
	BuildArgs    map[string]string // ARG values
	Labels       map[string]string // labels of the image
	Target       string            // the stage to build
	Platform     string            // "os/arch[/variant]"
	NetworkMode  string            // network of the RUN steps: "bridge", "host", "none", a network name
	ExtraHosts   []string          // "host:ip" lines added to /etc/hosts
	CacheFrom    []string          // images to take cache from
	NoCache      bool
	Pull         bool // always try to pull a newer base image
	Quiet        bool // only the image id in the output
	NoRemove     bool // keep intermediate containers after a successful build (rm=0)
	ForceRemove  bool // remove intermediate containers even after a failure
	Squash       bool // squash the new layers into one (experimental daemons)
	Isolation    string
	CgroupParent string
	ShmSize      int64 // bytes of /dev/shm
	Memory       int64 // bytes
	MemorySwap   int64 // bytes; -1 unlimited
	CPUShares    int64
	CPUSetCPUs   string
	CPUSetMems   string
	CPUPeriod    int64
	CPUQuota     int64
	// Remote is a context URL (a git repository, a tarball or a Dockerfile
	// over HTTP) for Build with a nil context.
	Remote string
	// Compress gzips the context on the way (the daemon detects it), for
	// slow links to a remote daemon.
	Compress bool
	// AuthConfigs are the registries' credentials the build may need for
	// its FROM images, keyed by registry ("127.0.0.1:5000",
	// "https://index.docker.io/v1/"); sent as X-Registry-Config.
	AuthConfigs map[string]AuthConfig
	// Config, when set, adds what docker-py takes from config.json: its
	// default proxies as build args (BuildArgs win over them), and, when
	// AuthConfigs is nil, the credentials of every registry it knows.
	Config   *ConfigFile
	Progress ProgressFunc
	// Version is the builder: "" or "1", the classic builder, the only one
	// spoken here; "2" (BuildKit) is refused with ErrBuildKit, as BuildKit
	// builds need a session (gRPC over /session) dockwire does not speak.
	Version string
	// Outputs are BuildKit exporters ({Type: "moby", Attrs: ...}); the
	// classic builder has none and daemons ignore them, so any is refused
	// with ErrBuildKit rather than built without them.
	Outputs []BuildOutput
}

// BuildOutput is a BuildKit exporter of a build (the outputs parameter).
type BuildOutput struct {
	Type  string
	Attrs map[string]string `json:",omitempty"`
}

// ErrBuildKit is matched by the error of a build that needs BuildKit
// (ImageBuildOptions.Version "2", or Outputs): dockwire speaks the classic
// builder's protocol only, and BuildKit's needs a session. Such a build is
// refused before any I/O, never run by the classic builder instead. The
// error is an *ArgError too.
var ErrBuildKit = errors.New("BuildKit builds need a session, which dockwire does not speak: use the classic builder (Version \"\" or \"1\")")

// ImageBuildResult is a successful build: the image id and the build's output
// (its last 64 KiB).
type ImageBuildResult struct {
	ID  string
	Log string
}

// BuildError is a build that failed in-band: a step returned non-zero, a
// FROM image is missing, an instruction is invalid (docker-py's
// BuildError). Log holds the output up to the failure (its last 64 KiB),
// with the failing step's own output. It unwraps to the *wire.StreamError.
type BuildError struct {
	Message string // the daemon's error message
	Code    int    // the failing step's exit code when the daemon gives it
	Log     string
	Err     error
}

func (e *BuildError) Error() string { return "endpoints: build failed: " + e.Message }

// Unwrap returns the underlying stream error.
func (e *BuildError) Unwrap() error { return e.Err }

// buildQuery fills the query of POST /build.
func buildQuery(r *wire.Request, o *ImageBuildOptions) error {
	op := r.Op
	q := r.Query
	switch o.Version {
	case "":
	case "1":
		q.Set("version", "1")
	case "2":
		return &ArgError{Op: op, Field: "Version", Value: o.Version, Reason: "BuildKit", Err: ErrBuildKit}
	default:
		return argErr(op, "Version", o.Version, `want "1" (the classic builder) or "2" (BuildKit)`)
	}
	if len(o.Outputs) > 0 {
		return &ArgError{Op: op, Field: "Outputs", Value: o.Outputs[0].Type, Reason: "outputs are BuildKit exporters", Err: ErrBuildKit}
	}
	if o.Dockerfile != "" {
		q.Set("dockerfile", filepath.ToSlash(o.Dockerfile))
	}
	for _, t := range o.Tags {
		if err := checkRepo(op, "Tags", t); err != nil {
			return err
		}
		q.Add("t", t)
	}
	args := map[string]string{}
	if o.Config != nil {
		for _, kv := range o.Config.ProxyEnv("") {
			k, v, _ := strings.Cut(kv, "=")
			args[k] = v
		}
	}
	for k, v := range o.BuildArgs {
		args[k] = v
	}
	if len(args) > 0 {
		b, _ := json.Marshal(args)
		q.Set("buildargs", string(b))
	}
	if len(o.Labels) > 0 {
		b, _ := json.Marshal(o.Labels)
		q.Set("labels", string(b))
	}
	if len(o.CacheFrom) > 0 {
		b, _ := json.Marshal(o.CacheFrom)
		q.Set("cachefrom", string(b))
	}
	for _, h := range o.ExtraHosts {
		q.Add("extrahosts", h)
	}
	setString(q, "target", o.Target)
	setString(q, "platform", o.Platform)
	setString(q, "networkmode", o.NetworkMode)
	setString(q, "isolation", o.Isolation)
	setString(q, "cgroupparent", o.CgroupParent)
	setString(q, "cpusetcpus", o.CPUSetCPUs)
	setString(q, "cpusetmems", o.CPUSetMems)
	setString(q, "remote", o.Remote)
	setBool(q, "nocache", o.NoCache)
	setBool(q, "pull", o.Pull)
	setBool(q, "q", o.Quiet)
	setBool(q, "forcerm", o.ForceRemove)
	setBool(q, "squash", o.Squash)
	if o.NoRemove {
		q.Set("rm", "0")
	}
	for _, n := range []struct {
		k string
		v int64
	}{{"shmsize", o.ShmSize}, {"memory", o.Memory}, {"memswap", o.MemorySwap}, {"cpushares", o.CPUShares}, {"cpuperiod", o.CPUPeriod}, {"cpuquota", o.CPUQuota}} {
		if n.v < 0 && n.k != "memswap" {
			return argErr(op, n.k, strconv.FormatInt(n.v, 10), "must not be negative")
		}
		if n.v != 0 {
			q.Set(n.k, strconv.FormatInt(n.v, 10))
		}
	}
	auths := o.AuthConfigs
	if auths == nil && o.Config != nil {
		auths = o.Config.allAuths()
	}
	if len(auths) > 0 {
		enc, err := wire.EncodeAuth(auths)
		if err != nil {
			return err
		}
		r.Header.Set("X-Registry-Config", enc)
	}
	return nil
}

// Build builds an image from a build context: a tar stream (plain or
// compressed: the daemon detects gzip, bzip2 and xz), read as it is sent.
// A nil context needs opts.Remote. It reads the output to its end, handing
// each record to opts.Progress, and returns the built image's id (from the
// aux record, else the "Successfully built" line). A failed step is a
// *[BuildError] carrying the output.
//
// This is the classic builder's protocol; BuildKit needs a session
// (/session, deprecated) and is not spoken here: a build that asks for it
// (Version "2", Outputs) is an error matching [ErrBuildKit].
//
// API: POST /build
func (s *ImageService) Build(ctx context.Context, buildContext io.Reader, opts ImageBuildOptions) (ImageBuildResult, error) {
	r, err := newRequest("ImageBuild")
	if err != nil {
		return ImageBuildResult{}, err
	}
	if buildContext == nil && opts.Remote == "" {
		return ImageBuildResult{}, argErr(r.Op, "context", "", "needs a context or Remote")
	}
	r.Header = wire.Header{}
	if err := buildQuery(r, &opts); err != nil {
		return ImageBuildResult{}, err
	}
	r.NoTimeout = true
	if buildContext != nil {
		body := buildContext
		if opts.Compress {
			pr, pw := io.Pipe()
			go func() {
				zw := gzip.NewWriter(pw)
				_, err := io.Copy(zw, buildContext)
				if err == nil {
					err = zw.Close()
				}
				pw.CloseWithError(err)
			}()
			defer pr.Close() // stops the copy at its next write
			body = pr
		}
		setStream(r, "application/x-tar", body)
	}
	resp, err := send(ctx, s.w, r)
	if err != nil {
		return ImageBuildResult{}, err
	}
	run, err := readProgress(ctx, resp, opts.Progress)
	res := ImageBuildResult{Log: run.log.String()}
	var se *wire.StreamError
	if errors.As(err, &se) {
		return res, &BuildError{Message: se.Message, Code: se.Code, Log: res.Log, Err: err}
	}
	if err != nil {
		return res, err
	}
	res.ID = builtID(run, opts.Quiet)
	return res, nil
}

// builtID finds the image id in a build's aux records or output.
func builtID(run *progressRun, quiet bool) string {
	id := ""
	for _, a := range run.aux {
		var x struct{ ID string }
		if json.Unmarshal(a, &x) == nil && x.ID != "" {
			id = x.ID
		}
	}
	if id != "" {
		return id
	}
	lines := strings.Split(strings.TrimSpace(string(run.log.b)), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if v, ok := strings.CutPrefix(l, "Successfully built "); ok {
			return strings.TrimSpace(v)
		}
		if quiet && strings.HasPrefix(l, "sha256:") {
			return l
		}
	}
	return ""
}

// BuildDir builds the directory dir the way docker build and docker-py do:
// the context is dir streamed by tarstream.Dir without what its
// .dockerignore excludes (the Dockerfile and .dockerignore themselves are
// always sent). opts.Dockerfile is relative to dir or absolute; a Dockerfile
// outside dir is added to the context under a random
// ".dockerfile.<hex>" name, as the CLI does.
func (s *ImageService) BuildDir(ctx context.Context, dir string, opts ImageBuildOptions) (ImageBuildResult, error) {
	const op = "ImageBuild"
	if dir == "" {
		return ImageBuildResult{}, argErr(op, "dir", dir, "must not be empty")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ImageBuildResult{}, &ArgError{Op: op, Field: "dir", Value: dir, Reason: "cannot be resolved", Err: err}
	}
	var excludes []string
	if f, err := os.Open(filepath.Join(abs, ".dockerignore")); err == nil {
		excludes, err = tarstream.ReadIgnore(f)
		f.Close()
		if err != nil {
			return ImageBuildResult{}, &ArgError{Op: op, Field: "dir", Value: dir, Reason: "bad .dockerignore", Err: err}
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return ImageBuildResult{}, err
	}
	dopts := tarstream.DirOptions{Exclude: excludes}
	if opts.Dockerfile != "" {
		df := opts.Dockerfile
		if !filepath.IsAbs(df) {
			df = filepath.Join(abs, df)
		}
		rel, err := filepath.Rel(abs, df)
		if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			opts.Dockerfile = filepath.ToSlash(rel)
			dopts.Dockerfile = opts.Dockerfile
		} else {
			data, err := os.ReadFile(df)
			if err != nil {
				return ImageBuildResult{}, &ArgError{Op: op, Field: "Dockerfile", Value: opts.Dockerfile, Reason: "cannot be read", Err: err}
			}
			// The CLI names it .dockerfile.<random>; a hash of the content
			// is as unlikely to collide, keeps the context reproducible and
			// does not link crypto/rand into every program.
			sum := digest.SHA256(data)
			name := ".dockerfile." + hex.EncodeToString(sum[:6])
			dopts.ExtraFiles = []tarstream.File{{Name: name, Data: data}}
			opts.Dockerfile = name
		}
	}
	body, err := tarstream.Dir(abs, dopts)
	if err != nil {
		return ImageBuildResult{}, err
	}
	defer body.Close()
	return s.Build(ctx, body, opts)
}

// maxDockerfile caps what BuildDockerfile reads.
const maxDockerfile = 4 << 20

// BuildDockerfile builds from a lone Dockerfile with no context (docker-py's
// fileobj): COPY and ADD of local files have nothing to copy. The
// Dockerfile (at most 4 MiB) is sent as the only file of the context, under
// opts.Dockerfile's name ("Dockerfile" by default).
func (s *ImageService) BuildDockerfile(ctx context.Context, dockerfile io.Reader, opts ImageBuildOptions) (ImageBuildResult, error) {
	const op = "ImageBuild"
	if dockerfile == nil {
		return ImageBuildResult{}, argErr(op, "dockerfile", "", "must not be nil")
	}
	data, err := io.ReadAll(io.LimitReader(dockerfile, maxDockerfile+1))
	if err != nil {
		return ImageBuildResult{}, err
	}
	if len(data) > maxDockerfile {
		return ImageBuildResult{}, argErr(op, "dockerfile", "", "is larger than 4 MiB")
	}
	name := "Dockerfile"
	if opts.Dockerfile != "" {
		name = filepath.ToSlash(opts.Dockerfile)
		if strings.HasPrefix(name, "/") || name == ".." || strings.HasPrefix(name, "../") || strings.Contains(name, "/../") {
			return ImageBuildResult{}, argErr(op, "Dockerfile", opts.Dockerfile, "must be a relative name inside the context")
		}
	}
	opts.Dockerfile = name
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	hdr := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: time.Unix(0, 0), Typeflag: tar.TypeReg, Format: tar.FormatPAX}
	if err := tw.WriteHeader(hdr); err != nil {
		return ImageBuildResult{}, argErr(op, "Dockerfile", name, err.Error())
	}
	tw.Write(data)
	tw.Close()
	return s.Build(ctx, &buf, opts)
}

// ImageBuildPruneOptions tune [ImageService.BuildPrune].
type ImageBuildPruneOptions struct {
	All bool // remove all unused cache, not only dangling records
	// Filters: until, id, parent, type, description, inuse, shared,
	// private.
	Filters wire.Filters
	// ReservedSpace is the cache to keep, in bytes (sent as keep-storage
	// before API 1.48, reserved-space from 1.48).
	ReservedSpace int64
	MaxUsedSpace  int64 // API 1.48
	MinFreeSpace  int64 // API 1.48
}

// ImageBuildPruneResult is the report of [ImageService.BuildPrune]
// (swagger: the BuildPrune response).
type ImageBuildPruneResult struct {
	CachesDeleted  []string
	SpaceReclaimed uint64
}

// BuildPrune removes build cache.
//
// API: POST /build/prune
func (s *ImageService) BuildPrune(ctx context.Context, opts ImageBuildPruneOptions) (ImageBuildPruneResult, error) {
	r, err := newRequest("BuildPrune")
	if err != nil {
		return ImageBuildPruneResult{}, err
	}
	setBool(r.Query, "all", opts.All)
	setFilters(r.Query, opts.Filters)
	for _, n := range []struct {
		k string
		v int64
	}{{"ReservedSpace", opts.ReservedSpace}, {"MaxUsedSpace", opts.MaxUsedSpace}, {"MinFreeSpace", opts.MinFreeSpace}} {
		if n.v < 0 {
			return ImageBuildPruneResult{}, argErr(r.Op, n.k, strconv.FormatInt(n.v, 10), "must not be negative")
		}
	}
	if opts.ReservedSpace > 0 {
		ver, err := s.w.Version(ctx)
		if err != nil {
			return ImageBuildPruneResult{}, err
		}
		key := "reserved-space"
		if ver.Less(v(48)) {
			key = "keep-storage"
		}
		r.Query.Set(key, strconv.FormatInt(opts.ReservedSpace, 10))
	}
	if opts.MaxUsedSpace > 0 {
		r.Query.Set("max-used-space", strconv.FormatInt(opts.MaxUsedSpace, 10))
		need(r, "MaxUsedSpace", 48)
	}
	if opts.MinFreeSpace > 0 {
		r.Query.Set("min-free-space", strconv.FormatInt(opts.MinFreeSpace, 10))
		need(r, "MinFreeSpace", 48)
	}
	return decode[ImageBuildPruneResult](ctx, s.w, r)
}
