package mockdaemon

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// versioned is v as the API of version ver shows it: v's JSON without the
// fields whose api tag names versions ver is not among. A tag "1.44" is a
// field added in 1.44, "-1.43" one removed after 1.43, "1.40-1.43" both.
// A field's presence follows the request's version through this one
// mechanism rather than a check by hand at each field. The keys keep the
// order v's JSON gives them (clients compare answers as text too).
func versioned(v any, ver apiVersion) any {
	b, err := json.Marshal(v)
	if err != nil {
		panic("mockdaemon: an answer without JSON: " + err.Error()) // only our own types reach here
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	tree, err := decodeOrdered(dec)
	if err != nil {
		panic("mockdaemon: our own JSON does not decode: " + err.Error())
	}
	prune(reflect.TypeOf(v), tree, ver)
	return tree
}

// ofVersion is a request body v as dockerd takes it from a client of
// version ver: the fields newer than ver (or gone before it) dropped, as
// its adjustForAPIVersion does.
func ofVersion[T any](v T, ver apiVersion) T {
	var out T
	if err := jsonRoundTrip(versioned(v, ver), &out); err != nil {
		panic("mockdaemon: a request of our own type does not decode: " + err.Error())
	}
	return out
}

// object is a JSON object that keeps the order of its keys.
type object struct {
	keys []string
	vals map[string]any
}

func (o *object) get(k string) (any, bool) { v, ok := o.vals[k]; return v, ok }

func (o *object) remove(k string) {
	if _, ok := o.vals[k]; ok {
		delete(o.vals, k)
		o.keys = slices.DeleteFunc(o.keys, func(s string) bool { return s == k })
	}
}

// orderedObject is m with its keys in order, as the fields of the
// dockerd type it stands for come (docker inspect prints an answer as it
// came); keys order does not name come after, sorted.
func orderedObject(m map[string]any, order []string) *object {
	o := &object{vals: m}
	for _, k := range order {
		if _, ok := m[k]; ok {
			o.keys = append(o.keys, k)
		}
	}
	var rest []string
	for k := range m {
		if !slices.Contains(order, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	o.keys = append(o.keys, rest...)
	return o
}

// insertAfter puts key, which is not among o's keys, after the key after
// (at the end when after is "" or absent).
func (o *object) insertAfter(key, after string) {
	i := slices.Index(o.keys, after)
	if after == "" || i < 0 {
		o.keys = append(o.keys, key)
		return
	}
	o.keys = slices.Insert(o.keys, i+1, key)
}

func (o *object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(o.vals[k])
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// decodeOrdered decodes the next JSON value of dec: objects as *object,
// arrays as []any, numbers as json.Number.
func decodeOrdered(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := &object{vals: map[string]any{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				o.keys = append(o.keys, k)
				o.vals[k] = v
			}
			_, err := dec.Token() // '}'
			return o, err
		case '[':
			l := []any{}
			for dec.More() {
				v, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				l = append(l, v)
			}
			_, err := dec.Token() // ']'
			return l, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	}
	return tok, nil
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
		o, ok := x.(*object)
		if !ok {
			return
		}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" || !f.IsExported() && !f.Anonymous {
				continue
			}
			if f.Anonymous && name == "" {
				prune(f.Type, o, ver) // an embedded struct's fields are promoted
				continue
			}
			if name == "" {
				name = f.Name
			}
			if api, ok := f.Tag.Lookup("api"); ok && !inVersions(api, ver) {
				o.remove(name)
				continue
			}
			if sub, ok := o.get(name); ok {
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
		if o, ok := x.(*object); ok {
			for _, e := range o.vals {
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
