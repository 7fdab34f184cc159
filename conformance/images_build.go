package conformance

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// imageBuildScenarios are the scenarios of building images and pruning the build cache.
var imageBuildScenarios = []scenario{
	{"images/build/dockerignore-buildargs-labels", func(e *Env) {
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
		_, code, out := e.runToExit(endpoints.ContainerConfig{Image: ref, Cmd: []string{"sh", "-c", "cd /ctx && find . -type f | sort; cat /greeting"}}, nil)
		require.Zero(e.T, code, "exit code of the built image's find: %s", out)
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
	}},

	{"images/build/failing-run", func(e *Env) {
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
	}},

	{"images/build/lone-dockerfile", func(e *Env) {
		ref := e.imageRef("lone")
		res := e.buildTiny(ref, "lone")
		in, err := e.Client.Images.Inspect(e.Ctx, ref, endpoints.ImageInspectOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		if in.Labels()["dockwire.what"] != "lone" || !strings.HasSuffix(in.ID, strings.TrimPrefix(res.ID, "sha256:")) {
			e.T.Errorf("image %s labels %v, built %s", in.ID, in.Labels(), res.ID)
		}
	}},

	{"images/build-prune/ok", func(e *Env) {
		res, err := e.Client.Images.BuildPrune(e.Ctx, endpoints.ImageBuildPruneOptions{Filters: wire.Filters{"until": {"24h"}}})
		if err != nil {
			e.T.Fatalf("build prune: %v", err)
		}
		for _, id := range res.CachesDeleted {
			if id == "" {
				e.T.Errorf("build prune reported an empty cache id: %+v", res)
			}
		}
	}},

	// MaxUsedSpace needs API 1.48: refused before any I/O below it.
	{"images/build-prune/max-used-space-version-gated", func(e *Env) {
		if e.apiAtLeast(48) {
			e.T.Skip("the negotiated API is 1.48 or newer: MaxUsedSpace is allowed, nothing to refuse")
		}
		e.wantVersionError("build prune MaxUsedSpace below 1.48", func(ctx context.Context) error {
			_, err := e.Client.Images.BuildPrune(ctx, endpoints.ImageBuildPruneOptions{MaxUsedSpace: 1 << 30})
			return err
		})
	}},
}
