package dockwire_test

import (
	"fmt"
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The docs name only packages that exist: a package path of this module in
// a comment, a string literal (error messages included) or a markdown file
// is a promise, and TestDocsNameOnlyPackagesThatExist holds every one to the
// tree.

const modulePath = "github.com/dockwire/dockwire"

// pathRun is a maximal run of characters a path is made of.
var pathRun = regexp.MustCompile(`[A-Za-z0-9_.\-/]+`)

// packageElem is what an element of a package path looks like here.
var packageElem = regexp.MustCompile(`^[a-z0-9_]+$`)

// packageRefs returns the package paths of the module (relative to its
// root) that text names: a full import path of the module, or a path whose
// first element is one of top (the repository's top-level directories of
// Go code) with two or more lowercase elements, like dial/ssh or
// ./cmd/dockwire/... . File names (dial/doc.go), paths inside other paths
// (/usr/src/internal/abi, example.com/m/cmd/x) and image names
// (library/busybox, docker.io/library/busybox:latest) are not package paths of the
// module and are left out.
func packageRefs(text string, top map[string]bool) []string {
	var refs []string
	for _, loc := range pathRun.FindAllStringIndex(text, -1) {
		run, after := text[loc[0]:loc[1]], text[loc[1]:]
		if strings.HasPrefix(after, "@") || len(after) > 1 && after[0] == ':' && isTagChar(after[1]) {
			continue // an image reference: x/y:latest, x/y@sha256:...
		}
		// "./x" and "x/..." are paths even with one element.
		run, dot := strings.CutPrefix(run, "./")
		run, dots := strings.CutSuffix(run, "/...")
		run = strings.TrimRight(run, "./")
		rest, full := strings.CutPrefix(run, modulePath+"/")
		if full {
			run = rest
		}
		elems := strings.Split(run, "/")
		if !slices.ContainsFunc(elems, func(e string) bool { return !packageElem.MatchString(e) }) &&
			(full || top[elems[0]] && (len(elems) >= 2 || dot || dots)) {
			refs = append(refs, run)
		}
	}
	return refs
}

// isTagChar reports whether c can start an image tag.
func isTagChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

// docRef is a package path named somewhere, and where.
type docRef struct{ where, path string }

// goFileRefs returns the package paths named in the comments and string
// literals of a Go source file.
func goFileRefs(name string, src []byte, top map[string]bool) []docRef {
	fset := token.NewFileSet()
	file := fset.AddFile(name, -1, len(src))
	var s scanner.Scanner
	s.Init(file, src, nil, scanner.ScanComments)
	var refs []docRef
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return refs
		}
		if tok != token.COMMENT && tok != token.STRING {
			continue
		}
		for _, p := range packageRefs(lit, top) {
			refs = append(refs, docRef{fset.Position(pos).String(), p})
		}
	}
}

// textFileRefs returns the package paths a markdown file names, by line.
func textFileRefs(name string, src []byte, top map[string]bool) []docRef {
	var refs []docRef
	for i, line := range strings.Split(string(src), "\n") {
		for _, p := range packageRefs(line, top) {
			refs = append(refs, docRef{fmt.Sprintf("%s:%d", name, i+1), p})
		}
	}
	return refs
}

// missingPackages returns a message for each ref whose path names nothing:
// not a directory under root, nor under the root of the module holding the
// file that names it (bench/ is a module of its own), nor a package of the
// Go distribution (GOROOT/src/...), nor a directory a .gitignore beside it
// declares generated (a results directory of bench).
func missingPackages(root string, refs []docRef) []string {
	var msgs []string
	for _, r := range refs {
		if !pathExists(root, r) {
			msgs = append(msgs, fmt.Sprintf("%s: names %s, which does not exist", r.where, r.path))
		}
	}
	return msgs
}

func pathExists(root string, r docRef) bool {
	path := filepath.FromSlash(r.path)
	bases := []string{root, moduleRoot(root, r.where), filepath.Join(runtime.GOROOT(), "src")}
	for _, base := range bases {
		if fi, err := os.Stat(filepath.Join(base, path)); err == nil && fi.IsDir() {
			return true
		}
	}
	return gitignored(root, path)
}

// moduleRoot returns the directory of the go.mod nearest above the file
// named by where ("bench/doc.go:15:1"), root when there is none below it.
func moduleRoot(root, where string) string {
	file, _, _ := strings.Cut(where, ":")
	for dir := filepath.Dir(filepath.FromSlash(file)); dir != "." && dir != string(filepath.Separator); dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(root, dir, "go.mod")); err == nil {
			return filepath.Join(root, dir)
		}
	}
	return root
}

// gitignored reports whether the .gitignore of path's parent directory
// lists its last element as a directory ("results/"): an output that a
// script makes, named in the docs before it exists.
func gitignored(root, path string) bool {
	dir, name := filepath.Split(path)
	data, err := os.ReadFile(filepath.Join(root, dir, ".gitignore"))
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.TrimPrefix(strings.TrimSpace(line), "/") == name+"/" {
			return true
		}
	}
	return false
}

