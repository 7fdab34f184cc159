#!/usr/bin/env bash
# dockerd.sh: a private, throw-away Docker daemon for dockwire's real-daemon tests.
#
#   scripts/dockerd.sh up     start it (or reuse one), print `export` lines on stdout
#   scripts/dockerd.sh env    reprint the `export` lines of the running one
#   scripts/dockerd.sh down   stop what `up` started and remove its directories
#
# CI does:  eval "$(scripts/dockerd.sh up)"; trap 'scripts/dockerd.sh down' EXIT
#
# `up` reuses, in this order: a daemon this script started earlier (same state dir);
# an outside daemon named by DOCKWIRE_REAL_DOCKER_HOST that answers /_ping (nothing is
# started then, and `down` leaves it alone); otherwise it starts dockerd as root with
# every path of its own under the state dir: --data-root, --exec-root, --pidfile, a unix
# socket, and a TLS listener (--tlsverify) on 127.0.0.1:<free port> with a CA, server and
# client certs made here by openssl. docker.io and busybox-static (and openssl, curl) are
# installed with apt-get when missing. The test image (DOCKWIRE_REAL_IMAGE, default
# busybox:dockwire) is imported from Debian's static busybox when the daemon lacks it:
# nothing is ever pulled.
#
# Printed on stdout (everything else goes to stderr):
#   DOCKWIRE_REAL_DOCKER_HOST  unix://<state>/docker.sock
#   DOCKWIRE_REAL_TLS_HOST     tcp://127.0.0.1:<port>
#   DOCKWIRE_REAL_TLS_CERTS    <state>/certs  (ca.pem cert.pem key.pem: the client's)
#   DOCKWIRE_REAL_IMAGE        busybox:dockwire
#
# Variables read: DOCKWIRE_STATE_DIR (default /tmp/dockwire-dockerd), DOCKWIRE_REAL_IMAGE,
# DOCKWIRE_REAL_DOCKER_HOST (an outside daemon to use instead), DOCKWIRE_DOCKERD_FLAGS
# (extra dockerd flags, word-split), DOCKWIRE_DOCKERD_WAIT (seconds to wait for /_ping,
# default 60), DOCKER (the CLI; default /usr/local/bin/docker, else docker on PATH).
#
# `down` only ever signals the pid recorded by `up`, after checking that its command line
# names this state dir, plus processes whose command line names the state dir (dockerd's
# containerd and its shims). A system daemon on /var/run/docker.sock is never touched.

set -euo pipefail

PROG=dockerd.sh
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
STATE=$(state_dir DOCKWIRE_STATE_DIR /tmp/dockwire-dockerd 60) # containerd's sockets live deep down
IMAGE=${DOCKWIRE_REAL_IMAGE:-busybox:dockwire}
WAIT=${DOCKWIRE_DOCKERD_WAIT:-60}
MARKER=.dockwire-dockerd # a file that says "this directory is ours to delete"

SOCK=$STATE/docker.sock
DATA=$STATE/data
EXEC=$STATE/exec
PIDFILE=$STATE/docker.pid
CERTS=$STATE/certs
LOGFILE=$STATE/dockerd.log
ENVFILE=$STATE/env

# ---------------------------------------------------------------------------- helpers

docker_cli() {
	local cli=${DOCKER:-}
	if [ -z "$cli" ]; then
		if [ -x /usr/local/bin/docker ]; then cli=/usr/local/bin/docker; else cli=docker; fi
	fi
	local tls=()
	if [ -n "${DOCKWIRE_REAL_TLS_CERTS:-}" ] && [ "$DOCKER_HOST_FOR_CLI" = "${DOCKWIRE_REAL_TLS_HOST:-}" ]; then
		tls=(DOCKER_TLS_VERIFY=1 "DOCKER_CERT_PATH=$DOCKWIRE_REAL_TLS_CERTS")
	fi
	env -u DOCKER_TLS_VERIFY -u DOCKER_CERT_PATH -u DOCKER_CONTEXT -u DOCKER_API_VERSION \
		DOCKER_CONFIG="$STATE/docker-config" DOCKER_HOST="$DOCKER_HOST_FOR_CLI" "${tls[@]}" "$cli" "$@"
}

