package mockdaemon

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// buildRoutes: the legacy builder (dockerd 20.10's classic builder, what
// answers POST /build without BuildKit) and its cache's prune.
func (d *Daemon) buildRoutes() []route {
	return []route{
		{"POST", "/build", "ImageBuild", d.imageBuild},
		{"POST", "/build/prune", "BuildPrune", d.buildPrune},
	}
}

// buildPrune prunes BuildKit's cache, which the classic builder does not
// use (its cache is the images it made): dockerd 20.10 checks the
// request, then reports nothing deleted.
func (d *Daemon) buildPrune(w http.ResponseWriter, r *http.Request) error {
	if ks := r.URL.Query().Get("keep-storage"); ks != "" {
		if _, err := strconv.Atoi(ks); err != nil {
			return errInternal(fmt.Sprintf("keep-storage is in bytes and expects an integer, got %v: %v", ks, err))
		}
	}
	if err := checkBuildPruneFilters(r.URL.Query().Get("filters")); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"CachesDeleted": nil, "SpaceReclaimed": 0})
}

// checkBuildPruneFilters validates the filters of a build cache prune as
// dockerd's BuildKit backend does.
func checkBuildPruneFilters(s string) error {
	if s == "" {
		return nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return errInternal("could not parse filters: " + err.Error())
	}
	valid := map[string]bool{"until": true, "unused-for": true, "label": true, "label!": true, "id": true, "parent": true, "type": true, "description": true, "inuse": true, "shared": true, "private": true}
	values := map[string][]string{}
	for _, k := range sortedKeys(raw) {
		var set map[string]bool
		if err := json.Unmarshal(raw[k], &set); err != nil {
			var l []string
			if err := json.Unmarshal(raw[k], &l); err != nil {
				return errInternal("could not parse filters: " + err.Error())
			}
			set = map[string]bool{}
			for _, v := range l {
				set[v] = true
			}
		}
		if !valid[k] {
			return errInvalid(fmt.Sprintf("failed to prune build cache: Invalid filter '%s'", k))
		}
		values[k] = sortedKeys(set)
	}
	if len(values["until"]) > 0 && len(values["unused-for"]) > 0 {
		return errInvalid(`failed to prune build cache: conflicting filters: "until" and "unused-for"`)
	}
	for k, v := range values {
		if len(v) > 1 && k != "label" && k != "label!" {
			return errInvalid("failed to prune build cache: filters expect only one value")
		}
	}
	for _, k := range []string{"until", "unused-for"} {
		if v := values[k]; len(v) == 1 {
			if _, err := time.ParseDuration(v[0]); err != nil {
				return errInternal(fmt.Sprintf("failed to prune build cache: %q filter expects a duration (e.g., '24h'): %v", k, err))
			}
		}
	}
	return nil
}

// buildOptions are POST /build's parameters, read as dockerd's
// newImageBuildOptions reads them.
type buildOptions struct {
	dockerfile                     string
	tags                           []string
	quiet, noCache, pull           bool
	remove, forceRemove            bool
	buildArgs                      map[string]*string
	labels                         map[string]string
	cacheFrom                      []string
	target                         string
	networkMode                    string
	extraHosts                     []string
	memory, memorySwap, shmSize    int64
	cpuShares, cpuPeriod, cpuQuota int64
	cpusetCPUs, cpusetMems         string
	cgroupParent                   string
	remote                         string
}

