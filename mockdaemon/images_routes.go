package mockdaemon

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
)

// imageRoutes: the image store, commit, and images to and from
// registries and tars (images_transfer.go).
func (d *Daemon) imageRoutes() []route {
	return []route{
		{"GET", "/images/json", "ImageList", d.imageList},
		{"POST", "/images/create", "ImageCreate", d.imageCreate},
		{"POST", "/images/prune", "ImagePrune", d.imagePrune},
		{"GET", "/images/get", "ImageGetAll", d.imageGetAll},
		{"POST", "/images/load", "ImageLoad", d.imageLoad},
		{"GET", "/images/search", "ImageSearch", d.imageSearch},
		{"POST", "/commit", "ImageCommit", d.commit},
		{"GET", "/images/{name...}/json", "ImageInspect", d.imageInspect},
		{"GET", "/images/{name...}/history", "ImageHistory", d.imageHistory},
		{"POST", "/images/{name...}/push", "ImagePush", d.imagePush},
		{"POST", "/images/{name...}/tag", "ImageTag", d.imageTag},
		{"GET", "/images/{name...}/get", "ImageGet", d.imageGet},
		{"GET", "/images/{name...}/attestations", "ImageAttestations", d.imageAttestations},
		{"DELETE", "/images/{name...}", "ImageDelete", d.imageDelete},
	}
}

func (d *Daemon) imageList(w http.ResponseWriter, r *http.Request) error {
	ver := infoOf(r).version
	f, err := parseFilters(r)
	if err != nil {
		return err
	}
	accepted := []string{"dangling", "label", "label!", "before", "since", "reference"}
	if ver.atLeast("1.44") {
		accepted = append(accepted, "until")
	}
	if err := f.accept(ver, accepted...); err != nil {
		return err
	}
	// dangling is "true" or "false" here (the prune also takes 1 and 0);
	// with both, true wins.
	if f.has("dangling") {
		switch {
		case f["dangling"]["true"]:
			f["dangling"] = map[string]bool{"true": true}
		case f["dangling"]["false"]:
			f["dangling"] = map[string]bool{"false": true}
		default:
			return errInvalidFilter(ver, fmt.Sprintf("dangling=%v", f.values("dangling")))
		}
	}
	for _, pat := range f.values("reference") {
		if _, err := pathMatch(pat, ""); err != nil {
			return errInternal(err.Error())
		}
	}
	sharedSize := boolParam(r, "shared-size")
	all := boolParam(r, "all")
	out := []any{}
	return d.respond(w, http.StatusOK, func() (any, error) {
		// before and since name images that must exist.
		var before, since *image
		for _, k := range f.values("before") {
			if before, err = d.images.get(k); err != nil {
				return nil, err
			}
		}
		for _, k := range f.values("since") {
			if since, err = d.images.get(k); err != nil {
				return nil, err
			}
		}
		children := d.images.children()
		for _, im := range d.images.sorted() {
			if !imageMatches(f, im) {
				continue
			}
			untagged := len(im.tags) == 0 && len(im.digests) == 0
			// dangling=true lists heads only; an untagged image with
			// children (a build's intermediate step) shows with all=1
			if f["dangling"]["true"] || f["dangling"]["1"] {
				if children[im.id] > 0 {
					continue
				}
			} else if untagged && (!all && children[im.id] > 0 || f.has("dangling") || f.has("reference")) {
				continue
			}
			if before != nil && !im.file.Created.Before(before.file.Created) {
				continue
			}
			if since != nil && !im.file.Created.After(since.file.Created) {
				continue
			}
			s := im.summary(ver, -1)
			if !ver.atLeast("1.43") {
				// before 1.43 what an image lacks is null, both lacked
				// are <none>
				switch {
				case untagged:
					s["RepoTags"] = []string{"<none>:<none>"}
					s["RepoDigests"] = []string{"<none>@<none>"}
				case len(im.tags) == 0:
					s["RepoTags"] = nil
				case len(im.digests) == 0:
					s["RepoDigests"] = nil
				}
			}
			if sharedSize {
				s["SharedSize"] = int64(0)
			}
			if f.has("reference") {
				// only the tags that match are listed
				var tags []string
				for _, t := range im.tags {
					if refMatches(f, t) {
						tags = append(tags, t)
					}
				}
				s["RepoTags"] = nonNil(tags)
			}
			out = append(out, s)
		}
		return out, nil
	})
}

