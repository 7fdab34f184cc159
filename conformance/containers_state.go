package conformance

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/dockwire/dockwire/endpoints"
)

// What the daemon stores for a container at create, and what its start
// adds: scenarios that hold the mock to dockerd's state machine.

// inspect inspects container id and fails the scenario on error.
func (e *Env) inspect(id string) endpoints.ContainerInspectResult {
	e.T.Helper()
	c, err := e.Client.Containers.Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{})
	if err != nil {
		e.T.Fatalf("inspect: %v", err)
	}
	if c.NetworkSettings == nil || c.HostConfig == nil {
		e.T.Fatalf("inspect: no NetworkSettings or HostConfig")
	}
	return c
}

// bridgeEndpoint is the container's endpoint on the default network,
// zero when it has none.
func bridgeEndpoint(c endpoints.ContainerInspectResult) endpoints.EndpointSettings {
	for _, name := range []string{"bridge", "default"} {
		if ep := c.NetworkSettings.Networks[name]; ep != nil {
			return *ep
		}
	}
	return endpoints.EndpointSettings{}
}

// containerStateScenarios hold the mock to dockerd's state machine of a
// container: what create stores, what the start adds, what the exit keeps.
var containerStateScenarios = []scenario{
	// A created container has no sandbox, address or files yet: its first
	// start makes them. Its exit releases the address and keeps the
	// sandbox id and the files.
	{"containers/inspect/network-and-files-at-start", func(e *Env) {
		id := e.container(endpoints.ContainerConfig{Cmd: []string{"sleep", "60"}}, nil)
		c := e.inspect(id)
		ep := bridgeEndpoint(c)
		if c.NetworkSettings.SandboxID != "" || ep.IPAddress != "" || ep.EndpointID != "" || ep.NetworkID != "" || c.HostsPath != "" || c.ResolvConfPath != "" {
			e.T.Errorf("created: sandbox %q, endpoint %+v, hosts %q, resolv.conf %q; want all empty until the start",
				c.NetworkSettings.SandboxID, ep, c.HostsPath, c.ResolvConfPath)
		}
		e.start(id)
		c = e.inspect(id)
		ep = bridgeEndpoint(c)
		if c.NetworkSettings.SandboxID == "" || ep.IPAddress == "" || ep.EndpointID == "" || ep.NetworkID == "" || c.HostsPath == "" || c.LogPath == "" {
			e.T.Fatalf("running: sandbox %q, endpoint %+v, hosts %q, log %q; want all set by the start",
				c.NetworkSettings.SandboxID, ep, c.HostsPath, c.LogPath)
		}
		sandbox, hosts := c.NetworkSettings.SandboxID, c.HostsPath
		zero := 0
		if _, err := e.Client.Containers.Stop(e.Ctx, id, endpoints.ContainerStopOptions{Timeout: &zero}); err != nil {
			e.T.Fatalf("stop: %v", err)
		}
		c = e.inspect(id)
		ep = bridgeEndpoint(c)
		if ep.IPAddress != "" || ep.EndpointID != "" || ep.NetworkID == "" || c.NetworkSettings.SandboxID != sandbox || c.HostsPath != hosts {
			e.T.Errorf("stopped: sandbox %q (was %q), endpoint %+v, hosts %q; want the address released, the rest kept",
				c.NetworkSettings.SandboxID, sandbox, ep, c.HostsPath)
		}
	}},

	// An Env entry without "=" is kept as given in Config.Env, and sets
	// nothing in the process.
	{"containers/create/env-without-equals", func(e *Env) {
		id, code, out := e.runToExit(endpoints.ContainerConfig{Cmd: []string{"env"}, Env: []string{"DW_SET=1", "DW_UNSET", "DW_EMPTY="}}, nil)
		if code != 0 {
			e.T.Fatalf("env: exit %d: %s", code, out)
		}
		c := e.inspect(id)
		if !slices.Contains(c.Config.Env, "DW_UNSET") || !slices.Contains(c.Config.Env, "DW_SET=1") {
			e.T.Errorf("Config.Env %q: want DW_UNSET kept as given", c.Config.Env)
		}
		lines := strings.Split(out, "\n")
		if !slices.Contains(lines, "DW_SET=1") || !slices.Contains(lines, "DW_EMPTY=") || slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, "DW_UNSET") }) {
			e.T.Errorf("process environment %q: want DW_SET=1 and DW_EMPTY=, no DW_UNSET", out)
		}
	}},

	// The mount points dockerd registers: a destination-only bind is an
	// anonymous volume, VolumesFrom shares the source's volumes (read-only
	// with :ro), a volume a Mount makes has its labels, and the tmpfs
	// mounts of HostConfig.Tmpfs are not listed.
	{"containers/mounts/anonymous-volumes-from-labels", func(e *Env) {
		vol := "dw-mountlabels-" + e.RunID
		e.removeVolumeLater(vol)
		src, code, out := e.runToExit(endpoints.ContainerConfig{Cmd: []string{"sh", "-c", "echo shared > /anon/f"}},
			&endpoints.HostConfig{Binds: []string{"/anon"}, Mounts: []endpoints.Mount{{Type: "volume", Source: vol, Target: "/labelled",
				VolumeOptions: &endpoints.MountVolumeOptions{Labels: map[string]string{"dw.mount": "yes"}}}}})
		if code != 0 {
			e.T.Fatalf("source: exit %d: %s", code, out)
		}
		dst, code, out := e.runToExit(endpoints.ContainerConfig{Cmd: []string{"sh", "-c", "cat /anon/f; touch /anon/g 2>/dev/null || echo read-only"}},
			&endpoints.HostConfig{VolumesFrom: []string{src + ":ro"}, Tmpfs: map[string]string{"/scratch": ""}})
		if code != 0 || out != "shared\nread-only\n" {
			e.T.Errorf("volumes-from: exit %d, output %q; want the source's file, read-only", code, out)
		}
		modes := map[string]string{}
		for _, m := range e.inspect(dst).Mounts {
			modes[m.Destination] = fmt.Sprintf("%s rw=%v", m.Type, m.RW)
		}
		want := map[string]string{"/anon": "volume rw=false", "/labelled": "volume rw=false"}
		if !maps.Equal(modes, want) {
			e.T.Errorf("Mounts of the volumes-from container: %v, want %v (no tmpfs)", modes, want)
		}
		for _, m := range e.inspect(src).Mounts {
			if m.Destination == "/anon" && (m.Type != "volume" || m.Name == "" || !m.RW) {
				e.T.Errorf("a destination-only bind: %+v, want a writable anonymous volume", m)
			}
		}
		v, err := e.Client.Volumes.Inspect(e.Ctx, vol, endpoints.VolumeInspectOptions{})
		if err != nil || v.Labels["dw.mount"] != "yes" {
			e.T.Errorf("volume made by the Mount: labels %v (%v), want dw.mount=yes", v.Labels, err)
		}
	}},
}
