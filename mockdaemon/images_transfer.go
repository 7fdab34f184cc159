package mockdaemon

import (
	"archive/tar"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
)

func (d *Daemon) imagePush(w http.ResponseWriter, r *http.Request) error {
	if r.Header.Get("X-Registry-Auth") == "" && !infoOf(r).version.atLeast("1.42") {
		// dockerd 20.10 reads the credentials of the old API from the body
		var auth map[string]any
		if err := json.NewDecoder(r.Body).Decode(&auth); err != nil {
			return errInvalid("Bad parameters and missing X-Registry-Auth: " + err.Error())
		}
	}
	ref, err := parseRef(r.PathValue("name"), false)
	if err != nil {
		return err
	}
	if tag := r.URL.Query().Get("tag"); tag != "" {
		// reference.WithTag: the parameter replaces the name's tag; its
		// error is no typed one of dockerd's, a 500
		if !tagRe.MatchString(tag) {
			return errInternal("invalid tag format")
		}
		ref.tag = tag
	}
	js := newJSONStream(w)
	js.msg(map[string]any{"status": "The push refers to repository [" + ref.domain() + "/" + ref.path() + "]"})
	if err := d.registryPush(js, r, ref); err != nil { // registry.go: the emulated registries
		js.fail(err)
	}
	return nil
}

// jsonStream writes a JSON message stream (pull, push, build, load).
type jsonStream struct {
	w       http.ResponseWriter
	started bool
}

func newJSONStream(w http.ResponseWriter) *jsonStream {
	return &jsonStream{w: w}
}

// msg writes one message as dockerd's streamformatter does: the JSON,
// then "\r\n".
func (s *jsonStream) msg(v any) {
	s.start()
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(map[string]string{"error": err.Error()})
	}
	_, _ = s.w.Write(append(b, '\r', '\n'))
	flush(s.w)
}

// start answers 200 with the stream's head, once.
func (s *jsonStream) start() {
	if !s.started {
		s.started = true
		s.w.Header().Set("Content-Type", "application/json")
		s.w.WriteHeader(http.StatusOK)
		flush(s.w)
	}
}

func (s *jsonStream) fail(err error) {
	s.msg(map[string]any{"errorDetail": map[string]any{"message": err.Error()}, "error": err.Error()})
}

func (d *Daemon) imageCreate(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	// dockerd reads the platform first (since 1.32), for a pull and an
	// import alike
	var plat *platformSpec
	if s := q.Get("platform"); s != "" && infoOf(r).version.atLeast("1.32") {
		p, err := parsePlatform(s)
		if err != nil {
			return err
		}
		plat = &p
	}
	if src := q.Get("fromSrc"); src != "" {
		os := "linux"
		if plat != nil {
			os = plat.OS
		}
		return d.imageImport(w, r, src, os)
	}
	from := q.Get("fromImage")
	if from == "" {
		return errInvalid("either fromImage or fromSrc must be specified")
	}
	// a pull of all tags may send the name with a trailing ':'
	from = strings.TrimSuffix(from, ":")
	given := from
	if tag := q.Get("tag"); tag != "" {
		if strings.HasPrefix(tag, "sha256:") {
			from += "@" + tag
		} else {
			from += ":" + tag
		}
	}
	ref, err := parseRef(from, false)
	if err != nil {
		return refError(infoOf(r).version, err)
	}
	// a name without tag or digest pulls every tag of the repository
	allTags := ref.tag == "" && ref.digest == ""
	target := ref.tag
	switch {
	case allTags:
		target = "tags/list"
	case ref.digest != "":
		target = ref.digest
	}
	if err := d.pullAuthError(r, ref, target); err != nil {
		return err
	}
	tags := []imageRef{ref}
	if allTags {
		if tags, err = lockedValue(d, func() ([]imageRef, error) { return d.registryTagsLocked(ref) }); err != nil {
			return err
		}
	}
	var ps []pulled
	for _, tr := range tags {
		p, err := lockedValue(d, func() (pulled, error) { return d.pullNamingLocked(tr) })
		if err != nil {
			if len(ps) == 0 {
				return err
			}
			js := newJSONStream(w)
			js.fail(err)
			return nil
		}
		ps = append(ps, p)
	}
	js := newJSONStream(w)
	renamed := false
	for i, tr := range tags {
		d.reportPullTag(func(m any) { js.msg(m) }, tr, ps[i])
		renamed = renamed || ps[i].renamed
	}
	d.reportPullEnd(func(m any) { js.msg(m) }, ref, renamed)
	if plat != nil {
		// The registries hold single-platform images: a pull takes what
		// the name gives, then dockerd looks the name up as given
		// (without the tag parameter: :latest) and warns when that
		// image is of another platform.
		if err := d.platformWarning(plat, given); err != nil {
			js.msg(map[string]any{"status": "WARNING: " + err.Error()})
		}
	}
	return nil
}

