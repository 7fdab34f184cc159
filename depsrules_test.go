package dockwire_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os/exec"
	"path"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// This file holds the machinery that reads depsRules (deps_test.go) and
// holds the module's import graph to it.

// goPackage is what the rules read of one package of `go list -deps -json`.
type goPackage struct {
	ImportPath string
	Name       string
	Standard   bool
	Imports    []string
	Deps       []string
	Module     *struct{ Path string }
}

// listPackages runs `go list -deps -json` once over the module in dir and
// returns its packages and everything they link (test files excluded: tests
// may import anything).
func listPackages(dir string) ([]goPackage, error) {
	cmd := exec.Command("go", "list", "-deps", "-json=ImportPath,Name,Standard,Imports,Deps,Module", "./...")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list -deps: %w\n%s", err, stderr.Bytes())
	}
	var pkgs []goPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p goPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			return pkgs, nil
		} else if err != nil {
			return nil, fmt.Errorf("go list -deps: %w", err)
		}
		pkgs = append(pkgs, p)
	}
}

// Names the rules reserve.
const (
	nameSTD       = "STD"       // every standard package the rules name nowhere
	nameNONE      = "NONE"      // nothing: a package with no imports
	nameLIBRARIES = "LIBRARIES" // every package of the module but package main
)

// depsPolicy is depsRules parsed.
type depsPolicy struct {
	allow   map[string][]string // a name -> the names its "<" line lets it import
	defined map[string]int      // a name with a "<" line -> that statement's number
	names   []string            // every name the rules mention, first use first
	deny    []denyRule
}

// denyRule is one "a !< b" statement: b must never link a.
type denyRule struct {
	forbidden, importers []string
	text                 string
}

// isGroup reports whether name is an upper-case group name (FMT, CRYPTO...).
func isGroup(name string) bool {
	return strings.IndexFunc(name, func(r rune) bool { return !unicode.IsUpper(r) && r != '_' && !unicode.IsDigit(r) }) < 0
}

// parseDepsRules parses the rules' language (see depsRules).
func parseDepsRules(rules string) (*depsPolicy, error) {
	p := &depsPolicy{allow: map[string][]string{}, defined: map[string]int{}}
	seen := map[string]bool{}
	usedAt := map[string]int{}
	mention := func(n string) {
		if !seen[n] {
			seen[n] = true
			p.names = append(p.names, n)
		}
	}
	var lines []string
	for l := range strings.SplitSeq(rules, "\n") {
		l, _, _ = strings.Cut(l, "#")
		lines = append(lines, l)
	}
	for i, stmt := range strings.Split(strings.Join(lines, "\n"), ";") {
		text := strings.Join(strings.Fields(stmt), " ")
		if text == "" {
			continue
		}
		lists, ops, err := tokenizeRule(text)
		if err != nil {
			return nil, fmt.Errorf("depsRules: %q: %w", text, err)
		}
		for _, l := range lists {
			for _, n := range l {
				mention(n)
			}
		}
		if ops[0] == "!<" {
			if len(ops) > 1 {
				return nil, fmt.Errorf("depsRules: %q: a !< statement has one !<", text)
			}
			for _, n := range lists[0] {
				if n == nameSTD || n == nameNONE || n == nameLIBRARIES {
					return nil, fmt.Errorf("depsRules: %q: %s cannot be forbidden", text, n)
				}
			}
			p.deny = append(p.deny, denyRule{forbidden: lists[0], importers: lists[1], text: text})
			continue
		}
		for k, op := range ops {
			if op != "<" {
				return nil, fmt.Errorf("depsRules: %q: mixes < and !<", text)
			}
			for _, a := range lists[k] {
				if a == nameLIBRARIES {
					return nil, fmt.Errorf("depsRules: %q: LIBRARIES belongs to the right of !<", text)
				}
				if _, ok := usedAt[a]; !ok {
					usedAt[a] = i
				}
			}
			for _, b := range lists[k+1] {
				if b == nameSTD || b == nameNONE || b == nameLIBRARIES {
					return nil, fmt.Errorf("depsRules: %q: %s has no line of its own", text, b)
				}
				if _, ok := p.defined[b]; ok {
					return nil, fmt.Errorf("depsRules: %q: %s has two lines; give each name one", text, b)
				}
				if _, ok := usedAt[b]; ok {
					return nil, fmt.Errorf("depsRules: %q: %s is used above its own line; the table reads bottom up", text, b)
				}
				p.defined[b] = i
				for _, a := range lists[k] {
					if a != nameNONE {
						p.allow[b] = append(p.allow[b], a)
					}
				}
			}
		}
	}
	for _, n := range p.names {
		if _, ok := p.defined[n]; isGroup(n) && !ok && n != nameSTD && n != nameNONE && n != nameLIBRARIES {
			return nil, fmt.Errorf("depsRules: group %s has no line of its own", n)
		}
	}
	return p, nil
}

