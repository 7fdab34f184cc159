#!/usr/bin/env bash
# docker CLI suite: the behaviours the docker CLI's own end-to-end tests lean on (run -d/--rm/
# -a/--init/--mount, create and start -a, cp edge cases, inspect --format, ps/images filters
# and formats, rmi of a tag among several, system df -v, events filters, container prune
# until, logs --details, wait of several, kill -s, diff), docker/cli's e2e tests retold
# (peers/cli_suite_coverage.txt says which check holds which test), and what the CLI prints
# from the daemon's answers beyond them (ps/network/volume filters, tables and {{json .}},
# inspect of each object kind, system df counts, network and volume events), as checks of
# what the daemon must answer, against DOCKER_HOST.
#
# Same protocol as cli_scenarios.sh: 'PASS name', 'FAIL name: reason' or 'SKIP name: reason'
# per check, then 'N skipped' and, last, 'N passed, N failed'; exit 0 only if nothing failed.
# Everything it makes carries the label cli-suite.run=<prefix> and a name starting with the
# prefix; the check 'cleanup' fails when something is left behind.
#
# Env: DOCKER (default docker), PEERS_IMAGE (a static busybox with a link per applet,
# default busybox:local), PEERS_CHECK_TIMEOUT (seconds per docker command, default 60),
# PEERS_REGISTRY (host:port of a loopback registry that needs PEERS_REGISTRY_USER and
# PEERS_REGISTRY_PASSWORD; the registry checks are skipped without it; they log in with a
# DOCKER_CONFIG of their own, never the user's).
# Needs: bash, coreutils, tar, script(1) (util-linux), pgrep (procps).

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
    "$DOCKER" images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | grep -E "^$P|/$P/" | while read -r t; do
        "$DOCKER" rmi -f "$t" >/dev/null 2>&1
    done
    "$DOCKER" images -q --filter "label=$LBL" 2>/dev/null | sort -u | while read -r i; do "$DOCKER" rmi -f "$i" >/dev/null 2>&1; done
    "$DOCKER" network ls -q --filter "label=$LBL" 2>/dev/null | while read -r n; do "$DOCKER" network rm "$n" >/dev/null 2>&1; done
    "$DOCKER" plugin ls --format '{{.Name}}' 2>/dev/null | grep "/$P/" | while read -r n; do "$DOCKER" plugin rm -f "$n" >/dev/null 2>&1; done
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

