package mockdaemon

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
)

// versioned is v as the API of version ver shows it: v's JSON without the
// fields whose api tag names versions ver is not among. A tag "1.44" is a
// field added in 1.44, "-1.43" one removed after 1.43, "1.40-1.43" both.
// A field's presence follows the request's version through this one
// mechanism rather than a check by hand at each field.
func versioned(v any, ver apiVersion) any {
	b, err := json.Marshal(v)
	if err != nil {
		panic("mockdaemon: an answer without JSON: " + err.Error()) // only our own types reach here
	}
	var tree any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	_ = dec.Decode(&tree)
	prune(reflect.TypeOf(v), tree, ver)
	return tree
}

// prune deletes from the decoded JSON x of a value of type t the fields
// ver does not have.
func prune(t reflect.Type, x any, ver apiVersion) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := x.(map[string]any)
		if !ok {
			return
		}
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			name, _, _ := strings.Cut(tag, ",")
			if name == "-" || !f.IsExported() && !f.Anonymous {
				continue
			}
			if f.Anonymous && name == "" {
				prune(f.Type, m, ver) // an embedded struct's fields are promoted
				continue
			}
			if name == "" {
				name = f.Name
			}
			if api, ok := f.Tag.Lookup("api"); ok && !inVersions(api, ver) {
				delete(m, name)
				continue
			}
			if sub, ok := m[name]; ok {
				prune(f.Type, sub, ver)
			}
		}
	case reflect.Slice, reflect.Array:
		if l, ok := x.([]any); ok {
			for _, e := range l {
				prune(t.Elem(), e, ver)
			}
		}
	case reflect.Map:
		if m, ok := x.(map[string]any); ok {
			for _, e := range m {
				prune(t.Elem(), e, ver)
			}
		}
	}
}

// inVersions reports whether ver is in the range an api tag names.
func inVersions(api string, ver apiVersion) bool {
	from, to, isRange := strings.Cut(api, "-")
	if !isRange {
		to = ""
	}
	if from != "" && !ver.atLeast(from) {
		return false
	}
	if to != "" {
		top, err := parseAPIVersion(to)
		if err == nil && top.Less(ver) {
			return false
		}
	}
	return true
}
