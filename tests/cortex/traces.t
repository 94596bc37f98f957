#!/usr/bin/env bash
# cortex's traces over OTLP/HTTP (JSON encoding), received by the TEST RECEIVER
# tests/cortex/otlp_receiver.py (checks every export against the encoding; not a
# collector), against real PostgreSQL, nats-server -js and redis-server and the Pulsar
# admin-REST STAND-IN (tests/standin/pulsar — not Apache Pulsar). Also: a closed port and
# a listener that never answers (start_hang) as the endpoint: a bootstrap is not slower,
# and the failures and drops show in /metrics. Every server listens on 127.0.0.1; only pids
# started here are killed (tap.sh tracks them).
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/cortex-lib.sh
. "$(dirname "$0")/cortex-lib.sh"
need_probe cortex
need_cmd curl jq python3 redis-server nats-server

run "$ARC_BIN/cortex" --help
for w in /metrics traceparent OTEL_EXPORTER_OTLP_ENDPOINT OTEL_SERVICE_NAME OTEL_RESOURCE_ATTRIBUTES \
    OTEL_SDK_DISABLED ARC_CORTEX_OTLP_TIMEOUT ARC_CORTEX_EVENT_TIMEOUT ARC_CORTEX_CHECK_TIMEOUT \
    ARC_CORTEX_MAX_CONNECTIONS ARC_CORTEX_CONNECTION_TIMEOUT ARC_CORTEX_MONITOR_INTERVAL \
    ARC_CORTEX_PORT ARC_CORTEX_ADDR; do
    like "$OUT" "$w" "cortex --help names $w"
done

cortex_platform

# ---- the test receiver -------------------------------------------------------------------
SPANS="$TEST_TMP/spans.jsonl"
ERRS="$TEST_TMP/receiver-errors.txt"
otlp_receiver_start --out "$SPANS" --errors "$ERRS"
nspans() { wc -l <"$SPANS" | tr -d ' '; }
# spans_since N: the spans received after the first N, as one JSON array
spans_since() { tail -n +"$(($1 + 1))" "$SPANS" | jq -s .; }
# wait_spans N JQ-FILTER SECONDS: a span after the first N matches the filter
wait_spans() {
    local _
    for _ in $(seq $(($3 * 10))); do
        [ "$(spans_since "$1" | jq "map(select($2)) | length")" -gt 0 ] && return 0
        sleep 0.1
    done
    return 1
}

# ---- cortex bootstrap (the CLI): one root + 4 phase spans ---------------------------------
export OTEL_EXPORTER_OTLP_ENDPOINT=$RECEIVER
run env OTEL_RESOURCE_ATTRIBUTES='deployment.environment=test%20run,team=arc' \
    "$ARC_BIN/cortex" --probe-timeout 30 bootstrap
is "$RC" 0 "cortex bootstrap with the receiver: 0"
T_CLI=$ELAPSED
S=$(spans_since 0)
is "$(jq length <<<"$S")" 5 "the CLI waited for its export: 5 spans received"
ROOT=$(jq -c 'map(select(.name == "cortex.bootstrap"))' <<<"$S")
is "$(jq length <<<"$ROOT")" 1 "one root span cortex.bootstrap"
is "$(jq -r '.[0].parentSpanId // "none"' <<<"$ROOT")" none "the root has no parent"
TID=$(jq -r '.[0].traceId' <<<"$ROOT")
SID=$(jq -r '.[0].spanId' <<<"$ROOT")
PH=$(jq -c 'map(select(.name != "cortex.bootstrap"))' <<<"$S")
is "$(jq -r 'map(.name) | sort | join(" ")' <<<"$PH")" \
    "cortex.bootstrap.nats cortex.bootstrap.pulsar cortex.bootstrap.redis cortex.bootstrap.sql" \
    "a span per phase"
is "$(jq --arg t "$TID" --arg s "$SID" 'map(select(.traceId == $t and .parentSpanId == $s)) | length' <<<"$PH")" 4 \
    "every phase span has the root's traceId and parentSpanId = the root's spanId"
is "$(jq -r 'map(._attrs.phase + "=" + ._attrs.outcome + "/" + ._attrs.attempts) | sort | join(",")' <<<"$PH")" \
    "nats=ok/1,pulsar=ok/1,redis=ok/1,sql=ok/1" "phase attributes: phase, outcome, attempts"
