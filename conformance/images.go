package conformance

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// imageRef returns a reference unique to this run: "dockwire-<what>-<run>:v1".
func (e *Env) imageRef(what string) string {
	return "dockwire-" + what + "-" + e.RunID + ":v1"
}

// removeImageLater registers the forced removal of an image by reference
// or id; an image already gone is no error.
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

// buildFrom builds ref from a Dockerfile (its FROM line is added: the
// test image), labels it with the run, and registers its removal.
func (e *Env) buildFrom(ref, body string) endpoints.ImageBuildResult {
	e.T.Helper()
	res, err := e.Client.Images.BuildDockerfile(e.Ctx, strings.NewReader("FROM "+e.Image+"\n"+body), endpoints.ImageBuildOptions{Tags: []string{ref}, Labels: e.Labels()})
	e.removeImageLater(ref)
	if err != nil {
		e.T.Fatalf("build %s: %v", ref, err)
	}
	if res.ID == "" {
		e.T.Fatalf("build %s: no image id:\n%s", ref, res.Log)
	}
	return res
}

func hasPort(m map[endpoints.Port]struct{}, p endpoints.Port) bool { _, ok := m[p]; return ok }

func hasKey(m map[string]struct{}, k string) bool { _, ok := m[k]; return ok }

// markerRootFS is a one-file root filesystem tar: /marker holding text.
func markerRootFS(text string) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "marker", Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(text)), ModTime: time.Unix(1700000000, 0)})
	tw.Write([]byte(text))
	tw.Close()
	return buf.Bytes()
}

// tarNames lists the entries of the tar r.
func tarNames(e *Env, r io.Reader) []string {
	e.T.Helper()
	var names []string
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return names
		}
		if err != nil {
			e.T.Fatalf("reading the archive: %v", err)
		}
		names = append(names, hdr.Name)
	}
}

