package differential

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
)

// A Group is the differences that say the same thing: same operation
// (the request with its variable path segments as {}), path (array indices
// ignored), kind and known entry, in whichever sequences they were found.
type Group struct {
	// Class is the class of the first sequence that found it.
	Class, Op, Path, Kind string
	// Diffs are the group's differences, in the order found.
	Diffs []Difference
	// Known is the entry listing the group, or nil.
	Known *KnownEntry
}

// Seqs names the sequences the group was found in, generated ones by
// family (gen/container/* (12)).
func (g *Group) Seqs() []string {
	var names []string
	count := map[string]int{}
	for _, d := range g.Diffs {
		name := d.Seq
		if strings.HasPrefix(name, "gen/") {
			name = genNumber.ReplaceAllString(name, "/*")
		}
		if count[name] == 0 {
			names = append(names, name)
		}
		count[name]++
	}
	for i, n := range names {
		if strings.HasSuffix(n, "/*") {
			names[i] = fmt.Sprintf("%s (%d)", n, count[n])
		}
	}
	return names
}

var (
	genNumber = regexp.MustCompile(`/\d+$`)
	arrayIdx  = regexp.MustCompile(`\[\d+\]`)
	// seqNumber is the sequence number in a name of the run, as it shows
	// in a path (NetworkSettings.Networks.dwdiff-<run>-12-net).
	seqNumber = regexp.MustCompile(`(` + NamePrefix + `<run>-)\d+`)
)

// Operation is a request as written with each path segment that holds a
// variable as {}: "GET /containers/{{c2}}/json" is "GET /containers/{}/json".
func Operation(request string) string {
	method, path, _ := strings.Cut(request, " ")
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if strings.Contains(s, "{{") {
			segs[i] = "{}"
		}
	}
	return method + " " + strings.Join(segs, "/")
}

// Groups gathers ds into groups, sorted by class; within a class, groups
// keep the order they were first found in.
func Groups(ds []Difference) []*Group {
	byKey := map[string]*Group{}
	var out []*Group
	for _, d := range ds {
		path := seqNumber.ReplaceAllString(arrayIdx.ReplaceAllString(d.Path, "[*]"), "${1}*")
		known := "new"
		if d.Known != nil {
			known = fmt.Sprint(d.Known.Line)
		}
		op := Operation(d.Request)
		key := strings.Join([]string{op, path, d.Kind, known}, "\x00")
		g := byKey[key]
		if g == nil {
			g = &Group{Class: d.Class, Op: op, Path: path, Kind: d.Kind, Known: d.Known}
			byKey[key] = g
			out = append(out, g)
		}
		g.Diffs = append(g.Diffs, d)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Class < out[j].Class })
	return out
}

// ReportOptions name the two daemons in a report and say how much of the
// known differences it shows.
type ReportOptions struct {
	NameA, NameB string
	// KnownInFull prints known groups with their values and reason, not
	// only a line each.
	KnownInFull bool
}

