package dockwire_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/dockwire/dockwire"
	"github.com/dockwire/dockwire/dial"
)

// The client side never links net/http (nor ssh or websocket code): a
// program that only lists containers must stay small. Their own
// subpackages (dial/ssh, endpoints/attachws) may, and are not listed here.
func TestClientLinksNoNetHTTP(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	forbidden := []string{"net/http", "golang.org/x/crypto/ssh", "github.com/gorilla/websocket"}
	for _, pkg := range []string{".", "./wire", "./dial", "./mux", "./tarstream", "./endpoints"} {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range forbidden {
				if dep == f || strings.HasPrefix(dep, f+"/") {
					t.Errorf("%s links %s", pkg, dep)
				}
			}
		}
	}
}

// The root module requires only x/crypto, gorilla/websocket and testify
// (and what they need).
func TestRootModuleDependencies(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{if not .Main}}{{.Path}}{{end}}", "all").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -m all: %v\n%s", err, out)
	}
	allowed := []string{
		"golang.org/x/crypto", "golang.org/x/sys", "golang.org/x/net", "golang.org/x/term", "golang.org/x/text",
		"github.com/gorilla/websocket",
		"github.com/stretchr/testify", "github.com/stretchr/objx", "github.com/davecgh/go-spew",
		"github.com/pmezard/go-difflib", "gopkg.in/yaml.v3", "go.yaml.in/yaml/v3",
	}
	for _, m := range strings.Fields(string(out)) {
		ok := false
		for _, a := range allowed {
			ok = ok || m == a
		}
		if !ok {
			t.Errorf("the root module reaches %s, outside the allowed set", m)
		}
	}
}

func TestHostDefaultsToTheDockerSocket(t *testing.T) {
	cli, err := dockwire.New(dial.Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	if got := cli.Host(); got != dial.DefaultHost {
		t.Errorf("Host() = %q, want %q", got, dial.DefaultHost)
	}
}
