package differential

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jsonAnswer is a decoded 200 JSON answer holding body.
func jsonAnswer(t *testing.T, body string) decoded {
	t.Helper()
	vs, err := decodeJSONValues([]byte(body))
	require.NoError(t, err)
	require.Len(t, vs, 1)
	return decoded{"status": json.Number("200"), "header": map[string]any{"Content-Type": "application/json"}, "end": "eof", "kind": kindJSON, "body": vs[0]}
}

// where lists the differences as "path kind A | B".
func where(ds []Difference) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Path+" "+d.Kind+" "+d.A+" | "+d.B)
	}
	return out
}

func TestCompareKeysTypesValues(t *testing.T) {
	a := jsonAnswer(t, `{"Id":"<c>","State":{"Status":"created","Pid":0,"ExitCode":0},"Env":null,"Only":1,"Nested":{"Deep":{"X":[1,2]}}}`)
	b := jsonAnswer(t, `{"Id":"<c>","State":{"Status":"running","Pid":42,"ExitCode":"0"},"Env":[],"Extra":true,"Nested":{"Deep":{"X":[1,3]}}}`)
	ds := compareAnswers(Difference{Seq: "s", Step: 2, Request: "GET /containers/{{c}}/json"}, a, b, nil)
	assert.ElementsMatch(t, []string{
		`body.Env type null | []`,
		`body.Extra extra (absent) | true`,
		`body.Nested.Deep.X value [1,2] | [1,3]`,
		`body.Only missing 1 | (absent)`,
		`body.State.ExitCode type 0 | "0"`,
		`body.State.Pid value 0 | 42`, // a volatile key: zero against non-zero still differs
		`body.State.Status value "created" | "running"`,
	}, where(ds))
	for _, d := range ds {
		assert.Equal(t, "s", d.Seq)
		assert.Equal(t, 2, d.Step)
	}
}

func TestCompareVolatile(t *testing.T) {
	a := jsonAnswer(t, `{"Pid":12,"Size":100,"cpu":{"total":5,"per":[1,2]},"Name":"x"}`)
	b := jsonAnswer(t, `{"Pid":99,"Size":7,"cpu":{"total":9,"per":[3,4]},"Name":"x"}`)
	assert.Empty(t, compareAnswers(Difference{}, a, b, []string{"body.cpu.*"}), "volatile values compare by type and zero-ness")
	b = jsonAnswer(t, `{"Pid":99,"Size":7,"cpu":{"total":0,"per":[]},"Name":"x"}`)
	assert.Equal(t, []string{
		`body.cpu.per length [1,2] | []`,
		`body.cpu.total value 5 | 0`,
	}, where(compareAnswers(Difference{}, a, b, []string{"body.cpu.*"})))

	// a volatile list of lists or objects (top's Processes) may differ in length;
	// its emptiness still counts, and its items are compared when the lengths agree
	a = jsonAnswer(t, `{"Processes":[["root","1","sh -c x; sleep 9"],["root","7","rm f"]]}`)
	b = jsonAnswer(t, `{"Processes":[["root","1","sleep 9"]]}`)
	assert.Empty(t, compareAnswers(Difference{}, a, b, []string{"body.Processes"}))
	b = jsonAnswer(t, `{"Processes":[]}`)
	assert.Equal(t, []string{`body.Processes length [["root","1","sh -c x; sleep 9"],["root","7","rm f"]] | []`},
		where(compareAnswers(Difference{}, a, b, []string{"body.Processes"})))
	b = jsonAnswer(t, `{"Processes":[{"x":1},{"x":2}]}`)
	assert.Equal(t, []string{`body.Processes[0] type ["root","1","sh -c x; sleep 9"] | {"x":1}`, `body.Processes[1] type ["root","7","rm f"] | {"x":2}`},
		where(compareAnswers(Difference{}, a, b, []string{"body.Processes"})))
}

func TestCompareArraysOfObjectsInAnyOrder(t *testing.T) {
	a := jsonAnswer(t, `{"Mounts":[{"Destination":"/a","Type":"bind"},{"Destination":"/b","Type":"volume"}]}`)
	b := jsonAnswer(t, `{"Mounts":[{"Destination":"/b","Type":"volume"},{"Destination":"/a","Type":"bind"}]}`)
	assert.Empty(t, compareAnswers(Difference{}, a, b, nil))
	b = jsonAnswer(t, `{"Mounts":[{"Destination":"/b","Type":"volume"},{"Destination":"/a","Type":"volume"}]}`)
	assert.Equal(t, []string{`body.Mounts[0].Type value "bind" | "volume"`}, where(compareAnswers(Difference{}, a, b, nil)))
	b = jsonAnswer(t, `{"Mounts":[{"Destination":"/a","Type":"bind"}]}`)
	ds := compareAnswers(Difference{}, a, b, nil)
	require.Len(t, ds, 1)
	assert.Equal(t, "length", ds[0].Kind)

	// Messages of a stream keep their order.
	sa := decoded{"status": json.Number("200"), "kind": kindJSONStream, "body": []any{map[string]any{"stream": "1"}, map[string]any{"stream": "2"}}}
	sb := decoded{"status": json.Number("200"), "kind": kindJSONStream, "body": []any{map[string]any{"stream": "2"}, map[string]any{"stream": "1"}}}
	assert.Len(t, compareAnswers(Difference{}, sa, sb, nil), 2)
}

