#!/usr/bin/env bash
# docker CLI suite: the behaviours the docker CLI's own end-to-end tests lean on (run -d/--rm/
# -a/--init/--mount, create and start -a, cp edge cases, inspect --format, ps/images filters
# and formats, rmi of a tag among several, system df -v, events filters, container prune
# until, logs --details, wait of several, kill -s, diff), as checks of what the daemon must
# answer, against DOCKER_HOST.
#
# Same protocol as cli_scenarios.sh: 'PASS name', 'FAIL name: reason' or 'SKIP name: reason'
# per check, then 'N skipped' and, last, 'N passed, N failed'; exit 0 only if nothing failed.
# Everything it makes carries the label cli-suite.run=<prefix> and a name starting with the
# prefix; the check 'cleanup' fails when something is left behind.
#
# Env: DOCKER (default docker), PEERS_IMAGE (a static busybox with a link per applet,
# default busybox:local), PEERS_CHECK_TIMEOUT (seconds per docker command, default 60).
# Needs: bash, coreutils, tar.

set -u
DOCKER=${DOCKER:-docker}
IMAGE=${PEERS_IMAGE:-busybox:local}
T=${PEERS_CHECK_TIMEOUT:-60}
P=clisuite-$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')
LBL="cli-suite.run=$P"
WORK=$(mktemp -d "/tmp/$P.XXXX")
. "$(dirname "${BASH_SOURCE[0]}")/cli_lib.sh"
# run_d NAME ARGS...: docker run -d, labelled, named $P-NAME
run_d() {
    local n=$1
    shift
    dk run -d --label "$LBL" --name "$P-$n" "$@" >/dev/null 2>&1 || die "run -d $n failed"
}

cleanup() {
    local ids
    ids=$("$DOCKER" ps -aq --filter "label=$LBL" 2>/dev/null; "$DOCKER" ps -aq --filter "name=$P" 2>/dev/null)
    [ -n "$ids" ] && "$DOCKER" rm -f -v $(echo "$ids" | sort -u) >/dev/null 2>&1
    "$DOCKER" images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | grep "^$P" | while read -r t; do
        "$DOCKER" rmi -f "$t" >/dev/null 2>&1
    done
    "$DOCKER" images -q --filter "label=$LBL" 2>/dev/null | sort -u | while read -r i; do "$DOCKER" rmi -f "$i" >/dev/null 2>&1; done
    "$DOCKER" volume ls -q --filter "label=$LBL" 2>/dev/null | while read -r v; do "$DOCKER" volume rm -f "$v" >/dev/null 2>&1; done
    "$DOCKER" volume ls -q --filter "name=$P" 2>/dev/null | while read -r v; do "$DOCKER" volume rm -f "$v" >/dev/null 2>&1; done
    rm -rf "$WORK"
}
trap cleanup EXIT

