package mockdaemon

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
	"github.com/dockwire/dockwire/mockdaemon/internal/shell"
)

//go:embed busybox_applets.txt
var busyboxApplets string

// imageConfig is the "config" part of an image (and of a container's
// Config): what a container made from it runs.
type imageConfig struct {
	Hostname     string              `json:"Hostname,omitempty"`
	User         string              `json:"User,omitempty"`
	ExposedPorts map[string]struct{} `json:"ExposedPorts,omitempty"`
	Env          []string            `json:"Env,omitempty"`
	Cmd          []string            `json:"Cmd,omitempty"`
	Entrypoint   []string            `json:"Entrypoint,omitempty"`
	Volumes      map[string]struct{} `json:"Volumes,omitempty"`
	WorkingDir   string              `json:"WorkingDir,omitempty"`
	Labels       map[string]string   `json:"Labels,omitempty"`
	StopSignal   string              `json:"StopSignal,omitempty"`
	OnBuild      []string            `json:"OnBuild,omitempty"`
	Shell        []string            `json:"Shell,omitempty"`
	Healthcheck  json.RawMessage     `json:"Healthcheck,omitempty"`
	Image        string              `json:"Image,omitempty"` // the image a build step started from
}

// historyEntry is one line of an image's history.
type historyEntry struct {
	Created    time.Time `json:"created"`
	CreatedBy  string    `json:"created_by,omitempty"`
	Comment    string    `json:"comment,omitempty"`
	Author     string    `json:"author,omitempty"`
	EmptyLayer bool      `json:"empty_layer,omitempty"`
}

// imageFile is the image configuration document (OCI image config plus
// Docker's fields); its sha256 is the image id.
type imageFile struct {
	Architecture string         `json:"architecture"`
	Author       string         `json:"author,omitempty"`
	Comment      string         `json:"comment,omitempty"`
	Config       imageConfig    `json:"config"`
	Created      time.Time      `json:"created"`
	History      []historyEntry `json:"history,omitempty"`
	OS           string         `json:"os"`
	// What a build step records: the container it committed, that
	// container's config, the daemon's version.
	Container       string       `json:"container,omitempty"`
	ContainerConfig *imageConfig `json:"container_config,omitempty"`
	DockerVersion   string       `json:"docker_version,omitempty"`
	RootFS          struct {
		Type    string   `json:"type"`
		DiffIDs []string `json:"diff_ids"`
	} `json:"rootfs"`
}

type layer struct {
	diffID string    // sha256:<hex of the tar>
	data   memfs.Tar // uncompressed tar
	size   int64     // bytes of its regular files (dockerd's DiffSize); build fills it
}

// image is one image in the store.
type image struct {
	id       string // sha256:...
	raw      []byte // the config document
	file     imageFile
	layers   []layer
	fs       *memfs.FS // the layers applied, read-only template
	tags     []string  // familiar repo:tag; never changed in place (see without)
	digests  []string  // familiar repo@sha256:...; never changed in place
	size     int64
	manifest []byte
	parent   string    // the image it was built or committed from, for history
	tagged   time.Time // when it was last tagged (Metadata.LastTagTime); see tagImageLocked
}

func (im *image) shortID() string { return strings.TrimPrefix(im.id, "sha256:")[:12] }

// imageStore holds images. It is guarded by Daemon.mu.
type imageStore struct {
	d         *Daemon
	byID      map[string]*image
	tags      map[string]string // familiar repo:tag -> id
	catalogue map[string]bool   // refs that a pull of can succeed
}

func newImageStore(d *Daemon) *imageStore {
	return &imageStore{d: d, byID: map[string]*image{}, tags: map[string]string{}, catalogue: map[string]bool{}}
}

func (s *imageStore) count() int { return len(s.byID) }

var (
	baseLayerOnce sync.Once
	baseLayerTar  []byte
	busyboxDiffID string    // digest of baseLayerTar
	busyboxFS     *memfs.FS // baseLayerTar extracted; only ever cloned
)

