package conformance_test

import (
	"testing"

	"github.com/dockwire/dockwire/conformance"
	"github.com/dockwire/dockwire/dial"
	"github.com/dockwire/dockwire/mockdaemon"
)

// TestMock runs the suite against the mock daemon at its newest API, and
// again with the mock capped at 1.41, the real dockerd's version, so that
// the two compare like with like.
func TestMock(t *testing.T) {
	for _, max := range []string{"", "1.41"} {
		name := "max=" + max
		if max == "" {
			name = "max=newest"
		}
		t.Run(name, func(t *testing.T) {
			_, host := mockdaemon.StartUnix(t, mockdaemon.Config{MaxAPIVersion: max})
			conformance.Run(t, conformance.Target{
				Name:   "mock-" + name,
				Config: dial.Config{Host: host},
				Image:  "busybox:latest",
			})
		})
	}
}
