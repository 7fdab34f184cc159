package endpoints_test

import (
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var updateSpec = flag.Bool("update-spec", false, "regenerate testdata/spec-fields.txt and spec-examples.json from $DOCKWIRE_ENGINE_API_SPEC")

const specFieldsFile = "testdata/spec-fields.txt"

// knownGaps are the properties of the spec's definitions a Go type that
// names the definition does not hold, each with its reason. A property
// missing from a type and from this list fails TestResponseFields.
var knownGaps = map[string]string{
	"ContainerWaitResponse.Error": "ContainerWaitResult.Error is the message of the object, the only field it has",
	"NetworkAttachment.Network":   "dockerd sends a swarm network object (ID, Version, Spec, DriverState, IPAMOptions), not the Network the spec names: kept as decoded JSON",
	"BuildInfo.errorDetail":       "an error record ends the build with a *BuildError (a *wire.StreamError with the detail) and never reaches Progress",
	"CreateImageInfo.errorDetail": "an error record ends the pull or import with a *wire.StreamError holding the detail and never reaches Progress",
	"PushImageInfo.errorDetail":   "an error record ends the push with a *wire.StreamError holding the detail and never reaches Progress",
	"BuildInfo.aux":               "aux differs by operation (a build's image ID, a push's tag, digest and size): Progress.Aux stays raw and each operation decodes its own",
}

// unmodelled are definitions an operation answers with or takes as its
// body that have no Go type of their own, each with its reason.
var unmodelled = map[string]string{}

// TestResponseFields walks the Engine API's definitions (v1.56, as
// derived in testdata/spec-fields.txt) against the Go types: every type
// whose doc names its definition ("swagger: ContainerSummary") must hold
// each of the definition's properties as a JSON field (matched as
// encoding/json matches them, case-insensitively), and each field whose
// property is an object is checked in turn against that object, whether
// the property names a definition or nests one. Every definition an
// operation answers with or takes as its JSON body must have a Go type,
// or a reason in unmodelled.
// Fields the spec lacks are allowed: the types keep what older API
// versions send.
func TestResponseFields(t *testing.T) {
	if *updateSpec {
		path := os.Getenv("DOCKWIRE_ENGINE_API_SPEC")
		require.NotEmpty(t, path, "-update-spec needs DOCKWIRE_ENGINE_API_SPEC, the swagger YAML to derive the list from")
		lines, err := specFields(path)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(specFieldsFile, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
		examples, err := specExamples(path)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(specExamplesFile, append(examples, '\n'), 0o644))
	}
	spec, responses := loadSpecFields(t)
	pkg := loadGoTypes(t)

	w := &specWalk{t: t, spec: spec, pkg: pkg, checked: map[string]bool{}, covered: map[string]bool{}, usedGaps: map[string]bool{}}
	for _, goName := range slices.Sorted(maps.Keys(pkg.swagger)) {
		for _, def := range pkg.swagger[goName] {
			if _, ok := spec[def]; assert.True(t, ok, "%s names swagger definition %s, which v1.56 does not have", goName, def) {
				w.check(goName, def)
			}
		}
	}
	for _, op := range slices.Sorted(maps.Keys(responses)) {
		def := strings.TrimPrefix(strings.TrimPrefix(responses[op], "[]"), "map[]")
		if def == "-" || w.covered[def] || spec[def] == nil {
			continue
		}
		assert.Contains(t, unmodelled, def, "%s: %s, which no Go type holds (name it in a type's doc: \"swagger: %s\")", op, def, def)
	}
	for k := range knownGaps {
		assert.True(t, w.usedGaps[k], "knownGaps lists %s, which is no longer missing", k)
	}
	for k := range unmodelled {
		assert.False(t, w.covered[k], "unmodelled lists %s, which a Go type now holds", k)
	}
	t.Logf("%d (type, definition) pairs checked", len(w.checked))
}

// TestNoAnonymousStructs: no exported type has a field whose type is an
// anonymous struct (but struct{}, a set's value), which a caller would have to retype, JSON tags and
// all, to fill or hold one.
func TestNoAnonymousStructs(t *testing.T) {
	pkg := loadGoTypes(t)
	for _, name := range slices.Sorted(maps.Keys(pkg.structs)) {
		if !ast.IsExported(name) {
			continue
		}
		for _, f := range pkg.structs[name].Fields.List {
			ast.Inspect(f.Type, func(n ast.Node) bool {
				st, ok := n.(*ast.StructType)
				if !ok {
					return true
				}
				field := "(embedded)"
				if len(f.Names) > 0 {
					field = f.Names[0].Name
				}
				// struct{} is a set's value.
				assert.Zero(t, len(st.Fields.List), "%s.%s is an anonymous struct with fields: give it a named type", name, field)
				return false
			})
		}
	}
}

type specProps map[string]string // property -> type

func loadSpecFields(t *testing.T) (map[string]specProps, map[string]string) {
	data, err := os.ReadFile(specFieldsFile)
	require.NoError(t, err)
	spec := map[string]specProps{}
	responses := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		f := strings.Fields(l)
		require.Len(t, f, 3, "%s: %q", specFieldsFile, l)
		switch f[0] {
		case "@response", "@body":
			responses[f[1]+" "+strings.TrimPrefix(f[0], "@")] = f[2]
			continue
		case "@def":
			if spec[f[1]] == nil {
				spec[f[1]] = specProps{}
			}
			continue
		}
		if spec[f[0]] == nil {
			spec[f[0]] = specProps{}
		}
		spec[f[0]][f[1]] = f[2]
	}
	return spec, responses
}