// busyboxLayer builds the base layer: a small root filesystem whose /bin
// holds every busybox applet name as a hard link to /bin/busybox.
func busyboxLayer() []byte {
	baseLayerOnce.Do(func() {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		mt := time.Date(2024, 9, 26, 21, 31, 42, 0, time.UTC)
		dir := func(name string, mode int64) {
			_ = tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: mode, ModTime: mt, Format: tar.FormatPAX})
		}
		file := func(name string, mode int64, data string) {
			_ = tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(data)), ModTime: mt, Format: tar.FormatPAX})
			_, _ = io.WriteString(tw, data)
		}
		for _, d := range []string{"bin", "dev", "etc", "home", "lib", "lib64", "proc", "root", "sys", "usr", "usr/sbin", "var", "var/spool", "var/spool/mail", "var/www", "home/nobody"} {
			dir(d, 0o755)
		}
		dir("tmp", 0o1777)
		dir("etc/network", 0o755)
		file("bin/busybox", 0o755, "\x7fELF busybox (dockwire mock: its applets are built into the mock daemon)\n")
		names := strings.Fields(busyboxApplets)
		for _, a := range shell.Applets() {
			if !slices.Contains(names, a) {
				names = append(names, a)
			}
		}
		sort.Strings(names)
		for _, a := range names {
			if a == "busybox" {
				continue
			}
			_ = tw.WriteHeader(&tar.Header{Typeflag: tar.TypeLink, Name: "bin/" + a, Linkname: "bin/busybox", Mode: 0o755, ModTime: mt, Format: tar.FormatPAX})
		}
		file("etc/passwd", 0o644, "root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nbin:x:2:2:bin:/bin:/bin/false\nsys:x:3:3:sys:/dev:/bin/false\nsync:x:4:100:sync:/bin:/bin/sync\nmail:x:8:8:mail:/var/spool/mail:/bin/false\nwww-data:x:33:33:www-data:/var/www:/bin/false\noperator:x:37:37:Operator:/var:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n")
		file("etc/group", 0o644, "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\ndisk:x:6:\nwheel:x:10:root\nmail:x:8:\nwww-data:x:33:\noperator:x:37:\nusers:x:100:\nnogroup:x:65534:\n")
		file("etc/shadow", 0o600, "root:*:10933:0:99999:7:::\nnobody:*:10933:0:99999:7:::\n")
		file("etc/localtime", 0o644, "TZif2UTC\n")
		_ = tw.Close()
		baseLayerTar = buf.Bytes()
		busyboxDiffID = digestOf(baseLayerTar)
		busyboxFS = memfs.New()
		if err := applyLayer(busyboxFS, memfs.TarOf(baseLayerTar)); err != nil {
			panic("mockdaemon: base layer: " + err.Error()) // built above: cannot fail
		}
	})
	return baseLayerTar
}

// tarDigest is digestOf the stream t holds.
func tarDigest(t memfs.Tar) string {
	h := sha256.New()
	_, _ = t.WriteTo(h)
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

func digestOf(b []byte) string {
	h := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(h[:])
}

// addBase adds a busybox-like base image under ref, and remembers ref as
// pullable.
func (s *imageStore) addBase(refStr string) {
	ref, err := parseRef(refStr, true)
	if err != nil || ref.tag == "" {
		return
	}
	var f imageFile
	f.Architecture = goArch()
	f.OS = "linux"
	f.Created = time.Date(2024, 9, 26, 21, 31, 42, 0, time.UTC)
	f.Config = imageConfig{Env: []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}, Cmd: []string{"sh"}}
	data := busyboxLayer()
	lay := layer{data: memfs.TarOf(data), diffID: busyboxDiffID}
	f.History = []historyEntry{
		{Created: f.Created, CreatedBy: "BusyBox 1.37.0 (glibc), Debian 13"},
	}
	im, err := s.build(f, []layer{lay})
	if err != nil {
		return
	}
	s.catalogue[ref.tagged()] = true
	s.catalogue[ref.repo] = true
	im = s.put(im) // the image of an earlier base name, the same one
	_ = s.tag(im, ref)
	s.addDigest(im, ref)
}

func (s *imageStore) addDigest(im *image, ref imageRef) {
	dg := ref.repo + "@" + digestOf(im.manifest)
	if !slices.Contains(im.digests, dg) {
		im.digests = append(slices.Clip(im.digests), dg)
		sortRefs(im.digests)
	}
}

// sortRefs orders familiar references as dockerd's reference store lists
// an image's: by their full names (docker.io/library/busybox:latest), so
// that 127.0.0.1:5000/x comes before busybox and localhost/x after it.
func sortRefs(refs []string) {
	full := func(s string) string {
		r, err := parseRef(s, false)
		if err != nil {
			return s
		}
		if r.domain() != "docker.io" {
			return s
		}
		return "docker.io/" + r.path() + strings.TrimPrefix(s, r.repo)
	}
	slices.SortFunc(refs, func(a, b string) int { return strings.Compare(full(a), full(b)) })
}

func goArch() string { return runtime.GOARCH }

// build makes an image from its config document and layers (not yet in
// the store).
func (s *imageStore) build(f imageFile, layers []layer) (*image, error) {
	im := &image{layers: layers}
	if len(layers) == 1 && busyboxFS != nil && layers[0].diffID == busyboxDiffID {
		// The base layer is extracted once per process and each
		// daemon's image gets a copy-on-write clone of it.
		im.fs = busyboxFS.Clone()
	} else {
		im.fs = memfs.New()
		im.fs.SetClock(s.d.cfg.Clock)
		for _, l := range layers {
			if err := applyLayer(im.fs, l.data); err != nil {
				return nil, err
			}
		}
	}
	im.fs.SetClock(s.d.cfg.Clock)
	return s.finish(im, f)
}

