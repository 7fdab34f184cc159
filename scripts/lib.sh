# lib.sh: what dockerd.sh, registry.sh and podman.sh share. Sourced, not run:
#
#   PROG=name.sh
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   STATE=$(state_dir DOCKWIRE_X_STATE_DIR /tmp/dockwire-x [MAXLEN])
#   ... define cmd_up, cmd_down, cmd_env ...
#   main LOCK_WAIT_SECONDS "$@"
#
# Each script keeps its own `ours PID` (which processes it may signal).
# shellcheck shell=bash

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

# state_dir VAR DEFAULT [MAXLEN]: the state dir named by $VAR (else DEFAULT), without
# a trailing slash; dies unless it is absolute, a directory of its own (not / or /tmp
# ...) and, with MAXLEN, at most MAXLEN bytes long (unix socket paths are limited to
# 108 bytes and daemons put theirs deeper down).
state_dir() {
	local var=$1 arg=${!1:-$2} max=${3:-} dir
	case $arg in
	/*) ;;
	*) die "$var must be an absolute path, got '$arg'" ;;
	esac
	dir=${arg%/}
	case $dir in
	"" | / | /tmp | /var | /var/run | /run | /root | /home | /usr | /etc)
		die "refusing to use '$arg' as the state dir: pick a directory of its own"
		;;
	esac
	[ -z "$max" ] || [ ${#dir} -le "$max" ] || die "state dir path too long (${#dir} > $max bytes): $dir"
	echo "$dir"
}

# detached CMD ARGS...: exec CMD in a session of its own with every fd above 2 closed,
# so that a daemon keeps no lock of its caller's: `flock FILE scripts/dockerd.sh up`
# holds FILE on an fd the script inherits, and a dockerd holding it would keep every
# other `flock FILE` waiting for as long as it runs. Call it in the background with
# its redirections: `detached dockerd ... </dev/null >>log 2>&1 &`; $! is then CMD's pid.
detached() {
	local fd
	for fd in /proc/$BASHPID/fd/*; do
		fd=${fd##*/}
		[ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-"
	done
	exec setsid "$@"
}

cmdline() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true; }

# alive PID: 0 when PID runs (a zombie does not count).
alive() {
	local pid=$1 stat
	case $pid in '' | *[!0-9]*) return 1 ;; esac
	{ read -r stat <"/proc/$pid/stat"; } 2>/dev/null || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

# names_state PID: 0 when PID's command line names the state dir.
names_state() {
	case $(cmdline "$1") in *"$STATE/"*) return 0 ;; esac
	return 1
}

# our_pids: every pid for which the script's `ours` holds.
our_pids() {
	local p
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		ours "$p" && echo "$p"
	done
	return 0
}

# stop_ours WHAT: TERM every pid our_pids lists, then KILL those left after 10 s.
stop_ours() { stop_listed "$1" our_pids 10; }

# stop_listed WHAT LIST SECONDS: TERM every pid the function LIST prints, then KILL
# those it still prints after SECONDS.
stop_listed() {
	local what=$1 list=$2 pids deadline
	pids=$("$list")
	[ -n "$pids" ] || return 0
	log "stopping $what (pids ${pids//$'\n'/ })"
	# shellcheck disable=SC2086
	kill -TERM $pids 2>/dev/null || true
	deadline=$((SECONDS + $3))
	while [ -n "$("$list")" ] && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
	pids=$("$list")
	# shellcheck disable=SC2086
	[ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
}

# our_mounts: mount points at or under the state dir, deepest first.
our_mounts() {
	awk -v p="$STATE" '{ m = $5; gsub(/\\040/, " ", m); if (m == p || index(m, p "/") == 1) print length(m) " " m }' \
		/proc/self/mountinfo | sort -rn | cut -d' ' -f2-
}

# unmount_all: unmount everything under the state dir; 1 (and a warning) when some
# mount stays.
unmount_all() {
	local m _
	for _ in 1 2 3; do
		[ -n "$(our_mounts)" ] || return 0
		while IFS= read -r m; do
			[ -n "$m" ] || continue
			umount "$m" 2>/dev/null || umount -R "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
		done < <(our_mounts)
	done
	if [ -n "$(our_mounts)" ]; then
		log "warning: still mounted under $STATE:"
		our_mounts | sed 's/^/    /' >&2
		return 1
	fi
}

free_port() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' && return 0
	fi
	local p _
	for _ in $(seq 1 100); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	die "no free port found on 127.0.0.1"
}

usage() {
	echo "usage: $0 up|down|env" >&2
	exit 2
}

# main WAIT ARG: one invocation at a time per state dir (flock on $STATE.lock, fd 9,
# waiting up to WAIT seconds), then cmd_up, cmd_down or cmd_env.
main() {
	local wait=$1
	shift
	[ $# -eq 1 ] || usage
	mkdir -p "$(dirname "$STATE")"
	exec 9>"$STATE.lock"
	flock -w "$wait" 9 || die "another $PROG holds $STATE.lock"
	case $1 in
	up) cmd_up ;;
	down) cmd_down ;;
	env) cmd_env ;;
	*) usage ;;
	esac
}
