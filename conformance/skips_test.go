package conformance_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestSkipsCarryReasons holds the suite to its rule that every skip says
// why: no SkipNow, and every Skip/Skipf has a first argument that is not an
// empty string.
func TestSkipsCarryReasons(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
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
				t.Errorf("%s: SkipNow gives no reason", fset.Position(call.Pos()))
			case "Skip", "Skipf":
				checked++
				if len(call.Args) == 0 {
					t.Errorf("%s: %s with no reason", fset.Position(call.Pos()), sel.Sel.Name)
					break
				}
				if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if s, _ := strconv.Unquote(lit.Value); strings.TrimSpace(s) == "" {
						t.Errorf("%s: %s with an empty reason", fset.Position(call.Pos()), sel.Sel.Name)
					}
				}
			}
			return true
		})
	}
	if checked == 0 {
		t.Fatal("found no Skip calls: the check looked at nothing")
	}
	t.Logf("%d Skip/Skipf calls, each with a reason", checked)
}