// finish fills what an image's layers and config document give: its
// rootfs, size, id and manifest. im.layers and im.fs are set.
func (s *imageStore) finish(im *image, f imageFile) (*image, error) {
	f.RootFS.Type = "layers"
	f.RootFS.DiffIDs = nil
	for i := range im.layers {
		l := &im.layers[i]
		if l.size == 0 {
			l.size = tarFileBytes(l.data)
		}
		f.RootFS.DiffIDs = append(f.RootFS.DiffIDs, l.diffID)
		im.size += l.size
	}
	raw, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	im.raw = raw
	im.file = f
	im.id = digestOf(raw)
	im.manifest = s.manifestFor(im)
	return im, nil
}

// tarFileBytes counts the bytes of the regular files a layer holds.
func tarFileBytes(data memfs.Tar) int64 {
	var n int64
	tr := tar.NewReader(data.Reader())
	for {
		hdr, err := tr.Next()
		if err != nil {
			return n
		}
		if hdr.Typeflag == tar.TypeReg {
			n += hdr.Size
		}
	}
}

// applyLayer extracts a layer tar onto fs, honouring whiteouts. The
// files share their contents with the layer, which an image keeps as is.
func applyLayer(fs *memfs.FS, data memfs.Tar) error {
	if err := fs.ExtractLayerBytes(data); err != nil {
		return fmt.Errorf("mockdaemon: bad layer: %w", err)
	}
	return nil
}

func (s *imageStore) manifestFor(im *image) []byte {
	type desc struct {
		MediaType string `json:"mediaType"`
		Digest    string `json:"digest"`
		Size      int    `json:"size"`
	}
	m := struct {
		SchemaVersion int    `json:"schemaVersion"`
		MediaType     string `json:"mediaType"`
		Config        desc   `json:"config"`
		Layers        []desc `json:"layers"`
	}{2, "application/vnd.oci.image.manifest.v1+json", desc{"application/vnd.oci.image.config.v1+json", im.id, len(im.raw)}, []desc{}}
	for _, l := range im.layers {
		m.Layers = append(m.Layers, desc{"application/vnd.oci.image.layer.v1.tar", l.diffID, int(l.data.Len())})
	}
	b, _ := json.Marshal(m)
	return b
}

func (s *imageStore) put(im *image) *image {
	if old, ok := s.byID[im.id]; ok {
		return old
	}
	s.byID[im.id] = im
	return im
}

// tag points ref at im, moving it from any image it named before; an image
// left with no tag and no container keeps existing (dangling).
func (s *imageStore) tag(im *image, ref imageRef) error {
	t := ref.tagged()
	if t == "" {
		return nil
	}
	// dockerd's reference store refuses a name that reads as a digest
	if ref.repo == "sha256" {
		return errInvalid("refusing to create an ambiguous tag using digest algorithm as name")
	}
	if oldID, ok := s.tags[t]; ok && oldID != im.id {
		if old := s.byID[oldID]; old != nil {
			old.tags = without(old.tags, func(x string) bool { return x == t })
		}
	}
	s.tags[t] = im.id
	if !slices.Contains(im.tags, t) {
		tags := append(slices.Clip(im.tags), t) // a new array: answers keep the old one
		sortRefs(tags)
		im.tags = tags
	}
	return nil
}

// without is list without the elements del picks, in a new array: an
// image's tags and digests are never changed in place, since answers
// built under the engine lock hold them while they are written out after
// it (an image list's encoding raced an untag's in-place delete).
func without(list []string, del func(string) bool) []string {
	return slices.DeleteFunc(slices.Clone(list), del)
}

func (s *imageStore) untag(im *image, t string) {
	delete(s.tags, t)
	im.tags = without(im.tags, func(x string) bool { return x == t })
	repo := t[:strings.LastIndex(t, ":")]
	if !slices.ContainsFunc(im.tags, func(x string) bool { return strings.HasPrefix(x, repo+":") }) {
		im.digests = without(im.digests, func(x string) bool { return strings.HasPrefix(x, repo+"@") })
	}
}

