package ssh_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/dial"
	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/internal/leakcheck"
	"github.com/dockwire/dockwire/mux"
)

// These tests run against the real dockerd (scripts/dockerd.sh) through
// the real sshd of scripts/sshd.sh, and skip without them. The socket
// path in the URL is the real daemon's; on the sshd port that refuses
// forwarding, the same path goes to `docker --host unix://<path> system
// dial-stdio`.

// realSSH returns the Config for the real daemon over the real sshd: on
// the port that forwards (SSHAuto: streamlocal), or, with noForwarding, on
// the one that does not (SSHAuto falls back to dial-stdio).
func realSSH(t *testing.T, noForwarding bool) dial.Config {
	t.Helper()
	docker := os.Getenv("DOCKWIRE_REAL_DOCKER_HOST")
	sshHost, dir := os.Getenv("DOCKWIRE_REAL_SSH_HOST"), os.Getenv("DOCKWIRE_REAL_SSH_DIR")
	if noForwarding {
		sshHost = os.Getenv("DOCKWIRE_REAL_SSH_HOST_NO_FORWARDING")
	}
	if docker == "" || sshHost == "" || dir == "" {
		t.Skip("DOCKWIRE_REAL_DOCKER_HOST, DOCKWIRE_REAL_SSH_HOST(_NO_FORWARDING) and DOCKWIRE_REAL_SSH_DIR are not all set: " +
			"no real daemon behind a real sshd (scripts/dockerd.sh up, scripts/sshd.sh up)")
	}
	sock, ok := strings.CutPrefix(docker, "unix://")
	require.True(t, ok, "DOCKWIRE_REAL_DOCKER_HOST=%s: the ssh tests need the daemon's unix socket", docker)
	return dial.Config{Host: sshHost + sock, SSH: &dial.SSHOptions{Dir: dir}}
}

func realClient(t *testing.T, cfg dial.Config) *dockwire.Client {
	t.Helper()
	cli, err := dockwire.New(cfg, nil)
	require.NoError(t, err)
	t.Cleanup(func() { cli.Close() })
	return cli
}

func realImage() string {
	if s := os.Getenv("DOCKWIRE_REAL_IMAGE"); s != "" {
		return s
	}
	return "busybox:dockwire"
}

// realContainer creates (and starts) a labelled container, removed at the
// end, attaching first when attach is set.
func realContainer(t *testing.T, cli *dockwire.Client, cmd []string, attach bool) (string, *mux.Conn) {
	t.Helper()
	return runningContainer(t, cli, realImage(), cmd, attach)
}

func TestRealSSHPingAndNegotiation(t *testing.T) {
	leakcheck.Check(t)
	for _, mode := range []struct {
		name         string
		noForwarding bool
	}{{"streamlocal", false}, {"dial-stdio", true}} {
		t.Run(mode.name, func(t *testing.T) {
			cli := realClient(t, realSSH(t, mode.noForwarding))
			ping, err := cli.System.Ping(ctx(t), endpoints.SystemPingOptions{})
			require.NoError(t, err)
			assert.Equal(t, "linux", ping.OSType)
			v, err := cli.APIVersion(ctx(t))
			require.NoError(t, err)
			assert.Equal(t, ping.APIVersion, v, "negotiated down to the daemon's version")
			ver, err := cli.System.Version(ctx(t), endpoints.SystemVersionOptions{})
			require.NoError(t, err)
			assert.Equal(t, ver.APIVersion, v.String())
		})
	}
}

