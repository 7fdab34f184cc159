package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"text/tabwriter"
)

// targetTests maps a target to the test (and subtest prefix) that runs the
// suite against it.
var targetTests = []struct{ target, test, prefix string }{
	{"mock-newest", "TestMock", "TestMock/max=newest/"},
	{"mock-1.41", "TestMock", "TestMock/max=1.41/"},
	{"real", "TestReal", "TestReal/"},
	{"podman", "TestPodman", "TestPodman/"},
}

// coverageTest is TestMock's coverage case: it belongs to both mock
// targets together and is reported on its own line.
const coverageTest = "TestMock/coverage/operations/all-exercised"

func knownTargets() []string {
	var out []string
	for _, t := range targetTests {
		out = append(out, t.target)
	}
	return out
}

func testOf(target string) string {
	for _, t := range targetTests {
		if t.target == target {
			return t.test
		}
	}
	return ""
}

// defaultTargets is the mocks, plus real and podman when their variables
// are set.
func defaultTargets(getenv func(string) string) []string {
	out := []string{"mock-newest", "mock-1.41"}
	if getenv("DOCKWIRE_REAL_DOCKER_HOST") != "" {
		out = append(out, "real")
	}
	if getenv("DOCKWIRE_PODMAN_HOST") != "" {
		out = append(out, "podman")
	}
	return out
}

// runPattern is the go test -run pattern for targets' tests.
func runPattern(targets []string) string {
	var tests []string
	for _, tg := range targets {
		if t := testOf(tg); t != "" && !slices.Contains(tests, t) {
			tests = append(tests, t)
		}
	}
	return "^(" + strings.Join(tests, "|") + ")$"
}

// Result is one test's outcome.
type Result struct {
	Action string // pass, fail, skip
	// Reason is a skip's reason, or a failure's whole cause: every message
	// the test printed, one a line, testify's blocks without the stack
	// and test name.
	Reason string
}

// Report is what a go test -json run said.
type Report struct {
	// Results by full test name ("TestMock/max=1.41/system/ping/ok").
	Results map[string]Result
	// Order is the test names in the order they started.
	Order []string
	// Output holds each test's own output lines, without === / --- lines.
	Output map[string][]string
	// raw holds each test's output lines as printed, for its cause.
	raw map[string][]string
	// BuildOutput is output not tied to a test (build errors, panics).
	BuildOutput string
}

type event struct {
	Action string
	Test   string
	Output string
}

