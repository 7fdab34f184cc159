package conformance

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// The legacy builder (dockerd's classic builder, what POST /build runs
// without BuildKit): its stages, contexts, .dockerignore, cache and ADD.

// runFirst is the Dockerfile line after FROM in these scenarios: unique to
// the run, so that no step comes from another run's cache.
func (e *Env) runFirst() string { return "LABEL dockwire.build.run=" + e.RunID + "\n" }

// outputOf runs cmd (the image's own command when none) in a container
// of image and returns its output; it fails the test unless it exits 0.
func (e *Env) outputOf(image string, cmd ...string) string {
	e.T.Helper()
	_, code, out := e.runToExit(endpoints.ContainerConfig{Image: image, Cmd: cmd}, nil)
	require.Zero(e.T, code, "exit code of %s %q: %s", image, cmd, out)
	return out
}

// tarBytes is a tar of files (name to content), directories made as
// needed by the reader.
func tarBytes(files map[string]string) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for name, data := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			return nil, err
		}
		if _, err := tw.Write([]byte(data)); err != nil {
			return nil, err
		}
	}
	err := tw.Close()
	return buf.Bytes(), err
}

// compress compresses b with gzip, or with the host's bzip2 or xz.
func compress(b []byte, how string) ([]byte, error) {
	if how == "gzip" {
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		if _, err := zw.Write(b); err != nil {
			return nil, err
		}
		err := zw.Close()
		return z.Bytes(), err
	}
	cmd := exec.Command(how, "-c")
	cmd.Stdin = bytes.NewReader(b)
	return cmd.Output()
}