# ---------------------------------------------------------------------------- run
t_run_detach_rm() {
    local id i
    id=$(dk run -d --rm --label "$LBL" "$IMAGE" sh -c 'sleep 0.3' 2>&1) || die "$id" || return
    for i in $(seq 50); do
        dk inspect "$id" >/dev/null 2>&1 || return 0
        sleep 0.2
    done
    die "run -d --rm: the container is still there after it exited"
}
t_run_attach_one() {
    local out
    out=$(dk run --rm --label "$LBL" -a stdout "$IMAGE" sh -c 'echo to-out; echo to-err >&2' 2>&1) || die "$out" || return
    eq "$out" "to-out" "-a stdout" || return
    out=$(dk run --rm --label "$LBL" -a stderr "$IMAGE" sh -c 'echo to-out; echo to-err >&2' 2>&1) || die "$out" || return
    eq "$out" "to-err" "-a stderr"
}
t_run_init() {
    local out
    out=$(dk run --rm --label "$LBL" --init "$IMAGE" sh -c 'cat /proc/1/comm; echo $$' 2>&1) || die "$out" || return
    eq "$(echo "$out" | head -1)" "docker-init" "pid 1 with --init" || return
    [ "$(echo "$out" | tail -1)" != 1 ] || die "the shell is pid 1 with --init" || return
    out=$(dk run --rm --label "$LBL" "$IMAGE" sh -c 'echo $$' 2>&1) || die "$out" || return
    eq "$out" "1" "the shell is pid 1 without --init"
}
t_run_mount() {
    local out
    mkdir -p "$WORK/bindsrc" && echo from-host > "$WORK/bindsrc/f"
    out=$(dk run --rm --label "$LBL" --name "$P-mnt" \
        --mount "type=volume,src=$P-mv,dst=/vol,volume-label=$LBL" \
        --mount "type=bind,src=$WORK/bindsrc,dst=/b,readonly" \
        --mount "type=tmpfs,dst=/t,tmpfs-size=1m" "$IMAGE" \
        sh -c 'echo v > /vol/v; cat /b/f; { echo x > /b/g; } 2>/dev/null || echo ro; grep " /t " /proc/mounts | cut -d" " -f3' 2>&1) || die "$out" || return
    eq "$out" "$(printf 'from-host\nro\ntmpfs')" "output" || return
    out=$(dk volume inspect -f '{{index .Labels "cli-suite.run"}}' "$P-mv" 2>&1) || die "volume: $out" || return
    eq "$out" "$P" "volume-label" || return
    out=$(dk run --rm --label "$LBL" -v "$P-mv:/vol:ro" "$IMAGE" cat /vol/v 2>&1) || die "$out" || return
    eq "$out" "v" "volume content" || return
    fails "a bind of a missing source" dk run --rm --label "$LBL" --mount "type=bind,src=$WORK/nosuch,dst=/x" "$IMAGE" true || return
    has "$out" "bind source path does not exist" "message"
}
t_run_name_conflict() {
    run_d conflict "$IMAGE" sleep 300 || return
    fails "a second container of the same name" dk run --label "$LBL" --name "$P-conflict" "$IMAGE" true || return
    has "$out" "is already in use by container" "message" || return
    fails "rm of a running container" dk rm "$P-conflict" || return
    has "$out" "cannot remove a running container" "message" || return
    dk rm -f "$P-conflict" >/dev/null
}
t_run_entrypoint_user_workdir() {
    local out
    out=$(dk run --rm --label "$LBL" --entrypoint /bin/echo -u 4242:4343 -w /new/dir "$IMAGE" a b 2>&1) || die "$out" || return
    eq "$out" "a b" "entrypoint" || return
    out=$(dk run --rm --label "$LBL" -u 4242:4343 -w /new/dir "$IMAGE" sh -c 'id -u; id -g; pwd; ls -ld /new/dir | cut -c1-10' 2>&1) || die "$out" || return
    eq "$out" "$(printf '4242\n4343\n/new/dir\ndrwxr-xr-x')" "user and a made workdir"
}
t_run_env_label_files() {
    local out
    printf 'E1=one\n# comment\nE2=two words\n' > "$WORK/env"
    printf 'l1=v1\nl2=v2\n' > "$WORK/labels"
    out=$(dk run --label "$LBL" --name "$P-ef" --env-file "$WORK/env" --label-file "$WORK/labels" "$IMAGE" sh -c 'echo "$E1|$E2"' 2>&1) || die "$out" || return
    eq "$out" "one|two words" "env file" || return
    out=$(dk inspect -f '{{index .Config.Labels "l1"}}{{index .Config.Labels "l2"}}' "$P-ef" 2>&1) || die "$out" || return
    eq "$out" "v1v2" "label file"
}

