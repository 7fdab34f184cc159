package mockdaemon

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// apiVersion is a MAJOR.MINOR API version.
type apiVersion struct{ major, minor int }

func parseAPIVersion(s string) (apiVersion, error) {
	maj, min, ok := strings.Cut(s, ".")
	if !ok {
		return apiVersion{}, fmt.Errorf("mockdaemon: bad API version %q", s)
	}
	a, err1 := strconv.Atoi(maj)
	b, err2 := strconv.Atoi(min)
	if err1 != nil || err2 != nil || a < 0 || b < 0 {
		return apiVersion{}, fmt.Errorf("mockdaemon: bad API version %q", s)
	}
	return apiVersion{a, b}, nil
}

func (v apiVersion) String() string { return strconv.Itoa(v.major) + "." + strconv.Itoa(v.minor) }

// Less reports whether v is older than o.
func (v apiVersion) Less(o apiVersion) bool {
	if v.major != o.major {
		return v.major < o.major
	}
	return v.minor < o.minor
}

// atLeast reports whether v >= "M.N".
func (v apiVersion) atLeast(s string) bool {
	o, _ := parseAPIVersion(s)
	return !v.Less(o)
}

// splitVersion splits "/v1.41/containers/json" into "/containers/json" and
// 1.41.
func splitVersion(p string) (string, apiVersion, bool) {
	if !strings.HasPrefix(p, "/v") {
		return p, apiVersion{}, false
	}
	seg, rest, _ := strings.Cut(p[2:], "/")
	v, err := parseAPIVersion(seg)
	if err != nil {
		return p, apiVersion{}, false
	}
	return "/" + rest, v, true
}

// badVersionPrefix reports a path like /v1.x/... or /v2/... whose first
// segment looks like a version but does not parse.
func badVersionPrefix(p string) (string, bool) {
	if !strings.HasPrefix(p, "/v") || len(p) < 3 || p[2] < '0' || p[2] > '9' {
		return "", false
	}
	seg, _, _ := strings.Cut(p[2:], "/")
	if strings.Contains(seg, ".") {
		return seg, true
	}
	return "", false
}

// fieldWindow is a field of an answer that exists only in a window of API
// versions. Answers are built in one shape that holds every version's
// fields; shapeFor trims it to the request's version, and adds a field an
// old version shows that the mock holds no value for.
type fieldWindow struct {
	// path is the field's dotted JSON path from the answer's root; a "*"
	// element is every key of an object or every element of a list.
	path string
	// since is the first version with the field, until the last one ("" for
	// no bound).
	since, until string
	// old, when not nil, is the value the versions up to until show when
	// the answer has none (a field newer daemons omit when unset).
	old any
	// after is the key old is put after (its place in the type of those
	// versions); the end of the object when "" or absent.
	after string
	// moveAfter, for a field whose place in the type moved, is the key it
	// follows in the versions of the window; the field stays in every
	// version (the window only says where it goes).
	moveAfter string
}

// has reports whether ver is in the field's window.
func (f fieldWindow) has(ver apiVersion) bool {
	if f.since != "" && !ver.atLeast(f.since) {
		return false
	}
	if f.until != "" {
		u, _ := parseAPIVersion(f.until)
		if u.Less(ver) {
			return false
		}
	}
	return true
}

// shapeFor is v (a value that encodes as JSON) as the API version ver
// shows it: the fields of fields outside their window removed, the old
// ones inside it added.
func shapeFor(v any, ver apiVersion, fields []fieldWindow) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	// decoded in order: an answer keeps its type's field order
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // keeps 64-bit integers exact
	tree, err := decodeOrdered(dec)
	if err != nil {
		return v
	}
	for _, f := range fields {
		path := strings.Split(f.path, ".")
		keep := f.has(ver)
		switch {
		case f.moveAfter != "":
			if keep {
				moveField(tree, path, f.moveAfter)
			}
		case !keep || f.old != nil:
			shapeField(tree, path, keep, f.old, f.after)
		}
	}
	return tree
}

// shapeField removes the field at path under node (keep false), or adds it
// with old where it is absent (keep true).
func shapeField(node any, path []string, keep bool, old any, after string) {
	key, rest := path[0], path[1:]
	if key == "*" {
		switch n := node.(type) {
		case *object:
			for _, child := range n.vals {
				shapeField(child, rest, keep, old, after)
			}
		case []any:
			for _, child := range n {
				shapeField(child, rest, keep, old, after)
			}
		}
		return
	}
	o, ok := node.(*object)
	if !ok {
		return
	}
	if len(rest) > 0 {
		shapeField(o.vals[key], rest, keep, old, after)
		return
	}
	if !keep {
		o.remove(key)
	} else if _, ok := o.vals[key]; !ok {
		o.vals[key] = old
		o.insertAfter(key, after)
	}
}

// moveField moves the field at path (no "*" in it) after the key after,
// when both are there.
func moveField(node any, path []string, after string) {
	for _, key := range path[:len(path)-1] {
		o, ok := node.(*object)
		if !ok {
			return
		}
		node = o.vals[key]
	}
	o, ok := node.(*object)
	key := path[len(path)-1]
	if !ok || o.vals[key] == nil && !slices.Contains(o.keys, key) || !slices.Contains(o.keys, after) {
		return
	}
	o.keys = slices.DeleteFunc(o.keys, func(k string) bool { return k == key })
	o.insertAfter(key, after)
}
