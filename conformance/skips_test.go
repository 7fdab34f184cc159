package conformance_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSkipsCarryReasons holds the suite to its rule that every skip says
// why: no SkipNow, and every Skip/Skipf has a first argument that is not an
// empty string.
func TestSkipsCarryReasons(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			switch sel.Sel.Name {
			case "SkipNow":
				assert.Fail(t, "SkipNow gives no reason", "%s", fset.Position(call.Pos()))
			case "Skip", "Skipf":
				checked++
				if !assert.NotEmpty(t, call.Args, "%s: %s with no reason", fset.Position(call.Pos()), sel.Sel.Name) {
					break
				}
				if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					s, _ := strconv.Unquote(lit.Value)
					assert.NotEmpty(t, strings.TrimSpace(s), "%s: %s with an empty reason", fset.Position(call.Pos()), sel.Sel.Name)
				}
			}
			return true
		})
	}
	require.NotZero(t, checked, "found no Skip calls: the check looked at nothing")
	t.Logf("%d Skip/Skipf calls, each with a reason", checked)
}