// platformWarning is the mismatch of plat with the image name names now,
// nil when they match or name names no image.
func (d *Daemon) platformWarning(plat *platformSpec, name string) error {
	return d.locked(func() error {
		im, err := d.images.get(name)
		if err != nil {
			return nil
		}
		return plat.matches(name, im)
	})
}

// pulled is what a pull brought: the image, whether the pulled
// reference named another image (or none) before, whether the image is
// new to the store and which of its layers the store had.
type pulled struct {
	im      *image
	renamed bool
	fresh   bool
	had     []bool // by layer
}

// pullNamingLocked is pullLocked, telling also whether ref now names an
// image it did not name before: dockerd's "Downloaded newer image" (its
// pull updated the tag or digest reference) against "Image is up to
// date".
func (d *Daemon) pullNamingLocked(ref imageRef) (pulled, error) {
	before := ""
	if im, err := d.images.get(ref.String()); err == nil {
		before = im.id
	}
	count := d.images.count()
	im, err := d.pullLocked(ref)
	if err != nil {
		return pulled{}, err
	}
	p := pulled{im: im, renamed: im.id != before, fresh: d.images.count() > count}
	if p.fresh {
		for _, l := range im.layers {
			p.had = append(p.had, d.images.hasLayerBesides(l.diffID, im.id))
		}
	}
	return p, nil
}

// reportPull records the pull of ref that brought p.im (its digest, its
// event) and sends its progress messages to msg: a pull's answer, or a
// build's stream when its FROM pulls.
func (d *Daemon) reportPull(msg func(any), ref imageRef, p pulled) {
	d.reportPullTag(msg, ref, p)
	d.reportPullEnd(msg, ref, p.renamed)
}

// reportPullTag sends the messages of the pull of one tag or digest:
// "Pulling from", the layers of an image new to the store (one it had
// needs none: "Already exists" for a layer it had, else the download),
// and the digest, which the image gets as a reference.
func (d *Daemon) reportPullTag(msg func(any), ref imageRef, p pulled) {
	im := p.im
	label := ref.tag
	if ref.digest != "" {
		label = ref.String()
	}
	msg(map[string]any{"status": "Pulling from " + ref.path(), "id": label})
	for i, l := range im.layers {
		if !p.fresh {
			break
		}
		short := shortDigest(l.diffID)
		if p.had[i] {
			msg(map[string]any{"status": "Already exists", "progressDetail": map[string]any{}, "id": short})
			continue
		}
		size := l.data.Len()
		msg(map[string]any{"status": "Pulling fs layer", "progressDetail": map[string]any{}, "id": short})
		msg(progressMessage("Downloading", short, size, size))
		msg(map[string]any{"status": "Verifying Checksum", "progressDetail": map[string]any{}, "id": short})
		msg(map[string]any{"status": "Download complete", "progressDetail": map[string]any{}, "id": short})
		msg(progressMessage("Extracting", short, size, size))
		msg(map[string]any{"status": "Pull complete", "progressDetail": map[string]any{}, "id": short})
	}
	_ = d.locked(func() error {
		d.images.addDigest(im, ref)
		return nil
	})
	msg(map[string]any{"status": "Digest: " + digestOf(im.manifest)})
}

