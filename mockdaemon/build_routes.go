package mockdaemon

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"path"
	"slices"
	"strings"

	"github.com/dockwire/dockwire/mockdaemon/internal/memfs"
)

// imageBuild is the legacy builder: a context tar and a Dockerfile subset
// (FROM, RUN, COPY, ADD of local files, ENV, ARG, LABEL, WORKDIR, USER,
// CMD, ENTRYPOINT, EXPOSE, VOLUME, STOPSIGNAL), answered with the legacy
// JSON stream.
// buildRoutes: the legacy builder.
func (d *Daemon) buildRoutes() []route {
	return []route{
		{"POST", "/build", "ImageBuild", d.imageBuild},
		{"POST", "/build/prune", "BuildPrune", d.buildPrune},
	}
}

// buildPrune has no build cache to prune.
func (d *Daemon) buildPrune(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, map[string]any{"CachesDeleted": []string{}, "SpaceReclaimed": 0})
}

func (d *Daemon) imageBuild(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	ctxFS := memfs.New()
	if err := ctxFS.ExtractTar(r.Body, "/", false); err != nil {
		return errInvalid("mockdaemon: read build context: " + err.Error())
	}
	dfName := q.Get("dockerfile")
	if dfName == "" {
		dfName = "Dockerfile"
	}
	df, err := ctxFS.ReadFile("/" + strings.TrimPrefix(dfName, "/"))
	if err != nil {
		return errInvalid("Cannot locate specified Dockerfile: " + dfName)
	}
	buildArgs := map[string]*string{}
	if s := q.Get("buildargs"); s != "" {
		if err := json.Unmarshal([]byte(s), &buildArgs); err != nil {
			return errInvalid("mockdaemon: bad buildargs: " + err.Error())
		}
	}
	extraLabels := map[string]string{}
	if s := q.Get("labels"); s != "" {
		if err := json.Unmarshal([]byte(s), &extraLabels); err != nil {
			return errInvalid("mockdaemon: bad labels: " + err.Error())
		}
	}
	var refs []imageRef
	for _, t := range q["t"] {
		ref, err := parseRef(t, true)
		if err != nil {
			return err
		}
		refs = append(refs, ref)
	}
	quiet := boolParam(r, "q")
	instrs := parseDockerfile(string(df))
	js := newJSONStream(w)
	say := func(s string) {
		if !quiet {
			js.msg(map[string]any{"stream": s})
		}
	}
	fail := func(msg string) {
		js.msg(map[string]any{"errorDetail": map[string]any{"message": msg}, "error": msg})
	}
	if len(instrs) == 0 || instrs[0].cmd != "FROM" && instrs[0].cmd != "ARG" {
		fail("the Dockerfile (" + dfName + ") cannot be empty")
		return nil
	}
	var f imageFile
	var fsys *memfs.FS
	var parentID string
	args := map[string]string{}
	for k, v := range buildArgs {
		if v != nil {
			args[k] = *v
		}
	}
	declared := map[string]string{}
	expand := func(s string) string {
		env := slices.Clone(f.Config.Env)
		for k, v := range declared {
			env = append(env, k+"="+v)
		}
		return expandEnv(s, env)
	}
	for i, in := range instrs {
		say(fmt.Sprintf("Step %d/%d : %s\n", i+1, len(instrs), in.raw))
		switch in.cmd {
		case "FROM":
			base := expand(strings.Fields(in.args + " ")[0])
			if base == "scratch" {
				f = imageFile{Architecture: goArch(), OS: "linux"}
				fsys = memfs.New()
				parentID = ""
			} else {
				im, err := lockedValue(d, func() (*image, error) { return d.images.get(base) })
				if err != nil {
					fail(err.Error())
					return nil
				}
				f = im.file
				f.History = slices.Clone(im.file.History)
				f.Config.Labels = maps.Clone(im.file.Config.Labels)
				f.Config.Env = slices.Clone(im.file.Config.Env)
				fsys = im.fs.Clone()
				parentID = im.id
				say(" ---> " + im.shortID() + "\n")
				continue
			}
		case "ARG":
			k, v, hasDef := strings.Cut(in.args, "=")
			if val, ok := args[k]; ok {
				declared[k] = val
			} else if hasDef {
				declared[k] = unquote(v)
			} else {
				declared[k] = ""
			}
		case "RUN":
			if fsys == nil {
				fail("no build stage in current context")
				return nil
			}
			argv := execForm(in.args)
			var out bytes.Buffer
			env := slices.Clone(f.Config.Env)
			for k, v := range declared {
				env = setEnv(env, k, v)
			}
			spec := procSpec{Argv: argv, Env: env, Dir: workDir(f.Config.WorkingDir), User: f.Config.User, Hostname: "buildkitsandbox", FS: fsys, Stdin: eofReader{}, Stdout: &out, Stderr: &out}
			p := startProc(spec)
			select {
			case <-p.Done():
			case <-r.Context().Done():
				p.Signal(9)
				<-p.Done()
				return nil
			}
			if out.Len() > 0 {
				say(out.String())
			}
			if code := p.ExitCode(); code != 0 {
				fail(fmt.Sprintf("The command '%s' returned a non-zero code: %d", strings.Join(argv, " "), code))
				return nil
			}
		case "COPY", "ADD":
			if fsys == nil {
				fail("no build stage in current context")
				return nil
			}
			words := execForm(in.args)
			if words[0] == "/bin/sh" {
				words = shellWords(in.args)
			}
			var srcs []string
			for _, w := range words {
				if !strings.HasPrefix(w, "--") {
					srcs = append(srcs, expand(w))
				}
			}
			if len(srcs) < 2 {
				fail(in.cmd + " requires at least two arguments")
				return nil
			}
			dst := srcs[len(srcs)-1]
			srcs = srcs[:len(srcs)-1]
			// Like dockerd: a destination ending in "/" or "/." (or ".")
			// is a directory.
			asDir := strings.HasSuffix(dst, "/") || dst == "." || strings.HasSuffix(dst, "/.")
			if !path.IsAbs(dst) {
				dst = path.Join(workDir(f.Config.WorkingDir), dst)
			}
			if asDir && !strings.HasSuffix(dst, "/") {
				dst += "/"
			}
			if err := buildCopy(ctxFS, fsys, srcs, dst); err != nil {
				fail(err.Error())
				return nil
			}
		case "ENV":
			for _, kv := range parseKV(expand(in.args), true) {
				f.Config.Env = setEnv(f.Config.Env, kv[0], kv[1])
			}
		case "WORKDIR":
			wd := expand(in.args)
			if !path.IsAbs(wd) {
				wd = path.Join(workDir(f.Config.WorkingDir), wd)
			}
			f.Config.WorkingDir = wd
			if fsys != nil {
				_ = fsys.MkdirAll(wd, 0o755)
			}
		case "LABEL", "USER", "CMD", "ENTRYPOINT", "EXPOSE", "VOLUME", "STOPSIGNAL", "ONBUILD":
			a := in.args
			if in.cmd != "CMD" && in.cmd != "ENTRYPOINT" {
				a = expand(a)
			}
			if err := applyChange(&f.Config, in.cmd+" "+a); err != nil {
				fail(err.Error())
				return nil
			}
		case "MAINTAINER":
			f.Author = in.args
		case "SHELL", "HEALTHCHECK":
		default:
			fail("dockerfile parse error on line " + fmt.Sprint(i+1) + ": unknown instruction: " + in.cmd)
			return nil
		}
		f.History = append(f.History, historyEntry{Created: d.now(), CreatedBy: "/bin/sh -c #(nop) " + in.raw, EmptyLayer: in.cmd != "RUN" && in.cmd != "COPY" && in.cmd != "ADD"})
		say(" ---> Running in " + d.newID()[:12] + "\n")
	}
	if fsys == nil {
		fail("no build stage in current context")
		return nil
	}
	if len(extraLabels) > 0 {
		if f.Config.Labels == nil {
			f.Config.Labels = map[string]string{}
		}
		for k, v := range extraLabels {
			f.Config.Labels[k] = v
		}
	}
	f.Created = d.now()
	var buf bytes.Buffer
	if err := fsys.Snapshot(&buf); err != nil {
		fail(err.Error())
		return nil
	}
	data := buf.Bytes()
	im, err := lockedValue(d, func() (*image, error) {
		im, err := d.images.build(f, []layer{{data: data, diffID: digestOf(data)}})
		if err != nil {
			return nil, err
		}
		im.parent = parentID
		im = d.images.put(im)
		for _, ref := range refs {
			d.images.tag(im, ref)
		}
		return im, nil
	})
	if err != nil {
		fail(err.Error())
		return nil
	}
	js.msg(map[string]any{"aux": map[string]any{"ID": im.id}})
	if quiet {
		js.msg(map[string]any{"stream": im.id + "\n"})
	}
	say("Successfully built " + im.shortID() + "\n")
	for _, ref := range refs {
		say("Successfully tagged " + ref.tagged() + "\n")
		d.emit("image", "tag", im.id, map[string]string{"name": ref.tagged()})
	}
	return nil
}

