package conformance

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

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

// removeImageIDLater registers the forced removal of an image by id (for
// images a scenario leaves untagged).
func (e *Env) removeImageIDLater(id string) {
	is := e.Client.Images
	e.Cleanup(func(ctx context.Context) error {
		_, err := is.Delete(ctx, id, endpoints.ImageDeleteOptions{Force: true})
		if errors.Is(err, wire.ErrNotFound) {
			return nil
		}
		return err
	})
}

func init() {
	// The image config holds what the Dockerfile set, and a container of
	// the image runs with it.
	register("images/inspect/config-fields-from-dockerfile", func(e *Env) {
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
				e.T.Errorf("image config lacks the Dockerfile's %s: %+v", ch.what, c)
			}
		}
		if out := e.runImage(ref); out != "1 two words\n/work\n1000\n" {
			e.T.Errorf("container of %s printed %q", ref, out)
		}
	})

	register("images/history/fields-of-a-build", func(e *Env) {
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
	})

	register("images/list/reference-and-dangling-filters", func(e *Env) {
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
	})

	register("images/save-load/two-images-one-tar", func(e *Env) {
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
	})

	register("images/inspect/short-id-and-digest-prefix", func(e *Env) {
		ref := e.imageRef("short")
		res := e.buildFrom(ref, "LABEL dockwire.what=short\n")
		hex := strings.TrimPrefix(res.ID, "sha256:")
		for _, name := range []string{res.ID, hex, hex[:12], "sha256:" + hex[:10]} {
			im, err := e.Client.Images.Inspect(e.Ctx, name, endpoints.ImageInspectOptions{})
			if err != nil || im.ID != res.ID {
				e.T.Errorf("inspect by %q: %s %v, want %s", name, im.ID, err, res.ID)
			}
		}
	})

	// An image tagged in two repositories cannot be deleted by id without
	// force; with force both tags go and the image with them.
	register("images/delete/by-id-several-tags", func(e *Env) {
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
	})

	// Tagging onto a name in use moves the name; the old image keeps its
	// id, untagged.
	register("images/tag/moves-existing-tag", func(e *Env) {
		ref := e.imageRef("move")
		old := e.buildFrom(ref, "LABEL dockwire.what=move-old\n")
		e.removeImageIDLater(old.ID)
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
	})
}

func hasPort(m map[endpoints.Port]struct{}, p endpoints.Port) bool { _, ok := m[p]; return ok }

func hasKey(m map[string]struct{}, k string) bool { _, ok := m[k]; return ok }