func TestCompareFramingAndHeaders(t *testing.T) {
	n := newNormaliser(nil, "")
	raw := decode(Answer{Status: 101, Header: map[string][]string{"Content-Type": {"application/vnd.docker.raw-stream"}, "Ostype": {"linux"}},
		Body: []byte("out\nerr\n"), Stream: true, End: "eof"}, n)
	mux := decode(Answer{Status: 101, Header: map[string][]string{"Content-Type": {"application/vnd.docker.raw-stream"}},
		Body: append(frame(1, "out\n"), frame(2, "err\n")...), Stream: true, End: "open"}, n)
	assert.Equal(t, []string{
		`header.Ostype missing "linux" | (absent)`,
		`end value "eof" | "open"`,
		`kind kind "text" | "multiplexed"`,
	}, where(compareAnswers(Difference{}, raw, mux, nil)), "the same bytes: no output difference")

	mux2 := decode(Answer{Status: 101, Header: map[string][]string{"Content-Type": {"application/vnd.docker.raw-stream"}, "Ostype": {"linux"}},
		Body: append(frame(1, "out\n"), frame(1, "more\n")...), Stream: true, End: "eof"}, n)
	assert.Equal(t, []string{
		`kind kind "text" | "multiplexed"`,
		`output value "out\nerr\n" | "out\nmore\n"`,
	}, where(compareAnswers(Difference{}, raw, mux2, nil)))

	mux3 := decode(Answer{Status: 101, Header: map[string][]string{"Content-Type": {"application/vnd.docker.raw-stream"}, "Ostype": {"linux"}},
		Body: append(frame(2, "err\n"), frame(1, "out\n")...), Stream: true, End: "eof"}, n)
	mux4 := decode(Answer{Status: 101, Header: map[string][]string{"Content-Type": {"application/vnd.docker.raw-stream"}, "Ostype": {"linux"}},
		Body: frame(1, "out\n"), Stream: true, End: "eof"}, n)
	assert.Equal(t, []string{`stream.stderr missing "err\n" | (absent)`}, where(compareAnswers(Difference{}, mux3, mux4, nil)))

	none := decode(Answer{Err: "read response: EOF"}, n)
	assert.Equal(t, []string{`kind kind {"error":"read response: EOF","kind":"no-answer"} | {"end":"eof","header":{"Content-Type":"application/vnd.docker.raw-stream","Ostype":"linux"},"kind":"multiplexed","status":101,"stream":{"stdout":"out\n"}}`},
		where(compareAnswers(Difference{}, none, mux4, nil)))
}

func TestSummariesShowWhereLongValuesDiffer(t *testing.T) {
	long := strings.Repeat("x", 500)
	a, b := summaries(`"`+long+`A tail"`, `"`+long+`B tail"`)
	assert.True(t, strings.HasPrefix(a, "..."), a)
	assert.Contains(t, a, "xA tail")
	assert.Contains(t, b, "xB tail")
	assert.Less(t, len(a), 300)
	a, b = summaries("short", "other")
	assert.Equal(t, "short", a)
	assert.Equal(t, "other", b)
}

