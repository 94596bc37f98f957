#!/usr/bin/env bash
# redisping against real redis-server instances on free loopback ports:
# verdicts, error replies, AUTH, --expect, LOADING, the hard deadline, output modes.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

need_cmd redis-server redis-cli jq
need_probe redisping
RP=$ARC_BIN/redisping
# json_ok FILTER TEXT: TEXT is valid JSON and jq's FILTER is true of it.
json_ok() { jq -e "$1" >/dev/null <<<"$2"; }

# ---- a healthy server -------------------------------------------------------------------
start_redis
PLAIN=$REDIS_PORT
check_cmd "healthy server: exit 0, one line with target, PONG and latency" 0 \
    "^redisping OK ping 127\.0\.0\.1:$PLAIN: PONG \([0-9.]+ ms\)$" "$RP" --url "redis://127.0.0.1:$PLAIN"
is "$(printf '%s\n' "$OUT" | wc -l)" 1 "healthy server: exactly one line of output"
check_cmd "REDIS_URL is honoured when --url is absent" 0 "127\.0\.0\.1:$PLAIN: PONG" \
    env REDIS_URL="redis://127.0.0.1:$PLAIN" "$RP"
check_cmd "--url /db selects that database and shows it in the target" 0 ":$PLAIN/3: PONG" \
    "$RP" --url "redis://127.0.0.1:$PLAIN/3"
check_cmd "a database the server does not have fails naming SELECT's error" 1 "SELECT: ERR DB index" \
    "$RP" --url "redis://127.0.0.1:$PLAIN/99"

# ---- output modes --------------------------------------------------------------------------
run "$RP" --url "redis://127.0.0.1:$PLAIN" --json
is "$RC" 0 "--json on a healthy server exits 0"
ok_if "--json prints one valid JSON object with ok, target and latency_ms" \
    json_ok '.ok == true and .target == "127.0.0.1:'"$PLAIN"'" and (.latency_ms | type) == "number" and .detail == "PONG"' "$OUT"
check_cmd "-q on a healthy server: exit 0" 0 "" "$RP" --url "redis://127.0.0.1:$PLAIN" -q
is "$ALL" "" "-q on a healthy server prints nothing"
DEAD=$(dead_port)
check_cmd "-q on a dead server: exit 1" 1 "" "$RP" --url "redis://127.0.0.1:$DEAD" -q
is "$ALL" "" "-q on a dead server prints nothing"

# ---- server down, server hanging -----------------------------------------------------------
check_cmd "server down: exit 1 naming the refused connection" 1 \
    "FAIL ping 127\.0\.0\.1:$DEAD: connect: Connection refused" "$RP" --url "redis://127.0.0.1:$DEAD"
within 1 "server down: fails at once, no retry without --wait"
start_hang
check_cmd "listener that accepts and never answers: exit 1, timed out" 1 "PING: timed out" \
    "$RP" --url "redis://127.0.0.1:$HANG_PORT" --timeout 1
within 1.5 "hanging listener: the --timeout 1 deadline holds"
check_cmd "hanging listener with --wait: still exit 1" 1 "timed out" \
    "$RP" --url "redis://127.0.0.1:$HANG_PORT" --timeout 0.5 --wait 1.5
within 2 "hanging listener with --wait 1.5: the overall deadline holds"

# ---- authentication --------------------------------------------------------------------------
PW="rp-pw-$RANDOM-s3cret"
WRONG="rp-wrong-$RANDOM-guess"
start_redis --requirepass "$PW"
AUTHP=$REDIS_PORT
printf '%s\n' "$PW" >"$TEST_TMP/pw"
seen=""
check_cmd "requirepass server, no password: exit 1 naming NOAUTH" 1 "PING: NOAUTH" \
    "$RP" --url "redis://127.0.0.1:$AUTHP"
check_cmd "wrong password: exit 1 naming WRONGPASS" 1 "AUTH: WRONGPASS" \
    "$RP" --url "redis://:$WRONG@127.0.0.1:$AUTHP"
seen+=$ALL
check_cmd "wrong password via REDISCLI_AUTH: exit 1 naming WRONGPASS" 1 "AUTH: WRONGPASS" \
    env REDISCLI_AUTH="$WRONG" "$RP" --url "redis://127.0.0.1:$AUTHP" --json
