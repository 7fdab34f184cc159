#!/usr/bin/env bash
# sshd.sh: a private, throw-away OpenSSH server on loopback for dockwire's ssh tests.
#
#   scripts/sshd.sh up     start it (or reuse a running one), print `export` lines on stdout
#   scripts/sshd.sh env    reprint the `export` lines of the running one
#   scripts/sshd.sh down   stop what `up` started and remove its directory
#
# CI does:  eval "$(scripts/sshd.sh up)"; trap 'scripts/sshd.sh down' EXIT
#
# Debian's openssh-server (installed with apt-get when missing; its init script is kept
# from starting the system sshd) runs as root, in the foreground, with everything of its
# own under the state dir: sshd_config, a host key, authorized_keys, a pid file and a log.
# It listens on 127.0.0.1 on two free ports: the first allows unix-socket forwarding (the
# direct-streamlocal@openssh.com channels dockwire opens to the daemon's socket), the
# second refuses it (`Match LocalPort` with AllowStreamLocalForwarding no), so that clients
# fall back to `docker system dial-stdio`; the docker CLI must then be on root's PATH
# (/usr/local/bin/docker is). Only root may log in, with the client key made here, which
# sits with a known_hosts for both ports in <state>/client, laid out like ~/.ssh.
# Nothing outside the state dir is written, except /run/sshd (sshd's privilege
# separation directory) when it is missing: `down` removes it again when no other sshd runs.
#
# Printed on stdout (everything else goes to stderr):
#   DOCKWIRE_REAL_SSH_HOST                 ssh://root@127.0.0.1:<port>
#   DOCKWIRE_REAL_SSH_HOST_NO_FORWARDING   ssh://root@127.0.0.1:<port2>
#   DOCKWIRE_REAL_SSH_DIR                  <state>/client  (id_ed25519, known_hosts)
#
# Variables read: DOCKWIRE_SSHD_STATE_DIR (default /tmp/dockwire-sshd), DOCKWIRE_SSHD_WAIT
# (seconds to wait for the server, default 20).
#
# `down` only ever signals the sshd recorded by `up`, after checking that its command line
# names this state dir, and the processes below it (sessions, their dial-stdio).

set -euo pipefail

PROG=sshd.sh
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
STATE=$(state_dir DOCKWIRE_SSHD_STATE_DIR /tmp/dockwire-sshd)
WAIT=${DOCKWIRE_SSHD_WAIT:-20}
MARKER=.dockwire-sshd
SSHD=/usr/sbin/sshd
PRIVSEP=/run/sshd

CLIENT=$STATE/client
ENVFILE=$STATE/env
PIDFILE=$STATE/launched.pid
LOGFILE=$STATE/sshd.log

# ours PID: a running sshd whose command line names the state dir (the listener).
ours() {
	local c=
	case $1 in '' | *[!0-9]*) return 1 ;; esac
	{ read -r c <"/proc/$1/comm"; } 2>/dev/null || return 1
	[ "$c" = sshd ] || return 1
	alive "$1" && names_state "$1"
}

