#!/usr/bin/env bash
# plan.sh — `make plan`: every declaration against the live servers, the three plans at
# once, changing nothing:
#
#   plan.sh [--json]          (PLAN_JSON=1 is --json; PLAN_TIMEOUT=SEC per plan, default 15)
#
#   nats   natsprobe streams apply --dry-run services/messaging/streams.json   flash
#   pulsar pulsaradm apply --dry-run services/streaming/pulsar.json            strange
#   sql    pgcheck schema --plan services/sql/schema.json                     oracle
#
# Targets as services/cortex/cortex.sh takes them: NATS_URL, PULSAR_ADMIN_URL, DATABASE_URL
# (+ PGPASSWORD) when set, else the services' service.yaml ports (with the ARC_*_PORT
# overrides). When the runtime reports strange "not started" (natively, Pulsar runs only
# with PULSAR_HOME) the pulsar plan is skipped and the summary says why.
# Exit status (Terraform's -detailed-exitcode): 0 in sync, 2 changes pending, 1 error.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

meta_load # once: the URLs below are read from it
json=${PLAN_JSON:-0}
case "${1:-}" in
--json) json=1 ;;
"") ;;
*) die "usage: plan.sh [--json]" ;;
esac
[ "$json" = 1 ] || [ "$json" = 0 ] || die "plan: PLAN_JSON must be 0 or 1"
timeout=${PLAN_TIMEOUT:-15}
[[ "$timeout" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "plan: PLAN_TIMEOUT must be seconds, not '$timeout'"

for p in natsprobe pulsaradm pgcheck; do
    [ -x "$ARC_BIN/$p" ] || die "plan: $ARC_BIN/$p is not built (run 'make tools')"
done
: "${NATS_URL:=$(service_url flash client)}"
: "${DATABASE_URL:=$(service_url oracle postgres)}"
: "${PGPASSWORD:=$(service_env oracle PGPASSWORD)}"
export NATS_URL DATABASE_URL PGPASSWORD
skip=""
if [ -z "${PULSAR_ADMIN_URL:-}" ]; then
    # "not started: ..." natively without Pulsar
    runtime_states strange
    state=${RUNTIME_STATE[strange]:-}
    case "$state" in "not started"*) skip="strange $state" ;; esac
fi
[ -n "$skip" ] || : "${PULSAR_ADMIN_URL:=$(service_url strange admin)}"
export PULSAR_ADMIN_URL="${PULSAR_ADMIN_URL:-}"

dir=$(mktemp -d "${TMPDIR:-/tmp}/arc-plan.XXXXXX")
trap 'rm -rf "$dir"' EXIT
fmt=()
[ "$json" = 0 ] || fmt=(--json)
S=$ARC_ROOT/services

# plan NAME CMD...: run one plan in the background; its output, errors and status in $dir.
pids=()
plan() {
    local name=$1
    shift
    (
        rc=0
        "$@" >"$dir/$name.out" 2>"$dir/$name.err" </dev/null || rc=$?
        echo "$rc" >"$dir/$name.rc"
    ) &
    pids+=($!)
}
plan nats "$ARC_BIN/natsprobe" --timeout "$timeout" "${fmt[@]}" streams apply --dry-run "$S/messaging/streams.json"
[ -n "$skip" ] || plan pulsar "$ARC_BIN/pulsaradm" --timeout "$timeout" "${fmt[@]}" apply --dry-run "$S/streaming/pulsar.json"
plan sql "$ARC_BIN/pgcheck" --timeout "$timeout" "${fmt[@]}" schema --plan "$S/sql/schema.json"
for pid in "${pids[@]}"; do wait "$pid" || true; done

# The worst status wins: an error (anything but 0 and 2) over changes pending over in sync.
verdict=0
for name in nats pulsar sql; do
    [ -f "$dir/$name.rc" ] || continue
    rc=$(cat "$dir/$name.rc")
    case "$rc" in
    0) ;;
    2) [ "$verdict" = 1 ] || verdict=2 ;;
    *) verdict=1 ;;
    esac
done

# count FILE: "N to change (...)" from a plan's text lines.
count() {
    awk '
        /^[a-z]+ [^ ]+: (create|update|unchanged|conflict|missing)(:|$)/ {
            w = $3; sub(/:$/, "", w); n[w]++; if (w != "unchanged") change++
        }
        END {
            printf "%d to change (", change
            sep = ""
            split("create update conflict missing unchanged", order, " ")
            for (i = 1; i <= 5; i++) if (n[order[i]]) { printf "%s%d %s", sep, n[order[i]], order[i]; sep = ", " }
            printf ")"
        }' "$1"
}

# jstr TEXT: TEXT as a JSON string (quotes, backslashes; control characters dropped).
jstr() {
    local s=${1//\\/\\\\}
    s=${s//\"/\\\"}
    printf '"%s"' "$(printf '%s' "$s" | tr -d '\000-\037')"
}

if [ "$json" = 1 ]; then
    printf '{"plan":"arc","exit":%d,"in_sync":%s' "$verdict" "$([ "$verdict" = 0 ] && echo true || echo false)"
    for name in nats pulsar sql; do
        printf ',"%s":' "$name"
        if [ ! -f "$dir/$name.rc" ]; then
            printf '{"skipped":%s}' "$(jstr "$skip")"
        elif [ -s "$dir/$name.out" ] && [ "$(head -c 1 "$dir/$name.out")" = "{" ]; then
            tr -d '\n' <"$dir/$name.out"
        else
            printf '{"ok":false,"exit":%s,"error":%s}' "$(cat "$dir/$name.rc")" \
                "$(jstr "$(head -n 3 "$dir/$name.err" "$dir/$name.out" 2>/dev/null | grep -v '^==>')")"
        fi
    done
    printf '}\n'
    exit "$verdict"
fi

summary=()
for name in nats pulsar sql; do
    case "$name" in nats) what="flash ($NATS_URL)" ;; pulsar) what="strange (${PULSAR_ADMIN_URL:-skipped})" ;; *) what="oracle" ;; esac
    say "== $name: $what"
    if [ ! -f "$dir/$name.rc" ]; then
        say "skipped: $skip"
        summary+=("$name skipped ($skip)")
        continue
    fi
    cat "$dir/$name.out" "$dir/$name.err"
    case "$(cat "$dir/$name.rc")" in
    0 | 2) summary+=("$name $(count "$dir/$name.out")") ;;
    *) summary+=("$name ERROR (exit $(cat "$dir/$name.rc"))") ;;
    esac
done
say ""
for line in "${summary[@]}"; do say "plan: $line"; done
case "$verdict" in
0) say "plan: in sync (exit 0)" ;;
2) say "plan: changes pending (exit 2): 'make bootstrap' applies them; conflicts need a person" ;;
*) say "plan: error (exit 1)" ;;
esac
exit "$verdict"
