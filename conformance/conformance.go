package conformance

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/dial"
)

// LabelKey is the label every object a run creates carries; its value is
// the run's id.
const LabelKey = "dockwire.conformance.run"

// DefaultImage is the test image on a real daemon: a static busybox with a
// link for every applet, imported by the suite when missing.
const DefaultImage = "busybox:dockwire"

// Target names a daemon to run the suite against.
type Target struct {
	// Name appears in reports ("mock-1.56", "real").
	Name string
	// Config says how to reach the daemon (Host, or Dial for in-process
	// daemons and ssh).
	Config dial.Config
	// Options pins an API version or tunes the client; nil means defaults.
	Options *dockwire.Options
	// Image is the test image: busybox with its applets in /bin. Empty
	// means DefaultImage.
	Image string
	// ImportImage makes the suite import Image from the host's static
	// busybox when the daemon does not have it.
	ImportImage bool
	// Registries names the registries the daemon can push to and pull
	// from (loopback ones for a real daemon, emulated ones for the mock).
	// Nil: the registry scenarios skip.
	Registries *Registries
	// Skip maps a scenario name (resource/operation/scenario) to the reason
	// it cannot run against this target.
	Skip map[string]string
}

// Registries are the registries a target's daemon reaches: Open takes
// pushes without credentials, Auth only with User and Password. Each is a
// host:port; either may be empty when the target has none.
type Registries struct {
	Open           string
	Auth           string
	User, Password string
}

// RegistriesFromEnv reads the registries scripts/registry.sh prints:
// DOCKWIRE_REGISTRY, DOCKWIRE_AUTH_REGISTRY, DOCKWIRE_AUTH_REGISTRY_USER and
// DOCKWIRE_AUTH_REGISTRY_PASSWORD. It returns nil when none is set.
func RegistriesFromEnv() *Registries {
	r := &Registries{
		Open:     os.Getenv("DOCKWIRE_REGISTRY"),
		Auth:     os.Getenv("DOCKWIRE_AUTH_REGISTRY"),
		User:     os.Getenv("DOCKWIRE_AUTH_REGISTRY_USER"),
		Password: os.Getenv("DOCKWIRE_AUTH_REGISTRY_PASSWORD"),
	}
	if r.Open == "" && r.Auth == "" {
		return nil
	}
	return r
}

// Env is what a scenario gets: a client for the target, the run's label and
// a context bounded by the scenario's deadline.
type Env struct {
	T      *testing.T
	Ctx    context.Context
	Client *dockwire.Client
	Target Target
	// RunID is this run's id, the value of LabelKey on everything it creates.
	RunID string
	// Image is the test image.
	Image string
}

// Labels are the labels to put on anything the scenario creates, plus
// extra key=value pairs.
func (e *Env) Labels(extra ...string) map[string]string {
	m := map[string]string{LabelKey: e.RunID}
	for _, kv := range extra {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}

// LabelFilter is the label filter value that selects this run's objects.
func (e *Env) LabelFilter() string { return LabelKey + "=" + e.RunID }

// Cleanup registers fn to run when the scenario ends, with a fresh context
// (the scenario's own may be cancelled by then).
func (e *Env) Cleanup(fn func(ctx context.Context) error) {
	e.T.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		assert.NoError(e.T, fn(ctx), "cleanup")
	})
}

// A scenario is one leaf of the suite's tree: its name is
// resource/operation/scenario.
type scenario struct {
	name string
	run  func(e *Env)
}

// scenarioTimeout bounds each scenario's context.
const scenarioTimeout = 2 * time.Minute

// Scenarios lists the suite's scenario names, in the order they run.
func Scenarios() []string {
	var names []string
	for _, s := range suite() {
		names = append(names, s.name)
	}
	return append(names, leftoversName)
}

// Run runs every scenario against target as subtests of t.
func Run(t *testing.T, target Target) {
	t.Helper()
	if target.Image == "" {
		target.Image = DefaultImage
	}
	cli, err := dockwire.New(target.Config, target.Options)
	require.NoError(t, err, "conformance: client for %s", target.Name)
	t.Cleanup(func() { cli.Close() })
	var id [4]byte
	rand.Read(id[:])
	runID := hex.EncodeToString(id[:])

	setupCtx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	require.NoError(t, ensureImage(setupCtx, cli, target), "conformance: test image %s on %s", target.Image, target.Name)

	for _, s := range suite() {
		t.Run(s.name, func(t *testing.T) {
			if reason, ok := target.Skip[s.name]; ok {
				if strings.TrimSpace(reason) == "" {
					t.Fatalf("conformance: Target.Skip[%q] gives no reason: every skip must say why", s.name)
				}
				t.Skip(reason)
			}
			ctx, cancel := context.WithTimeout(t.Context(), scenarioTimeout)
			defer cancel()
			s.run(&Env{T: t, Ctx: ctx, Client: cli, Target: target, RunID: runID, Image: target.Image})
		})
	}
	t.Run(leftoversName, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		left, err := leftovers(ctx, cli, runID)
		require.NoError(t, err, "listing what run %s left behind", runID)
		assert.Empty(t, left, "left behind by run %s", runID)
	})
}
