package differential

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A Difference is one place where the two daemons answered differently.
type Difference struct {
	Seq   string // sequence name
	Class string // the sequence's class
	Step  int    // 1-based step number
	// Request is the step's request as written: "POST /exec/{{e}}/start".
	Request string
	// Path locates the difference in the answer: status, kind, end,
	// header.Content-Type, body.HostConfig.Binds, body.Mounts[0].Type,
	// stream.stdout, text, tar[2].mode, output.
	Path string
	// Kind is status, kind, header, missing (only A has it), extra (only B
	// has it), type, value, length or end.
	Kind string
	// A and B are what each daemon had there, normalised and shortened.
	A, B string
	// Known is the known-differences entry that lists it, or nil.
	Known *KnownEntry `json:"-"`
	// FollowOn is set when the step used a variable one daemon's earlier
	// answers did not give (a create that failed on one side): an earlier
	// difference explains it, and no known entry needs to list it.
	FollowOn bool
}

func (d Difference) String() string {
	return fmt.Sprintf("%s #%d %s %s (%s): %s | %s", d.Seq, d.Step, d.Request, d.Path, d.Kind, d.A, d.B)
}

// volatileKeys are object keys whose values depend on allocation or timing
// in any answer: sizes, process ids, event times. Their values are
// compared by type and zero-ness only.
var volatileKeys = map[string]bool{
	"Pid": true, "Size": true, "SizeRw": true, "SizeRootFs": true, "VirtualSize": true, "SharedSize": true,
	"time": true, "timeNano": true, "HostPort": true, "Created": true,
	"Index": true, // swarm object versions: raft's own count
}

// comparer walks two decoded answers side by side.
type comparer struct {
	base     Difference
	volatile []string
	diffs    []Difference
}

// compareAnswers returns the differences between a and b, the decoded
// answers of daemons A and B to one step. Paths matching a volatile
// pattern (with * for any run of characters) compare by type and
// zero-ness.
func compareAnswers(base Difference, a, b decoded, volatile []string) []Difference {
	c := &comparer{base: base, volatile: volatile}
	ka, kb := a["kind"], b["kind"]
	if ka == kindNone || kb == kindNone {
		if ka != kb {
			c.add("kind", "kind", a, b)
		}
		return c.diffs
	}
	for _, k := range []string{"status", "header", "end"} {
		c.walk(k, a[k], b[k], k == "header")
	}
	if ka != kb {
		c.add("kind", "kind", ka, kb)
		// Raw against multiplexed: say whether the bytes agree at least.
		if oa, ob := output(a), output(b); oa != ob {
			c.add("output", "value", oa, ob)
		}
		return c.diffs
	}
	for _, k := range []string{"body", "stream", "text", "tar"} {
		if a[k] != nil || b[k] != nil {
			c.walk(k, a[k], b[k], !(k == "body" && ka == kindJSONStream))
		}
	}
	return c.diffs
}

// output is everything a stream said, whatever its framing.
func output(d decoded) string {
	switch d["kind"] {
	case kindText:
		s, _ := d["text"].(string)
		return s
	case kindMultiplexed:
		m, _ := d["stream"].(map[string]any)
		var b strings.Builder
		for _, k := range []string{"stdout", "stderr", "systemerr"} {
			s, _ := m[k].(string)
			b.WriteString(s)
		}
		return b.String()
	}
	return repr(d["body"])
}

func (c *comparer) add(path, kind string, a, b any) {
	d := c.base
	d.Path, d.Kind = path, kind
	d.A, d.B = summaries(repr(a), repr(b))
	c.diffs = append(c.diffs, d)
}

// summaries shortens two differing representations for a report: when
// they are long, both are cut to the same window around where they start
// to differ.
func summaries(a, b string) (string, string) {
	const maxLen, before = 240, 60
	if len(a) <= maxLen && len(b) <= maxLen {
		return a, b
	}
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	cut := func(s string) string {
		start := max(0, p-before)
		for start > 0 && start < len(s) && !utf8.RuneStart(s[start]) {
			start--
		}
		end := min(len(s), start+maxLen)
		for end < len(s) && !utf8.RuneStart(s[end]) {
			end++
		}
		out := s[start:end]
		if start > 0 {
			out = "..." + out
		}
		if end < len(s) {
			out += fmt.Sprintf("...(%d bytes)", len(s))
		}
		return out
	}
	return cut(a), cut(b)
}