# ping HOST: 0 when HOST (unix://path or tcp://host:port) answers GET /_ping with OK.
ping_host() {
	local host=$1 out
	case $host in
	unix://*)
		[ -S "${host#unix://}" ] || return 1
		out=$(curl -fsS --max-time 3 --unix-socket "${host#unix://}" http://localhost/_ping 2>/dev/null) || return 1
		;;
	tcp://*)
		if [ -n "${DOCKWIRE_REAL_TLS_CERTS:-}" ] && [ "$host" = "${DOCKWIRE_REAL_TLS_HOST:-}" ]; then
			out=$(curl -fsS --max-time 3 --cacert "$DOCKWIRE_REAL_TLS_CERTS/ca.pem" \
				--cert "$DOCKWIRE_REAL_TLS_CERTS/cert.pem" --key "$DOCKWIRE_REAL_TLS_CERTS/key.pem" \
				"https://${host#tcp://}/_ping" 2>/dev/null) || return 1
		else
			out=$(curl -fsS --max-time 3 "http://${host#tcp://}/_ping" 2>/dev/null) || return 1
		fi
		;;
	*) return 1 ;;
	esac
	[ "$out" = OK ]
}

ping_tls() {
	local port=$1 out
	out=$(curl -fsS --max-time 3 --cacert "$CERTS/ca.pem" --cert "$CERTS/cert.pem" \
		--key "$CERTS/key.pem" "https://127.0.0.1:$port/_ping" 2>/dev/null) || return 1
	[ "$out" = OK ]
}

# cmdline PID: the command line of PID with NULs as spaces (empty when gone).
# comm PID: the process name of PID (bash builtins only: these run over all of /proc).
comm() {
	local c=
	{ read -r c <"/proc/$1/comm"; } 2>/dev/null || true
	echo "$c"
}

# ours PID: 0 when PID is alive, is one of the daemon's programs and its command line
# names this state dir.
ours() {
	local pid=$1 c=
	case $pid in '' | *[!0-9]*) return 1 ;; esac
	{ read -r c <"/proc/$pid/comm"; } 2>/dev/null || return 1
	case $c in dockerd | containerd | containerd-shim* | runc | docker-proxy) ;; *) return 1 ;; esac
	alive "$pid" && names_state "$pid"
}

# The pid of the dockerd we started, when it is still running.
daemon_pid() {
	local pid f
	for f in "$STATE/launched.pid" "$PIDFILE"; do
		[ -f "$f" ] || continue
		pid=$(cat "$f" 2>/dev/null || true)
		if ours "$pid" && [ "$(comm "$pid")" = dockerd ]; then
			echo "$pid"
			return 0
		fi
	done
	return 1
}

