package conformance_test

import (
	"os"
	"testing"

	"github.com/dockwire/dockwire/conformance"
	"github.com/dockwire/dockwire/dial"
)

// TestPodman runs the suite against the podman API service
// DOCKWIRE_PODMAN_HOST names (scripts/podman.sh up starts one), with the
// loopback registries of scripts/registry.sh when their variables are set
// (podman.sh marks them insecure when they were set at its start). Docker is
// the reference: where podman differs the scenario fails, and the parity
// report says so; the suite is not bent to it.
func TestPodman(t *testing.T) {
	host := os.Getenv("DOCKWIRE_PODMAN_HOST")
	if host == "" {
		t.Skip("DOCKWIRE_PODMAN_HOST is not set: no podman service to run the suite against (scripts/podman.sh up starts one)")
	}
	// podman 4.3's compat import ignores the tag parameter and names the
	// image repo:latest, so the test image is imported as busybox:latest
	// unless DOCKWIRE_PODMAN_IMAGE names another.
	image := os.Getenv("DOCKWIRE_PODMAN_IMAGE")
	if image == "" {
		image = "busybox:latest"
	}
	conformance.Run(t, conformance.Target{
		Name:        "podman",
		Config:      dial.Config{Host: host},
		Image:       image,
		ImportImage: true,
		Registries:  conformance.RegistriesFromEnv(),
	})
}
