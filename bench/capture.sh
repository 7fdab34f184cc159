#!/usr/bin/env bash
# capture.sh: record the canned server's answers from a real dockerd into testdata/canned.
#
#   DOCKWIRE_REAL_DOCKER_HOST=unix:///path/docker.sock flock /tmp/dockwire-real.lock ./capture.sh
#
# Run it once when the answers should change (a new daemon version); its output is committed.
# It makes 50 containers shaped like a compose project's (labels, an anonymous volume, a
# published port, env), records list, inspect, images, /_ping's headers and three stats
# records, removes them, records the events of all that as they streamed, then pushes an image
# with one 9 MB layer over the test image's to a loopback registry (start it first, not under
# flock: scripts/registry.sh up), removes it and records
# the progress of pulling it back. Everything it makes carries the label dockwire-bench=capture
# or the name prefix dwbench-, and is removed on exit. It never reaches beyond 127.0.0.1.
#
# Files: <name>.json is the body as the daemon sent it (chunked framing removed);
# <name>.headers its response headers less Date, Content-Length and Transfer-Encoding.
set -euo pipefail
cd "$(dirname "$0")"
host=${DOCKWIRE_REAL_DOCKER_HOST:?set DOCKWIRE_REAL_DOCKER_HOST (eval "\$(cat /tmp/dockerd.env)")}
sock=${host#unix://}
image=${DOCKWIRE_REAL_IMAGE:-busybox:dockwire}
out=testdata/canned
api=v1.41
n=50
mkdir -p "$out"
export DOCKER_HOST=$host

cleanup() {
	set +e
	docker ps -aq --filter label=dockwire-bench=capture | xargs -r docker rm -f -v >/dev/null 2>&1
	[ -n "${pullref:-}" ] && docker rmi -f "$pullref" >/dev/null 2>&1
	true
}
trap cleanup EXIT

# get NAME PATH [curl args...]: record one answer.
get() {
	local name=$1 path=$2
	shift 2
	curl -sS --unix-socket "$sock" -D "$out/$name.raw-headers" -o "$out/$name.json" "$@" "http://docker$path" || {
		local rc=$?
		[ $rc = 28 ] || return $rc # --max-time ended a stream, as intended
	}
	headers "$name"
}

# headers NAME: keep the headers a replay should send.
headers() {
	local name=$1
	tr -d '\r' <"$out/$name.raw-headers" |
		grep -viE '^(date|content-length|transfer-encoding):' | sed '/^$/d' >"$out/$name.headers"
	rm -f "$out/$name.raw-headers"
}

echo "capture: $n containers" >&2
# The events as a client watching them sees them (a since..until query would get only the
# daemon's last 256): read live from before the first run until after the last removal.
curl -sS --unix-socket "$sock" -D "$out/events.raw-headers" -o "$out/events.json" --max-time 600 \
	"http://docker/$api/events" &
events=$!
sleep 1
seq 1 $n | xargs -P 4 -I{} docker run -d --name dwbench-{} \
	--label dockwire-bench=capture \
	--label com.docker.compose.project=dwbench \
	--label com.docker.compose.service=svc{} \
	--label com.docker.compose.container-number=1 \
	--label com.docker.compose.oneoff=False \
	--label com.docker.compose.version=2.29.7 \
	--label com.docker.compose.config-hash=0f6b2e0c3a1d8e5f7a9b4c6d2e8f0a1b3c5d7e9f1a2b4c6d8e0f2a4b6c8d0e2f \
	-e APP_ENV=production -e APP_PORT=80 -v /data -p 127.0.0.1::80 \
	"$image" sleep 600 >/dev/null
filter=$(printf '{"label":["dockwire-bench=capture"]}' | jq -sRr @uri)
first=$(docker ps -q --filter name=dwbench-1\$ | head -1)
get ping /_ping -I
rm -f "$out/ping.json" # HEAD: no body (curl -I writes the headers there too)
get container-list "/$api/containers/json?all=1&filters=$filter"
get container-inspect "/$api/containers/$first/json"
get image-list "/$api/images/json"
get stats "/$api/containers/$first/stats?stream=1" --max-time 3.5
docker ps -aq --filter label=dockwire-bench=capture | xargs -r docker rm -f -v >/dev/null
sleep 2
kill "$events"
wait "$events" || true
headers events
# The reader was stopped wherever it was: keep the complete records only.
head -n "$(wc -l <"$out/events.json")" "$out/events.json" >"$out/events.json.tmp"
mv "$out/events.json.tmp" "$out/events.json"

echo "capture: pull progress" >&2
# The registry must be up already: started here, under flock, it would inherit the lock's
# file descriptor and hold the lock for as long as it runs.
eval "$(../scripts/registry.sh env)" || {
	echo "capture.sh: start the registries first, outside flock: scripts/registry.sh up" >&2
	exit 1
}
pullref=$DOCKWIRE_REGISTRY/dwbench-pull:1
c=$(docker run -d --label dockwire-bench=capture "$image" sh -c \
	'head -c 6000000 /dev/urandom >/blob1 && mkdir -p /etc/app && head -c 3000000 /dev/urandom >/etc/app/blob2')
docker wait "$c" >/dev/null
docker commit "$c" "$pullref" >/dev/null
docker push "$pullref" >/dev/null
docker rmi "$pullref" >/dev/null
get pull "/$api/images/create?fromImage=$DOCKWIRE_REGISTRY/dwbench-pull&tag=1" -X POST
docker rmi "$pullref" >/dev/null
pullref=

for f in "$out"/*.json; do
	printf '%-40s %8d bytes %5d lines\n' "$f" "$(wc -c <"$f")" "$(wc -l <"$f")" >&2
done
