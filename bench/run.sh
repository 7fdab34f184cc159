#!/bin/sh
# run.sh: dockwire's mux.Copy against moby's stdcopy.StdCopy and the
# io.CopyBuffer ceiling, six interleaved rounds, compared with benchstat.
#   ./run.sh [benchtime]      (default 1s; results in results/demux.txt)
set -eu
cd "$(dirname "$0")"
benchtime=${1:-1s}
gobin=$(go env GOPATH)/bin
if ! command -v benchstat >/dev/null 2>&1 && [ ! -x "$gobin/benchstat" ]; then
	go install golang.org/x/perf/cmd/benchstat@latest
fi
benchstat=$(command -v benchstat 2>/dev/null || echo "$gobin/benchstat")
mkdir -p results
go test -c -o results/bench.test .
: > results/demux.txt
for round in 1 2 3 4 5 6; do
	echo "round $round/6" >&2
	./results/bench.test -test.run '^$' -test.bench '^BenchmarkDemux$' \
		-test.benchtime "$benchtime" -test.count 1 >> results/demux.txt
done
echo "== throughput and allocations, by implementation (columns) and frame size (rows)"
"$benchstat" -col /impl -row /frame results/demux.txt
echo
echo "== dockwire vs moby"
"$benchstat" -filter '/impl:(dockwire OR moby)' -col /impl -row /frame results/demux.txt
echo
echo "== dockwire vs the io.CopyBuffer ceiling"
"$benchstat" -filter '/impl:(dockwire OR iocopy)' -col /impl -row /frame results/demux.txt