like "$(jq -c '.[] | select(._attrs.phase == "pulsar") | ._attrs' <<<"$PH")" '"created":"[0-9]+","updated":"[0-9]+","unchanged":"[0-9]+"' \
    "pulsar's span: created/updated/unchanged counts"
like "$(jq -c '.[] | select(._attrs.phase == "nats") | ._attrs' <<<"$PH")" '"created":"[0-9]+","updated":"[0-9]+"' \
    "nats's span: created/updated counts"
is "$(jq -r '[.[0]._resource["service.name"], .[0]._resource["deployment.environment"], .[0]._resource.team] | join("|")' <<<"$S")" \
    "arc-cortex|test run|arc" "resource: service.name and OTEL_RESOURCE_ATTRIBUTES (percent-decoded)"
is "$(jq -r 'map(.status.code) | unique | join(",")' <<<"$S")" 1 "all spans status OK"
is "$(cat "$ERRS")" "" "the receiver found every export well-formed"

N=$(nspans)
run env OTEL_SERVICE_NAME=arc-cortex-test "$ARC_BIN/cortex" --timeout 1 --backoff-base 0.3 bootstrap redis nats \
    </dev/null
is "$RC" 0 "OTEL_SERVICE_NAME=arc-cortex-test bootstrap redis nats: 0"
is "$(spans_since "$N" | jq -r 'map(._resource["service.name"]) | unique | join(",")')" arc-cortex-test \
    "service.name from OTEL_SERVICE_NAME"
is "$(spans_since "$N" | jq length)" 3 "a root and the 2 phases asked for"

N=$(nspans)
run env REDIS_URL="redis://127.0.0.1:$(dead_port)" "$ARC_BIN/cortex" --timeout 1 --backoff-base 0.3 bootstrap redis
is "$RC" 1 "bootstrap redis (down): 1"
F=$(spans_since "$N" | jq -c '.[] | select(.name == "cortex.bootstrap.redis")')
is "$(jq -r '.status.code' <<<"$F")" 2 "the failed phase's span: status ERROR"
is "$(jq -r '.events[0].name' <<<"$F")" exception "... with an exception event"
like "$(jq -r '.events[0].attributes[0].value.stringValue' <<<"$F")" "gave up after [0-9]+ attempt" \
    "... carrying the error"
is "$(spans_since "$N" | jq -r '.[] | select(.name == "cortex.bootstrap") | .status.code')" 2 \
    "the root span: status ERROR"

N=$(nspans)
run env OTEL_SDK_DISABLED=true "$ARC_BIN/cortex" bootstrap redis
is "$RC" 0 "OTEL_SDK_DISABLED=true bootstrap redis: 0"
sleep 0.5
is "$(nspans)" "$N" "OTEL_SDK_DISABLED=true: nothing received"

# ---- the CLI with a closed port and with a silent listener ----------------------------------
BOUND=$(awk -v t="$T_CLI" 'BEGIN { print t + 1 }')
run env OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$(dead_port)" "$ARC_BIN/cortex" --probe-timeout 30 bootstrap
is "$RC" 0 "endpoint a closed port: bootstrap 0"
within "$BOUND" "... and as fast as with the receiver (${T_CLI}s + 1 s)"
start_hang
run env OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$HANG_PORT" ARC_CORTEX_OTLP_TIMEOUT=0.5 \
    "$ARC_BIN/cortex" --probe-timeout 30 bootstrap
is "$RC" 0 "endpoint never answers: bootstrap 0"
within "$BOUND" "... and at exit waits at most ARC_CORTEX_OTLP_TIMEOUT (0.5 s) for it (${T_CLI}s + 1 s)"