# ---------------------------------------------------------------------------- create/start
t_create_start_a() {
    local out rc
    dk create --label "$LBL" --name "$P-csa" "$IMAGE" sh -c 'echo started; echo e >&2; exit 9' >/dev/null 2>&1 || die "create failed" || return
    out=$(dk start -a "$P-csa" 2>/dev/null)
    rc=$?
    eq "$rc" "9" "start -a exit code" || return
    eq "$out" "started" "start -a stdout" || return
    out=$(dk start -a "$P-csa" 2>&1 >/dev/null)
    eq "$out" "e" "start -a again: stderr"
}
t_wait_several() {
    local out
    run_d w1 "$IMAGE" sh -c 'sleep 0.6; exit 3' || return
    run_d w2 "$IMAGE" sh -c 'sleep 0.2; exit 4' || return
    out=$(dk wait "$P-w1" "$P-w2" 2>&1) || die "$out" || return
    eq "$out" "$(printf '3\n4')" "exit codes in argument order" || return
    fails "wait for a missing container" dk wait "$P-w1" "$P-nosuch" || return
    has "$out" "No such container" "message"
}
t_kill_signal() {
    local out
    run_d kill "$IMAGE" sh -c 'trap "echo got-usr1" USR1; trap "echo got-term; exit 5" TERM; while true; do sleep 0.1; done' || return
    sleep 0.5
    dk kill -s USR1 "$P-kill" >/dev/null 2>&1 || die "kill -s USR1 failed" || return
    sleep 0.5
    eq "$(dk inspect -f '{{.State.Running}}' "$P-kill")" "true" "USR1 is trapped" || return
    dk kill -s SIGTERM "$P-kill" >/dev/null 2>&1 || die "kill -s SIGTERM failed" || return
    out=$(dk wait "$P-kill" 2>&1)
    eq "$out" "5" "the TERM trap's exit code" || return
    out=$(dk logs "$P-kill" 2>&1)
    eq "$out" "$(printf 'got-usr1\ngot-term')" "trapped" || return
    fails "kill of a stopped container" dk kill "$P-kill" || return
    has "$out" "is not running" "message" || return
    run_d kill2 "$IMAGE" sleep 300 || return
    fails "an unknown signal" dk kill -s NOSUCH "$P-kill2" || return
    has "$out" "Invalid signal: NOSUCH" "message"
}
t_stop_signal_time() {
    local out t0
    # (stop -s needs API 1.42: the container's stop signal instead)
    run_d stop --stop-signal SIGINT "$IMAGE" sh -c 'trap "echo got-int; exit 0" INT; while true; do sleep 0.1; done' || return
    sleep 0.3
    t0=$(date +%s)
    dk stop -t 10 "$P-stop" >/dev/null 2>&1 || die "stop failed" || return
    [ $(($(date +%s) - t0)) -lt 5 ] || die "stop with --stop-signal SIGINT waited for the timeout" || return
    eq "$(dk inspect -f '{{.State.ExitCode}}' "$P-stop")" "0" "exit code" || return
    eq "$(dk logs "$P-stop" 2>&1)" "got-int" "the signal"
}

# ---------------------------------------------------------------------------- cp
t_cp_edges() {
    local out
    run_d cp "$IMAGE" sh -c 'mkdir -p /srv/d/sub; echo in > /srv/d/sub/f; ln -s /srv/d/sub/f /srv/link; sleep 300' || return
    sleep 0.3
    mkdir -p "$WORK/src/inner" && echo a > "$WORK/src/inner/a" && echo top > "$WORK/src/top"
    # a directory into an existing one: lands inside it, by its name
    dk cp "$WORK/src" "$P-cp:/srv/d" 2>&1 || die "cp dir into dir" || return
    out=$(dk exec "$P-cp" sh -c 'cat /srv/d/src/inner/a /srv/d/src/top' 2>&1)
    eq "$out" "$(printf 'a\ntop')" "dir into dir" || return
    # dir/. : its content only, into a new directory
    dk cp "$WORK/src/." "$P-cp:/srv/new" 2>&1 || die "cp dir/. into a new dir" || return
    out=$(dk exec "$P-cp" sh -c 'ls /srv/new | tr "\n" " "' 2>&1)
    eq "$out" "inner top " "dir/. content" || return
    # a file to a path with a trailing slash that is no directory
    fails "a file to a missing dir/" dk cp "$WORK/src/top" "$P-cp:/srv/missing/" || return
    # a file renamed on the way
    dk cp "$WORK/src/top" "$P-cp:/srv/renamed" 2>&1 || die "cp to a new name" || return
    eq "$(dk exec "$P-cp" cat /srv/renamed 2>&1)" "top" "renamed" || return
    # a symlink comes out as a link; with -L as its target's content
    dk cp "$P-cp:/srv/link" "$WORK/out-link" 2>&1 || die "cp a link out" || return
    [ -L "$WORK/out-link" ] || die "the link came out as no link" || return
    eq "$(readlink "$WORK/out-link")" "/srv/d/sub/f" "link target" || return
    dk cp -L "$P-cp:/srv/link" "$WORK/out-follow" 2>&1 || die "cp -L" || return
    [ -f "$WORK/out-follow" ] && [ ! -L "$WORK/out-follow" ] || die "cp -L gave no plain file" || return
    eq "$(cat "$WORK/out-follow")" "in" "cp -L content" || return
    # a directory out, into an existing host directory
    mkdir -p "$WORK/outdir"
    dk cp "$P-cp:/srv/d/sub" "$WORK/outdir" 2>&1 || die "cp a dir out" || return
    eq "$(cat "$WORK/outdir/sub/f")" "in" "dir out" || return
    fails "cp of a missing path" dk cp "$P-cp:/srv/nosuch" "$WORK/x" || return
    has "$out" "Could not find the file /srv/nosuch in container" "message"
}