func (d *Daemon) imageInspect(w http.ResponseWriter, r *http.Request) error {
	ver := infoOf(r).version
	return d.respond(w, http.StatusOK, func() (any, error) {
		name := r.PathValue("name")
		im, err := d.images.get(name)
		if err != nil {
			if ae := (*apiError)(nil); !ver.atLeast("1.42") && errors.As(err, &ae) && ae.status == http.StatusNotFound {
				// dockerd 20.10 wraps the error with the name as given
				return nil, errNotFound("no such image: " + name + ": " + ae.msg)
			}
			return nil, err
		}
		return im.inspect(ver), nil
	})
}

func (d *Daemon) imageHistory(w http.ResponseWriter, r *http.Request) error {
	return d.respond(w, http.StatusOK, func() (any, error) {
		im, err := d.images.get(r.PathValue("name"))
		if err != nil {
			return nil, err
		}
		return d.historyLocked(im), nil
	})
}

func (d *Daemon) imageTag(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	ver := infoOf(r).version
	repo, tag := q.Get("repo"), q.Get("tag")
	if repo == "" {
		return errInvalid("repository name must have at least one component")
	}
	// dockerd parses the repository, then adds the tag
	ref, err := parseRef(repo, false)
	if err != nil {
		if err = refError(ver, err); !ver.atLeast("1.42") {
			return errInternal(err.Error()) // untyped on dockerd 20.10
		}
		return err
	}
	if ref.digest != "" {
		return errInvalid("refusing to create a tag with a digest reference")
	}
	switch {
	case tag != "" && !tagRe.MatchString(tag):
		if !ver.atLeast("1.42") {
			return errInternal("invalid tag format") // untyped on dockerd 20.10
		}
		return errInvalid("invalid tag format")
	case tag != "":
		ref.tag = tag
	case ref.tag == "":
		ref.tag = "latest"
	}
	return d.respondEmpty(w, http.StatusCreated, func() error {
		im, err := d.images.get(r.PathValue("name"))
		if err != nil {
			return err
		}
		return d.tagImageLocked(im, ref)
	})
}

func (d *Daemon) imageDelete(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	if name == "" {
		return errNotFound("page not found")
	}
	force, prune := boolParam(r, "force"), !boolParam(r, "noprune")
	res, err := lockedValue(d, func() ([]map[string]string, error) {
		return d.deleteImageLocked(name, force, prune)
	})
	if err != nil {
		return err
	}
	out := make([]any, len(res))
	for i, e := range res {
		out[i] = e
	}
	return writeJSON(w, http.StatusOK, out)
}

// imagePrune removes unused images by dockerd's mechanism: the
// candidates are the images no other was made from (every image with
// dangling=false) that the filters keep, less the intermediate ones (no
// reference, but children); each is deleted as DELETE /images/{name}
// without force deletes, which also prunes the untagged images it was
// made from: by each of its references (only when it has no tag, unless
// dangling=false), or by id when it has none. A deletion that fails (an
// image a container uses: a conflict) leaves the image. Nothing deleted
// is ImagesDeleted null; SpaceReclaimed adds the sizes of the layers
// that went.
func (d *Daemon) imagePrune(w http.ResponseWriter, r *http.Request) error {
	f, err := pruneFilters(r, "dangling", "label", "label!", "until")
	if err != nil {
		return err
	}
	danglingOnly := true
	if v, ok := f["dangling"]; ok {
		isFalse, isTrue := v["false"] || v["0"], v["true"] || v["1"]
		if isFalse == isTrue {
			return errInvalid(fmt.Sprintf("Invalid filter 'dangling=%v'", slices.Sorted(maps.Keys(v))))
		}
		danglingOnly = isTrue
	}
	delete(f, "dangling")
	var deleted []map[string]string
	var space int64
	_ = d.locked(func() error {
		layerSize := map[string]int64{}
		children := d.images.children()
		var top []*image
		for _, im := range d.images.sorted() {
			for _, l := range im.layers {
				layerSize[l.diffID] = l.size
			}
			refs := len(im.tags) + len(im.digests)
			if danglingOnly && children[im.id] > 0 || refs == 0 && children[im.id] > 0 || !imageMatches(f, im) {
				continue
			}
			top = append(top, im)
		}
		for _, im := range top {
			if d.images.byID[im.id] == nil {
				continue // pruned with an image made from it
			}
			names := append(slices.Clone(im.tags), im.digests...)
			if len(names) == 0 {
				names = []string{strings.TrimPrefix(im.id, "sha256:")}
			} else if danglingOnly && len(im.tags) > 0 {
				continue
			}
			for _, name := range names {
				res, err := d.deleteImageLocked(name, false, true)
				if err != nil {
					continue
				}
				deleted = append(deleted, res...)
			}
		}
		for _, e := range deleted {
			space += layerSize[e["Deleted"]]
		}
		d.events.emit("image", "prune", "", map[string]string{"reclaimed": strconv.FormatInt(space, 10)})
		return nil
	})
	return writeJSON(w, http.StatusOK, map[string]any{"ImagesDeleted": deleted, "SpaceReclaimed": space})
}

