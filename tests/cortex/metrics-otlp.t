#!/usr/bin/env bash
# cortex's metrics over OTLP/HTTP (JSON encoding): the instruments of /metrics as one
# ExportMetricsServiceRequest after each bootstrap and each deep-health round, received by
# the TEST RECEIVER tests/cortex/otlp_receiver.py (checks every export against the encoding:
# sum/gauge/histogram, times as decimal strings, bucketCounts = explicitBounds + 1 adding up to
# count; not a collector). Against real PostgreSQL, nats-server -js and redis-server and the
# Pulsar admin-REST STAND-IN (tests/standin/pulsar — not Apache Pulsar). Every server listens
# on 127.0.0.1; only pids started here are killed (tap.sh tracks them).
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/cortex-lib.sh
. "$(dirname "$0")/cortex-lib.sh"
need_probe cortex
need_cmd curl jq python3 redis-server nats-server

run "$ARC_BIN/cortex" --help
like "$OUT" "/v1/metrics" "cortex --help names the OTLP metrics export"

cortex_platform

# ---- the test receiver -------------------------------------------------------------------
MET="$TEST_TMP/metrics.jsonl"
ERRS="$TEST_TMP/receiver-errors.txt"
otlp_receiver_start --out "$TEST_TMP/spans.jsonl" --errors "$ERRS" --metrics "$MET"
export OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$REC_PORT"
nmet() { wc -l <"$MET" | tr -d ' '; }
# last_export N: the metrics of the last export received after the first N lines, as an array
last_export() { tail -n +"$(($1 + 1))" "$MET" | jq -s 'if length == 0 then [] else (.[-1]._export) as $e | map(select(._export == $e)) end'; }
# metric JSON NAME: the metric called NAME
metric_of() { jq -c --arg n "$2" 'map(select(.name == $n))[0] // empty' <<<"$1"; }
# wait_export N JQ-FILTER SECONDS: the last export after the first N lines matches the filter
wait_export() {
    local _
    for _ in $(seq $(($3 * 10))); do
        [ "$(last_export "$1" | jq "$2")" = true ] && return 0
        sleep 0.1
    done
    return 1
}

# ---- cortex bootstrap (the CLI) -----------------------------------------------------------
run env OTEL_RESOURCE_ATTRIBUTES='deployment.environment=test' "$ARC_BIN/cortex" --probe-timeout 30 bootstrap
is "$RC" 0 "cortex bootstrap with the receiver: 0"
X=$(last_export 0)
ok_if "the CLI waited for its metrics export: received" test "$(jq length <<<"$X")" -gt 0
H=$(metric_of "$X" cortex.bootstrap.duration)
is "$(jq -r '[.unit, .histogram.aggregationTemporality] | join(" ")' <<<"$H")" "s 2" \
    "cortex.bootstrap.duration: a histogram in s, cumulative"
P=$(jq -c '.histogram.dataPoints[0]' <<<"$H")
ok_if "... count >= 1" test "$(jq -r .count <<<"$P")" -ge 1
is "$(jq -r '(.bucketCounts | length) == (.explicitBounds | length) + 1' <<<"$P")" true \
    "... bucketCounts: one more than explicitBounds"
is "$(jq -r '([.bucketCounts[] | tonumber] | add | tostring) == .count' <<<"$P")" true \
    "... adding up to count"
like "$(jq -r '.startTimeUnixNano + " " + .timeUnixNano' <<<"$P")" '^[0-9]{19} [0-9]{19}$' \
    "... times as unix-nano decimal strings"
A=$(metric_of "$X" cortex.phase.attempts)
is "$(jq -r '[.sum.aggregationTemporality, .sum.isMonotonic] | map(tostring) | join(" ")' <<<"$A")" "2 true" \
    "cortex.phase.attempts: a sum, cumulative, monotonic"
is "$(jq -r '.sum.dataPoints | map(._attrs.phase + "=" + .asInt) | sort | join(",")' <<<"$A")" \
    "nats=1,pulsar=1,redis=1,sql=1" "... a point per phase (attribute phase), one attempt each"
is "$(jq -r '.sum.dataPoints | map(select(._attrs.outcome == "ok")) | map(._attrs.phase + "=" + .asInt) | sort | join(",")' <<<"$(metric_of "$X" cortex.phase.runs)")" \
    "nats=1,pulsar=1,redis=1,sql=1" "cortex.phase.runs: phase and outcome, ok once each"
is "$(jq -r '.sum.dataPoints | map(select(._attrs.outcome == "ok"))[0].asInt' <<<"$(metric_of "$X" cortex.bootstraps)")" 1 \
    "cortex.bootstraps{outcome=ok} 1"