// imageLegacyBuildScenarios are the scenarios of the legacy builder's
// stages, contexts, .dockerignore, cache and ADD.
var imageLegacyBuildScenarios = []scenario{
	// target= builds up to the stage it names; FROM a stage starts from
	// its image; an unknown target is refused before anything runs.
	{"images/build/target-stage", func(e *Env) {
		ref := e.imageRef("target")
		e.removeImageLater(ref)
		df := "FROM " + e.Image + " AS base\n" + e.runFirst() + "RUN echo base > /stage\n" +
			"FROM base AS second\nRUN echo second >> /stage\nCMD [\"cat\", \"/stage\"]\n" +
			"FROM " + e.Image + " AS final\nRUN echo final > /stage\n"
		res, err := e.Client.Images.BuildDockerfile(e.Ctx, strings.NewReader(df), endpoints.ImageBuildOptions{Tags: []string{ref}, Labels: e.Labels(), Target: "second", ForceRemove: true})
		require.NoError(e.T, err)
		assert.NotContains(e.T, res.Log, "echo final", "the stage after the target ran")
		assert.Equal(e.T, "base\nsecond\n", e.outputOf(ref))

		_, err = e.Client.Images.BuildDockerfile(e.Ctx, strings.NewReader(df), endpoints.ImageBuildOptions{Labels: e.Labels(), Target: "nosuch", ForceRemove: true})
		e.wantStatus("unknown target", err, 400, wire.ErrInvalidArgument)
		var werr *wire.Error
		if errors.As(err, &werr) {
			assert.Equal(e.T, "failed to reach build target nosuch in Dockerfile", werr.Message)
		}
	}},

	// A context may be a gzip, bzip2 or xz compressed tar: the daemon
	// knows it by its first bytes.
	{"images/build/compressed-contexts", func(e *Env) {
		ctxTar, err := tarBytes(map[string]string{
			"Dockerfile": "FROM " + e.Image + "\n" + e.runFirst() + "COPY hello.txt /\nRUN cat /hello.txt\n",
			"hello.txt":  "hello from a compressed context " + e.RunID + "\n",
		})
		require.NoError(e.T, err)
		for _, how := range []string{"gzip", "bzip2", "xz"} {
			e.T.Run(how, func(t *testing.T) {
				if _, err := exec.LookPath(how); err != nil && how != "gzip" {
					t.Skipf("no %s on this host to compress the context", how)
				}
				body, err := compress(ctxTar, how)
				require.NoError(t, err)
				ref := e.imageRef("ctx-" + how)
				e.removeImageLater(ref)
				res, err := e.Client.Images.Build(e.Ctx, bytes.NewReader(body), endpoints.ImageBuildOptions{Tags: []string{ref}, Labels: e.Labels(), NoCache: true, ForceRemove: true})
				require.NoError(t, err)
				assert.Contains(t, res.Log, "hello from a compressed context "+e.RunID+"\n")
			})
		}
	}},

	// A .dockerignore that lists the Dockerfile and itself: both are sent
	// and used, and the daemon leaves them out of what COPY . sees.
	{"images/build/dockerignore-drops-dockerfile", func(e *Env) {
		dir := e.T.TempDir()
		for name, data := range map[string]string{
			"Dockerfile":    "FROM " + e.Image + "\n" + e.runFirst() + "COPY . /ctx\n",
			".dockerignore": "Dockerfile\n.dockerignore\n*.secret\n",
			"kept.txt":      "kept",
			"top.secret":    "s",
		} {
			require.NoError(e.T, os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644))
		}
		ref := e.imageRef("ignore")
		e.removeImageLater(ref)
		_, err := e.Client.Images.BuildDir(e.Ctx, dir, endpoints.ImageBuildOptions{Tags: []string{ref}, Labels: e.Labels(), ForceRemove: true})
		require.NoError(e.T, err)
		assert.Equal(e.T, ".\n..\nkept.txt\n", e.outputOf(ref, "ls", "-a", "/ctx"))
	}},

	// The build cache: an unchanged step is "Using cache", so a rebuild is
	// the same image; NoCache builds anew; CacheFrom takes the steps of
	// the images it names only.
	{"images/build/cache", func(e *Env) {
		df := "FROM " + e.Image + "\n" + e.runFirst() + "RUN echo one > /one\nRUN echo two > /two\n"
		build := func(what string, opts endpoints.ImageBuildOptions) endpoints.ImageBuildResult {
			e.T.Helper()
			ref := e.imageRef("cache-" + what)
			e.removeImageLater(ref)
			opts.Tags, opts.Labels, opts.ForceRemove = []string{ref}, e.Labels(), true
			res, err := e.Client.Images.BuildDockerfile(e.Ctx, strings.NewReader(df), opts)
			require.NoError(e.T, err, what)
			return res
		}
		first := build("first", endpoints.ImageBuildOptions{})
		again := build("again", endpoints.ImageBuildOptions{})
		assert.Equal(e.T, first.ID, again.ID, "an unchanged build is the same image")
		assert.Contains(e.T, again.Log, " ---> Using cache\n")
		assert.NotContains(e.T, again.Log, "Running in")
		fresh := build("fresh", endpoints.ImageBuildOptions{NoCache: true})
		assert.NotEqual(e.T, first.ID, fresh.ID)
		assert.NotContains(e.T, fresh.Log, "Using cache")
		from := build("from", endpoints.ImageBuildOptions{CacheFrom: []string{e.imageRef("cache-fresh")}})
		assert.Equal(e.T, fresh.ID, from.ID, "CacheFrom takes the named image's steps, not the newest")
	}},

	// ADD unpacks a local tar, plain or compressed, known by its content;
	// COPY copies it as it is.
	{"images/build/add-local-tar", func(e *Env) {
		inner, err := tarBytes(map[string]string{"dir/member.txt": "member\n", "top.txt": "top\n"})
		require.NoError(e.T, err)
		gz, err := compress(inner, "gzip")
		require.NoError(e.T, err)
		dir := e.T.TempDir()
		for name, data := range map[string][]byte{
			"Dockerfile": []byte("FROM " + e.Image + "\n" + e.runFirst() + "ADD a.tar /plain/\nADD b.bin /gz\nCOPY a.tar /copied/\nADD c.tar /notatar/\n"),
			"a.tar":      inner,
			"b.bin":      gz,
			"c.tar":      []byte("not a tar"),
		} {
			require.NoError(e.T, os.WriteFile(filepath.Join(dir, name), data, 0o644))
		}
		ref := e.imageRef("addtar")
		e.removeImageLater(ref)
		_, err = e.Client.Images.BuildDir(e.Ctx, dir, endpoints.ImageBuildOptions{Tags: []string{ref}, Labels: e.Labels(), ForceRemove: true})
		require.NoError(e.T, err)
		assert.Equal(e.T, "/copied\n/copied/a.tar\n/gz\n/gz/dir\n/gz/dir/member.txt\n/gz/top.txt\n/notatar\n/notatar/c.tar\n/plain\n/plain/dir\n/plain/dir/member.txt\n/plain/top.txt\n",
			e.outputOf(ref, "sh", "-c", "find /plain /gz /copied /notatar | sort"))
	}},
}