// get resolves a name, tag, digest reference, full id or id prefix.
func (s *imageStore) get(refOrID string) (*image, error) {
	if refOrID == "" {
		return nil, noSuchImage(refOrID)
	}
	if strings.HasPrefix(refOrID, "sha256:") && len(refOrID) == 71 {
		if im := s.byID[refOrID]; im != nil {
			return im, nil
		}
		return nil, noSuchImage(refOrID)
	}
	ref, err := parseRef(refOrID, true)
	if err != nil && !looksLikeID(refOrID) {
		// dockerd's GetImage: reference.ParseAnyReference's error, 400
		return nil, err
	}
	if err == nil {
		if ref.digest != "" {
			for _, im := range s.byID {
				for _, dg := range im.digests {
					if strings.HasSuffix(dg, "@"+ref.digest) && strings.HasPrefix(dg, ref.repo+"@") {
						return im, nil
					}
				}
				if im.id == ref.digest {
					return im, nil
				}
			}
		} else if id, ok := s.tags[ref.tagged()]; ok {
			return s.byID[id], nil
		}
	}
	if looksLikeID(refOrID) {
		prefix := "sha256:" + strings.TrimPrefix(refOrID, "sha256:")
		var found *image
		for id, im := range s.byID {
			if strings.HasPrefix(id, prefix) {
				if found != nil {
					return nil, errNotFound("No such image: " + refOrID)
				}
				found = im
			}
		}
		if found != nil {
			return found, nil
		}
	}
	if err == nil && !strings.HasPrefix(refOrID, "sha256:") {
		if ref.digest != "" {
			return nil, noSuchImage(ref.String())
		}
		return nil, noSuchImage(ref.tagged())
	}
	return nil, noSuchImage(refOrID)
}

// repoRef is an image a repository names, by a tag ("repo:tag") or by
// a digest (tag empty).
type repoRef struct {
	im  *image
	tag string
}

// repositoryRefs lists the references of the repository repo: its tags
// in order, then its digests.
func (s *imageStore) repositoryRefs(repo string) []repoRef {
	var out []repoRef
	for _, t := range slices.Sorted(maps.Keys(s.tags)) {
		if t[:strings.LastIndex(t, ":")] == repo {
			out = append(out, repoRef{s.byID[s.tags[t]], t})
		}
	}
	for _, im := range s.sorted() {
		for _, dg := range im.digests {
			if dg[:strings.LastIndex(dg, "@")] == repo {
				out = append(out, repoRef{im, ""})
			}
		}
	}
	return out
}

// children counts the images made from each image (a build's steps, a
// commit).
func (s *imageStore) children() map[string]int {
	n := map[string]int{}
	for _, im := range s.byID {
		if im.parent != "" {
			n[im.parent]++
		}
	}
	return n
}

func (s *imageStore) sorted() []*image {
	out := slices.Collect(maps.Values(s.byID))
	sort.Slice(out, func(i, j int) bool {
		if !out[i].file.Created.Equal(out[j].file.Created) {
			return out[i].file.Created.After(out[j].file.Created)
		}
		return out[i].id < out[j].id
	})
	return out
}

// summary is the image's ImageSummary for GET /images/json.
func (im *image) summary(ver apiVersion, containers int) map[string]any {
	tags := im.tags
	if tags == nil {
		tags = []string{}
	}
	digests := im.digests
	if digests == nil {
		digests = []string{}
	}
	labels := im.file.Config.Labels
	if labels == nil {
		labels = map[string]string{}
	}
	m := map[string]any{
		"Id":          im.id,
		"ParentId":    im.parent,
		"RepoTags":    tags,
		"RepoDigests": digests,
		"Created":     im.file.Created.Unix(),
		"Size":        im.size,
		"SharedSize":  int64(-1),
		"Labels":      labels,
		"Containers":  containers,
	}
	if !ver.atLeast("1.44") {
		m["VirtualSize"] = im.size
	}
	if ver.atLeast("1.47") {
		m["Descriptor"] = map[string]any{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digestOf(im.manifest), "size": len(im.manifest)}
	}
	return m
}

func (im *image) inspect(ver apiVersion) *object {
	summary := im.summary(ver, 0)
	config := imageConfigJSON(im.file.Config, ver)
	m := map[string]any{
		"Id":           im.id,
		"RepoTags":     summary["RepoTags"],
		"RepoDigests":  summary["RepoDigests"],
		"Comment":      im.file.Comment,
		"Created":      im.file.Created.Format(time.RFC3339Nano),
		"Author":       im.file.Author,
		"Config":       config,
		"Architecture": im.file.Architecture,
		"Os":           im.file.OS,
		"Size":         im.size,
		"GraphDriver":  graphDriverJSON{Name: "overlay2", Data: im.graphDriverData()},
		"RootFS":       orderedObject(map[string]any{"Type": "layers", "Layers": im.file.RootFS.DiffIDs}, []string{"Type", "Layers"}),
		"Metadata":     map[string]any{"LastTagTime": fmtTime(im.tagged)},
	}
	if !ver.atLeast("1.44") {
		m["Parent"] = im.parent
		m["Container"] = im.file.Container
		m["DockerVersion"] = im.file.DockerVersion
		m["VirtualSize"] = im.size
		m["ContainerConfig"] = config
		if cc := im.file.ContainerConfig; cc != nil {
			m["ContainerConfig"] = imageConfigJSON(*cc, ver)
		}
	}
	if ver.atLeast("1.48") {
		m["Descriptor"] = summary["Descriptor"]
	}
	return orderedObject(m, imageInspectOrder)
}

