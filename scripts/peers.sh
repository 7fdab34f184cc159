#!/usr/bin/env bash
# Run real Docker clients' scenarios against the mock daemon (cmd/mockdockerd) or a real dockerd.
#
#   scripts/peers.sh [--real] cli|py|pysuite|node|clisuite|nodesuite|all
#
#   cli        peers/cli_scenarios.sh with the docker CLI on PATH
#   py         peers/dockerpy_scenarios.py with Debian's python3-docker
#              (/usr/bin/python3; apt-get installs python3-docker when missing)
#   pysuite    peers/dockerpy_suite.py (docker-py's own integration tests, retold) with the
#              same python3-docker
#   node       peers/dockerode/scenarios.js (npm ci when node_modules is missing)
#   clisuite   peers/cli_suite.sh: the docker CLI's e2e behaviours
#   nodesuite  peers/dockerode/suite.js: what dockerode's own tests and docker-modem rely on
#   all        the six (against the mock side by side, each with its own mock; against the
#              real daemon one after the other)
#
# The CLI and dockerode suites push to a registry that needs basic auth: against the real
# daemon the one of DOCKWIRE_AUTH_REGISTRY (scripts/registry.sh up; the push checks are
# skipped without it), against the mock one it emulates (mockdockerd -registry).
#
# Against the mock (the default): builds cmd/mockdockerd, starts a fresh one per client on a
# unix socket in a temp dir, runs the scenario with DOCKER_HOST pointing at it, stops it, and
# judges the output against peers/known-mock-failures.txt (a line per check that today's mock
# is known to fail, with its TODO(mock) class):
#   - a failure the list names is expected;
#   - a failure it does not name fails this script;
#   - a listed check that passes is reported "fixed: remove it from the list" (not fatal;
#     entries whose reason starts with "intermittent:" are not reported when they pass);
#   - a listed check the scenario did not run is reported stale (not fatal).
#
# With --real: runs against the real daemon of DOCKWIRE_REAL_DOCKER_HOST (scripts/dockerd.sh
# up prints it) with the image DOCKWIRE_REAL_IMAGE (default busybox:dockwire); every check must
# pass, the list is not read. The real daemon is shared state (swarm init, prunes by label):
# on a daemon others use too, run it under `flock /tmp/dockwire-real.lock`.
#
# Exits non-zero when a client's run failed as described above.
set -euo pipefail
export PATH=/usr/local/go/bin:$PATH
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KNOWN=$ROOT/peers/known-mock-failures.txt

real=
if [ "${1:-}" = --real ]; then
	real=1
	shift
fi
what=${1:-cli}
case $what in
cli | py | pysuite | node | clisuite | nodesuite) clients=("$what") ;;
all) clients=(cli py pysuite node clisuite nodesuite) ;;
*)
	echo "usage: scripts/peers.sh [--real] cli|py|pysuite|node|clisuite|nodesuite|all" >&2
	exit 2
	;;
esac

# prepare CLIENT: install what the client needs, before any daemon starts.
prepare() {
	case $1 in
	cli | clisuite)
		command -v docker >/dev/null || { echo "peers: the docker CLI is not on PATH" >&2; return 1; }
		command -v script >/dev/null || { echo "peers: script(1) (util-linux) is not on PATH" >&2; return 1; }
		;;
	py | pysuite)
		if ! /usr/bin/python3 -c 'import docker' 2>/dev/null; then
			echo "peers: installing python3-docker" >&2
			apt-get install -y python3-docker >&2 || { apt-get update >&2 && apt-get install -y python3-docker >&2; }
		fi
		;;
	node | nodesuite)
		command -v node >/dev/null || { echo "peers: node is not on PATH" >&2; return 1; }
		if [ ! -d "$ROOT/peers/dockerode/node_modules/dockerode" ]; then
			echo "peers: npm ci in peers/dockerode" >&2
			(cd "$ROOT/peers/dockerode" && npm ci --ignore-scripts --no-audit --no-fund >&2)
		fi
		;;
	esac
}

# scenario CLIENT: run CLIENT's scenario against DOCKER_HOST with PEERS_IMAGE.
scenario() {
	case $1 in
	cli) PEERS_CHECK_TIMEOUT=${PEERS_CHECK_TIMEOUT:-30} bash "$ROOT/peers/cli_scenarios.sh" ;;
	py) timeout 600 /usr/bin/python3 "$ROOT/peers/dockerpy_scenarios.py" ;;
	pysuite) timeout 600 /usr/bin/python3 "$ROOT/peers/dockerpy_suite.py" ;;
	node) (cd "$ROOT/peers/dockerode" && timeout 600 node scenarios.js) ;;
	clisuite) PEERS_CHECK_TIMEOUT=${PEERS_CHECK_TIMEOUT:-30} timeout 600 bash "$ROOT/peers/cli_suite.sh" ;;
	nodesuite) (cd "$ROOT/peers/dockerode" && timeout 600 node suite.js) ;;
	esac
}

