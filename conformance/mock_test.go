package conformance_test

import (
	"flag"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dockwire/dockwire/conformance"
	"github.com/dockwire/dockwire/dial"
	"github.com/dockwire/dockwire/internal/apispec"
	"github.com/dockwire/dockwire/mockdaemon"
)

// TestMock runs the suite against the mock daemon at its newest API, and
// again with the mock capped at 1.41, the real dockerd's version, so that
// the two compare like with like. Its last case measures coverage: every
// operation of the module's list (internal/apispec) must appear in the
// mock's request log of the two runs.
func TestMock(t *testing.T) {
	var log []mockdaemon.Request
	for _, max := range []string{"", "1.41"} {
		name := "max=" + max
		if max == "" {
			name = "max=newest"
		}
		t.Run(name, func(t *testing.T) {
			d, host := mockdaemon.StartUnix(t, mockdaemon.Config{
				MaxAPIVersion: max,
				Registries: map[string]mockdaemon.Credentials{
					mockRegistries.Open: {},
					mockRegistries.Auth: {Username: mockRegistries.User, Password: mockRegistries.Password},
				},
			})
			conformance.Run(t, conformance.Target{
				Name:       "mock-" + name,
				Config:     dial.Config{Host: host},
				Image:      "busybox:latest",
				Registries: &mockRegistries,
				Skip:       mockSkips(),
			})
			log = append(log, d.Requests()...)
		})
	}
	t.Run(coverageName, func(t *testing.T) {
		if sel := runSelection(); sel != "" {
			t.Skipf("coverage needs the whole suite, and -run %q selects a slice of it", sel)
		}
		ops := operations()
		missing, unrouted := coverage(ops, log)
		t.Logf("operations exercised: %d/%d", len(ops)-len(missing), len(ops))
		if len(missing) > 0 {
			for _, m := range missing {
				if n := unrouted[m.id]; n > 0 {
					t.Logf("  %s (%s %s): sent %d time(s), but the mock has no route for it", m.id, m.method, m.template, n)
				}
			}
			ids := make([]string, len(missing))
			for i, m := range missing {
				ids[i] = m.id
			}
			assert.Empty(t, ids, "%d operation(s) no scenario exercised on the mock", len(missing))
		}
	})
}

const coverageName = "coverage/operations/all-exercised"

// mockRegistries are the registries the mock emulates in memory for the
// suite's push, pull and login scenarios. Their ports are closed on the
// host: only the mock's emulation answers them.
var mockRegistries = conformance.Registries{
	Open: "127.0.0.1:5901", Auth: "127.0.0.1:5902",
	User: "dockwire", Password: "s3cret-for-tests",
}

// runSelection returns the -run pattern when it selects less than all of
// TestMock (a subtest pattern), or "".
func runSelection() string {
	f := flag.Lookup("test.run")
	if f == nil {
		return ""
	}
	pat := f.Value.String()
	if !strings.Contains(pat, "/") {
		return ""
	}
	return pat
}

// operation is one operation of the list: its id, method and route.
type operation struct {
	id, method, template string
}

// operations returns the module's list of the Engine API's operations.
func operations() []operation {
	var ops []operation
	for _, o := range apispec.All() {
		ops = append(ops, operation{id: o.ID, method: o.Method, template: o.Route})
	}
	return ops
}

// coverage returns the operations no request in log exercised, and for each
// operation id the number of requests that matched its method and template
// but that the mock did not route (Operation empty): sent by a scenario,
// refused by the mock.
func coverage(ops []operation, log []mockdaemon.Request) (missing []operation, unrouted map[string]int) {
	seen := map[string]bool{}
	unrouted = map[string]int{}
	for _, r := range log {
		if r.Operation != "" {
			seen[r.Operation] = true
			continue
		}
		p := stripVersion(r.Path)
		for _, op := range ops {
			if op.method == r.Method && matchTemplate(op.template, p) {
				unrouted[op.id]++
			}
		}
	}
	for _, op := range ops {
		if !seen[op.id] {
			missing = append(missing, op)
		}
	}
	sort.Slice(missing, func(i, j int) bool { return missing[i].id < missing[j].id })
	return missing, unrouted
}

// stripVersion drops a leading /v1.NN and any query from a request path.
func stripVersion(p string) string {
	p, _, _ = strings.Cut(p, "?")
	if strings.HasPrefix(p, "/v") {
		if i := strings.IndexByte(p[1:], '/'); i > 0 {
			return p[1+i:]
		}
	}
	return p
}

// matchTemplate reports whether path matches template, where a {name}
// segment matches one segment, or, as the last {name} before a fixed tail,
// several (image names hold slashes).
func matchTemplate(template, path string) bool {
	ts := strings.Split(strings.Trim(template, "/"), "/")
	ps := strings.Split(strings.Trim(path, "/"), "/")
	if len(ps) < len(ts) {
		return false
	}
	// Fixed tail after the last parameter must match the path's tail.
	last := -1
	for i, s := range ts {
		if strings.HasPrefix(s, "{") {
			last = i
		}
	}
	if last < 0 {
		return len(ts) == len(ps) && strings.Join(ts, "/") == strings.Join(ps, "/")
	}
	tail := len(ts) - last - 1
	for i := 0; i < tail; i++ {
		if ts[len(ts)-1-i] != ps[len(ps)-1-i] {
			return false
		}
	}
	for i := 0; i < last; i++ {
		if strings.HasPrefix(ts[i], "{") {
			continue
		}
		if ts[i] != ps[i] {
			return false
		}
	}
	// The parameter spans ps[last : len(ps)-tail]: at least one segment,
	// and only the name parameter of images/plugins/distribution may span more.
	span := len(ps) - tail - last
	return span == 1 || (span > 1 && ts[last] == "{name}")
}

// mockSkips are the scenarios the mock daemon cannot pass yet, each with
// its reason; every target on the mock (TestMock, TestMockSSH) skips them.
func mockSkips() map[string]string {
	return map[string]string{
		"containers/logs/details": "the mock ignores logs' details parameter and log-opts labels: no attributes before the lines",
		"images/import/from-url":  "the mock imports from the request body only (fromSrc=-), not from a URL",
	}
}