seen+=$ALL
check_cmd "right password in the URL: exit 0" 0 "PONG" "$RP" --url "redis://:$PW@127.0.0.1:$AUTHP"
seen+=$ALL
check_cmd "right password via --password-file: exit 0" 0 "PONG" \
    "$RP" --url "redis://127.0.0.1:$AUTHP" --password-file "$TEST_TMP/pw"
seen+=$ALL
check_cmd "right password via REDISCLI_AUTH: exit 0" 0 "PONG" \
    env REDISCLI_AUTH="$PW" "$RP" --url "redis://127.0.0.1:$AUTHP" --json
seen+=$ALL
check_cmd "URL user+password is AUTH user pass (ACL default user): exit 0" 0 "PONG" \
    "$RP" --url "redis://default:$PW@127.0.0.1:$AUTHP" --json
seen+=$ALL
redis-cli -p "$AUTHP" --no-auth-warning -a "$PW" ACL SETUSER rpuser on ">$PW-acl" '+ping' '+info' >/dev/null
check_cmd "ACL user with its own password: exit 0" 0 "PONG" \
    "$RP" --url "redis://rpuser:$PW-acl@127.0.0.1:$AUTHP"
seen+=$ALL
check_cmd "ACL user: a CONFIG-only --expect it may not run fails naming NOPERM" 1 "CONFIG GET: NOPERM" \
    "$RP" --url "redis://rpuser:$PW-acl@127.0.0.1:$AUTHP" --expect appendfsync=everysec --json
seen+=$ALL
check_cmd "--expect on requirepass: value masked, still compared" 0 "requirepass=\*\*\*" \
    env REDISCLI_AUTH="$PW" "$RP" --url "redis://127.0.0.1:$AUTHP" --expect "requirepass=$PW" --json
seen+=$ALL
check_cmd "a bad URL with a password is not echoed: exit 64" 64 "URL not shown: .*port must be" \
    "$RP" --url "redis://:$PW@127.0.0.1:99999"
seen+=$ALL
unlike "$seen" "$PW|$WRONG" "the passwords appear in no stdout/stderr/--json of the runs above"
check_cmd "URL password and --password-file together: exit 64" 64 "use one" \
    "$RP" --url "redis://:x@127.0.0.1:$AUTHP" --password-file "$TEST_TMP/pw"
check_cmd "unreadable password file: exit 64 naming the file" 64 "$TEST_TMP/no-such-file" \
    "$RP" --url "redis://127.0.0.1:$AUTHP" --password-file "$TEST_TMP/no-such-file"
: >"$TEST_TMP/empty"
check_cmd "empty password file: exit 64 naming the file" 64 "$TEST_TMP/empty: file is empty" \
    "$RP" --password-file "$TEST_TMP/empty"

# ---- --expect: INFO fields and CONFIG parameters -------------------------------------------------
start_redis --appendonly yes
AOF=$REDIS_PORT
check_cmd "--expect aof_enabled=1 against --appendonly yes: exit 0" 0 "PONG, aof_enabled=1 " \
    "$RP" --url "redis://127.0.0.1:$AOF" --expect aof_enabled=1
check_cmd "--expect aof_enabled=1 without AOF: exit 1 naming field, expected and actual" 1 \
    "aof_enabled: expected 1, got 0" "$RP" --url "redis://127.0.0.1:$PLAIN" --expect aof_enabled=1
check_cmd "--expect maxmemory_policy=noeviction (an INFO field): exit 0" 0 "maxmemory_policy=noeviction" \
    "$RP" --url "redis://127.0.0.1:$PLAIN" --expect maxmemory_policy=noeviction
is "$(redis-cli -p "$PLAIN" INFO | grep -c '^appendfsync:' || true)" 0 \
    "appendfsync is not an INFO field (so the next checks go through CONFIG GET)"
run "$RP" --url "redis://127.0.0.1:$AOF" --expect appendfsync=everysec --json
is "$RC" 0 "--expect appendfsync=everysec (CONFIG only): exit 0"
ok_if "--json reports the CONFIG source and the actual value" \
    json_ok '.expect[0] == {"field":"appendfsync","expected":"everysec","actual":"everysec","source":"config","ok":true}' "$OUT"
redis-cli -p "$AOF" CONFIG SET appendfsync always >/dev/null
check_cmd "after CONFIG SET appendfsync always, the same --expect fails naming the values" 1 \
    "appendfsync: expected everysec, got always" "$RP" --url "redis://127.0.0.1:$AOF" --expect appendfsync=everysec