func TestKnown(t *testing.T) {
	const file = `# comment
exec/* | POST /exec/{{e}}/start | kind | TODO(mock): exec-framing

* | GET /containers/*/json | body.HostConfig.* | dockerd fills HostConfig from its own defaults
never/* | * | * | TODO(mock): nothing
containers/x | * | status | TODO(mock): fixed since
`
	k, err := ParseKnown(strings.NewReader(file), "known.txt")
	require.NoError(t, err)
	require.Len(t, k.Entries, 4)
	assert.Equal(t, 2, k.Entries[0].Line)
	assert.Equal(t, "TODO(mock): exec-framing", k.Entries[0].Reason)

	ds := []Difference{
		{Seq: "exec/tty", Request: "POST /exec/{{e}}/start", Path: "kind"},
		{Seq: "exec/tty", Request: "POST /exec/{{e}}/start", Path: "end"},
		{Seq: "gen/container/001", Request: "GET /containers/{{c}}/json", Path: "body.HostConfig.Memory"},
		{Seq: "exec/tty", Request: "POST /exec/{{e}}/start", Path: "kind", FollowOn: true},
	}
	k.Mark(ds)
	assert.Same(t, k.Entries[0], ds[0].Known)
	assert.Nil(t, ds[1].Known)
	assert.Same(t, k.Entries[1], ds[2].Known)
	assert.Nil(t, ds[3].Known, "follow-on differences need no entry")
	assert.Equal(t, 1, k.Entries[0].Hits)

	// containers/x ran and its entry matched nothing: stale. never/* did not run.
	stale := k.Stale([]string{"exec/tty", "gen/container/001", "containers/x"})
	require.Len(t, stale, 1)
	assert.Equal(t, 6, stale[0].Line)

	res := &Result{Differences: ds}
	assert.Equal(t, 1, res.New())

	for _, bad := range []string{"a | b | c\n", "a |  | c | d\n"} {
		_, err := ParseKnown(strings.NewReader(bad), "k")
		var pe *ParseError
		assert.ErrorAs(t, err, &pe, "%q", bad)
	}
}

func TestGlobMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"*", "a/b.c", true},
		{"exec/*", "exec/tty", true},
		{"exec/*", "attach/tty", false},
		{"body.*.Pid", "body.State.Pid", true},
		{"body.*.Pid", "body.State.PidX", false},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
		{"GET /containers/{{c}}/json", "GET /containers/{{c}}/json", true},
		{"body[*].x", "body[3].x", true},
	} {
		assert.Equal(t, tc.want, globMatch(tc.pattern, tc.s), "%q ~ %q", tc.pattern, tc.s)
	}
}

func TestReportGroupsAndCounts(t *testing.T) {
	known := &KnownEntry{Seq: "*", Request: "*", Path: "body.X", Reason: "TODO(mock): containers", Line: 9}
	res := &Result{
		Ran:      []string{"a/one", "gen/container/001", "gen/container/002"},
		Requests: 12,
		Differences: []Difference{
			{Seq: "gen/container/001", Class: "gen-containers", Step: 2, Request: "GET /containers/{{c}}/json", Path: "body.Mounts[0].Type", Kind: "value", A: `"bind"`, B: `"volume"`},
			{Seq: "gen/container/002", Class: "gen-containers", Step: 2, Request: "GET /containers/{{c}}/json", Path: "body.Mounts[1].Type", Kind: "value", A: `"bind"`, B: `"volume"`},
			{Seq: "a/one", Class: "containers", Step: 3, Request: "GET /containers/{{c2}}/json", Path: "body.X", Kind: "missing", A: "1", B: "(absent)", Known: known},
			{Seq: "a/one", Class: "containers", Step: 4, Request: "GET /containers/{{c2}}/json", Path: "body.Y", Kind: "value", FollowOn: true},
		},
	}
	groups := Groups(res.Differences[:3])
	require.Len(t, groups, 2)
	assert.Equal(t, "GET /containers/{}/json", groups[1].Op)
	assert.Equal(t, "body.Mounts[*].Type", groups[1].Path)
	assert.Equal(t, []string{"gen/container/* (2)"}, groups[1].Seqs())

	var out strings.Builder
	Report(&out, res, ReportOptions{NameA: "real", NameB: "mock", KnownInFull: true})
	s := out.String()
	assert.Contains(t, s, "NEW   GET /containers/{}/json  body.Mounts[*].Type (value)")
	assert.Contains(t, s, "known GET /containers/{}/json  body.X (missing)")
	assert.Contains(t, s, "known (line 9): TODO(mock): containers")
	assert.Contains(t, s, "requests compared: 12\n")
	assert.Contains(t, s, "differences: 3 (known 1, new 2)\n")
	assert.Contains(t, s, "known: 1 to fix in the mock (1 TODO(mock) entries), 0 accepted (0 entries)\n")
	assert.Contains(t, s, "follow-on differences, not listed: 1")
	assert.Contains(t, s, "per class: containers 1 (known), gen-containers 2 (known 0, new 2)\n")
	assert.NotContains(t, s, "body.Y")

	out.Reset()
	Report(&out, res, ReportOptions{NameA: "real", NameB: "mock"})
	assert.Contains(t, out.String(), "known GET /containers/{}/json  body.X (missing) ×1: line 9\n")
	assert.NotContains(t, out.String(), "TODO(mock): containers", "a known group is one line")
}

func TestOperation(t *testing.T) {
	assert.Equal(t, "GET /containers/{}/json", Operation("GET /containers/{{c2}}/json"))
	assert.Equal(t, "DELETE /containers/{}/db", Operation("DELETE /containers/{{name}}-app/db"))
	assert.Equal(t, "GET /_ping", Operation("GET /_ping"))
}