// topLevelGoDirs returns the top-level directories of root that hold Go
// files (testdata and hidden directories aside).
func topLevelGoDirs(root string) (map[string]bool, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	top := map[string]bool{}
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		err := filepath.WalkDir(filepath.Join(root, e.Name()), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && skipDir(d.Name()) {
				return fs.SkipDir
			}
			if !d.IsDir() && strings.HasSuffix(p, ".go") {
				top[e.Name()] = true
				return fs.SkipAll
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return top, nil
}

// skipDir reports whether a directory holds no docs of the project: test
// inputs, npm's packages, hidden directories.
func skipDir(name string) bool {
	return name == "testdata" || name == "node_modules" || strings.HasPrefix(name, ".")
}

// repoDocRefs returns the package paths named in the Go files and the
// markdown files of the repository at root (testdata and node_modules
// aside).
func repoDocRefs(root string) ([]docRef, error) {
	top, err := topLevelGoDirs(root)
	if err != nil {
		return nil, err
	}
	var refs []docRef
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != root && skipDir(d.Name()) {
				return fs.SkipDir
			}
			return nil
		}
		var scan func(string, []byte, map[string]bool) []docRef
		switch filepath.Ext(p) {
		case ".go":
			scan = goFileRefs
		case ".md":
			scan = textFileRefs
		default:
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		refs = append(refs, scan(filepath.ToSlash(rel), src, top)...)
		return nil
	})
	return refs, err
}

func TestDocsNameOnlyPackagesThatExist(t *testing.T) {
	refs, err := repoDocRefs(".")
	require.NoError(t, err)
	require.NotEmpty(t, refs, "the repository names no package path at all: the scan is broken")
	msgs := missingPackages(".", refs)
	assert.Empty(t, msgs, "docs, comments or strings name packages that do not exist:\n%s", strings.Join(msgs, "\n"))
}

// The synthetic inputs below use top-level directories this repository
// does not have (lib, app), so the real check does not read them as promises.

func TestPackageRefs(t *testing.T) {
	top := map[string]bool{"lib": true, "app": true}
	tests := []struct {
		text string
		want []string
	}{
		{"the ssh transport lives in lib/ssh.", []string{"lib/ssh"}},
		{"go run ./app/tool demo; go test ./lib/...", []string{"app/tool", "lib"}},
		{"see `lib/ssh` and (lib/internal/x), or lib/", []string{"lib/ssh", "lib/internal/x"}},
		{`import _ "` + modulePath + `/lib/tls"`, []string{"lib/tls"}},
		{modulePath + "/wire is the HTTP layer", []string{"wire"}},
		// Not package paths of the module:
		{"docker pull library/busybox; ghcr.io/lib/ssh:latest", nil},
		{"plugins lib/noop:latest and lib/sshfs@sha256:0123; ./lib/x:1", nil},
		{"lib/tool: a program", []string{"lib/tool"}},
		{"lib/doc.go:18 and lib/testdata/fuzz/FuzzReader", nil},
		{"/usr/local/go/src/lib/abi and example.com/m/app/tool", nil},
		{"lib, wire and mux; 1/2; a/b/c; Lib/SSH; lib-x/y", nil},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, packageRefs(tt.text, top), "in %q", tt.text)
	}
}

func TestGoFileRefsReadsCommentsAndStrings(t *testing.T) {
	src := []byte(`// Package x talks to lib/ssh.
package x

/* and to app/tool */
import "errors"

var errSSH = errors.New("x: import lib/nossh for ssh hosts")

const s = ` + "`lib/raw`" + `

func lib_ssh() int { return 1 } // code is not docs: lib / ssh
`)
	top := map[string]bool{"lib": true, "app": true}
	assert.Equal(t, []docRef{
		{"x.go:1:1", "lib/ssh"},
		{"x.go:4:1", "app/tool"},
		{"x.go:7:25", "lib/nossh"},
		{"x.go:9:11", "lib/raw"},
	}, goFileRefs("x.go", src, top))
}

func TestMissingPackagesNamesWhatIsNotInTheTree(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "lib", "ssh"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "lib", "ssh", "ssh.go"), []byte("package ssh\n\n// See lib/tls.\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "lib", "file"), nil, 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "notes", "testdata"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "notes", "testdata", "x.go"), []byte("// lib/gone\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "lib", ".gitignore"), []byte("out/\n"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "kit"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "kit", "kit.go"), []byte("package kit\n"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "lib", "mod", "kit", "tool"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "lib", "mod", "go.mod"), []byte("module mod\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "lib", "mod", "doc.go"), []byte("package mod\n\n// Run kit/tool; not kit/gone.\n"), 0o644))
	readme := "# x\n\nTLS: lib/tls; ssh: lib/ssh; lib/file is a file; notes/x and images/y are not Go.\n" +
		"Outputs in lib/out; the runtime's internal/poll is Go's; lib/gone is not.\n"
	require.NoError(t, os.WriteFile(filepath.Join(root, "README.md"), []byte(readme), 0o644))
	refs, err := repoDocRefs(root)
	require.NoError(t, err)
	assert.Equal(t, []string{
		"README.md:3: names lib/tls, which does not exist",
		"README.md:3: names lib/file, which does not exist",
		"README.md:4: names lib/gone, which does not exist",
		"lib/mod/doc.go:3:1: names kit/gone, which does not exist",
		"lib/ssh/ssh.go:3:1: names lib/tls, which does not exist",
	}, missingPackages(root, refs))
}
