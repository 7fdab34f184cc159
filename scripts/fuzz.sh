#!/usr/bin/env bash
# Run every go test -fuzz target of the repository, one at a time.
#
#   scripts/fuzz.sh [seconds-per-target] [name-regexp]
#
# Targets: package fuzz/ (the home of the client-side targets), endpoints
# (FuzzDecodeDifferential), internal/jsondec (FuzzDecoder), mockdaemon (FuzzHandler),
# mockdaemon/internal/shell (FuzzParse, FuzzRun) and bench/ (FuzzMatcherDifferential, its
# own module); they are discovered with `go test -list`, so a new target is picked up
# without editing this script. Each runs with -fuzztime <seconds>s (default 8),
# -fuzzminimizetime 3s and -parallel 1 (the machine is shared; a new input's minimization
# counts against its own budget, not the fuzztime). The optional regexp keeps the targets
# whose name matches it.
#
# A failing target fails the script (after the others have run) and the script prints
# where go test wrote the crasher: <package dir>/testdata/fuzz/<Target>/<hash>. Commit it
# with the fix and a test that names it. A bare "context deadline exceeded" with no input is
# Go 1.26's fuzz coordinator race (golang/go#75804), reported but not counted as a failure.
# CI runs `scripts/fuzz.sh 8`; DOCKWIRE_FUZZ_LOG=<file> appends one line per target.
set -uo pipefail
export PATH=/usr/local/go/bin:$PATH
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
secs=${1:-8}
filter=${2:-.}
case $secs in '' | *[!0-9]*) echo "fuzz.sh: seconds must be a whole number, got '$secs'" >&2; exit 2 ;; esac

# module dir : package
pkgs=(
	".:./fuzz"
	".:./endpoints"
	".:./internal/jsondec"
	".:./mockdaemon"
	".:./mockdaemon/internal/shell"
	"bench:."
)

# spurious_deadline OUTPUT: Go 1.26's fuzz coordinator can end a -fuzztime run with a bare
# "context deadline exceeded" failure, no crasher and no failing input (golang/go#75804,
# fixed in Go 1.27); it is a race at the deadline, not a finding. A real failure always
# names an input ("Failing input written to ..."), a hang included.
spurious_deadline() {
	printf '%s\n' "$1" | grep -qxE '[[:space:]]*context deadline exceeded' &&
		! printf '%s\n' "$1" | grep -qE 'Failing input written|panic:|fuzzing process hung|--- FAIL: [^ ]+/'
}

start=$SECONDS
failed=()
ran=0
for entry in "${pkgs[@]}"; do
	mod=${entry%%:*}
	pkg=${entry#*:}
	dir=$ROOT/$mod
	[ -d "$dir/$pkg" ] || continue
	if ! list=$(cd "$dir" && go test -list '^Fuzz' "$pkg" 2>&1); then
		echo "fuzz.sh: cannot list targets of $mod/$pkg:" >&2
		printf '%s\n' "$list" | sed 's/^/    /' >&2
		failed+=("$mod/$pkg (build)")
		continue
	fi
	for f in $(printf '%s\n' "$list" | grep '^Fuzz' | grep -E -- "$filter"); do
		t0=$SECONDS
		out=$(cd "$dir" && go test -run '^$' -fuzz "^$f\$" -fuzztime "${secs}s" -fuzzminimizetime 3s \
			-parallel 1 "$pkg" 2>&1)
		rc=$?
		ran=$((ran + 1))
		last=$(printf '%s\n' "$out" | grep -E '^fuzz: elapsed' | tail -1)
		if [ $rc -ne 0 ] && spurious_deadline "$out"; then
			line="ok   $f ($mod/$pkg) in $((SECONDS - t0)) s: ${last#fuzz: } (stopped by go#75804: bare \"context deadline exceeded\", no crasher)"
			echo "fuzz.sh: $line"
		elif [ $rc -eq 0 ]; then
			line="ok   $f ($mod/$pkg) in $((SECONDS - t0)) s: ${last#fuzz: }"
			echo "fuzz.sh: $line"
		else
			line="FAIL $f ($mod/$pkg) after $((SECONDS - t0)) s"
			echo "fuzz.sh: $line"
			printf '%s\n' "$out" | grep -v '^fuzz: elapsed' | sed 's/^/    /'
			crasher=$(printf '%s\n' "$out" | sed -n 's/.*Failing input written to \(.*\)$/\1/p' | head -1)
			if [ -n "$crasher" ]; then
				pdir=$(cd "$dir" && go list -f '{{.Dir}}' "$pkg")
				echo "fuzz.sh: crasher: $pdir/$crasher"
				echo "fuzz.sh: replay:  (cd $pdir && go test -run '^$f/$(basename "$crasher")\$' .)"
			fi
			failed+=("$f")
		fi
		[ -n "${DOCKWIRE_FUZZ_LOG:-}" ] && echo "$(date -u +%FT%TZ) $line" >>"$DOCKWIRE_FUZZ_LOG"
	done
done

echo "fuzz.sh: $ran targets in $((SECONDS - start)) s, ${#failed[@]} failed"
if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz.sh: failed: ${failed[*]}"
	exit 1
fi
[ $ran -gt 0 ] || { echo "fuzz.sh: no target matched '$filter'" >&2; exit 1; }