# children PID: "pid:comm" of PID's direct children.
children() {
	local p stat rest
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		{ read -r stat <"/proc/$p/stat"; } 2>/dev/null || continue
		rest=${stat##*) } # "S PPID ..."
		rest=${rest#* }
		[ "${rest%% *}" = "$1" ] && echo "$p:$(comm "$p")"
	done
	return 0
}

# other_dockerd: 0 when some dockerd is running (ours is stopped by then).
other_dockerd() {
	local p c
	for p in /proc/[0-9]*; do
		c=
		{ read -r c <"$p/comm"; } 2>/dev/null || continue
		[ "$c" = dockerd ] && alive "${p#/proc/}" && return 0
	done
	return 1
}

print_env() { cat "$ENVFILE"; }

# show_log N: the errors of the last start attempt, then the last N lines of the log.
show_log() {
	local start
	start=$(grep -n '^==== ' "$LOGFILE" 2>/dev/null | tail -n 1 | cut -d: -f1)
	tail -n +"${start:-1}" "$LOGFILE" 2>/dev/null | grep -E 'level=(error|fatal)|failed to start' |
		tail -n 5 | sed 's/^/    error: /' >&2 || true
	tail -n "$1" "$LOGFILE" | sed 's/^/    /' >&2
}

write_env() { # host tls_host certs
	{
		printf 'export DOCKWIRE_REAL_DOCKER_HOST=%q\n' "$1"
		if [ -n "$2" ]; then
			printf 'export DOCKWIRE_REAL_TLS_HOST=%q\n' "$2"
			printf 'export DOCKWIRE_REAL_TLS_CERTS=%q\n' "$3"
		fi
		printf 'export DOCKWIRE_REAL_IMAGE=%q\n' "$IMAGE"
	} >"$ENVFILE.tmp"
	mv "$ENVFILE.tmp" "$ENVFILE"
}

# ---------------------------------------------------------------------------- install

static_busybox() {
	local bb
	for bb in /bin/busybox /usr/bin/busybox "$(command -v busybox 2>/dev/null || true)"; do
		if [ -z "$bb" ] || [ ! -x "$bb" ]; then continue; fi
		# ldd fails on a static binary
		if ! ldd "$bb" >/dev/null 2>&1; then
			echo "$bb"
			return 0
		fi
	done
	return 1
}

# install_missing [client]: with "client", dockerd itself is not needed (outside daemon).
install_missing() {
	local pkgs=()
	if [ "${1:-}" = client ]; then
		[ -x /usr/local/bin/docker ] || command -v docker >/dev/null 2>&1 || pkgs+=(docker.io)
	else
		command -v dockerd >/dev/null 2>&1 || pkgs+=(docker.io)
	fi
	static_busybox >/dev/null || pkgs+=(busybox-static)
	command -v openssl >/dev/null 2>&1 || pkgs+=(openssl)
	command -v curl >/dev/null 2>&1 || pkgs+=(curl)
	[ ${#pkgs[@]} -gt 0 ] || return 0
	[ "$(id -u)" = 0 ] || die "need root to install ${pkgs[*]}"
	log "installing ${pkgs[*]} with apt-get"
	local t0=$SECONDS made_policy=''
	# Keep the packages' init scripts from starting a system dockerd/containerd.
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		made_policy=1
	fi
	local rc=0
	{
		DEBIAN_FRONTEND=noninteractive apt-get update -q &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${pkgs[@]}"
	} >&2 || rc=$?
	[ -z "$made_policy" ] || rm -f /usr/sbin/policy-rc.d
	[ $rc = 0 ] || die "apt-get install ${pkgs[*]} failed (exit $rc)"
	[ "${1:-}" = client ] || command -v dockerd >/dev/null 2>&1 || die "dockerd still missing after installing docker.io"
	static_busybox >/dev/null || die "no static busybox after installing busybox-static"
	log "installed in $((SECONDS - t0)) s"
}

# ---------------------------------------------------------------------------- certs

make_certs() {
	mkdir -p "$CERTS"
	(
		cd "$CERTS"
		umask 077
		local days=30
		openssl ecparam -name prime256v1 -genkey -noout -out ca-key.pem
		openssl req -x509 -new -sha256 -key ca-key.pem -days "$days" -subj "/CN=dockwire test CA" \
			-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
			-out ca.pem
		openssl ecparam -name prime256v1 -genkey -noout -out server-key.pem
		openssl req -new -sha256 -key server-key.pem -subj "/CN=localhost" -out server.csr
		printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' >server.ext
		openssl x509 -req -sha256 -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
			-days "$days" -extfile server.ext -out server-cert.pem
		openssl ecparam -name prime256v1 -genkey -noout -out key.pem
		openssl req -new -sha256 -key key.pem -subj "/CN=dockwire-client" -out client.csr
		printf 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' >client.ext
		openssl x509 -req -sha256 -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
			-days "$days" -extfile client.ext -out cert.pem
		rm -f server.csr client.csr server.ext client.ext ca.srl
		chmod 644 ca.pem cert.pem server-cert.pem
	) >&2 2>"$STATE/openssl.log" || {
		cat "$STATE/openssl.log" >&2
		die "openssl failed to make the certificates"
	}
}

# ---------------------------------------------------------------------------- start

# try_start PORT FLAGS...: start dockerd with FLAGS, wait for /_ping. 0 when it answers.
try_start() {
	local port=$1
	shift
	unmount_all || die "cannot clear the mounts under $STATE"
	rm -rf --one-file-system "$DATA" "$EXEC"
	rm -f "$SOCK" "$PIDFILE" "$STATE/launched.pid"
	mkdir -p "$DATA" "$EXEC"
	local args=(
		--data-root "$DATA" --exec-root "$EXEC" --pidfile "$PIDFILE"
		--host "unix://$SOCK" --host "tcp://127.0.0.1:$port"
		--tlsverify --tlscacert "$CERTS/ca.pem"
		--tlscert "$CERTS/server-cert.pem" --tlskey "$CERTS/server-key.pem"
		--shutdown-timeout 5
		"$@"
	)
	# A system containerd on the default socket would be picked up by dockerd: keep our
	# objects in namespaces of their own then.
	if [ -S /run/containerd/containerd.sock ]; then
		args+=(--containerd-namespace dockwire --containerd-plugins-namespace dockwire-plugins)
	fi
	# shellcheck disable=SC2206
	[ -z "${DOCKWIRE_DOCKERD_FLAGS:-}" ] || args+=(${DOCKWIRE_DOCKERD_FLAGS})
	log "starting: dockerd ${args[*]}"
	printf '\n==== %s dockerd %s\n' "$(date -u +%FT%TZ)" "${args[*]}" >>"$LOGFILE"
	# Not in the caller's process group; every fd but the log closed, so that $(...) in
	# the caller returns and no lock is inherited (detached, lib.sh).
	detached dockerd "${args[@]}" </dev/null >>"$LOGFILE" 2>&1 &
	local pid=$!
	echo "$pid" >"$STATE/launched.pid"
	local deadline=$((SECONDS + WAIT))
	while [ $SECONDS -lt $deadline ]; do
		if ! alive "$pid"; then
			wait "$pid" 2>/dev/null || true
			log "dockerd exited during start-up; log tail:"
			show_log 10
			return 1
		fi
		if ping_host "unix://$SOCK"; then
			local _
			for _ in $(seq 1 20); do
				ping_tls "$port" && return 0
				sleep 0.25
			done
			log "unix socket answers but TLS listener on 127.0.0.1:$port does not"
			show_log 10
			stop_daemon
			return 1
		fi
		sleep 0.25
	done
	log "dockerd did not answer /_ping within ${WAIT} s; log tail:"
	show_log 20
	stop_daemon
	return 1
}

start_daemon() {
	local port
	port=$(free_port)
	if [ ! -d /sys/class/net/docker0 ]; then touch "$STATE/made-docker0"; fi
	# Defaults first (overlay2, iptables, bridge), then give up what the sandbox can't do.
	local attempt
	local -a flags
	for attempt in default no-iptables vfs no-bridge; do
		case $attempt in
		default) flags=(--storage-driver overlay2) ;;
		no-iptables) flags=(--storage-driver overlay2 --iptables=false --ip-masq=false) ;;
		vfs) flags=(--storage-driver vfs --iptables=false --ip-masq=false) ;;
		no-bridge) flags=(--storage-driver vfs --iptables=false --ip-masq=false --bridge=none) ;;
		esac
		if try_start "$port" "${flags[@]}"; then
			printf '%s\n' "${flags[*]}" >"$STATE/flags"
			log "dockerd is up (pid $(cat "$STATE/launched.pid"), flags: ${flags[*]})"
			[ "$attempt" = default ] || log "note: fell back to '$attempt': see $LOGFILE for why"
			write_env "unix://$SOCK" "tcp://127.0.0.1:$port" "$CERTS"
			return 0
		fi
		log "attempt '$attempt' failed"
		port=$(free_port)
	done
	die "dockerd would not start with any set of flags; log: $LOGFILE"
}

