package mockdaemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
)

// The classic builder of dockerd 20.10 (moby's builder/dockerfile): each
// step runs in (or is recorded by) a container of the previous step's
// image and is committed as an image of its own, one history entry and at
// most one layer; a step whose parent already has a child made the same
// way is taken from the cache instead.

// builtinBuildArgs are the proxy variables a build may be given without an
// ARG; they stay out of the image's history.
var builtinBuildArgs = map[string]bool{
	"HTTP_PROXY": true, "http_proxy": true, "HTTPS_PROXY": true, "https_proxy": true,
	"FTP_PROXY": true, "ftp_proxy": true, "NO_PROXY": true, "no_proxy": true,
	"ALL_PROXY": true, "all_proxy": true,
}

// buildArgs are the build's ARGs as moby's BuildArgs holds them.
type buildArgs struct {
	allowed     map[string]*string // ARGs declared in the current stage
	meta        map[string]*string // ARGs before the first FROM
	referenced  map[string]bool
	fromOptions map[string]*string // the buildargs parameter
}

func newBuildArgs(opts map[string]*string) *buildArgs {
	return &buildArgs{allowed: map[string]*string{}, meta: map[string]*string{}, referenced: map[string]bool{}, fromOptions: opts}
}

func (a *buildArgs) clone() *buildArgs {
	return &buildArgs{allowed: maps.Clone(a.allowed), meta: maps.Clone(a.meta), referenced: maps.Clone(a.referenced), fromOptions: a.fromOptions}
}

func (a *buildArgs) addArg(k string, v *string) {
	a.allowed[k] = v
	a.referenced[k] = true
}

// value is an ARG's value: the option, else its default, else the
// meta ARG's.
func (a *buildArgs) value(key string, mapping map[string]*string) (string, bool) {
	def, exists := mapping[key]
	if v, ok := a.fromOptions[key]; ok && v != nil {
		return *v, true
	}
	if def == nil {
		if v, ok := a.meta[key]; ok && v != nil {
			return *v, true
		}
		return "", false
	}
	return *def, exists
}

func (a *buildArgs) all(mapping map[string]*string) map[string]string {
	out := map[string]string{}
	for _, src := range []map[string]*string{mapping, nil} {
		keys := slices.Collect(maps.Keys(src))
		if src == nil {
			keys = slices.Collect(maps.Keys(builtinBuildArgs))
		}
		for _, k := range keys {
			if v, ok := a.value(k, mapping); ok {
				out[k] = v
			}
		}
	}
	return out
}

// filterAllowed lists the allowed ARGs that env does not set, sorted.
func (a *buildArgs) filterAllowed(env []string) []string {
	set := map[string]bool{}
	for _, e := range env {
		k, _, _ := strings.Cut(e, "=")
		set[k] = true
	}
	var out []string
	for k, v := range a.all(a.allowed) {
		if !set[k] {
			out = append(out, k+"="+v)
		}
	}
	sort.Strings(out)
	return out
}

func (a *buildArgs) referencedOrNotBuiltin(key string) bool {
	_, allowed := a.allowed[key]
	return allowed || !builtinBuildArgs[key]
}

