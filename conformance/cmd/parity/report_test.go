package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// events is a trimmed go test -json run: two mock targets and real, with
// a pass, a fail, skips with reasons, an intermediate level and the
// coverage case.
const events = `{"Action":"start","Package":"p"}
not json: go test's own line
{"Action":"run","Test":"TestMock"}
{"Action":"run","Test":"TestMock/max=newest"}
{"Action":"run","Test":"TestMock/max=newest/system/ping/ok"}
{"Action":"output","Test":"TestMock/max=newest/system/ping/ok","Output":"=== RUN   TestMock/max=newest/system/ping/ok\n"}
{"Action":"output","Test":"TestMock/max=newest/system/ping/ok","Output":"--- PASS: TestMock/max=newest/system/ping/ok (0.00s)\n"}
{"Action":"pass","Test":"TestMock/max=newest/system/ping/ok"}
{"Action":"run","Test":"TestMock/max=newest/registry/push-pull/open"}
{"Action":"output","Test":"TestMock/max=newest/registry/push-pull/open","Output":"    registry.go:23: DOCKWIRE_REGISTRY is not set: no loopback registry\n"}
{"Action":"output","Test":"TestMock/max=newest/registry/push-pull/open","Output":"--- SKIP: TestMock/max=newest/registry/push-pull/open (0.00s)\n"}
{"Action":"skip","Test":"TestMock/max=newest/registry/push-pull/open"}
{"Action":"pass","Test":"TestMock/max=newest"}
{"Action":"run","Test":"TestMock/max=1.41"}
{"Action":"run","Test":"TestMock/max=1.41/system/ping/ok"}
{"Action":"output","Test":"TestMock/max=1.41/system/ping/ok","Output":"    system.go:20: log line first\n"}
{"Action":"output","Test":"TestMock/max=1.41/system/ping/ok","Output":"    system.go:21: ping: boom\n"}
{"Action":"output","Test":"TestMock/max=1.41/system/ping/ok","Output":"        second line of the same message\n"}
{"Action":"output","Test":"TestMock/max=1.41/system/ping/ok","Output":"    system.go:22: \n"}
{"Action":"output","Test":"TestMock/max=1.41/system/ping/ok","Output":"        \tError Trace:\t/src/conformance/system.go:22\n"}
{"Action":"output","Test":"TestMock/max=1.41/system/ping/ok","Output":"        \t            \t/src/conformance/conformance.go:160\n"}
{"Action":"output","Test":"TestMock/max=1.41/system/ping/ok","Output":"        \tError:      \tNot equal: \n"}
{"Action":"output","Test":"TestMock/max=1.41/system/ping/ok","Output":"        \t            \texpected: 3\n"}
{"Action":"output","Test":"TestMock/max=1.41/system/ping/ok","Output":"        \t            \tactual  : 4\n"}
{"Action":"output","Test":"TestMock/max=1.41/system/ping/ok","Output":"        \tTest:       \tTestMock/max=1.41/system/ping/ok\n"}
{"Action":"output","Test":"TestMock/max=1.41/system/ping/ok","Output":"        \tMessages:   \texit code of x\n"}
{"Action":"output","Test":"TestMock/max=1.41/system/ping/ok","Output":"    system.go:23: \n"}
{"Action":"output","Test":"TestMock/max=1.41/system/ping/ok","Output":"        \tError Trace:\t/src/conformance/system.go:23\n"}
{"Action":"output","Test":"TestMock/max=1.41/system/ping/ok","Output":"        \tError:      \tAn error is expected but got nil.\n"}
{"Action":"output","Test":"TestMock/max=1.41/system/ping/ok","Output":"        \tTest:       \tTestMock/max=1.41/system/ping/ok\n"}
{"Action":"fail","Test":"TestMock/max=1.41/system/ping/ok"}
{"Action":"run","Test":"TestMock/max=1.41/registry/push-pull/open"}
{"Action":"output","Test":"TestMock/max=1.41/registry/push-pull/open","Output":"    registry.go:23: DOCKWIRE_REGISTRY is not set: no loopback registry\n"}
{"Action":"skip","Test":"TestMock/max=1.41/registry/push-pull/open"}
{"Action":"fail","Test":"TestMock/max=1.41"}
{"Action":"run","Test":"TestMock/coverage/operations/all-exercised"}
{"Action":"output","Test":"TestMock/coverage/operations/all-exercised","Output":"    mock_test.go:47: operations exercised: 107/108\n"}
{"Action":"output","Test":"TestMock/coverage/operations/all-exercised","Output":"    mock_test.go:58: 1 operation(s) no scenario exercised on the mock: Session\n"}
{"Action":"fail","Test":"TestMock/coverage/operations/all-exercised"}
{"Action":"fail","Test":"TestMock"}
{"Action":"run","Test":"TestReal"}
{"Action":"output","Test":"TestReal","Output":"    real_test.go:16: DOCKWIRE_REAL_DOCKER_HOST is not set: no real daemon\n"}
{"Action":"skip","Test":"TestReal"}
{"Action":"fail","Package":"p"}
`

