#!/usr/bin/env bash
# The native runtime end to end, with real servers under the kit's own supervisord:
# `make up` from nothing (flash, sonic, oracle healthy; strange not started, with the
# reason; exit 0), restart on crash, `make down` leaves no process, data survives
# down + up, and `make clean` asks (refuses without a terminal unless YES=1).
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/native-lib.sh
. "$(dirname "$0")/native-lib.sh"
native_setup

# ---- up from nothing ------------------------------------------------------------------
check_cmd "make up from nothing exits 0" 0 '' nmake up
up_out=$ALL
for c in flash sonic oracle; do
    like "$up_out" "arc-$c is healthy" "make up: $c is healthy"
done
like "$up_out" "strange: not started: PULSAR_HOME is not set" "make up: strange is listed as not started, with the reason"
like "$up_out" "remedy: set PULSAR_HOME=.*or use Docker" "make up: ... and the remedy"
like "$up_out" "extension 'vector' \(pgvector\) is unavailable natively" "make up: oracle says that vector is unavailable natively"
unlike "$up_out" "$ARC_ORACLE_PASSWORD" "make up: the password is not in the output"
unlike "$(cat "$STATE"/run/*.conf "$STATE"/run/programs/*.conf "$STATE"/logs/*.log)" "$ARC_ORACLE_PASSWORD" \
    "the password is in no config or log of the state folder"

sv_main=$(sv_pid)
isnt "$sv_main" "" "our supervisord runs, its pidfile in the state folder"
like "$(tr '\0' ' ' </proc/"${sv_main:-0}"/cmdline 2>/dev/null)" "-c $STATE/run/supervisord.conf" \
    "supervisord runs with our config (not the system's)"
ok_if "supervisor's socket is in the state folder" test -S "$STATE/run/supervisor.sock"
for c in flash sonic oracle; do
    ok_if "data/$c exists in the state folder" test -d "$STATE/data/$c"
    ok_if "logs/$c.log exists" test -s "$STATE/logs/$c.log"
done

like "$up_out" "SERVICE +CONTAINER +STATE +HEALTH +ROLE +PORTS" "make up ends with the status table"
check_cmd "make health: non-zero; strange, not started here, is named with the reason" 2 \
    'strange unhealthy: not started: PULSAR_HOME is not set' nmake health
like "$ALL" "sonic \(redis\) healthy" "make health: sonic healthy"
check_cmd "make messaging-health: non-zero, flash and sonic healthy, strange named with the reason" 2 \
    'strange unhealthy: not started' nmake messaging-health
like "$ALL" "flash \(nats\) healthy" "make messaging-health: flash still checked and healthy"
check_cmd "make strange-health (an explicit request) fails naming strange" 2 'strange \(pulsar\) unhealthy' \
    nmake strange-health
check_cmd "make info shows the runtime" 0 'runtime native' nmake info
check_cmd "make status exits 0" 0 '' nmake status
like "$OUT" "runtime: native" "make status shows the runtime"
for c in flash sonic oracle; do
    like "$OUT" "$c +arc-$c pid [0-9]+ +(running|starting) +healthy" "make status: $c running, healthy, with its pid"
done
like "$OUT" "strange +- +not started: PULSAR_HOME is not set" "make status: strange not started, with the reason"
like "$OUT" "127\.0\.0\.1:$ARC_FLASH_PORT,127\.0\.0\.1:$ARC_FLASH_MONITOR_PORT" "make status: flash's ports"

# Listeners on 127.0.0.1 only, on the configured ports.
for p in "$ARC_FLASH_PORT" "$ARC_FLASH_MONITOR_PORT" "$ARC_SONIC_PORT" "$ARC_ORACLE_PORT"; do
    if ! command -v ss >/dev/null; then skip "ss (iproute2) not installed: listeners not checked"; continue; fi
    is "$(ss -Hltn "sport = :$p" | awk '{ print $4 }' | sort -u | tr '\n' ' ')" "127.0.0.1:$p " \
        "port $p listens on 127.0.0.1 only"
done

check_cmd "make ps shows supervisor's view" 0 'arc-flash +RUNNING' nmake ps
check_cmd "make sonic-logs shows the server's log" 0 'Ready to accept connections' nmake sonic-logs LOGS_TAIL=50 FOLLOW=0
check_cmd "make flash-health exits 0" 0 'JetStream enabled' nmake flash-health

# Redis: the settings of services/cache/redis.conf (the image runs on it too), in force.
mapfile -t want < <(awk '!/^[[:space:]]*(#|$)/ { v = $2
    if (v ~ /^[0-9]+mb$/) v = substr(v, 1, length(v) - 2) * 1024 * 1024
    print $1, v }' "$ARC_ROOT/services/cache/redis.conf")
