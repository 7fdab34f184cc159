package mockdaemon

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

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

func (d *Daemon) imageList(w http.ResponseWriter, r *http.Request) {
	ver := infoOf(r).version
	f, err := parseFilters(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	all := boolParam(r, "all")
	_ = all
	d.mu.Lock()
	counts := d.imageContainerCountsLocked()
	var out []any
	var before, since *image
	if v := f["before"]; len(v) > 0 {
		for k := range v {
			before, _ = d.images.get(k)
		}
	}
	if v := f["since"]; len(v) > 0 {
		for k := range v {
			since, _ = d.images.get(k)
		}
	}
	for _, im := range d.images.sorted() {
		if !imageMatches(f, im) {
			continue
		}
		if before != nil && !im.file.Created.Before(before.file.Created) {
			continue
		}
		if since != nil && !im.file.Created.After(since.file.Created) {
			continue
		}
		s := im.summary(ver, -1)
		if boolParam(r, "shared-size") {
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
		_ = counts
		out = append(out, s)
	}
	d.mu.Unlock()
	if out == nil {
		out = []any{}
	}
	writeJSON(w, http.StatusOK, out)
}

func refMatches(f filters, tag string) bool {
	return f.matchAny("reference", func(pat string) bool {
		repo := tag[:strings.LastIndex(tag, ":")]
		if !strings.Contains(pat, ":") && !strings.Contains(pat, "@") {
			return globMatch(pat, repo)
		}
		return globMatch(pat, tag)
	})
}

func imageMatches(f filters, im *image) bool {
	if v := f["dangling"]; len(v) > 0 {
		want := v["true"] || v["1"]
		if (len(im.tags) == 0) != want {
			return false
		}
	}
	if !f.matchLabels("label", im.file.Config.Labels) {
		return false
	}
	if !f.matchLabels("label!", im.file.Config.Labels) {
		return false
	}
	if f.has("reference") {
		if !slices.ContainsFunc(im.tags, func(t string) bool { return refMatches(f, t) }) {
			return false
		}
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

func (d *Daemon) imageInspect(w http.ResponseWriter, r *http.Request, name string) {
	ver := infoOf(r).version
	d.mu.Lock()
	im, err := d.images.get(name)
	var m map[string]any
	if err == nil {
		m = im.inspect(ver)
	}
	d.mu.Unlock()
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

func (d *Daemon) imageHistory(w http.ResponseWriter, r *http.Request, name string) {
	d.mu.Lock()
	im, err := d.images.get(name)
	if err != nil {
		d.mu.Unlock()
		writeError(w, r, err)
		return
	}
	out := d.historyLocked(im)
	d.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
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

func (d *Daemon) imageTag(w http.ResponseWriter, r *http.Request, name string) {
	q := r.URL.Query()
	repo, tag := q.Get("repo"), q.Get("tag")
	if repo == "" {
		writeError(w, r, errInvalid("repository name must have at least one component"))
		return
	}
	refStr := repo
	if tag != "" {
		refStr += ":" + tag
	}
	ref, err := parseRef(refStr, true)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if ref.digest != "" {
		writeError(w, r, errInvalid("refusing to create a tag with a digest reference"))
		return
	}
	d.mu.Lock()
	im, err := d.images.get(name)
	if err == nil {
		d.images.tag(im, ref)
	}
	d.mu.Unlock()
	if err != nil {
		writeError(w, r, err)
		return
	}
	d.events.emit("image", "tag", im.id, map[string]string{"name": ref.tagged()})
	w.WriteHeader(http.StatusCreated)
}

func (d *Daemon) imagePush(w http.ResponseWriter, r *http.Request, name string) {
	ref, err := parseRef(name, false)
	if err != nil {
		writeError(w, r, err)
		return
	}
	tag := r.URL.Query().Get("tag")
	d.mu.Lock()
	var ims []*image
	for t, id := range d.images.tags {
		repo := t[:strings.LastIndex(t, ":")]
		if repo == ref.repo && (tag == "" || t == ref.repo+":"+tag) && (ref.tag == "" || t == ref.tagged()) {
			ims = append(ims, d.images.byID[id])
		}
	}
	d.mu.Unlock()
	if len(ims) == 0 {
		writeError(w, r, errNotFound("An image does not exist locally with the tag: "+ref.repo))
		return
	}
	js := newJSONStream(w)
	js.msg(map[string]any{"status": "The push refers to repository [" + ref.domain() + "/" + ref.path() + "]"})
	d.registryPush(js, r, ref, ims) // registry.go: the emulated registries
}

// jsonStream writes a JSON message stream (pull, push, build, load).
type jsonStream struct {
	w       http.ResponseWriter
	enc     *json.Encoder
	started bool
}

func newJSONStream(w http.ResponseWriter) *jsonStream {
	return &jsonStream{w: w, enc: json.NewEncoder(w)}
}

func (s *jsonStream) msg(v any) {
	if !s.started {
		s.started = true
		s.w.Header().Set("Content-Type", "application/json")
		s.w.WriteHeader(http.StatusOK)
	}
	_ = s.enc.Encode(v)
	flush(s.w)
}

func (s *jsonStream) fail(err error) {
	s.msg(map[string]any{"errorDetail": map[string]any{"message": err.Error()}, "error": err.Error()})
}

func (d *Daemon) imageCreate(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if src := q.Get("fromSrc"); src != "" {
		d.imageImport(w, r, src)
		return
	}
	from := q.Get("fromImage")
	if from == "" {
		writeError(w, r, errInvalid("either fromImage or fromSrc must be specified"))
		return
	}
	if tag := q.Get("tag"); tag != "" {
		if strings.HasPrefix(tag, "sha256:") {
			from += "@" + tag
		} else {
			from += ":" + tag
		}
	}
	ref, err := parseRef(from, true)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if ref.domain() != "docker.io" {
		if err := d.checkRegistryAuth(r, ref.domain()+"/"+ref.path()+":"+ref.tag); err != nil {
			writeError(w, r, err)
			return
		}
	}
	d.mu.Lock()
	im, getErr := d.images.get(ref.String())
	if rim := d.registryFetchLocked(ref); rim != nil && (getErr != nil || ref.domain() != "docker.io") {
		im, getErr = rim, nil // registry.go: pulled from an emulated registry
	}
	known := d.images.catalogue[ref.tagged()] || (ref.digest != "" && getErr == nil)
	repoKnown := d.images.catalogue[ref.repo]
	if getErr != nil && known {
		// a catalogue image removed locally comes back
		for _, base := range d.cfg.Images {
			if br, err := parseRef(base, true); err == nil && br.tagged() == ref.tagged() {
				d.images.addBase(base)
			}
		}
		im, getErr = d.images.get(ref.String())
	}
	d.mu.Unlock()
	if getErr != nil || im == nil {
		switch {
		case ref.domain() != "docker.io":
			d.mu.Lock()
			err := d.registryMissErrorLocked(ref.domain() + "/" + ref.path() + ":" + ref.tag)
			d.mu.Unlock()
			writeError(w, r, err)
		case repoKnown:
			writeError(w, r, errNotFound(fmt.Sprintf("manifest for %s not found: manifest unknown: manifest unknown", ref.String())))
		default:
			writeError(w, r, errNotFound(fmt.Sprintf("pull access denied for %s, repository does not exist or may require 'docker login': denied: requested access to the resource is denied", ref.repo)))
		}
		return
	}
	js := newJSONStream(w)
	label := ref.tag
	if label == "" {
		label = ref.digest
	}
	js.msg(map[string]any{"status": "Pulling from " + ref.path(), "id": label})
	for _, l := range im.layers {
		short := strings.TrimPrefix(l.diffID, "sha256:")[:12]
		js.msg(map[string]any{"status": "Already exists", "progressDetail": map[string]any{}, "id": short})
	}
	d.mu.Lock()
	dg := digestOf(im.manifest)
	d.images.addDigest(im, ref)
	d.mu.Unlock()
	js.msg(map[string]any{"status": "Digest: " + dg})
	js.msg(map[string]any{"status": "Status: Image is up to date for " + ref.String()})
	d.events.emit("image", "pull", ref.String(), map[string]string{"name": ref.String()})
}

func hostPort(h string) string {
	if strings.Contains(h, ":") {
		return h
	}
	return h + ":443"
}

// imageImport creates an image from a tar body (fromSrc=-).
func (d *Daemon) imageImport(w http.ResponseWriter, r *http.Request, src string) {
	q := r.URL.Query()
	if src != "-" {
		writeError(w, r, errInvalid("mockdaemon: import from a URL is not supported: "+src))
		return
	}
	var ref imageRef
	if repo := q.Get("repo"); repo != "" {
		s := repo
		if tag := q.Get("tag"); tag != "" {
			s += ":" + tag
		}
		var err error
		if ref, err = parseRef(s, true); err != nil {
			writeError(w, r, err)
			return
		}
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, 1<<30))
	if err != nil {
		writeError(w, r, errInvalid("mockdaemon: read import body: "+err.Error()))
		return
	}
	var f imageFile
	f.Architecture = goArch()
	f.OS = "linux"
	f.Created = d.now()
	f.Comment = q.Get("message")
	for _, ch := range q["changes"] {
		if err := applyChange(&f.Config, ch); err != nil {
			writeError(w, r, err)
			return
		}
	}
	comment := "Imported from -"
	if f.Comment != "" {
		comment = f.Comment
	}
	f.History = []historyEntry{{Created: f.Created, Comment: comment}}
	lay := layer{data: data, diffID: digestOf(data)}
	d.mu.Lock()
	im, err := d.images.build(f, []layer{lay})
	if err == nil {
		im = d.images.put(im)
		if ref.tag != "" {
			d.images.tag(im, ref)
		}
	}
	d.mu.Unlock()
	if err != nil {
		writeError(w, r, errInvalid(err.Error()))
		return
	}
	d.events.emit("image", "import", im.id, map[string]string{"name": im.id})
	js := newJSONStream(w)
	js.msg(map[string]any{"status": im.id})
}

// applyChange applies one Dockerfile instruction (import and commit
// --change) to cfg.
func applyChange(cfg *imageConfig, line string) error {
	line = strings.TrimSpace(line)
	if line == "" {
		return nil
	}
	instr, args, _ := strings.Cut(line, " ")
	args = strings.TrimSpace(args)
	switch strings.ToUpper(instr) {
	case "CMD":
		cfg.Cmd = execForm(args)
	case "ENTRYPOINT":
		cfg.Entrypoint = execForm(args)
	case "ENV":
		for _, kv := range parseKV(args, true) {
			cfg.Env = setEnv(cfg.Env, kv[0], kv[1])
		}
	case "LABEL":
		if cfg.Labels == nil {
			cfg.Labels = map[string]string{}
		}
		for _, kv := range parseKV(args, false) {
			cfg.Labels[kv[0]] = kv[1]
		}
	case "WORKDIR":
		cfg.WorkingDir = args
	case "USER":
		cfg.User = args
	case "EXPOSE":
		if cfg.ExposedPorts == nil {
			cfg.ExposedPorts = map[string]struct{}{}
		}
		for _, p := range wordsForm(args) {
			ports, err := exposedPorts(p)
			if err != nil {
				return err
			}
			for _, p := range ports {
				cfg.ExposedPorts[p] = struct{}{}
			}
		}
	case "VOLUME":
		if cfg.Volumes == nil {
			cfg.Volumes = map[string]struct{}{}
		}
		for _, v := range wordsForm(args) {
			if v = strings.TrimSpace(v); v == "" {
				return errInvalid("VOLUME specified can not be an empty string")
			}
			cfg.Volumes[v] = struct{}{}
		}
	case "STOPSIGNAL":
		cfg.StopSignal = args
	case "ONBUILD":
		cfg.OnBuild = append(cfg.OnBuild, args)
	default:
		return errInvalid(strings.ToLower(instr) + " is not a valid change command")
	}
	return nil
}

// execForm parses a JSON array argument, or wraps shell form in sh -c
// (VOLUME's shell form is a list of words).
func execForm(args string) []string {
	var l []string
	if strings.HasPrefix(args, "[") && json.Unmarshal([]byte(args), &l) == nil {
		return l
	}
	return []string{"/bin/sh", "-c", args}
}

// wordsForm parses the argument of VOLUME, EXPOSE and the like: a JSON
// array, or words separated by white space (never a shell command).
func wordsForm(args string) []string {
	var l []string
	if strings.HasPrefix(args, "[") && json.Unmarshal([]byte(args), &l) == nil {
		return l
	}
	return strings.Fields(args)
}

// exposedPorts expands an EXPOSE word ("80", "53/udp", "8000-8002/tcp")
// into ExposedPorts keys, like go-connections' nat.ParsePortSpecs.
func exposedPorts(word string) ([]string, error) {
	port, proto, _ := strings.Cut(word, "/")
	proto = strings.ToLower(proto)
	if proto == "" {
		proto = "tcp"
	}
	lo, hi, isRange := strings.Cut(port, "-")
	start, err1 := strconv.ParseUint(lo, 10, 16)
	end := start
	var err2 error
	if isRange {
		end, err2 = strconv.ParseUint(hi, 10, 16)
	}
	if err1 != nil || err2 != nil || end < start {
		return nil, errInvalid("Invalid containerPort: " + port)
	}
	var out []string
	for p := start; p <= end; p++ {
		out = append(out, strconv.FormatUint(p, 10)+"/"+proto)
	}
	return out, nil
}

// parseKV parses "k=v k2='v 2'" or the legacy "k v" form.
func parseKV(args string, legacy bool) [][2]string {
	var out [][2]string
	words := shellWords(args)
	if len(words) == 0 {
		return nil
	}
	if !strings.Contains(words[0], "=") {
		if len(words) >= 1 {
			k, v, _ := strings.Cut(args, " ")
			out = append(out, [2]string{k, unquote(strings.TrimSpace(v))})
		}
		return out
	}
	for _, w := range words {
		k, v, _ := strings.Cut(w, "=")
		out = append(out, [2]string{k, v})
	}
	return out
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}

// shellWords splits s on blanks, honouring quotes and backslashes.
func shellWords(s string) []string {
	var out []string
	var cur strings.Builder
	in := false
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else if c == '\\' && quote == '"' && i+1 < len(s) {
				i++
				cur.WriteByte(s[i])
			} else {
				cur.WriteByte(c)
			}
		case c == '"' || c == '\'':
			quote = c
			in = true
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			in = true
		case c == ' ' || c == '\t' || c == '\n':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

func setEnv(env []string, k, v string) []string {
	for i, e := range env {
		if ek, _, _ := strings.Cut(e, "="); ek == k {
			env[i] = k + "=" + v
			return env
		}
	}
	return append(env, k+"="+v)
}

func (d *Daemon) imageDelete(w http.ResponseWriter, r *http.Request, name string) {
	if name == "" {
		notFound(w, r)
		return
	}
	force := boolParam(r, "force")
	noprune := boolParam(r, "noprune")
	_ = noprune
	d.mu.Lock()
	res, err := d.deleteImageLocked(name, force)
	d.mu.Unlock()
	if err != nil {
		writeError(w, r, err)
		return
	}
	for _, e := range res {
		if t, ok := e["Untagged"]; ok {
			d.events.emit("image", "untag", t, map[string]string{"name": t})
		}
		if id, ok := e["Deleted"]; ok {
			d.events.emit("image", "delete", id, map[string]string{"name": id})
		}
	}
	out := make([]any, len(res))
	for i, e := range res {
		out[i] = e
	}
	writeJSON(w, http.StatusOK, out)
}

// deleteImageLocked implements dockerd's image delete rules; d.mu held.
func (d *Daemon) deleteImageLocked(name string, force bool) ([]map[string]string, error) {
	im, err := d.images.get(name)
	if err != nil {
		return nil, err
	}
	var running, stopped *container
	for _, c := range d.sortedContainersLocked() {
		if c.imageID != im.id {
			continue
		}
		if c.state.Running || c.state.Paused {
			running = c
		} else if stopped == nil {
			stopped = c
		}
	}
	var res []map[string]string
	ref, refErr := parseRef(name, true)
	byRef := refErr == nil && !looksLikeIDExact(name, im) && slices.Contains(im.tags, ref.tagged())
	if byRef {
		if len(im.tags) > 1 || force && (running != nil || stopped != nil) {
			d.images.untag(im, ref.tagged())
			return []map[string]string{{"Untagged": ref.tagged()}}, nil
		}
		if running != nil {
			return nil, errConflict(fmt.Sprintf("conflict: unable to remove repository reference %q (must force) - container %s is using its referenced image %s", name, running.id[:12], im.shortID()))
		}
		if stopped != nil {
			return nil, errConflict(fmt.Sprintf("conflict: unable to remove repository reference %q (must force) - container %s is using its referenced image %s", name, stopped.id[:12], im.shortID()))
		}
		d.images.untag(im, ref.tagged())
		res = append(res, map[string]string{"Untagged": ref.tagged()})
		for _, dg := range im.digests {
			res = append(res, map[string]string{"Untagged": dg})
		}
	} else {
		if running != nil {
			return nil, errConflict(fmt.Sprintf("conflict: unable to delete %s (cannot be forced) - image is being used by running container %s", im.shortID(), running.id[:12]))
		}
		if len(im.tags) > 1 && !force {
			return nil, errConflict(fmt.Sprintf("conflict: unable to delete %s (must be forced) - image is referenced in multiple repositories", im.shortID()))
		}
		if stopped != nil && !force {
			return nil, errConflict(fmt.Sprintf("conflict: unable to delete %s (must be forced) - image is being used by stopped container %s", im.shortID(), stopped.id[:12]))
		}
		for _, t := range slices.Clone(im.tags) {
			d.images.untag(im, t)
			res = append(res, map[string]string{"Untagged": t})
		}
		for _, dg := range im.digests {
			res = append(res, map[string]string{"Untagged": dg})
		}
	}
	if running != nil || stopped != nil {
		return res, nil
	}
	delete(d.images.byID, im.id)
	res = append(res, map[string]string{"Deleted": im.id})
	for _, l := range im.layers {
		if !d.layerInUseLocked(l.diffID) {
			res = append(res, map[string]string{"Deleted": l.diffID})
		}
	}
	return res, nil
}

func looksLikeIDExact(name string, im *image) bool {
	return looksLikeID(name) && strings.HasPrefix(im.id, "sha256:"+strings.TrimPrefix(name, "sha256:"))
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

func (d *Daemon) imagePrune(w http.ResponseWriter, r *http.Request) {
	f, err := parseFilters(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	danglingOnly := true
	if v := f["dangling"]; len(v) > 0 && (v["false"] || v["0"]) {
		danglingOnly = false
	}
	delete(f, "dangling")
	d.mu.Lock()
	counts := d.imageContainerCountsLocked()
	var deleted []any
	var space int64
	for _, im := range d.images.sorted() {
		if counts[im.id] > 0 || (danglingOnly && len(im.tags) > 0) || !imageMatches(f, im) {
			continue
		}
		for _, t := range slices.Clone(im.tags) {
			d.images.untag(im, t)
			deleted = append(deleted, map[string]string{"Untagged": t})
		}
		delete(d.images.byID, im.id)
		deleted = append(deleted, map[string]string{"Deleted": im.id})
		space += im.size
	}
	d.mu.Unlock()
	if deleted == nil {
		deleted = []any{}
	}
	d.events.emit("image", "prune", "", map[string]string{"reclaimed": strconv.FormatInt(space, 10)})
	writeJSON(w, http.StatusOK, map[string]any{"ImagesDeleted": deleted, "SpaceReclaimed": space})
}

func (d *Daemon) imageSearch(w http.ResponseWriter, r *http.Request) {
	term := r.URL.Query().Get("term")
	d.mu.Lock()
	host := registryHostOf(term)
	if host != "docker.io" && d.registryKnownLocked(host) {
		d.mu.Unlock()
		// The emulated registries speak only the v2 API: dockerd's v1
		// search gets a 404 from them.
		writeError(w, r, errInternal("Unexpected status code 404"))
		return
	}
	if host != "docker.io" {
		d.mu.Unlock()
		// dockerd asks the registry's v1 search endpoint, and fails to dial.
		writeError(w, r, errInternal(fmt.Sprintf("Get \"%s://%s/v1/search?q=%s\": dial tcp %s: connect: connection refused",
			registryScheme(host), host, url.QueryEscape(strings.TrimPrefix(term, host+"/")), hostPort(host))))
		return
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
	d.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (d *Daemon) imageGetAll(w http.ResponseWriter, r *http.Request) {
	d.imageSave(w, r, r.URL.Query()["names"])
}

// imageSave writes the images in docker save's format: an OCI layout with
// manifest.json and repositories beside it.
func (d *Daemon) imageSave(w http.ResponseWriter, r *http.Request, names []string) {
	type saved struct {
		im   *image
		tags []string
	}
	var list []*saved
	d.mu.Lock()
	for _, n := range names {
		im, err := d.images.get(n)
		if err != nil {
			d.mu.Unlock()
			writeError(w, r, err)
			return
		}
		var tag string
		if ref, err := parseRef(n, true); err == nil && !looksLikeIDExact(n, im) {
			tag = ref.tagged()
		}
		var s *saved
		for _, x := range list {
			if x.im == im {
				s = x
			}
		}
		if s == nil {
			s = &saved{im: im}
			list = append(list, s)
		}
		if tag != "" && !slices.Contains(s.tags, tag) {
			s.tags = append(s.tags, tag)
		}
	}
	d.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-tar")
	w.WriteHeader(http.StatusOK)
	tw := tar.NewWriter(w)
	mt := time.Unix(0, 0)
	put := func(name string, data []byte) {
		_ = tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Size: int64(len(data)), Mode: 0o644, ModTime: mt})
		_, _ = tw.Write(data)
	}
	_ = tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: "blobs/", Mode: 0o755, ModTime: mt})
	_ = tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: "blobs/sha256/", Mode: 0o755, ModTime: mt})
	written := map[string]bool{}
	blob := func(dg string, data []byte) string {
		p := "blobs/sha256/" + strings.TrimPrefix(dg, "sha256:")
		if !written[p] {
			written[p] = true
			put(p, data)
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
		me := manifestEntry{Config: blob(s.im.id, s.im.raw), RepoTags: s.tags}
		for _, l := range s.im.layers {
			me.Layers = append(me.Layers, blob(l.diffID, l.data))
		}
		mdg := digestOf(s.im.manifest)
		blob(mdg, s.im.manifest)
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
}

// imageLoad reads a docker save tar (manifest.json with its config and
// layer files) and adds its images.
func (d *Daemon) imageLoad(w http.ResponseWriter, r *http.Request) {
	quiet := boolParam(r, "quiet")
	files := map[string][]byte{}
	tr := tar.NewReader(r.Body)
	var total int64
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			writeError(w, r, errInvalid("mockdaemon: read image tar: "+err.Error()))
			return
		}
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(tr, 1<<30))
		if err != nil {
			writeError(w, r, errInvalid("mockdaemon: read image tar: "+err.Error()))
			return
		}
		total += int64(len(data))
		files[strings.TrimPrefix(hdr.Name, "./")] = data
	}
	var manifest []struct {
		Config   string
		RepoTags []string
		Layers   []string
	}
	mb, ok := files["manifest.json"]
	if !ok {
		writeError(w, r, errInvalid("open /var/lib/docker/tmp/docker-import/manifest.json: no such file or directory"))
		return
	}
	if err := json.Unmarshal(mb, &manifest); err != nil {
		writeError(w, r, errInvalid("mockdaemon: bad manifest.json: "+err.Error()))
		return
	}
	js := newJSONStream(w)
	for _, m := range manifest {
		raw, ok := files[m.Config]
		if !ok {
			js.fail(fmt.Errorf("mockdaemon: %s missing from the tar", m.Config))
			return
		}
		var f imageFile
		if err := json.Unmarshal(raw, &f); err != nil {
			js.fail(fmt.Errorf("mockdaemon: bad image config: %w", err))
			return
		}
		var layers []layer
		for _, lp := range m.Layers {
			data, ok := files[lp]
			if !ok {
				js.fail(fmt.Errorf("mockdaemon: %s missing from the tar", lp))
				return
			}
			data = maybeGunzip(data)
			layers = append(layers, layer{data: data, diffID: digestOf(data)})
		}
		d.mu.Lock()
		im, err := d.images.build(f, layers)
		if err == nil {
			im = d.images.put(im)
			for _, t := range m.RepoTags {
				if ref, err := parseRef(t, true); err == nil {
					d.images.tag(im, ref)
				}
			}
		}
		d.mu.Unlock()
		if err != nil {
			js.fail(err)
			return
		}
		if !quiet {
			for _, l := range layers {
				js.msg(map[string]any{"status": "Loading layer", "progressDetail": map[string]any{"current": len(l.data), "total": len(l.data)}, "id": strings.TrimPrefix(l.diffID, "sha256:")[:12]})
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
		d.events.emit("image", "load", im.id, map[string]string{"name": im.id})
	}
	if !js.started {
		js.msg(map[string]any{"stream": ""})
	}
}

func maybeGunzip(b []byte) []byte {
	if len(b) > 2 && b[0] == 0x1f && b[1] == 0x8b {
		if out, err := gunzip(b); err == nil {
			return out
		}
	}
	return b
}

var _ = bytes.MinRead

func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(io.LimitReader(zr, 1<<30))
}

func pathMatch(pat, s string) (bool, error) { return path.Match(pat, s) }

// commit makes an image from a container: its config (with the body's
// overrides and the changes) over one layer holding its filesystem.
func (d *Daemon) commit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var body containerConfig
	if err := decodeBody(r, &body); err != nil {
		writeError(w, r, err)
		return
	}
	var ref imageRef
	if repo := q.Get("repo"); repo != "" {
		s := repo
		if tag := q.Get("tag"); tag != "" {
			s += ":" + tag
		}
		var err error
		if ref, err = parseRef(s, true); err != nil {
			writeError(w, r, err)
			return
		}
	}
	d.mu.Lock()
	c, err := d.getContainerLocked(q.Get("container"))
	if err != nil {
		d.mu.Unlock()
		writeError(w, r, err)
		return
	}
	parent := d.images.byID[c.imageID]
	var f imageFile
	if parent != nil {
		f = parent.file
		f.History = slices.Clone(parent.file.History)
	}
	f.Architecture, f.OS = goArch(), "linux"
	f.Created = d.now()
	f.Author = q.Get("author")
	f.Comment = q.Get("comment")
	cc := c.config
	f.Config = imageConfig{User: cc.User, ExposedPorts: cc.ExposedPorts, Env: cc.Env, Cmd: cc.Cmd, Entrypoint: cc.Entrypoint, Volumes: cc.Volumes, WorkingDir: cc.WorkingDir, Labels: maps.Clone(cc.Labels), StopSignal: cc.StopSignal, OnBuild: cc.OnBuild}
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
	for _, ch := range q["changes"] {
		for _, line := range strings.Split(ch, "\n") {
			if err := applyChange(&f.Config, line); err != nil {
				d.mu.Unlock()
				writeError(w, r, err)
				return
			}
		}
	}
	f.History = append(f.History, historyEntry{Created: f.Created, CreatedBy: strings.Join(append([]string{c.path}, c.args...), " "), Comment: f.Comment, Author: f.Author})
	fsys := c.fs
	d.mu.Unlock()

	var buf bytes.Buffer
	if err := fsys.Snapshot(&buf); err != nil {
		writeError(w, r, errInternal(err.Error()))
		return
	}
	data := buf.Bytes()
	lay := layer{data: data, diffID: digestOf(data)}
	d.mu.Lock()
	im, err := d.images.build(f, []layer{lay})
	if err == nil {
		im.parent = c.imageID
		im = d.images.put(im)
		if ref.tag != "" {
			d.images.tag(im, ref)
		}
	}
	d.mu.Unlock()
	if err != nil {
		writeError(w, r, errInternal(err.Error()))
		return
	}
	d.events.emit("container", "commit", c.id, mergeAttrs(c.eventAttrs(), "comment", f.Comment))
	writeJSON(w, http.StatusCreated, map[string]any{"Id": im.id})
}
