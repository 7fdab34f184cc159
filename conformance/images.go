package conformance

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// imageRef returns a reference unique to this run: "dockwire-<what>-<run>:v1".
func (e *Env) imageRef(what string) string {
	return "dockwire-" + what + "-" + e.RunID + ":v1"
}

// removeImageLater registers the forced removal of the image ref.
func (e *Env) removeImageLater(ref string) {
	is := e.Client.Images
	e.Cleanup(func(ctx context.Context) error {
		_, err := is.Delete(ctx, ref, endpoints.ImageDeleteOptions{Force: true})
		if errors.Is(err, wire.ErrNotFound) {
			return nil
		}
		return err
	})
}

// buildTiny builds ref FROM the test image with a label unique to the
// run and what, and registers its removal.
func (e *Env) buildTiny(ref, what string) endpoints.ImageBuildResult {
	e.T.Helper()
	df := "FROM " + e.Image + "\nLABEL dockwire.what=" + what + "\n"
	res, err := e.Client.Images.BuildDockerfile(e.Ctx, strings.NewReader(df), endpoints.ImageBuildOptions{Tags: []string{ref}, Labels: e.Labels()})
	if err != nil {
		e.T.Fatalf("build %s: %v", ref, err)
	}
	e.removeImageLater(ref)
	if res.ID == "" {
		e.T.Fatalf("build %s: no image id in the output:\n%s", ref, res.Log)
	}
	return res
}

// runImage runs cmd in image and returns its output.
func (e *Env) runImage(image string, cmd ...string) string {
	e.T.Helper()
	res, err := e.Client.Containers.Run(e.Ctx, endpoints.ContainerRunOptions{Image: image, Command: cmd, Labels: e.Labels(), Remove: true, Stderr: true})
	if err != nil {
		e.T.Fatalf("run %s %q: %v", image, cmd, err)
	}
	return string(res.Output)
}

