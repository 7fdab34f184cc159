package main

import (
	"os/exec"
	"strings"
	"testing"
)

// A unix-socket program links no TLS and no FIPS module: crypto/tls and
// crypto/x509 cost about 0.7 MiB stripped even when only a type of theirs is
// mentioned, and crypto/sha256 or crypto/rand bring the FIPS 140 module's
// initialisation (about 75 KiB; internal/digest serves the naming needs).
// The failure names the packages that import them.
func TestLinksNoTLS(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}: {{join .Imports \" \"}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 10 {
		t.Fatalf("go list -deps gave %q, want the package list", out)
	}
	for _, line := range lines {
		pkg, imports, _ := strings.Cut(line, ": ")
		if strings.HasPrefix(pkg, "crypto/") || strings.HasPrefix(pkg, "vendor/") {
			continue
		}
		for _, imp := range strings.Fields(imports) {
			switch imp {
			case "crypto/tls", "crypto/x509", "crypto/sha256", "crypto/sha512", "crypto/rand":
				t.Errorf("%s imports %s", pkg, imp)
			}
		}
	}
}