// reportPullEnd sends a pull's last status, for the reference as asked
// (the repository alone for all its tags), and emits its event.
func (d *Daemon) reportPullEnd(msg func(any), ref imageRef, renamed bool) {
	if renamed {
		msg(map[string]any{"status": "Status: Downloaded newer image for " + ref.String()})
	} else {
		msg(map[string]any{"status": "Status: Image is up to date for " + ref.String()})
	}
	d.emit("image", "pull", ref.String(), map[string]string{"name": ref.String()})
}

// pullLocked finds what a pull of ref fetches: the local image, an
// emulated registry's, or a catalogue image removed locally (it comes
// back); else the registry's error.
func (d *Daemon) pullLocked(ref imageRef) (*image, error) {
	im, getErr := d.images.get(ref.String())
	if rim := d.registryFetchLocked(ref); rim != nil && (getErr != nil || ref.domain() != "docker.io") {
		im, getErr = rim, nil // registry.go: pulled from an emulated registry
	}
	known := d.images.catalogue[ref.tagged()] || (ref.digest != "" && getErr == nil)
	if getErr != nil && known {
		for _, base := range d.cfg.Images {
			if br, err := parseRef(base, true); err == nil && br.tagged() == ref.tagged() {
				d.images.addBase(base)
			}
		}
		im, getErr = d.images.get(ref.String())
	}
	if getErr == nil && im != nil {
		return im, nil
	}
	switch {
	case ref.domain() != "docker.io":
		full := ref.domain() + "/" + ref.path() + ":" + ref.tag
		if ref.digest != "" {
			full = ref.domain() + "/" + ref.path() + "@" + ref.digest
		}
		return nil, d.registryMissErrorLocked(full)
	case d.images.catalogue[ref.repo]:
		return nil, errNotFound(fmt.Sprintf("manifest for %s not found: manifest unknown: manifest unknown", ref.String()))
	}
	return nil, errNotFound(fmt.Sprintf("pull access denied for %s, repository does not exist or may require 'docker login': denied: requested access to the resource is denied", ref.repo))
}

func hostPort(h string) string {
	if strings.Contains(h, ":") {
		return h
	}
	return h + ":443"
}

func (d *Daemon) imageGet(w http.ResponseWriter, r *http.Request) error {
	return d.imageSave(w, r, []string{r.PathValue("name")})
}

func (d *Daemon) imageGetAll(w http.ResponseWriter, r *http.Request) error {
	return d.imageSave(w, r, r.URL.Query()["names"])
}

