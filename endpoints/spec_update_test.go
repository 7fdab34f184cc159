package endpoints_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// The swagger walk of TestResponseFields reads testdata/spec-fields.txt, a
// list derived from the Engine API's swagger (the spec itself is not part
// of the repository): one line per property of every definition,
//
//	Definition Property Type
//
// where Type is a definition's name, a nested object's own name
// (Definition.Property), "-" for a scalar, prefixed with "[]" for an array
// and "map[]" for a map; and one line per operation whose success answer
// has a schema,
//
//	@response OperationID Type
//
// one per operation whose request has a JSON body (@body), and one per
// definition (@def Name -). A nested object of an answer or a body is
// named OperationID.response or OperationID.body.
//
// Regenerate it with
//
//	DOCKWIRE_ENGINE_API_SPEC=/path/to/v1.56.yaml go test ./endpoints -run TestResponseFields -update-spec

// specFields derives the list from the swagger YAML at path.
func specFields(path string) ([]string, error) {
	root, err := readSwagger(path)
	if err != nil {
		return nil, err
	}
	g := &specGen{defs: root.get("definitions"), seen: map[string]bool{}}
	if g.defs == nil {
		return nil, fmt.Errorf("%s: no definitions", path)
	}
	for _, name := range g.defs.keys {
		g.lines = append(g.lines, "@def "+name+" -")
		d := g.defs.get(name)
		if d.get("properties") != nil || d.get("allOf") != nil {
			g.object(name, d)
		} else {
			g.typeOf(name, d) // an array or map of inline objects defines them under its name
		}
	}
	paths := root.get("paths")
	for _, p := range paths.keys {
		for _, method := range paths.get(p).keys {
			op := paths.get(p).get(method)
			id := op.get("operationId").str()
			resps := op.get("responses")
			if id == "" || resps == nil {
				continue
			}
			for _, param := range op.get("parameters").items() {
				if param.get("in").str() == "body" && param.get("schema") != nil {
					g.lines = append(g.lines, "@body "+id+" "+g.typeOf(id+".body", param.get("schema")))
				}
			}
			for _, code := range resps.keys {
				if !strings.HasPrefix(code, "2") {
					continue
				}
				if s := resps.get(code).get("schema"); s != nil {
					g.lines = append(g.lines, "@response "+id+" "+g.typeOf(id+".response", s))
				}
			}
		}
	}
	sort.Strings(g.lines)
	return g.lines, nil
}

