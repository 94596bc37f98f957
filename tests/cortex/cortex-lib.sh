#!/usr/bin/env bash
# tests/cortex/cortex-lib.sh — shared by tests/cortex/*.t (source after tests/lib/tap.sh).
#
#   cortex_pg               PostgreSQL on a free port with the kit's init SQL applied
#   cortex_platform         cortex_pg, nats-server, redis-server and the Pulsar admin-REST
#                           STAND-IN (not Apache Pulsar), each on a free loopback port, and
#                           the variables `cortex bootstrap` / `cortex server` read
#                           (DATABASE_URL + PGPASSWORD, NATS_URL, REDIS_URL, PULSAR_ADMIN_URL,
#                           a private lock and result file); no OTEL_* variable is left set
#   otlp_receiver_start OPTION...   tests/cortex/otlp_receiver.py (a test receiver) with those
#                           options; RECEIVER is its http://127.0.0.1:PORT
#   start_server NAME [VAR=VALUE...]   `cortex server` on a free port with those variables, its
#                           own lock and result file (TEST_TMP/NAME.*), log TEST_TMP/NAME.log:
#                           CX_PORT and CX_PID, and the same as PORT_<NAME> and PID_<NAME>
# shellcheck disable=SC2034  # PULSAR, RECEIVER, REC_PORT, CX_* are read by the test files

cortex_pg() {
    local f
    start_pg
    for f in "$ARC_ROOT"/services/sql/init/*.sql; do
        as_pg "$PG_BIN/psql" -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
            -qAtX -f "$f" 2>/dev/null
    done
}

cortex_platform() {
    cortex_pg
    # shellcheck disable=SC2119 # default servers, no extra options
    start_nats
    # shellcheck disable=SC2119
    start_redis
    PULSAR=""
    start_pulsar_standin PULSAR
    # shellcheck disable=SC2153  # PG_PASSWORD is set by tap.sh
    export DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres" PGPASSWORD="$PG_PASSWORD" \
        NATS_URL="nats://127.0.0.1:$NATS_PORT" REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
        PULSAR_ADMIN_URL=$PULSAR BOOTSTRAP_LOCK="$TEST_TMP/lock" BOOTSTRAP_RESULT="$TEST_TMP/result.json"
    unset OTEL_SDK_DISABLED OTEL_SERVICE_NAME OTEL_RESOURCE_ATTRIBUTES OTEL_EXPORTER_OTLP_ENDPOINT
}

otlp_receiver_start() {
    local log=$TEST_TMP/receiver.log
    python3 "$ARC_ROOT/tests/cortex/otlp_receiver.py" "$@" >"$log" 2>&1 &
    track_pid $!
    for _ in $(seq 100); do grep -q 'listening on' "$log" && break; sleep 0.05; done
    REC_PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$log")
    [ -n "$REC_PORT" ] || bail_out_log "the OTLP test receiver did not start" "$log"
    RECEIVER="http://127.0.0.1:$REC_PORT"
}

start_server() {
    local name=$1
    shift
    CX_PORT=$(free_port)
    env "$@" ARC_CORTEX_PORT="$CX_PORT" BOOTSTRAP_LOCK="$TEST_TMP/$name.lock" \
        BOOTSTRAP_RESULT="$TEST_TMP/$name.json" "$ARC_BIN/cortex" server >"$TEST_TMP/$name.log" 2>&1 &
    CX_PID=$!
    track_pid "$CX_PID"
    wait_port "$CX_PORT" 20 "$CX_PID" || bail_out_log "cortex server $name did not start" "$TEST_TMP/$name.log"
    printf -v "PORT_$name" '%s' "$CX_PORT"
    printf -v "PID_$name" '%s' "$CX_PID"
}