// imageInspectOrder is the field order of dockerd's image inspect.
var imageInspectOrder = []string{"Id", "RepoTags", "RepoDigests", "Parent", "Comment", "Created", "Container", "ContainerConfig",
	"DockerVersion", "Author", "Config", "Architecture", "Variant", "Os", "OsVersion", "Size", "VirtualSize", "GraphDriver",
	"RootFS", "Metadata", "Descriptor"}

// containerConfigOrder is the field order of dockerd's container Config,
// an image's Config in inspect.
var containerConfigOrder = []string{"Hostname", "Domainname", "User", "AttachStdin", "AttachStdout", "AttachStderr",
	"ExposedPorts", "Tty", "OpenStdin", "StdinOnce", "Env", "Cmd", "Healthcheck", "ArgsEscaped", "Image", "Volumes",
	"WorkingDir", "Entrypoint", "NetworkDisabled", "MacAddress", "OnBuild", "Labels", "StopSignal", "StopTimeout", "Shell"}

// graphDriverData are the overlay2 directories of the image's top layer,
// and of those under it (LowerDir, top first), named like dockerd's by
// ids of their own.
func (im *image) graphDriverData() map[string]string {
	cacheID := func(s string) string { return strings.TrimPrefix(digestOf([]byte("overlay2 "+s)), "sha256:") }
	dir := "/var/lib/docker/overlay2/" + cacheID(im.id)
	m := map[string]string{"MergedDir": dir + "/merged", "UpperDir": dir + "/diff", "WorkDir": dir + "/work"}
	var lower []string
	for i := len(im.layers) - 2; i >= 0; i-- {
		lower = append(lower, "/var/lib/docker/overlay2/"+cacheID(im.layers[i].diffID)+"/diff")
	}
	if len(lower) > 0 {
		m["LowerDir"] = strings.Join(lower, ":")
	}
	return m
}

// imageConfigJSON is an image's Config (or ContainerConfig) in inspect:
// before API 1.46 the whole container Config, since then the image
// config's fields.
func imageConfigJSON(cfg imageConfig, ver apiVersion) *object {
	config := map[string]any{
		"Cmd":        cfg.Cmd,
		"Entrypoint": cfg.Entrypoint,
		"WorkingDir": cfg.WorkingDir,
		"Labels":     cfg.Labels,
		"User":       cfg.User,
	}
	if cfg.Env != nil {
		config["Env"] = cfg.Env
	}
	if cfg.ExposedPorts != nil {
		config["ExposedPorts"] = cfg.ExposedPorts
	}
	if cfg.Volumes != nil {
		config["Volumes"] = cfg.Volumes
	}
	if cfg.StopSignal != "" {
		config["StopSignal"] = cfg.StopSignal
	}
	if cfg.OnBuild != nil {
		config["OnBuild"] = cfg.OnBuild
	}
	if cfg.Shell != nil {
		config["Shell"] = cfg.Shell
	}
	if hc := parseHealthConfig(cfg.Healthcheck); hc != nil {
		config["Healthcheck"] = hc
	}
	if !ver.atLeast("1.46") {
		config["Hostname"] = cfg.Hostname
		config["Domainname"] = ""
		for _, k := range []string{"AttachStdin", "AttachStdout", "AttachStderr", "Tty", "OpenStdin", "StdinOnce"} {
			config[k] = false
		}
		config["Image"] = cfg.Image
		config["Env"] = cfg.Env // null when none: a container Config's
		config["Volumes"] = cfg.Volumes
		config["OnBuild"] = cfg.OnBuild
	}
	return orderedObject(config, containerConfigOrder)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// hasLayerBesides reports whether an image other than id has the layer
// diffID.
func (s *imageStore) hasLayerBesides(diffID, id string) bool {
	for _, im := range s.byID {
		if im.id != id && slices.ContainsFunc(im.layers, func(l layer) bool { return l.diffID == diffID }) {
			return true
		}
	}
	return false
}

func (s *imageStore) byIDSize(id string) int64 {
	if im := s.byID[id]; im != nil {
		return im.size
	}
	return 0
}

// imageContainerCountsLocked counts the containers using each image; d.mu held.
func (d *Daemon) imageContainerCountsLocked() map[string]int {
	m := map[string]int{}
	for _, c := range d.containers {
		m[c.imageID]++
	}
	return m
}

func (s *imageStore) summaries(ver apiVersion, counts map[string]int) []any {
	var out []any
	for _, im := range s.sorted() {
		out = append(out, im.summary(ver, counts[im.id]))
	}
	return out
}

// familiarMatch is dockerd's reference.FamiliarMatch: the pattern
// (path.Match) against the familiar reference ("127.0.0.1:5000/x:v1",
// "busybox@sha256:..."), else against its familiar name alone
// ("127.0.0.1:5000/x"). Full names (docker.io/library/...) never match.
func familiarMatch(pat, ref string) bool {
	if globMatch(pat, ref) {
		return true
	}
	name, _, _ := strings.Cut(ref, "@")
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		name = name[:i]
	}
	return globMatch(pat, name)
}

