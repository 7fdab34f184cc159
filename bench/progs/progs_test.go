package progs

import (
	"context"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/bench/internal/build"
	"github.com/dockwire/dockwire/dial"
	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/mockdaemon"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPrograms builds every program and runs it against the mock daemon:
// the three versions of a task must do it and print the same thing (the
// floor's stream counts frame headers too). listtls is built only: the
// mock here has no TLS (run.sh runs it against the real daemon's TLS
// port).
func TestPrograms(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 15 programs")
	}
	dir := t.TempDir()
	bins := map[string]build.Program{}
	for _, task := range build.Tasks {
		for _, c := range build.Clients {
			p, err := build.Build(dir, task, c)
			require.NoError(t, err)
			assert.Greater(t, p.Size, int64(1<<20), "%s/%s", task, c)
			bins[task+"/"+c] = p
		}
	}
	// The dockwire programs link dockwire and nothing else; the floor none.
	for _, task := range build.Tasks {
		mods := bins[task+"/dockwire"].Modules
		require.Len(t, mods, 1, "%s/dockwire links %v", task, mods)
		assert.True(t, strings.HasPrefix(mods[0], "github.com/dockwire/dockwire "), mods[0])
		assert.Empty(t, bins[task+"/floor"].Modules, "%s/floor", task)
		assert.NotEmpty(t, bins[task+"/sdk"].Modules, "%s/sdk", task)
	}

	_, host := mockdaemon.StartUnix(t, mockdaemon.Config{})
	env := []string{"DOCKER_HOST=" + host, "BENCH_IMAGE=busybox:latest", "HOME=" + t.TempDir()}
	run := func(t *testing.T, task, client string, args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), bins[task+"/"+client].Path, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s/%s: %s", task, client, out)
		return string(out)
	}
	same := func(t *testing.T, task string, want *regexp.Regexp, args ...string) {
		for _, c := range build.Clients {
			assert.Regexp(t, want, run(t, task, c, args...), c)
		}
	}

	cli, err := dockwire.New(dial.Config{Host: host}, nil)
	require.NoError(t, err)
	defer cli.Close()
	ctx := t.Context()
	created, err := cli.Containers.Create(ctx, endpoints.ContainerCreateOptions{Config: endpoints.ContainerConfig{
		Image: "busybox:latest", Cmd: []string{"sh", "-c", "echo out; echo error >&2"},
	}})
	require.NoError(t, err)
	_, err = cli.Containers.Start(ctx, created.ID, endpoints.ContainerStartOptions{})
	require.NoError(t, err)
	_, err = cli.Containers.Wait(ctx, created.ID, endpoints.ContainerWaitOptions{})
	require.NoError(t, err)

	t.Run("ping", func(t *testing.T) { same(t, "ping", regexp.MustCompile(`^ok\n$`)) })
	t.Run("list", func(t *testing.T) { same(t, "list", regexp.MustCompile(`^1 containers\n$`)) })
	t.Run("runlogs", func(t *testing.T) {
		same(t, "runlogs", regexp.MustCompile(`^hello\n$`))
		list, err := cli.Containers.List(context.Background(), endpoints.ContainerListOptions{All: true})
		require.NoError(t, err)
		assert.Len(t, list.Items, 1, "runlogs removes its container")
	})
	t.Run("stream", func(t *testing.T) {
		// "out\n" and "error\n": 10 bytes of payload in two frames, 8-byte headers each.
		for _, c := range []string{"dockwire", "sdk"} {
			assert.Equal(t, "10 bytes\n", run(t, "stream", c, "logs", created.ID), c)
		}
		assert.Equal(t, "26 bytes\n", run(t, "stream", "floor", "logs", created.ID))
		want := run(t, "stream", "floor", "archive", created.ID, "/etc/hostname")
		assert.Regexp(t, `^[1-9][0-9]* bytes\n$`, want)
		for _, c := range []string{"dockwire", "sdk"} {
			assert.Equal(t, want, run(t, "stream", c, "archive", created.ID, "/etc/hostname"), c)
		}
	})
}