// tokenizeRule splits "a, b < c !< d" into lists of names and the operators
// between them.
func tokenizeRule(text string) (lists [][]string, ops []string, err error) {
	text = strings.ReplaceAll(text, "!<", "\x00")
	text = strings.ReplaceAll(text, "<", " < ")
	text = strings.ReplaceAll(text, "\x00", " !< ")
	text = strings.ReplaceAll(text, ",", " , ")
	var cur []string
	wantName := true
	for _, tok := range strings.Fields(text) {
		switch tok {
		case "<", "!<":
			if wantName {
				return nil, nil, fmt.Errorf("a name is missing before %s", tok)
			}
			lists, ops, cur, wantName = append(lists, cur), append(ops, tok), nil, true
		case ",":
			if wantName {
				return nil, nil, errors.New("a name is missing before ,")
			}
			wantName = true
		default:
			if !wantName {
				return nil, nil, fmt.Errorf("%s and %s need a comma between them", cur[len(cur)-1], tok)
			}
			cur, wantName = append(cur, tok), false
		}
	}
	if wantName {
		return nil, nil, errors.New("the statement ends without a name")
	}
	if len(ops) == 0 {
		return nil, nil, errors.New("no < or !<")
	}
	return append(lists, cur), ops, nil
}

// closure returns the names that name may import: those of its line, theirs,
// and so on.
func (p *depsPolicy) closure(name string) map[string]bool {
	out := map[string]bool{}
	var walk func(string)
	walk = func(n string) {
		for _, a := range p.allow[n] {
			if !out[a] {
				out[a] = true
				walk(a)
			}
		}
	}
	walk(name)
	return out
}

// expand replaces the groups among names by what they stand for.
func (p *depsPolicy) expand(names []string) []string {
	var out []string
	for _, n := range names {
		if isGroup(n) {
			out = append(out, p.expand(p.allow[n])...)
		} else {
			out = append(out, n)
		}
	}
	return out
}

// matchName reports whether a rules name (an exact path or "path/...")
// matches the table path of a package.
func matchName(name, pkg string) bool {
	if base, ok := strings.CutSuffix(name, "/..."); ok {
		return pkg == base || strings.HasPrefix(pkg, base+"/")
	}
	return name == pkg
}

// overlap reports whether two rules names can match the same package.
func overlap(a, b string) bool {
	return matchName(a, strings.TrimSuffix(b, "/...")) || matchName(b, strings.TrimSuffix(a, "/..."))
}

// depsChecker holds one graph to one policy.
type depsChecker struct {
	policy *depsPolicy
	module string
	pkgs   map[string]*goPackage
	own    []*goPackage // the module's packages, in go list's order
}

// checkDeps holds the packages of `go list -deps -json` for module to the
// rules, and returns one message per thing the rules do not allow.
func checkDeps(rules, module string, list []goPackage) ([]string, error) {
	p, err := parseDepsRules(rules)
	if err != nil {
		return nil, err
	}
	c := &depsChecker{policy: p, module: module, pkgs: map[string]*goPackage{}}
	for i := range list {
		pkg := &list[i]
		c.pkgs[pkg.ImportPath] = pkg
		if pkg.Module != nil && pkg.Module.Path == module {
			c.own = append(c.own, pkg)
		}
	}
	var msgs []string
	msgs = append(msgs, c.checkNames()...)
	for _, pkg := range c.own {
		msgs = append(msgs, c.checkImports(pkg)...)
	}
	msgs = append(msgs, c.checkDenials()...)
	return msgs, nil
}

// tableName is how the rules name an import path: inside the module by its
// path there (the root package by the module's last element), else as is.
func (c *depsChecker) tableName(importPath string) string {
	if importPath == c.module {
		return path.Base(c.module)
	}
	if rest, ok := strings.CutPrefix(importPath, c.module+"/"); ok {
		return rest
	}
	return importPath
}

// namesOf returns the rules names (no groups) that match importPath.
func (c *depsChecker) namesOf(importPath string) []string {
	tn := c.tableName(importPath)
	var out []string
	for _, n := range c.policy.names {
		if !isGroup(n) && matchName(n, tn) {
			out = append(out, n)
		}
	}
	return out
}