// refsMatching are the references in refs (familiar tags or digests)
// that one of the reference filter's patterns matches; all of them
// without that filter.
func refsMatching(f filters, refs []string) []string {
	if !f.has("reference") {
		return refs
	}
	var out []string
	for _, r := range refs {
		if f.matchAny("reference", func(pat string) bool { return familiarMatch(pat, r) }) {
			out = append(out, r)
		}
	}
	return out
}

// imageMatches reports whether the label and until filters keep im (the
// list applies dangling and reference to each reference, see imageList).
func imageMatches(f filters, im *image) bool {
	if !f.matchLabels("label", im.file.Config.Labels) {
		return false
	}
	if !f.matchLabels("label!", im.file.Config.Labels) {
		return false
	}
	if v := f["until"]; len(v) > 0 {
		for u := range v {
			t, err := parseUntil(u)
			if err == nil && !im.file.Created.Before(t) {
				return false
			}
		}
	}
	return true
}

// globMatch matches a path.Match-like pattern with '*' not crossing '/'.
func globMatch(pat, s string) bool {
	ok, err := pathMatch(pat, s)
	return err == nil && ok
}

// historyLocked lists im's history newest first like dockerd: each entry
// that ends an image still in the store (im, the image it was built or
// committed from, and so on) carries that image's Id and tags, the
// others "<missing>"; an image's added bytes are spread over its
// non-empty steps; d.mu held.
func (d *Daemon) historyLocked(im *image) []any {
	hist := im.file.History
	out := make([]any, 0, len(hist))
	cur := im
	curStart := 0 // the first history index that belongs to cur
	var curSize int64
	nonEmpty := func(h []historyEntry) int64 {
		n := int64(0)
		for _, e := range h {
			if !e.EmptyLayer {
				n++
			}
		}
		return max(1, n)
	}
	// ancestor returns the parent of cur when its history is a prefix of im's.
	ancestor := func(c *image) *image {
		p := d.images.byID[c.parent]
		if p == nil || len(p.file.History) > len(hist) || len(p.file.History) >= len(c.file.History) {
			return nil
		}
		for i, e := range p.file.History {
			if e.CreatedBy != hist[i].CreatedBy || !e.Created.Equal(hist[i].Created) {
				return nil
			}
		}
		return p
	}
	settle := func() {
		curStart, curSize = 0, cur.size
		if p := ancestor(cur); p != nil {
			curStart = len(p.file.History)
			curSize = max(0, cur.size-p.size)
		}
		curSize /= nonEmpty(hist[curStart:len(cur.file.History)])
	}
	if cur != nil {
		settle()
	}
	for i := len(hist) - 1; i >= 0; i-- {
		h := hist[i]
		entry := map[string]any{
			"Id":        "<missing>",
			"Created":   h.Created.Unix(),
			"CreatedBy": h.CreatedBy,
			"Tags":      nil,
			"Size":      int64(0),
			"Comment":   h.Comment,
		}
		if cur != nil && i < curStart {
			if cur = ancestor(cur); cur != nil {
				settle()
			}
		}
		if cur != nil && i == len(cur.file.History)-1 {
			entry["Id"] = cur.id
			if len(cur.tags) > 0 {
				entry["Tags"] = slices.Clone(cur.tags)
			}
		}
		if !h.EmptyLayer {
			if cur != nil {
				entry["Size"] = curSize
			} else {
				entry["Size"] = im.size / nonEmpty(hist)
			}
		}
		out = append(out, entry)
	}
	return out
}