func (d *Daemon) imageSearch(w http.ResponseWriter, r *http.Request) error {
	term := r.URL.Query().Get("term")
	host := registryHostOf(term)
	return d.respond(w, http.StatusOK, func() (any, error) {
		if host != "docker.io" && d.registryKnownLocked(host) {
			// The emulated registries speak only the v2 API: dockerd's v1
			// search gets a 404 from them.
			return nil, errInternal("Unexpected status code 404")
		}
		if host != "docker.io" {
			return nil, searchPingError(host)
		}
		seen := map[string]bool{}
		out := []any{}
		for ref := range d.images.catalogue {
			repo, _, _ := strings.Cut(ref, ":")
			if seen[repo] || !strings.Contains(repo, term) {
				continue
			}
			seen[repo] = true
			out = append(out, map[string]any{"name": repo, "description": "mock image " + repo, "star_count": 0, "is_official": !strings.Contains(repo, "/"), "is_automated": false})
		}
		return out, nil
	})
}

// searchPingError is dockerd 20.10's failure to reach the v1 search
// endpoint of a registry that does not answer: its ping over HTTPS, then
// over HTTP for an insecure registry (loopback), each dial refused.
func searchPingError(host string) error {
	dial := func(scheme string) string {
		addr := host
		if _, _, err := net.SplitHostPort(host); err != nil {
			addr += map[string]string{"https": ":443", "http": ":80"}[scheme]
		}
		return fmt.Sprintf("Get \"%s://%s/v1/_ping\": dial tcp %s: connect: connection refused", scheme, host, addr)
	}
	if registryScheme(host) == "http" {
		return errInternal(fmt.Sprintf("invalid registry endpoint \"http://%s/v1/\". HTTPS attempt: %s. HTTP attempt: %s", host, dial("https"), dial("http")))
	}
	return errInternal(fmt.Sprintf("invalid registry endpoint https://%s/v1/: %s. If this private registry supports only HTTP or HTTPS with an unknown CA certificate, please add `--insecure-registry %s` to the daemon's arguments. In the case of HTTPS, if you have access to the registry's CA certificate, no need for the flag; simply place the CA certificate at /etc/docker/certs.d/%s/ca.crt", host, dial("https"), host, host))
}

// repoTagParams reads the ?repo= and ?tag= an import or a commit tags its
// image with (none without repo), as dockerd: the repository parsed as a
// reference, then the tag put on it (reference.WithTag, whose error is
// "invalid tag format").
func repoTagParams(r *http.Request) (imageRef, error) {
	q := r.URL.Query()
	repo := q.Get("repo")
	if repo == "" {
		return imageRef{}, nil
	}
	ref, err := parseRef(repo, false)
	if err != nil {
		return ref, err
	}
	if tag := q.Get("tag"); tag != "" {
		if !tagRe.MatchString(tag) {
			return ref, errInvalid("invalid tag format")
		}
		ref.tag = tag
	} else if ref.tag == "" && ref.digest == "" {
		ref.tag = "latest"
	}
	return ref, nil
}

