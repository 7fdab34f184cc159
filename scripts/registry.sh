#!/usr/bin/env bash
# registry.sh: two throw-away image registries on loopback, for push/pull tests.
#
#   scripts/registry.sh up     start them (or reuse running ones), print `export` lines
#   scripts/registry.sh env    reprint the `export` lines
#   scripts/registry.sh down   stop them and remove their directories
#
# Debian's docker-registry (distribution 2.8), installed with apt-get when missing
# (apache2-utils too, for `htpasswd -B`). One registry is open, the other asks for basic
# auth from an htpasswd file (user dockwire, a password made at start-up); both plain
# HTTP on 127.0.0.1:<free port>, which dockerd treats as an insecure registry by default
# (127.0.0.0/8). Each has its own config.yml and storage dir under the state dir.
#
# Printed on stdout (everything else goes to stderr):
#   DOCKWIRE_REGISTRY                  127.0.0.1:<port>   (open)
#   DOCKWIRE_AUTH_REGISTRY             127.0.0.1:<port2>  (htpasswd)
#   DOCKWIRE_AUTH_REGISTRY_USER        dockwire
#   DOCKWIRE_AUTH_REGISTRY_PASSWORD    <random>
#
# Variables read: DOCKWIRE_REGISTRY_STATE_DIR (default /tmp/dockwire-registry),
# DOCKWIRE_REGISTRY_WAIT (seconds to wait for /v2/, default 30).
# `down` signals only processes named docker-registry whose command line names the state dir.

set -euo pipefail

PROG=registry.sh
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
STATE=$(state_dir DOCKWIRE_REGISTRY_STATE_DIR /tmp/dockwire-registry)
WAIT=${DOCKWIRE_REGISTRY_WAIT:-30}
MARKER=.dockwire-registry
USER_NAME=dockwire

ENVFILE=$STATE/env

# ours PID: a running docker-registry serving a config under the state dir.
ours() {
	local c=
	case $1 in '' | *[!0-9]*) return 1 ;; esac
	{ read -r c <"/proc/$1/comm"; } 2>/dev/null || return 1
	[ "$c" = docker-registry ] || return 1
	alive "$1" && names_state "$1"
}

# v2_status ADDR: the HTTP status of GET http://ADDR/v2/ (000 when nothing answers).
v2_status() {
	curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://$1/v2/" 2>/dev/null || true
}

