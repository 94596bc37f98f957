#!/usr/bin/env bash
# --format nagios and --format prometheus for every probe, checked against
# their grammars: the monitoring-plugins line `SERVICE STATUS: text | perfdata`
# with exit 0/1/2/3, and the Prometheus text exposition format 0.0.4.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

need_cmd perl redis-server
for p in redisping pgcheck httpprobe pulsaradm natsprobe; do need_probe "$p"; done

# One nagios line: SERVICE STATUS: text [| 'label'=value[UOM];[warn];[crit];[min];[max] ...]
PERF="'[^'=]+'=-?[0-9.]+(s|ms|us|%|B|KB|MB|TB|c)?(;(-?[0-9.]*)){0,4}"
NAGIOS_RE="^[A-Z]+ (OK|WARNING|CRITICAL|UNKNOWN): [^|]*( \\|( $PERF)+)?\$"
nagios_ok() { # "what" WANT_RC WANT_STATUS
    is "$RC" "$2" "$1: exit $2"
    is "$(printf '%s\n' "$OUT" | wc -l)" 1 "$1: one line"
    like "$OUT" "$NAGIOS_RE" "$1: the line follows the plugin grammar"
    like "$OUT" "^[A-Z]+ $3: " "$1: status $3"
}
# Every line a comment or `name{labels} value`; every metric has HELP and TYPE.
prom_ok() { # "what" OUT
    local bad
    bad=$(printf '%s\n' "$2" | grep -Ev '^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$' |
        grep -Ev '^[a-zA-Z_:][a-zA-Z0-9_:]*\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\} -?[0-9.e+-]+$' || true)
    is "$bad" "" "$1: every line is a comment or a sample"
    local m missing=""
    for m in $(printf '%s\n' "$2" | sed -n 's/^\([a-zA-Z_:][a-zA-Z0-9_:]*\){.*/\1/p' | sort -u); do
        grep -q "^# HELP $m " <<<"$2" && grep -q "^# TYPE $m gauge" <<<"$2" || missing="$missing $m"
    done
    is "$missing" "" "$1: every metric has HELP and TYPE"
}

DEAD=$(dead_port)
declare -A DOWN=(
    [redisping]="--url redis://127.0.0.1:$DEAD"
    [httpprobe]="--url http://127.0.0.1:$DEAD/"
    [pulsaradm]="-u http://127.0.0.1:$DEAD"
    [natsprobe]="--server nats://127.0.0.1:$DEAD"
)
for p in redisping pgcheck httpprobe pulsaradm natsprobe; do
    if [ "$p" = pgcheck ]; then args=(--dsn "host=127.0.0.1 port=$DEAD")
    else read -r -a args <<<"${DOWN[$p]}"; fi
    run "$ARC_BIN/$p" "${args[@]}" --format nagios
    nagios_ok "$p down, nagios" 2 CRITICAL
    run "$ARC_BIN/$p" "${args[@]}" --format prometheus
    is "$RC" 0 "$p down, prometheus: exit 0 (the metrics were written)"
    prom_ok "$p down, prometheus" "$OUT"
    like "$OUT" "^arc_probe_up\{probe=\"$p\",.*\} 0$" "$p down, prometheus: arc_probe_up 0"
    run "$ARC_BIN/$p" --format nagios --timeout nope
    nagios_ok "$p bad usage, nagios" 3 UNKNOWN
    run "$ARC_BIN/$p" "${args[@]}" --format json
    like "$OUT" '"ok":false' "$p: --format json is --json"
    check_cmd "$p: --format with a bad name is bad usage" 64 "--format: 'xml'" "$ARC_BIN/$p" --format xml
    check_cmd "$p --help documents --format and the exit codes" 0 "--format FMT.*" "$ARC_BIN/$p" --help
    like "$OUT" "3 UNKNOWN" "$p --help: the nagios codes"
done

# ---- healthy: thresholds -------------------------------------------------------------------
# shellcheck disable=SC2119 # no extra server options
start_redis
U=redis://127.0.0.1:$REDIS_PORT
run "$ARC_BIN/redisping" --url "$U" --format nagios
nagios_ok "redis healthy, nagios" 0 OK
like "$OUT" "'latency'=[0-9.]+s;;;0; 'attempts'=1;;;1;$" "perfdata: latency in s with min 0"
run "$ARC_BIN/redisping" --url "$U" --format nagios --warning 0 --critical 10
nagios_ok "redis healthy but over --warning 0" 1 WARNING
like "$OUT" "'latency'=[0-9.]+s;0\.000000;10\.000000;0;" "perfdata carries the thresholds"
run "$ARC_BIN/redisping" --url "$U" --format nagios --critical 0
nagios_ok "redis healthy but over --critical 0" 2 CRITICAL
run "$ARC_BIN/redisping" --url "$U" --format prometheus
is "$RC" 0 "redis healthy, prometheus: exit 0"
prom_ok "redis healthy, prometheus" "$OUT"
like "$OUT" "^arc_probe_up\{probe=\"redisping\",check=\"ping\",target=\"127\.0\.0\.1:$REDIS_PORT\"\} 1$" \
    "prometheus: arc_probe_up 1 with probe, check, target"
like "$OUT" "^arc_probe_duration_seconds\{.*\} [0-9.]+$" "prometheus: the duration in seconds"
run "$ARC_BIN/redisping" --url "redis://:pw-x@127.0.0.1:$REDIS_PORT" --format prometheus
unlike "$OUT" "pw-x" "prometheus: the target label holds no secret"
check_cmd "-q under nagios: nothing printed, the code stays" 0 "" "$ARC_BIN/redisping" --url "$U" --format nagios -q
is "$ALL" "" "-q under nagios prints nothing"
check_cmd "a bad input file under nagios: UNKNOWN on stdout, exit 3" 3 "^NATSPROBE UNKNOWN: .*missing\.json" \
    "$ARC_BIN/natsprobe" --format nagios streams apply "$TEST_TMP/missing.json"

done_testing
