#!/usr/bin/env bash
# The health targets work without Docker: the probe runs from the host against
# 127.0.0.1 and the service's host port (moved here with the documented variables), the
# exit status is the verdict, and a failure names the service.
# Real servers: redis-server, PostgreSQL, nats-server (and the Pulsar admin-REST
# STAND-IN of tests/standin/pulsar for strange — it is not Apache Pulsar).
# `make` exits 2 when a target fails (GNU make); the script behind it exits 1.
# shellcheck disable=SC2119 # start_nats takes optional arguments
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/kit-lib.sh
. "$(dirname "$0")/kit-lib.sh"
need_cmd make python3 redis-server nats-server
for p in redisping pgcheck natsprobe pulsaradm; do need_probe "$p"; done
svc() { "$ARC_ROOT/mk/scripts/svc.sh" "$@"; }
# Whatever runtime: health must not depend on it.
export ARC_RUNTIME=native

# ---- sonic (Redis) ------------------------------------------------------------------------
start_redis --appendonly yes --maxmemory-policy noeviction
export ARC_SONIC_PORT=$REDIS_PORT
check_cmd "make sonic-health: Redis up with the kit's settings -> 0" 0 \
    "^sonic \\(redis\\) healthy: redisping OK .*127\\.0\\.0\\.1:$REDIS_PORT" rmake sonic-health
check_cmd "svc.sh health sonic -> 0" 0 'sonic \(redis\) healthy' svc health sonic
redis_ok_pid=$REDIS_PID

start_redis # the defaults: AOF off
check_cmd "sonic-health: a Redis without AOF is unhealthy, naming sonic and the setting" 2 \
    "sonic \\(redis\\) unhealthy: .*aof_enabled" env ARC_SONIC_PORT="$REDIS_PORT" make -C "$ARC_ROOT" sonic-health
kill "$REDIS_PID"

kill "$redis_ok_pid"
wait "$redis_ok_pid" 2>/dev/null || true
check_cmd "make sonic-health: Redis stopped -> non-zero, naming sonic" 2 \
    "sonic \\(redis\\) unhealthy: redisping FAIL" rmake sonic-health
check_cmd "svc.sh health sonic: Redis stopped -> 1" 1 "^sonic \\(redis\\) unhealthy" svc health sonic

start_hang
check_cmd "sonic-health against a server that never answers -> 1 within ARC_HEALTH_TIMEOUT" 1 \
    "sonic \\(redis\\) unhealthy" env ARC_SONIC_PORT="$HANG_PORT" ARC_HEALTH_TIMEOUT=1 "$ARC_ROOT/mk/scripts/svc.sh" health sonic
within 4 "ARC_HEALTH_TIMEOUT=1 bounds the check (+ the kit's start-up)"

# ---- oracle (PostgreSQL) ------------------------------------------------------------------
start_pg
export ARC_ORACLE_PORT=$PG_PORT ARC_ORACLE_USER=postgres ARC_ORACLE_DB=postgres ARC_ORACLE_PASSWORD=$PG_PASSWORD
check_cmd "make oracle-health: PostgreSQL up -> 0" 0 \
    "^oracle \\(postgres\\) healthy: pgcheck OK .*127\\.0\\.0\\.1:$PG_PORT" rmake oracle-health
unlike "$ALL" "$PG_PASSWORD" "oracle-health never shows the password"
check_cmd "oracle-health with a wrong password -> non-zero, naming oracle" 2 "oracle \\(postgres\\) unhealthy" \
    env ARC_ORACLE_PASSWORD=wrong-pw-123 make -C "$ARC_ROOT" oracle-health
unlike "$ALL" "wrong-pw-123" "... and without showing the password"
as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null
check_cmd "make oracle-health: PostgreSQL stopped -> non-zero, naming oracle" 2 \
    "oracle \\(postgres\\) unhealthy: pgcheck FAIL" rmake oracle-health
check_cmd "svc.sh health oracle: stopped -> 1" 1 "^oracle \\(postgres\\) unhealthy" svc health oracle

# ---- flash (NATS) --------------------------------------------------------------------------
start_nats
export ARC_FLASH_PORT=$NATS_PORT ARC_FLASH_MONITOR_PORT=$NATS_MON_PORT
check_cmd "make flash-health: nats-server with JetStream -> 0" 0 \
    "^flash \\(nats\\) healthy: natsprobe OK .*127\\.0\\.0\\.1:$NATS_PORT" rmake flash-health
flash_pid=$NATS_PID
NATS_NO_JS=1 start_nats
check_cmd "flash-health: nats-server without JetStream is unhealthy, naming flash" 2 "flash \\(nats\\) unhealthy" \
    env ARC_FLASH_PORT="$NATS_PORT" make -C "$ARC_ROOT" flash-health