for n in cortex.deep_health.rounds cortex.events cortex.otlp.exports cortex.outbox.dropped; do
    is "$(jq -r '.sum.isMonotonic' <<<"$(metric_of "$X" "$n")")" true "$n: a monotonic sum"
done
is "$(jq -r '.[0]._resource | [.["service.name"], .["deployment.environment"]] | join("|")' <<<"$X")" \
    "arc-cortex|test" "resource: service.name arc-cortex and OTEL_RESOURCE_ATTRIBUTES"
is "$(cat "$ERRS")" "" "the receiver found every export well-formed"

N=$(nmet)
run env OTEL_SERVICE_NAME=arc-cortex-test "$ARC_BIN/cortex" --timeout 5 bootstrap redis
is "$RC" 0 "OTEL_SERVICE_NAME=arc-cortex-test bootstrap redis: 0"
is "$(last_export "$N" | jq -r 'map(._resource["service.name"]) | unique | join(",")')" arc-cortex-test \
    "service.name from OTEL_SERVICE_NAME"

N=$(nmet)
run env OTEL_SDK_DISABLED=true "$ARC_BIN/cortex" bootstrap redis
is "$RC" 0 "OTEL_SDK_DISABLED=true bootstrap redis: 0"
sleep 0.5
is "$(nmet)" "$N" "OTEL_SDK_DISABLED=true: no metrics received"

# ---- cortex server: the monitor's rounds, a bootstrap, and /metrics agreeing ------------------
PORT_srv="" PORT_off=""
N=$(nmet)
start_server srv ARC_CORTEX_MONITOR_INTERVAL=60
ok_if "the monitor's first round: a metrics export with the latency gauge of 4 dependencies" \
    wait_export "$N" 'map(select(.name == "cortex.dependency.check_latency"))[0].gauge.dataPoints | length == 4' 10
G=$(metric_of "$(last_export "$N")" cortex.dependency.check_latency)
is "$(jq -r '[.unit] + (.gauge.dataPoints | map(._attrs.dependency + "/" + ._attrs.service + "/" + (.asDouble | type))) | join(" ")' <<<"$G")" \
    "s sql/oracle/number nats/flash/number pulsar/strange/number redis/sonic/number" \
    "... unit s; dependency and service attributes; asDouble"
N=$(nmet)
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 60 -X POST "http://127.0.0.1:$PORT_srv/api/v1/bootstrap")
is "$code" 200 "POST /api/v1/bootstrap: 200"
ok_if "... then a metrics export with the bootstrap counted" \
    wait_export "$N" 'map(select(.name == "cortex.bootstrap.duration"))[0].histogram.dataPoints[0].count == "1"' 5
X=$(last_export "$N")
PROM=$(curl -s --max-time 5 "http://127.0.0.1:$PORT_srv/metrics")
for ph in sql nats pulsar redis; do
    is "$(jq -r --arg p "$ph" '.sum.dataPoints | map(select(._attrs.phase == $p))[0].asInt' <<<"$(metric_of "$X" cortex.phase.attempts)")" \
        "$(sed -n "s/^cortex_phase_attempts_total{phase=\"$ph\"} //p" <<<"$PROM")" \
        "cortex.phase.attempts{phase=$ph} = /metrics' cortex_phase_attempts_total"
done
is "$(jq -r '.histogram.dataPoints[0].sum' <<<"$(metric_of "$X" cortex.bootstrap.duration)" | awk '{ printf "%.3f", $1 }')" \
    "$(sed -n 's/^cortex_bootstrap_duration_seconds_sum //p' <<<"$PROM" | awk '{ printf "%.3f", $1 }')" \
    "the histogram's sum = /metrics' cortex_bootstrap_duration_seconds_sum"
N=$(nmet)
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "http://127.0.0.1:$PORT_srv/health/deep")
is "$code" 200 "GET /health/deep: 200"
ok_if "... a deep-health round: a metrics export with the rounds counted" \
    wait_export "$N" 'map(select(.name == "cortex.deep_health.rounds"))[0].sum.dataPoints[0].asInt | tonumber >= 2' 5
is "$(cat "$ERRS")" "" "the receiver found every export well-formed"

N=$(nmet)
start_server off ARC_CORTEX_MONITOR_INTERVAL=60 OTEL_SDK_DISABLED=true
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 60 -X POST -d '{"phases":["redis"]}' \
    "http://127.0.0.1:$PORT_off/api/v1/bootstrap")
is "$code" 200 "OTEL_SDK_DISABLED=true server: POST /api/v1/bootstrap 200"
sleep 0.5
is "$(nmet)" "$N" "... no metrics received"

for s in srv off; do
    pid_var="PID_$s"
    kill -TERM "${!pid_var}"
    set +e
    wait "${!pid_var}"
    RC=$?
    set -e
    is "$RC" 0 "SIGTERM: server $s stops, exit 0"
done
done_testing
