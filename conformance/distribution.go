package conformance

import (
	"errors"
	"strings"

	"github.com/dockwire/dockwire/endpoints"
	"github.com/dockwire/dockwire/wire"
)

// distributionScenarios are the scenarios of registry lookups of image manifests.
var distributionScenarios = []scenario{
	// Distribution inspect asks the registry itself: one nobody listens on
	// is an error status from the daemon, naming the registry.
	{"distribution/inspect/closed-port-registry", func(e *Env) {
		ref := closedRegistry + "/dw-" + e.RunID + ":v1"
		_, err := e.Client.Distribution.Inspect(e.Ctx, ref, endpoints.DistributionInspectOptions{})
		var werr *wire.Error
		if !errors.As(err, &werr) || werr.StatusCode < 400 {
			e.T.Fatalf("distribution inspect %s: %v, want a *wire.Error", ref, err)
		}
		if !strings.Contains(werr.Message, closedRegistry) {
			e.T.Errorf("distribution inspect %s: message %q does not name the registry", ref, werr.Message)
		}
	}},

	{"distribution/inspect/bad-reference-refused", func(e *Env) {
		_, err := e.Client.Distribution.Inspect(e.Ctx, "Not A Reference", endpoints.DistributionInspectOptions{})
		var ae *endpoints.ArgError
		var werr *wire.Error
		if !errors.As(err, &ae) && !(errors.As(err, &werr) && werr.StatusCode == 400) {
			e.T.Errorf("distribution inspect of a bad reference: %v, want *endpoints.ArgError or a 400", err)
		}
	}},
}
