#!/usr/bin/env bash
# podman.sh: a private, throw-away podman API service (Docker-compatible) for dockwire's
# conformance suite.
#
#   scripts/podman.sh up     start it (or reuse one), print `export` lines on stdout
#   scripts/podman.sh env    reprint the `export` lines of the running one
#   scripts/podman.sh down   stop what `up` started and remove all it made
#
# CI does:  eval "$(scripts/podman.sh up)"; trap 'scripts/podman.sh down' EXIT
#
# `up` runs `podman system service` as root with every path of its own under the state
# dir: --root, --runroot, --tmpdir, a containers.conf (default_ulimits, cgroupfs,
# file events: what this sandbox needs, see ../shared/peers/README.md), a
# registries.conf with no search registries (a short name never reaches docker.io) and
# a unix socket. podman and catatonit are installed with apt-get when missing. The test
# image is imported by the suite itself (Target.ImportImage): nothing is pulled.
# The registries DOCKWIRE_REGISTRY and DOCKWIRE_AUTH_REGISTRY name when `up` starts the
# service (scripts/registry.sh's, plain HTTP on loopback) are marked insecure in that
# registries.conf, for the suite's registry scenarios: start them first.
#
# Printed on stdout (everything else goes to stderr):
#   DOCKWIRE_PODMAN_HOST  unix://<state>/podman.sock
#
# Variables read: DOCKWIRE_PODMAN_STATE_DIR (default /tmp/dockwire-podman),
# DOCKWIRE_REGISTRY and DOCKWIRE_AUTH_REGISTRY (loopback registries to mark insecure),
# DOCKWIRE_PODMAN_WAIT (seconds to wait for /_ping, default 30),
# DOCKWIRE_PODMAN_STORAGE (storage driver, default: overlay, then vfs if overlay fails).
#
# Rootful podman also leaves things outside its state dir that no flag moves: netavark's
# bridges (podman0, podman1...), its NETAVARK iptables chains and the rules that jump to
# them, aardvark-dns (the DNS of user networks) and /run/containers/networks, /run/netns
# (a mount), /run/runc and /var/lib/containers/cache. `up` records which of these existed
# before it ($STATE/host-before); `down` removes podman's containers, pods and networks
# through podman itself, stops the service, then removes what is left of those that were
# not there before, unless another podman runs, and fails naming anything that remains.
# Network definitions live in the state dir (containers.conf's network_config_dir), not
# in /etc/containers/networks.
#
# `down` only signals the pid recorded by `up`, after checking that its command line
# names this state dir, then the processes (conmon, containers) whose command line does,
# and aardvark-dns when /run/containers was made here and no other podman runs.

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
BEFORE=$STATE/host-before

# What rootful podman makes outside the state dir (beside bridges and iptables chains).
HOST_DIRS=(/run/containers /run/netns /run/runc /var/lib/containers)

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

[network]
network_config_dir = "$STATE/networks"
CONF
	cat >"$STATE/registries.conf" <<CONF
unqualified-search-registries = []
short-name-mode = "permissive"
CONF
	# The loopback registries of registry.sh speak plain HTTP: dockerd takes
	# 127.0.0.0/8 as insecure by default, podman only when told.
	local reg
	for reg in ${DOCKWIRE_REGISTRY:-} ${DOCKWIRE_AUTH_REGISTRY:-}; do
		printf '\n[[registry]]\nlocation = "%s"\ninsecure = true\n' "$reg" >>"$STATE/registries.conf"
	done
}

# try_start DRIVER: start the service with that storage driver, wait for /_ping.
try_start() {
	local driver=$1
	rm -rf "$STATE/root" "$STATE/runroot" "$STATE/tmp"
	mkdir -p "$STATE/root" "$STATE/runroot" "$STATE/tmp"
	rm -f "$SOCK"
	printf '\n==== %s storage %s\n' "$(date -u +%FT%TZ)" "$driver" >>"$LOGFILE"
	CONTAINERS_CONF=$STATE/containers.conf CONTAINERS_REGISTRIES_CONF=$STATE/registries.conf \
		detached podman --root "$STATE/root" --runroot "$STATE/runroot" --tmpdir "$STATE/tmp" \
		--storage-driver "$driver" --cgroup-manager cgroupfs --events-backend file \
		system service --time=0 "unix://$SOCK" </dev/null >>"$LOGFILE" 2>&1 &
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

# podman_cli ARGS: podman on this state dir (it needs no service), bounded in time.
podman_cli() {
	CONTAINERS_CONF=$STATE/containers.conf CONTAINERS_REGISTRIES_CONF=$STATE/registries.conf \
		timeout 120 podman --root "$STATE/root" --runroot "$STATE/runroot" --tmpdir "$STATE/tmp" \
		--storage-driver "$(cat "$STATE/storage")" --cgroup-manager cgroupfs --events-backend file \
		"$@" </dev/null >&2 9>&-
}

# bridges: netavark's bridges (podmanN) now present.
bridges() {
	ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); if ($2 ~ /^podman[0-9]+$/) print $2 }'
}