func parseBuildOptions(r *http.Request) (*buildOptions, error) {
	q := r.URL.Query()
	ver := infoOf(r).version
	o := &buildOptions{
		dockerfile:   q.Get("dockerfile"),
		tags:         q["t"],
		quiet:        boolParam(r, "q"),
		noCache:      boolParam(r, "nocache"),
		forceRemove:  boolParam(r, "forcerm"),
		target:       q.Get("target"),
		networkMode:  q.Get("networkmode"),
		extraHosts:   q["extrahosts"],
		cpusetCPUs:   q.Get("cpusetcpus"),
		cpusetMems:   q.Get("cpusetmems"),
		cgroupParent: q.Get("cgroupparent"),
		remote:       q.Get("remote"),
		pull:         boolParam(r, "pull"),
	}
	switch {
	case o.forceRemove, q.Get("rm") == "" && ver.atLeast("1.12"):
		o.remove = true
	default:
		o.remove = boolParam(r, "rm")
	}
	for _, n := range []struct {
		name string
		to   *int64
	}{{"memswap", &o.memorySwap}, {"memory", &o.memory}, {"cpushares", &o.cpuShares}, {"cpuperiod", &o.cpuPeriod}, {"cpuquota", &o.cpuQuota}} {
		*n.to, _ = strconv.ParseInt(q.Get(n.name), 10, 64) // dockerd's Int64ValueOrZero
	}
	if s := q.Get("shmsize"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, errInternal(err.Error())
		}
		o.shmSize = n
	}
	if i := q.Get("isolation"); i != "" && !strings.EqualFold(i, "default") {
		return nil, errInvalid(fmt.Sprintf("Unsupported isolation: %q", i))
	}
	if s := q.Get("platform"); s != "" && ver.atLeast("1.32") {
		if _, err := parsePlatform(s); err != nil { // any platform parsed goes: the base image decides
			return nil, err
		}
	}
	if len(q["securityopt"]) > 0 {
		return nil, errInvalid("The daemon on this platform does not support setting security options on build")
	}
	if s := q.Get("ulimits"); s != "" {
		var l []json.RawMessage
		if err := json.Unmarshal([]byte(s), &l); err != nil {
			return nil, errInvalid("error reading ulimit settings: " + err.Error())
		}
	}
	if s := q.Get("buildargs"); s != "" {
		if err := json.Unmarshal([]byte(s), &o.buildArgs); err != nil {
			return nil, errInvalid("error reading build args: " + err.Error())
		}
	}
	if s := q.Get("labels"); s != "" {
		if err := json.Unmarshal([]byte(s), &o.labels); err != nil {
			return nil, errInvalid("error reading labels: " + err.Error())
		}
	}
	if s := q.Get("cachefrom"); s != "" {
		if err := json.Unmarshal([]byte(s), &o.cacheFrom); err != nil {
			return nil, errInternal(err.Error())
		}
	}
	switch v := q.Get("version"); v {
	case "", "1":
	case "2":
		return nil, errInvalid("mockdaemon: BuildKit (version=2) is not emulated: build without it (version=1)")
	default:
		return nil, errInternal("invalid version " + v)
	}
	if boolParam(r, "squash") {
		return nil, errInvalid("squash is only supported with experimental mode")
	}
	return o, nil
}

// buildTags checks and dedupes the t= references as dockerd's tagger
// does, before the build starts.
func buildTags(names []string) ([]imageRef, error) {
	var refs []imageRef
	seen := map[string]bool{}
	for _, n := range names {
		if n == "" {
			continue
		}
		name, _, _ := strings.Cut(n, "@")
		if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
			name = name[:i]
		}
		if _, rest, ok := strings.Cut(name, "/"); ok && strings.ContainsAny(name[:len(name)-len(rest)-1], ".:") {
			name = rest // the registry host may have capitals
		}
		if strings.ToLower(name) != name {
			return nil, errInternal("invalid reference format: repository name must be lowercase")
		}
		ref, err := parseRef(n, true)
		if err != nil {
			return nil, errInternal(err.Error())
		}
		if ref.digest != "" {
			return nil, errInternal("build tag cannot contain a digest")
		}
		if !seen[ref.tagged()] {
			seen[ref.tagged()] = true
			refs = append(refs, ref)
		}
	}
	return refs, nil
}

// imageBuild answers POST /build: what fails before the first step is a
// JSON error with its status; from the first step on, the answer is
// dockerd's message stream, and a failure is its last record.
func (d *Daemon) imageBuild(w http.ResponseWriter, r *http.Request) error {
	opts, err := parseBuildOptions(r)
	if err != nil {
		return err
	}
	tags, err := buildTags(opts.tags)
	if err != nil {
		return err
	}
	if opts.remote != "" {
		return errInternal("mockdaemon: remote build contexts (remote=" + opts.remote + ") are not supported")
	}
	bc, err := readBuildContext(r.Context(), r.Body)
	if err != nil {
		return err
	}
	if opts.dockerfile == "" {
		opts.dockerfile = "Dockerfile"
	}
	df, _, err := bc.dockerfileOf(opts.dockerfile)
	if err != nil {
		return err
	}
	if len(df.nodes) == 0 {
		return errInvalid(fmt.Sprintf("failed to parse %s: file with no instructions", opts.dockerfile))
	}
	stages, meta, err := parseStages(df.nodes)
	if err != nil {
		return errInvalid(err.Error())
	}
	if opts.target != "" {
		i := -1
		for j, st := range stages {
			if strings.EqualFold(st.name, opts.target) {
				i = j
				break
			}
		}
		if i < 0 {
			return errInvalid(fmt.Sprintf("failed to reach build target %s in Dockerfile", opts.target))
		}
		stages = stages[:i+1]
	}
	if len(stages) > 0 {
		last := stages[len(stages)-1]
		for _, k := range sortedKeys(opts.labels) {
			kv := kvPair{k, opts.labels[k], true}
			last.instrs = append(last.instrs, &dfInstr{kind: "label", code: "LABEL " + k + "=" + kv.value, kvs: []kvPair{kv}, noExpand: true})
		}
	}
	out := &buildOutput{w: w, quiet: opts.quiet, aux: infoOf(r).version.atLeast("1.30")}
	b := &builder{d: d, ctx: r.Context(), ver: infoOf(r).version, opts: opts, out: out, bc: bc, lex: dfLex{escape: df.escape}}
	if len(df.warnings) > 0 {
		out.stderr(strings.Join(df.warnings, "\n") + "\n")
	}
	id, err := b.build(stages, meta)
	if errors.Is(err, errNoResult) {
		return nil // dockerd ends such a stream without a word
	}
	if err == nil && id == "" {
		err = errInternal("No image was generated. Is your Dockerfile empty?")
	}
	if err != nil {
		return out.fail(err)
	}
	out.stdout("Successfully built " + shortID(id) + "\n")
	for _, ref := range tags {
		if err := d.locked(func() error {
			if im := d.images.byID[id]; im != nil {
				return d.tagImageLocked(im, ref)
			}
			return nil
		}); err != nil {
			return out.fail(err)
		}
		out.stdout("Successfully tagged " + ref.tagged() + "\n")
	}
	out.done(id)
	return nil
}