# ---------------------------------------------------------------------------- inspect/ps
t_inspect_format() {
    local out rc
    run_d insp --label role=insp -e FOO=bar "$IMAGE" sleep 300 || return
    out=$(dk inspect -f '{{json .Config.Labels}}' "$P-insp" 2>&1) || die "$out" || return
    has "$out" '"role":"insp"' "json labels" || return
    out=$(dk inspect -f '{{.State.Running}} {{.RestartCount}} {{len .Config.Env}} {{.Config.Image}}' "$P-insp" 2>&1) || die "$out" || return
    case "$out" in "true 0 "[1-9]*" $IMAGE") ;; *) die "fields: '$out'"; return ;; esac
    out=$(dk inspect --type image -f '{{.Os}}/{{.Architecture}}' "$IMAGE" 2>&1) || die "$out" || return
    eq "$out" "linux/$(dk version -f '{{.Server.Arch}}')" "image os/arch" || return
    out=$(dk inspect -f '{{.Name}}' "$P-insp" "$P-nosuch" 2>&1)
    rc=$?
    eq "$rc" "1" "exit code with a missing one" || return
    has "$out" "/$P-insp" "partial output" || return
    has "$out" "No such object: $P-nosuch" "missing"
}
t_ps_filters() {
    local out
    run_d psa --label role=psa "$IMAGE" sh -c 'exit 3' || return
    run_d psb --label role=psb -v "$P-psvol:/v" "$IMAGE" sleep 300 || return
    dk wait "$P-psa" >/dev/null 2>&1
    f() { dk ps -a --filter "label=$LBL" --filter "name=$P-ps" "$@" --format '{{.Names}}' 2>&1 | sort | tr '\n' ' '; }
    eq "$(f --filter exited=3)" "$P-psa " "exited=3" || return
    eq "$(f --filter status=running)" "$P-psb " "status=running" || return
    eq "$(f --filter "volume=$P-psvol")" "$P-psb " "volume" || return
    eq "$(f --filter "before=$P-psb")" "$P-psa " "before" || return
    eq "$(f --filter "since=$P-psa")" "$P-psb " "since" || return
    eq "$(f --filter "ancestor=$IMAGE")" "$P-psa $P-psb " "ancestor" || return
    eq "$(f --filter is-task=false)" "$P-psa $P-psb " "is-task" || return
    out=$(dk ps -a --filter "name=$P-psa" --format '{{.Names}}|{{.Command}}|{{.Status}}|{{.Label "role"}}' 2>&1)
    case "$out" in "$P-psa|\"sh -c 'exit 3'\"|Exited (3) "*"|psa") ;; *) die "format: '$out'"; return ;; esac
    out=$(dk ps -a -s --filter "name=$P-psb" --format '{{.Size}}' 2>&1)
    case "$out" in *"(virtual "*")") ;; *) die "--size: '$out'"; return ;; esac
    out=$(dk ps -a --filter "name=$P-psb" --no-trunc --format 'table {{.Names}}\t{{.Mounts}}' 2>&1)
    has "$out" "MOUNTS" "table header" || return
    has "$out" "$P-psvol" "mounts column" || return
    fails "an unknown filter" dk ps --filter nosuch=1 || return
    has "$out" "nvalid filter 'nosuch'" "message"
}
t_diff_kinds() {
    local out
    dk run --label "$LBL" --name "$P-diff" "$IMAGE" sh -c 'echo n > /new.txt; rm /bin/ls; echo m >> /etc/hostname.bak; mkdir /nd' >/dev/null 2>&1 || die "run failed" || return
    out=$(dk diff "$P-diff" 2>&1) || die "$out" || return
    for l in "A /new.txt" "C /bin" "D /bin/ls" "A /nd" "C /etc"; do has "$out" "$l" "diff" || return; done
}
t_logs_details() {
    local out
    dk run --label "$LBL" --name "$P-det" --label dept=x --log-opt labels=dept -e ENVK=e1 --log-opt env=ENVK "$IMAGE" sh -c 'echo line' >/dev/null 2>&1 || die "run failed" || return
    out=$(dk logs --details "$P-det" 2>&1) || die "$out" || return
    eq "$out" "ENVK=e1,dept=x line" "logs --details (attributes sorted by key)" || return
    out=$(dk logs "$P-det" 2>&1)
    eq "$out" "line" "logs without --details"
}
t_top_ps_args() {
    local out
    run_d top "$IMAGE" sleep 300 || return
    out=$(dk top "$P-top" -o pid,args 2>&1) || die "$out" || return
    eq "$(echo "$out" | head -1 | tr -s ' ')" "PID COMMAND" "header of ps -o pid,args" || return
    has "$out" "sleep 300" "the process" || return
    dk stop -t 0 "$P-top" >/dev/null 2>&1
    fails "top of a stopped container" dk top "$P-top" || return
    has "$out" "is not running" "message"
}
t_port() {
    local out
    run_d port -p 127.0.0.1::80 -p 127.0.0.1::53/udp --expose 9999 "$IMAGE" sleep 300 || return
    out=$(dk port "$P-port" 2>&1) || die "$out" || return
    has "$out" "80/tcp -> 127.0.0.1:" "port list" || return
    has "$out" "53/udp -> 127.0.0.1:" "port list udp" || return
    fails "a port not published" dk port "$P-port" 9999 || return
    has "$out" "No public port '9999' published" "message"
}
t_stats_no_stream() {
    local out
    run_d st1 "$IMAGE" sleep 300 || return
    run_d st2 "$IMAGE" sleep 300 || return
    out=$(dk stats --no-stream --format '{{.Name}} {{.PIDs}}' "$P-st1" "$P-st2" 2>&1) || die "$out" || return
    eq "$(echo "$out" | sort | tr '\n' ' ')" "$P-st1 1 $P-st2 1 " "stats of two"
}