# ---------------------------------------------------------------------------- e2e/container
# pty CMD...: CMD on a terminal (script(1)), its output on stdout, its exit code returned
pty() {
    local c
    printf -v c '%q ' "$@"
    timeout --kill-after=5 "$T" script -qefc "$c" /dev/null </dev/null
}
# TestAttachExitCode: attach returns the container's exit code
t_attach_exit_code() {
    local id rc
    id=$(dk run -d -i --rm --label "$LBL" "$IMAGE" sh -c 'read x; exit 21' 2>&1) || die "run: $id" || return
    echo | dk attach "$id" >/dev/null 2>&1
    rc=$?
    eq "$rc" "21" "attach exit code"
}
# TestAttachInterrupt: a SIGINT to attach goes to the container (its trap's exit code)
t_attach_interrupt() {
    local id rc pid
    id=$(dk run -d --label "$LBL" --name "$P-aint" "$IMAGE" sh -c 'trap "exit 33" INT; for i in $(seq 100); do sleep 0.1; done; exit 34' 2>&1) || die "run: $id" || return
    "$DOCKER" attach "$P-aint" >/dev/null 2>&1 &
    pid=$! # the CLI itself, which forwards the signal
    sleep 1
    kill -INT "$pid"
    wait "$pid"
    rc=$?
    eq "$rc" "33" "attach exit code after SIGINT" || return
    eq "$(dk inspect -f '{{.State.ExitCode}}' "$P-aint")" "33" "the container's exit code"
}
# TestCreateWithEmptySourceVolume, TestCreateWithEmptyVolumeSpec
t_create_empty_volume() {
    fails "-v :/volume" dk create --label "$LBL" -v :/volume "$IMAGE" || return
    has "$out" "empty section between colons" "message" || return
    fails "-v ''" dk create --label "$LBL" -v "" "$IMAGE" || return
    has "$out" "invalid empty volume spec" "message"
}
# TestLogsReattach, as dockerd 20.10 answers it: logs -f ends when the container stops for a
# restart (later engines keep following); the log holds both runs
t_logs_follow_restart() {
    local pid i rc
    run_d lfr "$IMAGE" sh -c 'echo hi; while true; do sleep 1; done' || return
    "$DOCKER" logs -f "$P-lfr" > "$WORK/lfr" 2>&1 &
    pid=$!
    for i in $(seq 50); do grep -q hi "$WORK/lfr" && break; sleep 0.1; done
    dk restart -t 1 "$P-lfr" >/dev/null 2>&1 || die "restart failed" || return
    for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { kill "$pid"; die "logs -f still follows after the restart"; return; }
    wait "$pid"
    rc=$?
    eq "$rc" "0" "logs -f exit code" || return
    eq "$(tr '\n' ' ' < "$WORK/lfr")" "hi " "logs -f until the restart" || return
    for i in $(seq 50); do [ "$(dk logs "$P-lfr" 2>&1 | tr '\n' ' ')" = "hi hi " ] && return 0; sleep 0.1; done
    die "logs after the restart: '$(dk logs "$P-lfr" 2>&1 | tr '\n' ' ')'"
}
# TestSigProxyWithTTY: a SIGTERM to run -it --init goes to the container, which exits
t_sig_proxy_tty() {
    local spid i st
    timeout 60 script -qfc "$(printf '%q ' "$DOCKER" run -i -t --init --label "$LBL" --name "$P-sigtty" "$IMAGE" sleep 30)" /dev/null </dev/null >/dev/null 2>&1 &
    spid=$!
    for i in $(seq 100); do [ "$(dk inspect -f '{{.State.Status}}' "$P-sigtty" 2>/dev/null)" = running ] && break; sleep 0.1; done
    kill -TERM $(pgrep -P "$spid" 2>/dev/null) 2>/dev/null || die "no docker run under script" || return
    for i in $(seq 100); do st=$(dk inspect -f '{{.State.Status}}' "$P-sigtty" 2>&1); [ "$st" = exited ] && break; sleep 0.1; done
    wait "$spid"
    eq "$st" "exited" "the container after SIGTERM to the CLI"
}
# TestContainerRename
t_rename() {
    local id
    run_d old "$IMAGE" sleep 300 || return
    id=$(dk inspect -f '{{.Id}}' "$P-old")
    dk container rename "$P-old" "$P-new" >/dev/null 2>&1 || die "rename failed" || return
    eq "$(dk container inspect --format '{{.Name}}' "$id")" "/$P-new" "new name" || return
    run_d other "$IMAGE" sleep 300 || return
    fails "rename to a name in use" dk rename "$P-new" "$P-other" || return
    has "$out" "is already in use by container" "message" || return
    fails "rename of a missing container" dk rename "$P-nosuch" "$P-x" || return
    has "$out" "No such container: $P-nosuch" "message"
}
# TestRunAttach: run -a stdin|stdout|stderr on a terminal returns the exit code, no hang
t_run_attach_streams() {
    local s rc
    for s in stdin stdout stderr; do
        pty "$DOCKER" run -a "$s" --rm --label "$LBL" "$IMAGE" sh -c 'sleep 1 && exit 7' >/dev/null 2>&1
        rc=$?
        eq "$rc" "7" "run -a $s exit code" || return
    done
}
# TestRunInvalidEntrypointWithAutoremove: 127 at once, and the container is gone
t_run_invalid_entrypoint_rm() {
    local rc t0 left
    t0=$(date +%s)
    out=$(dk run --rm --label "$LBL" --label "$P-inv=1" "$IMAGE" invalidcommand 2>&1)
    rc=$?
    eq "$rc" "127" "exit code" || return
    [ $(($(date +%s) - t0)) -lt 4 ] || die "took $(($(date +%s) - t0))s" || return
    has "$out" "executable file not found in \$PATH" "message" || return
    sleep 0.5
    left=$(dk ps -aq --filter "label=$P-inv=1")
    eq "$left" "" "the --rm container"
}
# TestProcessTermination: a SIGTERM to run -i reaches the trap, run exits 0
t_run_process_termination() {
    local pid i rc
    "$DOCKER" run --rm -i --label "$LBL" --name "$P-term" "$IMAGE" sh -c "echo 'starting trap'; trap 'echo got signal; exit 0;' TERM; while true; do sleep 1; done" </dev/null > "$WORK/term" 2>&1 &
    pid=$!
    for i in $(seq 100); do grep -q "starting trap" "$WORK/term" && break; sleep 0.1; done
    kill -TERM "$pid"
    for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    wait "$pid"
    rc=$?
    eq "$rc" "0" "run's exit code" || return
    eq "$(tr '\n' ' ' < "$WORK/term")" "starting trap got signal " "output"
}
# TestRunReadAfterContainerExit: all of a large stdin comes back through cat
t_run_read_after_exit() {
    local n
    n=$(head -c 18933764 /dev/urandom | dk run --rm -i --label "$LBL" "$IMAGE" sh -c 'cat -' 2>/dev/null | wc -c)
    eq "$n" "18933764" "bytes read back"
}
# TestRunWithCgroupNamespace (on any cgroup version: the namespace's root)
t_run_cgroupns() {
    out=$(dk run --label "$LBL" --name "$P-cgns" --cgroupns=private "$IMAGE" sh -c 'cut -d: -f3 /proc/self/cgroup | sort -u' 2>&1) || die "$out" || return
    eq "$out" "/" "cgroup paths in a private cgroup namespace" || return
    eq "$(dk inspect -f '{{.HostConfig.CgroupnsMode}}' "$P-cgns")" "private" "CgroupnsMode"
}