// buildCopy copies context paths into the image: a directory's contents
// go into dst, a file goes to dst (or into it when dst ends in '/' or
// several sources are given).
func buildCopy(ctx, dstFS *memfs.FS, srcs []string, dst string) error {
	intoDir := strings.HasSuffix(dst, "/") || len(srcs) > 1
	for _, s := range srcs {
		sp := path.Join("/", s)
		fi, err := ctx.Stat(sp)
		if err != nil {
			return fmt.Errorf("COPY failed: file not found in build context or excluded by .dockerignore: stat %s: file does not exist", s)
		}
		if fi.IsDir() {
			if err := dstFS.MkdirAll(dst, 0o755); err != nil {
				return err
			}
			ents, _ := ctx.ReadDir(sp)
			for _, e := range ents {
				var buf bytes.Buffer
				if err := ctx.WriteTar(&buf, path.Join(sp, e.Name())); err != nil {
					return err
				}
				if err := dstFS.ExtractTar(&buf, dst, false); err != nil {
					return err
				}
			}
			continue
		}
		target := dst
		if fi, err := dstFS.Stat(dst); err == nil && fi.IsDir() {
			intoDir = true // an existing directory receives the file
		}
		if intoDir {
			_ = dstFS.MkdirAll(dst, 0o755)
			target = path.Join(dst, path.Base(sp))
		} else {
			_ = dstFS.MkdirAll(path.Dir(dst), 0o755)
		}
		b, err := ctx.ReadFile(sp)
		if err != nil {
			return err
		}
		if err := dstFS.WriteFile(target, b, fi.Mode().Perm()); err != nil {
			return err
		}
	}
	return nil
}