install_missing() {
	local pkgs=()
	command -v docker-registry >/dev/null 2>&1 || pkgs+=(docker-registry)
	command -v htpasswd >/dev/null 2>&1 || pkgs+=(apache2-utils)
	command -v curl >/dev/null 2>&1 || pkgs+=(curl)
	command -v openssl >/dev/null 2>&1 || pkgs+=(openssl)
	[ ${#pkgs[@]} -gt 0 ] || return 0
	[ "$(id -u)" = 0 ] || die "need root to install ${pkgs[*]}"
	log "installing ${pkgs[*]} with apt-get"
	local t0=$SECONDS made_policy='' rc=0
	# Keep the package's init script from starting the system registry on :5000.
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		made_policy=1
	fi
	{
		DEBIAN_FRONTEND=noninteractive apt-get update -q &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${pkgs[@]}"
	} >&2 || rc=$?
	[ -z "$made_policy" ] || rm -f /usr/sbin/policy-rc.d
	[ $rc = 0 ] || die "apt-get install ${pkgs[*]} failed (exit $rc)"
	command -v docker-registry >/dev/null 2>&1 || die "docker-registry still missing"
	command -v htpasswd >/dev/null 2>&1 || die "htpasswd still missing"
	log "installed in $((SECONDS - t0)) s"
}

# write_config NAME PORT [HTPASSWD]
write_config() {
	local name=$1 port=$2 htpasswd=${3:-}
	mkdir -p "$STATE/$name/data"
	{
		cat <<EOF
version: 0.1
log:
  level: info
  fields:
    service: dockwire-$name
storage:
  filesystem:
    rootdirectory: $STATE/$name/data
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
  secret: $(openssl rand -hex 16)
  headers:
    X-Content-Type-Options: [nosniff]
EOF
		if [ -n "$htpasswd" ]; then
			cat <<EOF
auth:
  htpasswd:
    realm: dockwire-registry
    path: $htpasswd
EOF
		fi
	} >"$STATE/$name/config.yml"
}

# start NAME WANT_STATUS: start the registry NAME; wait until /v2/ answers WANT_STATUS.
start() {
	local name=$1 want=$2 port
	port=$(awk '/^  addr:/ { sub(/.*:/, "", $2); print $2 }' "$STATE/$name/config.yml")
	detached docker-registry serve "$STATE/$name/config.yml" </dev/null >>"$STATE/$name/registry.log" 2>&1 &
	local pid=$!
	echo "$pid" >"$STATE/$name/pid"
	local deadline=$((SECONDS + WAIT)) got
	while [ $SECONDS -lt $deadline ]; do
		if ! alive "$pid"; then
			wait "$pid" 2>/dev/null || true
			log "registry '$name' exited during start-up; log tail:"
			tail -n 15 "$STATE/$name/registry.log" | sed 's/^/    /' >&2
			return 1
		fi
		got=$(v2_status "127.0.0.1:$port")
		if [ "$got" = "$want" ]; then
			log "registry '$name' up on 127.0.0.1:$port (pid $pid, /v2/ -> $got)"
			return 0
		fi
		sleep 0.2
	done
	log "registry '$name' on 127.0.0.1:$port: /v2/ answered '$got', want $want within ${WAIT} s; log tail:"
	tail -n 15 "$STATE/$name/registry.log" | sed 's/^/    /' >&2
	return 1
}

running() {
	[ -f "$STATE/$MARKER" ] && [ -f "$ENVFILE" ] || return 1
	local name
	for name in open auth; do
		ours "$(cat "$STATE/$name/pid" 2>/dev/null || true)" || return 1
	done
	# shellcheck disable=SC1090
	(
		. "$ENVFILE"
		[ "$(v2_status "$DOCKWIRE_REGISTRY")" = 200 ] && [ "$(v2_status "$DOCKWIRE_AUTH_REGISTRY")" = 401 ]
	)
}

cmd_down() {
	if [ ! -e "$STATE" ]; then
		log "nothing to stop ($STATE does not exist)"
		return 0
	fi
	[ -f "$STATE/$MARKER" ] || die "$STATE was not made by $PROG (no $MARKER): not touching it"
	stop_ours registries
	rm -rf --one-file-system "$STATE"
	log "removed $STATE"
}

cmd_up() {
	if running; then
		log "reusing the registries in $STATE"
		cat "$ENVFILE"
		return 0
	fi
	[ ! -e "$STATE" ] || cmd_down
	install_missing
	mkdir -p "$STATE"
	touch "$STATE/$MARKER"
	local password port1 port2
	password=$(openssl rand -hex 12)
	htpasswd -Bbn "$USER_NAME" "$password" >"$STATE/htpasswd" 2>/dev/null || die "htpasswd -B failed"
	port1=$(free_port)
	port2=$(free_port)
	while [ "$port2" = "$port1" ]; do port2=$(free_port); done
	write_config open "$port1"
	write_config auth "$port2" "$STATE/htpasswd"
	start open 200 || die "the open registry did not start"
	start auth 401 || die "the auth registry did not start"
	# the password works
	local got
	got=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 -u "$USER_NAME:$password" "http://127.0.0.1:$port2/v2/" || true)
	[ "$got" = 200 ] || die "auth registry answers $got to the right password, want 200"
	{
		printf 'export DOCKWIRE_REGISTRY=%q\n' "127.0.0.1:$port1"
		printf 'export DOCKWIRE_AUTH_REGISTRY=%q\n' "127.0.0.1:$port2"
		printf 'export DOCKWIRE_AUTH_REGISTRY_USER=%q\n' "$USER_NAME"
		printf 'export DOCKWIRE_AUTH_REGISTRY_PASSWORD=%q\n' "$password"
	} >"$ENVFILE"
	cat "$ENVFILE"
}

cmd_env() {
	running || die "no running registries recorded in $STATE: run '$0 up' first"
	cat "$ENVFILE"
}

main 120 "$@"