# ---------------------------------------------------------------------------- e2e/image
# TestBuildFromContextDirectoryWithTag (the legacy builder's steps)
t_build_legacy_steps() {
    local dir out
    dir=$WORK/bctx
    mkdir -p "$dir/data" && printf 'echo running' > "$dir/run" && chmod 755 "$dir/run" && echo 1111 > "$dir/data/one"
    printf 'FROM %s\nCOPY run /usr/bin/run\nRUN run\nCOPY data /data\nLABEL %s\n' "$IMAGE" "$LBL" > "$dir/Dockerfile"
    out=$(cd "$dir" && DOCKER_BUILDKIT=0 dk build -t "$P-myimage" . 2>/dev/null) || die "build: $(oneline "$out")" || return
    f() { echo "$out" | sed -n "$1p"; }
    case "$(f 1)" in "Sending build context to Docker daemon"*) ;; *) die "line 1: '$(f 1)'"; return ;; esac
    case "$(f 2)" in *"Step 1/5 : FROM $IMAGE") ;; *) die "line 2: '$(f 2)'"; return ;; esac
    case "$(f 4)" in *"Step 2/5 : COPY run /usr/bin/run") ;; *) die "line 4: '$(f 4)'"; return ;; esac
    case "$(f 6)" in *"Step 3/5 : RUN run") ;; *) die "line 6: '$(f 6)'"; return ;; esac
    case "$(f 8)" in *running) ;; *) die "line 8: '$(f 8)'"; return ;; esac
    case "$(f 9)" in *"Removing intermediate container"*|*"Removed intermediate container"*) ;; *) die "line 9: '$(f 9)'"; return ;; esac
    case "$(f 11)" in *"Step 4/5 : COPY data /data") ;; *) die "line 11: '$(f 11)'"; return ;; esac
    has "$out" "Successfully built " "built" || return
    eq "$(echo "$out" | tail -1)" "Successfully tagged $P-myimage:latest" "last line"
}
# TestBuildIidFileSquash (the iidfile; --squash as a daemon without experimental answers)
t_build_iidfile() {
    local dir id
    dir=$WORK/iid
    mkdir -p "$dir" && printf 'FROM %s\nENV FOO=FOO\nLABEL %s\nRUN touch /fiip\n' "$IMAGE" "$LBL" > "$dir/Dockerfile"
    out=$(cd "$dir" && DOCKER_BUILDKIT=0 dk build -q --iidfile "$WORK/iid.txt" -t "$P-iid" . 2>&1) || die "build: $out" || return
    id=$(dk image inspect -f '{{.Id}}' "$P-iid" 2>&1)
    eq "$(cat "$WORK/iid.txt")" "$id" "iidfile" || return
    fails "--squash" env DOCKER_BUILDKIT=0 "$DOCKER" build --squash -t "$P-sq" "$dir" || return
    has "$out" '"--squash" is only supported on a Docker daemon with experimental features enabled' "message"
}
# TestInspectInvalidReference
t_inspect_invalid_reference() {
    local rc so se
    so=$(dk inspect "${P}FooBar" 2>"$WORK/err")
    rc=$?
    se=$(cat "$WORK/err")
    eq "$rc" "1" "exit code" || return
    eq "$so" "[]" "stdout" || return
    eq "$se" "Error: No such object: ${P}FooBar" "stderr"
}
# TestPushQuietErrors (a name on a closed port: the daemon looks for the image first)
t_push_quiet_missing() {
    local rc so se
    so=$(dk push --quiet "127.0.0.1:9/$P-nosuch" 2>"$WORK/err")
    rc=$?
    se=$(cat "$WORK/err")
    eq "$rc" "1" "exit code" || return
    eq "$so" "" "stdout" || return
    eq "$se" "An image does not exist locally with the tag: 127.0.0.1:9/$P-nosuch" "stderr"
}
# registry checks: PEERS_REGISTRY (host:port) needs PEERS_REGISTRY_USER/PASSWORD; each uses a
# config dir of its own (logged in or not), never the user's
REG=${PEERS_REGISTRY:-}
reg_skip() { [ -n "$REG" ] || { msg="no PEERS_REGISTRY"; return 77; }; }
login_cfg() {
    mkdir -p "$WORK/cfg-auth" "$WORK/cfg-none"
    [ -s "$WORK/cfg-auth/config.json" ] && return 0
    echo "$PEERS_REGISTRY_PASSWORD" | DOCKER_CONFIG=$WORK/cfg-auth dk login -u "$PEERS_REGISTRY_USER" --password-stdin "$REG" >/dev/null 2>&1 || die "login to $REG failed"
}
dka() { DOCKER_CONFIG=$WORK/cfg-auth dk "$@"; }
dkn() { DOCKER_CONFIG=$WORK/cfg-none dk "$@"; }
# TestPullPushPrivateRepository, TestAuthorizedPullPush
t_registry_push_pull_auth() {
    local ref=$REG/$P/private:pp rc
    reg_skip || return
    login_cfg || return
    dk tag "$IMAGE" "$ref" || die "tag" || return
    fails "push without credentials" dkn push "$ref" || return
    case "$out" in *"no basic auth credentials"*|*unauthorized*|*"authentication required"*|*"access to the resource is denied"*) ;; *) die "push without credentials: $(oneline "$out")"; return ;; esac
    out=$(dka push "$ref" 2>&1) || die "push: $(oneline "$out")" || return
    has "$out" "The push refers to repository [$REG/$P/private]" "push output" || return
    has "$out" "pp: digest: sha256:" "push digest line" || return
    dk image rm -f "$ref" >/dev/null 2>&1 || die "rm" || return
    fails "pull without credentials" dkn pull "$ref" || return
    case "$out" in *"no basic auth credentials"*|*unauthorized*|*"authentication required"*|*"access to the resource is denied"*) ;; *) die "pull without credentials: $(oneline "$out")"; return ;; esac
    out=$(dka pull "$ref" 2>&1) || die "pull: $(oneline "$out")" || return
    has "$out" "$ref" "pull output" || return
    has "$out" "Status: Downloaded newer image for $ref" "pull status"
}
# TestPullQuiet
t_pull_quiet() {
    local ref=$REG/$P/quiet:q so se
    reg_skip || return
    login_cfg || return
    dk tag "$IMAGE" "$ref" && dka push -q "$ref" >/dev/null 2>&1 && dk rmi "$ref" >/dev/null 2>&1 || die "push" || return
    so=$(dka pull --quiet "$ref" 2>"$WORK/err") || die "pull -q: $(cat "$WORK/err")" || return
    se=$(cat "$WORK/err")
    eq "$so" "$ref" "stdout" || return
    eq "$se" "" "stderr"
}
# TestPushAllTags
t_push_all_tags() {
    local repo=$REG/$P/alltags t d n
    reg_skip || return
    login_cfg || return
    for t in latest v1 v1.0 v1.0.1; do dk tag "$IMAGE" "$repo:$t" || die "tag $t" || return; done
    out=$(dka push --all-tags "$repo" 2>&1) || die "push: $(oneline "$out")" || return
    eq "$(echo "$out" | head -1)" "The push refers to repository [$repo]" "first line" || return
    for t in latest v1 v1.0 v1.0.1; do has "$out" "$t: digest: sha256:" "tag $t" || return; done
    n=$(echo "$out" | grep ': digest: sha256:' | sed 's/^[^:]*: //' | sort -u | wc -l)
    eq "$n" "1" "one digest and size for the four tags"
}
# TestRunAttachedFromRemoteImageAndRemove
t_run_remote_image_rm() {
    local ref=$REG/$P/alpine:test-run-pulls so se
    reg_skip || return
    login_cfg || return
    dk tag "$IMAGE" "$ref" && dka push -q "$ref" >/dev/null 2>&1 && dk rmi "$ref" >/dev/null 2>&1 || die "push" || return
    so=$(dka run --rm --label "$LBL" "$ref" echo this is output 2>"$WORK/err") || die "run: $(cat "$WORK/err")" || return
    se=$(cat "$WORK/err")
    eq "$so" "this is output" "stdout" || return
    eq "$(echo "$se" | head -2 | tr '\n' '|')" "Unable to find image '$ref' locally|test-run-pulls: Pulling from $P/alpine|" "stderr head" || return
    has "$se" "Digest: sha256:" "digest line" || return
    eq "$(echo "$se" | tail -1)" "Status: Downloaded newer image for $ref" "stderr tail"
}
# TestCreatePushPull (plugin): create from a directory, push, remove, install; installed
# disabled (enabling runs the plugin, which this one cannot)
t_plugin_create_push_install() {
    local ref=$REG/$P/plugin:latest dir=$WORK/plugin
    reg_skip || return
    login_cfg || return
    mkdir -p "$dir/rootfs" && echo x > "$dir/rootfs/f"
    printf '{"description":"cli suite plugin","documentation":"https://example.invalid/","entrypoint":["/p"],"interface":{"types":["docker.dummy/1.0"],"socket":"p.sock"},"network":{"type":"host"}}' > "$dir/config.json"
    out=$(dk plugin create "$ref" "$dir" 2>&1) || die "plugin create: $out" || return
    eq "$out" "$ref" "plugin create output" || return
    eq "$(dk plugin ls --filter enabled=false --format '{{.Name}} {{.Enabled}} {{.Description}}' | grep "^$ref ")" "$ref false cli suite plugin" "plugin ls" || return
    out=$(dka plugin push "$ref" 2>&1) || { dk plugin rm -f "$ref" >/dev/null 2>&1; die "plugin push: $(oneline "$out")"; return; }
    has "$out" "The push refers to repository [$REG/$P/plugin]" "push output" || { dk plugin rm -f "$ref" >/dev/null 2>&1; return 1; }
    eq "$(dk plugin rm -f "$ref" 2>&1)" "$ref" "plugin rm" || return
    out=$(dka plugin install --disable --grant-all-permissions "$ref" 2>&1) || die "plugin install: $(oneline "$out")" || return
    has "$out" "latest: Pulling from $REG/$P/plugin" "install output" || { dk plugin rm -f "$ref" >/dev/null 2>&1; return 1; }
    eq "$(echo "$out" | tail -1)" "Installed plugin $ref" "install's last line" || { dk plugin rm -f "$ref" >/dev/null 2>&1; return 1; }
    out=$(dk plugin inspect -f '{{.Name}} {{.Enabled}} {{.PluginReference}} {{.Config.Description}}' "$ref" 2>&1)
    dk plugin rm -f "$ref" >/dev/null 2>&1
    eq "$out" "$ref false $ref cli suite plugin" "plugin inspect"
}
# TestTLSVerify: --tlsverify wants the certificates, whatever its value
t_global_tlsverify() {
    mkdir -p "$WORK/cfg-empty"
    dk ps >/dev/null 2>&1 || die "ps failed" || return
    fails "--tlsverify=false" env DOCKER_CONFIG="$WORK/cfg-empty" DOCKER_CERT_PATH= "$DOCKER" --tlsverify=false ps || return
    has "$out" "unable to resolve docker endpoint:" "message" || return
    fails "--tlsverify=true" env DOCKER_CONFIG="$WORK/cfg-empty" DOCKER_CERT_PATH= "$DOCKER" --tlsverify=true ps || return
    has "$out" "ca.pem" "message"
}