# ---------------------------------------------------------------------------- images
t_images_filters() {
    local out c id1 id2
    c=$(dk create --label "$LBL" "$IMAGE" true 2>&1) || die "$c" || return
    id1=$(dk commit -c "LABEL $LBL" -c 'LABEL gen=1' "$c" "$P-img:one" 2>&1) || die "$id1" || return
    sleep 1.1
    id2=$(dk commit -c "LABEL $LBL" -c 'LABEL gen=2' "$c" "$P-img:two" 2>&1) || die "$id2" || return
    dk tag "$P-img:two" "$P-img:one" >/dev/null 2>&1 || die "retag" || return
    f() { dk images --filter "label=$LBL" "$@" --format '{{.Repository}}:{{.Tag}}' 2>&1 | sort | tr '\n' ' '; }
    eq "$(f --filter dangling=true)" "<none>:<none> " "dangling" || return
    eq "$(f --filter dangling=false)" "$P-img:one $P-img:two " "not dangling" || return
    eq "$(f --filter "reference=$P-img:t*")" "$P-img:two " "reference with a wildcard" || return
    eq "$(f --filter "since=$id1" --filter dangling=false)" "$P-img:one $P-img:two " "since" || return
    eq "$(f --filter "before=$P-img:two")" "<none>:<none> " "before" || return
    eq "$(f --filter label=gen=2)" "$P-img:one $P-img:two " "label=value" || return
    out=$(dk images -a --filter "label=$LBL" -q 2>&1 | sort -u | wc -l)
    eq "$(echo $out)" "2" "two images" || return
    out=$(dk images --digests --no-trunc --filter "reference=$P-img:two" --format '{{.ID}}|{{.Digest}}' 2>&1)
    eq "$out" "$id2|<none>" "--no-trunc id, no digest" || return
    dk rmi "$id1" >/dev/null 2>&1 || die "rmi of the dangling one failed"
}
t_rmi_tags() {
    local out id c
    # an image of our own: the base image may have children made by others
    c=$(dk create --label "$LBL" "$IMAGE" true 2>&1) || die "$c" || return
    id=$(dk commit -c "LABEL $LBL" "$c" "$P-rt:a" 2>&1) || die "$id" || return
    dk tag "$P-rt:a" "$P-rt:b" || die "tag failed" || return
    fails "rmi by id of an image with several tags" dk rmi "${id#sha256:}" || return
    has "$out" "image is referenced in multiple repositories" "message" || return
    dk tag "$P-rt:a" "$P-rt:c" || die "tag failed" || return
    out=$(dk rmi "$P-rt:a" 2>&1) || die "$out" || return
    eq "$out" "Untagged: $P-rt:a" "rmi of a tag among several" || return
    dk inspect "$P-rt:b" >/dev/null 2>&1 || die "the other tag went too" || return
    fails "rmi of a missing image" dk rmi "$P-rt:nosuch" || return
    has "$out" "No such image: $P-rt:nosuch" "message" || return
    run_d rtc "$P-rt:b" sleep 300 || return
    out=$(dk rmi "$P-rt:b" 2>&1) || die "rmi of a tag in use by a running container (other tags keep the image): $out" || return
    eq "$out" "Untagged: $P-rt:b" "untagged"
}
t_history_format() {
    local out
    out=$(dk history --no-trunc --format '{{.ID}}|{{.CreatedBy}}' "$IMAGE" 2>&1 | head -1) || die "$out" || return
    case "$out" in sha256:*\|*) ;; *) die "history: '$out'"; return ;; esac
    out=$(dk history -q "$IMAGE" 2>&1 | head -1)
    [ ${#out} -eq 12 ] || die "history -q: '$out'"
}

# ---------------------------------------------------------------------------- system
t_system_df_verbose() {
    local out
    dk volume create --label "$LBL" "$P-dfvol" >/dev/null 2>&1 || die "volume create" || return
    dk create --label "$LBL" --name "$P-dfc" -v "$P-dfvol:/v" "$IMAGE" true >/dev/null 2>&1 || die "create" || return
    out=$(dk system df -v --format '{{json .}}' 2>&1) || die "$out" || return
    has "$out" "\"Name\":\"$P-dfvol\"" "df -v json volume" || return
    out=$(dk system df -v 2>&1) || die "$out" || return
    has "$out" "Local Volumes space usage:" "df -v" || return
    out=$(echo "$out" | grep "^$P-dfvol" | tr -s ' ')
    case "$out" in "$P-dfvol 1 "*) ;; *) die "volume line (links 1): '$out'"; return ;; esac
    out=$(dk system df --format '{{.Type}}|{{.TotalCount}}' 2>&1) || die "$out" || return
    has "$out" "Local Volumes|" "df --format" || return
    has "$out" "Build Cache|" "df --format"
}
t_events_filters() {
    local out since until
    since=$(date +%s)
    dk run --label "$LBL" --name "$P-ev" "$IMAGE" true >/dev/null 2>&1 || die "run" || return
    dk rm "$P-ev" >/dev/null 2>&1
    sleep 1.1
    until=$(date +%s)
    out=$(dk events --since "$since" --until "$until" --filter "container=$P-ev" --filter event=start --filter event=destroy --format '{{.Action}}' 2>&1) || die "$out" || return
    eq "$(echo $out)" "start destroy" "events filtered by container and event" || return
    out=$(dk events --since "$since" --until "$until" --filter "label=$LBL" --filter "container=$P-ev" --filter type=container --format '{{json .}}' 2>&1 | head -1) || die "$out" || return
    has "$out" '"Type":"container"' "json" || return
    has "$out" "\"name\":\"$P-ev\"" "json attributes"
}
t_container_prune_until() {
    local out
    dk create --label "$LBL" --label prune=yes --name "$P-pr" "$IMAGE" true >/dev/null 2>&1 || die "create" || return
    out=$(dk container prune -f --filter "label=$LBL" --filter until=1h 2>&1) || die "$out" || return
    dk inspect "$P-pr" >/dev/null 2>&1 || die "until=1h pruned a fresh container" || return
    sleep 2
    out=$(dk container prune -f --filter "label=prune=yes" --filter until=1s 2>&1) || die "$out" || return
    has "$out" "Total reclaimed space" "prune output" || return
    ! dk inspect "$P-pr" >/dev/null 2>&1 || die "until=1s kept an older container" || return
    fails "a bad until" dk container prune -f --filter "label=$LBL" --filter until=notatime || return
    has "$out" "notatime" "message"
}
t_update_restart() {
    local out
    run_d upd "$IMAGE" sleep 300 || return
    out=$(dk update --restart on-failure:2 --pids-limit 50 "$P-upd" 2>&1) || die "$out" || return
    out=$(dk inspect -f '{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}} {{.HostConfig.PidsLimit}}' "$P-upd" 2>&1)
    eq "$out" "on-failure:2 50" "updated" || return
    fails "--restart always with --rm" dk run --rm --restart always --label "$LBL" "$IMAGE" true || return
    has "$out" "onflicting options" "message"
}
t_exec_errors() {
    local out rc
    dk create --label "$LBL" --name "$P-exs" "$IMAGE" sleep 300 >/dev/null 2>&1 || die "create" || return
    fails "exec in a created container" dk exec "$P-exs" true || return
    has "$out" "is not running" "message" || return
    dk start "$P-exs" >/dev/null 2>&1
    dk exec "$P-exs" /nosuch >/dev/null 2>&1
    rc=$?
    eq "$rc" "126" "exec of a missing binary" || return
    out=$(dk exec -e A=1 -e B "$P-exs" sh -c 'echo "${A}-${B-unset}"' 2>&1)
    eq "$out" "1-unset" "-e without a value and no such host variable"
}