// Parse reads go test -json events. Lines that are not JSON (go test's own
// messages) go to BuildOutput.
func Parse(r io.Reader) (*Report, error) {
	rep := &Report{Results: map[string]Result{}, Output: map[string][]string{}, raw: map[string][]string{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	var build strings.Builder
	for sc.Scan() {
		line := sc.Bytes()
		var ev event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &ev) != nil {
			build.Write(line)
			build.WriteByte('\n')
			continue
		}
		if ev.Test == "" {
			if ev.Action == "output" {
				build.WriteString(ev.Output)
			}
			continue
		}
		switch ev.Action {
		case "run":
			if _, ok := rep.Output[ev.Test]; !ok {
				rep.Order = append(rep.Order, ev.Test)
				rep.Output[ev.Test] = nil
			}
		case "output":
			if msg := message(ev.Output); msg != "" {
				rep.Output[ev.Test] = append(rep.Output[ev.Test], msg)
			}
			rep.raw[ev.Test] = append(rep.raw[ev.Test], ev.Output)
		case "pass", "fail", "skip":
			res := Result{Action: ev.Action}
			switch ev.Action {
			case "skip":
				res.Reason = lastMessage(rep.Output[ev.Test])
			case "fail":
				res.Reason = cause(rep.raw[ev.Test])
			}
			rep.Results[ev.Test] = res
			if _, ok := rep.Output[ev.Test]; !ok {
				rep.Order = append(rep.Order, ev.Test)
			}
		}
	}
	rep.BuildOutput = build.String()
	return rep, sc.Err()
}

var (
	framing = regexp.MustCompile(`^\s*(=== (RUN|PAUSE|CONT|NAME)|--- (PASS|FAIL|SKIP):)`)
	fileLoc = regexp.MustCompile(`^\s*[\w.-]+\.go:\d+: `)
)

// message returns an output line without its file:line prefix, or "" for
// go test's framing lines.
func message(out string) string {
	out = strings.TrimRight(out, "\n")
	if framing.MatchString(out) || strings.TrimSpace(out) == "" {
		return ""
	}
	return strings.TrimSpace(fileLoc.ReplaceAllString(out, ""))
}

// lastMessage is a skip's reason: t.Skip logs last.
func lastMessage(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return lines[len(lines)-1]
}

// testifyLabel is a label line of a testify failure block.
var testifyLabel = regexp.MustCompile(`^\s+(Error Trace|Error|Test|Messages):\s*(.*)$`)

// cause is a failure's whole cause from its raw output lines: every
// message, one a line, a message's own continuation lines indented below
// it. A testify block (assert/require) becomes its Messages, then its Error
// with the expected, actual and diff lines below; its Error Trace and Test
// lines, which locate the failure rather than explain it, are left out.
func cause(raw []string) string {
	var out []string
	var block struct {
		on             bool
		label          string
		messages, errs []string
	}
	flush := func() {
		if !block.on {
			return
		}
		head := ""
		if len(block.messages) > 0 {
			head = strings.Join(block.messages, " ") + ": "
		}
		if len(block.errs) > 0 {
			out = append(out, head+block.errs[0])
			for _, l := range block.errs[1:] {
				out = append(out, "  "+l)
			}
		} else if head != "" {
			out = append(out, strings.TrimSuffix(head, ": "))
		}
		block.on, block.label, block.messages, block.errs = false, "", nil, nil
	}
	for _, l := range raw {
		l = strings.TrimRight(l, "\n")
		if framing.MatchString(l) || strings.TrimSpace(l) == "" {
			continue
		}
		if loc := fileLoc.FindString(l); loc != "" {
			flush()
			msg := strings.TrimSpace(l[len(loc):])
			if msg == "" {
				block.on = true // testify's block starts on the next line
				continue
			}
			out = append(out, msg)
			continue
		}
		if block.on {
			if m := testifyLabel.FindStringSubmatch(l); m != nil {
				block.label = m[1]
				l = m[2]
			}
			t := strings.TrimSpace(l)
			switch block.label {
			case "Error":
				if t != "" || len(block.errs) > 0 {
					block.errs = append(block.errs, t)
				}
			case "Messages":
				if t != "" {
					block.messages = append(block.messages, t)
				}
			}
			continue
		}
		// A continuation line of the message before.
		out = append(out, "  "+strings.TrimSpace(l))
	}
	flush()
	return strings.Join(out, "\n")
}

// scenarios returns the suite's scenario names in order, with each
// target's result for it.
func (r *Report) scenarios(targets []string) ([]string, map[string]map[string]Result) {
	var names []string
	byName := map[string]map[string]Result{}
	for _, test := range r.Order {
		res, ok := r.Results[test]
		if !ok {
			continue
		}
		for _, tt := range targetTests {
			if !slices.Contains(targets, tt.target) || !strings.HasPrefix(test, tt.prefix) {
				continue
			}
			name := strings.TrimPrefix(test, tt.prefix)
			if strings.Count(name, "/") < 2 {
				continue // an intermediate level, not a scenario
			}
			if byName[name] == nil {
				byName[name] = map[string]Result{}
				names = append(names, name)
			}
			byName[name][tt.target] = res
		}
	}
	return names, byName
}

// Failed reports whether any scenario of targets (or the coverage check)
// failed, or a target's test failed without any scenario failing.
func (r *Report) Failed(targets []string) bool {
	names, byName := r.scenarios(targets)
	for _, n := range names {
		for _, res := range byName[n] {
			if res.Action == "fail" {
				return true
			}
		}
	}
	if res, ok := r.Results[coverageTest]; ok && res.Action == "fail" {
		return true
	}
	for _, tg := range targets {
		if res, ok := r.Results[testOf(tg)]; ok && res.Action == "fail" && !r.anyScenario(tg) {
			return true
		}
	}
	return false
}

func (r *Report) anyScenario(target string) bool {
	names, byName := r.scenarios([]string{target})
	for _, n := range names {
		if _, ok := byName[n][target]; ok {
			return true
		}
	}
	return false
}

const maxReason = 60

func cell(res Result, ok bool) string {
	if !ok {
		return "-"
	}
	switch res.Action {
	case "pass":
		return "pass"
	case "fail":
		return "FAIL"
	default:
		rs, _, _ := strings.Cut(res.Reason, "\n")
		if len(rs) > maxReason {
			rs = rs[:maxReason-3] + "..."
		}
		return "skip(" + rs + ")"
	}
}

// Write prints the table, the failures, the coverage line and one summary
// line per target.
func (r *Report) Write(w io.Writer, targets []string) {
	names, byName := r.scenarios(targets)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "scenario\t%s\n", strings.Join(targets, "\t"))
	for _, n := range names {
		row := []string{n}
		for _, tg := range targets {
			res, ok := byName[n][tg]
			row = append(row, cell(res, ok))
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	tw.Flush()

	var fails []string
	for _, n := range names {
		for _, tg := range targets {
			if res, ok := byName[n][tg]; ok && res.Action == "fail" {
				cause := strings.ReplaceAll(res.Reason, "\n", "\n      ")
				fails = append(fails, fmt.Sprintf("  %s [%s]: %s", n, tg, cause))
			}
		}
	}
	if len(fails) > 0 {
		fmt.Fprintln(w, "\nfailures:")
		for _, f := range fails {
			fmt.Fprintln(w, f)
		}
	}
	if res, ok := r.Results[coverageTest]; ok && (slices.Contains(targets, "mock-newest") || slices.Contains(targets, "mock-1.41")) {
		fmt.Fprintln(w)
		for _, l := range r.Output[coverageTest] {
			if strings.HasPrefix(l, "operations exercised") {
				fmt.Fprintf(w, "coverage (mock request log): %s, %s\n", l, res.Action)
			}
		}
		if res.Action != "pass" {
			for _, l := range strings.Split(res.Reason, "\n") {
				if l != "" && !strings.HasPrefix(l, "operations exercised") {
					fmt.Fprintf(w, "coverage: %s\n", l)
				}
			}
		}
	}
	fmt.Fprintln(w)
	for _, tg := range targets {
		var pass, fail, skip int
		for _, n := range names {
			switch byName[n][tg].Action {
			case "pass":
				pass++
			case "fail":
				fail++
			case "skip":
				skip++
			}
		}
		line := fmt.Sprintf("conformance %s: %d passed, %d failed, %d skipped", tg, pass, fail, skip)
		if res, ok := r.Results[testOf(tg)]; ok && res.Action == "skip" && pass+fail+skip == 0 {
			line += " (not run: " + res.Reason + ")"
		} else if ok && res.Action == "fail" && pass+fail+skip == 0 {
			line += " (the suite did not start: " + strings.ReplaceAll(res.Reason, "\n", "; ") + ")"
		}
		fmt.Fprintln(w, line)
	}
}
