package main

import (
	"os/exec"
	"strings"
	"testing"
)

// A unix-socket program links no TLS, no ssh and no FIPS module: crypto/tls
// and crypto/x509 cost about 0.7 MiB stripped even when only a type of
// theirs is mentioned, golang.org/x/crypto/ssh more, and crypto/sha256 or
// crypto/rand bring the FIPS 140 module's initialisation (about 75 KiB;
// internal/digest serves the naming needs). The failure names the packages
// that import them.
func TestLinksNoTLS(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	for _, line := range deps(t, "") {
		pkg, _, _ := strings.Cut(line, ": ")
		if strings.HasPrefix(pkg, "golang.org/x/crypto") || pkg == "github.com/dockwire/dockwire/dial/ssh" {
			t.Errorf("a unix-socket program links %s", pkg)
		}
	}
	for _, line := range deps(t, "") {
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

// With -tags sizecheck_ssh the same program does link x/crypto/ssh: the
// tag is what TestBinarySize weighs, and what TestLinksNoTLS proves absent
// without it.
func TestSSHTagLinksSSH(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	found := false
	for _, line := range deps(t, "sizecheck_ssh") {
		pkg, _, _ := strings.Cut(line, ": ")
		found = found || pkg == "golang.org/x/crypto/ssh"
	}
	if !found {
		t.Error("-tags sizecheck_ssh does not link golang.org/x/crypto/ssh")
	}
}

// deps lists the program's packages as "path: imports..." lines.
func deps(t *testing.T, tags string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-tags="+tags, "-deps", "-f", "{{.ImportPath}}: {{join .Imports \" \"}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 10 {
		t.Fatalf("go list -deps gave %q, want the package list", out)
	}
	return lines
}