type goField struct {
	json string   // the JSON name
	typ  ast.Expr // its type
}

type goTypes struct {
	structs map[string]*ast.StructType
	named   map[string]ast.Expr // every type declaration's type
	swagger map[string][]string // Go type -> the definitions its doc names
}

// swaggerNames returns what a type's doc says the type is, in its
// "(swagger: ...)": definitions ("swagger: Mount"), nested objects
// ("SystemVersion.Components"), operations' inline schemas ("the
// ContainerPrune response", "the ContainerExec body"), separated by
// commas; other words ("API 1.55") are notes.
func swaggerNames(doc string) []string {
	var out []string
	for _, m := range swaggerRef.FindAllStringSubmatch(doc, -1) {
		for _, item := range strings.Split(m[1], ",") {
			item = strings.TrimSpace(item)
			if op := inlineRef.FindStringSubmatch(item); op != nil {
				out = append(out, op[1]+"."+op[2])
			} else if defName.MatchString(item) {
				out = append(out, item)
			}
		}
	}
	return out
}

var (
	swaggerRef = regexp.MustCompile(`swagger:\s*([^)]*)`)
	inlineRef  = regexp.MustCompile(`^the (\w+) (response|body)\b`)
	defName    = regexp.MustCompile(`^[A-Za-z0-9_.]+$`)
)

func loadGoTypes(t *testing.T) *goTypes {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, parser.ParseComments)
	require.NoError(t, err)
	g := &goTypes{structs: map[string]*ast.StructType{}, named: map[string]ast.Expr{}, swagger: map[string][]string{}}
	for _, f := range pkgs["endpoints"].Files {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, sp := range gd.Specs {
				ts, ok := sp.(*ast.TypeSpec)
				if !ok {
					continue
				}
				g.named[ts.Name.Name] = ts.Type
				if st, ok := ts.Type.(*ast.StructType); ok {
					g.structs[ts.Name.Name] = st
				}
				doc := ts.Doc
				if doc == nil {
					doc = gd.Doc
				}
				if doc == nil {
					continue
				}
				text := strings.Join(strings.Fields(doc.Text()), " ")
				g.swagger[ts.Name.Name] = append(g.swagger[ts.Name.Name], swaggerNames(text)...)
			}
		}
	}
	return g
}