// walk compares a and b at path. unordered says that arrays of objects
// found there may come in any order (they are sorted before comparing).
func (c *comparer) walk(path string, a, b any, unordered bool) {
	ta, tb := typeOf(a), typeOf(b)
	if ta != tb {
		c.add(path, "type", a, b)
		return
	}
	switch av := a.(type) {
	case map[string]any:
		bv := b.(map[string]any)
		for _, k := range unionKeys(av, bv) {
			p := joinPath(path, k)
			x, inA := av[k]
			y, inB := bv[k]
			switch {
			case !inB:
				c.add(p, "missing", x, absent{})
			case !inA:
				c.add(p, "extra", absent{}, y)
			default:
				c.walk(p, x, y, true)
			}
		}
	case []any:
		bv := b.([]any)
		volatile := c.isVolatile(path)
		if volatile && (len(av) == 0) != (len(bv) == 0) {
			c.add(path, "length", a, b)
			return
		}
		if !hasContainers(av) && !hasContainers(bv) {
			if volatile {
				return
			}
			if repr(a) != repr(b) && !sameButOrderOfIDs(av, bv) {
				c.add(path, "value", a, b)
			}
			return
		}
		if len(av) != len(bv) {
			if !volatile { // a volatile list of objects may grow: its items are compared when it did not
				c.add(path, "length", a, b)
			}
			return
		}
		inOrder := c.sub()
		inOrder.pairs(path, av, bv)
		if unordered && len(inOrder.diffs) > 0 {
			// Some lists come in an order of the daemon's making (mounts
			// from a map): compare them sorted too, keep what differs less.
			sorted := c.sub()
			sorted.pairs(path, sortedByKey(av), sortedByKey(bv))
			if len(sorted.diffs) < len(inOrder.diffs) {
				inOrder = sorted
			}
		}
		c.diffs = append(c.diffs, inOrder.diffs...)
	default:
		if c.isVolatile(path) {
			if isZero(a) != isZero(b) {
				c.add(path, "value", a, b)
			}
			return
		}
		if repr(a) != repr(b) {
			c.add(path, "value", a, b)
		}
	}
}

// isVolatile reports whether path, or an object or array that holds it,
// matches a volatile pattern or ends in a volatile key.
func (c *comparer) isVolatile(path string) bool {
	if volatileKeys[lastKey(path)] {
		return true
	}
	for _, p := range c.volatile {
		if globMatch(p, path) || globMatch(p+".*", path) || globMatch(p+"[*", path) {
			return true
		}
	}
	return false
}

// sameButOrderOfIDs reports whether two lists of scalars hold the same
// values in another order, and some of them are ids: a daemon that sorts
// such a list sorts by the ids it made, which differ from run to run.
func sameButOrderOfIDs(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	ra, rb := make([]string, len(a)), make([]string, len(b))
	ids := false
	for i := range a {
		ra[i], rb[i] = repr(a[i]), repr(b[i])
		ids = ids || strings.Contains(ra[i], "<")
	}
	sort.Strings(ra)
	sort.Strings(rb)
	return ids && slices.Equal(ra, rb)
}

// lastKey is the last object key of a path: "Pid" for body.State.Pid.
func lastKey(path string) string {
	path = strings.TrimRight(path, "]0123456789[")
	if i := strings.LastIndexAny(path, ".["); i >= 0 {
		return strings.Trim(path[i+1:], `"]`)
	}
	return path
}

var plainKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func joinPath(path, key string) string {
	if plainKey.MatchString(key) {
		return path + "." + key
	}
	return fmt.Sprintf("%s[%q]", path, key)
}

func typeOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case bool:
		return "bool"
	case json.Number, float64, int:
		return "number"
	}
	return fmt.Sprintf("%T", v)
}

func isZero(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case bool:
		return !x
	case json.Number:
		f, err := x.Float64()
		return err == nil && f == 0
	}
	return false
}

func hasContainers(vs []any) bool {
	for _, v := range vs {
		switch v.(type) {
		case map[string]any, []any:
			return true
		}
	}
	return false
}

func unionKeys(a, b map[string]any) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// sub is a comparer like c with no differences yet.
func (c *comparer) sub() *comparer { return &comparer{base: c.base, volatile: c.volatile} }

// pairs compares two lists of the same length element by element.
func (c *comparer) pairs(path string, a, b []any) {
	for i := range a {
		c.walk(fmt.Sprintf("%s[%d]", path, i), a[i], b[i], true)
	}
}

// sortedByKey sorts a list by each element's representation with the
// values of volatile keys left out (they would shuffle it).
func sortedByKey(vs []any) []any {
	keys := make(map[int]string, len(vs))
	idx := make([]int, len(vs))
	for i, v := range vs {
		idx[i] = i
		keys[i] = repr(withoutVolatile(v))
	}
	sort.SliceStable(idx, func(i, j int) bool { return keys[idx[i]] < keys[idx[j]] })
	out := make([]any, len(vs))
	for i, j := range idx {
		out[i] = vs[j]
	}
	return out
}

func withoutVolatile(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if !volatileKeys[k] {
				out[k] = withoutVolatile(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = withoutVolatile(x[i])
		}
		return out
	}
	return v
}

// absent stands for a key one side does not have.
type absent struct{}

// repr is v as compact JSON, "(absent)" for a missing key.
func repr(v any) string {
	switch x := v.(type) {
	case absent:
		return "(absent)"
	case string:
		return strconv.Quote(x)
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