// deleteImageLocked implements dockerd's image delete rules and sends
// its events: an untag per reference removed and a delete per image
// removed, each by the image's id, none for the layers; d.mu held. With
// prune, the untagged images it was made from that nothing else uses go
// with it (a build's steps).
func (d *Daemon) deleteImageLocked(name string, force, prune bool) ([]map[string]string, error) {
	im, err := d.images.get(name)
	if err != nil {
		return nil, err
	}
	layers := d.layerIDsLocked()
	res, err := d.deleteImageRecordsLocked(im, name, force, prune)
	for _, e := range res {
		if _, ok := e["Untagged"]; ok {
			// only the named image loses references (the images pruned
			// with it had none); it still exists then: its labels too
			d.events.emit("image", "untag", im.id, im.eventAttrs(im.id))
		}
		if id, ok := e["Deleted"]; ok && !layers[id] {
			d.events.emit("image", "delete", id, map[string]string{"name": id})
		}
	}
	return res, err
}

// deleteImageRecordsLocked deletes im, named name, and lists what went,
// as dockerd's ImageDelete: a reference given by name is removed first
// (refused, unless forced, when it is the image's single reference and a
// container uses the image), and the image goes with it only when that
// was its last reference and nothing holds it (quietly kept otherwise);
// an image given by id loses its references when they are a single one,
// then goes unless a conflict holds it: child images or a running
// container (hard), references or a stopped container (soft, overridden
// by force). With prune, its parents go too while nothing holds them.
// d.mu held.
func (d *Daemon) deleteImageRecordsLocked(im *image, name string, force, prune bool) ([]map[string]string, error) {
	var res []map[string]string
	quiet := false
	if !looksLikeIDExact(name, im) {
		if !force && im.singleReference() {
			if c := d.imageUserLocked(im, false); c != nil {
				return nil, errConflict(fmt.Sprintf("conflict: unable to remove repository reference %q (must force) - container %s is using its referenced image %s", name, c.id[:12], im.shortID()))
			}
		}
		ref, err := parseRef(name, true)
		if err != nil {
			return nil, err
		}
		res = append(res, d.removeRefLocked(im, ref)...)
		if len(im.tags)+len(im.digests) > 0 {
			return res, nil
		}
		quiet = true
	} else if im.singleReference() {
		mask := conflictHard
		if !force {
			mask |= conflictStoppedContainer
		}
		if c := d.imageDeleteConflictLocked(im, mask); c != nil {
			return nil, c.error
		}
		res = append(res, d.removeAllRefsLocked(im)...)
	}
	return d.imageDeleteHelperLocked(im, res, force, prune, quiet)
}

// Conflicts that keep an image from being deleted, as dockerd's: hard
// ones force does not override.
const (
	conflictDependentChild = 1 << iota
	conflictRunningContainer
	conflictActiveReference
	conflictStoppedContainer
	conflictHard = conflictDependentChild | conflictRunningContainer
	conflictSoft = conflictActiveReference | conflictStoppedContainer
)

// imageDeleteConflict is a conflict that keeps an image: used when a
// container uses the image.
type imageDeleteConflict struct {
	error
	used bool
}

// imageDeleteConflictLocked is the first conflict of mask that holds im;
// d.mu held.
func (d *Daemon) imageDeleteConflictLocked(im *image, mask int) *imageDeleteConflict {
	conflict := func(hard, used bool, msg string) *imageDeleteConflict {
		force := "must be forced"
		if hard {
			force = "cannot be forced"
		}
		return &imageDeleteConflict{errConflict(fmt.Sprintf("conflict: unable to delete %s (%s) - %s", im.shortID(), force, msg)), used}
	}
	if mask&conflictDependentChild != 0 && d.images.children()[im.id] > 0 {
		return conflict(true, false, "image has dependent child images")
	}
	if c := d.imageUserLocked(im, true); mask&conflictRunningContainer != 0 && c != nil {
		return conflict(true, true, "image is being used by running container "+c.id[:12])
	}
	if mask&conflictActiveReference != 0 && len(im.tags)+len(im.digests) > 0 {
		return conflict(false, false, "image is referenced in multiple repositories")
	}
	if mask&conflictStoppedContainer != 0 {
		for _, c := range d.sortedContainersLocked() {
			if c.imageID == im.id && !c.state.Running && !c.state.Paused {
				return conflict(false, true, "image is being used by stopped container "+c.id[:12])
			}
		}
	}
	return nil
}

// imageDeleteHelperLocked deletes im unless a conflict holds it (any with
// quiet, when im still has references or children or a container uses
// it, keeps it without a word), its references first; with prune, then
// its parent, quietly and unforced. d.mu held.
func (d *Daemon) imageDeleteHelperLocked(im *image, res []map[string]string, force, prune, quiet bool) ([]map[string]string, error) {
	for {
		mask := conflictHard
		if !force {
			mask |= conflictSoft
		}
		if c := d.imageDeleteConflictLocked(im, mask); c != nil {
			dangling := len(im.tags)+len(im.digests) == 0 && d.images.children()[im.id] == 0
			if quiet && (!dangling || c.used) {
				return res, nil
			}
			return res, c.error
		}
		res = append(res, d.removeAllRefsLocked(im)...)
		res = append(res, d.removeImageLocked(im)...)
		parent := d.images.byID[im.parent]
		if !prune || parent == nil {
			return res, nil
		}
		im, force, quiet = parent, false, true
	}
}

