#!/usr/bin/env bash
# cortex server (tools/cortex): the HTTP API against real PostgreSQL, nats-server -js and
# redis-server, and the Pulsar admin-REST STAND-IN (tests/standin/pulsar — not Apache
# Pulsar, which cannot be installed here). Every server listens on 127.0.0.1; every
# process this test starts is tracked and stopped by tap.sh, none other is touched.
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/cortex-lib.sh
. "$(dirname "$0")/cortex-lib.sh"
need_probe cortex
need_cmd curl jq redis-server

# http METHOD PATH [curl args...]: CODE, BODY, HDRS (bounded: 20 s at most)
http() {
    local m=$1 p=$2
    shift 2
    CODE=$(curl -s -o "$TEST_TMP/.body" -D "$TEST_TMP/.hdrs" -w '%{http_code}' --max-time 20 \
        -X "$m" "$@" "http://127.0.0.1:$CX_PORT$p") || CODE=000
    BODY=$(cat "$TEST_TMP/.body" 2>/dev/null || true)
    HDRS=$(cat "$TEST_TMP/.hdrs" 2>/dev/null || true)
}

# stop_cortex: SIGTERM to the server this test started; RC its exit status.
stop_cortex() {
    kill -TERM "$CX_PID"
    local t0=$SECONDS
    set +e
    wait "$CX_PID"
    RC=$?
    set -e
    ELAPSED=$((SECONDS - t0))
}

# ---- every dependency down --------------------------------------------------------
d1=$(dead_port) d2=$(dead_port) d3=$(dead_port) d4=$(dead_port)
start_server down DATABASE_URL="postgresql://postgres@127.0.0.1:$d1/postgres" \
    NATS_URL="nats://127.0.0.1:$d2" PULSAR_ADMIN_URL="http://127.0.0.1:$d3" \
    REDIS_URL="redis://127.0.0.1:$d4" ARC_CORTEX_CHECK_TIMEOUT=1
t0=$(now)
http GET /health
t1=$(now)
is "$CODE" 200 "/health answers 200 while every dependency is down"
is "$BODY" '{"status":"ok"}' "/health says {\"status\":\"ok\"}"
ok "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a < 1) ? 0 : 1 }')" "/health answered within 1 s"
http GET /health/deep
is "$CODE" 503 "/health/deep: 503 while the dependencies are down"
is "$(jq -r '.unhealthy | join(",")' <<<"$BODY")" "sql,nats,pulsar,redis" "/health/deep names all four"
is "$(jq -r '[.services[] | select(.error != null)] | length' <<<"$BODY")" 4 "each with its error"
http GET /ready
is "$CODE" 503 "/ready: 503 before any bootstrap"

# ---- bad requests -------------------------------------------------------------------
http GET /nope
is "$CODE" 404 "unknown path: 404"
is "$(jq -r .error <<<"$BODY")" "not found" "404 is a JSON error"
http POST /health
is "$CODE" 405 "POST /health: 405"
like "$HDRS" "Allow: GET, HEAD" "405 says which methods (Allow)"
http GET /api/v1/bootstrap
is "$CODE" 405 "GET /api/v1/bootstrap: 405"
like "$HDRS" "Allow: POST" "405 with Allow: POST"
head -c 8192 /dev/zero | tr '\0' 'x' >"$TEST_TMP/big"
http POST /api/v1/bootstrap --data-binary @"$TEST_TMP/big"
is "$CODE" 413 "an 8 KiB body: 413"
like "$(jq -r .error <<<"$BODY")" "too large" "413 is a JSON error"
http POST /api/v1/bootstrap -H 'Content-Type: application/json' -d '{"phases": [nope'
is "$CODE" 400 "malformed JSON body: 400"
like "$(jq -r .error <<<"$BODY")" "malformed body" "400 says why"
http POST /api/v1/bootstrap -d '{"phases": ["mongo"]}'
is "$CODE" 400 "unknown phase in the body: 400"
http POST /api/v1/bootstrap -d '{"colour": "red"}'
is "$CODE" 400 "unknown field in the body: 400"

# ---- 50 idle connections do not stop /health ---------------------------------------------
fds=()
for _ in $(seq 50); do
    exec {fd}<>"/dev/tcp/127.0.0.1/$CX_PORT" && fds+=("$fd")
done
is "${#fds[@]}" 50 "50 idle connections open"
t0=$(now)
CODE=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$CX_PORT/health") || CODE=000
t1=$(now)
is "$CODE" 200 "/health answers while 50 idle connections are open"
ok "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a < 1) ? 0 : 1 }')" "... within 1 s"
for fd in "${fds[@]}"; do exec {fd}>&-; done

stop_cortex
is "$RC" 0 "SIGTERM: the server stops with exit 0"
ok "$((ELAPSED <= 5 ? 0 : 1))" "... promptly (${ELAPSED}s)"
like "$(cat "$TEST_TMP/down.log")" "SIGTERM, stopping" "... and says so"

# ---- real servers -----------------------------------------------------------------------
cortex_pg
# shellcheck disable=SC2119
start_nats
PULSAR=""
start_pulsar_standin PULSAR
# redis comes up late, on a port chosen now: the first bootstrap waits for it
RPORT=$(free_port)
redis_up() {
    redis-server --bind 127.0.0.1 --port "$RPORT" --save '' --dir "$TEST_TMP" \
        --logfile "$TEST_TMP/redis.log" &
    RPID=$!
    track_pid "$RPID"
    wait_port "$RPORT" 20 "$RPID" || bail_out_log "redis-server did not start" "$TEST_TMP/redis.log"
}

