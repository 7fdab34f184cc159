#!/usr/bin/env bash
# Run real Docker clients' scenarios against the mock daemon (cmd/mockdockerd).
#
#   scripts/peers.sh cli        the docker CLI scenarios of ../shared/peers/cli_scenarios.sh
#
# Builds cmd/mockdockerd, starts it on a unix socket in a temp dir, runs the scenario with
# DOCKER_HOST pointing at it, stops it. Exits with the scenario's status. The docker CLI
# must be on PATH (the machine's /usr/local/bin/docker).
set -euo pipefail
export PATH=/usr/local/go/bin:$PATH
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PEERS=${DOCKWIRE_PEERS_DIR:-$ROOT/../shared/peers}
what=${1:-cli}

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
*)
	echo "usage: scripts/peers.sh cli" >&2
	exit 2
	;;
esac
