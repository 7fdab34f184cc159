package dial

import (
	"os/exec"
	"strings"
	"testing"
)

// Package dial links no TLS and no ssh: crypto/tls costs a program about
// 2 MiB, and most talk to a local unix socket. TLS lives in dial/dialtls,
// ssh in dial/ssh.
func TestNoTLSLinked(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps gave %q, want the package list", deps)
	}
	for _, dep := range deps {
		if dep == "crypto/tls" || strings.HasPrefix(dep, "crypto/x509") || dep == "net/http" || strings.HasPrefix(dep, "golang.org/x/crypto") {
			t.Errorf("package dial links %s", dep)
		}
	}
}
