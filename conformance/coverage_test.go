package conformance_test

import (
	"testing"

	"github.com/dockwire/dockwire/mockdaemon"
)

func TestMatchTemplate(t *testing.T) {
	tests := []struct {
		template, path string
		want           bool
	}{
		{"/containers/json", "/containers/json", true},
		{"/containers/{id}/json", "/containers/abc/json", true},
		{"/containers/{id}/json", "/containers/json", false},
		{"/images/{name}/json", "/images/127.0.0.1:5000/a/b:tag/json", true},
		{"/containers/{id}/json", "/containers/a/b/json", false},
		{"/images/{name}/get", "/images/get", false},
		{"/plugins/{name}", "/plugins/x/y:latest", true},
		{"/swarm/init", "/swarm/join", false},
		{"/exec/{id}/start", "/exec/abc/resize", false},
	}
	for _, tt := range tests {
		if got := matchTemplate(tt.template, tt.path); got != tt.want {
			t.Errorf("matchTemplate(%q, %q) = %v, want %v", tt.template, tt.path, got, tt.want)
		}
	}
}

func TestStripVersion(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/v1.41/containers/json?all=1", "/containers/json"},
		{"/containers/json", "/containers/json"},
		{"/_ping", "/_ping"},
		{"/v1.56/_ping", "/_ping"},
		{"/volumes", "/volumes"},
	}
	for _, tt := range tests {
		if got := stripVersion(tt.in); got != tt.want {
			t.Errorf("stripVersion(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCoverage(t *testing.T) {
	ops := operations()
	log := []mockdaemon.Request{
		{Operation: "ContainerList", Method: "GET", Path: "/v1.41/containers/json"},
		{Method: "POST", Path: "/v1.41/swarm/init"},
	}
	missing, unrouted := coverage(ops, log)
	if len(missing) != len(ops)-1 {
		t.Errorf("missing %d, want %d", len(missing), len(ops)-1)
	}
	for _, m := range missing {
		if m.id == "ContainerList" {
			t.Errorf("ContainerList reported missing though it was exercised")
		}
	}
	if unrouted["SwarmInit"] != 1 || len(unrouted) != 1 {
		t.Errorf("unrouted = %v, want SwarmInit:1", unrouted)
	}
}
