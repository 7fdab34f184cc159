package endpoints_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// streamResults are the results an operation whose answer is a stream
// returns instead of a <Resource><Op>Result (see the package doc).
var streamResults = map[string]bool{
	"io.ReadCloser":  true, // raw bytes: export, save
	"*mux.Output":    true, // a process's output: logs
	"*mux.Conn":      true, // a hijacked connection: attach, exec start
	"*wire.Stream":   true, // JSON records: events, stats
	"*wire.Upgraded": true, // a connection handed over raw: session
}

// notOperationTypes are exported types whose names end in Options or
// Result without being an operation's, each with its reason.
var notOperationTypes = map[string]string{
	"MountBindOptions":   "the bind options of a Mount (swagger: Mount.BindOptions)",
	"MountVolumeOptions": "the volume options of a Mount (swagger: Mount.VolumeOptions)",
	"MountImageOptions":  "the image options of a Mount (swagger: Mount.ImageOptions)",
	"MountTmpfsOptions":  "the tmpfs options of a Mount (swagger: Mount.TmpfsOptions)",
	"HealthcheckResult":  "one run of a healthcheck, the swagger definition's own name",
}

// TestNamingRule holds the exported API to the rule of the package doc:
// every method of a service reads
//
//	func (s *XService) Op(ctx context.Context, [names..., body io.Reader,] opts XOpOptions) (XOpResult, error)
//
// where a stream's shape may stand for XOpResult, and a form of another
// operation (BuildDir of Build) takes that operation's types. Every type
// named ...Options or ...Result belongs to an operation, and no exported
// function makes a service.
func TestNamingRule(t *testing.T) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	require.NoError(t, err)
	pkg := pkgs["endpoints"]
	require.NotNil(t, pkg)

	types := map[string]bool{}
	methods := map[string]map[string]*ast.FuncDecl{} // service type -> method -> decl
	var funcs []*ast.FuncDecl
	for _, f := range pkg.Files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, sp := range d.Specs {
					if ts, ok := sp.(*ast.TypeSpec); ok && ts.Name.IsExported() {
						types[ts.Name.Name] = true
					}
				}
			case *ast.FuncDecl:
				if d.Recv == nil {
					funcs = append(funcs, d)
					continue
				}
				recv := exprString(d.Recv.List[0].Type)
				svc, ok := strings.CutPrefix(recv, "*")
				if !ok || !strings.HasSuffix(svc, "Service") || !d.Name.IsExported() {
					continue
				}
				if methods[svc] == nil {
					methods[svc] = map[string]*ast.FuncDecl{}
				}
				methods[svc][d.Name.Name] = d
			}
		}
	}
	require.Len(t, methods, 15, "the services")

	used := map[string]bool{}
	checked := 0
	for svc, ms := range methods {
		res := strings.TrimSuffix(svc, "Service")
		for name, fn := range ms {
			checked++
			where := svc + "." + name
			// The method's own name, or, for a form of another operation
			// (BuildDir of Build), that operation's.
			ops := []string{name}
			for other := range ms {
				if other != name && strings.HasPrefix(name, other) {
					ops = append(ops, other)
				}
			}
			named := func(suffix, got string) bool {
				for _, op := range ops {
					if got == res+op+suffix {
						used[got] = true
						return true
					}
				}
				return false
			}
			params := fieldTypes(fn.Type.Params)
			if !assert.GreaterOrEqual(t, len(params), 2, "%s: want ctx and options", where) {
				continue
			}
			assert.Equal(t, "context.Context", params[0], "%s: the first parameter", where)
			opts := params[len(params)-1]
			assert.True(t, named("Options", opts), "%s: the last parameter is %s, want %s%sOptions by value", where, opts, res, name)
			for _, p := range params[1 : len(params)-1] {
				assert.Contains(t, []string{"string", "[]string", "io.Reader"}, p, "%s: a parameter between ctx and the options", where)
			}
			results := fieldTypes(fn.Type.Results)
			if !assert.Len(t, results, 2, "%s: want (result, error)", where) {
				continue
			}
			assert.Equal(t, "error", results[1], where)
			if !streamResults[results[0]] {
				assert.True(t, named("Result", results[0]), "%s: the result is %s, want %s%sResult or a stream", where, results[0], res, name)
			}
		}
	}
	t.Logf("%d methods of %d services follow the rule", checked, len(methods))

	var orphans []string
	for name := range types {
		if !strings.HasSuffix(name, "Options") && !strings.HasSuffix(name, "Result") {
			continue
		}
		if used[name] || notOperationTypes[name] != "" {
			continue
		}
		orphans = append(orphans, name)
	}
	sort.Strings(orphans)
	assert.Empty(t, orphans, "types named like an operation's options or result that no operation uses")
	for name := range notOperationTypes {
		assert.True(t, types[name], "notOperationTypes names %s, which does not exist", name)
	}

	for _, fn := range funcs {
		if !fn.Name.IsExported() || fn.Type.Results == nil {
			continue
		}
		for _, r := range fieldTypes(fn.Type.Results) {
			assert.False(t, strings.HasSuffix(r, "Service"), "%s makes a service: dockwire.New is the one way", fn.Name.Name)
		}
	}
}

// fieldTypes returns the types of a field list, one per name.
func fieldTypes(fl *ast.FieldList) []string {
	if fl == nil {
		return nil
	}
	var out []string
	for _, f := range fl.List {
		n := len(f.Names)
		if n == 0 {
			n = 1
		}
		for range n {
			out = append(out, exprString(f.Type))
		}
	}
	return out
}

// exprString renders a type expression, generic instances without their
// arguments ("*wire.Stream").
func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.StarExpr:
		return "*" + exprString(e.X)
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	case *ast.ArrayType:
		return "[]" + exprString(e.Elt)
	case *ast.IndexExpr:
		return exprString(e.X)
	case *ast.IndexListExpr:
		return exprString(e.X)
	case *ast.MapType:
		return "map[" + exprString(e.Key) + "]" + exprString(e.Value)
	}
	return "?"
}