# descendants PID: every process below PID, deepest last.
descendants() {
	local p stat rest kids=()
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		{ read -r stat <"/proc/$p/stat"; } 2>/dev/null || continue
		rest=${stat##*) }
		rest=${rest#* }
		[ "${rest%% *}" = "$1" ] && kids+=("$p")
	done
	for p in "${kids[@]}"; do
		echo "$p"
		descendants "$p"
	done
	return 0
}

# other_sshd: 0 when some sshd runs (ours is stopped by then; zombies do not count).
other_sshd() {
	local p c
	for p in /proc/[0-9]*; do
		c=
		{ read -r c <"$p/comm"; } 2>/dev/null || continue
		[ "$c" = sshd ] && alive "${p#/proc/}" && return 0
	done
	return 1
}

install_missing() {
	local pkgs=()
	[ -x "$SSHD" ] || pkgs+=(openssh-server)
	command -v ssh-keygen >/dev/null 2>&1 || pkgs+=(openssh-client)
	[ ${#pkgs[@]} -gt 0 ] || return 0
	[ "$(id -u)" = 0 ] || die "need root to install ${pkgs[*]}"
	log "installing ${pkgs[*]} with apt-get"
	local t0=$SECONDS made_policy='' rc=0
	# Keep the package's init script from starting the system sshd.
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
	[ -x "$SSHD" ] || die "$SSHD still missing after installing openssh-server"
	log "installed in $((SECONDS - t0)) s"
}

# running: 0 when the sshd recorded in the state dir runs and the env file exists.
running() {
	[ -f "$STATE/$MARKER" ] && [ -f "$ENVFILE" ] && ours "$(cat "$PIDFILE" 2>/dev/null || true)"
}

# login PORT: 0 when root logs in on PORT with the client key and runs `true`, the host
# key checked against the client's known_hosts.
login() {
	ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes \
		-o UserKnownHostsFile="$CLIENT/known_hosts" -o ConnectTimeout=5 \
		-i "$CLIENT/id_ed25519" -p "$1" root@127.0.0.1 true 2>>"$LOGFILE"
}

write_config() { # port port_no_forwarding
	cat >"$STATE/sshd_config" <<EOF
# dockwire's test sshd: see scripts/sshd.sh
Port $1
Port $2
ListenAddress 127.0.0.1
HostKey $STATE/host_ed25519_key
PidFile $STATE/sshd.pid
AuthorizedKeysFile $STATE/authorized_keys
AuthenticationMethods publickey
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers root
StrictModes no
UsePAM no
X11Forwarding no
AllowAgentForwarding no
# OpenSSH lets direct-streamlocal channels through only when local tcp forwarding is
# allowed too ("Received request to connect to path ..., but the request was denied").
AllowTcpForwarding local
PermitTunnel no
AllowStreamLocalForwarding local
PrintMotd no
PrintLastLog no
SetEnv DOCKER_CONFIG=$STATE/docker-config
LogLevel VERBOSE

Match LocalPort $2
	AllowStreamLocalForwarding no
EOF
}

stop_sshd() {
	local pid kids
	pid=$(cat "$PIDFILE" 2>/dev/null || true)
	if ours "$pid"; then
		kids=$(descendants "$pid")
		log "stopping sshd (pid $pid${kids:+, and below it: ${kids//$'\n'/ }})"
		# shellcheck disable=SC2086
		[ -z "$kids" ] || kill -TERM $kids 2>/dev/null || true
		kill -TERM "$pid" 2>/dev/null || true
		local deadline=$((SECONDS + 10))
		while alive "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
		if alive "$pid" && ours "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
		wait "$pid" 2>/dev/null || true
	fi
	rm -f "$PIDFILE"
}

cmd_down() {
	if [ ! -e "$STATE" ]; then
		log "nothing to stop ($STATE does not exist)"
		return 0
	fi
	[ -f "$STATE/$MARKER" ] || die "$STATE was not made by $PROG (no $MARKER): not touching it"
	stop_sshd
	if [ -f "$STATE/made-privsep" ] && [ -d "$PRIVSEP" ] && ! other_sshd; then
		rmdir "$PRIVSEP" 2>/dev/null && log "removed $PRIVSEP" || true
	fi
	rm -rf --one-file-system "$STATE"
	log "removed $STATE"
}

cmd_up() {
	local t0=$SECONDS
	if running; then
		log "reusing sshd (pid $(cat "$PIDFILE")) from $STATE"
		cat "$ENVFILE"
		return 0
	fi
	[ "$(id -u)" = 0 ] || die "sshd must be started as root"
	[ ! -e "$STATE" ] || cmd_down
	install_missing
	mkdir -p "$STATE" "$CLIENT" "$STATE/docker-config"
	chmod 700 "$STATE" "$CLIENT"
	touch "$STATE/$MARKER"
	if [ ! -d "$PRIVSEP" ]; then
		mkdir -m 755 "$PRIVSEP"
		touch "$STATE/made-privsep"
	fi
	ssh-keygen -q -t ed25519 -N '' -C dockwire-test-host -f "$STATE/host_ed25519_key" >&2
	ssh-keygen -q -t ed25519 -N '' -C dockwire-test-client -f "$CLIENT/id_ed25519" >&2
	cp "$CLIENT/id_ed25519.pub" "$STATE/authorized_keys"
	local port port2
	port=$(free_port)
	port2=$(free_port)
	while [ "$port2" = "$port" ]; do port2=$(free_port); done
	{
		printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$STATE/host_ed25519_key.pub")"
		printf '[127.0.0.1]:%s %s\n' "$port2" "$(cut -d' ' -f1,2 "$STATE/host_ed25519_key.pub")"
	} >"$CLIENT/known_hosts"
	write_config "$port" "$port2"
	"$SSHD" -t -f "$STATE/sshd_config" || die "sshd -t refuses $STATE/sshd_config"

	trap 'up_failed $?' EXIT
	log "starting: $SSHD -D -f $STATE/sshd_config on 127.0.0.1:$port and :$port2 (no forwarding)"
	# Not in the caller's process group; every fd but the log closed, so that $(...) in the
	# caller returns and no lock is inherited (detached, lib.sh).
	detached "$SSHD" -D -f "$STATE/sshd_config" -E "$LOGFILE" </dev/null >>"$LOGFILE" 2>&1 &
	local pid=$!
	echo "$pid" >"$PIDFILE"
	local deadline=$((SECONDS + WAIT)) ok=''
	while [ $SECONDS -lt $deadline ]; do
		if ! alive "$pid"; then
			wait "$pid" 2>/dev/null || true
			tail -n 10 "$LOGFILE" | sed 's/^/    /' >&2
			die "sshd exited during start-up"
		fi
		if login "$port" && login "$port2"; then
			ok=1
			break
		fi
		sleep 0.2
	done
	[ -n "$ok" ] || {
		tail -n 10 "$LOGFILE" | sed 's/^/    /' >&2
		die "no login on 127.0.0.1:$port and :$port2 within ${WAIT} s"
	}
	trap - EXIT
	[ -x /usr/local/bin/docker ] || command -v docker >/dev/null 2>&1 ||
		log "warning: no docker CLI on PATH: the dial-stdio fallback has nothing to run"
	{
		printf 'export DOCKWIRE_REAL_SSH_HOST=%q\n' "ssh://root@127.0.0.1:$port"
		printf 'export DOCKWIRE_REAL_SSH_HOST_NO_FORWARDING=%q\n' "ssh://root@127.0.0.1:$port2"
		printf 'export DOCKWIRE_REAL_SSH_DIR=%q\n' "$CLIENT"
	} >"$ENVFILE"
	log "sshd up (pid $pid) in $((SECONDS - t0)) s"
	cat "$ENVFILE"
}

up_failed() {
	[ "$1" -ne 0 ] || return 0
	log "up failed: stopping the sshd it started; log kept in $LOGFILE until '$0 down'"
	stop_sshd
	rm -f "$ENVFILE"
}

cmd_env() {
	running || die "no running sshd recorded in $STATE: run '$0 up' first"
	cat "$ENVFILE"
}

main 120 "$@"
