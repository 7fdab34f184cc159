package differential

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// LabelKey is the label on everything a check creates; its value is the
// run's id.
const LabelKey = "dockwire.diffcheck.run"

// NamePrefix starts every name a check gives (containers, networks,
// volumes, image tags): NamePrefix + run id + "-" + sequence number.
const NamePrefix = "dwdiff-"

// builtin are the variables every step may use:
//
//	{{image}}    the test image (busybox:dockwire)
//	{{imageid}}  the test image's id on each daemon: a swarm task given
//	             an image by name tries to pull it, by id it does not
//	{{run}}      the run's id
//	{{labels}}   the JSON object {"dockwire.diffcheck.run": run}
//	{{label}}    dockwire.diffcheck.run=run, for label filters
//	{{name}}     a name unique to the sequence in this run
//	{{hostdir}}  a directory of the host, made for the sequence, for binds
//	{{port}}     a loopback TCP port free when the sequence starts
var builtin = map[string]bool{"image": true, "imageid": true, "run": true, "labels": true, "label": true, "name": true, "hostdir": true, "port": true}

var varUse = regexp.MustCompile(`\{\{([a-z][a-z0-9_]*)\}\}`)

// vars are one daemon's variables while it runs a sequence.
type vars map[string]string

// expand replaces every {{v}} in s. A variable an earlier answer failed to
// give expands to "unset-v", which no daemon knows.
func (v vars) expand(s string) string {
	return varUse.ReplaceAllStringFunc(s, func(m string) string {
		name := m[2 : len(m)-2]
		if val, ok := v[name]; ok {
			return val
		}
		return "unset-" + name
	})
}

// Validate checks that every variable a step uses is built in or saved by
// an earlier step, and that each step is well formed.
func Validate(s Sequence) error {
	saved := map[string]bool{}
	check := func(i int, st Step, where string) error {
		for _, t := range stepTexts(st) {
			for _, m := range varUse.FindAllStringSubmatch(t, -1) {
				if !builtin[m[1]] && !saved[m[1]] {
					return fmt.Errorf("differential: %s: %s %d (%s) uses {{%s}} before any step saves it", s.Name, where, i+1, st.Request(), m[1])
				}
			}
		}
		if n := boolCount(st.Body != "", st.Raw != nil, st.Files != nil); n > 1 {
			return fmt.Errorf("differential: %s: %s %d has %d bodies", s.Name, where, i+1, n)
		}
		if st.Compress != "" && st.Files == nil {
			return fmt.Errorf("differential: %s: %s %d compresses no tar", s.Name, where, i+1)
		}
		return nil
	}
	if len(s.Steps) == 0 {
		return fmt.Errorf("differential: %s has no step", s.Name)
	}
	for i, st := range s.Steps {
		if err := check(i, st, "step"); err != nil {
			return err
		}
		for _, c := range st.Save {
			saved[c.Var] = true
		}
	}
	for i, st := range s.Finally {
		if err := check(i, st, "finally"); err != nil {
			return err
		}
	}
	return nil
}

// stepTexts are the texts of a step where variables may stand.
func stepTexts(st Step) []string {
	texts := []string{st.Path, st.Body}
	if st.Raw != nil {
		texts = append(texts, *st.Raw)
	}
	var files func(fs []TarEntry)
	files = func(fs []TarEntry) {
		for _, f := range fs {
			texts = append(texts, f.Name, f.Content, f.Link)
			files(f.Members)
		}
	}
	files(st.Files)
	for _, h := range st.Header {
		texts = append(texts, h[1])
	}
	for _, c := range st.Stdin {
		texts = append(texts, c.Data)
	}
	return texts
}

// lacks reports whether st uses a variable v does not hold: an earlier
// answer did not give it.
func (v vars) lacks(st Step) bool {
	for _, t := range stepTexts(st) {
		for _, m := range varUse.FindAllStringSubmatch(t, -1) {
			if _, ok := v[m[1]]; !ok {
				return true
			}
		}
	}
	return false
}

func boolCount(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// savedVars lists the variables a sequence saves, in order of first save.
func savedVars(s Sequence) []string {
	var out []string
	for _, st := range s.Steps {
		for _, c := range st.Save {
			if !slices.Contains(out, c.Var) {
				out = append(out, c.Var)
			}
		}
	}
	return out
}

// seqVar holds the sequence's number among the variables (not a name a
// sequence can write: it is not a valid variable name).
const seqVar = "#seq"

// seqName is the {{name}} of the n-th sequence of run.
func seqName(run string, n int) string {
	return fmt.Sprintf("%s%s-%d", NamePrefix, run, n)
}

// seqLabel is the value of LabelKey on what the n-th sequence of run makes.
func seqLabel(run string, n int) string { return fmt.Sprintf("%s-%d", run, n) }

// labelsJSON is {{labels}}: the label with value.
func labelsJSON(value string) string {
	return fmt.Sprintf(`{%q:%q}`, LabelKey, value)
}

// An owner recognises the objects of one sequence of a run (n > 0) or of
// the whole run (n == 0), by label or by name.
type owner struct {
	run string
	n   int
}

func ownedBy(run string, n int) owner { return owner{run, n} }

func (o owner) labelled(labels map[string]string) bool {
	v, ok := labels[LabelKey]
	if !ok {
		return false
	}
	if o.n == 0 {
		return strings.HasPrefix(v, o.run+"-")
	}
	return v == seqLabel(o.run, o.n)
}

// named reports whether name (a container name with its "/", an image
// reference with its tag, a volume or network name) was given by o:
// {{name}} itself or {{name}} followed by "-", ":" or "/".
func (o owner) named(name string) bool {
	name = strings.TrimPrefix(name, "/")
	if o.n == 0 {
		return strings.HasPrefix(name, NamePrefix+o.run+"-")
	}
	base := seqName(o.run, o.n)
	rest, ok := strings.CutPrefix(name, base)
	return ok && (rest == "" || strings.ContainsAny(rest[:1], "-:/"))
}
