package dockwire_test

import (
	"go/importer"
	"go/token"
	"go/types"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDockerPyMap resolves every Go name of README.md's docker-py map
// (its "From docker-py" section, the second column of each table) against
// the code, type-checked from source: cli.Service.Method on a
// *dockwire.Client, package.Name[.Field|.Method...] for dockwire,
// endpoints, wire, mux, tarstream, dial, errors and io, and a bare
// Name[...] in endpoints. A name that does not exist fails.
func TestDockerPyMap(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the module from source (seconds)")
	}
	data, err := os.ReadFile("README.md")
	require.NoError(t, err)
	section := string(data)
	start := strings.Index(section, "\n## From docker-py\n")
	require.GreaterOrEqual(t, start, 0, "README.md has no docker-py map")
	section = section[start+1:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}

	imp := importer.ForCompiler(token.NewFileSet(), "source", nil)
	pkgs := map[string]*types.Package{}
	for _, name := range []string{"dockwire", "endpoints", "wire", "mux", "tarstream", "dial", "errors", "io"} {
		path := "github.com/dockwire/dockwire"
		switch name {
		case "errors", "io":
			path = name
		case "dockwire":
		default:
			path += "/" + name
		}
		p, err := imp.Import(path)
		require.NoError(t, err, path)
		pkgs[name] = p
	}
	client := types.NewPointer(pkgs["dockwire"].Scope().Lookup("Client").Type())

	span := regexp.MustCompile("`([^`]+)`")
	name := regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)
	rows, names := 0, 0
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) != 4 || strings.HasPrefix(strings.TrimSpace(cells[1]), "---") || strings.TrimSpace(cells[2]) == "dockwire" {
			continue
		}
		rows++
		goSpans := span.FindAllStringSubmatch(cells[2], -1)
		assert.NotEmpty(t, goSpans, "row %q names no Go call", strings.TrimSpace(line))
		for _, m := range goSpans {
			ref := m[1]
			if !assert.Regexp(t, name, ref, "not a Go name (write selectors only: cli.Containers.Run, ContainerRunOptions.NoStart)") {
				continue
			}
			names++
			assert.NoError(t, resolve(ref, client, pkgs), ref)
		}
	}
	t.Logf("%d rows, %d Go names resolved", rows, names)
	assert.Greater(t, rows, 80, "the map lost its rows")
}

// resolve looks ref up: its first element is cli, a package or an
// endpoints name, each next element a field or method of the type so far.
func resolve(ref string, client types.Type, pkgs map[string]*types.Package) error {
	parts := strings.Split(ref, ".")
	var typ types.Type
	switch p, ok := pkgs[parts[0]]; {
	case parts[0] == "cli":
		typ = client
	case ok && len(parts) > 1:
		obj := p.Scope().Lookup(parts[1])
		if obj == nil || !obj.Exported() {
			return errNotFound(parts[1], p.Name())
		}
		typ, parts = obj.Type(), parts[1:]
	default:
		obj := pkgs["endpoints"].Scope().Lookup(parts[0])
		if obj == nil || !obj.Exported() {
			return errNotFound(parts[0], "endpoints")
		}
		typ = obj.Type()
	}
	for _, sel := range parts[1:] {
		obj, _, _ := types.LookupFieldOrMethod(typ, true, nil, sel)
		if obj == nil || !obj.Exported() {
			return errNotFound(sel, typ.String())
		}
		typ = obj.Type()
		if sig, ok := typ.(*types.Signature); ok && sig.Results().Len() > 0 {
			typ = sig.Results().At(0).Type() // a method's first result
		}
	}
	return nil
}

type notFoundError struct{ name, in string }

func (e notFoundError) Error() string { return e.name + " is not in " + e.in }

func errNotFound(name, in string) error { return notFoundError{name, in} }