t_cleanup() {
    local left
    cleanup
    WORK=$(mktemp -d "/tmp/$P.XXXX")
    left=$("$DOCKER" ps -aq --filter "label=$LBL"; "$DOCKER" images --format '{{.Repository}}' | grep "^$P"; "$DOCKER" images -q --filter "label=$LBL"; "$DOCKER" volume ls -q --filter "name=$P"; "$DOCKER" volume ls -q --filter "label=$LBL")
    eq "$left" "" "left behind" || return
    "$DOCKER" image inspect "$IMAGE" >/dev/null 2>&1 || die "base image $IMAGE lost"
}

echo "# $("$DOCKER" version -f 'docker CLI {{.Client.Version}}, server {{.Server.Version}} (API {{.Server.APIVersion}})' 2>&1), DOCKER_HOST=${DOCKER_HOST:-(default)}, image $IMAGE, prefix $P"
check run.detach_rm t_run_detach_rm
check run.attach_one_stream t_run_attach_one
check run.init t_run_init
check run.mount t_run_mount
check run.name_conflict_rm_running t_run_name_conflict
check run.entrypoint_user_workdir t_run_entrypoint_user_workdir
check run.env_label_files t_run_env_label_files
check create.start_attach t_create_start_a
check wait.several t_wait_several
check kill.signal t_kill_signal
check stop.signal_time t_stop_signal_time
check cp.edges t_cp_edges
check inspect.format t_inspect_format
check ps.filters_format_size t_ps_filters
check diff.kinds t_diff_kinds
check logs.details t_logs_details
check top.ps_args t_top_ps_args
check port.list t_port
check stats.no_stream_several t_stats_no_stream
check images.filters t_images_filters
check rmi.tags t_rmi_tags
check history.format t_history_format
check system.df_verbose t_system_df_verbose
check events.filters t_events_filters
check container.prune_until t_container_prune_until
check update.restart t_update_restart
check exec.errors t_exec_errors
check cleanup t_cleanup
summary