# ---------------------------------------------------------------------------- beyond e2e: what the CLI prints from the daemon's answers
# net_vol N: a labelled network $N1 (subnet 10.251.N.0/24), an internal $N2, a labelled volume
# $V1 and a bare $V2, named $P-N...
net_vol() {
    N1=$P-$1n1 N2=$P-$1n2 V1=$P-$1v1 V2=$P-$1v2
    dk network create --label "$LBL" --label nl=1 --subnet "10.251.$1.0/24" -o com.docker.network.bridge.enable_icc=true "$N1" >/dev/null 2>&1 || die "network create n1" || return
    dk network create --label "$LBL" --label nl=2 --internal "$N2" >/dev/null 2>&1 || die "network create n2" || return
    dk volume create --label "$LBL" --label vl=1 "$V1" >/dev/null 2>&1 || die "volume create v1" || return
    dk volume create --label "$LBL" "$V2" >/dev/null 2>&1 || die "volume create v2"
}
t_ps_filters_json() {
    local out id hp
    net_vol 11 || return
    run_d fja --label k=v --network "$N1" -v "$V1:/data" -p 127.0.0.1::80 --expose 81 "$IMAGE" sleep 300 || return
    dk create --label "$LBL" --name "$P-fjb" --network "$N2" --label k=w "$IMAGE" true >/dev/null 2>&1 || die "create pb" || return
    run_d fjc "$IMAGE" sleep 300 || return
    dk pause "$P-fjc" >/dev/null 2>&1 || die "pause" || return
    f() { dk ps -a --filter "name=$P-fj" "$@" --format '{{.Names}}' 2>&1 | sort | tr '\n' ' '; }
    eq "$(f --filter "network=$N1")" "$P-fja " "network=" || return
    hp=$(dk port "$P-fja" 80/tcp 2>&1 | head -1)
    hp=${hp##*:}
    eq "$(f --filter "publish=$hp")" "$P-fja " "publish=<host port>" || return
    eq "$(f --filter "publish=$hp/tcp")" "$P-fja " "publish=<host port>/tcp" || return
    eq "$(f --filter "publish=$hp/udp")" "" "publish=<host port>/udp" || return
    eq "$(f --filter publish=80)" "" "publish=<container port>" || return
    eq "$(f --filter expose=81)" "$P-fja " "expose=81" || return
    eq "$(f --filter expose=80/tcp)" "$P-fja " "expose=80/tcp (a published port is exposed)" || return
    eq "$(f --filter status=created)" "$P-fjb " "status=created" || return
    eq "$(f --filter status=paused)" "$P-fjc " "status=paused" || return
    eq "$(f --filter health=none)" "$P-fja $P-fjb $P-fjc " "health=none" || return
    eq "$(f --filter label=k=w)" "$P-fjb " "label=k=w" || return
    eq "$(f --filter label=k)" "$P-fja $P-fjb " "label=k" || return
    id=$(dk inspect -f '{{.Id}}' "$P-fjb")
    eq "$(f --filter "id=${id:0:10}")" "$P-fjb " "id prefix" || return
    eq "$(dk ps -a --filter "name=$P-fjc" --format '{{.Status}}' | sed 's/Up [^(]*/Up X /')" "Up X (Paused)" "paused status" || return
    out=$(dk ps -a --no-trunc --filter "name=$P-fja" --format '{{json .}}' 2>&1)
    for kv in "\"Names\":\"$P-fja\"" '"Command":"\"sleep 300\""' "\"Image\":\"$IMAGE\"" '"LocalVolumes":"1"' "\"Mounts\":\"$V1\"" "\"Networks\":\"$N1\"" '"State":"running"' '"Platform":null' ; do
        has "$out" "$kv" "ps json" || return
    done
    case "$out" in *'"Ports":"81/tcp, 127.0.0.1:'*'-\u003e80/tcp"'*) ;; *) die "ps json Ports: $out"; return ;; esac
    out=$(dk ps -a --filter "name=$P-fjb" --format '{{json .}}' 2>&1)
    has "$out" '"Status":"Created"' "created status" || return
    has "$out" '"Ports":""' "no ports" || return
    eq "$(dk ps --filter "name=$P-fja" | head -1 | tr -s ' ')" "CONTAINER ID IMAGE COMMAND CREATED STATUS PORTS NAMES" "table header" || return
    fails "status=bogus" dk ps -a --filter status=bogus || return
    has "$out" "Invalid filter 'status=bogus'" "message" || return
    fails "health=bogus" dk ps -a --filter health=bogus || return
    has "$out" "Unrecognised filter value for health: bogus" "message" || return
    dk unpause "$P-fjc" >/dev/null 2>&1
}
t_network_ls_inspect() {
    local out
    net_vol 12 || return
    run_d na --network "$N1" --network-alias al1 "$IMAGE" sleep 300 || return
    f() { dk network ls --filter "name=$P-12n" "$@" --format '{{.Name}}' 2>&1 | sort | tr '\n' ' '; }
    eq "$(f)" "$N1 $N2 " "name=" || return
    eq "$(f --filter label=nl)" "$N1 $N2 " "label=nl" || return
    eq "$(f --filter label=nl=2)" "$N2 " "label=nl=2" || return
    eq "$(f --filter driver=bridge)" "$N1 $N2 " "driver=bridge" || return
    eq "$(f --filter type=custom)" "$N1 $N2 " "type=custom" || return
    eq "$(f --filter type=builtin)" "" "type=builtin" || return
    # dockerd 20.10 filters the list it answers, whose Containers are empty at API 1.41: every
    # network not predefined is dangling
    eq "$(f --filter dangling=true)" "$N1 $N2 " "dangling=true" || return
    eq "$(f --filter dangling=false)" "" "dangling=false" || return
    eq "$(f --filter scope=local)" "$N1 $N2 " "scope=local" || return
    eq "$(dk network ls --filter type=builtin --format '{{.Name}}' | sort | tr '\n' ' ')" "bridge host none " "the builtin networks" || return
    out=$(dk network ls --filter "name=$N2" --format '{{json .}}' 2>&1)
    for kv in '"Driver":"bridge"' '"IPv6":"false"' '"Internal":"true"' "\"Labels\":\"$LBL,nl=2\"" "\"Name\":\"$N2\"" '"Scope":"local"'; do
        case "$out" in *"$kv"*) ;; *) [ "$kv" = "\"Labels\":\"$LBL,nl=2\"" ] && has "$out" "\"Labels\":\"nl=2,$LBL\"" "network ls json labels" && continue; die "network ls json: '$kv' not in $out"; return ;; esac
    done
    eq "$(dk network ls --filter "name=$N1" | head -1 | tr -s ' ')" "NETWORK ID NAME DRIVER SCOPE" "table header" || return
    fails "type=bogus" dk network ls --filter type=bogus || return
    has "$out" "invalid filter: 'type'='bogus'" "message" || return
    out=$(dk network inspect -f '{{.Internal}} {{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}} {{index .Options "com.docker.network.bridge.enable_icc"}} {{index .Labels "nl"}} {{.Attachable}} {{.Ingress}} {{.EnableIPv6}}' "$N1" 2>&1)
    eq "$out" "false 10.251.12.0/24  true 1 false false false" "network inspect (no gateway shown for a subnet given without one)" || return
    out=$(dk network inspect -f '{{range .Containers}}{{.Name}} {{.IPv4Address}}{{end}}' "$N1" 2>&1)
    eq "$out" "$P-na 10.251.12.2/24" "network inspect containers" || return
    out=$(dk inspect -f "{{json (index .NetworkSettings.Networks \"$N1\").Aliases}} {{(index .NetworkSettings.Networks \"$N1\").IPPrefixLen}} {{(index .NetworkSettings.Networks \"$N1\").Gateway}}" "$P-na" 2>&1)
    case "$out" in '["al1","'*'"] 24 10.251.12.1') ;; *) die "endpoint: '$out'"; return ;; esac
    fails "network inspect of a missing network" dk network inspect "$P-nosuch" || return
    has "$out" "network $P-nosuch not found" "message" || return
    fails "network rm of a network in use" dk network rm "$N1" || return
    has "$out" "has active endpoints" "message"
}
t_volume_ls_inspect() {
    local out
    net_vol 13 || return
    dk create --label "$LBL" --name "$P-va" -v "$V1:/d" "$IMAGE" true >/dev/null 2>&1 || die "create" || return
    f() { dk volume ls --filter "name=$P-13v" "$@" --format '{{.Name}}' 2>&1 | sort | tr '\n' ' '; }
    eq "$(f)" "$V1 $V2 " "name=" || return
    eq "$(f --filter dangling=true)" "$V2 " "dangling=true" || return
    eq "$(f --filter dangling=false)" "$V1 " "dangling=false" || return
    eq "$(f --filter label=vl)" "$V1 " "label=vl" || return
    eq "$(f --filter label=vl=1)" "$V1 " "label=vl=1" || return
    eq "$(f --filter driver=local)" "$V1 $V2 " "driver=local" || return
    out=$(dk volume ls --filter "name=$V2" --format '{{json .}}' 2>&1)
    for kv in '"Availability":"N/A"' '"Driver":"local"' '"Group":"N/A"' "\"Labels\":\"$LBL\"" '"Links":"N/A"' "\"Name\":\"$V2\"" '"Scope":"local"' '"Size":"N/A"' '"Status":"N/A"' "/volumes/$V2/_data\""; do
        has "$out" "$kv" "volume ls json" || return
    done
    eq "$(dk volume ls --filter "name=$V2" | head -1 | tr -s ' ')" "DRIVER VOLUME NAME" "table header" || return
    out=$(dk volume inspect -f '{{.Name}} {{.Driver}} {{.Scope}} {{index .Labels "vl"}} {{json .Options}} {{json .Status}} {{json .UsageData}}' "$V1" 2>&1)
    eq "$out" "$V1 local local 1 null null null" "volume inspect" || return
    dk volume create --label "$LBL" -o type=tmpfs -o device=tmpfs -o o=size=1m "$P-vt" >/dev/null 2>&1 || die "volume create with options" || return
    out=$(dk volume inspect -f '{{json .Options}}' "$P-vt" 2>&1)
    eq "$out" '{"device":"tmpfs","o":"size=1m","type":"tmpfs"}' "volume options" || return
    fails "volume rm of a volume in use" dk volume rm "$V1" || return
    has "$out" "remove $V1: volume is in use - [" "message" || return
    fails "volume inspect of a missing volume" dk volume inspect "$P-nosuch" || return
    has "$out" "get $P-nosuch: no such volume" "message" || return
    fails "volume ls with a bad filter" dk volume ls --filter bogus=1 || return
    has "$out" "Invalid filter 'bogus'" "message"
}
t_inspect_kinds() {
    local out
    net_vol 14 || return
    run_d ik "$IMAGE" sleep 300 || return
    eq "$(dk inspect -f '{{.Name}}' "$P-ik")" "/$P-ik" "container" || return
    eq "$(dk inspect --type container -f '{{.Config.Image}}' "$P-ik")" "$IMAGE" "--type container" || return
    eq "$(dk inspect --type image -f '{{.Os}}' "$IMAGE")" "linux" "--type image" || return
    eq "$(dk inspect -f '{{.Name}} {{.Driver}}' "$N1")" "$N1 bridge" "network" || return
    eq "$(dk inspect --type network -f '{{.Internal}}' "$N2")" "true" "--type network" || return
    eq "$(dk inspect -f '{{.Name}} {{.Driver}}' "$V1")" "$V1 local" "volume" || return
    eq "$(dk inspect --type volume -f '{{.Scope}}' "$V2")" "local" "--type volume" || return
    out=$(dk inspect -f '{{.Name}}' "$P-ik" "$N1" "$V1" 2>&1)
    eq "$out" "$(printf '/%s\n%s\n%s' "$P-ik" "$N1" "$V1")" "several kinds at once" || return
    fails "--type container of a volume" dk inspect --type container "$V1" || return
    has "$out" "No such container: $V1" "message" || return
    fails "--type bogus" dk inspect --type bogus "$V1" || return
    has "$out" 'unknown type: "bogus"' "message" || return
    out=$(dk container inspect -s -f '{{if .SizeRw}}{{.SizeRw}}{{else}}0{{end}} {{if .SizeRootFs}}has-rootfs{{end}}' "$P-ik" 2>&1)
    case "$out" in [0-9]*" has-rootfs") ;; *) die "inspect -s: '$out'"; return ;; esac
}
# docker inspect prints the daemon's JSON as it came: its fields in dockerd's order
t_inspect_field_order() {
    local out
    run_d fo "$IMAGE" sleep 300 || return
    out=$(dk inspect "$P-fo" 2>&1 | grep -E '^        "[A-Za-z]+":' | cut -d'"' -f2 | head -8 | tr '\n' ' ')
    eq "$out" "Id Created Path Args State Image ResolvConfPath HostnamePath " "the container's first fields" || return
    out=$(dk inspect -f '{{json .State}}' "$P-fo" 2>&1 | tr ',' '\n' | cut -d'"' -f2 | head -4 | tr '\n' ' ')
    eq "$out" "Status Running Paused Restarting " "State's first fields"
}
t_system_df_counts() {
    local out c a v i
    dk create --label "$LBL" --name "$P-dfa" -v "$P-dfv:/v" "$IMAGE" true >/dev/null 2>&1 || die "create" || return
    out=$(dk system df --format '{{.Type}}|{{.TotalCount}}|{{.Active}}' 2>&1) || die "$out" || return
    dk volume create --label "$LBL" -o type=tmpfs -o device=tmpfs "$P-dfo" >/dev/null 2>&1 || die "volume create with options" || return
    # dockerd's df counts the local volumes without options (its LocalVolumesSize)
    c=$(dk ps -aq | wc -l); a=$(dk ps -q | wc -l); i=$(dk images -q | sort -u | wc -l)
    v=$(dk volume ls -q | while read -r n; do dk volume inspect -f '{{if not .Options}}x{{end}}' "$n"; done | grep -c x)
    has "$out" "Containers|$((c))|$((a))" "containers" || return
    has "$out" "Local Volumes|$((v))|" "volumes (those without options)" || return
    case "$(dk system df -v --format '{{range .Volumes}}{{.Name}} {{end}}')" in *"$P-dfo "*) die "df -v lists a volume with options"; return ;; esac
    has "$out" "Images|$((i))|" "images" || return
    out=$(dk system df -v --format '{{json .}}' 2>&1) || die "$out" || return
    out=$(echo "$out" | tr '{' '\n' | grep "\"Names\":\"$P-dfa\"")
    has "$out" '"LocalVolumes":"1"' "df -v container" || return
    has "$out" "\"Mounts\":\"$P-dfv\"" "df -v container mounts" || return
    out=$(dk system df -v --format '{{range .Images}}{{.SharedSize}}|{{.UniqueSize}} {{end}}' 2>&1)
    case " $out" in *" N/A|"*) die "df -v images: a SharedSize or UniqueSize N/A: '$out'"; return ;; esac
}
t_events_network_volume() {
    local out since until id
    since=$(date +%s)
    dk network create --label "$LBL" "$P-en" >/dev/null 2>&1 || die "network create" || return
    dk volume create --label "$LBL" "$P-ev" >/dev/null 2>&1 || die "volume create" || return
    dk run --label "$LBL" --name "$P-ec" --network "$P-en" -v "$P-ev:/d" "$IMAGE" true >/dev/null 2>&1 || die "run" || return
    id=$(dk inspect -f '{{.Id}}' "$P-ec")
    dk network connect bridge "$P-ec" >/dev/null 2>&1 || die "connect of a stopped container" || return
    dk network disconnect bridge "$P-ec" >/dev/null 2>&1 || die "disconnect of a stopped container" || return
    dk rm "$P-ec" >/dev/null 2>&1 && dk network rm "$P-en" >/dev/null 2>&1 && dk volume rm "$P-ev" >/dev/null 2>&1 || die "rm" || return
    sleep 1.1
    until=$(date +%s)
    ev() { dk events --since "$since" --until "$until" "$@" 2>&1 | tr '\n' ' '; }
    eq "$(ev --filter "container=$P-ec" --format '{{.Type}}:{{.Action}}')" "container:create container:attach container:start container:die container:destroy " "container" || return
    eq "$(ev --filter "network=$P-en" --format '{{.Type}}:{{.Action}}')" "network:create network:connect network:disconnect network:destroy " "network" || return
    eq "$(ev --filter "volume=$P-ev" --format '{{.Type}}:{{.Action}}')" "volume:create volume:create volume:mount volume:unmount volume:destroy " "volume (a create for the volume create, one for the run's mount of it)" || return
    out=$(dk events --since "$since" --until "$until" --filter type=network --format '{{.Action}}:{{.Actor.Attributes.name}}:{{.Actor.Attributes.container}}' 2>&1 | grep ":$id\$" | cut -d: -f1,2 | tr '\n' ' ')
    eq "$out" "connect:$P-en disconnect:$P-en disconnect:bridge " "the container's network events (none for a connect while stopped)" || return
    out=$(dk events --since "$since" --until "$until" --filter "volume=$P-ev" --filter event=mount --format '{{json .Actor.Attributes}}' 2>&1)
    eq "$out" "{\"container\":\"$id\",\"destination\":\"/d\",\"driver\":\"local\",\"propagation\":\"\",\"read/write\":\"true\"}" "mount attributes"
}
t_diff_mountpoint() {
    local out
    dk run --label "$LBL" --name "$P-dmp" -v "$P-dmv:/newmnt" "$IMAGE" true >/dev/null 2>&1 || die "run" || return
    out=$(dk diff "$P-dmp" 2>&1)
    eq "$out" "A /newmnt" "diff of a container whose volume's mount point the image lacks"
}