// Report writes res grouped by class: every group of differences (new
// ones first in each class), the stale known entries, leftovers, and the
// summary lines:
//
//	requests compared: N
//	differences: N (known N, new N)
//	known: N to fix in the mock (N TODO(mock) entries), N accepted (N entries)
//	follow-on differences, not listed: N
//	per class: build 12 (known 12), exec-framing 3 (known 1, new 2), ...
func Report(w io.Writer, res *Result, opts ReportOptions) {
	nameA, nameB := opts.NameA, opts.NameB
	var listedDiffs []Difference
	followOn := 0
	for _, d := range res.Differences {
		if d.FollowOn {
			followOn++
			continue
		}
		listedDiffs = append(listedDiffs, d)
	}
	groups := Groups(listedDiffs)
	type tally struct{ all, known int }
	classes := map[string]*tally{}
	var order []string
	for _, d := range listedDiffs {
		t := classes[d.Class]
		if t == nil {
			t = &tally{}
			classes[d.Class] = t
			order = append(order, d.Class)
		}
		t.all++
		if d.Known != nil {
			t.known++
		}
	}
	sort.Strings(order)
	listed := map[string]bool{}
	for _, g := range groups {
		listed[g.Class] = true
	}
	if len(groups) > 0 {
		fmt.Fprintf(w, "Differences (%s | %s), grouped by operation and answer path under the class\n"+
			"of the first sequence that found them; the summary counts each under its own class.\n", nameA, nameB)
	}
	for _, class := range order {
		if !listed[class] {
			continue
		}
		n, known := 0, 0
		for _, g := range groups {
			if g.Class == class {
				n += len(g.Diffs)
				if g.Known != nil {
					known += len(g.Diffs)
				}
			}
		}
		fmt.Fprintf(w, "\n== %s: %d difference(s), %d new\n", class, n, n-known)
		for _, newFirst := range []bool{true, false} {
			for _, g := range groups {
				if g.Class != class || (g.Known == nil) != newFirst {
					continue
				}
				if g.Known != nil && !opts.KnownInFull {
					fmt.Fprintf(w, "known %s  %s (%s) ×%d: line %d\n", g.Op, g.Path, g.Kind, len(g.Diffs), g.Known.Line)
					continue
				}
				writeGroup(w, g, nameA, nameB)
			}
		}
	}
	if len(res.Stale) > 0 {
		fmt.Fprintf(w, "\n== stale known entries (they matched nothing: remove them)\n")
		for _, e := range res.Stale {
			fmt.Fprintf(w, "  line %d: %s | %s\n", e.Line, e, e.Reason)
		}
	}
	if len(res.Leftovers) > 0 {
		fmt.Fprintf(w, "\n== left behind after cleanup\n")
		for _, l := range res.Leftovers {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	known := 0
	for _, t := range classes {
		known += t.known
	}
	fmt.Fprintf(w, "\n== summary (%s vs %s)\n", nameA, nameB)
	fmt.Fprintf(w, "sequences: %d\n", len(res.Ran))
	fmt.Fprintf(w, "requests compared: %d\n", res.Requests)
	todo, todoEntries, accEntries := 0, map[*KnownEntry]bool{}, map[*KnownEntry]bool{}
	for _, d := range listedDiffs {
		switch {
		case d.Known == nil:
		case strings.HasPrefix(d.Known.Reason, "TODO(mock)"):
			todo++
			todoEntries[d.Known] = true
		default:
			accEntries[d.Known] = true
		}
	}
	fmt.Fprintf(w, "differences: %d (known %d, new %d)\n", len(listedDiffs), known, len(listedDiffs)-known)
	fmt.Fprintf(w, "known: %d to fix in the mock (%d TODO(mock) entries), %d accepted (%d entries)\n", todo, len(todoEntries), known-todo, len(accEntries))
	fmt.Fprintf(w, "follow-on differences, not listed: %d (steps that used a value one daemon did not give)\n", followOn)
	var per []string
	for _, class := range order {
		t := classes[class]
		s := fmt.Sprintf("%s %d", class, t.all)
		if t.known == t.all {
			s += " (known)"
		} else {
			s += fmt.Sprintf(" (known %d, new %d)", t.known, t.all-t.known)
		}
		per = append(per, s)
	}
	if len(per) > 0 {
		fmt.Fprintf(w, "per class: %s\n", strings.Join(per, ", "))
	}
	stale := fmt.Sprint(len(res.Stale))
	if res.Partial {
		stale = "not checked (a part of the sequences ran)"
	}
	fmt.Fprintf(w, "stale known entries: %s; left behind: %d\n", stale, len(res.Leftovers))
}

// writeGroup prints a group: its header, where it was seen, and up to
// three distinct pairs of values with the step that gave each.
func writeGroup(w io.Writer, g *Group, nameA, nameB string) {
	tag := "NEW  "
	if g.Known != nil {
		tag = "known"
	}
	fmt.Fprintf(w, "%s %s  %s (%s)\n", tag, g.Op, g.Path, g.Kind)
	if len(g.Diffs) > 1 {
		seqs := g.Seqs()
		const show = 6
		list := strings.Join(seqs[:min(len(seqs), show)], ", ")
		if len(seqs) > show {
			list += fmt.Sprintf(", ... (%d more)", len(seqs)-show)
		}
		fmt.Fprintf(w, "        ×%d in: %s\n", len(g.Diffs), list)
	}
	const examples = 3
	seen := map[[2]string]bool{}
	shown := 0
	for _, d := range g.Diffs {
		// Pairs that differ only by the sequence number in a name are one.
		k := [2]string{seqNumber.ReplaceAllString(d.A, "${1}*"), seqNumber.ReplaceAllString(d.B, "${1}*")}
		if seen[k] {
			continue
		}
		seen[k] = true
		if shown == examples {
			shown++
			continue
		}
		shown++
		fmt.Fprintf(w, "        %s #%d %s\n          %s: %s\n          %s: %s\n", d.Seq, d.Step, d.Request, nameA, d.A, nameB, d.B)
	}
	if more := len(seen) - examples; more > 0 {
		fmt.Fprintf(w, "        (+%d more pair(s) of values)\n", more)
	}
	if g.Known != nil {
		fmt.Fprintf(w, "        known (line %d): %s\n", g.Known.Line, g.Known.Reason)
	}
}