# shellcheck disable=SC2153  # PG_PASSWORD is set by tap.sh
start_server up DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres" \
    PGPASSWORD="$PG_PASSWORD" NATS_URL="nats://127.0.0.1:$NATS_PORT" PULSAR_ADMIN_URL="$PULSAR" \
    REDIS_URL="redis://127.0.0.1:$RPORT" BOOTSTRAP_BACKOFF_BASE=0.3 BOOTSTRAP_BACKOFF_CAP=0.5 \
    BOOTSTRAP_BREAKER_OPEN=0.5 BOOTSTRAP_TIMEOUT=60 ARC_CORTEX_MONITOR_INTERVAL=0.5 \
    ARC_CORTEX_CHECK_TIMEOUT=2
http GET /ready
is "$CODE" 503 "/ready: 503 before the bootstrap"

# two bootstraps at once: the first waits for redis, the second is refused naming it
curl -s -o "$TEST_TMP/first.body" -w '%{http_code}' --max-time 60 -X POST \
    "http://127.0.0.1:$CX_PORT/api/v1/bootstrap" >"$TEST_TMP/first.code" &
first=$!
track_pid "$first"
for _ in $(seq 100); do [ -s "$TEST_TMP/up.lock.pid" ] && break; sleep 0.05; done
http POST /api/v1/bootstrap
is "$CODE" 409 "a second POST while one runs: 409"
is "$(jq -r .running.by <<<"$BODY")" "this server" "the 409 names the running bootstrap"
like "$(jq -r .running.phases <<<"$BODY")" "sql nats pulsar redis" "... and its phases"
http GET /ready
is "$CODE" 503 "/ready: still 503 while the bootstrap runs"
redis_up
wait "$first" || true
is "$(cat "$TEST_TMP/first.code")" 200 "the first POST: 200 once redis is up"
R=$(cat "$TEST_TMP/first.body")
is "$(jq -r .ok <<<"$R")" true "its result: ok"
is "$(jq -r '[.phases[].phase] | join(",")' <<<"$R")" "sql,nats,pulsar,redis" "its result: the four phases"
ok "$(jq -r '.phases[] | select(.phase == "redis") | .attempts > 1' <<<"$R" | grep -q true; echo $?)" \
    "the redis phase retried until redis was up"
is "$(jq -S . "$TEST_TMP/up.json")" "$(jq -S . <<<"$R")" "the same JSON is in BOOTSTRAP_RESULT"
http GET /ready
is "$CODE" 200 "/ready: 200 after a successful bootstrap"

http POST '/api/v1/bootstrap?format=text' -d '{"phases":["nats","redis"]}'
is "$CODE" 200 "POST with phases and ?format=text: 200"
like "$BODY" "nats +ok +1 .*nothing" "the text answer is the table (nats unchanged)"
unlike "$BODY" "sql " "only the phases asked for"

# ---- /health/deep follows a dependency that dies and comes back ------------------------------
http GET /health/deep
is "$CODE" 200 "/health/deep: 200 with every dependency up"
is "$(jq -r '[.services[].status] | join(",")' <<<"$BODY")" "ok,ok,ok,ok" "every service ok"
ok "$(jq -e '[.services[].latency_ms | numbers] | length == 4' <<<"$BODY" >/dev/null; echo $?)" \
    "each with its latency"
kill "$RPID"
wait "$RPID" 2>/dev/null || true
http GET /health/deep
is "$CODE" 503 "redis killed: /health/deep 503"
is "$(jq -r '.unhealthy | join(",")' <<<"$BODY")" redis "it names redis, only"
is "$(jq -r '.services[] | select(.name == "redis") | .service' <<<"$BODY")" sonic "... as sonic"
like "$(jq -r '.services[] | select(.name == "redis") | .error' <<<"$BODY")" "refused" "... with the error"
for _ in $(seq 60); do
    http GET '/health/deep?cached=1'
    [ "$CODE" = 503 ] && break
    sleep 0.1
done
is "$CODE" 503 "the monitor's last result (?cached=1) shows it too"
http GET /health
is "$CODE" 200 "/health stays 200 meanwhile"
redis_up
http GET /health/deep
is "$CODE" 200 "redis back on the same port: /health/deep 200"
for _ in $(seq 60); do
    http GET '/health/deep?cached=1'
    [ "$CODE" = 200 ] && break
    sleep 0.1
done
is "$CODE" 200 "the monitor sees it back"

# ---- a bootstrap of another process holds the lock: 409 naming it ----------------------------
REDIS_URL="redis://127.0.0.1:$(dead_port)" BOOTSTRAP_TIMEOUT=20 BOOTSTRAP_LOCK="$TEST_TMP/up.lock" \
    BOOTSTRAP_RESULT="$TEST_TMP/cli.json" "$ARC_BIN/cortex" bootstrap redis >"$TEST_TMP/cli.log" 2>&1 &
cli=$!
track_pid "$cli"
for _ in $(seq 100); do [ -s "$TEST_TMP/up.lock.pid" ] && break; sleep 0.05; done
http POST /api/v1/bootstrap
is "$CODE" 409 "a CLI bootstrap holds the lock: POST 409"
is "$(jq -r .running.pid <<<"$BODY")" "$cli" "the 409 names its pid"
kill "$cli"
wait "$cli" 2>/dev/null || true

stop_cortex
is "$RC" 0 "SIGTERM: exit 0"

done_testing