// commit makes an image from a container as dockerd's commit does: a
// child of the container's image with the container's config (the body's
// overrides and the changes applied), the container and its config
// recorded, and a layer of the container's changes (none when it changed
// nothing, an empty step of the history then).
func (d *Daemon) commit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var body containerConfig
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	ref, err := repoTagParams(r)
	if err != nil {
		return err
	}
	var c *container
	var f imageFile
	var parent *image
	var changes []memfs.Change
	if err := d.locked(func() error {
		var err error
		if c, err = d.getContainerLocked(q.Get("container")); err != nil {
			return err
		}
		f, err = d.commitFileLocked(c, body, q.Get("author"), q.Get("comment"), q["changes"])
		parent, changes = d.images.byID[c.imageID], d.changesLocked(c)
		return err
	}); err != nil {
		return err
	}
	lay, err := newLayer(c.fs, changes)
	if err != nil {
		return errInternal(err.Error())
	}
	var layers []layer
	var fsys *memfs.FS
	if parent != nil {
		layers, fsys = slices.Clone(parent.layers), parent.fs.Clone()
	} else {
		fsys = memfs.New()
	}
	fsys.SetClock(d.cfg.Clock)
	if lay != nil {
		layers = append(layers, *lay)
		// the image's files share their contents with the layer
		if err := fsys.ExtractLayerBytes(lay.data); err != nil {
			return errInternal(err.Error())
		}
	}
	f.History[len(f.History)-1].EmptyLayer = lay == nil
	im, err := d.images.finish(&image{layers: layers, fs: fsys, parent: c.imageID}, f)
	if err != nil {
		return errInternal(err.Error())
	}
	im, err = lockedValue(d, func() (*image, error) {
		// as dockerd, the image stays (dangling) when its name is refused
		im := d.images.put(im)
		if ref.tag != "" {
			if err := d.tagImageLocked(im, ref); err != nil {
				return nil, err
			}
		}
		d.emitContainerLocked(c, "commit", "comment", f.Comment)
		return im, nil
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"Id": im.id})
}

// commitFileLocked is the image config a commit of c makes: c's image's,
// with c's config, the body's overrides and the changes.
func (d *Daemon) commitFileLocked(c *container, body containerConfig, author, comment string, changes []string) (imageFile, error) {
	parent := d.images.byID[c.imageID]
	var f imageFile
	if parent != nil {
		f = parent.file
		f.History = slices.Clone(parent.file.History)
	}
	if f.Architecture == "" {
		f.Architecture = goArch()
	}
	f.OS = "linux"
	f.Created = d.now()
	f.Author = author
	f.Comment = comment
	f.Container = c.id
	f.DockerVersion = d.cfg.ServerVersion
	cc := c.config
	containerConfig := imageConfig{Hostname: cc.Hostname, User: cc.User, ExposedPorts: cc.ExposedPorts, Env: cc.Env, Cmd: cc.Cmd, Entrypoint: cc.Entrypoint, Volumes: cc.Volumes, WorkingDir: cc.WorkingDir, Labels: maps.Clone(cc.Labels), StopSignal: cc.StopSignal, OnBuild: cc.OnBuild, Image: cc.Image}
	f.ContainerConfig = &containerConfig
	f.Config = containerConfig.clone()
	if body.Cmd != nil {
		f.Config.Cmd = body.Cmd
	}
	if body.Entrypoint != nil {
		f.Config.Entrypoint = body.Entrypoint
	}
	if body.Env != nil {
		f.Config.Env = body.Env
	}
	if body.Labels != nil {
		f.Config.Labels = body.Labels
	}
	if body.WorkingDir != "" {
		f.Config.WorkingDir = body.WorkingDir
	}
	if body.User != "" {
		f.Config.User = body.User
	}
	var err error
	if f.Config, err = buildFromConfig(f.Config, changes); err != nil {
		return imageFile{}, err
	}
	f.History = append(f.History, historyEntry{Created: f.Created, CreatedBy: strings.Join(cc.Cmd, " "), Comment: f.Comment, Author: f.Author})
	return f, nil
}

// imageAttestations answers GET /images/{name}/attestations (API 1.55):
// the mock's images carry no attestation manifests, so a known image has
// an empty list.
func (d *Daemon) imageAttestations(w http.ResponseWriter, r *http.Request) error {
	if !infoOf(r).version.atLeast("1.55") {
		return errNotFound("page not found")
	}
	if err := d.locked(func() error {
		_, err := d.images.get(r.PathValue("name"))
		return err
	}); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, []any{})
}