# judge CLIENT OUTPUT: the verdict on a mock run's output, by peers/known-mock-failures.txt.
judge() {
	awk -v client="$1" -v known="$KNOWN" '
	BEGIN {
		while ((getline line < known) > 0) {
			if (line ~ /^[ \t]*(#|$)/) continue
			n = split(line, f, /[ \t]+/)
			if (n < 3) { printf "peers: %s: malformed line: %s\n", known, line; bad = 1; continue }
			if (f[1] != client) continue
			reason = line
			sub(/^[^ \t]+[ \t]+[^ \t]+[ \t]+/, "", reason)
			listed[f[2]] = reason
		}
	}
	/^PASS / { seen[$2] = 1; pass++; if (($2 in listed) && listed[$2] !~ /^intermittent:/) fixed[$2] = 1 }
	/^FAIL / {
		name = $2; sub(/:$/, "", name); seen[name] = 1; fail++
		if (name in listed) expected++
		else unexpected[name] = $0
	}
	/^[0-9]+ passed, [0-9]+ failed$/ { summary = 1 }
	END {
		for (n in unexpected) { printf "peers: %s: UNEXPECTED %s\n", client, unexpected[n]; nu++ }
		for (n in fixed) printf "peers: %s: fixed, remove it from peers/known-mock-failures.txt: %s %s\n", client, client, n
		for (n in listed) if (!(n in seen)) printf "peers: %s: stale, not run: remove it from peers/known-mock-failures.txt: %s %s\n", client, client, n
		if (!summary) { printf "peers: %s: the scenario printed no summary line (it crashed)\n", client; bad = 1 }
		printf "peers: %s vs mock: %d checks, %d passed, %d failed: %d expected (known-mock-failures.txt), %d unexpected\n", client, pass + fail, pass, fail, expected, nu
		exit (bad || nu) ? 1 : 0
	}' "$2"
}

tmp=$(mktemp -d /tmp/dockwire-peers.XXXXXX)
mocks=() jobs_=()
cleanup() {
	local p
	for p in "${jobs_[@]}" "${mocks[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${jobs_[@]}" "${mocks[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

for c in "${clients[@]}"; do prepare "$c"; done

rc=0
if [ -n "$real" ]; then
	# One client after the other: they share the daemon's swarm and its event buffer.
	[ -n "${DOCKWIRE_REAL_DOCKER_HOST:-}" ] || {
		echo "peers: DOCKWIRE_REAL_DOCKER_HOST is not set (eval \"\$(scripts/dockerd.sh up)\")" >&2
		exit 2
	}
	unset DOCKER_TLS_VERIFY DOCKER_CERT_PATH DOCKER_CONTEXT DOCKER_API_VERSION
	export DOCKER_HOST=$DOCKWIRE_REAL_DOCKER_HOST PEERS_IMAGE=${DOCKWIRE_REAL_IMAGE:-busybox:dockwire}
	export PEERS_REGISTRY=${DOCKWIRE_AUTH_REGISTRY:-} PEERS_REGISTRY_USER=${DOCKWIRE_AUTH_REGISTRY_USER:-}
	export PEERS_REGISTRY_PASSWORD=${DOCKWIRE_AUTH_REGISTRY_PASSWORD:-}
	for c in "${clients[@]}"; do
		crc=0
		scenario "$c" | tee "$tmp/$c.out" || crc=$?
		if ! grep -qE '^[0-9]+ passed, [0-9]+ failed$' "$tmp/$c.out"; then
			echo "peers: $c vs real: the scenario printed no summary line (it crashed)"
			crc=1
		fi
		echo "peers: $c vs real: $(grep -c '^PASS ' "$tmp/$c.out") passed, $(grep -c '^FAIL ' "$tmp/$c.out") failed (all must pass)"
		[ $crc -eq 0 ] || rc=1
	done
	exit $rc
fi

# Against the mock: a fresh mockdockerd per client, the clients side by side (each has its own
# daemon; most of a mock run is waiting), their outputs printed one after the other.
(cd "$ROOT" && go build -o "$tmp/mockdockerd" ./cmd/mockdockerd)
# The suites' registry, emulated by the mock (it never listens on the port).
export PEERS_REGISTRY=127.0.0.1:5999 PEERS_REGISTRY_USER=suite PEERS_REGISTRY_PASSWORD=suite-pw
for c in "${clients[@]}"; do
	# the suites hold the mock to dockerd 20.10's answers: their mock serves API 1.41 at most,
	# as the real daemon of --real does (the clients negotiate the newest the daemon offers)
	args=()
	case $c in *suite) args=(-api-version 1.41) ;; esac
	"$tmp/mockdockerd" -H "unix://$tmp/$c.sock" "${args[@]}" -registry "$PEERS_REGISTRY=$PEERS_REGISTRY_USER:$PEERS_REGISTRY_PASSWORD" >"$tmp/mockdockerd-$c.log" 2>&1 &
	mocks+=($!)
done
for c in "${clients[@]}"; do
	for _ in $(seq 100); do [ -S "$tmp/$c.sock" ] && break; sleep 0.1; done
	[ -S "$tmp/$c.sock" ] || { echo "peers: mockdockerd did not start:" >&2; cat "$tmp/mockdockerd-$c.log" >&2; exit 1; }
done
if [ ${#clients[@]} -eq 1 ]; then
	DOCKER_HOST=unix://$tmp/$what.sock PEERS_IMAGE=busybox:latest PEERS_PULL=busybox:latest scenario "$what" | tee "$tmp/$what.out" || true
else
	for c in "${clients[@]}"; do
		DOCKER_HOST=unix://$tmp/$c.sock PEERS_IMAGE=busybox:latest PEERS_PULL=busybox:latest scenario "$c" >"$tmp/$c.out" 2>&1 &
		jobs_+=($!)
	done
	for j in "${jobs_[@]}"; do wait "$j" || true; done
	jobs_=()
	for c in "${clients[@]}"; do cat "$tmp/$c.out"; done
fi
for c in "${clients[@]}"; do judge "$c" "$tmp/$c.out" || rc=1; done
exit $rc