// fields returns the JSON fields of struct st, those of embedded structs
// of the package included.
func (g *goTypes) fields(st *ast.StructType) []goField {
	var out []goField
	for _, f := range st.Fields.List {
		name := ""
		if f.Tag != nil {
			tag, _ := strconv.Unquote(f.Tag.Value)
			name, _, _ = strings.Cut(reflect.StructTag(tag).Get("json"), ",")
			if name == "-" {
				continue
			}
		}
		if len(f.Names) == 0 { // embedded
			if id, ok := f.Type.(*ast.Ident); ok && name == "" {
				if inner := g.structs[id.Name]; inner != nil {
					out = append(out, g.fields(inner)...)
				}
				continue
			}
			if name == "" {
				name = exprString(f.Type)
				name = name[strings.LastIndexAny(name, ".*")+1:]
			}
			out = append(out, goField{name, f.Type})
			continue
		}
		for _, n := range f.Names {
			if !n.IsExported() {
				continue
			}
			jn := name
			if jn == "" {
				jn = n.Name
			}
			out = append(out, goField{jn, f.Type})
		}
	}
	return out
}

// structOf returns the struct a field type leads to (through pointers,
// slices, maps and named map or slice types), as a named type or an
// anonymous struct.
func (g *goTypes) structOf(e ast.Expr) (string, *ast.StructType) {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.ArrayType:
			e = x.Elt
		case *ast.MapType:
			e = x.Value
		case *ast.Ident:
			if st := g.structs[x.Name]; st != nil {
				return x.Name, st
			}
			if under, ok := g.named[x.Name]; ok {
				e = under
				continue
			}
			return x.Name, nil
		case *ast.StructType:
			return "", x
		default:
			return "", nil
		}
	}
}

type specWalk struct {
	t        *testing.T
	spec     map[string]specProps
	pkg      *goTypes
	checked  map[string]bool
	covered  map[string]bool
	usedGaps map[string]bool
}

// check holds the Go type goName (or an anonymous struct, goName "" and
// st) to the definition def.
func (w *specWalk) check(goName, def string) {
	w.checkStruct(goName, w.pkg.structs[goName], def)
}

func (w *specWalk) checkStruct(goName string, st *ast.StructType, def string) {
	key := goName + " " + def
	if goName == "" {
		key = "anonymous@" + strconv.Itoa(int(st.Pos())) + " " + def
	}
	if st == nil || w.checked[key] {
		return
	}
	w.checked[key] = true
	w.covered[def] = true
	fields := w.pkg.fields(st)
	where := goName
	if where == "" {
		where = "an anonymous struct"
	}
	for _, prop := range slices.Sorted(maps.Keys(w.spec[def])) {
		typ := w.spec[def][prop]
		var f *goField
		for i := range fields {
			if strings.EqualFold(fields[i].json, prop) {
				f = &fields[i]
				break
			}
		}
		gap := def + "." + prop
		if f == nil {
			if _, ok := knownGaps[gap]; ok {
				w.usedGaps[gap] = true
				continue
			}
		}
		if !assert.NotNil(w.t, f, "%s (swagger: %s) has no field for %s (%s)", where, def, prop, typ) {
			continue
		}
		target := strings.TrimPrefix(strings.TrimPrefix(typ, "[]"), "map[]")
		target = strings.TrimPrefix(strings.TrimPrefix(target, "[]"), "map[]")
		if _, ok := w.spec[target]; !ok {
			continue
		}
		name, inner := w.pkg.structOf(f.typ)
		if inner != nil {
			w.checkStruct(name, inner, target)
			continue
		}
		if len(w.spec[target]) > 0 {
			if _, ok := knownGaps[gap]; ok {
				w.usedGaps[gap] = true
				continue
			}
		}
		assert.Empty(w.t, w.spec[target], "%s (swagger: %s) holds %s (%s) as %s, not a struct of its fields", where, def, prop, typ, exprString(f.typ))
	}
}