// shortID is TruncateID: an id without its algorithm, cut to 12.
func shortID(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		id = id[:12]
	}
	return id
}

// buildMessage is one record of the build's stream, with the fields and
// their order of dockerd's jsonmessage.JSONMessage.
type buildMessage struct {
	Stream      string            `json:"stream,omitempty"`
	ErrorDetail *buildErrorDetail `json:"errorDetail,omitempty"`
	Error       string            `json:"error,omitempty"`
	Aux         any               `json:"aux,omitempty"`
}

type buildErrorDetail struct {
	Code    int    `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// stepError is a step's failure that carries a code in its record (a
// RUN's exit code), like dockerd's jsonmessage.JSONError.
type stepError struct {
	code int
	msg  string
}

func (e *stepError) Error() string { return e.msg }

// buildOutput writes the build's records: to the answer, or with q=1 to
// a buffer that only a failure sends.
type buildOutput struct {
	mu      sync.Mutex
	w       http.ResponseWriter
	quiet   bool
	aux     bool // API 1.30 and later: the image id of each stage
	held    bytes.Buffer
	started bool
}

func (o *buildOutput) write(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	b = append(b, '\r', '\n')
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.quiet {
		o.held.Write(b)
		return
	}
	o.send(b)
}

// send writes b to the answer, its head first; o.mu held.
func (o *buildOutput) send(b []byte) {
	if !o.started {
		o.started = true
		o.w.Header().Set("Content-Type", "application/json")
		o.w.WriteHeader(http.StatusOK)
	}
	_, _ = o.w.Write(b)
	flush(o.w)
}

func (o *buildOutput) stdout(s string) { o.write(buildMessage{Stream: s}) }

// stderr is a step's error output: dockerd colours it red.
func (o *buildOutput) stderr(s string) { o.write(buildMessage{Stream: "\x1b[91m" + s + "\x1b[0m"}) }

// image reports a stage's image id in an aux record.
func (o *buildOutput) image(id string) {
	if o.aux && id != "" {
		o.write(buildMessage{Aux: map[string]string{"ID": id}})
	}
}

// raw writes a record of another stream (a pull's progress).
func (o *buildOutput) raw(v any) { o.write(v) }

// fail ends the build with err: when nothing was sent yet, err is the
// answer (returned for the router); else its record ends the stream.
func (o *buildOutput) fail(err error) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.quiet && o.held.Len() > 0 {
		o.send(o.held.Bytes())
		o.held.Reset()
	}
	if !o.started {
		return err
	}
	m := buildMessage{ErrorDetail: &buildErrorDetail{Message: err.Error()}, Error: err.Error()}
	var se *stepError
	if errors.As(err, &se) {
		m.ErrorDetail.Code = se.code
	}
	b, _ := json.Marshal(m)
	o.send(append(b, '\r', '\n'))
	return nil
}

// done ends a successful build: with q=1, the image id is all it says.
func (o *buildOutput) done(id string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.quiet {
		b, _ := json.Marshal(buildMessage{Stream: id + "\n"})
		o.send(append(b, '\r', '\n'))
	}
	if !o.started {
		o.send(nil)
	}
}