[ ${#want[@]} -ge 4 ] || fail "read the settings of services/cache/redis.conf" "${want[*]-}"
for kv in "${want[@]}"; do
    is "$(redis_cmd CONFIG GET "${kv%% *}" | tail -n 1)" "${kv#* }" "sonic: ${kv%% *} as in redis.conf"
done
is "$(redis_cmd CONFIG GET dir | tail -n 1)" "$STATE/data/sonic" "sonic: data in the state folder"

# PostgreSQL: the compose user/database/password, TCP with scram, socket in run/oracle.
is "$(pg_sql 'SELECT current_user || current_database()')" "arcarc" "oracle: user arc, database arc (compose's defaults), password ARC_ORACLE_PASSWORD"
ok_if "oracle: its unix socket is in run/oracle" test -S "$STATE/run/oracle/.s.PGSQL.$ARC_ORACLE_PORT"
run env PGPASSWORD=wrong "$(pg_bindir)/psql" -X -qAt "host=127.0.0.1 port=$ARC_ORACLE_PORT user=arc dbname=arc" -c 'SELECT 1'
isnt "$RC" 0 "oracle: a wrong password is refused over TCP"
is "$(pg_sql "SELECT count(*) FROM pg_extension WHERE extname = 'vector'")" "0" "oracle: no vector extension (not packaged)"

# ---- data --------------------------------------------------------------------------------
redis_cmd SET arc:native:key kept >/dev/null
pg_sql "CREATE TABLE native_t (v text); INSERT INTO native_t VALUES ('kept')"
cat >"$TEST_TMP/streams.json" <<'EOF'
{"streams": [{"name": "NATIVE_T", "subjects": ["native.t.>"], "storage": "file"}]}
EOF
check_cmd "a JetStream stream is created" 0 '' \
    "$ARC_BIN/natsprobe" --server "nats://127.0.0.1:$ARC_FLASH_PORT" streams apply "$TEST_TMP/streams.json"
ok_if "a message is published" nats_pub native.t.one hello
for _ in $(seq 50); do [ "$(js_messages NATIVE_T)" = 1 ] && break; sleep 0.1; done
is "$(js_messages NATIVE_T)" "1" "the stream holds the message"

# ---- restart on crash ------------------------------------------------------------------
nats_pid=$(prog_pid flash)
isnt "$nats_pid" "" "supervisor reports nats-server's pid"
kill -9 "$nats_pid"
bound=30
t0=$SECONDS
healthy=1
while [ $((SECONDS - t0)) -lt $bound ]; do
    if nmake -s flash-health >/dev/null 2>&1; then healthy=0; break; fi
    sleep 0.5
done
is "$healthy" 0 "after kill -9 of nats-server, make flash-health is 0 again within ${bound}s ($((SECONDS - t0))s)"
new_pid=$(prog_pid flash)
ok_if "the killed process is gone" bash -c "! kill -0 $nats_pid 2>/dev/null"
isnt "${new_pid:-$nats_pid}" "$nats_pid" "supervisor restarted nats-server (new pid $new_pid)"
is "$(js_messages NATIVE_T)" "1" "the message survived the crash"

# ---- down: no kit process left ---------------------------------------------------------
pids=("$sv_main" "$(prog_pid flash)" "$(prog_pid sonic)" "$(prog_pid oracle)")
check_cmd "make down exits 0" 0 'supervisord stopped' nmake down
left=()
for p in "${pids[@]}"; do [ -z "$p" ] || ! kill -0 "$p" 2>/dev/null || left+=("$p"); done
is "${left[*]-}" "" "make down: supervisord, nats-server, redis-server and postgres are gone"
is "$(state_procs)" "" "make down: no process of the state folder is left"
ok_if "make down: the data is kept" test -f "$STATE/data/oracle/PG_VERSION"
check_cmd "make status after down" 0 'flash +arc-flash +stopped' nmake status

# ---- up again: the data survived ---------------------------------------------------------
check_cmd "make up again exits 0" 0 'arc-oracle is healthy' nmake up
unlike "$ALL" "initdb" "make up again: no second initdb"
is "$(redis_cmd GET arc:native:key)" "kept" "the Redis key survived down + up"
is "$(pg_sql 'SELECT v FROM native_t')" "kept" "the table row survived down + up"
for _ in $(seq 50); do [ "$(js_messages NATIVE_T)" = 1 ] && break; sleep 0.1; done
is "$(js_messages NATIVE_T)" "1" "the JetStream message survived down + up"
check_cmd "make up while running: nothing restarted" 0 'arc-flash is already running' nmake up

# ---- supervisord killed: its servers live on; up names them, down stops them ------------
sv_main=$(sv_pid)
kill -9 "$sv_main"
for _ in $(seq 50); do kill -0 "$sv_main" 2>/dev/null || break; sleep 0.1; done
check_cmd "make up beside servers a killed supervisord left fails, naming them" 2 \
    'already in use by another process: pid [0-9]+ \([a-z-]+\), left over from an earlier native run' nmake up
check_cmd "make down stops those servers" 0 'stopping pid [0-9]+ \(nats-server\)' nmake down
like "$ALL" 'stopping pid [0-9]+ \(redis-server\)' "... redis-server too"
is "$(state_procs)" "" "... and no process of the state folder is left"
check_cmd "make up afterwards exits 0" 0 'arc-sonic is healthy' nmake up
is "$(redis_cmd GET arc:native:key)" "kept" "the Redis key is still there"

# ---- clean -------------------------------------------------------------------------------
check_cmd "make clean without a terminal refuses" 2 'refusing to delete data without a terminal.*YES=1' nmake clean
ok_if "... and keeps the data" test -f "$STATE/data/oracle/PG_VERSION"
isnt "$(prog_pid sonic)" "" "... and sonic still runs"
check_cmd "make sonic-clean refuses too" 2 'sonic-clean: refusing' nmake sonic-clean
check_cmd "make clean YES=1 exits 0" 0 'data deleted' nmake clean YES=1
for c in flash sonic oracle; do
    ok_if "make clean: data/$c is gone" test ! -e "$STATE/data/$c"
done
is "$(state_procs)" "" "make clean: no process of the state folder is left"
is "$(sv_pid)" "" "make clean: supervisord stopped"

done_testing