// imageScenarios are the scenarios of images: inspect, tag, list, history, save and load, import, commit, push, pull, search, prune and delete.
var imageScenarios = []scenario{
	{"images/inspect/tag-history-list-delete", func(e *Env) {
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
			e.T.Errorf("list by reference %s: %+v", ref, show(list))
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
	}},

	{"images/save-load/round-trip", func(e *Env) {
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
	}},

	{"images/import/rootfs-runnable", func(e *Env) {
		id, _, _ := e.runToExit(command("sh", "-c", "echo imported-"+e.RunID+" > /marker"), nil)
		rc, err := e.Client.Containers.Export(e.Ctx, id, endpoints.ContainerExportOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		defer rc.Close()
		ref := e.imageRef("import")
		e.removeImageLater(ref)
		res, err := e.Client.Images.Import(e.Ctx, rc, endpoints.ImageImportOptions{Reference: ref, Message: "imported by dockwire", Changes: []string{`CMD ["cat", "/marker"]`}})
		if res.ID != "" {
			e.removeImageLater(res.ID) // by id too: a daemon that ignores the tag (podman 4.3) names the image otherwise
		}
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
			e.T.Errorf("import: comment %q config %+v", in.Comment, show(in.Config))
		}
		_, code, out := e.runToExit(endpoints.ContainerConfig{Image: ref}, nil)
		assert.Equal(e.T, "imported-"+e.RunID, strings.TrimSpace(out), "the imported image's output (exit %d)", code)
	}},

	{"images/commit/changed-container", func(e *Env) {
		id, _, _ := e.runToExit(command("sh", "-c", "echo changed-"+e.RunID+" > /changed"), nil)
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
			e.T.Errorf("commit %s: inspect id %s comment %q author %q config %+v", res.ID, in.ID, in.Comment, in.Author, show(in.Config))
		}
		_, code, out := e.runToExit(endpoints.ContainerConfig{Image: ref, Cmd: []string{"sh", "-c", "cat /changed; echo $COMMITTED"}}, nil)
		assert.Equal(e.T, "changed-"+e.RunID+"\nyes\n", out, "the committed image's output (exit %d)", code)
	}},

	{"images/prune/dangling", func(e *Env) {
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
	}},

	{"images/pull/closed-port", func(e *Env) {
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
	}},

	{"images/delete/missing", func(e *Env) {
		_, err := e.Client.Images.Delete(e.Ctx, "dockwire-missing-"+e.RunID+":v1", endpoints.ImageDeleteOptions{})
		if !errors.Is(err, endpoints.ErrImageNotFound) {
			e.T.Errorf("delete of a missing image: %v", err)
		}
	}},

	// The image config holds what the Dockerfile set, and a container of
	// the image runs with it.
	{"images/inspect/config-fields-from-dockerfile", func(e *Env) {
		ref := e.imageRef("cfg")
		e.buildFrom(ref, "ENV A=1 B=\"two words\"\nWORKDIR /work\nEXPOSE 8080/tcp 53/udp\nVOLUME /data\nSTOPSIGNAL SIGUSR1\n"+
			"ENTRYPOINT [\"sh\", \"-c\"]\nCMD [\"echo $A $B; pwd; id -u\"]\nUSER 1000:1000\nLABEL dockwire.what=cfg\n")
		im, err := e.Client.Images.Inspect(e.Ctx, ref, endpoints.ImageInspectOptions{})
		if err != nil {
			e.T.Fatalf("inspect: %v", err)
		}
		c := im.Config
		if c == nil {
			e.T.Fatalf("inspect %s: no Config", ref)
		}
		checks := []struct {
			what string
			ok   bool
		}{
			{"Env", slices.Contains(c.Env, "A=1") && slices.Contains(c.Env, "B=two words")},
			{"WorkingDir", c.WorkingDir == "/work"},
			{"User", c.User == "1000:1000"},
			{"ExposedPorts", len(c.ExposedPorts) == 2 && hasPort(c.ExposedPorts, "8080/tcp") && hasPort(c.ExposedPorts, "53/udp")},
			{"Volumes", len(c.Volumes) == 1 && hasKey(c.Volumes, "/data")},
			{"StopSignal", c.StopSignal == "SIGUSR1"},
			{"Entrypoint", slices.Equal(c.Entrypoint, []string{"sh", "-c"})},
			{"Cmd", slices.Equal(c.Cmd, []string{"echo $A $B; pwd; id -u"})},
			{"Labels", c.Labels["dockwire.what"] == "cfg" && im.Labels()[LabelKey] == e.RunID},
		}
		for _, ch := range checks {
			if !ch.ok {
				e.T.Errorf("image config lacks the Dockerfile's %s: %+v", ch.what, show(c))
			}
		}
		_, code, out := e.runToExit(endpoints.ContainerConfig{Image: ref}, nil)
		assert.Equal(e.T, "1 two words\n/work\n1000\n", out, "the output of a container of %s (exit %d)", ref, code)
	}},

	{"images/history/fields-of-a-build", func(e *Env) {
		base, err := e.Client.Images.Inspect(e.Ctx, e.Image, endpoints.ImageInspectOptions{})
		if err != nil {
			e.T.Fatalf("inspect base: %v", err)
		}
		ref := e.imageRef("hist")
		res := e.buildFrom(ref, "ENV DW_HIST=1\nRUN echo hello > /hello-"+e.RunID+"\nLABEL dockwire.what=hist\n")
		hist, err := e.Client.Images.History(e.Ctx, ref, endpoints.ImageHistoryOptions{})
		if err != nil {
			e.T.Fatalf("history: %v", err)
		}
		if len(hist.Items) < 4 {
			e.T.Fatalf("history has %d entries, want the base and 3 steps: %+v", len(hist.Items), hist)
		}
		top := hist.Items[0]
		if top.ID != res.ID || !slices.Contains(top.Tags, ref) || top.Created <= 0 {
			e.T.Errorf("top entry %+v, want id %s tagged %s", top, res.ID, ref)
		}
		var run, env *endpoints.ImageHistoryItem
		for i := range hist.Items {
			switch {
			case strings.Contains(hist.Items[i].CreatedBy, "echo hello > /hello-"+e.RunID):
				run = &hist.Items[i]
			case strings.Contains(hist.Items[i].CreatedBy, "DW_HIST=1"):
				env = &hist.Items[i]
			}
		}
		if run == nil || run.Size <= 0 {
			e.T.Errorf("RUN step %+v, want it with a non-empty layer", run)
		}
		if env == nil || env.Size != 0 {
			e.T.Errorf("ENV step %+v, want it with an empty layer", env)
		}
		if !slices.ContainsFunc(hist.Items, func(h endpoints.ImageHistoryItem) bool { return h.ID == base.ID }) {
			e.T.Errorf("history lacks the base image %s", base.ID)
		}
	}},

	{"images/list/reference-and-dangling-filters", func(e *Env) {
		ref := e.imageRef("refl")
		res := e.buildFrom(ref, "LABEL dockwire.what=refl\n")
		repo := strings.TrimSuffix(ref, ":v1")
		has := func(f wire.Filters) bool {
			e.T.Helper()
			list, err := e.Client.Images.List(e.Ctx, endpoints.ImageListOptions{Filters: f})
			if err != nil {
				e.T.Fatalf("list %v: %v", f, err)
			}
			return slices.ContainsFunc(list.Items, func(s endpoints.ImageSummary) bool { return s.ID == res.ID })
		}
		tests := []struct {
			f    wire.Filters
			want bool
		}{
			{wire.Filters{"reference": {repo}}, true},
			{wire.Filters{"reference": {repo + ":v*"}}, true},
			{wire.Filters{"reference": {repo + ":v2"}}, false},
			{wire.Filters{"reference": {"dockwire-refl-*"}}, true},
			{wire.Filters{"dangling": {"false"}, "label": {e.LabelFilter()}}, true},
			{wire.Filters{"dangling": {"true"}, "label": {e.LabelFilter()}}, false},
			{wire.Filters{"label": {"dockwire.what=refl"}, "reference": {repo}}, true},
			{wire.Filters{"label": {"dockwire.what=other"}, "reference": {repo}}, false},
		}
		for _, tt := range tests {
			if got := has(tt.f); got != tt.want {
				e.T.Errorf("list %v holds %s: %v, want %v", tt.f, ref, got, tt.want)
			}
		}
	}},

	{"images/save-load/two-images-one-tar", func(e *Env) {
		a, b := e.imageRef("sla"), e.imageRef("slb")
		ra := e.buildFrom(a, "LABEL dockwire.what=sla\n")
		rb := e.buildFrom(b, "LABEL dockwire.what=slb\n")
		rc, err := e.Client.Images.GetAll(e.Ctx, []string{a, b}, endpoints.ImageGetAllOptions{})
		if err != nil {
			e.T.Fatalf("save: %v", err)
		}
		var tarball bytes.Buffer
		_, err = io.Copy(&tarball, rc)
		rc.Close()
		if err != nil {
			e.T.Fatalf("save: %v", err)
		}
		for _, ref := range []string{a, b} {
			if _, err := e.Client.Images.Delete(e.Ctx, ref, endpoints.ImageDeleteOptions{}); err != nil {
				e.T.Fatalf("delete %s: %v", ref, err)
			}
		}
		res, err := e.Client.Images.Load(e.Ctx, &tarball, endpoints.ImageLoadOptions{Quiet: true})
		if err != nil {
			e.T.Fatalf("load: %v", err)
		}
		if !slices.Contains(res.Images, a) || !slices.Contains(res.Images, b) {
			e.T.Errorf("load reported %q, want %s and %s", res.Images, a, b)
		}
		for ref, id := range map[string]string{a: ra.ID, b: rb.ID} {
			im, err := e.Client.Images.Inspect(e.Ctx, ref, endpoints.ImageInspectOptions{})
			if err != nil || im.ID != id {
				e.T.Errorf("inspect %s after load: %s %v, want %s", ref, im.ID, err, id)
			}
		}
	}},

	{"images/inspect/short-id-and-digest-prefix", func(e *Env) {
		ref := e.imageRef("short")
		res := e.buildFrom(ref, "LABEL dockwire.what=short\n")
		hex := strings.TrimPrefix(res.ID, "sha256:")
		for _, name := range []string{res.ID, hex, hex[:12], "sha256:" + hex[:10]} {
			im, err := e.Client.Images.Inspect(e.Ctx, name, endpoints.ImageInspectOptions{})
			if err != nil || im.ID != res.ID {
				e.T.Errorf("inspect by %q: %s %v, want %s", name, im.ID, err, res.ID)
			}
		}
	}},

	// An image tagged in two repositories cannot be deleted by id without
	// force; with force both tags go and the image with them.
	{"images/delete/by-id-several-tags", func(e *Env) {
		one, two := e.imageRef("twotags"), e.imageRef("twotags2")
		res := e.buildFrom(one, "LABEL dockwire.what=twotags\n")
		e.removeImageLater(two)
		if _, err := e.Client.Images.Tag(e.Ctx, one, two, endpoints.ImageTagOptions{}); err != nil {
			e.T.Fatalf("tag: %v", err)
		}
		_, err := e.Client.Images.Delete(e.Ctx, res.ID, endpoints.ImageDeleteOptions{})
		e.wantStatus("delete by id of an image with two tags", err, 409, wire.ErrConflict)
		for _, ref := range []string{one, two} {
			if _, err := e.Client.Images.Inspect(e.Ctx, ref, endpoints.ImageInspectOptions{}); err != nil {
				e.T.Errorf("%s after the refused delete: %v", ref, err)
			}
		}
		items, err := e.Client.Images.Delete(e.Ctx, res.ID, endpoints.ImageDeleteOptions{Force: true})
		if err != nil {
			e.T.Fatalf("forced delete: %v", err)
		}
		var untagged []string
		deleted := false
		for _, it := range items.Items {
			if it.Untagged != "" {
				untagged = append(untagged, it.Untagged)
			}
			deleted = deleted || it.Deleted == res.ID
		}
		slices.Sort(untagged)
		if want := []string{one, two}; !slices.Equal(untagged, want) || !deleted {
			e.T.Errorf("forced delete reported %+v, want untagged %v and deleted %s", items, want, res.ID)
		}
		_, err = e.Client.Images.Inspect(e.Ctx, res.ID, endpoints.ImageInspectOptions{})
		if !errors.Is(err, endpoints.ErrImageNotFound) {
			e.T.Errorf("inspect after forced delete: %v, want ErrImageNotFound", err)
		}
	}},

	// Tagging onto a name in use moves the name; the old image keeps its
	// id, untagged.
	{"images/tag/moves-existing-tag", func(e *Env) {
		ref := e.imageRef("move")
		old := e.buildFrom(ref, "LABEL dockwire.what=move-old\n")
		e.removeImageLater(old.ID)
		other := e.imageRef("move2")
		nu := e.buildFrom(other, "LABEL dockwire.what=move-new\n")
		if _, err := e.Client.Images.Tag(e.Ctx, other, ref, endpoints.ImageTagOptions{}); err != nil {
			e.T.Fatalf("tag %s as %s: %v", other, ref, err)
		}
		im, err := e.Client.Images.Inspect(e.Ctx, ref, endpoints.ImageInspectOptions{})
		if err != nil || im.ID != nu.ID {
			e.T.Errorf("%s after the retag: %s %v, want %s", ref, im.ID, err, nu.ID)
		}
		was, err := e.Client.Images.Inspect(e.Ctx, old.ID, endpoints.ImageInspectOptions{})
		if err != nil || slices.Contains(was.RepoTags, ref) {
			e.T.Errorf("old image %s: tags %v %v, want it kept without %s", old.ID, was.RepoTags, err, ref)
		}
	}},

	// Pushing a tag the daemon does not have fails typed (dockerd reports
	// it inside the push stream).
	{"images/push/missing-local-image", func(e *Env) {
		ref := closedRegistry + "/dw-missing-" + e.RunID + ":v1"
		_, err := e.Client.Images.Push(e.Ctx, ref, endpoints.ImagePushOptions{})
		if !typedFailure(err) {
			e.T.Errorf("push of missing %s: %v, want a *wire.Error or *wire.StreamError", ref, err)
		}
	}},

	// Pushing to a registry nobody listens on fails typed, and the tag is
	// still there afterwards.
	{"images/push/closed-port-registry", func(e *Env) {
		ref := closedRegistry + "/" + e.imageRef("push")
		e.removeImageLater(ref)
		if _, err := e.Client.Images.Tag(e.Ctx, e.Image, ref, endpoints.ImageTagOptions{}); err != nil {
			e.T.Fatalf("tag: %v", err)
		}
		_, err := e.Client.Images.Push(e.Ctx, ref, endpoints.ImagePushOptions{})
		if !typedFailure(err) {
			e.T.Errorf("push to %s: %v, want a *wire.Error or *wire.StreamError", closedRegistry, err)
		}
		if _, err := e.Client.Images.Inspect(e.Ctx, ref, endpoints.ImageInspectOptions{}); err != nil {
			e.T.Errorf("inspect %s after the failed push: %v", ref, err)
		}
	}},

	{"images/search/closed-port-registry", func(e *Env) {
		res, err := e.Client.Images.Search(e.Ctx, closedRegistry+"/dw-"+e.RunID, endpoints.ImageSearchOptions{Limit: 5})
		var werr *wire.Error
		if !errors.As(err, &werr) || werr.StatusCode < 400 {
			e.T.Errorf("search on %s: %v (%d results), want a *wire.Error", closedRegistry, err, len(res.Items))
		}
	}},

	{"images/search/negative-limit-refused", func(e *Env) {
		_, err := e.Client.Images.Search(e.Ctx, "busybox", endpoints.ImageSearchOptions{Limit: -1})
		var ae *endpoints.ArgError
		if !errors.As(err, &ae) {
			e.T.Errorf("search with Limit -1: %v, want *endpoints.ArgError", err)
		}
	}},

	// Attestations need API 1.55: refused before any I/O below it; at or
	// above it, an imported image has none.
	{"images/attestations/version-gated", func(e *Env) {
		if !e.apiAtLeast(55) {
			e.wantVersionError("attestations below 1.55", func(ctx context.Context) error {
				_, err := e.Client.Images.Attestations(ctx, e.Image, endpoints.ImageAttestationsOptions{})
				return err
			})
			return
		}
		st, err := e.Client.Images.Attestations(e.Ctx, e.Image, endpoints.ImageAttestationsOptions{})
		if err != nil {
			e.T.Fatalf("attestations of %s: %v", e.Image, err)
		}
		if len(st.Items) != 0 {
			e.T.Errorf("attestations of an imported image: %+v, want none", show(st))
		}
		_, err = e.Client.Images.Attestations(e.Ctx, "dw-missing-"+e.RunID+":v1", endpoints.ImageAttestationsOptions{})
		if !errors.Is(err, wire.ErrNotFound) {
			e.T.Errorf("attestations of a missing image: %v, want wire.ErrNotFound", err)
		}
	}},

	{"images/errors/not-found", func(e *Env) {
		missing := "dw-missing-" + e.RunID + ":v1"
		is := e.Client.Images
		checks := []struct {
			what string
			err  error
		}{
			{"inspect", func() error { _, err := is.Inspect(e.Ctx, missing, endpoints.ImageInspectOptions{}); return err }()},
			{"history", func() error { _, err := is.History(e.Ctx, missing, endpoints.ImageHistoryOptions{}); return err }()},
			{"tag", func() error {
				_, err := is.Tag(e.Ctx, missing, "dw-target-"+e.RunID+":v1", endpoints.ImageTagOptions{})
				return err
			}()},
		}
		for _, c := range checks {
			var werr *wire.Error
			if !errors.Is(c.err, wire.ErrNotFound) || !errors.As(c.err, &werr) {
				e.T.Errorf("%s of a missing image: %v, want a *wire.Error matching wire.ErrNotFound", c.what, c.err)
			} else if !strings.Contains(werr.Message, "No such image") {
				e.T.Errorf("%s of a missing image: message %q lacks Docker's \"No such image\" (docker-py decides ImageNotFound from it)", c.what, werr.Message)
			}
		}
	}},

	// Bad tag targets are refused, by the client or by the daemon (dockerd
	// 20.10 answers 500 "invalid reference format", newer ones 400), and
	// no tag is made.
	{"images/tag/bad-references-refused", func(e *Env) {
		for _, target := range []string{"UPPER/case:v1", "a@sha256:00", "has space:v1", ""} {
			_, err := e.Client.Images.Tag(e.Ctx, e.Image, target, endpoints.ImageTagOptions{})
			var ae *endpoints.ArgError
			if !errors.As(err, &ae) && !typedFailure(err) {
				e.T.Errorf("tag as %q: %v, want *endpoints.ArgError or a *wire.Error", target, err)
			}
		}
		list, err := e.Client.Images.List(e.Ctx, endpoints.ImageListOptions{Filters: wire.Filters{"reference": {"UPPER/case"}}})
		if err != nil || len(list.Items) != 0 {
			e.T.Errorf("images after refused tags: %d, %v", len(list.Items), err)
		}
	}},

	{"images/delete/in-use-conflict", func(e *Env) {
		ref := e.imageRef("inuse")
		e.buildTiny(ref, "inuse")
		e.container(endpoints.ContainerConfig{Image: ref, Cmd: []string{"true"}}, nil)
		_, err := e.Client.Images.Delete(e.Ctx, ref, endpoints.ImageDeleteOptions{})
		// The tag is the image's only one: removing it would leave a
		// container's image untagged, which Docker refuses with 409.
		if !errors.Is(err, wire.ErrConflict) {
			e.T.Errorf("delete of an image a container uses: %v, want wire.ErrConflict", err)
		}
	}},

	{"images/list/label-filter", func(e *Env) {
		ref := e.imageRef("listlabel")
		res := e.buildTiny(ref, "listlabel")
		list, err := e.Client.Images.List(e.Ctx, endpoints.ImageListOptions{Filters: wire.Filters{"label": {"dockwire.what=listlabel"}}})
		if err != nil {
			e.T.Fatalf("list: %v", err)
		}
		found := false
		for _, im := range list.Items {
			if im.ID == res.ID {
				found = true
			}
			if im.Labels["dockwire.what"] != "listlabel" {
				e.T.Errorf("label filter let through %s with labels %v", im.ID, im.Labels)
			}
		}
		if !found {
			e.T.Errorf("list by label lacks %s (%s)", ref, res.ID)
		}
	}},

	// docker import URL: the daemon fetches the root filesystem itself.
	{"images/import/from-url", func(e *Env) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/x-tar")
			w.Write(markerRootFS("imported-from-url-" + e.RunID))
		}))
		defer srv.Close()
		ref := e.imageRef("import-url")
		e.removeImageLater(ref)
		res, err := e.Client.Images.Import(e.Ctx, nil, endpoints.ImageImportOptions{URL: srv.URL + "/rootfs.tar", Reference: ref})
		if res.ID != "" {
			e.removeImageLater(res.ID) // by id too: a daemon that ignores the tag (podman 4.3) names the image otherwise
		}
		if err != nil {
			e.T.Fatalf("import from %s: %v", srv.URL, err)
		}
		in, err := e.Client.Images.Inspect(e.Ctx, ref, endpoints.ImageInspectOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		if res.ID != in.ID {
			e.T.Errorf("import reported %q, the image is %s", res.ID, in.ID)
		}
		if in.RootFS.Type != "layers" || len(in.RootFS.Layers) != 1 {
			e.T.Errorf("imported image's rootfs: %+v", in.RootFS)
		}
	}},

	// docker save -o: the archive lands whole in the file.
	{"images/save/to-file", func(e *Env) {
		path := filepath.Join(e.T.TempDir(), "image.tar")
		res, err := e.Client.Images.GetFile(e.Ctx, e.Image, path, endpoints.ImageGetOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			e.T.Fatal(err)
		}
		defer f.Close()
		if fi, err := f.Stat(); err != nil || fi.Size() != res.Size {
			e.T.Errorf("file size %v, result says %d (%v)", fi.Size(), res.Size, err)
		}
		names := tarNames(e, f)
		if !slices.Contains(names, "manifest.json") {
			e.T.Errorf("saved archive lacks manifest.json: %q", names)
		}
		if _, err := e.Client.Images.GetFile(e.Ctx, "dockwire-no-such-image-"+e.RunID, path+".2", endpoints.ImageGetOptions{}); !errors.Is(err, wire.ErrNotFound) {
			e.T.Errorf("save of a missing image: %v, want wire.ErrNotFound", err)
		}
		if _, err := os.Stat(path + ".2"); !errors.Is(err, os.ErrNotExist) {
			e.T.Errorf("a failed save left %s: %v", path+".2", err)
		}
	}},
}