// allowed returns what the module package pkg may import, and whether it
// has a line in the rules at all.
func (c *depsChecker) allowed(pkg *goPackage) (map[string]bool, bool) {
	tn := c.tableName(pkg.ImportPath)
	out := map[string]bool{}
	found := false
	for n := range c.policy.defined {
		if !isGroup(n) && matchName(n, tn) {
			found = true
			for a := range c.policy.closure(n) {
				out[a] = true
			}
		}
	}
	return out, found
}

// checkNames reports rules names that match no package: a stale line or a
// misspelling.
func (c *depsChecker) checkNames() []string {
	var msgs []string
	for _, n := range c.policy.names {
		if isGroup(n) {
			continue
		}
		found := false
		for ip := range c.pkgs {
			found = found || matchName(n, c.tableName(ip))
		}
		if !found {
			msgs = append(msgs, fmt.Sprintf("depsRules names %s, which matches no package: a stale line or a misspelling", n))
		}
	}
	return msgs
}

// checkImports reports pkg's imports that its line does not allow.
func (c *depsChecker) checkImports(pkg *goPackage) []string {
	name := c.tableName(pkg.ImportPath)
	allowed, ok := c.allowed(pkg)
	if !ok {
		return []string{fmt.Sprintf("package %s is not in depsRules: add a line \"what it may import < %s\" to depsRules in deps_test.go, beside the packages of its layer", name, name)}
	}
	anyAllowed := func(names []string) bool {
		return slices.ContainsFunc(names, func(n string) bool { return allowed[n] })
	}
	var msgs []string
	for _, ip := range pkg.Imports {
		imp := c.pkgs[ip]
		names := c.namesOf(ip)
		switch {
		case len(names) == 0 && imp != nil && imp.Standard:
			if !allowed[nameSTD] {
				msgs = append(msgs, fmt.Sprintf("%s imports %s, but its line in depsRules allows no standard package (STD)", name, ip))
				continue
			}
			bad := func(dep string) bool {
				dn := c.namesOf(dep)
				return len(dn) > 0 && !anyAllowed(dn)
			}
			for _, chain := range c.frontier(ip, bad, nil) {
				msgs = append(msgs, fmt.Sprintf("%s imports %s, which links %s: its line in depsRules does not allow that", name, ip, chain))
			}
		case len(names) == 0:
			msgs = append(msgs, fmt.Sprintf("%s imports %s, which depsRules does not name: a new dependency needs a line in deps_test.go (and DESIGN.md's consent)", name, c.tableName(ip)))
		case !anyAllowed(names):
			msgs = append(msgs, fmt.Sprintf("%s imports %s, which its line in depsRules does not allow", name, c.tableName(ip)))
		}
	}
	return msgs
}

// checkDenials holds the "!<" statements to the rules themselves and to
// what each package actually links.
func (c *depsChecker) checkDenials() []string {
	var msgs []string
	for _, d := range c.policy.deny {
		forbidden := c.policy.expand(d.forbidden)
		for _, pkg := range c.own {
			if !c.isImporter(d, pkg) {
				continue
			}
			name := c.tableName(pkg.ImportPath)
			allowed, _ := c.allowed(pkg)
			for a := range allowed {
				for _, f := range forbidden {
					if !isGroup(a) && a != nameSTD && overlap(f, a) {
						msgs = append(msgs, fmt.Sprintf("depsRules contradicts itself: it lets %s import %s, and %q forbids it", name, a, d.text))
					}
				}
			}
			bad := func(dep string) bool {
				dn := c.tableName(dep)
				return slices.ContainsFunc(forbidden, func(f string) bool { return matchName(f, dn) })
			}
			// A package of the rule's right side that breaks it reports for
			// itself; those importing it need not repeat it.
			reports := func(dep string) bool {
				p := c.pkgs[dep]
				return p != nil && p.Module != nil && p.Module.Path == c.module && c.isImporter(d, p)
			}
			for _, chain := range c.frontier(pkg.ImportPath, bad, reports) {
				msgs = append(msgs, fmt.Sprintf("%s links %s, which %q forbids", name, chain, d.text))
			}
		}
	}
	slices.Sort(msgs)
	return slices.Compact(msgs)
}

// isImporter reports whether the right side of d names pkg.
func (c *depsChecker) isImporter(d denyRule, pkg *goPackage) bool {
	tn := c.tableName(pkg.ImportPath)
	for _, n := range d.importers {
		if n == nameLIBRARIES && pkg.Name != "main" || matchName(n, tn) {
			return true
		}
	}
	return false
}

