#!/usr/bin/env bash
# cortex bootstrap under valgrind (memcheck: no errors, no definite or indirect leaks)
# against real PostgreSQL, nats-server -js and redis-server and the Pulsar admin-REST
# STAND-IN (tests/standin/pulsar — not Apache Pulsar); one run with every phase ok,
# one with a phase that fails (a dead port).
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_probe cortex
start_pg
for f in "$ARC_ROOT"/services/sql/init/*.sql; do
    as_pg "$PG_BIN/psql" -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAtX -f "$f" 2>/dev/null
done
# shellcheck disable=SC2119
start_nats
# shellcheck disable=SC2119
start_redis
PULSAR=""
start_pulsar_standin PULSAR
# shellcheck disable=SC2153  # PG_PASSWORD is set by tap.sh
export DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres" PGPASSWORD="$PG_PASSWORD"
export NATS_URL="nats://127.0.0.1:$NATS_PORT" REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
export PULSAR_ADMIN_URL=$PULSAR BOOTSTRAP_RESULT="$TEST_TMP/result.json" BOOTSTRAP_LOCK="$TEST_TMP/lock"
valgrind_clean "cortex bootstrap, every phase ok" 0 "$ARC_BIN/cortex" --probe-timeout 30 bootstrap
is "$(jq -r .ok "$BOOTSTRAP_RESULT")" true "... and the result says ok"
REDIS_URL="redis://127.0.0.1:$(dead_port)" valgrind_clean "cortex bootstrap, redis down" 1 \
    "$ARC_BIN/cortex" --timeout 3 --backoff-base 0.5 bootstrap redis nats
is "$(jq -r '.phases[] | select(.phase == "redis") | .status' "$BOOTSTRAP_RESULT")" failed \
    "... and the result says which phase failed"
done_testing
