package conformance_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

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
		assert.Equal(t, tt.want, matchTemplate(tt.template, tt.path), "matchTemplate(%q, %q)", tt.template, tt.path)
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
		assert.Equal(t, tt.want, stripVersion(tt.in), "stripVersion(%q)", tt.in)
	}
}

func TestCoverage(t *testing.T) {
	ops := operations()
	log := []mockdaemon.Request{
		{Operation: "ContainerList", Method: "GET", Path: "/v1.41/containers/json"},
		{Method: "POST", Path: "/v1.41/swarm/init"},
	}
	missing, unrouted := coverage(ops, log)
	assert.Len(t, missing, len(ops)-1, "every operation but ContainerList is missing")
	for _, m := range missing {
		assert.NotEqual(t, "ContainerList", m.id, "ContainerList reported missing though it was exercised")
	}
	assert.Equal(t, map[string]int{"SwarmInit": 1}, unrouted, "unrouted")
}
