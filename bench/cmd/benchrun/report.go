package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/dockwire/dockwire/bench/canned"
	"github.com/dockwire/dockwire/bench/internal/build"
)

// report writes the markdown report from the results in dir.
func report(dir, out string) error {
	var r reporter
	r.dir = dir
	var err error
	if r.rt, err = readBench(filepath.Join(dir, "roundtrip.txt")); err != nil {
		return err
	}
	if r.demux, err = readBench(filepath.Join(dir, "demux.txt")); err != nil {
		return err
	}
	var progs []build.Program
	if _, err := readJSON(dir, "sizes", &progs); err != nil {
		return err
	}
	r.sizes = map[string]build.Program{}
	for _, p := range progs {
		r.sizes[p.Task+"/"+p.Client] = p
	}
	if _, err := readJSON(dir, "coldstart", &r.cold); err != nil {
		return err
	}
	if r.hasInstr, err = readJSON(dir, "instructions", &r.instr); err != nil {
		return err
	}
	if r.hasReal, err = readJSON(dir, "real", &r.real); err != nil {
		return err
	}
	r.write()
	return os.WriteFile(out, r.buf.Bytes(), 0o644)
}

type reporter struct {
	dir      string
	buf      bytes.Buffer
	rt       Results
	demux    Results
	sizes    map[string]build.Program
	cold     ColdStart
	instr    Instructions
	hasInstr bool
	real     Real
	hasReal  bool
}

func (r *reporter) p(format string, args ...any) { fmt.Fprintf(&r.buf, format+"\n", args...) }

// file returns a results file's text, trimmed; "" when it is missing.
func (r *reporter) file(name string) string {
	b, _ := os.ReadFile(filepath.Join(r.dir, name))
	return strings.TrimSpace(string(b))
}