# netavark_rules: the NETAVARK chains and the rules that jump to them, one
# "CMD TABLE RULE" per line (iptables-save syntax), chains last.
netavark_rules() {
	local cmd t
	for cmd in iptables ip6tables; do
		command -v "$cmd" >/dev/null 2>&1 || continue
		for t in filter nat mangle; do
			"$cmd" -t "$t" -S 2>/dev/null | awk -v c="$cmd" -v t="$t" \
				'/^-A / && / -j NETAVARK/ { print c, t, $0 } /^-N NETAVARK/ { n[++k] = c " " t " " $0 } END { for (i = 1; i <= k; i++) print n[i] }'
		done
	done
}

# record_host: note which of podman's host-wide things exist before `up`.
record_host() {
	local d
	{
		for d in "${HOST_DIRS[@]}"; do [ ! -e "$d" ] || echo "dir $d"; done
		bridges | sed 's/^/bridge /'
		[ -z "$(netavark_rules)" ] || echo "netavark-rules"
	} >"$BEFORE"
}

existed() { grep -qxF "$1" "$BEFORE" 2>/dev/null; }

# other_podman: the pids of podman and conmon processes that are not this script's.
other_podman() {
	local p c
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		c=$(cat "/proc/$p/comm" 2>/dev/null) || continue
		case $c in podman | conmon) alive "$p" && ! names_state "$p" && echo "$p" ;; esac
	done
	return 0
}

# remove_objects: containers, pods and networks, removed by podman itself so that
# netavark tears down their bridges, rules and DNS.
remove_objects() {
	[ -f "$STATE/storage" ] && command -v podman >/dev/null 2>&1 || return 0
	log "removing podman's pods, containers and networks"
	podman_cli pod rm --all --force --time 0 || true
	podman_cli rm --all --force --time 0 --volumes || true
	podman_cli network prune --force || true
}

# aardvark_pids: the aardvark-dns processes serving /run/containers/networks.
aardvark_pids() {
	local p
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = aardvark-dns ] && alive "$p" || continue
		case $(cmdline "$p") in *" /run/containers/networks/"*) echo "$p" ;; esac
	done
	return 0
}

# sweep_host: what podman left outside the state dir and did not find before `up`.
sweep_host() {
	local others b d line cmd t rule
	[ -f "$BEFORE" ] || {
		log "no record of the host before up ($BEFORE): leaving bridges, rules and /run alone"
		return 0
	}
	others=$(other_podman)
	if [ -n "$others" ]; then
		log "another podman runs (pids ${others//$'\n'/ }): leaving bridges, NETAVARK rules and /run alone"
		return 0
	fi
	existed "dir /run/containers" || stop_listed aardvark-dns aardvark_pids 5
	for b in $(bridges); do
		existed "bridge $b" && continue
		ip link delete "$b" 2>/dev/null && log "removed bridge $b"
	done
	if ! existed netavark-rules; then
		# -A lines come first: the jumps go, then the chains are flushed and deleted.
		while read -r cmd t line; do
			case $line in
			-A*)
				# xargs splits as iptables quotes: --comment "netavark firewall plugin rules".
				mapfile -t rule < <(xargs -n1 printf '%s\n' <<<"${line#-A }")
				"$cmd" -t "$t" -D "${rule[@]}" 2>/dev/null || true
				;;
			-N*) "$cmd" -t "$t" -F "${line#-N }" 2>/dev/null || true ;;
			esac
		done < <(netavark_rules)
		while read -r cmd t line; do
			case $line in -N*) "$cmd" -t "$t" -X "${line#-N }" 2>/dev/null || true ;; esac
		done < <(netavark_rules)
	fi
	for d in "${HOST_DIRS[@]}"; do
		existed "dir $d" || [ ! -e "$d" ] || {
			awk -v p="$d" '{ if ($5 == p || index($5, p "/") == 1) print length($5) " " $5 }' /proc/self/mountinfo |
				sort -rn | cut -d' ' -f2- | while IFS= read -r m; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
			rm -rf --one-file-system "$d" 2>/dev/null && log "removed $d"
		}
	done
}

# host_leftovers: what `up` made outside the state dir and is still there.
host_leftovers() {
	local b d
	[ -f "$BEFORE" ] || return 0
	for b in $(bridges); do existed "bridge $b" || echo "bridge $b"; done
	existed netavark-rules || netavark_rules | sed 's/^/rule /'
	for d in "${HOST_DIRS[@]}"; do existed "dir $d" || [ ! -e "$d" ] || echo "$d"; done
	existed "dir /run/containers" || aardvark_pids | sed 's/^/aardvark-dns pid /'
	return 0
}

cmd_down() {
	if [ ! -e "$STATE" ]; then
		log "nothing to stop ($STATE does not exist)"
		return 0
	fi
	[ -f "$STATE/$MARKER" ] || die "$STATE was not made by $PROG (no $MARKER): not touching it"
	remove_objects
	stop_service
	unmount_all || true
	sweep_host
	local left
	left=$(host_leftovers)
	if [ -n "$left" ] && [ -z "$(other_podman)" ]; then
		log "warning: podman left these behind (kept $STATE so that another '$0 down' can retry):"
		printf '%s\n' "$left" | sed 's/^/    /' >&2
		return 1
	fi
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
	record_host
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
