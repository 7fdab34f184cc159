package endpoints_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dockwire/dockwire/internal/apispec"
)

// markerRE matches an operation marker: "// API: GET /containers/{id}/json".
var markerRE = regexp.MustCompile(`^\s*//\s*API:\s*(\S+)\s+(\S+)\s*$`)

// TestOperationMarkers checks every "// API:" marker in the endpoints tree
// against the module's list of the Engine API's operations (package
// internal/apispec), fails on unknown or duplicated markers, requires every
// operation to be marked, and checks the code under each marker: the
// operations it builds requests for (the literal ids given to newRequest)
// are the ones its markers name.
func TestOperationMarkers(t *testing.T) {
	byRoute := map[string]apispec.Operation{}
	for _, o := range apispec.All() {
		byRoute[o.Method+" "+o.Route] = o
	}
	seen := map[string]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Doc == nil {
				continue
			}
			var marked []string
			for _, c := range fn.Doc.List {
				m := markerRE.FindStringSubmatch(c.Text)
				if m == nil {
					continue
				}
				key := m[1] + " " + m[2]
				where := fset.Position(c.Pos()).String()
				o, known := byRoute[key]
				prev, dup := seen[key]
				if !assert.True(t, known, "%s: marker %q names no Engine API operation", where, key) ||
					!assert.False(t, dup, "%s: marker %q already at %s", where, key, prev) {
					continue
				}
				seen[key] = where
				marked = append(marked, o.ID)
			}
			for _, id := range builtOps(fn) {
				_, known := apispec.Lookup(id)
				if assert.True(t, known, "%s: %s builds a request for %q, which is not in the list", fset.Position(fn.Pos()), fn.Name.Name, id) && len(marked) > 0 {
					assert.Contains(t, marked, id, "%s: %s builds a request for %s but is marked otherwise", fset.Position(fn.Pos()), fn.Name.Name, id)
				}
			}
		}
		return nil
	})
	require.NoError(t, err)
	var missing []string
	for key, o := range byRoute {
		if _, ok := seen[key]; !ok {
			missing = append(missing, o.ID)
		}
	}
	sort.Strings(missing)
	t.Logf("operations marked: %d/%d", len(seen), len(byRoute))
	assert.Empty(t, missing, "operations no method is marked with")
}

// builtOps returns the operation ids fn passes to newRequest as literals.
func builtOps(fn *ast.FuncDecl) []string {
	var ids []string
	ast.Inspect(fn, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		if id, ok := call.Fun.(*ast.Ident); !ok || id.Name != "newRequest" {
			return true
		}
		if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
			s, _ := strconv.Unquote(lit.Value)
			ids = append(ids, s)
		}
		return true
	})
	return ids
}
