#!/usr/bin/env bash
# bootstrap.sh — cortex: provision and verify the platform, four phases at once.
#
#   bootstrap.sh [PHASE...]          phases: sql nats pulsar redis (default: all four)
#
# Each phase runs one probe command per attempt and retries it with capped
# exponential backoff (BOOTSTRAP_BACKOFF_BASE, doubling, BOOTSTRAP_BACKOFF_CAP)
# behind a circuit breaker: after BOOTSTRAP_BREAKER_THRESHOLD consecutive
# failures the breaker opens and the next attempt waits at least
# BOOTSTRAP_BREAKER_OPEN seconds. A phase gives up at BOOTSTRAP_TIMEOUT seconds.
# Phases never cancel each other; each reports on its own. Exit 0 only when
# every phase succeeded, 1 otherwise, 64 on bad usage, 75 when another
# bootstrap holds the lock.
#
# BOOTSTRAP_SKIP="PHASE|reason" (one per line) lists phases that cannot run here;
# they are reported as skipped with the reason and do not change the exit status.
# Targets come from the probes' standard variables (NATS_URL, NATS_MONITOR_URL,
# REDIS_URL, DATABASE_URL, PULSAR_ADMIN_URL), set by `make bootstrap` from the
# running runtime's ports.
set -euo pipefail

root=${ARC_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${ARC_BIN:-$root/bin}
timeout=${BOOTSTRAP_TIMEOUT:-300}
base=${BOOTSTRAP_BACKOFF_BASE:-2}
cap=${BOOTSTRAP_BACKOFF_CAP:-30}
threshold=${BOOTSTRAP_BREAKER_THRESHOLD:-3}
open=${BOOTSTRAP_BREAKER_OPEN:-30}
probe_timeout=${BOOTSTRAP_PROBE_TIMEOUT:-10}
result=${BOOTSTRAP_RESULT:-$root/build/bootstrap/result.json}
lock=${BOOTSTRAP_LOCK:-$root/build/bootstrap/lock}
streams_file=${BOOTSTRAP_STREAMS:-$root/services/messaging/streams.json}
pulsar_file=${BOOTSTRAP_PULSAR:-$root/services/streaming/pulsar.json}
schema_file=${BOOTSTRAP_SCHEMA:-$root/services/sql/schema.json}

usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
}
die_usage() { echo "bootstrap: $*" >&2; echo "Try 'bootstrap.sh --help'." >&2; exit 64; }

is_number() { [[ $1 =~ ^[0-9]+([.][0-9]+)?$ ]]; }
for v in timeout base cap threshold open probe_timeout; do
    is_number "${!v}" || die_usage "$v must be a number of seconds, got '${!v}'"
done

phases=()
for a in "$@"; do
    case "$a" in
    -h | --help) usage; exit 0 ;;
    sql | nats | pulsar | redis) phases+=("$a") ;;
    *) die_usage "unknown phase '$a' (phases: sql nats pulsar redis)" ;;
    esac
done
[ ${#phases[@]} -gt 0 ] || phases=(sql nats pulsar redis)

mkdir -p "$(dirname "$result")" "$(dirname "$lock")"
exec 9>"$lock"
if ! flock -n 9; then
    holder=$(cat "$lock.pid" 2>/dev/null || echo "?")
    echo "bootstrap: another bootstrap is running (pid $holder, lock $lock); refusing to run twice" >&2
    exit 75
fi
echo $$ >"$lock.pid"

work=$(mktemp -d "${TMPDIR:-/tmp}/arc-bootstrap.XXXXXX")
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    local p
    for p in $(jobs -p); do
        pkill -TERM -P "$p" 2>/dev/null || true # the probe or sleep of a phase
        kill "$p" 2>/dev/null || true
    done
    rm -rf "$work" "$lock.pid"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
fsub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", a - b }'; }
fmin() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b ? a : b) }'; }
fmax() { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b ? a : b) }'; }
# nominal backoff before retry k (1-based): base * 2^(k-1), capped
backoff() { awk -v b="$base" -v c="$cap" -v k="$1" 'BEGIN { d = b * 2 ^ (k - 1); print (d < c ? d : c) }'; }

# The command one attempt of a phase runs (argv on stdout, one per line).
phase_cmd() {
    case "$1" in
    sql) printf '%s\n' "$bin/pgcheck" --json schema "$schema_file" ;;
    nats) printf '%s\n' "$bin/natsprobe" --json streams apply "$streams_file" ;;
    pulsar) printf '%s\n' "$bin/pulsaradm" --json apply "$pulsar_file" ;;
    redis) printf '%s\n' "$bin/redisping" --json ;;
    esac
}

# What an attempt's JSON output says changed: "created N, updated M" or "nothing".
summarise_changes() {
    local out=$1 c u
    c=$(grep -o '"\(action\|result\|status\)": *"created"' "$out" | wc -l || true)
    u=$(grep -o '"\(action\|result\|status\)": *"updated"' "$out" | wc -l || true)
    local w
    # a warning the probe reported (e.g. an optional extension the server lacks)
    w=$(sed -n 's/.*"warnings": *\["\(\([^"\\]\|\\.\)*\)".*/\1/p' "$out" | head -n 1)
    if [ "$c" -eq 0 ] && [ "$u" -eq 0 ]; then printf 'nothing'
    else printf 'created %s, updated %s' "$c" "$u"; fi
    if [ -n "$w" ]; then printf ' (warning: %s)\n' "$w"; else printf '\n'; fi
}

# The "detail" of a probe's --json verdict, if there is one.
json_detail() { sed -n 's/.*"detail": *"\(\([^"\\]\|\\.\)*\)".*/\1/p' "$1" | grep -m1 .; }