// frontier walks the imports from start, breadth first, and returns the
// shortest chain ("a → b → c") to each package for which bad is true,
// without going through one: the first forbidden package on each path is
// the one to report, not the dozens it links. It does not walk into the
// packages for which skip is true.
func (c *depsChecker) frontier(start string, bad, skip func(string) bool) []string {
	prev := map[string]string{start: ""}
	queue := []string{start}
	var chains []string
	for len(queue) > 0 {
		ip := queue[0]
		queue = queue[1:]
		if ip != start && bad(ip) {
			var steps []string
			for s := ip; s != ""; s = prev[s] {
				steps = append(steps, c.tableName(s))
			}
			slices.Reverse(steps)
			chains = append(chains, strings.Join(steps, " → "))
			continue
		}
		if ip != start && skip != nil && skip(ip) {
			continue
		}
		if p := c.pkgs[ip]; p != nil {
			for _, next := range p.Imports {
				if _, ok := prev[next]; !ok {
					prev[next] = ip
					queue = append(queue, next)
				}
			}
		}
	}
	return chains
}

// testRules and testGraph are a small module, example.com/m, for testing
// the checker itself: a client (low < high < m) that must not link HTTP, a
// server beside it, and a program using both.
const testRules = `
	net/http/... < HTTP;
	STD < low;
	low < high;
	high < m;
	HTTP, low < srv;
	srv, m < app/tool;
	HTTP !< low, high, m;
	srv !< LIBRARIES;
`

func testGraph() map[string][]string {
	return map[string][]string{
		"example.com/m":          {"example.com/m/high"},
		"example.com/m/high":     {"example.com/m/low", "fmt"},
		"example.com/m/low":      {"fmt", "strings"},
		"example.com/m/srv":      {"example.com/m/low", "net/http"},
		"example.com/m/app/tool": {"example.com/m", "example.com/m/srv"},
		"fmt":                    {"strings"},
		"strings":                nil,
		"net/http":               {"crypto/tls", "fmt"},
		"net/rpc":                {"net/http"},
		"crypto/tls":             {"fmt"},
		"example.org/ext":        {"fmt"},
	}
}

// goList turns "import path -> imports" into what `go list -deps -json`
// says of them: Deps is the transitive closure, packages outside the
// module with no dot in their first element are standard, and those
// under app/ are programs.
func goList(graph map[string][]string) []goPackage {
	var deps func(string, map[string]bool)
	deps = func(ip string, seen map[string]bool) {
		for _, d := range graph[ip] {
			if !seen[d] {
				seen[d] = true
				deps(d, seen)
			}
		}
	}
	var out []goPackage
	for _, ip := range slices.Sorted(maps.Keys(graph)) {
		p := goPackage{ImportPath: ip, Name: path.Base(ip), Imports: graph[ip]}
		seen := map[string]bool{}
		deps(ip, seen)
		p.Deps = slices.Sorted(maps.Keys(seen))
		first, _, _ := strings.Cut(ip, "/")
		switch {
		case ip == "example.com/m" || strings.HasPrefix(ip, "example.com/m/"):
			p.Module = &struct{ Path string }{"example.com/m"}
			if strings.Contains(ip, "/app/") {
				p.Name = "main"
			}
		case !strings.Contains(first, "."):
			p.Standard = true
		default:
			p.Module = &struct{ Path string }{first}
		}
		out = append(out, p)
	}
	return out
}

func TestCheckDepsOnAGraphThatKeepsTheRules(t *testing.T) {
	msgs, err := checkDeps(testRules, "example.com/m", goList(testGraph()))
	require.NoError(t, err)
	assert.Empty(t, msgs)
}

