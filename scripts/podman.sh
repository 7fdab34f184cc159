#!/usr/bin/env bash
# podman.sh: a private, throw-away podman API service (Docker-compatible) for dockwire's
# conformance suite.
#
#   scripts/podman.sh up     start it (or reuse one), print `export` lines on stdout
#   scripts/podman.sh env    reprint the `export` lines of the running one
#   scripts/podman.sh down   stop what `up` started and remove its directories
#
# CI does:  eval "$(scripts/podman.sh up)"; trap 'scripts/podman.sh down' EXIT
#
# `up` runs `podman system service` as root with every path of its own under the state
# dir: --root, --runroot, --tmpdir, a containers.conf (default_ulimits, cgroupfs,
# file events: what this sandbox needs, see ../shared/peers/README.md), a
# registries.conf with no search registries (a short name never reaches docker.io) and
# a unix socket. podman and catatonit are installed with apt-get when missing. The test
# image is imported by the suite itself (Target.ImportImage): nothing is pulled.
#
# Printed on stdout (everything else goes to stderr):
#   DOCKWIRE_PODMAN_HOST  unix://<state>/podman.sock
#
# Variables read: DOCKWIRE_PODMAN_STATE_DIR (default /tmp/dockwire-podman),
# DOCKWIRE_PODMAN_WAIT (seconds to wait for /_ping, default 30),
# DOCKWIRE_PODMAN_STORAGE (storage driver, default: overlay, then vfs if overlay fails).
#
# `down` only signals the pid recorded by `up`, after checking that its command line
# names this state dir, then the processes (conmon, containers) whose command line does.

set -euo pipefail

PROG=podman.sh
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
STATE=$(state_dir DOCKWIRE_PODMAN_STATE_DIR /tmp/dockwire-podman 60)
WAIT=${DOCKWIRE_PODMAN_WAIT:-30}
MARKER=.dockwire-podman

SOCK=$STATE/podman.sock
PIDFILE=$STATE/service.pid
LOGFILE=$STATE/service.log
ENVFILE=$STATE/env

# ours PID: alive and its command line names the state dir.
ours() {
	alive "$1" && names_state "$1"
}

service_pid() {
	local pid
	[ -f "$PIDFILE" ] || return 1
	pid=$(cat "$PIDFILE")
	ours "$pid" || return 1
	echo "$pid"
}

ping_sock() {
	[ -S "$SOCK" ] || return 1
	[ "$(curl -fsS --max-time 3 --unix-socket "$SOCK" http://localhost/_ping 2>/dev/null)" = OK ]
}

install_missing() {
	local pkgs=()
	command -v podman >/dev/null 2>&1 || pkgs+=(podman)
	command -v catatonit >/dev/null 2>&1 || [ -x /usr/libexec/podman/catatonit ] || pkgs+=(catatonit)
	command -v curl >/dev/null 2>&1 || pkgs+=(curl)
	[ ${#pkgs[@]} -gt 0 ] || return 0
	[ "$(id -u)" = 0 ] || die "need root to install ${pkgs[*]}"
	log "installing ${pkgs[*]} with apt-get"
	{
		DEBIAN_FRONTEND=noninteractive apt-get update -q &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${pkgs[@]}"
	} >&2 || die "apt-get install ${pkgs[*]} failed"
}

write_conf() {
	cat >"$STATE/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=16384:16384", "nproc=32768:32768"]

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$STATE/events.log"
CONF
	cat >"$STATE/registries.conf" <<CONF
unqualified-search-registries = []
short-name-mode = "permissive"
CONF
}

# try_start DRIVER: start the service with that storage driver, wait for /_ping.
try_start() {
	local driver=$1
	rm -rf "$STATE/root" "$STATE/runroot" "$STATE/tmp"
	mkdir -p "$STATE/root" "$STATE/runroot" "$STATE/tmp"
	rm -f "$SOCK"
	printf '\n==== %s storage %s\n' "$(date -u +%FT%TZ)" "$driver" >>"$LOGFILE"
	CONTAINERS_CONF=$STATE/containers.conf CONTAINERS_REGISTRIES_CONF=$STATE/registries.conf \
		setsid podman --root "$STATE/root" --runroot "$STATE/runroot" --tmpdir "$STATE/tmp" \
		--storage-driver "$driver" --cgroup-manager cgroupfs --events-backend file \
		system service --time=0 "unix://$SOCK" </dev/null >>"$LOGFILE" 2>&1 9>&- &
	local pid=$!
	echo "$pid" >"$PIDFILE"
	local deadline=$((SECONDS + WAIT))
	while [ $SECONDS -lt $deadline ]; do
		alive "$pid" || {
			log "podman exited during start-up (storage $driver):"
			tail -n 5 "$LOGFILE" | sed 's/^/    /' >&2
			return 1
		}
		if ping_sock; then
			# A container must actually run with this driver.
			return 0
		fi
		sleep 0.25
	done
	log "podman did not answer /_ping within ${WAIT} s"
	stop_service
	return 1
}

stop_service() {
	local pid p
	if pid=$(service_pid); then
		log "stopping podman system service (pid $pid)"
		kill -TERM "$pid" 2>/dev/null || true
		local deadline=$((SECONDS + 10))
		while alive "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
		alive "$pid" && ours "$pid" && kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -f "$PIDFILE"
	# conmon and container processes started under our root.
	for p in $(our_pids); do
		log "stopping leftover $(cat "/proc/$p/comm" 2>/dev/null) (pid $p)"
		kill -KILL "$p" 2>/dev/null || true
	done
}

cmd_down() {
	if [ ! -e "$STATE" ]; then
		log "nothing to stop ($STATE does not exist)"
		return 0
	fi
	[ -f "$STATE/$MARKER" ] || die "$STATE was not made by $PROG (no $MARKER): not touching it"
	stop_service
	unmount_all || true
	rm -rf --one-file-system "$STATE" 2>/dev/null || true
	[ ! -e "$STATE" ] || {
		log "warning: could not remove all of $STATE"
		return 1
	}
	log "removed $STATE"
}

cmd_up() {
	if [ -f "$STATE/$MARKER" ] && [ -f "$ENVFILE" ] && service_pid >/dev/null && ping_sock; then
		log "reusing podman (pid $(service_pid)) from $STATE"
		cat "$ENVFILE"
		return 0
	fi
	[ "$(id -u)" = 0 ] || die "podman system service must run as root here"
	[ ! -e "$STATE" ] || cmd_down
	install_missing
	mkdir -p "$STATE"
	touch "$STATE/$MARKER"
	write_conf
	local drivers=(overlay vfs) d
	[ -z "${DOCKWIRE_PODMAN_STORAGE:-}" ] || drivers=("$DOCKWIRE_PODMAN_STORAGE")
	for d in "${drivers[@]}"; do
		if try_start "$d"; then
			echo "$d" >"$STATE/storage"
			printf 'export DOCKWIRE_PODMAN_HOST=%q\n' "unix://$SOCK" >"$ENVFILE"
			log "podman is up (pid $(cat "$PIDFILE"), storage $d, $(podman --version))"
			cat "$ENVFILE"
			return 0
		fi
		stop_service
	done
	die "podman system service would not start; log: $LOGFILE"
}

cmd_env() {
	[ -f "$ENVFILE" ] || die "no podman recorded in $STATE: run '$0 up' first"
	service_pid >/dev/null || die "the podman recorded in $STATE is not running: run '$0 up'"
	cat "$ENVFILE"
}

main 120 "$@"