check_cmd "several --expect: every mismatch named" 1 \
    "aof_enabled: expected 1, got 0; maxmemory_policy: expected allkeys-lru, got noeviction" \
    "$RP" --url "redis://127.0.0.1:$PLAIN" --expect aof_enabled=1 --expect maxmemory_policy=allkeys-lru
check_cmd "--expect of a field that exists nowhere: exit 1 saying so" 1 "no_such_thing: expected 1, got nothing" \
    "$RP" --url "redis://127.0.0.1:$PLAIN" --expect no_such_thing=1

# ---- LOADING: a server still loading its dataset is not healthy -----------------------------------
start_redis --enable-debug-command yes
DATA=$REDIS_DIR
redis-cli -p "$REDIS_PORT" DEBUG POPULATE 20000 >/dev/null
redis-cli -p "$REDIS_PORT" SAVE >/dev/null
redis-cli -p "$REDIS_PORT" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
wait "$REDIS_PID" 2>/dev/null || true
# 20000 keys x 100 us >= 2 s of loading; the small RDB needs a short events interval,
# else the server never answers (-LOADING or otherwise) until it has loaded.
start_redis --dir "$DATA" --key-load-delay 100 --loading-process-events-interval-bytes 1024
LOADP=$REDIS_PORT
like "$(redis-cli -p "$LOADP" INFO persistence)" "loading:1" "the restarted server is loading its dataset"
check_cmd "while the dataset loads: exit 1 naming LOADING" 1 "PING: LOADING Redis is loading" \
    "$RP" --url "redis://127.0.0.1:$LOADP"
run "$RP" --url "redis://127.0.0.1:$LOADP" --wait 30 --json
is "$RC" 0 "--wait rides out the loading: exit 0"
ok_if "--wait reports more than one attempt" json_ok '.ok == true and .attempts > 1' "$OUT"
is "$(redis-cli -p "$LOADP" DBSIZE)" 20000 "the server really loaded the dataset"

# ---- BUSY: a server stuck in a script is not healthy -------------------------------------------
start_redis --busy-reply-threshold 100
BUSYP=$REDIS_PORT
redis-cli -p "$BUSYP" EVAL 'while true do end' 0 >/dev/null 2>&1 &
track_pid $!
for _ in $(seq 100); do [[ $(redis-cli -p "$BUSYP" PING 2>&1) == BUSY* ]] && break; sleep 0.05; done
check_cmd "a server busy running a script: exit 1 naming BUSY" 1 "PING: BUSY Redis is busy" \
    "$RP" --url "redis://127.0.0.1:$BUSYP"
redis-cli -p "$BUSYP" SCRIPT KILL >/dev/null 2>&1 || true
check_cmd "after SCRIPT KILL the same server is healthy again" 0 "PONG" "$RP" --url "redis://127.0.0.1:$BUSYP" --wait 5

# ---- usage -------------------------------------------------------------------------------------
check_cmd "unknown flag: exit 64 naming it" 64 "unknown option '--bogus'" "$RP" --bogus
like "$ERR" "^Try 'redisping --help' for more information" "unknown flag: the hint names --help"
check_cmd "bad --timeout value: exit 64 naming it" 64 "--timeout: 'soon'" "$RP" --timeout soon
check_cmd "--expect without '=': exit 64" 64 "--expect 'aof_enabled'" "$RP" --expect aof_enabled
check_cmd "a bad REDIS_URL: exit 64 naming REDIS_URL" 64 "REDIS_URL 'redis://h:x'" env REDIS_URL=redis://h:x "$RP"
check_cmd "--version: exit 0" 0 "^redisping [0-9]+\.[0-9]+" "$RP" --version
check_cmd "--help: exit 0, documents --expect" 0 "--expect FIELD=VALUE" "$RP" --help
like "$OUT" "^  -w, --wait SEC" "--help shows the common options"
like "$(printf '%s\n' "$OUT" | tail -n 5)" "^  64  bad usage" "--help ends with the exit status table"

# ---- memory ------------------------------------------------------------------------------------
case $ARC_BIN in
*-asan*)
    skip "valgrind: not with the ASan build (the sanitizers check it)"
    skip "valgrind: not with the ASan build (the sanitizers check it)"
    ;;
*)
    valgrind_clean "healthy run with --expect and --json" 0 \
        "$RP" --url "redis://:$PW@127.0.0.1:$AUTHP" --expect maxmemory_policy=noeviction --expect appendfsync=everysec --json
    valgrind_clean "failing run (NOAUTH)" 1 "$RP" --url "redis://127.0.0.1:$AUTHP"
    ;;
esac

done_testing