# run_phase NAME: attempts with backoff + breaker until ok or the phase deadline.
# Writes $work/NAME.{status,attempts,duration,changes,detail,times}.
run_phase() {
    local name=$1 start deadline attempt=0 fails=0 rc t per delay left state=closed
    local -a cmd
    mapfile -t cmd < <(phase_cmd "$name")
    start=$(now)
    deadline=$(awk -v s="$start" -v t="$timeout" 'BEGIN { printf "%.3f", s + t }')
    : >"$work/$name.times"
    while :; do
        attempt=$((attempt + 1))
        t=$(now)
        fsub "$t" "$start" >>"$work/$name.times"
        # one attempt never runs past the phase deadline
        per=$(fmin "$probe_timeout" "$(fmax 1 "$(fsub "$deadline" "$t")")")
        set +e
        "${cmd[0]}" --timeout "$per" "${cmd[@]:1}" >"$work/$name.out" 2>"$work/$name.err"
        rc=$?
        set -e
        if [ "$rc" -eq 0 ]; then
            state=ok
            break
        fi
        fails=$((fails + 1))
        # usage / input-file errors will not fix themselves: stop now
        if [ "$rc" -eq 64 ] || [ "$rc" -eq 65 ]; then
            state=failed
            break
        fi
        delay=$(backoff "$attempt")
        if [ "$fails" -ge "$threshold" ]; then
            delay=$(fmax "$delay" "$open")
            echo "bootstrap: $name: breaker open after $fails consecutive failures, pausing ${delay}s" >&2
        fi
        left=$(fsub "$deadline" "$(now)")
        if awk -v l="$left" -v d="$delay" 'BEGIN { exit !(l <= d) }'; then
            # the next attempt would fall past the phase deadline: the phase
            # has failed; report it when the deadline is reached
            sleep "$(fmax 0 "$left")"
            state=failed
            break
        fi
        sleep "$delay"
    done
    fsub "$(now)" "$start" >"$work/$name.duration"
    echo "$attempt" >"$work/$name.attempts"
    if [ "$state" = ok ]; then
        echo ok >"$work/$name.status"
        summarise_changes "$work/$name.out" >"$work/$name.changes"
        : >"$work/$name.detail"
    else
        echo failed >"$work/$name.status"
        echo "-" >"$work/$name.changes"
        # the probe's own one-line reason (stderr first, else its output)
        { printf 'gave up after %s attempt(s): ' "$attempt"
          { grep -m1 . "$work/$name.err" || json_detail "$work/$name.out" || echo "exit $rc"; } | cut -c1-200; } \
            >"$work/$name.detail"
    fi
}

echo "bootstrap: phases ${phases[*]} (timeout ${timeout}s each, backoff ${base}s..${cap}s, breaker ${threshold} failures -> ${open}s)"
pids=()
for p in "${phases[@]}"; do
    # only this shell holds the lock (fd 9); a phase's children must not keep it
    run_phase "$p" 9>&- &
    pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || true; done

# ---- report: table on stdout, JSON file ---------------------------------------
json_str() {
    printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g; s/\t/\\t/g' |
        awk 'BEGIN { printf "\"" } { printf "%s%s", (NR > 1 ? "\\n" : ""), $0 } END { printf "\"" }'
}
rc=0
items=()
printf '\n%-8s %-8s %8s %10s  %s\n' PHASE STATUS ATTEMPTS DURATION CHANGED
while IFS='|' read -r p why; do
    [ -n "$p" ] || continue
    printf '%-8s %-8s %8s %9ss  %s\n' "$p" skipped 0 0 "- — $why"
    items+=("$(printf '{"phase":"%s","status":"skipped","attempts":0,"duration_s":0,"changes":"-","detail":%s,"attempt_times_s":[]}' \
        "$p" "$(json_str "$why")")")
done <<<"${BOOTSTRAP_SKIP:-}"
for p in "${phases[@]}"; do
    st=$(cat "$work/$p.status" 2>/dev/null || echo failed)
    at=$(cat "$work/$p.attempts" 2>/dev/null || echo 0)
    du=$(cat "$work/$p.duration" 2>/dev/null || echo 0)
    ch=$(cat "$work/$p.changes" 2>/dev/null || echo -)
    de=$(cat "$work/$p.detail" 2>/dev/null || true)
    [ "$st" = ok ] || rc=1
    printf '%-8s %-8s %8s %9ss  %s\n' "$p" "$st" "$at" "$du" "${ch}${de:+ — $de}"
    times=$(paste -sd, "$work/$p.times" 2>/dev/null || true)
    items+=("$(printf '{"phase":"%s","status":"%s","attempts":%s,"duration_s":%s,"changes":%s,"detail":%s,"attempt_times_s":[%s]}' \
        "$p" "$st" "$at" "$du" "$(json_str "$ch")" "$(json_str "$de")" "$times")")
done
ok=true
[ "$rc" -eq 0 ] || ok=false
{
    printf '{"ok":%s,"settings":{"timeout_s":%s,"backoff_base_s":%s,"backoff_cap_s":%s,"breaker_threshold":%s,"breaker_open_s":%s},"phases":[' \
        "$ok" "$timeout" "$base" "$cap" "$threshold" "$open"
    (IFS=,; printf '%s' "${items[*]}")
    printf ']}\n'
} >"$result"
echo
echo "bootstrap: result written to $result"
if [ "$rc" -eq 0 ]; then echo "bootstrap: all phases ok"; else echo "bootstrap: some phases FAILED" >&2; fi
exit "$rc"
