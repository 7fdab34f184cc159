package conformance

import (
	"maps"
	"net"
	"slices"

	"github.com/dockwire/dockwire/endpoints"
)

func init() {
	// A network's IPAM is kept as given; a container's endpoint settings
	// are kept as given from create on, and the endpoint gets its address
	// (from the IPRange) only while the container runs.
	register("networks/endpoints/settings-as-given-address-at-start", func(e *Env) {
		name := "dw-eps-" + e.RunID
		pool := endpoints.IPAMPool{Subnet: "10.219.57.0/24", IPRange: "10.219.57.128/25", AuxiliaryAddresses: map[string]string{"reserved": "10.219.57.200"}}
		e.newNetwork(endpoints.NetworkCreateOptions{Name: name, IPAM: &endpoints.IPAM{Config: []endpoints.IPAMPool{pool}, Options: map[string]string{"opt": "v"}}})
		n, err := e.networks().Inspect(e.Ctx, name, endpoints.NetworkInspectOptions{})
		if err != nil {
			e.T.Fatalf("network inspect: %v", err)
		}
		if len(n.IPAM.Config) != 1 || n.IPAM.Config[0].Gateway != "" || n.IPAM.Config[0].IPRange != pool.IPRange ||
			!maps.Equal(n.IPAM.Config[0].AuxiliaryAddresses, pool.AuxiliaryAddresses) || !maps.Equal(n.IPAM.Options, map[string]string{"opt": "v"}) {
			e.T.Errorf("IPAM %+v, want it as given (no gateway added)", n.IPAM)
		}

		given := &endpoints.EndpointSettings{Aliases: []string{"one"}, DriverOpts: map[string]string{"k": "v"},
			IPAMConfig: &endpoints.EndpointIPAMConfig{LinkLocalIPs: []string{"169.254.57.1"}}}
		id := e.create(endpoints.ContainerCreateOptions{
			Config:           endpoints.ContainerConfig{Cmd: []string{"sleep", "300"}},
			HostConfig:       &endpoints.HostConfig{NetworkMode: name},
			NetworkingConfig: &endpoints.NetworkingConfig{EndpointsConfig: map[string]*endpoints.EndpointSettings{name: given}},
		})
		endpoint := func(when string) *endpoints.EndpointSettings {
			e.T.Helper()
			c, err := e.containers().Inspect(e.Ctx, id, endpoints.ContainerInspectOptions{})
			if err != nil || c.NetworkSettings == nil || c.NetworkSettings.Networks[name] == nil {
				e.T.Fatalf("inspect %s: %+v, %v", when, c.NetworkSettings, err)
			}
			return c.NetworkSettings.Networks[name]
		}
		ep := endpoint("after create")
		if ep.IPAddress != "" || ep.EndpointID != "" || !slices.Equal(ep.Aliases, []string{"one"}) || !maps.Equal(ep.DriverOpts, given.DriverOpts) ||
			ep.IPAMConfig == nil || !slices.Equal(ep.IPAMConfig.LinkLocalIPs, given.IPAMConfig.LinkLocalIPs) {
			e.T.Errorf("endpoint after create: %+v, want the settings as given and no address", ep)
		}
		e.start(id)
		ep = endpoint("running")
		_, rng, _ := net.ParseCIDR(pool.IPRange)
		if ip := net.ParseIP(ep.IPAddress); ip == nil || !rng.Contains(ip) || ep.EndpointID == "" || !slices.Contains(ep.Aliases, "one") ||
			!maps.Equal(ep.DriverOpts, given.DriverOpts) {
			e.T.Errorf("endpoint of the running container: %+v, want an address of %s and the settings", ep, pool.IPRange)
		}
		timeout := 0
		if _, err := e.containers().Stop(e.Ctx, id, endpoints.ContainerStopOptions{Timeout: &timeout}); err != nil {
			e.T.Fatalf("stop: %v", err)
		}
		if ep = endpoint("stopped"); ep.IPAddress != "" || ep.EndpointID != "" || !slices.Contains(ep.Aliases, "one") {
			e.T.Errorf("endpoint of the stopped container: %+v, want no address and the settings", ep)
		}
	})
}