t_cleanup() {
    local left
    cleanup
    WORK=$(mktemp -d "/tmp/$P.XXXX")
    left=$("$DOCKER" ps -aq --filter "label=$LBL"; "$DOCKER" images --format '{{.Repository}}' | grep -E "^$P|/$P/"; "$DOCKER" images -q --filter "label=$LBL"; "$DOCKER" volume ls -q --filter "name=$P"; "$DOCKER" volume ls -q --filter "label=$LBL"; "$DOCKER" network ls -q --filter "name=$P")
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
check attach.exit_code t_attach_exit_code
check attach.interrupt t_attach_interrupt
check create.empty_volume_spec t_create_empty_volume
check logs.follow_across_restart t_logs_follow_restart
check run.sig_proxy_tty t_sig_proxy_tty
check rename.name_and_errors t_rename
check run.attach_stream_exit_code t_run_attach_streams
check run.invalid_entrypoint_rm t_run_invalid_entrypoint_rm
check run.process_termination t_run_process_termination
check run.read_after_exit t_run_read_after_exit
check run.cgroupns_private t_run_cgroupns
check build.legacy_steps t_build_legacy_steps
check build.iidfile_squash t_build_iidfile
check inspect.invalid_reference t_inspect_invalid_reference
check push.quiet_missing t_push_quiet_missing
check registry.push_pull_auth t_registry_push_pull_auth
check pull.quiet t_pull_quiet
check push.all_tags t_push_all_tags
check run.remote_image_rm t_run_remote_image_rm
check plugin.create_push_install t_plugin_create_push_install
check global.tlsverify t_global_tlsverify
check ps.filters_json_table t_ps_filters_json
check network.ls_filters_inspect t_network_ls_inspect
check volume.ls_filters_inspect t_volume_ls_inspect
check inspect.every_kind t_inspect_kinds
check inspect.field_order t_inspect_field_order
check system.df_counts_shared t_system_df_counts
check events.network_volume_lifecycle t_events_network_volume
check diff.mountpoint t_diff_mountpoint
check cleanup t_cleanup
summary
