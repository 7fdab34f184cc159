package differential

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// genQueries makes a small world (containers in each state, committed
// images, networks, volumes, all labelled) and lists it with random
// filter combinations: valid and invalid values, unknown filter names,
// the legacy map form of a filter, limits and sizes. Every list also
// filters on the sequence's label, so only what the sequence made can
// answer.
func genQueries(r *rand.Rand, i int) Sequence {
	seq := Sequence{Name: fmt.Sprintf("gen/query/%03d", i), Class: "gen-queries", Source: "gen"}
	mk := func(suffix, pick string, cmd []string, host map[string]any, extra map[string]any) {
		cfg := map[string]any{"Image": "{{image}}", "Cmd": cmd, "Labels": labelsMark}
		for k, v := range extra {
			cfg[k] = v
		}
		if host != nil {
			cfg["HostConfig"] = host
		}
		// A second label can't join the sequence's {{labels}} object, so
		// the pick rides in the name and in an env variable.
		cfg["Env"] = []string{"PICK=" + pick}
		seq.Steps = append(seq.Steps, step("POST", "/containers/create?name={{name}}-"+suffix, body(cfg), suffix, ".Id"))
	}
	mk("a", "a", []string{"true"}, nil, nil)
	mk("b", "b", []string{"sleep", "300"}, map[string]any{"Binds": []string{"{{name}}-qv:/qv"}}, map[string]any{"ExposedPorts": map[string]any{"80/tcp": map[string]any{}}})
	mk("c", "c", []string{"sh", "-c", "exit 3"}, map[string]any{"NetworkMode": "none"}, nil)
	mk("d", "d", []string{"true"}, nil, map[string]any{"Healthcheck": map[string]any{"Test": []string{"NONE"}}})
	seq.Steps = append(seq.Steps,
		step("POST", "/containers/{{b}}/start", ""),
		step("POST", "/containers/{{c}}/start", ""),
		step("POST", "/containers/{{c}}/wait", ""),
		step("POST", "/containers/{{d}}/start", ""),
		step("POST", "/containers/{{d}}/wait", ""))
	paused := chance(r, 0.4)
	if paused {
		seq.Steps = append(seq.Steps, step("POST", "/containers/{{b}}/pause", ""))
	}

	cf := map[string][]string{
		"status":   {"created", "running", "exited", "paused", "restarting", "removing", "dead", "bogus"},
		"exited":   {"0", "3", "x"},
		"name":     {"{{name}}-a", "^/{{name}}-b$", "{{name}}-[cd]", "nomatch-{{run}}", "[bad"},
		"id":       {"{{a}}", "{{b}}", "nosuch"},
		"ancestor": {"{{image}}", "nosuch-{{run}}:latest"},
		"before":   {"{{name}}-b", "nosuch-{{run}}"},
		"since":    {"{{name}}-b", "{{name}}-a"},
		"volume":   {"{{name}}-qv", "/qv", "nosuch-{{run}}"},
		"network":  {"bridge", "none", "nosuch-{{run}}"},
		"health":   {"none", "healthy", "starting", "bogus"},
		"is-task":  {"true", "false", "bogus"},
		"expose":   {"80", "80/tcp", "81", "x/y"},
		"bogus":    {"1"},
	}
	for range 4 + r.IntN(5) {
		q := "/containers/json?" + pick(r, "all=1&", "all=1&", "", "all=1&size=1&", "all=1&limit=2&", "limit=-1&")
		seq.Steps = append(seq.Steps, step("GET", q+"filters="+filters(r, cf, 1+r.IntN(2)), ""))
	}
	if chance(r, 0.5) {
		// The map form docker-py and old clients send: {"status":{"exited":true}}.
		seq.Steps = append(seq.Steps, step("GET", `/containers/json?all=1&filters={"label":{"{{label}}":true},"status":{"`+pick(r, "exited", "created", "running")+`":true}}`, ""))
	}
	if paused {
		seq.Steps = append(seq.Steps, step("POST", "/containers/{{b}}/unpause", ""))
	}

	// Images: two commits, one of them untagged later (dangling).
	seq.Steps = append(seq.Steps,
		step("POST", "/commit?container={{c}}&repo={{name}}&tag=q1", body(map[string]any{"Labels": labelsMark, "Env": []string{"PICK=q1"}}), "i1", ".Id"),
		step("POST", "/commit?container={{d}}&repo={{name}}&tag=q2&changes=LABEL%20pick=q2", body(map[string]any{"Labels": labelsMark}), "i2", ".Id"))
	imf := map[string][]string{
		"dangling":  {"true", "false", "1", "x"},
		"reference": {"{{name}}", "{{name}}:q1", "{{name}}:*", "nosuch-{{run}}", "*:q2"},
		"before":    {"{{name}}:q2", "nosuch-{{run}}:latest"},
		"since":     {"{{name}}:q1"},
		"label":     {"pick=q2", "pick", "pick=zz"},
		"bogus":     {"1"},
	}
	for range 2 + r.IntN(3) {
		q := "/images/json?" + pick(r, "", "all=1&", "digests=1&")
		seq.Steps = append(seq.Steps, step("GET", q+"filters="+filters(r, imf, 1+r.IntN(2)), ""))
	}

	// Networks.
	// Each with a subnet of its own (10.214.250.0/24-253.0/24 in /26s; the
	// generated containers take 10.214.0-249): with the address pools'
	// choices equal, a list dockerd gives in map order compares sorted.
	subnet := func(k int) string {
		j := (2*i + k) % 16
		return fmt.Sprintf("10.214.%d.%d/26", 250+j/4, j%4*64)
	}
	ipam := func(k int) map[string]any {
		return map[string]any{"Config": []any{map[string]any{"Subnet": subnet(k)}}}
	}
	seq.Steps = append(seq.Steps,
		step("POST", "/networks/create", body(map[string]any{"Name": "{{name}}-n1", "IPAM": ipam(0), "Labels": labelsMark}), "n1", ".Id"),
		step("POST", "/networks/create", body(map[string]any{"Name": "{{name}}-n2", "IPAM": ipam(1), "Internal": true, "Labels": labelsMark}), "n2", ".Id"),
		step("POST", "/networks/{{n1}}/connect", body(map[string]any{"Container": "{{b}}"})))
	nf := map[string][]string{
		"driver":   {"bridge", "overlay", "nosuch"},
		"type":     {"custom", "builtin", "bogus"},
		"scope":    {"local", "swarm", "global", "bogus"},
		"name":     {"{{name}}-n1", "{{name}}", "nomatch"},
		"id":       {"{{n2}}", "nosuch"},
		"dangling": {"true", "false", "x"},
		"bogus":    {"1"},
	}
	for range 2 + r.IntN(3) {
		seq.Steps = append(seq.Steps, step("GET", "/networks?filters="+filters(r, nf, 1+r.IntN(2)), ""))
	}

	// Volumes: {{name}}-qv is used by b; another stands alone.
	seq.Steps = append(seq.Steps,
		step("POST", "/volumes/create", body(map[string]any{"Name": "{{name}}-free", "Labels": labelsMark})))
	vf := map[string][]string{
		"dangling": {"true", "false", "1", "0", "x"},
		"driver":   {"local", "nosuch"},
		"name":     {"{{name}}-free", "{{name}}", "nomatch"},
		"bogus":    {"1"},
	}
	for range 2 + r.IntN(3) {
		// {{name}}-qv was made by a bind without labels: list by name
		// prefix for it, by label for the other.
		f := filters(r, vf, 1+r.IntN(2))
		if chance(r, 0.5) {
			f = strings.Replace(f, `"label":["{{label}}"]`, `"name":["{{name}}"]`, 1)
		}
		seq.Steps = append(seq.Steps, step("GET", "/volumes?filters="+f, ""))
	}
	seq.Steps = append(seq.Steps,
		step("DELETE", "/containers/{{b}}?force=1&v=1", ""),
		step("DELETE", "/volumes/{{name}}-qv", ""))
	return seq
}

// filters writes a filters query value: the sequence's label, and k other
// filter names from f, each with one or two of its values.
func filters(r *rand.Rand, f map[string][]string, k int) string {
	names := make([]string, 0, len(f))
	for n := range f {
		names = append(names, n)
	}
	slices.Sort(names) // map order is random: one seed, one sequence
	m := map[string][]string{"label": {"{{label}}"}}
	for range k {
		n := pick(r, names...)
		vals := f[n]
		v := []string{pick(r, vals...)}
		// before and since take one container or image: dockerd keeps
		// whichever of several its map gives last; an error naming
		// several values of dangling lists them in map order.
		if len(vals) > 1 && n != "before" && n != "since" && n != "dangling" && chance(r, 0.25) {
			if w := pick(r, vals...); w != v[0] {
				v = append(v, w)
			}
		}
		if n == "label" {
			v = append(m["label"], v...)
		}
		m[n] = v
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic("differential: filters: " + err.Error()) // only our own strings reach here
	}
	return string(b)
}
