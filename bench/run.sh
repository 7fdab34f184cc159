#!/usr/bin/env bash
# run.sh: every figure of BENCHMARKS.md in one bounded run (about 9 minutes on 2 cores, plus the
# wait for the shared daemon's lock; under 15 in any case), then the report at the repository root.
#
#   bench/run.sh                  everything; section 5 when DOCKWIRE_REAL_DOCKER_HOST is set
#   ROUNDS=3 bench/run.sh         fewer interleaved rounds (default 6)
#
# Steps (raw outputs in the results directory beside this script, made here, not committed):
#   1. sizes         the programs of bench/progs built stripped; `go version -m` of each
#   2. cold start    exec to first answered ping, 41 runs per client, against the canned server
#   3+4. rounds      ROUNDS x (BenchmarkRoundTrip, then BenchmarkDemux), -count 1 each, so that
#                    dockwire, the SDK and the floor take turns under the same load; benchstat
#   3'. cachegrind   instructions per round trip (valgrind; skipped without it)
#   3". profiles     CPU and allocation profiles of dockwire's ContainerInspect, ContainerList,
#                    Events and Stats round trips (pprof -top tables)
#   5. real daemon   `ps`, 200 MB logs and archive reads, under flock /tmp/dockwire-real.lock
#   report           bench/cmd/benchrun report -> ../BENCHMARKS.md
set -euo pipefail
export PATH=/usr/local/go/bin:$PATH
cd "$(dirname "$0")"
rounds=${ROUNDS:-6}
R=results
rm -rf "$R"
mkdir -p "$R/prof"
t0=$SECONDS
say() { printf 'run.sh: [%3d s] %s\n' $((SECONDS - t0)) "$*" >&2; }
load() { printf '%s: %s\n' "$1" "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$R/load.txt"; }

date -u '+%Y-%m-%d %H:%M UTC' >"$R/date.txt"
git log -1 --format='%h (%cs) %s' | cut -c1-100 >"$R/commit.txt"
load "start"

say "building"
go build -o "$R/benchrun" ./cmd/benchrun
go test -c -o "$R/roundtrip.test" ./roundtrip
go test -c -o "$R/bench.test" .

say "1. sizes"
"$R/benchrun" sizes -results "$R"

say "2. cold start"
"$R/benchrun" coldstart -results "$R" -runs 41
load "after cold start"

# Round trips run from their package directory (they read ../testdata/canned).
for round in $(seq "$rounds"); do
	say "3+4. round $round/$rounds"
	(cd roundtrip && "../$R/roundtrip.test" -test.run '^$' -test.bench '^BenchmarkRoundTrip$' \
		-test.benchtime 0.4s -test.count 1) >>"$R/roundtrip.txt"
	"$R/bench.test" -test.run '^$' -test.bench '^BenchmarkDemux$' -test.benchtime 0.4s -test.count 1 >>"$R/demux.txt"
done
load "after the rounds"
go tool benchstat -col /client -row /op "$R/roundtrip.txt" >"$R/benchstat-roundtrip.txt"
go tool benchstat -col /impl -row /frame "$R/demux.txt" >"$R/benchstat-demux.txt"

if command -v valgrind >/dev/null; then
	say "3'. instructions (cachegrind)"
	"$R/benchrun" instructions -results "$R"
else
	say "3'. instructions skipped: no valgrind (apt-get install valgrind)"
fi

say "3\". profiles"
"$R/benchrun" profile -results "$R"

if [ -n "${DOCKWIRE_REAL_DOCKER_HOST:-}" ]; then
	say "5. real daemon (waiting for /tmp/dockwire-real.lock)"
	load "before the real daemon"
	flock /tmp/dockwire-real.lock "$R/benchrun" real -results "$R" -rounds 3 ||
		say "5. real daemon: failed (above); the report leaves section 5 out"
else
	say "5. real daemon skipped: DOCKWIRE_REAL_DOCKER_HOST is not set"
fi
load "end"
echo "$(((SECONDS - t0 + 30) / 60)) minutes" >"$R/duration.txt"

"$R/benchrun" report -results "$R" -o ../BENCHMARKS.md
say "wrote BENCHMARKS.md"