// pingCause is the whole cause of the failing ping: every message, a
// testify block as its message, error and values, without its trace.
const pingCause = "log line first\n" +
	"ping: boom\n" +
	"  second line of the same message\n" +
	"exit code of x: Not equal:\n" +
	"  expected: 3\n" +
	"  actual  : 4\n" +
	"An error is expected but got nil."

func TestParse(t *testing.T) {
	rep, err := Parse(strings.NewReader(events))
	require.NoError(t, err)
	tests := []struct {
		test   string
		action string
		reason string
	}{
		{"TestMock/max=newest/system/ping/ok", "pass", ""},
		{"TestMock/max=newest/registry/push-pull/open", "skip", "DOCKWIRE_REGISTRY is not set: no loopback registry"},
		{"TestMock/max=1.41/system/ping/ok", "fail", pingCause},
		{"TestMock/coverage/operations/all-exercised", "fail", "operations exercised: 107/108\n1 operation(s) no scenario exercised on the mock: Session"},
		{"TestReal", "skip", "DOCKWIRE_REAL_DOCKER_HOST is not set: no real daemon"},
	}
	for _, tt := range tests {
		if assert.Contains(t, rep.Results, tt.test) {
			assert.Equal(t, Result{Action: tt.action, Reason: tt.reason}, rep.Results[tt.test], tt.test)
		}
	}
	assert.Contains(t, rep.BuildOutput, "not json", "BuildOutput keeps the non-JSON line")
}

func TestWrite(t *testing.T) {
	rep, err := Parse(strings.NewReader(events))
	require.NoError(t, err)
	targets := []string{"mock-newest", "mock-1.41", "real"}
	var buf bytes.Buffer
	rep.Write(&buf, targets)
	out := buf.String()
	for _, want := range []string{
		"conformance mock-newest: 1 passed, 0 failed, 1 skipped\n",
		"conformance mock-1.41: 0 passed, 1 failed, 1 skipped\n",
		"conformance real: 0 passed, 0 failed, 0 skipped (not run: DOCKWIRE_REAL_DOCKER_HOST is not set: no real daemon)\n",
		"skip(DOCKWIRE_REGISTRY is not set: no loopback registry)",
		"system/ping/ok [mock-1.41]: log line first\n      ping: boom\n        second line of the same message\n      exit code of x: Not equal:\n        expected: 3\n",
		"coverage (mock request log): operations exercised: 107/108, fail",
		"coverage: 1 operation(s) no scenario exercised on the mock: Session",
	} {
		assert.Contains(t, out, want)
	}
	// The table has one row per scenario, not per intermediate level.
	var rows []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "system/") || strings.HasPrefix(l, "registry/") || strings.HasPrefix(l, "max=") {
			rows = append(rows, strings.Fields(l)[0])
		}
	}
	assert.Equal(t, []string{"system/ping/ok", "registry/push-pull/open"}, rows, "table rows")
	assert.True(t, rep.Failed(targets), "Failed with a failing scenario")
	// The coverage case belongs to the mocks: it fails their run too.
	assert.True(t, rep.Failed([]string{"mock-newest"}), "Failed(mock-newest) with the coverage case failing")
}

func TestRunPatternAndDefaults(t *testing.T) {
	tests := []struct {
		targets []string
		want    string
	}{
		{[]string{"mock-newest", "mock-1.41"}, "^(TestMock)$"},
		{[]string{"mock-1.41", "real", "podman"}, "^(TestMock|TestReal|TestPodman)$"},
		{[]string{"real"}, "^(TestReal)$"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, runPattern(tt.targets), "runPattern(%v)", tt.targets)
	}
	env := map[string]string{"DOCKWIRE_PODMAN_HOST": "unix:///x"}
	assert.Equal(t, []string{"mock-newest", "mock-1.41", "podman"}, defaultTargets(func(k string) string { return env[k] }))
}
