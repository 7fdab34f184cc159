package conformance

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// containerRunScenarios are the scenarios of what a process sees of the configuration its container was created with, and the Run convenience.
var containerRunScenarios = []scenario{
	{"containers/run/exit-code", func(e *Env) {
		cmd := []string{"sh", "-c", "echo hi; echo bad >&2; exit 3"}
		res, err := e.Client.Containers.Run(e.Ctx, endpoints.ContainerRunOptions{Image: e.Image, Command: cmd, Remove: true, Labels: e.Labels()})
		if res.ID != "" {
			e.removeLater(res.ID)
		}
		var ce *endpoints.ContainerError
		if !errors.As(err, &ce) {
			e.T.Fatalf("run: %v (%T), want *endpoints.ContainerError", err, err)
		}
		if ce.ExitCode != 3 || ce.Image != e.Image || strings.Join(ce.Command, " ") != strings.Join(cmd, " ") || string(ce.Stderr) != "bad\n" {
			e.T.Errorf("ContainerError: code %d image %q command %q stderr %q", ce.ExitCode, ce.Image, ce.Command, ce.Stderr)
		}
		if string(res.Output) != "hi\n" {
			e.T.Errorf("output %q, want %q", res.Output, "hi\n")
		}
		_, err = e.Client.Containers.Inspect(e.Ctx, res.ID, endpoints.ContainerInspectOptions{})
		if !errors.Is(err, wire.ErrNotFound) {
			e.T.Errorf("after Run with Remove, inspect: %v, want not found", err)
		}
	}},

	{"containers/run/stderr-and-autoremove", func(e *Env) {
		res, err := e.Client.Containers.Run(e.Ctx, endpoints.ContainerRunOptions{Image: e.Image, Command: []string{"sh", "-c", "echo out; echo err >&2"},
			Stderr: true, AutoRemove: true, Labels: e.Labels(), Env: []string{"X=1"}, MemLimit: "64m"})
		if res.ID != "" {
			e.removeLater(res.ID)
		}
		if err != nil {
			e.T.Fatal(err)
		}
		if got := string(res.Output); got != "out\nerr\n" && got != "err\nout\n" {
			e.T.Errorf("output %q, want out and err", got)
		}
		if !eventually(e.Ctx, 10*time.Second, func() bool {
			_, err := e.Client.Containers.Inspect(e.Ctx, res.ID, endpoints.ContainerInspectOptions{})
			return errors.Is(err, wire.ErrNotFound)
		}) {
			e.T.Errorf("AutoRemove container still there")
		}
	}},

	{"containers/run/detach", func(e *Env) {
		res, err := e.Client.Containers.Run(e.Ctx, endpoints.ContainerRunOptions{Image: e.Image, Command: []string{"sleep", "60"}, Detach: true, Labels: e.Labels(), Init: true})
		if res.ID != "" {
			e.removeLater(res.ID)
		}
		if err != nil {
			e.T.Fatal(err)
		}
		if st := e.state(res.ID); !st.Running {
			e.T.Errorf("detached container not running: %+v", show(st))
		}
	}},

	{"containers/run/pull-missing-closed-port", func(e *Env) {
		start := time.Now()
		ctx, cancel := context.WithTimeout(e.Ctx, 60*time.Second)
		defer cancel()
		res, err := e.Client.Containers.Run(ctx, endpoints.ContainerRunOptions{Image: "127.0.0.1:9/none:x", Labels: e.Labels()})
		if res.ID != "" {
			e.removeLater(res.ID)
		}
		var werr *wire.Error
		var serr *wire.StreamError
		if !errors.As(err, &werr) && !errors.As(err, &serr) {
			e.T.Fatalf("run of an image on a closed port: %v (%T), want the daemon's typed error", err, err)
		}
		e.T.Logf("pull of 127.0.0.1:9/none:x: %v", err)
		if ctx.Err() != nil || time.Since(start) > 30*time.Second {
			e.T.Errorf("pull failure took %v", time.Since(start))
		}
	}},

	// The process sees the configuration it was created with.
	{"containers/run/env-workdir-user-hostname-in-process", func(e *Env) {
		_, code, out := e.runToExit(endpoints.ContainerConfig{
			Cmd: []string{"sh", "-c", `echo "$FOO|$(pwd)|$(id -u):$(id -g)|$(hostname)"`},
			Env: []string{"FOO=bar baz"}, WorkingDir: "/tmp", User: "1000:1001", Hostname: "dw-" + e.RunID,
		}, nil)
		want := "bar baz|/tmp|1000:1001|dw-" + e.RunID + "\n"
		if code != 0 || out != want {
			e.T.Errorf("process saw %q (exit %d), want %q", out, code, want)
		}
	}},

	{"containers/run/entrypoint-and-cmd", func(e *Env) {
		id, code, out := e.runToExit(endpoints.ContainerConfig{Entrypoint: []string{"echo", "from-entrypoint"}, Cmd: []string{"and", "cmd"}}, nil)
		if code != 0 || out != "from-entrypoint and cmd\n" {
			e.T.Errorf("entrypoint+cmd: %q (exit %d)", out, code)
		}
		c, err := e.Client.Containers.Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{})
		if err != nil {
			e.T.Fatalf("inspect: %v", err)
		}
		if c.Path != "echo" || !slices.Equal(c.Args, []string{"from-entrypoint", "and", "cmd"}) {
			e.T.Errorf("inspect Path %q Args %q, want echo [from-entrypoint and cmd]", c.Path, c.Args)
		}
	}},

	// A read-only root filesystem refuses writes in the process, while a
	// tmpfs mount stays writable.
	{"containers/run/readonly-rootfs-tmpfs-writable", func(e *Env) {
		hc := &endpoints.HostConfig{ReadonlyRootfs: true, Tmpfs: map[string]string{"/scratch": "size=1m"}}
		_, code, out := e.runToExit(endpoints.ContainerConfig{Cmd: []string{"sh", "-c", "touch /rootfile && echo wrote-root; echo x > /scratch/f && cat /scratch/f"}}, hc)
		if strings.Contains(out, "wrote-root") {
			e.T.Errorf("write to a read-only rootfs succeeded: %q", out)
		}
		if !strings.Contains(out, "Read-only file system") {
			e.T.Errorf("output %q lacks the EROFS message", out)
		}
		// stdout and stderr reach the log through two pipes: touch's
		// complaint may come after the x.
		if code != 0 || !slices.Contains(strings.Split(out, "\n"), "x") {
			e.T.Errorf("tmpfs write: %q (exit %d), want a line x", out, code)
		}
	}},

	// Extra hosts and DNS servers land in the files the process reads.
	{"containers/run/extra-hosts-and-dns-files", func(e *Env) {
		_, code, out := e.runToExit(endpoints.ContainerConfig{Cmd: []string{"sh", "-c", "cat /etc/hosts /etc/resolv.conf"}},
			&endpoints.HostConfig{ExtraHosts: []string{"dwpeer:10.1.2.3"}, DNS: []string{"10.0.0.53"}, DNSSearch: []string{"dw.example"}})
		if code != 0 {
			e.T.Fatalf("exit %d: %q", code, out)
		}
		for _, want := range []string{"10.1.2.3\tdwpeer", "nameserver 10.0.0.53", "search dw.example"} {
			if !strings.Contains(out, want) {
				e.T.Errorf("/etc/hosts + /etc/resolv.conf lack %q:\n%s", want, out)
			}
		}
	}},

	{"containers/run/pulls-missing-from-loopback-registry", func(e *Env) {
		reg := e.registry()
		images := e.Client.Images
		ref := reg + "/dockwire-run-" + e.RunID + ":v1"
		if _, err := images.Tag(e.Ctx, e.Image, ref, endpoints.ImageTagOptions{}); err != nil {
			e.T.Fatal(err)
		}
		e.Cleanup(func(ctx context.Context) error {
			_, err := images.Delete(ctx, ref, endpoints.ImageDeleteOptions{Force: true})
			if errors.Is(err, wire.ErrNotFound) {
				return nil
			}
			return err
		})
		if _, err := images.Push(e.Ctx, ref, endpoints.ImagePushOptions{}); err != nil {
			e.T.Fatalf("push %s: %v", ref, err)
		}
		if _, err := images.Delete(e.Ctx, ref, endpoints.ImageDeleteOptions{}); err != nil {
			e.T.Fatalf("untag %s: %v", ref, err)
		}
		res, err := e.Client.Containers.Run(e.Ctx, endpoints.ContainerRunOptions{Image: ref, Command: []string{"echo", "pulled"}, Remove: true, Labels: e.Labels()})
		if res.ID != "" {
			e.removeLater(res.ID)
		}
		if err != nil || string(res.Output) != "pulled\n" {
			e.T.Fatalf("run of a pushed then untagged image: %q %v", res.Output, err)
		}
	}},

	// docker-py's containers.create(**run_kwargs): the keywords reach the
	// daemon where the API wants them, and the container is created, not
	// started.
	{"containers/run/docker-py-keywords-reach-the-daemon", func(e *Env) {
		db := e.run(endpoints.ContainerConfig{Cmd: []string{"sleep", "60"}}, nil)
		dbName := e.name(db)
		host := e.T.TempDir()
		stop := 7
		res, err := e.Client.Containers.Run(e.Ctx, endpoints.ContainerRunOptions{
			Image: e.Image, NoStart: true, Labels: e.Labels(),
			CommandLine: `sh -c 'echo "a  b"'`,
			Environment: map[string]string{"B": "2", "A": "1"}, Env: []string{"Z=0"},
			Ports:       map[string]string{"80/tcp": "", "53/udp": "127.0.0.1:"},
			Publish:     []string{"127.0.0.1::7000-7001"},
			Volumes:     map[string]endpoints.VolumeBind{host: {Bind: "/host", Mode: "ro"}},
			Links:       map[string]string{dbName: "database"},
			StopTimeout: &stop, CPUQuota: 50000, CPUPeriod: 100000, OomScoreAdj: 300,
			Cgroupns: "private", UTSMode: "host", DeviceCgroupRules: []string{"c 1:3 mr"},
			Tmpfs: map[string]string{"/scratch": "size=1m"}, ExtraHosts: []string{"dw.example:10.0.0.1"},
			MemLimit: "64m", HostConfig: &endpoints.HostConfig{ReadonlyPaths: []string{"/proc/asound"}},
		})
		if res.ID != "" {
			e.removeLater(res.ID)
		}
		if err != nil {
			e.T.Fatalf("run with NoStart: %v", err)
		}
		c, err := e.Client.Containers.Inspect(e.Ctx, res.ID, endpoints.ContainerInspectOptions{})
		if err != nil {
			e.T.Fatal(err)
		}
		if c.Status() != "created" {
			e.T.Errorf("status %q, want created (NoStart)", c.Status())
		}
		if c.Config == nil || c.HostConfig == nil {
			e.T.Fatalf("inspect: no Config or HostConfig")
		}
		if got := c.Config.Cmd; !slices.Equal(got, []string{"sh", "-c", `echo "a  b"`}) {
			e.T.Errorf("Cmd %q", got)
		}
		for _, kv := range []string{"Z=0", "A=1", "B=2"} {
			if !slices.Contains(c.Config.Env, kv) {
				e.T.Errorf("Env %q lacks %s", c.Config.Env, kv)
			}
		}
		if c.Config.StopTimeout == nil || *c.Config.StopTimeout != 7 {
			e.T.Errorf("StopTimeout %v", show(c.Config.StopTimeout))
		}
		hc := c.HostConfig
		if hc.CPUQuota != 50000 || hc.CPUPeriod != 100000 || hc.OomScoreAdj != 300 || hc.Memory != 64<<20 {
			e.T.Errorf("resources: quota %d period %d oom %d memory %d", hc.CPUQuota, hc.CPUPeriod, hc.OomScoreAdj, hc.Memory)
		}
		if hc.CgroupnsMode != "private" || hc.UTSMode != "host" || !slices.Equal(hc.DeviceCgroupRules, []string{"c 1:3 mr"}) {
			e.T.Errorf("modes: cgroupns %q uts %q device rules %q", hc.CgroupnsMode, hc.UTSMode, hc.DeviceCgroupRules)
		}
		if !slices.Contains(hc.Binds, host+":/host:ro") {
			e.T.Errorf("Binds %q, want %s:/host:ro", hc.Binds, host)
		}
		if len(hc.Links) != 1 || !strings.Contains(hc.Links[0], dbName) || !strings.Contains(hc.Links[0], "database") {
			e.T.Errorf("Links %q, want %s as database", hc.Links, dbName)
		}
		if hc.Tmpfs["/scratch"] != "size=1m" || !slices.Contains(hc.ExtraHosts, "dw.example:10.0.0.1") || !slices.Contains(hc.ReadonlyPaths, "/proc/asound") {
			e.T.Errorf("Tmpfs %q ExtraHosts %q ReadonlyPaths %q", hc.Tmpfs, hc.ExtraHosts, hc.ReadonlyPaths)
		}
		want := map[endpoints.Port]endpoints.PortBinding{
			"80/tcp": {}, "53/udp": {HostIP: "127.0.0.1"}, "7000/tcp": {HostIP: "127.0.0.1"}, "7001/tcp": {HostIP: "127.0.0.1"},
		}
		for p, b := range want {
			got := hc.PortBindings[p]
			if len(got) != 1 || got[0] != b {
				e.T.Errorf("PortBindings[%s] = %+v, want [%+v]", p, got, b)
			}
		}
	}},

	// docker-py's run(stream=True) and its stdout/stderr selection.
	{"containers/run/stream-and-stream-selection", func(e *Env) {
		cmd := "echo out; echo err >&2"
		var out, errOut bytes.Buffer
		res, err := e.Client.Containers.Run(e.Ctx, endpoints.ContainerRunOptions{Image: e.Image, CommandLine: "sh -c '" + cmd + "'", Remove: true, Labels: e.Labels(),
			Stream: &out, StreamStderr: &errOut})
		if err != nil {
			e.T.Fatal(err)
		}
		if res.Output != nil || out.String() != "out\n" || errOut.String() != "err\n" {
			e.T.Errorf("streamed: output %q, stdout %q, stderr %q", res.Output, out.String(), errOut.String())
		}
		res, err = e.Client.Containers.Run(e.Ctx, endpoints.ContainerRunOptions{Image: e.Image, Command: []string{"sh", "-c", cmd}, Remove: true, Labels: e.Labels(),
			NoStdout: true, Stderr: true})
		if err != nil {
			e.T.Fatal(err)
		}
		if string(res.Output) != "err\n" {
			e.T.Errorf("stdout=False, stderr=True: %q, want only stderr", res.Output)
		}
	}},

	// docker-py's use_config_proxy: config.json's proxies in the
	// container's environment, never over the caller's own.
	{"containers/run/config-proxies", func(e *Env) {
		cfg := &endpoints.ConfigFile{Proxies: map[string]endpoints.ProxyConfig{"default": {HTTPProxy: "http://127.0.0.1:9", NoProxy: "localhost"}}}
		res, err := e.Client.Containers.Run(e.Ctx, endpoints.ContainerRunOptions{Image: e.Image, Command: []string{"env"}, Remove: true, Labels: e.Labels(),
			Config: cfg, Environment: map[string]string{"NO_PROXY": "mine"}})
		if err != nil {
			e.T.Fatal(err)
		}
		env := strings.Split(strings.TrimSpace(string(res.Output)), "\n")
		for _, kv := range []string{"HTTP_PROXY=http://127.0.0.1:9", "http_proxy=http://127.0.0.1:9", "no_proxy=localhost", "NO_PROXY=mine"} {
			if !slices.Contains(env, kv) {
				e.T.Errorf("env lacks %s: %q", kv, env)
			}
		}
		if slices.Contains(env, "NO_PROXY=localhost") {
			e.T.Errorf("the proxy's NO_PROXY replaced the caller's: %q", env)
		}
	}},
}