# ---------------------------------------------------------------------------- image

ensure_image() {
	DOCKER_HOST_FOR_CLI=$1
	mkdir -p "$STATE/docker-config"
	if docker_cli image inspect "$IMAGE" >/dev/null 2>&1; then
		log "image $IMAGE present"
	else
		local bb root
		bb=$(static_busybox) || die "need a static busybox (apt-get install busybox-static)"
		log "importing $IMAGE from $bb"
		root=$(mktemp -d "$STATE/rootfs.XXXXXX")
		mkdir -p "$root/bin" "$root/tmp"
		chmod 1777 "$root/tmp"
		cp "$bb" "$root/bin/busybox"
		local a
		for a in $("$bb" --list); do
			[ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
		done
		tar -C "$root" -cf "$root.tar" .
		docker_cli import "$root.tar" "$IMAGE" >&2 || {
			rm -rf "$root" "$root.tar"
			die "docker import of $IMAGE failed"
		}
		rm -rf "$root" "$root.tar"
	fi
	local out
	out=$(docker_cli run --rm "$IMAGE" sh -c 'true && echo ok' 2>&1) || die "docker run --rm $IMAGE failed: $out"
	[ "$out" = ok ] || die "docker run --rm $IMAGE printed '$out', want 'ok'"
	log "docker run --rm $IMAGE: ok"
}

# ---------------------------------------------------------------------------- stop

stop_daemon() {
	local pid kids=""
	if pid=$(daemon_pid); then
		# its containerd and docker-proxy processes, to check on once it is gone
		kids=$(children "$pid")
		# Kill running containers first: a graceful stop of each would cost up to
		# --shutdown-timeout, and this daemon is thrown away anyway.
		local ids id
		ids=$(curl -fsS --max-time 5 --unix-socket "$SOCK" http://localhost/containers/json 2>/dev/null |
			grep -o '"Id":"[0-9a-f]*"' | cut -d'"' -f4 || true)
		for id in $ids; do
			curl -fsS --max-time 5 --unix-socket "$SOCK" -X POST "http://localhost/containers/$id/kill" >/dev/null 2>&1 || true
		done
		[ -z "$ids" ] || log "killed $(echo "$ids" | wc -l) running container(s)"
		log "stopping dockerd (pid $pid)"
		kill -TERM "$pid" 2>/dev/null || true
		local deadline=$((SECONDS + 20))
		while alive "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
		if alive "$pid" && ours "$pid"; then
			log "dockerd still running after 20 s: KILL"
			kill -KILL "$pid" 2>/dev/null || true
			sleep 0.5
		fi
		wait "$pid" 2>/dev/null || true # reaps it when it is our child (failed start)
	fi
	local k
	for k in $kids; do
		if alive "${k%%:*}" && [ "$(comm "${k%%:*}")" = "${k#*:}" ]; then
			log "stopping dockerd's leftover ${k#*:} (pid ${k%%:*})"
			kill -TERM "${k%%:*}" 2>/dev/null || true
		fi
	done
	# Containers left behind by a killed daemon: runc's state lives under the exec root.
	local rr id
	if command -v runc >/dev/null 2>&1; then
		for rr in "$EXEC"/runtime-runc/*; do
			[ -d "$rr" ] || continue
			for id in $(runc --root "$rr" list -q 2>/dev/null || true); do
				log "removing leftover container $id"
				runc --root "$rr" delete --force "$id" >&2 2>&1 || true
			done
		done
	fi
	# containerd, its shims: whatever still names our state dir.
	stop_ours "leftover processes"
	rm -f "$STATE/launched.pid"
}

cmd_down() {
	if [ ! -e "$STATE" ]; then
		log "nothing to stop ($STATE does not exist)"
		return 0
	fi
	[ -f "$STATE/$MARKER" ] || die "$STATE was not made by $PROG (no $MARKER): not touching it"
	if [ -f "$STATE/external" ]; then
		log "the daemon was not started here: leaving it running"
	else
		local t0=$SECONDS
		stop_daemon
		unmount_all || true
		if [ -f "$STATE/made-docker0" ] && [ -d /sys/class/net/docker0 ] && command -v ip >/dev/null 2>&1; then
			# Only when no other dockerd could be using it.
			if ! other_dockerd; then
				if ip link delete docker0 2>/dev/null; then log "removed bridge docker0"; fi
			fi
		fi
		log "stopped in $((SECONDS - t0)) s"
	fi
	# --one-file-system: never descend into a mount that survived the unmount.
	rm -rf --one-file-system "$STATE" 2>/dev/null || true
	if [ -e "$STATE" ]; then
		log "warning: could not remove all of $STATE"
		return 1
	fi
	log "removed $STATE"
}

# ---------------------------------------------------------------------------- up / env

cmd_up() {
	local t0=$SECONDS
	# 1. A daemon we started earlier, still healthy.
	if [ -f "$STATE/$MARKER" ] && [ ! -f "$STATE/external" ] && [ -f "$ENVFILE" ] &&
		daemon_pid >/dev/null && ping_host "unix://$SOCK"; then
		log "reusing dockerd (pid $(daemon_pid)) from $STATE"
		install_missing
		ensure_image "unix://$SOCK"
		print_env
		return 0
	fi
	# 2. An outside daemon named by the caller.
	if [ -n "${DOCKWIRE_REAL_DOCKER_HOST:-}" ] && [ "${DOCKWIRE_REAL_DOCKER_HOST}" != "unix://$SOCK" ]; then
		if ping_host "$DOCKWIRE_REAL_DOCKER_HOST"; then
			log "using the daemon at $DOCKWIRE_REAL_DOCKER_HOST: starting nothing"
			[ ! -e "$STATE" ] || cmd_down
			mkdir -p "$STATE"
			touch "$STATE/$MARKER" "$STATE/external"
			install_missing client
			write_env "$DOCKWIRE_REAL_DOCKER_HOST" "${DOCKWIRE_REAL_TLS_HOST:-}" "${DOCKWIRE_REAL_TLS_CERTS:-}"
			ensure_image "$DOCKWIRE_REAL_DOCKER_HOST"
			print_env
			return 0
		fi
		log "DOCKWIRE_REAL_DOCKER_HOST=$DOCKWIRE_REAL_DOCKER_HOST does not answer /_ping: starting a daemon"
	fi
	# 3. Start one. Clear what a dead earlier run left.
	[ "$(id -u)" = 0 ] || die "dockerd must be started as root"
	if [ -e "$STATE" ]; then
		log "cleaning up a previous run in $STATE"
		cmd_down
	fi
	install_missing
	mkdir -p "$STATE"
	touch "$STATE/$MARKER"
	make_certs
	# A failure from here on stops the daemon this run started (its log stays, `down`
	# removes it), so that a failed `up` leaves nothing running.
	trap 'up_failed $?' EXIT
	start_daemon
	ensure_image "unix://$SOCK"
	trap - EXIT
	log "up in $((SECONDS - t0)) s"
	print_env
}

up_failed() {
	[ "$1" -ne 0 ] || return 0
	log "up failed: stopping the dockerd it started; log kept in $LOGFILE until '$0 down'"
	stop_daemon
	unmount_all || true
	rm -f "$ENVFILE"
}

cmd_env() {
	[ -f "$ENVFILE" ] || die "no daemon recorded in $STATE: run '$0 up' first"
	if [ ! -f "$STATE/external" ]; then
		daemon_pid >/dev/null || die "the dockerd recorded in $STATE is not running: run '$0 up'"
	fi
	print_env
}

main 300 "$@"
