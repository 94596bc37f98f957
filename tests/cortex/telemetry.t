#!/usr/bin/env bash
# cortex's lifecycle events and /metrics against a real nats-server -js (the kit's
# CORE_LIFECYCLE stream) and redis-server on free loopback ports; PostgreSQL and Pulsar
# are left down on purpose (dead ports: no Pulsar stand-in is needed here). Events are
# read back from the stream (tests/cortex/lifecycle_read.py); /metrics is checked against
# the exposition format 0.0.4 (tests/cortex/prom_check.py). Only pids started here are
# killed (tap.sh tracks them).
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_probe cortex
need_probe natsprobe
need_cmd curl jq python3 redis-server nats-server

# shellcheck disable=SC2119 # default servers, no extra options
start_nats
# shellcheck disable=SC2119
start_redis
NURL="nats://127.0.0.1:$NATS_PORT"
"$ARC_BIN/natsprobe" -q --server "$NURL" streams apply "$ARC_ROOT/services/messaging/streams.json" ||
    bail_out "streams apply failed"
events() { python3 "$ARC_ROOT/tests/cortex/lifecycle_read.py" "127.0.0.1:$NATS_PORT"; }
# wait_event JQ-FILTER SECONDS: the stream holds an event matching the filter
wait_event() {
    local _
    for _ in $(seq $(($2 * 10))); do
        [ "$(events | jq -s "map(select($1)) | length")" -gt 0 ] && return 0
        sleep 0.1
    done
    return 1
}
PG_DEAD=$(dead_port)
PULSAR_DEAD=$(dead_port)
export NATS_URL=$NURL REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
    DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_DEAD/postgres" \
    PULSAR_ADMIN_URL="http://127.0.0.1:$PULSAR_DEAD" ARC_CORTEX_CHECK_TIMEOUT=1 \
    BOOTSTRAP_LOCK="$TEST_TMP/lock" OTEL_SDK_DISABLED=true

# ---- cortex bootstrap (the CLI) ------------------------------------------------------
run "$ARC_BIN/cortex" --result "$TEST_TMP/r1.json" bootstrap nats redis
is "$RC" 0 "cortex bootstrap nats redis"
EV=$(events)
E=$(jq -c 'select(.subject == "core.lifecycle.cortex.bootstrap_completed")' <<<"$EV" | head -1)
isnt "$E" "" "bootstrap_completed read back from CORE_LIFECYCLE"
is "$(jq -r '.event | [.specversion, .source, .type, .subject] | join(" ")' <<<"$E")" \
    "1.0 arc-cortex arc.lifecycle.bootstrap_completed cortex" "its envelope"
is "$(jq -r '[.event.data.phases[] | .phase + "=" + .status] | join(",")' <<<"$E")" \
    "nats=ok,redis=ok" "its data: the phases"
run "$ARC_BIN/cortex" --result "$TEST_TMP/r2.json" --timeout 1 --backoff-base 0.2 bootstrap sql
is "$RC" 1 "cortex bootstrap sql (down): 1"
ok_if "bootstrap_failed read back" wait_event '.subject == "core.lifecycle.cortex.bootstrap_failed"' 5
run env NATS_URL="nats://127.0.0.1:$(dead_port)" "$ARC_BIN/cortex" --result "$TEST_TMP/r3.json" bootstrap redis
is "$RC" 0 "with flash down, a bootstrap still succeeds (the event is dropped, not a failure)"
within 6 "and ends within the event timeout"

# ---- cortex server: the monitor's healthy / unhealthy --------------------------------
CX_PORT=$(free_port)
ARC_CORTEX_MONITOR_INTERVAL=0.5 ARC_CORTEX_PORT=$CX_PORT BOOTSTRAP_RESULT="$TEST_TMP/s.json" \
    "$ARC_BIN/cortex" server >"$TEST_TMP/server.log" 2>&1 &
CX_PID=$!
track_pid "$CX_PID"
wait_port "$CX_PORT" 20 "$CX_PID" || bail_out_log "cortex server did not start" "$TEST_TMP/server.log"
ok_if "sonic.healthy published by the monitor" wait_event '.subject == "core.lifecycle.sonic.healthy"' 10
ok_if "oracle.unhealthy published (PostgreSQL is down)" \
    wait_event '.subject == "core.lifecycle.oracle.unhealthy" and .event.source == "arc-cortex"' 10
kill -9 "$REDIS_PID"
ok_if "after kill -9 of redis: sonic.unhealthy" wait_event '.subject == "core.lifecycle.sonic.unhealthy"' 10
is "$(events | jq -s 'map(select(.subject == "core.lifecycle.sonic.healthy")) | length')" 1 \
    "a state is published once per change, not every round"
like "$(events | jq -r 'select(.subject == "core.lifecycle.sonic.unhealthy") | .event.data.error')" \
    "." "unhealthy carries the error"

# ---- /metrics --------------------------------------------------------------------------
curl -s --max-time 20 -X POST "http://127.0.0.1:$CX_PORT/api/v1/bootstrap" -d '{"phases":["nats"]}' >/dev/null
CODE=$(curl -s -o "$TEST_TMP/metrics" -D "$TEST_TMP/mh" -w '%{http_code}' --max-time 5 \
    "http://127.0.0.1:$CX_PORT/metrics") || CODE=000
is "$CODE" 200 "GET /metrics: 200"
like "$(cat "$TEST_TMP/mh")" "Content-Type: text/plain; version=0.0.4" "Content-Type names format 0.0.4"
run python3 "$ARC_ROOT/tests/cortex/prom_check.py" "$TEST_TMP/metrics"
is "$RC" 0 "the exposition grammar holds ($OUT$ERR)"
M=$(cat "$TEST_TMP/metrics")
like "$M" 'cortex_bootstraps_total\{outcome="ok"\} 1' "bootstraps counted by outcome"
like "$M" 'cortex_phase_attempts_total\{phase="nats"\} 1' "phase attempts"
like "$M" 'cortex_phase_runs_total\{phase="nats",outcome="ok"\} 1' "phase outcomes"
like "$M" 'cortex_bootstrap_duration_seconds_count 1' "bootstrap duration histogram"
like "$M" 'cortex_dependency_check_latency_seconds\{dependency="redis",service="sonic"\} [0-9.]+' \
    "deep-health latency per dependency"
like "$M" 'cortex_dependency_up\{dependency="redis",service="sonic"\} 0' "redis seen down"
like "$M" 'cortex_outbox_dropped_total\{kind="otlp"\} [0-9]+' "OTLP drops counted"
like "$M" 'cortex_events_total\{result="acked"\} [1-9]' "events acked counted"
kill -TERM "$CX_PID"
set +e
wait "$CX_PID"
RC=$?
set -e
is "$RC" 0 "SIGTERM: the server (and its outbox) stops, exit 0"
done_testing