// readSwagger parses the swagger YAML at path.
func readSwagger(path string) (*ynode, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	root, err := parseYAML(string(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return root, nil
}

type specGen struct {
	defs  *ynode
	lines []string
	seen  map[string]bool
}

// object emits the properties of the object schema s, named name, with
// those of its allOf parts.
func (g *specGen) object(name string, s *ynode) {
	if g.seen[name] {
		return
	}
	g.seen[name] = true
	for _, p := range g.props(s) {
		g.lines = append(g.lines, name+" "+p.name+" "+g.typeOf(name+"."+p.name, p.schema))
	}
}

type specProp struct {
	name   string
	schema *ynode
}

func (g *specGen) props(s *ynode) []specProp {
	var out []specProp
	if s == nil {
		return nil
	}
	if ref := s.get("$ref").str(); ref != "" {
		return g.props(g.defs.get(refName(ref)))
	}
	for _, part := range s.get("allOf").items() {
		out = append(out, g.props(part)...)
	}
	if ps := s.get("properties"); ps != nil {
		for _, k := range ps.keys {
			out = append(out, specProp{k, ps.get(k)})
		}
	}
	return out
}

func refName(ref string) string { return ref[strings.LastIndexByte(ref, '/')+1:] }

// typeOf names the type of schema s found at where.
func (g *specGen) typeOf(where string, s *ynode) string {
	if ref := s.get("$ref").str(); ref != "" {
		return refName(ref)
	}
	if all := s.get("allOf").items(); len(all) == 1 && s.get("properties") == nil {
		return g.typeOf(where, all[0])
	}
	switch {
	case s.get("type").str() == "array" && s.get("items") != nil:
		return "[]" + g.typeOf(where, s.get("items"))
	case s.get("properties") != nil || s.get("allOf") != nil:
		g.object(where, s)
		return where
	case s.get("additionalProperties") != nil && s.get("additionalProperties").isMap():
		return "map[]" + g.typeOf(where, s.get("additionalProperties"))
	}
	return "-"
}

// ynode is a node of the YAML subset the Engine API's swagger is written
// in: block maps and lists, scalars, block scalars (| and >) and flow
// collections (kept as scalars).
type ynode struct {
	scalar string
	keys   []string
	m      map[string]*ynode
	list   []*ynode
}

func (n *ynode) get(k string) *ynode {
	if n == nil || n.m == nil {
		return nil
	}
	return n.m[k]
}

func (n *ynode) str() string {
	if n == nil {
		return ""
	}
	return n.scalar
}

func (n *ynode) items() []*ynode {
	if n == nil {
		return nil
	}
	return n.list
}

func (n *ynode) isMap() bool { return n != nil && n.m != nil }

type yline struct {
	indent int
	text   string
	no     int
}

func parseYAML(src string) (*ynode, error) {
	var lines []yline
	raw := strings.Split(src, "\n")
	for i := 0; i < len(raw); i++ {
		l := strings.TrimRight(raw[i], " \r")
		t := strings.TrimLeft(l, " ")
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		ind := len(l) - len(t)
		lines = append(lines, yline{ind, t, i + 1})
		_, v, ok := splitKey(strings.TrimPrefix(t, "- "))
		if !ok {
			v = strings.TrimPrefix(t, "- ")
		}
		v = strings.TrimSpace(v)
		switch {
		case strings.HasPrefix(v, "|") || strings.HasPrefix(v, ">"):
			// A block scalar: its lines are those indented deeper (or blank).
			for i+1 < len(raw) {
				n := strings.TrimRight(raw[i+1], " \r")
				nt := strings.TrimLeft(n, " ")
				if nt != "" && len(n)-len(nt) <= ind {
					break
				}
				i++
			}
		case strings.HasPrefix(v, "[") || strings.HasPrefix(v, "{"):
			// A flow collection, possibly over several lines.
			depth := flowDepth(v)
			for depth > 0 && i+1 < len(raw) {
				i++
				depth += flowDepth(raw[i])
			}
		}
	}
	p := &yparser{lines: lines}
	n := p.block(0)
	if p.i != len(p.lines) {
		return nil, fmt.Errorf("line %d: unexpected indentation", p.lines[p.i].no)
	}
	return n, nil
}

func flowDepth(s string) int {
	d := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[' || c == '{':
			d++
		case c == ']' || c == '}':
			d--
		}
	}
	return d
}

// splitKey splits "key: value" (or "key:"), the key possibly quoted.
func splitKey(t string) (key, value string, ok bool) {
	if strings.HasPrefix(t, `"`) || strings.HasPrefix(t, `'`) {
		end := strings.IndexByte(t[1:], t[0])
		if end < 0 {
			return "", "", false
		}
		rest := t[end+2:]
		if !strings.HasPrefix(rest, ":") {
			return "", "", false
		}
		return t[1 : end+1], strings.TrimSpace(rest[1:]), true
	}
	if strings.HasPrefix(t, "[") || strings.HasPrefix(t, "{") {
		return "", "", false
	}
	if i := strings.Index(t, ": "); i >= 0 {
		return t[:i], strings.TrimSpace(t[i+2:]), true
	}
	if strings.HasSuffix(t, ":") {
		return t[:len(t)-1], "", true
	}
	return "", "", false
}

type yparser struct {
	lines []yline
	i     int
}

// block parses the map or list whose lines are indented ind.
func (p *yparser) block(ind int) *ynode {
	n := &ynode{}
	for p.i < len(p.lines) {
		l := p.lines[p.i]
		if l.indent < ind {
			break
		}
		if l.indent > ind { // stray deeper line (a scalar's continuation)
			p.i++
			continue
		}
		if l.text == "-" || strings.HasPrefix(l.text, "- ") {
			item := strings.TrimSpace(strings.TrimPrefix(l.text, "-"))
			if _, _, ok := splitKey(item); ok {
				// "- key: value": a map whose keys are indented ind+2.
				p.lines[p.i] = yline{ind + 2, item, l.no}
				n.list = append(n.list, p.block(ind+2))
				continue
			}
			p.i++
			if item == "" {
				n.list = append(n.list, p.block(ind+2))
			} else {
				n.list = append(n.list, &ynode{scalar: unquote(item)})
			}
			continue
		}
		k, v, ok := splitKey(l.text)
		p.i++
		if !ok {
			continue
		}
		if n.m == nil {
			n.m = map[string]*ynode{}
		}
		var child *ynode
		if v == "" && p.i < len(p.lines) && (p.lines[p.i].indent > ind ||
			p.lines[p.i].indent == ind && strings.HasPrefix(p.lines[p.i].text, "- ")) {
			child = p.block(p.lines[p.i].indent)
		} else {
			child = &ynode{scalar: unquote(v)}
		}
		if _, dup := n.m[k]; !dup {
			n.keys = append(n.keys, k)
		}
		n.m[k] = child
	}
	return n
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}