// ratio formats a÷b as "0.52×", "—" when either is missing.
func ratio(a, b float64) string {
	if a <= 0 || b <= 0 || math.IsNaN(a) || math.IsNaN(b) {
		return "—"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

// num formats a value with the precision its size needs.
func num(v float64) string {
	switch {
	case v <= 0:
		return "—"
	case v >= 100:
		return commas(int64(math.Round(v)))
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

func commas(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func mib(n int64) string { return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20)) }

var rtOps = []struct{ name, label, records string }{
	{"Ping", "Ping", ""},
	{"ContainerList", "ContainerList (50 containers)", ""},
	{"ContainerInspect", "ContainerInspect", ""},
	{"ImageList", "ImageList", ""},
	{"Events", "Events", "events"},
	{"Stats", "Stats (stream)", "stats"},
	{"ImagePull", "ImagePull progress", "pull"},
}

func rtName(op, client string) string {
	return "BenchmarkRoundTrip/op=" + op + "/client=" + client
}

func (r *reporter) rtm(op, client, unit string) float64 { return r.rt.Median(rtName(op, client), unit) }

func (r *reporter) write() {
	r.header()
	r.summary()
	r.targets()
	r.sizeSection()
	r.coldSection()
	r.roundTripSection()
	r.demuxSection()
	r.realSection()
	r.profileSection()
	r.appendix()
}

func (r *reporter) header() {
	var mods []string
	for _, m := range r.sizes["list/sdk"].Modules {
		if strings.HasPrefix(m, "github.com/moby/moby/") {
			mods = append(mods, "`"+m+"`")
		}
	}
	slices.Reverse(mods) // the client, then the api module it uses
	sdk := strings.Join(mods, " with ")
	if sdk == "" {
		sdk = "`github.com/moby/moby/client`"
	}
	r.p("# Benchmarks")
	r.p("")
	r.p("dockwire beside the official Go SDK (%s) and, where there is one, a floor: the same task", sdk)
	r.p("written with `net/http` and a struct of the few fields a small program reads, or `io.CopyBuffer`")
	r.p("for byte streams. Every figure comes from one run of `bench/run.sh`; ratios are dockwire's figure")
	r.p("divided by the other's, so **below 1× means dockwire uses less**.")
	r.p("")
	r.p("| | |")
	r.p("|---|---|")
	r.p("| date | %s |", r.file("date.txt"))
	r.p("| machine | %s |", machine())
	r.p("| load average (1, 5, 15 min) | %s |", strings.ReplaceAll(r.file("load.txt"), "\n", "<br>"))
	r.p("| Go | %s %s/%s |", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	r.p("| dockwire | %s |", r.file("commit.txt"))
	if r.hasReal {
		r.p("| real daemon (section 5) | dockerd %s, json-file logs |", r.real.Daemon)
	}
	r.p("")
	r.p("The machine is shared with other builds and tests while this runs (see the load average): wall")
	r.p("times are noisy. The CPU time of the client process and, for round trips, the instructions it")
	r.p("executes (cachegrind) are steadier, and are given beside them. Allocation counts do not depend on")
	r.p("load at all.")
	r.p("")
	took := r.file("duration.txt")
	if took == "" {
		took = "unknown"
	}
	r.p("Rerun (from the repository root; this run took %s, the wait for the shared daemon's lock included):", took)
	r.p("")
	r.p("```sh")
	r.p("eval \"$(scripts/dockerd.sh env)\" # optional: DOCKWIRE_REAL_DOCKER_HOST=... enables section 5")
	r.p("bench/run.sh                     # writes BENCHMARKS.md; raw outputs beside run.sh, in results")
	r.p("```")
	r.p("")
}

// machine describes the CPU, cores, memory and kernel.
func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		fmt.Sscanf(strings.TrimPrefix(strings.SplitN(string(b), "\n", 2)[0], "MemTotal:"), "%d", &kb)
		mem = fmt.Sprintf(", %.0f GiB", float64(kb)/(1<<20))
	}
	kernel, _ := exec.Command("uname", "-r").Output()
	return fmt.Sprintf("%s, %d cores%s, Linux %s", model, runtime.NumCPU(), mem, strings.TrimSpace(string(kernel)))
}

func (r *reporter) summary() {
	r.p("## Summary")
	r.p("")
	r.p("| figure | dockwire | SDK | floor | dockwire ÷ SDK | dockwire ÷ floor |")
	r.p("|---|---:|---:|---:|---:|---:|")
	for _, task := range []string{"list", "listtls", "runlogs"} {
		d, s, f := r.sizes[task+"/dockwire"], r.sizes[task+"/sdk"], r.sizes[task+"/floor"]
		if d.Size == 0 {
			continue
		}
		r.p("| %s program, stripped | %s | %s | %s | %s | %s |", taskLabel(task), mib(d.Size), mib(s.Size), mib(f.Size),
			ratio(float64(d.Size), float64(s.Size)), ratio(float64(d.Size), float64(f.Size)))
	}
	if d := r.sizes["list/dockwire"]; d.Size > 0 {
		r.p("| modules linked (list program) | %d | %d | %d | | |", len(d.Modules), len(r.sizes["list/sdk"].Modules), len(r.sizes["list/floor"].Modules))
	}
	if len(r.cold) > 0 {
		c := func(k string) float64 {
			return median(r.cold[k], func(s Sample) float64 { return s.Wall.Seconds() * 1e3 })
		}
		r.p("| cold start to first answered ping, median | %.1f ms | %.1f ms | %.1f ms | %s | %s |", c("dockwire"), c("sdk"), c("floor"),
			ratio(c("dockwire"), c("sdk")), ratio(c("dockwire"), c("floor")))
	}
	for _, op := range []string{"ContainerInspect", "ContainerList"} {
		label := op
		if op == "ContainerList" {
			label = "ContainerList (50)"
		}
		for _, u := range []struct{ unit, label string }{{"allocs/op", "allocs/op"}, {"ns/op", "µs/op"}, {"cpu-ns/op", "client CPU µs/op"}} {
			d, s, f := r.rtm(op, "dockwire", u.unit), r.rtm(op, "sdk", u.unit), r.rtm(op, "floor", u.unit)
			scale := 1.0
			if u.unit != "allocs/op" {
				scale = 1e-3
			}
			r.p("| %s, %s | %s | %s | %s | %s | %s |", label, u.label, num(d*scale), num(s*scale), num(f*scale), ratio(d, s), ratio(d, f))
		}
		if r.hasInstr {
			d, s, f := r.instr[op]["dockwire"], r.instr[op]["sdk"], r.instr[op]["floor"]
			r.p("| %s, instructions/op | %s | %s | %s | %s | %s |", label, num(d), num(s), num(f), ratio(d, s), ratio(d, f))
		}
	}
	for _, op := range []string{"Events", "Stats"} {
		d, s, f := r.rtm(op, "dockwire", "allocs/rec"), r.rtm(op, "sdk", "allocs/rec"), r.rtm(op, "floor", "allocs/rec")
		r.p("| %s decode, allocs/record | %s | %s | %s | %s | %s |", op, num(d), num(s), num(f), ratio(d, s), ratio(d, f))
	}
	if n := "BenchmarkDemux/impl=dockwire/frame=16B"; r.demux.Runs(n) > 0 {
		d, m, c := r.demux.Median(n, "MB/s"), r.demux.Median("BenchmarkDemux/impl=moby/frame=16B", "MB/s"), r.demux.Median("BenchmarkDemux/impl=iocopy/frame=16B", "MB/s")
		r.p("| demux, 16 B frames, MB/s (higher is better) | %s | %s | %s (io.CopyBuffer) | %s | %s |", num(d), num(m), num(c), ratio(d, m), ratio(d, c))
	}
	if r.hasReal {
		w := func(k string) float64 {
			return median(r.real.PS[k], func(s Sample) float64 { return s.Wall.Seconds() * 1e3 })
		}
		r.p("| `ps` end to end, real daemon, median (docker CLI: %.0f ms) | %.1f ms | %.1f ms | %.1f ms | %s | %s |", w("cli"), w("dockwire"), w("sdk"), w("floor"),
			ratio(w("dockwire"), w("sdk")), ratio(w("dockwire"), w("floor")))
		if st := r.real.Streams["logs-4KiB"]; st != nil {
			rss := func(k string) float64 {
				return median(st[k], func(s Sample) float64 { return float64(s.MaxRSSKiB) / 1024 })
			}
			r.p("| peak RSS reading 200 MB of logs (docker CLI: %.1f MiB) | %.1f MiB | %.1f MiB | %.1f MiB | %s | %s |", rss("cli"), rss("dockwire"), rss("sdk"), rss("floor"),
				ratio(rss("dockwire"), rss("sdk")), ratio(rss("dockwire"), rss("floor")))
		}
	}
	r.p("")
}

func taskLabel(task string) string {
	switch task {
	case "list":
		return "list containers (unix socket)"
	case "listtls":
		return "list containers over TLS"
	case "runlogs":
		return "run a container, read its logs"
	case "ping":
		return "ping"
	}
	return task
}

// targets: issue 16's goals for the decode work, against today's figures.
func (r *reporter) targets() {
	r.p("## Targets (issue 16)")
	r.p("")
	r.p("The decode work of issue 16 aims at these ratios to the SDK, measured by section 3's round")
	r.p("trips. A wall-time ratio is given with the CPU-time and instruction ratios beside it: on this")
	r.p("shared machine the wall and CPU ratios move by about ±0.1 from one run to the next, the")
	r.p("instruction ratio by about 0.01, and the allocation ratios not at all.")
	r.p("")
	r.p("| target | today | status |")
	r.p("|---|---:|---|")
	row := func(label string, got, want float64, extra string) {
		status := "—"
		if got > 0 {
			if got <= want {
				status = "met"
			} else {
				status = fmt.Sprintf("missed: needs %.0f%% less", 100*(1-want/got))
			}
		}
		r.p("| %s ≤ %.1f× | %s%s | %s |", label, want, ratio(got, 1), extra, status)
	}
	timeRow := func(op, label string, want float64) {
		got := r.rtm(op, "dockwire", "ns/op") / r.rtm(op, "sdk", "ns/op")
		extra := fmt.Sprintf(" (CPU %s", ratio(r.rtm(op, "dockwire", "cpu-ns/op"), r.rtm(op, "sdk", "cpu-ns/op")))
		if r.hasInstr {
			extra += ", instructions " + ratio(r.instr[op]["dockwire"], r.instr[op]["sdk"])
		}
		row(label, got, want, extra+")")
	}
	allocs := func(op, unit string) float64 { return r.rtm(op, "dockwire", unit) / r.rtm(op, "sdk", unit) }
	row("ContainerInspect allocs/op", allocs("ContainerInspect", "allocs/op"), 0.5, "")
	timeRow("ContainerInspect", "ContainerInspect ns/op", 0.6)
	row("ContainerList (50) allocs/op", allocs("ContainerList", "allocs/op"), 0.6, "")
	timeRow("ContainerList", "ContainerList (50) ns/op", 0.7)
	row("Events decode allocs/record", allocs("Events", "allocs/rec"), 0.5, "")
	row("Stats decode allocs/record", allocs("Stats", "allocs/rec"), 0.5, "")
	r.p("")
}

func (r *reporter) sizeSection() {
	r.p("## 1. Binary size and modules linked")
	r.p("")
	r.p("The same minimal programs (bench/progs), built with `CGO_ENABLED=0 go build -trimpath")
	r.p("-ldflags='-s -w'`; modules linked as `go version -m` lists them. The SDK links TLS whether or")
	r.p("not the host needs it, so its two list programs are the same program.")
	r.p("")
	r.p("| program | dockwire | SDK | floor | dockwire ÷ SDK | dockwire ÷ floor | modules: dockwire / SDK / floor |")
	r.p("|---|---:|---:|---:|---:|---:|---:|")
	for _, task := range []string{"list", "listtls", "runlogs", "ping", "stream"} {
		d, s, f := r.sizes[task+"/dockwire"], r.sizes[task+"/sdk"], r.sizes[task+"/floor"]
		if d.Size == 0 {
			continue
		}
		r.p("| %s (`progs/%s`) | %s | %s | %s | %s | %s | %d / %d / %d |", taskLabel(task), task, mib(d.Size), mib(s.Size), mib(f.Size),
			ratio(float64(d.Size), float64(s.Size)), ratio(float64(d.Size), float64(f.Size)), len(d.Modules), len(s.Modules), len(f.Modules))
	}
	r.p("")
	if s := r.sizes["list/sdk"]; len(s.Modules) > 0 {
		r.p("Modules the SDK's list program links: %s.", "`"+strings.Join(s.Modules, "`, `")+"`")
		r.p("")
		r.p("dockwire's: %s.", "`"+strings.Join(r.sizes["list/dockwire"].Modules, "`, `")+"`")
		r.p("")
	}
}

func (r *reporter) coldSection() {
	if len(r.cold) == 0 {
		return
	}
	n := len(r.cold["dockwire"])
	r.p("## 2. Cold start")
	r.p("")
	r.p("From exec to the line the ping program prints once the daemon answered its first ping")
	r.p("(`progs/ping`, stripped binaries, against the canned server below), %d runs per client taken", n)
	r.p("in turn after one warm-up each; medians. CPU is the user+system time of the whole process.")
	r.p("")
	r.p("| | dockwire | SDK | floor | dockwire ÷ SDK | dockwire ÷ floor |")
	r.p("|---|---:|---:|---:|---:|---:|")
	for _, m := range []struct {
		label string
		f     func(Sample) float64
	}{
		{"wall, ms", func(s Sample) float64 { return s.Wall.Seconds() * 1e3 }},
		{"CPU, ms", func(s Sample) float64 { return s.CPU().Seconds() * 1e3 }},
	} {
		d, s, f := median(r.cold["dockwire"], m.f), median(r.cold["sdk"], m.f), median(r.cold["floor"], m.f)
		r.p("| %s | %.2f | %.2f | %.2f | %s | %s |", m.label, d, s, f, ratio(d, s), ratio(d, f))
	}
	r.p("")
}

func (r *reporter) roundTripSection() {
	rounds := r.rt.Runs(rtName("Ping", "dockwire"))
	if rounds == 0 {
		return
	}
	r.p("## 3. Round trips")
	r.p("")
	r.p("One request and the decode of its whole answer into the client's typed result, over a kept-alive")
	r.p("unix-socket connection (`bench/roundtrip`). The server replays answers recorded from dockerd")
	r.p("20.10 (`bench/capture.sh` → `bench/testdata/canned`: 50 containers labelled like a compose project's")
	r.p("with a port, a volume and env; %d events recorded while they were made and removed; stats", r.recs("events"))
	r.p("records cycled to a %d-record stream; the %d records of a real pull) and runs in a child", r.recs("stats"), r.recs("pull"))
	r.p("process, so the allocations and CPU time are the client's alone. Each client pins API 1.41, and")
	r.p("makes one warm-up round trip first (a kept-alive connection, encoding/json's type cache filled). The")
	r.p("floor decodes into small structs, so it is not a like-for-like client, only the cost of the")
	r.p("transport plus a minimal decode. %d interleaved rounds (`-count 1` each, every op and client in", rounds)
	r.p("turn); medians.")
	r.p("")
	r.p("CPU time counts the kernel's work for the process too (system calls, thread wake-ups); the")
	r.p("instruction counts are user space only. That is why the SDK, whose net/http hands every response")
	r.p("between two goroutines of its connection, is further behind in CPU time than in instructions.")
	r.p("")
	type metric struct {
		title, unit string
		scale       float64
		get         func(op, client string) float64
	}
	metrics := []metric{
		{"Wall time per round trip, µs", "ns/op", 1e-3, nil},
		{"Client CPU time per round trip, µs (user+system of the client process)", "cpu-ns/op", 1e-3, nil},
	}
	if r.hasInstr {
		metrics = append(metrics, metric{"Instructions per round trip (valgrind cachegrind, client process; load-independent)", "", 1,
			func(op, client string) float64 { return r.instr[op][client] }})
	}
	metrics = append(metrics,
		metric{"Allocations per round trip", "allocs/op", 1, nil},
		metric{"Bytes allocated per round trip", "B/op", 1, nil})
	for _, m := range metrics {
		r.p("%s:", m.title)
		r.p("")
		r.p("| op | dockwire | SDK | floor | dockwire ÷ SDK | dockwire ÷ floor |")
		r.p("|---|---:|---:|---:|---:|---:|")
		for _, op := range rtOps {
			get := m.get
			if get == nil {
				get = func(op, client string) float64 { return r.rtm(op, client, m.unit) }
			}
			d, s, f := get(op.name, "dockwire"), get(op.name, "sdk"), get(op.name, "floor")
			r.p("| %s | %s | %s | %s | %s | %s |", op.label, num(d*m.scale), num(s*m.scale), num(f*m.scale), ratio(d, s), ratio(d, f))
		}
		r.p("")
	}
	r.p("Per record of a stream (the op above divided by its records; the request's own cost is spread")
	r.p("over them):")
	r.p("")
	r.p("| stream | allocs/rec: dockwire | SDK | floor | ÷ SDK | B/rec: dockwire | SDK | floor | ÷ SDK | µs/rec: dockwire | SDK | ÷ SDK |")
	r.p("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, op := range rtOps {
		if op.records == "" {
			continue
		}
		g := func(c, u string) float64 { return r.rtm(op.name, c, u) }
		r.p("| %s (%d records) | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |", op.name, r.recs(op.records),
			num(g("dockwire", "allocs/rec")), num(g("sdk", "allocs/rec")), num(g("floor", "allocs/rec")), ratio(g("dockwire", "allocs/rec"), g("sdk", "allocs/rec")),
			num(g("dockwire", "B/rec")), num(g("sdk", "B/rec")), num(g("floor", "B/rec")), ratio(g("dockwire", "B/rec"), g("sdk", "B/rec")),
			num(g("dockwire", "ns/rec")/1e3), num(g("sdk", "ns/rec")/1e3), ratio(g("dockwire", "ns/rec"), g("sdk", "ns/rec")))
	}
	r.p("")
}

// recs returns how many records a canned stream has.
func (r *reporter) recs(name string) int {
	a, err := canned.Load(filepath.Join("testdata", "canned"))
	if err != nil {
		return 0
	}
	return a.Records(name)
}

func (r *reporter) demuxSection() {
	rounds := r.demux.Runs("BenchmarkDemux/impl=dockwire/frame=16B")
	if rounds == 0 {
		return
	}
	r.p("## 4. Demultiplexing stdout/stderr frames")
	r.p("")
	r.p("64 MiB of payload in stdout frames of each size, from memory into `io.Discard`: dockwire's")
	r.p("`mux.Copy`, the SDK's `stdcopy.StdCopy` and, as the ceiling, `io.CopyBuffer` of the same bytes")
	r.p("through a 32 KiB buffer with no framing at all (the root package's BenchmarkDemux; %d rounds,", rounds)
	r.p("medians). MB/s counts wire bytes; CPU is the benchmark thread's own.")
	r.p("")
	r.p("| frames | dockwire MB/s | SDK MB/s | io.CopyBuffer MB/s | dockwire ÷ SDK (time) | dockwire ÷ io.CopyBuffer (time) | CPU dockwire ÷ SDK | allocs/op dockwire / SDK |")
	r.p("|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, fr := range []string{"16B", "1KiB", "32KiB", "1MiB"} {
		g := func(impl, unit string) float64 {
			return r.demux.Median("BenchmarkDemux/impl="+impl+"/frame="+fr, unit)
		}
		r.p("| %s | %s | %s | %s | %s | %s | %s | %s / %s |", frameLabel[fr],
			num(g("dockwire", "MB/s")), num(g("moby", "MB/s")), num(g("iocopy", "MB/s")),
			ratio(g("dockwire", "ns/op"), g("moby", "ns/op")), ratio(g("dockwire", "ns/op"), g("iocopy", "ns/op")),
			ratio(g("dockwire", "cpu-ns/op"), g("moby", "cpu-ns/op")),
			fmt.Sprint(g("dockwire", "allocs/op")), fmt.Sprint(g("moby", "allocs/op")))
	}
	r.p("")
}

var frameLabel = map[string]string{"16B": "16 B", "1KiB": "1 KiB", "32KiB": "32 KiB", "1MiB": "1 MiB"}

func (r *reporter) realSection() {
	r.p("## 5. Against the real daemon")
	r.p("")
	if !r.hasReal {
		r.p("Not measured in this run: DOCKWIRE_REAL_DOCKER_HOST was not set, or the step failed (see")
		r.p("run.sh's output).")
		r.p("")
		return
	}
	r.p("dockerd %s on this machine, shared with other tests while this ran. Each program is a", r.real.Daemon)
	r.p("separate process; wall is exec to exit, CPU is the process's user+system time, and for the")
	r.p("stream reads peak RSS as /usr/bin/time reports it.")
	r.p("")
	ps := func(title string, m map[string][]Sample) {
		if len(m) == 0 {
			return
		}
		r.p("%s, %d runs each, clients in turn; medians:", title, len(m["dockwire"]))
		r.p("")
		r.p("| | dockwire | SDK | floor | docker CLI | dockwire ÷ SDK | dockwire ÷ CLI |")
		r.p("|---|---:|---:|---:|---:|---:|---:|")
		for _, x := range []struct {
			label string
			f     func(Sample) float64
		}{
			{"wall, ms", func(s Sample) float64 { return s.Wall.Seconds() * 1e3 }},
			{"CPU, ms", func(s Sample) float64 { return s.CPU().Seconds() * 1e3 }},
		} {
			d, s, f, c := median(m["dockwire"], x.f), median(m["sdk"], x.f), median(m["floor"], x.f), median(m["cli"], x.f)
			r.p("| %s | %.1f | %.1f | %.1f | %.1f | %s | %s |", x.label, d, s, f, c, ratio(d, s), ratio(d, c))
		}
		r.p("")
	}
	ps("`ps` end to end over the unix socket (`progs/list`: all containers, the count printed; the CLI: `docker ps -a`)", r.real.PS)
	ps("The same over tcp+TLS (`progs/listtls`; the CLI with DOCKER_TLS_VERIFY)", r.real.PSTLS)
	r.p("Stream reads to the end, %d rounds (clients in turn), medians. dockwire and the SDK demultiplex the", len(r.real.Streams["archive"]["dockwire"]))
	r.p("logs; the floor copies the raw frames with `io.CopyBuffer`; the CLI writes them to a pipe (`docker")
	r.p("logs`, `docker cp ... -`).")
	r.p("")
	r.p("| stream | client | wall, s | MB/s | CPU, s | CPU ÷ SDK | peak RSS, MiB |")
	r.p("|---|---|---:|---:|---:|---:|---:|")
	for _, s := range realStreams {
		m := r.real.Streams[s.name]
		sdkCPU := median(m["sdk"], func(s Sample) float64 { return s.CPU().Seconds() })
		for _, c := range []string{"dockwire", "sdk", "floor", "cli"} {
			wall := median(m[c], func(s Sample) float64 { return s.Wall.Seconds() })
			cpu := median(m[c], func(s Sample) float64 { return s.CPU().Seconds() })
			bytes := median(m[c], func(s Sample) float64 { return float64(s.Bytes) })
			mbs := "—"
			if bytes > 0 && wall > 0 {
				mbs = fmt.Sprintf("%.1f", bytes/wall/1e6)
			}
			r.p("| %s | %s | %.2f | %s | %.2f | %s | %.1f |", s.desc, clientLabel(c), wall, mbs, cpu, ratio(cpu, sdkCPU),
				median(m[c], func(s Sample) float64 { return float64(s.MaxRSSKiB) / 1024 }))
		}
	}
	r.p("")
}

func clientLabel(c string) string {
	switch c {
	case "sdk":
		return "SDK"
	case "floor":
		return "floor (io.CopyBuffer)"
	case "cli":
		return "docker CLI"
	}
	return c
}

func (r *reporter) profileSection() {
	var profs map[string]Profile
	if ok, err := readJSON(r.dir, "profiles", &profs); !ok || err != nil {
		return
	}
	r.p("## Where dockwire's client time goes")
	r.p("")
	r.p("Profiles of dockwire's side of the four round trips the targets name: the benchmark above under")
	r.p("`-cpuprofile` (3 s) and `-memprofile -memprofilerate 1` (%d round trips), only the samples under", profileRuns)
	r.p("the measured round trips kept (`-focus=roundTrips -ignore=warmUp`). pprof does not see the tiny")
	r.p("allocations that share a 16-byte block (short strings mostly), so its sites add up to a little less")
	r.p("than the benchmark's allocs/op.")
	r.p("")
	r.p("Share of the round trip's CPU samples spent in each part (a sample can be in two: GC assists")
	r.p("inside a decode):")
	r.p("")
	r.p("| op | JSON decoding (encoding/json, endpoints' generated decoders) | wire's stream record scanner | garbage collector | system calls |")
	r.p("|---|---:|---:|---:|---:|")
	pct := func(v float64) string { return fmt.Sprintf("%.0f%%", 100*v) }
	for _, op := range profileOps {
		p := profs[op.name]
		r.p("| %s | %s | %s | %s | %s |", op.name, pct(p.JSON), pct(p.Scanner), pct(p.GC), pct(p.Syscalls))
	}
	r.p("")
	r.p("Allocation sites, by the function that allocates (flat), per round trip and, for streams, per record:")
	r.p("")
	for _, op := range profileOps {
		p := profs[op.name]
		title := op.name
		if p.Records > 0 {
			title += fmt.Sprintf(" (%d records a round trip)", p.Records)
		}
		r.p("%s:", title)
		r.p("")
		if p.Records > 0 {
			r.p("| site | allocs/op | allocs/record | share |")
			r.p("|---|---:|---:|---:|")
		} else {
			r.p("| site | allocs/op | share |")
			r.p("|---|---:|---:|")
		}
		for i, st := range p.Sites {
			if i == 10 {
				break
			}
			if p.Records > 0 {
				r.p("| `%s` | %s | %.2f | %s |", st.Func, num(st.PerOp), st.PerOp/float64(p.Records), pct(st.Shared))
			} else {
				r.p("| `%s` | %s | %s |", st.Func, num(st.PerOp), pct(st.Shared))
			}
		}
		r.p("")
	}
	r.p("pprof's own tables, and how to make them:")
	r.p("")
	r.p("```sh")
	r.p("cd bench && go test -c -o results/roundtrip.test ./roundtrip && cd roundtrip")
	r.p("sel='^BenchmarkRoundTrip$/^op=ContainerInspect$/^client=dockwire$'")
	r.p("../results/roundtrip.test -test.run '^$' -test.bench \"$sel\" -test.benchtime 3s -test.cpuprofile /tmp/cpu.out")
	r.p("../results/roundtrip.test -test.run '^$' -test.bench \"$sel\" -test.benchtime %dx -test.memprofile /tmp/mem.out -test.memprofilerate 1", profileRuns)
	r.p("go tool pprof -top -sample_index=alloc_objects -focus=roundTrips -ignore=warmUp ../results/roundtrip.test /tmp/mem.out")
	r.p("go tool pprof -top -cum -focus=roundTrips -ignore=warmUp ../results/roundtrip.test /tmp/cpu.out")
	r.p("```")
	r.p("")
	for _, op := range profileOps {
		for _, kind := range []string{"alloc", "cpu"} {
			t := r.file("profile-" + op.name + "-" + kind + ".txt")
			if t == "" {
				continue
			}
			what := fmt.Sprintf("allocations, objects in %d round trips", profileRuns)
			if kind == "cpu" {
				what = "CPU, cumulative"
			}
			r.p("<details><summary>%s: %s</summary>", op.name, what)
			r.p("")
			r.p("```")
			r.p("%s", t)
			r.p("```")
			r.p("</details>")
			r.p("")
		}
	}
}

func (r *reporter) appendix() {
	var blocks []string
	for _, f := range []string{"benchstat-roundtrip.txt", "benchstat-demux.txt"} {
		if t := r.file(f); t != "" {
			blocks = append(blocks, f, t)
		}
	}
	if len(blocks) == 0 {
		return
	}
	r.p("## Appendix: benchstat")
	r.p("")
	r.p("benchstat's view of the same runs (spread and significance), as run.sh prints them.")
	r.p("")
	for i := 0; i < len(blocks); i += 2 {
		r.p("<details><summary>%s</summary>", blocks[i])
		r.p("")
		r.p("```")
		r.p("%s", blocks[i+1])
		r.p("```")
		r.p("</details>")
		r.p("")
	}
	r.p("_Generated %s by bench/run.sh._", time.Now().UTC().Format("2006-01-02 15:04 UTC"))
}