func TestCheckDepsReportsEachBreak(t *testing.T) {
	tests := []struct {
		name  string
		rules string
		edit  func(g map[string][]string)
		want  []string
	}{{
		name: "an import its line does not allow",
		edit: func(g map[string][]string) {
			g["example.com/m/low"] = append(g["example.com/m/low"], "example.com/m/high")
		},
		want: []string{"low imports high, which its line in depsRules does not allow"},
	}, {
		name: "a forbidden package, directly",
		edit: func(g map[string][]string) { g["example.com/m/high"] = append(g["example.com/m/high"], "net/http") },
		want: []string{
			"high imports net/http, which its line in depsRules does not allow",
			`high links high → net/http, which "HTTP !< low, high, m" forbids`,
		},
	}, {
		name: "a forbidden package through a standard one",
		edit: func(g map[string][]string) { g["example.com/m/low"] = append(g["example.com/m/low"], "net/rpc") },
		want: []string{
			"low imports net/rpc, which links net/rpc → net/http: its line in depsRules does not allow that",
			`low links low → net/rpc → net/http, which "HTTP !< low, high, m" forbids`,
		},
	}, {
		name: "a library importing the server",
		edit: func(g map[string][]string) { g["example.com/m"] = append(g["example.com/m"], "example.com/m/srv") },
		want: []string{
			"m imports srv, which its line in depsRules does not allow",
			`m links m → srv, which "srv !< LIBRARIES" forbids`,
			`m links m → srv → net/http, which "HTTP !< low, high, m" forbids`,
		},
	}, {
		name: "a package without a line",
		edit: func(g map[string][]string) { g["example.com/m/newpkg"] = []string{"fmt"} },
		want: []string{`package newpkg is not in depsRules: add a line "what it may import < newpkg" to depsRules in deps_test.go, beside the packages of its layer`},
	}, {
		name: "an outside package no line names",
		edit: func(g map[string][]string) {
			g["example.com/m/srv"] = append(g["example.com/m/srv"], "example.org/ext")
		},
		want: []string{"srv imports example.org/ext, which depsRules does not name: a new dependency needs a line in deps_test.go (and DESIGN.md's consent)"},
	}, {
		name:  "a line for a package that is gone",
		rules: testRules + "m < gone;",
		want:  []string{"depsRules names gone, which matches no package: a stale line or a misspelling"},
	}, {
		name:  "a < line that a !< line forbids",
		rules: strings.Replace(testRules, "STD < low;", "STD, HTTP < low;", 1),
		want: []string{
			`depsRules contradicts itself: it lets low import net/http/..., and "HTTP !< low, high, m" forbids it`,
			`depsRules contradicts itself: it lets high import net/http/..., and "HTTP !< low, high, m" forbids it`,
			`depsRules contradicts itself: it lets m import net/http/..., and "HTTP !< low, high, m" forbids it`,
		},
	}, {
		name:  "a package with no standard library",
		rules: strings.Replace(testRules, "STD < low;", "NONE < low;", 1),
		want: []string{
			"low imports fmt, but its line in depsRules allows no standard package (STD)",
			"low imports strings, but its line in depsRules allows no standard package (STD)",
			"high imports fmt, but its line in depsRules allows no standard package (STD)",
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := testGraph()
			if tt.edit != nil {
				tt.edit(g)
			}
			rules := tt.rules
			if rules == "" {
				rules = testRules
			}
			msgs, err := checkDeps(rules, "example.com/m", goList(g))
			require.NoError(t, err)
			assert.ElementsMatch(t, tt.want, msgs)
		})
	}
}

func TestParseDepsRulesRefusesBadRules(t *testing.T) {
	tests := []struct{ rules, want string }{
		{"a <", "the statement ends without a name"},
		{"< a", "a name is missing before <"},
		{"a, < b", "a name is missing before <"},
		{"a b < c", "a and b need a comma between them"},
		{"a, b", "no < or !<"},
		{"a < b; c < b", "b has two lines; give each name one"},
		{"b < c; a < b", "b is used above its own line; the table reads bottom up"},
		{"a !< b !< c", "a !< statement has one !<"},
		{"a < b !< c", "mixes < and !<"},
		{"GROUP < a", "group GROUP has no line of its own"},
		{"STD !< a", "STD cannot be forbidden"},
		{"a < STD", "STD has no line of its own"},
		{"LIBRARIES < a", "LIBRARIES belongs to the right of !<"},
	}
	for _, tt := range tests {
		_, err := parseDepsRules(tt.rules)
		assert.ErrorContains(t, err, tt.want, "rules %q", tt.rules)
	}
}

func TestParseDepsRulesReadsChainsGroupsAndComments(t *testing.T) {
	p, err := parseDepsRules(`
		# a comment; with a semicolon < and a <
		x/... < X;
		a, X < b < c, d; # c and d may import b
		a !< d;
	`)
	require.NoError(t, err)
	assert.Equal(t, map[string][]string{"X": {"x/..."}, "b": {"a", "X"}, "c": {"b"}, "d": {"b"}}, p.allow)
	assert.Equal(t, map[string]bool{"b": true, "a": true, "X": true, "x/...": true}, p.closure("c"))
	assert.Equal(t, []string{"x/...", "a"}, p.expand([]string{"X", "a"}))
	require.Len(t, p.deny, 1)
	assert.Equal(t, denyRule{forbidden: []string{"a"}, importers: []string{"d"}, text: "a !< d"}, p.deny[0])
}