// imageUserLocked is a container that uses im (a running one only, with
// running), or nil; d.mu held.
func (d *Daemon) imageUserLocked(im *image, running bool) *container {
	for _, c := range d.sortedContainersLocked() {
		if c.imageID == im.id && (!running || c.state.Running || c.state.Paused) {
			return c
		}
	}
	return nil
}

// singleReference reports whether im's references are all of one
// repository with at most one tag among them (dockerd's
// isSingleReference); false without any.
func (im *image) singleReference() bool {
	if len(im.tags) > 1 {
		return false
	}
	repos := map[string]bool{}
	for _, t := range im.tags {
		repos[t[:strings.LastIndex(t, ":")]] = true
	}
	for _, dg := range im.digests {
		repos[dg[:strings.LastIndex(dg, "@")]] = true
	}
	return len(repos) == 1
}

// removeRefLocked removes ref from im's references (a tag, or a digest
// reference) and lists it as untagged; a tag whose repository is left
// with digest references only takes them along. d.mu held.
func (d *Daemon) removeRefLocked(im *image, ref imageRef) []map[string]string {
	if ref.digest != "" {
		dg := ref.repo + "@" + ref.digest
		im.digests = without(im.digests, func(x string) bool { return x == dg })
		return []map[string]string{{"Untagged": dg}}
	}
	before := slices.Clone(im.digests)
	d.images.untag(im, ref.tagged())
	res := []map[string]string{{"Untagged": ref.tagged()}}
	for _, dg := range before {
		if !slices.Contains(im.digests, dg) {
			res = append(res, map[string]string{"Untagged": dg})
		}
	}
	return res
}

// removeAllRefsLocked removes every reference of im, listing each as
// untagged; d.mu held.
func (d *Daemon) removeAllRefsLocked(im *image) []map[string]string {
	var res []map[string]string
	for _, t := range slices.Clone(im.tags) {
		d.images.untag(im, t)
		res = append(res, map[string]string{"Untagged": t})
	}
	for _, dg := range im.digests {
		res = append(res, map[string]string{"Untagged": dg})
	}
	im.digests = nil
	return res
}

// removeImageLocked takes im out of the store and returns the records of
// what went: the image, then its layers no other image holds (none while
// a container made from it, whose filesystem lies on them, exists);
// d.mu held.
func (d *Daemon) removeImageLocked(im *image) []map[string]string {
	delete(d.images.byID, im.id)
	res := []map[string]string{{"Deleted": im.id}}
	if d.imageUserLocked(im, false) != nil {
		return res
	}
	for _, l := range im.layers {
		if !d.layerInUseLocked(l.diffID) {
			res = append(res, map[string]string{"Deleted": l.diffID})
		}
	}
	return res
}

func looksLikeIDExact(name string, im *image) bool {
	return looksLikeID(name) && strings.HasPrefix(im.id, "sha256:"+strings.TrimPrefix(name, "sha256:"))
}

// tagImageLocked tags im as dockerd's TagImage does (for a tag, a build,
// a commit, an import; not a pull or a load): it records the time in
// Metadata.LastTagTime and sends a tag event; d.mu held. A name the
// reference store refuses is an error, and the image stays as it was.
func (d *Daemon) tagImageLocked(im *image, ref imageRef) error {
	if err := d.images.tag(im, ref); err != nil {
		return err
	}
	im.tagged = d.now()
	d.events.emit("image", "tag", im.id, im.eventAttrs(ref.tagged()))
	return nil
}

// eventAttrs are the attributes of an event of an image that exists:
// its labels and name.
func (im *image) eventAttrs(name string) map[string]string {
	attrs := maps.Clone(im.file.Config.Labels)
	if attrs == nil {
		attrs = map[string]string{}
	}
	attrs["name"] = name
	return attrs
}

// layerIDsLocked is the set of the layers' ids; d.mu held.
func (d *Daemon) layerIDsLocked() map[string]bool {
	ids := map[string]bool{}
	for _, im := range d.images.byID {
		for _, l := range im.layers {
			ids[l.diffID] = true
		}
	}
	return ids
}

func (d *Daemon) layerInUseLocked(diffID string) bool {
	for _, im := range d.images.byID {
		for _, l := range im.layers {
			if l.diffID == diffID {
				return true
			}
		}
	}
	return false
}

func pathMatch(pat, s string) (bool, error) { return path.Match(pat, s) }