// imageSave writes the images in docker save's format: an OCI layout with
// manifest.json and repositories beside it.
func (d *Daemon) imageSave(w http.ResponseWriter, r *http.Request, names []string) error {
	var list []*savedImage
	add := func(im *image, tag string) {
		var s *savedImage
		for _, x := range list {
			if x.im == im {
				s = x
			}
		}
		if s == nil {
			s = &savedImage{im: im}
			list = append(list, s)
		}
		if tag != "" && !slices.Contains(s.tags, tag) {
			s.tags = append(s.tags, tag)
		}
	}
	if err := d.locked(func() error {
		for _, n := range names {
			// a name alone is every reference of the repository, as
			// dockerd's exporter takes it: its tags, and the images its
			// digests name
			if ref, err := parseRef(n, false); err == nil && ref.tag == "" && ref.digest == "" {
				if refs := d.images.repositoryRefs(ref.repo); len(refs) > 0 {
					for _, r := range refs {
						add(r.im, r.tag)
					}
					continue
				}
			}
			im, err := d.images.get(n)
			if err != nil {
				if ae := (*apiError)(nil); errors.As(err, &ae) && ae.status == http.StatusBadRequest {
					// reference.ParseIDOrReference's error: untyped, a 500
					return errInternal(ae.msg)
				}
				if !infoOf(r).version.atLeast("1.42") {
					// dockerd 20.10's image exporter: a name with a tag or
					// digest is looked up in the reference store, a bare
					// name (or id prefix) in the image store
					if base := n[strings.LastIndex(n, "/")+1:]; strings.ContainsAny(base, ":@") {
						return errNotFound("reference does not exist")
					}
					return errNotFound("No such image: " + n)
				}
				return err
			}
			var tag string
			if ref, err := parseRef(n, true); err == nil && !looksLikeIDExact(n, im) {
				tag = ref.tagged()
			}
			add(im, tag)
		}
		return nil
	}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/x-tar")
	w.WriteHeader(http.StatusOK)
	if !infoOf(r).version.atLeast("1.44") {
		writeLegacySave(w, list)
		return nil
	}
	tw := tar.NewWriter(w)
	mt := time.Unix(0, 0)
	putTar := func(name string, data memfs.Tar) {
		_ = tw.WriteHeader(saveHeader(tar.TypeReg, name, data.Len(), mt))
		_, _ = data.WriteTo(tw)
	}
	put := func(name string, data []byte) { putTar(name, memfs.TarOf(data)) }
	_ = tw.WriteHeader(saveHeader(tar.TypeDir, "blobs/", 0, mt))
	_ = tw.WriteHeader(saveHeader(tar.TypeDir, "blobs/sha256/", 0, mt))
	written := map[string]bool{}
	blob := func(dg string, data memfs.Tar) string {
		p := "blobs/sha256/" + strings.TrimPrefix(dg, "sha256:")
		if !written[p] {
			written[p] = true
			putTar(p, data)
		}
		return p
	}
	type manifestEntry struct {
		Config   string
		RepoTags []string
		Layers   []string
	}
	var manifest []manifestEntry
	var index []any
	repos := map[string]map[string]string{}
	for _, s := range list {
		me := manifestEntry{Config: blob(s.im.id, memfs.TarOf(s.im.raw)), RepoTags: s.tags}
		for _, l := range s.im.layers {
			me.Layers = append(me.Layers, blob(l.diffID, l.data))
		}
		mdg := digestOf(s.im.manifest)
		blob(mdg, memfs.TarOf(s.im.manifest))
		manifest = append(manifest, me)
		desc := map[string]any{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": mdg, "size": len(s.im.manifest)}
		if len(s.tags) > 0 {
			t := s.tags[0]
			desc["annotations"] = map[string]string{"io.containerd.image.name": "docker.io/" + t, "org.opencontainers.image.ref.name": t[strings.LastIndex(t, ":")+1:]}
		}
		index = append(index, desc)
		for _, t := range s.tags {
			i := strings.LastIndex(t, ":")
			if repos[t[:i]] == nil {
				repos[t[:i]] = map[string]string{}
			}
			repos[t[:i]][t[i+1:]] = strings.TrimPrefix(s.im.id, "sha256:")
		}
	}
	ib, _ := json.Marshal(map[string]any{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": index})
	put("index.json", ib)
	mb, _ := json.Marshal(manifest)
	put("manifest.json", mb)
	put("oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`))
	if len(repos) > 0 {
		rb, _ := json.Marshal(repos)
		put("repositories", rb)
	}
	_ = tw.Close()
	return nil
}

// savedImage is an image a save writes, with the tags it is saved under.
type savedImage struct {
	im   *image
	tags []string
}

// writeLegacySave writes the images as dockerd before 25 (API 1.44)
// saves them, its tarexport's legacy layout: a directory per layer named
// by its v1 id (VERSION, json, layer.tar; a layer already written is a
// link to it), the config as <id>.json, manifest.json and repositories,
// in the order of the directory dockerd tars.
// saveHeader is the header of a save's directory, file or link as
// dockerd writes them (its exporter archives a directory it made as
// root): archive/tar's FileInfoHeader mode with the type bits, owned by
// root:root.
func saveHeader(typ byte, name string, size int64, mt time.Time) *tar.Header {
	mode := map[byte]int64{tar.TypeDir: 0o40755, tar.TypeSymlink: 0o120777}[typ]
	if mode == 0 {
		mode = 0o100644
	}
	return &tar.Header{Typeflag: typ, Name: name, Size: size, Mode: mode, ModTime: mt, Uname: "root", Gname: "root"}
}

func writeLegacySave(w io.Writer, list []*savedImage) {
	type file struct {
		name string
		typ  byte
		data memfs.Tar
		link string
		mt   time.Time
	}
	var files []file
	type manifestEntry struct {
		Config   string
		RepoTags []string
		Layers   []string
		Parent   string `json:",omitempty"`
	}
	manifest := []manifestEntry{}
	repos := map[string]map[string]string{}
	written := map[string]bool{}
	diffPaths := map[string]string{}
	for _, s := range list {
		var cfg struct {
			ContainerConfig json.RawMessage `json:"container_config"`
			Config          json.RawMessage `json:"config"`
		}
		_ = json.Unmarshal(s.im.raw, &cfg)
		created := s.im.file.Created
		me := manifestEntry{Config: strings.TrimPrefix(s.im.id, "sha256:") + ".json", RepoTags: s.tags}
		parent, chain := "", ""
		for i, l := range s.im.layers {
			chain = chainID(chain, l.diffID)
			v1 := v1Image{Created: time.Unix(0, 0).UTC(), ContainerConfig: json.RawMessage(zeroContainerConfig), OS: s.im.file.OS}
			if i == len(s.im.layers)-1 {
				f := s.im.file
				v1 = v1Image{Comment: f.Comment, Created: f.Created, Container: f.Container, ContainerConfig: cfg.ContainerConfig,
					DockerVersion: f.DockerVersion, Author: f.Author, Config: cfg.Config, Architecture: f.Architecture, OS: f.OS}
				if len(v1.ContainerConfig) == 0 || string(v1.ContainerConfig) == "null" {
					v1.ContainerConfig = json.RawMessage(zeroContainerConfig)
				}
			}
			id := v1.id(chain, parent)
			v1.ID, v1.Parent = id, parent
			if !written[id] {
				written[id] = true
				js, _ := json.Marshal(v1)
				files = append(files, file{name: id + "/", typ: tar.TypeDir, mt: created},
					file{name: id + "/VERSION", typ: tar.TypeReg, data: memfs.TarOf([]byte("1.0")), mt: created},
					file{name: id + "/json", typ: tar.TypeReg, data: memfs.TarOf(js), mt: created})
				if old, ok := diffPaths[l.diffID]; ok {
					files = append(files, file{name: id + "/layer.tar", typ: tar.TypeSymlink, link: "../" + old, mt: created})
				} else {
					diffPaths[l.diffID] = id + "/layer.tar"
					files = append(files, file{name: id + "/layer.tar", typ: tar.TypeReg, data: l.data, mt: created})
				}
			}
			me.Layers = append(me.Layers, id+"/layer.tar")
			parent = id
		}
		if !written[me.Config] {
			written[me.Config] = true
			files = append(files, file{name: me.Config, typ: tar.TypeReg, data: memfs.TarOf(s.im.raw), mt: created})
		}
		for _, t := range s.tags {
			i := strings.LastIndex(t, ":")
			if repos[t[:i]] == nil {
				repos[t[:i]] = map[string]string{}
			}
			repos[t[:i]][t[i+1:]] = parent
		}
		manifest = append(manifest, me)
	}
	now := time.Now()
	mb, _ := json.Marshal(manifest)
	files = append(files, file{name: "manifest.json", typ: tar.TypeReg, data: memfs.TarOf(append(mb, '\n')), mt: now})
	if len(repos) > 0 {
		rb, _ := json.Marshal(repos)
		files = append(files, file{name: "repositories", typ: tar.TypeReg, data: memfs.TarOf(append(rb, '\n')), mt: now})
	}
	slices.SortStableFunc(files, func(a, b file) int {
		return strings.Compare(strings.TrimSuffix(a.name, "/"), strings.TrimSuffix(b.name, "/"))
	})
	tw := tar.NewWriter(w)
	for _, f := range files {
		hdr := saveHeader(f.typ, f.name, 0, f.mt)
		hdr.Linkname = f.link
		if f.typ == tar.TypeReg {
			hdr.Size = f.data.Len()
		}
		_ = tw.WriteHeader(hdr)
		_, _ = f.data.WriteTo(tw)
	}
	_ = tw.Close()
}

// zeroContainerConfig is an empty container config as dockerd marshals
// it (a v1 image's container_config when it has none).
const zeroContainerConfig = `{"Hostname":"","Domainname":"","User":"","AttachStdin":false,"AttachStdout":false,"AttachStderr":false,"Tty":false,"OpenStdin":false,"StdinOnce":false,"Env":null,"Cmd":null,"Image":"","Volumes":null,"WorkingDir":"","Entrypoint":null,"OnBuild":null,"Labels":null}`

// v1Image is a layer's json in a legacy save (dockerd's image.V1Image).
type v1Image struct {
	ID              string          `json:"id,omitempty"`
	Parent          string          `json:"parent,omitempty"`
	Comment         string          `json:"comment,omitempty"`
	Created         time.Time       `json:"created"`
	Container       string          `json:"container,omitempty"`
	ContainerConfig json.RawMessage `json:"container_config,omitempty"`
	DockerVersion   string          `json:"docker_version,omitempty"`
	Author          string          `json:"author,omitempty"`
	Config          json.RawMessage `json:"config,omitempty"`
	Architecture    string          `json:"architecture,omitempty"`
	OS              string          `json:"os,omitempty"`
}

// id is the layer's v1 id as dockerd's v1.CreateID makes it: the digest
// of its json without id, with the layer's chain id and the parent's v1
// id added (keys sorted).
func (v v1Image) id(chain, parent string) string {
	v.ID, v.Parent = "", ""
	b, _ := json.Marshal(v)
	var m map[string]json.RawMessage
	_ = json.Unmarshal(b, &m)
	m["layer_id"], _ = json.Marshal(chain)
	if parent != "" {
		m["parent"], _ = json.Marshal("sha256:" + parent)
	}
	b, _ = json.Marshal(m)
	return strings.TrimPrefix(digestOf(b), "sha256:")
}

// chainID is the chain id of a layer diffID over the layers whose chain
// id is parent ("" for the first).
func chainID(parent, diffID string) string {
	if parent == "" {
		return diffID
	}
	return digestOf([]byte(parent + " " + diffID))
}

// maxLoadFile bounds a file of an image tar.
const maxLoadFile = 1 << 30

// imageLoad reads a docker save tar (manifest.json with its config and
// layer files) and adds its images. As dockerd, it answers 200 and a JSON
// stream at once, and reports any failure in the stream; quiet (the
// default) leaves out the progress.
func (d *Daemon) imageLoad(w http.ResponseWriter, r *http.Request) error {
	quiet := true
	if r.URL.Query().Has("quiet") {
		quiet = boolParam(r, "quiet")
	}
	// the answer starts before the body is read, as dockerd's does
	_ = http.NewResponseController(w).EnableFullDuplex()
	// and the body is read to its end, whatever the tar's end marker or a
	// failure left of it: a chunked body left unread in full duplex made
	// the server close the connection under a client still writing it
	// (dockerode's load on a kept-alive socket: EPIPE)
	defer func() { _, _ = io.Copy(io.Discard, r.Body) }()
	js := newJSONStream(w)
	js.start()
	// the image tar, and each layer in it, may be compressed: dockerd
	// reads both through DecompressStream
	body, err := decompressStream(r.Context(), r.Body)
	if err != nil {
		js.fail(err)
		return nil
	}
	defer body.Close()
	files := map[string]memfs.Tar{}
	links := map[string]string{}
	tr := tar.NewReader(body)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			js.fail(loadReadError(err))
			return nil
		}
		if hdr.Typeflag == tar.TypeSymlink {
			// a legacy save links a layer written before
			links[strings.TrimPrefix(hdr.Name, "./")] = path.Join(path.Dir(strings.TrimPrefix(hdr.Name, "./")), hdr.Linkname)
			continue
		}
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		if hdr.Size > maxLoadFile {
			js.fail(fmt.Errorf("mockdaemon: %s in the image tar is larger than %d bytes", hdr.Name, maxLoadFile))
			return nil
		}
		data, err := readLoadFile(r.Context(), tr, hdr.Size)
		if err != nil {
			js.fail(loadReadError(err))
			return nil
		}
		files[strings.TrimPrefix(hdr.Name, "./")] = data
	}
	var manifest []struct {
		Config   string
		RepoTags []string
		Layers   []string
	}
	mf, ok := files["manifest.json"]
	if !ok {
		// dockerd falls back to the legacy format, whose index is missing too
		js.fail(fmt.Errorf("open /var/lib/docker/tmp/docker-import-%d/repositories: no such file or directory", d.tempNumber()))
		return nil
	}
	if err := json.Unmarshal(mf.Bytes(), &manifest); err != nil {
		js.fail(fmt.Errorf("mockdaemon: bad manifest.json: %w", err))
		return nil
	}
	for _, m := range manifest {
		cf, ok := files[m.Config]
		if !ok {
			js.fail(fmt.Errorf("mockdaemon: %s missing from the tar", m.Config))
			return nil
		}
		var f imageFile
		if err := json.Unmarshal(cf.Bytes(), &f); err != nil {
			js.fail(fmt.Errorf("mockdaemon: bad image config: %w", err))
			return nil
		}
		var layers []layer
		for _, lp := range m.Layers {
			data, ok := files[lp]
			if !ok {
				data, ok = files[links[lp]]
			}
			if !ok {
				js.fail(fmt.Errorf("mockdaemon: %s missing from the tar", lp))
				return nil
			}
			layers = append(layers, layer{data: data, diffID: tarDigest(data)})
		}
		// made outside the engine's lock, so that a large load does not
		// hold up other requests; published under it
		im, err := d.images.build(f, layers)
		if err != nil {
			js.fail(err)
			return nil
		}
		im, err = lockedValue(d, func() (*image, error) {
			im := d.images.put(im)
			for _, t := range m.RepoTags {
				if ref, err := parseRef(t, true); err == nil {
					if err := d.images.tag(im, ref); err != nil {
						return nil, err
					}
				}
			}
			return im, nil
		})
		if err != nil {
			js.fail(err)
			return nil
		}
		if !quiet {
			for _, l := range layers {
				js.msg(map[string]any{"status": "Loading layer", "progressDetail": map[string]any{"current": l.data.Len(), "total": l.data.Len()}, "id": strings.TrimPrefix(l.diffID, "sha256:")[:12]})
			}
		}
		if len(m.RepoTags) == 0 {
			js.msg(map[string]any{"stream": "Loaded image ID: " + im.id + "\n"})
		}
		for _, t := range m.RepoTags {
			if ref, err := parseRef(t, true); err == nil {
				js.msg(map[string]any{"stream": "Loaded image: " + ref.tagged() + "\n"})
			}
		}
		d.emit("image", "load", im.id, im.eventAttrs(im.id))
	}
	return nil
}

// readLoadFile reads a file of an image tar into a slice of its size,
// the one a layer keeps; a compressed file (a layer) is kept as the tar
// it holds.
func readLoadFile(ctx context.Context, r io.Reader, size int64) (memfs.Tar, error) {
	rc, compressed, err := decompress(ctx, r)
	if err != nil {
		return memfs.Tar{}, err
	}
	defer rc.Close()
	if !compressed {
		return memfs.ReadTar(rc, size, maxLoadFile)
	}
	return memfs.ReadTar(rc, -1, maxLoadFile)
}

// loadReadError is a load's failure to read its tar: the unpacker's.
func loadReadError(err error) error {
	if de, ok := decompressFailure(err); ok {
		return de
	}
	return tarFileError(err)
}

// tempNumber numbers a temporary directory of the daemon's, as
// os.MkdirTemp does (docker-import-NNN).
func (d *Daemon) tempNumber() uint32 {
	b := []byte(d.newID()[:8])
	var n uint32
	for _, c := range b {
		n = n*16 + uint32(strings.IndexByte("0123456789abcdef", c))
	}
	return n
}

// unpackRefusal is memfs's refusal of an entry (memfs.OverwriteError,
// memfs.BreakoutError), which Reason words as pkg/archive does.
type unpackRefusal interface {
	error
	Reason() string
}

// tarFileError is how dockerd's chrooted unpacker reports a tar it cannot
// read: through its exit status, with the reader's error.
func tarFileError(err error) error {
	if re := unpackRefusal(nil); errors.As(err, &re) {
		return errInternal("Error processing tar file(exit status 1): " + re.Reason())
	}
	for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(err) {
		err = u
	}
	return errInternal("Error processing tar file(exit status 1): " + err.Error())
}
