#!/usr/bin/env bash
# Run moby's own integration suite (github.com/docker/docker, integration/<pkg>) against the
# mock daemon and against a real dockerd, both at one API version, and list the tests that
# pass on the real daemon but fail on the mock: the mock's divergences, as the Go SDK's own
# suite sees them.
#
#   scripts/mobysuite.sh [-v VERSION] [-r REGEXP] mock|real|diff PKG...
#
#   mock   build cmd/mockdockerd, start a fresh one per package (-api-version, the suite's
#          frozen images present), run the package's tests against it
#   real   run them against DOCKWIRE_REAL_DOCKER_HOST (scripts/dockerd.sh up); the frozen
#          images the suite wants (busybox:latest, busybox:glibc, hello-world:frozen, ...)
#          are tagged from DOCKWIRE_REAL_IMAGE first and untagged after, so it never pulls
#   diff   print, per package, the tests (and subtests) that passed on real and failed on
#          the mock in the last runs of both
#   PKG    container image network volume system build ... (directories of integration/)
#
# -v sets the API version of both (DOCKER_API_VERSION; default 1.41, dockerd 20.10's), -r
# runs only the tests matching REGEXP. Results go to $MOBYSUITE_DIR (default
# /tmp/dockwire-mobysuite): <side>_<pkg>.out, the test binaries, and the suite's source.
#
# Left out of every run: the tests that start daemons of their own (daemon.New, swarm), pull
# or push (they would reach docker.io), or need a registry or a hub login; the rest run as
# the suite runs them. The suite's Clean() removes everything not present when each test
# starts: on a shared real daemon, run it under `flock /tmp/dockwire-real.lock`.
#
# Needs: the Go module proxy (the suite's module and its dependencies, pinned by its
# vendor.mod; the first build takes a few minutes). Not part of CI: a tool to find the next
# divergence.
set -euo pipefail
export PATH=/usr/local/go/bin:$PATH
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MOBY_VERSION=v28.5.2+incompatible
DIR=${MOBYSUITE_DIR:-/tmp/dockwire-mobysuite}
API=1.41
RUN=
while getopts "v:r:" o; do
	case $o in
	v) API=$OPTARG ;;
	r) RUN=$OPTARG ;;
	*) sed -n '2,28p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || { sed -n '2,28p' "$0" >&2; exit 2; }
side=$1
shift
FROZEN="busybox:latest busybox:glibc hello-world:frozen debian:bookworm-slim hello-world:amd64 hello-world:arm64"
mkdir -p "$DIR"

# source: the module tree, built in module mode with its vendor.mod as go.mod
source_tree() {
	[ -f "$DIR/src/go.mod" ] && return
	local mod
	mod=$(cd "$ROOT" && GOFLAGS=-mod=mod go mod download -json "github.com/docker/docker@$MOBY_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	[ -d "$mod" ] || { echo "mobysuite: cannot download github.com/docker/docker@$MOBY_VERSION" >&2; exit 1; }
	rm -rf "$DIR/src"
	cp -r "$mod" "$DIR/src"
	chmod -R u+w "$DIR/src"
	rm -rf "$DIR/src/vendor"
	cp "$DIR/src/vendor.mod" "$DIR/src/go.mod"
	cp "$DIR/src/vendor.sum" "$DIR/src/go.sum"
}

binary() {
	local p=$1
	[ -x "$DIR/$p.test" ] && return
	source_tree
	echo "mobysuite: building integration/$p" >&2
	(cd "$DIR/src" && GOFLAGS=-mod=mod go test -c -o "$DIR/$p.test" "./integration/$p" 2>&1 | grep -v '^go: downloading' >&2) || true
	[ -x "$DIR/$p.test" ] || { echo "mobysuite: integration/$p did not build" >&2; exit 1; }
}

# skips: the tests of PKG whose body starts a daemon, pulls, pushes or logs in, and those
# that need the hub or a registry of the suite's own
skips() {
	local p=$1 f
	{
		for f in "$DIR/src/integration/$p"/*_test.go; do
			awk '/^func Test/ { name = $2; sub(/\(.*/, "", name) }
				/daemon\.New\(|ImagePull|ImagePush|RegistryLogin|registry\.New|fakestorage|fakegit|HasHubConnectivity/ { if (name != "") print name }' "$f"
		done
		printf '%s\n' '^TestDaemon' '^TestCgroupNamespaces' 'Swarm' 'Service'
	} | sort -u | paste -sd'|'
}

run_pkg() { # run_pkg SIDE PKG DOCKER_HOST
	local side=$1 p=$2 host=$3 out="$DIR/$1_$2.out"
	(cd "$DIR/src/integration/$p" && DOCKER_HOST=$host DOCKER_API_VERSION=$API \
		timeout 1200 "$DIR/$p.test" -test.v -test.timeout 1100s -test.skip "$(skips "$p")" ${RUN:+-test.run "$RUN"} >"$out" 2>&1) || true
	echo "mobysuite: $side $p: $(grep -cE '^--- PASS' "$out") passed, $(grep -cE '^--- FAIL' "$out") failed, $(grep -cE '^--- SKIP' "$out") skipped ($out)"
}

case $side in
mock)
	for p in "$@"; do binary "$p"; done
	(cd "$ROOT" && go build -o "$DIR/mockdockerd" ./cmd/mockdockerd)
	for p in "$@"; do
		sock=$DIR/mock-$p.sock
		rm -f "$sock"
		"$DIR/mockdockerd" -H "unix://$sock" -api-version "$API" -images "$(echo $FROZEN | tr ' ' ,)" >"$DIR/mockdockerd-$p.log" 2>&1 &
		pid=$!
		for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
		run_pkg mock "$p" "unix://$sock"
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	;;
real)
	[ -n "${DOCKWIRE_REAL_DOCKER_HOST:-}" ] || { echo "mobysuite: DOCKWIRE_REAL_DOCKER_HOST is not set (scripts/dockerd.sh up)" >&2; exit 2; }
	for p in "$@"; do binary "$p"; done
	image=${DOCKWIRE_REAL_IMAGE:-busybox:dockwire}
	untag() { for t in $FROZEN; do DOCKER_HOST=$DOCKWIRE_REAL_DOCKER_HOST docker rmi "$t" >/dev/null 2>&1 || true; done; }
	trap untag EXIT
	for t in $FROZEN; do DOCKER_HOST=$DOCKWIRE_REAL_DOCKER_HOST docker tag "$image" "$t"; done
	for p in "$@"; do run_pkg real "$p" "$DOCKWIRE_REAL_DOCKER_HOST"; done
	;;
diff)
	for p in "$@"; do
		for s in real mock; do [ -f "$DIR/${s}_$p.out" ] || { echo "mobysuite: no $s run of $p" >&2; exit 2; }; done
		n=$(comm -12 <(grep -E '^\s*--- PASS' "$DIR/real_$p.out" | awk '{print $3}' | sort -u) \
			<(grep -E '^\s*--- FAIL' "$DIR/mock_$p.out" | awk '{print $3}' | sort -u) | tee "$DIR/diff_$p.txt" | wc -l)
		echo "mobysuite: $p: $n test(s) pass on the real daemon and fail on the mock ($DIR/diff_$p.txt)"
		grep -v / "$DIR/diff_$p.txt" | sed 's/^/  /' || true
	done
	;;
*) sed -n '2,28p' "$0" >&2; exit 2 ;;
esac
