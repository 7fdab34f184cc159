package mux

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoHTTP: mux knows nothing of HTTP (DESIGN.md): neither net/http nor
// the wire package are among its dependencies.
func TestNoHTTP(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep == "net/http" || strings.HasPrefix(dep, "net/http/") || strings.HasSuffix(dep, "/dockwire/wire") {
			t.Errorf("mux depends on %s", dep)
		}
	}
}
