package wire

import (
	"os/exec"
	"strings"
	"testing"
)

// The client side never links net/http (DESIGN.md): wire must stay free of it.
func TestNoNetHTTPDependency(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if p == "net/http" || strings.HasPrefix(p, "net/http/") || p == "reflect/internal" {
			t.Errorf("wire depends on %s", p)
		}
	}
	if !strings.Contains(string(out), "github.com/dockwire/dockwire/dial") {
		t.Error("go list output does not look right: no dial package")
	}
}