kill "$NATS_PID"
kill "$flash_pid"
wait "$flash_pid" 2>/dev/null || true
check_cmd "make flash-health: NATS stopped -> non-zero, naming flash" 2 "flash \\(nats\\) unhealthy: natsprobe FAIL" \
    rmake flash-health
check_cmd "svc.sh health flash: stopped -> 1" 1 "^flash \\(nats\\) unhealthy" svc health flash

# ---- messaging-health and health over a profile ---------------------------------------------
start_nats
export ARC_FLASH_PORT=$NATS_PORT ARC_FLASH_MONITOR_PORT=$NATS_MON_PORT
start_redis --appendonly yes
export ARC_SONIC_PORT=$REDIS_PORT
ARC_STRANGE_ADMIN_PORT=$(dead_port)
export ARC_STRANGE_ADMIN_PORT
# Natively, strange runs only with PULSAR_HOME: without it a group check still fails on
# it (the help says it checks all three), naming it with the runtime's reason.
check_cmd "make messaging-health, strange not runnable natively -> non-zero, strange named with the reason" 2 \
    "strange unhealthy: not started: PULSAR_HOME is not set" env -u PULSAR_HOME make -C "$ARC_ROOT" -s messaging-health
like "$ALL" "flash \(nats\) healthy" "... while flash is still checked and reported healthy"
# With a Pulsar distribution to run, a strange that does not answer counts.
mkdir -p "$TEST_TMP/pulsar/bin" "$TEST_TMP/pulsar/conf"
printf '#!/bin/sh\nexit 1\n' >"$TEST_TMP/pulsar/bin/pulsar"
chmod +x "$TEST_TMP/pulsar/bin/pulsar"
: >"$TEST_TMP/pulsar/conf/standalone.conf"
export PULSAR_HOME=$TEST_TMP/pulsar
check_cmd "make messaging-health with strange down -> non-zero, naming strange only" 2 \
    "strange \\(pulsar\\) unhealthy" rmake messaging-health
like "$OUT" "flash \\(nats\\) healthy" "... flash is checked and healthy"
like "$OUT" "sonic \\(redis\\) healthy" "... sonic is checked and healthy"
like "$ERR" "unhealthy: strange$" "... and the summary names the failing ones"
unlike "$ERR" "unhealthy: .*(flash|sonic)" "... and only those"

standin=$ARC_ROOT/tests/standin/pulsar/pulsar_standin.py
if [ -f "$standin" ]; then
    ARC_STRANGE_ADMIN_PORT=$(free_port)
    python3 "$standin" --port "$ARC_STRANGE_ADMIN_PORT" >"$TEST_TMP/standin.log" 2>&1 &
    track_pid $!
    wait_port "$ARC_STRANGE_ADMIN_PORT" || bail_out "the Pulsar stand-in did not start: $(cat "$TEST_TMP/standin.log")"
    check_cmd "make messaging-health: flash, strange (Pulsar STAND-IN), sonic healthy -> 0" 0 \
        "strange \\(pulsar\\) healthy" rmake messaging-health
    start_pg
    export ARC_ORACLE_PORT=$PG_PORT
    # cortex, a service of think too: its server answers /health from memory.
    ARC_CORTEX_PORT=$(free_port)
    export ARC_CORTEX_PORT
    "$ARC_BIN/cortex" server --addr 127.0.0.1 --port "$ARC_CORTEX_PORT" >"$TEST_TMP/cortex.log" 2>&1 &
    track_pid $!
    wait_port "$ARC_CORTEX_PORT" || bail_out "cortex server did not start: $(cat "$TEST_TMP/cortex.log")"
    check_cmd "make health (PROFILE=think): oracle, flash, strange, sonic, cortex healthy -> 0" 0 \
        "oracle \\(postgres\\) healthy" rmake health PROFILE=think
    like "$ALL" "cortex \\(cortex\\) healthy: httpprobe OK" "make health checks cortex's /health too"
    kill "$REDIS_PID"
    wait "$REDIS_PID" 2>/dev/null || true
    check_cmd "make health with sonic stopped -> non-zero, naming sonic" 2 "unhealthy: sonic$" rmake health
else
    skip "the Pulsar stand-in (tests/standin/pulsar) is missing: strange not checked healthy"
fi

# ---- the service folder's .env is read; the environment wins -----------------------------------
kit_copy
start_redis --appendonly yes
printf '# test\nARC_SONIC_PORT=%s\n' "$REDIS_PORT" >"$KIT/services/cache/.env"
check_cmd "sonic-health reads the port from services/cache/.env" 0 "127\\.0\\.0\\.1:$REDIS_PORT" \
    env -u ARC_SONIC_PORT make -C "$KIT" sonic-health
check_cmd "... and the environment wins over .env" 2 "sonic \\(redis\\) unhealthy" \
    env ARC_SONIC_PORT="$(dead_port)" make -C "$KIT" sonic-health

done_testing