// unused lists the options no ARG referenced (proxies aside).
func (a *buildArgs) unused() []string {
	var out []string
	for k := range a.fromOptions {
		if !a.referenced[k] && !builtinBuildArgs[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func envList(m map[string]string) []string {
	var out []string
	for _, k := range sortedKeys(m) {
		out = append(out, k+"="+m[k])
	}
	return out
}

// clone copies a config deeply (moby's copyRunConfig).
func (c imageConfig) clone() imageConfig {
	c.Env = slices.Clone(c.Env)
	c.Cmd = slices.Clone(c.Cmd)
	c.Entrypoint = slices.Clone(c.Entrypoint)
	c.OnBuild = slices.Clone(c.OnBuild)
	c.Shell = slices.Clone(c.Shell)
	c.Volumes = maps.Clone(c.Volumes)
	c.ExposedPorts = maps.Clone(c.ExposedPorts)
	c.Labels = maps.Clone(c.Labels)
	c.Healthcheck = slices.Clone(c.Healthcheck)
	return c
}

// shell is the SHELL that prefixes shell-form commands.
func (c imageConfig) shell() []string {
	if len(c.Shell) == 0 {
		return []string{"/bin/sh", "-c"}
	}
	return slices.Clone(c.Shell)
}

// buildState is a stage's state while its steps run (moby's
// dispatchState): the config its next step starts from and the image so
// far.
type buildState struct {
	cfg        imageConfig
	imageID    string // "" in scratch before a step
	maintainer string
	cmdSet     bool
	stageName  string
	args       *buildArgs
}

// stageResults are the finished stages, for FROM and COPY --from.
type stageResults struct {
	flat   []imageConfig // each stage's config; Image is its image id
	byName map[string]imageConfig
}

func (s *stageResults) get(nameOrIndex string) (*imageConfig, error) {
	if c, ok := s.byName[strings.ToLower(nameOrIndex)]; ok {
		return &c, nil
	}
	var ix int
	if _, err := fmt.Sscan(nameOrIndex, &ix); err != nil || fmt.Sprint(ix) != nameOrIndex {
		return nil, nil
	}
	switch {
	case ix == len(s.flat):
		return nil, errors.New("refers to current build stage")
	case ix < 0 || ix > len(s.flat):
		return nil, errors.New("index out of bounds")
	}
	return &s.flat[ix], nil
}

// errNoResult ends a build that ran no stage (only ARGs): dockerd sends
// nothing more.
var errNoResult = errors.New("mockdaemon: the build made no stage")

// builder runs one build.
type builder struct {
	d      *Daemon
	ctx    context.Context
	ver    apiVersion
	opts   *buildOptions
	out    *buildOutput
	bc     *buildContext
	lex    dfLex
	args   *buildArgs
	stages stageResults
	cache  *buildCache
	tmp    []*container // the current step's containers
}

func (b *builder) printStep(n *int, total int, code string) {
	b.out.stdout(fmt.Sprintf("Step %d/%d : %s", *n, total, code))
	b.out.stdout("\n")
	*n++
}

// build runs the stages and returns the last one's image id.
func (b *builder) build(stages []*dfStage, meta []*dfInstr) (string, error) {
	b.args = newBuildArgs(b.opts.buildArgs)
	b.stages.byName = map[string]imageConfig{}
	b.cache = newBuildCache(b.d, b.opts.cacheFrom, b.opts.noCache)
	total := len(meta) + len(stages)
	for _, st := range stages {
		total += len(st.instrs)
	}
	step := 1
	for _, m := range meta {
		b.printStep(&step, total, m.code)
		env := envList(b.args.all(b.args.allowed))
		for _, kv := range m.kvs {
			k, v, err := b.expandArg(kv, env)
			if err != nil {
				return "", err
			}
			b.args.addArg(k, v)
			b.args.meta[k] = v
		}
	}
	var st *buildState
	for _, stage := range stages {
		if _, ok := b.stages.byName[stage.name]; ok && stage.name != "" {
			return "", fmt.Errorf("%s stage name already used", stage.name)
		}
		st = &buildState{args: b.args.clone()}
		st.args.allowed = map[string]*string{}
		b.printStep(&step, total, stage.code)
		if err := b.initStage(st, stage); err != nil {
			return "", err
		}
		st.cfg.Image = st.imageID
		b.out.stdout(" ---> " + shortID(st.imageID) + "\n")
		for _, in := range stage.instrs {
			if b.ctx.Err() != nil {
				b.out.stdout("Build cancelled\n")
				return "", errors.New("Build cancelled")
			}
			b.printStep(&step, total, in.code)
			if err := b.dispatch(st, in); err != nil {
				return "", err
			}
			st.cfg.Image = st.imageID
			b.out.stdout(" ---> " + shortID(st.imageID) + "\n")
		}
		b.out.image(st.imageID)
		for k := range st.args.referenced {
			b.args.referenced[k] = true
		}
		b.stages.flat = append(b.stages.flat, st.cfg)
		if stage.name != "" {
			b.stages.byName[stage.name] = st.cfg
		}
	}
	if u := b.args.unused(); len(u) > 0 {
		b.out.stdout(fmt.Sprintf("[Warning] One or more build-args %v were not consumed\n", u))
	}
	if st == nil {
		return "", errNoResult
	}
	return st.imageID, nil
}

// expandArg expands an ARG's name and default; a pair without "=" has
// no default.
func (b *builder) expandArg(kv kvPair, env []string) (string, *string, error) {
	k, err := b.lex.expandWord(kv.key, env)
	if err != nil {
		return "", nil, err
	}
	if !kv.hasValue {
		return k, nil, nil
	}
	v, err := b.lex.expandWord(kv.value, env)
	if err != nil {
		return "", nil, err
	}
	return k, &v, nil
}

// initStage starts a stage from its FROM: the base image (a finished
// stage, scratch, a local image or one pulled), then its ONBUILD triggers.
func (b *builder) initStage(st *buildState, stage *dfStage) error {
	b.cache.reset()
	name, err := b.lex.expandWord(stage.baseName, envList(b.args.all(b.args.meta)))
	if err != nil {
		return err
	}
	if name == "" {
		return fmt.Errorf("base name (%s) should not be blank", stage.baseName)
	}
	var base *image
	if prev, ok := b.stages.byName[strings.ToLower(name)]; ok {
		base, err = lockedValue(b.d, func() (*image, error) { return b.d.images.get(prev.Image) })
		if prev.Image == "" {
			base, err = nil, nil // a stage of scratch with no step
		}
	} else if name != "scratch" {
		base, err = b.fromImage(name, b.opts.pull)
	}
	if err != nil {
		return err
	}
	st.stageName = stage.name
	if base != nil {
		st.imageID = base.id
		st.cfg = base.file.Config.clone()
	}
	if !slices.ContainsFunc(st.cfg.Env, func(e string) bool { return strings.HasPrefix(e, "PATH=") }) {
		st.cfg.Env = append(st.cfg.Env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
	}
	if len(st.cfg.OnBuild) == 0 {
		return nil
	}
	triggers := st.cfg.OnBuild
	st.cfg.OnBuild = nil
	s := ""
	if len(triggers) > 1 {
		s = "s"
	}
	b.out.stdout(fmt.Sprintf("# Executing %d build trigger", len(triggers)))
	if s != "" {
		b.out.stdout(s)
	}
	b.out.stdout("\n")
	for _, t := range triggers {
		st.cfg.Image = st.imageID
		df, err := parseDockerfileText([]byte(t))
		if err != nil {
			return err
		}
		if len(df.nodes) != 1 {
			return errors.New("onbuild trigger should be a single expression")
		}
		in, err := parseInstruction(df.nodes[0])
		if err != nil {
			return &dfParseError{df.nodes[0].line, err}
		}
		if err := b.dispatch(st, in); err != nil {
			return err
		}
	}
	return nil
}

// fromImage finds a base image or a COPY --from image: the local one, or
// what a pull brings (always with pull=1), its progress in the stream.
func (b *builder) fromImage(name string, pull bool) (*image, error) {
	if !pull {
		if im, err := lockedValue(b.d, func() (*image, error) { return b.d.images.get(name) }); err == nil {
			return im, nil
		}
	}
	ref, err := parseRef(name, true)
	if err != nil {
		return nil, err
	}
	p, err := lockedValue(b.d, func() (pulled, error) { return b.d.pullNamingLocked(ref) })
	if err != nil {
		return nil, err
	}
	b.d.reportPull(b.out.raw, ref, p)
	return p.im, nil
}

// dispatch runs one instruction of st's stage.
func (b *builder) dispatch(st *buildState, in *dfInstr) (err error) {
	env := append(slices.Clone(st.cfg.Env), st.args.filterAllowed(st.cfg.Env)...)
	if err := b.lex.expandInstr(in, env); err != nil {
		return err
	}
	defer func() {
		if b.opts.forceRemove || b.opts.remove && err == nil {
			b.removeContainers()
		}
	}()
	cfg := &st.cfg
	switch in.kind {
	case "env":
		msg := "ENV"
		for _, kv := range in.kvs {
			cfg.Env = setEnv(slices.Clone(cfg.Env), kv.key, kv.value)
			msg += " " + kv.key + "=" + kv.value
		}
		return b.commit(st, msg)
	case "maintainer":
		st.maintainer = in.value
		return b.commit(st, "MAINTAINER "+in.value)
	case "label":
		if cfg.Labels == nil {
			cfg.Labels = map[string]string{}
		}
		msg := "LABEL"
		for _, kv := range in.kvs {
			cfg.Labels[kv.key] = kv.value
			msg += " " + kv.key + "=" + kv.value
		}
		return b.commit(st, msg)
	case "add", "copy":
		return b.copy(st, in)
	case "onbuild":
		cfg.OnBuild = append(cfg.OnBuild, in.value)
		return b.commit(st, "ONBUILD "+in.value)
	case "workdir":
		return b.workdir(st, in.value)
	case "run":
		return b.run(st, in)
	case "cmd":
		cfg.Cmd = commandOf(in, *cfg)
		if err := b.commit(st, fmt.Sprintf("CMD %q", cfg.Cmd)); err != nil {
			return err
		}
		if len(in.cmdLine) != 0 {
			st.cmdSet = true
		}
		return nil
	case "healthcheck":
		if old := parseHealthConfig(cfg.Healthcheck); old != nil && len(old.Test) > 0 && old.Test[0] != "NONE" {
			b.out.stdout(fmt.Sprintf("Note: overriding previous HEALTHCHECK: %v\n", old.Test))
		}
		h := in.health
		cfg.Healthcheck = mustJSON(h)
		// the %q form of dockerd's HealthConfig: Retries as a character
		return b.commit(st, fmt.Sprintf("HEALTHCHECK &{%q %q %q %q %s}", h.Test, h.Interval, h.Timeout, h.StartPeriod, strconv.QuoteRune(rune(h.Retries))))
	case "entrypoint":
		cfg.Entrypoint = commandOf(in, *cfg)
		if !st.cmdSet {
			cfg.Cmd = nil
		}
		return b.commit(st, fmt.Sprintf("ENTRYPOINT %q", cfg.Entrypoint))
	case "expose":
		var ports []string
		for _, p := range in.words {
			ps, err := b.lex.expandWords(p, env)
			if err != nil {
				return err
			}
			ports = append(ports, ps...)
		}
		if cfg.ExposedPorts == nil {
			cfg.ExposedPorts = map[string]struct{}{}
		}
		for _, p := range ports {
			keys, err := exposedPorts(p)
			if err != nil {
				return err
			}
			for _, k := range keys {
				cfg.ExposedPorts[k] = struct{}{}
			}
		}
		return b.commit(st, "EXPOSE "+strings.Join(ports, " "))
	case "user":
		cfg.User = in.value
		return b.commit(st, "USER "+in.value)
	case "volume":
		if cfg.Volumes == nil {
			cfg.Volumes = map[string]struct{}{}
		}
		for _, v := range in.paths {
			if v == "" {
				return errors.New("VOLUME specified can not be an empty string")
			}
			cfg.Volumes[v] = struct{}{}
		}
		return b.commit(st, fmt.Sprintf("VOLUME %v", in.paths))
	case "stopsignal":
		if _, err := parseSignal(in.value, 0); err != nil {
			return err
		}
		cfg.StopSignal = in.value
		return b.commit(st, "STOPSIGNAL "+in.value)
	case "arg":
		var msg strings.Builder
		msg.WriteString("ARG ")
		for i, kv := range in.kvs {
			if i > 0 {
				msg.WriteString(" ")
			}
			msg.WriteString(kv.key)
			var v *string
			if kv.hasValue {
				msg.WriteString("=" + kv.value)
				val := kv.value
				v = &val
			}
			st.args.addArg(kv.key, v)
		}
		return b.commit(st, msg.String())
	case "shell":
		cfg.Shell = slices.Clone(in.words)
		return b.commit(st, fmt.Sprintf("SHELL %v", cfg.Shell))
	}
	return fmt.Errorf("unsupported command type: %s", in.kind)
}

// commit records a step that only changes the config: probed in the
// cache, else a container of the current image with the step as its
// command, committed.
func (b *builder) commit(st *buildState, comment string) error {
	cc := st.cfg.clone()
	cc.Cmd = append(cc.shell(), "#(nop) ", comment)
	return b.commitConfig(st, cc)
}

// commitConfig records a step of config cc (its Cmd the step's "#(nop)"
// line): from the cache, else committed from a container of cc made
// for it.
func (b *builder) commitConfig(st *buildState, cc imageConfig) error {
	hit, err := b.probe(st, cc)
	if err != nil || hit {
		return err
	}
	c, err := b.create(cc)
	if err != nil {
		return err
	}
	b.createdFrom(st, &cc, c)
	return b.commitContainer(st, c, cc)
}

// createdFrom does to a step's config what dockerd's create does to the
// config it is given: the hostname and labels filled, and the healthcheck
// merged with the image's, a change the stage's config shares (the two
// hold one HealthConfig in dockerd).
func (b *builder) createdFrom(st *buildState, cc *imageConfig, c *container) {
	cc.Hostname = c.id[:12]
	if cc.Labels == nil {
		cc.Labels = map[string]string{}
	}
	if cc.Healthcheck != nil {
		merged := slices.Clone(c.config.Healthcheck)
		cc.Healthcheck = merged
		st.cfg.Healthcheck = slices.Clone(merged)
	}
}

// workdir sets WORKDIR and makes the directory in a container committed
// as the step.
func (b *builder) workdir(st *buildState, p string) error {
	if p == "" {
		return errors.New("cannot normalize nothing")
	}
	if !path.IsAbs(p) {
		p = path.Join("/", st.cfg.WorkingDir, p)
	}
	st.cfg.WorkingDir = p
	cc := st.cfg.clone()
	cc.Cmd = append(cc.shell(), "#(nop) WORKDIR "+p)
	return b.commitConfig(st, cc)
}

// run runs a RUN step in a container and commits it; its cache key is
// the command with the build args it sees.
func (b *builder) run(st *buildState, in *dfInstr) error {
	cmd := commandOf(in, st.cfg)
	bargs := st.args.filterAllowed(st.cfg.Env)
	saveCmd := cmd
	if len(bargs) > 0 {
		var kept []string
		for _, e := range bargs {
			if k, _, _ := strings.Cut(e, "="); st.args.referencedOrNotBuiltin(k) {
				kept = append(kept, e)
			}
		}
		saveCmd = append(append([]string{fmt.Sprintf("|%d", len(kept))}, kept...), cmd...)
	}
	probe := st.cfg.clone()
	probe.Cmd = saveCmd
	if len(saveCmd) > 0 {
		probe.Entrypoint = nil
	}
	hit, err := b.probe(st, probe)
	if err != nil || hit {
		return err
	}
	runCfg := st.cfg.clone()
	runCfg.Cmd = cmd
	runCfg.Env = append(runCfg.Env, bargs...)
	if len(saveCmd) > 0 {
		runCfg.Entrypoint = []string{} // dockerd's [""]: no entrypoint
	}
	runCfg.Healthcheck = []byte(`{"Test":["NONE"]}`)
	c, err := b.create(runCfg)
	if err != nil {
		return err
	}
	code, err := b.runContainer(c)
	if err != nil {
		return err
	}
	if code != 0 {
		return &stepError{code: code, msg: fmt.Sprintf("The command '%s' returned a non-zero code: %d", strings.Join(cmd, " "), code)}
	}
	return b.commitContainer(st, c, probe)
}

// probe looks the step up in the cache: a hit makes its image the
// current one.
func (b *builder) probe(st *buildState, cfg imageConfig) (bool, error) {
	id, err := b.cache.probe(st.imageID, cfg)
	if err != nil || id == "" {
		return false, err
	}
	b.out.stdout(" ---> Using cache\n")
	st.imageID = id
	return true, nil
}

// create makes a container of cfg for a step, with the build's host
// settings.
func (b *builder) create(cfg imageConfig) (*container, error) {
	o := b.opts
	hc := hostConfig{
		NetworkMode: o.networkMode, ExtraHosts: o.extraHosts,
		Memory: o.memory, MemorySwap: o.memorySwap, ShmSize: o.shmSize,
		CPUShares: o.cpuShares, CPUPeriod: o.cpuPeriod, CPUQuota: o.cpuQuota,
		CpusetCpus: o.cpusetCPUs, CpusetMems: o.cpusetMems, CgroupParent: o.cgroupParent,
		LogConfig: logConfig{Type: "none"},
	}
	if hc.Memory > 0 && hc.Memory < 6*1024*1024 {
		return nil, errInvalid("Minimum memory limit allowed is 6MB")
	}
	body := createBody{containerConfig: containerConfig{
		User: cfg.User, ExposedPorts: cfg.ExposedPorts, Env: cfg.Env, Cmd: cfg.Cmd,
		Healthcheck: cfg.Healthcheck, Image: cfg.Image, Volumes: cfg.Volumes,
		WorkingDir: cfg.WorkingDir, Entrypoint: cfg.Entrypoint, OnBuild: cfg.OnBuild,
		Labels: cfg.Labels, StopSignal: cfg.StopSignal, Shell: cfg.Shell,
	}}
	c, err := lockedValue(b.d, func() (*container, error) {
		im := b.d.images.byID[cfg.Image]
		if im == nil {
			im = &image{fs: memfs.New()} // scratch
			im.fs.SetClock(b.d.cfg.Clock)
		}
		return b.d.newContainerLocked(im, body, hc, "", b.ver)
	})
	if err != nil {
		return nil, err
	}
	b.tmp = append(b.tmp, c)
	b.out.stdout(" ---> Running in " + c.id[:12] + "\n")
	return c, nil
}

// runContainer starts c, sends its output to the stream (stderr in red)
// and returns its exit code. A cancelled build kills and removes it.
func (b *builder) runContainer(c *container) (int, error) {
	next := c.logs.length()
	rd := c.logs.addReader(next)
	defer c.logs.removeReader(rd)
	var exited chan struct{}
	if err := b.d.locked(func() error {
		b.d.emitContainerLocked(c, "attach")
		if err := b.d.startLocked(c); err != nil {
			return err
		}
		b.d.emitContainerLocked(c, "start")
		exited = c.exited
		return nil
	}); err != nil {
		return 0, err
	}
	for {
		entries, n, ended, changed := c.logs.since(next)
		next = n
		// what arrived together goes as one record per stream, as
		// dockerd's attach copies what it reads
		for len(entries) > 0 {
			i := 1
			for i < len(entries) && entries[i].stream == entries[0].stream {
				i++
			}
			var text strings.Builder
			for _, e := range entries[:i] {
				text.Write(e.data)
			}
			if entries[0].stream == 2 {
				b.out.stderr(text.String())
			} else {
				b.out.stdout(text.String())
			}
			entries = entries[i:]
		}
		c.logs.advance(rd, next)
		if ended {
			break
		}
		select {
		case <-changed:
		case <-b.ctx.Done():
			b.removeContainers()
			return 0, errors.New("build cancelled")
		}
	}
	select {
	case <-exited:
	case <-b.ctx.Done():
		b.removeContainers()
		return 0, errors.New("build cancelled")
	}
	return lockedValue(b.d, func() (int, error) { return c.state.ExitCode, nil })
}

// removeContainers removes the step's containers (and their anonymous
// volumes), as rm and forcerm ask.
func (b *builder) removeContainers() {
	for _, c := range b.tmp {
		var p proc
		var exited chan struct{}
		_ = b.d.locked(func() error {
			c.removing, c.stopping = true, true
			p, exited = c.proc, c.exited
			return nil
		})
		if p != nil {
			p.Signal(9)
			<-exited
		}
		_ = b.d.locked(func() error {
			b.d.removeLocked(c, true)
			b.d.emitContainerLocked(c, "destroy")
			return nil
		})
		b.out.stdout("Removing intermediate container " + c.id[:12] + "\n")
	}
	b.tmp = nil
}

// commitContainer makes the step's image of c's changes (what the daemon
// mounts aside). The mount points a run made (its volumes' directories
// the image lacked) are changes too: the runtime makes them in the
// container's layer.
func (b *builder) commitContainer(st *buildState, c *container, cc imageConfig) error {
	changes, _ := lockedValue(b.d, func() ([]memfs.Change, error) {
		changes := b.d.changesLocked(c)
		if !c.hasRun {
			return changes, nil
		}
		seen := map[string]bool{}
		for _, ch := range changes {
			seen[ch.Path] = true
		}
		for _, m := range c.mounts {
			for p := m.Destination; p != "/" && !seen[p]; p = path.Dir(p) {
				if !b.imageLacks(st, p) {
					break
				}
				seen[p] = true
				changes = append(changes, memfs.Change{Path: p, Kind: memfs.Added})
			}
		}
		sort.Slice(changes, func(i, j int) bool { return changes[i].Path < changes[j].Path })
		return changes, nil
	})
	lay, err := newLayer(c.fs, changes)
	if err != nil {
		return err
	}
	return b.stepImage(st, c.id, cc, lay, nil)
}

// imageLacks reports whether the step's image has nothing at p; d.mu
// held.
func (b *builder) imageLacks(st *buildState, p string) bool {
	im := b.d.images.byID[st.imageID]
	if im == nil {
		return true
	}
	_, err := im.fs.Lstat(p)
	return err != nil
}

// newLayer writes the changes of fsys as a layer; nil when there are
// none (dockerd's empty layer).
func newLayer(fsys *memfs.FS, changes []memfs.Change) (*layer, error) {
	if len(changes) == 0 {
		return nil, nil
	}
	data, err := memfs.ChangesLayer(fsys, changes)
	if err != nil {
		return nil, err
	}
	t := memfs.TarOf(data)
	return &layer{data: t, diffID: digestOf(data), size: tarFileBytes(t)}, nil
}

// stepImage stores the image of a step (moby's image.NewChildImage): the
// current image's history and layers plus this step's, the stage's
// config, and what recorded it. fsys, when given, already holds the
// image's files.
func (b *builder) stepImage(st *buildState, containerID string, cc imageConfig, lay *layer, fsys *memfs.FS) error {
	d := b.d
	parent, _ := lockedValue(d, func() (*image, error) { return d.images.byID[st.imageID], nil })
	var layers []layer
	f := imageFile{Architecture: goArch(), OS: "linux"}
	if parent != nil {
		layers = slices.Clone(parent.layers)
		f.History = slices.Clone(parent.file.History)
		if parent.file.Architecture != "" {
			f.Architecture = parent.file.Architecture
		}
	}
	if fsys == nil {
		if parent != nil {
			fsys = parent.fs.Clone()
		} else {
			fsys = memfs.New()
		}
		fsys.SetClock(d.cfg.Clock)
		if lay != nil {
			if err := fsys.ExtractLayer(lay.data.Reader()); err != nil {
				return err
			}
		}
	}
	if lay != nil {
		layers = append(layers, *lay)
	}
	now := d.now()
	f.Config = st.cfg.clone()
	f.Created = now
	f.Author = st.maintainer
	f.Container = containerID
	f.ContainerConfig = &cc
	f.DockerVersion = d.cfg.ServerVersion
	f.History = append(f.History, historyEntry{Created: now, CreatedBy: strings.Join(cc.Cmd, " "), Author: st.maintainer, EmptyLayer: lay == nil})
	im, err := d.images.finish(&image{layers: layers, fs: fsys}, f)
	if err != nil {
		return err
	}
	id, _ := lockedValue(d, func() (string, error) {
		im.parent = st.imageID
		return d.images.put(im).id, nil
	})
	st.imageID = id
	return nil
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