// Each port does what it says: streamlocal alone works on the first and is
// refused on the second, in OpenSSH's words for any refused forward.
func TestRealSSHModes(t *testing.T) {
	leakcheck.Check(t)
	cfg := realSSH(t, false)
	cfg.SSH.Mode = dial.SSHStreamLocal
	_, err := realClient(t, cfg).System.Ping(ctx(t), endpoints.SystemPingOptions{})
	require.NoError(t, err)

	cfg = realSSH(t, true)
	cfg.SSH.Mode = dial.SSHStreamLocal
	_, err = realClient(t, cfg).System.Ping(ctx(t), endpoints.SystemPingOptions{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "direct-streamlocal@openssh.com to "+strings.TrimPrefix(os.Getenv("DOCKWIRE_REAL_DOCKER_HOST"), "unix://")+
		`: ssh: rejected: connect failed ("open failed")`)

	cfg.SSH.Mode = dial.SSHDialStdio
	_, err = realClient(t, cfg).System.Ping(ctx(t), endpoints.SystemPingOptions{})
	require.NoError(t, err, "dial-stdio works there")
}

func TestRealSSHRun(t *testing.T) {
	leakcheck.Check(t)
	for _, noForwarding := range []bool{false, true} {
		cli := realClient(t, realSSH(t, noForwarding))
		res, err := cli.Containers.Run(ctx(t), endpoints.ContainerRunOptions{
			Image: realImage(), Command: []string{"sh", "-c", "echo hello over ssh; exit 3"},
			Remove: true, Labels: map[string]string{"dockwire.test": t.Name()},
		})
		var ce *endpoints.ContainerError
		require.ErrorAs(t, err, &ce, "a non-zero exit is a ContainerError")
		assert.Equal(t, "hello over ssh\n", string(res.Output))
		assert.EqualValues(t, 3, res.ExitCode)
	}
}

// Following logs, then cancelling: the stream ends with the ctx's error
// and the connection serves the next call.
func TestRealSSHLogsFollowCancel(t *testing.T) {
	leakcheck.Check(t)
	cli := realClient(t, realSSH(t, false))
	id, _ := realContainer(t, cli, []string{"sh", "-c", "while true; do echo tick; sleep 0.1; done"}, false)
	c, cancel := context.WithCancel(ctx(t))
	defer cancel()
	logs, err := cli.Containers.Logs(c, id, endpoints.ContainerLogsOptions{Follow: true})
	require.NoError(t, err)
	defer logs.Close()
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() { _, err := logs.Demux(&out, io.Discard); done <- err }()
	time.Sleep(500 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.Canceled)
	case <-time.After(5 * time.Second):
		require.FailNow(t, "logs did not end within 5s of the cancel")
	}
	assert.True(t, strings.HasPrefix(out.String(), "tick\ntick\n"), "followed lines: %q", out.String())
	_, err = cli.System.Ping(ctx(t), endpoints.SystemPingOptions{})
	require.NoError(t, err, "the connection outlives the cancelled stream")
}

func TestRealSSHExecHalfClose(t *testing.T) {
	leakcheck.Check(t)
	in := make([]byte, 1<<20)
	rand.NewChaCha8([32]byte{'s', 's', 'h'}).Read(in)
	for _, noForwarding := range []bool{false, true} {
		cli := realClient(t, realSSH(t, noForwarding))
		id, _ := realContainer(t, cli, []string{"sleep", "60"}, false)
		ex, err := cli.Exec.Create(ctx(t), id, endpoints.ExecCreateOptions{Cmd: []string{"sh", "-c", "cat; echo done >&2; exit 4"},
			AttachStdin: true, AttachStdout: true, AttachStderr: true})
		require.NoError(t, err)
		conn, err := cli.Exec.Start(ctx(t), ex.ID, endpoints.ExecStartOptions{})
		require.NoError(t, err)
		out, errb := roundTrip(t, conn, bytes.NewReader(in))
		conn.Close()
		assert.True(t, bytes.Equal(in, out), "cat gave back %d bytes of %d", len(out), len(in))
		assert.Equal(t, "done\n", string(errb))
		insp, err := cli.Exec.Inspect(ctx(t), ex.ID, endpoints.ExecInspectOptions{})
		require.NoError(t, err)
		require.NotNil(t, insp.ExitCode)
		assert.Equal(t, 4, *insp.ExitCode)
	}
}

func TestRealSSHCopy(t *testing.T) {
	leakcheck.Check(t)
	cli := realClient(t, realSSH(t, false))
	id, _ := realContainer(t, cli, []string{"sleep", "60"}, false)
	src := filepath.Join(t.TempDir(), "payload")
	require.NoError(t, os.MkdirAll(filepath.Join(src, "sub"), 0o755))
	big := make([]byte, 3<<20)
	rand.NewChaCha8([32]byte{'c', 'p'}).Read(big)
	require.NoError(t, os.WriteFile(filepath.Join(src, "sub", "big.bin"), big, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(src, "small.txt"), []byte("over ssh\n"), 0o644))
	_, err := cli.Containers.CopyTo(ctx(t), id, src, "/tmp", endpoints.ContainerCopyToOptions{})
	require.NoError(t, err)
	dst := t.TempDir()
	st, err := cli.Containers.CopyFrom(ctx(t), id, "/tmp/payload", dst, endpoints.ContainerCopyFromOptions{})
	require.NoError(t, err)
	assert.Equal(t, "payload", st.Name)
	got, err := os.ReadFile(filepath.Join(dst, "payload", "sub", "big.bin"))
	require.NoError(t, err)
	assert.True(t, bytes.Equal(big, got), "big.bin comes back whole")
	got, err = os.ReadFile(filepath.Join(dst, "payload", "small.txt"))
	require.NoError(t, err)
	assert.Equal(t, "over ssh\n", string(got))
}

