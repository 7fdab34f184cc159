#!/usr/bin/env bash
# Run real Docker clients' scenarios against the mock daemon (cmd/mockdockerd).
#
#   scripts/peers.sh cli        the docker CLI scenarios of ../shared/peers/cli_scenarios.sh
#   scripts/peers.sh py         peers/dockerpy_scenarios.py with Debian's python3-docker
#                               (/usr/bin/python3; apt-get installs python3-docker when missing)
#   scripts/peers.sh node       peers/dockerode/scenarios.js (npm ci when node_modules is missing)
#
# Builds cmd/mockdockerd, starts it on a unix socket in a temp dir, runs the scenario with
# DOCKER_HOST pointing at it, stops it. Exits with the scenario's status. The docker CLI
# must be on PATH (the machine's /usr/local/bin/docker).
set -euo pipefail
export PATH=/usr/local/go/bin:$PATH
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PEERS=${DOCKWIRE_PEERS_DIR:-$ROOT/../shared/peers}
what=${1:-cli}

# Prepare the client before the daemon starts.
case $what in
py)
	if ! /usr/bin/python3 -c 'import docker' 2>/dev/null; then
		echo "peers: installing python3-docker" >&2
		apt-get install -y python3-docker >&2 || { apt-get update >&2 && apt-get install -y python3-docker >&2; }
	fi
	;;
node)
	command -v node >/dev/null || { echo "peers: node is not on PATH" >&2; exit 1; }
	if [ ! -d "$ROOT/peers/dockerode/node_modules/dockerode" ]; then
		echo "peers: npm ci in peers/dockerode" >&2
		(cd "$ROOT/peers/dockerode" && npm ci --ignore-scripts --no-audit --no-fund >&2)
	fi
	;;
esac

tmp=$(mktemp -d /tmp/dockwire-peers.XXXXXX)
pid=
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

(cd "$ROOT" && go build -o "$tmp/mockdockerd" ./cmd/mockdockerd)
sock=$tmp/docker.sock
"$tmp/mockdockerd" -H "unix://$sock" >"$tmp/mockdockerd.log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
[ -S "$sock" ] || { echo "peers: mockdockerd did not start:" >&2; cat "$tmp/mockdockerd.log" >&2; exit 1; }
export DOCKER_HOST=unix://$sock

case $what in
cli)
	command -v docker >/dev/null || { echo "peers: the docker CLI is not on PATH" >&2; exit 1; }
	PEERS_IMAGE=busybox:latest PEERS_CHECK_TIMEOUT=${PEERS_CHECK_TIMEOUT:-30} bash "$PEERS/cli_scenarios.sh"
	;;
py)
	PEERS_IMAGE=busybox:latest timeout 600 /usr/bin/python3 "$ROOT/peers/dockerpy_scenarios.py"
	;;
node)
	PEERS_IMAGE=busybox:latest PEERS_PULL=busybox:latest timeout 600 node "$ROOT/peers/dockerode/scenarios.js"
	;;
*)
	echo "usage: scripts/peers.sh cli|py|node" >&2
	exit 2
	;;
esac
