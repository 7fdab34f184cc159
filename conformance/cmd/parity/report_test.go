package main

import (
	"bytes"
	"strings"
	"testing"
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

func TestParse(t *testing.T) {
	rep, err := Parse(strings.NewReader(events))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		test   string
		action string
		reason string
	}{
		{"TestMock/max=newest/system/ping/ok", "pass", ""},
		{"TestMock/max=newest/registry/push-pull/open", "skip", "DOCKWIRE_REGISTRY is not set: no loopback registry"},
		{"TestMock/max=1.41/system/ping/ok", "fail", "ping: boom"},
		{"TestMock/coverage/operations/all-exercised", "fail", "1 operation(s) no scenario exercised on the mock: Session"},
		{"TestReal", "skip", "DOCKWIRE_REAL_DOCKER_HOST is not set: no real daemon"},
	}
	for _, tt := range tests {
		got, ok := rep.Results[tt.test]
		if !ok || got.Action != tt.action || got.Reason != tt.reason {
			t.Errorf("%s: %+v (found %v), want %s %q", tt.test, got, ok, tt.action, tt.reason)
		}
	}
	if !strings.Contains(rep.BuildOutput, "not json") {
		t.Errorf("BuildOutput %q lacks the non-JSON line", rep.BuildOutput)
	}
}

func TestWrite(t *testing.T) {
	rep, err := Parse(strings.NewReader(events))
	if err != nil {
		t.Fatal(err)
	}
	targets := []string{"mock-newest", "mock-1.41", "real"}
	var buf bytes.Buffer
	rep.Write(&buf, targets)
	out := buf.String()
	for _, want := range []string{
		"conformance mock-newest: 1 passed, 0 failed, 1 skipped\n",
		"conformance mock-1.41: 0 passed, 1 failed, 1 skipped\n",
		"conformance real: 0 passed, 0 failed, 0 skipped (not run: DOCKWIRE_REAL_DOCKER_HOST is not set: no real daemon)\n",
		"skip(DOCKWIRE_REGISTRY is not set: no loopback registry)",
		"system/ping/ok [mock-1.41]: ping: boom",
		"coverage (mock request log): operations exercised: 107/108, fail",
		"coverage: 1 operation(s) no scenario exercised on the mock: Session",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	// The table has one row per scenario, not per intermediate level.
	var rows []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "system/") || strings.HasPrefix(l, "registry/") || strings.HasPrefix(l, "max=") {
			rows = append(rows, strings.Fields(l)[0])
		}
	}
	if strings.Join(rows, " ") != "system/ping/ok registry/push-pull/open" {
		t.Errorf("table rows %v, want system/ping/ok registry/push-pull/open", rows)
	}
	if !rep.Failed(targets) {
		t.Error("Failed = false with a failing scenario")
	}
	// The coverage case belongs to the mocks: it fails their run too.
	if !rep.Failed([]string{"mock-newest"}) {
		t.Error("Failed(mock-newest) = false with the coverage case failing")
	}
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
		if got := runPattern(tt.targets); got != tt.want {
			t.Errorf("runPattern(%v) = %q, want %q", tt.targets, got, tt.want)
		}
	}
	env := map[string]string{"DOCKWIRE_PODMAN_HOST": "unix:///x"}
	got := strings.Join(defaultTargets(func(k string) string { return env[k] }), " ")
	if got != "mock-newest mock-1.41 podman" {
		t.Errorf("defaultTargets = %q", got)
	}
}
