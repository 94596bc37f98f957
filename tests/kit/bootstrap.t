#!/usr/bin/env bash
# cortex bootstrap (tools/cortex, the probes' checks in-process): four phases at once against real
# PostgreSQL, nats-server -js and redis-server, and the Pulsar admin-REST STAND-IN
# (tests/standin/pulsar — not Apache Pulsar, which cannot be installed here).
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
for p in cortex natsprobe; do need_probe "$p"; done
need_cmd jq

B=("$ARC_BIN/cortex" bootstrap)
start_pg
for f in "$ARC_ROOT"/services/sql/init/*.sql; do
    as_pg "$PG_BIN/psql" -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAtX -f "$f" 2>/dev/null
done
# shellcheck disable=SC2119
start_nats
start_redis --appendonly yes
PULSAR=""
start_pulsar_standin PULSAR

export ARC_BIN
# shellcheck disable=SC2153  # PG_PASSWORD is set by tap.sh
export DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres" PGPASSWORD="$PG_PASSWORD"
export NATS_URL="nats://127.0.0.1:$NATS_PORT"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
export PULSAR_ADMIN_URL=$PULSAR
export BOOTSTRAP_RESULT="$TEST_TMP/result.json" BOOTSTRAP_LOCK="$TEST_TMP/lock"
R=$BOOTSTRAP_RESULT
phase() { jq -r --arg p "$1" ".phases[] | select(.phase == \$p) | .$2" "$R"; }

# ---- usage -----------------------------------------------------------------------
check_cmd "unknown phase -> 64 naming it" 64 "unknown phase 'mongo'" "${B[@]}" mongo
BOOTSTRAP_TIMEOUT=soon check_cmd "bad setting -> 64 naming it" 64 "timeout must be a number" "${B[@]}"
ARC_FLASH_REPLICAS=7 check_cmd "ARC_FLASH_REPLICAS out of range -> 64 naming it" 64 \
    "ARC_FLASH_REPLICAS must be a number of replicas from 1 to 5, got '7'" "${B[@]}"
check_cmd "--help describes the phases" 0 "phases: sql nats pulsar redis" "${B[@]}" --help

# ---- everything up ------------------------------------------------------------------
run "${B[@]}"
is "$RC" 0 "all services up: exit 0"
like "$OUT" "sql +ok" "table: sql ok"
like "$OUT" "nats +ok +1 .*created 3" "table: nats created the three streams"
like "$OUT" "pulsar +ok +1 .*created" "table: pulsar created tenant, namespaces, topics"
like "$OUT" "redis +ok" "table: redis ok"
is "$(jq -r .ok "$R")" true "result file: ok true"
is "$(jq -r '[.phases[].status] | join(",")' "$R")" "ok,ok,ok,ok" "result file: every phase ok"
is "$(jq -r '[.phases[].phase] | join(",")' "$R")" "sql,nats,pulsar,redis" "result file: the four phases"
is "$(curl -sf "$PULSAR/admin/v2/tenants" | jq -r 'index("arc-system") != null')" true \
    "the stand-in now has tenant arc-system"
run "$ARC_BIN/natsprobe" --server "$NATS_URL" --json streams ls
is "$(printf '%s' "$OUT" | jq -r '[.. | objects | select(has("name")) | .name] | length >= 3')" true \
    "the server now has the declared streams"

run "${B[@]}"
is "$RC" 0 "second run: exit 0"
is "$(jq -r '[.phases[].changes | startswith("nothing")] | all' "$R")" true "second run: every phase changed nothing"
like "$(phase sql changes)" "warning: extension vector unavailable on this server \\(optional\\)" \
    "sql phase says exactly that this server cannot provide pgvector"
like "$OUT" "nats +ok +1 .*nothing" "table: nats nothing changed"

# ---- one service down: its phase fails at its deadline, the others succeed -----------
dead=$(dead_port)
REDIS_URL="redis://127.0.0.1:$dead" BOOTSTRAP_TIMEOUT=3 BOOTSTRAP_BACKOFF_BASE=0.2 \
    BOOTSTRAP_BACKOFF_CAP=0.5 BOOTSTRAP_BREAKER_OPEN=0.5 run "${B[@]}"
is "$RC" 1 "redis down: exit 1"
is "$(phase redis status)" failed "redis phase failed"
is "$(jq -r '[.phases[] | select(.phase != "redis") | .status] | join(",")' "$R")" "ok,ok,ok" \
    "the other three phases succeeded and say so"
like "$(phase redis detail)" "Connection refused|refused" "the failure names the reason"
ok "$(awk -v d="$(phase redis duration_s)" 'BEGIN { print (d >= 3 && d < 5) ? 0 : 1 }')" \
    "redis phase gave up at its deadline (3 s; took $(phase redis duration_s) s)"
ok "$(awk -v a="$(phase redis attempts)" 'BEGIN { print (a > 3) ? 0 : 1 }')" "redis phase retried ($(phase redis attempts) attempts)"
like "$OUT" "redis +failed" "table shows the failed phase"

# ---- a service that comes up late: retries follow backoff and breaker -----------------
late=$(free_port)
(sleep 3 && exec redis-server --bind 127.0.0.1 --port "$late" --save '' --dir "$TEST_TMP" \
    --logfile "$TEST_TMP/late.log") &
track_pid $!
REDIS_URL="redis://127.0.0.1:$late" BOOTSTRAP_TIMEOUT=30 BOOTSTRAP_BACKOFF_BASE=0.5 \
    BOOTSTRAP_BACKOFF_CAP=4 BOOTSTRAP_BREAKER_THRESHOLD=3 BOOTSTRAP_BREAKER_OPEN=2 run "${B[@]}" redis
is "$RC" 0 "late redis: exit 0 once it is up"
attempts=$(phase redis attempts)
ok "$(( attempts > 1 ? 0 : 1 ))" "late redis: retried ($attempts attempts)"
mapfile -t t < <(jq -r '.phases[0].attempt_times_s[]' "$R")
# schedule: retry 1 after 0.5 s, retry 2 after 1 s, then 3 failures open the breaker: 2 s
gap_ok() { awk -v a="$1" -v b="$2" -v want="$3" 'BEGIN { g = b - a; print (g >= want - 0.05 && g < want + 0.6) ? 0 : 1 }'; }
ok "$(gap_ok "${t[0]}" "${t[1]}" 0.5)" "first retry after the base delay 0.5 s (${t[0]} -> ${t[1]})"
ok "$(gap_ok "${t[1]}" "${t[2]}" 1)" "second retry after 1 s, doubled (${t[1]} -> ${t[2]})"
ok "$(gap_ok "${t[2]}" "${t[3]}" 2)" "three failures open the breaker: 2 s pause (${t[2]} -> ${t[3]})"
like "$ERR" "breaker open after 3 consecutive failures" "the breaker pause is announced"

# ---- never twice at once ----------------------------------------------------------
REDIS_URL="redis://127.0.0.1:$dead" BOOTSTRAP_TIMEOUT=20 "${B[@]}" redis >"$TEST_TMP/first.log" 2>&1 &
first=$!
track_pid "$first"
for _ in $(seq 100); do [ -s "$BOOTSTRAP_LOCK.pid" ] && break; sleep 0.05; done
check_cmd "a second bootstrap while one runs is refused at once" 75 "another bootstrap is running" "${B[@]}"
within 2 "the refusal is immediate"
kill "$first" 2>/dev/null || true
wait "$first" 2>/dev/null || true
run "${B[@]}" redis
is "$RC" 0 "after the first one ends, bootstrap runs again"

# ---- make bootstrap: targets derived from service.yaml ports -------------------------
unset NATS_URL REDIS_URL PULSAR_ADMIN_URL
sport=${PULSAR##*:}
run make -C "$ARC_ROOT" -s bootstrap ARC_RUNTIME=docker ARC_RUNTIME_RESOLVED=docker \
    ARC_FLASH_PORT="$NATS_PORT" ARC_SONIC_PORT="$REDIS_PORT" ARC_STRANGE_ADMIN_PORT="$sport"
is "$RC" 0 "make bootstrap: exit 0 with the ports taken from service.yaml + ARC_*_PORT"
like "$OUT" "pulsar +ok" "make bootstrap: pulsar phase reached the stand-in on ARC_STRANGE_ADMIN_PORT"
run make -C "$ARC_ROOT" -s cortex-bootstrap PHASES="nats redis" ARC_RUNTIME=docker ARC_RUNTIME_RESOLVED=docker \
    ARC_FLASH_PORT="$NATS_PORT" ARC_SONIC_PORT="$REDIS_PORT"
is "$(jq -r '[.phases[].phase] | join(",")' "$R")" "nats,redis" "cortex-bootstrap PHASES=... runs only those"
env -u PULSAR_HOME make -C "$ARC_ROOT" -s bootstrap ARC_RUNTIME=native ARC_RUNTIME_RESOLVED=native \
    ARC_FLASH_PORT="$NATS_PORT" ARC_SONIC_PORT="$REDIS_PORT" >"$TEST_TMP/native.out" 2>&1 && nrc=0 || nrc=$?
is "$nrc" 0 "native runtime without PULSAR_HOME: exit 0"
is "$(phase pulsar status)" skipped "native: the pulsar phase is skipped"
like "$(phase pulsar detail)" "PULSAR_HOME" "native: the skip names the reason and remedy"
like "$(cat "$TEST_TMP/native.out")" "pulsar +skipped" "native: the table shows the skipped phase"

done_testing
