package conformance_test

import (
	"os"
	"testing"

	"github.com/dockwire/dockwire/conformance"
	"github.com/dockwire/dockwire/dial"
)

// TestReal runs the suite against the daemon DOCKWIRE_REAL_DOCKER_HOST
// names (CI starts one with scripts/dockerd.sh), with the loopback
// registries of scripts/registry.sh when their variables are set.
func TestReal(t *testing.T) {
	host := os.Getenv("DOCKWIRE_REAL_DOCKER_HOST")
	if host == "" {
		t.Skip("DOCKWIRE_REAL_DOCKER_HOST is not set: no real daemon to run the suite against (scripts/dockerd.sh up starts one)")
	}
	image := os.Getenv("DOCKWIRE_REAL_IMAGE")
	conformance.Run(t, conformance.Target{
		Name:        "real",
		Config:      dial.Config{Host: host},
		Image:       image,
		ImportImage: true,
		Registries:  conformance.RegistriesFromEnv(),
	})
}