# ---- cortex server: traceparent, deep health ------------------------------------------------
# http PORT METHOD PATH [curl args...]: CODE, TIME (seconds)
http() {
    local port=$1 m=$2 p=$3 out
    shift 3
    out=$(curl -s -o "$TEST_TMP/.body" -w '%{http_code} %{time_total}' --max-time 60 \
        -X "$m" "$@" "http://127.0.0.1:$port$p") || out="000 0"
    CODE=${out% *}
    TIME=${out#* }
}
PORT_ok="" PORT_closed="" PORT_hang=""
N=$(nspans)
start_server ok ARC_CORTEX_MONITOR_INTERVAL=60
ok_if "the monitor's first round: a cortex.health.deep span" \
    wait_spans "$N" '.name == "cortex.health.deep" and ._attrs["health.status"] == "ok"' 10
like "$(spans_since "$N" | jq -c 'map(select(.name == "cortex.health.deep"))[0]._attrs')" \
    '"dependency.redis.latency_ms":[0-9.]+' "... with each dependency's latency"
N=$(nspans)
CALLER_T=4bf92f3577b34da6a3ce929d0e0e4736
CALLER_S=00f067aa0ba902b7
http "$PORT_ok" POST /api/v1/bootstrap -H "traceparent: 00-$CALLER_T-$CALLER_S-01"
is "$CODE" 200 "POST /api/v1/bootstrap with a traceparent: 200"
T_SRV=$TIME
ok_if "its root span continues the caller's trace" \
    wait_spans "$N" ".name == \"cortex.bootstrap\" and .traceId == \"$CALLER_T\" and .parentSpanId == \"$CALLER_S\" and .kind == 2" 5
sleep 0.3
is "$(spans_since "$N" | jq "map(select(.traceId == \"$CALLER_T\" and .name != \"cortex.bootstrap\")) | length")" 4 \
    "... and so do its 4 phase spans"
N=$(nspans)
http "$PORT_ok" POST /api/v1/bootstrap -d '{"phases":["redis"]}' -H "traceparent: 00-${CALLER_T^^}-$CALLER_S-01"
is "$CODE" 200 "a traceparent in upper case (invalid): 200"
ok_if "... ignored: a root span of a trace of its own" \
    wait_spans "$N" ".name == \"cortex.bootstrap\" and .traceId != \"$CALLER_T\" and (.parentSpanId // \"\") == \"\"" 5
N=$(nspans)
http "$PORT_ok" GET /health/deep
is "$CODE" 200 "GET /health/deep: 200"
ok_if "... and a cortex.health.deep span" wait_spans "$N" '.name == "cortex.health.deep"' 5
is "$(cat "$ERRS")" "" "the receiver found every export well-formed"

# ---- cortex server: a closed port, a silent listener ------------------------------------------
SBOUND=$(awk -v t="$T_SRV" 'BEGIN { print t + 1 }')
metric() { curl -s --max-time 5 "http://127.0.0.1:$1/metrics" | sed -n "s/^$2 //p"; }
# wait_metric PORT NAME SECONDS: the metric is above 0
wait_metric() {
    local _
    for _ in $(seq $(($3 * 10))); do
        [ "$(metric "$1" "$2")" -gt 0 ] 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
start_server closed ARC_CORTEX_MONITOR_INTERVAL=60 OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$(dead_port)"
http "$PORT_closed" POST /api/v1/bootstrap
is "$CODE" 200 "endpoint a closed port: POST /api/v1/bootstrap 200"
ok_if "... as fast as with the receiver (${TIME}s < ${T_SRV}s + 1 s)" awk -v e="$TIME" -v m="$SBOUND" 'BEGIN { exit !(e < m) }'
ok_if "... the failed exports in /metrics" \
    wait_metric "$PORT_closed" 'cortex_otlp_exports_total{result="failed"}' 5
start_server hang ARC_CORTEX_MONITOR_INTERVAL=60 ARC_CORTEX_OTLP_TIMEOUT=5 \
    OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$HANG_PORT"
http "$PORT_hang" POST /api/v1/bootstrap
is "$CODE" 200 "endpoint never answers: POST /api/v1/bootstrap 200"
ok_if "... as fast as with the receiver (${TIME}s < ${T_SRV}s + 1 s)" awk -v e="$TIME" -v m="$SBOUND" 'BEGIN { exit !(e < m) }'
for _ in $(seq 80); do curl -s -o /dev/null --max-time 10 "http://127.0.0.1:$PORT_hang/health/deep"; done
ok_if "80 deep rounds against a silent endpoint: the queue is full, drops in /metrics" \
    wait_metric "$PORT_hang" 'cortex_outbox_dropped_total{kind="otlp"}' 5
ok_if "... and the timed-out exports too" \
    wait_metric "$PORT_hang" 'cortex_otlp_exports_total{result="failed"}' 8
http "$PORT_hang" GET /health
is "$CODE" 200 "... /health still answers"

for s in ok closed hang; do
    pid_var="PID_$s"
    kill -TERM "${!pid_var}"
    set +e
    wait "${!pid_var}"
    RC=$?
    set -e
    is "$RC" 0 "SIGTERM: server $s stops, exit 0"
done
done_testing