// 64 MiB through attach and back, checked by SHA-256 on both sides without
// holding it in memory.
func TestRealSSHAttach64MiB(t *testing.T) {
	leakcheck.Check(t)
	const size = 64 << 20
	cli := realClient(t, realSSH(t, false))
	id, conn := realContainer(t, cli, []string{"cat"}, true)
	sent := sha256.New()
	werr := make(chan error, 1)
	go func() {
		src := io.TeeReader(io.LimitReader(chachaReader{rand.NewChaCha8([32]byte{'6', '4'})}, size), sent)
		_, err := io.Copy(conn, src)
		if err == nil {
			err = conn.CloseWrite()
		}
		werr <- err
	}()
	got := sha256.New()
	n, err := conn.Demux(got, io.Discard)
	require.NoError(t, err)
	require.NoError(t, <-werr)
	assert.EqualValues(t, size, n)
	assert.Equal(t, sent.Sum(nil), got.Sum(nil), "what came back is what went in")
	res, err := cli.Containers.Wait(ctx(t), id, endpoints.ContainerWaitOptions{})
	require.NoError(t, err)
	assert.Zero(t, res.StatusCode)
}

// The dial-stdio fallback: attach with stdin and half-close, and no
// dial-stdio process left on the remote host once the client is closed.
func TestRealSSHDialStdioFallback(t *testing.T) {
	leakcheck.Check(t)
	cfg := realSSH(t, true)
	// The container is made, and removed, over the daemon's socket: the
	// client under test is closed before the test ends.
	keeper := realClient(t, dial.Config{Host: os.Getenv("DOCKWIRE_REAL_DOCKER_HOST")})
	id, _ := realContainer(t, keeper, []string{"cat"}, false)
	before := dialStdioProcs(t)
	cli, err := dockwire.New(cfg, nil)
	require.NoError(t, err)
	conn, err := cli.Containers.Attach(ctx(t), id, endpoints.ContainerAttachOptions{Stdin: true, Stdout: true, Stderr: true})
	require.NoError(t, err)
	out, _ := roundTrip(t, conn, strings.NewReader("through dial-stdio\n"))
	assert.Equal(t, "through dial-stdio\n", string(out))
	conn.Close()
	_, err = cli.Containers.Wait(ctx(t), id, endpoints.ContainerWaitOptions{})
	require.NoError(t, err)
	assert.NotEmpty(t, newProcs(dialStdioProcs(t), before), "the pool's connections are dial-stdio processes")
	require.NoError(t, cli.Close())
	require.Eventually(t, func() bool { return len(newProcs(dialStdioProcs(t), before)) == 0 }, 10*time.Second, 50*time.Millisecond,
		"no dial-stdio process outlives Client.Close")
}

// dialStdioProcs lists the pids of `docker ... system dial-stdio` processes
// (the sshd runs on this host).
func dialStdioProcs(t *testing.T) map[string]bool {
	t.Helper()
	pids := map[string]bool{}
	dirs, err := filepath.Glob("/proc/[0-9]*")
	require.NoError(t, err)
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err != nil {
			continue
		}
		if strings.Contains(string(b), "system\x00dial-stdio") {
			pids[filepath.Base(d)] = true
		}
	}
	return pids
}

func newProcs(now, before map[string]bool) []string {
	var out []string
	for p := range now {
		if !before[p] {
			out = append(out, p)
		}
	}
	return out
}

// chachaReader reads a ChaCha8 stream.
type chachaReader struct{ r *rand.ChaCha8 }

func (c chachaReader) Read(p []byte) (int, error) { return c.r.Read(p) }