func init() {
	register("images/inspect/tag-history-list-delete", func(e *Env) {
		is := e.Client.Images
		base, err := is.Inspect(e.Ctx, e.Image, endpoints.ImageInspectOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		if !strings.HasPrefix(base.ID, "sha256:") || base.Os != "linux" || len(base.RootFS.Layers) == 0 || !slices.Contains(base.RepoTags, e.Image) {
			e.T.Errorf("inspect %s: id %q os %q layers %v tags %v", e.Image, base.ID, base.Os, base.RootFS.Layers, base.RepoTags)
		}
		ref := e.imageRef("tag")
		e.removeImageLater(ref)
		if _, err := is.Tag(e.Ctx, e.Image, ref, endpoints.ImageTagOptions{}); err != nil {
			e.T.Fatal(err)
		}
		tagged, err := is.Inspect(e.Ctx, ref, endpoints.ImageInspectOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		if tagged.ID != base.ID || !slices.Contains(tagged.RepoTags, ref) {
			e.T.Errorf("tag: id %s tags %v, want %s with %s", tagged.ID, tagged.RepoTags, base.ID, ref)
		}
		hist, err := is.History(e.Ctx, ref, endpoints.ImageHistoryOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		if len(hist.Items) == 0 || hist.Items[0].ID != base.ID || !slices.Contains(hist.Items[0].Tags, ref) {
			e.T.Errorf("history: %+v", hist)
		}
		list, err := is.List(e.Ctx, endpoints.ImageListOptions{Filters: wire.Filters{"reference": {strings.TrimSuffix(ref, ":v1")}}})
		if err != nil {
			e.T.Fatal(err)
		}
		if len(list.Items) != 1 || list.Items[0].ID != base.ID || !slices.Contains(list.Items[0].RepoTags, ref) {
			e.T.Errorf("list by reference %s: %+v", ref, list)
		}
		del, err := is.Delete(e.Ctx, ref, endpoints.ImageDeleteOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		if len(del.Items) != 1 || del.Items[0].Untagged != ref {
			e.T.Errorf("delete of a second tag: %+v, want only Untagged %s", del, ref)
		}
		_, err = is.Inspect(e.Ctx, ref, endpoints.ImageInspectOptions{})
		if !errors.Is(err, endpoints.ErrImageNotFound) || !errors.Is(err, wire.ErrNotFound) {
			e.T.Errorf("inspect after delete: %v", err)
		}
		if _, err := is.Inspect(e.Ctx, e.Image, endpoints.ImageInspectOptions{}); err != nil {
			e.T.Errorf("untagging a second name removed the image: %v", err)
		}
	})

	register("images/build/dockerignore-buildargs-labels", func(e *Env) {
		dir := e.T.TempDir()
		for name, data := range map[string]string{
			"Dockerfile":         "FROM " + e.Image + "\nARG GREETING=unset\nCOPY . /ctx/\nRUN echo \"$GREETING\" > /greeting\n",
			".dockerignore":      "# secrets stay home\n*.secret\ncache/\n!cache/keep.txt\n**/*.tmp\n",
			"kept.txt":           "kept",
			"sub/nested.txt":     "nested",
			"top.secret":         "s",
			"sub/deep.secret":    "s", // "*" does not cross "/": sent, as by the docker CLI
			"sub/x/y.tmp":        "t",
			"cache/blob.bin":     "b",
			"cache/keep.txt":     "k",
			"Dockerfile.ignored": "x",
		} {
			p := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				e.T.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
				e.T.Fatal(err)
			}
		}
		ref := e.imageRef("build")
		e.removeImageLater(ref)
		var records int
		res, err := e.Client.Images.BuildDir(e.Ctx, dir, endpoints.ImageBuildOptions{
			Tags: []string{ref}, BuildArgs: map[string]string{"GREETING": "hello-" + e.RunID},
			Labels: e.Labels("dockwire.build=yes"), ForceRemove: true,
			Progress: func(endpoints.Progress) { records++ },
		})
		if err != nil {
			e.T.Fatalf("build: %v", err)
		}
		if res.ID == "" || records == 0 {
			e.T.Fatalf("build: id %q after %d records:\n%s", res.ID, records, res.Log)
		}
		in, err := e.Client.Images.Inspect(e.Ctx, ref, endpoints.ImageInspectOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		if !strings.HasSuffix(in.ID, strings.TrimPrefix(res.ID, "sha256:")) {
			e.T.Errorf("built id %s, tagged image %s", res.ID, in.ID)
		}
		if l := in.Labels(); l["dockwire.build"] != "yes" || l[LabelKey] != e.RunID {
			e.T.Errorf("labels %v", l)
		}
		out := e.runImage(ref, "sh", "-c", "cd /ctx && find . -type f | sort; cat /greeting")
		lines := strings.Fields(out)
		for _, want := range []string{"./Dockerfile", "./.dockerignore", "./kept.txt", "./sub/nested.txt", "./cache/keep.txt", "./Dockerfile.ignored", "./sub/deep.secret", "hello-" + e.RunID} {
			if !slices.Contains(lines, want) {
				e.T.Errorf("image lacks %s:\n%s", want, out)
			}
		}
		for _, no := range []string{"./top.secret", "./sub/x/y.tmp", "./cache/blob.bin"} {
			if slices.Contains(lines, no) {
				e.T.Errorf("ignored %s was sent:\n%s", no, out)
			}
		}
	})

	register("images/build/failing-run", func(e *Env) {
		df := "FROM " + e.Image + "\nRUN echo out-before-fail-" + e.RunID + " && exit 3\n"
		_, err := e.Client.Images.BuildDockerfile(e.Ctx, strings.NewReader(df), endpoints.ImageBuildOptions{ForceRemove: true, Labels: e.Labels()})
		var be *endpoints.BuildError
		if !errors.As(err, &be) {
			e.T.Fatalf("err %v (%T), want *endpoints.BuildError", err, err)
		}
		if !strings.Contains(be.Log, "out-before-fail-"+e.RunID) {
			e.T.Errorf("BuildError log lacks the step's output:\n%s", be.Log)
		}
		if !strings.Contains(be.Message, "3") {
			e.T.Errorf("BuildError message %q does not name exit code 3", be.Message)
		}
	})

	register("images/build/lone-dockerfile", func(e *Env) {
		ref := e.imageRef("lone")
		res := e.buildTiny(ref, "lone")
		in, err := e.Client.Images.Inspect(e.Ctx, ref, endpoints.ImageInspectOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		if in.Labels()["dockwire.what"] != "lone" || !strings.HasSuffix(in.ID, strings.TrimPrefix(res.ID, "sha256:")) {
			e.T.Errorf("image %s labels %v, built %s", in.ID, in.Labels(), res.ID)
		}
	})

	register("images/save-load/round-trip", func(e *Env) {
		ref := e.imageRef("save")
		e.buildTiny(ref, "save")
		is := e.Client.Images
		before, err := is.Inspect(e.Ctx, ref, endpoints.ImageInspectOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		rc, err := is.Get(e.Ctx, ref, endpoints.ImageGetOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		f, err := os.Create(filepath.Join(e.T.TempDir(), "save.tar"))
		if err != nil {
			e.T.Fatal(err)
		}
		defer f.Close()
		n, err := io.Copy(f, rc)
		rc.Close()
		if err != nil || n < 1024 {
			e.T.Fatalf("save: %d bytes, %v", n, err)
		}
		if _, err := is.Delete(e.Ctx, ref, endpoints.ImageDeleteOptions{}); err != nil {
			e.T.Fatal(err)
		}
		if _, err := is.Inspect(e.Ctx, ref, endpoints.ImageInspectOptions{}); !errors.Is(err, wire.ErrNotFound) {
			e.T.Fatalf("image still there after delete: %v", err)
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			e.T.Fatal(err)
		}
		res, err := is.Load(e.Ctx, f, endpoints.ImageLoadOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		if !slices.Contains(res.Images, ref) {
			e.T.Errorf("load reported %v, want %s", res.Images, ref)
		}
		after, err := is.Inspect(e.Ctx, ref, endpoints.ImageInspectOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		if after.ID != before.ID {
			e.T.Errorf("round trip changed the id: %s → %s", before.ID, after.ID)
		}
		// GetAll of two names gives one archive too.
		rc, err = is.GetAll(e.Ctx, []string{ref, e.Image}, endpoints.ImageGetAllOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		n, err = io.Copy(io.Discard, rc)
		rc.Close()
		if err != nil || n < 1024 {
			e.T.Errorf("save of two images: %d bytes, %v", n, err)
		}
	})

	register("images/import/rootfs-runnable", func(e *Env) {
		id := e.exited("sh", "-c", "echo imported-"+e.RunID+" > /marker")
		rc, err := e.Client.Containers.Export(e.Ctx, id, endpoints.ContainerExportOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		defer rc.Close()
		ref := e.imageRef("import")
		e.removeImageLater(ref)
		res, err := e.Client.Images.Import(e.Ctx, rc, endpoints.ImageImportOptions{Reference: ref, Message: "imported by dockwire", Changes: []string{`CMD ["cat", "/marker"]`}})
		if err != nil {
			e.T.Fatal(err)
		}
		in, err := e.Client.Images.Inspect(e.Ctx, ref, endpoints.ImageInspectOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		if res.ID != "" && res.ID != in.ID {
			e.T.Errorf("import reported %s, image is %s", res.ID, in.ID)
		}
		if in.Comment != "imported by dockwire" || in.Config == nil || !slices.Equal(in.Config.Cmd, []string{"cat", "/marker"}) {
			e.T.Errorf("import: comment %q config %+v", in.Comment, in.Config)
		}
		if out := e.runImage(ref); strings.TrimSpace(out) != "imported-"+e.RunID {
			e.T.Errorf("imported image printed %q", out)
		}
	})

	register("images/commit/changed-container", func(e *Env) {
		id := e.exited("sh", "-c", "echo changed-"+e.RunID+" > /changed")
		ref := e.imageRef("commit")
		e.removeImageLater(ref)
		res, err := e.Client.Images.Commit(e.Ctx, id, endpoints.ImageCommitOptions{
			Reference: ref, Comment: "committed", Author: "dockwire <dockwire@localhost>", Changes: []string{"ENV COMMITTED=yes"},
		})
		if err != nil {
			e.T.Fatal(err)
		}
		in, err := e.Client.Images.Inspect(e.Ctx, ref, endpoints.ImageInspectOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		if in.ID != res.ID || in.Comment != "committed" || in.Author != "dockwire <dockwire@localhost>" || in.Config == nil || !slices.Contains(in.Config.Env, "COMMITTED=yes") {
			e.T.Errorf("commit %s: inspect id %s comment %q author %q config %+v", res.ID, in.ID, in.Comment, in.Author, in.Config)
		}
		if out := e.runImage(ref, "sh", "-c", "cat /changed; echo $COMMITTED"); strings.Fields(out)[0] != "changed-"+e.RunID || !strings.Contains(out, "yes") {
			e.T.Errorf("committed image: %q", out)
		}
	})

	register("images/prune/dangling", func(e *Env) {
		// An untagged build with the run's label is dangling.
		df := "FROM " + e.Image + "\nLABEL dockwire.what=dangling-" + e.RunID + "\n"
		res, err := e.Client.Images.BuildDockerfile(e.Ctx, strings.NewReader(df), endpoints.ImageBuildOptions{Labels: e.Labels()})
		if err != nil {
			e.T.Fatal(err)
		}
		e.removeImageLater(res.ID)
		rep, err := e.Client.Images.Prune(e.Ctx, endpoints.ImagePruneOptions{Filters: wire.Filters{"label": {e.LabelFilter()}, "dangling": {"true"}}})
		if err != nil {
			e.T.Fatal(err)
		}
		found := false
		for _, d := range rep.ImagesDeleted {
			if d.Deleted != "" && strings.HasSuffix(d.Deleted, strings.TrimPrefix(res.ID, "sha256:")) {
				found = true
			}
		}
		if !found {
			e.T.Errorf("prune deleted %+v, not %s", rep.ImagesDeleted, res.ID)
		}
		if _, err := e.Client.Images.Inspect(e.Ctx, res.ID, endpoints.ImageInspectOptions{}); !errors.Is(err, wire.ErrNotFound) {
			e.T.Errorf("pruned image still there: %v", err)
		}
		if _, err := e.Client.Images.Inspect(e.Ctx, e.Image, endpoints.ImageInspectOptions{}); err != nil {
			e.T.Errorf("prune with the run's label removed the test image: %v", err)
		}
	})

	register("images/pull/closed-port", func(e *Env) {
		start := time.Now()
		_, err := e.Client.Images.Pull(e.Ctx, "127.0.0.1:9/dockwire/nothing:v1", endpoints.ImagePullOptions{})
		took := time.Since(start)
		var werr *wire.Error
		var serr *wire.StreamError
		switch {
		case errors.As(err, &werr):
			if !strings.Contains(werr.Message, "127.0.0.1:9") {
				e.T.Errorf("daemon message %q does not name the registry", werr.Message)
			}
		case errors.As(err, &serr):
			if !strings.Contains(serr.Message, "127.0.0.1:9") {
				e.T.Errorf("stream error %q does not name the registry", serr.Message)
			}
		default:
			e.T.Fatalf("pull from a closed port: %v (%T), want *wire.Error or *wire.StreamError", err, err)
		}
		if took > 30*time.Second {
			e.T.Errorf("pull from a closed port took %v", took)
		}
	})

	register("images/delete/missing", func(e *Env) {
		_, err := e.Client.Images.Delete(e.Ctx, "dockwire-missing-"+e.RunID+":v1", endpoints.ImageDeleteOptions{})
		if !errors.Is(err, endpoints.ErrImageNotFound) {
			e.T.Errorf("delete of a missing image: %v", err)
		}
	})
}
