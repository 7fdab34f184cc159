package endpoints_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// testdata/spec-examples.json holds, for each answer endpoints decodes
// with a generated decoder, the example the Engine API's swagger gives
// for it: the operation's own example where it has one, else one built
// from the definition's, every property's example (or, without one, its
// enum's first value or its type's zero value) in place, nested objects,
// arrays and maps of one element included. The differential tests of
// decode_test.go read it. It is regenerated with testdata/spec-fields.txt
// (-update-spec).
const specExamplesFile = "testdata/spec-examples.json"

// specExampleRoots are the examples written: the key decode_test.go reads
// them by, and the definition (or operation, "op:ID") they come from.
var specExampleRoots = []struct{ key, from string }{
	{"ContainerInspectResult", "op:ContainerInspect"},
	{"[]ContainerSummary", "op:ContainerList"},
	{"Event", "EventMessage"},
	{"ContainerStats", "ContainerStatsResponse"},
}

// specExamples builds the file's content from the swagger YAML at path.
func specExamples(path string) ([]byte, error) {
	root, err := readSwagger(path)
	if err != nil {
		return nil, err
	}
	x := &exampler{defs: root.get("definitions")}
	out := map[string]any{}
	for _, r := range specExampleRoots {
		id, isOp := strings.CutPrefix(r.from, "op:")
		if !isOp {
			out[r.key] = x.of(x.defs.get(id), 0)
			continue
		}
		resp := findOp(root.get("paths"), id).get("responses").get("200")
		if resp == nil {
			return nil, fmt.Errorf("%s: no 200 answer", id)
		}
		if ex := resp.get("examples").get("application/json"); ex != nil {
			out[r.key] = x.fromNode(ex, resp.get("schema"), 0)
		} else {
			out[r.key] = x.of(resp.get("schema"), 0)
		}
	}
	return json.MarshalIndent(out, "", "  ")
}

func findOp(paths *ynode, id string) *ynode {
	for _, p := range paths.keys {
		for _, m := range paths.get(p).keys {
			if op := paths.get(p).get(m); op.get("operationId").str() == id {
				return op
			}
		}
	}
	return nil
}

type exampler struct{ defs *ynode }

// resolve follows s's $ref, if any.
func (x *exampler) resolve(s *ynode) *ynode {
	for s != nil && s.get("$ref") != nil {
		s = x.defs.get(refName(s.get("$ref").str()))
	}
	return s
}

// props are the properties of object schema s, its allOf parts' included.
func (x *exampler) props(s *ynode) ([]string, map[string]*ynode) {
	s = x.resolve(s)
	var keys []string
	m := map[string]*ynode{}
	for _, part := range s.get("allOf").items() {
		k, pm := x.props(part)
		for _, n := range k {
			if m[n] == nil {
				keys = append(keys, n)
			}
			m[n] = pm[n]
		}
	}
	if ps := s.get("properties"); ps != nil {
		for _, n := range ps.keys {
			if m[n] == nil {
				keys = append(keys, n)
			}
			m[n] = ps.get(n)
		}
	}
	return keys, m
}

// of is the example of schema s.
func (x *exampler) of(s *ynode, depth int) any {
	s = x.resolve(s)
	if s == nil || depth > 12 {
		return nil
	}
	if ex := s.get("example"); ex != nil {
		return x.fromNode(ex, s, depth)
	}
	if keys, props := x.props(s); len(keys) > 0 {
		m := map[string]any{}
		for _, k := range keys {
			m[k] = x.of(props[k], depth+1)
		}
		return m
	}
	switch s.get("type").str() {
	case "array":
		return []any{x.of(s.get("items"), depth+1)}
	case "object":
		if ap := s.get("additionalProperties"); ap.isMap() {
			return map[string]any{"key": x.of(ap, depth+1)}
		}
		return map[string]any{}
	}
	if e := s.get("enum"); e != nil {
		if items := e.items(); len(items) > 0 {
			return x.scalar(items[0].str(), s)
		}
		var first []any
		if json.Unmarshal([]byte(e.str()), &first) == nil && len(first) > 0 {
			return first[0]
		}
	}
	return x.scalar("", s)
}

// fromNode is the example n (a YAML node) as JSON of schema s: the YAML
// subset parser keeps scalars as text, so s says which are numbers.
func (x *exampler) fromNode(n *ynode, s *ynode, depth int) any {
	s = x.resolve(s)
	switch {
	case n.isMap():
		_, props := x.props(s)
		m := map[string]any{}
		for _, k := range n.keys {
			ps := props[k]
			if ps == nil && s != nil {
				ps = s.get("additionalProperties")
			}
			m[k] = x.fromNode(n.get(k), ps, depth+1)
		}
		return m
	case n.list != nil && s != nil && s.get("type") != nil && s.get("type").str() != "array" && len(n.list) > 0:
		// v1.56 gives EndpointSettings.GwPriority, an integer, the
		// example [10].
		return x.fromNode(n.list[0], s, depth)
	case n.list != nil:
		var items *ynode
		if s != nil {
			items = s.get("items")
		}
		out := []any{}
		for _, e := range n.list {
			out = append(out, x.fromNode(e, items, depth+1))
		}
		return out
	}
	t := strings.TrimSpace(n.scalar)
	if strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
		var v any
		if json.Unmarshal([]byte(t), &v) == nil {
			return v
		}
		// A flow collection over several lines, which the YAML subset
		// parser does not keep: built from the schema instead.
		if s == nil || s.get("example") == nil {
			return x.of(s, depth)
		}
		c := *s
		c.m = map[string]*ynode{}
		for k, v := range s.m {
			if k != "example" {
				c.m[k] = v
			}
		}
		return x.of(&c, depth)
	}
	return x.scalar(t, s)
}

// scalar is text as a value of s's type; "" is the type's zero value.
func (x *exampler) scalar(text string, s *ynode) any {
	typ := ""
	if s != nil {
		typ = s.get("type").str()
	}
	switch typ {
	case "integer", "number":
		if _, err := strconv.ParseFloat(text, 64); err == nil {
			return json.Number(text)
		}
		return json.Number("0")
	case "boolean":
		return text == "true"
	case "string":
		return text
	}
	switch {
	case text == "true" || text == "false":
		return text == "true"
	case text == "null" || text == "":
		return nil
	}
	if _, err := strconv.ParseFloat(text, 64); err == nil {
		return json.Number(text)
	}
	return text
}
