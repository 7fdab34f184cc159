# cli_lib.sh: the check protocol shared by peers/cli_scenarios.sh and peers/cli_suite.sh
# (sourced, not run).
#
# A check is a function run by `check NAME FN`: it returns 0 (PASS), 77 (SKIP) or anything
# else (FAIL), with the reason in $msg (set by die). `summary` prints 'N skipped' and, as
# the very last line, 'N passed, N failed', and returns non-zero when something failed.
#
# Expects DOCKER (the docker binary) and T (seconds per docker command); SLOW_CHECK (seconds,
# default 5) is when a check is reported slow.

pass=0 fail=0 skip=0
msg=""
START=$(date +%s)

dk() { timeout --kill-after=5 "$T" "$DOCKER" "$@"; }
oneline() { printf '%s' "$1" | tr '\n\r' '||' | cut -c1-300; }
# die MESSAGE: record a failure reason and return 1 from the check
die() { msg="$*"; return 1; }
# eq ACTUAL EXPECTED WHAT
eq() { [ "$1" = "$2" ] || die "$3: got '$1', want '$2'"; }
# has HAYSTACK NEEDLE WHAT
has() { case "$1" in *"$2"*) return 0 ;; esac; die "$3: '$2' not in '$1'"; }
# fails WHAT CMD...: CMD must fail; its output goes to $out
fails() {
    local what=$1
    shift
    out=$("$@" 2>&1) && die "$what: succeeded: $(oneline "$out")"
    return 0
}

check() {
    local name=$1 fn=$2 rc t0 t1
    msg=""
    t0=$(date +%s)
    "$fn"
    rc=$?
    t1=$(date +%s)
    if [ $rc -eq 0 ]; then
        echo "PASS $name"
        pass=$((pass + 1))
    elif [ $rc -eq 77 ]; then
        echo "SKIP $name: $(oneline "$msg")"
        skip=$((skip + 1))
    else
        echo "FAIL $name: $(oneline "${msg:-exit $rc}")"
        fail=$((fail + 1))
    fi
    if [ $((t1 - t0)) -gt "${SLOW_CHECK:-5}" ]; then echo "# slow check $name: $((t1 - t0))s"; fi
}

summary() {
    echo "# elapsed $(($(date +%s) - START))s"
    echo "$skip skipped"
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
